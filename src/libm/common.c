/* src/libm/common.c — what every `uniapprox libm` generator shares: the core polynomial found
 * by the minimax family's public API, correctly rounded table values from MPFR, and the writing
 * of tables, Horner evaluations, the file head and the scalar / vector entry points. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <mpfr.h>

#include "core/internal.h"
#include "libm/internal.h"
#include "uniapprox/minimax.h"
#include "uniapprox/target.h"

ua_status ua_libm_fit_core(const char *expr, double a, double b, int degree, double *c,
                           double *rel_err)
{
    if (!expr || !c || degree < 0 || degree >= UA_LIBM_MAX_COEFFS)
        return UA_ERR(UA_EINVAL, "core polynomial: degree %d outside 0..%d", degree,
                      UA_LIBM_MAX_COEFFS - 1);
    ua_target *t = NULL;
    ua_status s = ua_target_parse(expr, NULL, 0, &t);
    if (s) return s;
    ua_minimax_options o;
    ua_minimax_options_default(&o);
    o.degree = degree;
    o.error = UA_MINIMAX_REL;
    o.coeffs = UA_MINIMAX_DOUBLE; /* the generated code evaluates in double */
    o.var = UA_MINIMAX_VAR_X;     /* plain monomials of the reduced argument */
    o.basis = UA_MINIMAX_BASIS_MONOMIAL;
    ua_minimax *p = NULL;
    s = ua_minimax_fit(t, a, b, &o, &p);
    ua_target_free(t);
    if (s) {
        char msg[400];
        ua_last_error_message(msg, sizeof msg);
        ua_minimax_free(p);
        return UA_ERR(s, "core polynomial %s on [%g, %g], degree %d: %s", expr, a, b, degree, msg);
    }
    size_t n = 0;
    const double *num = ua_minimax_num(p, &n);
    for (int k = 0; k <= degree; k++) c[k] = (size_t)k < n ? num[k] : 0.0;
    if (rel_err) {
        ua_minimax_info info;
        ua_minimax_get_info(p, &info);
        *rel_err = info.measured_error;
    }
    ua_minimax_free(p);
    return UA_OK;
}

int ua_libm_has_single(const ua_libm_func *f)
{
    return f && (f == &ua_libm_exp2f || f == &ua_libm_expf || f == &ua_libm_exp10f ||
                 f == &ua_libm_log2f || f == &ua_libm_logf || f == &ua_libm_log10f ||
                 f == &ua_libm_sinf || f == &ua_libm_cosf); /* sinf, cosf: with --fma only */
}

/* Where ua_libm_options.fma is accepted: one row per function, accuracy and working
 * precision whose generator writes fused multiply-adds (a generator reads opt->fma only
 * where its row is here: ua_libm_begin refuses the others). Sorted as the registry within
 * one accuracy and precision; NULL-terminated. */
static const struct {
    const ua_libm_func *f;
    ua_libm_accuracy accuracy;
    ua_libm_precision wp;
} fma_rows[] = {
    {&ua_libm_cosf, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE}, /* sincos.c, gen_sincosw */
    {&ua_libm_exp10f, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE}, /* exp.c, emit_expw */
    {&ua_libm_exp2f, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE},
    {&ua_libm_expf, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE},
    {&ua_libm_log10f, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE}, /* log.c, emit_logw */
    {&ua_libm_log2f, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE},
    {&ua_libm_logf, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE},
    {&ua_libm_sinf, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE}, /* sincos.c, gen_sincosw */
    {&ua_libm_cosf, UA_LIBM_CR, UA_LIBM_WP_DOUBLE}, /* sincos.c, gen_sincos */
    {&ua_libm_sinf, UA_LIBM_CR, UA_LIBM_WP_DOUBLE},
    {&ua_libm_tanhf, UA_LIBM_CR, UA_LIBM_WP_DOUBLE}, /* tanh.c, gen_tanhf (both levels) */
    {&ua_libm_cosf, UA_LIBM_1ULP, UA_LIBM_WP_DOUBLE}, /* sincos.c, gen_sincos1 */
    {&ua_libm_sinf, UA_LIBM_1ULP, UA_LIBM_WP_DOUBLE},
    {&ua_libm_tanhf, UA_LIBM_1ULP, UA_LIBM_WP_DOUBLE},
    {NULL, UA_LIBM_CR, UA_LIBM_WP_DOUBLE}
};

int ua_libm_has_fma(const ua_libm_func *f, const ua_libm_options *opt)
{
    if (!f) return 0;
    for (size_t i = 0; fma_rows[i].f; i++)
        if (fma_rows[i].f == f &&
            (!opt || (fma_rows[i].accuracy == opt->accuracy && fma_rows[i].wp == opt->working_precision)))
            return 1;
    return 0;
}

const char *ua_libm_fma_where(char *buf, size_t n)
{
    static const char *const acc_name[] = {"cr", "1ulp"}, *const wp_name[] = {"double", "single"};
    size_t len = 0;
    if (!buf || !n) return buf;
    buf[0] = 0;
#define FMA_PUT(...)                                                                               \
    do {                                                                                           \
        if (len < n) {                                                                             \
            int w_ = snprintf(buf + len, n - len, __VA_ARGS__);                                    \
            len = w_ < 0 ? n : len + (size_t)w_;                                                   \
        }                                                                                          \
    } while (0)
    for (int a = UA_LIBM_CR; a <= UA_LIBM_1ULP; a++)
        for (int w = UA_LIBM_WP_DOUBLE; w <= UA_LIBM_WP_SINGLE; w++) {
            int any = 0;
            for (size_t i = 0; fma_rows[i].f; i++)
                if ((int)fma_rows[i].accuracy == a && (int)fma_rows[i].wp == w) {
                    FMA_PUT("%s%s", any ? " " : len ? "; " : "", fma_rows[i].f->libm_name);
                    any = 1;
                }
            if (any) FMA_PUT(" (--accuracy %s --working-precision %s)", acc_name[a], wp_name[w]);
        }
#undef FMA_PUT
    if (!len) snprintf(buf, n, "no function");
    if (len >= n && n > 4) memcpy(buf + n - 4, "...", 4);
    return buf;
}

