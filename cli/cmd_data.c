/* uniapprox data — write a synthetic sequence task as .npy files (uniapprox/seq.h, docs/seq.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char help[] =
    "usage: uniapprox data TASK -o DIR [--n N] [--vocab V] [--train N] [--test N] [--seed S]\n"
    "\n"
    "Writes a synthetic sequence-to-sequence task for `uniapprox fit --family seq`:\n"
    "DIR/train_x.npy, DIR/train_y.npy, DIR/test_x.npy, DIR/test_y.npy (int32 tokens / classes\n"
    "(N, n), or float32 (N, n, 1) for the real-valued tasks).\n"
    "\n"
    "tasks:\n"
    "  even       y_i = x_(2i mod n): even-token prediction (URPE paper; n 128, vocab 1000)\n"
    "  position   y_i = i: position identification (classes 0..n-1)\n"
    "  copy, reverse, sort              token tasks\n"
    "  cumsum, movavg, sortreal         real tasks: x ~ U(-1, 1); y = cumulative sum / sqrt(n),\n"
    "                                   moving average of 3, sorted x\n"
    "\n"
    "options:\n"
    "  -o, --output DIR  folder to write (created if missing; removed again when the command\n"
    "                    fails after creating it)\n"
    "  --n N             sequence length (default 128; at most 1048576)\n"
    "  --vocab V         token vocabulary (default 1000; at most 16777216)\n"
    "  --train N         training sequences (default 1000, at least 1); --test N (default 200;\n"
    "                    0 writes no test files); each at most 67108864, and N * n at most\n"
    "                    268435456 (2 GiB of values)\n"
    "  --seed S          generator seed (default 0; the test set uses S + 1)\n"
    "\n"
    "uniapprox data graphs TASK -o FILE writes a graph task (csl, cycles, molecule) as JSON\n"
    "lines for --family graph (uniapprox data graphs --help).\n";

static int write_part(const char *dir, const char *part, const ua_seq_data *d)
{
    char px[4096], py[4096];
    snprintf(px, sizeof px, "%s/%s_x.npy", dir, part);
    snprintf(py, sizeof py, "%s/%s_y.npy", dir, part);
    int64_t s2[2] = { (int64_t)d->N, (int64_t)d->n }, s3[3] = { (int64_t)d->N, (int64_t)d->n, 1 };
    ua_status s = d->tok ? ua_seq_npy_write(px, s2, 2, d->tok, NULL)
                         : ua_seq_npy_write(px, s3, 3, NULL, d->x);
    if (!s) s = d->cls ? ua_seq_npy_write(py, s2, 2, d->cls, NULL) : ua_seq_npy_write(py, s3, 3, NULL, d->y);
    return s ? ua_cli_fail_output("data", s) : 0;
}

/* Removes the folder dir this command created, with the files it wrote there. */
static void remove_created(const char *dir)
{
    static const char *const files[] = { "train_x.npy", "train_y.npy", "test_x.npy",
                                         "test_y.npy" };
    char path[4200];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        (void)unlink(path);
    }
    (void)rmdir(dir);
}

int cmd_data(int argc, char **argv)
{
    const char *out = NULL, *n_s = "128", *vocab_s = "1000", *train_s = "1000", *test_s = "200",
               *seed_s = "0";
    if (argc > 1 && !strcmp(argv[1], "graphs")) return ua_cli_data_graphs(argc - 1, argv + 1);
    const ua_opt opts[] = {
        { "output", 'o', 1, &out, NULL }, { "n", 0, 1, &n_s, NULL },
        { "vocab", 0, 1, &vocab_s, NULL }, { "train", 0, 1, &train_s, NULL },
        { "test", 0, 1, &test_s, NULL },  { "seed", 0, 1, &seed_s, NULL },
    };
    char **pos;
    size_t npos;
    int rc = ua_cli_parse("data", argc, argv, opts, sizeof opts / sizeof opts[0], &pos, &npos);
    if (rc == -1) {
        free(pos);
        fputs(help, stdout);
        return UA_EXIT_OK;
    }
    const char *task = npos == 1 ? pos[0] : NULL;
    free(pos);
    if (rc) return rc;
    if (!task) return ua_cli_usage("data", "expected one TASK (%s)", ua_seq_task_names());
    if (!out) return ua_cli_usage("data", "give the output folder with -o DIR");
    size_t n, vocab, ntrain, ntest, seed;
    if (ua_cli_size(n_s, &n) || n < 1) return ua_cli_usage("data", "--n '%s' must be a count >= 1", n_s);
    if (ua_cli_size(vocab_s, &vocab) || vocab < 1) return ua_cli_usage("data", "--vocab '%s' must be >= 1", vocab_s);
    if (ua_cli_size(train_s, &ntrain) || ntrain < 1) return ua_cli_usage("data", "--train '%s' must be >= 1", train_s);
    if (ua_cli_size(test_s, &ntest)) return ua_cli_usage("data", "--test '%s' must be a count", test_s);
    if (ua_cli_size(seed_s, &seed)) return ua_cli_usage("data", "--seed '%s' must be a count", seed_s);
    /* the task and its sizes (the train and the test set) before anything is created */
    ua_status s = ua_seq_task_check(task, ntrain, n, vocab);
    if (!s && ntest) s = ua_seq_task_check(task, ntest, n, vocab);
    if (s) return ua_cli_fail("data", s);
    int created = mkdir(out, 0777) == 0;
    if (!created && errno != EEXIST)
        return ua_cli_error("data", UA_EXIT_OUTPUT, "cannot create '%s': %s", out, strerror(errno));
    char probe[4200]; /* the files go into the folder: check that they can, before the work */
    snprintf(probe, sizeof probe, "%s/train_x.npy", out);
    rc = ua_cli_check_writable("data", "the task", probe);
    ua_seq_data d;
    if (!rc && (s = ua_seq_task_generate(task, ntrain, n, vocab, seed, &d))) rc = ua_cli_fail("data", s);
    else if (!rc) {
        rc = write_part(out, "train", &d);
        ua_seq_data_free(&d);
    }
    if (!rc && ntest) {
        if ((s = ua_seq_task_generate(task, ntest, n, vocab, seed + 1, &d))) rc = ua_cli_fail("data", s);
        else {
            rc = write_part(out, "test", &d);
            ua_seq_data_free(&d);
        }
    }
    if (rc && created) remove_created(out); /* a failure leaves no half-written folder it made */
    if (!rc) printf("%s: %zu train + %zu test sequences of length %zu in %s\n", task, ntrain, ntest, n, out);
    return rc;
}
