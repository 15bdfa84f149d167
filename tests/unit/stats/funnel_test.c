/*
 * Funnel-plot limits, classification and overdispersion against every row of the published
 * reference tables:
 *  - PHEindicatormethods (../shared/data/reference/pheindicatormethods), both generations of
 *    its test data (test_funnel_* and testdata_funnel_*): proportion limits with and without
 *    axis variation, ratio (count and ISR) and rate (DSR, crude, crude with zero events)
 *    funnels, the funnel points of rates, and the significance of every unit;
 *  - FunnelPlotR (reference/funnelplotr_reference_cases.csv): exact Poisson limits, the SHMI
 *    overdispersion ratio, aggregation, outlier vectors and the medpar worked example,
 *    rebuilt here from the raw data (../shared/data/medpar/medpar.csv) with a Poisson GLM.
 *
 * Tolerances. The tables print rounded decimals, so a value is checked to half a unit in the
 * last printed digit of its cell (check_printed), plus, where the publisher's own method is
 * approximate, a bound on that approximation, derived where it is used. Hand-worked cases
 * give their arithmetic and a tolerance of their own.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/ci.h"
#include "stats/funnel.h"
#include "stats/stats.h"
#include "support/refcsv.h"
#include "test.h"

#define PHE "reference/pheindicatormethods/"
#define MAXROWS 2000

static int loaded(struct refcsv *t, const char *rel)
{
	if (refcsv_load(t, test_data_path(rel)) == 0)
		return 1;
	CHECK(!"reference table loads");
	return 0;
}

/*
 * Cells by position: the two generations of PHE's tables name the same columns differently,
 * and one header (testdata_funnel_ratio_outputs.csv) has a line break inside a quoted name.
 */
static const char *cell(const struct refcsv *t, size_t r, size_t c)
{
	return c < t->ncol ? t->rows[r][c] : "";
}

static double num(const struct refcsv *t, size_t r, size_t c)
{
	const char *s = cell(t, r, c);
	char *end;
	double v;

	if (!*s || strcmp(s, "NA") == 0)
		return NAN;
	v = strtod(s, &end);
	return *end ? NAN : v;
}

/* Half a unit in the last digit S prints: the rounding error of a published decimal. */
static double half_ulp(const char *s)
{
	const char *dot = strchr(s, '.');
	int d = 0;

	if (dot)
		for (const char *p = dot + 1; *p >= '0' && *p <= '9'; p++)
			d++;
	return 0.5 * pow(10, -d);
}

/*
 * GOT against the printed cell S: |GOT - S| <= half_ulp(S) + EXTRA (EXTRA: the error the
 * publisher's method may carry), with 1e-12 relative slack for the binary-decimal step.
 */
#define CHECK_PRINTED(got, s, extra) check_printed(__FILE__, __LINE__, #got, (got), (s), (extra))
static void check_printed(const char *file, int line, const char *what, double got, const char *s,
			  double extra)
{
	char *end;
	double want = strtod(s, &end), tol;

	if (!*s || *end) {
		test_fail(file, line, "%s: cell \"%s\" is not a number", what, s);
		return;
	}
	tol = half_ulp(s) + extra + 1e-12 * fabs(want);
	if (!(fabs(got - want) <= tol))
		test_fail(file, line, "%s == %.12g, published %s (tol %.3g)", what, got, s, tol);
}

/* PHE's significance labels as stats_funnel_class; 9 for "not applicable", -9 unknown. */
static int phe_class(const char *s)
{
	static const struct {
		const char *label;
		int cls;
	} map[] = {
		{"High (0.001)", STATS_FUNNEL_HIGH_OUTER},
		{"High (0.025)", STATS_FUNNEL_HIGH_INNER},
		{"Not significant", STATS_FUNNEL_WITHIN},
		{"Low (0.025)", STATS_FUNNEL_LOW_INNER},
		{"Low (0.001)", STATS_FUNNEL_LOW_OUTER},
		{"Not applicable for events less than 10 for dsrs", 9},
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(s, map[i].label) == 0)
			return map[i].cls;
	return -9;
}

static const double levels2[2] = {0.95, 0.998};

/* ---- PHEindicatormethods: proportions ---------------------------------------------------- */

/*
 * calculate_funnel_limits(statistic = "proportion", multiplier = 100): baseline, the 100
 * axis points and Wilson limits at 95% and 99.8%, in per cent and clipped to [0, 100].
 * Columns by position: Population, lower 95, upper 95, lower 99.8, upper 99.8, baseline.
 * The default chart uses every input row; "axis variation" keeps denominators < 31000,
 * which moves the axis off zero (max <= 2 min). Tolerance: printed rounding only (6 dp in
 * the default tables, 8 dp with axis variation): PHE's sigma_adjustment() is closed form.
 */
static void check_prop_table(const char *in_rel, const char *out_rel, double below)
{
	struct refcsv in, out;
	double x[MAXROWS], n[MAXROWS], av, lo, hi, axis[100], dmin = INFINITY, dmax = 0;
	size_t k = 0;

	if (!loaded(&in, in_rel))
		return;
	if (!loaded(&out, out_rel)) {
		refcsv_free(&in);
		return;
	}
	for (size_t r = 0; r < in.nrow && k < MAXROWS; r++) {
		double d = refcsv_num(&in, r, "denominator");

		if (d >= below)
			continue;
		x[k] = refcsv_num(&in, r, "numerator");
		n[k] = d;
		dmin = fmin(dmin, d);
		dmax = fmax(dmax, d);
		k++;
	}
	CHECK_INT(stats_funnel_baseline(x, n, k, &av), STATS_OK);
	CHECK_INT(stats_funnel_axis_range(dmin, dmax, &lo, &hi), STATS_OK);
	CHECK_INT(stats_funnel_axis_points(lo, hi, 100, STATS_FUNNEL_AXIS_PROPORTION, axis),
		  STATS_OK);
	CHECK_INT(out.nrow, 100);
	for (size_t r = 0; r < out.nrow && r < 100; r++) {
		double pop = num(&out, r, 0);
		struct stats_funnel_limits l2, l3;

		CHECK_NEAR(axis[r], pop, 0);
		CHECK_INT(stats_funnel_prop_limits(av, pop, 0.95, STATS_FUNNEL_PROP_WILSON, &l2),
			  STATS_OK);
		CHECK_INT(stats_funnel_prop_limits(av, pop, 0.998, STATS_FUNNEL_PROP_WILSON, &l3),
			  STATS_OK);
		CHECK_PRINTED(100 * l2.lower, cell(&out, r, 1), 0);
		CHECK_PRINTED(100 * l2.upper, cell(&out, r, 2), 0);
		CHECK_PRINTED(100 * l3.lower, cell(&out, r, 3), 0);
		CHECK_PRINTED(100 * l3.upper, cell(&out, r, 4), 0);
		CHECK_PRINTED(100 * av, cell(&out, r, 5), 0);
		/* The "full" table names its method: the Wilson choice is PHE's own. */
		if (out.ncol > 7)
			CHECK_STR(cell(&out, r, 7), "Wilson");
	}
	refcsv_free(&in);
	refcsv_free(&out);
}

static void prop_limits_match_phe_tables(void)
{
	check_prop_table(PHE "test_funnel_inputs.csv", PHE "test_funnel_outputs.csv", INFINITY);
	check_prop_table(PHE "testdata_funnel_prop_inputs.csv",
			 PHE "testdata_funnel_prop_outputs.csv", INFINITY);
}

static void prop_limits_match_phe_axis_variation(void)
{
	check_prop_table(PHE "test_funnel_inputs.csv", PHE "test_funnel_outputs_axis_variation.csv",
			 31000);
	check_prop_table(PHE "testdata_funnel_prop_inputs.csv",
			 PHE "testdata_funnel_prop_outputs_with_axis_variation.csv", 31000);
}

/* assign_funnel_significance(statistic = "proportion"): all 303 areas, both generations. */
static void check_prop_significance(const char *rel)
{
	struct refcsv t;
	double x[MAXROWS], n[MAXROWS], av;
	size_t k = 0;

	if (!loaded(&t, rel))
		return;
	for (size_t r = 0; r < t.nrow && k < MAXROWS; r++, k++) {
		x[k] = refcsv_num(&t, r, "numerator");
		n[k] = refcsv_num(&t, r, "denominator");
	}
	CHECK_INT(k, 303);
	CHECK_INT(stats_funnel_baseline(x, n, k, &av), STATS_OK);
	for (size_t r = 0; r < k; r++) {
		int cls = -99;

		CHECK_INT(stats_funnel_prop_classify(x[r], n[r], av, levels2, 2,
						     STATS_FUNNEL_PROP_WILSON, &cls),
			  STATS_OK);
		CHECK_INT(cls, phe_class(refcsv_get(&t, r, "significance")));
	}
	refcsv_free(&t);
}

static void prop_significance_matches_phe(void)
{
	check_prop_significance(PHE "test_funnel_inputs.csv");
	check_prop_significance(PHE "testdata_funnel_prop_inputs.csv");
}

/* ---- PHEindicatormethods: ratios --------------------------------------------------------- */

/*
 * PHE finds each expected count by bisection on v = E / (1 + O + E), halving a step of 0.5
 * until it is at most 1e-7: the last step is 0.5 / 2^23 = 6e-8, so |v - v*| <= 6e-8 (1.2e-7
 * allowed for its series evaluation of the Poisson tail, accurate to 1e-10). Since
 * E = (1 + O) v / (1 - v), dE/dv = (1 + O + E)^2 / (1 + O), which bounds PHE's error in E.
 */
static double phe_e_error(double o, double e)
{
	return 1.2e-7 * (1 + o + e) * (1 + o + e) / (1 + o);
}

/* Error in O / E from an error DE in E: O DE / E^2 to first order (1.01 for the rest). */
static double ratio_error(double o, double e, double de)
{
	return 1.01 * o * de / (e * (e - de));
}

/*
 * calculate_funnel_limits(statistic = "ratio"): for each number of observed events O, the
 * expected counts at which O is on the 95% and 99.8% limits, and the limits there as a count
 * ratio (O/E - 1) and as an ISR (100 O/E). Columns by position: O, then for lower 95, upper
 * 95, lower 99.8, upper 99.8 in turn: expected events, count limit, ISR limit. The axis
 * comes from the expected counts of the ratio inputs. Tolerance: printed rounding plus
 * PHE's bisection error (phe_e_error), carried into the limits.
 */
static void check_ratio_table(const char *in_rel, const char *out_rel)
{
	struct refcsv in, out;
	double lo, hi, axis[100], emin = INFINITY, emax = 0;

	if (!loaded(&in, in_rel))
		return;
	if (!loaded(&out, out_rel)) {
		refcsv_free(&in);
		return;
	}
	for (size_t r = 0; r < in.nrow; r++) {
		emin = fmin(emin, refcsv_num(&in, r, "expected"));
		emax = fmax(emax, refcsv_num(&in, r, "expected"));
	}
	CHECK_INT(stats_funnel_axis_range(emin, emax, &lo, &hi), STATS_OK);
	CHECK_INT(stats_funnel_axis_points(lo, hi, 100, STATS_FUNNEL_AXIS_RATIO, axis), STATS_OK);
	CHECK_INT(out.nrow, 100);
	for (size_t r = 0; r < out.nrow && r < 100; r++) {
		double o = num(&out, r, 0), e[4];

		CHECK_NEAR(axis[r], o, 0);
		CHECK_INT(stats_funnel_poisson_expected(o, 0.95, &e[0], &e[1]), STATS_OK);
		CHECK_INT(stats_funnel_poisson_expected(o, 0.998, &e[2], &e[3]), STATS_OK);
		for (size_t j = 0; j < 4; j++) {
			double de = phe_e_error(o, e[j]), dr = ratio_error(o, e[j], de);

			CHECK_PRINTED(e[j], cell(&out, r, 1 + 3 * j), de);
			CHECK_PRINTED(o / e[j] - 1, cell(&out, r, 2 + 3 * j), dr);
			CHECK_PRINTED(100 * o / e[j], cell(&out, r, 3 + 3 * j), 100 * dr);
		}
	}
	refcsv_free(&in);
	refcsv_free(&out);
}

