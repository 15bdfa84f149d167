/*
 * SVG charts: the tick algorithm against hand-worked values, well-formed and escaped output,
 * gaps at missing values, point classes following the rule flags, label thinning, the page
 * cap, and the degenerate inputs (no points, equal values) that must not divide by zero. The
 * ratio chart's positions are checked against the frame's numbers worked by hand.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "test.h"
#include "web/chart.h"
#include "web/html.h"

/* ---- helpers ------------------------------------------------------------------------- */

/*
 * A small well-formedness checker: every "<name" is matched by "</name>" in order (or is
 * self-closed "/>"), attribute values are quoted and hold no raw '<', text holds no raw '<',
 * and every '&' starts one of the five entities the writer uses. Returns 1 when well formed.
 */
static int well_formed(const char *s)
{
	char stack[64][16];
	int depth = 0;

	while (*s) {
		if (*s == '&') {
			if (strncmp(s, "&amp;", 5) && strncmp(s, "&lt;", 4) && strncmp(s, "&gt;", 4) &&
			    strncmp(s, "&quot;", 6) && strncmp(s, "&#39;", 5))
				return 0;
			s++;
			continue;
		}
		if (*s == '>')
			return 0; /* a raw '>' in text: the writer escapes it */
		if (*s != '<') {
			s++;
			continue;
		}
		s++;
		if (*s == '/') {
			size_t n = strcspn(++s, ">");

			if (depth == 0 || s[n] != '>' || strlen(stack[depth - 1]) != n ||
			    strncmp(stack[depth - 1], s, n) != 0)
				return 0;
			depth--;
			s += n + 1;
			continue;
		}
		{
			size_t n = strcspn(s, " />");

			if (n == 0 || n >= sizeof stack[0] || depth == 64)
				return 0;
			for (size_t i = 0; i < n; i++)
				if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
					return 0;
			memcpy(stack[depth], s, n);
			stack[depth][n] = '\0';
			s += n;
		}
		for (;;) { /* attributes: name="value" */
			while (*s == ' ')
				s++;
			if (*s == '>') {
				depth++;
				s++;
				break;
			}
			if (s[0] == '/' && s[1] == '>') {
				s += 2;
				break;
			}
			s += strcspn(s, "=\"<> ");
			if (s[0] != '=' || s[1] != '"')
				return 0;
			s += 2;
			while (*s && *s != '"') {
				if (*s == '<' || *s == '>')
					return 0;
				s++;
			}
			if (*s != '"')
				return 0;
			s++;
		}
	}
	return depth == 0;
}

/* Occurrences of NEEDLE in HAY. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* The value of attribute ATTR="..." in the element starting at EL (up to its '>'). Copies it
 * into OUT (size N); returns OUT, or NULL when the element has no such attribute. */
static char *attr_of(const char *el, const char *attr, char *out, size_t n)
{
	char key[32];
	const char *end = strchr(el, '>'), *p;
	size_t len;

	snprintf(key, sizeof key, " %s=\"", attr);
	p = strstr(el, key);
	if (!p || !end || p > end)
		return NULL;
	p += strlen(key);
	len = strcspn(p, "\"");
	if (len >= n)
		len = n - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	return out;
}

/* The number in attribute ATTR of the element at EL, or NaN. */
static double num_attr(const char *el, const char *attr)
{
	char a[64];

	return el && attr_of(el, attr, a, sizeof a) ? strtod(a, NULL) : NAN;
}

/* The plot box of a chart, read from its output: the x axis base line gives left, right and
 * bottom, and the last (highest) grid line the top. Returns 1 when found. */
static int plot_box(const char *svg, double *left, double *right, double *top, double *bottom)
{
	const char *p = strstr(svg, "class=\"app-chart-baseline\"");

	if (!p)
		return 0;
	*left = num_attr(p, "x1");
	*right = num_attr(p, "x2");
	*bottom = num_attr(p, "y1");
	*top = NAN;
	for (p = svg; (p = strstr(p, "class=\"app-chart-grid\"")) != NULL; p++)
		*top = num_attr(p, "y1");
	return *left < *right && *top < *bottom;
}

/* Neither a NaN nor an infinity got into the output as text ("nan", "inf"). */
static int no_nan(const char *s)
{
	return !strstr(s, "nan") && !strstr(s, "inf") && !strstr(s, "NaN") && !strstr(s, "Inf");
}

static const char *const month_labels[] = { "2024-04", "2024-05", "2024-06", "2024-07",
					    "2024-08", "2024-09", "2024-10", "2024-11",
					    "2024-12", "2025-01", "2025-02", "2025-03" };

/* A plain 12-point chart with one segment: mean 10, limits 4 .. 16. */
static void xmr_twelve(struct chart_xmr *c, double *v, double *mean, double *lcl, double *ucl)
{
	static const double vals[12] = { 9, 11, 10, 12, 8, 10, 9, 11, 10, 12, 8, 10 };

	memset(c, 0, sizeof *c);
	for (int i = 0; i < 12; i++) {
		v[i] = vals[i];
		mean[i] = 10;
		lcl[i] = 4;
		ucl[i] = 16;
	}
	c->id = "ae4h";
	c->title = "A&E four-hour performance";
	c->unit = "%";
	c->decimals = -1;
	c->n = 12;
	c->labels = month_labels;
	c->value = v;
	c->mean = mean;
	c->lcl = lcl;
	c->ucl = ucl;
	c->polarity = STATS_HIGHER_BETTER;
	c->target = NAN;
}

/* ---- ticks ------------------------------------------------------------------------- */

static void ticks_zero_to_97_in_six(void)
{
	/* raw step 97 / 5 = 19.4; 10 is too small, 20 gives 0 .. ceil(97/20) 20 = 100: 6 ticks. */
	double t[6], step;
	size_t n;

	CHECK_INT(chart_nice_ticks(0, 97, 6, t, &n, &step), 0);
	CHECK_INT(n, 6);
	CHECK_NEAR(step, 20, 0);
	for (size_t i = 0; i < 6; i++)
		CHECK_NEAR(t[i], 20.0 * (double)i, 0);
}

static void ticks_zero_to_97_in_four(void)
{
	/* raw 97 / 3 = 32.3: 1, 2, 2.5 x 10 are below it; 50 gives 0, 50, 100. */
	double t[4], step;
	size_t n;

	CHECK_INT(chart_nice_ticks(0, 97, 4, t, &n, &step), 0);
	CHECK_INT(n, 3);
	CHECK_NEAR(step, 50, 0);
	CHECK_NEAR(t[2], 100, 0);
}

static void ticks_use_two_and_a_half(void)
{
	/* 0..9 in 5: raw 2.25; 2.5 gives 0, 2.5, 5, 7.5, 10. */
	double t[5], step;
	size_t n;

	CHECK_INT(chart_nice_ticks(0, 9, 5, t, &n, &step), 0);
	CHECK_INT(n, 5);
	CHECK_NEAR(step, 2.5, 0);
	CHECK_NEAR(t[1], 2.5, 0);
	CHECK_NEAR(t[3], 7.5, 0);
	CHECK_NEAR(t[4], 10, 0);
}

static void ticks_negative_range(void)
{
	/* -13..42 in 6: raw 11; step 20 runs floor(-0.65) = -1 to ceil(2.1) = 3: -20 .. 60. */
	double t[6], step;
	size_t n;

	CHECK_INT(chart_nice_ticks(-13, 42, 6, t, &n, &step), 0);
	CHECK_INT(n, 5);
	CHECK_NEAR(t[0], -20, 0);
	CHECK_NEAR(t[1], 0, 0);
	CHECK_NEAR(t[4], 60, 0);
}

static void ticks_decimal_steps_are_exact(void)
{
	/* 0.1 .. 0.3 in 3: raw 0.0999..; step 0.1; ticks must be the doubles 0.1, 0.2, 0.3
	 * exactly, not 0.30000000000000004 from adding 0.1 three times. */
	double t[3], step;
	size_t n;

	CHECK_INT(chart_nice_ticks(0.1, 0.3, 3, t, &n, &step), 0);
	CHECK_INT(n, 3);
	CHECK(t[0] == 0.1 && t[1] == 0.2 && t[2] == 0.3);
}

static void ticks_equal_values_widen(void)
{
	/* 50..50 widens to 45..55: step 2 would need 44..56 (7 ticks), so 2.5: 45 .. 55. */
	double t[6], step;
	size_t n;

	CHECK_INT(chart_nice_ticks(50, 50, 6, t, &n, &step), 0);
	CHECK_INT(n, 5);
	CHECK_NEAR(step, 2.5, 0);
	CHECK_NEAR(t[0], 45, 0);
	CHECK_NEAR(t[4], 55, 0);
	/* 0..0 widens to -1..1: raw 0.4, step 0.5: -1, -0.5, 0, 0.5, 1. */
	CHECK_INT(chart_nice_ticks(0, 0, 6, t, &n, &step), 0);
	CHECK_INT(n, 5);
	CHECK_NEAR(t[0], -1, 0);
	CHECK_NEAR(t[2], 0, 0);
}

static void ticks_two_at_most(void)
{
	/* 9..11 in 2: steps up to 10 need 3 ticks (0, 10, 20 for 10); 20 gives 0, 20. */
	double t[2], step;
	size_t n;

	CHECK_INT(chart_nice_ticks(9, 11, 2, t, &n, &step), 0);
	CHECK_INT(n, 2);
	CHECK_NEAR(t[0], 0, 0);
	CHECK_NEAR(t[1], 20, 0);
}

