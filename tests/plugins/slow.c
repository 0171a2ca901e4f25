/* A model plugin whose runs take wall time but no CPU, for the store-claim tests (tests/cli/cli_store_claims.sh):
 * the concurrency they check (a second process finds a run claimed, a sweep is killed while it holds a claim)
 * needs each run to last long enough to be caught, and the built-in models now finish a run in a millisecond.
 * init sleeps SGL_TEST_SLOW_MS milliseconds (environment; default 0), which changes no result: the model is
 * the 1-D quadratic r(theta) = theta - 1, L = a r^2, no data. */
#define _POSIX_C_SOURCE 200809L
#include "sgdlab_plugin.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

static size_t dim(const void *self, const sgl_plugin_data *data) { (void)self; (void)data; return 1; }

static void init(const void *self, const sgl_plugin_data *data, double alpha, double *theta)
{
    (void)self; (void)data;
    const char *e = getenv("SGL_TEST_SLOW_MS");
    long ms = e ? strtol(e, NULL, 10) : 0;
    if (ms > 0) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    }
    theta[0] = alpha;
}

static void residuals(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx,
                      size_t nidx, double *r, double *scratch)
{
    (void)self; (void)data; (void)idx; (void)scratch;
    for (size_t k = 0; k < nidx; ++k) r[k] = theta[0] - 1.0;
}

static void jt(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx, size_t nidx,
               const double *c, double *g, double *scratch)
{
    (void)self; (void)data; (void)theta; (void)idx; (void)scratch;
    double s = 0.0;
    for (size_t k = 0; k < nidx; ++k) s += c[k];
    g[0] = s;
}

static void hvp(const void *self, const sgl_plugin_data *data, double a, const double *theta, const double *p,
                double *out, double *scratch)
{
    (void)self; (void)data; (void)theta; (void)scratch;
    out[0] = 2.0 * a * p[0];
}

const sgl_model_plugin sgdlab_model_plugin = {
    .abi_version = SGL_PLUGIN_ABI_VERSION,
    .size = sizeof(sgl_model_plugin),
    .name = "slow",
    .doc = "L = a (theta - 1)^2 in R^1; init sleeps SGL_TEST_SLOW_MS ms (a test model)",
    .flags = SGL_PLUGIN_NODATA,
    .default_a = 0.5,
    .dim = dim,
    .init = init,
    .residuals = residuals,
    .jt = jt,
    .hvp = hvp,
};