static void ratio_limits_match_phe_tables(void)
{
	check_ratio_table(PHE "test_funnel_ratio_inputs.csv", PHE "test_funnel_ratio_outputs.csv");
	check_ratio_table(PHE "testdata_funnel_ratio_inputs.csv",
			  PHE "testdata_funnel_ratio_outputs.csv");
}

/* assign_funnel_significance(statistic = "ratio"): 300 units, target 1, both generations. */
static void check_ratio_significance(const char *rel)
{
	struct refcsv t;
	size_t n = 0;

	if (!loaded(&t, rel))
		return;
	for (size_t r = 0; r < t.nrow; r++, n++) {
		int cls = -99;

		CHECK_INT(stats_funnel_poisson_classify(refcsv_num(&t, r, "obs"),
							refcsv_num(&t, r, "expected"), 1, levels2,
							2, &cls),
			  STATS_OK);
		CHECK_INT(cls, phe_class(refcsv_get(&t, r, "significance")));
	}
	CHECK_INT(n, 300);
	refcsv_free(&t);
}

static void ratio_significance_matches_phe(void)
{
	check_ratio_significance(PHE "test_funnel_ratio_inputs.csv");
	check_ratio_significance(PHE "testdata_funnel_ratio_inputs.csv");
}

/* ---- PHEindicatormethods: rates ---------------------------------------------------------- */

enum rate_case { RATE_DSR, RATE_CRUDE_FIVE, RATE_CRUDE_ZERO };

/*
 * The three rate charts of PHE's tests, all per 100,000 over 3 years, from the 50 areas of
 * the rate-funnel input (events ev, rate):
 *   DSR:        ev as given, derived denominator 1e5 ev / rate;
 *   CRUDE_FIVE: the area with the most events given 5 instead, crude, derived denominators;
 *   CRUDE_ZERO: pop = 1e5 ev / rate, then the area with most events set to 0 events (its
 *               pop kept as its denominator), areas with pop <= max(pop) / 2 dropped.
 * Baseline av = sum ev / sum denominator; the axis runs in events from floor(lo 3 av) to
 * ceil(hi 3 av), lo and hi the neat range of the yearly denominators. Columns by position:
 * Events, then for lower 95, upper 95, lower 99.8, upper 99.8: population per year and limit
 * per 100,000; then baseline, statistic and method. Tolerance: printed rounding plus PHE's
 * bisection error in E (phe_e_error), carried through population = E / av / 3 and limit =
 * 1e5 av O / E.
 */
static void check_rate_table(const char *in_rel, const char *out_rel, enum rate_case rc,
			     const char *statistic)
{
	struct refcsv in, out;
	double ev[MAXROWS], den[MAXROWS], av, lo, hi, axis[100], dmin = INFINITY, dmax = 0;
	double maxev = 0, maxpop = 0;
	size_t k = 0;

	if (!loaded(&in, in_rel))
		return;
	if (!loaded(&out, out_rel)) {
		refcsv_free(&in);
		return;
	}
	for (size_t r = 0; r < in.nrow; r++) {
		double e = refcsv_num(&in, r, "ev"), rate = refcsv_num(&in, r, "rate");

		maxev = fmax(maxev, e);
		maxpop = fmax(maxpop, 1e5 * e / rate);
	}
	for (size_t r = 0; r < in.nrow && k < MAXROWS; r++) {
		double e = refcsv_num(&in, r, "ev"), rate = refcsv_num(&in, r, "rate");
		double pop = 1e5 * e / rate;

		if (rc == RATE_CRUDE_ZERO && !(pop > maxpop / 2))
			continue;
		if (e == maxev && rc == RATE_CRUDE_FIVE)
			e = 5;
		if (e == maxev && rc == RATE_CRUDE_ZERO) {
			ev[k] = 0;
			den[k] = pop;
		} else {
			ev[k] = e;
			CHECK_INT(stats_funnel_rate_denominator(e, rate, 1e5, &den[k]), STATS_OK);
		}
		dmin = fmin(dmin, den[k]);
		dmax = fmax(dmax, den[k]);
		k++;
	}
	CHECK_INT(stats_funnel_baseline(ev, den, k, &av), STATS_OK);
	CHECK_INT(stats_funnel_axis_range(dmin / 3, dmax / 3, &lo, &hi), STATS_OK);
	CHECK_INT(stats_funnel_axis_points(floor(lo * 3 * av), ceil(hi * 3 * av), 100,
					   STATS_FUNNEL_AXIS_RATE, axis),
		  STATS_OK);
	CHECK_INT(out.nrow, 100);
	for (size_t r = 0; r < out.nrow && r < 100; r++) {
		double o = num(&out, r, 0), e[4];

		CHECK_NEAR(axis[r], o, 0);
		CHECK_INT(stats_funnel_poisson_expected(o, 0.95, &e[0], &e[1]), STATS_OK);
		CHECK_INT(stats_funnel_poisson_expected(o, 0.998, &e[2], &e[3]), STATS_OK);
		for (size_t j = 0; j < 4; j++) {
			double de = phe_e_error(o, e[j]);

			CHECK_PRINTED(e[j] / av / 3, cell(&out, r, 1 + 2 * j), de / av / 3);
			CHECK_PRINTED(1e5 * av * o / e[j], cell(&out, r, 2 + 2 * j),
				      1e5 * av * ratio_error(o, e[j], de));
		}
		CHECK_PRINTED(1e5 * av, cell(&out, r, 9), 0);
		CHECK_STR(cell(&out, r, 10), statistic);
		CHECK_STR(cell(&out, r, 11), "Poisson");
	}
	refcsv_free(&in);
	refcsv_free(&out);
}

static void rate_limits_match_phe_dsr(void)
{
	check_rate_table(PHE "test_funnel_rate_funnels_input.csv",
			 PHE "test_funnel_rate_funnels.csv", RATE_DSR, "rate (dsr per 100,000)");
	check_rate_table(PHE "testdata_funnel_rate_input_funnels.csv",
			 PHE "testdata_funnel_rate_outputs.csv", RATE_DSR,
			 "rate (dsr per 100,000)");
}

static void rate_limits_match_phe_crude_few_events(void)
{
	check_rate_table(PHE "test_funnel_rate_funnels_input.csv",
			 PHE "test_funnel_rate_funnels_2.csv", RATE_CRUDE_FIVE,
			 "rate (crude per 100,000)");
	check_rate_table(PHE "testdata_funnel_rate_input_funnels.csv",
			 PHE "testdata_funnel_rate_outputs_2.csv", RATE_CRUDE_FIVE,
			 "rate (crude per 100,000)");
}

static void rate_limits_match_phe_crude_zero_events(void)
{
	check_rate_table(PHE "test_funnel_rate_funnels_input.csv",
			 PHE "test_funnel_rate_funnels_3.csv", RATE_CRUDE_ZERO,
			 "rate (crude per 100,000)");
	check_rate_table(PHE "testdata_funnel_rate_input_funnels.csv",
			 PHE "testdata_funnel_rate_outputs_3.csv", RATE_CRUDE_ZERO,
			 "rate (crude per 100,000)");
}

/*
 * calculate_funnel_points(): the yearly derived denominators of the three cases in the input
 * table itself (rate_chart, denominator_derived and their _crude variants):
 *   DSR, most events set to 5, 3 years: below 10 events the point is not charted (NA);
 *   crude, 3 years: 1e5 ev / rate / 3;
 *   crude with pop, most events set to 0, 5 years: pop / 5 for that area, else as above.
 * Tolerance: printed rounding (the table prints up to 10 significant digits).
 */
static void check_rate_points(const char *rel)
{
	struct refcsv t;
	double maxev = 0;

	if (!loaded(&t, rel))
		return;
	CHECK_INT(t.nrow, 50);
	for (size_t r = 0; r < t.nrow; r++)
		maxev = fmax(maxev, refcsv_num(&t, r, "ev"));
	for (size_t r = 0; r < t.nrow; r++) {
		double ev = refcsv_num(&t, r, "ev"), rate = refcsv_num(&t, r, "rate"), d;
		double e5 = ev == maxev ? 5 : ev;

		if (e5 < 10) {
			CHECK(isnan(refcsv_num(&t, r, "rate_chart")));
			CHECK(isnan(refcsv_num(&t, r, "denominator_derived")));
		} else {
			CHECK_NEAR(refcsv_num(&t, r, "rate_chart"), rate, 0);
			CHECK_INT(stats_funnel_rate_denominator(e5, rate, 1e5, &d), STATS_OK);
			CHECK_PRINTED(d / 3, refcsv_get(&t, r, "denominator_derived"), 0);
		}
		CHECK_NEAR(refcsv_num(&t, r, "rate_chart_crude"), rate, 0);
		CHECK_INT(stats_funnel_rate_denominator(ev, rate, 1e5, &d), STATS_OK);
		CHECK_PRINTED(d / 3, refcsv_get(&t, r, "denominator_derived_crude"), 0);
		CHECK_NEAR(refcsv_num(&t, r, "rate_chart_crude_with_denom"), rate, 0);
		if (ev == maxev) {
			/* No events: no derived denominator, so the real population is used. */
			CHECK_INT(stats_funnel_rate_denominator(0, rate, 1e5, &d), STATS_EDOM);
			d = refcsv_num(&t, r, "pop");
		} else {
			CHECK_INT(stats_funnel_rate_denominator(ev, rate, 1e5, &d), STATS_OK);
		}
		CHECK_PRINTED(d / 5, refcsv_get(&t, r, "denominator_derived_crude_with_denom"), 0);
	}
	refcsv_free(&t);
}

static void rate_points_match_phe(void)
{
	check_rate_points(PHE "test_funnel_rate_funnels_input.csv");
	check_rate_points(PHE "testdata_funnel_rate_input_funnels.csv");
}

/*
 * assign_funnel_significance(statistic = "rate") on the 40 areas of the rate inputs, for each
 * of the 8 published columns. Denominators are derived (MULTIPLIER x count / rate); a DSR
 * area with no events has none and drops out of the baseline, a crude one brings its pop.
 * DSRs from fewer than 10 events are "not applicable" (a rule for the caller). The "without
 * 0" columns are for the table with the zero-event area removed.
 */
static void check_rate_significance(const char *rel)
{
	static const struct {
		const char *column, *rate;
		double multiplier;
		int dsr, with0;
	} cases[] = {
		{"dsr_per_100000_with_0", "rate_dsr", 1e5, 1, 1},
		{"dsr_per_100_with_0", "rate_dsr", 100, 1, 1},
		{"dsr_per_100000_without_0", "rate_dsr", 1e5, 1, 0},
		{"dsr_per_100_without_0", "rate_dsr", 100, 1, 0},
		{"crude_per_100000_with_0", "rate_crude_per_100000", 1e5, 0, 1},
		{"crude_per_100_with_0", "rate_crude_per_100", 100, 0, 1},
		{"crude_per_100000_without_0", "rate_crude_per_100000", 1e5, 0, 0},
		{"crude_per_100_without_0", "rate_crude_per_100", 100, 0, 0},
	};
	struct refcsv t;

	if (!loaded(&t, rel))
		return;
	CHECK_INT(t.nrow, 40);
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		double o[MAXROWS], d[MAXROWS], bo[MAXROWS], bd[MAXROWS], av;
		size_t k = 0, nb = 0, checked = 0;

		for (size_t r = 0; r < t.nrow && k < MAXROWS; r++) {
			double cnt = refcsv_num(&t, r, "count");

			if (cnt == 0 && !cases[c].with0)
				continue;
			o[k] = cnt;
			if (cnt == 0) {
				d[k] = cases[c].dsr ? NAN : refcsv_num(&t, r, "pop");
			} else {
				CHECK_INT(stats_funnel_rate_denominator(
						  cnt, refcsv_num(&t, r, cases[c].rate),
						  cases[c].multiplier, &d[k]),
					  STATS_OK);
			}
			if (!isnan(d[k])) {
				bo[nb] = o[k];
				bd[nb++] = d[k];
			}
			k++;
		}
		CHECK_INT(stats_funnel_baseline(bo, bd, nb, &av), STATS_OK);
		for (size_t r = 0, i = 0; r < t.nrow; r++) {
			int cls = -99, want = phe_class(refcsv_get(&t, r, cases[c].column));

			if (refcsv_num(&t, r, "count") == 0 && !cases[c].with0)
				continue;
			if (cases[c].dsr && o[i] < 10) {
				CHECK_INT(want, 9);
			} else {
				CHECK_INT(stats_funnel_poisson_classify(o[i], d[i], av, levels2, 2,
									&cls),
					  STATS_OK);
				if (cls != want)
					test_fail(__FILE__, __LINE__,
						  "%s row %zu: class %d, published %d",
						  cases[c].column, r, cls, want);
			}
			i++;
			checked++;
		}
		CHECK_INT(checked, cases[c].with0 ? 40 : 39);
	}
	refcsv_free(&t);
}

