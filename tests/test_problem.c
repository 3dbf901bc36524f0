/* Tests of the problem module (uniapprox/problem.h): formulas against ua_target_eval and MPFR,
 * ua_box_parse's forms and errors, the user's C function in a child process (results equal to
 * the same formula compiled here, crashes, exits, time-outs, compile errors, missing symbols and
 * wrong signatures), samples and sequences read from files, and ua_problem_sample. */
#define _GNU_SOURCE /* pthread, waitpid */
#define TU_SCRATCH_TAG "ua_test_problem"
#include "test_util.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>

#define FIX UA_TEST_DIR "/fixtures_fn/"
#define DATA UA_TEST_DIR "/data/problem/"

/* Fails unless the last error message contains sub. */
static void assert_msg(const char *sub)
{
    if (!strstr(ua_last_error(), sub))
        fail_msg("message '%s' does not contain '%s'", ua_last_error(), sub);
}

/* No child process is left (none running, none a zombie). */
static void assert_no_children(void)
{
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

/* ---- FORMULA -------------------------------------------------------------------------------- */

static void test_formula_eval(void **state)
{
    (void)state;
    static const char *const vars[] = {"x", "y"};
    const char *spec = "exp(-x^2-y^2)*sin(3*x*y) + 0.1";
    ua_target *t, *ref;
    assert_int_equal(ua_target_parse(spec, vars, 2, &t), UA_OK);
    assert_int_equal(ua_target_parse(spec, vars, 2, &ref), UA_OK);
    assert_string_equal(ua_target_var(t, 1), "y");
    assert_null(ua_target_var(t, 2));
    double lo[2] = {-1, 0}, hi[2] = {1, 2};
    ua_problem *p;
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    ua_target_free(t); /* the problem keeps its own parse */
    assert_int_equal(ua_problem_kind_of(p), UA_PROBLEM_FORMULA);
    assert_int_equal(ua_problem_dim(p), 2);
    assert_int_equal(ua_problem_outputs(p), 1);
    assert_string_equal(ua_problem_describe(p), spec);
    assert_string_equal(ua_problem_reference(p), "MPFR");
    assert_string_equal(ua_problem_var(p, 0), "x");
    assert_string_equal(ua_problem_var(p, 1), "y");
    assert_null(ua_problem_var(p, 2));
    assert_true(ua_problem_lo(p)[1] == 0 && ua_problem_hi(p)[0] == 1);
    assert_string_equal(ua_target_spec(ua_problem_target(p)), spec);
    assert_string_equal(ua_problem_kind_name(UA_PROBLEM_SEQUENCES), "sequences");

    double x[10], y[5];
    for (int i = 0; i < 5; i++) {
        x[2 * i] = -1 + 0.37 * i;
        x[2 * i + 1] = 0.41 * i;
    }
    /* sampled as the probe decides (test_problem_sampling): the double formula, or MPFR rounded
     * once to double */
    assert_int_equal(ua_problem_eval(p, x, 5, y), UA_OK);
    for (int i = 0; i < 5; i++) {
        assert_true(y[i] == (ua_problem_sample_prec(p) == 53
                                 ? ua_target_eval(ref, x + 2 * i)
                                 : ua_target_eval_ref(ref, x + 2 * i, ua_problem_sample_prec(p))));
        double r = ua_target_eval_ref(ref, x + 2 * i, 256);
        ASSERT_LE(fabs(y[i] - r), 8 * 0x1p-52 * fabs(r));
        assert_true(ua_problem_fn(x + 2 * i, p) == y[i]);
    }
    ua_target_free(ref);
    /* a FORMULA has no training table */
    const double *tx;
    size_t n;
    ua_problem_train(p, &tx, NULL, &n);
    assert_null(tx);
    assert_int_equal(n, 0);
    assert_int_equal(ua_problem_set_test(p, x, y, 1), UA_EINVAL);
    ua_problem_free(p);
    ua_problem_free(NULL);
}

static void test_formula_box_errors(void **state)
{
    (void)state;
    static const char *const vars[] = {"u", "v"};
    ua_target *t;
    assert_int_equal(ua_target_parse("u*v", vars, 2, &t), UA_OK);
    ua_problem *p = (ua_problem *)1;
    double lo[2] = {0, 2}, hi[2] = {1, 1};
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_EINVAL);
    assert_null(p);
    assert_msg("variable v: a >= b (2 >= 1)");
    hi[1] = INFINITY;
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_EINVAL);
    assert_msg("variable v");
    assert_msg("finite");
    assert_int_equal(ua_problem_formula(NULL, lo, hi, &p), UA_EINVAL);
    assert_int_equal(ua_problem_formula(t, NULL, hi, &p), UA_EINVAL);
    ua_target_free(t);

    /* a 1-D built-in: variable x */
    assert_int_equal(ua_target_parse("nfw-sigma", NULL, 0, &t), UA_OK);
    assert_string_equal(ua_target_var(t, 0), "x");
    double a = 0.5, b = 2;
    assert_int_equal(ua_problem_formula(t, &a, &b, &p), UA_OK);
    double x = 1.5, y;
    assert_int_equal(ua_problem_eval(p, &x, 1, &y), UA_OK);
    assert_true(y == ua_target_eval(t, &x));
    assert_true(ua_problem_fn1(1.5, p) == y);
    ua_problem_free(p);
    ua_target_free(t);
}

