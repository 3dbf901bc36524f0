/*
 * src/pde/ref_allen_cahn.c — a high-accuracy solution of Allen-Cahn
 *     u_t = d u_xx + 5 (u - u^3) on [-1, 1] x [0, T],  u(x, 0) = x^2 cos(pi x),  u(+-1, t) = -1,
 * DeepXDE's example (d = 0.001; its documentation states u(-1, t) = u(1, t) = -1, which its
 * network enforces by the output transform x^2 cos(pi x) + t (1 - x^2) N(x, t)).
 *
 * Method (Kassam & Trefethen, "Fourth-order time-stepping for stiff PDEs", SIAM J. Sci. Comput.
 * 26 (2005), their Allen-Cahn example; Trefethen, "Spectral Methods in MATLAB", 2000, ch. 6-7):
 *  - v = u + 1 vanishes on the boundary, so the Dirichlet condition is the deletion of the first
 *    and last rows and columns of the Chebyshev second-derivative matrix on x_j = cos(j pi / N).
 *  - u stays even in x (the equation and u(x, 0) are), so only x_1 .. x_{N/2} are unknowns: column
 *    k of D2 is folded onto column N - k (half the size, a quarter of the work).
 *  - The linear part L = d D2 is diagonalised once by LAPACK (dgeev; its eigenvalues are real and
 *    negative, its eigenvector matrix well conditioned: cond 4.4 for N = 768), and ETDRK4 runs in
 *    those coordinates: the phi-functions of h lambda by the mean over a circle of radius 1 around
 *    each h lambda (Kassam & Trefethen's contour integral, 32 points on the upper half), which
 *    avoids the cancellation of the closed forms for small h lambda.
 *  - Every step's solution and its time derivative (L v + 5 (u - u^3)) are kept; u(x, t) is the
 *    cubic Hermite interpolant in t between two steps of the barycentric interpolant in x on the
 *    Chebyshev points (Berrut & Trefethen 2004).
 * Accuracy for the defaults N = 768, dt = 1e-3 (tests/test_pde_ref.c, docs/pde.md): self-
 * convergence in N and dt, and against scipy's BDF on a Chebyshev grid.
 */
#include <complex.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "core/internal.h"
#include "pde/ref_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

typedef struct {
    int N, m;           /* Chebyshev degree; unknowns x_1 .. x_m, m = N / 2 */
    size_t nsteps;      /* time steps of length h from 0 to T */
    double h;
    double *xn;         /* (N + 1,) the points cos(j pi / N) */
    double *bw;         /* (N + 1,) barycentric weights (-1)^j, halved at both ends */
    double *v;          /* (nsteps + 1, m) v = u + 1 at the unknowns, every step */
    double *vt;         /* (nsteps + 1, m) dv/dt there */
    double d, T;        /* the problem's parameters (the cache's key) */
    int refs;           /* references sharing this solution (ac_cache_lock) */
} ac_state;

/* The last default-resolution solution is kept for the process (one reference of its own), so
 * that reading the same problem again, as the tests and the fuzzer do, does not solve again. */
static pthread_mutex_t ac_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static ac_state *ac_cache;

static void ac_free(void *p)
{
    ac_state *s = p;
    if (!s) return;
    free(s->xn);
    free(s->bw);
    free(s->v);
    free(s->vt);
    free(s);
}

/* The reaction 5 (u - u^3) with u = v - 1, elementwise: out (m,). */
static void ac_reaction(const double *v, double *out, int m)
{
    for (int i = 0; i < m; i++) {
        double u = v[i] - 1.0;
        out[i] = 5.0 * (u - u * u * u);
    }
}

/* Chebyshev points and the first-derivative matrix D (N + 1, N + 1) row-major (Trefethen's
 * cheb.m), differences of points by the sine form (x_i - x_j = 2 sin(pi (i + j) / 2N)
 * sin(pi (j - i) / 2N)) and the diagonal as minus the row sum, both for accuracy at large N. */
static void ac_cheb(int N, double *x, double *D)
{
    size_t n1 = (size_t)N + 1;
    for (int j = 0; j <= N; j++) x[j] = sin(M_PI * (N - 2.0 * j) / (2.0 * N));
    for (int i = 0; i <= N; i++) {
        double ci = (i == 0 || i == N) ? 2.0 : 1.0, sum = 0.0;
        for (int j = 0; j <= N; j++) {
            if (j == i) continue;
            double cj = (j == 0 || j == N) ? 2.0 : 1.0;
            double dx = 2.0 * sin(M_PI * (i + j) / (2.0 * N)) * sin(M_PI * (j - i) / (2.0 * N));
            double v = (ci / cj) * (((i + j) & 1) ? -1.0 : 1.0) / dx;
            D[(size_t)i * n1 + j] = v;
            sum += v;
        }
        D[(size_t)i * n1 + i] = -sum;
    }
}

