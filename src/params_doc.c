/* What a parameter-table row accepts, as text for people: the help of
 * `sgdlab run|limit|escape --help` and `sgdlab sweep --keys` list allowed
 * values from here (and so can the Python package's docstrings). */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* names[0..) (NULL-terminated, "unset" left out) joined by " | " */
static void join(const char *const *names, char *buf, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; names[i] && k < len; ++i)
        if (strcmp(names[i], "unset") != 0)
            k += (size_t)snprintf(buf + k, len - k, "%s%s", k ? " | " : "", names[i]);
}

void sgl_param_allowed(sgl_spec_kind kind, const sgl_param *p, char *buf, size_t len)
{
    if (!len) return;
    buf[0] = '\0';
    if (p->type == SGL_PARAM_KIND) {
        sgl_escape_kind_names(p->kinds, " | ", buf, len);
    } else if (p->type == SGL_PARAM_ENUM) {
        join(p->choices, buf, len);
    } else if (p->type == SGL_PARAM_STR && p->range && strcmp(p->range, "sgdlab list") == 0) {
        /* a registry name: landscape (escape), model and noise (run, limit) */
        const char *names[128];
        size_t n = 0;
        const int esc = kind == SGL_KIND_ESCAPE, model = strcmp(p->name, "model") == 0;
        for (size_t i = 0; n + 1 < sizeof names / sizeof names[0]; ++i) {
            const char *nm = esc ? (sgl_landscapes[i] ? sgl_landscapes[i]->name : NULL)
                             : model ? (sgl_models[i] ? sgl_models[i]->name : NULL)
                                     : (sgl_noises[i] ? sgl_noises[i]->name : NULL);
            if (!nm) break;
            names[n++] = nm;
        }
        names[n] = NULL;
        join(names, buf, len);
    } else if (p->range) {
        snprintf(buf, len, "%s", p->range);
    }
}

/* which kinds read an escape key (the registries' .reads), "" when none names it */
static void escape_readers(const char *key, char *buf, size_t len)
{
    static const struct { const char *what; const sgl_escape_kind *const *reg; } regs[] = {
        {"noise", sgl_escape_noises}, {"dynamics", sgl_escape_dynamics_kinds}, {"event", sgl_escape_events},
        {"start", sgl_escape_starts}};
    size_t k = 0;
    buf[0] = '\0';
    for (size_t r = 0; r < sizeof regs / sizeof regs[0]; ++r)
        for (size_t i = 0; regs[r].reg[i] && k < len; ++i)
            if (sgl_escape_reads(regs[r].reg[i]->reads, key))
                k += (size_t)snprintf(buf + k, len - k, "%s%s %s", k ? ", " : "", regs[r].what, regs[r].reg[i]->name);
    for (size_t i = 0; sgl_landscapes[i] && k < len; ++i)
        if (sgl_escape_reads(sgl_landscapes[i]->reads, key))
            k += (size_t)snprintf(buf + k, len - k, "%s%s %s", k ? ", " : "", "landscape", sgl_landscapes[i]->name);
}

/* which run settings a run / limit key needs (its use bits) */
static void run_readers(unsigned use, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = '\0';
    if (use & (SGL_USE_BATCH | SGL_USE_DELTA | SGL_USE_SIGMA)) {
        k += (size_t)snprintf(buf, len, "noise");
        for (size_t i = 0; sgl_noises[i] && k < len; ++i) {
            const sgl_noise_type *n = sgl_noises[i];
            if (((use & SGL_USE_BATCH) && n->uses_batch) || ((use & SGL_USE_DELTA) && n->uses_delta) ||
                ((use & SGL_USE_SIGMA) && n->uses_sigma))
                k += (size_t)snprintf(buf + k, len - k, " %s", n->name);
        }
    }
    if ((use & SGL_USE_CSV) && k < len) k += (size_t)snprintf(buf + k, len - k, "%sdata csv", k ? ", " : "");
    if ((use & SGL_USE_GEN) && k < len) k += (size_t)snprintf(buf + k, len - k, "%sgenerated data", k ? ", " : "");
    if ((use & SGL_USE_DECAY) && k < len) k += (size_t)snprintf(buf + k, len - k, "%slr-decay", k ? ", " : "");
    if ((use & SGL_USE_WIDTH) && k < len) {
        k += (size_t)snprintf(buf + k, len - k, "%smodel", k ? ", " : "");
        for (size_t i = 0; sgl_models[i] && k < len; ++i)
            if (sgl_models[i]->caps & SGL_CAP_WIDTH) k += (size_t)snprintf(buf + k, len - k, " %s", sgl_models[i]->name);
    }
}

void sgl_param_readers(sgl_spec_kind kind, const sgl_param *p, char *buf, size_t len)
{
    if (!len) return;
    if (kind == SGL_KIND_ESCAPE) escape_readers(p->name, buf, len);
    else run_readers(p->use, buf, len);
}

void sgl_param_doc(sgl_spec_kind kind, const sgl_param *p, char *buf, size_t len)
{
    if (!len) return;
    char allowed[300], reads[300];
    sgl_param_allowed(kind, p, allowed, sizeof allowed);
    sgl_param_readers(kind, p, reads, sizeof reads);
    size_t k = (size_t)snprintf(buf, len, "%s [default %s", p->help, p->def && p->def[0] ? p->def : "none");
    if (p->unit && k < len) k += (size_t)snprintf(buf + k, len - k, "; unit %s", p->unit);
    if (allowed[0] && k < len) k += (size_t)snprintf(buf + k, len - k, "; allowed %s", allowed);
    if (reads[0] && k < len) k += (size_t)snprintf(buf + k, len - k, "; used with %s", reads);
    if (k < len) snprintf(buf + k, len - k, "]");
}
