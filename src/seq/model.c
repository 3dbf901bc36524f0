/*
 * The seq model: options, parameter layout (one buffer, PyTorch-style names), initialisation, and
 * the whole forward / backward pass over a batch (llm.c's gpt2_forward / gpt2_backward, pre-norm).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "train/train.h" /* ua_train_adam_f32 */

/* a poisoned gap between the workspace's arrays under AddressSanitizer (GCC's macro, clang's
 * feature test), none otherwise */
#if defined(__SANITIZE_ADDRESS__)
#define SEQ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SEQ_ASAN 1
#endif
#endif
#ifdef SEQ_ASAN
#include <sanitizer/asan_interface.h>
#define SEQ_REDZONE 64
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define SEQ_REDZONE 0
#endif

#define NONE_OFF ((size_t)-1)

/* ---- options -------------------------------------------------------------------------------- */

void ua_seq_options_default(ua_seq_options *o)
{
    memset(o, 0, sizeof *o);
    o->width = 64;
    o->heads = 4;
    o->layers = 2;
    o->act = UA_ACT_RELU;
    o->layerscale_init = 0.1;
    o->attention = UA_SEQ_SOFTMAX;
    o->optim = UA_OPTIM_ADAM;
    o->lr = 1e-3;
    o->beta1 = 0.9;
    o->beta2 = 0.999;
    o->eps = 1e-8;
    o->schedule = UA_SCHED_COSINE;
    o->batch = 16;
    o->epochs = 20;
    o->val_frac = 0.1;
}

ua_status ua_seq_options_check(const ua_seq_options *o)
{
    if (!o) return UA_ERR(UA_EINVAL, "options are NULL");
    if (o->width == 0 || o->heads == 0 || o->width % o->heads)
        return UA_ERR(UA_EINVAL, "width %zu must be a positive multiple of heads %zu", o->width,
                      o->heads);
    if (o->width / o->heads > 512) return UA_ERR(UA_EINVAL, "head width %zu is over 512", o->width / o->heads);
    if (o->width > 65536 || o->ffn > 1u << 20) return UA_ERR(UA_EINVAL, "width or ffn too large");
    if (o->layers == 0 || o->layers > UA_SEQ_MAX_LAYERS)
        return UA_ERR(UA_EINVAL, "layers must be in 1..%d, got %zu", UA_SEQ_MAX_LAYERS, o->layers);
    if (o->act == UA_ACT_POLYRELU || o->act == UA_ACT_POLYNORM || (unsigned)o->act > UA_ACT_POLYNORM)
        return UA_ERR(UA_EINVAL, "the seq FFN takes a scalar activation (not polyrelu / polynorm)");
    if ((unsigned)o->attention > UA_SEQ_URPE) return UA_ERR(UA_EINVAL, "unknown attention %d", (int)o->attention);
    if ((unsigned)o->positions > UA_SEQ_POS_LEARNED) return UA_ERR(UA_EINVAL, "unknown positions");
    if ((unsigned)o->rel > UA_SEQ_REL_T5) return UA_ERR(UA_EINVAL, "unknown relative bias");
    if ((unsigned)o->norm > UA_SEQ_RMSNORM) return UA_ERR(UA_EINVAL, "unknown norm");
    if ((unsigned)o->kernel > UA_SEQ_KERNEL_FUSED) return UA_ERR(UA_EINVAL, "unknown kernel");
    if (o->attention == UA_SEQ_URPE && o->rel == UA_SEQ_REL_NONE)
        return UA_ERR(UA_EINVAL, "urpe attention needs a relative bias (offset or t5)");
    if (o->optim != UA_OPTIM_ADAM && o->optim != UA_OPTIM_ADAMW)
        return UA_ERR(UA_EINVAL, "the seq family trains with adam or adamw");
    if (!(o->lr > 0) || !isfinite(o->lr)) return UA_ERR(UA_EINVAL, "lr must be > 0, got %g", o->lr);
    if (!(o->beta1 >= 0 && o->beta1 < 1 && o->beta2 >= 0 && o->beta2 < 1 && o->eps > 0))
        return UA_ERR(UA_EINVAL, "Adam betas must be in [0, 1) and eps > 0");
    if (!(o->weight_decay >= 0)) return UA_ERR(UA_EINVAL, "weight decay must be >= 0");
    if (o->batch == 0 || o->epochs == 0) return UA_ERR(UA_EINVAL, "batch and epochs must be >= 1");
    if (!(o->val_frac >= 0 && o->val_frac < 1)) return UA_ERR(UA_EINVAL, "val_frac must be in [0, 1)");
    if (!(o->layerscale_init > 0) && o->layerscale) return UA_ERR(UA_EINVAL, "layerscale_init must be > 0");
    return UA_OK;
}

