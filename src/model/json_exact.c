/* Numbers in JSON text that read back bitwise: cJSON prints 15 significant digits and keeps them
 * when they compare equal within DBL_EPSILON, which drops the last ulp (0.30000000000000004 would
 * print as 0.3). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "family.h"

void ua_json_exact_numbers(cJSON *v)
{
    cJSON *next;
    for (cJSON *e = v ? v->child : NULL; e; e = next) {
        next = e->next;
        if (cJSON_IsNumber(e)) {
            double x = e->valuedouble;
            char buf[40];
            if (!isfinite(x)) strcpy(buf, "null");
            else
                for (int digits = 15; digits <= 17; digits++) {
                    snprintf(buf, sizeof buf, "%.*g", digits, x);
                    if (strtod(buf, NULL) == x) break;
                }
            cJSON *raw = cJSON_CreateRaw(buf);
            if (!raw) continue;
            if (cJSON_IsObject(v)) cJSON_ReplaceItemInObjectCaseSensitive(v, e->string, raw);
            else cJSON_ReplaceItemViaPointer(v, e, raw);
        } else {
            ua_json_exact_numbers(e);
        }
    }
}
