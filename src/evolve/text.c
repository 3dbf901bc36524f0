/*
 * A program of the evolve family as one line of text, for `uniapprox info` and the describe
 * JSON: an expression in x with C's operators and precedence, constants written in place, and
 * the operations whose value is used more than once named first ("v2 = x - 1; return ..."), so
 * that a shared subexpression is written once (inlining a DAG can grow exponentially).
 * Parentheses keep the program's own order of evaluation: floating-point addition is not
 * associative, so a right operand of equal precedence is parenthesised ("a + (b + c)").
 */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

typedef struct {
    char *buf;
    size_t len, used; /* used may pass len: the text is then cut, still terminated */
} text_out;

static void put(text_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->used < o->len ? o->len - o->used : 0;
    int w = vsnprintf(room ? o->buf + o->used : NULL, room, fmt, ap);
    va_end(ap);
    if (w > 0) o->used += (size_t)w;
}

/* Binding strength: add/sub 1, mul/div 2, anything written as a call or a name 3. */
static int strength(const ev_prog *g, int v, const unsigned char *named)
{
    int k = g->kind[v];
    if (v == 0 || k == EV_CONST || named[v]) return 3;
    if (k == EV_ADD || k == EV_SUB) return 1;
    if (k == EV_MUL || k == EV_DIV) return 2;
    return 3;
}

static void operand(const ev_prog *g, int v, const unsigned char *named, int digits,
                    text_out *o);

/* The operation of vertex v written out (never its name). */
static void operation(const ev_prog *g, int v, const unsigned char *named, int digits,
                      text_out *o)
{
    const uint8_t *r = g->arg[v];
    int k = g->kind[v];
    if (k == EV_SQRT || k == EV_FMA) {
        put(o, "%s(", k == EV_SQRT ? "sqrt" : "fma");
        for (int j = 0; j < ev_arity(k); j++) {
            if (j) put(o, ", ");
            operand(g, r[j], named, digits, o);
        }
        put(o, ")");
        return;
    }
    static const char sym[EV_NKINDS] = {0, 0, '+', '-', '*', '/', 0, 0};
    int mine = (k == EV_ADD || k == EV_SUB) ? 1 : 2;
    int pl = strength(g, r[0], named) < mine, pr = strength(g, r[1], named) <= mine;
    put(o, pl ? "(" : "");
    operand(g, r[0], named, digits, o);
    put(o, pl ? ") %c " : " %c ", sym[k]);
    put(o, pr ? "(" : "");
    operand(g, r[1], named, digits, o);
    put(o, pr ? ")" : "");
}

/* Vertex v as an operand: x, a constant, a name, or its operation inlined. */
static void operand(const ev_prog *g, int v, const unsigned char *named, int digits,
                    text_out *o)
{
    if (v == 0) put(o, "x");
    else if (g->kind[v] == EV_CONST) put(o, "%.*g", digits, g->val[v]);
    else if (named[v]) put(o, "v%d", v);
    else operation(g, v, named, digits, o);
}

size_t ev_prog_text(const ev_prog *g, int digits, char *buf, size_t len)
{
    text_out o = {buf, len, 0};
    if (len) buf[0] = '\0';
    unsigned char uses[EV_MAX_VERTICES] = {0}, named[EV_MAX_VERTICES] = {0};
    for (int i = 1; i < g->n; i++)
        for (int j = 0; j < ev_arity(g->kind[i]); j++) uses[g->arg[i][j]]++;
    for (int i = 1; i + 1 < g->n; i++) named[i] = g->kind[i] >= EV_ADD && uses[i] > 1;
    for (int i = 1; i + 1 < g->n; i++)
        if (named[i]) {
            put(&o, "v%d = ", i);
            operation(g, i, named, digits, &o);
            put(&o, "; ");
        }
    put(&o, "return ");
    int out = g->n - 1;
    if (out > 0 && g->kind[out] >= EV_ADD) operation(g, out, named, digits, &o);
    else operand(g, out, named, digits, &o);
    if (len && o.used >= len) buf[len - 1] = '\0';
    return o.used;
}
