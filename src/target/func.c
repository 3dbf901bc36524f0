/* The table of functions the expression language knows (docs/expressions.md). */
#include <string.h>

#include "internal.h"

/* Indexed by ua_fn_id; the order is the order of the enum. */
const ua_fn_info ua_fn_table[FN_COUNT] = {
    [FN_EXP] = { "exp", 1 },       [FN_EXPM1] = { "expm1", 1 },   [FN_LOG] = { "log", 1 },
    [FN_LOG1P] = { "log1p", 1 },   [FN_LOG2] = { "log2", 1 },     [FN_LOG10] = { "log10", 1 },
    [FN_SQRT] = { "sqrt", 1 },     [FN_CBRT] = { "cbrt", 1 },     [FN_SIN] = { "sin", 1 },
    [FN_COS] = { "cos", 1 },       [FN_TAN] = { "tan", 1 },       [FN_ASIN] = { "asin", 1 },
    [FN_ACOS] = { "acos", 1 },     [FN_ATAN] = { "atan", 1 },     [FN_SINH] = { "sinh", 1 },
    [FN_COSH] = { "cosh", 1 },     [FN_TANH] = { "tanh", 1 },     [FN_ASINH] = { "asinh", 1 },
    [FN_ACOSH] = { "acosh", 1 },   [FN_ATANH] = { "atanh", 1 },   [FN_ERF] = { "erf", 1 },
    [FN_ERFC] = { "erfc", 1 },     [FN_TGAMMA] = { "tgamma", 1 }, [FN_LGAMMA] = { "lgamma", 1 },
    [FN_J0] = { "j0", 1 },         [FN_J1] = { "j1", 1 },         [FN_Y0] = { "y0", 1 },
    [FN_Y1] = { "y1", 1 },         [FN_ABS] = { "abs", 1 },       [FN_SIGN] = { "sign", 1 },
    [FN_ATAN2] = { "atan2", 2 },   [FN_MIN] = { "min", 2 },       [FN_MAX] = { "max", 2 },
    [FN_POW] = { "pow", 2 },       [FN_HYPOT] = { "hypot", 2 },
};

int ua_fn_lookup(const char *name, size_t len)
{
    for (int i = 0; i < FN_COUNT; i++)
        if (strlen(ua_fn_table[i].name) == len && memcmp(ua_fn_table[i].name, name, len) == 0)
            return i;
    return -1;
}
