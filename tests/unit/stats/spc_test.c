/*
 * XmR charts (Making Data Count) against every case of
 * ../shared/data/reference/plotthedots_reference_cases.csv (inputs in plotthedots_input.csv),
 * each at the precision its source printed, plus rules worked by hand.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/spc.h"
#include "stats/stats.h"
#include "support/refcsv.h"
#include "test.h"

/*
 * The reference values were printed rounded to a number of significant figures (or decimal
 * places); a computed value matches when it rounds to the printed one. TEXT is the printed
 * value itself, so the precision is read from it rather than assumed.
 */
static int matches_printed(double v, const char *text)
{
	const char *dot = strchr(text, '.');
	int decimals = dot ? (int)strlen(dot + 1) : 0;
	double printed = strtod(text, NULL), half = 0.5 * pow(10, -decimals);

	return fabs(v - printed) <= half * (1 + 1e-9);
}

#define CHECK_PRINTED(v, text) \
	do { if (!matches_printed((v), (text))) \
		test_fail(__FILE__, __LINE__, "%s == %.9g, expected %s as printed", #v, (double)(v), \
			  (text)); } while (0)

/* The 20 points of plotthedots_input.csv: columns y, y_case2 and facet. */
static void load_input(double *y, double *y2, int *facet, size_t *n)
{
	struct refcsv in;

	*n = 0;
	if (refcsv_load(&in, test_data_path("reference/plotthedots_input.csv")) != 0) {
		CHECK(!"plotthedots_input.csv loads");
		return;
	}
	for (size_t r = 0; r < in.nrow && r < 20; r++) {
		y[r] = strtod(refcsv_get(&in, r, "y"), NULL);
		y2[r] = strtod(refcsv_get(&in, r, "y_case2"), NULL);
		facet[r] = atoi(refcsv_get(&in, r, "facet"));
	}
	*n = in.nrow;
	refcsv_free(&in);
}

/* Run one chart and check mean and limits against the table's row ID. */
static void check_case(const struct refcsv *t, const char *id, const double *x, size_t n,
		       int screen, unsigned char *flags)
{
	struct stats_xmr_opts o;
	struct stats_xmr_segment seg;
	struct stats_xmr_result res;
	size_t r;

	for (r = 0; r < t->nrow; r++)
		if (strcmp(refcsv_get(t, r, "case_id"), id) == 0)
			break;
	if (r == t->nrow) {
		test_fail(__FILE__, __LINE__, "reference case %s missing", id);
		return;
	}
	stats_xmr_defaults(&o);
	o.screen = screen;
	o.polarity = STATS_HIGHER_BETTER; /* Plot the Dots' default improvement direction */
	CHECK_INT(stats_xmr(x, n, &o, &seg, 1, flags, &res), STATS_OK);
	CHECK_PRINTED(seg.mean, refcsv_get(t, r, "expected_mean"));
	CHECK_PRINTED(seg.lcl, refcsv_get(t, r, "expected_lpl"));
	CHECK_PRINTED(seg.ucl, refcsv_get(t, r, "expected_upl"));
}

static int count_flagged(const unsigned char *flags, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += (flags[i] & STATS_XMR_RULES) != 0;
	return c;
}

static void xmr_matches_plot_the_dots_cases(void)
{
	struct refcsv t;
	double y[20], y2[20], dev[18] = {1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1};
	int facet[20];
	size_t n, cases = 0;
	unsigned char f[20];

	load_input(y, y2, facet, &n);
	CHECK_INT(n, 20);
	if (n != 20 || refcsv_load(&t, test_data_path("reference/plotthedots_reference_cases.csv")))
		return;
	/* The first ten points are facet 0, the last ten facet 1 (the table's "facet" rows). */
	for (size_t i = 0; i < 20; i++)
		CHECK_INT(facet[i], i >= 10);

	check_case(&t, "ptd_std_r1", y, 20, 1, f), cases++;
	CHECK_INT(count_flagged(f, 20), 0); /* "all 20 common_cause" */
	check_case(&t, "ptd_std_r2", y2, 20, 1, f), cases++;
	check_case(&t, "ptd_std_r3", y2, 20, 0, f), cases++;
	check_case(&t, "ptd_facet0", y, 10, 1, f), cases++;
	CHECK_INT(count_flagged(f, 10), 0);
	check_case(&t, "ptd_facet1", y + 10, 10, 1, f), cases++;
	CHECK_INT(count_flagged(f, 10), 0);
	/* The deviations vignette: only point 5 (value 10) is special cause, an improvement. */
	for (int screen = 1; screen >= 0; screen--) {
		unsigned char g[18];

		check_case(&t, screen ? "ptd_dev_screened" : "ptd_dev_excel", dev, 18, screen, g);
		cases++;
		CHECK_INT(count_flagged(g, 18), 1);
		CHECK(g[4] & STATS_XMR_OUTSIDE);
		CHECK_INT(stats_xmr_variation(g[4], STATS_HIGHER_BETTER), STATS_VAR_IMPROVEMENT);
	}
	CHECK_INT(cases, t.nrow); /* every row of the table */
	refcsv_free(&t);
}