/* The phi-function weights of ETDRK4 for one eigenvalue (Kassam & Trefethen 2005, eq. 2.5 and
 * their contour means): z = h lambda; E = e^z, E2 = e^{z/2}, Q, f1, f2, f3 (the latter four
 * already multiplied by h). */
static void ac_phi(double z, double h, double out[6])
{
    enum { M = 32 };
    double q = 0, a = 0, b = 0, c = 0;
    for (int j = 1; j <= M; j++) {
        double complex r = z + cexp(I * M_PI * (j - 0.5) / M);
        double complex er = cexp(r), r3 = r * r * r;
        q += creal((cexp(r / 2) - 1.0) / r);
        a += creal((-4.0 - r + er * (4.0 - 3.0 * r + r * r)) / r3);
        b += creal((2.0 + r + er * (r - 2.0)) / r3);
        c += creal((-4.0 - 3.0 * r - r * r + er * (4.0 - r)) / r3);
    }
    out[0] = exp(z);
    out[1] = exp(z / 2);
    out[2] = h * q / M;
    out[3] = h * a / M;
    out[4] = h * b / M;
    out[5] = h * c / M;
}

/* y (m,) = A (m, m) row-major times x. */
static void mv(const double *A, const double *x, double *y, int m)
{
    cblas_dgemv(CblasRowMajor, CblasNoTrans, m, m, 1.0, A, m, x, 1, 0.0, y, 1);
}

/* The solve: fills s->v, s->vt for the given d. Work arrays are allocated here. */
static ua_status ac_run(ac_state *s, double d)
{
    int N = s->N, m = s->m;
    size_t n1 = (size_t)N + 1, mm = (size_t)m * (size_t)m;
    ua_status st = UA_OK;
    double *D = ua_calloc(n1 * n1, sizeof *D);
    double *D2 = ua_calloc((size_t)m * n1, sizeof *D2);
    double *L = ua_calloc(mm, sizeof *L);
    double *V = ua_calloc(mm, sizeof *V);
    double *Vi = ua_calloc(mm, sizeof *Vi);
    double *lam = ua_calloc((size_t)m, sizeof *lam);
    double *wi = ua_calloc((size_t)m, sizeof *wi);
    double *ph = ua_calloc((size_t)m * 6, sizeof *ph);
    double *wk = ua_calloc((size_t)m * 12, sizeof *wk);
    lapack_int *piv = ua_calloc((size_t)m, sizeof *piv);
    if (!D || !D2 || !L || !V || !Vi || !lam || !wi || !ph || !wk || !piv) {
        st = UA_ENOMEM_ERR(n1 * n1 * sizeof *D);
        goto done;
    }
    ac_cheb(N, s->xn, D);
    /* rows 1 .. m of D2 = D D */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, (int)n1, (int)n1, 1.0, D + n1,
                (int)n1, D, (int)n1, 0.0, D2, (int)n1);
    /* fold the even symmetry v_{N-k} = v_k; drop the boundary columns (v_0 = v_N = 0) */
    for (int i = 0; i < m; i++)
        for (int k = 1; k <= m; k++) {
            double a = D2[(size_t)i * n1 + k];
            if (k < N - k) a += D2[(size_t)i * n1 + (N - k)];
            L[(size_t)i * m + (k - 1)] = d * a;
        }
    lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'V', m, L, m, lam, wi, NULL, 1, V, m);
    if (info != 0) {
        st = UA_ERR(UA_EDIVERGED, "PDE reference 'allen_cahn': dgeev failed (info %d)", (int)info);
        goto done;
    }
    for (int i = 0; i < m; i++)
        if (wi[i] != 0.0 || !(lam[i] < 0.0)) {
            st = UA_ERR(UA_EDIVERGED,
                        "PDE reference 'allen_cahn': an eigenvalue of d D2 is not real negative "
                        "(%g%+gi); N = %d too large?",
                        lam[i], wi[i], N);
            goto done;
        }
    memcpy(Vi, V, mm * sizeof *V);
    info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, m, m, Vi, m, piv);
    if (info == 0) info = LAPACKE_dgetri(LAPACK_ROW_MAJOR, m, Vi, m, piv);
    if (info != 0) {
        st = UA_ERR(UA_EDIVERGED, "PDE reference 'allen_cahn': the eigenvectors are singular "
                                  "(dgetrf/dgetri info %d)", (int)info);
        goto done;
    }
    for (int i = 0; i < m; i++) ac_phi(s->h * lam[i], s->h, ph + 6 * (size_t)i);

    double *w = wk, *phys = wk + m, *nl = wk + 2 * m, *Nv = wk + 3 * m, *Na = wk + 4 * m;
    double *Nb = wk + 5 * m, *Nc = wk + 6 * m, *a = wk + 7 * m, *b = wk + 8 * m, *c = wk + 9 * m;
    double *tmp = wk + 10 * m;
    /* initial value at the unknowns, in eigen-coordinates */
    for (int i = 0; i < m; i++) {
        double x = s->xn[i + 1];
        phys[i] = x * x * cos(M_PI * x) + 1.0;
    }
    mv(Vi, phys, w, m);
    for (size_t n = 0;; n++) {
        /* v and dv/dt at step n */
        double *vn = s->v + n * (size_t)m, *vtn = s->vt + n * (size_t)m;
        mv(V, w, vn, m);
        for (int i = 0; i < m; i++) tmp[i] = lam[i] * w[i];
        mv(V, tmp, vtn, m);
        ac_reaction(vn, nl, m);
        for (int i = 0; i < m; i++) vtn[i] += nl[i];
        if (n == s->nsteps) break;
        /* ETDRK4 (Cox & Matthews 2002; Kassam & Trefethen 2005) */
        mv(Vi, nl, Nv, m);
        for (int i = 0; i < m; i++) a[i] = ph[6 * i + 1] * w[i] + ph[6 * i + 2] * Nv[i];
        mv(V, a, phys, m);
        ac_reaction(phys, nl, m);
        mv(Vi, nl, Na, m);
        for (int i = 0; i < m; i++) b[i] = ph[6 * i + 1] * w[i] + ph[6 * i + 2] * Na[i];
        mv(V, b, phys, m);
        ac_reaction(phys, nl, m);
        mv(Vi, nl, Nb, m);
        for (int i = 0; i < m; i++)
            c[i] = ph[6 * i + 1] * a[i] + ph[6 * i + 2] * (2.0 * Nb[i] - Nv[i]);
        mv(V, c, phys, m);
        ac_reaction(phys, nl, m);
        mv(Vi, nl, Nc, m);
        for (int i = 0; i < m; i++) {
            const double *p = ph + 6 * i;
            w[i] = p[0] * w[i] + p[3] * Nv[i] + 2.0 * p[4] * (Na[i] + Nb[i]) + p[5] * Nc[i];
        }
        if (!isfinite(w[0]) || !isfinite(w[m - 1])) {
            st = UA_ERR(UA_EDIVERGED, "PDE reference 'allen_cahn': the time stepping diverged "
                                      "at step %zu", n + 1);
            goto done;
        }
    }
