/*
 * src/pde/loss.c — the training points of a PDE problem and the weighted loss with its gradient
 * in the network's parameters:
 *     L = w_pde mean_interior R(x)^2 + w_bc sum_k mean_{points of condition k} e_k(x)^2,
 * R the residual of the equation at the network's jet, e_k: u - g (Dirichlet, initial),
 * du/dn - g on the face's outward normal (Neumann), u(lo) - u(hi) and u_v(lo) - u_v(hi) at
 * matching points of the two faces (periodic in v). The gradient: dL/d(jet) per point, then the
 * network's backward pass (net.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "loss.h"

void ua_pde_points_free(ua_pde_points *pt)
{
    free(pt->x);
    free(pt->cond);
    free(pt->g);
    memset(pt, 0, sizeof *pt);
}

/* A uniform point of the box into x (d,). */
static void uniform_point(const ua_pde_spec *s, ua_rng *r, double *x)
{
    for (size_t i = 0; i < s->d; i++) x[i] = s->lo[i] + (s->hi[i] - s->lo[i]) * ua_rng_uniform(r);
}

/* Points of condition c (k of them, from x): on its face (or faces), values g. */
static void condition_points(const ua_pde_spec *s, const ua_pde_cond *c, ua_rng *r, size_t k,
                             double *x, double *g)
{
    size_t d = s->d;
    for (size_t p = 0; p < k; p++) {
        double *xp = x + p * d;
        uniform_point(s, r, xp);
        if (c->type == UA_PDE_PERIODIC) {
            /* pairs: even p on the lo face, p + 1 the same point on the hi face */
            if (p % 2 == 1) {
                memcpy(xp, xp - d, d * sizeof *xp);
                xp[c->var] = s->hi[c->var];
            } else xp[c->var] = s->lo[c->var];
            g[p] = 0;
            continue;
        }
        if (c->var >= 0) xp[c->var] = c->side ? s->hi[c->var] : s->lo[c->var];
        else {
            size_t face = p % (2 * s->ns), v = face / 2;
            xp[v] = face % 2 ? s->hi[v] : s->lo[v];
        }
        g[p] = ua_pde_cond_value(s, c, xp);
    }
}

ua_status ua_pde_points_make(const ua_pde_spec *s, size_t nint, size_t nbnd, size_t ninit,
                             int hard, uint64_t seed, ua_pde_points *pt)
{
    memset(pt, 0, sizeof *pt);
    size_t d = s->d, n = nint;
    size_t cnt[UA_PDE_MAX_CONDS];
    for (size_t k = 0; k < s->nconds; k++) {
        cnt[k] = s->conds[k].type == UA_PDE_INITIAL ? ninit : nbnd;
        if (s->conds[k].type == UA_PDE_PERIODIC) cnt[k] += cnt[k] % 2;
        if (cnt[k] < 2) cnt[k] = 2;
        if (hard && (s->conds[k].type == UA_PDE_DIRICHLET || s->conds[k].type == UA_PDE_INITIAL))
            cnt[k] = 0;
        n += cnt[k];
    }
    pt->x = ua_calloc(n * d, sizeof *pt->x);
    pt->cond = ua_calloc(n, sizeof *pt->cond);
    pt->g = ua_calloc(n, sizeof *pt->g);
    if (!pt->x || !pt->cond || !pt->g) {
        ua_pde_points_free(pt);
        return UA_ENOMEM_ERR(n * d * sizeof(double));
    }
    pt->n = n;
    pt->nint = nint;
    ua_rng r;
    ua_rng_seed(&r, seed);
    for (size_t p = 0; p < nint; p++) {
        uniform_point(s, &r, pt->x + p * d);
        pt->cond[p] = -1;
    }
    size_t at = nint;
    for (size_t k = 0; k < s->nconds; k++) {
        condition_points(s, &s->conds[k], &r, cnt[k], pt->x + at * d, pt->g + at);
        for (size_t p = 0; p < cnt[k]; p++) pt->cond[at + p] = (int)k;
        pt->count[k] = cnt[k];
        pt->start[k] = at;
        at += cnt[k];
    }
    for (size_t p = nint; p < n; p++)
        if (!isfinite(pt->g[p])) {
            char where[256];
            size_t len = 0;
            for (size_t i = 0; i < d && len < sizeof where - 48; i++)
                len += (size_t)snprintf(where + len, sizeof where - len, "%s%s = %.17g", i ? ", " : "",
                                        s->names[i], pt->x[p * d + i]);
            int k = pt->cond[p];
            ua_pde_points_free(pt);
            return UA_ERR(UA_EDOMAIN, "%s: \"conditions\"[%d] (condition %d): \"value\" is not "
                          "finite at the boundary point %s", s->who[0] ? s->who : "pde", k, k + 1,
                          where);
        }
    return UA_OK;
}

