/*
 * The constructor's own check of a chopped piece (scan.h): f on points that are not construction
 * points compared with the interpolant. standardChop sees only the grid's samples; a feature
 * narrower than the grid's spacing (a spike between two points of every grid tried) leaves the
 * coefficients decaying and the fit "resolved" with an O(1) error. The dense scan samples f
 * between the grid points and refuses such a fit; fit.c then refines or splits.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "core/internal.h"
#include "scan.h"

#define PI 3.14159265358979323846
/* The irrational offset of the scan's angles, (sqrt 5 - 1) / 2: pi (j + d) / m is never a
 * multiple of pi / 2^q, the angles of the construction grids. */
#define SCAN_OFFSET 0.61803398874989484820
/* Two arbitrary points of [-1, 1] in the spirit of Chebfun's sampleTest (checked as well; they
 * are not on the scan either). */
static const double sample_s[2] = { -0.357998918959666, 0.036785641195074 };

size_t ua_cheb_scan_count(size_t grid, double frac)
{
    double want = (double)UA_CHEB_SCAN_POINTS * frac;
    if (!(want <= (double)UA_CHEB_SCAN_MAX)) want = (double)UA_CHEB_SCAN_MAX; /* also NaN */
    size_t m = UA_CHEB_SCAN_MIN;
    while (m < UA_CHEB_SCAN_MAX && ((double)m < want || m < 2 * grid)) m *= 2;
    return m;
}

void ua_cheb_scan_release(ua_cheb_scan *sc)
{
    if (!sc) return;
    free(sc->t);
    free(sc->y);
    memset(sc, 0, sizeof *sc);
}

/* f at t, evaluated directly (scan points are never revisited: no memo). */
static ua_status eval_f(ua_cheb_sampler *s, double t, double *y)
{
    double x = ua_cheb_sampler_x(s, t);
    double v = s->f(x, s->ctx);
    s->nevals++;
    if (!isfinite(v))
        return UA_ERR(UA_EDOMAIN, "target is %s at x = %.17g", isnan(v) ? "NaN" : "infinite", x);
    *y = v;
    return UA_OK;
}

/* The point of [lo, hi] at s in [-1, 1], as ua_cheb_points_on places grid points. */
static double t_at(double lo, double hi, double s)
{
    double mid = 0.5 * lo + 0.5 * hi, half = 0.5 * hi - 0.5 * lo;
    return mid + half * s;
}

/* Where ua_cheb_eval puts the point t of the piece: s computed from x as eval computes it. */
static double s_of(const ua_cheb_sampler *s, double t, double lo, double hi)
{
    double x = ua_cheb_sampler_x(s, t);
    double te = s->map == UA_MAP_LOG ? log(x) : x;
    return ua_cheb_to_s(te, lo, hi, 1.0 / (hi - lo));
}

static ua_status scan_values(ua_cheb_sampler *s, double lo, double hi, size_t m, ua_cheb_scan *sc)
{
    if (sc->t && sc->m == m && sc->lo == lo && sc->hi == hi) return UA_OK;
    ua_cheb_scan_release(sc);
    sc->t = ua_calloc(m, sizeof *sc->t);
    sc->y = ua_calloc(m, sizeof *sc->y);
    if (!sc->t || !sc->y) {
        ua_cheb_scan_release(sc);
        return UA_ENOMEM_ERR(2 * m * sizeof(double));
    }
    for (size_t j = 0; j < m; j++) {
        double t = t_at(lo, hi, cos(PI * ((double)j + SCAN_OFFSET) / (double)m));
        sc->t[j] = t;
        if (!(t > lo && t < hi)) continue; /* rounded onto an end (a piece a few ulps wide):
                                              skipped, an end may be a jump's other side */
        ua_status st = eval_f(s, t, &sc->y[j]);
        if (st) {
            ua_cheb_scan_release(sc);
            return st;
        }
    }
    sc->lo = lo;
    sc->hi = hi;
    sc->m = m;
    return UA_OK;
}

