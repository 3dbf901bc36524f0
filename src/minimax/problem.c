/* The approximation problem in MPFR: the target f, the weight of the error measure, an optional
 * fixed polynomial part (coefficient rounding), the grid of cached target values, and the error
 * function e(x) = w(x) (R(x) - (f(x) - fixed(x))). */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "internal.h"

void mm_problem_s(mm_problem *pb, double x, mpfr_t s)
{
    mpfr_set_d(s, x, MPFR_RNDN);
    mpfr_sub(s, s, pb->mid, MPFR_RNDN);
    mpfr_div(s, s, pb->half, MPFR_RNDN);
}

void mm_problem_t(mm_problem *pb, double x, mpfr_t t)
{
    mpfr_set_d(t, x, MPFR_RNDN);
    mpfr_sub(t, t, pb->shift, MPFR_RNDN);
    mpfr_mul(t, t, pb->scale, MPFR_RNDN);
}

/* sum c_k T_k(s) by Clenshaw's recurrence, or sum c_k t^k by Horner. */
static void series(mpfr_t y, const mpfr_t *c, size_t n, const mpfr_t v, int cheb, mpfr_prec_t prec)
{
    if (n == 0) {
        mpfr_set_zero(y, 1);
        return;
    }
    if (!cheb) {
        mpfr_set(y, c[n - 1], MPFR_RNDN);
        for (size_t k = n - 1; k-- > 0;) {
            mpfr_mul(y, y, v, MPFR_RNDN);
            mpfr_add(y, y, c[k], MPFR_RNDN);
        }
        return;
    }
    mpfr_t b1, b2, b0;
    mpfr_inits2(prec, b1, b2, b0, (mpfr_ptr)0);
    mpfr_set_zero(b1, 1);
    mpfr_set_zero(b2, 1);
    for (size_t k = n - 1; k >= 1; k--) { /* b_k = c_k + 2 s b_{k+1} - b_{k+2} */
        mpfr_mul(b0, v, b1, MPFR_RNDN);
        mpfr_mul_2ui(b0, b0, 1, MPFR_RNDN);
        mpfr_sub(b0, b0, b2, MPFR_RNDN);
        mpfr_add(b0, b0, c[k], MPFR_RNDN);
        mpfr_swap(b2, b1);
        mpfr_swap(b1, b0);
    }
    mpfr_mul(y, v, b1, MPFR_RNDN); /* c_0 + s b_1 - b_2 */
    mpfr_sub(y, y, b2, MPFR_RNDN);
    mpfr_add(y, y, c[0], MPFR_RNDN);
    mpfr_clears(b1, b2, b0, (mpfr_ptr)0);
}

static void fixed_at(mm_problem *pb, double x, mpfr_t y)
{
    mpfr_t t;
    mpfr_init2(t, pb->prec);
    mm_problem_t(pb, x, t);
    mpfr_set_zero(y, 1);
    for (size_t k = pb->nfixed_len; k-- > 0;) {
        mpfr_mul(y, y, t, MPFR_RNDN);
        if (pb->is_fixed[k]) mpfr_add(y, y, pb->fixed[k], MPFR_RNDN);
    }
    mpfr_clear(t);
}

/* w at x given f(x) in fv (for the relative measure). */
static void weight_at(mm_problem *pb, double x, const mpfr_t fv, mpfr_t wv)
{
    if (pb->kind == UA_MINIMAX_ABS) mpfr_set_ui(wv, 1, MPFR_RNDN);
    else if (pb->kind == UA_MINIMAX_REL) {
        mpfr_ui_div(wv, 1, fv, MPFR_RNDN);
        mpfr_abs(wv, wv, MPFR_RNDN);
    } else ua_target_eval_mpfr(pb->w, &x, wv);
}

void mm_problem_target(mm_problem *pb, double x, mpfr_t gv, mpfr_t wv)
{
    ua_target_eval_mpfr(pb->f, &x, gv);
    weight_at(pb, x, gv, wv);
    if (pb->nfixed_len) {
        mpfr_t y;
        mpfr_init2(y, pb->prec);
        fixed_at(pb, x, y);
        mpfr_sub(gv, gv, y, MPFR_RNDN);
        mpfr_clear(y);
    }
}

int mm_sol_eval(mm_problem *pb, const mm_sol *sol, double x, mpfr_t y)
{
    mpfr_t v, q;
    mpfr_inits2(pb->prec, v, q, (mpfr_ptr)0);
    if (sol->cheb == 1) mm_problem_s(pb, x, v);
    else mm_problem_t(pb, x, v); /* monomials, or a stored Chebyshev model in t */
    series(y, (const mpfr_t *)sol->p, sol->np, v, sol->cheb, pb->prec);
    int rc = 0;
    if (sol->nq) {
        series(q, (const mpfr_t *)sol->q, sol->nq, v, sol->cheb, pb->prec);
        if (mpfr_zero_p(q)) rc = -1;
        else mpfr_div(y, y, q, MPFR_RNDN);
    }
    mpfr_clears(v, q, (mpfr_ptr)0);
    return rc;
}