/* ---- ua_box_parse --------------------------------------------------------------------------- */

static void test_box_parse(void **state)
{
    (void)state;
    static const char *const v3[] = {"x", "y", "z"};
    double lo[3], hi[3];
    assert_int_equal(ua_box_parse("-4:4", v3, 3, lo, hi), UA_OK);
    for (int i = 0; i < 3; i++) assert_true(lo[i] == -4 && hi[i] == 4);
    assert_int_equal(ua_box_parse("0:1, -2:3e-1 ,1e-3:1e3", v3, 3, lo, hi), UA_OK);
    assert_true(lo[0] == 0 && hi[0] == 1 && lo[1] == -2 && hi[1] == 0.3 && lo[2] == 1e-3 &&
                hi[2] == 1e3);
    assert_int_equal(ua_box_parse("z=5:6,x=-1:0,y=2:3", v3, 3, lo, hi), UA_OK);
    assert_true(lo[0] == -1 && hi[0] == 0 && lo[1] == 2 && hi[1] == 3 && lo[2] == 5 && hi[2] == 6);
    /* constant bounds */
    assert_int_equal(ua_box_parse("-pi:2*pi", v3, 1, lo, hi), UA_OK);
    assert_true(lo[0] == -M_PI && hi[0] == 2 * M_PI);
    /* default names x1, x2 */
    assert_int_equal(ua_box_parse("x2=0:1,x1=2:3", NULL, 2, lo, hi), UA_OK);
    assert_true(lo[0] == 2 && lo[1] == 0);

    /* errors */
    assert_int_equal(ua_box_parse("x=0:1,y=2:1,z=0:1", v3, 3, lo, hi), UA_EINVAL);
    assert_msg("--domain 'x=0:1,y=2:1,z=0:1': variable y: a >= b (2 >= 1)");
    assert_int_equal(ua_box_parse("0:1,1:1,0:1", v3, 3, lo, hi), UA_EINVAL);
    assert_msg("variable y: a >= b (1 >= 1)");
    assert_int_equal(ua_box_parse("2:1", v3, 3, lo, hi), UA_EINVAL);
    assert_msg("a >= b (2 >= 1)");
    assert_int_equal(ua_box_parse("x=0:1,w=0:1,z=0:1", v3, 3, lo, hi), UA_EINVAL);
    assert_msg("unknown variable 'w' (variables: x, y, z)");
    assert_int_equal(ua_box_parse("0:1,0:1", v3, 3, lo, hi), UA_EINVAL);
    assert_msg("2 intervals for 3 variables");
    assert_int_equal(ua_box_parse("0:1,0:1,0:1,0:1", v3, 3, lo, hi), UA_EINVAL);
    assert_msg("4 intervals for 3 variables");
    assert_int_equal(ua_box_parse("x=0:1,x=0:2,z=0:1", v3, 3, lo, hi), UA_EINVAL);
    assert_msg("variable x is given twice");
    assert_int_equal(ua_box_parse("x=0:1,z=0:1", v3, 3, lo, hi), UA_EINVAL);
    assert_msg("variable y is not given");
    assert_int_equal(ua_box_parse("0:inf", v3, 1, lo, hi), UA_EINVAL);
    assert_msg("'inf' is not a finite number");
    assert_int_equal(ua_box_parse("0:1e999", v3, 1, lo, hi), UA_EINVAL);
    assert_msg("'1e999' is not a finite number");
    assert_int_equal(ua_box_parse("nan:1", v3, 1, lo, hi), UA_EINVAL);
    assert_int_equal(ua_box_parse("0:abc", v3, 1, lo, hi), UA_EINVAL);
    assert_msg("'abc' is not a finite number");
    assert_int_equal(ua_box_parse("0:x", v3, 1, lo, hi), UA_EINVAL); /* a variable is no bound */
    assert_int_equal(ua_box_parse("5", v3, 1, lo, hi), UA_EINVAL);
    assert_msg("'5' is not an interval a:b");
    assert_int_equal(ua_box_parse("", v3, 1, lo, hi), UA_EINVAL);
    assert_int_equal(ua_box_parse("x=0:1,0:1,z=0:1", v3, 3, lo, hi), UA_EINVAL);
    assert_msg("names no variable");
    assert_int_equal(ua_box_parse(NULL, v3, 1, lo, hi), UA_EINVAL);
    assert_int_equal(ua_box_parse("0:1", v3, 0, lo, hi), UA_EINVAL);
    /* nothing written on failure */
    lo[0] = 42;
    assert_int_equal(ua_box_parse("x=0:1,y=3:2,z=0:1", v3, 3, lo, hi), UA_EINVAL);
    assert_true(lo[0] == 42);
}

