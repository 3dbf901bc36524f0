/*
 * The user's C function in a child process (ua_problem_function, uniapprox/problem.h).
 *
 * The function is compiled (ua_compile_c) or loaded (dlopen) in this process, which then forks a
 * child that holds the same code. Parent and child talk over a socket pair: the parent sends a
 * batch (a count, then the points), the child calls the function on each point and sends the
 * values back. Before each call the child writes the point's index to a page shared with the
 * parent (MAP_SHARED), and after it bumps a counter of finished calls, so that when the child
 * dies (a signal, an exit) or stops making progress (a time-out), the parent can name the exact
 * point it was evaluating. The child is then killed and reaped, and a new one is forked on the
 * next call. A socket rather than a pipe so that sending to a dead child is an error (EPIPE with
 * MSG_NOSIGNAL), not a SIGPIPE that would kill the caller.
 *
 * The child allocates nothing: its buffers are allocated by the parent before the fork.
 */
#define _GNU_SOURCE /* prctl, MAP_ANONYMOUS, close_range */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "core/internal.h"
#include "internal.h"
#include "uniapprox/exhaustive.h"

/* Points per message: the child's buffers hold one batch. */
#define BATCH 1024

/* What the child shares with the parent. */
typedef struct {
    volatile uint64_t index; /* the point of the batch being evaluated */
    volatile uint64_t done;  /* calls finished since the child started */
} shared_page;

typedef double (*fn_scalar)(double);
typedef double (*fn_vector)(const double *);

struct ua_child {
    pthread_mutex_t mu;
    char *name;       /* "FILE.c:SYMBOL", for messages */
    size_t d;
    int vector;       /* call as double f(const double *x) */
    double timeout;   /* seconds without a finished call before the child is killed */
    ua_compiled *lib; /* FILE.c */
    void *dl;         /* FILE.so */
    void *fn;
    pid_t pid;        /* 0: no child running */
    int fd;           /* the parent's end of the socket pair, -1 when none */
    double *buf;      /* BATCH * d inputs, then BATCH outputs (the child's buffers) */
    shared_page *sh;
};

/* ---- the child ------------------------------------------------------------------------------ */

static int read_full(int fd, void *p, size_t n)
{
    char *c = p;
    while (n) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return 0;
        c += r;
        n -= (size_t)r;
    }
    return 1;
}

static int send_full(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t r = send(fd, c, n, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return 0;
        c += r;
        n -= (size_t)r;
    }
    return 1;
}

/* Makes the forked child a clean evaluator: default signal actions (so that a crash is reported
 * as the signal, whatever handlers the caller installed), nothing blocked, no core files, no
 * descriptors but its socket (moved to 3) and the standard ones, stdin from /dev/null, stdout
 * to stderr (a function that prints must not write into the caller's output), and death with
 * the parent. */
static int child_setup(int fd, pid_t parent)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent) _exit(1); /* the parent died before prctl */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP) sigaction(s, &sa, NULL);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    struct rlimit nocore = {0, 0};
    setrlimit(RLIMIT_CORE, &nocore);
    if (fd != 3) {
        if (dup2(fd, 3) < 0) _exit(1);
        fd = 3;
    }
#if defined(__linux__) && defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
    if (close_range(4, ~0U, 0) != 0)
#endif
    {
        long max = sysconf(_SC_OPEN_MAX);
        if (max < 0 || max > 65536) max = 65536;
        for (int i = 4; i < max; i++) close(i);
    }
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0 && null != 0) {
        dup2(null, 0);
        close(null);
    }
    dup2(2, 1);
    return fd;
}

static void child_main(ua_child *c, int fd)
{
    double *x = c->buf, *y = c->buf + BATCH * c->d;
    for (;;) {
        uint64_t n;
        if (!read_full(fd, &n, sizeof n)) _exit(0);
        if (n > BATCH || !read_full(fd, x, (size_t)n * c->d * sizeof *x)) _exit(0);
        for (uint64_t i = 0; i < n; i++) {
            c->sh->index = i;
            y[i] = c->vector ? ((fn_vector)c->fn)(x + i * c->d) : ((fn_scalar)c->fn)(x[i]);
            c->sh->done = c->sh->done + 1;
        }
        if (!send_full(fd, y, (size_t)n * sizeof *y)) _exit(0);
    }
}

/* ---- the parent ----------------------------------------------------------------------------- */

