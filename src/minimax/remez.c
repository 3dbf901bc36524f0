/* The Remez exchange (Remez 1934; Cheney, "Introduction to Approximation Theory", ch. 3) for the
 * best polynomial, and the exchange driver shared with the rational case (rational.c).
 *
 * Each iteration solves, on the reference x_0 < ... < x_{N-1}, the linear system
 *     sum_k c_k T_k(s_i) + (-1)^i E / w_i = g_i,        i = 0 .. N-1 (N = n + 2),
 * in MPFR with the polynomial in the Chebyshev basis on [a, b], so that the error
 * e = w (p - g) takes the values -(-1)^i E there; locates the extrema of e over [a, b]
 * (extrema.c); and takes as the next reference N alternating extrema that include the global
 * maximum (the multiple exchange), or, when fewer than N alternate, inserts the global maximum
 * into the old reference (the single-point exchange of de la Vallee Poussin). It stops when
 * min |e| over the new reference >= (1 - eq_tol) max |e|. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

int mm_cheb_reference(double a, double b, size_t k, double *out)
{
    const double PI = 3.14159265358979323846;
    double mid = 0.5 * a + 0.5 * b, half = 0.5 * b - 0.5 * a;
    for (size_t i = 0; i < k; i++) {
        double x = i == 0 ? a : i == k - 1 ? b : mid - half * cos(PI * (double)i / (double)(k - 1));
        if (x < a) x = a;
        if (x > b) x = b;
        out[i] = x;
        if (i > 0 && !(out[i] > out[i - 1])) return -1;
    }
    return 0;
}

void mm_result_clear(mm_result *r)
{
    mm_sol_clear(&r->sol);
    free(r->ref);
    r->ref = NULL;
    r->nref = 0;
}

/* Single-point exchange: puts y (error sign sy) into ref (N points) where the signs of e on ref
 * alternate starting with sign0. Returns 0, or -1 when y is already a reference point. */
static int single_exchange(double *ref, size_t N, double y, int sy, int sign0)
{
    for (size_t i = 0; i < N; i++)
        if (ref[i] == y) return -1;
    int signlast = (N - 1) % 2 ? -sign0 : sign0;
    if (y < ref[0]) {
        if (sy == sign0) ref[0] = y;
        else {
            memmove(ref + 1, ref, (N - 1) * sizeof *ref);
            ref[0] = y;
        }
    } else if (y > ref[N - 1]) {
        if (sy == signlast) ref[N - 1] = y;
        else {
            memmove(ref, ref + 1, (N - 1) * sizeof *ref);
            ref[N - 1] = y;
        }
    } else {
        size_t i = 0;
        while (i + 1 < N && !(ref[i] < y && y < ref[i + 1])) i++;
        int si = i % 2 ? -sign0 : sign0;
        if (sy == si) ref[i] = y;
        else ref[i + 1] = y;
    }
    return 0;
}

ua_status mm_remez_drive(mm_problem *pb, size_t N, double *ref, mm_solve_fn solve, void *ctx,
                         const mm_remez_opts *o, mm_result *res)
{
    mm_extrema ex = {0};
    double *newref = ua_calloc(N, sizeof *newref), *eref = ua_calloc(N, sizeof *eref);
    res->ref = ua_calloc(N, sizeof *res->ref);
    if (!newref || !eref || !res->ref) {
        free(newref);
        free(eref);
        return UA_ENOMEM_ERR(3 * N * sizeof(double));
    }
    res->converged = 0;
    res->exact = 0;
    res->iterations = 0;
    /* rounding level of the arithmetic: below it, R reproduces the target */
    const double exact_level = ldexp(pb->fscale > 0 ? pb->fscale : 1.0, -(int)pb->prec + 32);
    int have = 0;
    ua_status st = UA_OK;
    double hsigned = 0.0;
    for (size_t it = 1; it <= o->max_iter; it++) {
        int rc = solve(pb, ref, ctx, &res->sol, &hsigned);
        if (rc == -2) {
            res->pole = 1;
            break;
        }
        if (rc) break; /* singular: keep the last solution */
        have = 1;
        res->iterations = it;
        res->E = fabs(hsigned);
        memcpy(res->ref, ref, N * sizeof *ref);
        res->nref = N;
        mm_extrema_clear(&ex);
        if ((st = mm_find_extrema(pb, &res->sol, &ex))) break;
        res->maxerr = ex.maxabs;
        if (ex.maxabs <= exact_level) {
            res->exact = 1;
            res->converged = 1;
            res->E = 0.0;
            res->nref = 0;
            break;
        }
        if (!isfinite(ex.maxabs)) { /* a pole of a rational inside [a, b] */
            res->pole = 1;
            break;
        }
        size_t k = mm_select_reference(&ex, N, newref, eref);
        if (k == N) {
            double mn = INFINITY;
            for (size_t i = 0; i < N; i++)
                if (fabs(eref[i]) < mn) mn = fabs(eref[i]);
            memcpy(ref, newref, N * sizeof *ref);
            if (ex.maxabs - mn <= o->eq_tol * ex.maxabs) {
                res->converged = 1;
                memcpy(res->ref, newref, N * sizeof *ref);
                break;
            }
        } else {
            int sign0 = hsigned > 0 ? -1 : 1; /* e(x_0) = -E */
            double ey = mm_err_at(pb, &res->sol, ex.xmax);
            if (single_exchange(ref, N, ex.xmax, ey > 0 ? 1 : -1, sign0)) break;
        }
    }
    mm_extrema_clear(&ex);
    free(newref);
    free(eref);
    if (st) return st;
    if (!have && !res->pole) res->converged = 0;
    return UA_OK;
}

