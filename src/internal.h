/* Declarations shared inside the library, not part of the public API. */
#ifndef SGL_INTERNAL_H
#define SGL_INTERNAL_H
#include "sgdlab.h"

/* Join the names of a NULL-terminated registry table (each entry a struct
 * whose first member is `const char *name`) with ", " into buf. */
void sgl_join_names(const void *const *table, char *buf, size_t len);

/* n doubles, zeroed, 64-byte aligned (one cache line, one 8-lane vector) so
 * vector loads never split lines and stores forward to the next step's loads;
 * release with free(). */
double *sgl_alloc_doubles(size_t n);

uint64_t sgl_spec_next_decay(const sgl_spec *s, uint64_t k);
#endif
