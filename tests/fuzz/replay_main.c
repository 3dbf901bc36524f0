/*
 * tests/fuzz/replay_main.c — a main() for the fuzz harnesses without libFuzzer: each argument is
 * a file or a folder (its regular files, names starting with '.' skipped; a missing path is
 * skipped, so that a harness without crash reproducers yet needs no empty folder), and every file
 * is passed once to LLVMFuzzerTestOneInput. Built with the normal compiler into fuzz_replay_NAME
 * (CMakeLists.txt), so the committed corpora and the reproducers of fixed crashes run in the
 * ordinary suite, under ASan+UBSan in its sanitizer pass. Prints how many files it ran; a crash
 * or a sanitizer report fails the test, and so does finding no input at all.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_util.h"

static size_t replayed;

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        exit(1);
    }
    size_t cap = 4096, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf) abort();
    /* a copy of exactly n bytes, so that ASan sees a read past the input */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) abort();
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    replayed++;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    DIR *d = opendir(path);
    if (!d) return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        names = realloc(names, (n + 1) * sizeof *names);
        if (!names || !(names[n] = strdup(e->d_name))) abort();
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name); /* a stable order for reproducible logs */
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(path) + strlen(names[i]) + 2;
        char *full = malloc(len);
        if (!full) abort();
        snprintf(full, len, "%s/%s", path, names[i]);
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
            fprintf(stderr, "replay: %s\n", full);
            run_file(full);
        }
        free(full);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) run_path(argv[i]);
    printf("replayed %zu inputs\n", replayed);
    if (!replayed) fprintf(stderr, "replay: no inputs found (wrong corpus folder?)\n");
    return replayed ? 0 : 1;
}
