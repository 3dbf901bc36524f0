/*
 * tests/fuzz/fuzz_model.c — the model loader of every family (ua_model_load, uniapprox/model.h):
 * the input is a model file. The seeds are real models of each family (tests/fuzz/corpus/
 * model_FAMILY/, written by tests/gen/fuzz_corpus.sh); `make fuzz` runs this harness once per
 * family folder.
 *
 * What loads is used the way `uniapprox` uses a model: dims, box, predictions and gradients at a
 * few points inside the box, describe, natural points, the problem re-created from a formula's
 * metadata, C export (double and float), and save + load again — which must succeed, since a
 * model the loader accepted is one the library must be able to write and read back.
 *
 * Random byte flips mostly break the JSON header, which fuzz_st covers; to reach the families'
 * validators this harness has a structure-aware mutator (LLVMFuzzerCustomMutator): when the
 * input parses as safetensors it changes one thing — a tensor's bytes, one element set to a
 * special value (NaN, +-Inf, 0, -0, huge, tiny, +-1, an integer limit), a shape entry, the rank,
 * the dtype, a metadata value, or drops a tensor or key — and writes the set back with
 * ua_st_write; otherwise (and one time in eight) it falls back to libFuzzer's byte mutations.
 */
#include <math.h>
#include <stdint.h>

#include "uniapprox/model.h"
#include "uniapprox/problem.h"
#include "model/st_internal.h"
#include "fuzz_util.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#define MAX_POINTS 4

static void use_model(ua_model *m)
{
    size_t din, dout, bd;
    const double *blo, *bhi;
    double lo, hi;
    ua_model_dims(m, &din, &dout);
    ua_model_box(m, &bd, &blo, &bhi);
    ua_model_domain(m, &lo, &hi);
    if (din == 0 || dout == 0 || din > 1 << 20 || dout > 1 << 20) abort();
    (void)ua_model_family(m);
    (void)ua_model_target(m);
    ua_problem_kind kind = ua_model_kind(m);

    /* points inside the box (or the 1-D domain); small non-negative integers otherwise, which
     * are valid tokens for a sequence model */
    double *x = calloc(MAX_POINTS * din, sizeof *x), *y = calloc(MAX_POINTS * dout, sizeof *y);
    double *g = calloc(MAX_POINTS * din, sizeof *g);
    if (!x || !y || !g) abort();
    static const double frac[MAX_POINTS] = {0.0, 0.3, 0.71, 1.0};
    for (size_t k = 0; k < MAX_POINTS; k++)
        for (size_t i = 0; i < din; i++) {
            double a = NAN, b = NAN, t = frac[(k + i) % MAX_POINTS];
            if (bd == din) a = blo[i], b = bhi[i];
            else if (din == 1 && isfinite(lo) && isfinite(hi)) a = lo, b = hi;
            x[k * din + i] = isfinite(a) ? a + t * (b - a) : (double)((k + i) % 2);
        }
    /* one point only for a long input: a sequence model's attention costs the square of its
     * length (up to 2^20 from a few bytes of metadata), as a caller's own input of that length
     * would; four such points made the harness time out (seq_n 9988: 28 s under ASan) */
    size_t npts = din > 1024 ? 1 : MAX_POINTS;
    (void)ua_model_predict(m, x, npts, y);
    if (dout == 1) (void)ua_model_gradient(m, x, npts, g);
    free(x);
    free(y);
    free(g);

    char *json = NULL;
    if (ua_model_describe(m, &json) == UA_OK) free(json);
    double *pts = NULL;
    size_t np = 0;
    int log_grid = 0;
    if (ua_model_natural_points(m, &pts, &np, &log_grid) == UA_OK) free(pts);
    if (kind == UA_PROBLEM_FORMULA) { /* a FUNCTION would compile its source: not here */
        ua_problem *p = NULL;
        if (ua_model_problem(m, &p) == UA_OK) ua_problem_free(p);
    }
    char path[512];
    fz_write("export.c", "", 0, path, sizeof path);
    (void)ua_model_export_c(m, UA_EXPORT_DOUBLE, "fz", path);
    (void)ua_model_export_c(m, UA_EXPORT_FLOAT, "fz", path);

    fz_write("saved.safetensors", "", 0, path, sizeof path);
    if (ua_model_save(m, path) != UA_OK) abort();
    ua_model *back = NULL;
    if (ua_model_load(path, &back) != UA_OK) abort(); /* what loaded once must load again */
    ua_model_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    fz_write("model.safetensors", data, size, path, sizeof path);
    ua_model *m = NULL;
    if (ua_model_load(path, &m) != UA_OK) {
        if (m) abort(); /* a failed load must leave *out NULL */
        return 0;
    }
    use_model(m);
    ua_model_free(m);
    return 0;
}

/* ---- the structure-aware mutator (libFuzzer builds only) ----------------------------------- */
#ifdef UA_FUZZ_LIBFUZZER

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

