/*
 * The GPS network as a whole (internal.h): the parameter layout (PyTorch state_dict names of
 * GraphGPS's modules), PyTorch's default initialisation, the work arrays, and the forward and
 * backward passes over one batch, layer by layer, from the kernels of dense.c, norm.c, gine.c,
 * attention.c and pool.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "internal.h"

/* ---- layout ---------------------------------------------------------------------------- */

typedef struct {
    ua_gps *m;
    int err;
} layout;

static size_t add(layout *ly, const char *name, size_t r, size_t c, int stat)
{
    ua_gps *m = ly->m;
    if (m->ntensors >= UA_GPS_MAX_TENSORS) {
        ly->err = 1;
        return SIZE_MAX;
    }
    ua_gps_tensor *t = &m->tensors[m->ntensors++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ndim = c ? 2 : 1;
    t->shape[0] = r;
    t->shape[1] = c;
    t->size = r * (c ? c : 1);
    t->stat = stat;
    size_t *n = stat ? &m->nstats : &m->nparams;
    t->offset = *n;
    *n += t->size;
    return t->offset;
}

/* a Linear (out, in) with bias: weight offset into *w, bias into *b */
static void linear(layout *ly, const char *prefix, size_t out, size_t in, size_t *w, size_t *b)
{
    char name[64];
    snprintf(name, sizeof name, "%s.weight", prefix);
    *w = in ? add(ly, name, out, in, 0) : SIZE_MAX;
    snprintf(name, sizeof name, "%s.bias", prefix);
    *b = add(ly, name, out, 0, 0);
}

/* a BatchNorm1d (C,): weight, bias, and running_mean, running_var (stats, consecutive) */
static void batchnorm(layout *ly, const char *prefix, size_t C, size_t *w, size_t *b, size_t *st)
{
    char name[64];
    snprintf(name, sizeof name, "%s.weight", prefix);
    *w = add(ly, name, C, 0, 0);
    snprintf(name, sizeof name, "%s.bias", prefix);
    *b = add(ly, name, C, 0, 0);
    snprintf(name, sizeof name, "%s.running_mean", prefix);
    *st = add(ly, name, C, 0, 1);
    snprintf(name, sizeof name, "%s.running_var", prefix);
    add(ly, name, C, 0, 1);
}

ua_status ua_gps_build(const ua_gps_arch *a, ua_gps **out)
{
    *out = NULL;
    if (a->C < 1 || a->C > UA_GPS_MAX_WIDTH || a->H < 1 || a->C % a->H)
        return UA_ERR(UA_EINVAL, "graph: width %zu must be in 1..%d and a multiple of heads %zu",
                      a->C, UA_GPS_MAX_WIDTH, a->H);
    if (a->L < 1 || a->L > UA_GPS_MAX_LAYERS)
        return UA_ERR(UA_EINVAL, "graph: layers %zu not in 1..%d", a->L, UA_GPS_MAX_LAYERS);
    if (a->din < 1 || a->din > UA_GPS_MAX_FEATURES || a->edim > UA_GPS_MAX_FEATURES)
        return UA_ERR(UA_EINVAL, "graph: %zu node and %zu edge features (1..%u and 0..%u)",
                      a->din, a->edim, UA_GPS_MAX_FEATURES, UA_GPS_MAX_FEATURES);
    if (a->nout < 1 || a->nout > UA_GPS_MAX_OUT || (a->classify && a->nout < 2))
        return UA_ERR(UA_EINVAL, "graph: %zu outputs (a classifier needs 2..%u classes)", a->nout,
                      UA_GPS_MAX_OUT);
    if (a->pe < 0 || a->pe > UA_GPS_PE_LAPPE || a->pool < 0 || a->pool > UA_GPS_POOL_MEAN)
        return UA_ERR(UA_EINVAL, "graph: unknown encoding or pooling");
    if (a->pe != UA_GPS_PE_NONE && (a->K < 1 || a->K > UA_GPS_MAX_PE || a->P < 1 || a->P >= a->C))
        return UA_ERR(UA_EINVAL, "graph: the encoding needs 1..%d raw columns (got %zu) and an "
                      "embedding of 1..width-1 = %zu columns (got %zu)", UA_GPS_MAX_PE, a->K,
                      a->C - 1, a->P);
    if (!a->mpnn && !a->attn)
        return UA_ERR(UA_EINVAL, "graph: --mpnn none and --attention none leave a layer nothing to do");
    ua_gps *m = calloc(1, sizeof *m);
    if (!m) return UA_ENOMEM_ERR(sizeof *m);
    m->a = *a;
    if (a->pe == UA_GPS_PE_NONE) m->a.K = m->a.P = 0;
    size_t C = a->C, F = 2 * C, P = m->a.P, K = m->a.K;
    layout ly = { m, 0 };
    m->st_pn = m->off_pnw = m->off_pnb = m->off_pw = m->off_pb = SIZE_MAX;
    m->off_ew = m->off_eb = SIZE_MAX;
    linear(&ly, "node_encoder", C - P, a->din, &m->off_xw, &m->off_xb);
    if (a->pe == UA_GPS_PE_RWSE) batchnorm(&ly, "pe_norm", K, &m->off_pnw, &m->off_pnb, &m->st_pn);
    if (a->pe != UA_GPS_PE_NONE) linear(&ly, "pe_encoder", P, K, &m->off_pw, &m->off_pb);
    if (a->mpnn) linear(&ly, "edge_encoder", C, a->edim, &m->off_ew, &m->off_eb);
    for (size_t l = 0; l < a->L; l++) {
        ua_gps_layer_off *o = &m->lay[l];
        char p[64];
        memset(o, 0xff, sizeof *o); /* SIZE_MAX: absent */
        if (a->mpnn) {
            snprintf(p, sizeof p, "layers.%zu.local_model.nn.0", l);
            linear(&ly, p, C, C, &o->g1w, &o->g1b);
            snprintf(p, sizeof p, "layers.%zu.local_model.nn.2", l);
            linear(&ly, p, C, C, &o->g2w, &o->g2b);
            snprintf(p, sizeof p, "layers.%zu.norm1_local", l);
            batchnorm(&ly, p, C, &o->nlw, &o->nlb, &o->rl);
        }
        if (a->attn) {
            snprintf(p, sizeof p, "layers.%zu.self_attn.in_proj_weight", l);
            o->qkvw = add(&ly, p, 3 * C, C, 0);
            snprintf(p, sizeof p, "layers.%zu.self_attn.in_proj_bias", l);
            o->qkvb = add(&ly, p, 3 * C, 0, 0);
            snprintf(p, sizeof p, "layers.%zu.self_attn.out_proj", l);
            linear(&ly, p, C, C, &o->ow, &o->ob);
            snprintf(p, sizeof p, "layers.%zu.norm1_attn", l);
            batchnorm(&ly, p, C, &o->naw, &o->nab, &o->ra);
        }
        snprintf(p, sizeof p, "layers.%zu.ff_linear1", l);
        linear(&ly, p, F, C, &o->f1w, &o->f1b);
        snprintf(p, sizeof p, "layers.%zu.ff_linear2", l);
        linear(&ly, p, C, F, &o->f2w, &o->f2b);
        snprintf(p, sizeof p, "layers.%zu.norm2", l);
        batchnorm(&ly, p, C, &o->n2w, &o->n2b, &o->r2);
    }
    linear(&ly, "head.0", C, C, &m->off_h1w, &m->off_h1b);
    linear(&ly, "head.2", a->nout, C, &m->off_h2w, &m->off_h2b);
    if (ly.err) {
        free(m);
        return UA_ERR(UA_EINVAL, "graph: too many tensors");
    }
    m->ny = a->classify ? 0 : a->nout;
    m->params = ua_calloc(m->nparams, sizeof *m->params);
    m->stats = ua_calloc(m->nstats + 1, sizeof *m->stats);
    m->y_mean = ua_calloc(a->nout, sizeof *m->y_mean);
    m->y_scale = ua_calloc(a->nout, sizeof *m->y_scale);
    if (!m->params || !m->stats || !m->y_mean || !m->y_scale) {
        ua_gps_free(m);
        return UA_ENOMEM_ERR(m->nparams * sizeof(float));
    }
    for (size_t i = 0; i < a->nout; i++) m->y_scale[i] = 1;
    *out = m;
    return UA_OK;
}

void ua_gps_free(ua_gps *m)
{
    if (!m) return;
    free(m->params);
    free(m->stats);
    free(m->y_mean);
    free(m->y_scale);
    free(m);
}

void ua_gps_init_params(ua_gps *m, uint64_t seed)
{
    ua_rng r;
    ua_rng_seed(&r, seed);
    for (size_t i = 0; i < m->ntensors; i++) {
        const ua_gps_tensor *t = &m->tensors[i];
        float *p = (t->stat ? m->stats : m->params) + t->offset;
        const char *nm = t->name;
        size_t len = strlen(nm);
        int is_bn = strstr(nm, "norm") != NULL;
        double bound = 0;
        if (t->stat) {
            int var = len > 3 && !strcmp(nm + len - 3, "var");
            for (size_t j = 0; j < t->size; j++) p[j] = var ? 1.0f : 0.0f;
            continue;
        }
        if (is_bn) {
            int w = len > 6 && !strcmp(nm + len - 6, "weight");
            for (size_t j = 0; j < t->size; j++) p[j] = w ? 1.0f : 0.0f;
            continue;
        }
        if (strstr(nm, "in_proj_weight")) {
            bound = sqrt(6.0 / (double)(t->shape[0] + t->shape[1])); /* Xavier uniform */
        } else if (strstr(nm, "in_proj_bias") || strstr(nm, "out_proj.bias")) {
            bound = 0;
        } else if (t->ndim == 2) {
            bound = 1.0 / sqrt((double)t->shape[1]); /* kaiming_uniform(a = sqrt 5) */
        } else {
            /* a Linear's bias: U(+-1/sqrt(fan_in)), fan_in from the weight before it */
            size_t fan = i > 0 && m->tensors[i - 1].ndim == 2 ? m->tensors[i - 1].shape[1] : 1;
            bound = 1.0 / sqrt((double)fan);
        }
        for (size_t j = 0; j < t->size; j++) p[j] = (float)((2 * ua_rng_uniform(&r) - 1) * bound);
    }
}

/* ---- work ------------------------------------------------------------------------------ */

void ua_gps_work_free(ua_gps_work *w)
{
    float **f[] = { &w->pe_in, &w->pe_mean, &w->pe_rstd, &w->pe_n, &w->eenc, &w->z, &w->a1,
                    &w->a1r, &w->go, &w->rl, &w->nl, &w->ml, &w->sl, &w->qkv, &w->P, &w->Praw,
                    &w->ay, &w->ao, &w->ra, &w->na, &w->ma, &w->sa, &w->hs, &w->f1, &w->f1r,
                    &w->f2, &w->r2, &w->m2, &w->s2, &w->drop, &w->pool, &w->hd1, &w->hd1r,
                    &w->out, &w->dout, &w->d1, &w->d2, &w->d3, &w->d4, &w->d5, &w->dqkv,
                    &w->deenc, &w->ascr };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) free(*f[i]);
    for (size_t l = 0; l <= UA_GPS_MAX_LAYERS; l++) free(w->h[l]);
    free(w->aoff);
    memset(w, 0, sizeof *w);
}

