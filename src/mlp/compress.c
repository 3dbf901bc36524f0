/*
 * Compression of an mlp (uniapprox/compress.h, docs/compress.md): the compressed form's life
 * cycle (clone, apply, save, load, export, size) and the low-rank method — each dense weight's
 * SVD (LAPACK dgesdd) truncated to a rank or an energy fraction, optionally fine-tuned with a
 * nuclear-norm regulariser and truncated again after every epoch (Trained Rank Pruning, Xu et
 * al., IJCAI 2020). The quantisation method is quant.c.
 */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compress.h"

void ua_mlp_comp_free(ua_mlp_comp *c)
{
    if (!c) return;
    for (size_t l = 0; l < UA_MLP_MAX_LAYERS; l++) {
        free(c->u[l]);
        free(c->v[l]);
        free(c->q[l]);
    }
    free(c);
}

/* v rounded to the network's dtype (float for esize 4). */
static double to_dtype(double v, size_t esize) { return esize == 4 ? (double)(float)v : v; }

ua_status ua_mlp_clone(const ua_mlp *m, ua_mlp **out)
{
    *out = NULL;
    ua_mlp_options o = m->opt;
    o.progress = NULL;
    o.progress_ctx = NULL;
    ua_mlp *c;
    ua_status s = ua_mlp_build(m->d, m->k, m->dout, &o, &c);
    if (s) return s;
    memcpy(c->params, m->params, m->nparams * m->esize);
    memcpy(c->mult, m->mult, sizeof m->mult);
    memcpy(c->groups, m->groups, sizeof m->groups);
    memcpy(c->xs.mean, m->xs.mean, m->d * sizeof(double));
    memcpy(c->xs.scale, m->xs.scale, m->d * sizeof(double));
    memcpy(c->ys.mean, m->ys.mean, m->k * sizeof(double));
    memcpy(c->ys.scale, m->ys.scale, m->k * sizeof(double));
    c->report = m->report;
    c->test_rmse = m->test_rmse;
    *out = c;
    return UA_OK;
}

/* Dense weight of layer l as doubles (out, in) into w. */
static void get_w(const ua_mlp *m, size_t l, double *w)
{
    m->ops->to_double((const char *)m->params + m->off_w[l] * m->esize, w,
                      m->width[l] * m->width[l + 1]);
}

static void set_w(ua_mlp *m, size_t l, const double *w)
{
    m->ops->from_double(w, (char *)m->params + m->off_w[l] * m->esize,
                        m->width[l] * m->width[l + 1]);
}

void ua_mlp_comp_apply(ua_mlp *m)
{
    ua_mlp_comp *c = m->comp;
    for (size_t l = 0; l < m->L; l++) {
        size_t in = m->width[l], out = m->width[l + 1], n = in * out;
        double *w = malloc(n * sizeof *w);
        if (!w) continue; /* callers check m->comp's arrays; w is scratch only */
        if (c->method == UA_COMPRESS_LOWRANK && !c->rank[l]) {
            free(w);
            continue; /* a layer that factors would not shrink stays dense */
        }
        if (c->method == UA_COMPRESS_LOWRANK) {
            size_t r = c->rank[l];
            for (size_t i = 0; i < out; i++)
                for (size_t j = 0; j < in; j++) {
                    double s = 0;
                    for (size_t p = 0; p < r; p++) s += c->u[l][i * r + p] * c->v[l][p * in + j];
                    w[i * in + j] = s;
                }
        } else {
            for (size_t i = 0; i < n; i++)
                w[i] = ua_mlp_quant_level(c->q[l][i], c->step[l], c->expo[l], m->esize);
        }
        set_w(m, l, w);
        free(w);
    }
}

int ua_mlp_comp_replaces(const ua_mlp *m, size_t i)
{
    for (size_t l = 0; l < m->L; l++)
        if (m->tensors[i].offset == m->off_w[l] && m->tensors[i].ndim == 2)
            return !m->comp || m->comp->method != UA_COMPRESS_LOWRANK || m->comp->rank[l] > 0;
    return 0;
}

