/* Standardised rates and ratios; see std.h for the methods and their sources. */
#include "stats/std.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

#include "stats/stats.h"

static int bad_level(double level)
{
	return !(level > 0 && level < 1);
}

/* A count, population or weight must be finite; this also refuses NaN, which fails every >. */
static int bad_stratum(double x, double n, double w)
{
	return !isfinite(x) || !isfinite(n) || !isfinite(w) || x < 0 || n <= 0 || w < 0;
}

/*
 * Dobson's interval for a DSR of RATE = sum(w x / n) / sum w (per person) with variance VAR
 * and O events in all (Dobson et al. 1991): the Poisson limits of O are mapped onto the rate
 * by RATE + sqrt(VAR / O) (O_limit - O). Byar's limits are used at every O (Breslow and Day
 * 1987, eq. 2.17) because the callers refuse O < 10, where the exact limits would take over
 * in stats_ci_poisson; the formula is written out rather than borrowed from there because a
 * DSR's counts need not be whole (PHEindicatormethods accepts any count of 0 or more).
 */
static int dobson(double rate, double var, double o, double multiplier, double level,
		  struct stats_interval *out)
{
	double z, lo, up, se;

	if (!(o >= 10))
		return STATS_EDOM;
	z = gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2);
	lo = o * pow(1 - 1 / (9 * o) - z / (3 * sqrt(o)), 3);
	up = (o + 1) * pow(1 - 1 / (9 * (o + 1)) + z / (3 * sqrt(o + 1)), 3);
	se = sqrt(var / o);
	out->est = multiplier * rate;
	out->lower = multiplier * (rate + se * (lo - o));
	out->upper = multiplier * (rate + se * (up - o));
	/* Extreme but finite inputs (a count of 1e300 over a population of 1e-300) overflow. */
	if (!isfinite(out->est) || !isfinite(out->lower) || !isfinite(out->upper))
		return STATS_EDOM;
	return STATS_OK;
}

int stats_dsr(const double *x, const double *n, const double *w, size_t k, double multiplier,
	      double level, struct stats_interval *out)
{
	double sw = 0, s = 0, v = 0, o = 0;

	if (bad_level(level) || !(multiplier > 0) || !isfinite(multiplier))
		return STATS_ERANGE;
	if (k == 0)
		return STATS_EDOM;
	for (size_t i = 0; i < k; i++) {
		double q;

		if (bad_stratum(x[i], n[i], w[i]))
			return STATS_EDOM;
		/* w/n first: n^2 could underflow to 0 where w x / n^2 is still finite. */
		q = w[i] / n[i];
		sw += w[i];
		s += q * x[i];
		v += q * q * x[i];
		o += x[i];
	}
	if (!(sw > 0) || !isfinite(sw))
		return STATS_EDOM;
	return dobson(s / sw, v / (sw * sw), o, multiplier, level, out);
}

int stats_dsr_nonind(const double *x, const double *freq, const size_t *stratum, const double *n,
		     const double *w, size_t m, size_t k, double multiplier, double level,
		     double *work, size_t nwork, struct stats_interval *out)
{
	/* work[i] is stratum i's population, work[k + i] its weight; -1 marks one not yet seen,
	 * which no valid population can equal. */
	double *sn = work, *sw = work + k;
	double wsum = 0, s = 0, v = 0, o = 0;

	if (bad_level(level) || !(multiplier > 0) || !isfinite(multiplier))
		return STATS_ERANGE;
	if (m == 0 || k == 0)
		return STATS_EDOM;
	if (nwork / 2 < k)
		return STATS_ENOMEM;
	for (size_t i = 0; i < k; i++)
		sn[i] = sw[i] = -1;
	for (size_t j = 0; j < m; j++) {
		size_t i = stratum[j];
		double f = freq[j], q;

		if (i >= k || bad_stratum(x[j], n[j], w[j]) || !isfinite(f) || f < 1 ||
		    f != floor(f))
			return STATS_EDOM;
		if (sn[i] < 0) {
			sn[i] = n[j];
			sw[i] = w[j];
		} else if (sn[i] != n[j] || sw[i] != w[j]) {
			/* Two populations for one stratum: the rows do not describe one area. */
			return STATS_EDOM;
		}
		q = w[j] / n[j];
		s += q * f * x[j];
		v += q * q * f * f * x[j];
		o += f * x[j];
	}
	for (size_t i = 0; i < k; i++) {
		/* A stratum without rows has no weight given, so the standard is incomplete. */
		if (sn[i] < 0)
			return STATS_EDOM;
		wsum += sw[i];
	}
	if (!(wsum > 0) || !isfinite(wsum))
		return STATS_EDOM;
	return dobson(s / wsum, v / (wsum * wsum), o, multiplier, level, out);
}

int stats_isr_observed(const double *x, size_t k, double *o)
{
	double sum = 0;

	if (k == 0)
		return STATS_EDOM;
	for (size_t i = 0; i < k; i++) {
		if (!isfinite(x[i]) || x[i] < 0)
			return STATS_EDOM;
		sum += x[i];
	}
	if (!isfinite(sum))
		return STATS_EDOM;
	*o = sum;
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
	if (!isfinite(sum))
		return STATS_EDOM;
	*e = sum;
	return STATS_OK;
}

int stats_isr(double o, double e, double scale, double level, struct stats_interval *out,
	      int *exact)
{
	struct stats_interval c;
	int rc;

	if (!(e > 0) || !isfinite(e) || !(scale > 0) || !isfinite(scale))
		return bad_level(level) ? STATS_ERANGE : STATS_EDOM;
	if ((rc = stats_ci_poisson(o, level, &c, exact)) != STATS_OK)
		return rc;
	out->est = o / e * scale;
	out->lower = c.lower / e * scale;
	out->upper = c.upper / e * scale;
	if (!isfinite(out->est) || !isfinite(out->lower) || !isfinite(out->upper))
		return STATS_EDOM;
	return STATS_OK;
}