ua_status ua_libm_begin(const ua_libm_func *f, FILE *out, const ua_libm_options *opt,
                        const char **cname)
{
    *cname = ua_libm_c_name(f, opt);
    if (!out) return UA_ERR(UA_EINVAL, "%s: NULL output", f->libm_name);
    const char *why = ua_libm_c_name_problem(*cname);
    if (why) { /* the name quoted in at most 40 characters, so that the reason is always read */
        size_t n = strlen(*cname);
        return UA_ERR(UA_EINVAL, "%s: '%.*s%s' %s", f->libm_name, (int)(n > 40 ? 37 : n), *cname,
                      n > 40 ? "..." : "", why);
    }
    if (opt && opt->accuracy != UA_LIBM_CR && opt->accuracy != UA_LIBM_1ULP)
        return UA_ERR(UA_EINVAL, "%s: accuracy %d: expected cr (0) or 1ulp (1)", f->libm_name,
                      (int)opt->accuracy);
    if (opt && opt->working_precision != UA_LIBM_WP_DOUBLE) {
        if (opt->working_precision != UA_LIBM_WP_SINGLE)
            return UA_ERR(UA_EINVAL, "%s: working precision %d: expected double (0) or single (1)",
                          f->libm_name, (int)opt->working_precision);
        if (opt->accuracy != UA_LIBM_1ULP)
            return UA_ERR(UA_EINVAL, "%s: working precision single is only for accuracy 1ulp",
                          f->libm_name);
        if (!ua_libm_has_single(f)) {
            char list[256] = "";
            size_t len = 0;
            for (size_t i = 0; i < ua_libm_count() && len < sizeof list - 16; i++)
                if (ua_libm_has_single(ua_libm_at(i)))
                    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? " " : "",
                                            ua_libm_at(i)->libm_name);
            return UA_ERR(UA_EINVAL, "%s: no single working-precision variant (it has: %s)",
                          f->libm_name, list);
        }
    }
    if (opt && opt->fma && !ua_libm_has_fma(f, opt)) {
        char where[512];
        return UA_ERR(UA_EINVAL, "%s: no fused multiply-add variant at these options (fma is "
                      "accepted for: %s)", f->libm_name, ua_libm_fma_where(where, sizeof where));
    }
    return UA_OK;
}

ua_status ua_libm_end(const ua_libm_func *f, FILE *out, const char *cname,
                      const ua_libm_options *opt, ua_libm_vbody vbody, const void *ctx)
{
    ua_libm_emit_entry_points(out, cname, opt, vbody, ctx);
    return ferror(out) ? UA_ERR(UA_EIO, "%s: write error", f->libm_name) : UA_OK;
}

void ua_libm_emit_core_note(FILE *out, const char *expr, double a, double b, int degree,
                            double err)
{
    fprintf(out,
            "\n/* core: q(r) ~ %s on [%a, %a], degree %d, double coefficients, relative error\n"
            " * %.3g measured by the minimax fit (sampled). */\n",
            expr, a, b, degree, err);
}

ua_status ua_libm_trig_fit_least(const char *expr, double a, double b, int start, int step,
                                 size_t nmin, size_t nmax, int rel, double tol,
                                 ua_libm_trig_poly *p)
{
    int monos[UA_LIBM_TRIG_MAXC];
    ua_status st = UA_EINVAL;
    if (nmax > UA_LIBM_TRIG_MAXC)
        return UA_ERR(UA_EINVAL, "core polynomial %s: %zu terms (at most %d)", expr, nmax,
                      UA_LIBM_TRIG_MAXC);
    for (size_t n = nmin; n <= nmax; n++) {
        for (size_t i = 0; i < n; i++) monos[i] = start + step * (int)i;
        st = ua_libm_trig_fit(expr, a, b, monos, n, rel, tol, p);
        if (st != UA_ENOTRESOLVED) return st;
    }
    return st;
}

void ua_libm_emit_odd_head(FILE *out, const char *name, const char *fname, uint32_t satb,
                           float sat, double small)
{
    fprintf(out,
            "static inline float %s_lane(float x)\n{\n"
            "    uint32_t u;\n"
            "    memcpy(&u, &x, sizeof u);\n"
            "    uint32_t ub = u & 0x7fffffffu;\n"
            "    if (ub > 0x7f800000u) return x + x; /* NaN */\n"
            "    double s = (u >> 31) ? -1.0 : 1.0;\n"
            "    if (ub >= 0x%08xu) return (float)s; /* |x| >= %a: %s rounds to +-1 */\n"
            "    float axf;\n"
            "    memcpy(&axf, &ub, sizeof axf);\n"
            "    double ax = axf;\n"
            "    if (ax < %a) {\n"
            "        double z = ax * ax;\n"
            "        return (float)(s * (ax * ",
            name, (unsigned)satb, (double)sat, fname, small);
}

/* Names the file cannot define: the C11 keywords, and what the file's headers (stddef.h,
 * stdint.h, string.h) declare. */
static const char *const c_keywords[] = {
    "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",
    "_Noreturn", "_Static_assert", "_Thread_local", "auto", "break", "case", "char", "const",
    "continue", "default", "do", "double", "else", "enum", "extern", "float", "for", "goto",
    "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
    "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile",
    "while",
};
static const char *const c_declared[] = {
    "NULL", "offsetof", "size_t", "ptrdiff_t", "wchar_t", "max_align_t",
    "memcpy", "memmove", "memset", "memcmp", "memchr", "strlen", "int8_t", "int16_t",
    "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "intptr_t",
    "uintptr_t", "intmax_t", "uintmax_t",
    /* stdint.h's limits outside the INT / UINT patterns below */
    "PTRDIFF_MIN", "PTRDIFF_MAX", "SIZE_MAX", "SIG_ATOMIC_MIN", "SIG_ATOMIC_MAX", "WCHAR_MIN",
    "WCHAR_MAX", "WINT_MIN", "WINT_MAX",
    /* POSIX names string.h declares (with strings.h) in the default (gnu) modes of GCC and
     * Clang with glibc, besides the str / mem names below */
    "index", "rindex", "bcmp", "bcopy", "bzero", "ffs", "ffsl", "ffsll", "stpcpy", "stpncpy",
    "explicit_bzero",
};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* The names C99 7.26.8 and 7.26.11 (future library directions) reserve to stdint.h and string.h,
 * and POSIX's _t suffix: NULL when s is none of them. */
static const char *header_reserved(const char *s)
{
    if ((!strncmp(s, "str", 3) || !strncmp(s, "mem", 3) || !strncmp(s, "wcs", 3)) &&
        islower((unsigned char)s[3]))
        return "is reserved to string.h (str, mem or wcs and a lowercase letter: C99 7.26.11)";
    if ((!strncmp(s, "INT", 3) || !strncmp(s, "UINT", 4)) &&
        (ends_with(s, "_MAX") || ends_with(s, "_MIN") || ends_with(s, "_C")))
        return "is reserved to stdint.h (INT or UINT and _MAX, _MIN or _C: C99 7.26.8)";
    if (ends_with(s, "_t")) return "is reserved to the headers' types (the _t suffix: POSIX)";
    return NULL;
}

