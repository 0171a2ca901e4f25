/* Landscape plugins (include/sgdlab_plugin.h): a shared object's escape
 * landscape (value, gradient, Hessian, critical points) becomes an
 * sgl_landscape_type named "NAME@HASH8", found by sgl_landscape_lookup like a
 * built-in, so every escape noise, dynamics, event and estimate works on it.
 * The landscape hooks receive only the parameters, so each loaded plugin gets
 * one of SGL_LPLUG_MAX slots with its own adapter functions.  A plugin may
 * also be registered from memory under an id (sgdlab.Landscape: function
 * pointers to Python callbacks), which a spec then names like a file. */
#include "../internal.h"
#include "escape.h"
#include "sgdlab_plugin.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define SGL_LPLUG_MAX 32

typedef struct {
    sgl_landscape_type type;
    const sgl_landscape_plugin *api;
    void *handle;
    char path[1024];
    uint64_t hash;
    char name[96], doc[200], reads[64];
    int registered;   /* put here by sgl_landscape_plugin_register (path: its id), not loaded from a file */
} lplug;

static lplug g_lp[SGL_LPLUG_MAX];
static size_t g_nlp;
static pthread_mutex_t g_llock = PTHREAD_MUTEX_INITIALIZER;

static sgl_plugin_lparams lparams(const sgl_landscape_params *p)
{
    return (sgl_plugin_lparams){p->n, p->L0, p->a, p->h, p->q, p->k};
}

/* slot i's adapters */
#define SLOT(i)                                                                                                      \
    static double value_##i(const sgl_landscape_params *p, const double *x)                                          \
    {                                                                                                                \
        sgl_plugin_lparams q = lparams(p);                                                                           \
        return g_lp[i].api->value(&q, x);                                                                            \
    }                                                                                                                \
    static void grad_##i(const sgl_landscape_params *p, const double *x, double *g)                                  \
    {                                                                                                                \
        sgl_plugin_lparams q = lparams(p);                                                                           \
        g_lp[i].api->grad(&q, x, g);                                                                                 \
    }                                                                                                                \
    static void hess_##i(const sgl_landscape_params *p, const double *x, double *H)                                  \
    {                                                                                                                \
        sgl_plugin_lparams q = lparams(p);                                                                           \
        g_lp[i].api->hess(&q, x, H);                                                                                 \
    }                                                                                                                \
    static void critical_##i(const sgl_landscape_params *p, double *a, double *b, double *c)                         \
    {                                                                                                                \
        sgl_plugin_lparams q = lparams(p);                                                                           \
        g_lp[i].api->critical(&q, a, b, c);                                                                          \
    }
SLOT(0) SLOT(1) SLOT(2) SLOT(3) SLOT(4) SLOT(5) SLOT(6) SLOT(7)
SLOT(8) SLOT(9) SLOT(10) SLOT(11) SLOT(12) SLOT(13) SLOT(14) SLOT(15)
SLOT(16) SLOT(17) SLOT(18) SLOT(19) SLOT(20) SLOT(21) SLOT(22) SLOT(23)
SLOT(24) SLOT(25) SLOT(26) SLOT(27) SLOT(28) SLOT(29) SLOT(30) SLOT(31)
#define HOOKS(i) {value_##i, grad_##i, hess_##i, critical_##i}
static const struct {
    double (*value)(const sgl_landscape_params *, const double *);
    void (*grad)(const sgl_landscape_params *, const double *, double *);
    void (*hess)(const sgl_landscape_params *, const double *, double *);
    void (*critical)(const sgl_landscape_params *, double *, double *, double *);
} k_hooks[SGL_LPLUG_MAX] = {HOOKS(0), HOOKS(1), HOOKS(2), HOOKS(3), HOOKS(4), HOOKS(5), HOOKS(6), HOOKS(7),
                            HOOKS(8), HOOKS(9), HOOKS(10), HOOKS(11), HOOKS(12), HOOKS(13), HOOKS(14), HOOKS(15),
                            HOOKS(16), HOOKS(17), HOOKS(18), HOOKS(19), HOOKS(20), HOOKS(21), HOOKS(22), HOOKS(23),
                            HOOKS(24), HOOKS(25), HOOKS(26), HOOKS(27), HOOKS(28), HOOKS(29), HOOKS(30), HOOKS(31)};