/*
 * p(s_j) and sum_k k c_k sin(k theta_j) at theta_j = pi (j + d) / m, s_j = cos theta_j, j < m:
 * p(cos theta) = sum_k c_k cos(k theta) = Re sum_k c_k e^{i k pi d / m} e^{2 pi i k j / N} with
 * N = 2m, a DFT once the k are folded modulo N; the sine sum is the real part of the same with
 * -i k c_k. Both are real sequences, so the Hermitian parts of the two spectra go into one
 * complex backward FFT as real and imaginary parts. The FFT's rounding is relative to the whole
 * input, so the sine part goes in scaled down by a power of two to about 2^-26 of the values'
 * (it only corrects p by p' times an ulp-sized shift: ~1e-7 relative accuracy is plenty), and
 * the values keep their accuracy.
 */
static ua_status series_on_scan(const double *c, size_t n, size_t m, double *p, double *dsin)
{
    const size_t N = 2 * m;
    double *a = ua_calloc(4 * N, sizeof *a); /* a: N complex, then b: N complex */
    fftw_complex *z = fftw_malloc(N * sizeof *z);
    if (!a || !z) {
        free(a);
        fftw_free(z);
        return UA_ENOMEM_ERR(6 * N * sizeof(double));
    }
    double *b = a + 2 * N;
    const double phi = PI * SCAN_OFFSET / (double)m;
    double na = 0.0, nb = 0.0;
    for (size_t k = 0; k < n; k++) {
        na = fmax(na, fabs(c[k]));
        nb = fmax(nb, (double)k * fabs(c[k]));
    }
    int e = 0;
    if (nb > 0.0 && na > 0.0) frexp(0x1p-26 * na / nb, &e);
    const double bscale = ldexp(1.0, e); /* a power of two: exact to undo */
    for (size_t k = 0; k < n; k++) {
        double ck = c[k];
        if (ck == 0.0) continue;
        double cs = cos((double)k * phi), sn = sin((double)k * phi);
        size_t r = k % N;
        a[2 * r] += ck * cs; /* c_k e^{i k phi} */
        a[2 * r + 1] += ck * sn;
        double kc = (double)k * ck * bscale; /* -i k c_k e^{i k phi} = k c_k (sn - i cs) */
        b[2 * r] += kc * sn;
        b[2 * r + 1] -= kc * cs;
    }
    for (size_t r = 0; r < N; r++) {
        size_t q = (N - r) % N;
        /* A_r = (a_r + conj a_q) / 2, B_r likewise; z_r = A_r + i B_r */
        double ar = 0.5 * (a[2 * r] + a[2 * q]), ai = 0.5 * (a[2 * r + 1] - a[2 * q + 1]);
        double br = 0.5 * (b[2 * r] + b[2 * q]), bi = 0.5 * (b[2 * r + 1] - b[2 * q + 1]);
        z[r][0] = ar - bi;
        z[r][1] = ai + br;
    }
    free(a);
    ua_cheb_fftw_plan_lock();
    fftw_plan plan = fftw_plan_dft_1d((int)N, z, z, FFTW_BACKWARD, FFTW_ESTIMATE);
    ua_cheb_fftw_plan_unlock();
    if (!plan) {
        fftw_free(z);
        return UA_ERR(UA_ENOMEM, "cheb_fit: FFTW could not plan a DFT of size %zu", N);
    }
    fftw_execute(plan);
    for (size_t j = 0; j < m; j++) {
        p[j] = z[j][0];
        dsin[j] = z[j][1] / bscale;
    }
    ua_cheb_fftw_plan_lock();
    fftw_destroy_plan(plan);
    ua_cheb_fftw_plan_unlock();
    fftw_free(z);
    return UA_OK;
}

