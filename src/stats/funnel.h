/*
 * Funnel plots: control limits against the denominator for proportions, standardised ratios
 * and rates; classification of each unit against one or more limits; and the overdispersion
 * adjustment of the limits, in both the NHS Digital SHMI form (log scale, truncation) and the
 * Spiegelhalter / CQC form (square-root scale, winsorisation).
 *
 * Two reference implementations fix the details: England's public-health indicator methods
 * (PHEindicatormethods, R/Funnels.R: Wilson-based proportion limits, Poisson limits read off
 * the number of events, significance from the unit's own interval) and FunnelPlotR
 * (R/calculate_limits.R, R/od_adjustment.R: exact Poisson limits in chi-square / gamma form,
 * phi and tau^2). Each function says which one it follows. docs/methods.md gives the equations.
 *
 * Levels are two-sided probabilities in (0, 1): 0.95 and 0.998 are the usual "2 and 3 sigma"
 * pair, but any level works. Limits are on the scale of the indicator itself (a proportion
 * in [0, 1], a ratio O/E, a rate per person); a multiplier (per cent, per 100,000) is the
 * caller's to apply. Every function returns STATS_OK or a negative code from stats.h, fills
 * its outputs only on success, and allocates nothing: sorting uses a caller workspace.
 *
 * Sources: Spiegelhalter DJ (2005a), Funnel plots for comparing institutional performance,
 * Stat Med 24:1185-1202; Spiegelhalter DJ (2005b), Handling over-dispersion of performance
 * indicators, Qual Saf Health Care 14:347-351; NHS Digital, Summary Hospital-level Mortality
 * Indicator (SHMI) methodology specification; PHE Fingertips technical guidance; the R
 * packages PHEindicatormethods 2.1.0 (R/Funnels.R, R/utils.R) and FunnelPlotR 0.6.0
 * (R/calculate_limits.R, R/od_adjustment.R, R/outliers_func.R).
 */
#ifndef CU_STATS_FUNNEL_H
#define CU_STATS_FUNNEL_H

#include <stddef.h>

/* Lower and upper control limit at one denominator and one level. */
struct stats_funnel_limits {
	double lower, upper;
};

/*
 * The classes of stats_funnel_classify for the usual two levels {0.95, 0.998}. In general the
 * class is a signed count: +k means above the upper limits of the k narrowest levels (and
 * within the rest), -k below the lower limits, 0 within every limit. With the pair
 * {0.95, 0.998}, PHE's labels map as "High (0.001)" = 2, "High (0.025)" = 1,
 * "Not significant" = 0, "Low (0.025)" = -1, "Low (0.001)" = -2.
 */
enum stats_funnel_class {
	STATS_FUNNEL_LOW_OUTER = -2,  /* below the lower limit of the wider level (99.8%) */
	STATS_FUNNEL_LOW_INNER = -1,  /* below the narrower (95%) lower limit only */
	STATS_FUNNEL_WITHIN = 0,      /* on or inside every limit */
	STATS_FUNNEL_HIGH_INNER = 1,  /* above the narrower (95%) upper limit only */
	STATS_FUNNEL_HIGH_OUTER = 2,  /* above the upper limit of the wider level (99.8%) */
};

enum stats_funnel_prop_method {
	STATS_FUNNEL_PROP_WILSON, /* PHEindicatormethods: the set of p inside the Wilson test */
	STATS_FUNNEL_PROP_EXACT,  /* Spiegelhalter 2005a, appendix A.1.1: interpolated binomial */
};

/*
 * The overdispersion methods. Each fixes the transformation y of the indicator, its
 * standard error s at denominator D under the null, the z-score and how extreme z-scores
 * are kept out of phi (FunnelPlotR R/od_adjustment.R):
 *   SHMI: y = ln(O/E),           s = 1/sqrt(E),      z = sqrt(E) (ln(O/E) - ln T),
 *         units ranked into tenths and the bottom and top tenth truncated (dropped)
 *         (NHS Digital, SHMI methodology specification);
 *   CQC:  y = sqrt(O/E),         s = 1/(2 sqrt(E)),  z = 2 sqrt(E) (sqrt(O/E) - sqrt T),
 *         z winsorised at its 10th and 90th percentiles (Spiegelhalter 2005b);
 *   PROP: y = asin(sqrt(X/N)),   s = 1/(2 sqrt(N)),  z = 2 sqrt(N) (y - asin(sqrt T)),
 *         winsorised as CQC (FunnelPlotR data_type "PR"), for proportions X of N.
 * T is the target: 1 for a standardised ratio, the pooled proportion for PROP.
 */