/* The names the generated files define besides the function (their helpers, tables, vector
 * types and macros). */
static const char *const c_helpers[] = {
    "UA_HELPER", "UA_SHUF4", "UA_VT", "ua_INVC", "ua_LOGC", "ua_LOGCL", "ua_T", "ua_TL",
    "ua_d2u", "ua_f2u", "ua_rnd2", "ua_two_sum", "ua_u2d", "ua_u2f", "ua_vd", "ua_vf", "ua_vi",
    "ua_vl", "ua_vl4", "ua_vrnd2", "ua_vtwo_sum", "ua_vu", "ua_vui",
    "ua_ETH", "ua_ETL", "ua_LWC", "ua_LWH", "ua_LWL", "ua_wf8", "ua_wf16", "ua_wi8", "ua_wi16", "ua_wu8", "ua_wu16",
    "ua_T1", "UA_COLD", "UA_FMAF",
};

/* The names GCC treats as returns-twice or no-return functions whatever they are declared as
 * (its special_function_p): a function of the file so named cannot be inlined. */
static const char *const c_twice[] = {"setjmp", "sigsetjmp", "savectx", "vfork", "getcontext",
                                      "longjmp", "siglongjmp"};

const char *ua_libm_c_name_problem(const char *s)
{
    if (!s || !*s) return "is empty";
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return "is not a C identifier (it must start with a letter or '_')";
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return "is not a C identifier (letters, digits and '_' only)";
    if (strlen(s) > UA_LIBM_NAME_MAX)
        return "is longer than 63 characters (C99 5.2.4.1: 63 significant characters in an internal name; an external name is guaranteed only 31, GCC and Clang take any length)";
    for (size_t i = 0; i < sizeof c_keywords / sizeof *c_keywords; i++)
        if (!strcmp(s, c_keywords[i])) return "is a C keyword";
    if (!strcmp(s, "main")) return "is the program's entry point";
    for (size_t i = 0; i < sizeof c_declared / sizeof *c_declared; i++)
        if (!strcmp(s, c_declared[i]))
            return "is declared by a header the file includes (stddef.h, stdint.h, string.h)";
    const char *hr = header_reserved(s);
    if (hr) return hr;
    if (s[0] == '_') /* C99 7.1.3: at file scope, where the function is defined */
        return "is reserved to the implementation at file scope (it starts with '_'; --vector's "
               "immintrin.h declares such names, e.g. _mm256_add_pd)";
    for (size_t i = 0; i < sizeof c_twice / sizeof *c_twice; i++)
        if (!strcmp(s, c_twice[i]))
            return "is a name GCC gives the returns-twice or no-return attribute (setjmp, "
                   "sigsetjmp, savectx, vfork, getcontext, longjmp, siglongjmp): the file would "
                   "not compile";
    for (size_t i = 0; i < sizeof c_helpers / sizeof *c_helpers; i++)
        if (!strcmp(s, c_helpers[i])) return "is a helper or macro the file defines";
    return NULL;
}

int ua_libm_valid_c_name(const char *s)
{
    return ua_libm_c_name_problem(s) == NULL;
}

const char *ua_libm_c_name(const ua_libm_func *f, const ua_libm_options *opt)
{
    return opt && opt->name ? opt->name : f->libm_name;
}

/* ---- the C name against every identifier the generated file uses ---- */

/* The name the generators write in place of the user's: not a substring of anything else they
 * write, and a valid name (ua_libm_begin checks it). */
#define PLACEHOLDER "ua_libm_cname_placeholder_q7"

typedef struct {
    char **v;
    size_t n, cap;
    int oom;
} name_set;

static void set_add(name_set *s, const char *p, size_t n)
{
    if (s->oom) return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            s->oom = 1;
            return;
        }
        s->v = v;
        s->cap = cap;
    }
    char *c = malloc(n + 1);
    if (!c) {
        s->oom = 1;
        return;
    }
    memcpy(c, p, n);
    c[n] = '\0';
    s->v[s->n++] = c;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int set_has(const name_set *s, const char *name)
{
    return bsearch(&name, s->v, s->n, sizeof *s->v, cmp_str) != NULL;
}

static void set_free(name_set *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
}

/* One preprocessing token of the generated C: an identifier, a pp-number, "##", or one other
 * character; comments, string and character literals and #include's header name are skipped. */
typedef struct {
    const char *p;
    size_t n;
    int ident, bol; /* an identifier; the first token of a line */
} pp_tok;

static int is_id0(int c) { return isalpha(c) || c == '_'; }
static int is_id(int c) { return isalnum(c) || c == '_'; }

/* Splits text into *toks (malloc'd; NULL on out of memory). */
static pp_tok *tokenize(const char *t, size_t *ntok)
{
    size_t n = 0, cap = 1024;
    pp_tok *v = malloc(cap * sizeof *v);
    int bol = 1, skip_header = 0;
    const char *p = t;
    while (v && *p) {
        unsigned char c = (unsigned char)*p;
        if (c == '\n') {
            bol = 1;
            skip_header = 0;
            p++;
            continue;
        }
        if (isspace(c) || (c == '\\' && p[1] == '\n')) {
            p += c == '\\' ? 2 : 1;
            continue;
        }
        if (c == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
            continue;
        }
        if (c == '/' && p[1] == '/') {
            while (*p && *p != '\n') p++;
            continue;
        }
        if (skip_header || c == '"' || c == '\'') { /* a literal, or the rest of an #include */
            if (skip_header) {
                while (*p && *p != '\n') p++;
                continue;
            }
            for (p++; *p && *p != (char)c; p++)
                if (*p == '\\' && p[1]) p++;
            if (*p) p++;
            continue;
        }
        pp_tok k = {p, 1, 0, bol};
        if (is_id0(c)) {
            while (is_id((unsigned char)p[k.n])) k.n++;
            k.ident = 1;
        } else if (isdigit(c) || (c == '.' && isdigit((unsigned char)p[1]))) {
            while (is_id((unsigned char)p[k.n]) || p[k.n] == '.' ||
                   ((p[k.n] == '+' || p[k.n] == '-') && strchr("eEpP", p[k.n - 1])))
                k.n++;
        } else if (c == '#' && p[1] == '#') {
            k.n = 2;
        }
        /* the directive's name after a line's '#' is not an identifier of the program */
        if (n && v[n - 1].bol && v[n - 1].n == 1 && *v[n - 1].p == '#' && k.ident) {
            skip_header = k.n == 7 && !strncmp(p, "include", 7);
            k.ident = 0;
        }
        bol = 0;
        if (n == cap) {
            pp_tok *w = realloc(v, 2 * cap * sizeof *v);
            if (!w) {
                free(v);
                return NULL;
            }
            v = w;
            cap *= 2;
        }
        v[n++] = k;
        p += k.n;
    }
    *ntok = n;
    return v;
}

