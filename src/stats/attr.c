/* Attribute control charts; see attr.h for the methods and their sources. */
#include "stats/attr.h"

#include <math.h>

#include "stats/stats.h"

#define D2 1.128 /* d2 for moving ranges of two points */

static int has_denominator(enum stats_attr_kind k)
{
	return k == STATS_CHART_P || k == STATS_CHART_U || k == STATS_CHART_PP ||
	       k == STATS_CHART_UP;
}

static int is_proportion(enum stats_attr_kind k)
{
	return k == STATS_CHART_P || k == STATS_CHART_PP;
}

/* The binomial or Poisson sigma of one point before any Laney factor. */
static double point_sigma(enum stats_attr_kind k, double centre, double n)
{
	switch (k) {
	case STATS_CHART_P:
	case STATS_CHART_PP:
		return sqrt(centre * (1 - centre) / n);
	case STATS_CHART_U:
	case STATS_CHART_UP:
		return sqrt(centre / n);
	case STATS_CHART_C:
		return sqrt(centre);
	default:
		return sqrt(centre * (centre + 1));
	}
}

int stats_attr_chart(enum stats_attr_kind kind, const double *x, const double *n, size_t m,
		     double sigmas, double *value, double *lcl, double *ucl,
		     struct stats_attr_result *res)
{
	int laney = kind == STATS_CHART_PP || kind == STATS_CHART_UP;
	double sx = 0, sn = 0, centre, sz = 1;

	if ((unsigned)kind > STATS_CHART_G || !(sigmas > 0) || !isfinite(sigmas))
		return STATS_ERANGE;
	if (m == 0 || (laney && m < 2))
		return STATS_EDOM;
	for (size_t i = 0; i < m; i++) {
		if (!isfinite(x[i]) || x[i] < 0)
			return STATS_EDOM;
		if (has_denominator(kind)) {
			if (!isfinite(n[i]) || n[i] <= 0 || (is_proportion(kind) && x[i] > n[i]))
				return STATS_EDOM;
			sn += n[i];
			value[i] = x[i] / n[i];
		} else {
			sn += 1;
			value[i] = x[i];
		}
		sx += x[i];
	}
	centre = sx / sn;
	if (laney) {
		/* z needs a non-zero sigma: a centre of 0 (or 1 for p') leaves it undefined. */
		double zprev = 0, mr = 0;

		if (centre == 0 || (kind == STATS_CHART_PP && centre == 1))
			return STATS_EDOM;
		for (size_t i = 0; i < m; i++) {
			double z = (value[i] - centre) / point_sigma(kind, centre, n[i]);

			if (i)
				mr += fabs(z - zprev);
			zprev = z;
		}
		sz = mr / (double)(m - 1) / D2;
	}
	for (size_t i = 0; i < m; i++) {
		double s = sigmas * sz * point_sigma(kind, centre, has_denominator(kind) ? n[i] : 1);

		lcl[i] = centre - s > 0 ? centre - s : 0;
		ucl[i] = centre + s;
		if (is_proportion(kind) && ucl[i] > 1)
			ucl[i] = 1;
	}
	if (res) {
		res->centre = centre;
		res->sigma_z = sz;
	}
	return STATS_OK;
}

double stats_attr_sigma(enum stats_attr_kind kind, const struct stats_attr_result *res, double n)
{
	if ((unsigned)kind > STATS_CHART_G || (has_denominator(kind) && !(n > 0)))
		return NAN;
	return res->sigma_z * point_sigma(kind, res->centre, has_denominator(kind) ? n : 1);
}

const char *stats_attr_name(enum stats_attr_kind kind)
{
	static const char *const names[] = { "p", "u", "pp", "up", "c", "g" };

	return (unsigned)kind <= STATS_CHART_G ? names[kind] : "unknown";
}
