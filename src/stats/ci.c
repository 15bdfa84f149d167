/* Confidence intervals; see ci.h for the methods and their sources. */
#include "stats/ci.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

#include "stats/stats.h"

static int bad_level(double level)
{
	return !(level > 0 && level < 1);
}

/* Two-sided standard normal quantile for LEVEL. */
static double z_of(double level)
{
	return gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2);
}

int stats_ci_wilson(double x, double n, double level, struct stats_interval *out)
{
	double z, z2, p, root, den;

	if (bad_level(level))
		return STATS_ERANGE;
	if (!isfinite(x) || !isfinite(n) || n <= 0 || x < 0 || x > n)
		return STATS_EDOM;
	z = z_of(level);
	z2 = z * z;
	p = x / n;
	root = z * sqrt(z2 + 4 * x * (1 - p));
	den = 2 * (n + z2);
	out->est = p;
	out->lower = (2 * x + z2 - root) / den;
	out->upper = (2 * x + z2 + root) / den;
	/* Rounding can leave -1e-17 at x = 0: the bound is exactly 0 there. */
	if (x == 0)
		out->lower = 0;
	if (x == n)
		out->upper = 1;
	return STATS_OK;
}

int stats_ci_poisson(double o, double level, struct stats_interval *out, int *exact)
{
	double a, z;

	if (bad_level(level))
		return STATS_ERANGE;
	if (!isfinite(o) || o < 0 || o != floor(o))
		return STATS_EDOM;
	a = 1 - level;
	out->est = o;
	if (o < 10) {
		out->lower = o == 0 ? 0 : gsl_cdf_gamma_Pinv(a / 2, o, 1);
		out->upper = gsl_cdf_gamma_Pinv(1 - a / 2, o + 1, 1);
		if (exact)
			*exact = 1;
	} else {
		z = z_of(level);
		out->lower = o * pow(1 - 1 / (9 * o) - z / (3 * sqrt(o)), 3);
		out->upper = (o + 1) * pow(1 - 1 / (9 * (o + 1)) + z / (3 * sqrt(o + 1)), 3);
		if (exact)
			*exact = 0;
	}
	if (!isfinite(out->lower) || !isfinite(out->upper))
		return STATS_EDOM;
	return STATS_OK;
}

int stats_ci_rate(double o, double denominator, double multiplier, double level,
		  struct stats_interval *out, int *exact)
{
	double k;
	int rc;

	if (!isfinite(denominator) || denominator <= 0 || !isfinite(multiplier) || multiplier <= 0)
		return bad_level(level) ? STATS_ERANGE : STATS_EDOM;
	if ((rc = stats_ci_poisson(o, level, out, exact)) != STATS_OK)
		return rc;
	k = multiplier / denominator;
	out->est *= k;
	out->lower *= k;
	out->upper *= k;
	return STATS_OK;
}

int stats_ci_mean_summary(double mean, double sd, double n, double level,
			  struct stats_interval *out)
{
	double half;

	if (bad_level(level))
		return STATS_ERANGE;
	if (!isfinite(mean) || !isfinite(sd) || sd < 0 || !(n >= 2) || !isfinite(n))
		return STATS_EDOM;
	half = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, n - 1) * sd / sqrt(n);
	out->est = mean;
	out->lower = mean - half;
	out->upper = mean + half;
	return STATS_OK;
}

int stats_ci_mean(const double *x, size_t n, double level, struct stats_interval *out,
		  double *sd)
{
	double mean = 0, ss = 0, s;

	if (bad_level(level))
		return STATS_ERANGE;
	if (n < 2)
		return STATS_EDOM;
	/* Welford's update: one pass, no loss of precision on large values. */
	for (size_t i = 0; i < n; i++) {
		double d;

		if (!isfinite(x[i]))
			return STATS_EDOM;
		d = x[i] - mean;
		mean += d / (double)(i + 1);
		ss += d * (x[i] - mean);
	}
	s = sqrt(ss / (double)(n - 1));
	if (sd)
		*sd = s;
	return stats_ci_mean_summary(mean, s, (double)n, level, out);
}
