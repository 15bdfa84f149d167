/*
 * Statistical process control for one series: the XmR (individuals and moving range) chart as
 * England's "Making Data Count" programme uses it, with its special-cause rules and the two
 * verdicts a board report shows for each indicator (variation and assurance).
 *
 * Source: NHS England and NHS Improvement, "Making Data Count" (2019) and its "Plot the Dots"
 * implementation (NHS-R Community, NHSRplotthedots); Wheeler, "Understanding Variation" (2000)
 * for the chart itself. For a segment of points x_1..x_m (the whole series, or the part between
 * two rebasing points), with the first k of them as the baseline (k = m unless fixed):
 *
 *   mean = (1/k) sum x_i                      over the baseline
 *   mR_i = |x_i - x_(i-1)|, i = 2..k           moving ranges of the baseline
 *   amR  = mean of the mR_i; with screening, the mR_i >= 3.267 amR are dropped and amR is
 *          recomputed from the rest (3.267 = D4 for n = 2, the upper range limit)
 *   limits = mean -/+ 2.66 amR                 (2.66 = 3 / d2, d2 = 1.128 for n = 2)
 *   2-sigma lines = mean -/+ (2/3) 2.66 amR
 *
 * Rules, applied to every point of a segment against that segment's mean and limits:
 *   outside       x > upper limit or x < lower limit (strict);
 *   shift         the point is in a run of SHIFT_RUN (7) or more consecutive points strictly on
 *                 one side of the mean (a point on the mean ends a run);
 *   trend         the point is in a run of TREND_RUN (7; 6 is common) or more consecutive points
 *                 each strictly higher (or each strictly lower) than the one before;
 *   two of three  the point is beyond a 2-sigma line and in a window of three consecutive points
 *                 of which two or more are beyond that same line. STATS_TWO3_BEYOND counts points
 *                 beyond the process limits too (Western Electric rule 2);
 *                 STATS_TWO3_CLOSE counts only points between the 2-sigma line and the limit and
 *                 also needs all three points of the window on that side of the mean (as Plot
 *                 the Dots does).
 */
#ifndef CU_STATS_SPC_H
#define CU_STATS_SPC_H

#include <stddef.h>

/* Which way is better for an indicator. */
enum stats_polarity {
	STATS_LOWER_BETTER = -1,
	STATS_NO_DIRECTION = 0,
	STATS_HIGHER_BETTER = 1,
};

enum stats_two3 {
	STATS_TWO3_BEYOND = 0, /* points beyond the 2-sigma line, including beyond the limits */
	STATS_TWO3_CLOSE = 1,  /* points between the 2-sigma line and the limit; window one-sided */
};

/* Rule flags of one point. HIGH and LOW say on which side (or in which direction) a rule fired. */
enum {
	STATS_XMR_OUTSIDE = 1,
	STATS_XMR_SHIFT = 2,
	STATS_XMR_TREND = 4,
	STATS_XMR_TWO3 = 8,
	STATS_XMR_HIGH = 16, /* a rule fired above the mean or on a rising trend */
	STATS_XMR_LOW = 32,  /* a rule fired below the mean or on a falling trend */
	STATS_XMR_RULES = STATS_XMR_OUTSIDE | STATS_XMR_SHIFT | STATS_XMR_TREND | STATS_XMR_TWO3,
};

/* The variation verdict of a point (and of a chart: its last point). */
enum stats_variation {
	STATS_VAR_COMMON = 0,       /* common cause: no rule fired */
	STATS_VAR_IMPROVEMENT = 1,  /* special cause on the better side */
	STATS_VAR_CONCERN = 2,      /* special cause on the worse side */
	STATS_VAR_NEITHER_HIGH = 3, /* special cause, high side, indicator with no direction */
	STATS_VAR_NEITHER_LOW = 4,  /* special cause, low side, indicator with no direction */
};

/* The assurance verdict: can the process, as it runs now, be relied on to meet its target? */
enum stats_assurance {
	STATS_ASSURE_NONE = 0,     /* no target, or an indicator with no direction */
	STATS_ASSURE_PASS = 1,     /* both limits on the passing side of the target */
	STATS_ASSURE_FAIL = 2,     /* both limits on the failing side of the target */
	STATS_ASSURE_HIT_MISS = 3, /* the target lies between the limits (or on one) */
};

