/*
 * Kernel functions and kernel matrices (uniapprox/kernel.h; formulas in docs/kernel.md).
 *
 * Distance kernels (rbf, matern) form |a - b|^2 = |a|^2 + |b|^2 - 2 a.b with one BLAS product on
 * data centred at the mean of b (centring shrinks |a|^2 + |b|^2 and so the cancellation), and
 * recompute sum (a - b)^2 directly from the uncentred rows where the difference still lost more
 * than 6 bits (UA_KDIST_RECOMPUTE): squared distances are then accurate to a few ulps for
 * nearby points too, float32 data included. Dot-product kernels (polynomial, arccos, nngp, ntk)
 * in up to DIRECT_MAX_D dimensions sum a.b, |a|^2, |b|^2 in index order (ua_kernel_pair), the
 * operations of the C export (src/kernel/export.c), so both give the same bits; above it they
 * use a.b from the same BLAS product without centring; laplacian sums |a_j - b_j| directly.
 *
 * For distance kernels in up to DIRECT_MAX_D dimensions the BLAS product is not worth its
 * cancellation handling: sum (a - b)^2 is summed directly (exact up to rounding, vectorised over
 * the points b, held transposed), and the exps of a whole row go through ua_vexp. That path is
 * pure OpenMP, so no OpenBLAS thread pool runs between its parallel regions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <omp.h>

#include "core/internal.h"
#include "internal.h"

static const char *const names[] = {"rbf", "laplacian", "matern", "polynomial", "arccos", "nngp",
                                    "ntk"};

const char *ua_kernel_type_name(ua_kernel_type t)
{
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

ua_status ua_kernel_type_parse(const char *name, ua_kernel_type *type)
{
    if (!name || !type) return UA_ERR(UA_EINVAL, "kernel name is NULL");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i])) {
            *type = (ua_kernel_type)i;
            return UA_OK;
        }
    if (!strcmp(name, "poly")) {
        *type = UA_KERNEL_POLYNOMIAL;
        return UA_OK;
    }
    return UA_ERR(UA_EINVAL, "unknown kernel '%s' (rbf, laplacian, matern, polynomial, arccos, "
                  "nngp, ntk)", name);
}

void ua_kernel_spec_default(ua_kernel_spec *s)
{
    memset(s, 0, sizeof *s);
    s->type = UA_KERNEL_RBF;
    s->nu = 1.5;
    s->degree = 3;
    s->coef0 = 1.0;
    s->order = 1;
    s->act = UA_KACT_RELU;
    s->sw = 1.5;
    s->sb = 0.1;
}

ua_status ua_kspec_check(const ua_kernel_spec *s)
{
    switch (s->type) {
    case UA_KERNEL_RBF:
    case UA_KERNEL_LAPLACIAN:
        if (!(s->gamma > 0 && isfinite(s->gamma)))
            return UA_ERR(UA_EINVAL, "%s kernel: gamma must be > 0, got %g",
                          ua_kernel_type_name(s->type), s->gamma);
        return UA_OK;
    case UA_KERNEL_MATERN:
        if (!(s->length_scale > 0 && isfinite(s->length_scale)))
            return UA_ERR(UA_EINVAL, "matern kernel: length scale must be > 0, got %g",
                          s->length_scale);
        if (s->nu != 0.5 && s->nu != 1.5 && s->nu != 2.5)
            return UA_ERR(UA_EINVAL, "matern kernel: nu must be 0.5, 1.5 or 2.5, got %g", s->nu);
        return UA_OK;
    case UA_KERNEL_POLYNOMIAL:
        if (!(s->gamma > 0 && isfinite(s->gamma)) || !isfinite(s->coef0))
            return UA_ERR(UA_EINVAL, "polynomial kernel: gamma must be > 0 and coef0 finite");
        if (s->degree < 1 || s->degree > 64)
            return UA_ERR(UA_EINVAL, "polynomial kernel: degree must be 1..64, got %d", s->degree);
        return UA_OK;
    case UA_KERNEL_ARCCOS:
        if (s->order < 0 || s->order > 2)
            return UA_ERR(UA_EINVAL, "arccos kernel: order must be 0, 1 or 2, got %d", s->order);
        return UA_OK;
    case UA_KERNEL_NNGP:
    case UA_KERNEL_NTK:
        if (s->depth < 1 || s->depth > 1000)
            return UA_ERR(UA_EINVAL, "%s kernel: depth must be 1..1000, got %d",
                          ua_kernel_type_name(s->type), s->depth);
        if (!(s->sw > 0 && isfinite(s->sw)) || !(s->sb >= 0 && isfinite(s->sb)))
            return UA_ERR(UA_EINVAL, "%s kernel: need sw > 0 and sb >= 0 (got %g, %g)",
                          ua_kernel_type_name(s->type), s->sw, s->sb);
        if (s->act != UA_KACT_RELU && s->act != UA_KACT_ERF)
            return UA_ERR(UA_EINVAL, "%s kernel: unknown activation %d",
                          ua_kernel_type_name(s->type), (int)s->act);
        return UA_OK;
    }
    return UA_ERR(UA_EINVAL, "unknown kernel type %d", (int)s->type);
}

/* k(r^2) for the distance kernels. */
static inline double from_dist2(const ua_kernel_spec *s, double r2)
{
    if (s->type == UA_KERNEL_RBF) return exp(-s->gamma * r2);
    double r = sqrt(r2) / s->length_scale;
    if (s->nu == 0.5) return exp(-r);
    /* beyond t = 1000 the value is below 1e-400: 0, also for t = inf (r^2 overflowed), where the
     * product below would be inf * 0 */
    if (s->nu == 1.5) {
        double t = sqrt(3.0) * r;
        return t > 1000 ? 0.0 : (1.0 + t) * exp(-t);
    }
    double t = sqrt(5.0) * r;
    return t > 1000 ? 0.0 : (1.0 + t + t * t / 3.0) * exp(-t);
}