static ua_status spawn(ua_child *c)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return UA_ERR(UA_EIO, "%s: cannot create a socket pair: %s", c->name, strerror(errno));
    c->sh->index = 0;
    c->sh->done = 0;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(sv[0]);
        close(sv[1]);
        return UA_ERR(UA_EIO, "%s: cannot fork the process that runs it: %s", c->name,
                      strerror(e));
    }
    if (pid == 0) {
        close(sv[0]);
        child_main(c, child_setup(sv[1], parent));
        _exit(0);
    }
    close(sv[1]);
    c->fd = sv[0];
    c->pid = pid;
    return UA_OK;
}

/* Kills (when kill_it) and reaps the child; *status gets its wait status (-1 if unknown). */
static void reap(ua_child *c, int kill_it, int *status)
{
    int st = -1;
    if (c->pid > 0) {
        if (kill_it) kill(c->pid, SIGKILL);
        while (waitpid(c->pid, &st, 0) < 0) {
            if (errno != EINTR) {
                st = -1;
                break;
            }
        }
    }
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    c->pid = 0;
    if (status) *status = st;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Waits until fd is ready for events or the child made no progress for c->timeout seconds.
 * 1 ready, 0 time-out, -1 error. The counter of finished calls is looked at every twentieth of
 * the time-out, so that the clock restarts near the last finished call: looked at only when the
 * time-out ran out, a hang that began just after a finished call would be killed after nearly
 * twice the time-out. */
static int wait_ready(ua_child *c, short events)
{
    uint64_t done = c->sh->done;
    double since = now_s(), slice = fmax(0.01, c->timeout / 20);
    for (;;) {
        double t = now_s();
        if (c->sh->done != done) { /* a call finished: the clock starts again */
            done = c->sh->done;
            since = t;
        }
        double left = c->timeout - (t - since);
        if (left <= 0) return 0;
        struct pollfd p = {c->fd, events, 0};
        double wait = fmin(left, slice);
        int ms = (int)ceil(wait * 1000);
        int r = poll(&p, 1, ms);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r > 0) return 1;
    }
}

/* 1 sent / received, 0 time-out, -1 the child is gone. */
static int xfer(ua_child *c, void *p, size_t n, int sending)
{
    char *b = p;
    while (n) {
        int w = wait_ready(c, sending ? POLLOUT : POLLIN);
        if (w <= 0) return w;
        ssize_t r = sending ? send(c->fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT)
                            : recv(c->fd, b, n, MSG_DONTWAIT);
        if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        if (r <= 0) return -1;
        b += r;
        n -= (size_t)r;
    }
    return 1;
}

static const char *signal_text(int sig, char *buf, size_t len)
{
    switch (sig) {
    case SIGSEGV: return "signal SIGSEGV, segmentation fault";
    case SIGBUS: return "signal SIGBUS, bus error";
    case SIGFPE: return "signal SIGFPE, arithmetic exception";
    case SIGILL: return "signal SIGILL, illegal instruction";
    case SIGABRT: return "signal SIGABRT, abort";
    case SIGKILL: return "signal SIGKILL, killed";
    case SIGTERM: return "signal SIGTERM, terminated";
    case SIGINT: return "signal SIGINT, interrupted";
    default: snprintf(buf, len, "signal %d", sig); return buf;
    }
}

ua_status ua_child_eval(ua_child *c, char *const *vars, const double *x, size_t n, double *y)
{
    if (!c) return UA_ERR(UA_EINVAL, "ua_child_eval: no function");
    pthread_mutex_lock(&c->mu);
    ua_status s = UA_OK;
    for (size_t at = 0; at < n && s == UA_OK;) {
        size_t m = n - at < BATCH ? n - at : BATCH;
        /* a child that died between calls (PR_SET_PDEATHSIG follows the thread that forked it,
           which may have ended) evaluated nothing: start another */
        pid_t gone = c->pid > 0 ? waitpid(c->pid, NULL, WNOHANG) : 0;
        /* (ECHILD: the caller ignores SIGCHLD, so children reap themselves; ask the process) */
        if (gone == c->pid || (gone < 0 && errno == ECHILD && kill(c->pid, 0) != 0)) {
            c->pid = 0;
            reap(c, 0, NULL);
        }
        if (c->pid == 0 && (s = spawn(c))) break;
        c->sh->index = 0;
        uint64_t hdr = m;
        int r = xfer(c, &hdr, sizeof hdr, 1);
        if (r > 0) r = xfer(c, (void *)(x + at * c->d), m * c->d * sizeof *x, 1);
        if (r > 0) r = xfer(c, y + at, m * sizeof *y, 0);
        if (r > 0) {
            at += m;
            continue;
        }
        uint64_t i = c->sh->index;
        if (i >= m) i = 0;
        int st;
        reap(c, 1, &st);
        char pt[512], sig[64], what[128];
        ua_problem_point_text(pt, sizeof pt, vars, x + (at + i) * c->d, c->d);
        if (r == 0) snprintf(what, sizeof what, "did not return within %g s", c->timeout);
        else if (st != -1 && WIFSIGNALED(st))
            snprintf(what, sizeof what, "crashed (%s)",
                     signal_text(WTERMSIG(st), sig, sizeof sig));
        else if (st != -1 && WIFEXITED(st))
            snprintf(what, sizeof what, "exited (status %d)", WEXITSTATUS(st));
        else snprintf(what, sizeof what, "stopped answering");
        s = UA_ERR(UA_EDOMAIN, "%s %s at %s", c->name, what, pt);
    }
    pthread_mutex_unlock(&c->mu);
    return s;
}

