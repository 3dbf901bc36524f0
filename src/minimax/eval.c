/* Evaluation of a minimax approximation (double and float; Horner and Estrin; fma where the
 * target has a fast one) — the exported C performs exactly these operations in this order — and
 * the re-measurement of its error against the MPFR target. */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "internal.h"
#include "uniapprox/chebtech.h"

static inline double mac(double a, double b, double c)
{
#ifdef FP_FAST_FMA
    return fma(a, b, c);
#else
    return a * b + c;
#endif
}

static inline float macf(float a, float b, float c)
{
#ifdef FP_FAST_FMAF
    return fmaf(a, b, c);
#else
    return a * b + c;
#endif
}

/* sum_{k<n} c_k t^k, n >= 1 (n <= 1001). Estrin: level by level, v_i = v_2i + v_2i+1 p with
 * p = t, t^2, t^4, ...; an odd element left over moves up unchanged. */
static double poly(const double *c, size_t n, double t, ua_minimax_scheme scheme)
{
    if (scheme == UA_MINIMAX_HORNER || n < 3) {
        double y = c[n - 1];
        for (size_t k = n - 1; k-- > 0;) y = mac(y, t, c[k]);
        return y;
    }
    double v[1001];
    size_t L = n;
    for (size_t i = 0; i < n; i++) v[i] = c[i];
    double p = t;
    while (L > 1) {
        for (size_t i = 0; i < L / 2; i++) v[i] = mac(v[2 * i + 1], p, v[2 * i]);
        if (L % 2) v[L / 2] = v[L - 1];
        L = (L + 1) / 2;
        if (L > 1) p = p * p;
    }
    return v[0];
}

static float polyf(const double *c, size_t n, float t, ua_minimax_scheme scheme)
{
    if (scheme == UA_MINIMAX_HORNER || n < 3) {
        float y = (float)c[n - 1];
        for (size_t k = n - 1; k-- > 0;) y = macf(y, t, (float)c[k]);
        return y;
    }
    float v[1001];
    size_t L = n;
    for (size_t i = 0; i < n; i++) v[i] = (float)c[i];
    float p = t;
    while (L > 1) {
        for (size_t i = 0; i < L / 2; i++) v[i] = macf(v[2 * i + 1], p, v[2 * i]);
        if (L % 2) v[L / 2] = v[L - 1];
        L = (L + 1) / 2;
        if (L > 1) p = p * p;
    }
    return v[0];
}

/* Clenshaw in float with the operations and order of ua_cheb_clenshaw (the exported float code
 * runs the same loop on float coefficients). */
static float clenshawf(const double *c, size_t n, float s)
{
    float b1 = 0.0f, b2 = 0.0f, s2 = s + s;
    for (size_t k = n - 1; k >= 1; k--) {
        float b0 = (float)c[k] + s2 * b1 - b2;
        b2 = b1;
        b1 = b0;
    }
    return (float)c[0] + s * b1 - b2;
}

/* The Chebyshev variable t = (x - shift) * scale, clamped to [-1, 1] (rounding of shift and scale
 * may put the ends a few ulps outside). */
static double cheb_var(const ua_minimax *p, double x)
{
    double t = (x - p->shift) * p->scale;
    if (t < -1.0) t = -1.0;
    if (t > 1.0) t = 1.0;
    return t;
}

double ua_minimax_eval(const ua_minimax *p, double x)
{
    if (!p || !(x >= p->a && x <= p->b)) return NAN;
    if (p->basis == UA_MINIMAX_BASIS_CHEBYSHEV) {
        double t = cheb_var(p, x), y = ua_cheb_clenshaw(p->num, p->nnum, t);
        if (p->nden) y = y / ua_cheb_clenshaw(p->den, p->nden, t);
        return y;
    }
    double t = p->shift == 0.0 && p->scale == 1.0 ? x : (x - p->shift) * p->scale;
    double y = poly(p->num, p->nnum, t, p->scheme);
    if (p->nden) y = y / poly(p->den, p->nden, t, p->scheme);
    return y;
}

float ua_minimax_eval_float(const ua_minimax *p, float x)
{
    if (!p || !((double)x >= p->a && (double)x <= p->b)) return NAN;
    if (p->basis == UA_MINIMAX_BASIS_CHEBYSHEV) {
        float t = (x - (float)p->shift) * (float)p->scale;
        if (t < -1.0f) t = -1.0f;
        if (t > 1.0f) t = 1.0f;
        float y = clenshawf(p->num, p->nnum, t);
        if (p->nden) y = y / clenshawf(p->den, p->nden, t);
        return y;
    }
    float t = p->shift == 0.0 && p->scale == 1.0 ? x : (x - (float)p->shift) * (float)p->scale;
    float y = polyf(p->num, p->nnum, t, p->scheme);
    if (p->nden) y = y / polyf(p->den, p->nden, t, p->scheme);
    return y;
}

double ua_minimax_fn1(double x, void *ctx) { return ua_minimax_eval(ctx, x); }

double mm_condition(const mm_problem *pb, const double *c, size_t n, double shift, double scale)
{
    double S = 0.0, P = 0.0;
    for (size_t j = 0; j < pb->M; j++) {
        double t = (pb->gx[j] - shift) * scale, at = fabs(t), s = 0.0, y = 0.0;
        for (size_t k = n; k-- > 0;) {
            s = s * at + fabs(c[k]);
            y = y * t + c[k];
        }
        if (s > S) S = s;
        if (fabs(y) > P) P = fabs(y);
    }
    return P > 0.0 ? S / P : 1.0;
}

