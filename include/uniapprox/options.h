/*
 * uniapprox/options.h — a family's options, declared once as data.
 *
 * Every family declares its options in one table of ua_option_spec (name, type, default, allowed
 * range or names, one help line, the source it comes from). From that table come the command
 * line's `fit --family F --help`, the parsing and validation of every value (one message style:
 * "--max-length '0': expected an integer in [1, 1048576]"), the fit options stored in a model's
 * metadata, and the docs' option lists. Values are passed down to the family's fit as a
 * ua_options object; no family keeps options in file-level statics.
 *
 * Thread-safety: a ua_options object may be read from several threads; setting is not
 * thread-safe. Ownership: ua_options_alloc copies nothing from the spec (the table is static
 * storage of the family); values are copied.
 */
#ifndef UNIAPPROX_OPTIONS_H
#define UNIAPPROX_OPTIONS_H

#include <stddef.h>
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Option types. Append only. */
typedef enum {
    UA_OPT_FLAG = 0,   /* on when given (no value on the command line) */
    UA_OPT_INT = 1,    /* an integer in [lo, hi] */
    UA_OPT_REAL = 2,   /* a finite number in [lo, hi] (or (lo, hi] with lo_open); an infinite
                          bound is never reached: [0, inf) */
    UA_OPT_CHOICE = 3, /* one of the '|'-separated names in choices */
    UA_OPT_STRING = 4  /* free text, checked by the family (a width list "64x64", a file) */
} ua_option_type;

/* One option of a family. */
typedef struct {
    const char *name;    /* the command-line name without "--" ("max-length"); its metadata key
                            replaces '-' by '_' ("max_length") */
    ua_option_type type;
    const char *def;     /* the default as text ("65537"), or NULL: unset, the family chooses
                            (the help line says how) */
    double lo, hi;       /* INT and REAL: the allowed range, inclusive where finite */
    int lo_open;         /* REAL: lo itself is excluded (a tolerance > 0) */
    const char *choices; /* CHOICE: "none|log" */
    const char *help;    /* one line: what it does, and the default when def is NULL */
    const char *source;  /* the paper or reference it comes from ("Aurentz & Trefethen 2017"),
                            or NULL */
} ua_option_spec;

/* A set of values for one option table. */
typedef struct ua_options ua_options;

/* Creates an empty set of values for spec (n entries; the table must outlive the set).
 * Errors: UA_ENOMEM. */
ua_status ua_options_alloc(const ua_option_spec *spec, size_t n, ua_options **out);

/* Releases a set. NULL is a no-op. */
void ua_options_free(ua_options *o);

/* The table of a set, and its length. */
const ua_option_spec *ua_options_spec(const ua_options *o, size_t *n);

/*
 * Sets option name (command-line form, "max-length") to value after validating it against the
 * table: FLAG takes NULL, "1", "true", "0" or "false"; INT an integer in range; REAL a finite
 * number in range; CHOICE one of its names. Setting an option twice replaces the value.
 * Errors: UA_ENOTFOUND (no such option: the message lists the table's names), UA_EINVAL (a bad
 * value: "--NAME 'VALUE': expected ..."), UA_ENOMEM.
 */
ua_status ua_options_set(ua_options *o, const char *name, const char *value);

/* Whether name was set (1) or is at its default (0). Unknown names are 0. */
int ua_options_given(const ua_options *o, const char *name);

/* The value as text: the one set, else the default, else NULL (unset). Owned by o or the table. */
const char *ua_options_get(const ua_options *o, const char *name);

/* Typed getters of the value (set, else default). Unset or unknown: REAL NaN, INT 0 (check
 * ua_options_get for NULL when 0 is allowed), FLAG 0, CHOICE -1 (else the index of the name in
 * choices). */
double ua_options_real(const ua_options *o, const char *name);
long long ua_options_int(const ua_options *o, const char *name);
int ua_options_flag(const ua_options *o, const char *name);
int ua_options_choice(const ua_options *o, const char *name);

/*
 * The i-th name of the '|'-separated list choices, copied into buf (len bytes); "" when i is out of
 * range. Returns buf.
 */
char *ua_option_choice_name(const char *choices, int i, char *buf, size_t len);

/*
 * The values an INT or REAL option sp accepts, as an interval, into buf (len bytes; 64 is
 * enough): "[1, 1048576]", "(0, 1e+300]". A bound is shown closed only when a value equal to it
 * is accepted: "(" for a REAL lo with lo_open, and for an infinite bound on either side, since
 * only finite values are accepted ("(0, inf)", "(-inf, inf)"). The bounds are printed with 15
 * significant digits. Another type: "". Returns buf.
 */
char *ua_option_range_text(const ua_option_spec *sp, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_OPTIONS_H */