double mm_err_with(mm_problem *pb, const mm_sol *sol, double x, const mpfr_t g, const mpfr_t w)
{
    mpfr_t y;
    mpfr_init2(y, pb->prec);
    double e;
    if (mm_sol_eval(pb, sol, x, y)) e = INFINITY;
    else {
        mpfr_sub(y, y, g, MPFR_RNDN);
        mpfr_mul(y, y, w, MPFR_RNDN);
        e = mpfr_get_d(y, MPFR_RNDN);
    }
    mpfr_clear(y);
    return e;
}

double mm_err_at(mm_problem *pb, const mm_sol *sol, double x)
{
    mpfr_t g, w;
    mpfr_inits2(pb->prec, g, w, (mpfr_ptr)0);
    mm_problem_target(pb, x, g, w);
    double e = mm_err_with(pb, sol, x, g, w);
    mpfr_clears(g, w, (mpfr_ptr)0);
    return e;
}

void mm_sol_clear(mm_sol *sol)
{
    mm_vec_free(sol->p, sol->np);
    mm_vec_free(sol->q, sol->nq);
    sol->p = sol->q = NULL;
    sol->np = sol->nq = 0;
}

int mm_sol_init(mm_sol *sol, size_t np, size_t nq, int cheb, mpfr_prec_t prec)
{
    sol->np = np;
    sol->nq = nq;
    sol->cheb = cheb;
    sol->p = mm_vec_new(np, prec);
    sol->q = nq ? mm_vec_new(nq, prec) : NULL;
    if (!sol->p || (nq && !sol->q)) {
        mm_vec_free(sol->p, sol->p ? np : 0);
        sol->p = NULL;
        sol->np = sol->nq = 0;
        return -1;
    }
    return 0;
}

void mm_problem_clear(mm_problem *pb)
{
    if (!pb) return;
    mm_vec_free(pb->gf, pb->gf ? pb->M : 0);
    mm_vec_free(pb->gw, pb->gw ? pb->M : 0);
    mm_vec_free(pb->gg, pb->gg ? pb->M : 0);
    mm_vec_free(pb->fixed, pb->nfixed_len);
    free(pb->is_fixed);
    free(pb->gx);
    if (pb->prec) {
        mpfr_clears(pb->mid, pb->half, pb->shift, pb->scale, (mpfr_ptr)0);
        for (int i = 0; i < 6; i++) mpfr_clear(pb->tmp[i]);
    }
    pb->gf = pb->gw = pb->gg = pb->fixed = NULL;
    pb->gx = NULL;
    pb->is_fixed = NULL;
    pb->prec = 0;
}

ua_status mm_problem_init(mm_problem *pb, const ua_target *f, const ua_target *w,
                          ua_minimax_error kind, double a, double b, double shift, double scale,
                          mpfr_prec_t prec, size_t M)
{
    return mm_problem_init_odd(pb, f, w, kind, a, b, shift, scale, prec, M, 0);
}

