/* Whole-field number parsing; see num.h. */
#include "base/num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Numbers longer than this are refused before conversion: no valid value needs more. */
#define NUM_MAX_LEN 64

/* The expectation is only formatted on failure: formatting it for every cell of a large
 * file would cost more than the parsing. */
static int bad_int(struct cu_str s, long long min, long long max, struct cu_err *err)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];

	return cu_err_set(err, CU_EINVAL, "bad number \"%s\": expected a whole number from %lld "
			  "to %lld", cu_err_quote(s.p, s.n, q, sizeof q), min, max);
}

static int bad_double(struct cu_str s, double min, double max, struct cu_err *err)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];

	return cu_err_set(err, CU_EINVAL, "bad number \"%s\": expected a number from %g to %g",
			  cu_err_quote(s.p, s.n, q, sizeof q), min, max);
}

int cu_num_int(struct cu_str s, long long min, long long max, long long *out, struct cu_err *err)
{
	char buf[NUM_MAX_LEN + 1];
	char *end;
	long long v;
	size_t i;

	if (s.n == 0 || s.n > NUM_MAX_LEN)
		return bad_int(s, min, max, err);
	for (i = 0; i < s.n; i++) {
		char c = s.p[i];

		if (!((c >= '0' && c <= '9') || (i == 0 && (c == '-' || c == '+'))))
			return bad_int(s, min, max, err);
	}
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end || end == buf || v < min || v > max)
		return bad_int(s, min, max, err);
	*out = v;
	return 0;
}

/*
 * The common case without strtod: an optional minus, at most 15 digits in all and an optional
 * fraction, no exponent. The digits form an integer M < 10^15 < 2^53 and the fraction has
 * K <= 15 digits, so M and 10^K are exact doubles and one division, correctly rounded by
 * IEEE 754, gives exactly the double strtod would (Clinger 1990, the "fast path"). Returns 1
 * and sets *OUT, or 0 when the text is not of that shape and strtod must decide.
 */
static int fast_decimal(struct cu_str s, double *out)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
					1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	const char *p = s.p, *end = s.p + s.n;
	unsigned long long m = 0;
	int digits = 0, frac = -1, neg = 0;

	if (p < end && *p == '-')
		neg = 1, p++;
	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9') {
			m = m * 10 + (unsigned)(*p - '0');
			digits++;
			frac += frac >= 0;
		} else if (*p == '.' && frac < 0) {
			frac = 0;
		} else {
			return 0;
		}
	}
	if (digits == 0 || digits > 15 || frac == 0)
		return 0;
	*out = (double)m / pow10[frac > 0 ? frac : 0];
	if (neg)
		*out = -*out;
	return 1;
}

int cu_num_double(struct cu_str s, double min, double max, double *out, struct cu_err *err)
{
	char buf[NUM_MAX_LEN + 1];
	char *end;
	double v;
	size_t i;

	if (s.n == 0 || s.n > NUM_MAX_LEN)
		return bad_double(s, min, max, err);
	if (fast_decimal(s, &v)) {
		if (!(v >= min && v <= max))
			return bad_double(s, min, max, err);
		*out = v;
		return 0;
	}
	/* Only plain decimal notation: strtod would also take "inf", "nan" and hex floats. */
	for (i = 0; i < s.n; i++) {
		char c = s.p[i];

		if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' ||
		      c == '+'))
			return bad_double(s, min, max, err);
	}
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	errno = 0;
	v = strtod(buf, &end);
	if (errno || *end || end == buf || !isfinite(v) || v < min || v > max)
		return bad_double(s, min, max, err);
	*out = v;
	return 0;
}
