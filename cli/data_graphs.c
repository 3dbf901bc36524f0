/* uniapprox data graphs — write a generated graph task as a JSON-lines graph file
 * (src/graph/tasks.h, docs/graph.md "Tasks"), for `uniapprox fit --family graph --graphs FILE`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "graph/tasks.h"

/* The most graphs written: csl's, the largest, take 1100 bytes of JSON each (measured on 1000),
 * so the file stays near 2.5 GB, as the seq tasks' limit. */
#define GRAPHS_MAX 2250000u

static const char help[] =
    "usage: uniapprox data graphs TASK -o FILE [--n N] [--seed S]\n"
    "\n"
    "Writes a generated graph data set as JSON lines, one graph per line (docs/graph.md), for\n"
    "`uniapprox fit --family graph --graphs FILE`. The same seed gives the same file; a test set\n"
    "is another seed.\n"
    "\n"
    "tasks:\n"
    "  csl       circular skip-link graphs C_41(1, s), s in {2,3,4,5,6,9,11,12,13,16}: 10\n"
    "            classes, nodes relabelled at random, constant node feature (default 150 graphs,\n"
    "            15 per class)\n"
    "  cycles    G(n, p) graphs, n in 10..20, p in [0.1, 0.3]; targets: the exact numbers of\n"
    "            triangles, 4-cycles and 5-cycles (default 1000 graphs)\n"
    "  molecule  molecule-like graphs (atom types C N O F one-hot, bonds single/double/triple\n"
    "            one-hot); target: a known formula on atoms, bonds and rings of size 3..6\n"
    "            (default 1000 graphs)\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  the file to write ('-': standard output)\n"
    "  --n N              number of graphs, 1 to 2250000 (default: the task's)\n"
    "  --seed S           generator seed (default 0)\n";

int ua_cli_data_graphs(int argc, char **argv)
{
    const char *cmd = "data graphs";
    const char *out = NULL, *n_s = NULL, *seed_s = "0";
    const ua_opt opts[] = {
        { "output", 'o', 1, &out, NULL },
        { "n", 0, 1, &n_s, NULL },
        { "seed", 0, 1, &seed_s, NULL },
    };
    char **pos;
    size_t npos;
    int rc = ua_cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], &pos, &npos);
    if (rc == -1) {
        free(pos);
        fputs(help, stdout);
        return UA_EXIT_OK;
    }
    const char *task = npos == 1 ? pos[0] : NULL;
    free(pos);
    if (rc) return rc;
    if (!task) return ua_cli_usage(cmd, "expected one TASK (%s)", ua_graph_task_names());
    if (!out) return ua_cli_usage(cmd, "give the output file with -o FILE");
    size_t n, seed;
    n = 0; /* 0: the task's default */
    if (n_s && (ua_cli_size(n_s, &n) || n == 0))
        return ua_cli_usage(cmd, "--n '%s': expected a number of graphs of at least 1", n_s);
    if (n > GRAPHS_MAX)
        return ua_cli_usage(cmd, "--n %zu graphs is above the limit %u (about 2.5 GB of JSON "
                            "lines for csl, the largest graphs, measured at 1100 bytes each)",
                            n, GRAPHS_MAX);
    if (ua_cli_size(seed_s, &seed)) return ua_cli_usage(cmd, "--seed '%s' must be a count", seed_s);
    if ((rc = ua_cli_check_writable(cmd, "the graphs", out))) return rc;
    ua_graphs *g;
    ua_status s = ua_graph_task(task, n, seed, &g);
    if (s) return ua_cli_fail(cmd, s);
    s = ua_graphs_write(out, g);
    if (s) {
        ua_graphs_free(g);
        return ua_cli_fail_output(cmd, s);
    }
    FILE *info = strcmp(out, "-") ? stdout : stderr;
    fprintf(info, "%s: %zu graphs, %zu nodes, %zu directed edges in %s\n", task, g->ngraphs,
            g->nnodes, g->nedges, out);
    ua_graphs_free(g);
    return UA_EXIT_OK;
}
