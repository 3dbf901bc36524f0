/* cli/check_exhaustive.c — `uniapprox check --exhaustive`: a float32 kernel (a model's float
 * export, or a hand-written C file) compiled with the system compiler, loaded, and checked at
 * every float of an interval against the correctly rounded reference (uniapprox/exhaustive.h). */
#define _GNU_SOURCE /* MAP_ANONYMOUS (find_crash's shared float) */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <omp.h>

#include "cli.h"
#include "core/internal.h"

/* The float nearest to v on the inside of [lo, hi]: up for the lower end, down for the upper. */
static float inward(double v, int up)
{
    float f = (float)v;
    if (up && (double)f < v) f = nextafterf(f, INFINITY);
    if (!up && (double)f > v) f = nextafterf(f, -INFINITY);
    return f;
}

/* Splits s on blank space into a NULL-terminated vector (words point into the copy *buf). */
static char **split_args(const char *s, char **buf)
{
    size_t n = 0, cap = 1;
    for (const char *p = s; *p; p++) cap += *p == ' ' || *p == '\t';
    char **v = calloc(cap + 1, sizeof *v);
    *buf = malloc(strlen(s) + 1);
    if (!v || !*buf) {
        free(v);
        free(*buf);
        return NULL;
    }
    strcpy(*buf, s);
    for (char *p = *buf; *p;) {
        while (*p == ' ' || *p == '\t') *p++ = '\0';
        if (!*p) break;
        v[n++] = p;
        while (*p && *p != ' ' && *p != '\t') p++;
    }
    v[n] = NULL;
    return v;
}

static void point_json(cJSON *arr, const ua_exhaustive_point *p)
{
    char hex[64];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "x", p->x);
    snprintf(hex, sizeof hex, "%a", (double)p->x);
    cJSON_AddStringToObject(o, "x_hex", hex);
    cJSON_AddNumberToObject(o, "output", p->y);
    cJSON_AddNumberToObject(o, "correctly_rounded", p->ref_rn);
    cJSON_AddNumberToObject(o, "reference", p->ref);
    cJSON_AddNumberToObject(o, "err_ulp", p->err_ulp);
    cJSON_AddItemToArray(arr, o);
}