size_t ua_mlp_comp_bytes(const ua_mlp *m)
{
    size_t nums = m->nparams, extra = 0;
    const ua_mlp_comp *c = m->comp;
    for (size_t l = 0; c && l < m->L; l++) {
        size_t in = m->width[l], out = m->width[l + 1];
        nums -= in * out;
        if (c->method == UA_COMPRESS_LOWRANK) nums += c->rank[l] ? c->rank[l] * (in + out) : in * out;
        else extra += (in * out * (size_t)c->bits + 7) / 8 + 2 * sizeof(double);
    }
    return nums * m->esize + extra;
}

/* ---- low rank ------------------------------------------------------------------------------ */

/* Truncated SVD of w (out, in): rank r (0: by energy) into *r, factors u = U sqrt(S) (out, r)
 * and v = sqrt(S) V^T (r, in), rounded to the dtype (u, v malloc'd; NULL: only *r and the
 * projection of w onto rank r written back into w when project is set, and the nuclear-norm
 * subgradient U_r V_r^T into sub when not NULL). */
static ua_status svd_trunc(double *w, size_t out, size_t in, size_t want, double energy,
                           size_t esize, size_t *r, double **u, double **v, int project,
                           double *sub)
{
    size_t mn = out < in ? out : in;
    double *a = malloc(out * in * sizeof *a), *S = malloc(mn * sizeof *S);
    double *U = malloc(out * mn * sizeof *U), *VT = malloc(mn * in * sizeof *VT);
    ua_status s = UA_OK;
    if (!a || !S || !U || !VT) { s = UA_ENOMEM_ERR(out * in * 3 * sizeof(double)); goto done; }
    memcpy(a, w, out * in * sizeof *a);
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', (lapack_int)out, (lapack_int)in, a,
                                     (lapack_int)in, S, U, (lapack_int)mn, VT, (lapack_int)in);
    if (info) { s = UA_ERR(UA_EDIVERGED, "mlp compress: the SVD did not converge (%d)", (int)info); goto done; }
    size_t k = want ? (want < mn ? want : mn) : 0;
    if (!want) {
        double tot = 0, acc = 0;
        for (size_t i = 0; i < mn; i++) tot += S[i] * S[i];
        for (k = 0; k < mn; k++) {
            if (acc >= energy * tot && k > 0) break;
            acc += S[k] * S[k];
        }
        if (k == 0) k = 1;
    }
    *r = k;
    if (sub)
        for (size_t i = 0; i < out; i++)
            for (size_t j = 0; j < in; j++) {
                double t = 0;
                for (size_t p = 0; p < k; p++) t += U[i * mn + p] * VT[p * in + j];
                sub[i * in + j] = t;
            }
    if (project)
        for (size_t i = 0; i < out; i++)
            for (size_t j = 0; j < in; j++) {
                double t = 0;
                for (size_t p = 0; p < k; p++) t += U[i * mn + p] * S[p] * VT[p * in + j];
                w[i * in + j] = t;
            }
    if (u) {
        *u = malloc(out * k * sizeof **u);
        *v = malloc(k * in * sizeof **v);
        if (!*u || !*v) { s = UA_ENOMEM_ERR((out + in) * k * sizeof(double)); goto done; }
        for (size_t p = 0; p < k; p++) {
            double rs = sqrt(S[p]);
            for (size_t i = 0; i < out; i++) (*u)[i * k + p] = to_dtype(U[i * mn + p] * rs, esize);
            for (size_t j = 0; j < in; j++) (*v)[p * in + j] = to_dtype(VT[p * in + j] * rs, esize);
        }
    }
done:
    free(a);
    free(S);
    free(U);
    free(VT);
    return s;
}

/* TRP fine-tuning: Adam on the standardised loss plus nuclear * sum_l ||W_l||_* (subgradient
 * U_r V_r^T, refreshed with the projection), every weight projected onto its rank after every
 * epoch. */
