/*
 * Recursive-descent parser of the expression language. It builds the syntax tree in postfix
 * order (see internal.h) while it descends, so no pointer tree is ever allocated.
 *
 * Grammar (lowest precedence first):
 *   expr    := term   (('+' | '-') term)*          left associative
 *   term    := unary  (('*' | '/') unary)*         left associative
 *   unary   := ('-' | '+') unary | power           so -2^2 = -(2^2)
 *   power   := primary ('^' unary)?                right associative; 2^-1 parses
 *   primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 * A name is a variable if it is one of the variable names given (these shadow the constants pi
 * and e), else the constant pi or e. A name followed by '(' is a function call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

typedef struct {
    const char *s;
    size_t pos;      /* lexer position just after tok */
    ua_token tok;    /* the current token (one token of look-ahead) */
    const char *const *vars;
    size_t nvars;
    ua_program *prog;
    size_t cap_code, cap_num;
    size_t sp;       /* value-stack depth after the nodes emitted so far */
    int depth;       /* current nesting */
} parser;

#define TRY(e)                                                                                    \
    do {                                                                                          \
        ua_status st_ = (e);                                                                      \
        if (st_ != UA_OK) return st_;                                                             \
    } while (0)

/* Longest piece of the spec quoted in a message. */
#define QUOTE_MAX 40

static size_t col(const ua_token *t) { return t->pos + 1; }

/* Describes a token for a message: "end of expression", "number '2.5'", "name 'foo'", "'*'". */
static const char *describe(const parser *p, const ua_token *t, char *buf, size_t n)
{
    int len = (int)(t->len > QUOTE_MAX ? QUOTE_MAX : t->len);
    const char *more = t->len > QUOTE_MAX ? "..." : "";
    switch (t->kind) {
    case TOK_END: snprintf(buf, n, "end of expression"); break;
    case TOK_NUM: snprintf(buf, n, "number '%.*s%s'", len, p->s + t->pos, more); break;
    case TOK_IDENT: snprintf(buf, n, "name '%.*s%s'", len, p->s + t->pos, more); break;
    default: {
        unsigned char c = (unsigned char)p->s[t->pos];
        if (c >= 0x20 && c < 0x7f) snprintf(buf, n, "'%c'", c);
        else snprintf(buf, n, "byte 0x%02x", c);
    }
    }
    return buf;
}

/* Moves to the next token; a character that starts no token is an error right here. */
static ua_status advance(parser *p)
{
    p->tok = ua_lex_next(p->s, &p->pos);
    if (p->tok.kind != TOK_BAD) return UA_OK;
    unsigned char c = (unsigned char)p->s[p->tok.pos];
    if ((c >= '0' && c <= '9') || c == '.') {
        int len = (int)(p->tok.len > QUOTE_MAX ? QUOTE_MAX : p->tok.len);
        return UA_ERR(UA_EPARSE, "column %zu: malformed number '%.*s': expected digits after the "
                      "exponent", col(&p->tok), len, p->s + p->tok.pos);
    }
    char d[32];
    return UA_ERR(UA_EPARSE, "column %zu: unexpected character %s", col(&p->tok),
                  describe(p, &p->tok, d, sizeof d));
}

static ua_status emit(parser *p, ua_op op, uint32_t arg)
{
    ua_program *g = p->prog;
    if (g->ncode == p->cap_code) {
        size_t cap = p->cap_code ? 2 * p->cap_code : 16;
        ua_node *c = realloc(g->code, cap * sizeof *c);
        if (!c) return UA_ENOMEM_ERR(cap * sizeof *c);
        g->code = c;
        p->cap_code = cap;
    }
    g->code[g->ncode].op = (uint8_t)op;
    g->code[g->ncode].arg = arg;
    g->ncode++;
    switch (op) {
    case OP_NUM: case OP_VAR: case OP_PI: case OP_E:
        if (++p->sp > g->maxstack) g->maxstack = p->sp;
        break;
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_POW: case OP_FN2:
        p->sp--;
        break;
    default: break; /* unary: depth unchanged */
    }
    return UA_OK;
}