/*
 * Screening worked by hand on the vignette series 1,2,1,2,10,1,2,...,1 (18 points): mean =
 * 35/18 = 1.9444. Moving ranges: fifteen of 1, and 8 and 9 around the 10, so amR = 32/17 =
 * 1.88235; the cut 3.267 x 1.88235 = 6.1496 drops 8 and 9, leaving amR = 15/15 = 1. Limits
 * screened: 1.9444 -/+ 2.66 = -0.7156, 4.6044; unscreened 1.9444 -/+ 5.00706 = -3.0626, 6.9515.
 */
static void screening_by_hand(void)
{
	double x[18] = {1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1};
	struct stats_xmr_opts o;
	struct stats_xmr_segment s;
	unsigned char f[18];

	stats_xmr_defaults(&o);
	CHECK_INT(stats_xmr(x, 18, &o, &s, 1, f, NULL), STATS_OK);
	CHECK_NEAR(s.mean, 35.0 / 18, 1e-12);
	CHECK_NEAR(s.amr, 1, 1e-12);
	CHECK_INT(s.mr_dropped, 2);
	CHECK_NEAR(s.lcl, 35.0 / 18 - 2.66, 1e-12);
	CHECK_NEAR(s.ucl, 35.0 / 18 + 2.66, 1e-12);
	o.screen = 0;
	CHECK_INT(stats_xmr(x, 18, &o, &s, 1, f, NULL), STATS_OK);
	CHECK_NEAR(s.amr, 32.0 / 17, 1e-12);
	CHECK_INT(s.mr_dropped, 0);
	CHECK_NEAR(s.ucl, 35.0 / 18 + 2.66 * 32 / 17, 1e-12);
}

/*
 * Shift by hand: 0,1,0,1,0,1,0 then 2,3,2,3,2,3,2. Mean = 20/14 = 1.43, so the first seven are
 * all below it and the last seven all above: two runs of exactly 7. Moving ranges: six 1s, a 2,
 * six 1s: amR = 14/13 = 1.077 (none screened, cut 3.52); limits -1.44, 4.29 hold every point;
 * 2-sigma lines -0.48, 3.34 hold every point; no three steps share a direction. Only the shift
 * fires, low for the first run, high for the second; with a run length of 8 nothing fires.
 */
static void shift_by_hand(void)
{
	double x[14] = {0, 1, 0, 1, 0, 1, 0, 2, 3, 2, 3, 2, 3, 2};
	struct stats_xmr_opts o;
	struct stats_xmr_segment s;
	struct stats_xmr_result res;
	unsigned char f[14];

	stats_xmr_defaults(&o);
	o.polarity = STATS_HIGHER_BETTER;
	CHECK_INT(stats_xmr(x, 14, &o, &s, 1, f, &res), STATS_OK);
	CHECK_NEAR(s.amr, 14.0 / 13, 1e-12);
	for (int i = 0; i < 14; i++)
		CHECK_INT(f[i], STATS_XMR_SHIFT | (i < 7 ? STATS_XMR_LOW : STATS_XMR_HIGH));
	CHECK_INT(res.variation, STATS_VAR_IMPROVEMENT);
	o.polarity = STATS_LOWER_BETTER;
	CHECK_INT(stats_xmr(x, 14, &o, &s, 1, f, &res), STATS_OK);
	CHECK_INT(res.variation, STATS_VAR_CONCERN);
	o.shift_run = 8;
	CHECK_INT(stats_xmr(x, 14, &o, &s, 1, f, &res), STATS_OK);
	CHECK_INT(count_flagged(f, 14), 0);
	CHECK_INT(res.variation, STATS_VAR_COMMON);
	/* A point exactly on the mean ends a run: 1,3 around mean 2 with the 2 in the middle. */
	double y[9] = {3, 3, 3, 3, 2, 1, 1, 1, 1};
	o.shift_run = 4;
	CHECK_INT(stats_xmr(y, 9, &o, &s, 1, f, &res), STATS_OK);
	CHECK_NEAR(s.mean, 2, 1e-12);
	CHECK_INT(f[4] & STATS_XMR_SHIFT, 0);
	CHECK(f[3] & STATS_XMR_SHIFT);
	CHECK(f[5] & STATS_XMR_SHIFT);
}

