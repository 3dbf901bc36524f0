/* ua_minimax_fit: options, degenerate inputs, the Remez run, the choice of the variable of the
 * monomials, coefficient rounding, and the re-measurement of the result (docs/minimax.md). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "uniapprox/chebtech.h"
#include "probe/probe.h" /* the edge detector, to name a pole when Remez fails */

void ua_minimax_options_default(ua_minimax_options *o)
{
    if (!o) return;
    *o = (ua_minimax_options){0};
    o->degree = 8;
    o->den_degree = 0;
    o->error = UA_MINIMAX_ABS;
    o->weight = NULL;
    o->tol = 0.0;
    o->max_degree = 64;
    o->coeffs = UA_MINIMAX_REAL;
    o->scheme = UA_MINIMAX_HORNER;
    o->var = UA_MINIMAX_VAR_AUTO;
    o->max_iter = 60;
    o->eq_tol = 1e-9;
    o->prec = 192;
    o->basis = UA_MINIMAX_BASIS_AUTO;
    o->parity = UA_MINIMAX_PARITY_NONE;
    o->monomials = NULL;
    o->nmonomials = 0;
}

ua_minimax *mm_alloc(size_t nnum, size_t nden, size_t nalt)
{
    ua_minimax *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->num = ua_calloc(nnum, sizeof *p->num);
    p->den = nden ? ua_calloc(nden, sizeof *p->den) : NULL;
    p->alt = nalt ? ua_calloc(nalt, sizeof *p->alt) : NULL;
    if (!p->num || (nden && !p->den) || (nalt && !p->alt)) {
        ua_minimax_free(p);
        return NULL;
    }
    p->nnum = nnum;
    p->nden = nden;
    p->nalt = nalt;
    p->shift = 0.0;
    p->scale = 1.0;
    p->var = UA_MINIMAX_VAR_X;
    p->basis = UA_MINIMAX_BASIS_MONOMIAL;
    return p;
}

void ua_minimax_free(ua_minimax *p)
{
    if (!p) return;
    free(p->num);
    free(p->den);
    free(p->alt);
    free(p);
}

void ua_minimax_get_info(const ua_minimax *p, ua_minimax_info *info)
{
    if (!p || !info) return;
    *info = (ua_minimax_info){
        .degree = (int)p->nnum - 1,
        .den_degree = p->nden ? (int)p->nden - 1 : 0,
        .error = p->error,
        .coeffs = p->coeffs,
        .scheme = p->scheme,
        .var = p->var,
        .shift = p->shift,
        .scale = p->scale,
        .levelled_error = p->levelled,
        .real_error = p->real_err,
        .coeff_error = p->coeff_err,
        .measured_error = p->measured_err,
        .float_error = p->float_err,
        .cond = p->cond,
        .iterations = p->iterations,
        .converged = p->converged,
        .nalt = p->nalt,
        .alt = p->alt,
        .basis = p->basis,
    };
}

const double *ua_minimax_num(const ua_minimax *p, size_t *n)
{
    if (n) *n = p ? p->nnum : 0;
    return p ? p->num : NULL;
}

const double *ua_minimax_den(const ua_minimax *p, size_t *n)
{
    if (n) *n = p ? p->nden : 0;
    return p && p->nden ? p->den : NULL;
}

void ua_minimax_domain(const ua_minimax *p, double *a, double *b)
{
    if (a) *a = p ? p->a : NAN;
    if (b) *b = p ? p->b : NAN;
}

/* Rounds v to the coefficient format (nearest); 0 when finite. */
static int round_coeff(const mpfr_t v, ua_minimax_coeffs fmt, double *out)
{
    *out = fmt == UA_MINIMAX_FLOAT ? (double)mpfr_get_flt(v, MPFR_RNDN) : mpfr_get_d(v, MPFR_RNDN);
    return isfinite(*out) ? 0 : -1;
}

/* An interval holding fewer than 64 doubles: the best constant over them (the grid holds them
 * all): (min f + max f) / 2 for the absolute (and weighted) error, 2 f_min f_max / (f_min +
 * f_max) for the relative error. */
