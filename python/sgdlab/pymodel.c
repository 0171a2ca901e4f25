/* The Python-callback model (sgdlab.Model, python/sgdlab/_model.py): a model plugin
 * (include/sgdlab_plugin.h) whose functions call functions the Python package registers in a slot
 * table (cffi callbacks over numpy code) through sgl_pymodel_set.  The plugin parameter slot=N picks
 * the slot; name and code (a hash of the Python functions) only enter the stored parameters and so
 * the run key.  Outputs are set to NaN before each call, so a Python function that raises leaves
 * non-finite values: the trajectory counts as diverged, nothing crashes.  Built by CMake as
 * build/libsgdlab_pymodel.so next to libsgdlab.so. */
#include "sgdlab_plugin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t (*dim)(size_t d, size_t n);
    void (*init)(const sgl_plugin_data *data, double alpha, double *theta, size_t D);
    void (*residuals)(const sgl_plugin_data *data, const double *theta, size_t D, const uint32_t *idx, size_t nidx,
                      double *r);
    void (*jt)(const sgl_plugin_data *data, const double *theta, size_t D, const uint32_t *idx, size_t nidx,
               const double *c, double *g);
    void (*hvp)(const sgl_plugin_data *data, double a, const double *theta, size_t D, const double *p, double *out);
} sgl_pymodel_slot;

enum { NSLOT = 1024 };
static sgl_pymodel_slot g_slot[NSLOT];

/* register (or replace) slot i: 0, or -1 when i is out of range */
int sgl_pymodel_set(unsigned i, const sgl_pymodel_slot *s)
{
    if (i >= NSLOT) return -1;
    g_slot[i] = *s;
    return 0;
}

static int create(const sgl_plugin_param *kv, size_t n, void **self, char *msg, size_t len)
{
    long slot = -1;
    for (size_t k = 0; k < n; ++k) {
        if (strcmp(kv[k].key, "slot") == 0) {
            char *end;
            slot = strtol(kv[k].value, &end, 10);
            if (*end || slot < 0 || slot >= NSLOT) slot = -2;
        } else if (strcmp(kv[k].key, "name") != 0 && strcmp(kv[k].key, "code") != 0) {
            snprintf(msg, len, "unknown key '%s' (valid: slot, name, code; set by sgdlab.Model)", kv[k].key);
            return 1;
        }
    }
    if (slot < 0 || !g_slot[slot].dim) {
        snprintf(msg, len, "no Python model registered in this slot (sgdlab.Model registers one; a Python model "
                           "runs only inside the Python process that defined it)");
        return 1;
    }
    *self = &g_slot[slot];
    return 0;
}

static size_t dim(const void *self, const sgl_plugin_data *data)
{
    return ((const sgl_pymodel_slot *)self)->dim(data->d, data->n);
}

static void nan_fill(double *x, size_t n)
{
    for (size_t i = 0; i < n; ++i) x[i] = NAN;
}

static void init(const void *self, const sgl_plugin_data *data, double alpha, double *theta)
{
    const sgl_pymodel_slot *s = self;
    const size_t D = s->dim(data->d, data->n);
    nan_fill(theta, D);
    s->init(data, alpha, theta, D);
}

static void residuals(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx,
                      size_t nidx, double *r, double *scratch)
{
    (void)scratch;
    const sgl_pymodel_slot *s = self;
    nan_fill(r, idx ? nidx : data->n);
    s->residuals(data, theta, s->dim(data->d, data->n), idx, idx ? nidx : data->n, r);
}

static void jt(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx, size_t nidx,
               const double *c, double *g, double *scratch)
{
    (void)scratch;
    const sgl_pymodel_slot *s = self;
    const size_t D = s->dim(data->d, data->n);
    nan_fill(g, D);
    s->jt(data, theta, D, idx, idx ? nidx : data->n, c, g);
}

static void hvp(const void *self, const sgl_plugin_data *data, double a, const double *theta, const double *p,
                double *out, double *scratch)
{
    (void)scratch;
    const sgl_pymodel_slot *s = self;
    const size_t D = s->dim(data->d, data->n);
    nan_fill(out, D);
    s->hvp(data, a, theta, D, p, out);
}

const sgl_model_plugin sgdlab_model_plugin = {
    .abi_version = SGL_PLUGIN_ABI_VERSION,
    .size = sizeof(sgl_model_plugin),
    .name = "python",
    .doc = "a model from Python functions (sgdlab.Model)",
    .default_a = 1.0,
    .create = create,
    .dim = dim,
    .init = init,
    .residuals = residuals,
    .jt = jt,
    .hvp = hvp,
};
