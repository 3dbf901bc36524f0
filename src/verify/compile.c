/* ua_compile_c: C source -> shared object with the system compiler -> dlopen
 * (uniapprox/exhaustive.h). The compiler runs through posix_spawnp with an argument vector (no
 * shell), its diagnostics go to a file in the private temporary directory and are quoted in the
 * error message: the library never prints. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/internal.h"
#include "uniapprox/exhaustive.h"

extern char **environ;

struct ua_compiled {
    void *handle;
};

#define MAX_ARGS 96

/* Splits a copy of s on blank space into argv[*n...]; returns the copy (to free) or NULL. */
static char *split_words(const char *s, char **argv, size_t *n, size_t max)
{
    char *copy = ua_strdup(s);
    if (!copy) return NULL;
    for (char *p = copy; *p && *n < max;) {
        while (*p == ' ' || *p == '\t') *p++ = '\0';
        if (!*p) break;
        argv[(*n)++] = p;
        while (*p && *p != ' ' && *p != '\t') p++;
    }
    return copy;
}

/* The first lines of the compiler's diagnostics (at most len - 1 bytes), newlines as " | ". */
static void read_diagnostics(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return;
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\n') buf[i] = i + 1 < n ? ';' : '\0';
}

/* The temporary directory of the compilation in progress, for ua_compile_remove_temps (a
 * program's SIGINT handler): fixed buffers, published by a flag, so that the handler needs
 * nothing but unlink and rmdir. One slot: compilations run one at a time in practice (the CLI,
 * a problem's setup); a second concurrent one is simply not registered. */
static char temp_dir[4096], temp_so[4200], temp_log[4200];
static volatile sig_atomic_t temp_active;

static void register_temps(const char *dir, const char *so, const char *log)
{
    if (temp_active) return;
    snprintf(temp_dir, sizeof temp_dir, "%s", dir);
    snprintf(temp_so, sizeof temp_so, "%s", so);
    snprintf(temp_log, sizeof temp_log, "%s", log);
    temp_active = 1;
}

void ua_compile_remove_temps(void)
{
    if (!temp_active) return;
    temp_active = 0;
    unlink(temp_so);
    unlink(temp_log);
    rmdir(temp_dir);
}

static void remove_dir(const char *dir, const char *so, const char *log)
{
    if (temp_active && strcmp(dir, temp_dir) == 0) temp_active = 0;
    unlink(so);
    unlink(log);
    rmdir(dir);
}

