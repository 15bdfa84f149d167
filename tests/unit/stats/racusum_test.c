/*
 * Risk-adjusted Bernoulli CUSUM: sequences worked by hand (the arithmetic is in the comments),
 * the peers' conventions (first alarm 1-based, reset to 0, S clamped before the alarm test),
 * the simulation against a closed form, and bad input.
 */
#include <math.h>

#include "stats/racusum.h"
#include "stats/stats.h"
#include "test.h"

/*
 * R = 2, every risk 0.2: a death weighs ln 2 - ln(1 - 0.2 + 0.4) = 0.693147 - 0.182322 =
 * 0.510826; a survival -0.182322. With h = 1.5: deaths at cases 1, 2 give S = 0.510826,
 * 1.021651; a survival at 3 takes it to 0.839329; deaths at 4 and 5 give 1.350155 and then
 * 1.860981 >= 1.5: the first signal, at case 5, and S resets to 0. Three survivals keep it at
 * 0 (it cannot go below). A death at 9 ends at 0.510826.
 */
static void hand_worked_sequence(void)
{
	double p[9], s[9];
	unsigned char y[9] = { 1, 1, 0, 1, 1, 0, 0, 0, 1 }, al[9];
	struct stats_racusum_opts o;
	struct stats_racusum_result r;
	double d = log(2) - log(1.2), a = -log(1.2);

	for (int i = 0; i < 9; i++)
		p[i] = 0.2;
	stats_racusum_defaults(&o);
	o.h = 1.5;
	CHECK_INT(stats_racusum(p, y, 9, &o, s, al, &r), STATS_OK);
	CHECK_NEAR(d, 0.510826, 1e-6);
	CHECK_NEAR(s[0], d, 1e-12);
	CHECK_NEAR(s[1], 2 * d, 1e-12);
	CHECK_NEAR(s[2], 2 * d + a, 1e-12);
	CHECK_NEAR(s[3], 3 * d + a, 1e-12);
	CHECK_NEAR(s[4], 0, 0); /* 4d + a = 1.860981 signalled and reset */
	CHECK_INT(al[4], 1);
	CHECK_NEAR(s[7], 0, 0);
	CHECK_NEAR(s[8], d, 1e-12);
	CHECK_INT(r.n, 9);
	CHECK_INT(r.alarms, 1);
	CHECK_INT(r.first_alarm, 5);
	CHECK_NEAR(r.s_end, d, 1e-12);
	for (int i = 0; i < 9; i++)
		CHECK_INT(al[i], i == 4);
}

/*
 * Risk adjustment: the same death weighs less for a high-risk case. R = 2, p = 0.8: a death
 * weighs ln 2 - ln(1.8) = 0.105361, a survival -0.587787; at p = 0.01 a death weighs
 * ln 2 - ln 1.01 = 0.683197. Head start 1 and reset 0.5 with h = 1.6: the death at p = 0.01
 * takes S from 1 to 1.683197, a signal, and S goes to 0.5; a death at p = 0.8 then gives
 * 0.605361.
 */
static void risk_adjustment_head_start_and_reset(void)
{
	double p[2] = { 0.01, 0.8 }, s[2];
	unsigned char y[2] = { 1, 1 };
	struct stats_racusum_opts o;
	struct stats_racusum_result r;

	stats_racusum_defaults(&o);
	o.h = 1.6, o.start = 1, o.reset = 0.5;
	CHECK_INT(stats_racusum(p, y, 2, &o, s, NULL, &r), STATS_OK);
	CHECK_INT(r.first_alarm, 1);
	CHECK_NEAR(s[0], 0.5, 0);
	CHECK_NEAR(s[1], 0.5 + log(2) - log(1.8), 1e-12);
	CHECK_NEAR(log(2) - log(1.8), 0.105361, 1e-5);
}

/*
 * Looking for improvement, R = 0.5 at p = 0.2: a survival weighs -ln(1 - 0.2 + 0.1) =
 * -ln 0.9 = 0.105361, a death ln 0.5 - ln 0.9 = -0.587787. Twenty survivals reach
 * 20 x 0.105361 = 2.107210 and cross h = 2 at the 19th (19 x 0.105361 = 2.001849).
 */
static void improvement_chart(void)
{
	double p[20];
	unsigned char y[20] = { 0 };
	struct stats_racusum_opts o;
	struct stats_racusum_result r;

	for (int i = 0; i < 20; i++)
		p[i] = 0.2;
	stats_racusum_defaults(&o);
	o.odds = 0.5, o.h = 2;
	CHECK_INT(stats_racusum(p, y, 20, &o, NULL, NULL, &r), STATS_OK);
	CHECK_INT(r.first_alarm, 19);
	CHECK_NEAR(-19 * log(0.9), 2.001849, 1e-6);
	CHECK_NEAR(r.s_end, -log(0.9), 1e-12);
	y[3] = 1; /* a death pulls the improvement chart back to 0 from 0.421442 */
	CHECK_INT(stats_racusum(p, y, 20, &o, NULL, NULL, &r), STATS_OK);
	CHECK_INT(r.alarms, 0);
	CHECK_NEAR(r.s_end, -16 * log(0.9), 1e-12);
}

/*
 * Simulation against a closed form: with R = 2 and p = 0.1 a death weighs ln 2 - ln 1.1 =
 * 0.597837, above h = 0.5, and survivals never push S below 0, so a run signals exactly when
 * it has a death: P = 1 - 0.9^10 = 0.651322 for 10 cases. 200,000 runs: standard error
 * sqrt(0.65 x 0.35 / 200000) = 0.00107; checked within 0.005 (about 4.7 standard errors).
 */