done:
    free(D);
    free(D2);
    free(L);
    free(V);
    free(Vi);
    free(lam);
    free(wi);
    free(ph);
    free(wk);
    free(piv);
    return st;
}

/* u at one point (x, t) in the domain: Hermite in t between the bracketing steps, barycentric in x
 * over the full Chebyshev grid (values at x_{N-k} = x_k by symmetry, v = 0 at both ends). */
static double ac_point(const ac_state *s, double x, double t)
{
    double r = t / s->h;
    size_t j = (size_t)floor(r);
    if (j >= s->nsteps) j = s->nsteps - 1;
    double q = r - (double)j;
    if (q < 0) q = 0;
    if (q > 1) q = 1;
    double h00 = (1 + 2 * q) * (1 - q) * (1 - q), h10 = q * (1 - q) * (1 - q) * s->h;
    double h01 = q * q * (3 - 2 * q), h11 = q * q * (q - 1) * s->h;
    const double *v0 = s->v + j * (size_t)s->m, *v1 = v0 + s->m;
    const double *t0 = s->vt + j * (size_t)s->m, *t1 = t0 + s->m;
    int N = s->N;
    double num = 0.0, den = 0.0;
    for (int k = 0; k <= N; k++) {
        double g = 0.0;
        if (k > 0 && k < N) {
            int i = (k <= N - k ? k : N - k) - 1;
            g = h00 * v0[i] + h10 * t0[i] + h01 * v1[i] + h11 * t1[i];
        }
        double dx = x - s->xn[k];
        if (dx == 0.0) return g - 1.0;
        double c = s->bw[k] / dx;
        num += c * g;
        den += c;
    }
    return num / den - 1.0;
}