static ua_status fit_constant(mm_problem *pb, ua_minimax_coeffs fmt, ua_minimax **out)
{
    ua_minimax *p = mm_alloc(1, 0, 0);
    if (!p) return UA_ENOMEM_ERR(sizeof *p);
    mpfr_t lo, hi, c, d;
    mpfr_inits2(pb->prec, lo, hi, c, d, (mpfr_ptr)0);
    mpfr_set(lo, pb->gf[0], MPFR_RNDN);
    mpfr_set(hi, pb->gf[0], MPFR_RNDN);
    for (size_t j = 1; j < pb->M; j++) {
        if (mpfr_less_p(pb->gf[j], lo)) mpfr_set(lo, pb->gf[j], MPFR_RNDN);
        if (mpfr_greater_p(pb->gf[j], hi)) mpfr_set(hi, pb->gf[j], MPFR_RNDN);
    }
    mpfr_add(d, lo, hi, MPFR_RNDN);
    if (pb->kind == UA_MINIMAX_REL) {
        mpfr_mul(c, lo, hi, MPFR_RNDN);
        mpfr_mul_2ui(c, c, 1, MPFR_RNDN);
        mpfr_div(c, c, d, MPFR_RNDN);
    } else mpfr_div_2ui(c, d, 1, MPFR_RNDN);
    int bad = round_coeff(c, fmt == UA_MINIMAX_FLOAT ? fmt : UA_MINIMAX_DOUBLE, &p->num[0]);
    mpfr_clears(lo, hi, c, d, (mpfr_ptr)0);
    if (bad) {
        ua_minimax_free(p);
        return UA_ERR(UA_EUNSUPPORTED, "minimax: the constant is outside the coefficient range");
    }
    p->converged = 1;
    *out = p;
    return UA_OK;
}

/* Monomial coefficients in t = (x - shift) * scale of the Chebyshev series c (n,), into mono. */
static int to_mono(mm_problem *pb, double shift, double scale, mpfr_t *c, size_t n, mpfr_t *mono)
{
    mpfr_t alpha, beta;
    mpfr_inits2(pb->prec, alpha, beta, (mpfr_ptr)0);
    mpfr_set_d(pb->shift, shift, MPFR_RNDN);
    mpfr_set_d(pb->scale, scale, MPFR_RNDN);
    mm_problem_alpha_beta(pb, alpha, beta);
    int rc = mm_cheb_to_mono(n, c, alpha, beta, mono, pb->prec);
    mpfr_clears(alpha, beta, (mpfr_ptr)0);
    return rc;
}

/* Converts the real solution to monomials in the chosen variable (numerator, denominator
 * normalised to d_0 = 1 when d_0 != 0). UA_ENOMEM on failure. */
static ua_status convert(mm_problem *pb, const mm_sol *sol, double shift, double scale,
                         mpfr_t *mn, mpfr_t *md)
{
    if (to_mono(pb, shift, scale, sol->p, sol->np, mn))
        return UA_ENOMEM_ERR(sol->np * sol->np * sizeof(mpfr_t));
    if (sol->nq) {
        if (to_mono(pb, shift, scale, sol->q, sol->nq, md))
            return UA_ENOMEM_ERR(sol->nq * sol->nq * sizeof(mpfr_t));
        if (!mpfr_zero_p(md[0])) {
            mpfr_t d0;
            mpfr_init2(d0, pb->prec);
            mpfr_set(d0, md[0], MPFR_RNDN);
            for (size_t k = 0; k < sol->np; k++) mpfr_div(mn[k], mn[k], d0, MPFR_RNDN);
            for (size_t k = 0; k < sol->nq; k++) mpfr_div(md[k], md[k], d0, MPFR_RNDN);
            mpfr_clear(d0);
        }
    }
    return UA_OK;
}

static double cond_of(const mm_problem *pb, const mpfr_t *mn, size_t nn, const mpfr_t *md,
                      size_t nd, double shift, double scale)
{
    double c[1001], kn = 1.0, kd = 1.0;
    /* a coefficient beyond the double range: that form cannot be stored (--var auto then takes
     * the unit variable) */
    for (size_t k = 0; k < nn + nd; k++)
        if (!mpfr_number_p(k < nn ? mn[k] : md[k - nn]) ||
            !isfinite(mpfr_get_d(k < nn ? mn[k] : md[k - nn], MPFR_RNDN)))
            return INFINITY;
    for (size_t k = 0; k < nn; k++) c[k] = mpfr_get_d(mn[k], MPFR_RNDN);
    kn = mm_condition(pb, c, nn, shift, scale);
    if (nd) {
        for (size_t k = 0; k < nd; k++) c[k] = mpfr_get_d(md[k], MPFR_RNDN);
        kd = mm_condition(pb, c, nd, shift, scale);
    }
    return isfinite(kn) && isfinite(kd) ? (kn > kd ? kn : kd) : INFINITY;
}

/* The exponents of a restricted basis into expo (room for degree + 1); 0 when every monomial up
 * to the degree is asked (no restriction). */
static size_t exponents(const ua_minimax_options *o, int *expo)
{
    size_t m = 0;
    if (o->monomials && o->nmonomials) {
        for (size_t k = 0; k < o->nmonomials; k++) expo[m++] = o->monomials[k];
    } else if (o->parity != UA_MINIMAX_PARITY_NONE) {
        for (int e = o->parity == UA_MINIMAX_PARITY_ODD ? 1 : 0; e <= o->degree; e += 2)
            expo[m++] = e;
    }
    return m == (size_t)o->degree + 1 ? 0 : m;
}

