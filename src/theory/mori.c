/* Mori, Ziyin, Liu, Ueda: power-law escape rate (THEORY 5.3-5.4). */
#include "../internal.h"

#include <math.h>

sgl_status sgl_theory_mori(unsigned n, double h_star, double h_sad, double det_ratio, double L_star,
                           double L_sad, double B_over_eta, sgl_mori_pred *out, sgl_err *err)
{
    if (n < 1) return sgl_fail(err, SGL_EINVAL, "n", "number of outlier directions must be >= 1");
    if (!(h_star > 0.0)) return sgl_fail(err, SGL_EINVAL, "h_star", "h* = %g; must be > 0", h_star);
    if (!(h_sad < 0.0)) return sgl_fail(err, SGL_EINVAL, "h_sad", "h^s = %g; must be < 0", h_sad);
    if (!(L_star > 0.0) || !(L_sad > L_star))
        return sgl_fail(err, SGL_EINVAL, "L_star", "need 0 < L* < L^s (got %g, %g)", L_star, L_sad);
    if (!(B_over_eta > 0.0)) return sgl_fail(err, SGL_EINVAL, "B-over-eta", "B/eta = %g; must be > 0", B_over_eta);
    if (n > 1 && !(det_ratio > 0.0)) return sgl_fail(err, SGL_EINVAL, "det_ratio", "det H*/|det H^s| must be > 0");
    double k0 = B_over_eta / h_star, lr = log(L_sad / L_star);
    double pref = n == 1 ? sqrt(h_star * -h_sad) / (2.0 * M_PI) : -h_sad / (2.0 * M_PI) * sqrt(det_ratio);
    out->exponent = k0 + 1.0 - 0.5 * n;
    out->rate = pref * exp(-out->exponent * lr);
    out->validity = k0 * lr;
    out->phi = 1.0 + k0;
    out->n_c = 2.0 * (k0 + 1.0);
    return SGL_OK;
}
