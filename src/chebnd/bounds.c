/*
 * Proven bounds of a chebnd model over a sub-box (the family's bounds hook, src/model/family.h;
 * uniapprox/lipschitz.h): the range of the model, an enclosure of each partial derivative, the
 * model's own floating-point evaluation error, and the model on a cell as a multivariate Taylor
 * model (nd_taylor, below), with which the n-D Taylor-model prover (src/prove/tm_prove.c) proves
 * max |model - f| (docs/prove.md, "Low-rank and sparse-grid models").
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
#include "prove/tm.h"
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

/* sum |core| prod_i a_i[k_i] (a_i (rank[i],) nonnegative), in double (callers pad it). */
static double abs_contract(const ua_chebnd *m, const double *const *a)
{
    double sum = 0;
    if (m->d == 2) {
        for (size_t k = 0; k < m->rank[0]; k++) sum += fabs(m->core[k]) * a[0][k] * a[1][k];
        return sum;
    }
    size_t r0 = m->rank[0], r1 = m->rank[1], r2 = m->rank[2];
    for (size_t x = 0; x < r0; x++) {
        double sa = 0;
        for (size_t y = 0; y < r1; y++) {
            const double *g = m->core + (x * r1 + y) * r2;
            double sb = 0;
            for (size_t z = 0; z < r2; z++) sb += fabs(g[z]) * a[2][z];
            sa += sb * a[1][y];
        }
        sum += sa * a[0][x];
    }
    return sum;
}

/* A bound on the rounding error of one operation whose computed result has magnitude at most B
 * (round to nearest): half an ulp of a number below 2^(e+1) with 2^e <= B, u 2^e, at most u B;
 * plus the smallest subnormal for gradual underflow. */
static double op_err(double B)
{
    if (!(B > 0)) return 0; /* a bound of 0: the result is 0, exactly */
    if (!isfinite(B)) return INFINITY;
    int ex;
    (void)frexp(B, &ex); /* 2^(ex - 1) <= B < 2^ex */
    return ldexp(0x1p-53, ex - 1) + 0x1p-1074;
}

/*
 * The rounding of predict's Clenshaw on the cell [lo, hi] (a running error bound, Higham,
 * Accuracy and Stability of Numerical Algorithms, 2002, 3.1 and 5.1): predict computes
 * p = fl(2s b~_{j+1}) (2s exact), a = fl(c_j + p), b~_j = fl(a - b~_{j+2}), so b~_j = c_j + e_j +
 * 2s b~_{j+1} - b~_{j+2} with e_j the three roundings, each at most half an ulp of its computed
 * result (op_err of a bound on it): |p| <= 2S |b~_{j+1}| (1 + u), |a| <= |c_j| + |p|, |b~_j| at
 * most its bound below (the last step the same with s for 2s). The computed column is
 * Clenshaw's exact result for the coefficients c_j + e_j, that is sum (c_j + e_j) T_j(s), off by
 * at most sum |e_j| (|T_j| <= 1 at the clamped s). |b~_j| <= B_j + sum_{k>=j} (k - j + 1) |e_k|
 * (the perturbation carried by U_{k-j}, |U_n| <= n + 1), B_j >= sup |b_j| over the cell (widened
 * by 2^-40 in s for the map's rounding) from the exact series of b_j in the cell's variable
 * (ua_cheb_cell_clenshaw); as that bound holds e_j itself, e_j is first bounded with u (X + e_j)
 * for the last rounding (X = the bound less e_j), then with op_err(X + that). Columns of variable
 * i: values within V_k + delta_k; the contraction adds sum |core| (prod (V + delta) - prod V) and
 * gamma_{R+3} sum |core| prod (V + delta) (R the sum of the ranks, as the worst case below).
 * *map: the map's term on the cell, sum_i es_i (hi_i - lo_i) / 2 sup |d model / dx_i| over the
 * cell, es_i the bound on |s~ - s| (map_err) at the cell's largest |s| and the derivative's sup
 * from the derivative columns' series on the cell (sum |core| sup |v_i'| prod_{j != i} V_j; the
 * stored derivative coefficients' own rounding added).
 * Returns +inf where it overflows.
 */