const sgl_landscape_type *sgl_landscape_plugin_find(const char *name)
{
    const sgl_landscape_type *t = NULL;
    pthread_mutex_lock(&g_llock);
    for (size_t i = 0; name && i < g_nlp && !t; ++i)
        if (strcmp(g_lp[i].name, name) == 0) t = &g_lp[i].type;
    pthread_mutex_unlock(&g_llock);
    return t;
}

static sgl_status check_lapi(const sgl_landscape_plugin *api, const char *path, sgl_err *err)
{
    const char *F = "--landscape-plugin";
    if (api->abi_version != SGL_PLUGIN_ABI_VERSION)
        return sgl_fail(err, SGL_EINVAL, F,
                        "'%s' has plugin ABI version %u; this sgdlab loads version %d (rebuild it against this "
                        "sgdlab's include/sgdlab_plugin.h)", path, (unsigned)api->abi_version, SGL_PLUGIN_ABI_VERSION);
    if (api->size != sizeof(sgl_landscape_plugin))
        return sgl_fail(err, SGL_EINVAL, F,
                        "'%s' has a plugin struct of %u bytes; this sgdlab expects %zu (rebuild it against this "
                        "sgdlab's include/sgdlab_plugin.h)", path, (unsigned)api->size, sizeof(sgl_landscape_plugin));
    const char *missing = !api->name ? "name" : !api->value ? "value" : !api->grad ? "grad" : !api->hess ? "hess"
                          : !api->critical ? "critical" : NULL;
    if (missing) return sgl_fail(err, SGL_EINVAL, F, "'%s' lacks the required slot '%s'", path, missing);
    if (api->max_dim < 1 || api->max_dim > SGL_ESC_MAX_DIM)
        return sgl_fail(err, SGL_EINVAL, F, "'%s': max_dim must be 1..%d, got %u", path, SGL_ESC_MAX_DIM, api->max_dim);
    return SGL_OK;
}

/* api (checked) into slot g_nlp under the id path (a file, or a registered name) and content hash h; the caller
 * holds the lock */
static sgl_status ladd(const sgl_landscape_plugin *api, void *handle, const char *path, uint64_t h, sgl_err *err)
{
    if (g_nlp == SGL_LPLUG_MAX)
        return sgl_fail(err, SGL_EINVAL, "--landscape-plugin", "at most %d landscape plugins in one process",
                        SGL_LPLUG_MAX);
    lplug *p = &g_lp[g_nlp];
    memset(p, 0, sizeof *p);
    p->api = api;
    p->handle = handle;
    p->hash = h;
    snprintf(p->path, sizeof p->path, "%s", path);
    snprintf(p->name, sizeof p->name, "%.60s@%08llx", api->name, (unsigned long long)(h >> 32));
    snprintf(p->doc, sizeof p->doc, "%s", api->doc ? api->doc : "");
    snprintf(p->reads, sizeof p->reads, "%s", api->reads ? api->reads : "");
    sgl_landscape_type *t = &p->type;
    t->name = p->name;
    t->doc = p->doc;
    t->reads = p->reads;
    t->has_saddle = api->has_saddle != 0;
    t->max_dim = api->max_dim;
    t->value = k_hooks[g_nlp].value;
    t->grad = k_hooks[g_nlp].grad;
    t->hess = k_hooks[g_nlp].hess;
    t->critical = k_hooks[g_nlp].critical;
    ++g_nlp;
    return SGL_OK;
}

