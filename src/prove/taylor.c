/*
 * The Taylor-model prover for models that are polynomials on pieces (src/prove/taylor.h;
 * Chevillard, Joldes, Lauter, "Efficient and accurate computation of upper bounds of
 * approximation errors", Theoretical Computer Science 412(16), 2011, the anchor; docs/prove.md).
 *
 * On a subinterval J = [lo, hi] of a piece, with centre c and half-width r (x = c + r sigma,
 * sigma in [-1, 1]), the error e = P - f (P the piece's polynomial in exact arithmetic, degree n)
 * is, with L = n + 2 (at least 12),
 *     e(x) = sum_{k<L} (P_k - f_k) (x - c)^k - f_L(xi) (x - c)^L,     xi in J (Lagrange),
 * where P_k is P's complete Taylor expansion at the point c (Clenshaw or Horner run on power
 * series in balls, at 192 + 1.3 n bits since Arb's radii in Clenshaw grow like (1 + sqrt 2)^n),
 * f_k f's (src/target/arb.c), and f_L(J) encloses f's next coefficient over the ball J. So
 *     max_J |e| <= sup_{|sigma|<=1} |sum_k (P_k - f_k) r^k sigma^k| + |f_L(J)| r^L,
 * the first term bounded by src/prove/polybound.c. Subintervals whose bound exceeds target_ratio
 * times the largest measured |predict - f| are halved while their polynomial part has slack (the
 * remainder shrinks as r^L). The measured values come from predict (double) against the MPFR
 * reference at the point where |e| peaks, the centre and the ends of every subinterval. The
 * rounding of predict's own double evaluation is bounded per subinterval (piece_series) and
 * added: the bound covers the model as it runs, not only its exact polynomial.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arb_poly.h>

#include "core/internal.h"
#include "target/arb.h"
#include "taylor.h"

#define PREC 192

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* out (L,) = the Taylor coefficients of the piece's polynomial at the ball x in powers of x - x0
 * (x0 any point of x): the recurrences of Clenshaw or Horner on power series. */
static double abs_up(const arb_t x)
{
    arf_t t;
    arf_init(t);
    arb_get_abs_ubound_arf(t, x, 64);
    double v = arf_get_d(t, ARF_RND_CEIL);
    arf_clear(t);
    return v;
}

#define U 0x1p-53
static double gam(double m) { return m * U / (1.0 - m * U); }

/* out (L,) = the Taylor coefficients of the piece's polynomial at the ball x in powers of x - x0
 * (x0 any point of x): the recurrences of Clenshaw or Horner on power series. With rounding
 * non-NULL (L >= 2, x the subinterval's ball), *rounding bounds what predict's double evaluation
 * adds on x (src/prove/taylor.h): Clenshaw's local errors from the b_k enclosed over x, or
 * Horner's (partial values enclosed over x) or Estrin's gamma_{2n+2} sum |c_k| |s|^k, the map's error in s times |dS/ds| over x, then the
 * zero factor and the scale. */