static double map_err(const ua_chebnd *m, size_t i, double S);

static double cell_rounding(const ua_chebnd *m, const double *lo, const double *hi, double *map)
{
    const double u = 0x1p-53;
    double *V[UA_CHEBND_MAXD] = { NULL }, *D[UA_CHEBND_MAXD] = { NULL },
           *VD[UA_CHEBND_MAXD] = { NULL }, *Vp[UA_CHEBND_MAXD] = { NULL }, es[UA_CHEBND_MAXD];
    double R = 0, e = INFINITY;
    int ok = 1;
    *map = INFINITY;
    for (size_t i = 0; i < m->d && ok; i++) {
        size_t r = m->rank[i], L = m->len[i];
        R += (double)r;
        V[i] = calloc(4 * r, sizeof(double));
        if (!V[i]) {
            ok = 0;
            break;
        }
        D[i] = V[i] + r;
        VD[i] = V[i] + 2 * r;
        Vp[i] = V[i] + 3 * r;
        slong prec = 128 + (slong)L;
        arb_t s0, h, pad;
        arb_init(s0);
        arb_init(h);
        arb_init(pad);
        ua_cheb_cell_map(m->lo[i], m->hi[i], lo[i], hi[i], prec, s0, h);
        arb_set_d(pad, 0x1p-40);
        arb_add(h, h, pad, prec); /* a cell a little wider than [lo, hi] in s */
        double S = fmin(1.0, up(fabs(arf_get_d(arb_midref(s0), ARF_RND_NEAR)) +
                                ball_hi(h) + mag_get_d(arb_radref(s0)))) * 1.0000001;
        es[i] = map_err(m, i, S);
        arb_ptr v = _arb_vec_init((slong)L);
        mag_ptr bs = _mag_vec_init((slong)L + 1);
        double *E = calloc(L + 2, sizeof *E), *Bt = calloc(L + 3, sizeof *Bt);
        if (!E || !Bt || !m->dfac[i]) ok = 0;
        for (size_t k = 0; ok && k < r; k++) {
            const double *c = m->fac[i] + k * L;
            ua_cheb_cell_clenshaw(c, (slong)L, s0, h, prec, v, bs);
            /* from j = L - 1 down: E_j, then Bt_j = B_j + S2_j, S2_j = S2_{j+1} + S1_j,
             * S1_j = sum_{k>=j} E_k */
            double S1 = 0, S2 = 0, tot = 0;
            Bt[L] = Bt[L + 1] = 0;
            for (size_t j = L; j-- > 0;) {
                double two = j ? 2 : 1;
                double P = up(up(two * S * Bt[j + 1]) * (1 + 2 * u)), A = up(fabs(c[j]) + P);
                double X = up(mag_get_d(bs + j) + up(S2 + S1)); /* Bt_j less E_j */
                double ep = op_err(P), ea = op_err(A);
                double E1 = up(up(up(ep + ea) + u * X) / (1 - 2 * u)); /* with u (X + E_j) */
                E[j] = up(up(ep + ea) + op_err(up(X + E1)));
                if (!(E[j] <= E1)) E[j] = E1;
                S1 = up(S1 + E[j]);
                S2 = up(S2 + S1);
                Bt[j] = up(mag_get_d(bs + j) + S2);
                tot = up(tot + E[j]);
            }
            V[i][k] = mag_get_d(bs + 0);
            D[i][k] = tot;
            VD[i][k] = up(V[i][k] + tot);
            /* sup |v_k'| on the cell, from the derivative column's series */
            ua_cheb_cell_clenshaw(m->dfac[i] + k * L, (slong)L, s0, h, prec, v, bs);
            /* the stored derivative coefficients are the recurrence d_{j-1} = d_{j+1} + 2j c_j
             * in double (then times ds): each off by at most 2L u (max |d| + max 2j |c_j|) <=
             * 6L u max |d| (to first order), their sum by 8 L^2 u max |d| */
            double dm = 0;
            for (size_t j = 0; j < L; j++) dm = fmax(dm, fabs(m->dfac[i][k * L + j]));
            Vp[i][k] = up((mag_get_d(bs + 0) + 8 * (double)L * (double)L * u * dm) * 1.01);
        }
        free(E);
        free(Bt);
        _arb_vec_clear(v, (slong)L);
        _mag_vec_clear(bs, (slong)L + 1);
        arb_clear(s0);
        arb_clear(h);
        arb_clear(pad);
    }
    if (ok) {
        const double *a[UA_CHEBND_MAXD] = { NULL };
        double pert = 0, mp = 0;
        /* prod (V + D) - prod V = sum_i (prod_{j<i} V_j) D_i (prod_{j>i} (V_j + D_j)) */
        for (size_t i = 0; i < m->d; i++) {
            for (size_t j = 0; j < m->d; j++) a[j] = j < i ? V[j] : j == i ? D[j] : VD[j];
            pert += abs_contract(m, a);
            for (size_t j = 0; j < m->d; j++) a[j] = j == i ? Vp[j] : V[j];
            mp += es[i] * 0.5 * (m->hi[i] - m->lo[i]) * abs_contract(m, a) * 1.02;
        }
        for (size_t j = 0; j < m->d; j++) a[j] = VD[j];
        double full = abs_contract(m, a), gR = (R + 3) * u / (1 - (R + 3) * u);
        e = pert + gR * full;
        *map = isfinite(mp) ? mp : INFINITY;
    }
    for (size_t i = 0; i < m->d; i++) free(V[i]);
    return isfinite(e) ? e : INFINITY;
}