/* Arc-cosine kernel of order n from a.b, |a|^2, |b|^2 (Cho & Saul 2009, eq. 3-4). */
static inline double arccos_k(int order, double ab, double aa, double bb)
{
    double na = sqrt(aa), nb = sqrt(bb);
    if (na == 0 || nb == 0) return order == 0 ? 0.5 : 0.0; /* theta = pi/2 convention */
    double c = ab / (na * nb);
    if (c > 1) c = 1;
    if (c < -1) c = -1;
    double t = acos(c), sn = sin(t), pt = UA_PI - t;
    switch (order) {
    case 0: return pt / UA_PI;
    case 1: return na * nb * (sn + pt * c) / UA_PI;
    default: return aa * bb * (3.0 * sn * c + pt * (1.0 + 2.0 * c * c)) / UA_PI;
    }
}

/* k from a.b and the squared norms, for the dot-product kernels. */
static inline double from_dot(const ua_kernel_spec *s, double ab, double aa, double bb, size_t d)
{
    switch (s->type) {
    case UA_KERNEL_POLYNOMIAL: {
        double base = s->gamma * ab + s->coef0, r = 1.0;
        for (int i = 0; i < s->degree; i++) r *= base;
        return r;
    }
    case UA_KERNEL_ARCCOS: return arccos_k(s->order, ab, aa, bb);
    default: {
        double nngp, ntk;
        ua_ntk_pair(s, aa / (double)d, bb / (double)d, ab / (double)d, &nngp, &ntk);
        return s->type == UA_KERNEL_NTK ? ntk : nngp;
    }
    }
}

static int is_distance(ua_kernel_type t) { return t == UA_KERNEL_RBF || t == UA_KERNEL_MATERN; }

