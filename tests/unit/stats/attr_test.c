/*
 * Attribute charts on the real series of ../shared/data/reference/qicharts2, checked against
 * values worked out independently with plain spreadsheet arithmetic (column sums, one formula
 * per cell), given in the comments with the sums they come from. Tolerance 1e-9 relative: the
 * worked values are quoted to 12 significant figures.
 */
#include <math.h>
#include <string.h>

#include "stats/attr.h"
#include "stats/stats.h"
#include "support/refcsv.h"
#include "test.h"

#define TOL 1e-9

static size_t load(const char *rel, const char *xcol, const char *ncol, const char *only_col,
		   const char *only_val, double *x, double *n, size_t cap)
{
	struct refcsv t;
	size_t m = 0;

	if (refcsv_load(&t, test_data_path(rel)) != 0) {
		CHECK(!"reference series loads");
		return 0;
	}
	for (size_t r = 0; r < t.nrow && m < cap; r++) {
		if (only_col && strcmp(refcsv_get(&t, r, only_col), only_val) != 0)
			continue;
		x[m] = refcsv_num(&t, r, xcol);
		n[m] = ncol ? refcsv_num(&t, r, ncol) : 1;
		m++;
	}
	refcsv_free(&t);
	return m;
}

/*
 * nhs_accidents.csv: 20 weeks of patients seen within 4 hours (r) of all attendances (n).
 * Sums: r = 5,324,775, n = 5,587,970, so p = 0.952899711344. Week 1 (n = 280,443, p1 =
 * 0.950285797827): sigma = sqrt(p (1 - p) / 280443) = 0.000400048899392, limits
 * 0.951699564646 and 0.954099858042. With denominators this large the p chart's limits are
 * so narrow that 16 of 20 weeks fall outside (weeks 1-4, 6, 8-17, 19).
 *
 * Laney p': z_i = (p_i - p) / sigma_i; the mean of |z_i - z_(i-1)| over the 19 moving ranges
 * is 12.002395862, so sigma_z = 12.002395862 / 1.128 = 10.6404218635, and week 1's limits
 * widen to p -/+ 3 x 10.6404 x 0.000400049 = 0.940129644178 and 0.965669778511: no week
 * outside. This is the case Laney's chart exists for.
 */
static void p_and_laney_p_on_four_hour_figures(void)
{
	double x[32], n[32], v[32], lo[32], hi[32];
	struct stats_attr_result res;
	size_t m = load("reference/qicharts2/nhs_accidents.csv", "r", "n", NULL, NULL, x, n, 32);
	int outside = 0, weeks[20] = { 0 };
	static const int expect[] = { 1, 2, 3, 4, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19 };

	CHECK_INT(m, 20);
	CHECK_INT(stats_attr_chart(STATS_CHART_P, x, n, m, 3, v, lo, hi, &res), STATS_OK);
	CHECK_NEAR(res.centre, 0.952899711344, TOL);
	CHECK_NEAR(res.sigma_z, 1, 0);
	CHECK_NEAR(v[0], 0.950285797827, TOL);
	CHECK_NEAR(lo[0], 0.951699564646, TOL);
	CHECK_NEAR(hi[0], 0.954099858042, TOL);
	for (size_t i = 0; i < m; i++)
		if (v[i] < lo[i] || v[i] > hi[i])
			weeks[outside++] = (int)i + 1;
	CHECK_INT(outside, 16);
	for (int i = 0; i < 16; i++)
		CHECK_INT(weeks[i], expect[i]);

	CHECK_INT(stats_attr_chart(STATS_CHART_PP, x, n, m, 3, v, lo, hi, &res), STATS_OK);
	CHECK_NEAR(res.centre, 0.952899711344, TOL);
	CHECK_NEAR(res.sigma_z, 10.6404218635, TOL);
	CHECK_NEAR(lo[0], 0.940129644178, TOL);
	CHECK_NEAR(hi[0], 0.965669778511, TOL);
	outside = 0;
	for (size_t i = 0; i < m; i++)
		outside += v[i] < lo[i] || v[i] > hi[i];
	CHECK_INT(outside, 0);
}

/*
 * cdi.csv, the 24 months before the intervention: 449 C. difficile infections over
 * 344,742.1666666666 patient-days, u = 0.00130242263179 per day (13.02 per 10,000). Month 1
 * (14,768.4166666667 days): sigma = sqrt(u / days), limits 0.000411519976268 and
 * 0.00219332528732. Laney u': sigma_z = 1.06717213863 (little extra variation: the Poisson
 * model fits), month 1's limits 0.000351676139584 and 0.002253169124.
 *
 * c chart on the same counts (ignoring the days): c = 449 / 24 = 18.7083333333, limits
 * 18.7083 -/+ 3 sqrt(18.7083) = 5.73239406097 and 31.6842726057.
 */
