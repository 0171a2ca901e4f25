/* Model plugins (include/sgdlab_plugin.h): a shared object loaded with dlopen
 * becomes an sgl_model_type whose slots call the plugin, so every noise kind,
 * observable, limit and check works on it.  Loaded models are kept for the
 * life of the process, keyed by (path, content hash, parameters): a plan, a
 * validation and a sweep's runs share one instance, and a model type pointer
 * handed out stays valid (plans hold it).  The content hash is FNV-1a 64 of
 * the file's bytes, like --data-file's: it enters the canonical form (and so
 * the run key) beside the path.  A plugin may also be registered from memory
 * under an id (sgdlab.Model: function pointers to Python callbacks) with a
 * content hash of its own, which a spec then names like a file. */
#include "../internal.h"
#include "sgdlab_plugin.h"

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct plug {
    sgl_model_type type;   /* type.impl = this plug */
    const sgl_model_plugin *api;
    void *handle, *self;
    char *path;
    uint64_t hash;
    char params[SGL_PLUGIN_PARAM_MAX];
    char name[64], doc[160];
    struct plug *next;
} plug;

static plug *g_plugs;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

/* models registered from memory (sgl_model_plugin_register): a spec names one by its id instead of a file */
typedef struct reg {
    char *id;
    uint64_t hash;
    const sgl_model_plugin *api;
    struct reg *next;
} reg;
static reg *g_regs;

/* the registered model of this id, else NULL; the caller holds g_lock */
static const reg *registered(const char *id)
{
    for (const reg *r = g_regs; r; r = r->next)
        if (strcmp(r->id, id) == 0) return r;
    return NULL;
}

/* the content hash of a plugin: a registered one's, else its file's */
static sgl_status plugin_hash(const char *path, uint64_t *h, const sgl_model_plugin **api, sgl_err *err)
{
    pthread_mutex_lock(&g_lock);
    const reg *r = registered(path);
    if (r) {
        *h = r->hash;
        *api = r->api;
    }
    pthread_mutex_unlock(&g_lock);
    if (r) return SGL_OK;
    *api = NULL;
    return sgl_file_hash(path, "--model-plugin", h, err);
}

/* ------------------------------------------------------------ the adapters */

static const plug *of(const sgl_model *m) { return m->type->impl; }
static sgl_plugin_data view(const sgl_model *m)
{
    const sgl_data *D = m->data;
    return (sgl_plugin_data){D->n, D->d, D->ld, D->Z, D->y};
}

static size_t a_dim(const sgl_model *m)
{
    sgl_plugin_data v = view(m);
    return of(m)->api->dim(of(m)->self, &v);
}

static size_t a_scratch(const sgl_model *m)
{
    sgl_plugin_data v = view(m);
    return of(m)->api->scratch ? of(m)->api->scratch(of(m)->self, &v) : 0;
}

static void a_init(const sgl_model *m, double alpha, double *theta)
{
    sgl_plugin_data v = view(m);
    memset(theta, 0, m->dim * sizeof *theta);
    of(m)->api->init(of(m)->self, &v, alpha, theta);
}

static void a_residuals(const sgl_model *m, const double *theta, const uint32_t *idx, size_t nidx, double *r,
                        double *scratch)
{
    sgl_plugin_data v = view(m);
    of(m)->api->residuals(of(m)->self, &v, theta, idx, nidx, r, scratch);
}

static void a_jt(const sgl_model *m, const double *theta, const uint32_t *idx, size_t nidx, const double *c, double *g,
                 double *scratch)
{
    sgl_plugin_data v = view(m);
    of(m)->api->jt(of(m)->self, &v, theta, idx, nidx, c, g, scratch);
}

static void a_hvp(const sgl_model *m, const double *theta, const double *p, double *out, double *scratch)
{
    sgl_plugin_data v = view(m);
    of(m)->api->hvp(of(m)->self, &v, m->a, theta, p, out, scratch);
}

static double a_trace(const sgl_model *m, const double *theta, double *scratch)
{
    sgl_plugin_data v = view(m);
    return of(m)->api->trace(of(m)->self, &v, m->a, theta, scratch);
}