static int tok_is(const pp_tok *k, const char *s)
{
    return k->n == strlen(s) && !strncmp(k->p, s, k->n);
}

/* Adds the identifier k to used (without PLACEHOLDER) or, with PLACEHOLDER replaced by name, to
 * derived; prefix and suffix (pasted by ##) around it. */
static void add_name(name_set *used, name_set *derived, const char *name, const pp_tok *pre,
                     const pp_tok *k, const pp_tok *suf)
{
    char buf[512];
    size_t len = 0;
    const pp_tok *parts[3] = {pre, k, suf};
    for (int i = 0; i < 3; i++)
        if (parts[i]) {
            if (len + parts[i]->n >= sizeof buf) return; /* no generated name is this long */
            memcpy(buf + len, parts[i]->p, parts[i]->n);
            len += parts[i]->n;
        }
    buf[len] = '\0';
    char *ph = strstr(buf, PLACEHOLDER);
    if (!ph) {
        set_add(used, buf, len);
        return;
    }
    char d[1024];
    int m = snprintf(d, sizeof d, "%.*s%s%s", (int)(ph - buf), buf, name,
                     ph + strlen(PLACEHOLDER));
    if (m > 0 && (size_t)m < sizeof d) set_add(derived, d, (size_t)m);
}

/* A function-like macro that pastes one of its parameters: the parameter's position, the token
 * pasted before it (or NULL) and after it (or NULL). */
typedef struct {
    const pp_tok *macro, *pre, *suf;
    size_t arg;
} paste_rule;

/* Every identifier of text: used gets those without PLACEHOLDER, derived those with it, the
 * user's name in its place (the names the file will define from it); both sorted. The
 * identifiers ## makes are included: for a macro such as `#define V_(name) name##4`, each
 * invocation V_(id) adds id4. 0, or -1 when out of memory. */
static int collect_names(const char *text, const char *name, name_set *used, name_set *derived)
{
    size_t nt = 0;
    pp_tok *t = tokenize(text, &nt);
    if (!t) return -1;
    paste_rule *rules = NULL;
    size_t nr = 0;
    for (size_t i = 0; i < nt; i++) {
        if (t[i].ident) add_name(used, derived, name, NULL, &t[i], NULL);
        /* #define M(params) body: the ## next to a parameter in the body */
        if (!(t[i].bol && t[i].n == 1 && *t[i].p == '#' && i + 3 < nt &&
              tok_is(&t[i + 1], "define") && t[i + 3].p == t[i + 2].p + t[i + 2].n &&
              tok_is(&t[i + 3], "(")))
            continue;
        size_t params = i + 4, close = params;
        while (close < nt && !tok_is(&t[close], ")") && !t[close].bol) close++;
        for (size_t j = close + 1; j < nt && !t[j].bol; j++) {
            if (!tok_is(&t[j], "##") || j + 1 >= nt || t[j + 1].bol) continue;
            for (int side = 0; side < 2; side++) {
                const pp_tok *par = side ? &t[j + 1] : &t[j - 1];
                const pp_tok *other = side ? &t[j - 1] : &t[j + 1];
                for (size_t q = params, idx = 0; q < close; q++) {
                    if (tok_is(&t[q], ",")) {
                        idx++;
                        continue;
                    }
                    if (!(t[q].n == par->n && !strncmp(t[q].p, par->p, par->n))) continue;
                    paste_rule *r = realloc(rules, (nr + 1) * sizeof *r);
                    if (!r) {
                        free(rules);
                        free(t);
                        return -1;
                    }
                    rules = r;
                    rules[nr++] = (paste_rule){&t[i + 2], side ? other : NULL,
                                               side ? NULL : other, idx};
                }
            }
        }
    }
    /* each invocation of a pasting macro with an identifier in the pasted position */
    for (size_t i = 0; i + 1 < nt; i++) {
        if (!t[i].ident || !tok_is(&t[i + 1], "(")) continue;
        for (size_t r = 0; r < nr; r++) {
            if (!(rules[r].macro->n == t[i].n && !strncmp(rules[r].macro->p, t[i].p, t[i].n)))
                continue;
            size_t idx = 0;
            int depth = 0;
            for (size_t j = i + 2; j < nt; j++) {
                if (tok_is(&t[j], "(")) depth++;
                else if (tok_is(&t[j], ")") && depth-- == 0) break;
                else if (tok_is(&t[j], ",") && depth == 0) idx++;
                else if (idx == rules[r].arg && depth == 0 && t[j].ident)
                    add_name(used, derived, name, rules[r].pre, &t[j], rules[r].suf);
            }
        }
    }
    free(rules);
    free(t);
    if (used->oom || derived->oom) return -1;
    qsort(used->v, used->n, sizeof *used->v, cmp_str);
    qsort(derived->v, derived->n, sizeof *derived->v, cmp_str);
    return 0;
}

ua_status ua_libm_emit_named(const ua_libm_func *f, FILE *out, const ua_libm_options *opt,
                             ua_status (*gen)(const ua_libm_func *, FILE *,
                                              const ua_libm_options *))
{
    const char *name = ua_libm_c_name(f, opt), *dummy;
    ua_status s = ua_libm_begin(f, out, opt, &dummy); /* out, the name's form, the options */
    if (s) return s;
    ua_libm_options o = {0};
    if (opt) o = *opt;
    o.name = PLACEHOLDER;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) return UA_ERR(UA_ENOMEM, "%s: out of memory", f->libm_name);
    s = gen(f, mem, &o);
    if (fclose(mem) && !s) s = UA_ERR(UA_ENOMEM, "%s: out of memory", f->libm_name);
    if (s) {
        free(text);
        return s;
    }
    name_set used = {0}, derived = {0};
    if (collect_names(text, name, &used, &derived)) {
        set_free(&used);
        set_free(&derived);
        free(text);
        return UA_ERR(UA_ENOMEM, "%s: out of memory", f->libm_name);
    }
    size_t n = strlen(name);
    int q = (int)(n > 40 ? 37 : n);
    const char *dots = n > 40 ? "..." : "";
    if (set_has(&used, name))
        s = UA_ERR(UA_EINVAL, "%s: '%.*s%s' is a name the generated file uses (a variable, "
                   "parameter, helper, table, type or macro of its code)", f->libm_name, q, name,
                   dots);
    for (size_t i = 0; i < derived.n && !s; i++)
        if (set_has(&used, derived.v[i]) || header_reserved(derived.v[i]))
            s = UA_ERR(UA_EINVAL, "%s: '%.*s%s' would make the file define %s, a name it "
                       "already uses or may not define", f->libm_name, q, name, dots,
                       derived.v[i]);
    set_free(&used);
    set_free(&derived);
    /* the text with the name in place of the placeholder */
    const char *p = text;
    for (const char *h; !s && (h = strstr(p, PLACEHOLDER)); p = h + strlen(PLACEHOLDER)) {
        fwrite(p, 1, (size_t)(h - p), out);
        fputs(name, out);
    }
    if (!s) fputs(p, out);
    free(text);
    if (!s && ferror(out)) s = UA_ERR(UA_EIO, "%s: write error", f->libm_name);
    return s;
}