static void rate_significance_matches_phe(void)
{
	check_rate_significance(PHE "test_funnel_rate_inputs.csv");
	check_rate_significance(PHE "testdata_funnel_rate_dsr_inputs.csv");
}

/* ---- FunnelPlotR ------------------------------------------------------------------------- */

/*
 * The FunnelPlotR cases are read from reference/funnelplotr_reference_cases.csv: inputs and
 * published values come out of its "input" and "expected" cells, split into tokens, so the
 * numbers checked are the file's own.
 */
#define FP "reference/funnelplotr_reference_cases.csv"
#define MAXTOK 96

/* Split S at any character of SEPS into at most MAXTOK tokens; returns how many. */
static size_t split(const char *s, const char *seps, char tok[][48])
{
	size_t n = 0;

	while (*s && n < MAXTOK) {
		size_t len = strcspn(s, seps);

		if (len > 0 && len < 48) {
			memcpy(tok[n], s, len);
			tok[n++][len] = '\0';
		}
		s += len;
		s += strspn(s, seps);
	}
	return n;
}

/* Cell COL of case ID; "" and a recorded failure when the case is missing. */
static const char *fp_cell(const struct refcsv *t, const char *id, const char *col)
{
	for (size_t r = 0; r < t->nrow; r++)
		if (strcmp(refcsv_get(t, r, "case_id"), id) == 0)
			return refcsv_get(t, r, col);
	test_fail(__FILE__, __LINE__, "case %s missing from %s", id, FP);
	return "";
}

static double tokd(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	return *end ? NAN : v;
}

/* Every case in the table is one this file checks: a new case fails here until it is. */
static void funnelplotr_cases_are_all_checked(void)
{
	static const char *known[] = {
		"fp_poisson_ll95",
		"fp_poisson_ul95",
		"fp_poisson_ll99",
		"fp_poisson_ul99",
		"fp_phi_shmi",
		"fp_aggregate_rr",
		"fp_outliers",
		"fp_medpar_glm",
		"fp_medpar_dispersion",
		"fp_medpar_unadj_outliers",
		"fp_medpar_shmi_outliers",
	};
	struct refcsv t;

	if (!loaded(&t, FP))
		return;
	CHECK_INT(t.nrow, sizeof known / sizeof known[0]);
	for (size_t r = 0; r < t.nrow; r++) {
		size_t k = 0;

		while (k < sizeof known / sizeof known[0] &&
		       strcmp(known[k], refcsv_get(&t, r, "case_id")) != 0)
			k++;
		if (k == sizeof known / sizeof known[0])
			test_fail(__FILE__, __LINE__, "unchecked case %s",
				  refcsv_get(&t, r, "case_id"));
	}
	refcsv_free(&t);
}

/*
 * fp_poisson_*: calculate_limits(number_seq = 15, 20, 30, target 1, unadjusted); "ll99" and
 * "ul99" are the 99.8% limits. Published rounded to 7 dp (lower) and 6 dp (upper):
 * tolerance half a unit there.
 */
static void ratio_limits_match_funnelplotr(void)
{
	static const char *ids[4] = {"fp_poisson_ll95", "fp_poisson_ul95", "fp_poisson_ll99",
				     "fp_poisson_ul99"};
	char in[MAXTOK][48], want[MAXTOK][48];
	struct refcsv t;

	if (!loaded(&t, FP))
		return;
	/* "E = 15, 20, 30" */
	CHECK_INT(split(fp_cell(&t, "fp_poisson_ul95", "input"), " ,=", in), 4);
	for (size_t k = 0; k < 4; k++) {
		CHECK_INT(split(fp_cell(&t, ids[k], "expected"), " ,", want), 3);
		for (size_t i = 0; i < 3; i++) {
			struct stats_funnel_limits l;

			CHECK_INT(stats_funnel_ratio_limits(tokd(in[1 + i]), k < 2 ? 0.95 : 0.998,
							    &l),
				  STATS_OK);
			CHECK_PRINTED(k % 2 ? l.upper : l.lower, want[i], 0);
		}
	}
	refcsv_free(&t);
}

/*
 * fp_phi_shmi: six units, SHMI defaults (trim 10%). With N = 6 the tenths are
 * floor(rank 10 / 7) = 1..8, so no unit is truncated and phi is the mean of all six
 * z^2 = E ln(O/E)^2. Published 2.948033 (6 dp).
 */
static void shmi_phi_matches_funnelplotr(void)
{
	char tok[MAXTOK][48];
	double o[6], e[6], z[6], work[6], sz2 = 0;
	int trimmed[6];
	struct stats_funnel_od od;
	struct refcsv t;

	if (!loaded(&t, FP))
		return;
	/* "O = 100,150,180,80,120,225; E = 108,112,165,95,100,220; groups a..f" */
	CHECK_INT(split(fp_cell(&t, "fp_phi_shmi", "input"), " ,;=", tok), 16);
	CHECK_STR(tok[0], "O");
	CHECK_STR(tok[7], "E");
	for (size_t i = 0; i < 6; i++) {
		o[i] = tokd(tok[1 + i]);
		e[i] = tokd(tok[8 + i]);
	}
	CHECK_INT(stats_funnel_od_estimate(o, e, 6, STATS_FUNNEL_OD_SHMI, 1, 0.1, z, trimmed, work,
					   6, &od),
		  STATS_OK);
	CHECK_PRINTED(od.phi, fp_cell(&t, "fp_phi_shmi", "expected"), 0);
	CHECK_INT(od.n_used, 6);
	for (size_t i = 0; i < 6; i++) {
		CHECK_INT(trimmed[i], 0);
		CHECK_NEAR(z[i], sqrt(e[i]) * log(o[i] / e[i]), 1e-14);
		sz2 += z[i] * z[i];
	}
	CHECK_NEAR(od.phi, sz2 / 6, 1e-14);
	refcsv_free(&t);
}

/* fp_aggregate_rr: sum O / sum E by group is the baseline of each group's rows (6 dp). */
static void aggregate_ratio_matches_funnelplotr(void)
{
	char in[MAXTOK][48], want[MAXTOK][48];
	double o[6], e[6];
	struct refcsv t;

	if (!loaded(&t, FP))
		return;
	/* "numerator 100,...; denominator 102,...; group a,a,a,b,b,c" */
	CHECK_INT(split(fp_cell(&t, "fp_aggregate_rr", "input"), " ,;", in), 21);
	CHECK_STR(in[7], "denominator");
	CHECK_STR(in[14], "group");
	/* "a 1.069652, b 1.071795, c 1.022727" */
	CHECK_INT(split(fp_cell(&t, "fp_aggregate_rr", "expected"), " ,", want), 6);
	for (size_t g = 0; g < 3; g++) {
		size_t k = 0;
		double rr;

		for (size_t i = 0; i < 6; i++) {
			if (strcmp(in[15 + i], want[2 * g]) != 0)
				continue;
			o[k] = tokd(in[1 + i]);
			e[k++] = tokd(in[8 + i]);
		}
		CHECK(k > 0);
		CHECK_INT(stats_funnel_baseline(o, e, k, &rr), STATS_OK);
		CHECK_PRINTED(rr, want[2 * g + 1], 0);
	}
	refcsv_free(&t);
}

/*
 * fp_outliers: outliers_func() flags a unit outside its chosen limits (a value on a limit
 * is inside). Exact. With multiplier 100 FunnelPlotR compares 100 rr with unscaled limits,
 * so every unit is outside: the API leaves scaling to the caller, and the same happens here.
 * The four limit pairs (95, 95 adjusted, 99.8, 99.8 adjusted) are read by name.
 */
static void outlier_vectors_match_funnelplotr(void)
{
	static const char *names[4][2] = {{"LCL95", "UCL95"},
					  {"OD95LCL", "OD95UCL"},
					  {"LCL99", "UCL99"},
					  {"OD99LCL", "OD99UCL"}};
	char in[MAXTOK][48], want[MAXTOK][48];
	struct stats_funnel_limits lim[4];
	double rr[10];
	size_t nin, nwant;
	const char *quantity;
	struct refcsv t;

	if (!loaded(&t, FP))
		return;
	/* "rr = 1,0.95,... with LCL95 0.9 UCL95 1.1 ..." */
	nin = split(fp_cell(&t, "fp_outliers", "input"), " ,=", in);
	CHECK_INT(nin, 28);
	for (size_t i = 0; i < 10; i++)
		rr[i] = tokd(in[1 + i]);
	for (size_t k = 0; k < 4; k++)
		for (size_t j = 0; j < nin; j++) {
			if (strcmp(in[j], names[k][0]) == 0 && j + 1 < nin)
				lim[k].lower = tokd(in[j + 1]);
			if (strcmp(in[j], names[k][1]) == 0 && j + 1 < nin)
				lim[k].upper = tokd(in[j + 1]);
		}
	/*
	 * This row has its columns one to the left: the vectors are in "quantity" (after
	 * "outlier vectors: ") and "expected" says "exact". "95 unadj 0,0,... | 95 adj ... |
	 * 99 unadj ... | 99 adj ... | 95 unadj with multiplier 100 (limits not rescaled) all 1":
	 * vector k is tokens 12k + 2 .. 12k + 11.
	 */
	CHECK_STR(fp_cell(&t, "fp_outliers", "expected"), "exact");
	quantity = fp_cell(&t, "fp_outliers", "quantity");
	quantity = strstr(quantity, ": ") ? strstr(quantity, ": ") + 2 : quantity;
	nwant = split(quantity, " ,|", want);
	CHECK_INT(nwant, 58);
	CHECK_STR(want[0], "95");
	CHECK_STR(want[13], "adj");
	CHECK_STR(want[24], "99");
	CHECK_STR(want[37], "adj");
	CHECK_STR(want[57], "1");
	for (size_t i = 0; i < 10 && nwant == 58; i++) {
		int c;

		/* Order in the file: 95 unadjusted, 95 adjusted, 99 unadjusted, 99 adjusted. */
		for (size_t k = 0; k < 4; k++) {
			CHECK_INT(stats_funnel_classify(rr[i], &lim[k], 1, &c), STATS_OK);
			CHECK_NEAR(c != 0, tokd(want[12 * k + 2 + i]), 0);
		}
		CHECK_INT(stats_funnel_classify(100 * rr[i], &lim[0], 1, &c), STATS_OK);
		CHECK_NEAR(c != 0, tokd(want[57]), 0);
		/* 95 and 99.8 at once: the class counts the limits crossed, signed by side. */
		{
			struct stats_funnel_limits both[2] = {lim[0], lim[2]};

			CHECK_INT(stats_funnel_classify(rr[i], both, 2, &c), STATS_OK);
			CHECK_NEAR(abs(c), tokd(want[2 + i]) + tokd(want[26 + i]), 0);
			if (c != 0)
				CHECK_INT(c > 0, rr[i] > 1);
		}
	}
	refcsv_free(&t);
}

/*
 * A Poisson GLM with log link by iteratively reweighted least squares, as R's glm() fits the
 * medpar model: start at mu = y + 0.1, stop when the deviance changes by less than 1e-8
 * relative. Test support only (normal equations by Cholesky). W_LAST gets the working
 * weights of the last iteration, computed from the fitted values before its update, which is
 * what glm() returns as $weights.
 */
