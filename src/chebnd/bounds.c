/*
 * Proven bounds of a chebnd model over a sub-box (the family's bounds hook, src/model/family.h;
 * uniapprox/lipschitz.h): the range of the model, an enclosure of each partial derivative, and
 * the model's own floating-point evaluation error. They let ua_prove_lipschitz_grid prove
 * max |model - f| for chebnd models (docs/prove.md, "Low-rank and sparse-grid models").
 *
 * Each factor column v(x) = sum_j c_j T_j(s(x)) of variable i, over the cell's interval with
 * centre x_c and radius r (x units), is enclosed by its Taylor expansion at the centre with a
 * rigorous remainder from the coefficients:
 *     v(x)  in v(x_c)  + [-1, 1] (|v'(x_c)| r  + M2 r^2 / 2),
 *     v'(x) in v'(x_c) + [-1, 1] (|v''(x_c)| r + M3 r^2 / 2),
 * where M_k = g^k sum_j |c_j| T_j^(k)(1) >= sup over [-1, 1] of |d^k v / dx^k| (g = ds/dx =
 * 2 / (hi - lo); T_j^(k)(1) = prod_{l<k} (j^2 - l^2) / (2l + 1) is the largest value of the
 * k-th derivative of T_j on [-1, 1], Markov's inequality attained). The values at the centre
 * come from the stored coefficients by the three-term recurrences of T_j, T_j', T_j'' in Arb
 * balls (exact inputs, outward rounding), so no rounding of the double evaluation enters; the
 * columns are then contracted with the core in balls. On wide cells the global bounds
 * |v| <= sum_j |c_j| and |v'| <= g sum_j j^2 |c_j| (Markov) are intersected with these. A centred form: the enclosures' widths
 * shrink like r (values) and r (derivatives) as cells are halved.
 */
#include <math.h>
#include <stdlib.h>

#include <arb.h>

#include "chebnd/internal.h"
#include "core/internal.h"
#include "model/family.h"
#include "uniapprox/lipschitz.h"

#define PREC 128

static double up(double v) { return nextafter(nextafter(v, INFINITY), INFINITY); }

static double ball_hi(const arb_t b)
{
    arf_t t;
    arf_init(t);
    arb_get_ubound_arf(t, b, PREC);
    double v = arf_get_d(t, ARF_RND_CEIL);
    arf_clear(t);
    return v;
}

static double ball_lo(const arb_t b)
{
    arf_t t;
    arf_init(t);
    arb_get_lbound_arf(t, b, PREC);
    double v = arf_get_d(t, ARF_RND_FLOOR);
    arf_clear(t);
    return v;
}

