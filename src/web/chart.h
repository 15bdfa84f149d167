/*
 * Server-rendered SVG charts: the XmR (SPC) chart and the icons of NHS England's "Making Data
 * Count", the funnel plot, the ratio chart (a ratio over time with its intervals), and the
 * sparkline. chart.c draws the framed charts (XmR, funnel, ratio) and chart_glyph.c the
 * sparkline and icons; chart_int.h is what they share. Every chart is a pure function of
 * plain arrays that writes through the escaping HTML writer (web/html.h) into the caller's
 * buffer: no database, no I/O, no allocation. Data never becomes markup: labels, reasons and
 * titles are escaped text, and the one name taken from the caller, the chart's id, is checked
 * to be a plain identifier.
 *
 * Charts are sized by their viewBox alone, so they scale to their container and print
 * crisply; styles are SVG presentation attributes (the site's Content-Security-Policy forbids
 * inline style), so a chart looks right standalone, and CSS may override them through the
 * app-chart-* and app-pt-* classes. Each chart has role="img" and is named by its <title> and
 * <desc> (aria-labelledby), or by aria-label for the small ones; each point carries a <title>
 * shown on hover. Markers differ in shape as well as colour, so the charts read in grey print.
 *
 * Colours follow Making Data Count (as NHSRplotthedots draws them): common cause grey,
 * improvement blue, concern amber, neither-direction purple, target red.
 *
 * Errors: functions return 0 or a negative enum cu_errcode and set ERR (may be NULL). They
 * check their whole input before writing anything, so a refused chart writes nothing. If the
 * buffer's ceiling is reached (or was already reached) they return CU_ELIMIT; the buffer's
 * failed flag is then set and the page must not be sent.
 */
#ifndef CU_WEB_CHART_H
#define CU_WEB_CHART_H

#include <stddef.h>

#include "base/err.h"
#include "stats/funnel.h"
#include "stats/spc.h"
#include "web/html.h"

/* Points in one chart (XmR, funnel, ratio or sparkline); past it CU_ELIMIT. Belongs in
 * base/limits.h once that file's owner takes it. */
#define CHART_MAX_POINTS 10000
/* Largest |value| a chart accepts (values, limits, targets, denominators). */
#define CHART_MAX_ABS 1e15
/* Most ticks chart_nice_ticks will make. */
#define CHART_MAX_TICKS 100
/* "No point": the funnel's highlight when no unit is highlighted. */
#define CHART_NONE ((size_t)-1)

/* Text geometry used to keep axis labels apart: labels are CHART_FONT_PX high and are taken
 * to be at most CHART_CHAR_EM of that wide per character (Arial digits are 0.556 em), with at
 * least CHART_LABEL_GAP_PX between neighbours. */
#define CHART_FONT_PX 11
#define CHART_CHAR_EM 0.62
#define CHART_LABEL_GAP_PX 6

/* A rebasing of an XmR chart: a new segment (new mean and limits) starts at point INDEX. */
struct chart_break {
	size_t index;       /* 0 < INDEX < n, strictly increasing across breaks */
	const char *reason; /* shown on hover; may be NULL */
};

/* Everything an XmR chart shows. Arrays have N entries unless said otherwise. */
struct chart_xmr {
	const char *id;      /* unique in the page: a letter, then letters, digits, - or _ (<= 64) */
	const char *title;   /* short accessible name, e.g. the indicator's title; required */
	const char *desc;    /* longer description; NULL: one is written from the data */
	const char *y_title; /* y-axis title, e.g. "Per cent"; may be NULL */
	const char *unit;    /* appended to values in text, e.g. "%"; may be NULL */
	int decimals;        /* decimals of values in text, 0..6; -1: chosen from the data */
	size_t n;
	const char *const *labels;  /* x labels such as "2024-04"; NULL: "1", "2", ... */
	const double *value;        /* NaN: missing (a gap in the line) */
	const double *mean;         /* centre line per point; NULL or NaN: none */
	const double *lcl, *ucl;    /* process limits per point; NULL or NaN: none */
	const unsigned char *flags; /* STATS_XMR_* per point from stats_xmr; NULL: none fired */
	enum stats_polarity polarity;
	double target;              /* NaN: none */
	const struct chart_break *breaks;
	size_t nbreaks;
	const char *name;   /* the chart's name in its description; NULL: "XmR chart" */
	const char *centre; /* the centre line's name in the legend and description; NULL: "Mean" */
};