static ua_status finetune(ua_mlp *m, const ua_compress_options *o, const size_t *rank)
{
    size_t n = o->n, d = m->d, k = m->k, P = m->nparams, B = m->opt.batch ? m->opt.batch : 32;
    int cls = m->opt.task == UA_TASK_CLASSIFY;
    if (B > n) B = n;
    double *xs = malloc(n * d * sizeof *xs), *ys = malloc(n * k * sizeof *ys);
    double *p = malloc(P * sizeof *p), *g = malloc(P * sizeof *g), *m1 = calloc(P, sizeof *m1);
    double *m2 = calloc(P, sizeof *m2), *sub = calloc(P, sizeof *sub);
    double *bx = malloc(B * d * sizeof *bx), *by = malloc(B * k * sizeof *by);
    size_t *perm = malloc(n * sizeof *perm);
    ua_status s = UA_OK;
    if (!xs || !ys || !p || !g || !m1 || !m2 || !sub || !bx || !by || !perm) {
        s = UA_ENOMEM_ERR((n * (d + k) + 5 * P) * sizeof(double));
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        perm[i] = i;
        for (size_t j = 0; j < d; j++) xs[i * d + j] = (o->x[i * d + j] - m->xs.mean[j]) / m->xs.scale[j];
        for (size_t j = 0; j < k; j++)
            ys[i * k + j] = cls ? o->y[i * k + j] : (o->y[i * k + j] - m->ys.mean[j]) / m->ys.scale[j];
    }
    ua_mlp_get_params(m, p);
    ua_rng rng;
    ua_rng_seed(&rng, o->seed);
    size_t t = 0;
    for (size_t ep = 0; ep < o->epochs; ep++) {
        for (size_t l = 0; l < m->L; l++) { /* project and refresh the subgradient */
            size_t r;
            s = svd_trunc(p + m->off_w[l], m->width[l + 1], m->width[l], rank[l], 1, m->esize, &r,
                          NULL, NULL, 1, sub + m->off_w[l]);
            if (s) goto done;
        }
        for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
            size_t j = (size_t)(ua_rng_uniform(&rng) * (double)i);
            if (j >= i) j = i - 1;
            size_t tmp = perm[i - 1]; perm[i - 1] = perm[j]; perm[j] = tmp;
        }
        for (size_t b0 = 0; b0 + B <= n; b0 += B) {
            for (size_t i = 0; i < B; i++) {
                memcpy(bx + i * d, xs + perm[b0 + i] * d, d * sizeof *bx);
                memcpy(by + i * k, ys + perm[b0 + i] * k, k * sizeof *by);
            }
            if ((s = ua_mlp_set_params(m, p))) goto done;
            double loss;
            if ((s = ua_mlp_loss_grad(m, bx, by, B, k, &loss, g, NULL))) goto done;
            t++;
            double c1 = 1 - pow(0.9, (double)t), c2 = 1 - pow(0.999, (double)t);
            for (size_t i = 0; i < P; i++) {
                double gi = g[i] + o->nuclear * sub[i];
                m1[i] = 0.9 * m1[i] + 0.1 * gi;
                m2[i] = 0.999 * m2[i] + 0.001 * gi * gi;
                p[i] -= o->lr * (m1[i] / c1) / (sqrt(m2[i] / c2) + 1e-8);
            }
            for (size_t i = 0; i < P; i++)
                if (!isfinite(p[i])) { s = UA_ERR(UA_EDIVERGED, "mlp compress: fine-tuning diverged (lower --lr)"); goto done; }
        }
    }
    s = ua_mlp_set_params(m, p);
done:
    free(xs); free(ys); free(p); free(g); free(m1); free(m2); free(sub); free(bx); free(by);
    free(perm);
    return s;
}