static void a_d3(const sgl_model *m, const double *theta, const double *A, double *out, double *scratch)
{
    sgl_plugin_data v = view(m);
    of(m)->api->d3(of(m)->self, &v, m->a, theta, A, out, scratch);
}

static void a_layout(const sgl_model *m, size_t *nb, size_t *len, size_t *stride)
{
    sgl_plugin_data v = view(m);
    of(m)->api->layout(of(m)->self, &v, nb, len, stride);
}

/* the teacher's labels for generated data (sgl_model_data_alloc) */
typedef struct { const plug *p; size_t d; } label_ctx;
static double a_label(const void *ctx, const double *z)
{
    const label_ctx *c = ctx;
    return c->p->api->label(c->p->self, z, c->d);
}

void sgl_plugin_relabel(const sgl_model_type *t, const sgl_data_spec *spec, uint64_t seed, uint32_t draw, sgl_data *D)
{
    if (t->dim != a_dim || spec->input == SGL_INPUT_CSV || (t->caps & SGL_CAP_NODATA)) return;
    const plug *p = t->impl;
    if (!p->api->label) return;
    label_ctx c = {p, D->d};
    sgl_data_relabel(D, spec->label_noise, seed, draw, a_label, &c);
}

/* -------------------------------------------------------------- loading */

sgl_status sgl_file_hash(const char *path, const char *field, uint64_t *hash, sgl_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return sgl_fail(err, SGL_EINVAL, field, "cannot open '%s': %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return sgl_fail(err, SGL_EINVAL, field, "'%s' is not a regular file", path);
    }
    uint64_t h = 0xcbf29ce484222325ull;
    unsigned char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < got; ++i) h = (h ^ buf[i]) * 0x100000001b3ull;
    const int bad = ferror(f);
    fclose(f);
    if (bad) return sgl_fail(err, SGL_EINVAL, field, "cannot read '%s'", path);
    *hash = h;
    return SGL_OK;
}

/* "k1=v1,k2=v2" (sorted, checked by the setter) into key/value pointers into buf */
static size_t split_params(char *buf, sgl_plugin_param *out, size_t cap)
{
    size_t n = 0;
    for (char *tok = buf; *tok && n < cap;) {
        char *comma = strchr(tok, ','), *eq = strchr(tok, '=');
        if (comma) *comma = '\0';
        if (eq) *eq = '\0';
        out[n].key = tok;
        out[n].value = eq ? eq + 1 : "";
        ++n;
        if (!comma) break;
        tok = comma + 1;
    }
    return n;
}

/* the plugin's struct checked: ABI, size, required slots */
static sgl_status check_api(const sgl_model_plugin *api, const char *path, sgl_err *err)
{
    const char *F = "--model-plugin";
    if (api->abi_version != SGL_PLUGIN_ABI_VERSION)
        return sgl_fail(err, SGL_EINVAL, F,
                        "'%s' has plugin ABI version %u; this sgdlab loads version %d (rebuild it against this "
                        "sgdlab's include/sgdlab_plugin.h)", path, (unsigned)api->abi_version, SGL_PLUGIN_ABI_VERSION);
    if (api->size != sizeof(sgl_model_plugin))
        return sgl_fail(err, SGL_EINVAL, F,
                        "'%s' has a plugin struct of %u bytes; this sgdlab expects %zu (rebuild it against this "
                        "sgdlab's include/sgdlab_plugin.h)", path, (unsigned)api->size, sizeof(sgl_model_plugin));
    const char *missing = !api->name ? "name" : !api->dim ? "dim" : !api->init ? "init" : !api->residuals ? "residuals"
                          : !api->jt ? "jt" : !api->hvp ? "hvp" : NULL;
    if (missing) return sgl_fail(err, SGL_EINVAL, F, "'%s' lacks the required slot '%s'", path, missing);
    if (!(api->default_a > 0 && isfinite(api->default_a)))
        return sgl_fail(err, SGL_EINVAL, F, "'%s': default_a must be finite and > 0, got %g", path, api->default_a);
    return SGL_OK;
}