static void u_laney_u_and_c_on_infections(void)
{
	double x[64], n[64], v[64], lo[64], hi[64];
	struct stats_attr_result res;
	size_t m = load("reference/qicharts2/cdi.csv", "n", "days", "period", "pre", x, n, 64);

	CHECK_INT(m, 24);
	CHECK_INT(stats_attr_chart(STATS_CHART_U, x, n, m, 3, v, lo, hi, &res), STATS_OK);
	CHECK_NEAR(res.centre, 0.00130242263179, TOL);
	CHECK_NEAR(lo[0], 0.000411519976268, TOL);
	CHECK_NEAR(hi[0], 0.00219332528732, TOL);
	CHECK_INT(stats_attr_chart(STATS_CHART_UP, x, n, m, 3, v, lo, hi, &res), STATS_OK);
	CHECK_NEAR(res.sigma_z, 1.06717213863, TOL);
	CHECK_NEAR(lo[0], 0.000351676139584, TOL);
	CHECK_NEAR(hi[0], 0.002253169124, TOL);
	CHECK_INT(stats_attr_chart(STATS_CHART_C, x, NULL, m, 3, v, lo, hi, &res), STATS_OK);
	CHECK_NEAR(res.centre, 449.0 / 24, TOL);
	CHECK_NEAR(lo[5], 5.73239406097, TOL);
	CHECK_NEAR(hi[5], 31.6842726057, TOL);
	CHECK_NEAR(v[0], 17, 0);
}

/*
 * g chart by hand: 3, 10, 0, 7, 5 procedures between infections. Mean g = 25 / 5 = 5;
 * sigma = sqrt(5 x 6) = 5.477225575; upper limit 5 + 16.431676725 = 21.431676725; the lower
 * limit 5 - 16.43 is below 0 and is cut to 0. At 2 sigmas: 5 + 10.95445115 = 15.95445115.
 */
static void g_chart_by_hand(void)
{
	double x[5] = { 3, 10, 0, 7, 5 }, v[5], lo[5], hi[5];
	struct stats_attr_result res;

	CHECK_INT(stats_attr_chart(STATS_CHART_G, x, NULL, 5, 3, v, lo, hi, &res), STATS_OK);
	CHECK_NEAR(res.centre, 5, 1e-15);
	CHECK_NEAR(hi[2], 21.431676725, 1e-9);
	CHECK_NEAR(lo[2], 0, 0);
	CHECK_INT(stats_attr_chart(STATS_CHART_G, x, NULL, 5, 2, v, lo, hi, &res), STATS_OK);
	CHECK_NEAR(hi[2], 15.95445115, 1e-9);
}

/* p chart by hand, limits cut to [0, 1]: 1 of 2 and 2 of 2 gives p = 3/4; at n = 2,
 * sigma = sqrt(0.1875 / 2) = 0.30619, so 0.75 + 0.91856 is cut to 1 and 0.75 - 0.91856 to 0. */
static void proportion_limits_are_cut_to_the_unit_interval(void)
{
	double x[2] = { 1, 2 }, n[2] = { 2, 2 }, v[2], lo[2], hi[2];

	CHECK_INT(stats_attr_chart(STATS_CHART_P, x, n, 2, 3, v, lo, hi, NULL), STATS_OK);
	CHECK_NEAR(lo[0], 0, 0);
	CHECK_NEAR(hi[0], 1, 0);
	/* All zero: centre 0 and limits collapse onto it (documented, no NaN). */
	x[0] = x[1] = 0;
	CHECK_INT(stats_attr_chart(STATS_CHART_P, x, n, 2, 3, v, lo, hi, NULL), STATS_OK);
	CHECK(lo[0] == 0 && hi[0] == 0);
}