static ua_status compress_lowrank(ua_mlp *m, const ua_compress_options *o, ua_compress_report *rep)
{
    ua_mlp_comp *c = m->comp;
    size_t rank[UA_MLP_MAX_LAYERS];
    ua_status s = UA_OK;
    double *w = NULL;
    /* ranks from the trained weights, kept through the fine-tuning */
    for (size_t l = 0; !s && l < m->L; l++) {
        size_t in = m->width[l], out = m->width[l + 1];
        free(w);
        if (!(w = malloc(in * out * sizeof *w))) return UA_ENOMEM_ERR(in * out * sizeof *w);
        get_w(m, l, w);
        s = svd_trunc(w, out, in, o->rank, o->energy, m->esize, &rank[l], NULL, NULL, 0, NULL);
    }
    if (!s && o->epochs) s = finetune(m, o, rank);
    for (size_t l = 0; !s && l < m->L; l++) {
        size_t in = m->width[l], out = m->width[l + 1];
        free(w);
        if (!(w = malloc(in * out * sizeof *w))) return UA_ENOMEM_ERR(in * out * sizeof *w);
        get_w(m, l, w);
        if (rank[l] * (in + out) >= in * out) { /* factors would not shrink it: stays dense */
            c->rank[l] = 0;
            if (l < 16) rep->rank[l] = 0;
            continue;
        }
        s = svd_trunc(w, out, in, rank[l], 1, m->esize, &c->rank[l], &c->u[l], &c->v[l], 0, NULL);
        if (l < 16) rep->rank[l] = c->rank[l];
    }
    free(w);
    return s;
}

ua_status ua_mlp_compress(const void *state, const ua_compress_options *o, void **out,
                          ua_compress_report *rep)
{
    const ua_mlp *m0 = state;
    *out = NULL;
    ua_status es = ua_mlp_single_only(m0, "mlp compress");
    if (es) return es;
    if (m0->opt.task == UA_TASK_GAUSSIAN)
        return UA_ERR(UA_EUNSUPPORTED, "mlp compress: a network with a variance head (--task "
                      "gaussian) is not supported");
    if (m0->comp)
        return UA_ERR(UA_EUNSUPPORTED, "mlp compress: the network is already compressed (%s); "
                      "compress the original", ua_compress_method_name(m0->comp->method));
    ua_mlp *m;
    ua_status s = ua_mlp_clone(m0, &m);
    if (s) return s;
    ua_mlp_fold_multipliers(m);
    m->test_rmse = NAN; /* the original's measurement, not the compressed network's */
    m->comp = ua_calloc(1, sizeof *m->comp);
    if (!m->comp) { ua_mlp_free(m); return UA_ENOMEM_ERR(sizeof *m->comp); }
    m->comp->method = o->method;
    m->comp->bits = o->method == UA_COMPRESS_QUANT4 ? 4 : 8;
    rep->params_before = m0->nparams;
    rep->bytes_before = m0->nparams * m0->esize;
    rep->layers = m->L;
    s = o->method == UA_COMPRESS_LOWRANK ? compress_lowrank(m, o, rep)
                                         : ua_mlp_compress_quant(m, o, rep);
    if (s) { ua_mlp_free(m); return s; }
    ua_mlp_comp_apply(m);
    size_t nums = m->nparams;
    for (size_t l = 0; l < m->L; l++) {
        size_t in = m->width[l], ow = m->width[l + 1];
        if (o->method == UA_COMPRESS_LOWRANK && m->comp->rank[l])
            nums = nums - in * ow + m->comp->rank[l] * (in + ow);
    }
    rep->params_after = nums;
    rep->bytes_after = ua_mlp_comp_bytes(m);
    *out = m;
    return UA_OK;
}

/* ---- files ----------------------------------------------------------------------------------- */

