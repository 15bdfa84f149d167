/* Normal-approximation funnel limits for a mean; see funnel_mean.h for the method and source. */
#include "stats/funnel_mean.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

#include "stats/stats.h"

int stats_funnel_mean_limits(double target, double sd, double n, double level,
			     struct stats_funnel_limits *out)
{
	double half;

	if (!(level > 0 && level < 1))
		return STATS_ERANGE;
	if (!isfinite(target) || !isfinite(sd) || !isfinite(n) || sd <= 0 || n <= 0)
		return STATS_EDOM;
	half = gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2) * sd / sqrt(n);
	/* A huge SD over a tiny N can overflow even from finite inputs. */
	if (!isfinite(target - half) || !isfinite(target + half))
		return STATS_EDOM;
	out->lower = target - half;
	out->upper = target + half;
	return STATS_OK;
}