/*
 * The rounding noise of f on the piece, measured directly: around 64 scan points (4 in each of
 * 16 blocks of consecutive scan points), f at t + k delta, k = -2..2, delta = 2^-30 max(|lo|,
 * |hi|, hi - lo) — far enough apart that a rounded inner argument (100 x) rounds independently,
 * near enough that the fourth difference of any smooth f (delta^4 f^(4)) is far below eps. For
 * independent noise of deviation sigma the fourth difference has deviation sqrt(70) sigma.
 * sigma: the largest over the blocks of the root mean square (noise may grow along the domain,
 * f(e^t) e^t; the chop's plateau, and so the error of the series everywhere, follows the
 * largest). A feature of any width above 2^-30 of the domain has no fourth difference at that
 * spacing, so it never passes for noise. Kept in sc (it depends on f and the piece only).
 */
enum { NOISE_BLOCKS = 16, NOISE_PER_BLOCK = 4 };

static ua_status measure_noise(ua_cheb_sampler *s, double lo, double hi, ua_cheb_scan *sc)
{
    const double delta = 0x1p-30 * fmax(fmax(fabs(lo), fabs(hi)), hi - lo);
    const size_t m = sc->m, per = NOISE_BLOCKS * NOISE_PER_BLOCK;
    double sigma = 0.0;
    for (size_t b = 0; b < NOISE_BLOCKS; b++) {
        double sum = 0.0;
        size_t cnt = 0;
        for (size_t q = 0; q < NOISE_PER_BLOCK; q++) {
            size_t j = (size_t)(((double)(b * NOISE_PER_BLOCK + q) + 0.5) * (double)m / (double)per);
            if (j >= m) continue;
            double t = sc->t[j];
            if (!(t - 2.0 * delta > lo && t + 2.0 * delta < hi)) continue;
            double y[5] = { 0.0, 0.0, sc->y[j], 0.0, 0.0 };
            for (int k = -2; k <= 2; k++) {
                if (k == 0) continue;
                ua_status st = eval_f(s, t + (double)k * delta, &y[k + 2]);
                if (st) return st;
            }
            double d4 = (y[0] - 4.0 * y[1] + 6.0 * y[2] - 4.0 * y[3] + y[4]) / sqrt(70.0);
            sum += d4 * d4;
            cnt++;
        }
        if (cnt) sigma = fmax(sigma, sqrt(sum / (double)cnt));
    }
    sc->sigma = sigma;
    sc->have_sigma = 1;
    return UA_OK;
}

