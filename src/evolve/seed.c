/*
 * The seed of the evolve family's population: a polynomial in Horner form whose coefficients are
 * the best approximation for the relative error, so the Pareto front never starts worse than the
 * minimax polynomial of its degree. The coefficients come from the Remez exchange on a discrete
 * grid (E. Ya. Remez, 1934; the discrete multiple-exchange form as in Powell, "Approximation
 * Theory and Methods", 1981, ch. 8-9), in double, in the Chebyshev basis of the interval (well
 * conditioned), then converted to monomials in t = x - shift for Horner. The weighted form:
 *     y = t^k p(t),  minimise max |f - t^k p| / |f|  =  max w |g - p|,  g = f / t^k,  w = |t^k / f|,
 * with k = 1 when f vanishes at the left end (log2 on [1, 2], erf on [0, 1]): the program is then
 * exact at that end and keeps its relative accuracy next to it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAXD 24

/* Solves a (m, m) z = r by Gaussian elimination with partial pivoting; 0 when singular. */
static int solve(double *a, double *r, int m)
{
    for (int c = 0; c < m; c++) {
        int p = c;
        for (int i = c + 1; i < m; i++)
            if (fabs(a[i * m + c]) > fabs(a[p * m + c])) p = i;
        if (!(fabs(a[p * m + c]) > 0)) return 0;
        if (p != c) {
            for (int j = 0; j < m; j++) {
                double t = a[c * m + j];
                a[c * m + j] = a[p * m + j];
                a[p * m + j] = t;
            }
            double t = r[c];
            r[c] = r[p];
            r[p] = t;
        }
        for (int i = c + 1; i < m; i++) {
            double f = a[i * m + c] / a[c * m + c];
            for (int j = c; j < m; j++) a[i * m + j] -= f * a[c * m + j];
            r[i] -= f * r[c];
        }
    }
    for (int c = m - 1; c >= 0; c--) {
        double s = r[c];
        for (int j = c + 1; j < m; j++) s -= a[c * m + j] * r[j];
        r[c] = s / a[c * m + c];
    }
    return 1;
}

/* T_0..T_deg at s into T. */
static void cheb_row(double s, int deg, double *T)
{
    T[0] = 1;
    if (deg >= 1) T[1] = s;
    for (int j = 2; j <= deg; j++) T[j] = 2 * s * T[j - 1] - T[j - 2];
}

static double cheb_sum(const double *c, int deg, double s)
{
    double T[MAXD + 1], v = 0;
    cheb_row(s, deg, T);
    for (int j = deg; j >= 0; j--) v += c[j] * T[j];
    return v;
}

/* Monomial coefficients mono (deg + 1,) in t of sum c_j T_j(alpha t + beta). */
static void to_monomial(const double *c, int deg, double alpha, double beta, double *mono)
{
    double Tm[MAXD + 1][MAXD + 1] = {{0}}, ins[MAXD + 1] = {0};
    Tm[0][0] = 1;
    if (deg >= 1) Tm[1][1] = 1;
    for (int j = 2; j <= deg; j++)
        for (int i = 0; i <= j; i++)
            Tm[j][i] = (i ? 2 * Tm[j - 1][i - 1] : 0) - Tm[j - 2][i];
    for (int j = 0; j <= deg; j++)
        for (int i = 0; i <= j; i++) ins[i] += c[j] * Tm[j][i]; /* in powers of s */
    /* s^i = (alpha t + beta)^i = sum_l binom(i, l) alpha^l t^l beta^(i-l) */
    for (int l = 0; l <= deg; l++) mono[l] = 0;
    for (int i = 0; i <= deg; i++) {
        double binom = 1;
        for (int l = 0; l <= i; l++) {
            mono[l] += ins[i] * binom * pow(alpha, l) * pow(beta, i - l);
            binom = binom * (i - l) / (l + 1);
        }
    }
}

/* The discrete Remez exchange in a variable v: the monomial coefficients mono (deg + 1,) in v of
 * the polynomial p minimising max w |g - p| over the m points v (increasing), computed in the
 * Chebyshev basis of [vlo, vhi] (points outside are clamped). */