static void ticks_reject_bad_input(void)
{
	double t[CHART_MAX_TICKS + 1], step;
	size_t n;

	CHECK_INT(chart_nice_ticks(NAN, 1, 6, t, &n, &step), CU_EINVAL);
	CHECK_INT(chart_nice_ticks(0, INFINITY, 6, t, &n, &step), CU_EINVAL);
	CHECK_INT(chart_nice_ticks(2, 1, 6, t, &n, &step), CU_EINVAL);
	CHECK_INT(chart_nice_ticks(0, 1, 1, t, &n, &step), CU_EINVAL);
	CHECK_INT(chart_nice_ticks(0, 1, CHART_MAX_TICKS + 1, t, &n, &step), CU_EINVAL);
	CHECK_INT(chart_nice_ticks(0, 2e15, 6, t, &n, &step), CU_EINVAL);
	CHECK_INT(chart_nice_ticks(0, 1, CHART_MAX_TICKS, t, &n, &step), 0);
	CHECK_INT(chart_nice_ticks(-CHART_MAX_ABS, CHART_MAX_ABS, 6, t, &n, &step), 0);
	CHECK(n >= 2 && n <= 6);
}

/* Over many ranges: ticks ascend by STEP, cover the range, and number at most MAXTICKS. */
static void ticks_cover_random_ranges(void)
{
	uint64_t s = 88172645463325252ULL;
	int bad = 0;

	for (int i = 0; i < 20000; i++) {
		double t[CHART_MAX_TICKS], step, a, b, scale;
		size_t n, maxt;

		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		scale = pow(10, (double)(int)(s % 13) - 6);
		a = ((double)(s >> 11) / 9007199254740992.0 - 0.5) * scale;
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		b = a + (double)(s >> 11) / 9007199254740992.0 * scale;
		maxt = 2 + (size_t)(s % 10);
		if (chart_nice_ticks(a, b, maxt, t, &n, &step) != 0 || n < 2 || n > maxt ||
		    t[0] > a + 1e-9 * step || t[n - 1] < b - 1e-9 * step) {
			if (bad++ < 5)
				test_fail(__FILE__, __LINE__, "%.17g..%.17g in %zu: bad ticks", a, b,
					  maxt);
			continue;
		}
		for (size_t j = 1; j < n; j++)
			if (fabs(t[j] - t[j - 1] - step) > 1e-9 * step && bad++ < 5)
				test_fail(__FILE__, __LINE__, "%.17g..%.17g: uneven ticks", a, b);
	}
	CHECK_INT(bad, 0);
}

/* ---- the writer's numbers -------------------------------------------------------------- */

static void numbers_are_plain_decimals(void)
{
	char t[HTML_NUM_MAX];

	CHECK_STR(html_num_format(t, sizeof t, 12.345, 2), "12.35");
	CHECK_STR(html_num_format(t, sizeof t, -0.004, 2), "0.00"); /* never "-0.00" */
	CHECK_STR(html_num_format(t, sizeof t, -0.005, 2), "-0.01");
	CHECK_STR(html_num_format(t, sizeof t, 0.5, 0), "1");
	CHECK_STR(html_num_format(t, sizeof t, 7, 3), "7.000");
	/* 1e15 x 100 is past 2^53: the decimals are dropped rather than made up. */
	CHECK_STR(html_num_format(t, sizeof t, 1e15, 2), "1000000000000000");
	CHECK_STR(html_num_format(t, sizeof t, 123456.25, 1), "123456.3");
	CHECK_STR(html_num_format(t, sizeof t, NAN, 2), "0.00");
	CHECK_STR(html_num_format(t, sizeof t, 0.000001, 6), "0.000001");
	CHECK_STR(html_num_format(t, sizeof t, 1e30, 2), "1000000000000000000");
}

/* Existing pages keep their markup; SVG void elements self-close. */
static void html_writer_unchanged_and_svg_self_closes(void)
{
	struct cu_buf b;
	struct html h;

	cu_buf_init(&b, 4096);
	html_init(&h, &b);
	html_void(&h, HTML_META, HTML_ATTR_CHARSET, "utf-8", -1);
	html_elem(&h, HTML_P, "x", "a<b");
	html_void(&h, HTML_LINE, HTML_ATTR_X1, "1", -1);
	html_tag(&h, HTML_CIRCLE);
	html_attr_num(&h, HTML_ATTR_R, 2.50);
	html_attr(&h, HTML_ATTR_CLASS, "\"><script>");
	html_tag_void(&h);
	CHECK_STR(b.p, "<!DOCTYPE html>\n<meta charset=\"utf-8\"><p class=\"x\">a&lt;b</p>"
		       "<line x1=\"1\"/><circle r=\"2.5\" class=\"&quot;&gt;&lt;script&gt;\"/>");
	cu_buf_release(&b);
}

/* ---- XmR chart --------------------------------------------------------------------- */

static void xmr_twelve_points_well_formed(void)
{
	double v[12], mean[12], lcl[12], ucl[12];
	struct chart_xmr c;
	struct cu_buf b;
	struct html h;

	xmr_twelve(&c, v, mean, lcl, ucl);
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK_INT(h.depth, 0);
	CHECK(no_nan(b.p));
	CHECK(strncmp(b.p, "<svg ", 5) == 0);
	CHECK_CONTAINS(b.p, "viewBox=\"0 0 760 400\"");
	CHECK_CONTAINS(b.p, "role=\"img\"");
	CHECK_CONTAINS(b.p, "aria-labelledby=\"ae4h-title ae4h-desc\"");
	CHECK_CONTAINS(b.p, "<title id=\"ae4h-title\">A&amp;E four-hour performance</title>");
	CHECK_CONTAINS(b.p, "<desc id=\"ae4h-desc\">XmR chart of 12 points, 2024-04 to 2025-03. "
			    "Latest value 10% (2025-03): common cause variation. Mean 10%, "
			    "process limits 4% to 16%.</desc>");
	/* No width or height: sized by the viewBox alone. */
	CHECK(!strstr(b.p, "<svg xmlns=\"http://www.w3.org/2000/svg\" width"));
	/* Twelve points and the legend's marker; whole values are written without decimals. */
	CHECK_INT(count(b.p, "class=\"app-pt app-pt-common\""), 12 + 1);
	CHECK_CONTAINS(b.p, "<title>2024-06: 10%: common cause variation</title>");
	/* y axis: data 4..16, raw step 2.4, 5 gives 0..20, 5 ticks: 0, 5, 10, 15, 20. */
	CHECK_CONTAINS(b.p, ">0</text>");
	CHECK_CONTAINS(b.p, ">20</text>");
	CHECK_INT(count(b.p, "class=\"app-chart-tick\""), 5);
	/* Twelve month labels fit at this width: none is dropped. */
	CHECK_INT(count(b.p, "class=\"app-chart-xlabel\""), 12);
	/* A legend, the limits and the mean. */
	CHECK_CONTAINS(b.p, "class=\"app-chart-legend\"");
	CHECK_CONTAINS(b.p, ">Process limits</text>");
	CHECK_CONTAINS(b.p, "class=\"app-chart-ucl\"");
	CHECK_CONTAINS(b.p, "class=\"app-chart-mean\"");
	cu_buf_release(&b);
}

static void xmr_escapes_injected_text(void)
{
	static const char *const labels[3] = { "<script>alert(1)</script>", "\"onload=alert(1) x=\"",
					       "'a'&b" };
	double v[3] = { 1, 2, 3 };
	struct chart_break br = { 1, "<script>alert(2)</script>\"onload=" };
	struct chart_xmr c = {
		.id = "x1", .title = "<script>alert(3)</script>", .y_title = "\"onload=alert(4)",
		.unit = "<b>", .decimals = 0, .n = 3, .labels = labels, .value = v,
		.polarity = STATS_NO_DIRECTION, .target = NAN, .breaks = &br, .nbreaks = 1,
	};
	struct cu_buf b;
	struct html h;

	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK(!strstr(b.p, "<script"));
	CHECK(!strstr(b.p, "\"onload"));
	CHECK(!strstr(b.p, "<b>"));
	CHECK_CONTAINS(b.p, "&lt;script&gt;alert(1)&lt;/script&gt;");
	CHECK_CONTAINS(b.p, "&quot;onload=alert(1) x=&quot;");
	CHECK_CONTAINS(b.p, "&#39;a&#39;&amp;b");
	CHECK_CONTAINS(b.p, "&lt;script&gt;alert(3)&lt;/script&gt;</title>");
	/* The break's reason is its hover title. */
	CHECK_CONTAINS(b.p, "<title>Rebased from &quot;onload=alert(1) x=&quot;: "
			    "&lt;script&gt;alert(2)&lt;/script&gt;&quot;onload=</title>");
	CHECK_CONTAINS(b.p, "2&lt;b&gt;");
	cu_buf_release(&b);

	/* An id that could break out of aria-labelledby or an attribute is refused. */
	{
		struct cu_err err;
		static const char *const bad[] = { "a b", "a\"b", "1abc", "", "a<b" };

		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			c.id = bad[i];
			cu_err_clear(&err);
			cu_buf_init(&b, CU_MAX_PAGE_BYTES);
			html_init_fragment(&h, &b);
			CHECK_INT(chart_xmr(&h, &c, &err), CU_EINVAL);
			CHECK_INT(b.n, 0); /* refused before anything is written */
			CHECK_CONTAINS(err.msg, "bad chart id");
			cu_buf_release(&b);
		}
	}
}

static void xmr_nan_leaves_gap(void)
{
	double v[12], mean[12], lcl[12], ucl[12];
	struct chart_xmr c;
	struct cu_buf b;
	struct html h;
	const char *p;
	char d[8192];

	xmr_twelve(&c, v, mean, lcl, ucl);
	v[5] = NAN;
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK(no_nan(b.p));
	p = strstr(b.p, "<path class=\"app-chart-line\"");
	CHECK(p != NULL);
	if (p && attr_of(p, "d", d, sizeof d)) {
		/* M to point 0, lines to 1..4, a move past the gap to 6, lines to 7..11. */
		CHECK_INT(count(d, "M"), 2);
		CHECK_INT(count(d, "L"), 4 + 5);
	}
	CHECK_INT(count(b.p, "class=\"app-pt "), 11 + 3); /* and three legend markers */
	cu_buf_release(&b);
}

