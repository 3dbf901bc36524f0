/* uniapprox: the command table and dispatch. Each command lives in cli/cmd_<name>.c. */
#include <omp.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = { /* sorted by name */
    { "check", cmd_check, "re-measure a model's errors against the MPFR reference" },
    { "compress", cmd_compress, "a smaller mlp: low-rank factors or 8/4-bit power-exponent codes, with measured error" },
    { "data", cmd_data, "write a synthetic task: a sequence task (.npy) or a graph task (csl, cycles, molecule)" },
    { "demo", cmd_demo, "fit a set of real targets and print a table (the main job)" },
    { "distill", cmd_distill, "fit a model of any family to a teacher model (distillation)" },
    { "eval", cmd_eval, "evaluate a model at points" },
    { "explain", cmd_explain, "attribute a prediction to the inputs: integrated gradients, KernelSHAP, LIME, ..." },
    { "export", cmd_export, "emit a standalone C function for a model" },
    { "fit", cmd_fit, "fit an approximation to a target and save the model" },
    { "influence", cmd_influence, "the training rows with the largest influence on a prediction" },
    { "info", cmd_info, "describe a model: family, domain, pieces, errors, options" },
    { "lipschitz", cmd_lipschitz, "prove a network's local Lipschitz constant and output range on a box" },
    { "libm", cmd_libm, "generate a float32 libm function (expf, logf, ...) as C and check it over every float" },
    { "list", cmd_list, "list the families, built-in targets and the choices of their options" },
    { "plot", cmd_plot, "draw the target, the approximant and the error to PNG or SVG" },
    { "report", cmd_report, "write a self-contained HTML page: plots, measured errors, options" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: uniapprox <command> [options]   (uniapprox <command> --help for details)\n\n"
               "commands:\n");
    /* the summaries in one column, at least two spaces after the longest name (the man page's
     * converter, scripts/gen-man.sh, reads "  NAME  summary" as an entry) */
    int w = 0;
    for (size_t i = 0; i < NCOMMANDS; i++)
        if ((int)strlen(commands[i].name) > w) w = (int)strlen(commands[i].name);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-*s  %s\n", w, commands[i].name, commands[i].summary);
    fprintf(f, "\noptions: uniapprox --debug COMMAND ... keeps the library's source locations in\n"
               "error messages\nexit codes: 0 ok, 1 failure (or not resolved), 2 bad usage or bad input, 3 an\n"
               "output cannot be written\n");
}

/* The library's version and those of the libraries it runs with (uniapprox/version.h), and
 * PLplot's (the CLI's own dependency): what a bug report should quote. */
static void print_version(void)
{
    printf("uniapprox %s\n", ua_version());
    for (size_t i = 0; i < ua_version_components(); i++) {
        ua_component c;
        if (ua_version_component(i, &c)) continue;
        const char *now = c.running[0] ? c.running : c.compiled;
        printf("  %-9s %s", c.name, now[0] ? now : "(unknown)");
        if (c.running[0] && c.compiled[0]) {
            size_t n = strlen(c.compiled);
            /* the running version names the compiled one first when they agree */
            if (strncmp(c.running, c.compiled, n) || (c.running[n] && c.running[n] != ' '))
                printf(" (compiled against %s)", c.compiled);
        }
        printf("\n");
    }
    char plver[80] = "";
    plgver(plver);
    printf("  %-9s %s\n", "PLplot", plver);
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return UA_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return ua_cli_flush_stdout(NULL); /* `uniapprox --help > /dev/full` fails like a command */
    }
    if (!strcmp(argv[1], "--debug")) { /* error messages keep the library's source location */
        ua_cli_debug = 1;
        argv++;
        argc--;
        if (argc < 2) {
            usage(stderr);
            return UA_EXIT_USAGE;
        }
    }
    if (!strcmp(argv[1], "--version")) {
        print_version();
        return ua_cli_flush_stdout(NULL);
    }
    /* --json anywhere among the options: errors are JSON on stderr too */
    for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--json")) ua_cli_json_errors = 1;
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            int rc = commands[i].fn(argc - 1, argv + 1);
            int out = ua_cli_flush_stdout(commands[i].name);
            return rc ? rc : out;
        }
    fprintf(stderr, "uniapprox: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return UA_EXIT_USAGE;
}