static void simulation_matches_closed_form(void)
{
	double p[10], rate, again;
	size_t len[1] = { 10 };
	struct stats_racusum_opts o;

	for (int i = 0; i < 10; i++)
		p[i] = 0.1;
	stats_racusum_defaults(&o);
	o.h = 0.5;
	CHECK_INT(stats_racusum_false_alarm(p, len, 1, &o, 200000, 42, &rate), STATS_OK);
	CHECK(fabs(rate - (1 - pow(0.9, 10))) < 0.005);
	/* The same seed gives the same answer; another seed a different one. */
	CHECK_INT(stats_racusum_false_alarm(p, len, 1, &o, 200000, 42, &again), STATS_OK);
	CHECK_NEAR(again, rate, 0);
	CHECK_INT(stats_racusum_false_alarm(p, len, 1, &o, 200000, 43, &again), STATS_OK);
	CHECK(again != rate);
}

/* The rate never rises with h, and the chosen threshold meets its target. */
static void threshold_for_a_target_rate(void)
{
	static double p[300], work[2 * 2000];
	size_t len[2] = { 100, 200 };
	struct stats_racusum_opts o;
	double prev = 1, h, rate, check;

	for (int i = 0; i < 300; i++)
		p[i] = 0.02 + 0.3 * (i % 7) / 7.0;
	stats_racusum_defaults(&o);
	for (double hh = 0.5; hh <= 6; hh += 0.5) {
		o.h = hh;
		CHECK_INT(stats_racusum_false_alarm(p, len, 2, &o, 2000, 7, &rate), STATS_OK);
		CHECK(rate <= prev);
		prev = rate;
	}
	CHECK_INT(stats_racusum_threshold(p, len, 2, &o, 2000, 7, 0.05, work, &h, &rate),
		  STATS_OK);
	CHECK(rate <= 0.05);
	CHECK(rate > 0.04); /* as close to the target as 4,000 runs allow */
	o.h = h;
	CHECK_INT(stats_racusum_false_alarm(p, len, 2, &o, 2000, 7, &check), STATS_OK);
	CHECK_NEAR(check, rate, 0);
	/* A lower target needs a higher threshold. */
	double h2;
	CHECK_INT(stats_racusum_threshold(p, len, 2, &o, 2000, 7, 0.01, work, &h2, &rate),
		  STATS_OK);
	CHECK(h2 > h);
}

static void bad_input(void)
{
	double p[3] = { 0.1, 0.2, 0.3 }, rate, h, work[3];
	unsigned char y[3] = { 0, 1, 0 };
	size_t len[1] = { 3 };
	struct stats_racusum_opts o;
	struct stats_racusum_result r;

	stats_racusum_defaults(&o);
	CHECK_INT(stats_racusum(p, y, 0, &o, NULL, NULL, &r), STATS_OK); /* empty chart */
	CHECK_INT(r.alarms, 0);
	p[1] = 0;
	CHECK_INT(stats_racusum(p, y, 3, &o, NULL, NULL, &r), STATS_EDOM);
	p[1] = 1;
	CHECK_INT(stats_racusum(p, y, 3, &o, NULL, NULL, &r), STATS_EDOM);
	p[1] = NAN;
	CHECK_INT(stats_racusum(p, y, 3, &o, NULL, NULL, &r), STATS_EDOM);
	CHECK_INT(stats_racusum_false_alarm(p, len, 1, &o, 10, 1, &rate), STATS_EDOM);
	p[1] = 0.2, y[1] = 2;
	CHECK_INT(stats_racusum(p, y, 3, &o, NULL, NULL, &r), STATS_EDOM);
	y[1] = 1;
	o.odds = 1;
	CHECK_INT(stats_racusum(p, y, 3, &o, NULL, NULL, &r), STATS_ERANGE);
	o.odds = -2;
	CHECK_INT(stats_racusum(p, y, 3, &o, NULL, NULL, &r), STATS_ERANGE);
	o.odds = 2, o.h = 0;
	CHECK_INT(stats_racusum(p, y, 3, &o, NULL, NULL, &r), STATS_ERANGE);
	o.h = 4.5, o.start = 4.5;
	CHECK_INT(stats_racusum(p, y, 3, &o, NULL, NULL, &r), STATS_ERANGE);
	o.start = 0, o.reset = -1;
	CHECK_INT(stats_racusum(p, y, 3, &o, NULL, NULL, &r), STATS_ERANGE);
	o.reset = 0;
	CHECK_INT(stats_racusum_false_alarm(p, len, 1, &o, 0, 1, &rate), STATS_ERANGE);
	CHECK_INT(stats_racusum_false_alarm(p, len, 0, &o, 10, 1, &rate), STATS_ERANGE);
	CHECK_INT(stats_racusum_threshold(p, len, 1, &o, 1, 1, 0, work, &h, NULL), STATS_ERANGE);
	CHECK_INT(stats_racusum_threshold(p, len, 1, &o, 1, 1, 1, work, &h, NULL), STATS_ERANGE);
}

int main(void)
{
	stats_init();
	RUN(hand_worked_sequence);
	RUN(risk_adjustment_head_start_and_reset);
	RUN(improvement_chart);
	RUN(simulation_matches_closed_form);
	RUN(threshold_for_a_target_rate);
	RUN(bad_input);
	return test_done();
}