static void xmr_point_classes_follow_flags(void)
{
	double v[12], mean[12], lcl[12], ucl[12];
	unsigned char flags[12] = { 0 };
	struct chart_xmr c;
	struct cu_buf b;
	struct html h;

	xmr_twelve(&c, v, mean, lcl, ucl);
	v[3] = 18.5; /* above the upper limit: higher is better, so improvement */
	flags[3] = STATS_XMR_OUTSIDE | STATS_XMR_HIGH;
	v[7] = 2; /* below the lower limit: concern */
	flags[7] = STATS_XMR_OUTSIDE | STATS_XMR_LOW;
	flags[8] = STATS_XMR_SHIFT | STATS_XMR_TREND | STATS_XMR_LOW;
	c.flags = flags;
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(well_formed(b.p));
	/* Each marker's class, colour and title come from its own flags; the legend's markers
	 * carry the classes too, once each. */
	CHECK_INT(count(b.p, "app-pt app-pt-improvement\""), 1 + 1);
	CHECK_INT(count(b.p, "app-pt app-pt-concern\""), 2 + 1);
	CHECK_INT(count(b.p, "app-pt app-pt-common\""), 9 + 1);
	CHECK_INT(count(b.p, "app-pt app-pt-neither\""), 0);
	/* A fractional value: decimals are one more than the axis step (5) needs. */
	CHECK_CONTAINS(b.p, "<title>2024-07: 18.5%: special cause variation, improvement "
			    "(outside the process limits)</title>");
	CHECK_CONTAINS(b.p, "<title>2024-11: 2.0%: special cause variation, concern "
			    "(outside the process limits)</title>");
	CHECK_CONTAINS(b.p, "<title>2024-12: 10.0%: special cause variation, concern "
			    "(a run on one side of the mean, a trend)</title>");
	/* Improvement is blue (a circle), concern amber (a square). */
	CHECK_CONTAINS(b.p, "class=\"app-pt app-pt-improvement\" fill=\"#289de0\"");
	CHECK_CONTAINS(b.p, "<rect x=");
	CHECK_CONTAINS(b.p, "class=\"app-pt app-pt-concern\" fill=\"#fab428\"");
	cu_buf_release(&b);

	/* With no direction the same flags are "neither": purple diamonds. */
	c.polarity = STATS_NO_DIRECTION;
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK_INT(count(b.p, "app-pt app-pt-neither\" fill=\"#361475\""), 3 + 1);
	CHECK_INT(count(b.p, "app-pt-improvement"), 0);
	CHECK_CONTAINS(b.p, "neither improvement nor concern (high)");
	CHECK_CONTAINS(b.p, "neither improvement nor concern (low)");
	cu_buf_release(&b);
}

static void xmr_limits_split_at_breaks(void)
{
	double v[12], mean[12], lcl[12], ucl[12];
	struct chart_break br[2] = { { 4, "new pathway" }, { 8, NULL } };
	struct chart_xmr c;
	struct cu_buf b;
	struct html h;
	char d[8192];
	const char *p;

	xmr_twelve(&c, v, mean, lcl, ucl);
	for (int i = 4; i < 8; i++) {
		mean[i] = 11;
		lcl[i] = 5;
		ucl[i] = 17;
	}
	c.breaks = br;
	c.nbreaks = 2;
	c.target = 15;
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(well_formed(b.p));
	p = strstr(b.p, "class=\"app-chart-mean\"");
	CHECK(p != NULL);
	if (p && attr_of(p, "d", d, sizeof d))
		CHECK_INT(count(d, "M"), 3); /* three segments, never joined */
	p = strstr(b.p, "class=\"app-chart-line\"");
	if (p && attr_of(p, "d", d, sizeof d))
		CHECK_INT(count(d, "M"), 1); /* the data line itself runs through */
	CHECK_INT(count(b.p, "class=\"app-chart-break\""), 2);
	CHECK_CONTAINS(b.p, "<title>Rebased from 2024-08: new pathway</title>");
	CHECK_CONTAINS(b.p, "<title>Rebased from 2024-12</title>");
	CHECK_CONTAINS(b.p, "class=\"app-chart-target\"");
	CHECK_CONTAINS(b.p, ">Target</text>");
	CHECK_CONTAINS(b.p, "Target 15%. Rebased 2 times.</desc>");
	cu_buf_release(&b);
}

static void xmr_zero_points_and_equal_values(void)
{
	struct chart_xmr c = { .id = "empty", .title = "Nothing yet", .decimals = -1,
			       .target = NAN };
	double v[5] = { 7, 7, 7, 7, 7 }, one[1] = { 3 }, gone[3] = { NAN, NAN, NAN };
	double left = 0, right = 0, top = 0, bottom = 0;
	struct cu_buf b;
	struct html h;

	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK(no_nan(b.p));
	CHECK_CONTAINS(b.p, "XmR chart with no data.");
	CHECK_CONTAINS(b.p, ">No data</text>");
	cu_buf_release(&b);

	/* Equal values: the axis widens around 7 and the limits (equal too) sit on it. */
	c.n = 5;
	c.value = v;
	c.mean = v;
	c.lcl = v;
	c.ucl = v;
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK(no_nan(b.p));
	CHECK_INT(count(b.p, "class=\"app-pt app-pt-common\""), 5 + 1);
	/* 7 widens to 6.3 .. 7.7, whose ticks are 6 .. 8 by 0.5: the points sit mid-plot. */
	CHECK(plot_box(b.p, &left, &right, &top, &bottom));
	{
		const char *p = strstr(b.p, "class=\"app-chart-points\"");
		const char *end = p ? strstr(p, "class=\"app-chart-legend\"") : NULL;
		size_t seen = 0;

		for (; p && (p = strstr(p, "<circle ")) != NULL && p < end; p++, seen++)
			CHECK_NEAR(num_attr(p, "cy"), (top + bottom) / 2, 1e-9);
		CHECK_INT(seen, 5);
	}
	CHECK_CONTAINS(b.p, ">6.5</text>");
	cu_buf_release(&b);

	/* One point: no spacing between points to divide by; it is drawn mid-axis. */
	c.n = 1;
	c.value = one;
	c.mean = c.lcl = c.ucl = NULL;
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK(no_nan(b.p));
	CHECK(plot_box(b.p, &left, &right, &top, &bottom));
	{
		const char *p = strstr(b.p, "class=\"app-chart-points\"");

		CHECK_NEAR(num_attr(p ? strstr(p, "<circle ") : NULL, "cx"), (left + right) / 2,
			   1e-9);
	}
	cu_buf_release(&b);

	/* Every value missing. */
	c.n = 3;
	c.value = gone;
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK(no_nan(b.p));
	CHECK(!strstr(b.p, "class=\"app-chart-line\""));
	CHECK_CONTAINS(b.p, ">No data</text>");
	cu_buf_release(&b);
}

static void xmr_rejects_bad_input(void)
{
	double v[12], mean[12], lcl[12], ucl[12];
	struct chart_break br[2] = { { 5, NULL }, { 5, NULL } };
	struct chart_xmr c;
	struct cu_err err;
	struct cu_buf b;
	struct html h;

	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	xmr_twelve(&c, v, mean, lcl, ucl);
	v[2] = INFINITY;
	cu_err_clear(&err);
	CHECK_INT(chart_xmr(&h, &c, &err), CU_EINVAL);
	CHECK_CONTAINS(err.msg, "bad chart value at point 3");
	v[2] = 2e15;
	CHECK_INT(chart_xmr(&h, &c, NULL), CU_EINVAL);
	v[2] = 10;
	ucl[4] = -INFINITY;
	CHECK_INT(chart_xmr(&h, &c, NULL), CU_EINVAL);
	ucl[4] = 16;
	c.target = INFINITY;
	CHECK_INT(chart_xmr(&h, &c, NULL), CU_EINVAL);
	c.target = NAN;
	c.breaks = br;
	c.nbreaks = 2; /* not increasing */
	CHECK_INT(chart_xmr(&h, &c, NULL), CU_EINVAL);
	br[1].index = 12; /* past the last point */
	CHECK_INT(chart_xmr(&h, &c, NULL), CU_EINVAL);
	br[0].index = 0; /* a break at the first point starts nothing */
	br[1].index = 6;
	CHECK_INT(chart_xmr(&h, &c, NULL), CU_EINVAL);
	c.nbreaks = 0;
	c.polarity = (enum stats_polarity)2;
	CHECK_INT(chart_xmr(&h, &c, NULL), CU_EINVAL);
	c.polarity = STATS_HIGHER_BETTER;
	c.decimals = 7;
	CHECK_INT(chart_xmr(&h, &c, NULL), CU_EINVAL);
	c.decimals = -1;
	c.title = NULL;
	CHECK_INT(chart_xmr(&h, &c, NULL), CU_EINVAL);
	c.title = "t";
	c.value = NULL;
	CHECK_INT(chart_xmr(&h, &c, NULL), CU_EINVAL);
	CHECK_INT(b.n, 0); /* nothing written by any refusal */
	cu_buf_release(&b);
}