ua_status mm_problem_init_odd(mm_problem *pb, const ua_target *f, const ua_target *w,
                              ua_minimax_error kind, double a, double b, double shift,
                              double scale, mpfr_prec_t prec, size_t M, int odd_rel)
{
    *pb = (mm_problem){0};
    pb->f = f;
    pb->w = w;
    pb->kind = kind;
    pb->a = a;
    pb->b = b;
    pb->prec = prec;
    mpfr_inits2(prec, pb->mid, pb->half, pb->shift, pb->scale, (mpfr_ptr)0);
    for (int i = 0; i < 6; i++) mpfr_init2(pb->tmp[i], prec);
    mpfr_set_d(pb->mid, a, MPFR_RNDN);
    mpfr_add_d(pb->mid, pb->mid, b, MPFR_RNDN);
    mpfr_div_2ui(pb->mid, pb->mid, 1, MPFR_RNDN);
    mpfr_set_d(pb->half, b, MPFR_RNDN);
    mpfr_sub_d(pb->half, pb->half, a, MPFR_RNDN);
    mpfr_div_2ui(pb->half, pb->half, 1, MPFR_RNDN);
    mpfr_set_d(pb->shift, shift, MPFR_RNDN);
    mpfr_set_d(pb->scale, scale, MPFR_RNDN);

    if (M < 2) M = 2;
    pb->gx = ua_calloc(M, sizeof *pb->gx);
    if (!pb->gx) {
        mm_problem_clear(pb);
        return UA_ENOMEM_ERR(M * sizeof(double));
    }
    /* Chebyshev-distributed (the error of a near-best approximation oscillates like T_{N+1}),
     * endpoints exact, strictly increasing after rounding to double */
    const double PI = 3.14159265358979323846;
    double mid = 0.5 * a + 0.5 * b, half = 0.5 * b - 0.5 * a;
    size_t m = 0;
    for (size_t j = 0; j < M; j++) {
        double x = j == 0 ? a : j == M - 1 ? b : mid - half * cos(PI * (double)j / (double)(M - 1));
        if (x < a) x = a;
        if (x > b) x = b;
        if (m == 0 || x > pb->gx[m - 1]) pb->gx[m++] = x;
    }
    if (pb->gx[m - 1] != b) pb->gx[m - 1] = b;
    pb->M = M = m;
    pb->gf = mm_vec_new(M, prec);
    pb->gw = mm_vec_new(M, prec);
    pb->gg = mm_vec_new(M, prec);
    if (!pb->gf || !pb->gw || !pb->gg) {
        mm_problem_clear(pb);
        return UA_ENOMEM_ERR(3 * M * sizeof(mpfr_t));
    }
    /* the target (and weight) at the grid points: independent MPFR evaluations, in parallel on
     * large grids (high degrees; small ones finish before threads pay off on a busy machine) */
    const long Ml = (long)M;
#pragma omp parallel for schedule(dynamic, 16) if (Ml > 2048)
    for (long j = 0; j < Ml; j++) {
        double x = pb->gx[j];
        ua_target_eval_mpfr(f, &x, pb->gf[j]);
        if (mpfr_number_p(pb->gf[j]) && !(kind == UA_MINIMAX_REL && mpfr_zero_p(pb->gf[j])))
            weight_at(pb, x, pb->gf[j], pb->gw[j]);
    }
    double fs = 0.0;
    int sign0 = 0;
    for (size_t j = 0; j < M; j++) {
        double x = pb->gx[j];
        if (!mpfr_number_p(pb->gf[j])) {
            mm_problem_clear(pb);
            return UA_ERR(UA_EDOMAIN, "minimax: the target is not finite at x = %.17g", x);
        }
        if (kind == UA_MINIMAX_REL) {
            int sg = mpfr_sgn(pb->gf[j]);
            if (odd_rel && x < 0) sg = -sg; /* an odd f: the sign of f(x) / x must not change */
            if (sg == 0 || (sign0 && sg != sign0)) {
                mm_problem_clear(pb);
                return UA_ERR(UA_EDOMAIN, "minimax: the relative error needs f != 0 on the "
                              "interval, but f %s at x = %.17g", sg ? "changes sign" : "= 0", x);
            }
            sign0 = sg;
        }
        if (!mpfr_number_p(pb->gw[j]) || mpfr_sgn(pb->gw[j]) <= 0) {
            mm_problem_clear(pb);
            return UA_ERR(UA_EDOMAIN, "minimax: the weight must be finite and > 0, not at x = %.17g",
                          x);
        }
        mpfr_set(pb->gg[j], pb->gf[j], MPFR_RNDN);
        mpfr_mul(pb->tmp[0], pb->gf[j], pb->gw[j], MPFR_RNDN);
        double v = fabs(mpfr_get_d(pb->tmp[0], MPFR_RNDN));
        if (v > fs) fs = v;
    }
    pb->fscale = fs;
    return UA_OK;
}

ua_status mm_problem_set_fixed(mm_problem *pb, size_t n, mpfr_t *coef, const int *is_fixed)
{
    mm_vec_free(pb->fixed, pb->nfixed_len);
    free(pb->is_fixed);
    pb->fixed = NULL;
    pb->is_fixed = NULL;
    pb->nfixed_len = 0;
    if (n) {
        pb->fixed = mm_vec_new(n, pb->prec);
        pb->is_fixed = ua_calloc(n, sizeof *pb->is_fixed);
        if (!pb->fixed || !pb->is_fixed) {
            mm_vec_free(pb->fixed, pb->fixed ? n : 0);
            free(pb->is_fixed);
            pb->fixed = NULL;
            pb->is_fixed = NULL;
            return UA_ENOMEM_ERR(n * sizeof(mpfr_t));
        }
        for (size_t k = 0; k < n; k++) {
            mpfr_set(pb->fixed[k], coef[k], MPFR_RNDN);
            pb->is_fixed[k] = is_fixed[k];
        }
        pb->nfixed_len = n;
    }
    mpfr_t y;
    mpfr_init2(y, pb->prec);
    for (size_t j = 0; j < pb->M; j++) {
        mpfr_set(pb->gg[j], pb->gf[j], MPFR_RNDN);
        if (n) {
            fixed_at(pb, pb->gx[j], y);
            mpfr_sub(pb->gg[j], pb->gg[j], y, MPFR_RNDN);
        }
    }
    mpfr_clear(y);
    return UA_OK;
}

void mm_problem_alpha_beta(mm_problem *pb, mpfr_t alpha, mpfr_t beta)
{
    /* x = shift + t / scale, s = (x - mid) / half = (shift - mid) / half + t / (scale half) */
    mpfr_sub(alpha, pb->shift, pb->mid, MPFR_RNDN);
    mpfr_div(alpha, alpha, pb->half, MPFR_RNDN);
    mpfr_mul(beta, pb->scale, pb->half, MPFR_RNDN);
    mpfr_ui_div(beta, 1, beta, MPFR_RNDN);
}