/* the instance for the parameters, and the model type around it */
static sgl_status make_instance(plug *p, sgl_err *err)
{
    const sgl_model_plugin *api = p->api;
    char buf[SGL_PLUGIN_PARAM_MAX], msg[256] = "";
    sgl_plugin_param kv[SGL_PLUGIN_PARAM_MAX / 2];
    snprintf(buf, sizeof buf, "%s", p->params);
    const size_t n = split_params(buf, kv, sizeof kv / sizeof kv[0]);
    if (!api->create && n > 0)
        return sgl_fail(err, SGL_EINVAL, "--plugin-param", "model plugin '%s' takes no parameters (got '%s')",
                        api->name, kv[0].key);
    if (api->create && api->create(kv, n, &p->self, msg, sizeof msg) != 0)
        return sgl_fail(err, SGL_EINVAL, "--plugin-param", "model plugin '%s': %s", api->name,
                        msg[0] ? msg : "rejected its parameters");
    snprintf(p->name, sizeof p->name, "%s", api->name);
    snprintf(p->doc, sizeof p->doc, "%s", api->doc ? api->doc : "");
    sgl_model_type *t = &p->type;
    t->name = p->name;
    t->doc = p->doc;
    t->caps = SGL_CAP_RESIDUALS | SGL_CAP_HVP | (api->trace ? SGL_CAP_TRACE : 0u) |
              ((api->flags & SGL_PLUGIN_NODATA) ? SGL_CAP_NODATA : 0u);
    t->default_a = api->default_a;
    t->impl = p;
    t->dim = a_dim;
    t->init = a_init;
    t->residuals = a_residuals;
    t->jt = a_jt;
    t->hvp = a_hvp;
    t->trace = api->trace ? a_trace : NULL;
    t->d3 = api->d3 ? a_d3 : NULL;
    t->layout = api->layout ? a_layout : NULL;
    t->extra_scratch = a_scratch;
    return SGL_OK;
}

static sgl_status load(plug *p, sgl_err *err)
{
    char where[4096];
    /* a name without '/' would be searched for in the library path, not here */
    snprintf(where, sizeof where, "%s%s", strchr(p->path, '/') ? "" : "./", p->path);
    dlerror();
    p->handle = dlopen(where, RTLD_NOW | RTLD_LOCAL);
    if (!p->handle) {
        const char *why = dlerror();
        return sgl_fail(err, SGL_EINVAL, "--model-plugin", "cannot load '%s': %s", p->path, why ? why : "dlopen failed");
    }
    p->api = dlsym(p->handle, SGL_MODEL_PLUGIN_SYMBOL);
    if (!p->api)
        return sgl_fail(err, SGL_EINVAL, "--model-plugin",
                        "'%s' has no symbol '%s' (define const sgl_model_plugin %s = {...}; see "
                        "include/sgdlab_plugin.h)", p->path, SGL_MODEL_PLUGIN_SYMBOL, SGL_MODEL_PLUGIN_SYMBOL);
    sgl_status st = check_api(p->api, p->path, err);
    return st != SGL_OK ? st : make_instance(p, err);
}

sgl_status sgl_model_plugin_register(const char *id, uint64_t hash, const sgl_model_plugin *api, sgl_err *err)
{
    if (!id || !id[0] || strchr(id, '/'))
        return sgl_fail(err, SGL_EINVAL, "--model-plugin", "a registered model's id must be a non-empty name "
                        "without '/'");
    if (hash == 0) return sgl_fail(err, SGL_EINVAL, "--model-plugin", "'%s': the content hash must be nonzero", id);
    sgl_status st = check_api(api, id, err);
    if (st != SGL_OK) return st;
    pthread_mutex_lock(&g_lock);
    const reg *old = registered(id);
    reg *r = NULL;
    if (old && old->hash != hash)
        st = sgl_fail(err, SGL_EINVAL, "--model-plugin", "'%s' is already registered with other content (hash "
                      "%016llx, now %016llx)", id, (unsigned long long)old->hash, (unsigned long long)hash);
    else if (!old && (!(r = sgl_calloc(1, sizeof *r)) || !(r->id = sgl_strdup(id)))) {
        sgl_free(r);
        st = sgl_fail(err, SGL_ENOMEM, "--model-plugin", "out of memory");
    } else if (!old) {
        r->hash = hash;
        r->api = api;
        r->next = g_regs;
        g_regs = r;
    }
    pthread_mutex_unlock(&g_lock);
    return st;
}