/* A long label is cut on the axis at a character boundary; its point title keeps it whole. */
static void xmr_cuts_long_labels(void)
{
	static char longl[128], accents[128];
	const char *labels[2] = { longl, accents };
	double v[2] = { 1, 2 };
	struct chart_xmr c = { .id = "cut", .title = "Cut", .decimals = 0, .n = 2,
			       .labels = labels, .value = v, .target = NAN };
	struct cu_buf b;
	struct html h;
	char want[256];

	memset(longl, 'x', 40);
	for (int i = 0; i < 30; i++)
		memcpy(accents + 2 * i, "\xc3\xa9", 2); /* 30 x e-acute, two bytes each */
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(well_formed(b.p));
	snprintf(want, sizeof want, ">%.24s...</text>", longl);
	CHECK_CONTAINS(b.p, want);
	snprintf(want, sizeof want, ">%.48s...</text>", accents);
	CHECK_CONTAINS(b.p, want);
	snprintf(want, sizeof want, "<title>%s: 1: ", longl);
	CHECK_CONTAINS(b.p, want);
	cu_buf_release(&b);
}

/* x labels: consecutive drawn labels are at least a label's width plus the gap apart. */
static void xmr_thins_labels_without_overlap(void)
{
	enum { N = 1000 };
	static double v[N], mean[N], lcl[N], ucl[N];
	static char text[N][24];
	static const char *labels[N];
	struct chart_xmr c = { .id = "big", .title = "A thousand points", .decimals = -1,
			       .n = N, .labels = labels, .value = v, .mean = mean, .lcl = lcl,
			       .ucl = ucl, .polarity = STATS_LOWER_BETTER, .target = NAN };
	struct cu_buf b;
	struct html h;
	double prev = -1e9, min_gap = 1e9;
	size_t shown = 0;

	for (int i = 0; i < N; i++) {
		snprintf(text[i], sizeof text[i], "%04u-%02u", 1950u + (unsigned)i / 12, 1u + (unsigned)i % 12);
		labels[i] = text[i];
		v[i] = 100 + 10 * sin(i / 7.0) + (i % 5);
		mean[i] = 100;
		lcl[i] = 80;
		ucl[i] = 120;
	}
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(!b.failed);
	CHECK(well_formed(b.p));
	CHECK(no_nan(b.p));
	/* Well under the page cap: a page can hold a dozen such charts. */
	CHECK(b.n < CU_MAX_PAGE_BYTES / 12);
	CHECK_INT(count(b.p, "class=\"app-pt "), N + 3);
	for (const char *p = b.p; (p = strstr(p, "<text class=\"app-chart-xlabel\"")) != NULL; p++) {
		char xs[32];
		double x;

		if (!attr_of(p, "x", xs, sizeof xs))
			break;
		x = strtod(xs, NULL);
		if (x - prev < min_gap)
			min_gap = x - prev;
		prev = x;
		shown++;
	}
	/* "1950-01" is 7 characters: 7 x 11 x 0.62 + 6 = 53.7 units; the points span 648 units
	 * (78 .. 726 in the 760-wide viewBox), so at most 648 / 53.7 + 1 = 13 labels fit. */
	CHECK(shown >= 4 && shown <= 13);
	CHECK(min_gap >= 7 * CHART_FONT_PX * CHART_CHAR_EM + CHART_LABEL_GAP_PX);
	CHECK(min_gap >= 48); /* independent of the constants: 7 Arial digits at 11px */
	/* Thinned to whole years (a multiple of 12), so every label is a January. */
	CHECK_INT(count(b.p, "-01</text>"), shown);
	cu_buf_release(&b);
}

/* The point limit, at the limit and one past it; and a full buffer is reported. */
static void xmr_point_limit_and_page_cap(void)
{
	static double v[CHART_MAX_POINTS + 1];
	struct chart_xmr c = { .id = "lim", .title = "Limit", .decimals = 0, .value = v,
			       .polarity = STATS_NO_DIRECTION, .target = NAN };
	struct cu_err err;
	struct cu_buf b;
	struct html h;
	double v12[12], mean[12], lcl[12], ucl[12];

	for (size_t i = 0; i <= CHART_MAX_POINTS; i++)
		v[i] = (double)(i % 17);
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	c.n = CHART_MAX_POINTS;
	CHECK_INT(chart_xmr(&h, &c, NULL), 0);
	CHECK(!b.failed);
	CHECK(well_formed(b.p));
	cu_buf_reset(&b);
	html_init_fragment(&h, &b);
	c.n = CHART_MAX_POINTS + 1;
	cu_err_clear(&err);
	CHECK_INT(chart_xmr(&h, &c, &err), CU_ELIMIT);
	CHECK_INT(b.n, 0);
	cu_buf_release(&b);

	/* A buffer too small for the chart: CU_ELIMIT and the failed flag, never a cut chart
	 * passed off as whole. */
	xmr_twelve(&c, v12, mean, lcl, ucl);
	cu_buf_init(&b, 2000);
	html_init_fragment(&h, &b);
	cu_err_clear(&err);
	CHECK_INT(chart_xmr(&h, &c, &err), CU_ELIMIT);
	CHECK(b.failed);
	CHECK_CONTAINS(err.msg, "size limit");
	/* And a buffer that had already failed is refused at once. */
	CHECK_INT(chart_sparkline(&h, "x", v12, 12, NULL, -1, NULL), CU_ELIMIT);
	cu_buf_release(&b);
}

/* ---- funnel ------------------------------------------------------------------------ */

struct funnel_fixture {
	double x[5], y[5], lx[6], l95[6], h95[6], l998[6], h998[6];
	int cls[5];
	const char *labels[5];
	struct chart_funnel f;
};

/* Five trusts around a ratio of 1 with Poisson-like limits 1 -/+ z / sqrt(E). */
static void funnel_fixture(struct funnel_fixture *t)
{
	static const double x[5] = { 50, 120, 300, 800, 1500 };
	static const double y[5] = { 1.05, 1.4, 0.92, 0.85, 1.01 };
	static const int cls[5] = { 0, 2, 0, -1, 0 };
	static const char *const labels[5] = { "Trust A", "<script>alert(1)</script>",
					       "Trust \"C\"", "Trust D", "Trust E" };

	memset(t, 0, sizeof *t);
	for (int i = 0; i < 5; i++) {
		t->x[i] = x[i];
		t->y[i] = y[i];
		t->cls[i] = cls[i];
		t->labels[i] = labels[i];
	}
	for (int i = 0; i < 6; i++) {
		double e = i == 0 ? 1 : 300.0 * i;

		t->lx[i] = e;
		t->l95[i] = 1 - 1.96 / sqrt(e);
		t->h95[i] = 1 + 1.96 / sqrt(e);
		t->l998[i] = 1 - 3.09 / sqrt(e);
		t->h998[i] = 1 + 3.09 / sqrt(e);
	}
	t->l998[0] = NAN; /* no lower limit at E = 1: a gap */
	t->f = (struct chart_funnel){
		.id = "shmi", .title = "SHMI by trust", .x_title = "Expected deaths",
		.y_title = "Ratio", .decimals = -1, .n = 5, .labels = t->labels, .x = t->x,
		.y = t->y, .cls = t->cls, .nlim = 6, .lim_x = t->lx, .lo95 = t->l95,
		.hi95 = t->h95, .lo998 = t->l998, .hi998 = t->h998, .target = 1, .highlight = 3,
	};
}

static void funnel_draws_classes_and_highlight(void)
{
	struct funnel_fixture t;
	struct cu_buf b;
	struct html h;

	funnel_fixture(&t);
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_funnel(&h, &t.f, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK(no_nan(b.p));
	/* Units (plus one legend marker each). */
	CHECK_INT(count(b.p, "app-pt app-pt-within\""), 3 + 1);
	CHECK_INT(count(b.p, "app-pt app-pt-outside998\""), 1 + 1);
	CHECK_INT(count(b.p, "app-pt app-pt-outside95 app-pt-highlight\""), 1);
	CHECK_INT(count(b.p, "app-pt-highlight\""), 1);
	CHECK_CONTAINS(b.p, "class=\"app-chart-highlight-ring\"");
	CHECK_CONTAINS(b.p, "class=\"app-chart-highlight-label\"");
	CHECK_CONTAINS(b.p, ">Trust D</text>");
	CHECK(!strstr(b.p, "<script"));
	CHECK_CONTAINS(b.p, "<title>&lt;script&gt;alert(1)&lt;/script&gt;: 1.40 (Expected deaths "
			    "120.0): above the 99.8% limit</title>");
	CHECK_CONTAINS(b.p, "Trust &quot;C&quot;");
	/* Two curves for each level, the 95% dashed; the centre line. */
	CHECK_INT(count(b.p, "class=\"app-chart-limit95\""), 2);
	CHECK_INT(count(b.p, "class=\"app-chart-limit998\""), 2);
	CHECK_CONTAINS(b.p, "class=\"app-chart-centre\"");
	CHECK_CONTAINS(b.p, "<desc id=\"shmi-desc\">Funnel plot of 5 units by Expected deaths. "
			    "Centre line 1.00. 1 outside the 99.8% limits, 1 outside the 95% "
			    "limits only, 3 within the 95% limits. Trust D: 0.85, below the 95% "
			    "limit.</desc>");
	cu_buf_release(&b);
}

static void funnel_clips_limits_to_plot(void)
{
	struct funnel_fixture t;
	struct cu_buf b;
	struct html h;
	const char *p;
	char a[64];
	double left = 0, right = 0, top = 0, bottom = 0;
	size_t coords = 0;

	/* At E = 1 the limits are 1 -/+ 3.09, far beyond the units' y range (0.85 .. 1.4, and
	 * the limits over 50 .. 1500): every drawn coordinate must stay inside the plot. */
	funnel_fixture(&t);
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_funnel(&h, &t.f, NULL), 0);
	CHECK(plot_box(b.p, &left, &right, &top, &bottom));
	for (p = b.p; (p = strstr(p, "class=\"app-chart-limit")) != NULL; p++) {
		char d[8192];
		const char *q;

		if (!attr_of(p, "d", d, sizeof d))
			continue;
		for (q = d; *q;) {
			double x, y;
			char *end;

			q++; /* M or L */
			x = strtod(q, &end);
			y = strtod(end, &end);
			q = end;
			coords++;
			CHECK(x >= left - 1e-9 && x <= right + 1e-9);
			CHECK(y >= top - 1e-9 && y <= bottom + 1e-9);
		}
	}
	CHECK(coords > 20);
	/* The upper 99.8% curve enters through the top: its first point is on the top edge. */
	p = strstr(b.p, "class=\"app-chart-limit998\"");
	p = p ? strstr(p + 1, "class=\"app-chart-limit998\"") : NULL;
	CHECK(p && attr_of(p, "d", a, sizeof a));
	if (p && attr_of(p, "d", a, sizeof a)) {
		char *end;

		strtod(a + 1, &end);
		CHECK_NEAR(strtod(end, NULL), top, 1e-9);
	}
	cu_buf_release(&b);
}