/*
 * Trend by hand: 4,3,4,1,2,3,4,5,6,7,4,3,4. Points 3..9 (1 to 7) rise six steps in a row: a
 * trend of 7. Mean = 50/13 = 3.846; the longest one-sided run is 4,5,6,7,4 (5 points), no
 * shift. Moving ranges sum to 16 over 12: amR = 1.333, limits 0.299, 7.393 hold every point.
 * 2-sigma lines 1.48, 6.21: only the 1 (low) and the 7 (high) are beyond, never two on one
 * side in a window. So exactly points 3..9 are flagged, as rising. With a trend of 8 nothing
 * fires; with a trend of 6 the same seven points do.
 */
static void trend_by_hand(void)
{
	double x[13] = {4, 3, 4, 1, 2, 3, 4, 5, 6, 7, 4, 3, 4};
	struct stats_xmr_opts o;
	struct stats_xmr_segment s;
	unsigned char f[13];

	stats_xmr_defaults(&o);
	for (int run = 6; run <= 8; run++) {
		o.trend_run = run;
		CHECK_INT(stats_xmr(x, 13, &o, &s, 1, f, NULL), STATS_OK);
		for (int i = 0; i < 13; i++)
			CHECK_INT(f[i], run <= 7 && i >= 3 && i <= 9 ?
					STATS_XMR_TREND | STATS_XMR_HIGH : 0);
	}
	/* Equal neighbours break a trend: in 1,2,3,3,4,5,6,2,1 with a trend of 4 (three rising
	 * steps) only 3,4,5,6 qualify; 1,2,3 rise two steps before the repeated 3. */
	double y[9] = {1, 2, 3, 3, 4, 5, 6, 2, 1};
	o.trend_run = 4;
	CHECK_INT(stats_xmr(y, 9, &o, &s, 1, f, NULL), STATS_OK);
	for (int i = 0; i < 9; i++)
		CHECK_INT(f[i] & STATS_XMR_TREND, i >= 3 && i <= 6 ? STATS_XMR_TREND : 0);
}

/*
 * Two of three by hand. (0,1) ten times, then 4,0,4,1,0: 25 points, sum 19, mean 0.76. Moving
 * ranges: nineteen 1s then 3,4,4,3,1: 34/24, amR = 1.41667 (cut 4.63: none screened). Upper
 * limit 0.76 + 2.66 x 1.41667 = 4.528; upper 2-sigma line 0.76 + (2/3) 2.66 x 1.41667 = 3.272.
 * Points 20 and 22 (the 4s) lie between them, two of the three points 20..22: both flagged,
 * point 21 (0) not. In the "close" variant the window also needs all three above the mean, and
 * point 21 is below: nothing fires. Changing point 21 to 1 (mean 0.8, amR 32/24, line 3.164,
 * limit 4.347) puts the window all above the mean and both variants flag 20 and 22.
 */
