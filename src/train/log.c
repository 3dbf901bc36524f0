/* The JSONL training log (train.h): one object per epoch, flushed line by line. The library
 * writes it when a learner's "log" option names a file, so every caller of ua_fit gets the same
 * curve without a callback of its own. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox/dist.h"
#include "train.h"

ua_status ua_train_log_open(ua_train_log *log, const char *path, int improved)
{
    memset(log, 0, sizeof *log);
    log->improved = improved;
    if (!path || !*path) return UA_OK;
    if (ua_dist_rank() != 0) return UA_OK; /* data-parallel training: rank 0 writes the curve */
    if (!(log->path = ua_strdup(path))) return UA_ENOMEM_ERR(strlen(path) + 1);
    if (!(log->f = fopen(path, "w"))) {
        int e = errno;
        free(log->path);
        log->path = NULL;
        return UA_ERR(UA_EIO, "cannot write the training log '%s': %s", path, strerror(e));
    }
    return UA_OK;
}

void ua_train_log_epoch(ua_train_log *log, size_t epoch, double train_loss, double val_loss,
                        double lr, double seconds, int improved)
{
    if (!log || !log->f) return;
    int r = fprintf(log->f, "{\"epoch\": %zu, \"train_loss\": %.9g, \"val_loss\": ", epoch,
                    train_loss);
    if (r >= 0) r = isnan(val_loss) ? fputs("null", log->f) : fprintf(log->f, "%.9g", val_loss);
    if (r >= 0) r = fprintf(log->f, ", \"lr\": %.6g, \"seconds\": %.6g", lr, seconds);
    if (r >= 0 && log->improved)
        r = fprintf(log->f, ", \"improved\": %s", improved ? "true" : "false");
    if (r >= 0) r = fputs("}\n", log->f);
    if (r >= 0) r = fflush(log->f);
    if (r < 0 && !log->failed) log->err = errno;
    if (r < 0) log->failed = 1;
}

ua_status ua_train_log_close(ua_train_log *log)
{
    if (!log || !log->f) return UA_OK;
    errno = 0;
    int closed = fclose(log->f) == 0, err = log->failed ? log->err : errno;
    ua_status s = log->failed || !closed
                      ? UA_ERR(UA_EIO, "writing the training log '%s' failed%s%s", log->path,
                               err ? ": " : "", err ? strerror(err) : "")
                      : UA_OK;
    free(log->path);
    memset(log, 0, sizeof *log);
    return s;
}

ua_status ua_train_log_keep(ua_status ls, ua_model *meta)
{
    if (!ls) return UA_OK;
    char why[1024];
    ua_last_error_message(why, sizeof why); /* without the source tag: a user reads it */
    return ua_model_set_meta(meta, "log_error", why);
}

void ua_train_report_epoch(ua_train_report *r, size_t epoch, size_t epochs, double train_loss,
                           double val_loss, double lr, double seconds, int improved)
{
    ua_train_log_epoch(&r->log, epoch, train_loss, val_loss, lr, seconds, improved);
    if (r->hooks && r->hooks->epoch)
        r->hooks->epoch(r->hooks->ctx, epoch, epochs, train_loss, val_loss, lr, seconds, improved);
}