static void funnel_empty_and_bad_input(void)
{
	struct funnel_fixture t;
	struct chart_funnel e = { .id = "f0", .title = "None", .decimals = -1, .target = NAN,
				  .highlight = CHART_NONE };
	struct cu_buf b;
	struct html h;

	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_funnel(&h, &e, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK(no_nan(b.p));
	CHECK_CONTAINS(b.p, "Funnel plot with no data.");
	cu_buf_reset(&b);
	html_init_fragment(&h, &b);

	funnel_fixture(&t);
	t.cls[2] = 3;
	CHECK_INT(chart_funnel(&h, &t.f, NULL), CU_EINVAL);
	t.cls[2] = 0;
	t.x[1] = -1;
	CHECK_INT(chart_funnel(&h, &t.f, NULL), CU_EINVAL);
	t.x[1] = 120;
	t.lx[3] = 10; /* not ascending */
	CHECK_INT(chart_funnel(&h, &t.f, NULL), CU_EINVAL);
	t.lx[3] = 900;
	t.f.highlight = 5;
	CHECK_INT(chart_funnel(&h, &t.f, NULL), CU_EINVAL);
	t.f.highlight = CHART_NONE;
	t.y[0] = INFINITY;
	CHECK_INT(chart_funnel(&h, &t.f, NULL), CU_EINVAL);
	CHECK_INT(b.n, 0);
	/* A unit with a NaN value is simply not drawn. */
	t.y[0] = NAN;
	CHECK_INT(chart_funnel(&h, &t.f, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK_INT(count(b.p, "app-pt app-pt-within\""), 2 + 1);
	cu_buf_release(&b);
}

/* ---- ratio chart ------------------------------------------------------------------- */

/* The K-th (from 0) occurrence of NEEDLE in HAY, or NULL. */
static const char *nth(const char *hay, const char *needle, size_t k)
{
	const char *p = hay;

	for (; (p = strstr(p, needle)) != NULL; p++)
		if (k-- == 0)
			return p;
	return NULL;
}

/* A framed chart with id ID and class CLS, well formed, whole, and named for assistive
 * technology by its <title> and <desc>. */
static void check_framed_chart(const char *svg, const char *id, const char *cls)
{
	char want[160];

	CHECK(well_formed(svg));
	CHECK(no_nan(svg));
	CHECK(strncmp(svg, "<svg ", 5) == 0);
	snprintf(want, sizeof want,
		 "class=\"%s\" role=\"img\" aria-labelledby=\"%s-title %s-desc\"", cls, id, id);
	CHECK_CONTAINS(svg, want);
	snprintf(want, sizeof want, "<title id=\"%s-title\">", id);
	CHECK_CONTAINS(svg, want);
	snprintf(want, sizeof want, "<desc id=\"%s-desc\">", id);
	CHECK_CONTAINS(svg, want);
}

struct ratio_fixture {
	double ratio[3], lo95[3], hi95[3], lo998[3], hi998[3], obs[3], exp[3];
	int band[3];
	struct chart_ratio c;
};

/*
 * Three periods: as expected, higher and lower. Every number lies in 0.5 .. 1.5 and those two
 * ends occur (the 99.8% limits of periods 3 and 2), so the axis is worked out by hand in
 * ratio_positions_follow_the_frame.
 */
static void ratio_fixture(struct ratio_fixture *t)
{
	static const double ratio[3] = { 0.9, 1.25, 0.7 }, lo95[3] = { 0.75, 1.05, 0.6 },
			    hi95[3] = { 1.1, 1.45, 0.8 }, lo998[3] = { 0.6, 0.98, 0.5 },
			    hi998[3] = { 1.25, 1.5, 0.9 }, obs[3] = { 45, 125, 35 },
			    exp[3] = { 50, 100, 50.5 };
	static const int band[3] = { 0, 1, -1 };
	static const char *const labels[3] = { "2021-22", "2022-23", "2023-24" };

	memset(t, 0, sizeof *t);
	for (int i = 0; i < 3; i++) {
		t->ratio[i] = ratio[i];
		t->lo95[i] = lo95[i];
		t->hi95[i] = hi95[i];
		t->lo998[i] = lo998[i];
		t->hi998[i] = hi998[i];
		t->obs[i] = obs[i];
		t->exp[i] = exp[i];
		t->band[i] = band[i];
	}
	t->c = (struct chart_ratio){
		.id = "ratio", .title = "Deaths against expected", .y_title = "Observed / expected",
		.decimals = -1, .n = 3, .labels = labels, .ratio = t->ratio, .lo95 = t->lo95,
		.hi95 = t->hi95, .lo998 = t->lo998, .hi998 = t->hi998, .observed = t->obs,
		.expected = t->exp, .band = t->band,
	};
}

static void ratio_three_periods_well_formed(void)
{
	struct ratio_fixture t;
	struct cu_buf b;
	struct html h;

	ratio_fixture(&t);
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_ratio(&h, &t.c, NULL), 0);
	check_framed_chart(b.p, "ratio", "app-chart app-chart-ratio");
	CHECK_INT(h.depth, 0);
	CHECK_CONTAINS(b.p, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 760 400\"");
	CHECK_CONTAINS(b.p, "<title id=\"ratio-title\">Deaths against expected</title>");
	/* Ratios get one decimal more than the axis step 0.25 needs (2): 3. Observed counts are
	 * whole; an expected count is not (50.5), so expected counts get 2 decimals. */
	CHECK_CONTAINS(b.p, "<desc id=\"ratio-desc\">Ratio of observed to expected in 3 periods, "
			    "2021-22 to 2023-24. Latest (2023-24): 0.700, 95% limits 0.600 to "
			    "0.800, lower than expected. Periods higher than expected: 1; lower "
			    "than expected: 1.</desc>");
	CHECK_CONTAINS(b.p, "<title>2021-22: ratio 0.900 (45 observed, 50.00 expected), 95% "
			    "limits 0.750 to 1.100, 99.8% limits 0.600 to 1.250: as "
			    "expected</title>");
	CHECK_CONTAINS(b.p, "<title>2022-23: ratio 1.250 (125 observed, 100.00 expected), 95% "
			    "limits 1.050 to 1.450, 99.8% limits 0.980 to 1.500: higher than "
			    "expected</title>");
	CHECK_CONTAINS(b.p, "<title>2023-24: ratio 0.700 (35 observed, 50.50 expected), 95% "
			    "limits 0.600 to 0.800, 99.8% limits 0.500 to 0.900: lower than "
			    "expected</title>");
	/* One marker per period by band, and one of each in the legend. */
	CHECK_INT(count(b.p, "class=\"app-pt app-pt-within\""), 1 + 1);
	CHECK_INT(count(b.p, "class=\"app-pt app-pt-higher\""), 1 + 1);
	CHECK_INT(count(b.p, "class=\"app-pt app-pt-lower\""), 1 + 1);
	CHECK_CONTAINS(b.p, "<circle cx=");
	CHECK_CONTAINS(b.p, "class=\"app-pt app-pt-higher\" fill=\"#fab428\" stroke=\"#9c6a00\"");
	CHECK_CONTAINS(b.p, "class=\"app-pt app-pt-lower\" fill=\"#289de0\"");
	/* A thin and a thick bar per period, the line at 1, the y-axis title, the labels. */
	CHECK_INT(count(b.p, "class=\"app-chart-limit998\""), 3);
	CHECK_INT(count(b.p, "class=\"app-chart-limit95\""), 3);
	CHECK_INT(count(b.p, "class=\"app-chart-centre\""), 1);
	CHECK_CONTAINS(b.p, ">Observed / expected</text>");
	CHECK_INT(count(b.p, "class=\"app-chart-xlabel\""), 3);
	CHECK_CONTAINS(b.p, ">2022-23</text>");
	cu_buf_release(&b);
}

static void ratio_positions_follow_the_frame(void)
{
	struct ratio_fixture t;
	struct cu_buf b;
	struct html h;
	double left = 0, right = 0, top = 0, bottom = 0;
	const char *p;
	char d[256];

	ratio_fixture(&t);
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_ratio(&h, &t.c, NULL), 0);
	/*
	 * The axis: the numbers run from 0.5 to 1.5 (1 is inside). chart_nice_ticks(0.5, 1.5, 6):
	 * raw step 1 / 5 = 0.2; a step of 0.2 needs floor(2.5) = 2 .. ceil(7.5) = 8, 7 ticks, one
	 * too many; 0.25 gives 2 .. 6, the 5 ticks 0.50, 0.75, 1.00, 1.25, 1.50 (2 decimals).
	 */
	CHECK_INT(count(b.p, "class=\"app-chart-tick\""), 5);
	CHECK_CONTAINS(b.p, ">0.50</text>");
	CHECK_CONTAINS(b.p, ">1.25</text>");
	CHECK_CONTAINS(b.p, ">1.50</text>");
	/*
	 * The frame is 760 x 400 with the plot from x 68 to 736 and y 56 (top) to 352 (bottom),
	 * so 0.5 .. 1.5 maps to 352 .. 56 and y(v) = 352 - 296 (v - 0.5). Points stand 10 in from
	 * each side, so three periods are at x 78, 402 and 726.
	 */
	CHECK(plot_box(b.p, &left, &right, &top, &bottom));
	CHECK_NEAR(left, 68, 0);
	CHECK_NEAR(right, 736, 0);
	CHECK_NEAR(top, 56, 0);
	CHECK_NEAR(bottom, 352, 0);
	/* The line at 1: y = 352 - 296 x 0.5 = 204, across the plot. */
	p = strstr(b.p, "class=\"app-chart-centre\"");
	CHECK_NEAR(num_attr(p, "x1"), 68, 0);
	CHECK_NEAR(num_attr(p, "x2"), 736, 0);
	CHECK_NEAR(num_attr(p, "y1"), 204, 1e-9);
	CHECK_NEAR(num_attr(p, "y2"), 204, 1e-9);
	/* Period 1, ratio 0.9: a circle at y = 352 - 296 x 0.4 = 233.6. */
	p = strstr(b.p, "<circle cx=");
	CHECK_NEAR(num_attr(p, "cx"), 78, 0);
	CHECK_NEAR(num_attr(p, "cy"), 233.6, 1e-9);
	CHECK_NEAR(num_attr(p, "r"), 4.5, 0);
	/* Period 2, ratio 1.25: y = 352 - 296 x 0.75 = 130; a square of side 10 around it. */
	p = strstr(b.p, "<rect x=");
	CHECK_NEAR(num_attr(p, "x"), 402 - 5, 1e-9);
	CHECK_NEAR(num_attr(p, "y"), 130 - 5, 1e-9);
	CHECK_NEAR(num_attr(p, "width"), 10, 0);
	/* Period 3, ratio 0.7: y = 352 - 296 x 0.2 = 292.8; a diamond 6.5 each way around it. */
	p = strstr(b.p, "<path d=\"M726 ");
	CHECK(p && attr_of(p, "d", d, sizeof d));
	if (p && attr_of(p, "d", d, sizeof d))
		CHECK_STR(d, "M726 286.3L732.5 292.8L726 299.3L719.5 292.8Z");
	/* Period 1's bars: 99.8% 0.6 .. 1.25 runs from y 130 down to 352 - 296 x 0.1 = 322.4,
	 * 95% 0.75 .. 1.1 from 352 - 296 x 0.6 = 174.4 down to 352 - 296 x 0.25 = 278. */
	p = strstr(b.p, "class=\"app-chart-limit998\"");
	CHECK_NEAR(num_attr(p, "x1"), 78, 0);
	CHECK_NEAR(num_attr(p, "y1"), 130, 1e-9);
	CHECK_NEAR(num_attr(p, "y2"), 322.4, 1e-9);
	p = strstr(b.p, "class=\"app-chart-limit95\"");
	CHECK_NEAR(num_attr(p, "y1"), 174.4, 1e-9);
	CHECK_NEAR(num_attr(p, "y2"), 278, 1e-9);
	CHECK_NEAR(num_attr(p, "stroke-width"), 3.5, 0);
	/* Period 2's 99.8% bar reaches 1.5, the axis' top (56); period 3's reaches 0.5, its
	 * bottom (352). */
	p = nth(b.p, "class=\"app-chart-limit998\"", 1);
	CHECK_NEAR(num_attr(p, "y1"), 56, 1e-9);
	p = nth(b.p, "class=\"app-chart-limit998\"", 2);
	CHECK_NEAR(num_attr(p, "y2"), 352, 1e-9);
	cu_buf_release(&b);
}

/* A lower limit below 0 (an approximate interval can have one) is cut at the axis, which
 * never goes below 0; every bar stays within the plot. */
static void ratio_bars_clipped_to_axis(void)
{
	struct ratio_fixture t;
	struct cu_buf b;
	struct html h;
	double left = 0, right = 0, top = 0, bottom = 0;
	const char *p;
	size_t bars = 0;

	ratio_fixture(&t);
	t.lo998[2] = -0.2;
	t.lo95[2] = -0.05;
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_ratio(&h, &t.c, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK(plot_box(b.p, &left, &right, &top, &bottom));
	/*
	 * The data now run from -0.2, cut to 0, to 1.5: raw step 1.5 / 5 = 0.3, so 0.5 (the first
	 * of 0.1, 0.2, 0.25, 0.5 not below it): 0, 0.5, 1, 1.5, and y(v) = 352 - 296 v / 1.5.
	 */
	CHECK_INT(count(b.p, "class=\"app-chart-tick\""), 4);
	CHECK_CONTAINS(b.p, ">0.0</text>");
	CHECK(!strstr(b.p, ">-0.5</text>"));
	/* Period 3's 99.8% bar: from 0.9, y = 352 - 296 x 0.6 = 174.4, down to the axis' bottom
	 * (0, not -0.2); its 95% bar from 0.8, y = 352 - 296 x 0.8 / 1.5 = 194.1333,
	 * written to 2 decimals, to the bottom. */
	p = nth(b.p, "class=\"app-chart-limit998\"", 2);
	CHECK_NEAR(num_attr(p, "y1"), 174.4, 1e-9);
	CHECK_NEAR(num_attr(p, "y2"), 352, 1e-9);
	p = nth(b.p, "class=\"app-chart-limit95\"", 2);
	CHECK_NEAR(num_attr(p, "y1"), 194.13, 1e-9);
	CHECK_NEAR(num_attr(p, "y2"), 352, 1e-9);
	/* The axis takes in every upper limit, so no bar passes the top either. */
	for (p = b.p; (p = strstr(p, "class=\"app-chart-limit")) != NULL; p++, bars++) {
		CHECK(num_attr(p, "y1") >= top - 1e-9 && num_attr(p, "y1") <= bottom + 1e-9);
		CHECK(num_attr(p, "y2") >= top - 1e-9 && num_attr(p, "y2") <= bottom + 1e-9);
	}
	CHECK_INT(bars, 6);
	CHECK(no_nan(b.p));
	cu_buf_release(&b);
}

/* A period with no ratio keeps its place, label and bars, but has no marker or title. */
static void ratio_nan_keeps_period(void)
{
	struct ratio_fixture t;
	struct cu_buf b;
	struct html h;
	const char *p;

	ratio_fixture(&t);
	t.ratio[1] = NAN;
	t.obs[1] = NAN;
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_ratio(&h, &t.c, NULL), 0);
	check_framed_chart(b.p, "ratio", "app-chart app-chart-ratio");
	CHECK_INT(count(b.p, "class=\"app-pt app-pt-higher\""), 1); /* the legend's only */
	CHECK_INT(count(b.p, "class=\"app-pt "), 2 + 3);
	CHECK(!strstr(b.p, "<title>2022-23"));
	CHECK_INT(count(b.p, "class=\"app-chart-xlabel\""), 3);
	CHECK_INT(count(b.p, "class=\"app-chart-limit95\""), 3);
	/* Its bars stay at the middle period's place, x 402. */
	p = nth(b.p, "class=\"app-chart-limit95\"", 1);
	CHECK_NEAR(num_attr(p, "x1"), 402, 0);
	/* Periods with a ratio: 2, one as expected and one lower. */
	CHECK_CONTAINS(b.p, "Periods higher than expected: 0; lower than expected: 1.</desc>");
	CHECK(!strstr(b.p, ">No data</text>"));
	cu_buf_reset(&b);

	/* No ratio at all, and a missing observed count: "No data", and no counts in text. */
	t.ratio[0] = t.ratio[2] = NAN;
	t.c.observed = NULL;
	t.c.name = "Ratio of observed to expected deaths";
	html_init_fragment(&h, &b);
	CHECK_INT(chart_ratio(&h, &t.c, NULL), 0);
	check_framed_chart(b.p, "ratio", "app-chart app-chart-ratio");
	CHECK_CONTAINS(b.p, "<desc id=\"ratio-desc\">Ratio of observed to expected deaths: no "
			    "data.</desc>");
	CHECK_CONTAINS(b.p, ">No data</text>");
	CHECK_INT(count(b.p, "class=\"app-pt "), 3);
	cu_buf_reset(&b);

	/* Zero periods: a valid chart, nothing divides by zero. */
	{
		struct chart_ratio e = { .id = "r0", .title = "None", .decimals = -1 };

		html_init_fragment(&h, &b);
		CHECK_INT(chart_ratio(&h, &e, NULL), 0);
		check_framed_chart(b.p, "r0", "app-chart app-chart-ratio");
		CHECK_CONTAINS(b.p, "Ratio of observed to expected: no data.</desc>");
		CHECK_INT(count(b.p, "class=\"app-chart-centre\""), 1);
	}
	cu_buf_release(&b);
}

/* Observed counts without expected ones (and the reverse) are shown alone. */
static void ratio_titles_leave_out_missing_counts(void)
{
	struct ratio_fixture t;
	struct cu_buf b;
	struct html h;

	ratio_fixture(&t);
	t.c.expected = NULL;
	t.hi95[0] = NAN; /* no 95% bar, and no 95% limits in the title */
	t.c.decimals = 2;
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_ratio(&h, &t.c, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK_CONTAINS(b.p, "<title>2021-22: ratio 0.90 (45 observed), 99.8% limits 0.60 to "
			    "1.25: as expected</title>");
	CHECK_INT(count(b.p, "class=\"app-chart-limit95\""), 2);
	cu_buf_reset(&b);
	t.c.expected = t.exp;
	t.c.observed = NULL;
	html_init_fragment(&h, &b);
	CHECK_INT(chart_ratio(&h, &t.c, NULL), 0);
	CHECK_CONTAINS(b.p, "<title>2022-23: ratio 1.25 (100.00 expected), 95% limits 1.05 to "
			    "1.45, 99.8% limits 0.98 to 1.50: higher than expected</title>");
	cu_buf_release(&b);
}

static void ratio_escapes_injected_text(void)
{
	static const char *const labels[3] = { "<script>alert(1)</script>",
					       "\"onload=alert(1) x=\"", "'a'&b" };
	struct ratio_fixture t;
	struct cu_buf b;
	struct html h;

	ratio_fixture(&t);
	t.c.labels = labels;
	t.c.title = "<script>alert(3)</script>";
	t.c.y_title = "\"onload=alert(4)";
	t.c.name = "<b>deaths</b>";
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_ratio(&h, &t.c, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK(!strstr(b.p, "<script"));
	CHECK(!strstr(b.p, "\"onload"));
	CHECK(!strstr(b.p, "<b>"));
	CHECK_CONTAINS(b.p, "<title id=\"ratio-title\">&lt;script&gt;alert(3)&lt;/script&gt;"
			    "</title>");
	CHECK_CONTAINS(b.p, ">&quot;onload=alert(4)</text>");
	CHECK_CONTAINS(b.p, "<desc id=\"ratio-desc\">&lt;b&gt;deaths&lt;/b&gt; in 3 periods, "
			    "&lt;script&gt;alert(1)&lt;/script&gt; to &#39;a&#39;&amp;b.");
	CHECK_CONTAINS(b.p, "<title>&quot;onload=alert(1) x=&quot;: ratio 1.250");
	/* x labels are cut to 24 characters, then escaped: "<script>alert(1)</script>" has 25
	 * (8 + 8 + 9), so it loses its last '>' for "...". */
	CHECK_CONTAINS(b.p, ">&lt;script&gt;alert(1)&lt;/script...</text>");
	CHECK_CONTAINS(b.p, ">&#39;a&#39;&amp;b</text>");
	/* A description given is used as it is, escaped. */
	cu_buf_reset(&b);
	t.c.desc = "<i>given</i>";
	html_init_fragment(&h, &b);
	CHECK_INT(chart_ratio(&h, &t.c, NULL), 0);
	CHECK_CONTAINS(b.p, "<desc id=\"ratio-desc\">&lt;i&gt;given&lt;/i&gt;</desc>");
	cu_buf_release(&b);
}

/* Refused before anything is written, with a message saying what was wrong. */
static void ratio_rejects_bad_input(void)
{
	static const struct {
		const char *field;
		double v;
		int rc;
		const char *msg;
	} nums[] = {
		{ "ratio", INFINITY, CU_EINVAL, "bad chart ratio at point 2: expected a finite" },
		{ "ratio", -0.1, CU_EINVAL, "bad chart ratio at point 2: expected 0 or more" },
		{ "hi998", 2e15, CU_EINVAL, "bad chart 99.8% upper limit at point 2" },
		{ "lo95", -INFINITY, CU_EINVAL, "bad chart 95% lower limit at point 2" },
		{ "lo95", 1.5, CU_EINVAL, "bad chart limits at point 2: expected each lower" },
		{ "obs", NAN, 0, NULL },
		{ "obs", INFINITY, CU_EINVAL, "bad chart observed count at point 2" },
	};
	struct ratio_fixture t;
	struct cu_err err;
	struct cu_buf b;
	struct html h;

	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		double *a;

		ratio_fixture(&t);
		a = strcmp(nums[i].field, "ratio") == 0	  ? t.ratio
		    : strcmp(nums[i].field, "hi998") == 0 ? t.hi998
		    : strcmp(nums[i].field, "lo95") == 0  ? t.lo95
							  : t.obs;
		a[1] = nums[i].v;
		cu_buf_reset(&b);
		html_init_fragment(&h, &b);
		cu_err_clear(&err);
		CHECK_INT(chart_ratio(&h, &t.c, &err), nums[i].rc);
		if (nums[i].msg) {
			CHECK_INT(b.n, 0);
			CHECK_CONTAINS(err.msg, nums[i].msg);
		}
	}
	cu_buf_reset(&b);
	html_init_fragment(&h, &b);

	ratio_fixture(&t);
	t.band[2] = 2;
	cu_err_clear(&err);
	CHECK_INT(chart_ratio(&h, &t.c, &err), CU_EINVAL);
	CHECK_CONTAINS(err.msg, "bad chart band \"2\" at point 3: expected -1, 0 or 1");
	t.band[2] = -1;
	t.c.band = NULL;
	CHECK_INT(chart_ratio(&h, &t.c, &err), CU_EINVAL);
	t.c.band = t.band;
	t.c.hi95 = NULL;
	cu_err_clear(&err);
	CHECK_INT(chart_ratio(&h, &t.c, &err), CU_EINVAL);
	CHECK_CONTAINS(err.msg, "chart 95% upper limit missing");
	t.c.hi95 = t.hi95;
	t.c.decimals = 7;
	CHECK_INT(chart_ratio(&h, &t.c, NULL), CU_EINVAL);
	t.c.decimals = -1;
	t.c.title = "";
	cu_err_clear(&err);
	CHECK_INT(chart_ratio(&h, &t.c, &err), CU_EINVAL);
	CHECK_CONTAINS(err.msg, "chart title missing");
	t.c.title = NULL;
	CHECK_INT(chart_ratio(&h, &t.c, NULL), CU_EINVAL);
	t.c.title = "Ratio";
	{
		static const char *const bad[] = { "a b", "a\"b", "1abc", "", "a<b" };

		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			t.c.id = bad[i];
			cu_err_clear(&err);
			CHECK_INT(chart_ratio(&h, &t.c, &err), CU_EINVAL);
			CHECK_CONTAINS(err.msg, "bad chart id");
		}
		t.c.id = NULL;
		CHECK_INT(chart_ratio(&h, &t.c, NULL), CU_EINVAL);
	}
	CHECK_INT(b.n, 0);
	cu_buf_release(&b);
}

/* The period limit, at the limit and one past it; and a full buffer is reported. */
static void ratio_point_limit_and_page_cap(void)
{
	static double v[CHART_MAX_POINTS + 1], lo[CHART_MAX_POINTS + 1], hi[CHART_MAX_POINTS + 1];
	static int band[CHART_MAX_POINTS + 1];
	struct chart_ratio c = { .id = "lim", .title = "Limit", .decimals = 2, .ratio = v,
				 .lo95 = lo, .hi95 = hi, .lo998 = lo, .hi998 = hi, .band = band };
	struct ratio_fixture t;
	struct cu_err err;
	struct cu_buf b;
	struct html h;

	for (size_t i = 0; i <= CHART_MAX_POINTS; i++) {
		v[i] = 1 + (double)(i % 7) / 20;
		lo[i] = v[i] - 0.2;
		hi[i] = v[i] + 0.2;
		band[i] = (int)(i % 3) - 1;
	}
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	for (size_t n = CHART_MAX_POINTS; n <= CHART_MAX_POINTS + 1; n++) {
		int past = n > CHART_MAX_POINTS;

		cu_buf_reset(&b);
		html_init_fragment(&h, &b);
		c.n = n;
		cu_err_clear(&err);
		CHECK_INT(chart_ratio(&h, &c, &err), past ? CU_ELIMIT : 0);
		CHECK(past ? b.n == 0 : !b.failed && well_formed(b.p));
	}
	CHECK_CONTAINS(err.msg, "chart has 10001 periods: expected at most 10000");
	cu_buf_release(&b);

	ratio_fixture(&t);
	cu_buf_init(&b, 2000);
	html_init_fragment(&h, &b);
	cu_err_clear(&err);
	CHECK_INT(chart_ratio(&h, &t.c, &err), CU_ELIMIT);
	CHECK(b.failed);
	CHECK_CONTAINS(err.msg, "size limit");
	cu_buf_release(&b);
}

static void ratio_legend_names_marks_bars_and_line(void)
{
	struct ratio_fixture t;
	struct cu_buf b;
	struct html h;
	const char *lg;

	ratio_fixture(&t);
	cu_buf_init(&b, CU_MAX_PAGE_BYTES);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_ratio(&h, &t.c, NULL), 0);
	lg = strstr(b.p, "<g class=\"app-chart-legend\">");
	CHECK(lg != NULL);
	if (!lg) {
		cu_buf_release(&b);
		return;
	}
	CHECK_INT(count(lg, "class=\"app-pt "), 3);
	CHECK_CONTAINS(lg, ">As expected</text>");
	CHECK_CONTAINS(lg, ">Higher than expected</text>");
	CHECK_CONTAINS(lg, ">Lower than expected</text>");
	CHECK_CONTAINS(lg, ">95% limits</text>");
	CHECK_CONTAINS(lg, ">99.8% limits</text>");
	/*
	 * It wraps. An entry is 16 + 11 x 0.62 = 6.82 per character + 14 wide, from x 8, and a
	 * row ends at 760 - 8 = 752: the first five (11, 20, 19, 10 and 12 characters) end at
	 * 8 + 5 x 30 + 72 x 6.82 = 649.04, and "Ratio of 1: as expected" (23) needs 16 + 156.86,
	 * to 821.9: it starts the second row, 16 lower (y 36, its text at 36 + 4 = 40), at x 8
	 * (its text at 8 + 16 = 24).
	 */
	CHECK_CONTAINS(lg, "<text class=\"app-chart-legend-text\" x=\"24\" y=\"24\" "
			   "text-anchor=\"start\">As expected</text>");
	CHECK_CONTAINS(lg, "<text class=\"app-chart-legend-text\" x=\"24\" y=\"40\" "
			   "text-anchor=\"start\">Ratio of 1: as expected</text>");
	/* The bars' entries are upright, thick and thin. */
	CHECK_CONTAINS(lg, "stroke=\"#425563\" stroke-width=\"3.5\"");
	CHECK_STR(chart_ratio_band_name(1), "Higher than expected");
	CHECK_STR(chart_ratio_band_name(-1), "Lower than expected");
	CHECK_STR(chart_ratio_band_name(0), "As expected");
	cu_buf_release(&b);
}