void ua_child_free(ua_child *c)
{
    if (!c) return;
    reap(c, 1, NULL);
    ua_compiled_free(c->lib);
    if (c->dl) dlclose(c->dl);
    if (c->sh) munmap(c->sh, sizeof *c->sh);
    pthread_mutex_destroy(&c->mu);
    free(c->buf);
    free(c->name);
    free(c);
}

/* ---- compiling and loading ------------------------------------------------------------------ */

static int is_ident(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return 0;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n > m && strcmp(s + n - m, tail) == 0;
}

/* Splits a copy of cflags on blanks into args (NULL-terminated, after *n entries). */
static char *split_words(const char *s, const char **args, size_t *n, size_t max)
{
    char *copy = ua_strdup(s ? s : "");
    if (!copy) return NULL;
    for (char *p = copy; *p && *n < max;) {
        while (*p == ' ' || *p == '\t') *p++ = '\0';
        if (!*p) break;
        args[(*n)++] = p;
        while (*p && *p != ' ' && *p != '\t') p++;
    }
    args[*n] = NULL;
    return copy;
}

/* Compiles path with ua_compile_c; a compiler that rejects the code is UA_EPARSE quoting it. */
static ua_status compile(const char *path, const char *shown, const char *const *args,
                         ua_compiled **out)
{
    ua_status s = ua_compile_c(path, args, out);
    if (s == UA_EIO && strncmp(ua_last_error(), "compiling '", 11) == 0) {
        char msg[1024];
        ua_last_error_message(msg, sizeof msg);
        const char *diag = strstr(msg, "): ");
        return UA_ERR(UA_EPARSE, "%s does not compile: %s", shown, diag ? diag + 3 : msg);
    }
    return s;
}

/* Writes the shim that takes the address of symbol into a pointer of the expected type, so that
 * a wrong signature is a compile error: DIR/shim.c. */
static ua_status write_shim(const char *shim, const char *file, const char *symbol, int vector)
{
    char *abs = realpath(file, NULL);
    if (!abs) return UA_ERR(UA_EINVAL, "cannot read '%s': %s", file, strerror(errno));
    FILE *f = fopen(shim, "w");
    if (!f) {
        free(abs);
        return UA_ERR(UA_EIO, "cannot write '%s': %s", shim, strerror(errno));
    }
    fputs("#include \"", f);
    for (const char *p = abs; *p; p++) {
        if (*p == '"' || *p == '\\') fputc('\\', f);
        fputc(*p, f);
    }
    fprintf(f, "\"\ndouble (*ua_problem_fn_ptr_)(%s) = &%s;\n",
            vector ? "const double *" : "double", symbol);
    free(abs);
    if (fclose(f) != 0) return UA_ERR(UA_EIO, "cannot write '%s': %s", shim, strerror(errno));
    return UA_OK;
}

/* Compiles FILE.c through the shim; on failure tells a compile error, a missing symbol and a
 * wrong signature apart by compiling the file alone. */