static ua_status remez_var(const double *v, const double *g, const double *w, size_t m,
                           double vlo, double vhi, int deg, double *mono)
{
    if (deg < 0 || deg > MAXD || m < (size_t)deg + 4)
        return UA_ERR(UA_EINVAL, "evolve seed: degree %d with %zu points", deg, m);
    double alpha = 2 / (vhi - vlo), beta = -(vhi + vlo) / (vhi - vlo);
    double *s = malloc(m * sizeof *s), *e = malloc(m * sizeof *e);
    if (!s || !e) {
        free(s), free(e);
        return UA_ENOMEM_ERR(2 * m * sizeof *s);
    }
    for (size_t i = 0; i < m; i++) s[i] = fmin(1, fmax(-1, alpha * v[i] + beta));
    int N = deg + 2;
    int ref[MAXD + 2];
    double c[MAXD + 2], A[(MAXD + 2) * (MAXD + 2)], T[MAXD + 1];
    /* initial reference: indices nearest the Chebyshev extrema */
    for (int i = 0; i < N; i++) {
        double target = -cos(3.14159265358979323846 * i / (N - 1));
        size_t best = 0;
        for (size_t j = 0; j < m; j++)
            if (fabs(s[j] - target) < fabs(s[best] - target)) best = j;
        ref[i] = (int)best;
    }
    for (int i = 1; i < N; i++)
        if (ref[i] <= ref[i - 1]) ref[i] = ref[i - 1] + 1;
    if (ref[N - 1] >= (int)m) {
        free(s), free(e);
        return UA_ERR(UA_EDOMAIN, "evolve seed: too few points for degree %d", deg);
    }
    double best_err = INFINITY, best_c[MAXD + 2];
    for (int it = 0; it < 40; it++) {
        for (int i = 0; i < N; i++) {
            cheb_row(s[ref[i]], deg, T);
            for (int j = 0; j <= deg; j++) A[i * N + j] = T[j];
            A[i * N + deg + 1] = (i % 2 ? -1.0 : 1.0) / w[ref[i]];
            c[i] = g[ref[i]];
        }
        if (!solve(A, c, N)) break;
        double emax = 0;
        for (size_t j = 0; j < m; j++) {
            e[j] = w[j] * (g[j] - cheb_sum(c, deg, s[j]));
            emax = fmax(emax, fabs(e[j]));
        }
        if (emax < best_err) best_err = emax, memcpy(best_c, c, sizeof c);
        double lev = fabs(c[deg + 1]);
        if (emax <= lev * (1 + 1e-9)) break;
        /* the new reference: the extremum of each run of one sign */
        int cand[4096], nc = 0;
        size_t j = 0;
        while (j < m && nc < 4096) {
            size_t top = j;
            int sg = e[j] >= 0;
            while (j < m && (e[j] >= 0) == sg) {
                if (fabs(e[j]) > fabs(e[top])) top = j;
                j++;
            }
            cand[nc++] = (int)top;
        }
        if (nc < N) break;
        /* drop from the ends, the smaller first, keeping the global maximum */
        int lo = 0, hi = nc - 1;
        while (hi - lo + 1 > N) {
            if (fabs(e[cand[lo]]) < fabs(e[cand[hi]])) lo++;
            else hi--;
        }
        for (int i = 0; i < N; i++) ref[i] = cand[lo + i];
    }
    free(s), free(e);
    if (!isfinite(best_err))
        return UA_ERR(UA_EDOMAIN, "evolve seed: the Remez exchange of degree %d failed", deg);
    to_monomial(best_c, deg, alpha, beta, mono);
    return UA_OK;
}

/* The Remez exchange of ev_seed_horner: the monomial coefficients mono (deg + 1,) in
 * t = x - *shift of the best p for max |f - t^k p| / |f| on xs (n,), *k = 1 when f vanishes at
 * the left end. */