/* ---- the polynomial system ----------------------------------------------------------------- */

static int solve_poly(mm_problem *pb, const double *ref, void *ctx, mm_sol *sol, double *h)
{
    size_t n1 = *(const size_t *)ctx, N = n1 + 1; /* n + 1 coefficients and E */
    mpfr_prec_t prec = pb->prec;
    mpfr_t *A = mm_vec_new(N * N, prec), *r = mm_vec_new(N, prec), *T = mm_vec_new(n1, prec);
    mpfr_t s, w;
    mpfr_inits2(prec, s, w, (mpfr_ptr)0);
    int rc = -1;
    if (A && r && T) {
        for (size_t i = 0; i < N; i++) {
            mm_problem_target(pb, ref[i], r[i], w);
            mm_problem_s(pb, ref[i], s);
            mm_cheb_values(n1, s, T);
            for (size_t k = 0; k < n1; k++) mpfr_set(A[i * N + k], T[k], MPFR_RNDN);
            mpfr_ui_div(A[i * N + n1], 1, w, MPFR_RNDN);
            if (i % 2) mpfr_neg(A[i * N + n1], A[i * N + n1], MPFR_RNDN);
        }
        rc = mm_solve(N, A, r, prec);
        if (!rc) {
            for (size_t k = 0; k < n1; k++) mpfr_set(sol->p[k], r[k], MPFR_RNDN);
            *h = mpfr_get_d(r[n1], MPFR_RNDN);
        }
    }
    mpfr_clears(s, w, (mpfr_ptr)0);
    mm_vec_free(A, A ? N * N : 0);
    mm_vec_free(r, r ? N : 0);
    mm_vec_free(T, T ? n1 : 0);
    return rc;
}

ua_status mm_remez_poly(mm_problem *pb, size_t n, const double *init, const mm_remez_opts *o,
                        mm_result *res)
{
    *res = (mm_result){0};
    size_t N = n + 2, n1 = n + 1;
    if (mm_sol_init(&res->sol, n1, 0, 1, pb->prec)) return UA_ENOMEM_ERR(n1 * sizeof(mpfr_t));
    double *ref = ua_calloc(N, sizeof *ref);
    if (!ref) {
        mm_result_clear(res);
        return UA_ENOMEM_ERR(N * sizeof *ref);
    }
    if (init) memcpy(ref, init, N * sizeof *ref);
    else if (mm_cheb_reference(pb->a, pb->b, N, ref)) {
        /* too few doubles for N distinct points: the caller handles such intervals */
        free(ref);
        mm_result_clear(res);
        return UA_ERR(UA_EINVAL, "minimax: [%.17g, %.17g] holds too few doubles for degree %zu",
                      pb->a, pb->b, n);
    }
    ua_status s = mm_remez_drive(pb, N, ref, solve_poly, &n1, o, res);
    free(ref);
    if (s) mm_result_clear(res);
    return s;
}

/* ---- a restricted basis (chosen monomials; odd or even on half a symmetric interval) ------- */