static void piece_series(const ua_poly_piece *p, const arb_t x, slong L, slong prec, arb_ptr out,
                         double *rounding)
{
    arb_t s0, s1, t;
    arb_init(s0);
    arb_init(s1);
    arb_init(t);
    /* s = (xmul x - (shift1 + shift2)) mul - offset: s0 + s1 (x - x0) */
    arb_mul_ui(s0, x, (ulong)p->xmul, prec);
    arb_set_d(t, p->shift1);
    arb_sub(s0, s0, t, prec);
    arb_set_d(t, p->shift2);
    arb_sub(s0, s0, t, prec);
    arb_set_d(t, p->mul);
    arb_mul(s0, s0, t, prec);
    arb_set_d(t, p->offset);
    arb_sub(s0, s0, t, prec);
    arb_set_d(s1, p->xmul * p->mul); /* exact: xmul is 1 or 2 */
    double sabs = abs_up(s0), err = 0.0, S = 0.0, B1 = 0.0, B2 = 0.0, markov = 0.0;
    arb_ptr b1 = _arb_vec_init(L), b2 = _arb_vec_init(L), b0 = _arb_vec_init(L);
    size_t n = p->ncoeffs;
    /* lin(v) = s v as series: (s0 v_j + s1 v_{j-1}) */
#define LIN(dst, v)                                                                               \
    for (slong j = L - 1; j >= 0; j--) {                                                         \
        arb_mul(dst + j, v + j, s0, prec);                                                        \
        if (j) arb_addmul(dst + j, v + j - 1, s1, prec);                                          \
    }
    if (p->chebyshev && n > 1) {
        for (size_t k = n - 1; k >= 1; k--) {
            if (rounding) {
                /* |b_{k+1}|, |b_{k+2}| over x: the smaller of the balls (interval Clenshaw widens
                 * with the ball) and the a-priori beta (|U_m| <= m + 1) */
                double ak = fabs(p->coeffs[k]);
                err += gam(3) * (ak + 1.01 * (2.0 * sabs * fmin(abs_up(b1), B1) +
                                              fmin(abs_up(b2), B2)));
                S += ak;
                double B0 = B1 + S;
                B2 = B1;
                B1 = B0;
                markov += (double)k * (double)k * ak;
            }
            LIN(b0, b1);
            _arb_vec_scalar_mul_2exp_si(b0, b0, L, 1);
            _arb_vec_sub(b0, b0, b2, L, prec);
            arb_set_d(t, p->coeffs[k]);
            arb_add(b0, b0, t, prec);
            _arb_vec_swap(b2, b1, L);
            _arb_vec_swap(b1, b0, L);
        }
        if (rounding)
            err += gam(3) * (fabs(p->coeffs[0]) + 1.01 * (sabs * fmin(abs_up(b1), B1) +
                                                         fmin(abs_up(b2), B2)));
        LIN(out, b1);
        _arb_vec_sub(out, out, b2, L, prec);
        arb_set_d(t, p->coeffs[0]);
        arb_add(out, out, t, prec);
    } else {
        _arb_vec_zero(b1, L);
        arb_set_d(b1, p->coeffs[n - 1]);
        double run = 0.0; /* Horner's local errors from the partial values over x */
        for (size_t k = n - 1; k-- > 0;) {
            if (rounding && p->horner)
                run += gam(2) * (1.01 * abs_up(b1) * sabs + fabs(p->coeffs[k])) *
                       pow(sabs, (double)k);
            LIN(b0, b1);
            arb_set_d(t, p->coeffs[k]);
            arb_add(b0, b0, t, prec);
            _arb_vec_swap(b1, b0, L);
        }
        _arb_vec_set(out, b1, L);
        if (rounding) {
            /* Horner or Estrin: every term passes through fewer than 2n + 2 roundings */
            double sum = 0.0, tk = 1.0, tk1 = 1.0;
            for (size_t k = 0; k < n; k++) {
                sum += fabs(p->coeffs[k]) * tk;
                if (k) {
                    markov += (double)k * fabs(p->coeffs[k]) * tk1;
                    tk1 *= sabs;
                }
                tk *= sabs;
            }
            err = gam(2.0 * (double)n + 2.0) * sum;
            /* in Horner's order the computed partial values y_k satisfy y_k = y_{k+1} s + c_k
             * + e_k, |e_k| <= gamma_2 (|y_{k+1}| |s| + |c_k|), and e_k reaches the result times
             * s^k (Higham 5.1); |y_{k+1}| from its ball over x (1.01 covers its own errors) */
            if (p->horner) err = fmin(err, run * 1.02);
        }
    }
#undef LIN
    if (rounding) {
        /* the map's error in s, times |dS/ds| over x. cheb: s = ((t - lo) - (hi - t)) iw with
         * three roundings and iw (hi - lo) <= 1 + u: |ds| <= u (1 + 3u) + |s| (2u + u^2) <=
         * 3.01u, and the clamp to [-1, 1] moves s by no more than that; uniform pieces: u =
         * (t - t0) scale carries 2u (i + 1) before s = 2 (u - i) - 1; minimax and spline:
         * t = (x - shift) scale, two roundings of |t|, and a clamp */
        double ds;
        if (p->xmul == 2.0)
            ds = p->offset != 0.0 ? U * (2.0 * (p->offset + 1.0) + 4.0) : 3.1 * U;
        else if (p->shift1 == 0.0 && p->shift2 == 0.0 && p->mul == 1.0 && p->offset == 0.0)
            ds = 0.0;
        else
            ds = 3.0 * U * fmax(1.0, sabs);
        /* |dS/ds| over x: the ball of the series, or Markov's sum k^2 |c_k| (Chebyshev) or
         * sum k |c_k| |s|^(k-1) (monomial) */
        double dSds = p->mul != 0.0 ? fmin(abs_up(out + 1) / fabs(p->xmul * p->mul), markov)
                                    : 0.0; /* mul 0: s is the constant -offset */
        if (ds > 0.0) err += ds * dSds;
        if (p->root == p->root) {
            arb_set_d(t, p->root);
            arb_sub(s1, x, t, prec);
            arb_set_d(t, p->root_lo);
            arb_sub(s1, s1, t, prec);
            err = abs_up(s1) * (err + 3.01 * U * abs_up(out));
        }
        err = (err * fabs(p->scale) + 4.0 * (double)n * 0x1p-1074) * (1.0 + 16.0 * U);
        *rounding = isfinite(err) ? err : INFINITY;
    }
    if (p->root == p->root) {
        /* times (x - root) - root_lo = (x0 - root - root_lo) + (x - x0) */
        arb_set_d(t, p->root);
        arb_sub(s0, x, t, prec);
        arb_set_d(t, p->root_lo);
        arb_sub(s0, s0, t, prec);
        for (slong j = L - 1; j >= 0; j--) {
            arb_mul(b0 + j, out + j, s0, prec);
            if (j) arb_add(b0 + j, b0 + j, out + j - 1, prec);
        }
        _arb_vec_set(out, b0, L);
    }
    if (p->scale != 1.0) {
        arb_set_d(t, p->scale);
        _arb_vec_scalar_mul(out, out, L, t, prec);
    }
    _arb_vec_clear(b0, L);
    _arb_vec_clear(b1, L);
    _arb_vec_clear(b2, L);
    arb_clear(s0);
    arb_clear(s1);
    arb_clear(t);
}