/* ---- sparkline and icons ----------------------------------------------------------- */

static void sparkline_marks_last_and_says_direction(void)
{
	double v[6] = { 70.1, 71, NAN, 69.5, 70.1, 72.3 };
	struct cu_buf b;
	struct html h;
	char d[1024];
	const char *p;

	cu_buf_init(&b, 65536);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_sparkline(&h, "A&E <4h>", v, 6, "%", 1, NULL), 0);
	CHECK(well_formed(b.p));
	CHECK(no_nan(b.p));
	CHECK_CONTAINS(b.p, "aria-label=\"A&amp;E &lt;4h&gt;: latest 72.3%, up from 70.1%\"");
	CHECK_CONTAINS(b.p, "role=\"img\"");
	CHECK_INT(count(b.p, "class=\"app-spark-last\""), 1);
	/* The last point sits at the right end of the line. */
	p = strstr(b.p, "class=\"app-spark-last\"");
	CHECK(p && attr_of(p, "cx", d, sizeof d) && strcmp(d, "77") == 0);
	p = strstr(b.p, "class=\"app-spark-line\"");
	CHECK(p && attr_of(p, "d", d, sizeof d) && count(d, "M") == 2);
	cu_buf_reset(&b);

	v[5] = 65;
	html_init_fragment(&h, &b);
	CHECK_INT(chart_sparkline(&h, "x", v, 6, NULL, 0, NULL), 0);
	CHECK_CONTAINS(b.p, "aria-label=\"x: latest 65, down from 70\"");
	cu_buf_reset(&b);

	/* Equal values and no values: nothing divides by zero. */
	{
		double same[3] = { 4, 4, 4 }, none[2] = { NAN, NAN };

		html_init_fragment(&h, &b);
		CHECK_INT(chart_sparkline(&h, "s", same, 3, NULL, -1, NULL), 0);
		CHECK(well_formed(b.p));
		CHECK(no_nan(b.p));
		CHECK_CONTAINS(b.p, "latest 4, no change from 4");
		cu_buf_reset(&b);
		html_init_fragment(&h, &b);
		CHECK_INT(chart_sparkline(&h, "s", none, 2, NULL, -1, NULL), 0);
		CHECK_CONTAINS(b.p, "aria-label=\"s: no data\"");
		CHECK(!strstr(b.p, "app-spark-last"));
		CHECK(well_formed(b.p));
		cu_buf_reset(&b);
		html_init_fragment(&h, &b);
		CHECK_INT(chart_sparkline(&h, "s", NULL, 0, NULL, -1, NULL), 0);
		CHECK(well_formed(b.p));
		same[1] = INFINITY;
		cu_buf_reset(&b);
		html_init_fragment(&h, &b);
		CHECK_INT(chart_sparkline(&h, "s", same, 3, NULL, -1, NULL), CU_EINVAL);
		CHECK_INT(chart_sparkline(&h, NULL, same, 1, NULL, -1, NULL), CU_EINVAL);
		CHECK_INT(b.n, 0);
	}
	cu_buf_release(&b);
}

