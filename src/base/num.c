/* Whole-field number parsing; see num.h. */
#include "base/num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Numbers longer than this are refused before conversion: no valid value needs more. */
#define NUM_MAX_LEN 64

static int bad(struct cu_str s, const char *expect, struct cu_err *err)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];

	return cu_err_set(err, CU_EINVAL, "bad number \"%s\": expected %s",
			  cu_err_quote(s.p, s.n, q, sizeof q), expect);
}

int cu_num_int(struct cu_str s, long long min, long long max, long long *out, struct cu_err *err)
{
	char buf[NUM_MAX_LEN + 1], expect[96];
	char *end;
	long long v;
	size_t i;

	snprintf(expect, sizeof expect, "a whole number from %lld to %lld", min, max);
	if (s.n == 0 || s.n > NUM_MAX_LEN)
		return bad(s, expect, err);
	for (i = 0; i < s.n; i++) {
		char c = s.p[i];

		if (!((c >= '0' && c <= '9') || (i == 0 && (c == '-' || c == '+'))))
			return bad(s, expect, err);
	}
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end || end == buf || v < min || v > max)
		return bad(s, expect, err);
	*out = v;
	return 0;
}

int cu_num_double(struct cu_str s, double min, double max, double *out, struct cu_err *err)
{
	char buf[NUM_MAX_LEN + 1], expect[96];
	char *end;
	double v;
	size_t i;

	snprintf(expect, sizeof expect, "a number from %g to %g", min, max);
	if (s.n == 0 || s.n > NUM_MAX_LEN)
		return bad(s, expect, err);
	/* Only plain decimal notation: strtod would also take "inf", "nan" and hex floats. */
	for (i = 0; i < s.n; i++) {
		char c = s.p[i];

		if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' ||
		      c == '+'))
			return bad(s, expect, err);
	}
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	errno = 0;
	v = strtod(buf, &end);
	if (errno || *end || end == buf || !isfinite(v) || v < min || v > max)
		return bad(s, expect, err);
	*out = v;
	return 0;
}