#define GLM_P 6
static int glm_poisson(const double *x, const double *y, size_t n, double *beta, double *mu,
		       double *w_last, double *dev_out)
{
	double dev_old = INFINITY;

	for (size_t i = 0; i < n; i++)
		mu[i] = y[i] + 0.1;
	for (int it = 0; it < 50; it++) {
		double a[GLM_P][GLM_P] = {{0}}, b[GLM_P] = {0}, dev = 0;

		for (size_t i = 0; i < n; i++) {
			const double *xi = x + i * GLM_P;
			double eta = log(mu[i]), zi = eta + (y[i] - mu[i]) / mu[i], w = mu[i];

			w_last[i] = w;

			for (int j = 0; j < GLM_P; j++) {
				b[j] += w * xi[j] * zi;
				for (int k = 0; k <= j; k++)
					a[j][k] += w * xi[j] * xi[k];
			}
		}
		/* Cholesky: A = L L^T in the lower triangle, then two triangular solves. */
		for (int j = 0; j < GLM_P; j++) {
			for (int k = 0; k < j; k++)
				a[j][j] -= a[j][k] * a[j][k];
			if (!(a[j][j] > 0))
				return -1;
			a[j][j] = sqrt(a[j][j]);
			for (int i = j + 1; i < GLM_P; i++) {
				for (int k = 0; k < j; k++)
					a[i][j] -= a[i][k] * a[j][k];
				a[i][j] /= a[j][j];
			}
		}
		for (int j = 0; j < GLM_P; j++) {
			for (int k = 0; k < j; k++)
				b[j] -= a[j][k] * b[k];
			b[j] /= a[j][j];
		}
		for (int j = GLM_P - 1; j >= 0; j--) {
			for (int k = j + 1; k < GLM_P; k++)
				b[j] -= a[k][j] * b[k];
			b[j] /= a[j][j];
		}
		for (size_t i = 0; i < n; i++) {
			double eta = 0;

			for (int j = 0; j < GLM_P; j++)
				eta += x[i * GLM_P + j] * b[j];
			mu[i] = exp(eta);
			dev += 2 * ((y[i] > 0 ? y[i] * log(y[i] / mu[i]) : 0) - (y[i] - mu[i]));
		}
		for (int j = 0; j < GLM_P; j++)
			beta[j] = b[j];
		*dev_out = dev;
		if (fabs(dev - dev_old) / (fabs(dev) + 0.1) < 1e-8)
			return 0;
		dev_old = dev;
	}
	return -1;
}

#define MEDPAR_N 1495
#define MEDPAR_UNITS 54

/*
 * fp_medpar_*: FunnelPlotR's vignette. COUNT's medpar (1495 stays, 54 providers) with the
 * Poisson GLM los ~ hmo + died + age80 + factor(type); each provider's O = sum los and
 * E = sum of predicted los. Published: coefficients to 5 dp, residual deviance 7977.7 (1 dp),
 * AIC 13705 (0 dp): checked to half a unit in those digits plus 1e-6 for the IRLS
 * convergence; the dispersion 6.240519 (7 s.f.) as explained below. Then, as funnel_plot()
 * does for SR data with sr_method SHMI, E is rounded to 2 dp (SHMI_rounding) for the limits
 * and z-scores, while rr = O / E stays unrounded:
 *   - unadjusted 99.8% exact Poisson limits at E: 25 of 54 providers outside;
 *   - SHMI overdispersion (log z, 10% truncation, DerSimonian-Laird tau^2), 99.8%
 *     limits exp(-/+ z sqrt(1/E + tau^2)): 9 of 54 outside.
 * The counts are exact. phi and tau^2 are not published; FunnelPlotR's steps redone in base
 * R (glm, rank, the truncation and tau_func formulas) give n = 44 kept, phi = 8.53285128925
 * and tau^2 = 0.0284102322745, checked at 1e-8.
 */
static void medpar_worked_example_matches_funnelplotr(void)
{
	static double x[MEDPAR_N * GLM_P], y[MEDPAR_N], mu[MEDPAR_N], wl[MEDPAR_N];
	char glm[MAXTOK][48], cnt[MAXTOK][48];
	struct refcsv fp;
	char ids[MEDPAR_UNITS][16];
	double o[MEDPAR_UNITS] = {0}, e[MEDPAR_UNITS] = {0}, er[MEDPAR_UNITS], work[MEDPAR_UNITS];
	double beta[GLM_P], dev = 0, ll = 0, pearson = 0, lagged = 0;
	size_t nunit = 0, out_unadj = 0, out_shmi = 0;
	struct stats_funnel_od od;
	struct refcsv t;

	if (!loaded(&fp, FP))
		return;
	/* "(Intercept) 2.26875; hmo -0.07637; ...; residual deviance 7977.7 on 1489 df; AIC
	 * 13705" */
	CHECK_INT(split(fp_cell(&fp, "fp_medpar_glm", "expected"), " ;", glm), 20);
	CHECK_STR(glm[0], "(Intercept)");
	CHECK_STR(glm[10], "type3");
	CHECK_STR(glm[13], "deviance");
	CHECK_NEAR(tokd(glm[16]), MEDPAR_N - GLM_P, 0);
	CHECK_STR(glm[18], "AIC");
	if (!loaded(&t, "medpar/medpar.csv")) {
		refcsv_free(&fp);
		return;
	}
	CHECK_INT(t.nrow, MEDPAR_N);
	if (t.nrow != MEDPAR_N) {
		refcsv_free(&t);
		refcsv_free(&fp);
		return;
	}
	for (size_t i = 0; i < MEDPAR_N; i++) {
		double type = refcsv_num(&t, i, "type");
		double *xi = x + i * GLM_P;

		y[i] = refcsv_num(&t, i, "los");
		xi[0] = 1;
		xi[1] = refcsv_num(&t, i, "hmo");
		xi[2] = refcsv_num(&t, i, "died");
		xi[3] = refcsv_num(&t, i, "age80");
		xi[4] = type == 2;
		xi[5] = type == 3;
	}
	CHECK_INT(glm_poisson(x, y, MEDPAR_N, beta, mu, wl, &dev), 0);
	for (int j = 0; j < GLM_P; j++)
		CHECK_PRINTED(beta[j], glm[2 * j + 1], 1e-6);
	for (size_t i = 0; i < MEDPAR_N; i++) {
		ll += y[i] * log(mu[i]) - mu[i] - lgamma(y[i] + 1);
		pearson += (y[i] - mu[i]) * (y[i] - mu[i]) / mu[i];
		lagged += wl[i] * ((y[i] - mu[i]) / mu[i]) * ((y[i] - mu[i]) / mu[i]);
	}
	CHECK_PRINTED(dev, glm[14], 1e-6);
	CHECK_PRINTED(-2 * ll + 2 * GLM_P, glm[19], 1e-6);
	/*
	 * The vignette's sum(mod$weights * mod$residuals^2) / df.residual pairs glm()'s weights,
	 * one iteration behind, with the final residuals: 6.240519 after R's five iterations.
	 * This IRLS takes the same steps, so it reproduces that to 7 s.f.; the Pearson statistic
	 * at the fitted values themselves is 6.240500522 (R: sum(residuals(mod, "pearson")^2) /
	 * df.residual), checked at 1e-8.
	 */
	CHECK_PRINTED(lagged / (MEDPAR_N - GLM_P), fp_cell(&fp, "fp_medpar_dispersion", "expected"),
		      0);
	CHECK_NEAR(pearson / (MEDPAR_N - GLM_P), 6.240500522, 1e-8);

	for (size_t i = 0; i < MEDPAR_N; i++) {
		const char *id = refcsv_get(&t, i, "provnum");
		size_t u = 0;

		while (u < nunit && strcmp(ids[u], id) != 0)
			u++;
		if (u == nunit) {
			if (nunit == MEDPAR_UNITS || strlen(id) >= sizeof ids[0]) {
				CHECK(!"at most 54 providers with short codes");
				refcsv_free(&t);
				refcsv_free(&fp);
				return;
			}
			memcpy(ids[nunit], id, strlen(id) + 1);
			nunit++;
		}
		o[u] += y[i];
		e[u] += mu[i];
	}
	CHECK_INT(nunit, MEDPAR_UNITS);
	for (size_t u = 0; u < nunit; u++)
		er[u] = round(e[u] * 100) / 100;

	CHECK_INT(stats_funnel_od_estimate(o, er, nunit, STATS_FUNNEL_OD_SHMI, 1, 0.1, NULL, NULL,
					   work, nunit, &od),
		  STATS_OK);
	CHECK_INT(od.n_used, 44);
	CHECK_NEAR(od.phi, 8.53285128925, 1e-8);
	CHECK_NEAR(od.tau2, 0.0284102322745, 1e-8);
	for (size_t u = 0; u < nunit; u++) {
		struct stats_funnel_limits un, adj;
		int c;

		CHECK_INT(stats_funnel_ratio_limits(er[u], 0.998, &un), STATS_OK);
		CHECK_INT(stats_funnel_classify(o[u] / e[u], &un, 1, &c), STATS_OK);
		out_unadj += c != 0;
		CHECK_INT(stats_funnel_od_limits(STATS_FUNNEL_OD_SHMI, 1, er[u], od.tau2, 0.998,
						 &adj),
			  STATS_OK);
		CHECK_INT(stats_funnel_classify(o[u] / e[u], &adj, 1, &c), STATS_OK);
		out_shmi += c != 0;
	}
	/* "25 of 54", "9 of 54" */
	CHECK_INT(split(fp_cell(&fp, "fp_medpar_unadj_outliers", "expected"), " ", cnt), 3);
	CHECK_NEAR(out_unadj, tokd(cnt[0]), 0);
	CHECK_NEAR(nunit, tokd(cnt[2]), 0);
	CHECK_INT(split(fp_cell(&fp, "fp_medpar_shmi_outliers", "expected"), " ", cnt), 3);
	CHECK_NEAR(out_shmi, tokd(cnt[0]), 0);
	CHECK_NEAR(nunit, tokd(cnt[2]), 0);
	CHECK_INT(out_unadj, 25); /* the brief's figures, against a changed table */
	CHECK_INT(out_shmi, 9);
	refcsv_free(&t);
	refcsv_free(&fp);
}

/* ---- Hand-worked cases ------------------------------------------------------------------- */

/*
 * Wilson funnel at target 0.5, N = 100, 95%: 0.5 -/+ 1.959964 sqrt(0.25 / 100) =
 * 0.5 -/+ 0.0979982 = 0.4020018, 0.5979982. Its defining property: the Wilson interval of
 * X = N x limit has the target as its other bound (stats_ci_wilson). Tolerance 1e-12.
 */
static void wilson_funnel_hand_worked(void)
{
	struct stats_funnel_limits l;

	CHECK_INT(stats_funnel_prop_limits(0.5, 100, 0.95, STATS_FUNNEL_PROP_WILSON, &l), STATS_OK);
	CHECK_NEAR(l.lower, 0.5 - 1.959963984540054 * 0.05, 1e-12);
	CHECK_NEAR(l.upper, 0.5979981992, 1e-10);
	/* Any level, any target: check the inversion at a few. */
	for (double p0 = 0.05; p0 < 1; p0 += 0.3) {
		for (double lev = 0.5; lev < 0.9995; lev += 0.166) {
			struct stats_interval ci;

			CHECK_INT(stats_funnel_prop_limits(p0, 250, lev, STATS_FUNNEL_PROP_WILSON,
							   &l),
				  STATS_OK);
			if (l.lower > 0) {
				CHECK_INT(stats_ci_wilson(250 * l.lower, 250, lev, &ci), STATS_OK);
				CHECK_NEAR(ci.upper, p0, 1e-12);
			}
			if (l.upper < 1) {
				CHECK_INT(stats_ci_wilson(250 * l.upper, 250, lev, &ci), STATS_OK);
				CHECK_NEAR(ci.lower, p0, 1e-12);
			}
		}
	}
	/* Clipping at small N: 0.9 -/+ 1.96 sqrt(0.09) crosses 1, so the upper limit is 1. */
	CHECK_INT(stats_funnel_prop_limits(0.9, 1, 0.95, STATS_FUNNEL_PROP_WILSON, &l), STATS_OK);
	CHECK_NEAR(l.upper, 1, 0);
	CHECK_NEAR(l.lower, 0.9 - 1.959963984540054 * 0.3, 1e-12);
}