static void icons_distinguishable_without_colour(void)
{
	static const struct {
		enum stats_variation v;
		enum stats_polarity p;
		const char *cls, *mark, *title;
	} cases[] = {
		{ STATS_VAR_COMMON, STATS_HIGHER_BETTER, "app-icon-common", "app-icon-wave",
		  "Common cause variation" },
		{ STATS_VAR_IMPROVEMENT, STATS_HIGHER_BETTER, "app-icon-improvement-high",
		  ">I</text>", "improvement, high values" },
		{ STATS_VAR_IMPROVEMENT, STATS_LOWER_BETTER, "app-icon-improvement-low", ">I</text>",
		  "improvement, low values" },
		{ STATS_VAR_CONCERN, STATS_HIGHER_BETTER, "app-icon-concern-low", ">C</text>",
		  "concern, low values" },
		{ STATS_VAR_CONCERN, STATS_LOWER_BETTER, "app-icon-concern-high", ">C</text>",
		  "concern, high values" },
		{ STATS_VAR_NEITHER_HIGH, STATS_NO_DIRECTION, "app-icon-neither-high", ">N</text>",
		  "neither improvement nor concern, high values" },
		{ STATS_VAR_NEITHER_LOW, STATS_NO_DIRECTION, "app-icon-neither-low", ">N</text>",
		  "neither improvement nor concern, low values" },
	};
	struct cu_buf b;
	struct html h;

	cu_buf_init(&b, 65536);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cu_buf_reset(&b);
		html_init_fragment(&h, &b);
		CHECK_INT(chart_icon_variation(&h, cases[i].v, cases[i].p, NULL), 0);
		CHECK(well_formed(b.p));
		CHECK_CONTAINS(b.p, cases[i].cls);
		CHECK_CONTAINS(b.p, cases[i].mark);
		CHECK_CONTAINS(b.p, cases[i].title);
		CHECK_CONTAINS(b.p, "role=\"img\"");
		CHECK_CONTAINS(b.p, "<title>");
		/* High and low differ by the arrow, not by colour. */
		if (strstr(cases[i].cls, "-high"))
			CHECK_CONTAINS(b.p, "app-icon-up");
		if (strstr(cases[i].cls, "-low"))
			CHECK_CONTAINS(b.p, "app-icon-down");
	}
	cu_buf_reset(&b);
	html_init_fragment(&h, &b);
	CHECK_INT(chart_icon_variation(&h, STATS_VAR_IMPROVEMENT, STATS_NO_DIRECTION, NULL),
		  CU_EINVAL);
	CHECK_INT(chart_icon_variation(&h, (enum stats_variation)9, STATS_HIGHER_BETTER, NULL),
		  CU_EINVAL);
	CHECK_INT(b.n, 0);

	{
		static const char *const want[] = { "app-icon-no-target", "app-icon-pass",
						    "app-icon-fail", "app-icon-hit-miss" };
		static const char *const mark[] = { "app-icon-dash", ">P</text>", ">F</text>",
						    ">?</text>" };

		for (int a = STATS_ASSURE_NONE; a <= STATS_ASSURE_HIT_MISS; a++) {
			cu_buf_reset(&b);
			html_init_fragment(&h, &b);
			CHECK_INT(chart_icon_assurance(&h, (enum stats_assurance)a, NULL), 0);
			CHECK(well_formed(b.p));
			CHECK_CONTAINS(b.p, want[a]);
			CHECK_CONTAINS(b.p, mark[a]);
			CHECK_CONTAINS(b.p, "aria-label=\"Assurance: ");
		}
		cu_buf_reset(&b);
		html_init_fragment(&h, &b);
		CHECK_INT(chart_icon_assurance(&h, (enum stats_assurance)4, NULL), CU_EINVAL);
		CHECK_INT(b.n, 0);
	}
	cu_buf_release(&b);
}