double ua_kernel_pair(const ua_kernel_spec *s, const double *a, const double *b, size_t d)
{
    if (is_distance(s->type)) {
        double r2 = 0;
        for (size_t j = 0; j < d; j++) r2 += (a[j] - b[j]) * (a[j] - b[j]);
        return from_dist2(s, r2);
    }
    if (s->type == UA_KERNEL_LAPLACIAN) {
        double r1 = 0;
        for (size_t j = 0; j < d; j++) r1 += fabs(a[j] - b[j]);
        return exp(-s->gamma * r1);
    }
    double ab = 0, aa = 0, bb = 0;
    for (size_t j = 0; j < d; j++) {
        ab += a[j] * b[j];
        aa += a[j] * a[j];
        bb += b[j] * b[j];
    }
    return from_dot(s, ab, aa, bb, d);
}

/* Squared norms of the rows of x (n, d). */
static void row_norms(const double *x, size_t n, size_t d, double *nr)
{
    for (size_t i = 0; i < n; i++) {
        double t = 0;
        for (size_t j = 0; j < d; j++) t += x[i * d + j] * x[i * d + j];
        nr[i] = t;
    }
}

/* Copies of a (na, d) and b (nb, d) centred at the mean of b (distance kernels), or plain. */
static ua_status prepare(const ua_kernel_spec *s, const double *a, size_t na, const double *b,
                         size_t nb, size_t d, double **ac, double **bc, double **nra, double **nrb)
{
    *ac = *bc = *nra = *nrb = NULL;
    int center = is_distance(s->type);
    *nra = malloc(na * sizeof **nra);
    *nrb = b ? malloc(nb * sizeof **nrb) : NULL;
    if (!*nra || (b && !*nrb)) return UA_ENOMEM_ERR((na + nb) * sizeof(double));
    if (center) {
        double *mu = ua_calloc(d, sizeof *mu);
        *ac = malloc(na * d * sizeof **ac);
        *bc = b ? malloc(nb * d * sizeof **bc) : NULL;
        if (!mu || !*ac || (b && !*bc)) {
            free(mu);
            return UA_ENOMEM_ERR((na + nb) * d * sizeof(double));
        }
        const double *ref = b ? b : a;
        size_t nref = b ? nb : na;
        for (size_t i = 0; i < nref; i++)
            for (size_t j = 0; j < d; j++) mu[j] += ref[i * d + j];
        for (size_t j = 0; j < d; j++) mu[j] /= (double)nref;
        for (size_t i = 0; i < na * d; i++) (*ac)[i] = a[i] - mu[i % d];
        if (b)
            for (size_t i = 0; i < nb * d; i++) (*bc)[i] = b[i] - mu[i % d];
        free(mu);
    }
    row_norms(center ? *ac : a, na, d, *nra);
    if (b) row_norms(center ? *bc : b, nb, d, *nrb);
    return UA_OK;
}

static void release(double *ac, double *bc, double *nra, double *nrb)
{
    free(ac);
    free(bc);
    free(nra);
    free(nrb);
}


enum { DIRECT_MAX_D = 32 };

/* r2 (nb,) = |a - b_j|^2 for a point a (d,) and the points bT (d, ld) held transposed */
UA_MULTIVERSION
static void dist2_row(const double *restrict a, const double *restrict bT, size_t d, size_t ld, size_t nb,
                      double *restrict r2)
{
    enum { C = 32 }; /* a chunk of sums stays in vector registers across the d terms */
    size_t j0 = 0;
    for (; j0 + C <= nb; j0 += C) {
        double s[C] = { 0 };
        for (size_t l = 0; l < d; l++) {
            const double al = a[l], *row = bT + l * ld + j0;
            for (size_t j = 0; j < C; j++) s[j] += (al - row[j]) * (al - row[j]);
        }
        for (size_t j = 0; j < C; j++) r2[j0 + j] = s[j];
    }
    for (size_t j = j0; j < nb; j++) {
        double s = 0;
        for (size_t l = 0; l < d; l++) s += (a[l] - bT[l * ld + j]) * (a[l] - bT[l * ld + j]);
        r2[j] = s;
    }
}

