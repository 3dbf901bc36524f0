/* The graph family's GPS network against the same network in plain PyTorch (tests/gen/
 * graph_torch.py, fixture tests/data/graph_parity.bin): for four fixed tiny batches (graph-level
 * regression with RWSE, both branches; node-level classification with LapPE and no edge features;
 * attention alone with mean pooling and L1; GINE alone with three layers), the training-mode
 * outputs, the loss, every parameter's gradient, the BatchNorm running statistics after the step
 * and the inference-mode outputs match PyTorch's float32 values to 1e-5 (relative to the
 * tensor's largest entry, at least 1). */
#include <math.h>

#include "test_util.h"
#include "graph/internal.h"

#define TOL 1e-5

static ua_st *fixture;

static const float *tensor(const char *cs, const char *what, size_t *count, ua_dtype want)
{
    char name[160];
    snprintf(name, sizeof name, "%s/%s", cs, what);
    ua_dtype dt;
    size_t nd;
    const int64_t *sh;
    const void *data;
    if (ua_st_get(fixture, name, &dt, &nd, &sh, &data)) fail_msg("fixture lacks %s", name);
    assert_int_equal(dt, want);
    size_t n = 1;
    for (size_t i = 0; i < nd; i++) n *= (size_t)sh[i];
    if (count) *count = n;
    return data;
}

/* The worst |got - want| over n entries relative to max(1, max |want|). */
static double rel_diff(const float *got, const float *want, size_t n)
{
    double worst = 0, scale = 1;
    for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs(want[i]));
    for (size_t i = 0; i < n; i++) worst = fmax(worst, fabs((double)got[i] - want[i]));
    return worst / scale;
}

static size_t meta_num(const char *spec, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "%s=", key);
    const char *p = strstr(spec, pat);
    while (p && p != spec && p[-1] != ' ') p = strstr(p + 1, pat);
    if (!p) fail_msg("metadata lacks %s", key);
    return (size_t)strtoull(p + strlen(pat), NULL, 10);
}

static int meta_is(const char *spec, const char *key, const char *value)
{
    char pat[64];
    snprintf(pat, sizeof pat, "%s=%s", key, value);
    const char *p = strstr(spec, pat);
    return p && (p == spec || p[-1] == ' ') && (p[strlen(pat)] == ' ' || !p[strlen(pat)]);
}