/* ---- FUNCTION from C code ------------------------------------------------------------------- */

static double f1_here(double x) { return exp(-x * x) * sin(3 * x); }
static double sq(double t) { return t * t; }
static double f3_here(const double *x) { return exp(-sq(x[0]) - sq(x[1])) + x[2] * cos(x[1]); }

static void test_function_1d(void **state)
{
    (void)state;
    double lo = -2, hi = 3;
    ua_problem *p;
    assert_int_equal(ua_problem_function(FIX "f1.c:f1", 1, 0, "-O1", &lo, &hi, 0, &p), UA_OK);
    assert_int_equal(ua_problem_kind_of(p), UA_PROBLEM_FUNCTION);
    assert_string_equal(ua_problem_describe(p), FIX "f1.c:f1");
    assert_string_equal(ua_problem_reference(p), "the function, double");
    assert_string_equal(ua_problem_var(p, 0), "x");
    /* 1000 points: several batches */
    enum { N = 1000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    for (int i = 0; i < N; i++) x[i] = -2 + 5.0 * i / (N - 1);
    assert_int_equal(ua_problem_eval(p, x, N, y), UA_OK);
    for (int i = 0; i < N; i++)
        if (y[i] != f1_here(x[i])) fail_msg("x = %.17g: %.17g != %.17g", x[i], y[i], f1_here(x[i]));
    assert_true(ua_problem_fn1(0.25, p) == f1_here(0.25));
    assert_int_equal(ua_problem_eval(p, x, 0, y), UA_OK);
    free(x);
    free(y);
    ua_problem_free(p);

    /* 1-D with the vector signature, and the shared object form */
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' -O2 -fPIC -shared -o '%s' '%s' -lm", UA_C_COMPILER,
             tu_path("f3.so"), FIX "f3.c");
    assert_int_equal(system(cmd), 0);
    char src[TU_PATH_MAX + 8];
    snprintf(src, sizeof src, "%s:f3", tu_path("f3.so"));
    double l3[3] = {-1, -1, 0}, h3[3] = {1, 2, 1};
    assert_int_equal(ua_problem_function(src, 3, 0, NULL, l3, h3, 0, &p), UA_OK);
    double pt[3] = {0.3, -0.7, 0.9}, v;
    assert_int_equal(ua_problem_eval(p, pt, 1, &v), UA_OK);
    assert_true(v == f3_here(pt));
    ua_problem_free(p);
    snprintf(src, sizeof src, "%s:nope", tu_path("f3.so"));
    assert_int_equal(ua_problem_function(src, 3, 0, NULL, l3, h3, 0, &p), UA_ENOTFOUND);
    assert_msg("defines no function 'nope'");
    assert_no_children();
}

typedef struct {
    ua_problem *p;
    int id;
    int bad;
} thread_arg;

static void *eval_thread(void *arg)
{
    thread_arg *a = arg;
    double x[3 * 300], y[300];
    for (int i = 0; i < 300; i++) {
        x[3 * i] = -1 + (i % 17) / 8.5;
        x[3 * i + 1] = -1 + 0.01 * i;
        x[3 * i + 2] = 0.001 * a->id * i;
    }
    for (int rep = 0; rep < 5; rep++) {
        if (ua_problem_eval(a->p, x, 300, y) != UA_OK) a->bad++;
        for (int i = 0; i < 300; i++) a->bad += y[i] != f3_here(x + 3 * i);
    }
    return NULL;
}

static void test_function_3d(void **state)
{
    (void)state;
    double lo[3] = {-1, -1, 0}, hi[3] = {1, 2, 1};
    ua_problem *p;
    assert_int_equal(ua_problem_function(FIX "f3.c:f3", 3, 0, NULL, lo, hi, 0, &p), UA_OK);
    assert_string_equal(ua_problem_var(p, 2), "x3");
    /* several threads at once: the calls are serialised, every answer is right */
    pthread_t th[4];
    thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (thread_arg){p, i, 0};
        assert_int_equal(pthread_create(&th[i], NULL, eval_thread, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].bad, 0);
    }
    /* the training points of the learners: in the box, y = f(x) exactly */
    enum { N = 200 };
    double x[3 * N], y[N];
    assert_int_equal(ua_problem_sample(p, N, 7, x, y), UA_OK);
    double mean[3] = {0, 0, 0};
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < 3; j++) {
            assert_true(x[3 * i + j] >= lo[j] && x[3 * i + j] <= hi[j]);
            mean[j] += x[3 * i + j] / N;
        }
        assert_true(y[i] == f3_here(x + 3 * i));
    }
    /* quasi-random: the means are within 0.05 of the box centres (a Sobol sequence's 200
       points are far more even than that; a constant or corner-stuck generator fails) */
    for (int j = 0; j < 3; j++) ASSERT_LE(fabs(mean[j] - 0.5 * (lo[j] + hi[j])), 0.05 * (hi[j] - lo[j]));
    ua_problem_free(p);
    assert_no_children();
}

