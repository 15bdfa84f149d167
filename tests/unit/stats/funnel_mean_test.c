/*
 * Normal-approximation funnel limits for a mean (stats_funnel_mean_limits), worked by hand.
 *
 * The two quantiles used throughout: z(95%) = Phi^-1(0.975) = 1.959963984540054 and
 * z(99.8%) = Phi^-1(0.999) = 3.090232306167813 (to 16 digits, as R's qnorm prints them with
 * digits = 16). Each case below gives its arithmetic; the tolerance is 1e-13 absolute on
 * values of order 1 to 30, well above rounding in the last place and far below any digit
 * the cases quote.
 */
#include <math.h>

#include "stats/funnel.h"
#include "stats/funnel_mean.h"
#include "stats/stats.h"
#include "test.h"

#define TOL 1e-13
#define Z95 1.959963984540054
#define Z998 3.090232306167813

static void mean_limits_are_target_plus_minus_z_se(void)
{
	struct stats_funnel_limits l;

	/* Target 0.45, SD 0.2, N = 100: se = 0.2 / 10 = 0.02.
	 * 95%:   0.45 -/+ 1.959963984540054 x 0.02 = 0.45 -/+ 0.03919927969080108
	 *        = 0.41080072030919892 and 0.48919927969080108.
	 * 99.8%: 0.45 -/+ 3.090232306167813 x 0.02 = 0.45 -/+ 0.06180464612335626
	 *        = 0.38819535387664374 and 0.51180464612335626. */
	CHECK_INT(stats_funnel_mean_limits(0.45, 0.2, 100, 0.95, &l), STATS_OK);
	CHECK_NEAR(l.lower, 0.45 - Z95 * 0.02, TOL);
	CHECK_NEAR(l.lower, 0.41080072030919892, TOL);
	CHECK_NEAR(l.upper, 0.48919927969080108, TOL);
	CHECK_INT(stats_funnel_mean_limits(0.45, 0.2, 100, 0.998, &l), STATS_OK);
	CHECK_NEAR(l.lower, 0.38819535387664374, TOL);
	CHECK_NEAR(l.upper, 0.51180464612335626, TOL);

	/* Target 20, SD 8, N = 4: se = 8 / 2 = 4; 95%: 20 -/+ 7.839855938160216. */
	CHECK_INT(stats_funnel_mean_limits(20, 8, 4, 0.95, &l), STATS_OK);
	CHECK_NEAR(l.lower, 12.160144061839784, TOL);
	CHECK_NEAR(l.upper, 27.839855938160216, TOL);
}

/* N = 1 gives the records' own spread; N need not be whole (an effective sample size). */
static void mean_limits_at_one_record_and_fractional_n(void)
{
	struct stats_funnel_limits l;

	/* Target 5, SD 1, N = 1: 5 -/+ 1.959963984540054 = 3.040036015459946 and ...054. */
	CHECK_INT(stats_funnel_mean_limits(5, 1, 1, 0.95, &l), STATS_OK);
	CHECK_NEAR(l.lower, 3.040036015459946, TOL);
	CHECK_NEAR(l.upper, 6.959963984540054, TOL);
	/* N = 2.25: se = 1 / sqrt(2.25) = 1 / 1.5; 99.8%: 5 -/+ 3.090232306167813 / 1.5
	 * = 5 -/+ 2.060154870778542. */
	CHECK_INT(stats_funnel_mean_limits(5, 1, 2.25, 0.998, &l), STATS_OK);
	CHECK_NEAR(l.upper, 7.060154870778542, TOL);
	CHECK_NEAR(l.lower, 2.939845129221458, TOL);
}

/*
 * A PROMs-sized case: the published England figures for primary hip replacement, Oxford Hip
 * Score, 2017/18 (ProvComm file: adjusted average health gain 22.6798, standard deviation
 * 7.70323) and a provider of 100 modelled records: se = 0.770323;
 * 95%: 22.6798 -/+ 1.959963984540054 x 0.770323 = 22.6798 -/+ 1.509805336462848;
 * 99.8% upper: 22.6798 + 3.090232306167813 x 0.770323 = 25.060277020784110.
 */