typedef struct {
    double lo, hi;
    size_t piece;
    int depth, done;
    double bound;    /* on the exact-arithmetic polynomial's error */
    double rounding; /* on predict's rounding */
    double lower;    /* |P - f| attained at some point (lower end) */
    double measured;
} job;

typedef struct {
    const ua_model *m;
    const ua_target *f;
    mpfr_t fx, dx;
} meas;

/* |predict(x) - f(x)| with f in MPFR (the reference); +inf where either is not finite. */
static double measure_at(meas *ms, double x)
{
    double y = NAN;
    if (ua_model_predict(ms->m, &x, 1, &y) != UA_OK || !isfinite(y)) return INFINITY;
    ua_target_eval_mpfr(ms->f, &x, ms->fx);
    if (!mpfr_number_p(ms->fx)) return INFINITY;
    mpfr_set_d(ms->dx, y, MPFR_RNDN);
    mpfr_sub(ms->dx, ms->dx, ms->fx, MPFR_RNDN);
    return fabs(mpfr_get_d(ms->dx, MPFR_RNDN));
}

enum { JOB_OK = 0, JOB_SPLIT = 1, JOB_FATAL = 2 };

/* The most Taylor coefficients of a long series kept on a subinterval: past them its tail is
 * bounded by Cauchy's estimate (series_tail). */
#define L_CAP 64

/*
 * A bound on sum_{k>=L} |S_k| (r_s)^k, S_k the Taylor coefficients in s of the piece's series S at
 * s0 (the image of c), r_s = r |xmul mul| the subinterval's half-width in s, times |scale|:
 * Cauchy's estimate |S_k| <= M / R^k with M >= max |S| on the disk |z - s0| <= R = 4 r_s gives
 * M (1/4)^L / (3/4). For a Chebyshev series the disk lies in the Bernstein ellipse of foci +-1 and
 * semi-major axis 1 + R (+ a margin for |s0| beyond 1 by rounding), where |T_k| <= rho^k, rho =
 * a + sqrt(a^2 - 1); for monomials |z| <= |s0| + R. +inf when M overflows (the caller then keeps
 * every coefficient).
 */