/*
 * Ranks that share a machine without being bound to cores (mpirun --bind-to none) each start
 * OpenMP's default team, every core of the machine: R ranks of C threads on C cores, which made a
 * 2-rank rf fit 4x slower than with one thread a rank. Unless the threads were asked for
 * (OMP_NUM_THREADS; --threads, which a command sets later, still wins), an unbound rank (one
 * that may run on every online core) takes its share of them, at least one; a rank that mpirun
 * bound to some cores keeps OpenMP's default for them. Every rank calls it (ua_dist_local_size
 * is a collective).
 */
static void share_cores(void)
{
    int local = ua_dist_local_size();
    if (getenv("OMP_NUM_THREADS")) return;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int procs = omp_get_num_procs(), threads = omp_get_max_threads();
    if (online < 1 || procs != online || (long)local * threads <= online) return;
    ua_set_threads(online / local > 1 ? (int)(online / local) : 1);
}

/* Under mpirun every rank runs the same command (uniapprox/dist.h); only rank 0 prints (the other
 * ranks' standard output goes to /dev/null) and writes the --output (cli/dist_output.c). A
 * command that fails on every rank alike (a bad input) prints its message once, on rank 0, and
 * rank 0 exits with the code (the other ranks with 0); a command that fails on some ranks only,
 * or on one while the others wait in a collective for it, ends the whole job (MPI_Abort with its
 * exit code). */
int main(int argc, char **argv)
{
    if (ua_dist_init(&argc, &argv) != UA_OK) {
        fprintf(stderr, "uniapprox: %s\n", ua_last_error());
        return 1;
    }
    if (ua_dist_rank() > 0 && !freopen("/dev/null", "w", stdout)) {
        fprintf(stderr, "uniapprox: rank %d: cannot send standard output to /dev/null\n",
                ua_dist_rank());
        ua_dist_abort(UA_EXIT_OUTPUT);
    }
    if (ua_dist_size() > 1) share_cores();
    /* the tool's only threads are its own (OpenMP's and OpenBLAS's), so OpenBLAS's pool may be
     * stopped around the long parallel parts rather than spin through them (uniapprox/metrics.h) */
    ua_set_blas_pool_stop(1);
    /* a Ctrl-C reaches mpirun, which ends the ranks with SIGTERM and exits 1 in silence; so
     * does a rank's MPI_Abort (ua_cli_dist_end): the signal does not say which */
    if (ua_dist_size() > 1 && ua_dist_rank() == 0)
        ua_cli_say_on_signal("uniapprox: mpirun stopped the job (a Ctrl-C, or a rank that ended "
                             "it, whose message comes first)\n");
    int rc = run(argc, argv);
    /* ranks that failed alike finalize and exit with the code, the message printed once; ranks
     * that disagree, or one left waiting in a collective, end the job (MPI_Abort) */
    rc = ua_cli_dist_end(rc);
    ua_cli_rank_output_cleanup();
    /* OpenMPI's mpirun ends the job as soon as one process exits with a nonzero code, with
     * SIGTERM to every rank that has not finalized yet (MPI_Finalize does not wait for the
     * others): a rank exiting 1 first would make rank 0, still cleaning up, say the job was
     * stopped. So every rank finishes its work before any exits (the barrier), and the ranks
     * other than 0 exit 0 once the code is agreed: rank 0, whose exit status mpirun returns
     * when it is the only nonzero one, carries the job's code. */
    if (ua_dist_size() > 1) {
        (void)ua_dist_barrier();
        if (ua_dist_rank() > 0) rc = 0;
    }
    ua_dist_finalize();
    return rc;
}