static void test_function_crash(void **state)
{
    (void)state;
    double lo = 0, hi = 1;
    ua_problem *p;
    assert_int_equal(ua_problem_function(FIX "crash.c:crash", 1, 0, NULL, &lo, &hi, 0, &p), UA_OK);
    double x[4] = {0.1, 0.2, 0.75, 0.3}, y[4];
    assert_int_equal(ua_problem_eval(p, x, 4, y), UA_EDOMAIN);
    assert_msg("crash.c:crash crashed (signal SIGSEGV");
    assert_msg("at x = 0.75");
    /* the child is restarted */
    double z = 0.25, w;
    assert_int_equal(ua_problem_eval(p, &z, 1, &w), UA_OK);
    assert_true(w == 0.0625);
    assert_true(isnan(ua_problem_fn1(0.5000000000000001, p)));
    assert_msg("at x = 0.50000000000000011");
    /* the exact point in a later batch of a long call */
    enum { N = 3000 }; /* several batches of the child */
    double *xs = malloc(N * sizeof *xs), *ys = malloc(N * sizeof *ys);
    for (int i = 0; i < N; i++) xs[i] = 0.001 * (i % 500);
    xs[2100] = 0.6000000000000001;
    xs[2900] = 0.9;
    assert_int_equal(ua_problem_eval(p, xs, N, ys), UA_EDOMAIN);
    assert_msg("at x = 0.60000000000000009");
    free(xs);
    free(ys);
    assert_true(ua_problem_fn1(0.5, p) == 0.25);
    ua_problem_free(p);

    /* an exit and an abort */
    lo = -1;
    assert_int_equal(ua_problem_function(FIX "quit.c:quit", 1, 0, NULL, &lo, &hi, 0, &p), UA_OK);
    z = -0.5;
    assert_int_equal(ua_problem_eval(p, &z, 1, &w), UA_EDOMAIN);
    assert_msg("quit.c:quit exited (status 3) at x = -0.5");
    z = 0.95;
    assert_int_equal(ua_problem_eval(p, &z, 1, &w), UA_EDOMAIN);
    assert_msg("quit.c:quit crashed (signal SIGABRT, abort) at x = 0.94999999999999996");
    z = 0.5;
    assert_int_equal(ua_problem_eval(p, &z, 1, &w), UA_OK);
    assert_true(w == 1.5);
    ua_problem_free(p);
    assert_no_children();
}

static void test_function_timeout(void **state)
{
    (void)state;
    double lo = 0, hi = 1;
    ua_problem *p;
    /* 2 s, not less: the call at 0.25 must not time out on a busy machine */
    assert_int_equal(ua_problem_function(FIX "hang.c:hang", 1, 0, NULL, &lo, &hi, 2, &p), UA_OK);
    double x[2] = {0.25, 0.875}, y[2];
    assert_int_equal(ua_problem_eval(p, x, 2, y), UA_EDOMAIN);
    assert_msg("hang.c:hang did not return within 2 s at x = 0.875");
    assert_int_equal(ua_problem_eval(p, x, 1, y), UA_OK);
    assert_true(y[0] == 0.5);
    ua_problem_free(p);
    /* a hang at the centre fails the constructor */
    lo = 0.5;
    assert_int_equal(ua_problem_function(FIX "hang.c:hang", 1, 0, NULL, &lo, &hi, 0.5, &p),
                     UA_EDOMAIN);
    assert_null(p);
    assert_msg("did not return within 0.5 s at x = 0.75");
    assert_no_children();
}

static void *hang_thread(void *arg)
{
    double x = 0.9, y;
    ua_problem_eval(arg, &x, 1, &y); /* never returns: the process exits under it */
    return NULL;
}

/* The child dies with the process that made the problem, even when that one does not free it
 * and the child is busy in a call that never returns (so it never sees its socket close). */
