/* The engine, driven by the registry: every registered family is fitted on a problem it accepts,
 * measured independently, saved, loaded, evaluated, exported, compiled and compared, and handed a
 * problem it does not accept, which it must refuse naming a family that takes it. A new family
 * is tested here by its registry line alone. Also: every option table is well formed. */
#define TU_SCRATCH_TAG "ua_test_engine"
#include <math.h>

#include "test_util.h"
#include "uniapprox/pde.h"

/* Settings that keep a learner's fit short, applied when its table has the option. */
static const struct {
    const char *name, *value;
} fast[] = {
    { "epochs", "40" },  { "samples", "400" }, { "hidden", "16x16" }, { "features", "200" },
    { "width", "16" },   { "heads", "2" },     { "layers", "1" },     { "batch", "16" },
    { "threads", "1" },  { "select-max", "200" },
    { "dtype", "f64" }, /* an f32 network exported as double differs by its float rounding */
    { "iterations", "300" }, { "lbfgs-maxiter", "100" }, { "num-domain", "200" }, /* pde */
    { "num-boundary", "20" },
};

static int has_option(const ua_family_info *f, const char *name)
{
    for (size_t i = 0; i < f->noptions; i++)
        if (!strcmp(f->options[i].name, name)) return 1;
    return 0;
}

static size_t dim_for(const ua_family_info *f)
{
    size_t d = f->min_dim > 1 ? f->min_dim : 1;
    if (f->max_dim && d > f->max_dim) d = f->max_dim;
    return d;
}

/* A formula of d variables: exp(x1) * cos(x2) * ... on [-1, 1]^d, smooth and of scale e. */
static ua_problem *formula_problem(size_t d)
{
    static const char *const names[] = { "x1", "x2", "x3", "x4" };
    char spec[256] = "exp(x1)";
    for (size_t i = 1; i < d; i++) {
        size_t used = strlen(spec);
        snprintf(spec + used, sizeof spec - used, "*cos(%s)", names[i]);
    }
    ua_target *t;
    ua_problem *p;
    double lo[4] = { -1, -1, -1, -1 }, hi[4] = { 1, 1, 1, 1 };
    assert_true(d <= 4);
    assert_int_equal(ua_target_parse(d == 1 ? "exp(x)" : spec, d == 1 ? NULL : names,
                                     d == 1 ? 0 : d, &t), UA_OK);
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    ua_target_free(t);
    return p;
}

