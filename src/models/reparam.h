/* The family of elementwise-reparametrised linear models shared by diagnet,
 * quadratic and linreg: f_i(theta) = <z_i, w(theta)> with
 *     w_j = sum_b s_b * theta_{b,j}^p,   p in {1, 2}, s_b in {+1, -1},
 * theta stored as nb blocks of ld doubles (zero padding beyond d). */
#ifndef SGL_REPARAM_H
#define SGL_REPARAM_H
#include "sgdlab.h"

size_t sgl_reparam_dim(const sgl_model *m);
void sgl_reparam_init(const sgl_model *m, double alpha, double *theta);
void sgl_reparam_weights(const sgl_model *m, const double *theta, double *w);
void sgl_reparam_residuals(const sgl_model *m, const double *theta, const uint32_t *idx,
                           size_t nidx, double *r, double *scratch);
void sgl_reparam_jt(const sgl_model *m, const double *theta, const uint32_t *idx, size_t nidx,
                    const double *c, double *g, double *scratch);
void sgl_reparam_step1(const sgl_model *m, double *theta, uint32_t i, double c);
double sgl_reparam_step1_resid(const sgl_model *m, double *theta, uint32_t i, double c,
                               uint32_t inext);
size_t sgl_reparam_step1_chain(const sgl_model *m, double *theta, const uint32_t *idx, const double *eps,
                               size_t len, double c0, double *r);
void sgl_reparam_step1_resid_multi(const sgl_model *const *m, double *const *theta, const uint32_t *i,
                                   const double *c, const uint32_t *inext, double *r);
size_t sgl_reparam_step1_chain_multi(const sgl_model *const *m, double *const *theta, const uint32_t *const *idx,
                                     const double *const *eps, size_t len, double c0, double *r);
void sgl_reparam_hvp(const sgl_model *m, const double *theta, const double *p, double *out,
                     double *scratch);
double sgl_reparam_trace(const sgl_model *m, const double *theta, double *scratch);
void sgl_reparam_d3(const sgl_model *m, const double *theta, const double *A, double *out, double *scratch);
void sgl_reparam_layout(const sgl_model *m, size_t *nb, size_t *len, size_t *stride);

/* (nb, p, signs): the model type's impl pointer */
typedef struct { int nb, p; double sign[2]; } sgl_reparam_shape;

#define SGL_REPARAM_CAPS (SGL_CAP_RESIDUALS | SGL_CAP_HVP | SGL_CAP_TRACE | SGL_CAP_LINEAR_W)
#define SGL_REPARAM_FUNCS sgl_reparam_dim, sgl_reparam_init, sgl_reparam_weights,   \
        sgl_reparam_residuals, sgl_reparam_jt, sgl_reparam_step1, sgl_reparam_step1_resid, sgl_reparam_step1_chain, sgl_reparam_step1_resid_multi, sgl_reparam_hvp, \
        sgl_reparam_trace, sgl_reparam_d3, sgl_reparam_layout, NULL, NULL, NULL, sgl_reparam_step1_chain_multi
#endif