ua_status ua_pde_loss_init(ua_pde_loss *L, const ua_pde_spec *s, ua_pde_net *net,
                           ua_pde_points *pt, double w_pde, double w_bc)
{
    memset(L, 0, sizeof *L);
    L->s = s;
    L->net = net;
    L->pt = pt;
    L->w_pde = w_pde;
    L->w_bc = w_bc;
    L->jet.d = s->d;
    L->jet.npairs = s->npairs;
    L->jet.C = 1 + s->d + s->npairs;
    memcpy(L->jet.pi, s->pi, sizeof s->pi);
    memcpy(L->jet.pj, s->pj, sizeof s->pj);
    size_t n = pt->n, C = L->jet.C;
    L->u = malloc(n * C * sizeof *L->u);
    L->gu = malloc(n * C * sizeof *L->gu);
    L->r = malloc(n * sizeof *L->r);
    if (!L->u || !L->gu || !L->r) {
        ua_pde_loss_free(L);
        return UA_ENOMEM_ERR(n * C * sizeof(double));
    }
    ua_status st = ua_pde_work_alloc(&L->w, net, &L->jet, n);
    if (st) ua_pde_loss_free(L);
    return st;
}

void ua_pde_causal_weights(const double *L, size_t M, double eps, double *w)
{
    double acc = 0;
    for (size_t i = 0; i < M; i++) {
        w[i] = exp(-eps * acc);
        acc += L[i];
    }
}

ua_status ua_pde_loss_set_causal(ua_pde_loss *L, double eps, size_t slices)
{
    L->causal_min_w = 1;
    if (!(eps > 0) || !L->s->has_time || !slices) {
        L->causal_eps = 0;
        return UA_OK;
    }
    if (slices != L->causal_slices) {
        free(L->slice_loss), free(L->slice_w), free(L->slice_n);
        L->slice_loss = ua_calloc(slices, sizeof *L->slice_loss);
        L->slice_w = ua_calloc(slices, sizeof *L->slice_w);
        L->slice_n = ua_calloc(slices, sizeof *L->slice_n);
        L->causal_slices = slices;
        if (!L->slice_loss || !L->slice_w || !L->slice_n) {
            L->causal_eps = 0;
            return UA_ENOMEM_ERR(slices * sizeof(double));
        }
    }
    L->causal_eps = eps;
    return UA_OK;
}

/* The causal residual term: r (nint,) and gu's interior rows hold R and 2 R dR/d(jet); bins the
 * points by time, weighs slice i by w_i / (M n_i) and returns w_pde (1/M) sum_i w_i L_i. */
static double causal_term(ua_pde_loss *L)
{
    const ua_pde_points *pt = L->pt;
    const ua_pde_spec *s = L->s;
    size_t M = L->causal_slices, d = s->d, tv = s->ns, C = L->jet.C;
    double t0 = s->lo[tv], span = s->hi[tv] - s->lo[tv];
    memset(L->slice_loss, 0, M * sizeof *L->slice_loss);
    memset(L->slice_n, 0, M * sizeof *L->slice_n);
    for (size_t p = 0; p < pt->nint; p++) {
        double f = (pt->x[p * d + tv] - t0) / span * (double)M;
        size_t i = f > 0 ? (size_t)f : 0;
        if (i >= M) i = M - 1;
        L->slice_loss[i] += L->r[p] * L->r[p];
        L->slice_n[i]++;
    }
    for (size_t i = 0; i < M; i++)
        if (L->slice_n[i]) L->slice_loss[i] /= (double)L->slice_n[i];
    ua_pde_causal_weights(L->slice_loss, M, L->causal_eps, L->slice_w);
    double term = 0, minw = 1;
    for (size_t i = 0; i < M; i++) {
        term += L->slice_w[i] * L->slice_loss[i];
        if (L->slice_w[i] < minw) minw = L->slice_w[i];
    }
    L->causal_min_w = minw;
    for (size_t p = 0; p < pt->nint; p++) {
        double f = (pt->x[p * d + tv] - t0) / span * (double)M;
        size_t i = f > 0 ? (size_t)f : 0;
        if (i >= M) i = M - 1;
        double sc = L->w_pde * L->slice_w[i] / ((double)M * (double)L->slice_n[i]);
        for (size_t c = 0; c < C; c++) L->gu[p * C + c] *= sc;
    }
    return L->w_pde * term / (double)M;
}