/* f (and w) at -x against +-f(x) (and w(x)) at 33 points of (0, b]: 0 when the target has the
 * parity of the exponents to 2^(-prec/2) of the scale, else UA_EINVAL naming the point. */
static ua_status check_parity(mm_problem *pb, int odd)
{
    mpfr_t f1, f2, w1, w2, d;
    mpfr_inits2(pb->prec, f1, f2, w1, w2, d, (mpfr_ptr)0);
    ua_status s = UA_OK;
    double lim = ldexp(pb->fscale, -(int)(pb->prec / 2));
    for (int j = 0; j < 33 && !s; j++) {
        double x = pb->b * (j + 0.5) / 33.0, mx = -x;
        ua_target_eval_mpfr(pb->f, &x, f1);
        ua_target_eval_mpfr(pb->f, &mx, f2);
        if (odd) mpfr_add(d, f1, f2, MPFR_RNDN);
        else mpfr_sub(d, f1, f2, MPFR_RNDN);
        int bad = !(fabs(mpfr_get_d(d, MPFR_RNDN)) <= lim);
        if (!bad && pb->kind == UA_MINIMAX_WEIGHTED) {
            ua_target_eval_mpfr(pb->w, &x, w1);
            ua_target_eval_mpfr(pb->w, &mx, w2);
            mpfr_sub(d, w1, w2, MPFR_RNDN);
            bad = !(fabs(mpfr_get_d(d, MPFR_RNDN)) <= ldexp(fabs(mpfr_get_d(w1, MPFR_RNDN)),
                                                           -(int)(pb->prec / 2)));
        }
        if (bad)
            s = UA_ERR(UA_EINVAL, "minimax: the target (or weight) is not %s on [%.17g, %.17g]: "
                       "f(%.17g) = %.17g, f(%.17g) = %.17g; %s monomials cannot approximate it "
                       "(drop --parity / --monomials, or fit on [0, b])", odd ? "odd" : "even",
                       pb->a, pb->b, x, mpfr_get_d(f1, MPFR_RNDN), mx,
                       mpfr_get_d(f2, MPFR_RNDN), odd ? "odd" : "even");
    }
    mpfr_clears(f1, f2, w1, w2, d, (mpfr_ptr)0);
    return s;
}

/* The best polynomial in the restricted basis expo (m,) as a Chebyshev series in pb's s, by the
 * exchange on [0, b] for a symmetric interval (the target's parity checked; the alternation points
 * mirrored onto [-b, 0)), or on [a, b] itself when a >= 0 (docs/minimax.md, "Odd, even and chosen
 * monomials"). */
static ua_status restricted_fit(mm_problem *pb, const ua_minimax_options *o, const int *expo,
                                size_t m, const mm_remez_opts *ro, mm_result *res)
{
    double a = pb->a, b = pb->b;
    int sym = a == -b, par = expo[0] % 2, same = 1;
    for (size_t k = 1; k < m; k++) same = same && expo[k] % 2 == par;
    if (!(sym && same) && a < 0)
        return UA_ERR(UA_EINVAL, "minimax: chosen monomials need an interval [a, b] with a >= 0, "
                      "or a symmetric one [-b, b] with exponents of one parity (the Haar "
                      "condition), not [%.17g, %.17g]%s", a, b,
                      sym ? " with exponents of both parities" : "");
    ua_status s;
    if (sym && (s = check_parity(pb, par))) return s;
    /* the half interval; with the relative error and f(0) = 0 (an odd f) the error at 0 is the
     * limit p'(0)/f'(0) - 1, reached to 2^-40 from b 2^-40 on */
    double ah = sym ? 0.0 : a;
    if (sym && o->error == UA_MINIMAX_REL) {
        mpfr_t f0;
        mpfr_init2(f0, pb->prec);
        double zero = 0.0;
        ua_target_eval_mpfr(pb->f, &zero, f0);
        if (mpfr_zero_p(f0)) ah = ldexp(b, -40);
        mpfr_clear(f0);
    }
    mm_problem half;
    s = mm_problem_init(&half, pb->f, pb->w, pb->kind, ah, b, 0.0, 1.0, pb->prec,
                        mm_grid_size(m + 1));
    if (s) return s;
    mpfr_set_zero(half.mid, 1); /* s = x / b */
    mpfr_set_d(half.half, b, MPFR_RNDN);
    s = mm_remez_restricted(&half, expo, m, sym, ro, res);
    if (!s && !sym && res->sol.np) { /* the series in x / b -> in pb's s: x / b = alpha + beta s */
        mpfr_t alpha, beta;
        mpfr_t *c = mm_vec_new(res->sol.np, pb->prec);
        mpfr_inits2(pb->prec, alpha, beta, (mpfr_ptr)0);
        mpfr_div_d(alpha, pb->mid, b, MPFR_RNDN);
        mpfr_div_d(beta, pb->half, b, MPFR_RNDN);
        if (!c || mm_cheb_affine(res->sol.np, res->sol.p, alpha, beta, c, pb->prec))
            s = UA_ENOMEM_ERR(res->sol.np * sizeof(mpfr_t));
        else
            for (size_t k = 0; k < res->sol.np; k++) mpfr_set(res->sol.p[k], c[k], MPFR_RNDN);
        mm_vec_free(c, c ? res->sol.np : 0);
        mpfr_clears(alpha, beta, (mpfr_ptr)0);
    }
    if (!s && sym && res->nref) { /* the alternation on [-b, b]: the reference and its mirror */
        size_t n0 = res->nref, z = res->ref[0] == 0.0, nn = 2 * n0 - z;
        double *full = ua_calloc(nn, sizeof *full);
        if (!full) s = UA_ENOMEM_ERR(nn * sizeof *full);
        else {
            for (size_t i = 0; i < n0 - z; i++) full[i] = -res->ref[n0 - 1 - i];
            memcpy(full + n0 - z, res->ref, n0 * sizeof *full);
            free(res->ref);
            res->ref = full;
            res->nref = nn;
        }
    }
    mm_problem_clear(&half);
    if (s) mm_result_clear(res);
    return s;
}

