/*
 * Confidence intervals against every row of the published reference tables of
 * PHEindicatormethods (../shared/data/reference/pheindicatormethods: test_Prop*, test_Rate*,
 * test_Mean*), at a relative tolerance of 1e-9 (the tables print 15 significant digits), plus
 * hand-worked cases.
 */
#include <math.h>
#include <string.h>

#include "stats/ci.h"
#include "stats/stats.h"
#include "support/refcsv.h"
#include "test.h"

#define TOL 1e-9

static int loaded(struct refcsv *t, const char *rel)
{
	if (refcsv_load(t, test_data_path(rel)) == 0)
		return 1;
	CHECK(!"reference table loads");
	return 0;
}

/* test_Prop.csv: Wilson at 95% and 99.8%; rows with NA are refused with STATS_EDOM. */
static void wilson_matches_reference_table(void)
{
	struct refcsv t;
	int checked = 0;

	if (!loaded(&t, "reference/pheindicatormethods/test_Prop.csv"))
		return;
	for (size_t r = 0; r < t.nrow; r++) {
		double x = refcsv_num(&t, r, "Numerator"), n = refcsv_num(&t, r, "Denominator");
		struct stats_interval a, b;

		if (isnan(x) || isnan(n)) {
			CHECK_INT(stats_ci_wilson(x, n, 0.95, &a), STATS_EDOM);
			continue;
		}
		/* Rows with multiplier 100 are published as percentages. */
		double k = refcsv_num(&t, r, "multiplier");

		CHECK_INT(stats_ci_wilson(x, n, 0.95, &a), STATS_OK);
		CHECK_INT(stats_ci_wilson(x, n, 0.998, &b), STATS_OK);
		CHECK_NEAR(k * a.est, refcsv_num(&t, r, "value"), TOL);
		CHECK_NEAR(k * a.lower, refcsv_num(&t, r, "lower95_0cl"), TOL);
		CHECK_NEAR(k * a.upper, refcsv_num(&t, r, "upper95_0cl"), TOL);
		CHECK_NEAR(k * b.lower, refcsv_num(&t, r, "lower99_8cl"), TOL);
		CHECK_NEAR(k * b.upper, refcsv_num(&t, r, "upper99_8cl"), TOL);
		checked++;
	}
	CHECK_INT(checked, 16);
	refcsv_free(&t);
}

/* test_Prop_g_results.csv: grouped sums at 95%. */
static void wilson_matches_grouped_reference(void)
{
	struct refcsv t;

	if (!loaded(&t, "reference/pheindicatormethods/test_Prop_g_results.csv"))
		return;
	for (size_t r = 0; r < t.nrow; r++) {
		double x = refcsv_num(&t, r, "Numerator"), n = refcsv_num(&t, r, "Denominator");
		double k = refcsv_num(&t, r, "multiplier");
		struct stats_interval a;

		if (isnan(x) || isnan(n))
			continue;
		CHECK_INT(stats_ci_wilson(x, n, 0.95, &a), STATS_OK);
		CHECK_NEAR(k * a.lower, refcsv_num(&t, r, "lowercl"), TOL);
		CHECK_NEAR(k * a.upper, refcsv_num(&t, r, "uppercl"), TOL);
	}
	refcsv_free(&t);
}

/*
 * Hand-worked: 0 of 10 at 95%. With x = 0 the root is z * sqrt(z^2) = z^2, so the upper bound
 * is 2 z^2 / (2 (n + z^2)) = z^2 / (n + z^2) = 3.841459 / 13.841459 = 0.2775328; the lower is 0.
 * And 10 of 10 mirrors it: lower = 1 - 0.2775328.
 */
static void wilson_hand_worked_extremes(void)
{
	struct stats_interval a;
	double z2 = 1.959963984540054 * 1.959963984540054;

	CHECK_INT(stats_ci_wilson(0, 10, 0.95, &a), STATS_OK);
	CHECK_NEAR(a.lower, 0, 0);
	CHECK_NEAR(a.upper, z2 / (10 + z2), 1e-12);
	CHECK_NEAR(a.upper, 0.2775328, 1e-6);
	CHECK_INT(stats_ci_wilson(10, 10, 0.95, &a), STATS_OK);
	CHECK_NEAR(a.lower, 1 - 0.2775328, 1e-6);
	CHECK_NEAR(a.upper, 1, 0);
}

