/* Lexer of the expression language: numbers, identifiers, operators (see internal.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

ua_token ua_lex_next(const char *s, size_t *pos)
{
    size_t i = *pos;
    while (is_space(s[i])) i++;
    ua_token t = { TOK_END, i, 0 };
    char c = s[i];
    if (c == '\0') {
        *pos = i;
        return t;
    }
    if (is_digit(c) || (c == '.' && is_digit(s[i + 1]))) {
        size_t j = i;
        while (is_digit(s[j])) j++;
        if (s[j] == '.') {
            j++;
            while (is_digit(s[j])) j++;
        }
        t.kind = TOK_NUM;
        if (s[j] == 'e' || s[j] == 'E') {
            /* An exponent marker must be followed by digits; "2e" is not 2 times e (there is no
             * implicit multiplication), so it is reported as a malformed number. */
            size_t k = j + 1;
            if (s[k] == '+' || s[k] == '-') k++;
            if (is_digit(s[k])) {
                while (is_digit(s[k])) k++;
            } else {
                t.kind = TOK_BAD;
                while (is_alpha(s[k]) || is_digit(s[k])) k++;
            }
            j = k;
        }
        t.len = j - i;
        *pos = j;
        return t;
    }
    if (is_alpha(c)) {
        size_t j = i;
        while (is_alpha(s[j]) || is_digit(s[j])) j++;
        t.kind = TOK_IDENT;
        t.len = j - i;
        *pos = j;
        return t;
    }
    switch (c) {
    case '+': t.kind = TOK_PLUS; break;
    case '-': t.kind = TOK_MINUS; break;
    case '*': t.kind = TOK_STAR; break;
    case '/': t.kind = TOK_SLASH; break;
    case '^': t.kind = TOK_CARET; break;
    case '(': t.kind = TOK_LPAREN; break;
    case ')': t.kind = TOK_RPAREN; break;
    case ',': t.kind = TOK_COMMA; break;
    default: t.kind = TOK_BAD; break;
    }
    t.len = 1;
    *pos = i + 1;
    return t;
}

char *ua_lex_number_text(const char *s, size_t len)
{
    /* mantissa digits, then "e", a sign and at most 20 exponent digits, then NUL */
    char *out = malloc(len + 32);
    if (!out) return NULL;
    size_t n = 0, i = 0;
    long long frac = 0; /* digits after the decimal point: shifts the exponent down */
    while (i < len && (is_digit(s[i]) || s[i] == '.')) {
        if (s[i] == '.') {
            i++;
            while (i < len && is_digit(s[i])) {
                out[n++] = s[i++];
                frac++;
            }
            break;
        }
        out[n++] = s[i++];
    }
    long long ex = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int neg = 0;
        if (s[i] == '+' || s[i] == '-') neg = s[i++] == '-';
        /* Saturate: any exponent beyond 1e15 already means overflow to Inf or underflow to 0
         * at every precision we use, and saturation keeps the arithmetic below defined. */
        while (i < len && is_digit(s[i])) {
            if (ex < 1000000000000000LL) ex = ex * 10 + (s[i] - '0');
            i++;
        }
        if (neg) ex = -ex;
    }
    snprintf(out + n, 32, "e%lld", ex - frac);
    return out;
}