ua_status ua_mlp_comp_save(const ua_mlp *m, ua_st *st)
{
    const ua_mlp_comp *c = m->comp;
    ua_status s = ua_st_set_meta(st, "mlp_compress", ua_compress_method_name(c->method));
    char name[48];
    for (size_t l = 0; !s && l < m->L; l++) {
        size_t in = m->width[l], out = m->width[l + 1];
        if (c->method == UA_COMPRESS_LOWRANK && !c->rank[l]) continue; /* saved dense */
        if (c->method == UA_COMPRESS_LOWRANK) {
            size_t r = c->rank[l];
            int64_t su[2] = { (int64_t)out, (int64_t)r }, sv[2] = { (int64_t)r, (int64_t)in };
            ua_dtype dt = m->esize == 4 ? UA_F32 : UA_F64;
            float *fu = NULL, *fv = NULL;
            const void *du = c->u[l], *dv = c->v[l];
            if (m->esize == 4) { /* exact: the factors are floats already */
                fu = malloc(out * r * sizeof *fu);
                fv = malloc(r * in * sizeof *fv);
                if (!fu || !fv) { free(fu); free(fv); return UA_ENOMEM_ERR((out + in) * r * 4); }
                for (size_t i = 0; i < out * r; i++) fu[i] = (float)c->u[l][i];
                for (size_t i = 0; i < r * in; i++) fv[i] = (float)c->v[l][i];
                du = fu;
                dv = fv;
            }
            snprintf(name, sizeof name, "layers.%zu.weight_u", 2 * l);
            s = ua_st_add(st, name, dt, 2, su, du);
            snprintf(name, sizeof name, "layers.%zu.weight_v", 2 * l);
            if (!s) s = ua_st_add(st, name, dt, 2, sv, dv);
            free(fu);
            free(fv);
        } else {
            size_t n = in * out, nb = (n * (size_t)c->bits + 7) / 8;
            uint8_t *b = calloc(nb, 1);
            if (!b) return UA_ENOMEM_ERR(nb);
            for (size_t i = 0; i < n; i++) {
                if (c->bits == 8) b[i] = (uint8_t)(c->q[l][i] + 128);
                else b[i / 2] |= (uint8_t)((c->q[l][i] + 8) << (4 * (i & 1)));
            }
            int64_t sh = (int64_t)nb, one = 1;
            snprintf(name, sizeof name, "layers.%zu.weight_codes", 2 * l);
            s = ua_st_add(st, name, UA_U8, 1, &sh, b);
            free(b);
            snprintf(name, sizeof name, "layers.%zu.weight_step", 2 * l);
            if (!s) s = ua_st_add(st, name, UA_F64, 1, &one, &c->step[l]);
            snprintf(name, sizeof name, "layers.%zu.weight_exponent", 2 * l);
            if (!s) s = ua_st_add(st, name, UA_F64, 1, &one, &c->expo[l]);
            if (!s && c->bits == 4) s = ua_st_set_meta(st, "mlp_compress_bits", "4");
        }
    }
    return s;
}

/* A factor tensor of the network's dtype, (rows, cols) with rows or cols free (0), finite. */
static ua_status get_factor(const ua_mlp *m, const ua_st *st, const char *name, size_t rows,
                            size_t cols, size_t maxr, size_t *r, double **out)
{
    ua_dtype dt;
    size_t ndim;
    const int64_t *sh;
    const void *data;
    if (ua_st_get(st, name, &dt, &ndim, &sh, &data))
        return UA_ERR(UA_EFORMAT, "mlp model: tensor '%s' is missing", name);
    ua_dtype want = m->esize == 4 ? UA_F32 : UA_F64;
    size_t rr = rows ? (size_t)sh[1] : (size_t)sh[0];
    if (dt != want || ndim != 2 || rr < 1 || rr > maxr ||
        (rows && (size_t)sh[0] != rows) || (cols && (size_t)sh[1] != cols))
        return UA_ERR(UA_EFORMAT, "mlp model: tensor '%s' must be %s of shape (%zu, %zu) with a "
                      "rank of 1 .. %zu", name, want == UA_F32 ? "F32" : "F64",
                      rows ? rows : (size_t)0, cols ? cols : (size_t)0, maxr);
    if (*r && rr != *r) return UA_ERR(UA_EFORMAT, "mlp model: tensor '%s': rank %zu, expected %zu", name, rr, *r);
    *r = rr;
    size_t n = (size_t)sh[0] * (size_t)sh[1];
    double *v = malloc(n * sizeof *v);
    if (!v) return UA_ENOMEM_ERR(n * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i] = m->esize == 4 ? (double)((const float *)data)[i] : ((const double *)data)[i];
        if (!isfinite(v[i])) {
            free(v);
            return UA_ERR(UA_EFORMAT, "mlp model: tensor '%s' element %zu is not finite", name, i);
        }
    }
    *out = v;
    return UA_OK;
}