struct stats_xmr_opts {
	int screen;             /* 1: screen large moving ranges (default); 0: keep them all */
	size_t baseline;        /* 0: every point of a segment; else its first BASELINE points */
	const size_t *breaks;   /* NBREAKS indexes (0-based) where a new segment starts */
	size_t nbreaks;
	int shift_run;          /* default 7 */
	int trend_run;          /* default 7 */
	enum stats_two3 two3;   /* default STATS_TWO3_BEYOND */
	enum stats_polarity polarity;
	double target;          /* NaN when the indicator has none */
};

/* One segment's chart. */
struct stats_xmr_segment {
	size_t start, len;      /* points [start, start + len) */
	double mean, amr;       /* amr after screening */
	double lcl, ucl;        /* mean -/+ 2.66 amr */
	size_t mr_dropped;      /* moving ranges removed by screening */
};

struct stats_xmr_result {
	size_t nseg;                     /* segments written */
	enum stats_variation variation;  /* of the last point */
	enum stats_assurance assurance;  /* of the last segment's limits */
};

/* Defaults: screening on, no baseline, no breaks, shift 7, trend 7, two of three beyond, no
 * direction, no target. */
void stats_xmr_defaults(struct stats_xmr_opts *o);

/*
 * The XmR chart of X[0..N) under OPTS. SEG (capacity NSEG_CAP, at least nbreaks + 1) gets each
 * segment; FLAGS (N bytes) gets each point's STATS_XMR_* flags; RES (may be NULL)
 * the verdicts. Nothing is allocated.
 *
 * A series of identical values has amR = 0: the limits collapse onto the mean, screening is
 * skipped (nothing can be compared with a zero mean range), and only later points that differ
 * are outside. That is returned as STATS_OK and documented, not hidden.
 *
 * Errors: STATS_EDOM when an X is not finite, or a segment or baseline has fewer than 2 points
 * (no moving range); STATS_ERANGE when breaks are not strictly increasing inside (0, N), a
 * run length is below 2, BASELINE is 1, the target is infinite, or POLARITY is not one of the
 * three; STATS_ENOMEM when NSEG_CAP < nbreaks + 1.
 */
int stats_xmr(const double *x, size_t n, const struct stats_xmr_opts *opts,
	      struct stats_xmr_segment *seg, size_t nseg_cap, unsigned char *flags,
	      struct stats_xmr_result *res);

/*
 * The same rules for a chart whose limits follow each point (p, u and Laney's p' and u'
 * charts, src/stats/attr.h), over one segment: X[0..N) the plotted values, CENTRE the centre
 * line, LCL and UCL each point's limits as plotted (cut at 0, or 1 for proportions), SIGMA
 * each point's sigma (stats_attr_sigma), so that its 2-sigma lines are CENTRE -/+ 2 SIGMA[i].
 * OPTS gives the run lengths, the two-of-three mode, the polarity and the target; its
 * screening, baseline and breaks are for XmR and not read (a caller splits a rebased series
 * into segments itself). FLAGS (N bytes) gets each point's flags; RES (may be NULL) the
 * verdicts of the last point (assurance from its limits).
 * Errors: STATS_ERANGE for options as stats_xmr; STATS_EDOM when N is 0 or a value, limit or
 * sigma is not finite, a sigma is negative or a point's LCL is above its UCL.
 */
int stats_spc_rules(const double *x, size_t n, double centre, const double *lcl,
		    const double *ucl, const double *sigma, const struct stats_xmr_opts *opts,
		    unsigned char *flags, struct stats_xmr_result *res);

/* The verdict for one point's FLAGS under POLARITY; improvement wins when both sides fired. */
enum stats_variation stats_xmr_variation(unsigned flags, enum stats_polarity polarity);

/* The assurance verdict of limits LCL..UCL against TARGET under POLARITY (NaN target: none). */
enum stats_assurance stats_xmr_assurance(double lcl, double ucl, double target,
					 enum stats_polarity polarity);

/* Short names for output: "common_cause", "improvement", "concern", "neither_high",
 * "neither_low"; "none", "pass", "fail", "hit_and_miss". */
const char *stats_variation_name(enum stats_variation v);
const char *stats_assurance_name(enum stats_assurance a);

#endif