static void two_of_three_by_hand(void)
{
	double x[25];
	struct stats_xmr_opts o;
	struct stats_xmr_segment s;
	unsigned char f[25];

	for (int i = 0; i < 20; i++)
		x[i] = i % 2;
	x[20] = 4, x[21] = 0, x[22] = 4, x[23] = 1, x[24] = 0;
	stats_xmr_defaults(&o);
	CHECK_INT(stats_xmr(x, 25, &o, &s, 1, f, NULL), STATS_OK);
	CHECK_NEAR(s.ucl, 0.76 + 2.66 * 34 / 24, 1e-12);
	for (int i = 0; i < 25; i++)
		CHECK_INT(f[i], i == 20 || i == 22 ? STATS_XMR_TWO3 | STATS_XMR_HIGH : 0);
	o.two3 = STATS_TWO3_CLOSE;
	CHECK_INT(stats_xmr(x, 25, &o, &s, 1, f, NULL), STATS_OK);
	CHECK_INT(count_flagged(f, 25), 0);
	x[21] = 1;
	for (int mode = STATS_TWO3_BEYOND; mode <= STATS_TWO3_CLOSE; mode++) {
		o.two3 = (enum stats_two3)mode;
		CHECK_INT(stats_xmr(x, 25, &o, &s, 1, f, NULL), STATS_OK);
		CHECK_NEAR(s.amr, 32.0 / 24, 1e-12);
		for (int i = 0; i < 25; i++)
			CHECK_INT(f[i], i == 20 || i == 22 ? STATS_XMR_TWO3 | STATS_XMR_HIGH : 0);
	}
	/* The "close" variant leaves out points beyond the limits: with 9s instead of 4s
	 * (amR 44/24 = 1.833, limit 0.76 + 4.877... both 9s are outside), two of three does not
	 * fire but outside does; the default variant flags both rules. */
	x[20] = 9, x[21] = 0, x[22] = 9, x[23] = 1, x[24] = 0;
	o.two3 = STATS_TWO3_CLOSE;
	CHECK_INT(stats_xmr(x, 25, &o, &s, 1, f, NULL), STATS_OK);
	CHECK(s.ucl < 9);
	CHECK_INT(f[20], STATS_XMR_OUTSIDE | STATS_XMR_HIGH);
	o.two3 = STATS_TWO3_BEYOND;
	CHECK_INT(stats_xmr(x, 25, &o, &s, 1, f, NULL), STATS_OK);
	CHECK_INT(f[20], STATS_XMR_OUTSIDE | STATS_XMR_TWO3 | STATS_XMR_HIGH);
}

/*
 * Rebasing: 0,2 repeated five times then 10,12 five times, broken at point 10. Each segment
 * has its own mean (1, then 11) and amR 2 (all moving ranges 2; the jump of 8 is not a moving
 * range of either segment), limits 1 -/+ 5.32 and 11 -/+ 5.32, and nothing fires. Unbroken,
 * the jump from 2 to 10 sits in the data: the mean is 6 and all ten last points form a shift.
 */
static void rebasing_by_hand(void)
{
	double x[20];
	size_t br[1] = {10};
	struct stats_xmr_opts o;
	struct stats_xmr_segment s[2];
	struct stats_xmr_result res;
	unsigned char f[20];

	for (int i = 0; i < 20; i++)
		x[i] = (i < 10 ? 0 : 10) + 2 * (i % 2);
	stats_xmr_defaults(&o);
	o.breaks = br, o.nbreaks = 1;
	CHECK_INT(stats_xmr(x, 20, &o, s, 2, f, &res), STATS_OK);
	CHECK_INT(res.nseg, 2);
	CHECK_INT(s[0].start, 0);
	CHECK_INT(s[0].len, 10);
	CHECK_INT(s[1].start, 10);
	CHECK_INT(s[1].len, 10);
	CHECK_NEAR(s[0].mean, 1, 1e-12);
	CHECK_NEAR(s[1].mean, 11, 1e-12);
	CHECK_NEAR(s[0].amr, 2, 1e-12);
	CHECK_NEAR(s[1].amr, 2, 1e-12);
	CHECK_NEAR(s[1].lcl, 11 - 5.32, 1e-12);
	CHECK_NEAR(s[1].ucl, 11 + 5.32, 1e-12);
	CHECK_INT(count_flagged(f, 20), 0);
	o.nbreaks = 0;
	CHECK_INT(stats_xmr(x, 20, &o, s, 2, f, &res), STATS_OK);
	CHECK_NEAR(s[0].mean, 6, 1e-12);
	for (int i = 10; i < 20; i++)
		CHECK(f[i] & STATS_XMR_SHIFT);
}