static double series_tail(const ua_poly_piece *p, double c, double r, slong L)
{
    double rs = r * fabs(p->xmul * p->mul) * (1.0 + 0x1p-50), R = 4.0 * rs, base;
    /* s0 in double and a bound on its rounding (four operations on these magnitudes) */
    double s0 = (p->xmul * c - p->shift1 - p->shift2) * p->mul - p->offset;
    double e0 = 8.0 * 0x1p-53 * ((fabs(p->xmul * c) + fabs(p->shift1) + fabs(p->shift2)) *
                                 fabs(p->mul) + fabs(p->offset)) + 1e-300;
    double s0abs = fabs(s0) + e0;
    if (p->chebyshev) {
        /* |z - 1| + |z + 1| <= |s0 - 1| + |s0 + 1| + 2R <= 2 max(1, |s0|) + 2R: the ellipse
         * of foci +-1 with that semi-major axis (uniform pieces' ends may pass +-1 slightly) */
        double a = (fmax(1.0, s0abs) + R) * (1.0 + 0x1p-50) + 1e-12;
        base = a + sqrt(a * a - 1.0);
    } else {
        base = s0abs * (1.0 + 0x1p-50) + R;
    }
    base *= 1.0 + 0x1p-50;
    double M = 0.0, bk = 1.0;
    for (size_t k = 0; k < p->ncoeffs; k++) {
        M += fabs(p->coeffs[k]) * bk;
        bk *= base;
    }
    /* n + 2 roundings per term at most: a relative 1e-10 covers them for n <= 4096 */
    double tail = M * (1.0 + 1e-10) * (4.0 / 3.0) * ldexp(1.0, -2 * (int)L) * fabs(p->scale);
    return isfinite(tail) ? tail : INFINITY;
}

/* Bounds |P - f| on [lo, hi] of piece p: *bound (rounded up), and *xmax the point where the
 * polynomial part peaks. JOB_SPLIT when f has no finite enclosure over the interval (why set),
 * JOB_FATAL when f is not finite at its centre. */
static int bound_job(const ua_poly_piece *p, const ua_target *f, double lo, double hi, slong L,
                     double tail, double enough, double *bound, double *rounding, double *lower, double *xmax,
                     char *why, size_t nwhy)
{
    double c = lo + 0.5 * (hi - lo);
    double r = fmax(hi - c, c - lo);
    r = r > 0 ? nextafter(r, INFINITY) : 0.0; /* r >= the exact half-width */
    arb_ptr fp = _arb_vec_init(L), pp = _arb_vec_init(L);
    arb_ptr fh = _arb_vec_init(L + 1), ph = _arb_vec_init(L + 1);
    arb_t x, rk, t;
    arb_init(x);
    arb_init(rk);
    arb_init(t);
    int rc = JOB_OK;
    /* interval Clenshaw's radii grow like (1 + sqrt 2)^n: 1.3 bits per coefficient on top */
    slong prec = PREC + (slong)(1.3 * (double)p->ncoeffs);
    arb_set_d(x, c);
    ua_status s = ua_target_series_arb(f, x, 0, L, prec, fp);
    if (s) {
        char msg[120];
        ua_last_error_message(msg, sizeof msg);
        snprintf(why, nwhy, "f cannot be enclosed at x = %.17g: %s", c, msg);
        rc = JOB_FATAL;
        goto out;
    }
    {
        arf_t a, b;
        arf_init(a);
        arf_init(b);
        arf_set_d(a, lo);
        arf_set_d(b, hi);
        arb_set_interval_arf(x, a, b, prec);
        arf_clear(a);
        arf_clear(b);
    }
    s = ua_target_series_arb(f, x, 0, L + 1, prec, fh);
    if (s) {
        char msg[120];
        ua_last_error_message(msg, sizeof msg);
        snprintf(why, nwhy, "f has no finite enclosure on [%.17g, %.17g]: %s", lo, hi, msg);
        rc = JOB_SPLIT;
        goto out;
    }
    /* over the ball: only the rounding bound (its first two coefficients); P's own Taylor
     * expansion at c is complete (L > degree), so the remainder is f's alone */
    double rnd = INFINITY;
    piece_series(p, x, 2, prec, ph, &rnd);
    arb_set_d(x, c);
    piece_series(p, x, L, prec, pp, NULL);
    /* d_k = (P_k - f_k) r^k; the remainder (P_L - f_L)(J) r^L */
    arb_one(rk);
    arb_set_d(t, r);
    for (slong k = 0; k < L; k++) {
        arb_sub(pp + k, pp + k, fp + k, prec);
        arb_mul(pp + k, pp + k, rk, prec);
        arb_mul(rk, rk, t, prec);
    }
    arb_mul(fh + L, fh + L, rk, prec);
    {
        arf_t u;
        arf_init(u);
        arb_get_abs_ubound_arf(u, fh + L, 64);
        double rem = (arf_get_d(u, ARF_RND_CEIL) + tail) * (1.0 + 0x1p-50);
        arf_clear(u);
        double sup, low, smax;
        if (!isfinite(rem) ||
            ua_prove_poly_sup(pp, L, fmax(0.0, enough - rem), 256, 128, &sup, &low, &smax)) {
            snprintf(why, nwhy, "the Taylor model on [%.17g, %.17g] is not finite", lo, hi);
            rc = JOB_SPLIT;
            goto out;
        }
        *bound = (sup + rem) * (1.0 + 0x1p-50) + 0x1p-1070;
        *rounding = rnd;
        *lower = fmax(0.0, low - rem);
        double xm = c + r * smax;
        *xmax = xm < lo ? lo : xm > hi ? hi : xm;
    }
out:
    _arb_vec_clear(fp, L);
    _arb_vec_clear(pp, L);
    _arb_vec_clear(fh, L + 1);
    _arb_vec_clear(ph, L + 1);
    arb_clear(x);
    arb_clear(rk);
    arb_clear(t);
    return rc;
}

