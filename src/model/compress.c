/*
 * ua_model_compress (uniapprox/compress.h): the generic part — options, the family's compress
 * hook, and a new model around the compressed state with the original's box and metadata.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "uniapprox/compress.h"
#include "core/internal.h"
#include "model/family.h"

void ua_compress_options_default(ua_compress_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = UA_COMPRESS_LOWRANK;
    o->energy = 0.99;
    o->nuclear = 1e-4;
    o->lr = 1e-3;
    o->search = 1;
    o->exponent = 1;
    o->seed = 1;
}

static const char *const names[] = { "lowrank", "quant8", "quant4" };

const char *ua_compress_method_name(ua_compress_method m)
{
    return (unsigned)m < 3 ? names[m] : "unknown";
}

ua_status ua_compress_method_parse(const char *s, ua_compress_method *m)
{
    for (int i = 0; s && i < 3; i++)
        if (!strcmp(s, names[i])) {
            *m = (ua_compress_method)i;
            return UA_OK;
        }
    return UA_ERR(UA_EINVAL, "compression method '%s': expected lowrank, quant8 or quant4",
                  s ? s : "(null)");
}

static ua_status check(const ua_compress_options *o, size_t d, size_t k)
{
    if ((unsigned)o->method > UA_COMPRESS_QUANT4) return UA_ERR(UA_EINVAL, "unknown compression method");
    if (!(o->energy > 0 && o->energy <= 1))
        return UA_ERR(UA_EINVAL, "energy %g not in (0, 1]", o->energy);
    if (!(o->nuclear >= 0) || !isfinite(o->nuclear))
        return UA_ERR(UA_EINVAL, "nuclear-norm weight %g must be finite and >= 0", o->nuclear);
    if (!(o->lr > 0) || !isfinite(o->lr)) return UA_ERR(UA_EINVAL, "learning rate %g must be > 0", o->lr);
    if (!(o->exponent >= 0.05 && o->exponent <= 4))
        return UA_ERR(UA_EINVAL, "exponent %g not in [0.05, 4]", o->exponent);
    if (o->epochs && (!o->x || !o->y || !o->n))
        return UA_ERR(UA_EINVAL, "fine-tuning (epochs %zu) needs training data", o->epochs);
    if (o->x && o->n) {
        size_t bad = ua_first_nonfinite(o->x, o->n * d);
        if (bad < o->n * d)
            return UA_ERR(UA_EINVAL, "data row %zu is not finite", bad / d + 1);
        if (o->y && (bad = ua_first_nonfinite(o->y, o->n * k)) < o->n * k)
            return UA_ERR(UA_EINVAL, "target row %zu is not finite", bad / k + 1);
    }
    return UA_OK;
}

/* Keys of the metadata that hold a measurement of the model (docs/model-file.md): errors,
 * RMSEs, the verdict, the constructor's estimate. A compressed copy must not inherit them. */
static int measured_key(const char *k)
{
    static const char *const prefix[] = { "max_", "rms_", "train_", "test_", "loo_", "val_",
                                          "tol_ratio", "verdict", "estimated_err", "check_points",
                                          "scale" };
    for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++)
        if (!strncmp(k, prefix[i], strlen(prefix[i]))) return 1;
    return 0;
}

ua_status ua_model_compress(const ua_model *m, const ua_compress_options *o, ua_model **out,
                            ua_compress_report *rep)
{
    if (!m || !o || !out || !rep) return UA_ERR(UA_EINVAL, "ua_model_compress: NULL argument");
    *out = NULL;
    memset(rep, 0, sizeof *rep);
    const ua_family *f = ua_model_family_vtable(m);
    if (!f->compress)
        return UA_ERR(UA_EUNSUPPORTED, "the %s family has no compression (today only "
                      "mlp networks can be compressed)", f->name);
    size_t d, k;
    ua_model_dims(m, &d, &k);
    ua_status s = check(o, d, k);
    if (s) return s;
    void *state = NULL;
    if ((s = f->compress(ua_model_state(m), o, &state, rep))) return s;
    size_t bd;
    const double *lo, *hi;
    ua_model_box(m, &bd, &lo, &hi);
    ua_model *c = NULL;
    if (bd) {
        s = ua_model_wrap_box(f->name, state, ua_model_target(m), bd, lo, hi, &c);
    } else {
        double a, b;
        ua_model_domain(m, &a, &b);
        s = ua_model_wrap(f->name, state, ua_model_target(m), a, b, &c);
    }
    if (s) return s; /* the wrap released state */
    for (size_t i = 0; i < ua_model_meta_count(m); i++) {
        const char *key, *value;
        ua_model_meta_at(m, i, &key, &value);
        if (measured_key(key)) continue; /* the original's errors are not the copy's */
        ua_model_set_meta(c, key, value); /* reserved keys are refused: the wrap has them */
    }
    ua_clear_error();
    char buf[32];
    s = ua_model_set_meta(c, "compress", ua_compress_method_name(o->method));
    snprintf(buf, sizeof buf, "%zu", rep->bytes_after);
    if (!s) s = ua_model_set_meta(c, "compressed_bytes", buf);
    snprintf(buf, sizeof buf, "%zu", rep->bytes_before);
    if (!s) s = ua_model_set_meta(c, "original_bytes", buf);
    if (s) {
        ua_model_free(c);
        return s;
    }
    *out = c;
    return UA_OK;
}