ua_status ua_compile_c(const char *source_path, const char *const *extra_args, ua_compiled **out)
{
    if (out) *out = NULL;
    if (!source_path || !out) return UA_ERR(UA_EINVAL, "ua_compile_c: NULL argument");
    if (access(source_path, R_OK) != 0)
        return UA_ERR(UA_EINVAL, "cannot read '%s': %s", source_path, strerror(errno));

    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    char dir[4096], so[4200], log[4200];
    if (snprintf(dir, sizeof dir, "%s/uniapprox-cc-XXXXXX", tmp) >= (int)sizeof dir)
        return UA_ERR(UA_EINVAL, "TMPDIR is too long");
    if (!mkdtemp(dir))
        return UA_ERR(UA_EIO, "cannot create a temporary directory in '%s': %s", tmp,
                      strerror(errno));
    snprintf(so, sizeof so, "%s/kernel.so", dir);
    snprintf(log, sizeof log, "%s/cc.log", dir);
    register_temps(dir, so, log);

    char *argv[MAX_ARGS + 1];
    size_t n = 0;
    const char *cc = getenv("CC");
    char *words = split_words(cc && *cc ? cc : "cc", argv, &n, 8);
    if (!words || n == 0) {
        free(words);
        remove_dir(dir, so, log);
        return words ? UA_ERR(UA_EINVAL, "CC is blank") : UA_ENOMEM_ERR(64);
    }
    static const char *const base[] = {"-std=c99", "-O2", "-ffp-contract=off", "-fPIC", "-shared"};
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) argv[n++] = (char *)base[i];
    size_t nextra = 0;
    while (extra_args && extra_args[nextra]) nextra++;
    if (nextra + n + 9 > MAX_ARGS) {
        free(words);
        remove_dir(dir, so, log);
        return UA_ERR(UA_EINVAL, "too many compiler arguments (at most %d)", MAX_ARGS - 20);
    }
    /* options first; libraries (-lNAME) after the source, where the linker looks for them */
    for (size_t i = 0; i < nextra; i++)
        if (strncmp(extra_args[i], "-l", 2) != 0) argv[n++] = (char *)extra_args[i];
    argv[n++] = (char *)"-o";
    argv[n++] = so;
    /* the source as C whatever its name ends in (f.txt would go to the linker as a script), and
     * never read as an option (a name starting with '-' gets "./") */
    argv[n++] = (char *)"-x";
    argv[n++] = (char *)"c";
    char *src = malloc(strlen(source_path) + 3);
    if (!src) {
        free(words);
        remove_dir(dir, so, log);
        return UA_ENOMEM_ERR(strlen(source_path) + 3);
    }
    snprintf(src, strlen(source_path) + 3, "%s%s", source_path[0] == '-' ? "./" : "", source_path);
    argv[n++] = src;
    argv[n++] = (char *)"-x";
    argv[n++] = (char *)"none";
    for (size_t i = 0; i < nextra; i++)
        if (strncmp(extra_args[i], "-l", 2) == 0) argv[n++] = (char *)extra_args[i];
    argv[n++] = (char *)"-lm";
    argv[n] = NULL;

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        ua_status s = UA_ERR(UA_EIO, "cannot run the C compiler '%s': %s", argv[0], strerror(rc));
        free(words);
        free(src);
        remove_dir(dir, so, log);
        return s;
    }
    int wst;
    while (waitpid(pid, &wst, 0) < 0)
        if (errno != EINTR) {
            wst = -1;
            break;
        }
    if (wst == -1 || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
        char diag[600];
        read_diagnostics(log, diag, sizeof diag);
        ua_status s = UA_ERR(UA_EIO, "compiling '%s' with '%s' failed (%s %d): %s", source_path,
                             argv[0], wst != -1 && WIFEXITED(wst) ? "exit status" : "signal",
                             wst == -1 ? -1 : WIFEXITED(wst) ? WEXITSTATUS(wst) : WTERMSIG(wst),
                             diag);
        free(words);
        free(src);
        remove_dir(dir, so, log);
        return s;
    }
    free(words);
    free(src);

    ua_compiled *c = malloc(sizeof *c);
    if (!c) {
        remove_dir(dir, so, log);
        return UA_ENOMEM_ERR(sizeof *c);
    }
    c->handle = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!c->handle) {
        const char *e = dlerror();
        ua_status s = UA_ERR(UA_EIO, "cannot load the compiled '%s': %s", source_path,
                             e ? e : "dlopen failed");
        free(c);
        remove_dir(dir, so, log);
        return s;
    }
    remove_dir(dir, so, log); /* the mapping stays valid after the file is unlinked */
    *out = c;
    return UA_OK;
}

ua_status ua_compiled_symbol(const ua_compiled *c, const char *name, void **addr)
{
    if (addr) *addr = NULL;
    if (!c || !name || !addr) return UA_ERR(UA_EINVAL, "ua_compiled_symbol: NULL argument");
    dlerror();
    void *p = dlsym(c->handle, name);
    if (!p) return UA_ERR(UA_ENOTFOUND, "the compiled code defines no symbol '%s'", name);
    *addr = p;
    return UA_OK;
}

void ua_compiled_free(ua_compiled *c)
{
    if (!c) return;
    dlclose(c->handle);
    free(c);
}