static ua_status get_scalar(const ua_st *st, const char *name, double lo, double hi, double *v)
{
    const double *p;
    size_t rows = 1;
    ua_status s = ua_st_get_f64(st, "mlp model", name, 1, &rows, NULL, &p);
    if (s) return s;
    if (!(p[0] >= lo && p[0] <= hi))
        return UA_ERR(UA_EFORMAT, "mlp model: tensor '%s' = %g not in [%g, %g]", name, p[0], lo, hi);
    *v = p[0];
    return UA_OK;
}

ua_status ua_mlp_comp_load(ua_mlp *m, const ua_st *st)
{
    const char *meth = ua_st_meta(st, "mlp_compress");
    if (!meth) return UA_OK;
    ua_compress_method method;
    if (ua_compress_method_parse(meth, &method))
        return UA_ERR(UA_EFORMAT, "mlp model: unknown compression '%s'", meth);
    ua_mlp_comp *c = ua_calloc(1, sizeof *c);
    if (!c) return UA_ENOMEM_ERR(sizeof *c);
    c->method = method;
    const char *bits = ua_st_meta(st, "mlp_compress_bits");
    c->bits = method == UA_COMPRESS_QUANT4 ? 4 : 8;
    if (bits && method != UA_COMPRESS_LOWRANK && atoi(bits) != c->bits) {
        ua_mlp_comp_free(c);
        return UA_ERR(UA_EFORMAT, "mlp model: %s with mlp_compress_bits '%s'", meth, bits);
    }
    ua_status s = UA_OK;
    char name[48];
    for (size_t l = 0; !s && l < m->L; l++) {
        size_t in = m->width[l], out = m->width[l + 1], mn = in < out ? in : out;
        if (method == UA_COMPRESS_LOWRANK) {
            size_t r = 0;
            snprintf(name, sizeof name, "layers.%zu.weight_u", 2 * l);
            char dense[48];
            snprintf(dense, sizeof dense, "layers.%zu.weight", 2 * l);
            int has_dense = !ua_st_get(st, dense, NULL, NULL, NULL, NULL);
            if (has_dense == !ua_st_get(st, name, NULL, NULL, NULL, NULL)) {
                s = UA_ERR(UA_EFORMAT, "mlp model: layer %zu needs either '%s' or '%s'", l, dense, name);
                break;
            }
            if (has_dense) continue; /* a layer kept dense: loaded as usual */
            s = get_factor(m, st, name, out, 0, mn, &r, &c->u[l]);
            snprintf(name, sizeof name, "layers.%zu.weight_v", 2 * l);
            if (!s) s = get_factor(m, st, name, 0, in, mn, &r, &c->v[l]);
            c->rank[l] = r;
        } else {
            size_t n = in * out, nb = (n * (size_t)c->bits + 7) / 8, rows = nb;
            const void *data;
            ua_dtype dt;
            size_t ndim;
            const int64_t *sh;
            snprintf(name, sizeof name, "layers.%zu.weight_codes", 2 * l);
            if (ua_st_get(st, name, &dt, &ndim, &sh, &data)) {
                s = UA_ERR(UA_EFORMAT, "mlp model: tensor '%s' is missing", name);
                break;
            }
            if (dt != UA_U8 || ndim != 1 || (size_t)sh[0] != rows) {
                s = UA_ERR(UA_EFORMAT, "mlp model: tensor '%s' must be U8 of shape (%zu,)", name, nb);
                break;
            }
            const uint8_t *b = data;
            if (!(c->q[l] = malloc(n))) { s = UA_ENOMEM_ERR(n); break; }
            int qmax = (1 << (c->bits - 1)) - 1;
            for (size_t i = 0; i < n && !s; i++) {
                int q = c->bits == 8 ? (int)b[i] - 128 : (int)((b[i / 2] >> (4 * (i & 1))) & 15) - 8;
                if (q < -qmax || q > qmax)
                    s = UA_ERR(UA_EFORMAT, "mlp model: tensor '%s' code %zu is %d (|code| <= %d)",
                               name, i, q, qmax);
                else c->q[l][i] = (int8_t)q;
            }
            if (!s && c->bits == 4 && (n & 1) && (b[nb - 1] >> 4))
                s = UA_ERR(UA_EFORMAT, "mlp model: tensor '%s': padding nibble is not 0", name);
            snprintf(name, sizeof name, "layers.%zu.weight_step", 2 * l);
            if (!s) s = get_scalar(st, name, 1e-300, 1e300, &c->step[l]);
            snprintf(name, sizeof name, "layers.%zu.weight_exponent", 2 * l);
            if (!s) s = get_scalar(st, name, 0.05, 4, &c->expo[l]);
            /* every level finite in the dtype (a huge step could overflow float) */
            for (int q = 1; !s && q <= qmax; q++)
                if (!isfinite(ua_mlp_quant_level(q, c->step[l], c->expo[l], m->esize)))
                    s = UA_ERR(UA_EFORMAT, "mlp model: layer %zu: step and exponent give an "
                               "infinite weight", l);
        }
    }
    if (s) { ua_mlp_comp_free(c); return s; }
    ua_mlp_comp_free(m->comp);
    m->comp = c;
    ua_mlp_comp_apply(m);
    return UA_OK;
}

