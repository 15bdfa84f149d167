/*
 * Number parsing: the fast path for plain decimals must give exactly the double strtod gives
 * (bit for bit), and the whole-field rules hold on both paths. Number writing: cu_num_fmt's
 * text reads back (strtod) as exactly the double written, has no more digits than the fewest
 * printf's correct rounding needs, and is the nearest of its length; the layout is %.17g's.
 */
#include <float.h>
#include <math.h>
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
		digits = 1 + (int)(s % 17);             /* up to 17: past 2^53, the fast path's limit */
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

/*
 * Decimals of the shapes the fast path's limits are about: leading zeros, fractions of up to
 * 25 digits, integers around 2^53 and of up to 21 digits. Taken or passed on, the result must
 * be strtod's.
 */
static void long_decimals_equal_strtod(void)
{
	static const char *const fixed[] = {
		"9007199254740992", "9007199254740993", "9007199254740991", "-9007199254740992",
		"1234567890123456789", "12345678901234567890", "000000000000000000001",
		"0.0000000000000000000001", "0.00000000000000000000001", "0.1234567890123456789",
		"123456789.0123456789", "0.0000000000000000000009007199254740992", "00.5", "-00.25",
	};
	uint64_t s = 0x2545F4914F6CDD1DULL;
	char text[64];
	int bad = 0;

	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
		double mine = 0, ref = strtod(fixed[i], NULL);

		if (cu_num_double(cu_str_of(fixed[i]), -1e300, 1e300, &mine, NULL) != 0 ||
		    !same_bits(mine, ref))
			test_fail(__FILE__, __LINE__, "\"%s\": %.17g, strtod %.17g", fixed[i], mine,
				  ref);
	}
	for (int i = 0; i < 300000; i++) {
		double mine, ref;
		int zeros, digits, point;
		size_t n = 0;

		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		zeros = (int)(s % 12);
		digits = 1 + (int)((s >> 4) % 20);
		point = (int)((s >> 12) % (uint64_t)(zeros + digits + 1));
		if ((s >> 20) & 1)
			text[n++] = '-';
		for (int d = 0; d < zeros + digits; d++) {
			if (d == point)
				text[n++] = '.';
			s ^= s << 13, s ^= s >> 7, s ^= s << 17;
			text[n++] = (char)(d < zeros ? '0' : '0' + s % 10);
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

/* The fewest significant digits P with which printf's "%.*e" of V reads back as V; the text
 * into REF. */
static int fewest_digits(double v, char *ref, size_t n)
{
	for (int p = 1; p < 17; p++) {
		snprintf(ref, n, "%.*e", p - 1, v);
		if (strtod(ref, NULL) == v)
			return p;
	}
	snprintf(ref, n, "%.16e", v);
	return 17;
}

/* Significant digits of a decimal text (leading and trailing zeros not counted). */
static int sig_digits(const char *t)
{
	int n = 0, last = 0, on = 0;

	for (; *t && *t != 'e'; t++) {
		if (*t < '0' || *t > '9')
			continue;
		on |= *t != '0';
		if (on) {
			n++;
			if (*t != '0')
				last = n;
		}
	}
	return last;
}

/* One value: reads back exactly, no longer than the fewest printf needs, and of that length
 * the same digits as printf's (the nearest). Returns 1 when all hold. */
static int fmt_ok(double v)
{
	char mine[CU_NUM_FMT_MAX], ref[40], again[40];
	size_t n = cu_num_fmt(v, mine);
	double back = strtod(mine, NULL);
	int p, d;

	if (n != strlen(mine) || n >= CU_NUM_FMT_MAX || !same_bits(back, v)) {
		test_fail(__FILE__, __LINE__, "%a: \"%s\" reads back as %a", v, mine, back);
		return 0;
	}
	if (v == 0)
		return 1;
	p = fewest_digits(fabs(v), ref, sizeof ref);
	d = sig_digits(mine);
	snprintf(again, sizeof again, "%.*e", d - 1, fabs(back));
	if (d > p || (d == p && strcmp(again, ref) != 0)) {
		test_fail(__FILE__, __LINE__, "%.17g: \"%s\" where printf needs %d digits (%s)", v,
			  mine, p, ref);
		return 0;
	}
	return 1;
}

/*
 * Random doubles of every exponent, random ones in the range written exactly with integers
 * (1e-8 to 2^53), powers of two and their neighbours (where the interval is lopsided), powers
 * of ten and their neighbours, and ratios of small integers such as means.
 */
static void fmt_reads_back_and_is_shortest(void)
{
	uint64_t s = 0x9E3779B97F4A7C15ULL;
	int bad = 0;

	for (int i = 0; i < 100000 && bad < 5; i++) {
		uint64_t b;
		double v;

		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		b = (s & 0x800FFFFFFFFFFFFFULL) | ((uint64_t)(1023 - 27 + (s >> 52) % 80) << 52);
		if (i % 2)
			b = s;
		memcpy(&v, &b, sizeof v);
		if (isfinite(v))
			bad += !fmt_ok(v);
		bad += !fmt_ok((double)(s % 100000) / (double)(1 + (s >> 20) % 997));
	}
	for (int e = -1074; e <= 1023 && bad < 5; e++) {
		double p = ldexp(1, e);

		bad += !fmt_ok(p) + !fmt_ok(nextafter(p, 0)) + !fmt_ok(nextafter(p, INFINITY)) +
		       !fmt_ok(-p);
	}
	for (int k = -30; k <= 30 && bad < 5; k++) {
		double p = pow(10, k);

		bad += !fmt_ok(p) + !fmt_ok(nextafter(p, 0)) + !fmt_ok(nextafter(p, INFINITY)) +
		       !fmt_ok(3 * p) + !fmt_ok(7.5 * p);
	}
	CHECK_INT(bad, 0);
}

static void fmt_layout_is_printfs(void)
{
	static const struct {
		double v;
		const char *text;
	} cases[] = {
		{ 0.1, "0.1" }, { 1.0 / 3, "0.3333333333333333" },
		{ 57.633456497175139, "57.63345649717514" }, { 0.1 + 0.2, "0.30000000000000004" },
		{ 4.35, "4.35" }, { 1e-5, "1e-05" }, { 1.5e-5, "1.5e-05" }, { 1e-4, "0.0001" },
		{ 0.00012345, "0.00012345" }, { 123456789, "123456789" }, { 100, "100" },
		{ 1e16, "10000000000000000" }, { 1e17, "1e+17" }, { 1.25e17, "1.25e+17" },
		{ 1e23, "1e+23" }, { 9007199254740992.0, "9007199254740992" }, { -2.5, "-2.5" },
		{ 0, "0" }, { -0.0, "-0" }, { 5e-324, "5e-324" },
		{ DBL_MAX, "1.7976931348623157e+308" }, { DBL_MIN, "2.2250738585072014e-308" },
		{ 1e-8, "1e-08" }, { 1e100, "1e+100" }, { -1e-100, "-1e-100" },
	};
	char buf[CU_NUM_FMT_MAX];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		CHECK_INT(cu_num_fmt(cases[i].v, buf), strlen(cases[i].text));
		CHECK_STR(buf, cases[i].text);
	}
	cu_num_fmt(INFINITY, buf);
	CHECK_STR(buf, "inf");
	cu_num_fmt(-INFINITY, buf);
	CHECK_STR(buf, "-inf");
	/* Where 17 digits are needed, the text is %.17g's. */
	snprintf(buf, sizeof buf, "%.17g", 0.1 + 0.2);
	CHECK_STR(buf, "0.30000000000000004");
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
	RUN(long_decimals_equal_strtod);
	RUN(shapes);
	RUN(fmt_reads_back_and_is_shortest);
	RUN(fmt_layout_is_printfs);
	RUN(message_names_the_value);
	return test_done();
}
