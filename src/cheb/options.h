/*
 * src/cheb/options.h — the cheb family's option table and its vtable fit (src/cheb/options.c),
 * for the family's initialiser (family.c; src/model/family.h).
 */
#ifndef UA_CHEB_OPTIONS_H
#define UA_CHEB_OPTIONS_H

#include "uniapprox/model.h"
#include "uniapprox/options.h"

enum { UA_CHEB_NOPTIONS = 12 };
extern const ua_option_spec ua_cheb_option_spec[UA_CHEB_NOPTIONS];

/* The vtable's fit: a 1-D FORMULA or FUNCTION problem, options of ua_cheb_option_spec; records
 * tol_abs, tol_scale, tol_rel and estimated_err on meta (docs/cheb.md, "Options and the
 * verdict"). UA_OK or UA_ENOTRESOLVED with *state a ua_cheb; else an error, *state NULL. */
ua_status ua_cheb_family_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                             ua_model *meta, void **state);

#endif /* UA_CHEB_OPTIONS_H */