ua_status ua_gps_work_check(const ua_gps *m, size_t capN, size_t capE, size_t capG, size_t capA,
                            size_t capNg, double dropout, double attn_dropout)
{
    const ua_gps_arch *a = &m->a;
    size_t C = a->C, F = 2 * C, L = a->L, K = a->K ? a->K : 1;
    capN += !capN;
    capE += !capE;
    capG += !capG;
    capA += !capA;
    capNg += !capNg;
    size_t R = capN > capG ? capN : capG;
    double NC = (double)capN * (double)C;
    /* what ua_gps_work_alloc's arrays come to (in double: no size_t can wrap), refused beyond
     * 80% of the memory: an untrusted set with one huge graph must not make the attention blocks
     * (H n^2 per layer) exhaust the machine. A batch the machine cannot hold is a problem it
     * cannot solve, so bad input (UA_EINVAL), not a failed allocation. */
    double bytes = 4.0 * ((double)L * (16.0 * NC + 4.0 * (double)capN * (double)F +
                                       (attn_dropout > 0 ? 2.0 : 1.0) * (double)capA) +
                          (dropout > 0 ? 4.0 * (double)L * (double)capN * (double)F : 0) +
                          8.0 * (double)R * (double)(F > K ? F : K) + 2.0 * (double)capE * (double)C);
    double phys = ua_phys_memory();
    if (phys > 0 && bytes > 0.8 * phys)
        return UA_ERR(UA_EINVAL, "graph: a batch of %zu graphs (%zu nodes, the largest graph %zu) "
                      "needs %.3g GiB of activations, more than 80%% of this machine's %.3g GiB; "
                      "use a smaller --batch-size, fewer --layers or --attention none (attention "
                      "keeps heads x nodes^2 numbers per graph)", capG, capN, capNg,
                      bytes / 1073741824.0, phys / 1073741824.0);
    return UA_OK;
}