/*
 * A fixed baseline: the first 12 points alternate 10,12 (mean 11, amR 2, limits 5.68..16.32);
 * then 8 points at 17 follow. Fixed on the first 12, all 8 are outside and shift high. With
 * the whole series as baseline and no screening, the mean moves to 268/20 = 13.4 and amR to
 * (11 x 2 + 5) / 19 = 1.421, limits 9.62..17.18, and nothing is outside. (Screening would drop
 * the jump of 5, leave amR = 22/18 = 1.222 and limits 10.15..16.65: the 10s and 17s outside.)
 * With a break at 12 and a baseline of 4 at once, the second segment (8 x 17) has amR 0: its
 * limits collapse onto 17 and no point differs from them.
 */
static void baseline_by_hand(void)
{
	double x[20];
	size_t br[1] = {12};
	struct stats_xmr_opts o;
	struct stats_xmr_segment s[2];
	unsigned char f[20];

	for (int i = 0; i < 20; i++)
		x[i] = i < 12 ? 10 + 2 * (i % 2) : 17;
	stats_xmr_defaults(&o);
	o.baseline = 12;
	CHECK_INT(stats_xmr(x, 20, &o, s, 1, f, NULL), STATS_OK);
	CHECK_NEAR(s[0].mean, 11, 1e-12);
	CHECK_NEAR(s[0].ucl, 11 + 5.32, 1e-12);
	for (int i = 12; i < 20; i++)
		CHECK_INT(f[i] & (STATS_XMR_OUTSIDE | STATS_XMR_SHIFT | STATS_XMR_HIGH),
			  STATS_XMR_OUTSIDE | STATS_XMR_SHIFT | STATS_XMR_HIGH);
	o.baseline = 0, o.screen = 0;
	CHECK_INT(stats_xmr(x, 20, &o, s, 1, f, NULL), STATS_OK);
	CHECK_NEAR(s[0].mean, 13.4, 1e-12);
	CHECK_NEAR(s[0].amr, 27.0 / 19, 1e-12);
	for (int i = 0; i < 20; i++)
		CHECK_INT(f[i] & STATS_XMR_OUTSIDE, 0);
	o.screen = 1;
	CHECK_INT(stats_xmr(x, 20, &o, s, 1, f, NULL), STATS_OK);
	CHECK_NEAR(s[0].amr, 22.0 / 18, 1e-12);
	for (int i = 0; i < 20; i++)
		CHECK_INT(f[i] & STATS_XMR_OUTSIDE, i >= 12 || i % 2 == 0 ? STATS_XMR_OUTSIDE : 0);
	o.baseline = 4, o.breaks = br, o.nbreaks = 1;
	CHECK_INT(stats_xmr(x, 20, &o, s, 2, f, NULL), STATS_OK);
	CHECK_NEAR(s[0].mean, 11, 1e-12); /* 10,12,10,12 */
	CHECK_NEAR(s[1].mean, 17, 1e-12);
	CHECK_NEAR(s[1].amr, 0, 0);
	CHECK_NEAR(s[1].lcl, 17, 0);
	CHECK_NEAR(s[1].ucl, 17, 0);
	for (int i = 12; i < 20; i++)
		CHECK_INT(f[i], 0);
}

/*
 * Identical values: amR = 0, limits on the mean, no NaN anywhere (screening has nothing to
 * compare with and is skipped), no rule fires because no point differs from the mean.
 */
static void identical_values(void)
{
	double x[10] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
	struct stats_xmr_opts o;
	struct stats_xmr_segment s;
	unsigned char f[10];

	stats_xmr_defaults(&o);
	CHECK_INT(stats_xmr(x, 10, &o, &s, 1, f, NULL), STATS_OK);
	CHECK_NEAR(s.mean, 5, 0);
	CHECK_NEAR(s.amr, 0, 0);
	CHECK(!isnan(s.lcl) && s.lcl == 5 && s.ucl == 5);
	CHECK_INT(count_flagged(f, 10), 0);
}

