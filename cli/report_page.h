/*
 * cli/report_page.h — the HTML parts of `uniapprox report` that are tables and text: the page's
 * head (its one style sheet) and foot, the table of measured errors (the same JSON object that
 * `uniapprox check --json` prints, from ua_cli_measurement_json), the fit options from the
 * family's option table, the family's description (pieces, knots, lengths, layers) and every
 * metadata entry. The plots are cli/cmd_report.c's (with cli/svg.h).
 *
 * Every number shown in a table cell carries its full value in data-value (17 digits) and a
 * data-key naming its JSON key, so a test can compare the page with `check --json`.
 */
#ifndef UA_CLI_REPORT_PAGE_H
#define UA_CLI_REPORT_PAGE_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "uniapprox.h"

/* "<!DOCTYPE html> ... <body>" with the title (escaped) and the style sheet; no script, no
 * external resource (the icon is an empty data: URL so that no request is made). */
void ua_report_page_head(FILE *f, const char *title);

/* The footer ("written by uniapprox VERSION") and "</body></html>". */
void ua_report_page_foot(FILE *f);

/* Writes s escaped for HTML text and attribute values. */
void ua_report_text(FILE *f, const char *s);

/* The measured errors of meas (the object of ua_cli_measurement_json plus "points"), one row per
 * number: <tr data-key="max_abs_err"> with the value shown as %.3e (counts as integers) and
 * where it occurs. source says where the numbers come from (one sentence, shown above). */
void ua_report_errors_table(FILE *f, const cJSON *meas, const char *source);

/* The fit options: each option of the model's family (its option table) with the value the model
 * records in its metadata (key: the name with '-' replaced by '_'), the default, and whether it
 * was changed; a model of an unknown family gets none. */
void ua_report_options_table(FILE *f, const ua_model *m);

/* The family's description (ua_model_describe): scalars as they are, arrays of up to 16 numbers
 * in full, longer ones as their count, first and last values. */
void ua_report_describe_table(FILE *f, const cJSON *desc);

/* Every metadata entry of m, in a collapsed <details> block. */
void ua_report_metadata(FILE *f, const ua_model *m);

#endif /* UA_CLI_REPORT_PAGE_H */