/* The Chebyshev model of the real solution: t = (x - mid) * 2 / (b - a) (doubles), the series
 * re-expanded exactly in t (the rounded shift and scale are not quite the solver's map) and
 * rounded once to double. UA_EUNSUPPORTED when 2 / (b - a) overflows. */
static ua_status build_cheb(mm_problem *pb, const mm_result *res, ua_minimax *p)
{
    double shift = 0.5 * pb->a + 0.5 * pb->b, scale = 2.0 / (pb->b - pb->a);
    if (!isfinite(scale) || scale == 0.0)
        return UA_ERR(UA_EUNSUPPORTED, "minimax: the interval is too short for the Chebyshev "
                      "variable (2 / (b - a) overflows)");
    mpfr_set_d(pb->shift, shift, MPFR_RNDN);
    mpfr_set_d(pb->scale, scale, MPFR_RNDN);
    mpfr_t alpha, beta;
    mpfr_inits2(pb->prec, alpha, beta, (mpfr_ptr)0);
    mm_problem_alpha_beta(pb, alpha, beta);
    size_t nmax = res->sol.np > res->sol.nq ? res->sol.np : res->sol.nq;
    mpfr_t *c = mm_vec_new(nmax, pb->prec);
    ua_status s = UA_OK;
    if (!c) s = UA_ENOMEM_ERR(nmax * sizeof(mpfr_t));
    for (int part = 0; part < 2 && !s; part++) {
        size_t n = part ? res->sol.nq : res->sol.np;
        double *dst = part ? p->den : p->num;
        if (!n) continue;
        if (mm_cheb_affine(n, part ? res->sol.q : res->sol.p, alpha, beta, c, pb->prec)) {
            s = UA_ENOMEM_ERR(n * sizeof(mpfr_t));
            break;
        }
        for (size_t k = 0; k < n && !s; k++)
            if (round_coeff(c[k], UA_MINIMAX_DOUBLE, &dst[k]))
                s = UA_ERR(UA_EUNSUPPORTED, "minimax: a Chebyshev coefficient is outside the "
                           "double range");
    }
    mm_vec_free(c, c ? nmax : 0);
    mpfr_clears(alpha, beta, (mpfr_ptr)0);
    if (s) return s;
    p->shift = shift;
    p->scale = scale;
    p->var = UA_MINIMAX_VAR_UNIT;
    p->basis = UA_MINIMAX_BASIS_CHEBYSHEV;
    return UA_OK;
}

/* Sets the monomial coefficients outside the restricted basis expo (m,) to exact zeros: with
 * shift 0 they are rounding residue of the conversions (the basis holds exactly those
 * monomials). */
static void keep_basis(mpfr_t *mn, size_t nn, const int *expo, size_t m, double shift)
{
    if (!m || shift != 0.0) return;
    for (size_t k = 0, j = 0; k < nn; k++) {
        while (j < m && (size_t)expo[j] < k) j++;
        if (j >= m || (size_t)expo[j] != k) mpfr_set_zero(mn[k], 1);
    }
}

