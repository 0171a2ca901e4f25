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
