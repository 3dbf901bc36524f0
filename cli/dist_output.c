/* cli/dist_output.c — where a rank > 0 of an MPI job writes the command's --output: into a
 * private scratch folder of its own, removed at exit, so that only rank 0 writes the file the
 * user named (the ranks would otherwise race on it) while every rank runs the command exactly as
 * rank 0 does (the name's extension, which selects a format, is kept). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static char scratch_dir[4096];
static char scratch_path[4096 + 256];

void ua_cli_rank_output_cleanup(void)
{
    if (!scratch_dir[0]) return;
    /* the folder is ours and flat: the output and whatever the command wrote beside it */
    DIR *d = opendir(scratch_dir);
    if (d) {
        struct dirent *e;
        char p[4096 + 512];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(p, sizeof p, "%s/%s", scratch_dir, e->d_name);
                unlink(p);
            }
        closedir(d);
    }
    rmdir(scratch_dir);
    scratch_dir[0] = '\0';
}

const char *ua_cli_rank_output(const char *path)
{
    if (ua_dist_rank() == 0 || !path || !*path || !strcmp(path, "-")) return path;
    if (!scratch_dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(scratch_dir, sizeof scratch_dir, "%s/uniapprox-rank%d-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp", ua_dist_rank());
        if (!mkdtemp(scratch_dir)) {
            scratch_dir[0] = '\0';
            return "/dev/null"; /* nothing written at all, rather than the user's file */
        }
        atexit(ua_cli_rank_output_cleanup);
    }
    /* the last component of the name, trailing slashes aside */
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    size_t b = n;
    while (b > 0 && path[b - 1] != '/') b--;
    if (n - b == 0 || n - b > 200)
        snprintf(scratch_path, sizeof scratch_path, "%s/out", scratch_dir);
    else
        snprintf(scratch_path, sizeof scratch_path, "%s/%.*s", scratch_dir, (int)(n - b),
                 path + b);
    return scratch_path;
}

/* ---- how a job of several ranks ends: one message, one exit code -------------------------- */

/* The error lines of a rank > 0, held back: every rank runs the same command on the same inputs,
 * so its errors are normally rank 0's too, which rank 0 prints; they are printed only when rank 0
 * did not fail the same way (ua_cli_dist_end). */
static char held[4096];
static size_t held_len;

int ua_cli_rank_hold_error(const char *line)
{
    if (ua_dist_size() <= 1 || ua_dist_rank() == 0) return 0;
    size_t n = strlen(line);
    if (held_len + n >= sizeof held) n = sizeof held - 1 - held_len; /* the first ones matter */
    memcpy(held + held_len, line, n);
    held_len += n;
    held[held_len] = '\0';
    return 1;
}

static void print_held(void)
{
    if (held_len) fputs(held, stderr);
    fflush(stderr);
    held_len = 0;
}

/* A rank that failed waits this long for the others: ranks failing alike (the same input) reach
 * the end within moments of each other; a rank still in a collective waiting for this one never
 * does, and the job is ended (MPI_Abort) after it. */
#define FAILED_RANK_WAIT_S 20.0

int ua_cli_dist_end(int rc)
{
    int n = ua_dist_size();
    if (n <= 1) return rc;
    int *codes = calloc((size_t)n, sizeof *codes);
    /* a rank that succeeded waits as long as it takes: one that failed ends the job otherwise */
    if (!codes || ua_dist_agree_codes(rc, codes, rc ? FAILED_RANK_WAIT_S : -1.0) != UA_OK) {
        print_held();
        fprintf(stderr, "uniapprox: rank %d failed and the other ranks did not reach the end of "
                "the command within %g s (still working, or waiting for this rank): ending the "
                "job\n", ua_dist_rank(), FAILED_RANK_WAIT_S);
        fflush(stderr);
        ua_cli_rank_output_cleanup(); /* MPI_Abort ends the process without atexit */
        ua_dist_abort(rc ? rc : 1);
    }
    /* the job's code: rank 0's, or the first failure in rank order; rank 0 printed its own
     * message, a rank that failed otherwise prints its own (prefixed with its rank) */
    int job = codes[0];
    for (int r = 1; r < n && !job; r++) job = codes[r];
    if (rc != codes[0]) print_held();
    free(codes);
    return job;
}