static void wilson_refuses_bad_input(void)
{
	struct stats_interval a;

	CHECK_INT(stats_ci_wilson(1, 0, 0.95, &a), STATS_EDOM);
	CHECK_INT(stats_ci_wilson(1, -5, 0.95, &a), STATS_EDOM);
	CHECK_INT(stats_ci_wilson(11, 10, 0.95, &a), STATS_EDOM);
	CHECK_INT(stats_ci_wilson(-1, 10, 0.95, &a), STATS_EDOM);
	CHECK_INT(stats_ci_wilson(NAN, 10, 0.95, &a), STATS_EDOM);
	CHECK_INT(stats_ci_wilson(1, INFINITY, 0.95, &a), STATS_EDOM);
	CHECK_INT(stats_ci_wilson(1, 10, 1.0, &a), STATS_ERANGE);
	CHECK_INT(stats_ci_wilson(1, 10, 0, &a), STATS_ERANGE);
	CHECK_INT(stats_ci_wilson(1, 10, NAN, &a), STATS_ERANGE);
}

/* test_Rate.csv: exact below 10 events, Byar's from 10, at 95% and 99.8%, any multiplier. */
static void rate_matches_reference_table(void)
{
	struct refcsv t;
	int checked = 0;

	if (!loaded(&t, "reference/pheindicatormethods/test_Rate.csv"))
		return;
	for (size_t r = 0; r < t.nrow; r++) {
		double o = refcsv_num(&t, r, "Numerator"), d = refcsv_num(&t, r, "Denominator");
		double k = refcsv_num(&t, r, "multiplier");
		struct stats_interval a, b;
		int exact;

		if (isnan(o) || isnan(d)) {
			CHECK(stats_ci_rate(o, d, k, 0.95, &a, NULL) == STATS_EDOM);
			continue;
		}
		CHECK_INT(stats_ci_rate(o, d, k, 0.95, &a, &exact), STATS_OK);
		CHECK_INT(stats_ci_rate(o, d, k, 0.998, &b, NULL), STATS_OK);
		CHECK_INT(exact, strcmp(refcsv_get(&t, r, "method"), "Exact") == 0);
		CHECK_NEAR(a.est, refcsv_num(&t, r, "value"), TOL);
		CHECK_NEAR(a.lower, refcsv_num(&t, r, "lower95_0cl"), TOL);
		CHECK_NEAR(a.upper, refcsv_num(&t, r, "upper95_0cl"), TOL);
		CHECK_NEAR(b.lower, refcsv_num(&t, r, "lower99_8cl"), TOL);
		CHECK_NEAR(b.upper, refcsv_num(&t, r, "upper99_8cl"), TOL);
		checked++;
	}
	CHECK_INT(checked, 17);
	refcsv_free(&t);
}

static void rate_matches_grouped_reference(void)
{
	struct refcsv t;

	if (!loaded(&t, "reference/pheindicatormethods/test_Rate_g_results.csv"))
		return;
	for (size_t r = 0; r < t.nrow; r++) {
		double o = refcsv_num(&t, r, "Numerator"), d = refcsv_num(&t, r, "Denominator");
		struct stats_interval a;

		if (isnan(o) || isnan(d))
			continue;
		CHECK_INT(stats_ci_rate(o, d, refcsv_num(&t, r, "multiplier"), 0.95, &a, NULL),
			  STATS_OK);
		CHECK_NEAR(a.lower, refcsv_num(&t, r, "lowercl"), TOL);
		CHECK_NEAR(a.upper, refcsv_num(&t, r, "uppercl"), TOL);
	}
	refcsv_free(&t);
}

/*
 * Hand-worked: 0 events at 95%. The exact upper limit solves P(X = 0 | mu) = 0.025, so
 * mu = -ln(0.025) = 3.6888794541; the lower limit is 0.
 */
static void poisson_zero_events(void)
{
	struct stats_interval a;
	int exact = 0;

	CHECK_INT(stats_ci_poisson(0, 0.95, &a, &exact), STATS_OK);
	CHECK(exact);
	CHECK_NEAR(a.lower, 0, 0);
	CHECK_NEAR(a.upper, -log(0.025), 1e-10);
}