/*
 * Write the XmR chart C (or another control chart with the same parts: p, u and Laney's
 * charts have limits that change from point to point, drawn as given): y-axis ticks from chart_nice_ticks, x labels thinned so they never
 * overlap (see CHART_FONT_PX), a legend, the centre line and process limits drawn segment by
 * segment (a line never joins across a rebasing break or a missing limit), the target, each
 * rebasing mark with its reason on hover, the series as one path that moves (M) past each
 * missing value, and a marker per point: its class is app-pt-common, app-pt-improvement,
 * app-pt-concern or app-pt-neither by stats_xmr_variation(flags, polarity), and its <title>
 * gives the label, the value and the rules that fired. Zero points or all-equal values draw
 * a valid chart (the axis is widened around the value).
 * Errors: CU_EINVAL for a bad id, a missing title, a value, limit or target that is infinite
 * or beyond CHART_MAX_ABS, breaks out of order or out of (0, N), decimals out of range, an
 * unknown polarity, or an array missing while N > 0; CU_ELIMIT when N > CHART_MAX_POINTS or
 * the buffer is full.
 */
int chart_xmr(struct html *h, const struct chart_xmr *c, struct cu_err *err);

/* A funnel plot. Point arrays have N entries; limit arrays NLIM. */
struct chart_funnel {
	const char *id, *title, *desc; /* as struct chart_xmr */
	const char *x_title;   /* e.g. "Expected deaths"; NULL: "Denominator" */
	const char *y_title;   /* may be NULL */
	const char *unit;
	int decimals;          /* as struct chart_xmr */
	size_t n;
	const char *const *labels; /* unit names; NULL: "1", "2", ... */
	const double *x;       /* denominator or expected count, >= 0; NaN: unit not drawn */
	const double *y;       /* value; NaN: unit not drawn */
	const int *cls;        /* enum stats_funnel_class, -2..2, e.g. from stats_funnel_classify */
	size_t nlim;
	const double *lim_x;   /* ascending, >= 0 */
	const double *lo95, *hi95, *lo998, *hi998; /* NaN: no limit at that x (a gap) */
	double target;         /* centre line; NaN: none */
	size_t highlight;      /* the unit to pick out, or CHART_NONE */
};

/*
 * Write the funnel plot F: x and y axes with nice ticks (x from 0), the 95% limits dashed and
 * the 99.8% limits solid, clipped to the plot, the centre line, and each unit as a marker
 * classed app-pt-within (circle), app-pt-outside95 (square) or app-pt-outside998 (diamond) with
 * a <title>; the highlighted unit gets a ring, its name beside it, and app-pt-highlight.
 * Errors: CU_EINVAL for a bad id, missing title, infinite or out-of-range numbers, x < 0,
 * a class outside -2..2, lim_x not ascending, a highlight past N, or a missing array;
 * CU_ELIMIT when N or NLIM > CHART_MAX_POINTS or the buffer is full.
 */
int chart_funnel(struct html *h, const struct chart_funnel *f, struct cu_err *err);

/* A ratio of observed to expected (deaths, say) period by period, each with its 95% and
 * 99.8% limits (control limits around 1 at the period's expected count, or an interval around
 * the ratio) and its band. Arrays have N entries unless said otherwise. */
struct chart_ratio {
	const char *id, *title, *desc; /* as struct chart_xmr */
	const char *y_title; /* y-axis title, e.g. "Observed / expected deaths"; may be NULL */
	const char *name;    /* the chart's name in its description; NULL: "Ratio of observed to
			      * expected" */
	int decimals;        /* decimals of ratios and limits in text, 0..6; -1: from the data */
	size_t n;
	const char *const *labels;   /* period labels such as "2023-24"; NULL: "1", "2", ... */
	const double *ratio;         /* >= 0; NaN: none (the period keeps its place and bars) */
	const double *lo95, *hi95;   /* the 95% limits; NaN at either end: no bar */
	const double *lo998, *hi998; /* the 99.8% limits; NaN at either end: no bar */
	const double *observed, *expected; /* for the points' titles; NULL or NaN: not shown */
	const int *band; /* 1 higher than expected, -1 lower, 0 as expected, as the caller judged
			  * it (e.g. the ratio beyond a 95% limit) */
};