/* A bound on |s~ - s| for predict's map s~ = fl(fl(fl(x - lo) - fl(hi - x)) iw) (the clamp to
 * [-1, 1] only moves s~ towards s) against s = ((x - lo) - (hi - x)) / w, w = hi - lo, for x in
 * the box and |s| <= S: with a = x - lo, b = hi - x >= 0 (a + b = w), the two subtractions are
 * off by at most u (a + b) = u w, the third by u |a~ - b~| <= u (|s| + u) w, and iw = fl(1 / fl(w))
 * = (1 + ei) / w with |ei| <= 2u / (1 - u) (0 where w is a power of two that fl(hi - lo) gives
 * exactly: both operations exact), so |s~ - s| <= u (1 + S + u)(1 + ei)(1 + u) + S (ei + u + ei u). */
static double map_err(const ua_chebnd *m, size_t i, double S)
{
    const double u = 0x1p-53, lo = m->lo[i], hi = m->hi[i], w = hi - lo;
    /* fl(hi - lo) is exact iff TwoSum's error term is 0 (hi - w - lo in its exact form) */
    double bv = w - hi, err = (hi - (w - bv)) + (-lo - bv);
    int mant;
    double f = frexp(w, &mant);
    double ei = err == 0 && f == 0.5 && m->iw[i] * w == 1 ? 0 : 2 * u / (1 - u);
    return up(u * (1 + S + u) * (1 + ei) * (1 + u) + S * (ei + u + ei * u)) * 1.000001;
}

/*
 * sup |predict(x) - model(x)| over the sub-box [lo, hi] (the model's box when NULL): the smaller
 * of the worst case over the model's box with the map's term over the box, and the running bound
 * on the cell (cell_rounding) with the map's term on the cell:
 * - the map: s = ((x - lo) - (hi - x)) iw is computed within es <= 5u of the exact map (map_err;
 *   3u where hi - lo is an exact power of two), which moves the value by at most es (hi - lo) / 2
 *   times the bound on |d model / dx_i| (over the box: ua_chebnd_abs_bound with the derivative
 *   series; on a cell: from the derivative columns' series there);
 * - worst case: Clenshaw's recurrence on a column of L coefficients: each step's local error is
 *   at most gamma_3 (|c_j| + 3 max|b|), max|b| <= (L + 1) sum|c| and every local error is carried
 *   to the result by a factor |U_k(s)| <= L + 1, so the column is within 12 (L + 1)^3 u sum|c|
 *   (Oliver's and Smoktunowicz's analyses of Clenshaw's algorithm); the contraction's sums of at
 *   most R = r0 + r1 + r2 terms: gamma_{R+3} relative to sum |core| prod sum|c| = V
 *   (ua_chebnd_abs_bound).
 * The total is padded by 2 percent for the rounding of this computation itself.
 */