/*
 * Exact binomial with interpolation, N = 10, target 0.5, 95%. F(1) = 11/1024, F(2) = 56/1024:
 * r = 2 for p = 0.025, alpha = (56/1024 - 0.025) / (45/1024) = 30.4/45, limit (2 - alpha)/10
 * = 0.1324444. F(7) = 968/1024, F(8) = 1013/1024: r = 8 for p = 0.975, alpha = 14.6/45,
 * limit 0.7675556 (R: (qbinom - (pbinom - p) / dbinom) / n gives the same). Tolerance 1e-12.
 */
static void exact_binomial_hand_worked(void)
{
	struct stats_funnel_limits l;
	int c;

	CHECK_INT(stats_funnel_prop_limits(0.5, 10, 0.95, STATS_FUNNEL_PROP_EXACT, &l), STATS_OK);
	CHECK_NEAR(l.lower, (2 - 30.4 / 45) / 10, 1e-12);
	CHECK_NEAR(l.upper, (8 - 14.6 / 45) / 10, 1e-12);
	/* Target 0: all mass at 0, both limits 0. */
	CHECK_INT(stats_funnel_prop_limits(0, 10, 0.95, STATS_FUNNEL_PROP_EXACT, &l), STATS_OK);
	CHECK_NEAR(l.lower, 0, 0);
	CHECK_NEAR(l.upper, 0, 0);
	/* 1 of 10 is below 0.1324444 at 95% but not below 99.8%'s lower limit. */
	CHECK_INT(stats_funnel_prop_classify(1, 10, 0.5, levels2, 2, STATS_FUNNEL_PROP_EXACT, &c),
		  STATS_OK);
	CHECK_INT(c, STATS_FUNNEL_LOW_INNER);
}

/*
 * Poisson limits at E = 1, 95%: Gamma^-1(0.025; 1) = -ln(0.975) = 0.02531781 (the unit
 * exponential) and Gamma^-1(0.975; 2) solves (1 + x) e^-x = 0.025: x = 5.571643. A rate of
 * 0.002 at population 500 is the same E = 1, so the rate limits are these / 500. And
 * poisson_expected(0) has E_lower = -ln(0.025) (the exponential again) and no upper point.
 * Tolerance 1e-9.
 */
static void poisson_limits_hand_worked(void)
{
	struct stats_funnel_limits l;
	double elo, ehi;

	CHECK_INT(stats_funnel_ratio_limits(1, 0.95, &l), STATS_OK);
	CHECK_NEAR(l.lower, -log(0.975), 1e-9);
	CHECK_NEAR(l.upper, 5.57164339094, 1e-9);
	CHECK_NEAR((1 + l.upper) * exp(-l.upper), 0.025, 1e-9);
	CHECK_INT(stats_funnel_rate_limits(0.002, 500, 0.95, &l), STATS_OK);
	CHECK_NEAR(l.lower, -log(0.975) / 500, 1e-9);
	CHECK_NEAR(l.upper, 5.57164339094 / 500, 1e-9);
	CHECK_INT(stats_funnel_poisson_expected(0, 0.95, &elo, &ehi), STATS_OK);
	CHECK_NEAR(elo, -log(0.025), 1e-9);
	CHECK_NEAR(ehi, 0, 0);
	/* One event: the upper point is where P(X >= 1; E) = 1 - e^-E = 0.025. */
	CHECK_INT(stats_funnel_poisson_expected(1, 0.95, &elo, &ehi), STATS_OK);
	CHECK_NEAR(ehi, -log(0.975), 1e-9);
	CHECK_NEAR(elo, 5.57164339094, 1e-9);
}

/*
 * Large expected counts, where GSL's own gamma inverse gives up (above about 16,000) and its
 * incomplete gamma drifts (from about 5e4): 99.8% limits E x limit = Gamma^-1(0.001; E) and
 * Gamma^-1(0.999; E + 1) against R 4.2.2's qgamma printed to 17 digits, at 1e-12 relative.
 * 2.5e9 is in the Wilson-Hilferty range. Small E too: at E = 0.001 the lower quantile is below
 * the smallest double (R gives 0) and the upper one is R's 6.9103928169045972.
 */
static void ratio_limits_hold_at_extreme_expected_counts(void)
{
	static const double e[4] = {1e5, 542514, 1e7, 2.5e9};
	static const double lo[4] = {99025.631890500925, 540240.72195559076, 9990230.6771894637,
				     2499845491.2345324};
	static const double hi[4] = {100981.07267802989, 544793.97983116144, 10009776.022989536,
				     2500154515.465189};
	struct stats_funnel_limits l;

	for (size_t i = 0; i < 4; i++) {
		CHECK_INT(stats_funnel_ratio_limits(e[i], 0.998, &l), STATS_OK);
		CHECK_NEAR(l.lower * e[i] / lo[i], 1, 1e-12);
		CHECK_NEAR(l.upper * e[i] / hi[i], 1, 1e-12);
	}
	CHECK_INT(stats_funnel_ratio_limits(0.001, 0.998, &l), STATS_OK);
	CHECK_NEAR(l.lower, 0, 0);
	CHECK_NEAR(l.upper * 0.001, 6.9103928169045972, 1e-12);
}

/* Limits at more levels than two nest, and classification counts how many are crossed. */
static void any_levels_nest_and_classify(void)
{
	static const double lev[4] = {0.8, 0.9, 0.99, 0.999};
	struct stats_funnel_limits l[4];
	int c;

	for (size_t k = 0; k < 4; k++) {
		CHECK_INT(stats_funnel_ratio_limits(40, lev[k], &l[k]), STATS_OK);
		if (k > 0)
			CHECK(l[k].lower < l[k - 1].lower && l[k].upper > l[k - 1].upper);
	}
	/* Just above the 90% upper limit: +2 (above the 80% and 90% limits only). */
	CHECK_INT(stats_funnel_classify(l[1].upper * 1.0001, l, 4, &c), STATS_OK);
	CHECK_INT(c, 2);
	CHECK_INT(stats_funnel_classify(l[3].lower * 0.999, l, 4, &c), STATS_OK);
	CHECK_INT(c, -4);
	CHECK_INT(stats_funnel_classify(l[2].lower, l, 4, &c), STATS_OK);
	CHECK_INT(c, -2); /* on the 99% limit: inside it, below the 80% and 90% */
	CHECK_INT(stats_funnel_classify(1, l, 4, &c), STATS_OK);
	CHECK_INT(c, STATS_FUNNEL_WITHIN);
	/* The same by the unit's own Poisson interval: 60 of 40 expected. */
	CHECK_INT(stats_funnel_poisson_classify(60, 40, 1, lev, 4, &c), STATS_OK);
	CHECK(c >= 2);
}

/*
 * SHMI by hand, TRIM 0 (keep all): three units with E = 100 and O = 100 e^0.2, 100 e^-0.2,
 * 100 have z = 10 x (0.2, -0.2, 0) = (2, -2, 0), phi = 8/3; n phi - (n - 1) = 6; w = E = 100,
 * sum w - sum w^2 / sum w = 300 - 100 = 200, tau^2 = 0.03. Limits at E = 100, 95%:
 * exp(-/+ 1.959964 sqrt(0.01 + 0.03)) = 0.6757090, 1.4799271. Tolerance 1e-9.
 */
static void shmi_overdispersion_hand_worked(void)
{
	double o[3] = {100 * exp(0.2), 100 * exp(-0.2), 100}, e[3] = {100, 100, 100}, w[3];
	struct stats_funnel_od od;
	struct stats_funnel_limits l;

	CHECK_INT(stats_funnel_od_estimate(o, e, 3, STATS_FUNNEL_OD_SHMI, 1, 0, NULL, NULL, w, 3,
					   &od),
		  STATS_OK);
	CHECK_NEAR(od.phi, 8.0 / 3, 1e-9);
	CHECK_NEAR(od.tau2, 0.03, 1e-9);
	CHECK_INT(od.n_used, 3);
	CHECK_INT(stats_funnel_od_limits(STATS_FUNNEL_OD_SHMI, 1, 100, od.tau2, 0.95, &l),
		  STATS_OK);
	CHECK_NEAR(l.lower, 0.6757089811, 1e-9);
	CHECK_NEAR(l.upper, 1.4799270513, 1e-9);
	/* z = (1, -1, 0): phi = 2/3 and n phi = n - 1 exactly: tau^2 = 0. */
	o[0] = 100 * exp(0.1);
	o[1] = 100 * exp(-0.1);
	CHECK_INT(stats_funnel_od_estimate(o, e, 3, STATS_FUNNEL_OD_SHMI, 1, 0, NULL, NULL, w, 3,
					   &od),
		  STATS_OK);
	CHECK_NEAR(od.phi, 2.0 / 3, 1e-9);
	CHECK_NEAR(od.tau2, 0, 1e-12);
}

/*
 * SHMI truncation by hand: ten units, E = 100, O = 100 e^(k/10) for k = -5..4, so z = k.
 * Tenths floor(rank 10 / 11): rank 1 -> 0 and rank 10 -> 9 are dropped, ranks 2..9 -> 1..8
 * kept. Kept z = -4..3: sum z^2 = 44, n = 8, phi = 5.5; w = 100 each, so
 * tau^2 = (44 - 7) / (800 - 100) = 37/700. Tolerance 1e-9.
 */
static void shmi_truncation_hand_worked(void)
{
	double o[10], e[10], z[10], w[10];
	int tr[10];
	struct stats_funnel_od od;

	for (int k = -5; k <= 4; k++) {
		o[k + 5] = 100 * exp(k / 10.0);
		e[k + 5] = 100;
	}
	CHECK_INT(
		stats_funnel_od_estimate(o, e, 10, STATS_FUNNEL_OD_SHMI, 1, 0.1, z, tr, w, 10, &od),
		STATS_OK);
	CHECK_INT(od.n_used, 8);
	CHECK_NEAR(od.phi, 5.5, 1e-9);
	CHECK_NEAR(od.tau2, 37.0 / 700, 1e-9);
	CHECK_NEAR(od.z_lo, -4, 1e-9);
	CHECK_NEAR(od.z_hi, 3, 1e-9);
	for (int i = 0; i < 10; i++) {
		CHECK_NEAR(z[i], i - 5, 1e-9);
		CHECK_INT(tr[i], i == 0 || i == 9);
	}
}

/*
 * CQC winsorisation by hand: ten units, E = 100, O = (10 + k)^2 for k = -5..4, so
 * z = 2 (sqrt O - 10) = 2k = -10, -8, ..., 8. Type 7 quantiles: 10% at h = 0.9,
 * -10 + 0.9 x 2 = -8.2; 90% at h = 8.1, 6 + 0.1 x 2 = 6.2. Winsorised squares:
 * 67.24 + 64 + 36 + 16 + 4 + 0 + 4 + 16 + 36 + 38.44 = 281.68, phi = 28.168;
 * w = 1/s^2 = 4E = 400, sum w - sum w^2 / sum w = 4000 - 400 = 3600,
 * tau^2 = (281.68 - 9) / 3600 = 0.0757444. Limits at E = 100 with tau^2 = 0.0075 (the
 * three-unit case z = 2, -2, 0: phi = 8/3, tau^2 = 6 / (1200 - 400)): sd = sqrt(0.0025 +
 * 0.0075) = 0.1, (1 -/+ 0.1959964)^2 = 0.6464218, 1.4304074. Tolerance 1e-9.
 */