/* val, der (rank[i],): the columns of variable i and their x-derivatives over [xlo, xhi]. */
static void enclose_columns(const ua_chebnd *m, size_t i, double xlo, double xhi, arb_ptr val,
                            arb_ptr der)
{
    size_t r = m->rank[i], L = m->len[i];
    double xc = 0.5 * (xlo + xhi);
    if (!(xc >= xlo && xc <= xhi)) xc = xlo;
    double rad = up(fmax(xhi - xc, xc - xlo));
    arb_t s, g, two_s, t, e, rr, acc;
    arb_init(s);
    arb_init(g);
    arb_init(two_s);
    arb_init(t);
    arb_init(e);
    arb_init(rr);
    arb_init(acc);
    /* s = (2 x_c - lo - hi) / (hi - lo), g = 2 / (hi - lo), both exact-input balls */
    arb_set_d(t, m->hi[i]);
    arb_set_d(e, m->lo[i]);
    arb_sub(t, t, e, PREC);
    arb_set_d(s, xc);
    arb_mul_2exp_si(s, s, 1);
    arb_sub(s, s, e, PREC);
    arb_set_d(e, m->hi[i]);
    arb_sub(s, s, e, PREC);
    arb_div(s, s, t, PREC);
    arb_set_si(g, 2);
    arb_div(g, g, t, PREC);
    arb_mul_2exp_si(two_s, s, 1);
    arb_set_d(rr, rad);
    /* T_j, T_j', T_j'' at s (recurrences differentiated term by term) */
    arb_ptr T0 = _arb_vec_init((slong)L), T1 = _arb_vec_init((slong)L),
            T2 = _arb_vec_init((slong)L), w = _arb_vec_init(3);
    arb_one(T0 + 0);
    if (L > 1) {
        arb_set(T0 + 1, s);
        arb_one(T1 + 1);
    }
    for (size_t j = 1; j + 1 < L; j++) {
        arb_mul(T0 + j + 1, two_s, T0 + j, PREC);
        arb_sub(T0 + j + 1, T0 + j + 1, T0 + j - 1, PREC);
        arb_mul(T1 + j + 1, two_s, T1 + j, PREC);
        arb_addmul_si(T1 + j + 1, T0 + j, 2, PREC);
        arb_sub(T1 + j + 1, T1 + j + 1, T1 + j - 1, PREC);
        arb_mul(T2 + j + 1, two_s, T2 + j, PREC);
        arb_addmul_si(T2 + j + 1, T1 + j, 4, PREC);
        arb_sub(T2 + j + 1, T2 + j + 1, T2 + j - 1, PREC);
    }
    for (size_t k = 0; k < r; k++) {
        const double *c = m->fac[i] + k * L;
        arb_zero(w + 0);
        arb_zero(w + 1);
        arb_zero(w + 2);
        arb_t M0, M1, M2, M3;
        arb_init(M0);
        arb_init(M1);
        arb_init(M2);
        arb_init(M3);
        for (size_t j = 0; j < L; j++) {
            arb_set_d(t, c[j]);
            arb_addmul(w + 0, t, T0 + j, PREC);
            arb_addmul(w + 1, t, T1 + j, PREC);
            arb_addmul(w + 2, t, T2 + j, PREC);
            /* |c_j| T_j''(1) = |c_j| j^2 (j^2 - 1) / 3, T_j'''(1) = that (j^2 - 4) / 5 */
            double jj = (double)j * (double)j;
            arb_abs(acc, t);
            arb_add(M0, M0, acc, PREC);
            arb_set_d(e, jj);
            arb_addmul(M1, acc, e, PREC);
            if (j >= 2) {
                arb_set_d(e, jj);
                arb_set_d(acc, jj - 1);
                arb_mul(e, e, acc, PREC);
                arb_div_ui(e, e, 3, PREC);
                arb_abs(acc, t);
                arb_mul(acc, acc, e, PREC);
                arb_add(M2, M2, acc, PREC);
                if (j >= 3) {
                    arb_set_d(acc, jj - 4);
                    arb_mul(e, e, acc, PREC);
                    arb_div_ui(e, e, 5, PREC);
                    arb_abs(acc, t);
                    arb_mul(acc, acc, e, PREC);
                    arb_add(M3, M3, acc, PREC);
                }
            }
        }
        /* into x units: d^k/dx^k = g^k d^k/ds^k */
        arb_mul(w + 1, w + 1, g, PREC);
        arb_mul(w + 2, w + 2, g, PREC);
        arb_mul(w + 2, w + 2, g, PREC);
        arb_mul(M1, M1, g, PREC);
        arb_mul(M2, M2, g, PREC);
        arb_mul(M2, M2, g, PREC);
        arb_mul(M3, M3, g, PREC);
        arb_mul(M3, M3, g, PREC);
        arb_mul(M3, M3, g, PREC);
        /* value: v(c) +- (|v'(c)| r + M2 r^2 / 2) */
        arb_set(val + k, w + 0);
        arb_abs(e, w + 1);
        arb_mul(e, e, rr, PREC);
        arb_mul(acc, M2, rr, PREC);
        arb_mul(acc, acc, rr, PREC);
        arb_mul_2exp_si(acc, acc, -1);
        arb_add(e, e, acc, PREC);
        arb_add_error(val + k, e);
        /* derivative: v'(c) +- (|v''(c)| r + M3 r^2 / 2) */
        arb_set(der + k, w + 1);
        arb_abs(e, w + 2);
        arb_mul(e, e, rr, PREC);
        arb_mul(acc, M3, rr, PREC);
        arb_mul(acc, acc, rr, PREC);
        arb_mul_2exp_si(acc, acc, -1);
        arb_add(e, e, acc, PREC);
        arb_add_error(der + k, e);
        /* on a wide cell the global bounds |v| <= M0, |v'| <= M1 may be the tighter ones */
        arb_get_ubound_arf(arb_midref(acc), M0, PREC);
        mag_zero(arb_radref(acc));
        arb_zero(t);
        arb_add_error(t, acc);
        if (!arb_intersection(e, val + k, t, PREC)) arb_set(e, val + k);
        arb_set(val + k, e);
        arb_get_ubound_arf(arb_midref(acc), M1, PREC);
        mag_zero(arb_radref(acc));
        arb_zero(t);
        arb_add_error(t, acc);
        if (!arb_intersection(e, der + k, t, PREC)) arb_set(e, der + k);
        arb_set(der + k, e);
        arb_clear(M0);
        arb_clear(M1);
        arb_clear(M2);
        arb_clear(M3);
    }
    _arb_vec_clear(T0, (slong)L);
    _arb_vec_clear(T1, (slong)L);
    _arb_vec_clear(T2, (slong)L);
    _arb_vec_clear(w, 3);
    arb_clear(s);
    arb_clear(g);
    arb_clear(two_s);
    arb_clear(t);
    arb_clear(e);
    arb_clear(rr);
    arb_clear(acc);
}