ua_status ua_gps_work_alloc(const ua_gps *m, size_t capN, size_t capE, size_t capG, size_t capA,
                            size_t capNg, double dropout, double attn_dropout, ua_gps_work *w)
{
    memset(w, 0, sizeof *w);
    ua_status s = ua_gps_work_check(m, capN, capE, capG, capA, capNg, dropout, attn_dropout);
    if (s) return s;
    const ua_gps_arch *a = &m->a;
    size_t C = a->C, F = 2 * C, L = a->L, K = a->K ? a->K : 1, R;
    size_t FK = F > K ? F : K; /* the backward scratch holds (N, F) or (N, K) */
    capN += !capN;
    capE += !capE;
    capG += !capG;
    capA += !capA;
    capNg += !capNg;
    R = capN > capG ? capN : capG;
    w->capN = capN;
    w->capE = capE;
    w->capG = capG;
    w->capA = capA;
    w->capNg = capNg;
#ifdef _OPENMP
    w->nthreads = omp_get_max_threads();
#else
    w->nthreads = 1;
#endif
    size_t NC = capN * C, LNC = L * NC;
    int ok = 1;
#define A(ptr, n) ok &= ((ptr) = ua_calloc((n), sizeof(float))) != NULL
    A(w->pe_in, capN * K);
    A(w->pe_mean, K);
    A(w->pe_rstd, K);
    A(w->pe_n, capN * K);
    A(w->eenc, capE * C);
    A(w->deenc, capE * C);
    for (size_t l = 0; l <= L; l++) A(w->h[l], NC);
    if (a->mpnn) {
        A(w->z, LNC);
        A(w->a1, LNC);
        A(w->a1r, LNC);
        A(w->go, LNC);
        A(w->rl, LNC);
        A(w->nl, LNC);
        A(w->ml, L * C);
        A(w->sl, L * C);
    }
    if (a->attn) {
        A(w->qkv, 3 * LNC);
        A(w->P, L * capA);
        if (attn_dropout > 0) A(w->Praw, L * capA);
        A(w->ay, LNC);
        A(w->ao, LNC);
        A(w->ra, LNC);
        A(w->na, LNC);
        A(w->ma, L * C);
        A(w->sa, L * C);
        A(w->dqkv, 3 * NC);
        A(w->ascr, (size_t)w->nthreads * (C / a->H + 1) * capNg);
    }
    A(w->hs, LNC);
    A(w->f1, L * capN * F);
    A(w->f1r, L * capN * F);
    A(w->f2, LNC);
    A(w->r2, LNC);
    A(w->m2, L * C);
    A(w->s2, L * C);
    if (dropout > 0) A(w->drop, L * 4 * capN * F);
    A(w->pool, R * C);
    A(w->hd1, R * C);
    A(w->hd1r, R * C);
    A(w->out, R * a->nout);
    A(w->dout, R * a->nout);
    A(w->d1, R * FK);
    A(w->d2, R * FK);
    A(w->d3, R * FK);
    A(w->d4, R * FK);
    A(w->d5, R * FK);
#undef A
    w->aoff = ua_calloc(capG + 1, sizeof *w->aoff);
    if (!ok || !w->aoff) {
        ua_gps_work_free(w);
        return UA_ENOMEM_ERR((L * 16 + 8) * NC * sizeof(float) + L * capA * sizeof(float));
    }
    return UA_OK;
}

