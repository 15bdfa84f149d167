/*
 * Number parsing: the fast path for plain decimals must give exactly the double strtod gives
 * (bit for bit), and the whole-field rules hold on both paths.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "test.h"

static int same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

/* A million decimals of every shape the fast path takes (and some it passes on to strtod). */
static void fast_path_equals_strtod(void)
{
	uint64_t s = 88172645463325252ULL;
	char text[64];
	int bad = 0;

	for (int i = 0; i < 1000000; i++) {
		double mine, ref;
		int digits, point;
		size_t n = 0;

		s ^= s << 13, s ^= s >> 7, s ^= s << 17; /* xorshift64 */
		digits = 1 + (int)(s % 17);             /* up to 17: past the fast path's 15 */
		point = (int)((s >> 8) % (uint64_t)(digits + 2)) - 1; /* -1: no point */
		if ((s >> 16) & 1)
			text[n++] = '-';
		for (int d = 0; d < digits; d++) {
			if (d == point)
				text[n++] = '.';
			s ^= s << 13, s ^= s >> 7, s ^= s << 17;
			text[n++] = (char)('0' + s % 10);
		}
		text[n] = '\0';
		ref = strtod(text, NULL);
		if (cu_num_double(cu_str_of(text), -1e300, 1e300, &mine, NULL) != 0 ||
		    !same_bits(mine, ref)) {
			if (bad++ < 5)
				test_fail(__FILE__, __LINE__, "\"%s\": %.17g, strtod %.17g", text, mine,
					  ref);
		}
	}
	CHECK_INT(bad, 0);
}

static void shapes(void)
{
	double v;

	CHECK_INT(cu_num_double(cu_str_of("0.1"), -10, 10, &v, NULL), 0);
	CHECK(same_bits(v, 0.1));
	CHECK_INT(cu_num_double(cu_str_of("-0"), -10, 10, &v, NULL), 0);
	CHECK(same_bits(v, -0.0));
	CHECK_INT(cu_num_double(cu_str_of(".5"), -10, 10, &v, NULL), 0);
	CHECK(v == 0.5);
	CHECK_INT(cu_num_double(cu_str_of("5."), -10, 10, &v, NULL), 0);
	CHECK(v == 5);
	CHECK_INT(cu_num_double(cu_str_of("1e3"), 0, 1e4, &v, NULL), 0);
	CHECK(v == 1000);
	CHECK_INT(cu_num_double(cu_str_of("123456789012345"), 0, 1e20, &v, NULL), 0);
	CHECK(v == 123456789012345.0);
	/* Bounds hold on the fast path too. */
	CHECK_INT(cu_num_double(cu_str_of("11"), -10, 10, &v, NULL), CU_EINVAL);
	CHECK_INT(cu_num_double(cu_str_of("-10.5"), -10, 10, &v, NULL), CU_EINVAL);
	/* Not numbers. */
	CHECK_INT(cu_num_double(cu_str_of(""), -10, 10, &v, NULL), CU_EINVAL);
	CHECK_INT(cu_num_double(cu_str_of("."), -10, 10, &v, NULL), CU_EINVAL);
	CHECK_INT(cu_num_double(cu_str_of("-"), -10, 10, &v, NULL), CU_EINVAL);
	CHECK_INT(cu_num_double(cu_str_of("1.2.3"), -10, 10, &v, NULL), CU_EINVAL);
	CHECK_INT(cu_num_double(cu_str_of(" 1"), -10, 10, &v, NULL), CU_EINVAL);
	CHECK_INT(cu_num_double(cu_str_of("1 "), -10, 10, &v, NULL), CU_EINVAL);
	CHECK_INT(cu_num_double(cu_str_of("nan"), -10, 10, &v, NULL), CU_EINVAL);
	CHECK_INT(cu_num_double(cu_str_of("inf"), -10, 10, &v, NULL), CU_EINVAL);
	CHECK_INT(cu_num_double(cu_str_of("0x10"), -100, 100, &v, NULL), CU_EINVAL);
	CHECK_INT(cu_num_double(cu_str_of("1e999"), -1e300, 1e300, &v, NULL), CU_EINVAL);
}

static void message_names_the_value(void)
{
	struct cu_err e;
	double v;

	cu_err_clear(&e);
	CHECK_INT(cu_num_double(cu_str_of("12x"), 0, 100, &v, &e), CU_EINVAL);
	CHECK_STR(e.msg, "bad number \"12x\": expected a number from 0 to 100");
	cu_err_clear(&e);
	CHECK_INT(cu_num_double(cu_str_of("500"), 0, 100, &v, &e), CU_EINVAL);
	CHECK_STR(e.msg, "bad number \"500\": expected a number from 0 to 100");
}

int main(void)
{
	RUN(fast_path_equals_strtod);
	RUN(shapes);
	RUN(message_names_the_value);
	return test_done();
}
