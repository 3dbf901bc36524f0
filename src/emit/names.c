/* The name check shared by every C export (ua_model_export_c): the exported function is defined at
 * file scope of a file that includes <math.h> (every export) and, for seq, <stdlib.h> and
 * <string.h>. One check for all families, so that a name is accepted or refused the same way
 * whatever the model: the union of what those headers declare is refused even where a family's
 * file includes only <math.h>. The lists are C11's declarations of the three headers (C11 7.12,
 * 7.22, 7.24), their future library directions (7.31), and what glibc's headers declare in GCC's
 * default (gnu) mode besides (BSD / SVID / POSIX names, the M_ constants, the linux and unix
 * macros): `double NAME(double x) { return x; }` after the three includes fails to compile for
 * each listed name (GCC 12, glibc 2.36) but the ones that match a declaration or are kept for
 * other targets (sin: it would replace libm's; FP_FAST_FMA; strlcpy, memmem: newer glibc or
 * _GNU_SOURCE). */
#include <string.h>

#include "emit.h"

/* C11 keywords, the C23 ones (GCC 15 defaults to C23) and GNU C's asm. */
static const char *const keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "_Alignas", "_Alignof", "_Atomic", "_Bool",
    "_Complex", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local",
    "alignas", "alignof", "bool", "constexpr", "false", "nullptr", "static_assert",
    "thread_local", "true", "typeof", "typeof_unqual", "asm"};

/* <math.h>'s functions: each also refused with the suffix f or l (C11 7.31.9 reserves those). */
static const char *const math_functions[] = {
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "ceil", "copysign", "cos",
    "cosh", "erf", "erfc", "exp", "exp2", "expm1", "fabs", "fdim", "floor", "fma", "fmax", "fmin",
    "fmod", "frexp", "hypot", "ilogb", "ldexp", "lgamma", "llrint", "llround", "log", "log10",
    "log1p", "log2", "logb", "lrint", "lround", "modf", "nan", "nearbyint", "nextafter",
    "nexttoward", "pow", "remainder", "remquo", "rint", "round", "scalbln", "scalbn", "sin",
    "sinh", "sqrt", "tan", "tanh", "tgamma", "trunc",
    /* glibc, default mode */
    "j0", "j1", "jn", "y0", "y1", "yn", "drem", "finite", "gamma", "significand", "scalb",
    "isinf", "isnan"};

/* <math.h>'s other names (macros, classification macros, glibc's constants). */
static const char *const math_names[] = {
    "fpclassify", "isfinite", "isnormal", "signbit", "isgreater", "isgreaterequal", "isless",
    "islessequal", "islessgreater", "isunordered", "HUGE_VAL", "HUGE_VALF", "HUGE_VALL",
    "INFINITY", "NAN", "FP_INFINITE", "FP_NAN", "FP_NORMAL", "FP_SUBNORMAL", "FP_ZERO",
    "FP_FAST_FMA", "FP_FAST_FMAF", "FP_FAST_FMAL", "FP_ILOGB0", "FP_ILOGBNAN", "MATH_ERRNO",
    "MATH_ERREXCEPT", "math_errhandling", "signgam", "lgamma_r", "lgammaf_r", "lgammal_r", "M_E", "M_LOG2E", "M_LOG10E", "M_LN2",
    "M_LN10", "M_PI", "M_PI_2", "M_PI_4", "M_1_PI", "M_2_PI", "M_2_SQRTPI", "M_SQRT2",
    "M_SQRT1_2", "float_t", "double_t"};