/* The monomial model (the variable chosen as the header says; rounding by mm_fpround for
 * polynomials with --coeffs double|float (for a restricted basis without its greedy descent, which
 * would fill the other monomials), to nearest for rationals). A restricted basis keeps the
 * variable x unless the unit one is asked or has shift 0: only then is it stored as the monomials
 * chosen. */
static ua_status build_mono(mm_problem *pb, const mm_result *res, const ua_minimax_options *o,
                            const int *expo, size_t m, ua_minimax *p)
{
    int restricted = m != 0;
    size_t nn = res->sol.np, nd = res->sol.nq;
    mpfr_t *mn = mm_vec_new(nn, pb->prec), *md = mm_vec_new(nd, pb->prec);
    ua_status s = UA_OK;
    if (!mn || !md) {
        s = UA_ENOMEM_ERR((nn + nd) * sizeof(mpfr_t));
        goto done;
    }
    mm_remez_opts ro = {o->max_iter, o->eq_tol};
    double shift = 0.0, scale = 1.0, ushift = 0.5 * pb->a + 0.5 * pb->b;
    double uscale = 2.0 / (pb->b - pb->a);
    if (!isfinite(uscale) || uscale == 0.0) uscale = 1.0;
    if ((s = convert(pb, &res->sol, shift, scale, mn, md))) goto done;
    keep_basis(mn, nn, expo, m, shift);
    double cx = cond_of(pb, (const mpfr_t *)mn, nn, (const mpfr_t *)md, nd, shift, scale);
    int reopt = nd == 0 && o->coeffs != UA_MINIMAX_REAL;
    int try_both = o->var == UA_MINIMAX_VAR_AUTO && reopt && !(restricted && ushift != 0.0);
    int unit = o->var == UA_MINIMAX_VAR_UNIT || (o->var == UA_MINIMAX_VAR_AUTO && !(cx <= 16.0) &&
                                                 !(restricted && ushift != 0.0));
    p->var = UA_MINIMAX_VAR_X;
    if (reopt) {
        double err = INFINITY, err2 = INFINITY;
        ua_status s1 = UA_OK;
        if (try_both || !unit) {
            s1 = mm_fpround(pb, nn, mn, o->coeffs, &ro, res->maxerr, !restricted, p->num, &err);
            if (s1 && s1 != UA_EUNSUPPORTED) {
                s = s1;
                goto done;
            }
        }
        if (try_both || unit) {
            double *alt_c = ua_calloc(nn, sizeof *alt_c);
            if (!alt_c) {
                s = UA_ENOMEM_ERR(nn * sizeof *alt_c);
                goto done;
            }
            if ((s = convert(pb, &res->sol, ushift, uscale, mn, md))) {
                free(alt_c);
                goto done;
            }
            keep_basis(mn, nn, expo, m, ushift);
            s = mm_fpround(pb, nn, mn, o->coeffs, &ro, res->maxerr, !restricted, alt_c, &err2);
            if (s && s != UA_EUNSUPPORTED) {
                free(alt_c);
                goto done;
            }
            if (!s && (!(try_both || !unit) || s1 || err2 < err)) {
                memcpy(p->num, alt_c, nn * sizeof *alt_c);
                shift = ushift;
                scale = uscale;
                p->var = UA_MINIMAX_VAR_UNIT;
                s1 = UA_OK;
            }
            free(alt_c);
            s = UA_OK;
        }
        if (s1) {
            s = s1;
            goto done;
        }
    } else {
        if (unit) {
            shift = ushift;
            scale = uscale;
            if ((s = convert(pb, &res->sol, shift, scale, mn, md))) goto done;
            keep_basis(mn, nn, expo, m, shift);
            p->var = UA_MINIMAX_VAR_UNIT;
        }
        ua_minimax_coeffs fmt = o->coeffs == UA_MINIMAX_FLOAT ? o->coeffs : UA_MINIMAX_DOUBLE;
        for (size_t k = 0; k < nn && !s; k++)
            if (round_coeff(mn[k], fmt, &p->num[k])) s = UA_EUNSUPPORTED;
        for (size_t k = 0; k < nd && !s; k++)
            if (round_coeff(md[k], fmt, &p->den[k])) s = UA_EUNSUPPORTED;
        if (s) {
            s = UA_ERR(UA_EUNSUPPORTED, "minimax: a coefficient is outside the %s range in "
                       "the variable %s%s", fmt == UA_MINIMAX_FLOAT ? "float" : "double",
                       unit ? "t = (x - mid) * 2 / (b - a)" : "x",
                       unit ? "" : " (use --var unit or --var auto)");
            goto done;
        }
    }
    p->shift = shift;
    p->scale = scale;
    p->basis = UA_MINIMAX_BASIS_MONOMIAL;
done:
    mm_vec_free(mn, mn ? nn : 0);
    mm_vec_free(md, md ? nd : 0);
    return s;
}