/* out (n,) = k(r2) for the distance kernels; t (n,) scratch */
UA_MULTIVERSION
static void dist_kernel_row(const ua_kernel_spec *s, const double *restrict r2, size_t n, double *restrict out,
                            double *restrict t)
{
    if (s->type == UA_KERNEL_RBF) {
        for (size_t j = 0; j < n; j++) t[j] = -s->gamma * r2[j];
        ua_vexp(t, out, n);
        return;
    }
    double c = (s->nu == 0.5 ? 1.0 : s->nu == 1.5 ? sqrt(3.0) : sqrt(5.0)) / s->length_scale;
    for (size_t j = 0; j < n; j++) t[j] = -c * sqrt(r2[j]);
    ua_vexp(t, out, n);
    /* t = -inf (r^2 overflowed) gives exp = 0 times an infinite polynomial: 0, not NaN */
    if (s->nu == 1.5)
        for (size_t j = 0; j < n; j++) out[j] = t[j] < -1000 ? 0.0 : out[j] * (1.0 - t[j]);
    else if (s->nu == 2.5)
        for (size_t j = 0; j < n; j++) out[j] = t[j] < -1000 ? 0.0 : out[j] * (1.0 - t[j] + t[j] * t[j] / 3.0);
}

/* out (na, ld) rows i: k(a_i, b_j) for j < nb, or j <= i when lower (then b = a, nb = na). */
static ua_status dist_matrix_direct(const ua_kernel_spec *s, const double *a, size_t na, const double *b,
                                    size_t nb, size_t d, double *out, size_t ld, int lower)
{
    int nt = ua_row_threads(na * nb * d, 100000, na);
    double *bT = malloc(d * nb * sizeof *bT), *tmp = malloc((size_t)nt * 2 * nb * sizeof *tmp);
    if (!bT || !tmp) {
        free(bT);
        free(tmp);
        return UA_ENOMEM_ERR((d + 2 * (size_t)nt) * nb * sizeof(double));
    }
    for (size_t j = 0; j < nb; j++)
        for (size_t l = 0; l < d; l++) bT[l * nb + j] = b[j * d + l];
#pragma omp parallel for num_threads(nt) schedule(dynamic, 16)
    for (size_t i = 0; i < na; i++) {
        double *r2 = tmp + (size_t)omp_get_thread_num() * 2 * nb, *t = r2 + nb;
        size_t n = lower ? i + 1 : nb;
        dist2_row(a + i * d, bT, d, nb, n, r2);
        dist_kernel_row(s, r2, n, out + i * ld, t);
    }
    free(bT);
    free(tmp);
    return UA_OK;
}

int ua_kernel_has_direct_rows(const ua_kernel_spec *s, size_t d)
{
    return is_distance(s->type) && d <= DIRECT_MAX_D;
}

int ua_kernel_rows_direct(const ua_kernel_spec *s, const double *a, size_t na, const double *bT,
                          size_t ld, size_t nb, size_t d, double *out, double *tmp)
{
    enum { CHUNK = UA_KERNEL_ROW_CHUNK }; /* the distances and exps stay in L1 (8 KiB) */
    if (!ua_kernel_has_direct_rows(s, d)) return 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j0 = 0; j0 < nb; j0 += CHUNK) {
            size_t c = nb - j0 < CHUNK ? nb - j0 : CHUNK;
            dist2_row(a + i * d, bT + j0, d, ld, c, tmp);
            dist_kernel_row(s, tmp, c, out + i * nb + j0, tmp + c);
        }
    return 1;
}

/* out_ij (g = the BLAS product) -> k(a_i, b_j). */
static inline double finish(const ua_kernel_spec *s, double g, double nai, double nbj,
                            const double *ai, const double *bj, size_t d)
{
    if (is_distance(s->type)) {
        double nn = nai + nbj, r2 = nn - 2.0 * g;
        if (UA_KDIST_RECOMPUTE(r2, nn)) {
            r2 = 0;
            for (size_t t = 0; t < d; t++) r2 += (ai[t] - bj[t]) * (ai[t] - bj[t]);
        }
        return from_dist2(s, r2);
    }
    return from_dot(s, g, nai, nbj, d);
}