static ua_status emit_number(parser *p, const ua_token *t)
{
    ua_program *g = p->prog;
    if (g->nnum == p->cap_num) {
        size_t cap = p->cap_num ? 2 * p->cap_num : 8;
        double *v = realloc(g->num, cap * sizeof *v);
        if (!v) return UA_ENOMEM_ERR(cap * sizeof *v);
        g->num = v;
        char **tx = realloc(g->numtext, cap * sizeof *tx);
        if (!tx) return UA_ENOMEM_ERR(cap * sizeof *tx);
        g->numtext = tx;
        p->cap_num = cap;
    }
    char *text = ua_lex_number_text(p->s + t->pos, t->len);
    if (!text) return UA_ENOMEM_ERR(t->len + 32);
    g->numtext[g->nnum] = text;
    g->num[g->nnum] = strtod(text, NULL); /* text has no decimal point: locale-independent */
    g->nnum++;
    return emit(p, OP_NUM, (uint32_t)(g->nnum - 1));
}

static ua_status parse_expr(parser *p);
static ua_status parse_unary(parser *p);

static ua_status unknown_variable(parser *p, const ua_token *t)
{
    char list[256];
    size_t n = 0;
    list[0] = '\0';
    for (size_t i = 0; i < p->nvars; i++) {
        size_t need = strlen(p->vars[i]) + 2;
        if (n + need + 5 >= sizeof list) {
            snprintf(list + n, sizeof list - n, "%s...", i ? ", " : "");
            break;
        }
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", p->vars[i]);
    }
    int len = (int)(t->len > QUOTE_MAX ? QUOTE_MAX : t->len);
    const char *more = t->len > QUOTE_MAX ? "..." : "";
    if (ua_fn_lookup(p->s + t->pos, t->len) >= 0)
        return UA_ERR(UA_EPARSE, "column %zu: '%.*s' is a function: call it as %.*s(...)", col(t),
                      len, p->s + t->pos, len, p->s + t->pos);
    return UA_ERR(UA_EPARSE, "column %zu: unknown variable '%.*s%s' (variables: %s)", col(t), len,
                  p->s + t->pos, more, list);
}

static ua_status expect_close(parser *p, size_t open_col)
{
    if (p->tok.kind == TOK_RPAREN) return advance(p);
    char d[64];
    return UA_ERR(UA_EPARSE, "column %zu: expected ')' to close '(' opened at column %zu, found %s",
                  col(&p->tok), open_col, describe(p, &p->tok, d, sizeof d));
}

static ua_status parse_call(parser *p, const ua_token *name)
{
    int len = (int)(name->len > QUOTE_MAX ? QUOTE_MAX : name->len);
    const char *more = name->len > QUOTE_MAX ? "..." : "";
    int fn = ua_fn_lookup(p->s + name->pos, name->len);
    if (fn < 0)
        return UA_ERR(UA_EPARSE, "column %zu: unknown function '%.*s%s'", col(name), len,
                      p->s + name->pos, more);
    size_t open_col = col(&p->tok);
    TRY(advance(p)); /* past '(' */
    int nargs = 0;
    if (p->tok.kind != TOK_RPAREN) {
        for (;;) {
            TRY(parse_expr(p));
            nargs++;
            if (p->tok.kind != TOK_COMMA) break;
            TRY(advance(p));
        }
    }
    TRY(expect_close(p, open_col));
    int want = ua_fn_table[fn].nargs;
    if (nargs != want)
        return UA_ERR(UA_EPARSE, "column %zu: '%s' takes %d argument%s, got %d", col(name),
                      ua_fn_table[fn].name, want, want == 1 ? "" : "s", nargs);
    return emit(p, want == 1 ? OP_FN1 : OP_FN2, (uint32_t)fn);
}