/* Fills the common fields of p, its condition number and its re-measured errors. */
static ua_status finish(mm_problem *pb, const ua_minimax_options *o, const mm_result *res,
                        ua_minimax *p)
{
    p->a = pb->a;
    p->b = pb->b;
    p->error = o->error;
    p->coeffs = o->coeffs;
    p->scheme = o->scheme;
    if (res && res->nref && p->nalt == res->nref)
        memcpy(p->alt, res->ref, res->nref * sizeof *p->alt);
    mpfr_set_d(pb->shift, p->shift, MPFR_RNDN);
    mpfr_set_d(pb->scale, p->scale, MPFR_RNDN);
    int cheb = p->basis == UA_MINIMAX_BASIS_CHEBYSHEV;
    p->cond = (cheb ? mm_condition_cheb : mm_condition)(pb, p->num, p->nnum, p->shift, p->scale);
    if (p->nden) {
        double kd = (cheb ? mm_condition_cheb : mm_condition)(pb, p->den, p->nden, p->shift,
                                                              p->scale);
        if (!(kd <= p->cond)) p->cond = kd;
    }
    return mm_measure(pb, p);
}

ua_status ua_minimax_fit(const ua_target *f, double a, double b, const ua_minimax_options *opt,
                         ua_minimax **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "minimax: out is NULL");
    *out = NULL;
    ua_minimax_options o;
    if (opt) o = *opt;
    else ua_minimax_options_default(&o);
    ua_status s = mm_check_options(f, a, b, &o);
    if (s) return s;
    if (o.degree == UA_MINIMAX_DEGREE_AUTO) return mm_fit_auto(f, a, b, &o, out);
    return mm_fit_fixed(f, a, b, &o, out);
}

/* Whether the error of res (a converged run of type (m - k, n - k)) alternates on need =
 * m + n + 2 - k points within eq_tol of its maximum: the characterisation of the best rational of
 * type (m, n) whose defect is k (Trefethen, Approximation Theory and Approximation Practice, Thm. 24.1: an irreducible
 * P/Q of exact type (mu, nu) with defect d = min(m - mu, n - nu) is best in type (m, n) if and
 * only if its error alternates on m + n + 2 - d points). On success res->ref holds those points.
 * Returns 1 (certified), 0 (not), -1 (out of memory). */
static int alternates_on(mm_problem *pb, mm_result *res, size_t need, double eq_tol)
{
    mm_extrema ex = {0};
    double *ref = ua_calloc(need, sizeof *ref), *eref = ua_calloc(need, sizeof *eref);
    int ok = -1;
    if (ref && eref && !mm_find_extrema(pb, &res->sol, &ex)) {
        ok = mm_select_reference(&ex, need, ref, eref) == need;
        for (size_t i = 0; ok && i < need; i++)
            ok = fabs(eref[i]) >= (1.0 - eq_tol) * ex.maxabs;
        if (ok) {
            free(res->ref);
            res->ref = ref;
            res->nref = need;
            ref = NULL;
        }
    }
    mm_extrema_clear(&ex);
    free(ref);
    free(eref);
    return ok;
}

/* One run of type (m - k, n - k) (the polynomial of degree m - n when k == n) into *r. */
static ua_status run_reduced(mm_problem *pb, size_t m, size_t n, size_t k, const mm_remez_opts *ro,
                             mm_result *r)
{
    *r = (mm_result){0};
    return k == n ? mm_remez_poly(pb, m - k, NULL, ro, r)
                  : mm_remez_rational(pb, m - k, n - k, ro, r);
}

/* The degenerate case of rational Remez: when the best approximation of type (m, n) has a defect
 * k >= 1 (it is of type (m - k, n - k), e.g. the target itself when it is a rational of a lower
 * type), the linearised system of type (m, n) is singular on every reference and the exchange
 * of *res (run for type (m, n), not converged) fails. As Chebfun's minimax does, the type is
 * reduced along the diagonal:
 *   1. a target in the space of a lower type: for k = 1 .. min(m, n), the first solve of type
 *      (m - k, n - k) on the Chebyshev reference (one iteration); the first that reproduces the
 *      target (exact) replaces *res;
 *   2. otherwise, for k = 1 .. min(m, n, 2) (the defects that symmetry makes are 1: an even
 *      target at odd m and n), the whole exchange of type (m - k, n - k); the first that
 *      converges and alternates on m + n + 2 - k points (the characterisation for defect k;
 *      alternates_on) is the best approximation of type (m, n) and replaces *res. A pole-free
 *      run of smaller measured error than *res's (when *res has a pole-free solution) replaces it
 *      too, still not converged.
 * The cost stays a small multiple of the failed run's: step 1 is one iteration per k. Errors:
 * UA_ENOMEM. */