static void test_function_parent_death(void **state)
{
    (void)state;
#ifndef __linux__
    skip(); /* PR_SET_PDEATHSIG and PR_SET_CHILD_SUBREAPER are Linux's */
#else
    /* this process adopts the orphaned grandchild, so that it can wait for it */
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t helper = fork();
    assert_true(helper >= 0);
    if (helper == 0) {
        close(fds[0]);
        double lo = 0, hi = 1;
        ua_problem *p;
        long child = 0;
        pthread_t th;
        if (ua_problem_function(FIX "hang.c:hang", 1, 0, NULL, &lo, &hi, 0, &p) == UA_OK &&
            pthread_create(&th, NULL, hang_thread, p) == 0) {
            usleep(200000); /* let the call start: it does not matter if it has not */
            char path[64];
            snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)getpid(),
                     (long)getpid());
            FILE *f = fopen(path, "r");
            if (!f || fscanf(f, "%ld", &child) != 1) child = -1; /* no /proc children list */
            if (f) fclose(f);
        }
        if (write(fds[1], &child, sizeof child) != sizeof child) _exit(2);
        _exit(0); /* without ua_problem_free */
    }
    close(fds[1]);
    long child = 0;
    assert_int_equal(read(fds[0], &child, sizeof child), sizeof child);
    close(fds[0]);
    int st;
    assert_int_equal(waitpid(helper, &st, 0), helper);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_true(child != 0);
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
    if (child < 0) return; /* no /proc children list: cannot see the grandchild */
    /* the kernel sends SIGKILL at the parent's death; a child still spinning after 10 s is
       killed here (and the test fails) */
    pid_t r = 0;
    for (int i = 0; i < 1000 && (r = waitpid((pid_t)child, &st, WNOHANG)) == 0; i++) usleep(10000);
    if (r == 0) {
        kill((pid_t)child, SIGKILL);
        waitpid((pid_t)child, &st, 0);
        fail_msg("the child %ld outlived its parent", child);
    }
    assert_int_equal(r, child);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
#endif
}

static void test_function_errors(void **state)
{
    (void)state;
    double lo[2] = {0, 0}, hi[2] = {1, 1};
    ua_problem *p;
    assert_int_equal(ua_problem_function(FIX "bad.c:bad", 1, 0, NULL, lo, hi, 0, &p), UA_EPARSE);
    assert_null(p);
    assert_msg("bad.c does not compile: ");
    assert_msg("error");
    assert_int_equal(ua_problem_function(FIX "f1.c:nope", 1, 0, NULL, lo, hi, 0, &p),
                     UA_ENOTFOUND);
    assert_msg("f1.c defines no function 'nope'");
    assert_int_equal(ua_problem_function(FIX "wrong.c:wrong", 1, 0, NULL, lo, hi, 0, &p),
                     UA_EINVAL);
    assert_msg("wrong.c:wrong: wrong signature: expected double wrong(double)");
    /* a scalar function where a vector one is needed */
    assert_int_equal(ua_problem_function(FIX "f1.c:f1", 2, 0, NULL, lo, hi, 0, &p), UA_EINVAL);
    assert_msg("wrong signature: expected double f1(const double *x)");
    assert_int_equal(ua_problem_function(FIX "f3.c:f3", 1, 0, NULL, lo, hi, 0, &p), UA_EINVAL);
    assert_msg("wrong signature: expected double f3(double)");
    /* NaN at the centre */
    assert_int_equal(ua_problem_function(FIX "nan_centre.c:nan_centre", 1, 0, NULL, lo, hi, 0, &p),
                     UA_EDOMAIN);
    assert_msg("nan_centre.c:nan_centre is nan at the centre of the box, x = 0.5");
    /* source syntax, files, boxes */
    assert_int_equal(ua_problem_function(FIX "f1.c", 1, 0, NULL, lo, hi, 0, &p), UA_EINVAL);
    assert_msg("is not FILE.c:SYMBOL or FILE.so:SYMBOL");
    assert_int_equal(ua_problem_function(FIX "f1.c:1x", 1, 0, NULL, lo, hi, 0, &p), UA_EINVAL);
    assert_int_equal(ua_problem_function(FIX "f1.txt:f1", 1, 0, NULL, lo, hi, 0, &p), UA_EINVAL);
    assert_int_equal(ua_problem_function(FIX "missing.c:f", 1, 0, NULL, lo, hi, 0, &p), UA_EINVAL);
    assert_msg("cannot read");
    assert_int_equal(ua_problem_function(FIX "f1.c:f1", 0, 0, NULL, lo, hi, 0, &p), UA_EINVAL);
    hi[0] = -1;
    assert_int_equal(ua_problem_function(FIX "f1.c:f1", 1, 0, NULL, lo, hi, 0, &p), UA_EINVAL);
    assert_msg("variable x: a >= b (0 >= -1)");
    hi[0] = 1;
    assert_int_equal(ua_problem_function(FIX "f1.c:f1", 1, 0, NULL, lo, hi, -1, &p), UA_EINVAL);
    assert_no_children();
}

/* ---- callbacks and sampling ----------------------------------------------------------------- */

static double cb_fn(const double *x, void *ctx)
{
    return *(double *)ctx * x[0] + x[1] * x[1];
}

static double cb_pole(const double *x, void *ctx)
{
    (void)ctx;
    return 1 / x[0];
}