static void poisson_refuses_bad_input(void)
{
	struct stats_interval a;

	CHECK_INT(stats_ci_poisson(-1, 0.95, &a, NULL), STATS_EDOM);
	CHECK_INT(stats_ci_poisson(2.5, 0.95, &a, NULL), STATS_EDOM);
	CHECK_INT(stats_ci_poisson(NAN, 0.95, &a, NULL), STATS_EDOM);
	CHECK_INT(stats_ci_poisson(3, 1.5, &a, NULL), STATS_ERANGE);
	CHECK_INT(stats_ci_rate(3, 0, 100, 0.95, &a, NULL), STATS_EDOM);
	CHECK_INT(stats_ci_rate(3, -10, 100, 0.95, &a, NULL), STATS_EDOM);
	CHECK_INT(stats_ci_rate(3, 10, 0, 0.95, &a, NULL), STATS_EDOM);
}

/* test_Mean.csv (raw values by area) against test_Mean_results.csv. */
static void mean_matches_reference_table(void)
{
	struct refcsv in, res;
	double x[64];

	if (!loaded(&in, "reference/pheindicatormethods/test_Mean.csv"))
		return;
	if (!loaded(&res, "reference/pheindicatormethods/test_Mean_results.csv")) {
		refcsv_free(&in);
		return;
	}
	CHECK(res.nrow >= 3);
	for (size_t r = 0; r < res.nrow; r++) {
		const char *area = refcsv_get(&res, r, "area");
		struct stats_interval a, b;
		size_t n = 0;
		double sd;

		/* "No grouping" is the mean of every value in the file. */
		for (size_t i = 0; i < in.nrow && n < 64; i++)
			if (strcmp(area, "No grouping") == 0 ||
			    strcmp(refcsv_get(&in, i, "area"), area) == 0)
				x[n++] = refcsv_num(&in, i, "values");
		CHECK_INT((long long)n, (long long)refcsv_num(&res, r, "value_count"));
		CHECK_INT(stats_ci_mean(x, n, 0.95, &a, &sd), STATS_OK);
		CHECK_INT(stats_ci_mean(x, n, 0.998, &b, NULL), STATS_OK);
		CHECK_NEAR(a.est, refcsv_num(&res, r, "value"), TOL);
		CHECK_NEAR(sd, refcsv_num(&res, r, "stdev"), TOL);
		CHECK_NEAR(a.lower, refcsv_num(&res, r, "lower95_0cl"), TOL);
		CHECK_NEAR(a.upper, refcsv_num(&res, r, "upper95_0cl"), TOL);
		CHECK_NEAR(b.lower, refcsv_num(&res, r, "lower99_8cl"), TOL);
		CHECK_NEAR(b.upper, refcsv_num(&res, r, "upper99_8cl"), TOL);
	}
	refcsv_free(&in);
	refcsv_free(&res);
}

static void mean_refuses_bad_input(void)
{
	struct stats_interval a;
	double one[1] = { 3 }, same[3] = { 2, 2, 2 }, bad[2] = { 1, NAN };

	CHECK_INT(stats_ci_mean(one, 1, 0.95, &a, NULL), STATS_EDOM);
	CHECK_INT(stats_ci_mean(one, 0, 0.95, &a, NULL), STATS_EDOM);
	CHECK_INT(stats_ci_mean(bad, 2, 0.95, &a, NULL), STATS_EDOM);
	CHECK_INT(stats_ci_mean(same, 3, 2, &a, NULL), STATS_ERANGE);
	/* Identical values: a zero-width interval, not a NaN. */
	CHECK_INT(stats_ci_mean(same, 3, 0.95, &a, NULL), STATS_OK);
	CHECK_NEAR(a.lower, 2, 0);
	CHECK_NEAR(a.upper, 2, 0);
}

int main(void)
{
	stats_init();
	RUN(wilson_matches_reference_table);
	RUN(wilson_matches_grouped_reference);
	RUN(wilson_hand_worked_extremes);
	RUN(wilson_refuses_bad_input);
	RUN(rate_matches_reference_table);
	RUN(rate_matches_grouped_reference);
	RUN(poisson_zero_events);
	RUN(poisson_refuses_bad_input);
	RUN(mean_matches_reference_table);
	RUN(mean_refuses_bad_input);
	return test_done();
}
