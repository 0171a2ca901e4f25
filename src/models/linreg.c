/* Plain linear regression f_i = <z_i, theta>.  Default a = 1/2. */
#include "reparam.h"

static const sgl_reparam_shape shape = {1, 1, {1.0, 1.0}};
const sgl_model_type sgl_model_linreg = {
    "linreg", "linear regression w = theta",
    SGL_REPARAM_CAPS, 0.5, &shape, SGL_REPARAM_FUNCS};