static ua_status load_c(ua_child *c, const char *file, const char *symbol, const char *cflags)
{
    const char *args[100];
    size_t na = 0;
    char *words = split_words(cflags, args, &na, 96);
    if (!words) return UA_ENOMEM_ERR(cflags ? strlen(cflags) + 1 : 1);
    const char *tmp = getenv("TMPDIR");
    char dir[4096], shim[4200];
    if (!tmp || !*tmp) tmp = "/tmp";
    ua_status s = UA_OK;
    if (snprintf(dir, sizeof dir, "%s/uniapprox-fn-XXXXXX", tmp) >= (int)sizeof dir)
        s = UA_ERR(UA_EINVAL, "TMPDIR is too long");
    else if (!mkdtemp(dir))
        s = UA_ERR(UA_EIO, "cannot create a temporary directory in '%s': %s", tmp, strerror(errno));
    if (s) {
        free(words);
        return s;
    }
    snprintf(shim, sizeof shim, "%s/shim.c", dir);
    if (!(s = write_shim(shim, file, symbol, c->vector))) {
        args[na++] = "-Werror=incompatible-pointer-types";
        args[na] = NULL;
        s = ua_compile_c(shim, args, &c->lib);
        args[--na] = NULL;
    }
    unlink(shim);
    rmdir(dir);
    if (s == UA_OK) {
        void *ptr;
        if ((s = ua_compiled_symbol(c->lib, "ua_problem_fn_ptr_", &ptr)) == UA_OK)
            c->fn = *(void **)ptr;
        free(words);
        return s;
    }
    if (s != UA_EIO || strncmp(ua_last_error(), "compiling '", 11) != 0) {
        free(words);
        return s;
    }
    /* why did the shim not compile? */
    s = compile(file, file, args, &c->lib);
    free(words);
    if (s) return s;
    void *addr;
    if (ua_compiled_symbol(c->lib, symbol, &addr) != UA_OK)
        return UA_ERR(UA_ENOTFOUND, "%s defines no function '%s'", file, symbol);
    return UA_ERR(UA_EINVAL, "%s:%s: wrong signature: expected double %s(%s)", file, symbol,
                  symbol, c->vector ? "const double *x" : "double");
}

static ua_status load_so(ua_child *c, const char *file, const char *symbol)
{
    char path[4200];
    /* a name without '/' would be looked for on the library path, not here */
    snprintf(path, sizeof path, "%s%s", strchr(file, '/') ? "" : "./", file);
    c->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!c->dl) {
        const char *e = dlerror();
        return UA_ERR(UA_EINVAL, "cannot load '%s': %s", file, e ? e : "dlopen failed");
    }
    dlerror();
    c->fn = dlsym(c->dl, symbol);
    if (!c->fn) return UA_ERR(UA_ENOTFOUND, "%s defines no function '%s'", file, symbol);
    return UA_OK;
}

ua_status ua_child_start(const char *source, size_t dim, int vector, const char *cflags,
                         double timeout, ua_child **out)
{
    *out = NULL;
    const char *colon = strrchr(source, ':');
    if (!colon || colon == source || !is_ident(colon + 1))
        return UA_ERR(UA_EINVAL, "'%.200s' is not FILE.c:SYMBOL or FILE.so:SYMBOL", source);
    size_t flen = (size_t)(colon - source);
    char file[4096];
    if (flen >= sizeof file) return UA_ERR(UA_EINVAL, "the file name in '%.100s...' is too long", source);
    memcpy(file, source, flen);
    file[flen] = '\0';
    const char *symbol = colon + 1;
    int is_c = ends_with(file, ".c"), is_so = ends_with(file, ".so") || strstr(file, ".so.");
    if (!is_c && !is_so)
        return UA_ERR(UA_EINVAL, "'%.200s': the file must be C source (.c) or a shared object (.so)",
                      source);
    struct stat stt;
    if (stat(file, &stt) != 0 || access(file, R_OK) != 0)
        return UA_ERR(UA_EINVAL, "cannot read '%s': %s", file, strerror(errno));
    if (S_ISDIR(stt.st_mode)) return UA_ERR(UA_EINVAL, "'%s' is a directory", file);

    ua_child *c = calloc(1, sizeof *c);
    if (!c) return UA_ENOMEM_ERR(sizeof *c);
    c->fd = -1;
    c->d = dim;
    c->vector = vector || dim > 1;
    c->timeout = timeout > 0 ? timeout : 60;
    pthread_mutex_init(&c->mu, NULL);
    c->name = ua_strdup(source);
    c->buf = ua_calloc(BATCH * (dim + 1), sizeof *c->buf);
    void *sh = mmap(NULL, sizeof *c->sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    c->sh = sh == MAP_FAILED ? NULL : sh;
    ua_status s = UA_OK;
    if (!c->name || !c->buf) s = UA_ENOMEM_ERR(BATCH * (dim + 1) * sizeof *c->buf);
    else if (!c->sh) s = UA_ERR(UA_ENOMEM, "cannot map a shared page: %s", strerror(errno));
    else if (is_c) s = load_c(c, file, symbol, cflags);
    else s = load_so(c, file, symbol);
    if (!s) s = spawn(c);
    if (s) {
        ua_child_free(c);
        return s;
    }
    *out = c;
    return UA_OK;
}