void ua_libm_emit_head(FILE *out, const ua_libm_func *f, const char *cname)
{
    ua_libm_emit_head_arith(out, f, cname, "double");
}

void ua_libm_emit_head_arith(FILE *out, const ua_libm_func *f, const char *cname,
                             const char *arith)
{
    fprintf(out,
            "/* %s: float32 %s, generated by `uniapprox libm %s`.\n"
            " * %s\n"
            " * Reference: %s. Arithmetic in %s; compile with -ffp-contract=off for the\n"
            " * results the exhaustive check of uniapprox measured. */\n"
            UA_LIBM_INCLUDES
            "/* the helpers below: each function uses some of them (no unused-function warning) */\n"
            "#if defined(__GNUC__) || defined(__clang__)\n"
            "#define UA_HELPER __attribute__((unused)) static inline\n"
            "#else\n#define UA_HELPER static inline\n#endif\n"
            "UA_HELPER uint32_t ua_f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }\n"
            "UA_HELPER float ua_u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }\n"
            "UA_HELPER uint64_t ua_d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }\n"
            "UA_HELPER double ua_u2d(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }\n"
            "/* s + e = a + b exactly (TwoSum, Knuth; no condition on |a|, |b|) */\n"
            "UA_HELPER double ua_two_sum(double a, double b, double *e)\n{\n"
            "    double s = a + b, bb = s - a;\n"
            "    *e = (a - (s - bb)) + (b - bb);\n"
            "    return s;\n}\n"
            "/* RN_float(a + b) with one rounding: TwoSum (Knuth) gives s + e = a + b exactly; s is\n"
            " * then rounded to odd (an even s with e != 0 moves one ulp toward e), and a\n"
            " * round-to-odd double rounds to the same float as the exact sum (Boldo & Melquiond,\n"
            " * \"Emulation of FMA and correctly rounded sums\", IEEE TC 57(4), 2008). a + b finite. */\n"
            "UA_HELPER float ua_rnd2(double a, double b)\n{\n"
            "    double s = a + b, bb = s - a, e = (a - (s - bb)) + (b - bb);\n"
            "    uint64_t u = ua_d2u(s);\n"
            "    uint64_t step = (e > 0) == (s > 0) ? 1 : (uint64_t)-1;\n"
            "    u += (e != 0 && (u & 1) == 0) ? step : 0;\n"
            "    return (float)ua_u2d(u);\n}\n\n",
            cname, f->libm_name, f->libm_name, f->summary, f->reference, arith);
}

void ua_libm_emit_fmaf(FILE *out)
{
    fprintf(out,
            "/* UA_FMAF(a, b, c): a b + c rounded once (C99 fmaf, exactly rounded on every machine:\n"
            " * the same bits everywhere). One instruction where the compiler targets FMA (-mfma,\n"
            " * -march=x86-64-v3 or native); else a call to libm's fmaf (correct, slower; link with -lm).\n"
            " * Clang without an FMA target turns fmaf into an unfused multiply and add under\n"
            " * -funsafe-math-optimizations (no macro tells): there libm's fmaf is called through a pointer\n"
            " * the compiler cannot see through. */\n"
            "#ifndef UA_FMAF\n"
            "#if defined(__clang__) && !defined(__FMA__)\n"
            "#include <math.h>\n"
            "static float (*volatile ua_fmaf_p)(float, float, float) = fmaf;\n"
            "#define UA_FMAF(a, b, c) ua_fmaf_p(a, b, c)\n"
            "#elif defined(__GNUC__)\n"
            "#define UA_FMAF(a, b, c) __builtin_fmaf(a, b, c)\n"
            "#else\n"
            "float fmaf(float, float, float); /* C99 7.12.13.1 (7.1.4: declared without its header) */\n"
            "#define UA_FMAF(a, b, c) fmaf(a, b, c)\n"
            "#endif\n"
            "#endif\n");
}

void ua_libm_emit_fma(FILE *out)
{
    fprintf(out,
            "/* UA_FMA(a, b, c): a b + c rounded once (C99 fma: exactly rounded on every machine, the\n"
            " * same bits everywhere). One instruction where the compiler targets FMA (-mfma,\n"
            " * -march=x86-64-v3 or native); else a call to libm's fma (correct, slower). */\n"
            "#ifndef UA_FMA\n#if defined(__clang__) && !defined(__FMA__)\n"
            "#include <math.h> /* as UA_FMAF: clang's -funsafe-math-optimizations may unfuse fma */\n"
            "static double (*volatile ua_fma_p)(double, double, double) = fma;\n"
            "#define UA_FMA(a, b, c) ua_fma_p(a, b, c)\n"
            "#elif defined(__GNUC__)\n"
            "#define UA_FMA(a, b, c) __builtin_fma(a, b, c)\n#else\n"
            "double fma(double, double, double); /* C99 7.12.13.1 (7.1.4: declared without its header) */\n"
            "#define UA_FMA(a, b, c) fma(a, b, c)\n#endif\n#endif\n\n");
}

void ua_libm_emit_horner_fma(FILE *out, const char *var, const double *c, size_t n, const char *F,
                             int splat)
{
    const char *s0 = splat ? "V_SPLAT(" : "", *s1 = splat ? ")" : "";
    for (size_t i = 0; i + 1 < n; i++) fprintf(out, "%s(%s, ", F, var);
    fprintf(out, "%s%a%s", s0, c[n - 1], s1);
    for (size_t i = n - 1; i-- > 0;) fprintf(out, ", %s%a%s)", s0, c[i], s1);
}

void ua_libm_emit_table(FILE *out, const char *name, const double *v, size_t n)
{
    fprintf(out, "static const double %s[%zu] = {", name, n);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%a%s", i % 4 == 0 ? "\n    " : " ", v[i], i + 1 < n ? "," : "\n");
    fprintf(out, "};\n");
}

void ua_libm_emit_horner(FILE *out, const char *var, const char *x, const double *c, int n)
{
    fprintf(out, "    double %s = %a;\n", var, c[n]);
    for (int k = n - 1; k >= 0; k--) fprintf(out, "    %s = %s * %s + %a;\n", var, var, x, c[k]);
}