ua_status ua_kernel_matrix(const ua_kernel_spec *s, const double *a, size_t na, const double *b,
                           size_t nb, size_t d, double *out)
{
    if (!s || (na && !a) || (nb && !b) || (na && nb && !out) || !d)
        return UA_ERR(UA_EINVAL, "ua_kernel_matrix: NULL array or d = 0");
    ua_status st = ua_kspec_check(s);
    if (st || !na || !nb) return st;
    if (s->type == UA_KERNEL_LAPLACIAN) {
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < na; i++)
            for (size_t j = 0; j < nb; j++) out[i * nb + j] = ua_kernel_pair(s, a + i * d, b + j * d, d);
        return UA_OK;
    }
    if (is_distance(s->type) && d <= DIRECT_MAX_D) return dist_matrix_direct(s, a, na, b, nb, d, out, nb, 0);
    if (d <= DIRECT_MAX_D) { /* the dot-product kernels: a.b, |a|^2, |b|^2 summed in index order
                              * (ua_kernel_pair), as the C export does: the same bits, where BLAS
                              * (its own order and fused multiply-adds) differed by rounding that
                              * small-lambda weights amplify (6e-11 of the output scale, nngp) */
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < na; i++)
            for (size_t j = 0; j < nb; j++) out[i * nb + j] = ua_kernel_pair(s, a + i * d, b + j * d, d);
        return UA_OK;
    }
    double *ac, *bc, *nra, *nrb;
    if ((st = prepare(s, a, na, b, nb, d, &ac, &bc, &nra, &nrb))) {
        release(ac, bc, nra, nrb);
        return st;
    }
    const double *pa = ac ? ac : a, *pb = bc ? bc : b;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)na, (int)nb, (int)d, 1.0, pa, (int)d,
                pb, (int)d, 0.0, out, (int)nb);
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            out[i * nb + j] = finish(s, out[i * nb + j], nra[i], nrb[j], a + i * d, b + j * d, d);
    release(ac, bc, nra, nrb);
    return UA_OK;
}

ua_status ua_kmat_sym_lower(const ua_kernel_spec *s, const double *a, size_t n, size_t d,
                            double *out, size_t ld)
{
    ua_status st = ua_kspec_check(s);
    if (st) return st;
    if (s->type == UA_KERNEL_LAPLACIAN) {
#pragma omp parallel for schedule(dynamic, 64)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j <= i; j++) out[i * ld + j] = ua_kernel_pair(s, a + i * d, a + j * d, d);
        return UA_OK;
    }
    if (is_distance(s->type) && d <= DIRECT_MAX_D) return dist_matrix_direct(s, a, n, a, n, d, out, ld, 1);
    if (d <= DIRECT_MAX_D) { /* the dot-product kernels as ua_kernel_matrix: the same bits */
#pragma omp parallel for schedule(dynamic, 64)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j <= i; j++) out[i * ld + j] = ua_kernel_pair(s, a + i * d, a + j * d, d);
        return UA_OK;
    }
    double *ac, *bc, *nra, *nrb;
    if ((st = prepare(s, a, n, NULL, 0, d, &ac, &bc, &nra, &nrb))) {
        release(ac, bc, nra, nrb);
        return st;
    }
    const double *pa = ac ? ac : a;
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)n, (int)d, 1.0, pa, (int)d, 0.0, out,
                (int)ld);
#pragma omp parallel for schedule(dynamic, 64)
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++)
            out[i * ld + j] = finish(s, out[i * ld + j], nra[i], nra[j], a + i * d, a + j * d, d);
    release(ac, bc, nra, nrb);
    return UA_OK;
}