enum stats_funnel_od_method {
	STATS_FUNNEL_OD_SHMI,
	STATS_FUNNEL_OD_CQC,
	STATS_FUNNEL_OD_PROP,
};

/* What stats_funnel_od_estimate found. */
struct stats_funnel_od {
	double phi;    /* overdispersion ratio: mean of the squared (trimmed) z-scores */
	double tau2;   /* between-unit variance on the transformed scale, >= 0 */
	size_t n_used; /* units in phi and tau2: all for winsorising, the kept ones for SHMI */
	double z_lo, z_hi; /* winsorising bounds (CQC, PROP); the kept z range for SHMI */
};

/*
 * Baseline (centre line) of a funnel: sum NUM / sum DEN over N units, the pooled proportion
 * or rate that both reference implementations use (PHE Fingertips technical guidance,
 * "funnel plots"; FunnelPlotR target for "PR"). For a DSR-based rate pass the derived
 * denominators of stats_funnel_rate_denominator; PHE leaves out units with no events
 * there, which the caller does by not passing them.
 * Errors: STATS_EDOM when N = 0, any value is not finite, a NUM < 0, a DEN <= 0.
 */
int stats_funnel_baseline(const double *num, const double *den, size_t n, double *target);

/*
 * Limits for a proportion at denominator N around the TARGET proportion in [0, 1].
 *
 * WILSON: PHEindicatormethods' sigma_adjustment() solves, for the count X, the Wilson score
 * bound (Wilson 1927) = TARGET. Squaring gives c X^2 - 2 B X + B (B - z^2) = 0 with
 * B = (N + z^2) TARGET and c = 1 + z^2/N, whose discriminant simplifies to
 * z^2 (N + z^2)^2 TARGET (1 - TARGET) / N, so the roots are X/N = TARGET -/+ z sqrt(TARGET
 * (1 - TARGET) / N): the Wilson funnel is exactly the score-test funnel, computed here in
 * that form (no cancellation), then clipped to [0, 1] as PHE clips at 0 and 100%.
 *
 * EXACT: Spiegelhalter (2005a), appendix A.1.1, with its interpolation: r_p is the smallest
 * r with P(R <= r) >= p for R ~ Bin(N, TARGET), alpha = (P(R <= r_p) - p) / (P(R <= r_p) -
 * P(R <= r_p - 1)), and the limit is (r_p - alpha) / N, for p = a/2 and 1 - a/2, a = 1 -
 * LEVEL, clipped to [0, 1]. N must be a whole number up to 2^32 - 1 (a GSL binomial limit).
 *
 * Errors: STATS_ERANGE for LEVEL outside (0, 1) or an unknown METHOD; STATS_EDOM when N <= 0,
 * TARGET outside [0, 1] or anything not finite, or (EXACT) N not whole or too large.
 */
int stats_funnel_prop_limits(double target, double n, double level,
			     enum stats_funnel_prop_method method, struct stats_funnel_limits *out);

/*
 * Significance of X of N against the TARGET proportion at each of LEVELS[0..NLEV) (ascending),
 * as PHEindicatormethods' assign_funnel_significance() does for proportions: X/N against the
 * limits of stats_funnel_prop_limits at N. *CLS is the signed count of enum
 * stats_funnel_class. Errors: STATS_ERANGE when NLEV = 0, LEVELS are not ascending within
 * (0, 1) or METHOD is unknown; STATS_EDOM when X < 0, X > N, N <= 0, TARGET is outside [0, 1]
 * or anything is not finite (and as stats_funnel_prop_limits for EXACT).
 */
int stats_funnel_prop_classify(double x, double n, double target, const double *levels,
			       size_t nlev, enum stats_funnel_prop_method method, int *cls);

