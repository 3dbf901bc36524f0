/* ua_minimax_fit: options, degenerate inputs, the Remez run, the choice of the variable of the
 * monomials, coefficient rounding, and the re-measurement of the result (docs/minimax.md). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
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
    for (size_t k = 0; k < nn; k++) c[k] = mpfr_get_d(mn[k], MPFR_RNDN);
    kn = mm_condition(pb, c, nn, shift, scale);
    if (nd) {
        for (size_t k = 0; k < nd; k++) c[k] = mpfr_get_d(md[k], MPFR_RNDN);
        kd = mm_condition(pb, c, nd, shift, scale);
    }
    return isfinite(kn) && isfinite(kd) ? (kn > kd ? kn : kd) : INFINITY;
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

    ua_status auto_st = UA_OK;
    char auto_msg[512] = "";
    if (o.degree == UA_MINIMAX_DEGREE_AUTO) {
        int d = 0;
        s = ua_minimax_guess_degree(f, a, b, o.tol, &o, &d);
        if (s == UA_ENOTRESOLVED) {
            auto_st = s;
            snprintf(auto_msg, sizeof auto_msg, "%s", ua_last_error());
        } else if (s) return s;
        o.degree = d;
    }
    size_t n = (size_t)o.degree, dn = (size_t)o.den_degree, N = n + dn + 2;
    mm_problem pb;
    s = mm_problem_init(&pb, f, o.error == UA_MINIMAX_WEIGHTED ? o.weight : NULL, o.error, a, b,
                        0.0, 1.0, (mpfr_prec_t)o.prec, mm_grid_size(N));
    if (s) return s;
    mm_remez_opts ro = {o.max_iter, o.eq_tol};
    ua_minimax *p = NULL;
    mm_result res = {0};
    mpfr_t *mn = NULL, *md = NULL;
    int fellback = 0;
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
        if (dn == 0) s = mm_remez_poly(&pb, n, NULL, &ro, &res);
        else {
            s = mm_remez_rational(&pb, n, dn, &ro, &res);
            if (!s && res.iterations == 0) { /* no pole-free solution at all: the polynomial */
                mm_result_clear(&res);
                fellback = 1;
                dn = 0;
                s = mm_remez_poly(&pb, n, NULL, &ro, &res);
            }
        }
        if (s) goto done;
        size_t nn = res.sol.np, nd = res.sol.nq;
        mn = mm_vec_new(nn, pb.prec);
        md = mm_vec_new(nd, pb.prec);
        if (!(p = mm_alloc(nn, nd, res.nref)) || !mn || !md) {
            s = UA_ENOMEM_ERR((nn + nd) * sizeof(mpfr_t));
            goto done;
        }
        /* the variable: x when its monomial form is well conditioned, else the unit one; with
         * rounded coefficients (polynomials) and the automatic choice, whichever rounds better */
        double shift = 0.0, scale = 1.0, ushift = 0.5 * a + 0.5 * b, uscale = 2.0 / (b - a);
        if (!isfinite(uscale) || uscale == 0.0) uscale = 1.0;
        if ((s = convert(&pb, &res.sol, shift, scale, mn, md))) goto done;
        double cx = cond_of(&pb, (const mpfr_t *)mn, nn, (const mpfr_t *)md, nd, shift, scale);
        int try_both = o.var == UA_MINIMAX_VAR_AUTO && nd == 0 && o.coeffs != UA_MINIMAX_REAL;
        int unit = o.var == UA_MINIMAX_VAR_UNIT || (o.var == UA_MINIMAX_VAR_AUTO && !(cx <= 16.0));
        if (nd == 0 && o.coeffs != UA_MINIMAX_REAL) {
            double err = INFINITY, err2 = INFINITY;
            ua_status s1 = UA_OK;
            if (try_both || !unit) {
                s1 = mm_fpround(&pb, nn, mn, o.coeffs, &ro, res.maxerr, p->num, &err);
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
                if ((s = convert(&pb, &res.sol, ushift, uscale, mn, md))) {
                    free(alt_c);
                    goto done;
                }
                s = mm_fpround(&pb, nn, mn, o.coeffs, &ro, res.maxerr, alt_c, &err2);
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
                if ((s = convert(&pb, &res.sol, shift, scale, mn, md))) goto done;
                p->var = UA_MINIMAX_VAR_UNIT;
            }
            ua_minimax_coeffs fmt = o.coeffs == UA_MINIMAX_FLOAT ? o.coeffs : UA_MINIMAX_DOUBLE;
            for (size_t k = 0; k < nn && !s; k++)
                if (round_coeff(mn[k], fmt, &p->num[k])) s = UA_EUNSUPPORTED;
            for (size_t k = 0; k < nd && !s; k++)
                if (round_coeff(md[k], fmt, &p->den[k])) s = UA_EUNSUPPORTED;
            if (s) {
                s = UA_ERR(UA_EUNSUPPORTED, "minimax: a coefficient is outside the %s range",
                           fmt == UA_MINIMAX_FLOAT ? "float" : "double");
                goto done;
            }
        }
        p->shift = shift;
        p->scale = scale;
        if (res.nref) memcpy(p->alt, res.ref, res.nref * sizeof *p->alt);
        p->levelled = res.E;
        p->real_err = res.maxerr;
        p->iterations = res.iterations;
        p->converged = res.converged && !fellback && !res.pole;
        if (fellback || res.pole)
            why = "the denominator vanishes in the interval (no pole-free rational approximation "
                  "found from the Chebyshev start)";
        else if (!res.converged)
            why = "the error did not equioscillate";
    }
    p->a = a;
    p->b = b;
    p->error = o.error;
    p->coeffs = o.coeffs;
    p->scheme = o.scheme;
    mpfr_set_d(pb.shift, p->shift, MPFR_RNDN);
    mpfr_set_d(pb.scale, p->scale, MPFR_RNDN);
    p->cond = mm_condition(&pb, p->num, p->nnum, p->shift, p->scale);
    if (p->nden) {
        double kd = mm_condition(&pb, p->den, p->nden, p->shift, p->scale);
        if (!(kd <= p->cond)) p->cond = kd;
    }
    if ((s = mm_measure(&pb, p))) goto done;
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
        s = UA_ERR(UA_ENOTRESOLVED, "minimax: the monomial form is ill-conditioned (condition "
                   "number %.3g): the best approximation reaches %.6e, its coefficients in double "
                   "%.6e, evaluated in double %.6e; lower the degree or shorten the interval%s",
                   p->cond, p->real_err, p->coeff_err, p->measured_err,
                   p->var == UA_MINIMAX_VAR_X ? ", or use the unit variable" : "");
    else if (auto_st)
        s = UA_ERR(UA_ENOTRESOLVED, "%s", auto_msg);
    else if (o.degree >= 0 && opt && opt->degree == UA_MINIMAX_DEGREE_AUTO && p->coeff_err > o.tol)
        s = UA_ERR(UA_ENOTRESOLVED, "minimax: degree %d meets the tolerance %g with real "
                   "coefficients, but the rounded ones reach %.6e", o.degree, o.tol, p->coeff_err);
    p->resolved = s == UA_OK;
done:
    mm_vec_free(mn, mn ? res.sol.np : 0);
    mm_vec_free(md, md ? res.sol.nq : 0);
    mm_result_clear(&res);
    mm_problem_clear(&pb);
    if (s && s != UA_ENOTRESOLVED) {
        ua_minimax_free(p);
        return s;
    }
    *out = p;
    return s;
}