static ua_status nd_eval_error(const void *state, const double *lo, const double *hi,
                               double *err)
{
    const ua_chebnd *m = state;
    if (!err) return UA_ERR(UA_EINVAL, "chebnd bounds: NULL err");
    const double u = 0x1p-53;
    double V = ua_chebnd_abs_bound(m, NULL, 0), rho = 0, R = 0, smap = 0;
    for (size_t i = 0; i < m->d; i++) {
        double n1 = (double)m->len[i] + 1;
        rho += 12 * n1 * n1 * n1 * u;
        R += (double)m->rank[i];
        double Vd = ua_chebnd_abs_bound(m, m->dfac, i) * 1.01;
        smap += map_err(m, i, 1.0) * 0.5 * (m->hi[i] - m->lo[i]) * Vd;
    }
    double best = V * (rho + (R + 3) * 1.01 * u) + smap;
    const double *clo = lo ? lo : m->lo, *chi = hi ? hi : m->hi;
    if ((!lo) == (!hi) && !check_box(m, clo, chi)) {
        double cmap = INFINITY, c = cell_rounding(m, clo, chi, &cmap);
        best = fmin(best, c + cmap);
    }
    ua_clear_error();
    double e = 1.02 * best;
    if (!isfinite(e)) return UA_ERR(UA_EDOMAIN, "chebnd bounds: the evaluation error overflows");
    *err = e;
    return UA_OK;
}

/*
 * The Taylor-model hook (ua_family_bounds.taylor, src/prove/tm.h): the model on the cell [lo, hi]
 * in the normalised offsets t. Each factor column v(x) = sum_j c_j T_j(s) of variable i is a
 * polynomial of degree L - 1 in t, s = s0 + h t with s0 = (lo + hi - lo_m - hi_m) / (hi_m - lo_m)
 * and h = (hi - lo) / (hi_m - lo_m): its complete expansion in t, as a Chebyshev series in t,
 * comes from Clenshaw's recurrence b_j = c_j + 2 s b_{j+1} - b_{j+2}, v = c_0 + s b_1 - b_2 run
 * on series with ball coefficients (exact inputs, 128 + L bits; ua_cheb_cell_clenshaw,
 * src/prove/chebcell.c), so no derivative bound enters: the terms above the space's degree K are
 * dropped into the remainder by their sum of |a_k| (|T_k(t)| <= 1), the rest converted to
 * monomials of t (ua_cheb_to_taylor). The columns are contracted with the core in Taylor-model
 * arithmetic (products of models in different variables; their terms above K bounded the same way).
 */
static void column_taylor(const ua_chebnd *m, size_t i, double xlo, double xhi,
                          const ua_tm_space *sp, arb_ptr out /* (rank, K + 1) */)
{
    slong L = (slong)m->len[i], K = (slong)sp->K, prec = 128 + L;
    arb_t s0, h;
    arb_init(s0);
    arb_init(h);
    ua_cheb_cell_map(m->lo[i], m->hi[i], xlo, xhi, prec, s0, h);
    arb_ptr v = _arb_vec_init(L);
    for (size_t k = 0; k < m->rank[i]; k++) {
        ua_cheb_cell_clenshaw(m->fac[i] + k * (size_t)L, L, s0, h, prec, v, NULL);
        ua_cheb_to_taylor(v, L, (unsigned)K, sp->prec, out + k * (size_t)(K + 1));
    }
    _arb_vec_clear(v, L);
    arb_clear(s0);
    arb_clear(h);
}