/*
 * Write the ratio chart C: a y axis with ticks from chart_nice_ticks over the ratios, the
 * limits and 1 (never below 0: a lower limit under 0 is cut at the axis), period labels
 * thinned as chart_xmr's, the line at 1 ("as expected", app-chart-centre), each period's
 * 99.8% limits as a thin bar and its 95% limits as a thick one (app-chart-limit998,
 * app-chart-limit95) clipped to the axis, and a marker per period with a ratio by its band:
 * a grey circle as expected (app-pt-within), an amber square higher (app-pt-higher) and a blue
 * diamond lower (app-pt-lower), a higher ratio being the concern. Each marker's <title> gives
 * the label, the ratio, the observed and expected counts, both limits and the band; the
 * legend names markers, bars and line and wraps when the row is full. Zero periods, or none
 * with a ratio, draw a valid chart saying "No data".
 * Errors: CU_EINVAL for a bad id, a missing title, a number that is infinite or beyond
 * CHART_MAX_ABS, a negative ratio, a lower limit above its upper limit, a band outside -1..1,
 * decimals out of range, or an array missing while N > 0 (observed and expected may be
 * NULL); CU_ELIMIT when N > CHART_MAX_POINTS or the buffer is full.
 */
int chart_ratio(struct html *h, const struct chart_ratio *c, struct cu_err *err);

/*
 * The name of BAND as the ratio chart's legend gives it, so that a table beside the chart
 * uses the same words: "Higher than expected" (BAND > 0), "Lower than expected" (BAND < 0)
 * or "As expected" (0). A static string.
 */
const char *chart_ratio_band_name(int band);

/*
 * Write a sparkline of V[0..N) (NaN: a gap), 80 x 20 units, its last finite point marked
 * (app-spark-last). Its aria-label and <title> say WHAT, the latest value with UNIT (may be
 * NULL) and DECIMALS (0..6, or -1: from the data), and the direction from the value before:
 * "A&E: latest 72.3%, up from 70.1%", "... no change ...", or "...: no data".
 * Errors: CU_EINVAL for a NULL WHAT, an infinite value or one beyond CHART_MAX_ABS, or bad
 * DECIMALS; CU_ELIMIT when N > CHART_MAX_POINTS or the buffer is full.
 */
int chart_sparkline(struct html *h, const char *what, const double *v, size_t n,
		    const char *unit, int decimals, struct cu_err *err);

/*
 * Write the Making Data Count variation icon for verdict V of an indicator with POLARITY
 * (which says whether an improvement is high or low): a 32 x 32 disc with a <title> and
 * aria-label. Without colour they read by letter and arrow: common cause, a flat wave and no
 * letter; improvement "I", concern "C", neither "N", each with an arrow up (high) or down
 * (low). Errors: CU_EINVAL for an unknown V, or improvement or concern with no direction.
 */
int chart_icon_variation(struct html *h, enum stats_variation v, enum stats_polarity polarity,
			 struct cu_err *err);

/*
 * Write the assurance icon for A: "P" (consistently passes the target), "F" (consistently
 * fails), "?" (hit and miss), or a hollow dash for STATS_ASSURE_NONE (no target), with a
 * <title> and aria-label. Errors: CU_EINVAL for an unknown A.
 */
int chart_icon_assurance(struct html *h, enum stats_assurance a, struct cu_err *err);

/*
 * "Nice" axis ticks covering [MIN, MAX]: the smallest step S = m x 10^k, m in {1, 2, 2.5, 5},
 * for which the multiples of S from floor(MIN/S) S to ceil(MAX/S) S number at most MAXTICKS.
 * OUT (room for MAXTICKS) gets them ascending, *N their count (>= 2) and *STEP the step (both
 * may not be NULL). Ticks are computed as whole multiples, so 0.1 .. 0.3 gives exactly
 * 0.1, 0.2, 0.3. A range narrower than 1e-6 (or 1e-9 of its magnitude) is first widened to
 * its centre -/+ max(10% of the centre, 1e-6), or -/+ 1 around 0, so equal values still get
 * an axis. Example: 0..97 with MAXTICKS 6 gives 0, 20, .., 100.
 * Errors: CU_EINVAL when MIN or MAX is not finite or beyond CHART_MAX_ABS, MIN > MAX, or
 * MAXTICKS is outside 2..CHART_MAX_TICKS.
 */
int chart_nice_ticks(double min, double max, size_t maxticks, double *out, size_t *n,
		     double *step);

#endif