/*
 * Exact Poisson limits for a standardised ratio O/E at expected count E (target 1), in the
 * continuous chi-square form FunnelPlotR uses (R/calculate_limits.R; Spiegelhalter 2005a,
 * appendix A.1, with E as a continuous shape and no interpolation):
 *   lower = Gamma^-1(a/2; E) / E,   upper = Gamma^-1(1 - a/2; E + 1) / E,   a = 1 - LEVEL,
 * Gamma^-1(p; k) being the p-quantile of a unit-scale gamma of shape k (= chi^2_2k / 2),
 * computed to 3e-14 relative or better for any E (GSL's own inverse fails above E = 16,000
 * and its incomplete gamma drifts from 5e4; see funnel.c). Where the lower quantile is below
 * the smallest double (E below about 0.01), the lower limit is 0.
 * Errors: STATS_ERANGE for LEVEL outside (0, 1); STATS_EDOM when E <= 0 or not finite.
 */
int stats_funnel_ratio_limits(double e, double level, struct stats_funnel_limits *out);

/*
 * The same for a rate: limits around the baseline RATE (events per unit of denominator) at
 * population POP, from E = RATE x POP expected events: lower = Gamma^-1(a/2; E) / POP,
 * upper = Gamma^-1(1 - a/2; E + 1) / POP. Errors as stats_funnel_ratio_limits, plus
 * STATS_EDOM when RATE <= 0 or POP <= 0.
 */
int stats_funnel_rate_limits(double rate, double pop, double level,
			     struct stats_funnel_limits *out);

/*
 * PHEindicatormethods' ratio and rate funnels are drawn point by point along the number of
 * events O rather than the denominator (poisson_funnel() in R/utils.R). For O events this
 * gives the expected count at which O sits exactly on each limit:
 *   *E_LOWER = Gamma^-1(1 - a/2; O + 1): with E above it, O is significantly low, so the
 *             lower limit at E_LOWER is O / E_LOWER;
 *   *E_UPPER = Gamma^-1(a/2; O): with E below it, O is significantly high; the upper limit
 *             at E_UPPER is O / E_UPPER. At O = 0 there is no such point and *E_UPPER = 0.
 * For a rate with baseline r, the populations are E / r. PHE finds these by bisection to
 * about 1e-7 in E/(1 + O + E); this computes them directly. O need not be whole; a tiny O
 * has *E_UPPER = 0 as well.
 * Errors: STATS_ERANGE for LEVEL outside (0, 1); STATS_EDOM for O < 0 or not finite.
 */
int stats_funnel_poisson_expected(double o, double level, double *e_lower, double *e_upper);

/*
 * Derived denominator of a rate funnel (PHEindicatormethods calculate_funnel_limits,
 * denominator_derived): MULTIPLIER x O / RATE, the population that gives the published RATE
 * from O events. For a directly standardised rate it is the "effective" population that
 * places the DSR on a Poisson funnel (PHE Fingertips technical guidance). Units with no
 * events have none and need their real population.
 * Errors: STATS_EDOM unless O > 0, RATE > 0 and MULTIPLIER > 0, all finite.
 */
int stats_funnel_rate_denominator(double o, double rate, double multiplier, double *den);

/*
 * Classify the value Y against limits LIM[0..NLEV) given for ascending levels (narrowest
 * first): *CLS = +k when Y is above the upper limits of levels 0..k-1 and not above the rest,
 * -k when below lower limits likewise, 0 when lower <= Y <= upper for all (a value on a
 * limit is inside, as in FunnelPlotR's outliers_func and PHE's strict comparisons). See
 * enum stats_funnel_class for the usual two levels.
 * Errors: STATS_EDOM when Y is not finite or a limit is NaN; STATS_ERANGE when NLEV = 0, a
 * lower limit exceeds its upper limit, or the limits are not nested (a wider level must have
 * lower <= and upper >= those of the narrower one).
 */
int stats_funnel_classify(double y, const struct stats_funnel_limits *lim, size_t nlev,
			  int *cls);

/*
 * Significance of O events against E expected, as PHEindicatormethods' assign_funnel_
 * significance() does for ratios and rates (funnel_ratio_significance() in R/utils.R): the
 * unit's own Poisson interval for O at each level (exact below 10 events, Byar's from 10;
 * stats_ci_poisson) divided by E is compared with TARGET: above it at a level when
 * lower / E > TARGET, below it when upper / E < TARGET. LEVELS[0..NLEV) ascend; *CLS is the
 * signed count of enum stats_funnel_class. For a ratio E is the expected count and TARGET 1;
 * for a rate E is the (derived) denominator and TARGET the baseline rate. PHE marks DSRs from
 * fewer than 10 events "not applicable"; that rule is the caller's.
 * Errors: STATS_ERANGE when NLEV = 0 or LEVELS are not ascending within (0, 1); STATS_EDOM
 * for O not a whole number >= 0, E <= 0, TARGET <= 0, or anything not finite.
 */
