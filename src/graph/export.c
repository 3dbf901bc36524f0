/*
 * The graph family's C export (the vtable's export_c): refused. The generic exported signature
 * takes a fixed-width row of numbers, while a graph model takes a whole graph of any size (node
 * and edge lists, and its encodings, which need an eigensolver for LapPE); a standalone file
 * would have to carry all of that. Predict with ua_model_predict_graphs or `uniapprox eval MODEL
 * --graphs FILE` instead.
 */
#include "internal.h"

ua_status ua_gps_export_c(const void *state, ua_export_type type, const char *name, FILE *out)
{
    (void)state, (void)type, (void)name, (void)out;
    return UA_ERR(UA_EUNSUPPORTED, "a graph model cannot be exported as C: it takes whole graphs "
                  "of any size, not a row of numbers; predict with `uniapprox eval MODEL --graphs "
                  "FILE` (ua_model_predict_graphs)");
}