typedef struct {
    const int *expo;
    size_t m;
    int cheb; /* the exponents are a whole parity ladder: basis T_expo[k](s) */
} restricted_ctx;

static int solve_restricted(mm_problem *pb, const double *ref, void *ctx, mm_sol *sol, double *h)
{
    const restricted_ctx *c = ctx;
    size_t m = c->m, N = m + 1, nT = (size_t)c->expo[m - 1] + 1;
    mpfr_prec_t prec = pb->prec;
    mpfr_t *A = mm_vec_new(N * N, prec), *r = mm_vec_new(N, prec), *T = mm_vec_new(nT, prec);
    mpfr_t s, w;
    mpfr_inits2(prec, s, w, (mpfr_ptr)0);
    int rc = -1;
    if (A && r && T) {
        for (size_t i = 0; i < N; i++) {
            mm_problem_target(pb, ref[i], r[i], w);
            mm_problem_s(pb, ref[i], s);
            if (c->cheb) mm_cheb_values(nT, s, T);
            for (size_t k = 0; k < m; k++) {
                if (c->cheb) mpfr_set(A[i * N + k], T[c->expo[k]], MPFR_RNDN);
                else mpfr_pow_ui(A[i * N + k], s, (unsigned long)c->expo[k], MPFR_RNDN);
            }
            mpfr_ui_div(A[i * N + m], 1, w, MPFR_RNDN);
            if (i % 2) mpfr_neg(A[i * N + m], A[i * N + m], MPFR_RNDN);
        }
        rc = mm_solve(N, A, r, prec);
        if (!rc) {
            for (size_t k = 0; k < nT; k++) mpfr_set_zero(sol->p[k], 1);
            for (size_t k = 0; k < m; k++) {
                if (c->cheb) mpfr_set(sol->p[c->expo[k]], r[k], MPFR_RNDN);
                else mm_add_power_as_cheb((unsigned)c->expo[k], r[k], sol->p, prec);
            }
            *h = mpfr_get_d(r[m], MPFR_RNDN);
        }
    }
    mpfr_clears(s, w, (mpfr_ptr)0);
    mm_vec_free(A, A ? N * N : 0);
    mm_vec_free(r, r ? N : 0);
    mm_vec_free(T, T ? nT : 0);
    return rc;
}

ua_status mm_remez_restricted(mm_problem *pb, const int *expo, size_t m, int half_start,
                              const mm_remez_opts *o, mm_result *res)
{
    *res = (mm_result){0};
    size_t N = m + 1, nT = (size_t)expo[m - 1] + 1;
    restricted_ctx ctx = {expo, m, expo[0] <= 1};
    for (size_t k = 1; k < m; k++) ctx.cheb = ctx.cheb && expo[k] == expo[k - 1] + 2;
    if (mm_sol_init(&res->sol, nT, 0, 1, pb->prec)) return UA_ENOMEM_ERR(nT * sizeof(mpfr_t));
    double *ref = ua_calloc(N, sizeof *ref);
    if (!ref) {
        mm_result_clear(res);
        return UA_ENOMEM_ERR(N * sizeof *ref);
    }
    int bad = 0;
    if (half_start) {
        /* the positive extrema of T_{2N-1} (odd) or T_{2N-2} (even) on [-b, b], increasing */
        const double PI = 3.14159265358979323846;
        double K = (double)(expo[0] % 2 ? 2 * N - 1 : 2 * N - 2);
        for (size_t i = 0; i < N; i++) {
            double x = pb->b * cos(PI * (double)(N - 1 - i) / K);
            if (i == N - 1) x = pb->b;
            if (x < pb->a || (i == 0 && expo[0] % 2 == 0)) x = pb->a;
            ref[i] = x;
            if (i && !(ref[i] > ref[i - 1])) bad = 1;
        }
    } else bad = mm_cheb_reference(pb->a, pb->b, N, ref);
    if (bad) {
        free(ref);
        mm_result_clear(res);
        return UA_ERR(UA_EINVAL, "minimax: [%.17g, %.17g] holds too few doubles for %zu monomials",
                      pb->a, pb->b, m);
    }
    ua_status s = mm_remez_drive(pb, N, ref, solve_restricted, &ctx, o, res);
    free(ref);
    if (s) mm_result_clear(res);
    return s;
}
