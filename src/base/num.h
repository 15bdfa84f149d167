/*
 * Numbers from text, whole field or nothing (STYLE.md habit 9, after OpenBSD strtonum).
 * Leading and trailing white space is refused, as are empty strings, trailing junk, values
 * outside [MIN, MAX], NaN and infinities. On failure ERR holds a message such as
 * `bad number "12x": expected a whole number from 0 to 100`.
 */
#ifndef CU_NUM_H
#define CU_NUM_H

#include <stddef.h>

#include "base/err.h"
#include "base/str.h"

/* Parse S as a base-10 integer in [MIN, MAX] into *OUT. Returns 0 or CU_EINVAL. */
int cu_num_int(struct cu_str s, long long min, long long max, long long *out, struct cu_err *err);
/* Parse S as a finite decimal number in [MIN, MAX] into *OUT. Returns 0 or CU_EINVAL. */
int cu_num_double(struct cu_str s, double min, double max, double *out, struct cu_err *err);

#endif