static void test_callback_and_sample(void **state)
{
    (void)state;
    double c = 3, lo[2] = {-1, 2}, hi[2] = {1, 4};
    ua_problem *p;
    assert_int_equal(ua_problem_callback(cb_fn, &c, 2, lo, hi, "3x + y^2", &p), UA_OK);
    assert_string_equal(ua_problem_describe(p), "3x + y^2");
    assert_string_equal(ua_problem_var(p, 1), "x2");
    double x[2] = {0.5, 3}, y;
    assert_int_equal(ua_problem_eval(p, x, 1, &y), UA_OK);
    assert_true(y == 10.5);
    ua_problem_free(p);

    /* 1-D: equispaced with both ends */
    ua_target *t;
    assert_int_equal(ua_target_parse("log1p(x)", NULL, 0, &t), UA_OK);
    double a = 0.1, b = 0.7;
    assert_int_equal(ua_problem_formula(t, &a, &b, &p), UA_OK);
    double xs[7], ys[7];
    assert_int_equal(ua_problem_sample(p, 7, 1, xs, ys), UA_OK);
    assert_true(xs[0] == 0.1 && xs[6] == 0.7);
    for (int i = 0; i < 7; i++) {
        ASSERT_LE(fabs(xs[i] - (0.1 + 0.1 * i)), 1e-15);
        assert_true(ys[i] == log1p(xs[i]));
    }
    assert_int_equal(ua_problem_sample(p, 1, 1, xs, ys), UA_OK);
    assert_true(xs[0] == 0.4);
    assert_int_equal(ua_problem_sample(p, 0, 1, xs, ys), UA_EINVAL);
    ua_problem_free(p);
    ua_target_free(t);

    /* a pole inside the box: UA_EDOMAIN naming the point */
    double l2[2] = {-1, -1}, h2[2] = {1, 1};
    assert_int_equal(ua_problem_callback(cb_pole, NULL, 2, l2, h2, "1/x1", &p), UA_OK);
    double xx[2 * 64], yy[64];
    assert_int_equal(ua_problem_sample(p, 64, 0, xx, yy), UA_EDOMAIN); /* seed 0: the origin */
    assert_msg("1/x1 is inf at (x1, x2) = (");
    ua_problem_free(p);

    /* samples cannot be sampled or evaluated */
    double sx[2] = {1, 2}, sy[2] = {3, 4};
    assert_int_equal(ua_problem_samples(sx, sy, 2, 1, 1, &p), UA_OK);
    assert_int_equal(ua_problem_sample(p, 4, 1, xx, yy), UA_EINVAL);
    assert_int_equal(ua_problem_eval(p, sx, 1, yy), UA_EINVAL);
    assert_string_equal(ua_problem_reference(p), "none");
    assert_null(ua_problem_lo(p));
    ua_problem_free(p);
}

/* ---- SAMPLES -------------------------------------------------------------------------------- */

static void test_samples_arrays(void **state)
{
    (void)state;
    double x[6] = {1, 2, 3, 4, 5, 6}, y[3] = {7, 8, 9};
    ua_problem *p;
    assert_int_equal(ua_problem_samples(x, y, 3, 2, 1, &p), UA_OK);
    x[0] = 100; /* copied */
    const double *px, *py;
    size_t n;
    ua_problem_train(p, &px, &py, &n);
    assert_int_equal(n, 3);
    assert_true(px[0] == 1 && px[5] == 6 && py[2] == 9);
    ua_problem_test(p, &px, &py, &n);
    assert_null(px);
    assert_int_equal(n, 0);
    double tx[2] = {0, 1}, ty[1] = {2};
    assert_int_equal(ua_problem_set_test(p, tx, ty, 1), UA_OK);
    ua_problem_test(p, &px, &py, &n);
    assert_int_equal(n, 1);
    assert_true(px[1] == 1 && py[0] == 2);
    ty[0] = NAN;
    assert_int_equal(ua_problem_set_test(p, tx, ty, 1), UA_EINVAL);
    assert_msg("not finite");
    ua_problem_free(p);
    x[3] = INFINITY; /* x[1][1]: row 2, column 2 (1-based, as the command line) */
    assert_int_equal(ua_problem_samples(x, y, 3, 2, 1, &p), UA_EINVAL);
    assert_msg("samples inputs: row 2, column 2: inf is not finite");
    assert_int_equal(ua_problem_samples(x, y, 0, 2, 1, &p), UA_EINVAL);
    assert_int_equal(ua_problem_samples(x, y, 3, 0, 1, &p), UA_EINVAL);
}