/* res = the core contracted with v[0], v[1] (, v[2]), in balls. */
static void contract(const ua_chebnd *m, arb_srcptr const *v, arb_t res)
{
    arb_t t, sa, sb;
    arb_init(t);
    arb_init(sa);
    arb_init(sb);
    arb_zero(res);
    if (m->d == 2) {
        for (size_t k = 0; k < m->rank[0]; k++) {
            arb_mul(t, v[0] + k, v[1] + k, PREC);
            arb_set_d(sb, m->core[k]);
            arb_mul(t, t, sb, PREC);
            arb_add(res, res, t, PREC);
        }
    } else {
        size_t r0 = m->rank[0], r1 = m->rank[1], r2 = m->rank[2];
        for (size_t a = 0; a < r0; a++) {
            arb_zero(sa);
            for (size_t b = 0; b < r1; b++) {
                const double *g = m->core + (a * r1 + b) * r2;
                arb_zero(sb);
                for (size_t c = 0; c < r2; c++) {
                    arb_set_d(t, g[c]);
                    arb_addmul(sb, t, v[2] + c, PREC);
                }
                arb_addmul(sa, sb, v[1] + b, PREC);
            }
            arb_addmul(res, sa, v[0] + a, PREC);
        }
    }
    arb_clear(t);
    arb_clear(sa);
    arb_clear(sb);
}

static ua_status check_box(const ua_chebnd *m, const double *lo, const double *hi)
{
    if (!lo || !hi) return UA_ERR(UA_EINVAL, "chebnd bounds: NULL box");
    for (size_t i = 0; i < m->d; i++) {
        if (!(lo[i] <= hi[i]) || !isfinite(lo[i]) || !isfinite(hi[i]))
            return UA_ERR(UA_EINVAL, "chebnd bounds: the box needs finite lo <= hi");
        if (lo[i] < m->lo[i] || hi[i] > m->hi[i])
            return UA_ERR(UA_EDOMAIN, "chebnd bounds: the box leaves the model's box (variable "
                          "%zu: [%.17g, %.17g] outside [%.17g, %.17g])",
                          i, lo[i], hi[i], m->lo[i], m->hi[i]);
        if (m->rank[i] > UA_CHEBND_MAX_RANK)
            return UA_ERR(UA_EUNSUPPORTED, "chebnd bounds: rank %zu is too large", m->rank[i]);
    }
    return UA_OK;
}

/* The value (want_val) and the partial derivatives (want_der) enclosed over the box:
 * out (1 + d,) balls, out[0] the value, out[1 + i] d/dx_i. */
static ua_status enclose(const ua_chebnd *m, const double *lo, const double *hi, arb_ptr out,
                         int want_der)
{
    ua_status s = check_box(m, lo, hi);
    if (s) return s;
    arb_ptr val[UA_CHEBND_MAXD], der[UA_CHEBND_MAXD];
    for (size_t i = 0; i < m->d; i++) {
        val[i] = _arb_vec_init((slong)m->rank[i]);
        der[i] = _arb_vec_init((slong)m->rank[i]);
        enclose_columns(m, i, lo[i], hi[i], val[i], der[i]);
    }
    arb_srcptr v[UA_CHEBND_MAXD];
    for (size_t i = 0; i < m->d; i++) v[i] = val[i];
    contract(m, v, out + 0);
    for (size_t i = 0; want_der && i < m->d; i++) {
        v[i] = der[i];
        contract(m, v, out + 1 + i);
        v[i] = val[i];
    }
    for (size_t i = 0; i < m->d; i++) {
        _arb_vec_clear(val[i], (slong)m->rank[i]);
        _arb_vec_clear(der[i], (slong)m->rank[i]);
    }
    return UA_OK;
}