/* ---- export ------------------------------------------------------------------------------- */

void ua_mlp_comp_emit_arrays(const ua_emit *e, const ua_mlp *m, size_t l)
{
    const ua_mlp_comp *c = m->comp;
    FILE *f = e->out;
    size_t in = m->width[l], out = m->width[l + 1];
    char tag[32];
    if (c->method == UA_COMPRESS_LOWRANK && !c->rank[l]) { /* kept dense */
        snprintf(tag, sizeof tag, "w%zu", l);
        if (m->esize == 4) ua_emit_array_f32(e, tag, (const float *)m->params + m->off_w[l], in * out);
        else ua_emit_array(e, tag, (const double *)m->params + m->off_w[l], in * out);
        return;
    }
    if (c->method == UA_COMPRESS_LOWRANK) {
        size_t r = c->rank[l];
        fprintf(f, "/* layer %zu: W = U V, rank %zu (U (%zu, %zu), V (%zu, %zu)) */\n", l, r, out, r, r, in);
        float *tmp = m->esize == 4 ? malloc((out > in ? out : in) * r * sizeof *tmp) : NULL;
        snprintf(tag, sizeof tag, "u%zu", l);
        if (tmp) {
            for (size_t i = 0; i < out * r; i++) tmp[i] = (float)c->u[l][i];
            ua_emit_array_f32(e, tag, tmp, out * r);
        } else ua_emit_array(e, tag, c->u[l], out * r);
        snprintf(tag, sizeof tag, "v%zu", l);
        if (tmp) {
            for (size_t i = 0; i < r * in; i++) tmp[i] = (float)c->v[l][i];
            ua_emit_array_f32(e, tag, tmp, r * in);
        } else ua_emit_array(e, tag, c->v[l], r * in);
        free(tmp);
        return;
    }
    int bits = c->bits, qmax = (1 << (bits - 1)) - 1, off = 1 << (bits - 1);
    size_t n = in * out;
    fprintf(f, "/* layer %zu: %d-bit codes q, weight = sign(q) (|q| step)^(1/a), step = %a, "
               "a = %a (the levels table below holds these weights) */\n",
            l, bits, c->step[l], c->expo[l]);
    double lv[256];
    for (int q = -off; q < off; q++)
        lv[q + off] = q < -qmax ? 0.0 : ua_mlp_quant_level(q, c->step[l], c->expo[l], m->esize);
    snprintf(tag, sizeof tag, "lv%zu", l);
    if (m->esize == 4) {
        float fl[256];
        for (int i = 0; i < 2 * off; i++) fl[i] = (float)lv[i];
        ua_emit_array_f32(e, tag, fl, (size_t)(2 * off));
    } else ua_emit_array(e, tag, lv, (size_t)(2 * off));
    if (bits == 8) {
        fprintf(f, "static const signed char %s_q%zu[%zu] = {", e->name, l, n);
        for (size_t i = 0; i < n; i++) fprintf(f, "%s%s%d", i ? "," : "", i % 24 ? "" : "\n    ", c->q[l][i]);
    } else {
        size_t nb = (n + 1) / 2;
        fprintf(f, "static const unsigned char %s_q%zu[%zu] = { /* two codes a byte, low nibble "
                   "first, stored as q + 8 */", e->name, l, nb);
        for (size_t i = 0; i < nb; i++) {
            int lo = c->q[l][2 * i] + 8, hi = 2 * i + 1 < n ? c->q[l][2 * i + 1] + 8 : 0;
            fprintf(f, "%s%s%d", i ? "," : "", i % 24 ? "" : "\n    ", lo | (hi << 4));
        }
    }
    fputs("\n};\n", f);
}