void ua_pde_loss_free(ua_pde_loss *L)
{
    free(L->slice_loss), free(L->slice_w), free(L->slice_n);
    free(L->u);
    free(L->gu);
    free(L->r);
    if (L->w.A) ua_pde_work_free(&L->w);
    memset(L, 0, sizeof *L);
}

double ua_pde_loss_eval(ua_pde_loss *L, const double *theta, double *g)
{
    ua_pde_net *net = L->net;
    double *keep = net->theta;
    net->theta = (double *)theta; /* the optimiser's trial point */
    const ua_pde_points *pt = L->pt;
    const ua_pde_spec *s = L->s;
    size_t n = pt->n, C = L->jet.C, d = s->d;
    ua_pde_net_forward(net, &L->jet, &L->w, pt->x, n, L->u);
    memset(L->gu, 0, n * C * sizeof *L->gu);
    int causal = L->causal_eps > 0;
    /* causal: the points' R^2 and dR are weighed per slice afterwards (causal_term) */
    double wi = causal ? 1.0 : L->w_pde / (double)(pt->nint ? pt->nint : 1), pde = 0, bc = 0;
    long nint = (long)pt->nint;
#pragma omp parallel for reduction(+ : pde) schedule(static) if (nint > 512)
    for (long p = 0; p < nint; p++) {
        double dr[UA_PDE_MAX_CHAN];
        double r = ua_pde_residual(s, pt->x + p * (long)d, L->u + p * (long)C, dr);
        L->r[p] = r;
        pde += r * r;
        for (size_t c = 0; c < C; c++) L->gu[p * (long)C + c] = 2 * wi * r * dr[c];
    }
    for (size_t p = pt->nint; p < n; p++) {
        const ua_pde_cond *c = &s->conds[pt->cond[p]];
        double wk = L->w_bc / (double)pt->count[pt->cond[p]];
        const double *u = L->u + p * C;
        double *gu = L->gu + p * C;
        if (c->type == UA_PDE_PERIODIC) {
            if ((p - pt->start[pt->cond[p]]) % 2) continue; /* handled with its pair */
            const double *u2 = u + C;
            double *gu2 = gu + C;
            size_t v = 1 + (size_t)c->var;
            double e0 = u[0] - u2[0], e1 = u[v] - u2[v];
            bc += wk * 2 * (e0 * e0 + e1 * e1);
            gu[0] += 4 * wk * e0, gu2[0] -= 4 * wk * e0;
            gu[v] += 4 * wk * e1, gu2[v] -= 4 * wk * e1;
            continue;
        }
        double e;
        if (c->type == UA_PDE_NEUMANN) {
            /* the outward normal of the point's face */
            size_t v = 0;
            double sign = 1;
            for (size_t i = 0; i < s->ns; i++) {
                if (pt->x[p * d + i] == s->lo[i]) v = i, sign = -1;
                else if (pt->x[p * d + i] == s->hi[i]) v = i, sign = 1;
            }
            e = sign * u[1 + v] - pt->g[p];
            gu[1 + v] += 2 * wk * e * sign;
        } else {
            e = u[0] - pt->g[p];
            gu[0] += 2 * wk * e;
        }
        bc += wk * e * e;
    }
    pde = causal ? causal_term(L) : pde * wi;
    L->last_pde = pde;
    L->last_bc = bc;
    if (g) {
        memset(g, 0, net->P * sizeof *g);
        ua_pde_net_backward(net, &L->jet, &L->w, pt->x, n, L->gu, g);
    }
    net->theta = keep;
    return pde + bc;
}

double ua_pde_loss_fg(const double *p, double *g, void *ctx)
{
    return ua_pde_loss_eval(ctx, p, g);
}
