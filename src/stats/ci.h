/*
 * Confidence intervals for the figures commissioners read every day: proportions, rates and
 * counts, and means. Each function takes the confidence LEVEL as a probability in (0, 1)
 * (0.95, 0.998, or any other) and returns STATS_OK, STATS_EDOM or STATS_ERANGE (stats.h).
 */
#ifndef CU_STATS_CI_H
#define CU_STATS_CI_H

#include <stddef.h>

struct stats_interval {
	double est, lower, upper;
};

/*
 * Wilson score interval for a proportion X / N (Wilson 1927; Newcombe 1998, method 3):
 *   p = X/N, z = Phi^-1(1 - (1 - LEVEL)/2),
 *   bounds = (2X + z^2 -/+ z sqrt(z^2 + 4 X (1 - p))) / (2 (N + z^2)).
 * Well defined at X = 0 and X = N. Errors: STATS_EDOM when N <= 0, X < 0, X > N or either is
 * not finite; STATS_ERANGE when LEVEL is not in (0, 1).
 */
int stats_ci_wilson(double x, double n, double level, struct stats_interval *out);

/*
 * Interval for a Poisson count O (the number behind a rate): exact limits for O < 10,
 * Byar's approximation otherwise, as England's public-health indicator methods use
 * (Breslow & Day 1987, eq. 2.17; exact limits from the chi-square / gamma relation):
 *   exact:  lower = Gamma^-1(a/2; O),  upper = Gamma^-1(1 - a/2; O + 1)   (lower = 0 at O = 0)
 *   Byar's: lower = O (1 - 1/(9O) - z/(3 sqrt O))^3,
 *           upper = (O + 1) (1 - 1/(9(O + 1)) + z/(3 sqrt(O + 1)))^3,
 * with a = 1 - LEVEL. *EXACT (may be NULL) says which was used. Errors: STATS_EDOM for O < 0,
 * a non-whole O or a non-finite O; STATS_ERANGE for LEVEL outside (0, 1).
 */
int stats_ci_poisson(double o, double level, struct stats_interval *out, int *exact);

/*
 * A rate O / DENOMINATOR x MULTIPLIER with the limits of stats_ci_poisson scaled the same way.
 * Errors as stats_ci_poisson, plus STATS_EDOM when DENOMINATOR <= 0 or MULTIPLIER <= 0.
 */
int stats_ci_rate(double o, double denominator, double multiplier, double level,
		  struct stats_interval *out, int *exact);

/*
 * Mean of X[0..N) with Student's t interval: mean -/+ t(N - 1, 1 - a/2) s / sqrt(N), with s
 * the sample standard deviation. *SD (may be NULL) gets s. Errors: STATS_EDOM when N < 2 or an
 * X is not finite; STATS_ERANGE for LEVEL outside (0, 1).
 */
int stats_ci_mean(const double *x, size_t n, double level, struct stats_interval *out,
		  double *sd);

/* The same from summary figures: the MEAN, the sample standard deviation SD and the count N. */
int stats_ci_mean_summary(double mean, double sd, double n, double level,
			  struct stats_interval *out);

#endif
