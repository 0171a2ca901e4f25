/* Diagonal linear network w = u (.) u - v (.) v (Woodworth et al. 2020; Li-Wang-Arora
 * 2022 Section 6, THEORY.md 2.7).  theta = (u, v), D = 2d.  Default a = 1/2. */
#include "reparam.h"

static const sgl_reparam_shape shape = {2, 2, {1.0, -1.0}};
const sgl_model_type sgl_model_diagnet = {
    "diagnet", "diagonal linear net w = u*u - v*v, theta = (u, v) (LWA / Woodworth)",
    SGL_REPARAM_CAPS | SGL_CAP_UV, 0.5, &shape, SGL_REPARAM_FUNCS};