int stats_funnel_poisson_classify(double o, double e, double target, const double *levels,
				  size_t nlev, int *cls);

/*
 * Estimate overdispersion from N units with numerators O and denominators E (expected counts
 * for SHMI and CQC, sample sizes for PROP) around TARGET (see enum stats_funnel_od_method),
 * trimming TRIM at each end (0.1 in both the SHMI and Spiegelhalter's method; 0 keeps all).
 *
 * phi = (1/n) sum z_i^2 over the n units kept (Spiegelhalter 2005b, multiplicative model,
 * with winsorised or truncated z). The between-unit variance of the additive random-effects
 * model is DerSimonian and Laird's moment estimate (Spiegelhalter 2005b; SHMI specification):
 *   tau^2 = max(0, (n phi - (n - 1)) / (sum w_i - sum w_i^2 / sum w_i)),   w_i = 1 / s_i^2,
 * set to 0 when n phi < n - 1. Truncation follows NHS Digital / FunnelPlotR: with k = 1/TRIM,
 * rank r_i of z_i (ties averaged), unit i is kept when 0 < floor(r_i k / (N + 1)) < k - 1.
 * Winsorisation replaces z below the TRIM quantile and above the 1 - TRIM quantile (R's
 * type 7 quantile) by those quantiles. Limits follow from stats_funnel_od_limits; whether to
 * use them when phi <= 1 is the caller's choice (FunnelPlotR falls back to the unadjusted).
 *
 * Z (may be NULL) receives the N unadjusted z-scores; TRIMMED (may be NULL) gets 1 for each
 * unit truncated or winsorised, else 0. WORK holds NWORK doubles; NWORK >= N is needed.
 * SHMI expects E as published (NHS Digital and FunnelPlotR round it to 2 dp first).
 * Errors: STATS_ERANGE for an unknown METHOD or TRIM outside [0, 0.5); STATS_ENOMEM when
 * NWORK < N; STATS_EDOM when N < 2, fewer than 2 units are kept, a value is not finite,
 * O < 0, E <= 0, O = 0 for SHMI (log of 0), O > E for PROP, TARGET <= 0 (SHMI, CQC) or
 * TARGET outside (0, 1) (PROP). Identical units are no error: phi = 0 and tau^2 = 0.
 */
int stats_funnel_od_estimate(const double *o, const double *e, size_t n,
			     enum stats_funnel_od_method method, double target, double trim,
			     double *z, int *trimmed, double *work, size_t nwork,
			     struct stats_funnel_od *out);

/*
 * Overdispersion-adjusted limits at denominator E around TARGET with between-unit variance
 * TAU2 (Spiegelhalter 2005b, additive random effects), back-transformed to the indicator's
 * scale; z = Phi^-1(1 - a/2), sd = sqrt(s^2 + TAU2) with s as in the method:
 *   SHMI: TARGET exp(-/+ z sd)                          (FunnelPlotR; SHMI specification)
 *   CQC:  (sqrt(TARGET) -/+ z sd)^2, lower 0 if the root is negative
 *   PROP: sin^2(asin(sqrt(TARGET)) -/+ z sd), the angle clipped to [0, pi/2]
 * FunnelPlotR draws the CQC limits as 1 -/+ z sd, not squared back (its issue #33); this
 * squares them, as the square-root scale requires. TAU2 = 0 gives the plain normal-
 * approximation limits on that scale (FunnelPlotR's "unadjusted" for proportions).
 * Errors: STATS_ERANGE for LEVEL outside (0, 1) or an unknown METHOD; STATS_EDOM for E <= 0,
 * TAU2 < 0, TARGET out of range as in stats_funnel_od_estimate, or anything not finite.
 */
int stats_funnel_od_limits(enum stats_funnel_od_method method, double target, double e,
			   double tau2, double level, struct stats_funnel_limits *out);

