/* Standardised rates and ratios; see std.h for the methods and their sources. */
#include "stats/std.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

#include "stats/stats.h"

int stats_dsr(const double *x, const double *n, const double *w, size_t k, double multiplier,
	      double level, struct stats_interval *out)
{
	double sw = 0, s = 0, v = 0, o = 0, z, lo, up, se;

	if (!(level > 0 && level < 1) || !(multiplier > 0) || !isfinite(multiplier))
		return STATS_ERANGE;
	if (k == 0)
		return STATS_EDOM;
	for (size_t i = 0; i < k; i++) {
		if (!isfinite(x[i]) || !isfinite(n[i]) || !isfinite(w[i]) || x[i] < 0 || n[i] <= 0 ||
		    w[i] < 0)
			return STATS_EDOM;
		sw += w[i];
		s += w[i] * x[i] / n[i];
		v += w[i] * w[i] * x[i] / (n[i] * n[i]);
		o += x[i];
	}
	if (sw <= 0 || o < 10)
		return STATS_EDOM;
	z = gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2);
	/* Byar's limits for the total count O (Breslow and Day 1987, eq. 2.17). */
	lo = o * pow(1 - 1 / (9 * o) - z / (3 * sqrt(o)), 3);
	up = (o + 1) * pow(1 - 1 / (9 * (o + 1)) + z / (3 * sqrt(o + 1)), 3);
	se = sqrt(v / (sw * sw) / o);
	out->est = multiplier * s / sw;
	out->lower = multiplier * (s / sw + se * (lo - o));
	out->upper = multiplier * (s / sw + se * (up - o));
	return STATS_OK;
}

int stats_isr_expected(const double *n, const double *rx, const double *rn, size_t k,
		       double *e)
{
	double sum = 0;

	if (k == 0)
		return STATS_EDOM;
	for (size_t i = 0; i < k; i++) {
		if (!isfinite(n[i]) || !isfinite(rx[i]) || !isfinite(rn[i]) || n[i] < 0 ||
		    rx[i] < 0 || rn[i] <= 0)
			return STATS_EDOM;
		sum += n[i] * rx[i] / rn[i];
	}
	*e = sum;
	return STATS_OK;
}

int stats_isr(double o, double e, double scale, double level, struct stats_interval *out,
	      int *exact)
{
	struct stats_interval c;
	int rc;

	if (!(e > 0) || !isfinite(e) || !(scale > 0) || !isfinite(scale))
		return !(level > 0 && level < 1) ? STATS_ERANGE : STATS_EDOM;
	if ((rc = stats_ci_poisson(o, level, &c, exact)) != STATS_OK)
		return rc;
	out->est = o / e * scale;
	out->lower = c.lower / e * scale;
	out->upper = c.upper / e * scale;
	return STATS_OK;
}