/* a = the univariate coefficients u (K + 1,) of variable i as a Taylor model. */
static void embed(const ua_tm_space *sp, size_t i, arb_srcptr u, ua_tm *a)
{
    ua_tm_zero(sp, a);
    for (unsigned q = 0; q <= sp->K; q++) arb_set(a->c + sp->uni[i * (sp->K + 1) + q], u + q);
}

static ua_status nd_taylor(const void *state, const double *lo, const double *hi,
                           const ua_tm_space *sp, ua_tm *out)
{
    const ua_chebnd *m = state;
    if (!sp || !out) return UA_ERR(UA_EINVAL, "chebnd bounds: NULL Taylor model");
    if (sp->d != m->d)
        return UA_ERR(UA_EINVAL, "chebnd bounds: a %zu-variable space for a %zu-variable model",
                      sp->d, m->d);
    ua_status s = check_box(m, lo, hi);
    if (s) return s;
    size_t K1 = sp->K + 1;
    arb_ptr col[UA_CHEBND_MAXD];
    for (size_t i = 0; i < m->d; i++) {
        col[i] = _arb_vec_init((slong)(m->rank[i] * K1));
        column_taylor(m, i, lo[i], hi[i], sp, col[i]);
    }
    ua_tm A, B, P, V;
    ua_tm_init(sp, &A);
    ua_tm_init(sp, &B);
    ua_tm_init(sp, &P);
    ua_tm_init(sp, &V);
    arb_t g;
    arb_init(g);
    ua_tm_zero(sp, out);
    if (m->d == 2) {
        for (size_t k = 0; k < m->rank[0]; k++) {
            embed(sp, 0, col[0] + k * K1, &A);
            embed(sp, 1, col[1] + k * K1, &B);
            ua_tm_mul(sp, &P, &A, &B);
            arb_set_d(g, m->core[k]);
            ua_tm_scalar_addmul(sp, out, &P, g);
        }
    } else {
        size_t r0 = m->rank[0], r1 = m->rank[1], r2 = m->rank[2];
        arb_ptr wab = _arb_vec_init((slong)K1);
        for (size_t a = 0; a < r0; a++) {
            ua_tm_zero(sp, &V);
            for (size_t b = 0; b < r1; b++) {
                const double *G = m->core + (a * r1 + b) * r2;
                _arb_vec_zero(wab, (slong)K1);
                for (size_t c = 0; c < r2; c++) {
                    if (G[c] == 0) continue;
                    arb_set_d(g, G[c]);
                    _arb_vec_scalar_addmul(wab, col[2] + c * K1, (slong)K1, g, sp->prec);
                }
                embed(sp, 2, wab, &B);
                embed(sp, 1, col[1] + b * K1, &A);
                ua_tm_mul(sp, &P, &A, &B);
                ua_tm_add(sp, &V, &V, &P);
            }
            embed(sp, 0, col[0] + a * K1, &A);
            ua_tm_mul(sp, &P, &A, &V);
            ua_tm_add(sp, out, out, &P);
        }
        _arb_vec_clear(wab, (slong)K1);
    }
    arb_clear(g);
    ua_tm_clear(sp, &A);
    ua_tm_clear(sp, &B);
    ua_tm_clear(sp, &P);
    ua_tm_clear(sp, &V);
    for (size_t i = 0; i < m->d; i++) _arb_vec_clear(col[i], (slong)(m->rank[i] * K1));
    if (!ua_tm_is_finite(sp, out))
        return UA_ERR(UA_EDOMAIN, "chebnd bounds: the Taylor model overflows");
    return UA_OK;
}

const ua_family_bounds ua_chebnd_bounds = {
    .output = nd_bound_output,
    .lipschitz = nd_lipschitz,
    .gradient = NULL,
    .eval_error = nd_eval_error,
    .naive = NULL,
    .taylor = nd_taylor,
};