static void cqc_winsorisation_hand_worked(void)
{
	double o[10], e[10], w[10];
	int tr[10];
	struct stats_funnel_od od;
	struct stats_funnel_limits l;

	for (int k = -5; k <= 4; k++) {
		o[k + 5] = (10 + k) * (10 + k);
		e[k + 5] = 100;
	}
	CHECK_INT(stats_funnel_od_estimate(o, e, 10, STATS_FUNNEL_OD_CQC, 1, 0.1, NULL, tr, w, 10,
					   &od),
		  STATS_OK);
	CHECK_INT(od.n_used, 10);
	CHECK_NEAR(od.z_lo, -8.2, 1e-9);
	CHECK_NEAR(od.z_hi, 6.2, 1e-9);
	CHECK_NEAR(od.phi, 28.168, 1e-9);
	CHECK_NEAR(od.tau2, 272.68 / 3600, 1e-9);
	for (int i = 0; i < 10; i++)
		CHECK_INT(tr[i], i == 0 || i == 9);

	o[0] = 121;
	o[1] = 81;
	o[2] = 100;
	CHECK_INT(
		stats_funnel_od_estimate(o, e, 3, STATS_FUNNEL_OD_CQC, 1, 0, NULL, NULL, w, 3, &od),
		STATS_OK);
	CHECK_NEAR(od.phi, 8.0 / 3, 1e-9);
	CHECK_NEAR(od.tau2, 0.0075, 1e-9);
	CHECK_INT(stats_funnel_od_limits(STATS_FUNNEL_OD_CQC, 1, 100, od.tau2, 0.95, &l), STATS_OK);
	CHECK_NEAR(l.lower, 0.6464217913, 1e-9);
	CHECK_NEAR(l.upper, 1.4304073851, 1e-9);
}

/*
 * Proportions on the arcsine scale by hand: target 0.5, N = 100, tau^2 = 0: asin(sqrt 0.5)
 * = pi/4, sd = 1/(2 sqrt 100) = 0.05, limits sin^2(pi/4 -/+ 0.0979982) = (1 -/+ sin
 * 0.1959964) / 2 = 0.4026507, 0.5973493 (sin^2(pi/4 + d) = (1 + sin 2d) / 2). Near 0 the
 * angle crosses 0 and the lower limit is 0. Two units 30 of 100 and 70 of 100 around 0.5 have
 * z = 20 (asin(sqrt 0.3) - pi/4) and its negative. Tolerance 1e-12.
 */
static void prop_arcsine_hand_worked(void)
{
	struct stats_funnel_limits l;
	double x[2] = {30, 70}, n[2] = {100, 100}, z[2], w[2], d = asin(sqrt(0.3)) - asin(1.0) / 2;
	struct stats_funnel_od od;

	CHECK_INT(stats_funnel_od_limits(STATS_FUNNEL_OD_PROP, 0.5, 100, 0, 0.95, &l), STATS_OK);
	CHECK_NEAR(l.lower, (1 - sin(2 * 1.959963984540054 * 0.05)) / 2, 1e-12);
	CHECK_NEAR(l.upper, (1 + sin(2 * 1.959963984540054 * 0.05)) / 2, 1e-12);
	CHECK_INT(stats_funnel_od_limits(STATS_FUNNEL_OD_PROP, 0.01, 4, 0, 0.95, &l), STATS_OK);
	CHECK_NEAR(l.lower, 0, 0);
	CHECK_INT(
		stats_funnel_od_estimate(x, n, 2, STATS_FUNNEL_OD_PROP, 0.5, 0, z, NULL, w, 2, &od),
		STATS_OK);
	CHECK_NEAR(z[0], 20 * d, 1e-12);
	CHECK_NEAR(z[1], -20 * d, 1e-12);
	CHECK_NEAR(od.phi, 400 * d * d, 1e-12);
}

/* Identical units are no error: z = 0 for all, phi = 0 and tau^2 = 0, every method. */
static void od_identical_units_give_zero(void)
{
	double o[5] = {50, 50, 50, 50, 50}, e[5] = {100, 100, 100, 100, 100}, w[5];
	struct stats_funnel_od od;

	CHECK_INT(stats_funnel_od_estimate(o, e, 5, STATS_FUNNEL_OD_SHMI, 0.5, 0.1, NULL, NULL, w,
					   5, &od),
		  STATS_OK);
	CHECK_NEAR(od.phi, 0, 1e-15);
	CHECK_NEAR(od.tau2, 0, 0);
	CHECK_INT(od.n_used, 5); /* tied ranks are all (n + 1)/2: the middle tenth, kept */
	CHECK_INT(stats_funnel_od_estimate(o, e, 5, STATS_FUNNEL_OD_CQC, 0.5, 0.1, NULL, NULL, w, 5,
					   &od),
		  STATS_OK);
	CHECK_NEAR(od.phi, 0, 1e-15);
	CHECK_NEAR(od.tau2, 0, 0);
	CHECK_INT(stats_funnel_od_estimate(o, e, 5, STATS_FUNNEL_OD_PROP, 0.5, 0.1, NULL, NULL, w,
					   5, &od),
		  STATS_OK);
	CHECK_NEAR(od.phi, 0, 1e-15);
	CHECK_NEAR(od.tau2, 0, 0);
}

/*
 * PHE's neat axis by hand. MIN = MAX = 105264 (max <= 2 min): 0.95 x 105264 = 100000.8,
 * floor 100000 (6 digits), keep the leading one: 100000. 1.05 x 105264 = 110527.2, ceiling
 * 110528, keep two leading digits rounding up: 120000. MIN = 10, MAX = 100: max > 2 min so
 * the axis starts at 0; 105 (3 digits) rounds up to 110. Then 5 points from 1 to 110:
 * 110^(1/4) = 3.24 -> 3; (110/3)^(1/3) 3 = 9.97 -> 10; (11)^(1/2) 10 = 33.2 -> 33; 110.
 * Exact.
 */
static void axis_hand_worked(void)
{
	double lo, hi, x[5];

	CHECK_INT(stats_funnel_axis_range(105264, 105264, &lo, &hi), STATS_OK);
	CHECK_NEAR(lo, 100000, 0);
	CHECK_NEAR(hi, 120000, 0);
	CHECK_INT(stats_funnel_axis_range(10, 100, &lo, &hi), STATS_OK);
	CHECK_NEAR(lo, 0, 0);
	CHECK_NEAR(hi, 110, 0);
	CHECK_INT(stats_funnel_axis_points(lo, hi, 5, STATS_FUNNEL_AXIS_PROPORTION, x), STATS_OK);
	CHECK_NEAR(x[0], 1, 0);
	CHECK_NEAR(x[1], 3, 0);
	CHECK_NEAR(x[2], 10, 0);
	CHECK_NEAR(x[3], 33, 0);
	CHECK_NEAR(x[4], 110, 0);
}

/* ---- Bad input: each refusal and its documented code ----------------------------------- */

static const enum stats_funnel_od_method od_methods[3] = {STATS_FUNNEL_OD_SHMI, STATS_FUNNEL_OD_CQC,
							  STATS_FUNNEL_OD_PROP};

/* A denominator (N, E, population, DEN) of 0 or below: STATS_EDOM everywhere. */
static void funnel_refuses_zero_or_negative_denominators(void)
{
	double x[2] = {1, 2}, zero[2] = {10, 0}, neg[2] = {10, -1}, w[2], a;
	struct stats_funnel_limits l;
	struct stats_funnel_od od;
	int c;

	for (double d = 0; d >= -10; d -= 10) {
		CHECK_INT(stats_funnel_prop_limits(0.5, d, 0.95, STATS_FUNNEL_PROP_WILSON, &l),
			  STATS_EDOM);
		CHECK_INT(stats_funnel_prop_limits(0.5, d, 0.95, STATS_FUNNEL_PROP_EXACT, &l),
			  STATS_EDOM);
		CHECK_INT(stats_funnel_prop_classify(0, d, 0.5, levels2, 2,
						     STATS_FUNNEL_PROP_WILSON, &c),
			  STATS_EDOM);
		CHECK_INT(stats_funnel_ratio_limits(d, 0.95, &l), STATS_EDOM);
		CHECK_INT(stats_funnel_rate_limits(0.01, d, 0.95, &l), STATS_EDOM);
		CHECK_INT(stats_funnel_poisson_classify(5, d, 1, levels2, 2, &c), STATS_EDOM);
		for (size_t m = 0; m < 3; m++)
			CHECK_INT(stats_funnel_od_limits(od_methods[m], 0.5, d, 0.01, 0.95, &l),
				  STATS_EDOM);
	}
	CHECK_INT(stats_funnel_baseline(x, zero, 2, &a), STATS_EDOM);
	CHECK_INT(stats_funnel_baseline(x, neg, 2, &a), STATS_EDOM);
	for (size_t m = 0; m < 3; m++) {
		CHECK_INT(stats_funnel_od_estimate(x, zero, 2, od_methods[m], 0.5, 0, NULL, NULL, w,
						   2, &od),
			  STATS_EDOM);
		CHECK_INT(stats_funnel_od_estimate(x, neg, 2, od_methods[m], 0.5, 0, NULL, NULL, w,
						   2, &od),
			  STATS_EDOM);
	}
	/* A rate of 0 or below has no derived denominator, nor does a multiplier of 0. */
	CHECK_INT(stats_funnel_rate_denominator(5, 0, 1e5, &a), STATS_EDOM);
	CHECK_INT(stats_funnel_rate_denominator(5, -2, 1e5, &a), STATS_EDOM);
	CHECK_INT(stats_funnel_rate_denominator(5, 100, 0, &a), STATS_EDOM);
	CHECK_INT(stats_funnel_rate_limits(0, 1000, 0.95, &l), STATS_EDOM);
}

/* Negative numerators, and zero events where a value is divided by them. */
static void funnel_refuses_negative_or_unusable_numerators(void)
{
	double x[2] = {-1, 2}, n[2] = {10, 10}, zero[2] = {0, 20}, e[2] = {12, 25}, w[2], a, b;
	struct stats_funnel_od od;
	int c;

	CHECK_INT(stats_funnel_baseline(x, n, 2, &a), STATS_EDOM);
	CHECK_INT(stats_funnel_prop_classify(-1, 10, 0.5, levels2, 2, STATS_FUNNEL_PROP_WILSON, &c),
		  STATS_EDOM);
	CHECK_INT(stats_funnel_poisson_classify(-1, 4, 1, levels2, 2, &c), STATS_EDOM);
	CHECK_INT(stats_funnel_poisson_classify(5.5, 4, 1, levels2, 2, &c), STATS_EDOM);
	CHECK_INT(stats_funnel_poisson_expected(-1, 0.95, &a, &b), STATS_EDOM);
	for (size_t m = 0; m < 3; m++)
		CHECK_INT(stats_funnel_od_estimate(x, n, 2, od_methods[m], 0.5, 0, NULL, NULL, w, 2,
						   &od),
			  STATS_EDOM);
	/* ln(0/E): the SHMI z-score does not exist; the other scales take zero events. */
	CHECK_INT(stats_funnel_od_estimate(zero, e, 2, STATS_FUNNEL_OD_SHMI, 1, 0, NULL, NULL, w, 2,
					   &od),
		  STATS_EDOM);
	CHECK_INT(stats_funnel_od_estimate(zero, e, 2, STATS_FUNNEL_OD_CQC, 1, 0, NULL, NULL, w, 2,
					   &od),
		  STATS_OK);
	CHECK_INT(stats_funnel_od_estimate(zero, e, 2, STATS_FUNNEL_OD_PROP, 0.5, 0, NULL, NULL, w,
					   2, &od),
		  STATS_OK);
	/* No events: no derived rate denominator (the real population is needed). */
	CHECK_INT(stats_funnel_rate_denominator(0, 100, 1e5, &a), STATS_EDOM);
}