/* The checker itself must catch what it is for. */
static void checker_catches_bad_markup(void)
{
	CHECK(well_formed("<svg><g><line/></g></svg>"));
	CHECK(!well_formed("<svg><g></svg></g>"));
	CHECK(!well_formed("<svg><g></g>"));
	CHECK(!well_formed("<svg a=\"<script>\"></svg>"));
	CHECK(!well_formed("<svg>a<b</svg>"));
	CHECK(!well_formed("<svg>&foo;</svg>"));
	CHECK(!well_formed("<svg a=x></svg>"));
}

int main(void)
{
	RUN(ticks_zero_to_97_in_six);
	RUN(ticks_zero_to_97_in_four);
	RUN(ticks_use_two_and_a_half);
	RUN(ticks_negative_range);
	RUN(ticks_decimal_steps_are_exact);
	RUN(ticks_equal_values_widen);
	RUN(ticks_two_at_most);
	RUN(ticks_reject_bad_input);
	RUN(ticks_cover_random_ranges);
	RUN(numbers_are_plain_decimals);
	RUN(html_writer_unchanged_and_svg_self_closes);
	RUN(checker_catches_bad_markup);
	RUN(xmr_twelve_points_well_formed);
	RUN(xmr_escapes_injected_text);
	RUN(xmr_nan_leaves_gap);
	RUN(xmr_point_classes_follow_flags);
	RUN(xmr_limits_split_at_breaks);
	RUN(xmr_zero_points_and_equal_values);
	RUN(xmr_rejects_bad_input);
	RUN(xmr_cuts_long_labels);
	RUN(xmr_thins_labels_without_overlap);
	RUN(xmr_point_limit_and_page_cap);
	RUN(funnel_draws_classes_and_highlight);
	RUN(funnel_clips_limits_to_plot);
	RUN(funnel_empty_and_bad_input);
	RUN(ratio_three_periods_well_formed);
	RUN(ratio_positions_follow_the_frame);
	RUN(ratio_bars_clipped_to_axis);
	RUN(ratio_nan_keeps_period);
	RUN(ratio_titles_leave_out_missing_counts);
	RUN(ratio_escapes_injected_text);
	RUN(ratio_rejects_bad_input);
	RUN(ratio_point_limit_and_page_cap);
	RUN(ratio_legend_names_marks_bars_and_line);
	RUN(sparkline_marks_last_and_says_direction);
	RUN(icons_distinguishable_without_colour);
	return test_done();
}