/* Samples of y = sin(x1) + x2^2 ... with a test set. */
static ua_problem *samples_problem(size_t d)
{
    size_t n = 200, nt = 50;
    double *x = malloc((n + nt) * d * sizeof *x), *y = malloc((n + nt) * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    for (size_t i = 0; i < n + nt; i++) {
        y[i] = 0;
        for (size_t j = 0; j < d; j++) {
            x[i * d + j] = -1 + 2 * fmod(0.61803398874989485 * (double)(i + 1) * (double)(j + 1)
                                         + 0.1 * (double)j, 1.0);
            y[i] += j == 0 ? sin(2 * x[i * d]) : x[i * d + j] * x[i * d + j];
        }
    }
    ua_problem *p;
    assert_int_equal(ua_problem_samples(x, y, n, d, 1, &p), UA_OK);
    assert_int_equal(ua_problem_set_test(p, x + n * d, y + n, nt), UA_OK);
    free(x);
    free(y);
    return p;
}

/* Sequences of tokens 0..3 whose target is the token itself (copy). */
static ua_problem *sequences_problem(void)
{
    size_t N = 48, len = 8;
    double *x = malloc(N * len * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < N * len; i++) x[i] = (double)((i * 7 + i / 5) % 4);
    ua_problem *p;
    assert_int_equal(ua_problem_sequences(x, x, N, len, 0, 0, &p), UA_OK);
    free(x);
    return p;
}

/* Graphs of 3..8 nodes (a ring plus one chord), node feature the node's index / 8, target the
 * number of nodes; a test set of 8 more. */
static ua_graphs *ring_graphs(size_t n, size_t first)
{
    size_t N = 0, E = 0;
    for (size_t i = 0; i < n; i++) {
        N += 3 + (first + i) % 6;
        E += 2 * (3 + (first + i) % 6) + 2;
    }
    ua_graphs *g;
    assert_int_equal(ua_graphs_alloc(n, N, E, 1, 0, UA_GRAPH_LEVEL_GRAPH, 1, 0, &g), UA_OK);
    size_t v = 0, e = 0;
    for (size_t i = 0; i < n; i++) {
        size_t m = 3 + (first + i) % 6;
        g->node_off[i] = v;
        g->edge_off[i] = e;
        for (size_t a = 0; a <= m; a++) {
            size_t p = a < m ? a : 0, q = a < m ? (a + 1) % m : m / 2;
            g->src[e] = (int32_t)(v + p);
            g->dst[e++] = (int32_t)(v + q);
            g->src[e] = (int32_t)(v + q);
            g->dst[e++] = (int32_t)(v + p);
        }
        for (size_t a = 0; a < m; a++) g->x[v + a] = (double)a / 8;
        g->y[i] = (double)m;
        v += m;
    }
    g->node_off[n] = v;
    g->edge_off[n] = e;
    return g;
}

static ua_problem *graphs_problem(void)
{
    ua_graphs *tr = ring_graphs(24, 0), *te = ring_graphs(8, 5);
    ua_problem *p;
    assert_int_equal(ua_problem_graphs(tr, te, &p), UA_OK);
    ua_graphs_free(tr);
    ua_graphs_free(te);
    return p;
}

/* A 1-D Poisson problem u'' + pi^2 sin(pi x) = 0, u(+-1) = 0, exact sin(pi x) (docs/pde.md). */
static ua_problem *pde_problem(void)
{
    static const char text[] =
        "{\"space\": {\"x\": [-1, 1]}, \"equation\": \"u_xx + pi^2*sin(pi*x)\","
        " \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}],"
        " \"exact\": \"sin(pi*x)\"}";
    ua_problem *p;
    assert_int_equal(ua_pde_problem_parse(text, sizeof text - 1, "poisson1d", &p), UA_OK);
    return p;
}

/* The problem the family is tested on, by what it accepts: formulas first. */
static ua_problem *accepted_problem(const ua_family_info *f)
{
    if (f->accepts & UA_ACCEPTS(UA_PROBLEM_FORMULA)) return formula_problem(dim_for(f));
    if (f->accepts & UA_ACCEPTS(UA_PROBLEM_SAMPLES)) return samples_problem(dim_for(f));
    if (f->accepts & UA_ACCEPTS(UA_PROBLEM_SEQUENCES)) return sequences_problem();
    if (f->accepts & UA_ACCEPTS(UA_PROBLEM_GRAPHS)) return graphs_problem();
    if (f->accepts & UA_ACCEPTS(UA_PROBLEM_PDE)) return pde_problem();
    fail_msg("family %s accepts no problem kind this test knows", f->name);
    return NULL;
}

/* A problem the family does not accept: another kind, or a dimension outside its range. */
static ua_problem *refused_problem(const ua_family_info *f)
{
    if (!(f->accepts & UA_ACCEPTS(UA_PROBLEM_SEQUENCES))) return sequences_problem();
    if (!(f->accepts & UA_ACCEPTS(UA_PROBLEM_FORMULA))) return formula_problem(1);
    if (!(f->accepts & UA_ACCEPTS(UA_PROBLEM_SAMPLES))) return samples_problem(1);
    return NULL;
}

/* Export the model, compile, and compare with ua_model_predict at n rows of x (n, din). */
static void check_export(const ua_model *m, const double *x, size_t n, const double *y,
                         const char *name)
{
    size_t din, dout;
    ua_model_dims(m, &din, &dout);
    char file[128];
    snprintf(file, sizeof file, "%s_export.c", name);
    const char *src = tu_path(file);
    assert_int_equal(ua_model_export_c(m, UA_EXPORT_DOUBLE, "engine_approx", src), UA_OK);
    char *text = tu_slurp(src, NULL);
    /* the header comment carries a measured error, never "not recorded", once measured */
    assert_null(strstr(text, "not recorded"));
    free(text);
    ua_compiled *c;
    void *sym = tu_compile_symbol(src, "engine_approx", &c);
    double worst = 0, scale = 0;
    for (size_t i = 0; i < n; i++) {
        double got[8];
        assert_true(dout <= 8);
        if (din == 1 && dout == 1) {
            double (*f)(double);
            memcpy(&f, &sym, sizeof f);
            got[0] = f(x[i]);
        } else if (dout == 1) {
            double (*f)(const double *);
            memcpy(&f, &sym, sizeof f);
            got[0] = f(x + i * din);
        } else {
            void (*f)(const double *, double *);
            memcpy(&f, &sym, sizeof f);
            f(x + i * din, got);
        }
        for (size_t k = 0; k < dout; k++) {
            worst = fmax(worst, fabs(got[k] - y[i * dout + k]));
            scale = fmax(scale, fabs(y[i * dout + k]));
        }
    }
    ua_compiled_free(c);
    /* the exported code evaluates the same model in double, reordered at most: a kernel model
     * sums n terms alpha_i k(x, x_i) whose alphas reach 1e4 with a small ridge, so the rounding
     * of a reordered sum is relative to sum |alpha_i k| (measured 1.1e-12 of the scale), not to
     * the output; a wrong export is off by O(1) */
    ASSERT_LE(worst, 1e-10 * fmax(scale, 1.0));
}

static void one_family(const ua_family_info *f)
{
    ua_problem *p = accepted_problem(f);
    ua_options *o;
    assert_int_equal(ua_family_options(f->name, &o), UA_OK);
    for (size_t i = 0; i < sizeof fast / sizeof fast[0]; i++)
        if (has_option(f, fast[i].name))
            assert_int_equal(ua_options_set(o, fast[i].name, fast[i].value), UA_OK);
    ua_model *m = NULL;
    ua_status s = ua_fit(p, f->name, o, NULL, &m);
    ua_options_free(o);
    if (s != UA_OK && s != UA_ENOTRESOLVED) fail_msg("%s: fit: %s", f->name, ua_last_error());
    assert_non_null(m);
    assert_string_equal(ua_model_family(m), f->name);

    ua_measurement r;
    assert_int_equal(ua_model_measure(m, p, NULL, &r), UA_OK);
    ua_problem_kind kind = ua_problem_kind_of(p);
    if (kind == UA_PROBLEM_FORMULA) {
        /* every family gets a smooth formula of scale e to 5% at least; the measurement covered
         * the whole box, at more points than any family constructs from */
        assert_true(r.has_errors);
        assert_true(r.err.npoints >= 1000);
        ASSERT_LE(r.err.max_rel_scale, 0.05);
        assert_true(fabs(r.err.scale - exp(1.0)) < 1e-12);
        /* the verdict never contradicts the measurement */
        if (r.has_tol && r.resolved) ASSERT_LE(r.err.tol_ratio, 1.0);
        if (r.has_tol && r.err.tol_ratio > 1.0) assert_false(r.resolved);
    } else if (kind == UA_PROBLEM_PDE) {
        /* measured against the exact solution sin(pi x), never the training loss */
        assert_true(r.has_errors);
        ASSERT_LE(r.err.max_rel_scale, 0.05);
    } else if (kind == UA_PROBLEM_SAMPLES) {
        assert_true(isfinite(r.train_rmse));
        assert_true(isfinite(r.test_rmse));
        ASSERT_LE(r.test_rmse, 1.0); /* the target's spread is about 1 */
    }
    ua_measurement_free(&r);

    /* save, load, and the same predictions bit for bit */
    char file[128];
    snprintf(file, sizeof file, "%s.safetensors", f->name);
    assert_int_equal(ua_model_save(m, tu_path(file)), UA_OK);
    ua_model *back;
    assert_int_equal(ua_model_load(tu_path(file), &back), UA_OK);
    assert_string_equal(ua_model_meta(back, "problem"), ua_problem_kind_name(kind));
    assert_non_null(ua_model_meta(back, "verdict"));
    if (kind == UA_PROBLEM_GRAPHS) {
        /* the same predictions bit for bit; a graph model takes no rows and exports no C */
        const ua_graphs *g = ua_problem_graphs_data(p, 1);
        double *y1, *y2;
        size_t K1, K2;
        int c1, c2;
        assert_int_equal(ua_model_predict_graphs(m, g, &y1, &K1, &c1), UA_OK);
        assert_int_equal(ua_model_predict_graphs(back, g, &y2, &K2, &c2), UA_OK);
        assert_int_equal(K1, K2);
        assert_int_equal(c1, c2);
        assert_memory_equal(y1, y2, g->ngraphs * K1 * sizeof *y1);
        assert_true(isfinite(ua_model_meta(back, "test_mae") ? 1.0 : NAN));
        assert_int_equal(ua_model_export_c(back, UA_EXPORT_DOUBLE, "f", tu_path("graph.c")),
                         UA_EUNSUPPORTED);
        free(y1);
        free(y2);
    } else if (kind == UA_PROBLEM_SEQUENCES) {
        const double *x, *y;
        size_t n, K1, K2;
        int c1, c2;
        double *y1, *y2;
        ua_problem_train(p, &x, &y, &n);
        assert_int_equal(ua_model_predict_sequences(m, x, n, ua_problem_seq_len(p), 0, &y1, &K1,
                                                    &c1), UA_OK);
        assert_int_equal(ua_model_predict_sequences(back, x, n, ua_problem_seq_len(p), 0, &y2,
                                                    &K2, &c2), UA_OK);
        assert_int_equal(K1, K2);
        assert_int_equal(c1, c2);
        assert_memory_equal(y1, y2, n * ua_problem_seq_len(p) * K1 * sizeof *y1);
        free(y1);
        free(y2);
    } else {
        size_t din, dout, n = 64;
        ua_model_dims(m, &din, &dout);
        double *x = malloc(n * din * sizeof *x), *y1 = malloc(n * dout * sizeof *y1),
               *y2 = malloc(n * dout * sizeof *y2);
        assert_non_null(x);
        assert_non_null(y1);
        assert_non_null(y2);
        for (size_t i = 0; i < n * din; i++) x[i] = -0.95 + 1.9 * fmod(0.7548776662 * (double)i, 1.0);
        assert_int_equal(ua_model_predict(m, x, n, y1), UA_OK);
        assert_int_equal(ua_model_predict(back, x, n, y2), UA_OK);
        assert_memory_equal(y1, y2, n * dout * sizeof *y1);
        check_export(back, x, n, y1, f->name);
        free(x);
        free(y1);
        free(y2);
    }
    ua_model_free(back);
    ua_model_free(m);
    ua_problem_free(p);

    /* a problem it does not take: refused, naming what it takes */
    ua_problem *q = refused_problem(f);
    if (q) {
        ua_model *none = (ua_model *)1;
        assert_int_equal(ua_fit(q, f->name, NULL, NULL, &none), UA_EUNSUPPORTED);
        assert_null(none);
        assert_non_null(strstr(ua_last_error(), f->name));
        assert_true(strstr(ua_last_error(), "use --family") || strstr(ua_last_error(), "no family"));
        ua_problem_free(q);
    }
}

static void test_every_family(void **state)
{
    (void)state;
    assert_true(ua_family_count() >= 7);
    for (size_t i = 0; i < ua_family_count(); i++) {
        ua_family_info f;
        assert_int_equal(ua_family_info_at(i, &f), UA_OK);
        print_message("family %s\n", f.name);
        one_family(&f);
    }
}

static void test_registry_and_tables(void **state)
{
    (void)state;
    static const char *const reserved[] = { "format", "format_version", "family", "target",
                                            "domain", "problem", "reference", "vars", "verdict",
                                            "data", "function" };
    for (size_t i = 0; i < ua_family_count(); i++) {
        ua_family_info f;
        assert_int_equal(ua_family_info_at(i, &f), UA_OK);
        if (i) { /* sorted by name, names unique */
            ua_family_info prev;
            assert_int_equal(ua_family_info_at(i - 1, &prev), UA_OK);
            assert_true(strcmp(prev.name, f.name) < 0);
        }
        assert_true(f.summary[0] && f.doc[0] && f.accepts);
        ua_options *o;
        assert_int_equal(ua_family_options(f.name, &o), UA_OK);
        for (size_t k = 0; k < f.noptions; k++) {
            const ua_option_spec *sp = &f.options[k];
            assert_true(sp->help && sp->help[0]);
            for (size_t j = 0; j < k; j++) assert_string_not_equal(sp->name, f.options[j].name);
            char key[128];
            snprintf(key, sizeof key, "%s", sp->name);
            for (char *c = key; *c; c++)
                if (*c == '-') *c = '_';
            for (size_t j = 0; j < sizeof reserved / sizeof reserved[0]; j++)
                assert_string_not_equal(key, reserved[j]);
            /* the default validates against the table's own range */
            if (sp->def && sp->type != UA_OPT_FLAG && ua_options_set(o, sp->name, sp->def))
                fail_msg("%s --%s: default '%s' fails its own check: %s", f.name, sp->name,
                         sp->def, ua_last_error());
            if (sp->type == UA_OPT_INT || sp->type == UA_OPT_REAL) assert_true(sp->lo <= sp->hi);
            if (sp->type == UA_OPT_CHOICE) assert_non_null(sp->choices);
        }
        ua_options_free(o);
    }
    ua_family_info f;
    assert_int_equal(ua_family_info_get("no-such-family", &f), UA_ENOTFOUND);
    assert_non_null(strstr(ua_last_error(), "cheb"));
}

/* The one message style of option values, on a table of every type. */
static void test_option_values(void **state)
{
    (void)state;
    static const ua_option_spec spec[] = {
        { "tol", UA_OPT_REAL, "2.220446049250313e-16", 0, 1, 1, NULL, "tolerance", NULL },
        { "length", UA_OPT_INT, "17", 1, 100, 0, NULL, "length", NULL },
        { "map", UA_OPT_CHOICE, "none", 0, 0, 0, "none|log|asinh", "map", NULL },
        { "split", UA_OPT_FLAG, NULL, 0, 0, 0, NULL, "split", NULL },
        { "hidden", UA_OPT_STRING, NULL, 0, 0, 0, NULL, "widths", NULL },
    };
    ua_options *o;
    assert_int_equal(ua_options_alloc(spec, 5, &o), UA_OK);
    assert_true(ua_options_real(o, "tol") == 0x1p-52);
    assert_int_equal(ua_options_int(o, "length"), 17);
    assert_int_equal(ua_options_choice(o, "map"), 0);
    assert_false(ua_options_flag(o, "split"));
    assert_null(ua_options_get(o, "hidden"));
    assert_false(ua_options_given(o, "tol"));
    assert_int_equal(ua_options_set(o, "tol", "0"), UA_EINVAL); /* lo is open */
    assert_non_null(strstr(ua_last_error(), "--tol '0': expected a number in (0, 1]"));
    assert_int_equal(ua_options_set(o, "length", "2.5"), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "--length '2.5': expected an integer in [1, 100]"));
    assert_int_equal(ua_options_set(o, "length", "101"), UA_EINVAL);
    assert_int_equal(ua_options_set(o, "map", "sqrt"), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "expected one of none log asinh"));
    assert_int_equal(ua_options_set(o, "split", "maybe"), UA_EINVAL);
    assert_int_equal(ua_options_set(o, "nope", "1"), UA_ENOTFOUND);
    assert_non_null(strstr(ua_last_error(), "--tol, --length, --map, --split, --hidden"));
    assert_int_equal(ua_options_set(o, "tol", "1e-10"), UA_OK);
    assert_int_equal(ua_options_set(o, "map", "asinh"), UA_OK);
    assert_int_equal(ua_options_set(o, "split", NULL), UA_OK);
    assert_int_equal(ua_options_set(o, "hidden", "64x64"), UA_OK);
    assert_true(ua_options_real(o, "tol") == 1e-10);
    assert_int_equal(ua_options_choice(o, "map"), 2);
    assert_true(ua_options_flag(o, "split"));
    assert_true(ua_options_given(o, "tol"));
    assert_string_equal(ua_options_get(o, "hidden"), "64x64");
    char buf[16];
    assert_string_equal(ua_option_choice_name(spec[2].choices, 1, buf, sizeof buf), "log");
    assert_string_equal(ua_option_choice_name(spec[2].choices, 3, buf, sizeof buf), "");
    ua_options_free(o);
}

/* A model of one input measured on samples of two is refused, and the message counts in English
 * ("takes 1 input and gives 1 output", not "1 inputs"). */
static void test_measure_dims_message(void **state)
{
    (void)state;
    ua_problem *p1 = formula_problem(1), *p2 = samples_problem(2);
    ua_model *m = NULL;
    ua_status s = ua_fit(p1, "cheb", NULL, NULL, &m);
    if (s != UA_OK) fail_msg("cheb on exp(x): %s", ua_last_error());
    ua_measurement r;
    assert_int_equal(ua_model_measure(m, p2, NULL, &r), UA_EINVAL);
    print_message("%s\n", ua_last_error());
    assert_non_null(strstr(ua_last_error(), "the model takes 1 input and gives 1 output; the "
                                            "samples have 2 inputs and 1 output"));
    ua_model_free(m);
    ua_problem_free(p1);
    ua_problem_free(p2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measure_dims_message),
        cmocka_unit_test(test_option_values),
        cmocka_unit_test(test_registry_and_tables),
        cmocka_unit_test(test_every_family),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