static void test_read_samples(void **state)
{
    (void)state;
    ua_sample_source src = {0};
    ua_problem *p;
    const double *x, *y;
    size_t n;
    /* default: every column but the last is an input */
    src.data = DATA "table.csv";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_OK);
    assert_int_equal(ua_problem_dim(p), 3);
    assert_int_equal(ua_problem_outputs(p), 1);
    assert_string_equal(ua_problem_describe(p), DATA "table.csv");
    ua_problem_train(p, &x, &y, &n);
    assert_int_equal(n, 4);
    assert_true(x[3] == 1 && x[4] == 2.5 && x[11] == 5.25 && y[3] == 40);
    ua_problem_free(p);

    /* by name and by index, with a test file */
    src.x_cols = "c, 0";
    src.y_cols = "y,b";
    src.test_data = DATA "table_test.csv";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_OK);
    assert_int_equal(ua_problem_dim(p), 2);
    assert_int_equal(ua_problem_outputs(p), 2);
    ua_problem_train(p, &x, &y, &n);
    assert_true(x[2] == 3 && x[3] == 1 && y[2] == 20 && y[3] == 2.5);
    ua_problem_test(p, &x, &y, &n);
    assert_int_equal(n, 2);
    assert_true(x[0] == 9 && x[1] == 7 && x[2] == -3 && y[0] == 70 && y[3] == -2);
    ua_problem_free(p);

    /* a format override: a CSV without the extension */
    src = (ua_sample_source){0};
    src.data = DATA "uci/data.txt";
    src.format = UA_FORMAT_TEXT;
    src.y_cols = "1";
    src.x_cols = "3";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_OK);
    ua_problem_train(p, &x, &y, &n);
    assert_int_equal(n, 6);
    assert_true(x[5] == 600 && y[5] == 6);
    ua_problem_free(p);
    src.format = UA_FORMAT_CSV; /* blank-separated rows are no CSV */
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EFORMAT);
    assert_msg("data.txt");

    /* errors */
    src = (ua_sample_source){0};
    src.data = DATA "table.csv";
    src.x_cols = "a,y";
    src.y_cols = "y";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_msg("column 'y' is both an input and a target");
    src.x_cols = "a,nope";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_msg("no column 'nope'");
    src.x_cols = "a,,b";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    src.x_cols = "a,a";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_msg("given twice");
    src.x_cols = NULL;
    src.y_cols = "a,b,c,y";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_msg("no input columns left");
    src.y_cols = NULL;
    src.test_data = DATA "table_badtest.csv";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_msg("column 2 is 'z'");
    src.test_data = DATA "uci/data.txt"; /* four columns named 0..3: accepted by position */
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_OK);
    ua_problem_test(p, &x, &y, &n);
    assert_int_equal(n, 6);
    assert_true(x[3] == 1.5 && y[0] == 100);
    ua_problem_free(p);
    src.test_data = NULL;
    src.data = DATA "missing.csv";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_msg("missing.csv");
    src.data = NULL;
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_msg("no samples");
    assert_null(p);
}

static void test_read_split(void **state)
{
    (void)state;
    ua_sample_source src = {0};
    ua_problem *p;
    const double *x, *y;
    size_t n;
    src.split_dir = DATA "uci";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_OK);
    assert_int_equal(ua_problem_dim(p), 2); /* features 0 and 2 */
    assert_int_equal(ua_problem_outputs(p), 1);
    ua_problem_train(p, &x, &y, &n);
    assert_int_equal(n, 4); /* rows 0 2 4 5 */
    assert_true(x[0] == 0.5 && x[1] == 10 && x[2] == 2.5 && x[3] == 30 && y[3] == 600);
    ua_problem_test(p, &x, &y, &n);
    assert_int_equal(n, 2); /* rows 1 3 */
    assert_true(x[0] == 1.5 && x[3] == 40 && y[0] == 200 && y[1] == 400);
    ua_problem_free(p);
    src.split = 1;
    src.y_cols = "1"; /* columns given override the index files */
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_OK);
    ua_problem_train(p, &x, &y, &n);
    assert_int_equal(n, 2);
    assert_int_equal(ua_problem_dim(p), 2);
    assert_true(x[0] == 5.5 && x[1] == 60 && y[0] == 6 && y[1] == 2);
    ua_problem_test(p, &x, &y, &n);
    assert_true(n == 1 && y[0] == 1);
    ua_problem_free(p);
    src.split = 2;
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_msg("index_train_2.txt");
    src.split = 0;
    src.test_data = DATA "table.csv";
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_msg("not both");
}

/* ---- SEQUENCES ------------------------------------------------------------------------------ */