/* <stdlib.h> (C11 7.22; then glibc's, default mode). */
static const char *const stdlib_names[] = {
    "size_t", "wchar_t", "div_t", "ldiv_t", "lldiv_t", "strtod", "strtof", "strtold", "strtol",
    "strtoll", "strtoul", "strtoull", "wcstombs", "NULL", "EXIT_FAILURE", "EXIT_SUCCESS", "RAND_MAX", "MB_CUR_MAX", "atof", "atoi", "atol",
    "atoll", "rand", "srand", "aligned_alloc", "calloc", "free", "malloc", "realloc", "abort",
    "atexit", "at_quick_exit", "exit", "getenv", "quick_exit", "system", "bsearch", "qsort",
    "abs", "labs", "llabs", "div", "ldiv", "lldiv", "mblen", "mbtowc", "wctomb", "mbstowcs",
    /* glibc, default mode (with what it includes: sys/types.h, sys/select.h, endian.h, the
     * wait macros) */
    "a64l", "l64a", "alloca", "arc4random", "arc4random_buf", "arc4random_uniform", "clearenv",
    "drand48", "erand48", "lrand48", "nrand48", "mrand48", "jrand48", "srand48", "seed48",
    "lcong48", "drand48_r", "erand48_r", "lrand48_r", "nrand48_r", "mrand48_r", "jrand48_r",
    "srand48_r", "seed48_r", "lcong48_r", "ecvt", "fcvt", "gcvt", "qecvt", "qfcvt", "qgcvt",
    "ecvt_r", "fcvt_r", "qecvt_r", "qfcvt_r", "getloadavg", "getsubopt", "initstate",
    "setstate", "random", "srandom", "random_r", "srandom_r", "initstate_r", "setstate_r",
    "rand_r", "mkdtemp", "mkstemp", "mkstemps", "mktemp", "on_exit", "posix_memalign", "putenv",
    "realpath", "reallocarray", "rpmatch", "setenv", "unsetenv", "valloc", "select", "pselect",
    "fd_mask", "FD_CLR", "FD_ISSET", "FD_SET", "FD_ZERO", "FD_SETSIZE", "NFDBITS", "BIG_ENDIAN",
    "LITTLE_ENDIAN", "PDP_ENDIAN", "BYTE_ORDER", "WCONTINUED", "WEXITED", "WEXITSTATUS",
    "WIFCONTINUED", "WIFEXITED", "WIFSIGNALED", "WIFSTOPPED", "WNOHANG", "WNOWAIT", "WSTOPPED",
    "WSTOPSIG", "WTERMSIG", "WUNTRACED", "be16toh", "be32toh", "be64toh", "htobe16", "htobe32",
    "htobe64", "htole16", "htole32", "htole64", "le16toh", "le32toh", "le64toh", "u_char",
    "u_short", "u_int", "u_long", "uint", "ushort", "ulong", "linux", "unix"};

/* <string.h> (C11 7.24; then glibc's, default mode). */
static const char *const string_names[] = {
    "memcpy", "memmove", "strcpy", "strncpy", "strcat", "strncat", "memcmp", "strcmp", "strcoll",
    "strncmp", "strxfrm", "memchr", "strchr", "strcspn", "strpbrk", "strrchr", "strspn",
    "strstr", "strtok", "memset", "strerror", "strlen", "index", "rindex", "bcmp", "bcopy",
    "bzero", "ffs", "ffsl", "ffsll", "stpcpy", "stpncpy", "explicit_bzero", "strdup", "strndup",
    "memccpy", "strtok_r", "strerror_r", "strnlen", "strsep", "strsignal", "strcasecmp",
    "strncasecmp", "mempcpy", "memmem", "strlcpy", "strlcat"};

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, list[i])) return 1;
    return 0;
}

#define IN(s, list) in_list(s, list, sizeof list / sizeof list[0])

const char *ua_emit_name_problem(const char *s)
{
    if (!s || !*s) return "is empty";
    int ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_';
    for (const char *p = s + 1; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '_';
    if (!ok) return "is not a C identifier";
    if (IN(s, keywords)) return "is a C keyword and cannot name a function";
    if (!strcmp(s, "main")) return "would clash with main() in the exported file";
    /* C11 7.1.3: every identifier starting with _ is reserved at file scope */
    if (s[0] == '_') return "is a reserved identifier (it starts with '_': C11 7.1.3)";
    size_t n = strlen(s);
    if (IN(s, math_functions) || IN(s, math_names)) return "would clash with <math.h>";
    if ((s[n - 1] == 'f' || s[n - 1] == 'l') && n > 1) {
        char base[64];
        if (n - 1 < sizeof base) {
            memcpy(base, s, n - 1);
            base[n - 1] = '\0';
            if (IN(base, math_functions))
                return "would clash with <math.h> (its functions with the suffix f or l are "
                       "reserved: C11 7.31.9)";
        }
    }
    if (IN(s, stdlib_names)) return "would clash with <stdlib.h>";
    if (IN(s, string_names)) return "would clash with <string.h>";
    if ((!strncmp(s, "str", 3) || !strncmp(s, "mem", 3) || !strncmp(s, "wcs", 3)) &&
        s[3] >= 'a' && s[3] <= 'z')
        return "is reserved to <string.h> and <stdlib.h> (str, mem or wcs and a lowercase "
               "letter: C11 7.31.12, 7.31.13)";
    if (n > 2 && !strcmp(s + n - 2, "_t"))
        return "is reserved to the headers' types (the _t suffix: POSIX)";
    return NULL;
}