static ua_status reduce_type(mm_problem *pb, size_t m, size_t n, const mm_remez_opts *ro,
                             mm_result *res)
{
    size_t kmax = m < n ? m : n;
    mm_remez_opts one = *ro;
    one.max_iter = 1;
    for (size_t k = 1; k <= kmax; k++) {
        mm_result r;
        ua_status s = run_reduced(pb, m, n, k, &one, &r);
        if (s == UA_ENOMEM) return s;
        if (s) continue; /* too few doubles for the type: the caller's interval handling */
        if (r.iterations > 0 && !r.pole && r.exact) {
            mm_result_clear(res);
            *res = r;
            return UA_OK;
        }
        mm_result_clear(&r);
    }
    for (size_t k = 1; k <= kmax && k <= 2; k++) {
        mm_result r;
        ua_status s = run_reduced(pb, m, n, k, ro, &r);
        if (s == UA_ENOMEM) return s;
        if (s) continue;
        int good = r.iterations > 0 && !r.pole;
        int best = good && r.converged;
        if (best && !r.exact) {
            int a = alternates_on(pb, &r, m + n + 2 - k, 10.0 * ro->eq_tol);
            if (a < 0) {
                mm_result_clear(&r);
                return UA_ENOMEM_ERR((m + n + 2) * 2 * sizeof(double));
            }
            best = a;
        }
        int better = good && res->iterations > 0 && r.maxerr < res->maxerr;
        if (best || better) {
            if (!best) r.converged = 0; /* a lower type's best is not certified for (m, n) */
            mm_result_clear(res);
            *res = r;
            if (best) return UA_OK;
        } else mm_result_clear(&r);
    }
    return UA_OK;
}

