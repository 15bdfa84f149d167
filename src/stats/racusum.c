/* Risk-adjusted Bernoulli CUSUM; see racusum.h for the method and its source. */
#include "stats/racusum.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

void stats_racusum_defaults(struct stats_racusum_opts *o)
{
	memset(o, 0, sizeof *o);
	o->odds = 2;
	o->h = 4.5;
}

/* Options checked for charting; CHECK_H is 0 when h is about to be chosen. */
static int bad_opts(const struct stats_racusum_opts *o, int check_h)
{
	if (!isfinite(o->odds) || o->odds <= 0 || o->odds == 1)
		return 1;
	if (!check_h)
		return !(o->start >= 0 && isfinite(o->start) && o->reset >= 0 && isfinite(o->reset));
	if (!isfinite(o->h) || o->h <= 0)
		return 1;
	return !(o->start >= 0 && o->start < o->h && o->reset >= 0 && o->reset < o->h);
}

static int bad_risk(double p)
{
	return !(p > 0 && p < 1);
}

int stats_racusum(const double *p, const unsigned char *y, size_t n,
		  const struct stats_racusum_opts *o, double *s, unsigned char *alarm,
		  struct stats_racusum_result *res)
{
	double lr, S = o->start;
	struct stats_racusum_result r = { n, 0, 0, 0 };

	if (bad_opts(o, 1))
		return STATS_ERANGE;
	for (size_t t = 0; t < n; t++)
		if (bad_risk(p[t]) || y[t] > 1)
			return STATS_EDOM;
	lr = log(o->odds);
	for (size_t t = 0; t < n; t++) {
		S += (y[t] ? lr : 0) - log(1 - p[t] + o->odds * p[t]);
		if (S < 0)
			S = 0;
		if (alarm)
			alarm[t] = S >= o->h;
		if (S >= o->h) {
			r.alarms++;
			if (!r.first_alarm)
				r.first_alarm = t + 1;
			S = o->reset;
		}
		if (s)
			s[t] = S;
	}
	r.s_end = S;
	if (res)
		*res = r;
	return STATS_OK;
}

/*
 * Simulate NSIM runs of each series and hand each run's highest S (of the chart without
 * resets) to SINK. Outcomes are drawn in a fixed order (run, series, case), so a seed gives the
 * same outcomes to every caller.
 */
static int simulate(const double *p, const size_t *len, size_t nser,
		    const struct stats_racusum_opts *o, size_t nsim, unsigned long seed,
		    void (*sink)(void *arg, double max), void *arg)
{
	gsl_rng *rng;
	size_t total = 0;
	double lr;

	if (bad_opts(o, 0) || nsim == 0 || nser == 0)
		return STATS_ERANGE;
	for (size_t k = 0; k < nser; k++)
		total += len[k];
	for (size_t t = 0; t < total; t++)
		if (bad_risk(p[t]))
			return STATS_EDOM;
	if (!(rng = gsl_rng_alloc(gsl_rng_mt19937)))
		return STATS_ENOMEM;
	gsl_rng_set(rng, seed);
	lr = log(o->odds);
	for (size_t sim = 0; sim < nsim; sim++) {
		const double *q = p;

		for (size_t k = 0; k < nser; k++) {
			double S = o->start, max = S;

			for (size_t t = 0; t < len[k]; t++) {
				int y = gsl_rng_uniform(rng) < q[t];

				S += (y ? lr : 0) - log(1 - q[t] + o->odds * q[t]);
				if (S < 0)
					S = 0;
				if (S > max)
					max = S;
			}
			sink(arg, max);
			q += len[k];
		}
	}
	gsl_rng_free(rng);
	return STATS_OK;
}

struct counter {
	double h;
	size_t runs, hits;
};

static void count_hits(void *arg, double max)
{
	struct counter *c = arg;

	c->runs++;
	c->hits += max >= c->h;
}

int stats_racusum_false_alarm(const double *p, const size_t *len, size_t nser,
			      const struct stats_racusum_opts *o, size_t nsim,
			      unsigned long seed, double *rate)
{
	struct counter c = { o->h, 0, 0 };
	int rc;

	if (bad_opts(o, 1))
		return STATS_ERANGE;
	if ((rc = simulate(p, len, nser, o, nsim, seed, count_hits, &c)) != STATS_OK)
		return rc;
	*rate = (double)c.hits / (double)c.runs;
	return STATS_OK;
}

struct keeper {
	double *out;
	size_t n;
};

static void keep(void *arg, double max)
{
	struct keeper *k = arg;

	k->out[k->n++] = max;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int stats_racusum_threshold(const double *p, const size_t *len, size_t nser,
			    const struct stats_racusum_opts *o, size_t nsim, unsigned long seed,
			    double target, double *work, double *h, double *rate)
{
	struct keeper k = { work, 0 };
	size_t m, allowed, hits = 0;
	double lo, hi;
	int rc;

	if (!(target > 0 && target < 1))
		return STATS_ERANGE;
	if ((rc = simulate(p, len, nser, o, nsim, seed, keep, &k)) != STATS_OK)
		return rc;
	m = k.n;
	qsort(work, m, sizeof *work, cmp_double);
	/* At most ALLOWED runs may reach h: h sits just above the maximum of run m - allowed - 1
	 * in ascending order, halfway to the next distinct one above it. */
	allowed = (size_t)floor(target * (double)m);
	if (allowed >= m)
		allowed = m - 1;
	lo = work[m - allowed - 1];
	hi = lo;
	for (size_t i = m - allowed; i < m && hi == lo; i++)
		hi = work[i];
	if (hi == lo) /* nothing above: any h beyond the highest maximum */
		hi = lo + (lo > 1 ? lo : 1) * 1e-6;
	*h = (lo + hi) / 2;
	if (*h <= 0)
		*h = hi > 0 ? hi / 2 : 1e-9;
	for (size_t i = 0; i < m; i++)
		hits += work[i] >= *h;
	if (rate)
		*rate = (double)hits / (double)m;
	return STATS_OK;
}