/* ---- forward --------------------------------------------------------------------------- */

/* x (n,) *= mask drawn now: 0 with probability p, else 1 / (1 - p); the mask kept in mask */
static void dropout_forward(float *x, float *mask, size_t n, double p, ua_rng *r)
{
    float keep = (float)(1.0 / (1.0 - p));
    for (size_t i = 0; i < n; i++) {
        mask[i] = ua_rng_uniform(r) < p ? 0.0f : keep;
        x[i] *= mask[i];
    }
}

static void mul(float *x, const float *mask, size_t n)
{
    for (size_t i = 0; i < n; i++) x[i] *= mask[i];
}

/* dst (N, C) columns c0 .. c0 + w - 1 <- src (N, w) */
static void put_cols(float *dst, const float *src, size_t N, size_t C, size_t c0, size_t w)
{
    for (size_t i = 0; i < N; i++) memcpy(dst + i * C + c0, src + i * w, w * sizeof *dst);
}

static void get_cols(float *dst, const float *src, size_t N, size_t C, size_t c0, size_t w)
{
    for (size_t i = 0; i < N; i++) memcpy(dst + i * w, src + i * C + c0, w * sizeof *dst);
}

static void add_to(float *restrict y, const float *restrict x, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

#define PW(off) (m->params + (off))
#define ST(off) (train ? (stats ? stats + (off) : NULL) : m->stats + (off))

void ua_gps_forward(const ua_gps *m, ua_gps_work *w, const ua_gps_batch *b, int train,
                    double dropout, double attn_dropout, uint64_t seed, float *stats)
{
    const ua_gps_arch *a = &m->a;
    size_t N = b->N, E = b->E, C = a->C, F = 2 * C, P = a->P, K = a->K, H = a->H, D = C / H;
    size_t NC = N * C;
    w->train = train;
    ua_rng rng;
    ua_rng_seed(&rng, seed);
    int drop = train && dropout > 0 && w->drop;
    double adrop = train && w->Praw ? attn_dropout : 0;
    /* input encoders: h0 = [x W^T + b | pe embedding] */
    ua_gps_linear_forward(w->d1, b->x, PW(m->off_xw), PW(m->off_xb), N, a->din, C - P);
    put_cols(w->h[0], w->d1, N, C, 0, C - P);
    if (a->pe != UA_GPS_PE_NONE) {
        const float *pin = b->pe;
        if (a->pe == UA_GPS_PE_RWSE) {
            ua_gps_bn_forward(w->pe_n, w->pe_mean, w->pe_rstd, ST(m->st_pn), b->pe, PW(m->off_pnw),
                              PW(m->off_pnb), N, K, train);
            pin = w->pe_n;
        }
        ua_gps_linear_forward(w->d1, pin, PW(m->off_pw), PW(m->off_pb), N, K, P);
        put_cols(w->h[0], w->d1, N, C, C - P, P);
    }
    if (a->mpnn) {
        if (a->edim) {
            ua_gps_linear_forward(w->eenc, b->e, PW(m->off_ew), PW(m->off_eb), E, a->edim, C);
        } else {
            for (size_t k = 0; k < E; k++) memcpy(w->eenc + k * C, PW(m->off_eb), C * sizeof(float));
        }
    }
    if (a->attn) ua_gps_attn_offsets(w->aoff, b, H);
    for (size_t l = 0; l < a->L; l++) {
        const ua_gps_layer_off *o = &m->lay[l];
        const float *hin = w->h[l];
        float *hs = w->hs + l * NC;
        float *dmask = drop ? w->drop + l * 4 * N * F : NULL;
        if (a->mpnn) {
            float *z = w->z + l * NC, *a1 = w->a1 + l * NC, *a1r = w->a1r + l * NC;
            float *go = w->go + l * NC, *rl = w->rl + l * NC, *nl = w->nl + l * NC;
            ua_gps_gine_aggregate_forward(z, hin, w->eenc, b, C);
            ua_gps_linear_forward(a1, z, PW(o->g1w), PW(o->g1b), N, C, C);
            ua_gps_relu_forward(a1r, a1, NC);
            ua_gps_linear_forward(go, a1r, PW(o->g2w), PW(o->g2b), N, C, C);
            if (drop) dropout_forward(go, dmask, NC, dropout, &rng);
            for (size_t i = 0; i < NC; i++) rl[i] = hin[i] + go[i];
            ua_gps_bn_forward(nl, w->ml + l * C, w->sl + l * C, ST(o->rl), rl, PW(o->nlw),
                              PW(o->nlb), N, C, train);
            memcpy(hs, nl, NC * sizeof *hs);
        }
        if (a->attn) {
            float *qkv = w->qkv + 3 * l * NC, *ay = w->ay + l * NC, *ao = w->ao + l * NC;
            float *ra = w->ra + l * NC, *na = w->na + l * NC;
            ua_gps_linear_forward(qkv, hin, PW(o->qkvw), PW(o->qkvb), N, C, 3 * C);
            ua_gps_attn_forward(ay, w->P + l * w->capA, adrop > 0 ? w->Praw + l * w->capA : NULL,
                                qkv, b, w->aoff, H, D, adrop, seed + 7919 * (l + 1), w->ascr,
                                w->capNg, w->nthreads);
            ua_gps_linear_forward(ao, ay, PW(o->ow), PW(o->ob), N, C, C);
            if (drop) dropout_forward(ao, dmask + N * F, NC, dropout, &rng);
            for (size_t i = 0; i < NC; i++) ra[i] = hin[i] + ao[i];
            ua_gps_bn_forward(na, w->ma + l * C, w->sa + l * C, ST(o->ra), ra, PW(o->naw),
                              PW(o->nab), N, C, train);
            if (a->mpnn) add_to(hs, na, NC);
            else memcpy(hs, na, NC * sizeof *hs);
        }
        float *f1 = w->f1 + l * N * F, *f1r = w->f1r + l * N * F, *f2 = w->f2 + l * NC;
        float *r2 = w->r2 + l * NC;
        ua_gps_linear_forward(f1, hs, PW(o->f1w), PW(o->f1b), N, C, F);
        ua_gps_relu_forward(f1r, f1, N * F);
        if (drop) dropout_forward(f1r, dmask + 2 * N * F, N * F, dropout, &rng);
        ua_gps_linear_forward(f2, f1r, PW(o->f2w), PW(o->f2b), N, F, C);
        if (drop) dropout_forward(f2, dmask + 3 * N * F, NC, dropout, &rng);
        for (size_t i = 0; i < NC; i++) r2[i] = hs[i] + f2[i];
        ua_gps_bn_forward(w->h[l + 1], w->m2 + l * C, w->s2 + l * C, ST(o->r2), r2, PW(o->n2w),
                          PW(o->n2b), N, C, train);
    }
    /* readout */
    size_t R = a->node_level ? N : b->G;
    if (a->node_level) memcpy(w->pool, w->h[a->L], NC * sizeof *w->pool);
    else ua_gps_pool_forward(w->pool, w->h[a->L], b, C, a->pool == UA_GPS_POOL_MEAN);
    ua_gps_linear_forward(w->hd1, w->pool, PW(m->off_h1w), PW(m->off_h1b), R, C, C);
    ua_gps_relu_forward(w->hd1r, w->hd1, R * C);
    ua_gps_linear_forward(w->out, w->hd1r, PW(m->off_h2w), PW(m->off_h2b), R, C, a->nout);
}

/* ---- backward -------------------------------------------------------------------------- */

#define GW(off) (g + (off))

void ua_gps_backward(const ua_gps *m, ua_gps_work *w, const ua_gps_batch *b, double dropout,
                     double attn_dropout, float *g)
{
    const ua_gps_arch *a = &m->a;
    size_t N = b->N, E = b->E, C = a->C, F = 2 * C, P = a->P, K = a->K, H = a->H, D = C / H;
    size_t NC = N * C, R = a->node_level ? N : b->G;
    int drop = dropout > 0 && w->drop;
    double adrop = w->Praw ? attn_dropout : 0;
    float *dh = w->d1, *dhin = w->d2, *dr = w->d3, *dF = w->d4, *dhs = w->d5;
    /* head */
    ua_gps_linear_backward(dr, GW(m->off_h2w), GW(m->off_h2b), w->dout, w->hd1r, PW(m->off_h2w),
                           R, C, a->nout, 0);
    ua_gps_relu_backward(dr, w->hd1, R * C);
    ua_gps_linear_backward(dF, GW(m->off_h1w), GW(m->off_h1b), dr, w->pool, PW(m->off_h1w), R, C,
                           C, 0);
    if (a->node_level) memcpy(dh, dF, NC * sizeof *dh);
    else ua_gps_pool_backward(dh, dF, b, C, a->pool == UA_GPS_POOL_MEAN);
    if (a->mpnn) memset(w->deenc, 0, E * C * sizeof *w->deenc);
    for (size_t l = a->L; l-- > 0;) {
        const ua_gps_layer_off *o = &m->lay[l];
        const float *hin = w->h[l], *hs = w->hs + l * NC;
        const float *dmask = drop ? w->drop + l * 4 * N * F : NULL;
        /* h[l+1] = BN(r2), r2 = hs + f2, f2 = FFN(hs) */
        ua_gps_bn_backward(dr, GW(o->n2w), GW(o->n2b), dh, w->r2 + l * NC, PW(o->n2w),
                           w->m2 + l * C, w->s2 + l * C, N, C);
        memcpy(dhs, dr, NC * sizeof *dhs);
        if (drop) mul(dr, dmask + 3 * N * F, NC);
        ua_gps_linear_backward(dF, GW(o->f2w), GW(o->f2b), dr, w->f1r + l * N * F, PW(o->f2w), N,
                               F, C, 0);
        if (drop) mul(dF, dmask + 2 * N * F, N * F);
        ua_gps_relu_backward(dF, w->f1 + l * N * F, N * F);
        ua_gps_linear_backward(dhs, GW(o->f1w), GW(o->f1b), dF, hs, PW(o->f1w), N, C, F, 1);
        memset(dhin, 0, NC * sizeof *dhin);
        if (a->mpnn) {
            /* hl = BN(rl), rl = h + go, go = MLP(z), z = aggregate(h, e) */
            ua_gps_bn_backward(dr, GW(o->nlw), GW(o->nlb), dhs, w->rl + l * NC, PW(o->nlw),
                               w->ml + l * C, w->sl + l * C, N, C);
            add_to(dhin, dr, NC);
            if (drop) mul(dr, dmask, NC);
            ua_gps_linear_backward(dF, GW(o->g2w), GW(o->g2b), dr, w->a1r + l * NC, PW(o->g2w), N,
                                   C, C, 0);
            ua_gps_relu_backward(dF, w->a1 + l * NC, NC);
            ua_gps_linear_backward(dr, GW(o->g1w), GW(o->g1b), dF, w->z + l * NC, PW(o->g1w), N, C,
                                   C, 0);
            ua_gps_gine_aggregate_backward(dhin, w->deenc, dr, hin, w->eenc, b, C);
        }
        if (a->attn) {
            /* ha = BN(ra), ra = h + ao, ao = out_proj(attention(qkv(h))) */
            ua_gps_bn_backward(dr, GW(o->naw), GW(o->nab), dhs, w->ra + l * NC, PW(o->naw),
                               w->ma + l * C, w->sa + l * C, N, C);
            add_to(dhin, dr, NC);
            if (drop) mul(dr, dmask + N * F, NC);
            ua_gps_linear_backward(dF, GW(o->ow), GW(o->ob), dr, w->ay + l * NC, PW(o->ow), N, C,
                                   C, 0);
            ua_gps_attn_backward(w->dqkv, dF, w->qkv + 3 * l * NC, w->P + l * w->capA,
                                 adrop > 0 ? w->Praw + l * w->capA : NULL, b, w->aoff, H, D, adrop,
                                 w->ascr, w->capNg, w->nthreads);
            ua_gps_linear_backward(dhin, GW(o->qkvw), GW(o->qkvb), w->dqkv, hin, PW(o->qkvw), N, C,
                                   3 * C, 1);
        }
        float *t = dh;
        dh = dhin;
        dhin = t;
    }
    /* input encoders */
    get_cols(dF, dh, N, C, 0, C - P);
    ua_gps_linear_backward(NULL, GW(m->off_xw), GW(m->off_xb), dF, b->x, PW(m->off_xw), N, a->din,
                           C - P, 0);
    if (a->pe != UA_GPS_PE_NONE) {
        get_cols(dF, dh, N, C, C - P, P);
        int rw = a->pe == UA_GPS_PE_RWSE;
        ua_gps_linear_backward(rw ? dr : NULL, GW(m->off_pw), GW(m->off_pb), dF,
                               rw ? w->pe_n : b->pe, PW(m->off_pw), N, K, P, 0);
        if (rw)
            ua_gps_bn_backward(dhs, GW(m->off_pnw), GW(m->off_pnb), dr, b->pe, PW(m->off_pnw),
                               w->pe_mean, w->pe_rstd, N, K);
    }
    if (a->mpnn) {
        if (a->edim) {
            ua_gps_linear_backward(NULL, GW(m->off_ew), GW(m->off_eb), w->deenc, b->e,
                                   PW(m->off_ew), E, a->edim, C, 0);
        } else {
            float *db = GW(m->off_eb);
            for (size_t k = 0; k < E; k++) add_to(db, w->deenc + k * C, C);
        }
    }
}