void ua_libm_emit_vhorner(FILE *out, const char *var, const char *x, const double *c, int n)
{
    fprintf(out, "    VD %s = V_SPLAT(%a);\n", var, c[n]);
    for (int k = n - 1; k >= 0; k--) fprintf(out, "    %s = %s * %s + %a;\n", var, var, x, c[k]);
}

/* The vector types and helpers of one width (w doubles per vector: 4 for AVX2, 8 for
 * AVX-512F), under the generic names the bodies use (VD, VF, VI, VUI, VL, VU, V_SPLAT,
 * V_GATHER32/64, V_SELD/F/I, V_(name) for a per-width name, UA_VT for the attributes). */
static void emit_vec_width(FILE *out, int w, const char *target)
{
    fprintf(out,
            "\n/* ---- %d doubles per vector: target \"%s\" ---- */\n"
            "#ifndef UA_LIBM_VTYPES_%d /* once per translation unit (files may be concatenated) */\n"
            "#define UA_LIBM_VTYPES_%d\n"
            "typedef double ua_vd%d __attribute__((vector_size(%d)));\n"
            "typedef long long ua_vl%d __attribute__((vector_size(%d)));\n"
            "typedef unsigned long long ua_vu%d __attribute__((vector_size(%d)));\n"
            "typedef float ua_vf%d __attribute__((vector_size(%d)));\n"
            "typedef int ua_vi%d __attribute__((vector_size(%d)));\n"
            "typedef unsigned ua_vui%d __attribute__((vector_size(%d)));\n"
            "#endif\n"
            "#define VD ua_vd%d\n#define VL ua_vl%d\n#define VU ua_vu%d\n"
            "#define VF ua_vf%d\n#define VI ua_vi%d\n#define VUI ua_vui%d\n"
            "#define V_W %d\n#define V_(name) name##%d\n"
            "#define UA_VT __attribute__((target(\"%s\"), always_inline, unused)) static inline\n",
            w, target, w, w, w, 8 * w, w, 8 * w, w, 8 * w, w, 4 * w, w, 4 * w, w, 4 * w, w, w,
            w, w, w, w, w, w, target);
    fprintf(out, "#define V_SPLAT(c) ((VD){");
    for (int i = 0; i < w; i++) fprintf(out, "%s(c)", i ? ", " : "");
    fprintf(out, "})\n");
    /* element by element: faster than vgatherdpd / vgatherqpd where measured (AMD; on a Zen 5
     * also for 8 lanes: logf's AVX-512F kernel 0.87 ns per element against 0.99 with
     * vgatherdpd) */
    if (w == 4)
        fprintf(out,
                "#define V_GATHER32(t, i) \\\n"
                "    ((VD){(t)[(i)[0]], (t)[(i)[1]], (t)[(i)[2]], (t)[(i)[3]]})\n"
                "#define V_GATHER64(t, i) V_GATHER32(t, i)\n");
    else
        fprintf(out,
                "#define V_GATHER32(t, i) \\\n"
                "    ((VD){(t)[(i)[0]], (t)[(i)[1]], (t)[(i)[2]], (t)[(i)[3]], \\\n"
                "          (t)[(i)[4]], (t)[(i)[5]], (t)[(i)[6]], (t)[(i)[7]]})\n"
                "#define V_GATHER64(t, i) V_GATHER32(t, i)\n");
    if (w == 4) /* float max / min: a > b ? a : b and a < b ? a : b, b where either is NaN */
        fprintf(out, "#define V_MAXF(a, b) ((VF)_mm_max_ps((__m128)(a), (__m128)(b)))\n"
                     "#define V_MINF(a, b) ((VF)_mm_min_ps((__m128)(a), (__m128)(b)))\n"
                     "#define V_F2D(a) ((VD)_mm256_cvtps_pd((__m128)(a)))\n"
                     "#define V_I2D(a) ((VD)_mm256_cvtepi32_pd((__m128i)(a)))\n"
                     "#define V_ANYI(m) _mm_movemask_ps((__m128)(m)) /* a lane of m (0 / -1) set */\n");
    else
        fprintf(out, "#define V_MAXF(a, b) ((VF)_mm256_max_ps((__m256)(a), (__m256)(b)))\n"
                     "#define V_MINF(a, b) ((VF)_mm256_min_ps((__m256)(a), (__m256)(b)))\n"
                     "#define V_F2D(a) ((VD)_mm512_cvtps_pd((__m256)(a)))\n"
                     "#define V_I2D(a) ((VD)_mm512_cvtepi32_pd((__m256i)(a)))\n"
                     "#define V_ANYI(m) _mm256_movemask_ps((__m256)(m)) /* a lane of m (0 / -1) set */\n");
    fprintf(out,
            "/* lane selects on a comparison's mask (-1 / 0 per lane): m ? a : b */\n"
            "#define V_SELD(m, a, b) ((VD)(((VL)(m) & (VL)(a)) | (~(VL)(m) & (VL)(b))))\n"
            "#define V_SELF(m, a, b) ((VF)(((VI)(m) & (VI)(a)) | (~(VI)(m) & (VI)(b))))\n"
            "#define V_SELI(m, a, b) ((VUI)(((VI)(m) & (VI)(a)) | (~(VI)(m) & (VI)(b))))\n"
            "#ifndef UA_LIBM_VHELPERS_%d\n#define UA_LIBM_VHELPERS_%d\n"
            "/* (a, b)[i0], (a, b)[i1], ...: two vectors of 4 doubles shuffled (GCC, Clang) */\n"
            "#ifndef UA_SHUF4\n"
            "#if defined(__clang__)\n"
            "#define UA_SHUF4(a, b, i0, i1, i2, i3) __builtin_shufflevector(a, b, i0, i1, i2, i3)\n"
            "#else\n"
            "#define UA_SHUF4(a, b, i0, i1, i2, i3) __builtin_shuffle(a, b, (ua_vl4){i0, i1, i2, i3})\n"
            "#endif\n"
            "#endif\n"
            "/* ua_two_sum and ua_rnd2 lane by lane: the same operations */\n"
            "UA_VT VD V_(ua_vtwo_sum)(VD a, VD b, VD *e)\n{\n"
            "    VD s = a + b, bb = s - a;\n"
            "    *e = (a - (s - bb)) + (b - bb);\n"
            "    return s;\n}\n"
            "UA_VT VF V_(ua_vrnd2)(VD a, VD b)\n{\n"
            "    VD s = a + b, bb = s - a, e = (a - (s - bb)) + (b - bb);\n"
            "    VL u = (VL)s;\n"
            "    VL same = ~((e > 0.0) ^ (s > 0.0)); /* -1 where (e > 0) == (s > 0) */\n"
            "    VL step = -1 - (same + same);       /* +1 there, else -1 */\n"
            "    u += (e != 0.0) & ((u & 1) == 0) & step;\n"
            "    return __builtin_convertvector((VD)u, VF);\n}\n"
            "#endif\n",
            w, w);
}