/* The verdicts, every combination. */
static void verdicts(void)
{
	unsigned hi = STATS_XMR_SHIFT | STATS_XMR_HIGH, lo = STATS_XMR_OUTSIDE | STATS_XMR_LOW;

	CHECK_INT(stats_xmr_variation(0, STATS_HIGHER_BETTER), STATS_VAR_COMMON);
	/* Direction bits alone (no rule) are not a special cause. */
	CHECK_INT(stats_xmr_variation(STATS_XMR_HIGH, STATS_HIGHER_BETTER), STATS_VAR_COMMON);
	CHECK_INT(stats_xmr_variation(hi, STATS_HIGHER_BETTER), STATS_VAR_IMPROVEMENT);
	CHECK_INT(stats_xmr_variation(hi, STATS_LOWER_BETTER), STATS_VAR_CONCERN);
	CHECK_INT(stats_xmr_variation(lo, STATS_HIGHER_BETTER), STATS_VAR_CONCERN);
	CHECK_INT(stats_xmr_variation(lo, STATS_LOWER_BETTER), STATS_VAR_IMPROVEMENT);
	CHECK_INT(stats_xmr_variation(hi, STATS_NO_DIRECTION), STATS_VAR_NEITHER_HIGH);
	CHECK_INT(stats_xmr_variation(lo, STATS_NO_DIRECTION), STATS_VAR_NEITHER_LOW);
	/* A conflict (a falling trend that ends above the mean): improvement wins either way. */
	CHECK_INT(stats_xmr_variation(hi | lo, STATS_HIGHER_BETTER), STATS_VAR_IMPROVEMENT);
	CHECK_INT(stats_xmr_variation(hi | lo, STATS_LOWER_BETTER), STATS_VAR_IMPROVEMENT);

	/* Assurance: limits 80..90. */
	CHECK_INT(stats_xmr_assurance(80, 90, 75, STATS_HIGHER_BETTER), STATS_ASSURE_PASS);
	CHECK_INT(stats_xmr_assurance(80, 90, 95, STATS_HIGHER_BETTER), STATS_ASSURE_FAIL);
	CHECK_INT(stats_xmr_assurance(80, 90, 85, STATS_HIGHER_BETTER), STATS_ASSURE_HIT_MISS);
	CHECK_INT(stats_xmr_assurance(80, 90, 80, STATS_HIGHER_BETTER), STATS_ASSURE_HIT_MISS);
	CHECK_INT(stats_xmr_assurance(80, 90, 75, STATS_LOWER_BETTER), STATS_ASSURE_FAIL);
	CHECK_INT(stats_xmr_assurance(80, 90, 95, STATS_LOWER_BETTER), STATS_ASSURE_PASS);
	CHECK_INT(stats_xmr_assurance(80, 90, 85, STATS_LOWER_BETTER), STATS_ASSURE_HIT_MISS);
	CHECK_INT(stats_xmr_assurance(80, 90, NAN, STATS_HIGHER_BETTER), STATS_ASSURE_NONE);
	CHECK_INT(stats_xmr_assurance(80, 90, 75, STATS_NO_DIRECTION), STATS_ASSURE_NONE);
	CHECK_STR(stats_variation_name(STATS_VAR_CONCERN), "concern");
	CHECK_STR(stats_assurance_name(STATS_ASSURE_HIT_MISS), "hit_and_miss");
}

/* The chart's verdicts come from its last point and last segment. */
static void chart_verdicts(void)
{
	double x[14] = {0, 1, 0, 1, 0, 1, 0, 2, 3, 2, 3, 2, 3, 2};
	struct stats_xmr_opts o;
	struct stats_xmr_segment s;
	struct stats_xmr_result res;
	unsigned char f[14];

	stats_xmr_defaults(&o);
	o.polarity = STATS_HIGHER_BETTER;
	o.target = -2; /* below the lower limit, -1.44: the process always passes */
	CHECK_INT(stats_xmr(x, 14, &o, &s, 1, f, &res), STATS_OK);
	CHECK_INT(res.assurance, STATS_ASSURE_PASS);
	o.target = 2;
	CHECK_INT(stats_xmr(x, 14, &o, &s, 1, f, &res), STATS_OK);
	CHECK_INT(res.assurance, STATS_ASSURE_HIT_MISS);
	o.target = 5; /* above 4.29 */
	CHECK_INT(stats_xmr(x, 14, &o, &s, 1, f, &res), STATS_OK);
	CHECK_INT(res.assurance, STATS_ASSURE_FAIL);
}

