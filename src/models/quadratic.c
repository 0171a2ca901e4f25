/* Quadratically parametrised model w = v (.) v (HaoChen, Wei, Lee, Ma 2021,
 * "Shape Matters", THEORY.md 3.2).  Default a = 1/4, as in their code. */
#include "reparam.h"

static const sgl_reparam_shape shape = {1, 2, {1.0, 1.0}};
const sgl_model_type sgl_model_quadratic = {
    "quadratic", "quadratic parametrisation w = v*v (HaoChen et al. 'Shape Matters')",
    SGL_REPARAM_CAPS, 0.25, &shape, SGL_REPARAM_FUNCS};