static void drop(plug *p)
{
    if (!p) return;
    if (p->self && p->api && p->api->destroy) p->api->destroy(p->self);
    if (p->handle) dlclose(p->handle);
    sgl_free(p->path);
    sgl_free(p);
}

sgl_status sgl_plugin_model(const char *path, uint64_t hash, const char *params, const sgl_model_type **out,
                            sgl_err *err)
{
    *out = NULL;
    uint64_t now;
    const sgl_model_plugin *api;
    sgl_status st = plugin_hash(path, &now, &api, err);
    if (st != SGL_OK) return st;
    if (hash != 0 && hash != now)
        return sgl_fail(err, SGL_EINVAL, "--model-plugin",
                        "'%s' changed after the run was specified (content hash %016llx, now %016llx)", path,
                        (unsigned long long)hash, (unsigned long long)now);
    pthread_mutex_lock(&g_lock);
    for (plug *q = g_plugs; q; q = q->next)
        if (q->hash == now && strcmp(q->path, path) == 0 && strcmp(q->params, params) == 0) {
            *out = &q->type;
            pthread_mutex_unlock(&g_lock);
            return SGL_OK;
        }
    plug *p = sgl_calloc(1, sizeof *p);
    if (!p || !(p->path = sgl_strdup(path))) {
        sgl_free(p);
        pthread_mutex_unlock(&g_lock);
        return sgl_fail(err, SGL_ENOMEM, "--model-plugin", "out of memory");
    }
    p->hash = now;
    p->api = api;   /* a registered model's (no file to load) */
    snprintf(p->params, sizeof p->params, "%s", params);
    if ((st = api ? make_instance(p, err) : load(p, err)) != SGL_OK) {
        drop(p);
    } else {
        p->next = g_plugs;
        g_plugs = p;
        *out = &p->type;
    }
    pthread_mutex_unlock(&g_lock);
    return st;
}

/* ------------------------------------------------------------- the spec */

int sgl_spec_has_plugin(const sgl_spec *s) { return s->model_plugin && s->model_plugin[0]; }

sgl_status sgl_spec_model(const sgl_spec *s, const sgl_model_type **out, sgl_err *err)
{
    if (!sgl_spec_has_plugin(s)) {
        *out = sgl_model_lookup(s->model);
        return SGL_OK;
    }
    if (s->plugin_hash == 0)
        return sgl_fail(err, SGL_EINVAL, "--model-plugin",
                        "'%s' not resolved: sgl_spec_resolve_data puts its content hash into the spec", s->model_plugin);
    return sgl_plugin_model(s->model_plugin, s->plugin_hash, s->plugin_param, out, err);
}

const sgl_model_type *sgl_spec_model_or_null(const sgl_spec *s)
{
    const sgl_model_type *mt = NULL;
    sgl_err e;
    if (!sgl_spec_has_plugin(s)) return sgl_model_lookup(s->model);
    /* also before the spec is resolved (the relevance checks come first) */
    return sgl_plugin_model(s->model_plugin, s->plugin_hash, s->plugin_param, &mt, &e) == SGL_OK ? mt : NULL;
}

sgl_status sgl_spec_resolve_plugin(sgl_spec *s, sgl_err *err)
{
    if (!sgl_spec_has_plugin(s)) {
        if (s->plugin_param[0])
            return sgl_fail(err, SGL_EINVAL, "--plugin-param", "only used with --model-plugin FILE");
        return SGL_OK;
    }
    const sgl_model_plugin *api;
    sgl_status st = plugin_hash(s->model_plugin, &s->plugin_hash, &api, err);
    if (st != SGL_OK) return st;
    s->model = "plugin";
    return SGL_OK;
}