static void bad_input(void)
{
	double x[6] = {1, 2, 3, 4, 5, 6};
	struct stats_xmr_opts o;
	struct stats_xmr_segment s[3];
	unsigned char f[6];
	size_t br[2];

	stats_xmr_defaults(&o);
	CHECK_INT(stats_xmr(x, 0, &o, s, 1, f, NULL), STATS_EDOM);
	CHECK_INT(stats_xmr(x, 1, &o, s, 1, f, NULL), STATS_EDOM);
	x[3] = NAN;
	CHECK_INT(stats_xmr(x, 6, &o, s, 1, f, NULL), STATS_EDOM);
	x[3] = INFINITY;
	CHECK_INT(stats_xmr(x, 6, &o, s, 1, f, NULL), STATS_EDOM);
	x[3] = 4;
	o.breaks = br, o.nbreaks = 2;
	br[0] = 4, br[1] = 2; /* out of order */
	CHECK_INT(stats_xmr(x, 6, &o, s, 3, f, NULL), STATS_ERANGE);
	br[0] = 2, br[1] = 2; /* repeated */
	CHECK_INT(stats_xmr(x, 6, &o, s, 3, f, NULL), STATS_ERANGE);
	br[0] = 2, br[1] = 6; /* past the end */
	CHECK_INT(stats_xmr(x, 6, &o, s, 3, f, NULL), STATS_ERANGE);
	br[0] = 0, br[1] = 3; /* a break at the first point */
	CHECK_INT(stats_xmr(x, 6, &o, s, 3, f, NULL), STATS_ERANGE);
	br[0] = 2, br[1] = 5; /* last segment of one point */
	CHECK_INT(stats_xmr(x, 6, &o, s, 3, f, NULL), STATS_EDOM);
	br[0] = 2, br[1] = 4;
	CHECK_INT(stats_xmr(x, 6, &o, s, 2, f, NULL), STATS_ENOMEM);
	CHECK_INT(stats_xmr(x, 6, &o, s, 3, f, NULL), STATS_OK);
	o.nbreaks = 0;
	o.baseline = 1;
	CHECK_INT(stats_xmr(x, 6, &o, s, 1, f, NULL), STATS_ERANGE);
	o.baseline = 0, o.shift_run = 1;
	CHECK_INT(stats_xmr(x, 6, &o, s, 1, f, NULL), STATS_ERANGE);
	o.shift_run = 7, o.trend_run = 0;
	CHECK_INT(stats_xmr(x, 6, &o, s, 1, f, NULL), STATS_ERANGE);
	o.trend_run = 7, o.polarity = 5;
	CHECK_INT(stats_xmr(x, 6, &o, s, 1, f, NULL), STATS_ERANGE);
	o.polarity = STATS_HIGHER_BETTER, o.target = INFINITY;
	CHECK_INT(stats_xmr(x, 6, &o, s, 1, f, NULL), STATS_ERANGE);
	o.target = NAN, o.two3 = 7;
	CHECK_INT(stats_xmr(x, 6, &o, s, 1, f, NULL), STATS_ERANGE);
}

/*
 * The rules against limits that follow each point (stats_spc_rules), worked by hand. Centre
 * 0.1; each point's limits are 0.1 -/+ 3 sigma (the lower cut at 0) and its 2-sigma lines
 * 0.1 -/+ 2 sigma:
 *   i  value  sigma  limits        2-sigma lines  finding
 *   0  0.10   0.02   0.04..0.16    0.06..0.14     on the centre line
 *   1  0.17   0.02   0.04..0.16    0.06..0.14     above its limit: outside, high
 *   2  0.05   0.05   0..0.25       0..0.20        inside both
 *   3  0.17   0.05   0..0.25       0..0.20        the same value as point 1, but inside
 *   4  0.17   0.03   0.01..0.19    0.04..0.16     beyond the upper 2-sigma line
 *   5  0.165  0.03   0.01..0.19    0.04..0.16     beyond it too: with 4, two of three (3..5)
 *   6  0.10   0.03   0.01..0.19    0.04..0.16     on the centre line
 * Points 1 and 4 show the limits are each point's own: one value, two findings. The longest
 * run on one side is 3 (points 3..5) and the longest rise 1 step, so no shift or trend. Under
 * STATS_TWO3_CLOSE (only points between the 2-sigma line and the limit, all three of the
 * window on one side) the window 3..5 still qualifies: 4 and 5 again.
 */