static void emit_vec_undef(FILE *out)
{
    fprintf(out, "#undef VD\n#undef VL\n#undef VU\n#undef VF\n#undef VI\n#undef VUI\n#undef V_W\n"
                 "#undef V_\n#undef UA_VT\n#undef V_SPLAT\n#undef V_GATHER32\n#undef V_GATHER64\n"
                 "#undef V_SELD\n#undef V_SELF\n#undef V_SELI\n#undef V_MAXF\n#undef V_MINF\n#undef V_F2D\n#undef V_I2D\n"
                 "#undef V_ANYI\n");
}

void ua_libm_emit_entry_points(FILE *out, const char *cname, const ua_libm_options *opt,
                               ua_libm_vbody vbody, const void *ctx)
{
    fprintf(out, "float %s(float x)\n{\n    return %s_lane(x);\n}\n", cname, cname);
    if (opt && opt->vector) {
        if (opt->working_precision == UA_LIBM_WP_SINGLE)
            ua_libm_emit_vector_f32(out, cname, vbody, ctx);
        else
            ua_libm_emit_vector(out, cname, vbody, ctx);
    }
    /* the end of the file: UA_LIBM_INCLUDES's diagnostic push for g++ */
    fputs("\n#if defined(__cplusplus) && defined(__GNUC__) && !defined(__clang__)\n"
          "#pragma GCC diagnostic pop\n#endif\n", out);
}

/* The float-lane types and helpers of one width (w floats per vector: 8 for AVX2, 16 for
 * AVX-512F) under generic names (VF, VI, VUI, V_W, V_(name), UA_VT, V_MAXF, V_MINF, V_PERM8,
 * V_PERM16, V_SELF, V_SELI). */
static void emit_fvec_width(FILE *out, int w, const char *target)
{
    fprintf(out,
            "\n/* ---- %d floats per vector: target \"%s\" ---- */\n"
            "#ifndef UA_LIBM_FTYPES_%d /* once per translation unit (files may be concatenated) */\n"
            "#define UA_LIBM_FTYPES_%d\n"
            "typedef float ua_wf%d __attribute__((vector_size(%d)));\n"
            "typedef int ua_wi%d __attribute__((vector_size(%d)));\n"
            "typedef unsigned ua_wu%d __attribute__((vector_size(%d)));\n"
            "#endif\n"
            "#define VF ua_wf%d\n#define VI ua_wi%d\n#define VUI ua_wu%d\n"
            "#define V_W %d\n#define V_(name) name##_f%d\n"
            "#define UA_VT __attribute__((target(\"%s\"), always_inline, unused)) static inline\n",
            w, target, w, w, w, 4 * w, w, 4 * w, w, 4 * w, w, w, w, w, w, target);
    if (w == 8) /* max / min: a > b ? a : b and a < b ? a : b (b where either is NaN);
                 * V_PERM8(t, i): t[i] per lane, t a table of 8 floats, i in 0..7 */
        fprintf(out, "#define V_MAXF(a, b) ((VF)_mm256_max_ps((__m256)(a), (__m256)(b)))\n"
                     "#define V_MINF(a, b) ((VF)_mm256_min_ps((__m256)(a), (__m256)(b)))\n"
                     "#define V_PERM8(t, i) \\\n"
                     "    ((VF)_mm256_permutevar8x32_ps(_mm256_loadu_ps(t), (__m256i)(i)))\n");
    else
        fprintf(out, "#define V_MAXF(a, b) ((VF)_mm512_max_ps((__m512)(a), (__m512)(b)))\n"
                     "#define V_MINF(a, b) ((VF)_mm512_min_ps((__m512)(a), (__m512)(b)))\n"
                     "#define V_PERM8(t, i) ((VF)_mm512_permutexvar_ps((__m512i)(i), \\\n"
                     "    _mm512_castps256_ps512(_mm256_loadu_ps(t))))\n");
    if (w == 8) /* V_PERM16(t, i): t[i] per lane, t a table of 16 floats, i in 0..15: two
                 * vpermps and a blend on bit 3 of i */
        fprintf(out, "#define V_PERM16(t, i) ((VF)_mm256_blendv_ps( \\\n"
                     "    _mm256_permutevar8x32_ps(_mm256_loadu_ps(t), (__m256i)(i)), \\\n"
                     "    _mm256_permutevar8x32_ps(_mm256_loadu_ps((t) + 8), (__m256i)(i)), \\\n"
                     "    (__m256)((VUI)(i) << 28)))\n");
    else
        fprintf(out, "#define V_PERM16(t, i) ((VF)_mm512_permutexvar_ps((__m512i)(i), _mm512_loadu_ps(t)))\n");
    /* V_FMA(a, b, c): a b + c rounded once per lane (the scalar code's fmaf) */
    if (w == 8)
        fprintf(out, "#define V_FMA(a, b, c) \\\n"
                     "    ((VF)_mm256_fmadd_ps((__m256)(a), (__m256)(b), (__m256)(c)))\n");
    else
        fprintf(out, "#define V_FMA(a, b, c) \\\n"
                     "    ((VF)_mm512_fmadd_ps((__m512)(a), (__m512)(b), (__m512)(c)))\n");
    fprintf(out,
            "/* lane selects on a comparison's mask (-1 / 0 per lane): m ? a : b */\n"
            "#define V_SELF(m, a, b) ((VF)(((VI)(m) & (VI)(a)) | (~(VI)(m) & (VI)(b))))\n"
            "#define V_SELI(m, a, b) ((VUI)(((VI)(m) & (VI)(a)) | (~(VI)(m) & (VI)(b))))\n");
}

/* One width's float-lane macros undone, so that the next width can define its own. */
static void emit_fvec_undef(FILE *out)
{
    fprintf(out, "#undef VF\n#undef VI\n#undef VUI\n#undef V_W\n#undef V_\n#undef UA_VT\n"
                 "#undef V_MAXF\n#undef V_MINF\n#undef V_PERM8\n#undef V_PERM16\n#undef V_SELF\n"
                 "#undef V_SELI\n#undef V_FMA\n");
}

typedef struct {
    int w[2];                                     /* lanes of the AVX2 and the AVX-512F width */
    void (*width)(FILE *, int, const char *);     /* defines one width's types and macros */
    void (*undef)(FILE *);                        /* undoes them */
} vec_layout;