static ua_status remez_mono(const double *xs, const double *fs, size_t n, double a, double b,
                            int deg, double *shift_out, int *k_out, double *mono)
{
    if (deg < 0 || deg > MAXD || n < (size_t)deg + 4)
        return UA_ERR(UA_EINVAL, "evolve seed: degree %d with %zu points", deg, n);
    double shift = (a <= 0 && b >= 0) ? 0.0 : a;
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (fs[i] == 0.0) {
            if (xs[i] != shift)
                return UA_ERR(UA_EDOMAIN, "evolve: the target is 0 at x = %.17g inside the "
                              "interval: relative error and ULPs are not defined there", xs[i]);
            k = 1;
        }
    /* the grid without t = 0 when k = 1 */
    double *v = malloc(n * sizeof *v), *g = malloc(n * sizeof *g), *w = malloc(n * sizeof *w);
    if (!v || !g || !w) {
        free(v), free(g), free(w);
        return UA_ENOMEM_ERR(3 * n * sizeof *v);
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double t = xs[i] - shift;
        if (k && t == 0) continue;
        double tk = k ? t : 1;
        v[m] = t;
        g[m] = fs[i] / tk;
        w[m] = fabs(tk / fs[i]);
        m++;
    }
    ua_status st = remez_var(v, g, w, m, a - shift, b - shift, deg, mono);
    free(v), free(g), free(w);
    if (st) return st;
    *shift_out = shift;
    *k_out = k;
    return UA_OK;
}

ua_status ev_seed_horner(const double *xs, const double *fs, size_t n, double a, double b,
                         int deg, uint32_t ops, ev_prog *out)
{
    double mono[MAXD + 1], shift;
    int k;
    ua_status st = remez_mono(xs, fs, n, a, b, deg, &shift, &k, mono);
    if (st) return st;

    /* the program: [t = x - shift], constants, Horner, [y = t * p] */
    ev_prog *p = out;
    memset(p, 0, sizeof *p);
    int use_fma = (ops >> EV_FMA) & 1;
    int need = 1 + (shift != 0) * 2 + (deg + 1) + deg * (use_fma ? 1 : 2) + k;
    if (need > EV_MAX_VERTICES)
        return UA_ERR(UA_EINVAL, "evolve seed: degree %d needs %d vertices (at most %d)", deg,
                      need, EV_MAX_VERTICES);
    p->kind[0] = EV_INPUT;
    p->n = 1;
    int tv = 0;
    if (shift != 0) {
        p->kind[1] = EV_CONST;
        p->val[1] = shift;
        p->kind[2] = EV_SUB;
        p->arg[2][0] = 0;
        p->arg[2][1] = 1;
        p->n = 3;
        tv = 2;
    }
    int acc = p->n;
    p->kind[p->n] = EV_CONST;
    p->val[p->n++] = mono[deg];
    for (int j = deg - 1; j >= 0; j--) {
        int cv = p->n;
        p->kind[p->n] = EV_CONST;
        p->val[p->n++] = mono[j];
        if (use_fma) {
            p->kind[p->n] = EV_FMA;
            p->arg[p->n][0] = (uint8_t)acc;
            p->arg[p->n][1] = (uint8_t)tv;
            p->arg[p->n][2] = (uint8_t)cv;
            acc = p->n++;
        } else {
            p->kind[p->n] = EV_MUL;
            p->arg[p->n][0] = (uint8_t)acc;
            p->arg[p->n][1] = (uint8_t)tv;
            int mv = p->n++;
            p->kind[p->n] = EV_ADD;
            p->arg[p->n][0] = (uint8_t)mv;
            p->arg[p->n][1] = (uint8_t)cv;
            acc = p->n++;
        }
    }
    if (k) {
        p->kind[p->n] = EV_MUL;
        p->arg[p->n][0] = (uint8_t)acc;
        p->arg[p->n][1] = (uint8_t)tv;
        p->n++;
    }
    ev_prog_compact(p);
    return ev_prog_valid(p) ? UA_OK : UA_ERR(UA_EINVAL, "evolve seed: invalid program");
}

/* ---- structured seeds (--seeds all) -------------------------------------------------------- */

static int add_const(ev_prog *p, double v)
{
    if (p->n >= EV_MAX_VERTICES) return -1;
    p->kind[p->n] = EV_CONST;
    p->val[p->n] = v;
    return p->n++;
}

static int add_op(ev_prog *p, int kind, int a0, int a1, int a2)
{
    if (p->n >= EV_MAX_VERTICES || a0 < 0 || a1 < 0 || a2 < 0) return -1;
    p->kind[p->n] = (uint8_t)kind;
    p->arg[p->n][0] = (uint8_t)a0;
    p->arg[p->n][1] = (uint8_t)(ev_arity(kind) > 1 ? a1 : 0);
    p->arg[p->n][2] = (uint8_t)(ev_arity(kind) > 2 ? a2 : 0);
    return p->n++;
}