void ua_mlp_comp_emit_dense(const ua_emit *e, const ua_mlp *m, size_t l)
{
    const ua_mlp_comp *c = m->comp;
    FILE *f = e->out;
    const char *T = e->T, *name = e->name;
    size_t in = m->width[l], out = m->width[l + 1];
    if (c->method == UA_COMPRESS_LOWRANK && !c->rank[l]) {
        fprintf(f, "    for (int i = 0; i < %zu; i++) {\n        %s s = 0;\n"
                   "        for (int j = 0; j < %zu; j++) s += %s_w%zu[i * %zu + j] * h[j];\n"
                   "        z[i] = s + %s_b%zu[i];\n    }\n",
                out, T, in, name, l, in, name, l);
        return;
    }
    if (c->method == UA_COMPRESS_LOWRANK) {
        size_t r = c->rank[l];
        fprintf(f, "    { /* z = U (V h) + b */\n        %s t[%zu];\n"
                   "        for (int p = 0; p < %zu; p++) {\n            %s s = 0;\n"
                   "            for (int j = 0; j < %zu; j++) s += %s_v%zu[p * %zu + j] * h[j];\n"
                   "            t[p] = s;\n        }\n"
                   "        for (int i = 0; i < %zu; i++) {\n            %s s = 0;\n"
                   "            for (int p = 0; p < %zu; p++) s += %s_u%zu[i * %zu + p] * t[p];\n"
                   "            z[i] = s + %s_b%zu[i];\n        }\n    }\n",
                T, r, r, T, in, name, l, in, out, T, r, name, l, r, name, l);
        return;
    }
    int off = 1 << (c->bits - 1);
    const char *code = c->bits == 8 ? "%s_q%zu[i * %zu + j] + %d"
                                    : "((%s_q%zu[(i * %zu + j) >> 1] >> (((i * %zu + j) & 1) * 4)) & 15)";
    fprintf(f, "    for (int i = 0; i < %zu; i++) { /* z = levels[code] h + b */\n        %s s = 0;\n"
               "        for (int j = 0; j < %zu; j++) s += %s_lv%zu[",
            out, T, in, name, l);
    if (c->bits == 8) fprintf(f, code, name, l, in, off);
    else fprintf(f, code, name, l, in, in);
    fprintf(f, "] * h[j];\n        z[i] = s + %s_b%zu[i];\n    }\n", name, l);
}