/* A proportion's numerator above its denominator: STATS_EDOM. */
static void proportions_refuse_numerator_above_denominator(void)
{
	double x[3] = {5, 11, 3}, n[3] = {10, 10, 10}, w[3];
	struct stats_funnel_od od;
	int c = 42;

	CHECK_INT(stats_funnel_prop_classify(11, 10, 0.5, levels2, 2, STATS_FUNNEL_PROP_WILSON, &c),
		  STATS_EDOM);
	CHECK_INT(
		stats_funnel_prop_classify(10.5, 10, 0.5, levels2, 2, STATS_FUNNEL_PROP_EXACT, &c),
		STATS_EDOM);
	CHECK_INT(c, 42); /* untouched on error */
	CHECK_INT(stats_funnel_od_estimate(x, n, 3, STATS_FUNNEL_OD_PROP, 0.5, 0.1, NULL, NULL, w,
					   3, &od),
		  STATS_EDOM);
	/* X = N is a proportion of 1, which is fine. */
	CHECK_INT(stats_funnel_prop_classify(10, 10, 0.5, levels2, 2, STATS_FUNNEL_PROP_WILSON, &c),
		  STATS_OK);
	CHECK_INT(c, STATS_FUNNEL_HIGH_OUTER);
}

/* NaN or infinity in any input: STATS_EDOM (STATS_ERANGE where it is a level or trim). */
static void funnel_refuses_nan_and_infinity(void)
{
	static const double bad[3] = {NAN, INFINITY, -INFINITY};
	struct stats_funnel_limits l, lim[1] = {{0.9, 1.1}};
	struct stats_funnel_od od;
	double a, b, w[2];
	int c;

	for (size_t i = 0; i < 3; i++) {
		double v = bad[i], one[2] = {v, 2}, ok[2] = {10, 20};

		CHECK_INT(stats_funnel_baseline(one, ok, 2, &a), STATS_EDOM);
		CHECK_INT(stats_funnel_baseline(ok, one, 2, &a), STATS_EDOM);
		CHECK_INT(stats_funnel_prop_limits(v, 10, 0.95, STATS_FUNNEL_PROP_WILSON, &l),
			  STATS_EDOM);
		CHECK_INT(stats_funnel_prop_limits(0.5, v, 0.95, STATS_FUNNEL_PROP_WILSON, &l),
			  STATS_EDOM);
		CHECK_INT(stats_funnel_prop_classify(v, 10, 0.5, levels2, 2,
						     STATS_FUNNEL_PROP_WILSON, &c),
			  STATS_EDOM);
		CHECK_INT(stats_funnel_ratio_limits(v, 0.95, &l), STATS_EDOM);
		CHECK_INT(stats_funnel_rate_limits(v, 100, 0.95, &l), STATS_EDOM);
		CHECK_INT(stats_funnel_rate_limits(0.01, v, 0.95, &l), STATS_EDOM);
		CHECK_INT(stats_funnel_poisson_expected(v, 0.95, &a, &b), STATS_EDOM);
		CHECK_INT(stats_funnel_rate_denominator(v, 100, 1e5, &a), STATS_EDOM);
		CHECK_INT(stats_funnel_rate_denominator(5, v, 1e5, &a), STATS_EDOM);
		CHECK_INT(stats_funnel_rate_denominator(5, 100, v, &a), STATS_EDOM);
		CHECK_INT(stats_funnel_classify(v, lim, 1, &c), STATS_EDOM);
		CHECK_INT(stats_funnel_poisson_classify(v, 4, 1, levels2, 2, &c), STATS_EDOM);
		CHECK_INT(stats_funnel_poisson_classify(5, v, 1, levels2, 2, &c), STATS_EDOM);
		CHECK_INT(stats_funnel_poisson_classify(5, 4, v, levels2, 2, &c), STATS_EDOM);
		for (size_t m = 0; m < 3; m++) {
			CHECK_INT(stats_funnel_od_estimate(one, ok, 2, od_methods[m], 0.5, 0, NULL,
							   NULL, w, 2, &od),
				  STATS_EDOM);
			CHECK_INT(stats_funnel_od_estimate(ok, one, 2, od_methods[m], 0.5, 0, NULL,
							   NULL, w, 2, &od),
				  STATS_EDOM);
			CHECK_INT(stats_funnel_od_estimate(ok, ok, 2, od_methods[m], v, 0, NULL,
							   NULL, w, 2, &od),
				  STATS_EDOM);
			CHECK_INT(stats_funnel_od_estimate(ok, ok, 2, od_methods[m], 0.5, v, NULL,
							   NULL, w, 2, &od),
				  STATS_ERANGE);
			CHECK_INT(stats_funnel_od_limits(od_methods[m], v, 40, 0.01, 0.95, &l),
				  STATS_EDOM);
			CHECK_INT(stats_funnel_od_limits(od_methods[m], 0.5, v, 0.01, 0.95, &l),
				  STATS_EDOM);
			CHECK_INT(stats_funnel_od_limits(od_methods[m], 0.5, 40, v, 0.95, &l),
				  STATS_EDOM);
		}
		CHECK_INT(stats_funnel_axis_range(v, 10, &a, &b), STATS_EDOM);
		CHECK_INT(stats_funnel_axis_range(1, v, &a, &b), STATS_EDOM);
	}
	/* A limit may be infinite (nothing lies beyond it) but not NaN. */
	lim[0].upper = INFINITY;
	CHECK_INT(stats_funnel_classify(1e300, lim, 1, &c), STATS_OK);
	CHECK_INT(c, STATS_FUNNEL_WITHIN);
	lim[0].upper = NAN;
	CHECK_INT(stats_funnel_classify(1, lim, 1, &c), STATS_EDOM);
}

/* Levels must lie in (0, 1), and several must ascend: STATS_ERANGE. */
static void funnel_refuses_levels_outside_unit_interval(void)
{
	static const double bad[5] = {0, 1, -0.5, 1.5, NAN};
	static const double desc[2] = {0.998, 0.95}, same[2] = {0.95, 0.95};
	struct stats_funnel_limits l;
	double a, b;
	int c;

	for (size_t i = 0; i < 5; i++) {
		double v = bad[i], lv[2] = {0.95, v};

		CHECK_INT(stats_funnel_prop_limits(0.5, 10, v, STATS_FUNNEL_PROP_WILSON, &l),
			  STATS_ERANGE);
		CHECK_INT(stats_funnel_prop_limits(0.5, 10, v, STATS_FUNNEL_PROP_EXACT, &l),
			  STATS_ERANGE);
		CHECK_INT(stats_funnel_ratio_limits(10, v, &l), STATS_ERANGE);
		CHECK_INT(stats_funnel_rate_limits(0.01, 1000, v, &l), STATS_ERANGE);
		CHECK_INT(stats_funnel_poisson_expected(5, v, &a, &b), STATS_ERANGE);
		CHECK_INT(stats_funnel_poisson_classify(5, 4, 1, lv, 2, &c), STATS_ERANGE);
		CHECK_INT(
			stats_funnel_prop_classify(5, 10, 0.5, lv, 2, STATS_FUNNEL_PROP_WILSON, &c),
			STATS_ERANGE);
		for (size_t m = 0; m < 3; m++)
			CHECK_INT(stats_funnel_od_limits(od_methods[m], 0.5, 40, 0.01, v, &l),
				  STATS_ERANGE);
	}
	CHECK_INT(stats_funnel_poisson_classify(5, 4, 1, desc, 2, &c), STATS_ERANGE);
	CHECK_INT(stats_funnel_poisson_classify(5, 4, 1, same, 2, &c), STATS_ERANGE);
	CHECK_INT(stats_funnel_poisson_classify(5, 4, 1, levels2, 0, &c), STATS_ERANGE);
	CHECK_INT(stats_funnel_prop_classify(5, 10, 0.5, desc, 2, STATS_FUNNEL_PROP_WILSON, &c),
		  STATS_ERANGE);
	CHECK_INT(stats_funnel_prop_classify(5, 10, 0.5, levels2, 0, STATS_FUNNEL_PROP_WILSON, &c),
		  STATS_ERANGE);
}

/* Targets outside their range: a proportion outside [0, 1] (or (0, 1) for the arcsine scale),
 * a ratio or rate target of 0 or below: STATS_EDOM. */
static void funnel_refuses_targets_out_of_range(void)
{
	double o[2] = {10, 20}, e[2] = {12, 25}, w[2];
	struct stats_funnel_limits l;
	struct stats_funnel_od od;
	int c;

	CHECK_INT(stats_funnel_prop_limits(1.1, 10, 0.95, STATS_FUNNEL_PROP_WILSON, &l),
		  STATS_EDOM);
	CHECK_INT(stats_funnel_prop_limits(-0.1, 10, 0.95, STATS_FUNNEL_PROP_EXACT, &l),
		  STATS_EDOM);
	CHECK_INT(stats_funnel_prop_classify(5, 10, 1.5, levels2, 2, STATS_FUNNEL_PROP_WILSON, &c),
		  STATS_EDOM);
	CHECK_INT(stats_funnel_poisson_classify(5, 4, 0, levels2, 2, &c), STATS_EDOM);
	CHECK_INT(stats_funnel_od_estimate(o, e, 2, STATS_FUNNEL_OD_SHMI, 0, 0, NULL, NULL, w, 2,
					   &od),
		  STATS_EDOM);
	CHECK_INT(stats_funnel_od_estimate(o, e, 2, STATS_FUNNEL_OD_CQC, -1, 0, NULL, NULL, w, 2,
					   &od),
		  STATS_EDOM);
	CHECK_INT(stats_funnel_od_estimate(o, e, 2, STATS_FUNNEL_OD_PROP, 1, 0, NULL, NULL, w, 2,
					   &od),
		  STATS_EDOM);
	CHECK_INT(stats_funnel_od_estimate(o, e, 2, STATS_FUNNEL_OD_PROP, 0, 0, NULL, NULL, w, 2,
					   &od),
		  STATS_EDOM);
	CHECK_INT(stats_funnel_od_limits(STATS_FUNNEL_OD_SHMI, 0, 40, 0.01, 0.95, &l), STATS_EDOM);
	CHECK_INT(stats_funnel_od_limits(STATS_FUNNEL_OD_PROP, 1, 40, 0.01, 0.95, &l), STATS_EDOM);
	CHECK_INT(stats_funnel_od_limits(STATS_FUNNEL_OD_SHMI, 1, 40, -0.01, 0.95, &l), STATS_EDOM);
}

/*
 * Overdispersion needs two units in phi and tau^2: N of 0 or 1 is refused, and so is a trim
 * that keeps fewer than two (45% of two units: tenths floor(r 2.22 / 3) = 0, 1, one kept).
 * The outputs are untouched on error.
 */
static void od_refuses_fewer_than_two_units(void)
{
	double o[2] = {10, 20}, e[2] = {12, 18}, w[2], z[2] = {7, 7};
	int tr[2] = {7, 7};
	struct stats_funnel_od od = {.phi = 7};

	for (size_t m = 0; m < 3; m++) {
		CHECK_INT(stats_funnel_od_estimate(o, e, 0, od_methods[m], 0.5, 0.1, z, tr, w, 2,
						   &od),
			  STATS_EDOM);
		CHECK_INT(stats_funnel_od_estimate(o, e, 1, od_methods[m], 0.5, 0.1, z, tr, w, 2,
						   &od),
			  STATS_EDOM);
	}
	CHECK_INT(
		stats_funnel_od_estimate(o, e, 2, STATS_FUNNEL_OD_SHMI, 1, 0.45, z, tr, w, 2, &od),
		STATS_EDOM);
	CHECK_NEAR(z[0], 7, 0);
	CHECK_INT(tr[1], 7);
	CHECK_NEAR(od.phi, 7, 0);
	/* Two units are enough with no trimming. */
	CHECK_INT(stats_funnel_od_estimate(o, e, 2, STATS_FUNNEL_OD_SHMI, 1, 0, z, tr, w, 2, &od),
		  STATS_OK);
	CHECK_INT(od.n_used, 2);
}

/* Workspace shorter than N: STATS_ENOMEM; unknown methods and trims outside [0, 0.5):
 * STATS_ERANGE. */