/* After the variant's head comment: each width's kernel V_(cname_k) (vbody's lanes) and its
 * loop cname_v_avx2 / cname_v_avx512 (2 vectors a step, the tail through a zero-padded block),
 * then cname_v, which picks the widest the CPU supports on its first call (else a loop over
 * the file's static cname_lane), and the plain loop over cname_lane where GNU C on x86 is not
 * available. The loops call cname_lane, not the public cname: in a shared library a call to
 * cname may bind to another library's function of that name (libm's sinf, say). */
static void emit_vector_body(FILE *out, const char *cname, const vec_layout *lay,
                             ua_libm_vbody vbody, const void *ctx)
{
    static const char *const target[2] = {"avx2,fma", "avx512f"}, *const suffix[2] = {"avx2",
                                                                                        "avx512"};
    for (int k = 0; k < 2; k++) {
        lay->width(out, lay->w[k], target[k]);
        fprintf(out, "UA_VT void V_(%s_k)(const float *xp, float *yp)\n{\n"
                     "    VF x;\n    memcpy(&x, xp, sizeof x);\n", cname);
        vbody(out, ctx); /* defines VF res */
        fprintf(out, "    memcpy(yp, &res, sizeof res);\n}\n");
        fprintf(out,
                "__attribute__((target(\"%s\")))\n"
                "static void %s_v_%s(const float *x, float *y, size_t n)\n{\n"
                "    size_t i = 0;\n"
                "    for (; i + 2 * V_W <= n; i += 2 * V_W) {\n"
                "        V_(%s_k)(x + i, y + i);\n"
                "        V_(%s_k)(x + i + V_W, y + i + V_W);\n"
                "    }\n"
                "    while (i < n) { /* the tail, through a zero-padded block */\n"
                "        float bx[V_W] = {0}, by[V_W];\n"
                "        size_t m = n - i < V_W ? n - i : V_W;\n"
                "        memcpy(bx, x + i, m * sizeof *x);\n"
                "        V_(%s_k)(bx, by);\n"
                "        memcpy(y + i, by, m * sizeof *y);\n"
                "        i += m;\n"
                "    }\n}\n",
                target[k], cname, suffix[k], cname, cname, cname);
        lay->undef(out);
    }
    fprintf(out,
            "static void %s_v_base(const float *x, float *y, size_t n)\n{\n"
            "    for (size_t i = 0; i < n; i++) y[i] = %s_lane(x[i]);\n}\n"
            "void %s_v(const float *x, float *y, size_t n)\n{\n"
            "    static void (*fn)(const float *, float *, size_t);\n"
            "    void (*f)(const float *, float *, size_t) = __atomic_load_n(&fn, __ATOMIC_RELAXED);\n"
            "    if (!f) {\n"
            "        __builtin_cpu_init();\n"
            "        f = __builtin_cpu_supports(\"avx512f\") ? %s_v_avx512\n"
            "          : __builtin_cpu_supports(\"avx2\") && __builtin_cpu_supports(\"fma\") ? %s_v_avx2\n"
            "          : %s_v_base;\n"
            "        __atomic_store_n(&fn, f, __ATOMIC_RELAXED); /* every thread finds the same one */\n"
            "    }\n"
            "    f(x, y, n);\n}\n"
            "#else\n"
            "void %s_v(const float *x, float *y, size_t n)\n{\n"
            "    for (size_t i = 0; i < n; i++) y[i] = %s_lane(x[i]);\n}\n"
            "#endif\n",
            cname, cname, cname, cname, cname, cname, cname, cname);
}

void ua_libm_emit_vector_f32(FILE *out, const char *cname, ua_libm_vbody vbody, const void *ctx)
{
    fprintf(out,
            "\n/* The vector variant: y[i] = %s(x[i]), i < n, the same bits as the scalar function\n"
            " * (the same float operations lane by lane, in GCC vector extensions; the table reads\n"
            " * as permutes). Two widths: 8 floats per vector (AVX2) and 16 (AVX-512F), 2 vectors\n"
            " * per step, a padded block for the last elements; the first call picks the widest\n"
            " * the CPU supports (__builtin_cpu_supports), else the scalar loop. */\n"
            "#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))\n"
            "#include <immintrin.h>\n",
            cname);
    static const vec_layout lay = {{8, 16}, emit_fvec_width, emit_fvec_undef};
    emit_vector_body(out, cname, &lay, vbody, ctx);
}

void ua_libm_emit_vector(FILE *out, const char *cname, ua_libm_vbody vbody, const void *ctx)
{
    fprintf(out,
            "\n/* The vector variant: y[i] = %s(x[i]), i < n, the same bits as the scalar function\n"
            " * (the same operations lane by lane, in GCC vector extensions: selects on comparison\n"
            " * masks for the branches, gathers for the table loads). Two widths: 4 doubles per\n"
            " * vector (AVX2+FMA) and 8 (AVX-512F), 2 vectors per step, a padded block for the\n"
            " * last n mod 8 elements; the first call picks the widest the CPU supports\n"
            " * (__builtin_cpu_supports), else the scalar loop. */\n"
            "#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))\n"
            "#include <immintrin.h>\n",
            cname);
    static const vec_layout lay = {{4, 8}, emit_vec_width, emit_vec_undef};
    emit_vector_body(out, cname, &lay, vbody, ctx);
}

void ua_libm_log_split(double v, double base, int hi_bits, double *hi, double *lo)
{
    mpfr_t t, b;
    mpfr_inits2(200, t, b, (mpfr_ptr)0);
    mpfr_set_d(t, v, MPFR_RNDN);
    mpfr_log(t, t, MPFR_RNDN);
    if (base != 0) {
        mpfr_set_d(b, base, MPFR_RNDN);
        mpfr_log(b, b, MPFR_RNDN);
        mpfr_div(t, t, b, MPFR_RNDN);
    }
    mpfr_set(b, t, MPFR_RNDN);
    mpfr_prec_round(b, hi_bits, MPFR_RNDN);
    *hi = mpfr_get_d(b, MPFR_RNDN);
    mpfr_sub_d(t, t, *hi, MPFR_RNDN);
    *lo = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clears(t, b, (mpfr_ptr)0);
}

void ua_libm_exp2_split(long num, long den, double *hi, double *lo)
{
    mpfr_t t;
    mpfr_init2(t, 200);
    mpfr_set_si(t, num, MPFR_RNDN);
    mpfr_div_si(t, t, den, MPFR_RNDN);
    mpfr_exp2(t, t, MPFR_RNDN);
    *hi = mpfr_get_d(t, MPFR_RNDN);
    mpfr_sub_d(t, t, *hi, MPFR_RNDN);
    *lo = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
}