static void ac_eval(const void *state, const double *pts, size_t n, double *u)
{
    const ac_state *s = state;
    long nn = (long)n;
#pragma omp parallel for schedule(static) if (n > 256)
    for (long i = 0; i < nn; i++) u[i] = ac_point(s, pts[2 * i], pts[2 * i + 1]);
}

/* Drops one reference to a solution; the last one frees it. */
static void ac_release(void *p)
{
    ac_state *s = p;
    pthread_mutex_lock(&ac_cache_lock);
    int left = --s->refs;
    pthread_mutex_unlock(&ac_cache_lock);
    if (left == 0) ac_free(s);
}

static void ac_fill(ua_pde_reference *r, ac_state *s)
{
    r->name = "allen_cahn";
    r->lo[0] = -1.0;
    r->hi[0] = 1.0;
    r->lo[1] = 0.0;
    r->hi[1] = s->T;
    r->eval = ac_eval;
    r->free_state = ac_release;
    r->state = s;
}

ua_status ua_ref_allen_cahn_solve(double d, double T, int N, double dt, ua_pde_reference *r)
{
    if (!(d >= 1e-3 && d <= 10.0))
        return UA_ERR(UA_EINVAL, "PDE reference 'allen_cahn': d must be in [1e-3, 10], got %g", d);
    if (!(T > 0.0 && T <= 10.0))
        return UA_ERR(UA_EINVAL, "PDE reference 'allen_cahn': T must be in (0, 10], got %g", T);
    if (N < 16 || N > 4096 || (N & 1))
        return UA_ERR(UA_EINVAL, "PDE reference 'allen_cahn': N must be even in [16, 4096], got %d",
                      N);
    if (!(dt > 0.0 && dt <= T && T / dt <= 1e6))
        return UA_ERR(UA_EINVAL, "PDE reference 'allen_cahn': dt must be in [T/1e6, T], got %g",
                      dt);
    ac_state *s = ua_calloc(1, sizeof *s);
    if (!s) return UA_ENOMEM_ERR(sizeof *s);
    s->N = N;
    s->m = N / 2;
    s->nsteps = (size_t)ceil(T / dt - 1e-9);
    s->h = T / (double)s->nsteps;
    size_t store = (s->nsteps + 1) * (size_t)s->m;
    s->xn = ua_calloc((size_t)N + 1, sizeof *s->xn);
    s->bw = ua_calloc((size_t)N + 1, sizeof *s->bw);
    s->v = ua_calloc(store, sizeof *s->v);
    s->vt = ua_calloc(store, sizeof *s->vt);
    if (!s->xn || !s->bw || !s->v || !s->vt) {
        ac_free(s);
        return UA_ENOMEM_ERR(store * sizeof(double));
    }
    for (int k = 0; k <= N; k++)
        s->bw[k] = ((k & 1) ? -1.0 : 1.0) * ((k == 0 || k == N) ? 0.5 : 1.0);
    ua_status st = ac_run(s, d);
    if (st != UA_OK) {
        ac_free(s);
        return st;
    }
    r->name = "allen_cahn";
    r->lo[0] = -1.0;
    r->hi[0] = 1.0;
    r->lo[1] = 0.0;
    r->hi[1] = T;
    s->d = d;
    s->T = T;
    s->refs = 1;
    ac_fill(r, s);
    return UA_OK;
}

ua_status ua_ref_allen_cahn_init(const double *params, size_t nparams, ua_pde_reference *r)
{
    if (nparams > 2)
        return UA_ERR(UA_EINVAL,
                      "PDE reference 'allen_cahn': at most 2 parameters (d, T), got %zu", nparams);
    double d = nparams > 0 ? params[0] : UA_REF_AC_D;
    double T = nparams > 1 ? params[1] : 1.0;
    pthread_mutex_lock(&ac_cache_lock);
    ac_state *c = ac_cache;
    if (c && c->d == d && c->T == T) {
        c->refs++;
        pthread_mutex_unlock(&ac_cache_lock);
        ac_fill(r, c);
        return UA_OK;
    }
    pthread_mutex_unlock(&ac_cache_lock);
    ua_status st = ua_ref_allen_cahn_solve(d, T, UA_REF_AC_N, UA_REF_AC_DT, r);
    if (st != UA_OK) return st;
    ac_state *s = r->state, *old;
    pthread_mutex_lock(&ac_cache_lock);
    s->refs++; /* the cache's own */
    old = ac_cache;
    ac_cache = s;
    int left = old ? --old->refs : 1;
    pthread_mutex_unlock(&ac_cache_lock);
    if (left == 0) ac_free(old);
    return UA_OK;
}