static void rules_with_limits_per_point(void)
{
	static const double x[] = { 0.10, 0.17, 0.05, 0.17, 0.17, 0.165, 0.10 };
	static const double sg[] = { 0.02, 0.02, 0.05, 0.05, 0.03, 0.03, 0.03 };
	double lo[7], hi[7];
	unsigned char f[7];
	struct stats_xmr_opts o;
	struct stats_xmr_result r;

	for (int i = 0; i < 7; i++) {
		lo[i] = 0.1 - 3 * sg[i] > 0 ? 0.1 - 3 * sg[i] : 0;
		hi[i] = 0.1 + 3 * sg[i];
	}
	stats_xmr_defaults(&o);
	o.polarity = STATS_LOWER_BETTER;
	o.target = 0.12;
	for (int mode = 0; mode < 2; mode++) {
		o.two3 = mode ? STATS_TWO3_CLOSE : STATS_TWO3_BEYOND;
		CHECK_INT(stats_spc_rules(x, 7, 0.1, lo, hi, sg, &o, f, &r), STATS_OK);
		CHECK_INT(f[0], 0);
		CHECK_INT(f[1], STATS_XMR_OUTSIDE | STATS_XMR_HIGH);
		CHECK_INT(f[2], 0);
		CHECK_INT(f[3], 0);
		CHECK_INT(f[4], STATS_XMR_TWO3 | STATS_XMR_HIGH);
		CHECK_INT(f[5], STATS_XMR_TWO3 | STATS_XMR_HIGH);
		CHECK_INT(f[6], 0);
		/* The last point: no rule; its limits 0.01..0.19 straddle the target 0.12. */
		CHECK_INT(r.variation, STATS_VAR_COMMON);
		CHECK_INT(r.assurance, STATS_ASSURE_HIT_MISS);
	}
}

/* Seven points below the centre, lower is better: a shift, an improvement; limits all below
 * a target of 0.5 (0.3 + 3 x 0.05 = 0.45): consistently passing. */
static void rules_per_point_verdicts_and_errors(void)
{
	static const double x[] = { 0.2, 0.25, 0.2, 0.28, 0.22, 0.2, 0.21 };
	double lo[7], hi[7], sg[7];
	unsigned char f[7];
	struct stats_xmr_opts o;
	struct stats_xmr_result r;

	for (int i = 0; i < 7; i++) {
		sg[i] = 0.05;
		lo[i] = 0.15;
		hi[i] = 0.45;
	}
	stats_xmr_defaults(&o);
	o.polarity = STATS_LOWER_BETTER;
	o.target = 0.5;
	CHECK_INT(stats_spc_rules(x, 7, 0.3, lo, hi, sg, &o, f, &r), STATS_OK);
	for (int i = 0; i < 7; i++)
		CHECK_INT(f[i] & (STATS_XMR_SHIFT | STATS_XMR_LOW), STATS_XMR_SHIFT | STATS_XMR_LOW);
	CHECK_INT(r.variation, STATS_VAR_IMPROVEMENT);
	CHECK_INT(r.assurance, STATS_ASSURE_PASS);
	/* Errors: nothing to chart, a negative sigma, limits the wrong way round, a bad run. */
	CHECK_INT(stats_spc_rules(x, 0, 0.3, lo, hi, sg, &o, f, &r), STATS_EDOM);
	sg[3] = -0.01;
	CHECK_INT(stats_spc_rules(x, 7, 0.3, lo, hi, sg, &o, f, &r), STATS_EDOM);
	sg[3] = 0.05;
	lo[2] = 0.5;
	CHECK_INT(stats_spc_rules(x, 7, 0.3, lo, hi, sg, &o, f, &r), STATS_EDOM);
	lo[2] = 0.15;
	hi[6] = NAN;
	CHECK_INT(stats_spc_rules(x, 7, 0.3, lo, hi, sg, &o, f, &r), STATS_EDOM);
	hi[6] = 0.45;
	o.shift_run = 1;
	CHECK_INT(stats_spc_rules(x, 7, 0.3, lo, hi, sg, &o, f, &r), STATS_ERANGE);
}

int main(void)
{
	stats_init();
	RUN(xmr_matches_plot_the_dots_cases);
	RUN(screening_by_hand);
	RUN(shift_by_hand);
	RUN(trend_by_hand);
	RUN(two_of_three_by_hand);
	RUN(rebasing_by_hand);
	RUN(baseline_by_hand);
	RUN(identical_values);
	RUN(verdicts);
	RUN(chart_verdicts);
	RUN(bad_input);
	RUN(rules_with_limits_per_point);
	RUN(rules_per_point_verdicts_and_errors);
	return test_done();
}