/* acc * v + c: one fma when allowed, else a mul and an add. */
static int add_muladd(ev_prog *p, int use_fma, int acc, int v, int c)
{
    if (use_fma) return add_op(p, EV_FMA, acc, v, c);
    return add_op(p, EV_ADD, add_op(p, EV_MUL, acc, v, 0), c, 0);
}

/* Horner of mono[lo..hi] in the vertex t: the vertex of the sum. */
static int add_horner(ev_prog *p, int use_fma, const double *mono, int lo, int hi, int t)
{
    int acc = add_const(p, mono[hi]);
    for (int j = hi - 1; j >= lo; j--) acc = add_muladd(p, use_fma, acc, t, add_const(p, mono[j]));
    return acc;
}

/* [t = x - shift]: vertex 0 or the subtraction. */
static int add_input(ev_prog *p, double shift)
{
    memset(p, 0, sizeof *p);
    p->kind[0] = EV_INPUT;
    p->n = 1;
    if (shift == 0) return 0;
    return add_op(p, EV_SUB, 0, add_const(p, shift), 0);
}

ua_status ev_seed_split(const double *xs, const double *fs, size_t n, double a, double b,
                        int deg, int split, int outer, uint32_t ops, ev_prog *out)
{
    if (split < 2 || split > 4 || deg - outer <= split || outer < 0 || outer > 2)
        return UA_ERR(UA_EINVAL, "evolve seed: split %d of degree %d", split, deg);
    double mono[MAXD + 1], shift;
    int k;
    ua_status st = remez_mono(xs, fs, n, a, b, deg, &shift, &k, mono);
    if (st) return st;
    int use_fma = (ops >> EV_FMA) & 1;
    ev_prog *p = out;
    int t = add_input(p, shift);
    int t2 = add_op(p, EV_MUL, t, t, 0);
    int ts = split == 2 ? t2 : split == 3 ? add_op(p, EV_MUL, t2, t, 0) : add_op(p, EV_MUL, t2, t2, 0);
    int r = add_horner(p, use_fma, mono, outer, outer + split - 1, t);
    int q = add_horner(p, use_fma, mono, outer + split, deg, t);
    int y = add_muladd(p, use_fma, q, ts, r);
    for (int j = outer - 1; j >= 0; j--) y = add_muladd(p, use_fma, y, t, add_const(p, mono[j]));
    if (k) y = add_op(p, EV_MUL, y, t, 0);
    if (y < 0) return UA_ERR(UA_EINVAL, "evolve seed: degree %d needs more than %d vertices", deg,
                             EV_MAX_VERTICES);
    ev_prog_compact(p);
    return ev_prog_valid(p) ? UA_OK : UA_ERR(UA_EINVAL, "evolve seed: invalid program");
}

