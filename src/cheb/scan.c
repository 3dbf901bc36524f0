/*
 * The constructor's own check of a chopped piece (scan.h): f on points that are not construction
 * points compared with the interpolant. standardChop sees only the grid's samples; a feature
 * narrower than the grid's spacing (a spike between two points of every grid tried) leaves the
 * coefficients decaying and the fit "resolved" with an O(1) error. The dense scan samples f
 * between the grid points and refuses such a fit; fit.c then refines or splits.
 */
#include <float.h>
#include <math.h>
#include <pthread.h>
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
    while (m < UA_CHEB_SCAN_MAX && ((double)m < want || m < UA_CHEB_SCAN_PER_GRID * grid)) m *= 2;
    return m;
}

/* ---- shared per-size data: the angles and the FFT plan ------------------------------------
 * The scan's angles theta_j = pi (j + d) / m depend on m only (a power of two in
 * [UA_CHEB_SCAN_MIN, UA_CHEB_SCAN_MAX]): their cosines and sines, and the FFT plan of size 2m,
 * are computed once per process (a libm sin and cos per point and an FFTW plan per check were a
 * third of the check's time) and then only read, by any thread. They live until exit. */
enum { LOG_MIN = 6, LOG_MAX = 15 };
_Static_assert(UA_CHEB_SCAN_MIN == 1 << LOG_MIN && UA_CHEB_SCAN_MAX == 1 << LOG_MAX,
               "the per-size table covers the scan sizes");

typedef struct {
    double *cs, *sn; /* (m,) cos theta_j, sin theta_j (sin > 0: theta in (0, pi)) */
    fftw_plan plan;  /* backward complex DFT of size 2m, in place; NULL until first needed */
} angles;

static angles table[LOG_MAX - LOG_MIN + 1];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

static int log2_of(size_t m)
{
    int e = 0;
    while (((size_t)1 << e) < m) e++;
    return e;
}

/* The angles of size m (and the plan when want_plan), built on first use. */
static ua_status get_angles(size_t m, int want_plan, const angles **out)
{
    int e = log2_of(m);
    if (e < LOG_MIN || e > LOG_MAX || ((size_t)1 << e) != m)
        return UA_ERR(UA_EINVAL, "scan size %zu is not a power of two in [%d, %d]", m,
                      UA_CHEB_SCAN_MIN, UA_CHEB_SCAN_MAX);
    angles *a = &table[e - LOG_MIN];
    ua_status st = UA_OK;
    pthread_mutex_lock(&table_lock);
    if (!a->cs) {
        double *cs = malloc(2 * m * sizeof *cs);
        if (!cs) {
            st = UA_ENOMEM_ERR(2 * m * sizeof *cs);
        } else {
            for (size_t j = 0; j < m; j++) {
                double th = PI * ((double)j + SCAN_OFFSET) / (double)m;
                cs[j] = cos(th);
                cs[m + j] = sin(th);
            }
            a->cs = cs;
            a->sn = cs + m;
        }
    }
    if (!st && want_plan && !a->plan) {
        /* planned on a scratch array, executed on others (fftw_execute_dft: same size, in place,
         * fftw_malloc's alignment); FFTW_ESTIMATE reads no data, so the scratch goes at once */
        const size_t N = 2 * m;
        fftw_complex *z = fftw_malloc(N * sizeof *z);
        if (!z) {
            st = UA_ENOMEM_ERR(N * sizeof *z);
        } else {
            ua_cheb_fftw_plan_lock();
            a->plan = fftw_plan_dft_1d((int)N, z, z, FFTW_BACKWARD, FFTW_ESTIMATE);
            ua_cheb_fftw_plan_unlock();
            fftw_free(z);
            if (!a->plan)
                st = UA_ERR(UA_ENOMEM, "FFTW could not plan a DFT of size %zu", N);
        }
    }
    pthread_mutex_unlock(&table_lock);
    *out = a;
    return st;
}

