/* Graph data sets in JSON lines (uniapprox/graphs.h, docs/graph.md): ua_graphs_read, one graph
 * per line parsed with cJSON, every field checked as untrusted input, and ua_graphs_write.
 *
 * Why JSON lines and not .npz: any language writes it with one json.dumps per graph, graphs of
 * different sizes need no offset arrays from the user, a line number locates every error, and
 * cJSON is already linked (an .npz is a zip archive: a deflate reader the library does not have).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/internal.h"
#include "internal.h"
#include "uniapprox/graphs.h"

/* ---- growing arrays ------------------------------------------------------------------------- */

typedef struct {
    void *v;
    size_t n, cap;
} vec;

/* Room for extra more elements of size sz (geometric growth, overflow-checked). */
static ua_status vec_reserve(vec *a, size_t extra, size_t sz)
{
    if (extra <= a->cap - a->n) return UA_OK;
    if (extra > SIZE_MAX / sz - a->n) return UA_ENOMEM_ERR(SIZE_MAX);
    size_t need = a->n + extra, cap = a->cap ? a->cap : 256;
    while (cap < need) cap = cap > SIZE_MAX / sz / 2 ? need : 2 * cap;
    void *v = realloc(a->v, cap * sz);
    if (!v) return UA_ENOMEM_ERR(cap * sz);
    a->v = v;
    a->cap = cap;
    return UA_OK;
}

#define VEC(T, a) ((T *)(a).v)

/* ---- a line at a time, at most UA_GRAPHS_MAX_LINE bytes -------------------------------------- */

typedef struct {
    FILE *f;
    const char *path;
    char *buf;
    size_t cap, len, lineno;
} lines;

/* 1 with the next line in r->buf (without its "\n" / "\r\n"), 0 at the end, -1 on an error. */
static int next_line(lines *r, ua_status *st)
{
    r->len = 0;
    int c = EOF;
    for (;;) {
        c = getc_unlocked(r->f); /* one thread reads the file */
        if (c == EOF || c == '\n') break;
        if (r->len >= UA_GRAPHS_MAX_LINE) {
            *st = UA_ERR(UA_EFORMAT, "%s: line %zu is longer than %zu bytes (one graph per line: "
                         "is this a JSON-lines file?)", r->path, r->lineno + 1, UA_GRAPHS_MAX_LINE);
            return -1;
        }
        if (r->len + 1 >= r->cap) {
            size_t cap = r->cap ? 2 * r->cap : 4096;
            char *b = realloc(r->buf, cap);
            if (!b) {
                *st = UA_ENOMEM_ERR(cap);
                return -1;
            }
            r->buf = b;
            r->cap = cap;
        }
        if (c == '\0') {
            *st = UA_ERR(UA_EFORMAT, "%s: line %zu, column %zu: NUL byte (not a text file?)",
                         r->path, r->lineno + 1, r->len + 1);
            return -1;
        }
        r->buf[r->len++] = (char)c;
    }
    if (ferror(r->f)) {
        *st = UA_ERR(UA_EIO, "%s: read error after line %zu: %s", r->path, r->lineno,
                     strerror(errno ? errno : EIO));
        return -1;
    }
    if (c == EOF && r->len == 0) return 0;
    r->lineno++;
    if (r->len && r->buf[r->len - 1] == '\r') r->len--;
    if (!r->buf) { /* an empty line at the start */
        if (!(r->buf = malloc(1))) {
            *st = UA_ENOMEM_ERR(1);
            return -1;
        }
        r->cap = 1;
    }
    r->buf[r->len] = '\0';
    return 1;
}

/* ---- the reader's state ------------------------------------------------------------------ */