/* load path (content hash h) into slot g_nlp; the caller holds the lock */
static sgl_status lload(const char *path, uint64_t h, sgl_err *err)
{
    if (g_nlp == SGL_LPLUG_MAX)
        return sgl_fail(err, SGL_EINVAL, "--landscape-plugin", "at most %d landscape plugins in one process",
                        SGL_LPLUG_MAX);
    char where[1100];
    if (strlen(path) >= sizeof g_lp[0].path)
        return sgl_fail(err, SGL_EINVAL, "--landscape-plugin", "path longer than %zu bytes", sizeof g_lp[0].path - 1);
    snprintf(where, sizeof where, "%s%s", strchr(path, '/') ? "" : "./", path);
    dlerror();
    void *handle = dlopen(where, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        return sgl_fail(err, SGL_EINVAL, "--landscape-plugin", "cannot load '%s': %s", path, why ? why : "dlopen failed");
    }
    const sgl_landscape_plugin *api = dlsym(handle, SGL_LANDSCAPE_PLUGIN_SYMBOL);
    sgl_status st = api ? check_lapi(api, path, err)
                        : sgl_fail(err, SGL_EINVAL, "--landscape-plugin",
                                   "'%s' has no symbol '%s' (define const sgl_landscape_plugin %s = {...}; see "
                                   "include/sgdlab_plugin.h)", path, SGL_LANDSCAPE_PLUGIN_SYMBOL,
                                   SGL_LANDSCAPE_PLUGIN_SYMBOL);
    if (st == SGL_OK) st = ladd(api, handle, path, h, err);
    if (st != SGL_OK) dlclose(handle);
    return st;
}

/* the slot registered in this process under id (sgl_landscape_plugin_register), else g_nlp; the caller holds
 * the lock */
static size_t registered(const char *id)
{
    size_t i = 0;
    while (i < g_nlp && !(g_lp[i].registered && strcmp(g_lp[i].path, id) == 0)) ++i;
    return i;
}

sgl_status sgl_landscape_plugin_register(const char *id, uint64_t hash, const sgl_landscape_plugin *api,
                                         sgl_err *err)
{
    if (!id || !id[0] || strlen(id) >= sizeof g_lp[0].path || strchr(id, '/'))
        return sgl_fail(err, SGL_EINVAL, "--landscape-plugin", "a registered landscape's id must be a non-empty name "
                        "without '/' of at most %zu bytes", sizeof g_lp[0].path - 1);
    if (hash == 0) return sgl_fail(err, SGL_EINVAL, "--landscape-plugin", "'%s': the content hash must be nonzero", id);
    sgl_status st = check_lapi(api, id, err);
    if (st != SGL_OK) return st;
    pthread_mutex_lock(&g_llock);
    const size_t i = registered(id);
    if (i < g_nlp && g_lp[i].hash != hash)
        st = sgl_fail(err, SGL_EINVAL, "--landscape-plugin", "'%s' is already registered with other content (hash "
                      "%016llx, now %016llx)", id, (unsigned long long)g_lp[i].hash, (unsigned long long)hash);
    else if (i == g_nlp && (st = ladd(api, NULL, id, hash, err)) == SGL_OK)
        g_lp[i].registered = 1;
    pthread_mutex_unlock(&g_llock);
    return st;
}

sgl_status sgl_escape_spec_resolve_plugin(sgl_escape_spec *s, sgl_err *err)
{
    if (!s->landscape_plugin || !s->landscape_plugin[0]) return SGL_OK;
    pthread_mutex_lock(&g_llock);
    size_t i = registered(s->landscape_plugin);
    if (i < g_nlp) {   /* registered in this process (a Python landscape): its id and content hash */
        s->landscape = g_lp[i].name;
        s->landscape_hash = g_lp[i].hash;
        pthread_mutex_unlock(&g_llock);
        return SGL_OK;
    }
    pthread_mutex_unlock(&g_llock);
    uint64_t h;
    sgl_status st = sgl_file_hash(s->landscape_plugin, "--landscape-plugin", &h, err);
    if (st != SGL_OK) return st;
    pthread_mutex_lock(&g_llock);
    i = 0;
    while (i < g_nlp && !(!g_lp[i].registered && g_lp[i].hash == h && strcmp(g_lp[i].path, s->landscape_plugin) == 0))
        ++i;
    if (i == g_nlp) st = lload(s->landscape_plugin, h, err);
    if (st == SGL_OK) {
        s->landscape = g_lp[i].name;
        s->landscape_hash = h;
    }
    pthread_mutex_unlock(&g_llock);
    return st;
}