static void bad_input(void)
{
	double x[3] = { 1, 2, 3 }, n[3] = { 10, 10, 10 }, v[3], lo[3], hi[3];

	CHECK_INT(stats_attr_chart(STATS_CHART_P, x, n, 0, 3, v, lo, hi, NULL), STATS_EDOM);
	CHECK_INT(stats_attr_chart(STATS_CHART_PP, x, n, 1, 3, v, lo, hi, NULL), STATS_EDOM);
	CHECK_INT(stats_attr_chart(STATS_CHART_P, x, n, 3, 0, v, lo, hi, NULL), STATS_ERANGE);
	CHECK_INT(stats_attr_chart(STATS_CHART_P, x, n, 3, NAN, v, lo, hi, NULL), STATS_ERANGE);
	CHECK_INT(stats_attr_chart((enum stats_attr_kind)9, x, n, 3, 3, v, lo, hi, NULL),
		  STATS_ERANGE);
	n[1] = 0;
	CHECK_INT(stats_attr_chart(STATS_CHART_U, x, n, 3, 3, v, lo, hi, NULL), STATS_EDOM);
	n[1] = -5;
	CHECK_INT(stats_attr_chart(STATS_CHART_P, x, n, 3, 3, v, lo, hi, NULL), STATS_EDOM);
	n[1] = 1; /* 2 of 1 */
	CHECK_INT(stats_attr_chart(STATS_CHART_P, x, n, 3, 3, v, lo, hi, NULL), STATS_EDOM);
	CHECK_INT(stats_attr_chart(STATS_CHART_U, x, n, 3, 3, v, lo, hi, NULL), STATS_OK);
	n[1] = INFINITY;
	CHECK_INT(stats_attr_chart(STATS_CHART_U, x, n, 3, 3, v, lo, hi, NULL), STATS_EDOM);
	n[1] = 10, x[2] = -1;
	CHECK_INT(stats_attr_chart(STATS_CHART_C, x, NULL, 3, 3, v, lo, hi, NULL), STATS_EDOM);
	x[2] = NAN;
	CHECK_INT(stats_attr_chart(STATS_CHART_G, x, NULL, 3, 3, v, lo, hi, NULL), STATS_EDOM);
	/* Laney charts with a centre of 0, or 1 for p', have no z. */
	x[0] = x[1] = x[2] = 0;
	CHECK_INT(stats_attr_chart(STATS_CHART_UP, x, n, 3, 3, v, lo, hi, NULL), STATS_EDOM);
	x[0] = x[1] = x[2] = 10;
	CHECK_INT(stats_attr_chart(STATS_CHART_PP, x, n, 3, 3, v, lo, hi, NULL), STATS_EDOM);
	CHECK_STR(stats_attr_name(STATS_CHART_UP), "up");
}

/*
 * stats_attr_sigma by hand: x = 10 and 20 of 100 each. p chart: centre 0.15, sigma
 * sqrt(0.15 x 0.85 / 100) = 0.0357071 at n = 100 and sqrt(0.1275 / 400) = 0.0178536 at
 * n = 400. Laney p': z = -/+0.05 / 0.0357071 = -/+1.400280, one moving range 2.800560,
 * sigma_z = 2.800560 / 1.128 = 2.482766, so sigma 2.482766 x 0.0357071 = 0.0886525 at
 * n = 100 (with equal denominators the binomial sigma cancels: |0.2 - 0.1| / 1.128). The
 * chart's own upper limit agrees: centre + 3 sigma.
 */
static void sigma_by_hand(void)
{
	static const double x[] = { 10, 20 }, n[] = { 100, 100 };
	double v[2], lo[2], hi[2];
	struct stats_attr_result r;

	CHECK_INT(stats_attr_chart(STATS_CHART_P, x, n, 2, 3, v, lo, hi, &r), STATS_OK);
	CHECK_NEAR(stats_attr_sigma(STATS_CHART_P, &r, 100), 0.0357071, 1e-7);
	CHECK_NEAR(stats_attr_sigma(STATS_CHART_P, &r, 400), 0.0178536, 1e-7);
	CHECK_NEAR(r.centre + 3 * stats_attr_sigma(STATS_CHART_P, &r, 100), hi[0], 1e-12);
	CHECK_INT(stats_attr_chart(STATS_CHART_PP, x, n, 2, 3, v, lo, hi, &r), STATS_OK);
	CHECK_NEAR(r.sigma_z, 2.482766, 1e-6);
	CHECK_NEAR(stats_attr_sigma(STATS_CHART_PP, &r, 100), 0.0886525, 1e-7);
	CHECK_NEAR(r.centre + 3 * stats_attr_sigma(STATS_CHART_PP, &r, 100), hi[1], 1e-12);
	CHECK(isnan(stats_attr_sigma(STATS_CHART_P, &r, 0)));
	CHECK(isnan(stats_attr_sigma((enum stats_attr_kind)9, &r, 100)));
}

int main(void)
{
	stats_init();
	RUN(p_and_laney_p_on_four_hour_figures);
	RUN(u_laney_u_and_c_on_infections);
	RUN(g_chart_by_hand);
	RUN(proportion_limits_are_cut_to_the_unit_interval);
	RUN(bad_input);
	RUN(sigma_by_hand);
	return test_done();
}