ua_status ev_seed_squaring(const double *xs, const double *fs, size_t n, double a, double b,
                           int ne, int no, int sq, uint32_t ops, ev_prog *out)
{
    if (ne < 1 || no < 0 || ne + no + 1 > 12 || sq < 0 || sq > 8)
        return UA_ERR(UA_EINVAL, "evolve seed: squaring seed %d/%d/%d", ne, no, sq);
    for (size_t i = 0; i < n; i++)
        if (!(fs[i] > 0))
            return UA_ERR(UA_EDOMAIN, "evolve seed: the squaring seed needs f > 0");
    double shift = (a <= 0 && b >= 0) ? 0.0 : a;
    /* E(1 - g) + O(1 + g) = 0 in the least-squares sense, g = f^(1/2^sq), E monic; the
     * unknowns e_0..e_{ne-1}, o_0..o_no. Loeb's iteration: the rows weighted by 1 / |g (E - O)|
     * of the previous solution (the first time by the row's largest term), so that the residual
     * approximates the relative error; columns equilibrated, normal equations in long double
     * (the coefficients span many orders of magnitude: e_0 grows as 4^sq) */
    int m = ne + no + 1;
    double *A = malloc(n * (size_t)(m + 1) * sizeof *A), cs[13], z[13] = {0};
    if (!A) return UA_ENOMEM_ERR(n * (size_t)(m + 1) * sizeof *A);
    for (int j = 0; j < m; j++) cs[j] = 0;
    for (size_t i = 0; i < n; i++) {
        double t = xs[i] - shift, t2 = t * t, g = pow(fs[i], ldexp(1.0, -sq)), pw = 1;
        for (int j = 0; j < ne; j++) cs[j] = fmax(cs[j], fabs((1 - g) * pw)), pw *= t2;
        pw = t;
        for (int j = 0; j <= no; j++) cs[ne + j] = fmax(cs[ne + j], fabs((1 + g) * pw)), pw *= t2;
    }
    for (int j = 0; j < m; j++)
        if (!(cs[j] > 0)) {
            free(A);
            return UA_ERR(UA_EDOMAIN, "evolve seed: a degenerate squaring seed");
        }
    for (int iter = 0; iter < 4; iter++) {
        /* rows [A | b] */
        size_t rows = 0;
        for (size_t i = 0; i < n; i++) {
            double t = xs[i] - shift, t2 = t * t, g = pow(fs[i], ldexp(1.0, -sq));
            double pw = 1, E = 0, O = 0, *row = A + rows * (size_t)(m + 1);
            for (int j = 0; j < ne; j++) {
                row[j] = (1 - g) * pw;
                E += z[j] * pw;
                pw *= t2;
            }
            E += pw;
            row[m] = -(1 - g) * pw;
            pw = t;
            for (int j = 0; j <= no; j++) {
                row[ne + j] = (1 + g) * pw;
                O += z[ne + j] * pw;
                pw *= t2;
            }
            double wgt = fabs(row[m]);
            if (iter == 0)
                for (int j = 0; j < m; j++) wgt = fmax(wgt, fabs(row[j]));
            else
                wgt = fabs(g * (E - O));
            if (!(wgt > 0) || !isfinite(wgt)) continue;
            for (int j = 0; j < m; j++) row[j] /= wgt * cs[j];
            row[m] /= wgt;
            rows++;
        }
        /* Householder QR of the (rows, m) part applied to the last column */
        size_t W = (size_t)m + 1;
        for (int c = 0; c < m; c++) {
            double nrm = 0;
            for (size_t i = (size_t)c; i < rows; i++) nrm += A[i * W + c] * A[i * W + c];
            nrm = sqrt(nrm);
            if (!(nrm > 0)) {
                free(A);
                return UA_ERR(UA_EDOMAIN, "evolve seed: the squaring seed's least squares are "
                              "singular");
            }
            double alpha = A[c * W + c] > 0 ? -nrm : nrm;
            A[c * W + c] -= alpha;
            double vn = 0;
            for (size_t i = (size_t)c; i < rows; i++) vn += A[i * W + c] * A[i * W + c];
            for (int k2 = c + 1; k2 <= m; k2++) {
                double dot = 0;
                for (size_t i = (size_t)c; i < rows; i++) dot += A[i * W + c] * A[i * W + k2];
                double fct = vn > 0 ? 2 * dot / vn : 0;
                for (size_t i = (size_t)c; i < rows; i++) A[i * W + k2] -= fct * A[i * W + c];
            }
            A[c * W + c] = alpha; /* R's diagonal */
        }
        for (int c = m - 1; c >= 0; c--) {
            double sum = A[c * W + m];
            for (int j = c + 1; j < m; j++) sum -= A[c * W + j] * z[j];
            z[c] = sum / A[c * W + c];
        }
        for (int j = 0; j < m; j++) z[j] /= cs[j];
    }
    free(A);
    int use_fma = (ops >> EV_FMA) & 1;
    ev_prog *p = out;
    int t = add_input(p, shift);
    int t2 = add_op(p, EV_MUL, t, t, 0);
    double ec[14], oc[14];
    for (int j = 0; j < ne; j++) ec[j] = z[j];
    ec[ne] = 1;
    for (int j = 0; j <= no; j++) oc[j] = z[ne + j];
    /* E = ((t2 + e_{ne-1}) t2 + ...) + e_0: monic, the leading multiplication saved */
    int e = add_op(p, EV_ADD, t2, add_const(p, ec[ne - 1]), 0);
    for (int j = ne - 2; j >= 0; j--) e = add_muladd(p, use_fma, e, t2, add_const(p, ec[j]));
    int o = add_op(p, EV_MUL, add_horner(p, use_fma, oc, 0, no, t2), t, 0);
    int y = add_op(p, EV_DIV, add_op(p, EV_ADD, e, o, 0), add_op(p, EV_SUB, e, o, 0), 0);
    for (int j = 0; j < sq; j++) y = add_op(p, EV_MUL, y, y, 0);
    if (y < 0) return UA_ERR(UA_EINVAL, "evolve seed: too many vertices");
    ev_prog_compact(p);
    return ev_prog_valid(p) ? UA_OK : UA_ERR(UA_EINVAL, "evolve seed: invalid program");
}