static void od_refuses_small_workspace_and_bad_parameters(void)
{
	double o[4] = {10, 20, 30, 40}, e[4] = {12, 25, 33, 41}, w[4];
	struct stats_funnel_limits l;
	struct stats_funnel_od od;

	for (size_t m = 0; m < 3; m++) {
		CHECK_INT(stats_funnel_od_estimate(o, e, 4, od_methods[m], 0.5, 0.1, NULL, NULL, w,
						   3, &od),
			  STATS_ENOMEM);
		CHECK_INT(stats_funnel_od_estimate(o, e, 4, od_methods[m], 0.5, -0.1, NULL, NULL, w,
						   4, &od),
			  STATS_ERANGE);
		CHECK_INT(stats_funnel_od_estimate(o, e, 4, od_methods[m], 0.5, 0.5, NULL, NULL, w,
						   4, &od),
			  STATS_ERANGE);
	}
	CHECK_INT(stats_funnel_od_estimate(o, e, 4, (enum stats_funnel_od_method)9, 1, 0.1, NULL,
					   NULL, w, 4, &od),
		  STATS_ERANGE);
	CHECK_INT(stats_funnel_od_limits((enum stats_funnel_od_method)9, 1, 40, 0.01, 0.95, &l),
		  STATS_ERANGE);
	CHECK_INT(stats_funnel_prop_limits(0.5, 10, 0.95, (enum stats_funnel_prop_method)7, &l),
		  STATS_ERANGE);
	/* The exact binomial needs a whole N within GSL's unsigned range. */
	CHECK_INT(stats_funnel_prop_limits(0.5, 10.5, 0.95, STATS_FUNNEL_PROP_EXACT, &l),
		  STATS_EDOM);
	CHECK_INT(stats_funnel_prop_limits(0.5, 1e10, 0.95, STATS_FUNNEL_PROP_EXACT, &l),
		  STATS_EDOM);
}

/* Classification needs limits that are ordered and nested: STATS_ERANGE. */
static void classify_refuses_crossed_or_unnested_limits(void)
{
	struct stats_funnel_limits ok[2] = {{0.9, 1.1}, {0.8, 1.2}}, crossed = {1.1, 0.9};
	struct stats_funnel_limits unnested[2] = {{0.8, 1.2}, {0.9, 1.1}};
	int c;

	CHECK_INT(stats_funnel_classify(1, ok, 0, &c), STATS_ERANGE);
	CHECK_INT(stats_funnel_classify(1, &crossed, 1, &c), STATS_ERANGE);
	CHECK_INT(stats_funnel_classify(1, unnested, 2, &c), STATS_ERANGE);
	CHECK_INT(stats_funnel_classify(1.15, ok, 2, &c), STATS_OK);
	CHECK_INT(c, STATS_FUNNEL_HIGH_INNER);
}

/* PHE axis helpers: empty or inverted ranges, too few points, unknown kinds. */
static void axis_refuses_bad_ranges(void)
{
	double lo, hi, x[4];

	CHECK_INT(stats_funnel_axis_range(0, 10, &lo, &hi), STATS_EDOM);
	CHECK_INT(stats_funnel_axis_range(-1, 10, &lo, &hi), STATS_EDOM);
	CHECK_INT(stats_funnel_axis_range(20, 10, &lo, &hi), STATS_EDOM);
	CHECK_INT(stats_funnel_axis_range(1, 1e15, &lo, &hi), STATS_EDOM);
	CHECK_INT(stats_funnel_axis_points(0, 100, 1, STATS_FUNNEL_AXIS_RATE, x), STATS_EDOM);
	CHECK_INT(stats_funnel_axis_points(-1, 100, 4, STATS_FUNNEL_AXIS_RATE, x), STATS_EDOM);
	CHECK_INT(stats_funnel_axis_points(0, 0.5, 4, STATS_FUNNEL_AXIS_RATE, x), STATS_EDOM);
	CHECK_INT(stats_funnel_axis_points(0, NAN, 4, STATS_FUNNEL_AXIS_RATE, x), STATS_EDOM);
	CHECK_INT(stats_funnel_axis_points(0, 100, 4, (enum stats_funnel_axis_kind)5, x),
		  STATS_ERANGE);
	/* Too few points for the range: each still moves on by at least 1. */
	CHECK_INT(stats_funnel_axis_points(0, 2, 4, STATS_FUNNEL_AXIS_PROPORTION, x), STATS_OK);
	CHECK_NEAR(x[3], 4, 0);
}

/* An empty table has no baseline. */
static void baseline_refuses_empty_table(void)
{
	double x[1] = {1}, n[1] = {10}, av = 7;

	CHECK_INT(stats_funnel_baseline(x, n, 0, &av), STATS_EDOM);
	CHECK_NEAR(av, 7, 0);
	CHECK_INT(stats_funnel_baseline(x, n, 1, &av), STATS_OK);
	CHECK_NEAR(av, 0.1, 1e-15);
}

/*
 * Quantile-based SHMI overdispersion, worked by hand. E = 100 for every unit, so z = 10 ln(O/100)
 * and O = 100 exp(z / 10) gives the z-scores chosen: -4, -3, 0, 3, 5. With n = 5 and 10% tails,
 * R's type 7 puts q_lo at h = 0.4 between -4 and -3 (-3.6) and q_hi at h = 3.6 between 3 and 5
 * (3 + 0.6 x 2 = 4.2).
 *   Trim keeps -3, 0, 3: phi = 18/3 = 6; tau^2 = (3 x 6 - 2) / (300 - 30000/300) = 16/200.
 *   Winsor clamps to -3.6, -3, 0, 3, 4.2: sum z^2 = 12.96 + 9 + 0 + 9 + 17.64 = 48.6,
 *   phi = 9.72, tau^2 = (48.6 - 4) / (500 - 50000/500) = 44.6/400.
 * A sixth unit with O = 0 (z = -inf) sorts first; q_lo (h = 0.5) is next to it, so -inf, and
 * q_hi (h = 4.5) = 3 + 0.5 x 2 = 4. Trim keeps -4, -3, 0, 3: phi = 34/4 = 8.5, tau^2 =
 * (34 - 3) / (400 - 40000/400) = 31/300. Winsor leaves the -inf unit out (no clamp can make
 * it finite) and clamps 5 to 4: sum z^2 = 16 + 9 + 0 + 9 + 16 = 50, tau^2 = 46/400.
 */
static void shmi_quantile_od_worked_by_hand(void)
{
	const double zs[6] = { -4, -3, 0, 3, 5, 0 };
	double o[6], e[6], work[6], z[6];
	int kept[6];
	struct stats_funnel_od od;

	for (int i = 0; i < 6; i++) {
		e[i] = 100;
		o[i] = 100 * exp(zs[i] / 10);
	}
	CHECK_INT(stats_funnel_od_shmi_quantile(o, e, 5, 0.1, STATS_FUNNEL_TAILS_TRIM, z, kept, work,
						6, &od), STATS_OK);
	CHECK_NEAR(od.phi, 6, 1e-12);
	CHECK_NEAR(od.tau2, 16.0 / 200, 1e-12);
	CHECK_INT(od.n_used, 3);
	CHECK_INT(kept[0] + 2 * kept[4], 0);
	CHECK_NEAR(z[4], 5, 1e-12);
	CHECK_INT(stats_funnel_od_shmi_quantile(o, e, 5, 0.1, STATS_FUNNEL_TAILS_WINSOR, NULL, NULL,
						work, 6, &od), STATS_OK);
	CHECK_NEAR(od.phi, 9.72, 1e-12);
	CHECK_NEAR(od.tau2, 44.6 / 400, 1e-12);
	CHECK_NEAR(od.z_lo, -3.6, 1e-12);
	CHECK_NEAR(od.z_hi, 4.2, 1e-12);
	o[5] = 0;
	CHECK_INT(stats_funnel_od_shmi_quantile(o, e, 6, 0.1, STATS_FUNNEL_TAILS_TRIM, z, kept, work,
						6, &od), STATS_OK);
	CHECK(isinf(z[5]) && z[5] < 0);
	CHECK_INT(kept[5], 0);
	CHECK_NEAR(od.phi, 8.5, 1e-12);
	CHECK_NEAR(od.tau2, 31.0 / 300, 1e-12);
	CHECK_INT(stats_funnel_od_shmi_quantile(o, e, 6, 0.1, STATS_FUNNEL_TAILS_WINSOR, NULL, kept,
						work, 6, &od), STATS_OK);
	CHECK_INT(kept[5], 0);
	CHECK_INT(od.n_used, 5);
	CHECK_NEAR(od.tau2, 46.0 / 400, 1e-12);
	/* Errors: a negative count, E of 0, NaN, a short workspace, bad trim or tails. */
	o[5] = -1;
	CHECK_INT(stats_funnel_od_shmi_quantile(o, e, 6, 0.1, 0, NULL, NULL, work, 6, &od),
		  STATS_EDOM);
	o[5] = 0;
	e[2] = 0;
	CHECK_INT(stats_funnel_od_shmi_quantile(o, e, 6, 0.1, 0, NULL, NULL, work, 6, &od),
		  STATS_EDOM);
	e[2] = NAN;
	CHECK_INT(stats_funnel_od_shmi_quantile(o, e, 6, 0.1, 0, NULL, NULL, work, 6, &od),
		  STATS_EDOM);
	e[2] = 100;
	CHECK_INT(stats_funnel_od_shmi_quantile(o, e, 6, 0.1, 0, NULL, NULL, work, 5, &od),
		  STATS_ENOMEM);
	CHECK_INT(stats_funnel_od_shmi_quantile(o, e, 6, 0.5, 0, NULL, NULL, work, 6, &od),
		  STATS_ERANGE);
	CHECK_INT(stats_funnel_od_shmi_quantile(o, e, 6, 0.1, 7, NULL, NULL, work, 6, &od),
		  STATS_ERANGE);
	/* Every unit without events: nothing finite to keep. */
	for (int i = 0; i < 6; i++)
		o[i] = 0;
	CHECK_INT(stats_funnel_od_shmi_quantile(o, e, 6, 0.1, 0, NULL, NULL, work, 6, &od),
		  STATS_EDOM);
}

int main(void)
{
	stats_init();
	RUN(shmi_quantile_od_worked_by_hand);
	RUN(prop_limits_match_phe_tables);
	RUN(prop_limits_match_phe_axis_variation);
	RUN(prop_significance_matches_phe);
	RUN(ratio_limits_match_phe_tables);
	RUN(ratio_significance_matches_phe);
	RUN(rate_limits_match_phe_dsr);
	RUN(rate_limits_match_phe_crude_few_events);
	RUN(rate_limits_match_phe_crude_zero_events);
	RUN(rate_points_match_phe);
	RUN(rate_significance_matches_phe);
	RUN(funnelplotr_cases_are_all_checked);
	RUN(ratio_limits_match_funnelplotr);
	RUN(shmi_phi_matches_funnelplotr);
	RUN(aggregate_ratio_matches_funnelplotr);
	RUN(outlier_vectors_match_funnelplotr);
	RUN(medpar_worked_example_matches_funnelplotr);
	RUN(wilson_funnel_hand_worked);
	RUN(exact_binomial_hand_worked);
	RUN(poisson_limits_hand_worked);
	RUN(ratio_limits_hold_at_extreme_expected_counts);
	RUN(any_levels_nest_and_classify);
	RUN(shmi_overdispersion_hand_worked);
	RUN(shmi_truncation_hand_worked);
	RUN(cqc_winsorisation_hand_worked);
	RUN(prop_arcsine_hand_worked);
	RUN(od_identical_units_give_zero);
	RUN(axis_hand_worked);
	RUN(funnel_refuses_zero_or_negative_denominators);
	RUN(funnel_refuses_negative_or_unusable_numerators);
	RUN(proportions_refuse_numerator_above_denominator);
	RUN(funnel_refuses_nan_and_infinity);
	RUN(funnel_refuses_levels_outside_unit_interval);
	RUN(funnel_refuses_targets_out_of_range);
	RUN(od_refuses_fewer_than_two_units);
	RUN(od_refuses_small_workspace_and_bad_parameters);
	RUN(classify_refuses_crossed_or_unnested_limits);
	RUN(axis_refuses_bad_ranges);
	RUN(baseline_refuses_empty_table);
	return test_done();
}