typedef struct {
    const char *path;
    size_t line;
    size_t nclasses;
    int has_x;         /* -1 unknown (no graph yet), 0 "num_nodes", 1 "x" */
    int has_eattr;     /* -1 unknown, 0 no, 1 yes (set by the first graph with edges) */
    int level;         /* -1 unknown, 0 "y" (graph), 1 "y_node", 2 no targets */
    size_t node_dim, edge_dim, ny;
    size_t first_line; /* of the first graph, for messages */
    size_t bytes;      /* of the file read so far (for FEATURELESS_PER_BYTE) */
    vec node_off, edge_off, src, dst, x, e, y;
} reader;

/* Nodes given by "num_nodes" alone cost a column of ones (8 bytes each) but no bytes of the
 * file: a 40-byte line asking for 888888881 nodes allocated 7 GB. A set holds at most
 * FEATURELESS_FLOOR of them or FEATURELESS_PER_BYTE per byte of the file read so far, whichever
 * is larger, so memory stays within about 128 bytes per byte of the file plus 8 MiB. */
#define FEATURELESS_FLOOR ((size_t)1 << 20)
#define FEATURELESS_PER_BYTE 16

#define FIELD_ERR(r, field, ...) field_err((r), (field), __VA_ARGS__)

static ua_status field_err(const reader *r, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static ua_status field_err(const reader *r, const char *field, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (field) return UA_ERR(UA_EFORMAT, "%s: line %zu, field '%s': %s", r->path, r->line, field,
                             msg);
    return UA_ERR(UA_EFORMAT, "%s: line %zu: %s", r->path, r->line, msg);
}

/* A finite number. */
static ua_status get_number(const reader *r, const char *field, const cJSON *it, const char *what,
                            double *v)
{
    if (!cJSON_IsNumber(it))
        return FIELD_ERR(r, field, "%s is not a number", what);
    if (!isfinite(it->valuedouble))
        return FIELD_ERR(r, field, "%s is not finite (%g)", what, it->valuedouble);
    *v = it->valuedouble;
    return UA_OK;
}

/* A row of numbers: a number (width 1) or a list of numbers, appended to out. *w is the width
 * (0: set it from this row); every row of a field has the same width. */
static ua_status get_row(const reader *r, const char *field, const cJSON *it, const char *rowname,
                         size_t row, size_t *w, vec *out)
{
    char what[96];
    if (cJSON_IsNumber(it)) {
        if (*w == 0) *w = 1;
        if (*w != 1)
            return FIELD_ERR(r, field, "%s %zu is one number, other rows have %zu", rowname, row,
                             *w);
        snprintf(what, sizeof what, "%s %zu", rowname, row);
        ua_status s = vec_reserve(out, 1, sizeof(double));
        if (!s) s = get_number(r, field, it, what, &VEC(double, *out)[out->n]);
        if (!s) out->n++;
        return s;
    }
    if (!cJSON_IsArray(it))
        return FIELD_ERR(r, field, "%s %zu is neither a number nor a list of numbers", rowname,
                         row);
    size_t n = (size_t)cJSON_GetArraySize(it);
    if (n == 0) return FIELD_ERR(r, field, "%s %zu is an empty list", rowname, row);
    if (n > UA_GRAPHS_MAX_DIM)
        return FIELD_ERR(r, field, "%s %zu has %zu values, at most %zu", rowname, row, n,
                         UA_GRAPHS_MAX_DIM);
    if (*w == 0) *w = n;
    if (n != *w)
        return FIELD_ERR(r, field, "%s %zu has %zu values, %s has %zu", rowname, row, n,
                         r->first_line ? "every row of every graph" : "the first row", *w);
    ua_status s = vec_reserve(out, n, sizeof(double));
    if (s) return s;
    size_t j = 0;
    for (const cJSON *c = it->child; c; c = c->next, j++) {
        snprintf(what, sizeof what, "%s %zu, column %zu", rowname, row, j);
        if ((s = get_number(r, field, c, what, &VEC(double, *out)[out->n + j]))) return s;
    }
    out->n += n;
    return UA_OK;
}

/* An integer (a count or an index; the caller checks its range). */
static ua_status get_integer(const reader *r, const char *field, const cJSON *it, const char *what,
                             double *v)
{
    ua_status s = get_number(r, field, it, what, v);
    if (s) return s;
    if (*v != floor(*v)) return FIELD_ERR(r, field, "%s %.17g is not an integer", what, *v);
    return UA_OK;
}

/* The header line {"format": "uniapprox-graphs", "nclasses": C}. */
static ua_status read_header(reader *r, const cJSON *o)
{
    for (const cJSON *c = o->child; c; c = c->next) {
        if (!strcmp(c->string, "format")) {
            if (!cJSON_IsString(c) || strcmp(c->valuestring, "uniapprox-graphs"))
                return FIELD_ERR(r, "format", "expected \"uniapprox-graphs\"");
        } else if (!strcmp(c->string, "nclasses")) {
            double k = 0;
            ua_status s = get_integer(r, "nclasses", c, "the number of classes", &k);
            if (s) return s;
            if (k < 2 || k > (double)UA_GRAPHS_MAX_CLASSES)
                return FIELD_ERR(r, "nclasses", "%.17g classes: expected 2 .. %zu", k,
                                 UA_GRAPHS_MAX_CLASSES);
            r->nclasses = (size_t)k;
        } else {
            return FIELD_ERR(r, c->string, "unknown field of the header line (fields: format, "
                             "nclasses)");
        }
    }
    return UA_OK;
}

/* The last n target values appended are class labels (one per graph, or per node: node_rows). */
static ua_status check_classes(const reader *r, const char *field, int node_rows, size_t n)
{
    const double *y = VEC(double, r->y) + r->y.n - n;
    for (size_t i = 0; i < n; i++)
        if (!(y[i] >= 0 && y[i] < (double)r->nclasses && y[i] == floor(y[i]))) {
            char where[48] = "";
            if (node_rows) snprintf(where, sizeof where, "node %zu: ", i);
            return FIELD_ERR(r, field, "%s%.17g is not a class label (an integer in 0 .. %zu: the "
                             "header's nclasses is %zu)", where, y[i], r->nclasses - 1,
                             r->nclasses);
        }
    return UA_OK;
}

static const char graph_fields[] = "x, num_nodes, edge_index, edge_attr, y, y_node";

/* One graph's object. */
static ua_status read_graph(reader *r, const cJSON *o)
{
    const cJSON *x = NULL, *nn = NULL, *ei = NULL, *ea = NULL, *y = NULL, *yn = NULL;
    for (const cJSON *c = o->child; c; c = c->next) {
        const cJSON **slot = !strcmp(c->string, "x") ? &x
                           : !strcmp(c->string, "num_nodes") ? &nn
                           : !strcmp(c->string, "edge_index") ? &ei
                           : !strcmp(c->string, "edge_attr") ? &ea
                           : !strcmp(c->string, "y") ? &y
                           : !strcmp(c->string, "y_node") ? &yn : NULL;
        if (!slot) {
            if (!strcmp(c->string, "format") || !strcmp(c->string, "nclasses"))
                return FIELD_ERR(r, c->string, "belongs to the header, which must be the first "
                                 "line");
            return FIELD_ERR(r, c->string, "unknown field (fields: %s)", graph_fields);
        }
        if (*slot) return FIELD_ERR(r, c->string, "given twice");
        *slot = c;
    }
    int first = r->has_x < 0;
    if (first) r->first_line = 0; /* messages about widths say "the first row" */
    size_t base = r->node_off.n ? VEC(size_t, r->node_off)[r->node_off.n - 1] : 0;
    ua_status s;

    /* nodes */
    size_t n = 0;
    if (nn) {
        double v = 0;
        if ((s = get_integer(r, "num_nodes", nn, "the number of nodes", &v))) return s;
        if (v < 1 || v > (double)(UA_GRAPHS_MAX_NODES - base))
            return FIELD_ERR(r, "num_nodes", "%.17g nodes: expected 1 .. %zu (a set holds at most "
                             "%zu nodes)", v, UA_GRAPHS_MAX_NODES - base, UA_GRAPHS_MAX_NODES);
        n = (size_t)v;
    }
    if (x) {
        if (!cJSON_IsArray(x)) return FIELD_ERR(r, "x", "expected a list of node feature rows");
        size_t m = (size_t)cJSON_GetArraySize(x);
        if (m == 0) return FIELD_ERR(r, "x", "no nodes (a graph needs at least one)");
        if (m > UA_GRAPHS_MAX_NODES - base)
            return FIELD_ERR(r, "x", "%zu nodes: a set holds at most %zu", m, UA_GRAPHS_MAX_NODES);
        if (nn && m != n)
            return FIELD_ERR(r, "num_nodes", "%zu, but 'x' has %zu rows", n, m);
        n = m;
    } else if (!nn) {
        return FIELD_ERR(r, NULL, "a graph needs 'x' (node features) or 'num_nodes'");
    }
    if (first) r->has_x = x != NULL;
    else if (r->has_x != (x != NULL))
        return FIELD_ERR(r, "x", "%s, but the first graph (line %zu) %s node features",
                         x ? "node features given" : "missing", r->first_line,
                         r->has_x ? "has" : "has no");
    if (x) {
        size_t i = 0;
        for (const cJSON *c = x->child; c; c = c->next, i++)
            if ((s = get_row(r, "x", c, "node", i, &r->node_dim, &r->x))) return s;
    } else {
        size_t most = r->bytes > FEATURELESS_FLOOR / FEATURELESS_PER_BYTE
                          ? r->bytes * FEATURELESS_PER_BYTE : FEATURELESS_FLOOR;
        if (n > most || base > most - n)
            return FIELD_ERR(r, "num_nodes", "%zu nodes without features (%zu before this graph): "
                             "a file of %zu bytes may give at most %zu by 'num_nodes' alone (%d "
                             "per byte, or %zu); give 'x'", n, base, r->bytes, most,
                             FEATURELESS_PER_BYTE, FEATURELESS_FLOOR);
        r->node_dim = 1;
        if ((s = vec_reserve(&r->x, n, sizeof(double)))) return s;
        for (size_t i = 0; i < n; i++) VEC(double, r->x)[r->x.n++] = 1.0;
    }

    /* edges */
    size_t m = 0;
    size_t ebase = r->edge_off.n ? VEC(size_t, r->edge_off)[r->edge_off.n - 1] : 0;
    if (ei) {
        if (!cJSON_IsArray(ei)) return FIELD_ERR(r, "edge_index", "expected [[src...], [dst...]]");
        int k = cJSON_GetArraySize(ei);
        if (k != 0 && k != 2)
            return FIELD_ERR(r, "edge_index", "expected two lists [[src...], [dst...]], got %d "
                             "entries (a list of pairs? give the sources, then the targets)", k);
        if (k == 2) {
            const cJSON *ls = ei->child, *ld = ls->next;
            if (!cJSON_IsArray(ls) || !cJSON_IsArray(ld))
                return FIELD_ERR(r, "edge_index", "expected two lists [[src...], [dst...]]");
            m = (size_t)cJSON_GetArraySize(ls);
            if ((size_t)cJSON_GetArraySize(ld) != m)
                return FIELD_ERR(r, "edge_index", "%zu sources but %d targets", m,
                                 cJSON_GetArraySize(ld));
            if (m > UA_GRAPHS_MAX_EDGES - ebase)
                return FIELD_ERR(r, "edge_index", "%zu edges: a set holds at most %zu", m,
                                 UA_GRAPHS_MAX_EDGES);
            if ((s = vec_reserve(&r->src, m, sizeof(int32_t))) ||
                (s = vec_reserve(&r->dst, m, sizeof(int32_t))))
                return s;
            for (int side = 0; side < 2; side++) {
                vec *out = side ? &r->dst : &r->src;
                size_t j = 0;
                for (const cJSON *c = (side ? ld : ls)->child; c; c = c->next, j++) {
                    char what[64];
                    snprintf(what, sizeof what, "%s %zu", side ? "target of edge" : "source of edge",
                             j);
                    double v = 0;
                    if ((s = get_integer(r, "edge_index", c, what, &v))) return s;
                    if (v < 0 || v >= (double)n)
                        return FIELD_ERR(r, "edge_index", "index %.17g (%s) is not a node of this "
                                         "graph (%zu nodes, indices 0 .. %zu)", v, what, n, n - 1);
                    VEC(int32_t, *out)[out->n + j] = (int32_t)(base + (size_t)v);
                }
            }
            r->src.n += m;
            r->dst.n += m;
        }
    }
    if (ea) {
        if (!cJSON_IsArray(ea)) return FIELD_ERR(r, "edge_attr", "expected a list of edge rows");
        size_t k = (size_t)cJSON_GetArraySize(ea);
        if (k != m)
            return FIELD_ERR(r, "edge_attr", "%zu rows for %zu edges", k, m);
    }
    if (m) {
        int has = ea != NULL;
        if (r->has_eattr < 0) r->has_eattr = has;
        else if (r->has_eattr != has)
            return FIELD_ERR(r, "edge_attr", "%s, but earlier graphs with edges %s edge features",
                             has ? "edge features given" : "missing", r->has_eattr ? "have"
                             : "have no");
        size_t j = 0;
        for (const cJSON *c = ea ? ea->child : NULL; c; c = c->next, j++)
            if ((s = get_row(r, "edge_attr", c, "edge", j, &r->edge_dim, &r->e))) return s;
    }

    /* targets */
    int level = y ? 0 : yn ? 1 : 2;
    if (y && yn) return FIELD_ERR(r, "y_node", "a graph has 'y' (a graph target) or 'y_node' "
                                  "(node targets), not both");
    if (r->level < 0) r->level = level;
    else if (r->level != level) {
        static const char *const what[] = { "'y' (a graph target)", "'y_node' (node targets)",
                                            "no targets" };
        return FIELD_ERR(r, level == 0 ? "y" : level == 1 ? "y_node" : NULL,
                         "this graph has %s, the first graph (line %zu) has %s", what[level],
                         r->first_line, what[r->level]);
    }
    if (y) {
        size_t before = r->y.n;
        if ((s = get_row(r, "y", y, "target", 0, &r->ny, &r->y))) return s;
        if (r->nclasses && r->ny != 1)
            return FIELD_ERR(r, "y", "a classification (nclasses %zu) takes one label per graph, "
                             "not %zu values", r->nclasses, r->ny);
        if (r->nclasses && (s = check_classes(r, "y", 0, r->y.n - before))) return s;
    } else if (yn) {
        if (!cJSON_IsArray(yn) || (size_t)cJSON_GetArraySize(yn) != n)
            return FIELD_ERR(r, "y_node", "expected a list of %zu node targets (one per node)", n);
        size_t i = 0, before = r->y.n;
        for (const cJSON *c = yn->child; c; c = c->next, i++)
            if ((s = get_row(r, "y_node", c, "node", i, &r->ny, &r->y))) return s;
        if (r->nclasses && r->ny != 1)
            return FIELD_ERR(r, "y_node", "a classification (nclasses %zu) takes one label per "
                             "node, not %zu values", r->nclasses, r->ny);
        if (r->nclasses && (s = check_classes(r, "y_node", 1, r->y.n - before))) return s;
    }

    if ((s = vec_reserve(&r->node_off, 1, sizeof(size_t))) ||
        (s = vec_reserve(&r->edge_off, 1, sizeof(size_t))))
        return s;
    VEC(size_t, r->node_off)[r->node_off.n++] = base + n;
    VEC(size_t, r->edge_off)[r->edge_off.n++] = ebase + m;
    if (first) r->first_line = r->line;
    return UA_OK;
}

/* Moves the arrays into a set. */
static ua_status finish(reader *r, ua_graphs **out)
{
    size_t ng = r->node_off.n - 1;
    if (ng == 0) return UA_ERR(UA_EFORMAT, "%s: no graphs (one JSON object per line)", r->path);
    if (r->level == 2 && r->nclasses)
        return UA_ERR(UA_EFORMAT, "%s: the header gives %zu classes but no graph has a target",
                      r->path, r->nclasses);
    ua_graphs *g = calloc(1, sizeof *g);
    if (!g) return UA_ENOMEM_ERR(sizeof *g);
    ua_status s = UA_OK;
    /* never NULL arrays, even for a set without edges */
    if (!s) s = vec_reserve(&r->src, 1, sizeof(int32_t));
    if (!s) s = vec_reserve(&r->dst, 1, sizeof(int32_t));
    if (s) {
        free(g);
        return s;
    }
    g->ngraphs = ng;
    g->nnodes = VEC(size_t, r->node_off)[ng];
    g->nedges = VEC(size_t, r->edge_off)[ng];
    g->node_dim = r->node_dim;
    g->edge_dim = r->has_eattr == 1 ? r->edge_dim : 0;
    g->level = r->level == 1 ? UA_GRAPH_LEVEL_NODE : UA_GRAPH_LEVEL_GRAPH;
    g->ny = r->level == 2 ? 0 : r->ny;
    g->nclasses = r->nclasses;
    g->node_off = r->node_off.v;
    g->edge_off = r->edge_off.v;
    g->src = r->src.v;
    g->dst = r->dst.v;
    g->x = r->x.v;
    g->e = g->edge_dim ? r->e.v : NULL;
    g->y = g->ny ? r->y.v : NULL;
    if (!g->edge_dim) free(r->e.v);
    if (!g->ny) free(r->y.v);
    memset(&r->node_off, 0, sizeof r->node_off);
    memset(&r->edge_off, 0, sizeof r->edge_off);
    r->src.v = r->dst.v = r->x.v = r->e.v = r->y.v = NULL;
    if ((s = ua_graphs_check(g, r->path))) { /* cannot fail after the checks above: a guard */
        ua_graphs_free(g);
        return s;
    }
    *out = g;
    return UA_OK;
}

ua_status ua_graphs_read(const char *path, ua_graphs **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_graphs_read: out is NULL");
    *out = NULL;
    if (!path) return UA_ERR(UA_EINVAL, "ua_graphs_read: path is NULL");
    FILE *f;
    ua_status s = ua_data_open(path, &f);
    if (s) return s;
    reader r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.has_x = r.has_eattr = r.level = -1;
    lines ln = { f, path, NULL, 0, 0, 0 };
    int got, seen = 0;
    if (!(s = vec_reserve(&r.node_off, 1, sizeof(size_t))) &&
        !(s = vec_reserve(&r.edge_off, 1, sizeof(size_t)))) {
        VEC(size_t, r.node_off)[r.node_off.n++] = 0;
        VEC(size_t, r.edge_off)[r.edge_off.n++] = 0;
    }
    while (!s && (got = next_line(&ln, &s)) == 1) {
        r.line = ln.lineno;
        r.bytes += ln.len + 1;
        const char *p = ln.buf;
        if (ln.lineno == 1 && ln.len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) continue;
        const char *end = NULL;
        cJSON *o = cJSON_ParseWithLengthOpts(p, ln.len - (size_t)(p - ln.buf), &end, 0);
        if (!o) {
            char near[48];
            size_t at = end && end >= p ? (size_t)(end - p) : 0;
            ua_data_clip(near, sizeof near, p + (at < strlen(p) ? at : strlen(p)));
            s = FIELD_ERR(&r, NULL, "not valid JSON at column %zu (near '%s')",
                          at + 1 + (size_t)(p - ln.buf), near);
            break;
        }
        while (end && (*end == ' ' || *end == '\t')) end++;
        if (end && *end) {
            char near[48];
            s = FIELD_ERR(&r, NULL, "text after the JSON object at column %zu (near '%s'; one graph "
                          "per line)", (size_t)(end - ln.buf) + 1,
                          ua_data_clip(near, sizeof near, end));
        } else if (!cJSON_IsObject(o)) {
            s = FIELD_ERR(&r, NULL, "expected a JSON object {...} (one graph per line)");
        } else if (!seen && cJSON_GetObjectItemCaseSensitive(o, "format")) {
            s = read_header(&r, o);
        } else {
            s = read_graph(&r, o);
        }
        seen = 1;
        cJSON_Delete(o);
    }
    fclose(f);
    free(ln.buf);
    if (!s) s = finish(&r, out);
    free(r.node_off.v);
    free(r.edge_off.v);
    free(r.src.v);
    free(r.dst.v);
    free(r.x.v);
    free(r.e.v);
    free(r.y.v);
    return s;
}

/* ---- writing ------------------------------------------------------------------------------- */

static void put_row(FILE *f, const double *v, size_t w, int bare)
{
    char num[32];
    if (bare && w == 1) {
        fputs(ua_fmt_double(num, v[0]), f);
        return;
    }
    fputc('[', f);
    for (size_t j = 0; j < w; j++) {
        if (j) fputc(',', f);
        fputs(ua_fmt_double(num, v[j]), f);
    }
    fputc(']', f);
}

ua_status ua_graphs_write(const char *path, const ua_graphs *g)
{
    if (!path) return UA_ERR(UA_EINVAL, "ua_graphs_write: path is NULL");
    ua_status s = ua_graphs_check(g, path);
    if (s) return s;
    int to_stdout = !strcmp(path, "-");
    FILE *f = to_stdout ? stdout : fopen(path, "w");
    if (!f) return UA_ERR(UA_EIO, "cannot create '%s': %s", path, strerror(errno));
    if (g->nclasses)
        fprintf(f, "{\"format\":\"uniapprox-graphs\",\"nclasses\":%zu}\n", g->nclasses);
    for (size_t k = 0; k < g->ngraphs; k++) {
        size_t a = g->node_off[k], b = g->node_off[k + 1];
        size_t ea = g->edge_off[k], eb = g->edge_off[k + 1];
        fputs("{\"x\":[", f);
        for (size_t i = a; i < b; i++) {
            if (i > a) fputc(',', f);
            put_row(f, g->x + i * g->node_dim, g->node_dim, 0);
        }
        fputs("],\"edge_index\":[[", f);
        for (size_t j = ea; j < eb; j++)
            fprintf(f, "%s%zu", j > ea ? "," : "", (size_t)g->src[j] - a);
        fputs("],[", f);
        for (size_t j = ea; j < eb; j++)
            fprintf(f, "%s%zu", j > ea ? "," : "", (size_t)g->dst[j] - a);
        fputs("]]", f);
        if (g->edge_dim) {
            fputs(",\"edge_attr\":[", f);
            for (size_t j = ea; j < eb; j++) {
                if (j > ea) fputc(',', f);
                put_row(f, g->e + j * g->edge_dim, g->edge_dim, 0);
            }
            fputc(']', f);
        }
        if (g->ny && g->level == UA_GRAPH_LEVEL_GRAPH) {
            fputs(",\"y\":", f);
            put_row(f, g->y + k * g->ny, g->ny, 1);
        } else if (g->ny) {
            fputs(",\"y_node\":[", f);
            for (size_t i = a; i < b; i++) {
                if (i > a) fputc(',', f);
                put_row(f, g->y + i * g->ny, g->ny, 1);
            }
            fputc(']', f);
        }
        fputs("}\n", f);
    }
    int bad = ferror(f);
    int err = errno;
    if (to_stdout) bad |= fflush(f) != 0;
    else bad |= fclose(f) != 0;
    if (bad) return UA_ERR(UA_EIO, "cannot write '%s': %s", path, strerror(err ? err : EIO));
    return UA_OK;
}