ua_status ua_cheb_check_piece(ua_cheb_sampler *s, double lo, double hi, const double *coeffs,
                              size_t n, size_t m, const ua_cheb_tol *tol, double vscale,
                              ua_cheb_scan *sc, ua_cheb_check *out)
{
    memset(out, 0, sizeof *out);
    out->pass = 1;
    ua_status st = scan_values(s, lo, hi, m, sc);
    if (st) return st;
    double *p = ua_calloc(2 * m, sizeof *p);
    if (!p) return UA_ENOMEM_ERR(2 * m * sizeof *p);
    double *ds = p + m;
    st = series_on_scan(coeffs, n, m, p, ds);
    if (st) {
        free(p);
        return st;
    }

    /* the two sampleTest points */
    double ts[2], rs[2];
    int have[2] = { 0, 0 };
    double V = vscale;
    for (int i = 0; i < 2; i++) {
        ts[i] = t_at(lo, hi, sample_s[i]);
        if (!(ts[i] > lo && ts[i] < hi)) continue;
        double y = 0.0;
        st = eval_f(s, ts[i], &y);
        if (st) {
            free(p);
            return st;
        }
        rs[i] = y - ua_cheb_clenshaw(coeffs, n, s_of(s, ts[i], lo, hi));
        V = fmax(V, fabs(y));
        have[i] = 1;
    }

    /* The residual r_j = f - p where eval puts each scan point: p(s_j) + p'(s_j) (s(x_j) - s_j),
     * with p'(cos theta) = sum k c_k sin(k theta) / sin theta (theta in (0, pi): never 0); the
     * valid points' residuals go to p and their t to ds, in order (count <= j: nothing unread is
     * overwritten). Also the conditioning floor: a grid point t is only known to half an ulp of
     * |t|, and eval computes s = ((t - lo) - (hi - t)) / (hi - lo), two roundings of up to half
     * an ulp of max(|lo|, |hi|) (x near 0 on [-1, 1] loses its low bits): f moves by up to
     * |f'| eps max(|lo|, |hi|). */
    double slope = 0.0, maxr = 0.0;
    size_t count = 0;
    for (size_t j = 0; j < m; j++) {
        double t = sc->t[j];
        if (!(t > lo && t < hi)) continue;
        double th = PI * ((double)j + SCAN_OFFSET) / (double)m;
        double pj = p[j] + ds[j] / sin(th) * (s_of(s, t, lo, hi) - cos(th));
        double r = sc->y[j] - pj;
        V = fmax(V, fabs(sc->y[j]));
        maxr = fmax(maxr, fabs(r));
        if (j > 0 && sc->t[j - 1] > t && sc->t[j - 1] < hi)
            slope = fmax(slope, fabs(sc->y[j - 1] - sc->y[j]) / (sc->t[j - 1] - t));
        p[count] = r;
        ds[count] = t;
        count++;
    }
    for (int i = 0; i < 2; i++)
        if (have[i]) maxr = fmax(maxr, fabs(rs[i]));

    /* The threshold: the tolerance (relative to V, or absolute), 8 eps V for the rounding of p
     * and f, twice the conditioning floor; and where f itself is noisier than that (an argument
     * rounded at a large scale, sin(100 x); a target that is itself a double computation), the
     * noise's reach: 4 sigma in the scan's values plus the interpolant's copy of the grid's
     * noise, up to the Lebesgue constant (2/pi) ln n + 1 times 4 sigma. Rounding terms count
     * only below sqrt(tol) V (relative; as ua_cheb_fit_piece): above, they are features. */
    const double eps = 0x1p-52;
    double base = tol->abs_tol ? fmax(tol->tol, eps * V) : tol->tol * V;
    double cap = V > 0.0 ? sqrt(base / V) * V : 0.0;
    double cond = slope * eps * fmax(fabs(lo), fabs(hi));
    if (!(cond < cap)) cond = 0.0;
    const double thr0 = base + 8.0 * eps * V + 2.0 * cond;
    double thr = thr0, sigma = 0.0;
    if (maxr > thr0) { /* only then is the noise worth measuring */
        if (!sc->have_sigma) st = measure_noise(s, lo, hi, sc);
        if (st) {
            free(p);
            return st;
        }
        sigma = sc->sigma;
        double reach = 4.0 * sigma * (2.0 + 2.0 / PI * log((double)n));
        if (reach < cap) thr += reach;
    }
    double wratio = -1.0, werr = 0.0, wthr = thr0, tw = 0.5 * lo + 0.5 * hi;
    for (size_t i = 0; i < count; i++) {
        double e = fabs(p[i]);
        double ratio = thr > 0.0 ? e / thr : (e > 0.0 ? INFINITY : 0.0);
        if (ratio > wratio) {
            wratio = ratio;
            werr = e;
            wthr = thr;
            tw = ds[i];
        }
    }
    for (int i = 0; i < 2; i++) {
        if (!have[i]) continue;
        double e = fabs(rs[i]);
        double ratio = thr > 0.0 ? e / thr : (e > 0.0 ? INFINITY : 0.0);
        if (ratio > wratio) {
            wratio = ratio;
            werr = e;
            wthr = thr;
            tw = ts[i];
        }
    }
    free(p);
    if (wratio < 0.0) wratio = 0.0; /* nothing inside: a piece a few ulps wide */
    out->err = werr;
    out->thr = wthr;
    out->ratio = wratio;
    out->pass = wratio <= 1.0;
    out->t_worst = tw;
    out->fmax = V;
    out->m = count + (size_t)have[0] + (size_t)have[1];
    return UA_OK;
}
