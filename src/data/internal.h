/*
 * src/data/internal.h — the inside of ua_dataset and the helpers the readers share (internal).
 *
 * Readers (csv.c, text.c, npy.c) take an open FILE and the path (for messages only), build the
 * values in a growing ua_dvec and hand them to ua_data_make, which takes ownership. Every failure
 * goes through UA_ERR; messages start with the path so a CLI user knows which input was wrong.
 */
#ifndef UA_DATA_INTERNAL_H
#define UA_DATA_INTERNAL_H

#include <stddef.h>
#include <stdio.h>
#include "uniapprox/data.h"

struct ua_dataset {
    size_t n, d;
    double *x;     /* (n, d) row-major */
    char **names;  /* (d,) distinct, non-empty */
    char *source;  /* the path it was read from, or "array"; for messages */
};

/*
 * Wraps values (n, d) and names (d strings) into a dataset, taking ownership of both arrays and of
 * each name (even on failure: everything is freed then). names NULL gives "0", "1", ...
 * Errors: UA_ENOMEM.
 */
ua_status ua_data_make(double *x, size_t n, size_t d, char **names, const char *source,
                       ua_dataset **out);

/* Frees names[0..d) and names. NULL is a no-op. */
void ua_data_free_names(char **names, size_t d);

/*
 * Looks for two equal names among names[0..d) in O(d log d) (a sort, so hostile headers with
 * very many columns stay cheap). Returns 1 with *first < *second the 0-based columns of the
 * duplicate whose second occurrence comes earliest, 0 when all are distinct, -1 on no memory.
 */
int ua_data_find_dup(const char *const *names, size_t d, size_t *first, size_t *second);

/* ---- growing array of doubles ------------------------------------------------------------- */

typedef struct {
    double *v;
    size_t n, cap;
} ua_dvec;

/* Makes room for at least extra more values (geometric growth). Errors: UA_ENOMEM. */
ua_status ua_dvec_reserve(ua_dvec *a, size_t extra);

/* ---- lines ---------------------------------------------------------------------------------- */

/*
 * Reads text files one physical line at a time with no length limit (getline), stripping the
 * line end ("\n" or "\r\n") and a UTF-8 byte-order mark at the start of the file, and counting
 * lines from 1 for messages.
 */
typedef struct {
    FILE *f;
    const char *path;
    char *buf;      /* the current line, NUL-terminated, writable (tokenisers split it in place) */
    size_t cap;
    size_t len;     /* strlen of the current line */
    size_t lineno;  /* 1-based number of the current line */
} ua_lines;

void ua_lines_init(ua_lines *r, FILE *f, const char *path);
void ua_lines_free(ua_lines *r);

/*
 * Advances to the next line. Returns 1 with r->buf holding it, 0 at end of file, or -1 with the
 * error recorded (UA_EIO on a read error, UA_EFORMAT on a NUL byte inside a line, UA_ENOMEM);
 * *st receives the status in that case.
 */
int ua_lines_next(ua_lines *r, ua_status *st);

/* 1 when the line is blank (only isspace characters: space, \t, \r, \v, \f) or a comment (first
 * non-blank char '#'). */
int ua_line_skippable(const char *s);

/* The fields of one line: pointers into the line buffer, reused from line to line. */
typedef struct {
    char **f;
    size_t n, cap;
} ua_fields;

/* Appends s. Errors: UA_ENOMEM. */
ua_status ua_fields_push(ua_fields *fs, char *s);

/* ---- cells -------------------------------------------------------------------------------- */

/*
 * Parses a whole cell s (NUL-terminated, no surrounding blanks) as a finite double with strtod.
 * strtod follows the C locale's decimal point; the library never calls setlocale, so in a program
 * that keeps the default "C" locale '.' is the decimal point.
 * Returns UA_OK, or UA_EFORMAT with "<path>: line L, column C: <why>" (empty cell, not a number,
 * trailing junk, non-finite value, out of the double range).
 */
ua_status ua_data_parse_cell(const char *s, const char *path, size_t line, size_t col,
                             double *v);

/* Copies s into buf (size >= 8) for quoting in a message, shortened with "..." when too long. */
const char *ua_data_clip(char *buf, size_t size, const char *s);

/* ---- readers (one per format); f is open for reading in binary mode ------------------------ */

ua_status ua_data_read_csv(FILE *f, const char *path, ua_dataset **out);
ua_status ua_data_read_text(FILE *f, const char *path, ua_dataset **out);
ua_status ua_data_read_npy(FILE *f, const char *path, ua_dataset **out);

/*
 * Opens path for reading in binary mode. Errors: UA_EINVAL ("cannot open 'p': <reason>", "cannot
 * read 'p': it is a directory"). The caller fcloses *f.
 */
ua_status ua_data_open(const char *path, FILE **f);

/* The CSV reader's pieces (csv.c), shared with the block reader (blocks.c): split one line into
 * fields by the CSV rules (modifies line; UA_EFORMAT names line and column), and read the header
 * row into d fresh names (the caller frees them with ua_data_free_names). */
ua_status ua_data_csv_split(char *line, const char *path, size_t lineno, ua_fields *fs);
ua_status ua_data_csv_header(ua_lines *L, ua_fields *fs, char ***names, size_t *d);

/* ---- .npy (npy.c): the one reader, in two steps so a caller can check the shape before any
 * data is read ---------------------------------------------------------------------------- */

typedef struct {
    ua_npy_dtype dtype;
    int big;       /* 1: '>' big-endian data */
    size_t esize;  /* 1, 2, 4 or 8 */
    size_t ndim, shape[UA_NPY_MAX_DIMS];
    size_t count;  /* prod(shape); count * sizeof(double) does not overflow */
} ua_npy_header;

/* Reads and checks the preamble and header (uniapprox/data.h, ua_npy_read); floats_only refuses
 * integer dtypes (naming the header column). Leaves f at the first data byte. */
ua_status ua_npy_read_header(FILE *f, const char *path, int floats_only, ua_npy_header *h);

/* Reads exactly h->count elements after the header (and checks nothing follows) into a fresh
 * array *out (NULL when count is 0), memory growing as data arrives. */
ua_status ua_npy_read_values(FILE *f, const char *path, const ua_npy_header *h, double **out);

#endif /* UA_DATA_INTERNAL_H */