static void test_sequences(void **state)
{
    (void)state;
    /* 3 sequences of length 4: tokens; targets (3, 4, 2) floats */
    int32_t tok[12] = {0, 1, 2, 3, 3, 2, 1, 0, 5, 5, 5, 5};
    float tgt[24];
    for (int i = 0; i < 24; i++) tgt[i] = 0.25f * i - 1;
    size_t shx[2] = {3, 4}, shy[3] = {3, 4, 2};
    assert_int_equal(ua_npy_write(tu_path("x.npy"), UA_NPY_I4, shx, 2, tok), UA_OK);
    assert_int_equal(ua_npy_write(tu_path("y.npy"), UA_NPY_F4, shy, 3, tgt), UA_OK);
    /* a test set: 1 sequence, real targets */
    size_t stx[2] = {1, 4}, sty[3] = {1, 4, 2};
    assert_int_equal(ua_npy_write(tu_path("tx.npy"), UA_NPY_I4, stx, 2, tok), UA_OK);
    assert_int_equal(ua_npy_write(tu_path("ty.npy"), UA_NPY_F4, sty, 3, tgt), UA_OK);

    char xp[TU_PATH_MAX], yp[TU_PATH_MAX], txp[TU_PATH_MAX], typ[TU_PATH_MAX];
    snprintf(xp, sizeof xp, "%s", tu_path("x.npy"));
    snprintf(yp, sizeof yp, "%s", tu_path("y.npy"));
    snprintf(txp, sizeof txp, "%s", tu_path("tx.npy"));
    snprintf(typ, sizeof typ, "%s", tu_path("ty.npy"));
    ua_sample_source src = {0};
    src.sequences = 1;
    src.data = xp;
    src.targets = yp;
    src.test_data = txp;
    src.test_targets = typ;
    ua_problem *p;
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_OK);
    assert_int_equal(ua_problem_kind_of(p), UA_PROBLEM_SEQUENCES);
    assert_int_equal(ua_problem_dim(p), 0);
    assert_int_equal(ua_problem_outputs(p), 2);
    assert_int_equal(ua_problem_seq_len(p), 4);
    const double *x, *y;
    size_t n;
    ua_problem_train(p, &x, &y, &n);
    assert_int_equal(n, 3);
    assert_true(x[4] == 3 && x[11] == 5 && y[0] == -1 && y[23] == 4.75);
    ua_problem_test(p, &x, &y, &n);
    assert_true(n == 1 && x[3] == 3 && y[7] == 0.75);
    assert_string_equal(ua_problem_describe(p), xp);
    ua_problem_free(p);

    /* real inputs (2, 3, 2) and classes (2, 3) */
    double xin[12], cls[6] = {0, 1, 2, 2, 1, 0};
    for (int i = 0; i < 12; i++) xin[i] = 0.5 * i;
    size_t s3[3] = {2, 3, 2}, s2[2] = {2, 3};
    assert_int_equal(ua_npy_write(tu_path("xr.npy"), UA_NPY_F8, s3, 3, xin), UA_OK);
    assert_int_equal(ua_npy_write(tu_path("c.npy"), UA_NPY_F8, s2, 2, cls), UA_OK);
    char xr[TU_PATH_MAX], cp[TU_PATH_MAX];
    snprintf(xr, sizeof xr, "%s", tu_path("xr.npy"));
    snprintf(cp, sizeof cp, "%s", tu_path("c.npy"));
    src = (ua_sample_source){.sequences = 1, .data = xr, .targets = cp};
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_OK);
    assert_int_equal(ua_problem_dim(p), 2);
    assert_int_equal(ua_problem_outputs(p), 0);
    assert_int_equal(ua_problem_seq_len(p), 3);
    ua_problem_train(p, &x, &y, &n);
    assert_true(n == 2 && x[11] == 5.5 && y[2] == 2);
    ua_problem_free(p);

    /* errors: targets of another shape, a fractional class, a test set of another length */
    src.targets = yp; /* (3, 4, 2) for inputs (2, 3, 2) */
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EFORMAT);
    assert_msg("targets of shape (3, 4, 2) do not match the inputs' (2, 3)");
    cls[4] = 1.5;
    assert_int_equal(ua_npy_write(tu_path("c2.npy"), UA_NPY_F8, s2, 2, cls), UA_OK);
    char c2[TU_PATH_MAX];
    snprintf(c2, sizeof c2, "%s", tu_path("c2.npy"));
    src.targets = c2;
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EFORMAT);
    assert_msg("sequence 1, position 1: 1.5 is not a non-negative integer class");
    src = (ua_sample_source){.sequences = 1, .data = xp, .targets = yp, .test_data = xr,
                             .test_targets = cp};
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_msg("test inputs of length 3");
    src.test_targets = NULL;
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    src = (ua_sample_source){.sequences = 1, .data = xp};
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_msg("targets");

    /* ua_problem_sequences refuses bad tokens */
    double bad[4] = {0, 1, -1, 2}, yv[4] = {0, 0, 0, 0};
    assert_int_equal(ua_problem_sequences(bad, yv, 2, 2, 0, 1, &p), UA_EINVAL);
    assert_msg("not a non-negative integer");
    bad[2] = 1;
    assert_int_equal(ua_problem_sequences(bad, yv, 2, 2, 0, 1, &p), UA_OK);
    assert_int_equal(ua_problem_set_test(p, bad, yv, 1), UA_OK);
    ua_problem_free(p);
}

int main(void)
{
#ifdef UA_C_COMPILER
    setenv("CC", UA_C_COMPILER, 1);
#endif
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula_eval),
        cmocka_unit_test(test_formula_box_errors),
        cmocka_unit_test(test_box_parse),
        cmocka_unit_test(test_function_1d),
        cmocka_unit_test(test_function_3d),
        cmocka_unit_test(test_function_crash),
        cmocka_unit_test(test_function_timeout),
        cmocka_unit_test(test_function_parent_death),
        cmocka_unit_test(test_function_errors),
        cmocka_unit_test(test_callback_and_sample),
        cmocka_unit_test(test_samples_arrays),
        cmocka_unit_test(test_read_samples),
        cmocka_unit_test(test_read_split),
        cmocka_unit_test(test_sequences),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