/* How the extreme z-scores are kept out of a quantile-based overdispersion estimate. */
enum stats_funnel_tails {
	STATS_FUNNEL_TAILS_TRIM,   /* dropped: only q_lo < z < q_hi is kept (strictly) */
	STATS_FUNNEL_TAILS_WINSOR, /* clamped to [q_lo, q_hi], every unit kept */
};

/*
 * SHMI-style overdispersion on the log scale with the tails cut at quantiles, the form the
 * SHMI's published description ("z-scores beyond the 10th and 90th percentiles") and the
 * R and Python peers of custodian's mortality model take: z_i = sqrt(E_i) ln(O_i / E_i), q_lo
 * and q_hi the TRIM and 1 - TRIM quantiles of the z (R's type 7: h = (n - 1) p,
 * q = x_floor(h) + (h - floor(h)) (x_floor(h)+1 - x_floor(h))), then phi = mean z^2 over the
 * kept (or clamped) units and DerSimonian-Laird tau^2 = max(0, (n phi - (n - 1)) / (sum E -
 * sum E^2 / sum E)) over the same units (w_i = 1 / s_i^2 = E_i on this scale).
 * stats_funnel_od_estimate's SHMI method ranks units into tenths instead (FunnelPlotR); the
 * two keep the same units for many n (150 providers, say) but not all.
 *
 * A unit with O = 0 has z = -infinity. It sorts first; an interpolated quantile next to it is
 * -infinity too (as R computes it), and such a unit is never kept by TRIM (z > q_lo fails)
 * and is left out by WINSOR when clamping cannot make it finite (only when more than TRIM of
 * the units have no events), so no-event units never break the estimate.
 * Z (may be NULL) gets the N z-scores; KEPT (may be NULL) 1 for each unit in phi (for WINSOR,
 * clamped or not). WORK holds NWORK >= N doubles.
 * Errors: STATS_ERANGE for TRIM outside [0, 0.5) or unknown TAILS; STATS_ENOMEM when
 * NWORK < N; STATS_EDOM when N < 2, an O < 0 or E <= 0 or either is not finite, or fewer than
 * 2 units are kept.
 */
int stats_funnel_od_shmi_quantile(const double *o, const double *e, size_t n, double trim,
				  enum stats_funnel_tails tails, double *z, int *kept,
				  double *work, size_t nwork, struct stats_funnel_od *out);

/*
 * Neat x-axis range of a PHE funnel chart from the smallest and largest denominator
 * (PHEindicatormethods calculate_funnel_limits, signif.floor / signif.ceiling):
 *   *LO = 0 when MAX > 2 MIN, else MIN x 0.95 rounded down to the leading digit;
 *   *HI = MAX x 1.05 rounded up to two leading digits.
 * These reproduce the published axes exactly. For a ratio funnel pass the expected counts;
 * for a rate funnel pass denominators per year, then multiply by years and the baseline rate
 * and take floor / ceiling to get the range in events, as PHE does.
 * Errors: STATS_EDOM unless 0 < MIN <= MAX < 1e15, both finite.
 */
int stats_funnel_axis_range(double min, double max, double *lo, double *hi);

/* Which PHE funnel an axis is for; a ratio funnel's points stop short of HI (see below). */
enum stats_funnel_axis_kind {
	STATS_FUNNEL_AXIS_PROPORTION,
	STATS_FUNNEL_AXIS_RATE,
	STATS_FUNNEL_AXIS_RATIO,
};

/*
 * NPTS whole-number points X[0..NPTS) from max(1, LO) towards HI, spaced geometrically so
 * that they crowd where the funnel bends (PHE: 100 points):
 *   x_j = max(round((HI / x_{j-1})^(1 / (NPTS - j)) x_{j-1}), x_{j-1} + 1),   j = 1..NPTS-1,
 * reaching HI at the last point. For RATIO PHE's exponent is 1 / (NPTS + 1 - j), so the last
 * point is sqrt(HI x_{NPTS-2}) rounded; this keeps that. Rounding is half to even, as R.
 * Errors: STATS_EDOM unless 0 <= LO, 1 <= HI, both finite, and NPTS >= 2; STATS_ERANGE for
 * an unknown KIND.
 */
int stats_funnel_axis_points(double lo, double hi, size_t npts, enum stats_funnel_axis_kind kind,
			     double *x);

#endif