/* JSON cannot hold Inf or NaN: they are written as strings. */
static void add_num(cJSON *o, const char *key, double v)
{
    if (isfinite(v)) cJSON_AddNumberToObject(o, key, v);
    else cJSON_AddStringToObject(o, key, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
}

/* What the checking child sends back through its pipe. */
typedef struct {
    ua_status status;
    ua_exhaustive_result r;
    char message[512];
} child_report;

/* Reads exactly n bytes (or fewer at end of file); returns the count read. With timeout > 0
 * (seconds), gives up when nothing has arrived by then and sets *timed_out. */
static size_t read_full(int fd, void *buf, size_t n, double timeout, int *timed_out)
{
    size_t got = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    *timed_out = 0;
    while (got < n) {
        if (timeout > 0) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            double left = timeout - ((double)(now.tv_sec - t0.tv_sec) +
                                     1e-9 * (double)(now.tv_nsec - t0.tv_nsec));
            if (left <= 0) {
                *timed_out = 1;
                break;
            }
            struct pollfd p = { .fd = fd, .events = POLLIN };
            /* at most about 24 days per wait (int milliseconds); the loop waits again */
            int ms = left > 2e9 / 1000 ? 2000000000 : (int)ceil(left * 1000);
            int k = poll(&p, 1, ms);
            if (k < 0 && errno == EINTR) continue;
            if (k < 0) break;
            if (k == 0) continue; /* the deadline is checked above */
        }
        ssize_t k = read(fd, (char *)buf + got, n - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    return got;
}

/*
 * After the checking child crashed: fn run again in a child of its own, one float at a time from
 * lo upwards, on one thread and without the reference (so far cheaper than the check), the float
 * about to be passed kept in memory shared with this process. 1 with *at the first float it
 * crashed on (*sig its signal); 0 when the run finished without a crash (a crash of the threaded
 * check only), did not end within limit seconds (killed), or could not be set up.
 */
static int find_crash(ua_f32_fn fn, float lo, float hi, double limit, float *at, int *sig)
{
    volatile float *cur = mmap(NULL, sizeof(float), PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (cur == MAP_FAILED) return 0;
    *cur = NAN;
    fflush(NULL);
    pid_t parent = getpid();
    (void)parent;
    pid_t pid = fork();
    if (pid == 0) {
        static const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS,
                                     SIGINT, SIGTERM, SIGHUP };
        for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++) signal(crash[i], SIG_DFL);
        struct rlimit nocore = { 0, 0 };
        setrlimit(RLIMIT_CORE, &nocore);
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(3);
#endif
        for (float x = lo;; x = nextafterf(x, INFINITY)) {
            *cur = x;
            volatile float y = fn(x);
            (void)y;
            if (!(x < hi)) break;
        }
        _exit(0);
    }
    int found = 0;
    if (pid > 0) {
        ua_cli_kill_on_signal(pid);
        int wst = 0;
        pid_t w;
        double waited = 0;
        while ((w = waitpid(pid, &wst, WNOHANG)) == 0 || (w < 0 && errno == EINTR)) {
            if (w == 0 && waited >= limit) {
                kill(pid, SIGKILL);
                while (waitpid(pid, &wst, 0) < 0 && errno == EINTR) {}
                wst = 0; /* not a crash of the kernel's own */
                break;
            }
            nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
            waited += 0.01;
        }
        ua_cli_kill_on_signal(0);
        if (WIFSIGNALED(wst) && !isnan(*cur)) {
            *at = *cur;
            *sig = WTERMSIG(wst);
            found = 1;
        }
    }
    munmap((void *)cur, sizeof(float));
    return found;
}

/*
 * Runs the exhaustive check in a child process: the kernel is code from outside (a user's file,
 * or our own export compiled just now), and an abort, a segfault or an endless loop in it must
 * end with a message from uniapprox, not take uniapprox down or hang it. A child still running
 * after timeout seconds (> 0; 0 = no limit) is killed (SIGKILL). *cpu gets the child's CPU time
 * (all its threads). Returns the check's status; UA_EIO with a message when the child could not
 * run, died or timed out.
 */
static ua_status check_isolated(ua_f32_fn fn, const ua_target *t, float lo, float hi,
                                const ua_exhaustive_options *opt, ua_exhaustive_result *r,
                                double timeout, double *cpu)
{
    int fds[2];
    if (pipe(fds) != 0) return ua_exhaustive_f32(fn, t, lo, hi, opt, r);
    fflush(NULL);
    /* no signal between the fork and the registration of the child: a Ctrl-C then would leave
     * the child running */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid_t parent = getpid(); /* for the child's check below (Linux) */
    (void)parent;
    pid_t pid = fork();
    if (pid > 0) ua_cli_kill_on_signal(pid); /* a Ctrl-C of ours ends the check too */
    if (pid == 0) { /* the child dies of these signals as it is, with nothing to clean */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        /* and of a crash of the user's kernel: the handlers MPI (OpenMPI prints a backtrace of
         * the rank) or a sanitizer installed are the parent's business, not the kernel's */
        static const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS };
        for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++) signal(crash[i], SIG_DFL);
#ifdef __linux__
        /* and with its parent: a uniapprox killed outright (SIGKILL, as mpirun ends the other
         * ranks of a job when one dies) must not leave its check running, orphaned */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(3); /* the parent died before the line above */
#endif
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return ua_exhaustive_f32(fn, t, lo, hi, opt, r);
    }
    if (pid == 0) {
        close(fds[0]);
        child_report rep;
        memset(&rep, 0, sizeof rep);
        rep.status = ua_exhaustive_f32(fn, t, lo, hi, opt, &rep.r);
        snprintf(rep.message, sizeof rep.message, "%s", ua_last_error());
        size_t off = 0;
        while (off < sizeof rep) {
            ssize_t k = write(fds[1], (char *)&rep + off, sizeof rep - off);
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) _exit(3);
            off += (size_t)k;
        }
        _exit(0);
    }
    close(fds[1]);
    child_report rep;
    int timed_out;
    size_t got = read_full(fds[0], &rep, sizeof rep, timeout, &timed_out);
    close(fds[0]);
    if (timed_out) kill(pid, SIGKILL);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR) {}
    ua_cli_kill_on_signal(0);
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
        *cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
               (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    if (timed_out)
        return UA_ERR(UA_EIO, "the kernel timed out after %g s (killed; a kernel that never "
                      "returns, or a check longer than --timeout allows: raise it, or 0 = no limit)",
                      timeout);
    if (WIFSIGNALED(wst)) {
        /* name the input, as fit --function names the point of a crash: a re-run one float at
         * a time (a minute at most, and never longer than the check was allowed) */
        int sig = WTERMSIG(wst), sig1 = 0;
        char where[256] = "";
        float at = NAN;
        double limit = timeout > 0 && timeout < 60 ? timeout : 60;
        if (find_crash(fn, lo, hi, limit, &at, &sig1))
            snprintf(where, sizeof where, "; run again one float at a time from %.9g, it first "
                     "crashed at x = %.9g (%a)%s%s", (double)lo, (double)at, (double)at,
                     sig1 != sig ? ", with signal " : "", sig1 != sig ? strsignal(sig1) : "");
        else
            snprintf(where, sizeof where, "; run again one float at a time from %.9g to %.9g "
                     "within %g s, it did not crash: the input is not known", (double)lo,
                     (double)hi, limit);
        return UA_ERR(UA_EIO, "the kernel crashed while being checked (signal %d: %s)%s", sig,
                      strsignal(sig), where);
    }
    if (got != sizeof rep || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0)
        return UA_ERR(UA_EIO, "the checking process failed (exit status %d)",
                      WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
    *r = rep.r;
    if (rep.status) return UA_ERR(rep.status, "%s", rep.message);
    return UA_OK;
}

/* msg with every occurrence of path replaced by with, into out (truncated to len). */
static void replace_all(const char *msg, const char *path, const char *with, char *out,
                        size_t len)
{
    size_t n = 0, pl = strlen(path), wl = strlen(with);
    out[0] = '\0';
    for (const char *p = msg; *p && n + 1 < len;) {
        if (pl && !strncmp(p, path, pl)) {
            size_t k = wl < len - 1 - n ? wl : len - 1 - n;
            memcpy(out + n, with, k);
            n += k;
            p += pl;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
}

/*
 * The message and exit code of a model's float export that did not compile (or load): the
 * message names "the float export of 'MODEL'", not the private temporary file it was compiled
 * from (removed by then). With --cflags, the export is compiled once more without them: when it
 * compiles so, the flags were at fault (bad input, exit 2, as a hand-written kernel that does not
 * compile); otherwise, or without --cflags, the export of ours failed (exit 1).
 */
static int export_failed(const char *cmd, ua_status s, const char *model, const char *tmpsrc,
                         char **args, int compile_failed)
{
    char msg[2048], quoted[4300], named[4400], out[2048];
    snprintf(msg, sizeof msg, "%s", ua_cli_error_text());
    if (!*msg) snprintf(msg, sizeof msg, "%s", ua_strerror(s));
    snprintf(quoted, sizeof quoted, "'%s'", tmpsrc);
    snprintf(named, sizeof named, "the float export of '%s'", model);
    char step[2048];
    replace_all(msg, quoted, named, step, sizeof step);
    /* the compiler's own diagnostics name the file too ("/tmp/.../kernel.c:3:1: error") */
    replace_all(step, tmpsrc, "kernel.c", out, sizeof out);
    int code = ua_cli_exit_code(s);
    if (compile_failed && args && args[0]) {
        ua_compiled *plain = NULL;
        if (ua_compile_c(tmpsrc, NULL, &plain) == UA_OK) code = UA_EXIT_USAGE;
        ua_compiled_free(plain);
    }
    return ua_cli_error(cmd, code, "%s%s", out,
                        code == UA_EXIT_USAGE ? " (it compiles without --cflags: check them)"
                                              : "");
}

int ua_cli_check_exhaustive(const ua_cli_exhaustive_args *a)
{
    const char *cmd = "check";
    double lo_d = 0, hi_d = 0, maxulp = 0;
    size_t top = 10, threads = 0;
    if (a->lo && ua_cli_double(a->lo, &lo_d))
        return ua_cli_usage(cmd, "--lo '%s' is not a finite number", a->lo);
    if (a->hi && ua_cli_double(a->hi, &hi_d))
        return ua_cli_usage(cmd, "--hi '%s' is not a finite number", a->hi);
    if (a->top && (ua_cli_size(a->top, &top) || top > UA_EXHAUSTIVE_MAX_TOP))
        return ua_cli_usage(cmd, "--top '%s' must be a count <= %d", a->top, UA_EXHAUSTIVE_MAX_TOP);
    if (a->threads && (ua_cli_size(a->threads, &threads) || threads > 4096))
        return ua_cli_usage(cmd, "--threads '%s' must be a count (0 = all cores)", a->threads);
    if (a->max_ulp && (ua_cli_double(a->max_ulp, &maxulp) || !(maxulp >= 0)))
        return ua_cli_usage(cmd, "--max-ulp '%s' must be a number >= 0", a->max_ulp);
    double timeout = -1; /* -1: the default, set from the number of floats below */
    if (a->timeout && (ua_cli_double(a->timeout, &timeout) || !(timeout >= 0) || timeout > 1e9))
        return ua_cli_usage(cmd, "--timeout '%s' must be seconds >= 0 (0 = no limit)", a->timeout);
    if (a->kernel && a->model)
        return ua_cli_usage(cmd, "give either a MODEL or --kernel FILE.c, not both");
    if (!a->kernel && !a->model) return ua_cli_usage(cmd, "expected one MODEL or --kernel FILE.c");
    if (a->kernel && !a->symbol)
        return ua_cli_usage(cmd, "--kernel needs --symbol NAME (the float function to check)");
    if (a->kernel && !a->against)
        return ua_cli_usage(cmd, "--kernel needs --against EXPR (the target it approximates)");
    if (a->kernel && (!a->lo || !a->hi))
        return ua_cli_usage(cmd, "--kernel needs --lo A and --hi B (the interval to check)");

    ua_model *m = NULL;
    ua_status s;
    const char *spec = a->against, *symbol = a->symbol, *source = a->kernel;
    char tmpdir[4096] = "", tmpsrc[4200] = "";
    if (a->model) {
        if ((s = ua_model_load(a->model, &m))) return ua_cli_fail(cmd, s);
        if (!ua_cli_model_is_1d(cmd, m)) {
            ua_model_free(m);
            return UA_EXIT_USAGE;
        }
        if (!spec) spec = ua_model_target(m);
        if (!*spec) {
            ua_model_free(m);
            return ua_cli_usage(cmd, "the model stores no target: give one with --against");
        }
        double mlo, mhi;
        ua_model_domain(m, &mlo, &mhi);
        if (!a->lo) lo_d = mlo;
        if (!a->hi) hi_d = mhi;
        /* outside its domain a model is NaN by contract: checking there measures nothing */
        if (lo_d < mlo || hi_d > mhi) {
            ua_model_free(m);
            return ua_cli_usage(cmd, "[%.17g, %.17g] is not inside the model's domain "
                                "[%.17g, %.17g]", lo_d, hi_d, mlo, mhi);
        }
        /* the model's float export, in a private temporary directory */
        const char *tmp = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/uniapprox-check-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        ua_cli_remove_on_signal(NULL, NULL); /* installed before the folder exists */
        if (!mkdtemp(tmpdir)) {
            int e = errno;
            ua_model_free(m);
            return ua_cli_error(cmd, UA_EXIT_FAIL, "cannot create a temporary directory: %s",
                                strerror(e));
        }
        snprintf(tmpsrc, sizeof tmpsrc, "%s/kernel.c", tmpdir);
        ua_cli_remove_on_signal(tmpdir, tmpsrc);
        symbol = "ua_kernel";
        source = tmpsrc;
        s = ua_model_export_c(m, UA_EXPORT_FLOAT, symbol, tmpsrc);
        if (s) {
            rmdir(tmpdir);
            ua_model_free(m);
            return ua_cli_fail(cmd, s);
        }
    }
    float lo = inward(lo_d, 1), hi = inward(hi_d, 0);
    int rc = UA_EXIT_OK;
    ua_target *t = NULL;
    ua_compiled *so = NULL;
    char *argbuf = NULL, **args = NULL;
    if (!(lo <= hi)) {
        rc = ua_cli_usage(cmd, "no float lies in [%.17g, %.17g]", lo_d, hi_d);
        goto done;
    }
    if ((s = ua_target_parse(spec, NULL, 0, &t))) {
        rc = ua_cli_fail(cmd, s);
        goto done;
    }
    if (a->cflags && !(args = split_args(a->cflags, &argbuf))) {
        rc = ua_cli_usage(cmd, "out of memory");
        goto done;
    }
    void *sym;
    if ((s = ua_compile_c(source, (const char *const *)args, &so)) ||
        (s = ua_compiled_symbol(so, symbol, &sym))) {
        int compile_failed = strstr(ua_last_error(), "compiling '") != NULL;
        if (a->kernel) {
            rc = ua_cli_fail(cmd, s);
            /* a hand-written kernel that does not compile (or lacks the symbol) is bad input,
             * as for fit --function */
            if (compile_failed) rc = UA_EXIT_USAGE;
        } else {
            rc = export_failed(cmd, s, a->model, tmpsrc, args, compile_failed);
        }
        goto done;
    }
    ua_f32_fn fn;
    memcpy(&fn, &sym, sizeof fn); /* object pointer -> function pointer, as dlsym requires */
    /* loaded: the source of the model's export is not needed during the (long) check */
    if (*tmpsrc) unlink(tmpsrc);
    if (*tmpdir) rmdir(tmpdir);
    tmpsrc[0] = tmpdir[0] = '\0';
    ua_cli_remove_on_signal(NULL, NULL);

    ua_exhaustive_options opt;
    ua_exhaustive_options_default(&opt);
    opt.threads = (int)threads;
    opt.top = top;
    ua_exhaustive_result r;
    int nthreads = threads ? (int)threads : omp_get_max_threads();
    /* under mpirun each rank checks its block of the floats (uniapprox/dist.h), and the results
     * are combined into the whole interval's on every rank */
    int nranks = ua_dist_size();
    float sub_lo = lo, sub_hi = hi;
    int has_share = ua_exhaustive_share(lo, hi, &sub_lo, &sub_hi);
    if (!a->json && ua_dist_rank() == 0) {
        fprintf(stderr, "uniapprox check: %llu floats on %d thread%s",
                (unsigned long long)ua_f32_count(lo, hi), nthreads, nthreads == 1 ? "" : "s");
        if (nranks > 1) fprintf(stderr, " x %d ranks", nranks);
        fprintf(stderr, "...\n");
    }
    if (timeout < 0) /* default: 600 s, or 20 us per float per thread when that is longer */
        timeout = fmax(UA_CLI_CHECK_TIMEOUT, 20e-6 * (double)ua_f32_count(sub_lo, sub_hi) /
                       nthreads);
    double t0 = omp_get_wtime();
    double cpu = 0; /* CPU time of every thread: the cost on an idle machine */
    memset(&r, 0, sizeof r);
    s = has_share ? check_isolated(fn, t, sub_lo, sub_hi, &opt, &r, timeout, &cpu) : UA_OK;
    if (nranks > 1) {
        /* every rank learns whether any share failed (a kernel that crashes on one rank's floats
         * only) before the combination, which is collective: a failed rank must not leave the
         * others waiting in it while it waits at the end of the command (ua_cli_dist_end) */
        if (s) rc = ua_cli_fail(cmd, s); /* held back on a rank > 0 (cli/dist_output.c) */
        double failed = s ? 1.0 : 0.0;
        ua_status ss = ua_dist_allreduce_sum(&failed, 1);
        if (ss && !s) rc = ua_cli_fail(cmd, ss);
        if (s || ss) goto done;
        /* another rank failed: it prints its message ("rank N: ..."), and the job exits with its
         * code (ua_cli_dist_end: rank 0's code, or else the first failure in rank order) */
        if (failed > 0) goto done;
    }
    if (!s) s = ua_exhaustive_combine(&r, top);
    if (!s) s = ua_dist_allreduce_sum(&cpu, 1); /* every rank's CPU time */
    double secs = omp_get_wtime() - t0;
    if (s) {
        rc = ua_cli_fail(cmd, s);
        goto done;
    }
    const char *what = a->model ? a->model : a->kernel;
    if (a->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, a->model ? "model" : "kernel", what);
        cJSON_AddStringToObject(o, "symbol", symbol);
        cJSON_AddStringToObject(o, "against", spec);
        cJSON *d = cJSON_AddArrayToObject(o, "interval");
        cJSON_AddItemToArray(d, cJSON_CreateNumber(lo));
        cJSON_AddItemToArray(d, cJSON_CreateNumber(hi));
        cJSON_AddNumberToObject(o, "count", (double)r.count);
        add_num(o, "max_ulp", r.max_ulp);
        cJSON_AddNumberToObject(o, "not_correctly_rounded", (double)r.n_not_cr);
        cJSON_AddNumberToObject(o, "over_1ulp", (double)r.n_over_1ulp);
        cJSON_AddNumberToObject(o, "nan_mismatch", (double)r.n_nan_mismatch);
        cJSON_AddNumberToObject(o, "inf_mismatch", (double)r.n_inf_mismatch);
        cJSON_AddNumberToObject(o, "decided_by_mpfr", (double)r.n_mpfr);
        cJSON_AddNumberToObject(o, "undecided", (double)r.n_undecided);
        cJSON_AddBoolToObject(o, "fast_path", r.fast_path);
        cJSON_AddNumberToObject(o, "threads", nthreads);
        cJSON_AddNumberToObject(o, "ranks", nranks);
        cJSON_AddNumberToObject(o, "seconds", secs);
        cJSON_AddNumberToObject(o, "cpu_seconds", cpu);
        cJSON *w = cJSON_AddArrayToObject(o, "worst");
        for (size_t i = 0; i < r.ntop; i++) point_json(w, &r.top[i]);
        ua_cli_print_json(o);
    } else {
        printf("kernel    %s %s\n", symbol,
               a->model ? "(the model's float export)" : "(hand-written)");
        printf("from      %s\n", what);
        printf("against   %s, every float in [%.9g, %.9g]\n", spec, (double)lo, (double)hi);
        printf("reference %s\n", r.fast_path ? "libm double (curated target) + MPFR near rounding "
                                               "boundaries (Ziv)"
                                             : "MPFR, Ziv's loop (target not in the curated set)");
        printf("  floats checked        %llu\n", (unsigned long long)r.count);
        if (r.ntop)
            printf("  max error             %.6g ULP at x = %a (%.9g)\n", r.max_ulp,
                   (double)r.top[0].x, (double)r.top[0].x);
        else
            printf("  max error             %.6g ULP\n", r.max_ulp);
        printf("  not correctly rounded %llu (%.4g%%)\n", (unsigned long long)r.n_not_cr,
               r.count ? 100.0 * (double)r.n_not_cr / (double)r.count : 0.0);
        printf("  over 1 ULP            %llu\n", (unsigned long long)r.n_over_1ulp);
        printf("  NaN / Inf mismatches  %llu / %llu\n", (unsigned long long)r.n_nan_mismatch,
               (unsigned long long)r.n_inf_mismatch);
        printf("  decided by MPFR       %llu (undecided at 4096 bits: %llu)\n",
               (unsigned long long)r.n_mpfr, (unsigned long long)r.n_undecided);
        printf("  time                  %.2f s on %d thread%s", secs, nthreads,
               nthreads == 1 ? "" : "s");
        if (nranks > 1) printf(" x %d ranks", nranks);
        printf(", %.2f s of CPU (%.1f ns of CPU per float)\n", cpu,
               r.count ? cpu * 1e9 / (double)r.count : 0.0);
        if (r.ntop) {
            printf("worst inputs:\n  %-16s %-16s %-16s %-16s %-24s %s\n", "x", "x (hex)", "output",
                   "correctly rnd", "reference f(x)", "err ULP");
            for (size_t i = 0; i < r.ntop; i++)
                printf("  %-16.9g %-16a %-16.9g %-16.9g %-24.17g %.6g\n", (double)r.top[i].x,
                       (double)r.top[i].x, (double)r.top[i].y, (double)r.top[i].ref_rn,
                       r.top[i].ref, r.top[i].err_ulp);
        }
    }
    if (a->max_ulp && !(r.max_ulp <= maxulp)) {
        rc = ua_cli_error(cmd, UA_EXIT_FAIL, "max error %.6g ULP exceeds --max-ulp %g", r.max_ulp,
                          maxulp);
    }
    /* a NaN where the function is a number (or a number where it is NaN), or a wrong infinity,
     * is no rounding error for a tolerance to allow: not correct whatever --max-ulp says, as
     * libm --check counts it */
    if (!rc && (r.n_nan_mismatch || r.n_inf_mismatch))
        rc = ua_cli_error(cmd, UA_EXIT_FAIL, "not correct: %llu NaN and %llu Inf mismatches (a NaN "
                          "or infinity where the correctly rounded value is not one, or the "
                          "reverse)", (unsigned long long)r.n_nan_mismatch,
                          (unsigned long long)r.n_inf_mismatch);
done:
    ua_compiled_free(so);
    ua_target_free(t);
    free(args);
    free(argbuf);
    if (*tmpsrc) unlink(tmpsrc);
    if (*tmpdir) rmdir(tmpdir);
    ua_model_free(m);
    return rc;
}