/* ---- a small pool of scratch buffers ----------------------------------------------------------
 * A check needs 2m doubles for its values (and 4m for the FFT): ~0.1-1 MB that malloc would map
 * afresh and the kernel fault in page by page for every piece (15% of the check's time). Released
 * buffers are kept here (at most POOL_SLOTS, the largest) and handed to the next check. */
enum { POOL_SLOTS = 8 };
static struct {
    void *p;
    size_t bytes;
} pool[POOL_SLOTS];
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

/* A buffer of at least bytes (fftw_malloc'ed: aligned for FFTW); *got: its real size. */
static void *pool_get(size_t bytes, size_t *got)
{
    void *p = NULL;
    size_t best = POOL_SLOTS;
    pthread_mutex_lock(&pool_lock);
    for (size_t i = 0; i < POOL_SLOTS; i++) /* the smallest that fits, at most 8 times larger */
        if (pool[i].p && pool[i].bytes >= bytes && pool[i].bytes / 8 <= bytes &&
            (best == POOL_SLOTS || pool[i].bytes < pool[best].bytes))
            best = i;
    if (best < POOL_SLOTS) {
        p = pool[best].p;
        *got = pool[best].bytes;
        pool[best].p = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
    if (!p) {
        p = fftw_malloc(bytes);
        *got = p ? bytes : 0;
    }
    return p;
}

static void pool_put(void *p, size_t bytes)
{
    if (!p) return;
    pthread_mutex_lock(&pool_lock);
    size_t small = 0;
    for (size_t i = 0; i < POOL_SLOTS; i++) {
        if (!pool[i].p) {
            small = i;
            break;
        }
        if (pool[i].bytes < pool[small].bytes) small = i;
    }
    if (!pool[small].p || pool[small].bytes < bytes) { /* keep the larger */
        void *old = pool[small].p;
        pool[small].p = p;
        pool[small].bytes = bytes;
        p = old;
    }
    pthread_mutex_unlock(&pool_lock);
    fftw_free(p); /* the one not kept (NULL: nothing) */
}

void ua_cheb_scan_release(ua_cheb_scan *sc)
{
    if (!sc) return;
    pool_put(sc->y, sc->cap * sizeof(double));
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

/* Where ua_cheb_eval puts the point x of the piece [lo, hi] (in t): s computed as eval does. */
static double s_of_x(const ua_cheb_sampler *s, double x, double lo, double hi, double inv)
{
    double te = s->map == UA_MAP_LOG ? log(x) : x;
    return ua_cheb_to_s(te, lo, hi, inv);
}

static double s_of(const ua_cheb_sampler *s, double t, double lo, double hi)
{
    return s_of_x(s, ua_cheb_sampler_x(s, t), lo, hi, 1.0 / (hi - lo));
}

/* f at the m scan points of [lo, hi] (y) and where eval puts them (se; NaN for a point that is
 * not strictly inside), unless sc holds them already. */
static ua_status scan_values(ua_cheb_sampler *s, double lo, double hi, size_t m, const angles *A,
                             ua_cheb_scan *sc)
{
    if (sc->y && sc->m == m && sc->lo == lo && sc->hi == hi) return UA_OK;
    if (sc->cap < 2 * m) {
        ua_cheb_scan_release(sc);
        size_t got = 0;
        sc->y = pool_get(2 * m * sizeof(double), &got);
        if (!sc->y) return UA_ENOMEM_ERR(2 * m * sizeof(double));
        sc->cap = got / sizeof(double);
    }
    sc->m = 0;
    sc->have_sigma = 0;
    sc->se = sc->y + m;
    const double inv = 1.0 / (hi - lo);
    for (size_t j = 0; j < m; j++) {
        double t = t_at(lo, hi, A->cs[j]);
        if (!(t > lo && t < hi)) { /* rounded onto an end (a piece a few ulps wide): skipped,
                                      an end may be a jump's other side */
            sc->y[j] = 0.0;
            sc->se[j] = NAN;
            continue;
        }
        double x = s->map == UA_MAP_LOG ? ua_cheb_sampler_x(s, t) : t;
        double v = s->f(x, s->ctx);
        s->nevals++;
        if (!isfinite(v))
            return UA_ERR(UA_EDOMAIN, "target is %s at x = %.17g", isnan(v) ? "NaN" : "infinite",
                          x);
        sc->y[j] = v;
        sc->se[j] = s_of_x(s, x, lo, hi, inv);
    }
    sc->lo = lo;
    sc->hi = hi;
    sc->m = m;
    return UA_OK;
}

/*
 * p(s_j) and sum_k k c_k sin(k theta_j) at theta_j = pi (j + d) / m, s_j = cos theta_j, j < m,
 * into z[j] (real part, imaginary part / bscale): p(cos theta) = sum_k c_k cos(k theta) =
 * Re sum_k c_k e^{i k pi d / m} e^{2 pi i k j / N} with N = 2m, a DFT once the k are folded
 * modulo N; the sine sum is the real part of the same with -i k c_k. Both are real sequences, so
 * the Hermitian parts of the two spectra go into one complex backward FFT as real and imaginary
 * parts. The FFT's rounding is relative to the whole input, so the sine part goes in scaled down
 * by a power of two to about 2^-26 of the values' (it only corrects p by p' times an ulp-sized
 * shift: ~1e-7 relative accuracy is plenty), and the values keep their accuracy.
 * z: 2N complex of scratch (the second half is used only when n > N / 2).
 */
static void series_on_scan(const double *c, size_t n, size_t m, const angles *A,
                           fftw_complex *z, double *bscale_out)
{
    const size_t N = 2 * m;
    const double phi = PI * SCAN_OFFSET / (double)m;
    double na = 0.0, nb = 0.0;
    for (size_t k = 0; k < n; k++) {
        na = fmax(na, fabs(c[k]));
        nb = fmax(nb, (double)k * fabs(c[k]));
    }
    int e = 0;
    if (nb > 0.0 && na > 0.0) frexp(0x1p-26 * na / nb, &e);
    const double bscale = ldexp(1.0, e); /* a power of two: exact to undo */
    *bscale_out = bscale;
    memset(z, 0, N * sizeof *z);
    if (2 * n <= N) {
        /* no folding: a_k = c_k e^{i k phi} and b_k = -i k c_k e^{i k phi} sit at k < n only,
         * so the Hermitian parts are A_k = a_k / 2, A_{N-k} = conj(a_k) / 2 (k >= 1), A_0 =
         * c_0, likewise B; z_r = A_r + i B_r directly */
        z[0][0] = c[0];
        for (size_t k = 1; k < n; k++) {
            double ck = c[k];
            if (ck == 0.0) continue;
            double kc = (double)k * ck * bscale;
            double cs = cos((double)k * phi), sn = sin((double)k * phi);
            z[k][0] = 0.5 * (ck + kc) * cs;
            z[k][1] = 0.5 * (ck + kc) * sn;
            z[N - k][0] = 0.5 * (ck - kc) * cs;
            z[N - k][1] = 0.5 * (kc - ck) * sn;
        }
    } else {
        /* folded: a in z, b in the second half, then the Hermitian parts pair by pair */
        fftw_complex *b = z + N;
        memset(b, 0, N * sizeof *b);
        for (size_t k = 0; k < n; k++) {
            double ck = c[k];
            if (ck == 0.0) continue;
            double cs = cos((double)k * phi), sn = sin((double)k * phi);
            size_t r = k % N;
            z[r][0] += ck * cs; /* c_k e^{i k phi} */
            z[r][1] += ck * sn;
            double kc = (double)k * ck * bscale; /* -i k c_k e^{i k phi} = k c_k (sn - i cs) */
            b[r][0] += kc * sn;
            b[r][1] -= kc * cs;
        }
        for (size_t r = 0; r <= N / 2; r++) {
            size_t q = (N - r) % N;
            double ar = z[r][0], ai = z[r][1], aqr = z[q][0], aqi = z[q][1];
            double br = b[r][0], bi = b[r][1], bqr = b[q][0], bqi = b[q][1];
            /* A_r = (a_r + conj a_q) / 2, B_r likewise; z_r = A_r + i B_r; and for q */
            double Ar = 0.5 * (ar + aqr), Ai = 0.5 * (ai - aqi);
            double Br = 0.5 * (br + bqr), Bi = 0.5 * (bi - bqi);
            double Aqr = 0.5 * (aqr + ar), Aqi = 0.5 * (aqi - ai);
            double Bqr = 0.5 * (bqr + br), Bqi = 0.5 * (bqi - bi);
            z[r][0] = Ar - Bi;
            z[r][1] = Ai + Br;
            z[q][0] = Aqr - Bqi;
            z[q][1] = Aqi + Bqr;
        }
    }
    fftw_execute_dft(A->plan, z, z);
}

/* Clenshaw (as ua_cheb_clenshaw) at LANES points at once: independent recurrences side by side,
 * so that their latencies overlap. */
enum { LANES = 8 };
static void clenshaw_lanes(const double *c, size_t n, const double *s, double *out)
{
    double b1[LANES], b2[LANES], s2[LANES];
    for (int l = 0; l < LANES; l++) {
        b1[l] = b2[l] = 0.0;
        s2[l] = s[l] + s[l];
    }
    for (size_t k = n - 1; k >= 1; k--)
        for (int l = 0; l < LANES; l++) {
            double b0 = c[k] + s2[l] * b1[l] - b2[l];
            b2[l] = b1[l];
            b1[l] = b0;
        }
    for (int l = 0; l < LANES; l++) out[l] = c[0] + s[l] * b1[l] - b2[l];
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

static ua_status measure_noise(ua_cheb_sampler *s, double lo, double hi, const angles *A,
                               ua_cheb_scan *sc)
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
            double t = t_at(lo, hi, A->cs[j]);
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
    const int use_fft = n > UA_CHEB_SCAN_CLENSHAW;
    const angles *A = NULL;
    ua_status st = get_angles(m, use_fft, &A);
    if (!st) st = scan_values(s, lo, hi, m, A, sc);
    if (st) return st;

    /* the two sampleTest points */
    double ts[2], rs[2];
    int have[2] = { 0, 0 };
    double V = vscale;
    for (int i = 0; i < 2; i++) {
        ts[i] = t_at(lo, hi, sample_s[i]);
        if (!(ts[i] > lo && ts[i] < hi)) continue;
        double y = 0.0;
        st = eval_f(s, ts[i], &y);
        if (st) return st;
        rs[i] = y - ua_cheb_clenshaw(coeffs, n, s_of(s, ts[i], lo, hi));
        V = fmax(V, fabs(y));
        have[i] = 1;
    }

    /* The interpolant where eval puts each scan point: a long series through the FFT, p(s_j) +
     * p'(s_j) (s(x_j) - s_j) with p'(cos theta) = sum k c_k sin(k theta) / sin theta (theta in
     * (0, pi): never 0); a short one by Clenshaw at s(x_j), LANES points at a time. */
    fftw_complex *z = NULL;
    size_t zbytes = 0;
    double bscale = 1.0;
    if (use_fft) {
        size_t want = (2 * n <= 2 * m ? 2 * m : 4 * m) * sizeof *z;
        z = pool_get(want, &zbytes);
        if (!z) return UA_ENOMEM_ERR(want);
        series_on_scan(coeffs, n, m, A, z, &bscale);
    }

    /* The residual r_j = f - p at the valid points: its largest size and where (the threshold
     * is the same at every point, so the worst point is that of the largest |r|). Plain
     * comparisons: fmax is a libm call here. */
    double maxr = -1.0, tmax = 0.5 * lo + 0.5 * hi;
    size_t count = 0, jmax = m;
    const double *y = sc->y, *se = sc->se;
    for (size_t j0 = 0; j0 < m; j0 += LANES) {
        double pj[LANES];
        size_t nl = m - j0 < LANES ? m - j0 : LANES;
        if (use_fft) {
            for (size_t l = 0; l < nl; l++) {
                size_t j = j0 + l;
                pj[l] = z[j][0] + z[j][1] / bscale / A->sn[j] * (se[j] - A->cs[j]);
            }
        } else {
            double sl[LANES];
            for (size_t l = 0; l < LANES; l++)
                sl[l] = l < nl && !isnan(se[j0 + l]) ? se[j0 + l] : 0.0;
            clenshaw_lanes(coeffs, n, sl, pj);
        }
        for (size_t l = 0; l < nl; l++) {
            size_t j = j0 + l;
            if (isnan(se[j])) continue;
            double r = fabs(y[j] - pj[l]), ay = fabs(y[j]);
            if (ay > V) V = ay;
            if (r > maxr) {
                maxr = r;
                jmax = j;
            }
            count++;
        }
    }
    pool_put(z, zbytes);
    if (jmax < m) tmax = t_at(lo, hi, A->cs[jmax]);
    for (int i = 0; i < 2; i++)
        if (have[i] && fabs(rs[i]) > maxr) {
            maxr = fabs(rs[i]);
            tmax = ts[i];
        }

    /* The threshold: the tolerance (relative to V, or absolute), 8 eps V for the rounding of p
     * and f, twice the conditioning floor; and where f itself is noisier than that (an argument
     * rounded at a large scale, sin(100 x); a target that is itself a double computation), the
     * noise's reach: 4 sigma in the scan's values plus the interpolant's copy of the grid's
     * noise, up to the Lebesgue constant (2/pi) ln n + 1 times 4 sigma. Rounding terms count
     * only below sqrt(tol) V (relative; as ua_cheb_fit_piece): above, they are features. An ulp
     * is never below the subnormal spacing 2^-1074 (1e-310 x: V subnormal, 8 eps V rounds to 0,
     * and a perfect fit's one-subnormal-ulp rounding would otherwise fail the check). */
    const double eps = 0x1p-52, rnd = 8.0 * fmax(eps * V, 0x1p-1074);
    double base = tol->abs_tol ? fmax(tol->tol, eps * V) : tol->tol * V;
    double cap = V > 0.0 ? sqrt(base / V) * V : 0.0;
    double cond = 0.0;
    if (maxr > base + rnd) { /* only then is the conditioning floor worth measuring */
        /* a grid point t is only known to half an ulp of |t|, and eval computes s = ((t - lo) -
         * (hi - t)) / (hi - lo), two roundings of up to half an ulp of max(|lo|, |hi|) (x near 0
         * on [-1, 1] loses its low bits): f moves by up to |f'| eps max(|lo|, |hi|), |f'|
         * estimated by the largest difference quotient of neighbouring scan points */
        double slope = 0.0;
        for (size_t j = 1; j < m; j++) {
            if (isnan(se[j]) || isnan(se[j - 1])) continue;
            double t = t_at(lo, hi, A->cs[j]), tp = t_at(lo, hi, A->cs[j - 1]);
            double dy = fabs(y[j - 1] - y[j]);
            if (tp > t && dy > slope * (tp - t)) { /* divided only where it grows */
                double sl = dy / (tp - t);
                if (sl > slope) slope = sl;
            }
        }
        cond = slope * eps * fmax(fabs(lo), fabs(hi));
        if (!(cond < cap)) cond = 0.0;
    }
    const double thr0 = base + rnd + 2.0 * cond;
    double thr = thr0;
    if (maxr > thr0) { /* only then is the noise worth measuring */
        if (!sc->have_sigma) st = measure_noise(s, lo, hi, A, sc);
        if (st) return st;
        double reach = 4.0 * sc->sigma * (2.0 + 2.0 / PI * log((double)n));
        if (reach < cap) thr += reach;
    }
    double wratio = 0.0, werr = 0.0, wthr = thr0;
    if (maxr >= 0.0) { /* else nothing inside: a piece a few ulps wide */
        wratio = thr > 0.0 ? maxr / thr : (maxr > 0.0 ? INFINITY : 0.0);
        werr = maxr;
        wthr = thr;
    }
    out->err = werr;
    out->thr = wthr;
    out->ratio = wratio;
    out->pass = wratio <= 1.0;
    out->t_worst = tmax;
    out->fmax = V;
    out->m = count + (size_t)have[0] + (size_t)have[1];
    return UA_OK;
}
