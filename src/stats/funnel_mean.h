/*
 * Funnel limits for a mean: a unit's average of a continuous outcome (a questionnaire score,
 * a length of stay) over N records, compared with a target average, when the records' spread
 * is summarised by one standard deviation SD. Under the null the unit's mean is approximately
 * normal with standard error SD / sqrt(N), so the limits at a two-sided LEVEL are
 *
 *   target -/+ z SD / sqrt(N),   z = Phi^-1(1 - (1 - LEVEL) / 2),
 *
 * the normal form of Spiegelhalter's general funnel (Spiegelhalter DJ (2005a), Funnel plots
 * for comparing institutional performance, Stat Med 24:1185-1202, section 2: an indicator Y
 * with target theta_0 and null variance g(theta_0) / rho has limits theta_0 -/+ z
 * sqrt(g(theta_0) / rho); for a mean, g = SD^2 and the precision rho is N).
 * NHS England and NHS Digital draw the PROMs funnels of case-mix adjusted health gain this
 * way, at 95% and 99.8%, with SD the national standard deviation of the case-mix residuals
 * (observed minus predicted post-operative score); docs/methods.md says how that was checked.
 *
 * It sits beside funnel.h (whose struct stats_funnel_limits it fills, so that
 * stats_funnel_classify classifies against it) in a file of its own; the limits are on the
 * scale of the mean itself and are not clipped, since a score's range is the caller's to know.
 */
#ifndef CU_STATS_FUNNEL_MEAN_H
#define CU_STATS_FUNNEL_MEAN_H

#include "stats/funnel.h"

/*
 * Limits around TARGET for a mean of N records (N need not be whole: an effective sample
 * size is allowed) with standard deviation SD, at LEVEL. OUT is written only on success.
 * Errors: STATS_ERANGE for LEVEL outside (0, 1); STATS_EDOM when SD <= 0, N <= 0 or any of
 * TARGET, SD, N is not finite.
 */
int stats_funnel_mean_limits(double target, double sd, double n, double level,
			     struct stats_funnel_limits *out);

#endif
