/* The escape registries (issue 11): noise kinds (noise.c), dynamics
 * (dynamics.c), exit events (events.c) and the start protocols below, each
 * a const type struct (src/escape/escape.h) whose first member is its public
 * sgl_escape_kind, one line in its table; the landscapes have their own
 * registry (landscapes.c).  `sgdlab escape` / `theory` parse, list and
 * document --noise, --dynamics, --event and --start from these tables, and
 * reject a flag that the chosen kind does not read (.reads).  id = the
 * spec's enum value = the index in the table (tests/test_escape_theory_agree.c
 * checks it).  The engine and the spec checks call each kind's hooks; the
 * theory maps the ids through its own table (src/theory/escape_spec.c). */
#include "escape.h"
#include "../internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* --------------------------------------------------------------- starts */
static sgl_status min_check(const sgl_escape_spec *s, sgl_err *err)
{
    if (s->burn_in != 0.0) return sgl_fail(err, SGL_EINVAL, "burn-in", "only used with --start burn-in");
    return SGL_OK;
}
static const sgl_esc_start k_min = {
    .kind = {.id = SGL_ESC_START_MIN, .name = "min", .reads = "x0", .doc = "start at theta* (or --x0)"},
    .check = min_check};

static sgl_status burn_check(const sgl_escape_spec *s, sgl_err *err)
{
    if (!(isfinite(s->burn_in) && s->burn_in > 0.0))
        return sgl_fail(err, SGL_EINVAL, "burn-in", "must be a finite number > 0 with --start burn-in, got %g",
                        s->burn_in);
    if (s->x0) return sgl_fail(err, SGL_EINVAL, "x0", "not used with --start burn-in (which starts at theta*)");
    return SGL_OK;
}
static const sgl_esc_start k_burn_in = {
    .kind = {.id = SGL_ESC_START_BURN_IN, .name = "burn-in", .reads = "burn-in",
             .doc = "run --burn-in from theta* first, restarting on exit (quasi-stationary start)"},
    .burn_in = 1, .check = burn_check};

const sgl_escape_kind *const sgl_escape_starts[] = {&k_min.kind, &k_burn_in.kind, NULL};

size_t sgl_escape_kind_count(const sgl_escape_kind *const *reg)
{
    size_t n = 0;
    while (reg[n]) ++n;
    return n;
}

const sgl_escape_kind *sgl_escape_kind_find(const sgl_escape_kind *const *reg, const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; reg[i]; ++i)
        if (strcmp(reg[i]->name, name) == 0) return reg[i];
    return NULL;
}

int sgl_escape_reads(const char *reads, const char *key)
{
    const size_t n = strlen(key);
    for (const char *p = reads; p && *p;) {
        const size_t w = strcspn(p, " ");
        if (w == n && strncmp(p, key, n) == 0) return 1;
        p += w;
        p += strspn(p, " ");
    }
    return 0;
}

void sgl_escape_kind_names(const sgl_escape_kind *const *reg, const char *sep, char *buf, size_t len)
{
    size_t k = 0;
    if (len) buf[0] = '\0';
    for (size_t i = 0; reg[i] && k < len; ++i) k += (size_t)snprintf(buf + k, len - k, "%s%s", i ? sep : "", reg[i]->name);
}