static ua_status parse_primary(parser *p)
{
    ua_token t = p->tok;
    char d[64];
    switch (t.kind) {
    case TOK_NUM:
        TRY(emit_number(p, &t));
        return advance(p);
    case TOK_IDENT:
        TRY(advance(p));
        if (p->tok.kind == TOK_LPAREN) return parse_call(p, &t);
        for (size_t i = 0; i < p->nvars; i++)
            if (strlen(p->vars[i]) == t.len && memcmp(p->vars[i], p->s + t.pos, t.len) == 0)
                return emit(p, OP_VAR, (uint32_t)i);
        if (t.len == 2 && memcmp(p->s + t.pos, "pi", 2) == 0) return emit(p, OP_PI, 0);
        if (t.len == 1 && p->s[t.pos] == 'e') return emit(p, OP_E, 0);
        return unknown_variable(p, &t);
    case TOK_LPAREN: {
        TRY(advance(p));
        TRY(parse_expr(p));
        return expect_close(p, col(&t));
    }
    case TOK_END:
        return UA_ERR(UA_EPARSE, "column %zu: unexpected end of expression: expected a number, a "
                      "variable, a function call or '('", col(&t));
    default:
        return UA_ERR(UA_EPARSE, "column %zu: expected a number, a variable, a function call or "
                      "'(', found %s", col(&t), describe(p, &t, d, sizeof d));
    }
}

static ua_status parse_power(parser *p)
{
    TRY(parse_primary(p));
    if (p->tok.kind != TOK_CARET) return UA_OK;
    TRY(advance(p));
    TRY(parse_unary(p)); /* recursion through unary makes ^ right associative */
    return emit(p, OP_POW, 0);
}

/* Every level of nesting — a sign, a '^', a '(' or a call argument — passes through here
 * once, so this is where the depth limit is enforced. */
static ua_status parse_unary(parser *p)
{
    if (++p->depth > UA_EXPR_MAX_DEPTH)
        return UA_ERR(UA_EPARSE, "column %zu: expression nested too deeply (more than %d levels)",
                      col(&p->tok), UA_EXPR_MAX_DEPTH);
    ua_status st;
    if (p->tok.kind == TOK_MINUS || p->tok.kind == TOK_PLUS) {
        int neg = p->tok.kind == TOK_MINUS;
        st = advance(p);
        if (st == UA_OK) st = parse_unary(p);
        if (st == UA_OK && neg) st = emit(p, OP_NEG, 0);
    } else {
        st = parse_power(p);
    }
    p->depth--;
    return st;
}

static ua_status parse_term(parser *p)
{
    TRY(parse_unary(p));
    while (p->tok.kind == TOK_STAR || p->tok.kind == TOK_SLASH) {
        ua_op op = p->tok.kind == TOK_STAR ? OP_MUL : OP_DIV;
        TRY(advance(p));
        TRY(parse_unary(p));
        TRY(emit(p, op, 0));
    }
    return UA_OK;
}

static ua_status parse_expr(parser *p)
{
    TRY(parse_term(p));
    while (p->tok.kind == TOK_PLUS || p->tok.kind == TOK_MINUS) {
        ua_op op = p->tok.kind == TOK_PLUS ? OP_ADD : OP_SUB;
        TRY(advance(p));
        TRY(parse_term(p));
        TRY(emit(p, op, 0));
    }
    return UA_OK;
}

void ua_program_clear(ua_program *prog)
{
    for (size_t i = 0; i < prog->nnum; i++) free(prog->numtext[i]);
    free(prog->numtext);
    free(prog->num);
    free(prog->code);
    memset(prog, 0, sizeof *prog);
}

ua_status ua_parse_program(const char *expr, const char *const *vars, size_t nvars,
                           ua_program *prog)
{
    memset(prog, 0, sizeof *prog);
    parser p = { .s = expr, .vars = vars, .nvars = nvars, .prog = prog };
    ua_status st = advance(&p);
    if (st == UA_OK) st = parse_expr(&p);
    if (st == UA_OK && p.tok.kind != TOK_END) {
        char d[64];
        if (p.tok.kind == TOK_RPAREN)
            st = UA_ERR(UA_EPARSE, "column %zu: unmatched ')': no '(' is open", col(&p.tok));
        else
            st = UA_ERR(UA_EPARSE, "column %zu: expected an operator or the end of the "
                        "expression, found %s", col(&p.tok), describe(&p, &p.tok, d, sizeof d));
    }
    if (st != UA_OK) ua_program_clear(prog);
    return st;
}
