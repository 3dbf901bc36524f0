/* Rational Remez for R = P / Q of type (m, n), P = sum_{k<=m} a_k T_k(s), Q = 1 + sum_{1<=k<=n}
 * b_k T_k(s), as in Boost.Math's minimax tool (and Chebfun's remez, which solves the same
 * equations as an eigenvalue problem). On the reference x_0 < ... < x_{N-1}, N = m + n + 2, the
 * conditions w_i (g_i - P_i / Q_i) = (-1)^i E are, multiplied by Q_i,
 *     P_i - (g_i - (-1)^i E / w_i) (Q_i - 1) + (-1)^i E / w_i = g_i,
 * nonlinear in E through the product with Q; the E in that product is taken from the previous
 * solve and the linear system is solved again until E settles (at most 40 times). The exchange
 * is the polynomial one (remez.c). A denominator that changes sign on [a, b] (a pole) ends the
 * run with res->pole set. */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "internal.h"

typedef struct {
    size_t m1, n;   /* m + 1 numerator coefficients, n denominator coefficients b_1..b_n */
    double E_prev;  /* the E of the previous solve (0 at the start) */
} rat_ctx;

/* One linear solve with the product's E fixed to Eprod. */
static int solve_once(mm_problem *pb, const double *ref, const rat_ctx *c, mpfr_t Eprod,
                      mpfr_t *z)
{
    size_t m1 = c->m1, n = c->n, N = m1 + n + 1, nt = m1 > n + 1 ? m1 : n + 1;
    mpfr_prec_t prec = pb->prec;
    mpfr_t *A = mm_vec_new(N * N, prec), *T = mm_vec_new(nt, prec);
    mpfr_t s, w, g, ew, coef;
    mpfr_inits2(prec, s, w, g, ew, coef, (mpfr_ptr)0);
    int rc = -1;
    if (A && T) {
        for (size_t i = 0; i < N; i++) {
            mm_problem_target(pb, ref[i], g, w);
            mm_problem_s(pb, ref[i], s);
            mm_cheb_values(nt, s, T);
            mpfr_ui_div(ew, 1, w, MPFR_RNDN); /* (-1)^i / w_i */
            if (i % 2) mpfr_neg(ew, ew, MPFR_RNDN);
            mpfr_mul(coef, ew, Eprod, MPFR_RNDN); /* g_i - (-1)^i Eprod / w_i */
            mpfr_sub(coef, g, coef, MPFR_RNDN);
            for (size_t k = 0; k < m1; k++) mpfr_set(A[i * N + k], T[k], MPFR_RNDN);
            for (size_t k = 1; k <= n; k++) {
                mpfr_mul(A[i * N + m1 + k - 1], coef, T[k], MPFR_RNDN);
                mpfr_neg(A[i * N + m1 + k - 1], A[i * N + m1 + k - 1], MPFR_RNDN);
            }
            mpfr_set(A[i * N + N - 1], ew, MPFR_RNDN);
            mpfr_set(z[i], g, MPFR_RNDN);
        }
        rc = mm_solve(N, A, z, prec);
    }
    mpfr_clears(s, w, g, ew, coef, (mpfr_ptr)0);
    mm_vec_free(A, A ? N * N : 0);
    mm_vec_free(T, T ? nt : 0);
    return rc;
}

static int solve_rat(mm_problem *pb, const double *ref, void *ctx, mm_sol *sol, double *h)
{
    rat_ctx *c = ctx;
    size_t N = c->m1 + c->n + 1;
    mpfr_t *z = mm_vec_new(N, pb->prec);
    mpfr_t E;
    mpfr_init2(E, pb->prec);
    mpfr_set_d(E, c->E_prev, MPFR_RNDN);
    int rc = z ? 0 : -1;
    for (int inner = 0; inner < 40 && !rc; inner++) {
        rc = solve_once(pb, ref, c, E, z);
        if (rc) break;
        double Enew = mpfr_get_d(z[N - 1], MPFR_RNDN), Eold = mpfr_get_d(E, MPFR_RNDN);
        mpfr_set(E, z[N - 1], MPFR_RNDN);
        if (fabs(Enew - Eold) <= 1e-14 * fabs(Enew)) break;
    }
    if (!rc) {
        /* the denominator must keep its sign on [a, b] (Q = 1 + ... is positive where pole-free):
         * checked on the grid before the solution replaces the last good one */
        mpfr_t *qc = mm_vec_new(c->n + 1, pb->prec);
        mpfr_t q;
        mpfr_init2(q, pb->prec);
        if (!qc) rc = -1;
        else {
            mpfr_set_ui(qc[0], 1, MPFR_RNDN);
            for (size_t k = 1; k <= c->n; k++) mpfr_set(qc[k], z[c->m1 + k - 1], MPFR_RNDN);
            mm_sol qs = {c->n + 1, 0, qc, NULL, 1};
            for (size_t j = 0; j < pb->M && !rc; j++) {
                mm_sol_eval(pb, &qs, pb->gx[j], q);
                if (mpfr_sgn(q) <= 0) rc = -2;
            }
        }
        if (!rc) {
            for (size_t k = 0; k < c->m1; k++) mpfr_set(sol->p[k], z[k], MPFR_RNDN);
            for (size_t k = 0; k <= c->n; k++) mpfr_set(sol->q[k], qc[k], MPFR_RNDN);
            *h = mpfr_get_d(E, MPFR_RNDN);
            c->E_prev = *h;
        }
        mpfr_clear(q);
        mm_vec_free(qc, qc ? c->n + 1 : 0);
    }
    mpfr_clear(E);
    mm_vec_free(z, z ? N : 0);
    return rc;
}

ua_status mm_remez_rational(mm_problem *pb, size_t m, size_t n, const mm_remez_opts *o,
                            mm_result *res)
{
    *res = (mm_result){0};
    size_t N = m + n + 2;
    if (mm_sol_init(&res->sol, m + 1, n + 1, 1, pb->prec))
        return UA_ENOMEM_ERR((m + n + 2) * sizeof(mpfr_t));
    double *ref = ua_calloc(N, sizeof *ref);
    if (!ref) {
        mm_result_clear(res);
        return UA_ENOMEM_ERR(N * sizeof *ref);
    }
    if (mm_cheb_reference(pb->a, pb->b, N, ref)) {
        free(ref);
        mm_result_clear(res);
        return UA_ERR(UA_EINVAL, "minimax: [%.17g, %.17g] holds too few doubles for type "
                      "(%zu, %zu)", pb->a, pb->b, m, n);
    }
    rat_ctx c = {m + 1, n, 0.0};
    ua_status s = mm_remez_drive(pb, N, ref, solve_rat, &c, o, res);
    free(ref);
    if (s) mm_result_clear(res);
    return s;
}
