/*
 * Attribute control charts: counts and proportions, with limits that follow each point's
 * denominator. Sources: Montgomery, "Introduction to Statistical Quality Control" (7th ed.,
 * 2013), sections 7.2 (p chart) and 7.3 (c and u charts); Laney, "Improved control charts for
 * attributes", Quality Engineering 14(4) 2002 (p' and u'); Benneyan, "Number-between g-type
 * statistical quality control charts", Health Care Management Science 4 2001 (g chart).
 *
 * For points i = 1..m with counts x_i and denominators n_i:
 *   p chart   centre p = sum x / sum n;  sigma_i = sqrt(p (1 - p) / n_i)
 *   u chart   centre u = sum x / sum n;  sigma_i = sqrt(u / n_i)
 *   p', u'    Laney: z_i = (x_i/n_i - centre) / sigma_i; sigma_z = mean |z_i - z_(i-1)| / 1.128;
 *             sigma_i is multiplied by sigma_z, widening (or narrowing) the limits by the
 *             variation between points that the binomial or Poisson model does not explain,
 *             which with large denominators is most of it
 *   c chart   centre c = mean x;  sigma = sqrt(c)                       (no denominators)
 *   g chart   centre g = mean x (x = cases between events);  sigma = sqrt(g (g + 1))
 * Limits: centre -/+ 3 sigma_i (any multiple via SIGMAS), cut to [0, 1] for proportions and at
 * 0 below for counts and rates.
 */
#ifndef CU_STATS_ATTR_H
#define CU_STATS_ATTR_H

#include <stddef.h>

enum stats_attr_kind {
	STATS_CHART_P = 0,
	STATS_CHART_U = 1,
	STATS_CHART_PP = 2, /* Laney p' */
	STATS_CHART_UP = 3, /* Laney u' */
	STATS_CHART_C = 4,
	STATS_CHART_G = 5,
};

struct stats_attr_result {
	double centre;
	double sigma_z; /* Laney's between-point factor; 1 for the other charts */
};

/*
 * The chart of kind KIND for X[0..M) over denominators N[0..M) (N is ignored, and may be NULL,
 * for c and g charts), at SIGMAS (3 for the usual limits). VALUE, LCL and UCL (M each) get
 * each point's plotted value (x/n, or x) and limits; RES the centre and sigma_z.
 *
 * Errors: STATS_EDOM when M is 0 (1 for p' and u', which need a moving range), an X is
 * negative or not finite, an N is not above 0 or not finite, a p-chart X exceeds its N, or a
 * Laney chart's centre is 0 (or 1 for p'), where z is undefined; STATS_ERANGE for SIGMAS not
 * above 0 or an unknown KIND. A centre of 0 (or 1) on the other charts is allowed: the limits
 * collapse onto it, documented rather than turned into NaN.
 */
int stats_attr_chart(enum stats_attr_kind kind, const double *x, const double *n, size_t m,
		     double sigmas, double *value, double *lcl, double *ucl,
		     struct stats_attr_result *res);

/*
 * One point's sigma on the chart RES came from (kind KIND; N the point's denominator, ignored
 * for c and g charts): the binomial or Poisson sigma at RES->centre times RES->sigma_z, so the
 * point's uncut limits are centre -/+ SIGMAS times it. NaN for an unknown KIND or N not above 0.
 */
double stats_attr_sigma(enum stats_attr_kind kind, const struct stats_attr_result *res, double n);

/* "p", "u", "pp", "up", "c", "g". */
const char *stats_attr_name(enum stats_attr_kind kind);

#endif