ua_status ev_seed_centred(const double *xs, const double *fs, size_t n, double a, double b,
                          int deg, int even, int scale_exp, uint32_t ops, ev_prog *out)
{
    if (deg < 1 || deg > MAXD || n < (size_t)deg + 4)
        return UA_ERR(UA_EINVAL, "evolve seed: centred seed of degree %d with %zu points", deg, n);
    double shift = (a <= 0 && b >= 0) ? 0.0 : a;
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (fs[i] == 0.0) k |= xs[i] == shift ? 1 : 2;
    if (k != 1)
        return UA_ERR(UA_EDOMAIN, "evolve seed: the centred seed needs a target 0 at the left end "
                      "only");
    if (even && a != 0) /* x^2 - z0 increases with x only on [0, b] */
        return UA_ERR(UA_EDOMAIN, "evolve seed: the even centred seed needs the interval [0, b]");
    /* the variable: u = x - c, c the midpoint rounded to float (x - c is then exact for float x
     * in [c / 2, 2 c]), or w = x^2 - z0, z0 the middle of [a^2, b^2] */
    double c = (double)ev_to_float(0.5 * (a + b));
    double z0 = (double)ev_to_float(0.5 * (a * a + b * b));
    double *v = malloc(n * sizeof *v), *g = malloc(n * sizeof *g), *w = malloc(n * sizeof *w);
    if (!v || !g || !w) {
        free(v), free(g), free(w);
        return UA_ENOMEM_ERR(3 * n * sizeof *v);
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double t = xs[i] - shift;
        if (t == 0) continue;
        v[m] = even ? xs[i] * xs[i] - z0 : xs[i] - c;
        g[m] = fs[i] / t;
        w[m] = fabs(t / fs[i]);
        m++;
    }
    double mono[MAXD + 1];
    ua_status st = even ? remez_var(v, g, w, m, a * a - z0, b * b - z0, deg, mono)
                        : remez_var(v, g, w, m, a - c, b - c, deg, mono);
    free(v), free(g), free(w);
    if (st) return st;
    /* y = fma(t, c0, t q(v)): c0 the float nearest p(0), q = p - c0; scaled, c0 and q times
     * 2^scale_exp and y times 2^-scale_exp (exact where y is normal), unless the scaled
     * values could overflow a float */
    double c0 = (double)ev_to_float(mono[0]), fmax_abs = 0;
    mono[0] -= c0;
    for (size_t i = 0; i < n; i++) fmax_abs = fmax(fmax_abs, fabs(fs[i]));
    if (scale_exp < 0 || scale_exp > 60 || !(ldexp(fmax_abs, scale_exp + 2) < 0x1p100))
        scale_exp = 0;
    c0 = ldexp(c0, scale_exp);
    for (int j = 0; j <= deg; j++) mono[j] = ldexp(mono[j], scale_exp);
    int use_fma = (ops >> EV_FMA) & 1;
    ev_prog *p = out;
    int t = add_input(p, shift);
    int var = even ? (use_fma ? add_op(p, EV_FMA, 0, 0, add_const(p, -z0))
                              : add_op(p, EV_ADD, add_op(p, EV_MUL, 0, 0, 0), add_const(p, -z0), 0))
                   : add_op(p, EV_SUB, 0, add_const(p, c), 0);
    int q = add_op(p, EV_MUL, t, add_horner(p, use_fma, mono, 0, deg, var), 0);
    int y = add_muladd(p, use_fma, t, add_const(p, c0), q);
    if (scale_exp) y = add_op(p, EV_MUL, y, add_const(p, ldexp(1.0, -scale_exp)), 0);
    if (y < 0) return UA_ERR(UA_EINVAL, "evolve seed: degree %d needs more than %d vertices", deg,
                             EV_MAX_VERTICES);
    ev_prog_compact(p);
    return ev_prog_valid(p) ? UA_OK : UA_ERR(UA_EINVAL, "evolve seed: invalid program");
}