static void mean_limits_on_a_proms_sized_case(void)
{
	struct stats_funnel_limits l;

	CHECK_INT(stats_funnel_mean_limits(22.6798, 7.70323, 100, 0.95, &l), STATS_OK);
	CHECK_NEAR(l.lower, 21.169994663537152, TOL);
	CHECK_NEAR(l.upper, 24.189605336462848, TOL);
	CHECK_INT(stats_funnel_mean_limits(22.6798, 7.70323, 100, 0.998, &l), STATS_OK);
	CHECK_NEAR(l.upper, 25.060277020784110, TOL);
}

/* The limits nest across levels, so stats_funnel_classify accepts them; on a limit is inside. */
static void mean_limits_classify_with_funnel_classify(void)
{
	struct stats_funnel_limits l[2];
	int cls = 99;

	CHECK_INT(stats_funnel_mean_limits(0, 1, 1, 0.95, &l[0]), STATS_OK);
	CHECK_INT(stats_funnel_mean_limits(0, 1, 1, 0.998, &l[1]), STATS_OK);
	CHECK_INT(stats_funnel_classify(0, l, 2, &cls), STATS_OK);
	CHECK_INT(cls, STATS_FUNNEL_WITHIN);
	CHECK_INT(stats_funnel_classify(2.5, l, 2, &cls), STATS_OK); /* 1.96 < 2.5 < 3.09 */
	CHECK_INT(cls, STATS_FUNNEL_HIGH_INNER);
	CHECK_INT(stats_funnel_classify(-3.5, l, 2, &cls), STATS_OK); /* below -3.09 */
	CHECK_INT(cls, STATS_FUNNEL_LOW_OUTER);
	CHECK_INT(stats_funnel_classify(l[0].upper, l, 2, &cls), STATS_OK);
	CHECK_INT(cls, STATS_FUNNEL_WITHIN);
}

static void mean_limits_refuse_bad_input(void)
{
	struct stats_funnel_limits l = { 123, 456 };

	CHECK_INT(stats_funnel_mean_limits(0, 0, 10, 0.95, &l), STATS_EDOM);     /* SD 0 */
	CHECK_INT(stats_funnel_mean_limits(0, -1, 10, 0.95, &l), STATS_EDOM);    /* SD < 0 */
	CHECK_INT(stats_funnel_mean_limits(0, 1, 0, 0.95, &l), STATS_EDOM);      /* N 0 */
	CHECK_INT(stats_funnel_mean_limits(0, 1, -3, 0.95, &l), STATS_EDOM);     /* N < 0 */
	CHECK_INT(stats_funnel_mean_limits(NAN, 1, 10, 0.95, &l), STATS_EDOM);
	CHECK_INT(stats_funnel_mean_limits(0, INFINITY, 10, 0.95, &l), STATS_EDOM);
	CHECK_INT(stats_funnel_mean_limits(0, 1, NAN, 0.95, &l), STATS_EDOM);
	CHECK_INT(stats_funnel_mean_limits(0, 1e308, 1e-300, 0.95, &l), STATS_EDOM); /* overflow */
	CHECK_INT(stats_funnel_mean_limits(0, 1, 10, 0, &l), STATS_ERANGE);
	CHECK_INT(stats_funnel_mean_limits(0, 1, 10, 1, &l), STATS_ERANGE);
	CHECK_INT(stats_funnel_mean_limits(0, 1, 10, NAN, &l), STATS_ERANGE);
	/* Nothing was written by any refusal. */
	CHECK_NEAR(l.lower, 123, 0);
	CHECK_NEAR(l.upper, 456, 0);
}

int main(void)
{
	stats_init();
	RUN(mean_limits_are_target_plus_minus_z_se);
	RUN(mean_limits_at_one_record_and_fractional_n);
	RUN(mean_limits_on_a_proms_sized_case);
	RUN(mean_limits_classify_with_funnel_classify);
	RUN(mean_limits_refuse_bad_input);
	return test_done();
}
