/*
 * tests/fuzz/fuzz_util.h — what the libFuzzer harnesses share: a private temporary folder for the
 * files a reader must open (the readers take paths, not buffers), and the splitting of one fuzz
 * input into several files.
 *
 * Every harness defines LLVMFuzzerTestOneInput (libFuzzer's entry point). Built with
 * -fsanitize=fuzzer it is a fuzzer (`make fuzz`); built with replay_main.c it is a plain program
 * that runs each file or folder given on its command line through the same function (the ctest
 * entries fuzz_replay_*, which replay the committed corpora and crash reproducers under ASan).
 *
 * A harness must not print, exit or leak: a reader's error status is the expected outcome for
 * most inputs, and only a crash, a sanitizer report, a leak, a hang or a huge allocation is a
 * finding.
 */
#ifndef UA_FUZZ_UTIL_H
#define UA_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The separator between the files of a multi-file input ("|UA|": printable, so seeds are easy to
 * write and the dictionary can insert it; it never occurs inside our seed files). */
#define FZ_SEP "|UA|"
#define FZ_SEP_LEN 4

static char fz_dir[256];

static inline void fz_cleanup(void)
{
    if (!fz_dir[0]) return;
    char cmd[300];
    /* only files this process wrote, in a folder it created itself (mkdtemp) */
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fz_dir);
    if (system(cmd) != 0) { /* nothing useful to do: the folder is under TMPDIR */ }
    fz_dir[0] = '\0';
}

/* The harness's private folder, created once per process under $TMPDIR, else /dev/shm (memory:
 * the model writer's fsync costs nothing there), else /tmp. */
static inline const char *fz_tmpdir(void)
{
    if (!fz_dir[0]) {
        const char *t = getenv("TMPDIR");
        if (!t || !*t) t = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(fz_dir, sizeof fz_dir, "%s/uafuzz.XXXXXX", t);
        if (!mkdtemp(fz_dir)) abort();
        atexit(fz_cleanup);
    }
    return fz_dir;
}

/* Writes size bytes to the file name in the private folder; the full path into path (len). */
static inline void fz_write(const char *name, const void *data, size_t size, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", fz_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
}

/* Splits data at each FZ_SEP into at most max parts (the last part keeps any further separators).
 * Returns the number of parts (>= 1); part i is p[i], n[i] bytes. */
static inline size_t fz_split(const uint8_t *data, size_t size, size_t max, const uint8_t **p, size_t *n)
{
    size_t k = 0, start = 0;
    for (size_t i = 0; k + 1 < max && i + FZ_SEP_LEN <= size; i++) {
        if (memcmp(data + i, FZ_SEP, FZ_SEP_LEN) == 0) {
            p[k] = data + start;
            n[k++] = i - start;
            start = i + FZ_SEP_LEN;
            i = start - 1;
        }
    }
    p[k] = data + start;
    n[k++] = size - start;
    return k;
}

/* A NUL-terminated copy of n bytes (malloc'd; aborts when memory runs out). */
static inline char *fz_strndup(const uint8_t *data, size_t n)
{
    char *s = malloc(n + 1);
    if (!s) abort();
    if (n) memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

#endif
