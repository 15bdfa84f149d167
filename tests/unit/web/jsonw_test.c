/*
 * JSON text from Jansson values (src/web/jsonw.c): everything but reals exactly as Jansson's
 * own json_dumps(COMPACT | ENSURE_ASCII) writes it (Jansson is the reference); reals as the
 * shortest decimal that reads back as the same double, with ".0" where it would read as an
 * integer (values worked by hand below, and 20,000 random doubles read back by Jansson);
 * refusals for text that is not UTF-8, a real that is not finite and a full buffer.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "test.h"
#include "web/jsonw.h"

/* J written by jsonw_write, in a static buffer ("<EINVAL>" and so on for a refusal); J is
 * released. */
static const char *written(json_t *j)
{
	static char out[8192];
	struct cu_buf b;
	int rc;

	cu_buf_init(&b, 1 << 20);
	rc = jsonw_write(&b, j);
	if (rc)
		snprintf(out, sizeof out, "%s", rc == CU_EINVAL ? "<EINVAL>" : rc == CU_ELIMIT ?
						  "<ELIMIT>" : "<other error>");
	else
		snprintf(out, sizeof out, "%s", b.p ? b.p : "");
	cu_buf_release(&b);
	json_decref(j);
	return out;
}

/* Without reals, the text is Jansson's own, byte for byte. */
static void like_jansson_without_reals(void)
{
	/* Every escape: quote, backslash, slash (not escaped), the named controls, other controls,
	 * DEL (not escaped), a NUL inside the string, two-, three- and four-byte UTF-8 (the last a
	 * surrogate pair). */
	static const char text[] = "q\"\\/\b\f\n\r\t\x01\x1f\x7f \xc3\xa9 \xe2\x82\xac "
				   "\xf0\x9f\x98\x80 a\0b";
	json_t *j = json_pack("{s:o, s:I, s:I, s:I, s:b, s:b, s:n, s:[], s:{}, s:[[i, {s:s}], s]}",
			      "text", json_stringn(text, sizeof text - 1), "zero", (json_int_t)0,
			      "neg", (json_int_t)-42, "big", (json_int_t)INT64_MAX, "t", 1, "f", 0,
			      "nul", "empty", "none", "nested", 1, "k", "v", "\xc3\xa9t\xc3\xa9");
	char *want;

	if (!j) {
		CHECK(!"the value is made");
		return;
	}
	want = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_incref(j);
	CHECK_STR(written(j), want);
	/* And what that is, for the reader: */
	CHECK_CONTAINS(want, "\"text\":\"q\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001F\x7f \\u00E9 "
			     "\\u20AC \\uD83D\\uDE00 a\\u0000b\"");
	free(want);
	json_decref(j);
}

/*
 * Reals worked by hand: 0.406 is stored as 0.406000000000000027533531010703882202506065368652
 * 34375, which %.17g shows as 0.40600000000000003 but "0.406" already reads back as; 0.1 + 0.2
 * is 0.3000000000000000444..., which "0.3" does not read back as (0.3 is 0.2999...98889), so
 * it needs all 17 digits; 2, -0 and 1e300 are whole, so get ".0" or keep their exponent.
 */
static void reals_shortest_that_read_back(void)
{
	CHECK_STR(written(json_real(0.406)), "0.406");
	CHECK_STR(written(json_real(0.1 + 0.2)), "0.30000000000000004");
	CHECK_STR(written(json_real(2.0)), "2.0");
	CHECK_STR(written(json_real(-0.0)), "-0.0");
	CHECK_STR(written(json_real(1e-05)), "1e-05");
	CHECK_STR(written(json_real(1e300)), "1e+300");
	CHECK_STR(written(json_real(64.36866666666667)), "64.36866666666667");
	CHECK_STR(written(json_pack("[f, f]", 0.5, -1.25)), "[0.5,-1.25]");
}

/* 20,000 doubles of every size (random bits, finite), each read back by Jansson as itself. */
static void reals_read_back_exactly(void)
{
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	int bad = 0, n = 0;

	while (n < 20000) {
		double v, back;
		json_error_t je;
		json_t *a;
		const char *text;
		char arr[64];

		x ^= x << 13; /* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&v, &x, sizeof v);
		if (!isfinite(v))
			continue;
		n++;
		text = written(json_real(v));
		snprintf(arr, sizeof arr, "[%s]", text);
		a = json_loads(arr, 0, &je);
		back = a && json_is_real(json_array_get(a, 0)) ?
			       json_real_value(json_array_get(a, 0)) : NAN;
		if (memcmp(&back, &v, sizeof v) != 0 && bad++ < 5)
			fprintf(stderr, "  %.17g written %s read back %.17g\n", v, text, back);
		json_decref(a);
	}
	CHECK_INT(bad, 0);
}

/* Text that is not UTF-8 (Jansson lets it in only unchecked), a full buffer: refused, and
 * said so. */
static void refusals(void)
{
	struct cu_buf b;
	json_t *j;

	CHECK_STR(written(json_stringn_nocheck("a\xff", 2)), "<EINVAL>");
	CHECK_STR(written(json_stringn_nocheck("\xc0\x80", 2)), "<EINVAL>"); /* overlong NUL */
	CHECK_STR(written(json_stringn_nocheck("\xed\xa0\x80", 3)), "<EINVAL>"); /* surrogate */
	CHECK_STR(written(json_stringn_nocheck("\xe2\x82", 2)), "<EINVAL>");   /* cut short */
	cu_buf_init(&b, 8);
	j = json_pack("{s:s}", "key", "a value too long for eight bytes");
	CHECK_INT(jsonw_write(&b, j), CU_ELIMIT);
	json_decref(j);
	cu_buf_release(&b);
}

int main(void)
{
	RUN(like_jansson_without_reals);
	RUN(reals_shortest_that_read_back);
	RUN(reals_read_back_exactly);
	RUN(refusals);
	return test_done();
}