void ua_seq_resolve(ua_seq_options *o)
{
    if (o->rel == UA_SEQ_REL_DEFAULT)
        o->rel = o->attention == UA_SEQ_RPE || o->attention == UA_SEQ_URPE ? UA_SEQ_REL_OFFSET
                                                                           : UA_SEQ_REL_NONE;
    if (!o->ffn) o->ffn = 4 * o->width;
}

int ua_seq_use_fused(const ua_seq_options *o, size_t T)
{
    return o->kernel == UA_SEQ_KERNEL_FUSED || (o->kernel == UA_SEQ_KERNEL_AUTO && T >= 64);
}

static const char *const att_names[] = { "softmax", "sigmoid", "rpe", "urpe" };
static const char *const pos_names[] = { "none", "sinusoidal", "learned" };
static const char *const rel_names[] = { "default", "none", "offset", "t5" };
static const char *const norm_names[] = { "layernorm", "rmsnorm" };
static const char *const kern_names[] = { "auto", "naive", "fused" };
#define NELEM(a) (sizeof a / sizeof a[0])

static ua_status parse(const char *what, const char *const *names, size_t n, const char *s, int *v)
{
    for (size_t i = 0; s && i < n; i++)
        if (!strcmp(names[i], s)) {
            *v = (int)i;
            return UA_OK;
        }
    char list[128] = "";
    for (size_t i = 0; i < n; i++) {
        if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    return UA_ERR(UA_ENOTFOUND, "unknown %s '%s' (available: %s)", what, s ? s : "(null)", list);
}
#define PARSER(fn, ty, what, names)                                                          \
    ua_status fn(const char *s, ty *out)                                                      \
    {                                                                                         \
        int v = 0;                                                                            \
        ua_status st = parse(what, names, NELEM(names), s, &v);                               \
        if (!st) *out = (ty)v;                                                                \
        return st;                                                                            \
    }
PARSER(ua_seq_attention_parse, ua_seq_attention, "attention", att_names)
PARSER(ua_seq_positions_parse, ua_seq_positions, "positions", pos_names)
PARSER(ua_seq_rel_parse, ua_seq_rel, "relative bias", rel_names)
PARSER(ua_seq_norm_parse, ua_seq_norm, "norm", norm_names)
PARSER(ua_seq_kernel_parse, ua_seq_kernel, "kernel", kern_names)
const char *ua_seq_attention_name(ua_seq_attention a) { return (unsigned)a < NELEM(att_names) ? att_names[a] : "?"; }
const char *ua_seq_positions_name(ua_seq_positions p) { return (unsigned)p < NELEM(pos_names) ? pos_names[p] : "?"; }
const char *ua_seq_rel_name(ua_seq_rel r) { return (unsigned)r < NELEM(rel_names) ? rel_names[r] : "?"; }
const char *ua_seq_norm_name(ua_seq_norm n) { return (unsigned)n < NELEM(norm_names) ? norm_names[n] : "?"; }

/* ---- layout --------------------------------------------------------------------------------- */

static size_t add(ua_seq *m, const char *name, size_t ndim, size_t s0, size_t s1, int decay)
{
    ua_seq_tensor_info *t = &m->tensors[m->ntensors++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->offset = m->nparams;
    t->ndim = ndim;
    t->shape[0] = s0;
    t->shape[1] = ndim > 1 ? s1 : 0;
    t->size = ndim > 1 ? s0 * s1 : s0;
    t->decay = decay;
    m->nparams += t->size;
    return t->offset;
}

ua_status ua_seq_build(const ua_seq_options *opt, ua_seq **out)
{
    *out = NULL;
    ua_seq_options o = *opt;
    ua_status s = ua_seq_options_check(&o);
    if (s) return s;
    ua_seq_resolve(&o);
    if (o.n == 0 || o.nout == 0 || (o.vocab == 0 && o.din == 0))
        return UA_ERR(UA_EINVAL, "the model needs n, nout and vocab or din (got %zu, %zu, %zu, %zu)",
                      o.n, o.nout, o.vocab, o.din);
    /* one message per quantity, with its value and limit (an inferred vocab or nout is checked
     * in ua_seq_fit first, where the offending token's position is known) */
    if (o.n > UA_SEQ_MAX_LEN)
        return UA_ERR(UA_EINVAL, "the sequence length n = %zu is more than the limit %u", o.n,
                      UA_SEQ_MAX_LEN);
    if (o.vocab > UA_SEQ_MAX_VOCAB)
        return UA_ERR(UA_EINVAL, "the vocabulary %zu is more than the limit %u", o.vocab,
                      UA_SEQ_MAX_VOCAB);
    if (o.din > UA_SEQ_MAX_DIN)
        return UA_ERR(UA_EINVAL, "the input features per position din = %zu are more than the "
                      "limit %u", o.din, UA_SEQ_MAX_DIN);
    if (o.nout > UA_SEQ_MAX_NOUT)
        return UA_ERR(UA_EINVAL, "the outputs per position nout = %zu are more than the limit %u",
                      o.nout, UA_SEQ_MAX_NOUT);
    o.progress = NULL;
    o.progress_ctx = NULL;
    ua_seq *m = calloc(1, sizeof *m);
    if (!m) return UA_ENOMEM_ERR(sizeof *m);
    m->opt = o;
    m->report.val_loss = m->report.val_accuracy = NAN;
    m->report.train_loss = m->report.train_accuracy = NAN;
    m->report.test_loss = m->report.test_metric = NAN;
    m->C = o.width;
    m->H = o.heads;
    m->D = o.width / o.heads;
    m->F = o.ffn;
    m->L = o.layers;
    m->n = o.n;
    m->K = o.nout;
    m->nbias = o.rel == UA_SEQ_REL_OFFSET ? 2 * o.n - 1 : o.rel == UA_SEQ_REL_T5 ? UA_SEQ_T5_BUCKETS : 0;
    size_t C = m->C, F = m->F;
    char nm[48];
    if (o.vocab) {
        m->off_emb_w = add(m, "embed.weight", 2, o.vocab, C, 0);
        m->off_emb_b = NONE_OFF;
    } else {
        m->off_emb_w = add(m, "embed.weight", 2, C, o.din, 1);
        m->off_emb_b = add(m, "embed.bias", 1, C, 0, 0);
    }
    m->off_pos = o.positions == UA_SEQ_POS_LEARNED ? add(m, "pos.weight", 2, o.n, C, 0) : NONE_OFF;
    int ln = o.norm == UA_SEQ_LAYERNORM;
    for (size_t l = 0; l < m->L; l++) {
        ua_seq_block_off *b = &m->blk[l];
#define ADD(field, suffix, nd, s0, s1, dec)                                                   \
    do {                                                                                      \
        snprintf(nm, sizeof nm, "blocks.%zu.%s", l, suffix);                                 \
        b->field = add(m, nm, nd, s0, s1, dec);                                               \
    } while (0)
        ADD(n1w, "norm1.weight", 1, C, 0, 0);
        if (ln) ADD(n1b, "norm1.bias", 1, C, 0, 0); else b->n1b = NONE_OFF;
        ADD(qkvw, "attn.qkv.weight", 2, 3 * C, C, 1);
        ADD(qkvb, "attn.qkv.bias", 1, 3 * C, 0, 0);
        ADD(projw, "attn.proj.weight", 2, C, C, 1);
        ADD(projb, "attn.proj.bias", 1, C, 0, 0);
        if (m->nbias) ADD(rpe, "attn.rpe", 2, m->H, m->nbias, 0); else b->rpe = NONE_OFF;
        if (o.attention == UA_SEQ_URPE) ADD(urpe, "attn.urpe", 2, m->H, 2 * o.n - 1, 0);
        else b->urpe = NONE_OFF;
        if (o.layerscale) ADD(ls1, "ls1", 1, C, 0, 0); else b->ls1 = NONE_OFF;
        ADD(n2w, "norm2.weight", 1, C, 0, 0);
        if (ln) ADD(n2b, "norm2.bias", 1, C, 0, 0); else b->n2b = NONE_OFF;
        ADD(fcw, "ffn.fc.weight", 2, F, C, 1);
        ADD(fcb, "ffn.fc.bias", 1, F, 0, 0);
        ADD(fcpw, "ffn.proj.weight", 2, C, F, 1);
        ADD(fcpb, "ffn.proj.bias", 1, C, 0, 0);
        if (o.layerscale) ADD(ls2, "ls2", 1, C, 0, 0); else b->ls2 = NONE_OFF;
#undef ADD
    }
    m->off_nfw = add(m, "norm.weight", 1, C, 0, 0);
    m->off_nfb = ln ? add(m, "norm.bias", 1, C, 0, 0) : NONE_OFF;
    m->off_headw = add(m, "head.weight", 2, m->K, C, 1);
    m->off_headb = add(m, "head.bias", 1, m->K, 0, 0);
    /* a size no machine here could hold is refused before it is asked for (a model file or
     * options naming one are wrong, not short of memory) */
    double bytes = (double)m->nparams * sizeof(float), phys = ua_phys_memory();
    if (phys > 0 && bytes > phys) {
        size_t np = m->nparams;
        free(m);
        return UA_ERR(UA_EINVAL, "seq: the model would have %zu parameters (width %zu, %zu layers, FFN "
                      "%zu, vocabulary %zu, %zu outputs a position, length %zu): %.3g GB of "
                      "float32 weights, more than this machine's %.3g GB of memory", np, o.width,
                      o.layers, o.ffn, o.vocab, o.nout, o.n, bytes / 1e9, phys / 1e9);
    }
    m->params = ua_calloc(m->nparams, sizeof(float));
    if (!m->params) {
        free(m);
        return UA_ENOMEM_ERR(bytes);
    }
    *out = m;
    return UA_OK;
}

/* Matrices N(0, 1 / fan_in) (the head's N(0, 0.02^2 / ...) is not needed with pre-norm), token
 * embeddings N(0, 1), learned positions N(0, 0.02^2), norm weights 1, biases 0, LayerScale
 * layerscale_init, URPE C ones, RPE biases 0. Deterministic for a seed. */
void ua_seq_init_params(ua_seq *m, uint64_t seed)
{
    ua_rng r;
    ua_rng_seed(&r, seed ^ 0x9e3779b97f4a7c15ull); /* a stream of its own per purpose */
    float *p = m->params;
    memset(p, 0, m->nparams * sizeof *p);
    for (size_t i = 0; i < m->ntensors; i++) {
        const ua_seq_tensor_info *t = &m->tensors[i];
        const char *nm = t->name;
        size_t len = strlen(nm);
        float *x = p + t->offset;
        double sd = 0, fill = 0;
        int gauss = 0;
        if (!strcmp(nm, "embed.weight") && m->opt.vocab) gauss = 1, sd = 1.0;
        else if (!strcmp(nm, "pos.weight")) gauss = 1, sd = 0.02;
        else if (t->ndim == 2 && len > 7 && !strcmp(nm + len - 7, ".weight"))
            gauss = 1, sd = 1.0 / sqrt((double)t->shape[1]);
        else if (len > 7 && !strcmp(nm + len - 7, ".weight")) fill = 1; /* norms */
        else if (len > 5 && !strcmp(nm + len - 5, ".urpe")) fill = 1;
        else if (len > 3 && (!strcmp(nm + len - 3, "ls1") || !strcmp(nm + len - 3, "ls2")))
            fill = m->opt.layerscale_init;
        for (size_t j = 0; j < t->size; j++)
            x[j] = gauss ? (float)(sd * ua_rng_normal(&r)) : (float)fill;
    }
}

/* ---- workspace ------------------------------------------------------------------------------ */

void ua_seq_work_free(ua_seq_work *w)
{
    if (w->arena) ASAN_UNPOISON_MEMORY_REGION(w->arena, w->arena_bytes);
    free(w->arena);
    free(w->bidx);
    memset(w, 0, sizeof *w);
}

/* Carves the workspace's float arrays out of one block: with base NULL it only adds up the
 * bytes (each array starting on a 64-byte line), so the same code sizes the block and then
 * places the arrays in it. Under AddressSanitizer each array is fenced by a poisoned 64-byte
 * gap, so that a write past one array is caught as it was with separate allocations. */
typedef struct {
    char *base;
    size_t used;
    int overflow;
} carver;

static float *carve(carver *c, size_t count)
{
    size_t off = (c->used + 63) / 64 * 64 + SEQ_REDZONE;
    if (off < c->used || count > (SIZE_MAX - off) / sizeof(float)) {
        c->overflow = 1;
        return NULL;
    }
    if (c->base) ASAN_POISON_MEMORY_REGION(c->base + c->used, off - c->used);
    c->used = off + (count ? count : 1) * sizeof(float);
    return c->base ? (float *)(void *)(c->base + off) : NULL;
}

static void carve_all(const ua_seq *m, ua_seq_work *w, carver *c)
{
    size_t B = w->B, T = w->T, N = B * T, L = m->L, C = m->C, F = m->F, H = m->H;
    size_t att = w->fused ? L * B * H * T : L * B * H * T * T;
    w->x0 = carve(c, N * C);
    w->res[0] = w->x0;
    for (size_t l = 1; l <= L; l++) w->res[l] = carve(c, N * C);
    w->ln1 = carve(c, L * N * C);
    w->ln1_mean = carve(c, L * N);
    w->ln1_rstd = carve(c, L * N);
    w->qkv = carve(c, L * N * 3 * C);
    if (m->opt.qk_norm) {
        w->qkv_raw = carve(c, L * N * 3 * C);
        w->qk_rstd = carve(c, L * N * 2 * H);
    }
    w->att = carve(c, att);
    w->atty = carve(c, L * N * C);
    w->attp = carve(c, L * N * C);
    w->res2 = carve(c, L * N * C);
    w->ln2 = carve(c, L * N * C);
    w->ln2_mean = carve(c, L * N);
    w->ln2_rstd = carve(c, L * N);
    w->fch = carve(c, L * N * F);
    w->fcha = carve(c, L * N * F);
    w->fcp = carve(c, L * N * C);
    w->lnf = carve(c, N * C);
    w->lnf_mean = carve(c, N);
    w->lnf_rstd = carve(c, N);
    w->out = carve(c, N * m->K);
    w->dout = carve(c, N * m->K);
    w->dres = carve(c, N * C);
    w->dbuf = carve(c, N * C);
    w->dbuf2 = carve(c, N * C);
    w->dqkv = carve(c, N * 3 * C);
    w->dfc = carve(c, N * F);
    if (!w->fused) w->datt = carve(c, B * H * T * T);
    w->scratch = carve(c, w->scratch_len);
}

/* The workspace's sizes for B x T (its fields B, T, fused, scratch_len set), and the bytes of its
 * block: SIZE_MAX where the count overflows. */
static size_t work_layout(const ua_seq *m, size_t B, size_t T, ua_seq_work *w)
{
    memset(w, 0, sizeof *w);
    w->B = B;
    w->T = T;
    w->fused = ua_seq_use_fused(&m->opt, T);
    ua_seq_attn a;
    ua_seq_attn_desc(m, 0, w, &a);
    w->scratch_len = ua_seq_attn_fused_scratch(&a);
    carver c = { NULL, 0, 0 };
    carve_all(m, w, &c);
    size_t bytes = c.used + SEQ_REDZONE + 64; /* + 64: the arrays' lines from an aligned start */
    return c.overflow || bytes < c.used ? SIZE_MAX : bytes;
}

size_t ua_seq_work_bytes(const ua_seq *m, size_t B, size_t T)
{
    ua_seq_work w;
    return work_layout(m, B, T, &w);
}

/* One block for all the arrays (tens of MiB for a training batch), in huge pages where the kernel
 * offers them: the first step wrote each 4 KiB page of thirty separate allocations for the first
 * time, a fault apiece (about 6,400 for the copy task's batch of 16 x 128), where one block
 * faults once per 2 MiB. Zeroed, as the separate callocs were. */
ua_status ua_seq_work_alloc(const ua_seq *m, size_t B, size_t T, ua_seq_work *w)
{
    size_t bytes = work_layout(m, B, T, w);
    if (bytes < SIZE_MAX) w->arena = ua_alloc_large(bytes);
    w->bidx = ua_calloc(m->nbias ? 2 * T - 1 : 1, sizeof(int32_t));
    if (!w->arena || !w->bidx) {
        ua_seq_work_free(w);
        char size[48] = "more bytes than memory can hold";
        if (bytes < SIZE_MAX) snprintf(size, sizeof size, "%.3g GB", (double)bytes / 1e9);
        return UA_ERR(UA_ENOMEM, "seq: out of memory for the activations of %zu sequences of %zu "
                      "positions (%s; --batch, the sequence length, --width, --ffn and --layers "
                      "set their size)", B, T, size);
    }
    w->arena_bytes = bytes;
    memset(w->arena, 0, bytes);
    char *base = (char *)w->arena + (64 - (uintptr_t)w->arena % 64) % 64;
    carver c = { base, 0, 0 };
    carve_all(m, w, &c);
    ASAN_POISON_MEMORY_REGION(base + c.used, (size_t)((char *)w->arena + bytes - (base + c.used)));
    if (m->nbias) ua_seq_bias_index(w->bidx, T, m->n, m->opt.rel, m->opt.causal);
    return UA_OK;
}

void ua_seq_attn_desc(const ua_seq *m, size_t l, const ua_seq_work *w, ua_seq_attn *a)
{
    memset(a, 0, sizeof *a);
    a->B = w->B;
    a->T = w->T;
    a->H = m->H;
    a->D = m->D;
    a->kind = m->opt.attention == UA_SEQ_SIGMOID;
    a->causal = m->opt.causal;
    if (m->nbias) {
        a->bias = m->params + m->blk[l].rpe;
        a->bidx = w->bidx;
        a->nbias = m->nbias;
    }
    if (m->opt.attention == UA_SEQ_URPE) {
        a->c = m->params + m->blk[l].urpe;
        a->nc = 2 * m->n - 1;
        a->cofs = m->n - 1;
    }
    a->sig_b = -logf((float)w->T);
}

/* ---- forward / backward --------------------------------------------------------------------- */

#define PP(off) (m->params + (off))
#define OPT(off) ((off) == NONE_OFF ? NULL : m->params + (off))

static void norm_fwd(const ua_seq *m, float *out, float *mean, float *rstd, const float *inp,
                     size_t w_off, size_t b_off, size_t N)
{
    if (m->opt.norm == UA_SEQ_LAYERNORM)
        ua_seq_layernorm_forward(out, mean, rstd, inp, PP(w_off), PP(b_off), N, m->C);
    else
        ua_seq_rmsnorm_forward(out, rstd, inp, PP(w_off), N, m->C);
}

static void norm_bwd(const ua_seq *m, float *g, float *dinp, const float *dout, const float *inp,
                     const float *mean, const float *rstd, size_t w_off, size_t b_off, size_t N)
{
    if (m->opt.norm == UA_SEQ_LAYERNORM)
        ua_seq_layernorm_backward(dinp, g + w_off, g + b_off, dout, inp, PP(w_off), mean, rstd, N, m->C);
    else
        ua_seq_rmsnorm_backward(dinp, g + w_off, dout, inp, PP(w_off), rstd, N, m->C);
}

void ua_seq_model_forward(const ua_seq *m, ua_seq_work *w, const ua_seq_data *d, size_t first,
                          size_t B)
{
    size_t T = w->T, N = B * T, C = m->C, F = m->F, H = m->H;
    w->B = B;
    ua_seq_embed_forward(m, w->x0, d, first, B, T);
    for (size_t l = 0; l < m->L; l++) {
        const ua_seq_block_off *o = &m->blk[l];
        float *inp = w->res[l];
        float *ln1 = w->ln1 + l * N * C, *qkv = w->qkv + l * N * 3 * C;
        float *atty = w->atty + l * N * C, *attp = w->attp + l * N * C, *res2 = w->res2 + l * N * C;
        float *ln2 = w->ln2 + l * N * C, *fch = w->fch + l * N * F, *fcha = w->fcha + l * N * F;
        float *fcp = w->fcp + l * N * C;
        norm_fwd(m, ln1, w->ln1_mean + l * N, w->ln1_rstd + l * N, inp, o->n1w, o->n1b, N);
        if (m->opt.qk_norm) {
            float *raw = w->qkv_raw + l * N * 3 * C;
            ua_seq_matmul_forward(raw, ln1, PP(o->qkvw), PP(o->qkvb), N, C, 3 * C);
            ua_seq_qknorm_forward(qkv, w->qk_rstd + l * N * 2 * H, raw, N, H, m->D);
        } else {
            ua_seq_matmul_forward(qkv, ln1, PP(o->qkvw), PP(o->qkvb), N, C, 3 * C);
        }
        ua_seq_attn a;
        ua_seq_attn_desc(m, l, w, &a);
        if (w->fused)
            ua_seq_attn_fused_forward(atty, w->att + l * B * H * T, qkv, &a, w->scratch);
        else
            ua_seq_attn_naive_forward(atty, w->att + l * B * H * T * T, qkv, &a);
        ua_seq_matmul_forward(attp, atty, PP(o->projw), PP(o->projb), N, C, C);
        ua_seq_residual_forward(res2, inp, attp, OPT(o->ls1), N, C);
        norm_fwd(m, ln2, w->ln2_mean + l * N, w->ln2_rstd + l * N, res2, o->n2w, o->n2b, N);
        ua_seq_matmul_forward(fch, ln2, PP(o->fcw), PP(o->fcb), N, C, F);
        ua_seq_act_forward(fcha, fch, N * F, m->opt.act);
        ua_seq_matmul_forward(fcp, fcha, PP(o->fcpw), PP(o->fcpb), N, F, C);
        ua_seq_residual_forward(w->res[l + 1], res2, fcp, OPT(o->ls2), N, C);
    }
    norm_fwd(m, w->lnf, w->lnf_mean, w->lnf_rstd, w->res[m->L], m->off_nfw, m->off_nfb, N);
    ua_seq_matmul_forward(w->out, w->lnf, PP(m->off_headw), PP(m->off_headb), N, C, m->K);
}

void ua_seq_model_backward(const ua_seq *m, ua_seq_work *w, const ua_seq_data *d, size_t first,
                           size_t B, float *g)
{
    size_t T = w->T, N = B * T, C = m->C, F = m->F, H = m->H;
    float *dres = w->dres, *dbuf = w->dbuf, *dbuf2 = w->dbuf2;
    memset(dres, 0, N * C * sizeof *dres);
    ua_seq_matmul_backward(dbuf, g + m->off_headw, g + m->off_headb, w->dout, w->lnf,
                           PP(m->off_headw), N, C, m->K);
    norm_bwd(m, g, dres, dbuf, w->res[m->L], w->lnf_mean, w->lnf_rstd, m->off_nfw, m->off_nfb, N);
    for (size_t l = m->L; l-- > 0;) {
        const ua_seq_block_off *o = &m->blk[l];
        float *ln1 = w->ln1 + l * N * C, *qkv = w->qkv + l * N * 3 * C;
        float *atty = w->atty + l * N * C, *attp = w->attp + l * N * C, *res2 = w->res2 + l * N * C;
        float *ln2 = w->ln2 + l * N * C, *fch = w->fch + l * N * F, *fcha = w->fcha + l * N * F;
        float *fcp = w->fcp + l * N * C;
        /* FFN branch */
        ua_seq_residual_backward(dbuf, o->ls2 == NONE_OFF ? NULL : g + o->ls2, dres, fcp,
                                 OPT(o->ls2), N, C);
        ua_seq_matmul_backward(w->dfc, g + o->fcpw, g + o->fcpb, dbuf, fcha, PP(o->fcpw), N, F, C);
        ua_seq_act_backward(w->dfc, fch, N * F, m->opt.act);
        ua_seq_matmul_backward(dbuf2, g + o->fcw, g + o->fcb, w->dfc, ln2, PP(o->fcw), N, C, F);
        norm_bwd(m, g, dres, dbuf2, res2, w->ln2_mean + l * N, w->ln2_rstd + l * N, o->n2w, o->n2b, N);
        /* attention branch */
        ua_seq_residual_backward(dbuf, o->ls1 == NONE_OFF ? NULL : g + o->ls1, dres, attp,
                                 OPT(o->ls1), N, C);
        ua_seq_matmul_backward(dbuf2, g + o->projw, g + o->projb, dbuf, atty, PP(o->projw), N, C, C);
        ua_seq_attn a;
        ua_seq_attn_desc(m, l, w, &a);
        float *dbias = o->rpe == NONE_OFF ? NULL : g + o->rpe;
        float *dc = o->urpe == NONE_OFF ? NULL : g + o->urpe;
        if (w->fused)
            ua_seq_attn_fused_backward(w->dqkv, dbias, dc, dbuf2, qkv, atty, w->att + l * B * H * T,
                                       &a, w->scratch);
        else
            ua_seq_attn_naive_backward(w->dqkv, dbias, dc, w->datt, dbuf2, qkv,
                                       w->att + l * B * H * T * T, &a);
        if (m->opt.qk_norm) /* in place: each element's gradient depends only on its own vector */
            ua_seq_qknorm_backward(w->dqkv, w->dqkv, w->qkv_raw + l * N * 3 * C,
                                   w->qk_rstd + l * N * 2 * H, N, H, m->D);
        ua_seq_matmul_backward(dbuf, g + o->qkvw, g + o->qkvb, w->dqkv, ln1, PP(o->qkvw), N, C, 3 * C);
        norm_bwd(m, g, dres, dbuf, w->res[l], w->ln1_mean + l * N, w->ln1_rstd + l * N, o->n1w, o->n1b, N);
    }
    ua_seq_embed_backward(m, g, dres, d, first, B, T);
}

/* ---- public entry points -------------------------------------------------------------------- */

ua_status ua_seq_alloc(const ua_seq_options *opt, ua_seq **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "out is NULL");
    ua_status s = ua_seq_build(opt, out);
    if (!s) ua_seq_init_params(*out, opt->seed);
    return s;
}

void ua_seq_free(ua_seq *m)
{
    if (!m) return;
    free(m->params);
    free(m->m1);
    free(m->m2);
    free(m);
}

/* Checks the inputs (and, with targets, the targets) of d against m. */
static ua_status check_inputs(const ua_seq *m, const ua_seq_data *d, int targets)
{
    if (!d) return UA_ERR(UA_EINVAL, "data is NULL");
    ua_seq_options o = m->opt;
    ua_seq_data v = *d;
    if (targets && !(o.classify ? d->cls != NULL : d->y != NULL))
        return UA_ERR(UA_EINVAL, "the data has no %s targets", o.classify ? "class (N, n)" : "real (N, n, k)");
    if (!targets) {
        v.k = o.classify ? 0 : o.nout;
        v.cls = NULL;
        v.y = NULL;
    }
    return ua_seq_data_check(&v, &o);
}

/* Loss and gradient over chunks of at most `batch` rows of d (the gradient accumulates). */
ua_status ua_seq_loss_grad(const ua_seq *m, const ua_seq_data *d, double *loss, float *g,
                           float *out)
{
    ua_status s = check_inputs(m, d, 1);
    if (s) return s;
    size_t bs = m->opt.batch ? m->opt.batch : 16, T = d->n;
    if (bs > d->N) bs = d->N;
    ua_seq_work w;
    if ((s = ua_seq_work_alloc(m, bs, T, &w))) return s;
    double norm = (double)d->N * (double)T * (m->opt.classify ? 1.0 : (double)m->K), total = 0;
    if (g) memset(g, 0, m->nparams * sizeof *g);
    for (size_t first = 0; first < d->N; first += bs) {
        size_t B = d->N - first < bs ? d->N - first : bs;
        ua_seq_model_forward(m, &w, d, first, B);
        total += ua_seq_loss(m, g ? w.dout : NULL, w.out, d, first, B, T, norm, NULL);
        if (out) memcpy(out + first * T * m->K, w.out, B * T * m->K * sizeof *out);
        if (g) ua_seq_model_backward(m, &w, d, first, B, g);
    }
    ua_seq_work_free(&w);
    if (loss) *loss = total / norm;
    return UA_OK;
}

ua_status ua_seq_forward(const ua_seq *m, const ua_seq_data *d, float *out)
{
    ua_status s = check_inputs(m, d, 0);
    if (s) return s;
    size_t bs = 16, T = d->n;
    if (bs > d->N) bs = d->N;
    ua_seq_work w;
    if ((s = ua_seq_work_alloc(m, bs, T, &w))) return s;
    for (size_t first = 0; first < d->N; first += bs) {
        size_t B = d->N - first < bs ? d->N - first : bs;
        ua_seq_model_forward(m, &w, d, first, B);
        memcpy(out + first * T * m->K, w.out, B * T * m->K * sizeof *out);
    }
    ua_seq_work_free(&w);
    return UA_OK;
}

ua_status ua_seq_evaluate(const ua_seq *m, const ua_seq_data *d, double *loss, double *metric)
{
    ua_status s = check_inputs(m, d, 1);
    if (s) return s;
    size_t bs = 16, T = d->n;
    if (bs > d->N) bs = d->N;
    ua_seq_work w;
    if ((s = ua_seq_work_alloc(m, bs, T, &w))) return s;
    double norm = (double)d->N * (double)T * (m->opt.classify ? 1.0 : (double)m->K), total = 0;
    size_t right = 0;
    for (size_t first = 0; first < d->N; first += bs) {
        size_t B = d->N - first < bs ? d->N - first : bs, c = 0;
        ua_seq_model_forward(m, &w, d, first, B);
        total += ua_seq_loss(m, NULL, w.out, d, first, B, T, norm, &c);
        right += c;
    }
    ua_seq_work_free(&w);
    if (loss) *loss = total / norm;
    if (metric) *metric = m->opt.classify ? (double)right / ((double)d->N * (double)T) : sqrt(total / norm);
    return UA_OK;
}

ua_status ua_seq_step(ua_seq *m, const ua_seq_data *d, double *loss)
{
    if (!m->m1) {
        m->m1 = ua_calloc(m->nparams, sizeof(float));
        m->m2 = ua_calloc(m->nparams, sizeof(float));
        if (!m->m1 || !m->m2) return UA_ENOMEM_ERR(2 * m->nparams * sizeof(float));
    }
    float *g = malloc(m->nparams * sizeof *g);
    if (!g) return UA_ENOMEM_ERR(m->nparams * sizeof *g);
    ua_status s = ua_seq_loss_grad(m, d, loss, g, NULL);
    if (!s) {
        m->step++;
        for (size_t i = 0; i < m->ntensors; i++) {
            const ua_seq_tensor_info *t = &m->tensors[i];
            ua_train_adam_f32(m->params + t->offset, g + t->offset, m->m1 + t->offset,
                            m->m2 + t->offset, t->size, m->opt.lr, m->opt.beta1, m->opt.beta2,
                            m->opt.eps, t->decay ? m->opt.weight_decay : 0.0,
                            m->opt.optim == UA_OPTIM_ADAMW, m->step);
        }
    }
    free(g);
    return s;
}

size_t ua_seq_nparams(const ua_seq *m) { return m->nparams; }
size_t ua_seq_ntensors(const ua_seq *m) { return m->ntensors; }
void ua_seq_tensor(const ua_seq *m, size_t i, const char **name, size_t *offset, size_t *ndim,
                   size_t shape[2])
{
    const ua_seq_tensor_info *t = &m->tensors[i];
    if (name) *name = t->name;
    if (offset) *offset = t->offset;
    if (ndim) *ndim = t->ndim;
    if (shape) {
        shape[0] = t->shape[0];
        shape[1] = t->shape[1];
    }
}
void ua_seq_get_params(const ua_seq *m, float *p) { memcpy(p, m->params, m->nparams * sizeof *p); }
ua_status ua_seq_set_params(ua_seq *m, const float *p)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (!isfinite(p[i])) return UA_ERR(UA_EINVAL, "parameter %zu is not finite", i);
    memcpy(m->params, p, m->nparams * sizeof *p);
    return UA_OK;
}
const ua_seq_options *ua_seq_get_options(const ua_seq *m) { return &m->opt; }
const ua_seq_report *ua_seq_get_report(const ua_seq *m) { return &m->report; }
void ua_seq_set_test(ua_seq *m, double loss, double metric)
{
    m->report.test_loss = loss;
    m->report.test_metric = metric;
}
