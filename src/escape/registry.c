/* The escape registries (issue 11): noise kinds, dynamics, exit events and
 * start protocols, each a const sgl_escape_kind with designated initializers
 * and one line in its table; the landscapes have their own registry
 * (landscapes.c).  `sgdlab escape` / `theory` parse, list and document
 * --noise, --dynamics, --event and --start from these tables, and reject a
 * flag that the chosen kind does not read (.reads).  id = the spec's enum
 * value = the index in the table (tests/test_escape_theory_agree.c checks it).  The
 * arithmetic of each kind lives in the engine (engine.c: noise_D, the step
 * and the event check) and in the theory's translation (src/theory/
 * escape_spec.c).  Update rules other than noise (sqrt-loss, normalized
 * steps) are not part of the escape engine. */
#include "sgdlab.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- noise */
static const sgl_escape_kind k_isotropic = {
    .id = SGL_ESC_ISOTROPIC, .name = "isotropic", .reads = "D",
    .doc = "D = --D, constant (GLD; per-step std sqrt(2 D eta))"};
static const sgl_escape_kind k_mori = {
    .id = SGL_ESC_MORI, .name = "mori", .reads = "B-over-eta",
    .doc = "Sigma = (2 L(theta) / B) H*, D = L(theta) H* / (B/eta) (needs L0 > 0)"};
static const sgl_escape_kind k_xie = {
    .id = SGL_ESC_XIE, .name = "xie", .reads = "B-over-eta",
    .doc = "Sigma = H(theta)^+ / B (PSD part of the Hessian where the trajectory is)"};
static const sgl_escape_kind k_xie_frozen = {
    .id = SGL_ESC_XIE_FROZEN, .name = "xie-frozen", .reads = "B-over-eta",
    .doc = "Sigma = H* / B, the Hessian frozen at the minimum (constant, anisotropic)"};
const sgl_escape_kind *const sgl_escape_noises[] = {&k_isotropic, &k_mori, &k_xie, &k_xie_frozen, NULL};

/* ------------------------------------------------------------- dynamics */
static const sgl_escape_kind k_sgd = {
    .id = SGL_ESC_SGD, .name = "sgd", .reads = "eta",
    .doc = "theta <- theta - eta grad L + eta xi, t = eta k"};
static const sgl_escape_kind k_sde = {
    .id = SGL_ESC_SDE, .name = "sde", .reads = "eta dt",
    .doc = "Euler-Maruyama with step --dt (default eta: the sgd trajectory bit for bit)"};
static const sgl_escape_kind k_mori_tc = {
    .id = SGL_ESC_MORI_TC, .name = "mori-tc", .reads = "eta dt",
    .doc = "Mori's time-changed SDE (Eq. 15) with step dtau = --dt (default eta L*); noise mori only"};
const sgl_escape_kind *const sgl_escape_dynamics_kinds[] = {&k_sgd, &k_sde, &k_mori_tc, NULL};

/* --------------------------------------------------------------- events */
static const sgl_escape_kind k_hyperplane = {
    .id = SGL_ESC_EV_HYPERPLANE, .name = "hyperplane", .reads = "offset",
    .doc = "theta_1 past the saddle + --offset noise widths (landscapes with a saddle)"};
static const sgl_escape_kind k_next_min = {
    .id = SGL_ESC_EV_NEXT_MIN, .name = "next-min", .reads = "",
    .doc = "theta_1 reaches the next minimum (the transition; landscapes with a saddle)"};
static const sgl_escape_kind k_loss = {
    .id = SGL_ESC_EV_LOSS, .name = "loss", .reads = "c", .doc = "L(theta) >= --c L*"};
static const sgl_escape_kind k_ball = {
    .id = SGL_ESC_EV_BALL, .name = "ball", .reads = "r", .doc = "|theta - theta*| >= --r"};
static const sgl_escape_kind k_none = {
    .id = SGL_ESC_EV_NONE, .name = "none", .reads = "",
    .doc = "no event: every trajectory runs to --t-max (stationary samples)"};
const sgl_escape_kind *const sgl_escape_events[] = {&k_hyperplane, &k_next_min, &k_loss, &k_ball, &k_none, NULL};

/* --------------------------------------------------------------- starts */
static const sgl_escape_kind k_min = {
    .id = SGL_ESC_START_MIN, .name = "min", .reads = "x0", .doc = "start at theta* (or --x0)"};
static const sgl_escape_kind k_burn_in = {
    .id = SGL_ESC_START_BURN_IN, .name = "burn-in", .reads = "burn-in",
    .doc = "run --burn-in from theta* first, restarting on exit (quasi-stationary start)"};
const sgl_escape_kind *const sgl_escape_starts[] = {&k_min, &k_burn_in, NULL};

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