ua_status ua_prove_taylor_pieces(const ua_model *m, const ua_target *f, const ua_poly_piece *pc,
                                 size_t npc, const ua_prove_options *o, ua_proof *out)
{
    double t0 = now();
    snprintf(out->method, sizeof out->method, "taylor-model");
    size_t cap = 1024, nj = 0;
    job *jobs = ua_calloc(cap, sizeof *jobs);
    if (!jobs) return UA_ENOMEM_ERR(cap * sizeof *jobs);
    /* first cut: about one subinterval per 8 coefficients, where a long series is hopeless as
     * one Taylor expansion anyway */
    for (size_t i = 0; i < npc; i++) {
        if (pc[i].ncoeffs + 2 >= UA_TARGET_SERIES_MAX) {
            free(jobs);
            snprintf(out->why, sizeof out->why, "piece %zu has %zu coefficients (the prover takes "
                     "up to %d)", i, pc[i].ncoeffs, UA_TARGET_SERIES_MAX - 3);
            return UA_OK;
        }
        size_t K = pc[i].a < pc[i].b ? 1 + pc[i].ncoeffs / 32 : 1;
        if (K > 64) K = 64;
        for (size_t k = 0; k < K; k++) {
            if (nj == cap) {
                job *nw = realloc(jobs, 2 * cap * sizeof *jobs);
                if (!nw) {
                    free(jobs);
                    return UA_ENOMEM_ERR(2 * cap * sizeof *jobs);
                }
                jobs = nw;
                cap *= 2;
            }
            double w = pc[i].b - pc[i].a;
            jobs[nj++] = (job){ k ? pc[i].a + w * (double)k / (double)K : pc[i].a,
                                k + 1 < K ? pc[i].a + w * (double)(k + 1) / (double)K : pc[i].b,
                                i, 0, 0, INFINITY, INFINITY, 0.0, 0.0 };
        }
    }
    meas ms = { m, f, {{0}}, {{0}} };
    mpfr_init2(ms.fx, 128);
    mpfr_init2(ms.dx, 128);
    double M = 0.0, ratio = o->target_ratio;
    ua_status st = UA_OK;
    int fail = 0;
    for (;;) {
        /* bound the new subintervals */
        for (size_t j = 0; j < nj && !fail; j++) {
            job *q = &jobs[j];
            if (q->done) continue;
            const ua_poly_piece *p = &pc[q->piece];
            size_t deg = p->ncoeffs - 1 + (p->root == p->root);
            /* all of P's Taylor coefficients (degree + 1) and one more of f's; a long series
             * without a zero factor keeps L_CAP of them and bounds the rest (series_tail) */
            slong L = (slong)deg + 2;
            if (L < 12) L = 12;
            double tail = 0.0;
            if (L > L_CAP && p->root != p->root && q->hi > q->lo) {
                double c = q->lo + 0.5 * (q->hi - q->lo);
                double t = series_tail(p, c, fmax(q->hi - c, c - q->lo), L_CAP);
                double sum = 0.0;
                for (size_t k = 0; k < p->ncoeffs; k++) sum += fabs(p->coeffs[k]);
                /* below a thousandth of the error seen, or (nothing seen yet) of the values'
                 * rounding level */
                if (t <= (M > 0.0 ? 1e-3 * ratio * M : 0x1p-62 * sum * fabs(p->scale))) {
                    L = L_CAP;
                    tail = t;
                }
            }
            double xm = q->lo;
            int rc = bound_job(p, f, q->lo, q->hi, L, tail, 0.9 * ratio * M, &q->bound, &q->rounding,
                               &q->lower, &xm, out->why, sizeof out->why);
            if (rc == JOB_FATAL) {
                fail = 1;
                break;
            }
            if (rc == JOB_SPLIT) {
                q->bound = q->rounding = INFINITY;
                q->lower = 0.0;
                q->measured = 0.0;
                xm = q->lo + 0.5 * (q->hi - q->lo);
            }
            /* where the error peaks, the centre and the ends */
            q->measured = fmax(fmax(measure_at(&ms, xm), measure_at(&ms, q->lo + 0.5 * (q->hi - q->lo))),
                               fmax(measure_at(&ms, q->lo), measure_at(&ms, q->hi)));
            q->done = 1;
            if (!isfinite(q->measured)) {
                snprintf(out->why, sizeof out->why, "the model or f is not finite at x = %.17g "
                         "(or near %.17g)", xm, q->lo + 0.5 * (q->hi - q->lo));
                fail = 1;
                break;
            }
            if (q->measured > M) M = q->measured;
        }
        if (fail) break;
        /* halve those above target_ratio * measured */
        size_t nsplit = 0, n0 = nj;
        int out_of_time = now() - t0 > o->time_limit;
        for (size_t j = 0; j < n0; j++) {
            job *q = &jobs[j];
            double total = q->bound + q->rounding;
            if (!(total > ratio * M)) continue;
            /* halving helps only while the exact part has slack: when the bound is already
             * within 2% of the error attained, the rest is the rounding bound's */
            if (isfinite(total) && q->bound - q->lower <= 0.02 * total) continue;
            double mid = q->lo + 0.5 * (q->hi - q->lo);
            int can = !out_of_time && nj + 1 <= o->max_pieces && mid > q->lo && mid < q->hi &&
                      q->depth < 60;
            if (!can) {
                if (!isfinite(total)) {
                    if (out_of_time)
                        snprintf(out->why, sizeof out->why, "time limit (%g s) reached with "
                                 "[%.17g, %.17g] unbounded", o->time_limit, q->lo, q->hi);
                    else if (nj + 1 > o->max_pieces)
                        snprintf(out->why, sizeof out->why, "%zu subintervals (max_pieces) "
                                 "reached with [%.17g, %.17g] unbounded", nj, q->lo, q->hi);
                    /* else: why holds bound_job's reason for this tiny interval */
                    fail = 1;
                    break;
                }
                continue;
            }
            if (nj == cap) {
                job *nw = realloc(jobs, 2 * cap * sizeof *jobs);
                if (!nw) {
                    st = UA_ENOMEM_ERR(2 * cap * sizeof *jobs);
                    fail = 1;
                    break;
                }
                jobs = nw;
                cap *= 2;
                q = &jobs[j];
            }
            jobs[nj] = (job){ mid, q->hi, q->piece, q->depth + 1, 0, INFINITY, INFINITY, 0.0, 0.0 };
            nj++;
            q->hi = mid;
            q->depth++;
            q->done = 0;
            nsplit++;
        }
        if (fail || !nsplit) break;
    }
    mpfr_clear(ms.fx);
    mpfr_clear(ms.dx);
    out->measured = M;
    out->pieces = nj;
    if (!st && !fail) {
        double B = 0.0, R = 0.0;
        for (size_t j = 0; j < nj; j++) {
            B = fmax(B, (jobs[j].bound + jobs[j].rounding) * (1.0 + 0x1p-50));
            R = fmax(R, jobs[j].rounding);
        }
        out->rounding = R;
        out->bound = B;
        out->proven = isfinite(out->bound);
        if (!out->proven)
            snprintf(out->why, sizeof out->why, "the model's coefficients give no finite "
                     "rounding bound");
        else out->why[0] = 0;
    }
    if (!out->proven) out->bound = INFINITY;
    free(jobs);
    return st;
}