static ua_status nd_bound_output(const void *state, const double *lo, const double *hi,
                                 int method, double *out_lo, double *out_hi)
{
    (void)method; /* one enclosure serves both: the model is no network */
    const ua_chebnd *m = state;
    if (!out_lo || !out_hi) return UA_ERR(UA_EINVAL, "chebnd bounds: NULL output arrays");
    arb_ptr b = _arb_vec_init(1 + UA_CHEBND_MAXD);
    ua_status s = enclose(m, lo, hi, b, 0);
    if (!s) {
        *out_lo = ball_lo(b + 0);
        *out_hi = ball_hi(b + 0);
        if (!isfinite(*out_lo) || !isfinite(*out_hi))
            s = UA_ERR(UA_EDOMAIN, "chebnd bounds: the output bound overflows double");
    }
    _arb_vec_clear(b, 1 + UA_CHEBND_MAXD);
    return s;
}

static ua_status nd_lipschitz(const void *state, const double *lo, const double *hi, int norm,
                              const double *w, double *L, double *jlo, double *jhi)
{
    const ua_chebnd *m = state;
    if (!L) return UA_ERR(UA_EINVAL, "chebnd bounds: NULL L");
    arb_ptr b = _arb_vec_init(1 + UA_CHEBND_MAXD);
    ua_status s = enclose(m, lo, hi, b, 1);
    double sum = 0;
    for (size_t i = 0; !s && i < m->d; i++) {
        double dl = ball_lo(b + 1 + i), dh = ball_hi(b + 1 + i);
        if (!isfinite(dl) || !isfinite(dh)) {
            s = UA_ERR(UA_EDOMAIN, "chebnd bounds: a derivative bound overflows double");
            break;
        }
        if (jlo) jlo[i] = dl;
        if (jhi) jhi[i] = dh;
        double a = up(fmax(fabs(dl), fabs(dh)) * (w ? w[i] : 1.0));
        sum = norm == UA_NORM_2 ? up(sum + up(a * a)) : up(sum + a);
    }
    if (!s) *L = norm == UA_NORM_2 ? up(sqrt(sum)) : sum;
    _arb_vec_clear(b, 1 + UA_CHEBND_MAXD);
    return s;
}

/*
 * sup |predict(x) - model(x)| over the model's box (the worst case, independent of the sub-box):
 * - s = ((x - lo) - (hi - x)) / (hi - lo) is computed within 5u of the exact map (three
 *   roundings and 1 / (hi - lo)'s), which moves the value by at most 5u (hi - lo) / 2 times
 *   the bound on |d model / dx_i| (ua_chebnd_abs_bound with the derivative series);
 * - Clenshaw's recurrence on a column of L coefficients: each step's local error is at most
 *   gamma_3 (|c_j| + 3 max|b|), max|b| <= (L + 1) sum|c| and every local error is carried to
 *   the result by a factor |U_k(s)| <= L + 1, so the column is within 12 (L + 1)^3 u sum|c|
 *   (a worst case: Oliver's and Smoktunowicz's analyses of Clenshaw's algorithm);
 * - the contraction's sums of at most R = r0 + r1 + r2 terms: gamma_{R+3} relative to
 *   sum |core| prod sum|c| = V (ua_chebnd_abs_bound).
 * The total is padded by 2 percent for the rounding of this computation itself.
 */
static ua_status nd_eval_error(const void *state, const double *lo, const double *hi,
                               double *err)
{
    (void)lo;
    (void)hi;
    const ua_chebnd *m = state;
    if (!err) return UA_ERR(UA_EINVAL, "chebnd bounds: NULL err");
    const double u = 0x1p-53;
    double V = ua_chebnd_abs_bound(m, NULL, 0), rho = 0, R = 0, smap = 0;
    for (size_t i = 0; i < m->d; i++) {
        double n1 = (double)m->len[i] + 1;
        rho += 12 * n1 * n1 * n1 * u;
        R += (double)m->rank[i];
        double Vd = ua_chebnd_abs_bound(m, m->dfac, i) * 1.01;
        smap += 5 * u * 0.5 * (m->hi[i] - m->lo[i]) * Vd;
    }
    double e = 1.02 * (V * (rho + (R + 3) * 1.01 * u) + smap);
    if (!isfinite(e)) return UA_ERR(UA_EDOMAIN, "chebnd bounds: the evaluation error overflows");
    *err = e;
    return UA_OK;
}

const ua_family_bounds ua_chebnd_bounds = {
    .output = nd_bound_output,
    .lipschitz = nd_lipschitz,
    .gradient = NULL,
    .eval_error = nd_eval_error,
    .naive = NULL,
};
