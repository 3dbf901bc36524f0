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