/* One element of tensor t set to a value chosen to break assumptions. */
static void special_value(ua_st_tensor *t)
{
    size_t es = ua_dtype_size(t->dtype);
    if (!es || t->nbytes < es) return;
    unsigned char *p = (unsigned char *)t->data + es * below(t->nbytes / es);
    static const double f[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0, 1e308, -1e308, 5e-324,
                               1.0, -1.0, 9007199254740993.0, 1e19, -1e19, 0.5, 2.0, 1e-300};
    static const int64_t in[] = {0, 1, -1, 2, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN,
                                 1 << 20, 255, 256, 65536, -2};
    double v = f[below(sizeof f / sizeof *f)];
    int64_t w = in[below(sizeof in / sizeof *in)];
    switch (t->dtype) {
    case UA_F64: memcpy(p, &v, 8); break;
    case UA_F32: { float h = (float)v; memcpy(p, &h, 4); break; }
    case UA_I64: memcpy(p, &w, 8); break;
    case UA_I32: { int32_t h = (int32_t)w; memcpy(p, &h, 4); break; }
    default: *p = (unsigned char)w; break;
    }
}

/* Tensor t reshaped (data kept as far as it goes, the rest zero). 0 when refused. */
static int reshape(ua_st_tensor *t, size_t ndim, const int64_t *shape)
{
    size_t nb;
    if (ndim > UA_ST_MAX_DIMS || ua_st_nbytes(t->dtype, ndim, shape, &nb) != UA_OK ||
        nb > (1u << 20))
        return 0;
    void *d = calloc(nb ? nb : 1, 1);
    if (!d) return 0;
    memcpy(d, t->data, nb < t->nbytes ? nb : t->nbytes);
    free(t->data);
    t->data = d;
    t->nbytes = nb;
    t->ndim = ndim;
    memmove(t->shape, shape, ndim * sizeof *shape);
    return 1;
}

static int mutate_st(ua_st *st)
{
    unsigned what = (unsigned)below(10);
    if (what >= 8 && st->nmeta) { /* a metadata value */
        size_t i = below(st->nmeta);
        size_t len = strlen(st->vals[i]), cap = len + 64;
        uint8_t *buf = malloc(cap + 1);
        if (!buf) return 0;
        memcpy(buf, st->vals[i], len);
        size_t n = LLVMFuzzerMutate(buf, len, cap);
        buf[n] = '\0';
        free(st->vals[i]);
        st->vals[i] = (char *)buf; /* an embedded NUL just shortens it */
        return 1;
    }
    if (!st->n) return 0;
    ua_st_tensor *t = &st->t[below(st->n)];
    int64_t shape[UA_ST_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    switch (what) {
    case 0: case 1: case 2: /* its bytes, same length */
        if (t->nbytes) {
            uint8_t *copy = malloc(t->nbytes);
            if (!copy) return 0;
            memcpy(copy, t->data, t->nbytes);
            size_t n = LLVMFuzzerMutate(copy, t->nbytes, t->nbytes);
            memcpy(t->data, copy, n);
            free(copy);
        }
        return 1;
    case 3: case 4: /* one element set to a special value */
        special_value(t);
        return 1;
    case 5: { /* a shape entry */
        if (!t->ndim) return 0;
        size_t k = below(t->ndim);
        int64_t old = shape[k];
        int64_t pick[] = {0, 1, old - 1, old + 1, 2 * old, old / 2, (int64_t)below(9)};
        shape[k] = pick[below(sizeof pick / sizeof *pick)];
        if (shape[k] < 0) shape[k] = 0;
        return reshape(t, t->ndim, shape);
    }
    case 6: /* the rank: a dimension of 1 added, or the last one dropped */
        if (t->ndim && below(2)) return reshape(t, t->ndim - 1, shape);
        if (t->ndim < UA_ST_MAX_DIMS) {
            shape[t->ndim] = 1;
            return reshape(t, t->ndim + 1, shape);
        }
        return 0;
    default: { /* the dtype, or the tensor removed */
        if (below(2)) {
            ua_dtype d = (ua_dtype)below(5);
            size_t count = ua_dtype_size(t->dtype) ? t->nbytes / ua_dtype_size(t->dtype) : 0;
            size_t nb = count * ua_dtype_size(d);
            void *p = calloc(nb ? nb : 1, 1);
            if (!p) return 0;
            memcpy(p, t->data, nb < t->nbytes ? nb : t->nbytes);
            free(t->data);
            t->data = p;
            t->nbytes = nb;
            t->dtype = d;
            return 1;
        }
        free(t->name);
        free(t->data);
        size_t i = (size_t)(t - st->t);
        memmove(st->t + i, st->t + i + 1, (st->n - i - 1) * sizeof *st->t);
        st->n--;
        return 1;
    }
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    rng_state = 0x9e3779b97f4a7c15ULL ^ seed;
    rnd();
    ua_st *st = NULL;
    if (below(8) == 0 || ua_st_parse(data, size, &st) != UA_OK)
        return LLVMFuzzerMutate(data, size, max_size);
    size_t out = 0;
    int tries = 1 + (int)below(3); /* one to three changes at once */
    int changed = 0;
    for (int i = 0; i < tries; i++) changed |= mutate_st(st);
    char path[512];
    fz_write("mutant.safetensors", "", 0, path, sizeof path);
    if (changed && ua_st_write(st, path) == UA_OK) {
        FILE *f = fopen(path, "rb");
        if (f) {
            uint8_t *buf = malloc(max_size + 1);
            size_t n = buf ? fread(buf, 1, max_size + 1, f) : 0;
            if (buf && n && n <= max_size) {
                memcpy(data, buf, n);
                out = n;
            }
            free(buf);
            fclose(f);
        }
    }
    ua_st_free(st);
    return out ? out : LLVMFuzzerMutate(data, size, max_size);
}
#endif