static void one_case(const char *cs)
{
    const char *spec = ua_st_meta(fixture, cs);
    assert_non_null(spec);
    ua_gps_arch a = { 0 };
    a.din = meta_num(spec, "din");
    a.edim = meta_num(spec, "edim");
    a.C = meta_num(spec, "C");
    a.L = meta_num(spec, "L");
    a.H = meta_num(spec, "H");
    a.nout = meta_num(spec, "nout");
    a.pe = meta_is(spec, "pe", "rwse") ? UA_GPS_PE_RWSE : meta_is(spec, "pe", "lappe") ? UA_GPS_PE_LAPPE
                                                                                      : UA_GPS_PE_NONE;
    if (a.pe) {
        a.K = meta_num(spec, "K");
        a.P = meta_num(spec, "P");
    }
    a.mpnn = (int)meta_num(spec, "mpnn");
    a.attn = (int)meta_num(spec, "attn");
    a.pool = meta_is(spec, "pool", "mean") ? UA_GPS_POOL_MEAN : UA_GPS_POOL_SUM;
    a.node_level = (int)meta_num(spec, "node_level");
    int loss = meta_is(spec, "loss", "cross_entropy") ? UA_GPS_LOSS_CE
               : meta_is(spec, "loss", "l1")          ? UA_GPS_LOSS_L1
                                                      : UA_GPS_LOSS_MSE;
    a.classify = loss == UA_GPS_LOSS_CE;
    ua_gps *m;
    assert_int_equal(ua_gps_build(&a, &m), UA_OK);

    /* the parameters: every tensor of the model is in the fixture, and no other */
    size_t nfix = 0;
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s/param/", cs);
    for (size_t i = 0; i < ua_st_count(fixture); i++)
        nfix += !strncmp(ua_st_name(fixture, i), prefix, strlen(prefix));
    assert_int_equal(nfix, m->ntensors);
    for (size_t i = 0; i < m->ntensors; i++) {
        const ua_gps_tensor *t = &m->tensors[i];
        char what[96];
        snprintf(what, sizeof what, "param/%s", t->name);
        size_t n;
        const float *v = tensor(cs, what, &n, UA_F32);
        assert_int_equal(n, t->size);
        memcpy((t->stat ? m->stats : m->params) + t->offset, v, n * sizeof *v);
    }

    /* the batch, as PyTorch saw it */
    ua_gps_batch b = { 0 };
    size_t no, E, N;
    const int32_t *off = (const int32_t *)tensor(cs, "node_off", &no, UA_I32);
    const int32_t *src = (const int32_t *)tensor(cs, "src", &E, UA_I32);
    const int32_t *dst = (const int32_t *)tensor(cs, "dst", NULL, UA_I32);
    const float *x = tensor(cs, "x", &N, UA_F32);
    b.G = no - 1;
    b.N = N / a.din;
    b.E = E;
    b.node_off = malloc(no * sizeof *b.node_off);
    b.edge_off = malloc(no * sizeof *b.edge_off);
    assert_non_null(b.node_off);
    assert_non_null(b.edge_off);
    for (size_t g = 0; g < no; g++) b.node_off[g] = (size_t)off[g];
    /* edges come grouped by graph (the fixture lists each graph's edges in turn) */
    b.edge_off[0] = 0;
    for (size_t g = 0, k = 0; g < b.G; g++) {
        while (k < E && (size_t)src[k] < b.node_off[g + 1]) k++;
        b.edge_off[g + 1] = k;
    }
    assert_int_equal(b.edge_off[b.G], E);
    b.src = (int32_t *)src;
    b.dst = (int32_t *)dst;
    b.x = (float *)x;
    b.e = a.edim ? (float *)tensor(cs, "e", NULL, UA_F32) : NULL;
    b.pe = a.pe ? (float *)tensor(cs, "pe", NULL, UA_F32) : NULL;
    size_t ny;
    b.y = (float *)tensor(cs, "y", &ny, UA_F32);

    ua_gps_work w;
    size_t capA = 0;
    for (size_t g = 0; g < b.G; g++) {
        size_t n = b.node_off[g + 1] - b.node_off[g];
        capA += a.H * n * n;
    }
    assert_int_equal(ua_gps_work_alloc(m, b.N, b.E, b.G, capA, b.N, 0, 0, &w), UA_OK);
    float *stats = malloc((m->nstats + 1) * sizeof *stats), *g = calloc(m->nparams, sizeof *g);
    assert_non_null(stats);
    assert_non_null(g);
    memcpy(stats, m->stats, m->nstats * sizeof *stats);
    ua_gps_forward(m, &w, &b, 1, 0, 0, 1, stats);
    size_t R = a.node_level ? b.N : b.G, nout;
    const float *want = tensor(cs, "out", &nout, UA_F32);
    assert_int_equal(nout, R * a.nout);
    double d = rel_diff(w.out, want, nout);
    print_message("%s: outputs %.2e", cs, d);
    ASSERT_LE(d, TOL);
    double L = ua_gps_loss(w.dout, w.out, b.y, R, a.nout, loss, NULL);
    double Lt = tensor(cs, "loss", NULL, UA_F32)[0];
    print_message(", loss %.9g vs %.9g", L, Lt);
    ASSERT_LE(fabs(L - Lt), TOL * fmax(1, fabs(Lt)));
    ua_gps_backward(m, &w, &b, 0, 0, g);
    double worst = 0;
    for (size_t i = 0; i < m->ntensors; i++) {
        const ua_gps_tensor *t = &m->tensors[i];
        char what[96];
        snprintf(what, sizeof what, "%s/%s", t->stat ? "after" : "grad", t->name);
        const float *ref = tensor(cs, what, NULL, UA_F32);
        double di = rel_diff((t->stat ? stats : g) + t->offset, ref, t->size);
        if (di > TOL) fail_msg("%s: %s differs from PyTorch by %.3g", cs, what, di);
        worst = fmax(worst, di);
    }
    print_message(", gradients and running statistics %.2e", worst);
    /* inference with the updated running statistics */
    memcpy(m->stats, stats, m->nstats * sizeof *stats);
    ua_gps_forward(m, &w, &b, 0, 0, 0, 1, NULL);
    d = rel_diff(w.out, tensor(cs, "out_eval", NULL, UA_F32), nout);
    print_message(", inference %.2e\n", d);
    ASSERT_LE(d, TOL);
    free(stats);
    free(g);
    free(b.node_off);
    free(b.edge_off);
    ua_gps_work_free(&w);
    ua_gps_free(m);
}

static void test_graph_rwse(void **s) { (void)s; one_case("graph_rwse"); }
static void test_node_lappe(void **s) { (void)s; one_case("node_lappe"); }
static void test_mean_l1_attn(void **s) { (void)s; one_case("mean_l1_attn"); }
static void test_gine_only(void **s) { (void)s; one_case("gine_only"); }

int main(void)
{
    if (ua_st_read(UA_TEST_DIR "/data/graph_parity.bin", &fixture)) {
        fprintf(stderr, "cannot read the fixture: %s\n", ua_last_error());
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graph_rwse),
        cmocka_unit_test(test_node_lappe),
        cmocka_unit_test(test_mean_l1_attn),
        cmocka_unit_test(test_gine_only),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    ua_st_free(fixture);
    return r;
}
