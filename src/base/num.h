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

/* Room cu_num_fmt needs, with the NUL. */
#define CU_NUM_FMT_MAX 32

/*
 * Write V into BUF (CU_NUM_FMT_MAX bytes) as the shortest decimal that reads back (strtod,
 * cu_num_double) as exactly V, and of those the nearest to V; returns its length (the text is
 * NUL-terminated). The layout is printf's %.17g with that many digits: "0.1",
 * "64.36866666666667", "1e-05", "1.5e+20", "-0"; infinities and NaN as %g writes them. For
 * the range statistics use (1e-8 to 2^53 in magnitude) the digits are found exactly with
 * integers; elsewhere they are the fewest that printf's rounding reads back with, which at a
 * power of two can be one more than the shortest.
 */
size_t cu_num_fmt(double v, char *buf);

#endif
