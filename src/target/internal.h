/*
 * src/target/internal.h — the expression module's private types (not installed).
 *
 * Pipeline: lex.c turns the spec into tokens; parse.c is a recursive-descent parser that builds
 * the abstract syntax tree directly in postfix order (a flat array of nodes: operands first,
 * then their operator), which is what both evaluators walk with a value stack: eval.c in double,
 * eval_mpfr.c in MPFR. func.c holds the table of functions, builtin.c the named built-in targets
 * (nfw-sigma), target.c the public constructor, accessors and destructor.
 */
#ifndef UA_TARGET_INTERNAL_H
#define UA_TARGET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <mpfr.h>

#include "uniapprox/target.h"

/* Limits that keep hostile input from exhausting the stack or memory. */
#define UA_EXPR_MAX_LEN ((size_t)1 << 20) /* characters in a spec */
#define UA_EXPR_MAX_DEPTH 1000            /* nesting of parentheses, unary signs, calls, ^ */

/* ---- lexer (lex.c) ---- */

typedef enum {
    TOK_END = 0, /* end of the spec */
    TOK_NUM,     /* a number literal: 1, 2.5, .5, 1e-3, 1E+3 */
    TOK_IDENT,   /* [A-Za-z_][A-Za-z0-9_]* */
    TOK_PLUS, TOK_MINUS, TOK_STAR, TOK_SLASH, TOK_CARET,
    TOK_LPAREN, TOK_RPAREN, TOK_COMMA,
    TOK_BAD      /* a character that starts no token, or a malformed number */
} ua_tok_kind;

typedef struct {
    ua_tok_kind kind;
    size_t pos; /* 0-based byte offset of the first character (column = pos + 1) */
    size_t len; /* bytes */
} ua_token;

/* Scans the token that starts at or after *pos (skipping white space) and advances *pos past
 * it. A malformed number ("1e", "1e+") is returned as TOK_BAD with its full length. */
ua_token ua_lex_next(const char *s, size_t *pos);

/* Rewrites the number literal s[0..len) (as accepted by the lexer) into the locale-independent
 * form "<digits>e<exponent>" with no decimal point, which strtod and mpfr_set_str both read
 * exactly as the literal means. Returns a malloc'd string or NULL on allocation failure. */
char *ua_lex_number_text(const char *s, size_t len);

/* ---- functions (func.c) ---- */

typedef enum {
    FN_EXP, FN_EXPM1, FN_LOG, FN_LOG1P, FN_LOG2, FN_LOG10, FN_SQRT, FN_CBRT,
    FN_SIN, FN_COS, FN_TAN, FN_ASIN, FN_ACOS, FN_ATAN,
    FN_SINH, FN_COSH, FN_TANH, FN_ASINH, FN_ACOSH, FN_ATANH,
    FN_ERF, FN_ERFC, FN_TGAMMA, FN_LGAMMA, FN_J0, FN_J1, FN_Y0, FN_Y1, FN_ABS, FN_SIGN,
    FN_ATAN2, FN_MIN, FN_MAX, FN_POW, FN_HYPOT,
    FN_COUNT
} ua_fn_id;

typedef struct {
    const char *name;
    int nargs; /* 1 or 2 */
} ua_fn_info;

extern const ua_fn_info ua_fn_table[FN_COUNT];

/* The function called name[0..len), or -1. */
int ua_fn_lookup(const char *name, size_t len);

/* ---- the syntax tree in postfix order (parse.c) ---- */

typedef enum {
    OP_NUM,  /* push number arg */
    OP_VAR,  /* push x[arg] */
    OP_PI,   /* push pi */
    OP_E,    /* push e */
    OP_NEG,  /* top = -top */
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, /* a b -> a op b */
    OP_FN1,  /* top = f_arg(top) */
    OP_FN2   /* a b -> f_arg(a, b) */
} ua_op;

typedef struct {
    uint8_t op;   /* ua_op */
    uint32_t arg; /* number index, variable index or ua_fn_id */
} ua_node;

typedef struct {
    ua_node *code;     /* postfix nodes */
    size_t ncode;
    double *num;       /* literal values, rounded to double (strtod) */
    char **numtext;    /* the same literals as exact decimal text for mpfr_set_str */
    size_t nnum;
    size_t maxstack;   /* the deepest the value stack gets */
} ua_program;

/* Parses expr with the given variable names (nvars >= 1) into prog. On failure returns
 * UA_EPARSE (message with the column) or UA_ENOMEM and leaves prog empty. */
ua_status ua_parse_program(const char *expr, const char *const *vars, size_t nvars,
                           ua_program *prog);
void ua_program_clear(ua_program *prog);

/* ---- evaluators ---- */

double ua_program_eval(const ua_program *prog, const double *x);          /* eval.c */
void ua_program_eval_mpfr(const ua_program *prog, const double *x, mpfr_t y); /* eval_mpfr.c */
/* The same with MPFR inputs x (dim,) (points that are no doubles, such as x + h for a tiny h). */
void ua_program_eval_mpfr_at(const ua_program *prog, mpfr_srcptr const *x, mpfr_t y);

/* ---- built-ins (builtin.c) ---- */

typedef struct {
    const char *name;
    const char *doc;
    double (*eval)(double x);
    void (*eval_mpfr)(mpfr_t y, double x); /* at the precision of y */
} ua_builtin;

/* The built-in called name (white space around it ignored), or NULL. */
const ua_builtin *ua_builtin_lookup(const char *name);

/* NFW projected surface density Sigma_hat(X) (Navarro, Frenk & White 1996). */
double ua_nfw_sigma(double X);
void ua_nfw_sigma_mpfr(mpfr_t y, double X);

/* ---- the target ---- */

/*
 * Fill of NaN values (the problem module's --fill-removable, src/problem/fill.c). Called by
 * ua_target_eval and ua_target_eval_mpfr when the value at x (dim,) is NaN: returns 1 with y set
 * (at y's precision) to the value to use there, or 0 to keep NaN. Must be thread-safe (the
 * measurement evaluates from OpenMP threads).
 */
typedef int (*ua_target_fill_fn)(void *ctx, const double *x, mpfr_t y);

struct ua_target {
    char *spec;
    size_t dim;
    char **vars;               /* dim variable names (copies; "x" by default) */
    const ua_builtin *builtin; /* non-NULL for a built-in target, else prog is used */
    ua_program prog;
    /* where the value is NaN, fill (when set) may give one instead: ua_target_set_fill */
    ua_target_fill_fn fill;
    void *fill_ctx;
};

/* Installs (fn non-NULL) or removes the fill of t. Not while t is being evaluated. */
void ua_target_set_fill(ua_target *t, ua_target_fill_fn fn, void *ctx);

/*
 * The target at the MPFR point x (dim,) at the precision of y, without the fill: for limits
 * (x +- h with h far below a double's resolution). A built-in target takes only doubles: NaN.
 */
void ua_target_eval_mpfr_at(const ua_target *t, mpfr_srcptr const *x, mpfr_t y);

#endif /* UA_TARGET_INTERNAL_H */
