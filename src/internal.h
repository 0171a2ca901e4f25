/* Declarations shared inside the library, not part of the public API. */
#ifndef SGL_INTERNAL_H
#define SGL_INTERNAL_H
#include "sgdlab.h"

/* Join the names of a NULL-terminated registry table (each entry a struct
 * whose first member is `const char *name`) with ", " into buf. */
void sgl_join_names(const void *const *table, char *buf, size_t len);

/* The library's allocator (src/alloc.c).  ALL heap allocations in src/ go
 * through these (never malloc/calloc/realloc/free/aligned_alloc/strdup/getline
 * directly; tests/check_alloc.sh enforces it) so tests/test_alloc_fail.c can
 * fail any one of them.  Same contracts as the C library's functions, except:
 * a zero size still returns a unique block; sgl_malloc_array returns NULL when
 * n * size overflows; every block, aligned ones included, is released with
 * sgl_free (NULL is a no-op).  A caller that gets NULL must free what it holds
 * and return SGL_ENOMEM (filling sgl_err where it has one). */
void *sgl_malloc(size_t bytes);
void *sgl_calloc(size_t n, size_t size);
void *sgl_malloc_array(size_t n, size_t size);
void *sgl_realloc(void *ptr, size_t bytes);
char *sgl_strdup(const char *s);
void sgl_free(void *ptr);

/* n doubles, zeroed, 64-byte aligned (one cache line, one 8-lane vector) so
 * vector loads never split lines and stores forward to the next step's loads;
 * release with sgl_free(). */
double *sgl_alloc_doubles(size_t n);

/* The store's SQLite connection and path (src/store.c), for the read queries
 * of src/store_query.c; not public: callers read through the query API. */
struct sqlite3 *sgl_store_db(sgl_store *st);
const char *sgl_store_path(sgl_store *st);
/* the SQL expression of run r's kind (runs.kind, else told from its params), for store_columns.c */
void sgl_store_kind_sql(struct sqlite3 *db, char *buf, size_t len);

uint64_t sgl_spec_next_decay(const sgl_spec *s, uint64_t k);

/* model plugins (src/models/plugin.c): FNV-1a 64 of a regular file's bytes (errors name field); a spec with
 * a plugin path; its model type or NULL when it cannot be had (the validation reports why) */
sgl_status sgl_file_hash(const char *path, const char *field, uint64_t *hash, sgl_err *err);
int sgl_spec_has_plugin(const sgl_spec *s);
const sgl_model_type *sgl_spec_model_or_null(const sgl_spec *s);
/* a plugin model with a teacher (its label slot): generated data relabelled (other models: nothing) */
void sgl_plugin_relabel(const sgl_model_type *t, const sgl_data_spec *spec, uint64_t seed, uint32_t draw, sgl_data *D);

/* New labels for generated data (models with their own teacher, make_data):
 * y_i = f(ctx, z_i) plus label_noise * N(0,1) from stream (seed, draw, 1,
 * SGL_P_TRUTH) exactly as sgl_data_alloc adds it, and yt_i = f(ctx, zt_i). */
void sgl_data_relabel(sgl_data *D, double label_noise, uint64_t seed, uint32_t draw,
                      double (*f)(const void *ctx, const double *z), const void *ctx);

/* records (src/record.c): execute a prepared plan (run kind; limit: its plan
 * from sgl_limit_plan_alloc), or any spec on the caller's plan (NULL: made here) */
sgl_status sgl_record_plan(const sgl_plan *p, int threads, sgl_record *rec, sgl_err *err);
sgl_status sgl_record_limit_plan(const sgl_plan *p, const sgl_limit_spec *s, int threads, sgl_record *rec,
                                 sgl_err *err);
sgl_status sgl_record_any_plan(const sgl_any_spec *s, const sgl_plan *plan, int threads, sgl_record *rec,
                               sgl_err *err);
/* a limit spec's options for sgl_limit_execute (dt 0: T / 1000) */
void sgl_limit_spec_opts(const sgl_limit_spec *s, sgl_limit_opts *lo);
#endif
