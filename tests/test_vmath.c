/* The library's own vector log and sincos(2 pi u) (src/vmath.h) against libm
 * (and long-double sin/cos), over 10^6 stream uniforms plus the extremes of
 * the uniform range.  Deterministic: no false-failure probability to state.
 * Tolerances: log within 4 ulp (relative), sin and cos within 2 * 2^-52
 * absolute (Box-Muller multiplies them by a radius, so absolute is what counts). */
#include "sgdlab.h"
#include "vmath.h"
#include <stdio.h>
#include "testutil.h"

#include <math.h>

int main(void)
{
    double worst_l = 0, worst_s = 0, worst_c = 0, worst_norm = 0;
    sgl_stream st;
    sgl_stream_init(&st, 11, 0, 0, SGL_P_INIT);
    const double extremes[] = {0x1p-53, 0x1p-52, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875,
                               0.7071067811865476, 1.0 - 0x1p-52, 1.0 - 0x1p-53};
    const int n_ext = (int)(sizeof extremes / sizeof extremes[0]);
    for (int k = 0; k < 1000000 + n_ext; ++k) {
        double u = k < n_ext ? extremes[k] : sgl_stream_uniform(&st);
        sgl_vm v = sgl_vm_splat(u), s, c;
        sgl_vm l = sgl_vm_log(v);
        sgl_vm_sincos2pi(v, &s, &c);
        double ref = log(u);
        if (ref != 0.0) {
            double el = fabs(l[0] - ref) / (fabs(ref) * 0x1p-52);
            if (el > worst_l) worst_l = el;
        }
        long double a = 2.0L * 3.14159265358979323846264338327950288L * (long double)u;
        double es = fabs(s[0] - (double)sinl(a)) / 0x1p-52, ec = fabs(c[0] - (double)cosl(a)) / 0x1p-52;
        if (es > worst_s) worst_s = es;
        if (ec > worst_c) worst_c = ec;
        double en = fabs(s[0] * s[0] + c[0] * c[0] - 1.0) / 0x1p-52;
        if (en > worst_norm) worst_norm = en;
    }
    check_le(worst_l, 4.0, "log: max relative error in ulp over 1e6 uniforms and extremes");
    check_le(worst_s, 2.0, "sin(2 pi u): max absolute error in units of 2^-52");
    check_le(worst_c, 2.0, "cos(2 pi u): max absolute error in units of 2^-52");
    check_le(worst_norm, 4.0, "sin^2 + cos^2 - 1 in units of 2^-52");
    /* special values as libm, and subnormals */
    const double sp[8] = {0.0, -0.0, __builtin_inf(), -1.0, __builtin_nan(""), 0x1p-1074, 3e-310, 0x1p-1022};
    double ls[8];
    for (int i = 0; i < 8; ++i) ls[i] = sgl_vm_log(sgl_vm_splat(sp[i]))[0];
    check_true(ls[0] == -__builtin_inf() && ls[1] == -__builtin_inf(), "log(+-0) = -inf");
    check_true(ls[2] == __builtin_inf(), "log(inf) = inf");
    check_true(isnan(ls[3]) && isnan(ls[4]), "log(-1) and log(NaN) are NaN");
    for (int i = 5; i < 8; ++i)
        check_le(fabs(ls[i] - log(sp[i])) / (fabs(log(sp[i])) * 0x1p-52), 4.0,
                 "log of subnormal/min-normal %.17g within 4 ulp of libm", sp[i]);

    /* lanes are independent: a vector of different inputs equals lane-by-lane */
    sgl_vm u, s, c;
    for (int i = 0; i < SGL_VM_LANES; ++i) u[i] = 0.1 + 0.11 * i;
    sgl_vm_sincos2pi(u, &s, &c);
    sgl_vm l = sgl_vm_log(u);
    int same = 1;
    for (int i = 0; i < SGL_VM_LANES; ++i) {
        sgl_vm si, ci;
        sgl_vm_sincos2pi(sgl_vm_splat(u[i]), &si, &ci);
        same &= si[0] == s[i] && ci[0] == c[i] && sgl_vm_log(sgl_vm_splat(u[i]))[0] == l[i];
    }
    check_true(same, "mixed-lane evaluation equals lane-by-lane evaluation");
    return done();
}