ua_status mm_fit_fixed(const ua_target *f, double a, double b, const ua_minimax_options *opt,
                       ua_minimax **out)
{
    ua_minimax_options o = *opt;
    *out = NULL;
    if (o.monomials && o.nmonomials) o.degree = o.monomials[o.nmonomials - 1];
    size_t n = (size_t)o.degree, dn = (size_t)o.den_degree, N = n + dn + 2;
    int *expo = ua_calloc(n + 1, sizeof *expo);
    if (!expo) return UA_ENOMEM_ERR((n + 1) * sizeof *expo);
    size_t m = exponents(&o, expo);
    /* the relative error of an odd target through 0 with odd monomials: p / f - 1 has the limit
     * p'(0) / f'(0) - 1 at 0 (the exchange runs on [b 2^-40, b], restricted_fit) */
    int odd_rel = m && a == -b && o.error == UA_MINIMAX_REL && expo[0] % 2;
    for (size_t k = 1; odd_rel && k < m; k++) odd_rel = expo[k] % 2;
    mm_problem pb;
    ua_status s = mm_problem_init_odd(&pb, f, o.error == UA_MINIMAX_WEIGHTED ? o.weight : NULL,
                                      o.error, a, b, 0.0, 1.0, (mpfr_prec_t)o.prec,
                                      mm_grid_size(N), odd_rel);
    if (s) {
        free(expo);
        return s;
    }
    mm_remez_opts ro = {o.max_iter, o.eq_tol};
    ua_minimax *p = NULL, *q = NULL;
    mm_result res = {0};
    int fellback = 0, measured = 0;
    const char *why = NULL;

    if (pb.fscale == 0.0) { /* f == 0 on the grid: the zero polynomial */
        if (!(p = mm_alloc(1, 0, 0))) {
            s = UA_ENOMEM_ERR(sizeof *p);
            goto done;
        }
        p->converged = 1;
    } else if (mm_doubles_between(a, b) < 64) {
        if ((s = fit_constant(&pb, o.coeffs, &p))) goto done;
    } else {
        if (m) s = restricted_fit(&pb, &o, expo, m, &ro, &res);
        else if (dn == 0) s = mm_remez_poly(&pb, n, NULL, &ro, &res);
        else {
            s = mm_remez_rational(&pb, n, dn, &ro, &res);
            if (!s && !(res.converged && !res.pole && res.iterations > 0))
                s = reduce_type(&pb, n, dn, &ro, &res);
            if (!s && res.iterations == 0) { /* no pole-free solution at all: the polynomial */
                mm_result_clear(&res);
                fellback = 1;
                dn = 0;
                s = mm_remez_poly(&pb, n, NULL, &ro, &res);
            }
        }
        if (s) goto done;
        size_t nn = res.sol.np, nd = res.sol.nq;
        if (!(p = mm_alloc(nn, nd, res.nref))) {
            s = UA_ENOMEM_ERR((nn + nd) * sizeof(double));
            goto done;
        }
        /* the basis: Chebyshev when asked; with auto, monomials unless they fail to reproduce the
         * best approximation in double, then whichever measures better */
        if (o.basis == UA_MINIMAX_BASIS_CHEBYSHEV) s = build_cheb(&pb, &res, p);
        else s = build_mono(&pb, &res, &o, expo, m, p);
        if (s) goto done;
        p->levelled = res.E;
        p->real_err = res.maxerr;
        p->iterations = res.iterations;
        p->converged = res.converged && !fellback && !res.pole;
        if ((s = finish(&pb, &o, &res, p))) goto done;
        measured = 1;
        int may_cheb = o.basis == UA_MINIMAX_BASIS_AUTO && o.coeffs == UA_MINIMAX_REAL &&
                       o.var == UA_MINIMAX_VAR_AUTO;
        if (may_cheb &&
            !(p->measured_err <= 1.125 * p->real_err + 4.0 * DBL_EPSILON * pb.fscale)) {
            if (!(q = mm_alloc(nn, nd, res.nref))) {
                s = UA_ENOMEM_ERR((nn + nd) * sizeof(double));
                goto done;
            }
            s = build_cheb(&pb, &res, q);
            if (s == UA_EUNSUPPORTED) s = UA_OK; /* no Chebyshev variable: keep the monomials */
            else if (!s) {
                q->levelled = p->levelled;
                q->real_err = p->real_err;
                q->iterations = p->iterations;
                q->converged = p->converged;
                if ((s = finish(&pb, &o, &res, q))) goto done;
                if (q->measured_err < p->measured_err) {
                    ua_minimax *t = p;
                    p = q;
                    q = t;
                }
            }
            if (s) goto done;
        }
        if (fellback || res.pole)
            why = "the denominator vanishes in the interval (no pole-free rational approximation "
                  "found from the Chebyshev start)";
        else if (!res.converged)
            why = "the error did not equioscillate";
    }
    if (!measured) {
        p->a = a;
        p->b = b;
        p->error = o.error;
        p->coeffs = o.coeffs;
        p->scheme = o.scheme;
        if ((s = finish(&pb, &o, NULL, p))) goto done;
    }
    if (res.iterations == 0) p->levelled = p->real_err = p->coeff_err; /* zero or constant */

    if (!p->converged && o.error != UA_MINIMAX_WEIGHTED) {
        /* A target with a pole inside: Remez cannot converge. Look for the pole as the cheb
         * family does (the probe's edge detector zooms in where the divided differences blow up
         * and, at a pole, samples an infinite value: UA_EDOMAIN naming x). Otherwise: not
         * resolved. */
        ua_probe_sampler smp = {.f = ua_target_fn1, .ctx = (void *)f, .map = UA_PROBE_MAP_NONE,
                                .xa = a, .xb = b, .ta = a, .tb = b};
        int found = 0;
        double e = 0.0;
        ua_status se = ua_probe_detect_edge(&smp, a, b, pb.fscale, fmax(fabs(a), fabs(b)),
                                            &found, &e);
        if (se == UA_EDOMAIN || se == UA_ENOMEM) {
            s = se;
            goto done;
        }
    }
    if (!p->converged)
        s = UA_ERR(UA_ENOTRESOLVED, "minimax: %s after %zu iterations (levelled error %.6e, max "
                   "error %.6e)", why ? why : "not converged", p->iterations, p->levelled,
                   p->real_err);
    else if (p->measured_err > 2.0 * p->coeff_err + 16.0 * DBL_EPSILON * pb.fscale ||
             (p->coeffs != UA_MINIMAX_FLOAT &&
              p->coeff_err > 2.0 * p->real_err + 16.0 * DBL_EPSILON * pb.fscale))
        s = UA_ERR(UA_ENOTRESOLVED, "minimax: the %s form is ill-conditioned (condition "
                   "number %.3g): the best approximation reaches %.6e, its coefficients in double "
                   "%.6e, evaluated in double %.6e; lower the degree or shorten the interval%s",
                   p->basis == UA_MINIMAX_BASIS_CHEBYSHEV ? "Chebyshev" : "monomial",
                   p->cond, p->real_err, p->coeff_err, p->measured_err,
                   p->basis == UA_MINIMAX_BASIS_CHEBYSHEV ? ""
                   : p->var == UA_MINIMAX_VAR_X ? ", or use --basis chebyshev or the unit variable"
                                                : ", or use --basis chebyshev");
    p->resolved = s == UA_OK;
done:
    free(expo);
    ua_minimax_free(q);
    mm_result_clear(&res);
    mm_problem_clear(&pb);
    if (s && s != UA_ENOTRESOLVED) {
        ua_minimax_free(p);
        return s;
    }
    *out = p;
    return s;
}
