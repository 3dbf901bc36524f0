/* uniapprox export — emit a standalone C99 function for a model. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: uniapprox export MODEL [--type double|float] [-o FILE.c] [--name NAME]\n"
    "\n"
    "Writes a standalone C99 translation unit that evaluates the model with nothing but\n"
    "<math.h>. Its signature follows the model's dimensions:\n"
    "  1 input, 1 output     double NAME(double x)\n"
    "  d inputs, 1 output    double NAME(const double *x)            x of shape (d,)\n"
    "  d inputs, k outputs   void NAME(const double *x, double *y)   y of shape (k,)\n"
    "(float throughout with --type float). A comment at its top gives the family, the target or\n"
    "data, the domain or box, the reference and the errors measured when the model was fitted\n"
    "(or its train / test RMSE). A 1-D model returns NaN outside its domain.\n"    "\n"
    "options:\n"
    "  --type double|float  scalar type of the code (default double)\n"
    "  -o, --output FILE    write to FILE (atomically); default: standard output\n"
    "  --name NAME          function name (default: FILE's base name when it is a C identifier,\n"
    "                       else ua_approx)\n";

/* "dir/erf_approx.c" -> "erf_approx" when that is a C identifier, else NULL. */
static char *name_from_path(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strcspn(base, ".");
    if (n == 0 || isdigit((unsigned char)base[0])) return NULL;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)base[i]) && base[i] != '_') return NULL;
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, base, n);
        s[n] = '\0';
    }
    return s;
}

int cmd_export(int argc, char **argv)
{
    const char *type = "double", *output = "-", *name = NULL;
    const ua_opt opts[] = {
        { "type", 0, 1, &type, NULL },
        { "output", 'o', 1, &output, NULL },
        { "name", 0, 1, &name, NULL },
    };
    const char *path;
    int rc = ua_cli_parse_model("export", help, argc, argv, opts, sizeof opts / sizeof opts[0], &path);
    if (rc || !path) return rc;
    ua_export_type et;
    if (!strcmp(type, "double")) et = UA_EXPORT_DOUBLE;
    else if (!strcmp(type, "float")) et = UA_EXPORT_FLOAT;
    else return ua_cli_usage("export", "--type '%s': expected double or float", type);
    if ((rc = ua_cli_check_writable("export", "the C file", output))) return rc;

    ua_model *m;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("export", s);
    if ((rc = ua_cli_check_not_model_source("export", m, "-o", output))) {
        ua_model_free(m);
        return rc;
    }
    char *derived = !name && strcmp(output, "-") ? name_from_path(output) : NULL;
    s = ua_model_export_c(m, et, name ? name : derived ? derived : "ua_approx", output);
    free(derived);
    ua_model_free(m);
    if (s == UA_EIO && !strcmp(output, "-")) {
        /* "cannot write to standard output: REASON", once: main's final check of stdout must
         * not say it again */
        ua_cli_stdout_reported();
        return ua_cli_fail_output("export", s);
    }
    if (s == UA_EIO) return ua_cli_fail_output("export", s); /* the C file could not be written */
    if (s) return ua_cli_fail("export", s);
    if (strcmp(output, "-")) fprintf(ua_cli_notes(), "uniapprox export: wrote %s\n", output);
    return UA_EXIT_OK;
}