double mm_condition_cheb(const mm_problem *pb, const double *c, size_t n, double shift,
                         double scale)
{
    double S = 0.0, P = 0.0;
    for (size_t k = 0; k < n; k++) S += fabs(c[k]);
    for (size_t j = 0; j < pb->M; j++) {
        double t = (pb->gx[j] - shift) * scale;
        t = t < -1.0 ? -1.0 : t > 1.0 ? 1.0 : t;
        double y = fabs(ua_cheb_clenshaw(c, n, t));
        if (y > P) P = y;
    }
    return P > 0.0 ? S / P : 1.0;
}

/* w (y - f) at x as a double, given y and the target f, w at x. */
static double werr(double y, const mpfr_t f, const mpfr_t w, mpfr_t tmp)
{
    if (!isfinite(y)) return INFINITY;
    mpfr_set_d(tmp, y, MPFR_RNDN);
    mpfr_sub(tmp, tmp, f, MPFR_RNDN);
    mpfr_mul(tmp, tmp, w, MPFR_RNDN);
    return fabs(mpfr_get_d(tmp, MPFR_RNDN));
}

/* The float input nearest x inside [a, b], or NaN when there is none. */
static double float_point(double x, double a, double b)
{
    float xf = (float)x;
    if ((double)xf < a) xf = nextafterf(xf, INFINITY);
    if ((double)xf > b) xf = nextafterf(xf, -INFINITY);
    return (double)xf >= a && (double)xf <= b ? (double)xf : NAN;
}

ua_status mm_measure(mm_problem *pb, ua_minimax *p)
{
    mm_sol sol = {p->nnum, p->nden, NULL, NULL, 0};
    if (mm_sol_init(&sol, p->nnum, p->nden, p->basis == UA_MINIMAX_BASIS_CHEBYSHEV ? 2 : 0,
                    pb->prec))
        return UA_ENOMEM_ERR(p->nnum * 32);
    for (size_t k = 0; k < p->nnum; k++) mpfr_set_d(sol.p[k], p->num[k], MPFR_RNDN);
    for (size_t k = 0; k < p->nden; k++) mpfr_set_d(sol.q[k], p->den[k], MPFR_RNDN);
    mm_extrema ex;
    ua_status s = mm_find_extrema(pb, &sol, &ex);
    if (s) {
        mm_sol_clear(&sol);
        return s;
    }
    double cerr = ex.maxabs, derr = 0.0, ferr = 0.0;
    /* points: the grid (target values cached), the alternation points and the refined extrema;
     * per point the exact, double and float errors, computed in parallel, then reduced in order */
    size_t nextra = p->nalt + ex.n, np = pb->M + nextra;
    double *ec = ua_calloc(np, sizeof *ec), *ed = ua_calloc(np, sizeof *ed);
    double *ef = ua_calloc(np, sizeof *ef);
    if (!ec || !ed || !ef) {
        free(ec);
        free(ed);
        free(ef);
        mm_extrema_clear(&ex);
        mm_sol_clear(&sol);
        return UA_ENOMEM_ERR(3 * np * sizeof *ec);
    }
    const long npl = (long)np;
#pragma omp parallel if (npl > 2048)
    {
        mpfr_t f, w, tmp;
        mpfr_inits2(pb->prec, f, w, tmp, (mpfr_ptr)0);
#pragma omp for schedule(dynamic, 16)
        for (long i = 0; i < npl; i++) {
            size_t u = (size_t)i;
            double x = u < pb->M ? pb->gx[u] : u - pb->M < p->nalt ? p->alt[u - pb->M]
                                                                   : ex.x[u - pb->M - p->nalt];
            if (u < pb->M) {
                ec[u] = 0.0; /* the grid is part of the extrema search already */
                ed[u] = werr(ua_minimax_eval(p, x), pb->gf[u], pb->gw[u], tmp);
            } else {
                mm_problem_target(pb, x, f, w);
                ec[u] = fabs(mm_err_with(pb, &sol, x, f, w));
                ed[u] = werr(ua_minimax_eval(p, x), f, w, tmp);
            }
            /* float evaluation at the float input nearest x */
            double xf = float_point(x, p->a, p->b);
            ef[u] = 0.0;
            if (!isnan(xf)) {
                mm_problem_target(pb, xf, f, w);
                ef[u] = werr((double)ua_minimax_eval_float(p, (float)xf), f, w, tmp);
            }
        }
        mpfr_clears(f, w, tmp, (mpfr_ptr)0);
    }
    for (size_t u = 0; u < np; u++) {
        if (!(ec[u] <= cerr)) cerr = ec[u];
        if (!(ed[u] <= derr)) derr = ed[u];
        if (!(ef[u] <= ferr)) ferr = ef[u];
    }
    free(ec);
    free(ed);
    free(ef);
    mm_extrema_clear(&ex);
    mm_sol_clear(&sol);
    p->coeff_err = cerr;
    p->measured_err = derr;
    p->float_err = ferr;
    return UA_OK;
}
