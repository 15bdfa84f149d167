/*
 * Internals shared by the chart module's two files: chart.c (the framed charts, XmR, funnel
 * and ratio, with the frame, axes, markers and legend they are drawn with) and chart_glyph.c
 * (the sparkline and the Making Data Count icons, which have no frame). Only what the glyphs
 * need from chart.c is here; everything else stays static in chart.c.
 */
#ifndef CU_WEB_CHART_INT_H
#define CU_WEB_CHART_INT_H

#include <stddef.h>

#include "web/chart.h"

/* Making Data Count colours (as NHSRplotthedots draws them) and the NHS.UK ink and greys. */
#define COL_COMMON "#7b7d7d"
#define COL_IMPROVE "#289de0"
#define COL_CONCERN "#fab428"
#define COL_CONCERN_EDGE "#9c6a00"
#define COL_NEITHER "#361475"
#define COL_TARGET "#de1b1b"
#define COL_OUTER "#d5281b"
#define COL_INK "#212b32"
#define COL_LINE "#425563"
#define COL_GRID "#d8dde0"
#define COL_WHITE "#ffffff"

/* The drawing area inside a viewBox of W x H. */
struct chart_frame {
	double w, h;
	double left, right, top, bottom;
};

/* A linear map of the data interval [d0, d1] (d0 < d1) onto [r0, r1]. */
struct chart_scale {
	double d0, d1, r0, r1;
};

static inline double chart_scale_map(const struct chart_scale *s, double v)
{
	return s->r0 + (v - s->d0) * (s->r1 - s->r0) / (s->d1 - s->d0);
}

/* CU_ELIMIT, with ERR set, when the buffer behind H has hit its ceiling; else 0. */
int chart_check_buf(const struct html *h, struct cu_err *err);

/* CU_EINVAL, with ERR set, unless D (a chart's decimals) is -1 ("from the data") to 6. */
int chart_check_decimals(int d, struct cu_err *err);

/*
 * Check A[0..N): each a finite number no larger than CHART_MAX_ABS in size, or NaN. A NULL
 * A is allowed when OPTIONAL or N is 0. WHAT names the array in the message ("value").
 * Returns 0, or CU_EINVAL with ERR naming the first bad point.
 */
int chart_check_array(const double *a, size_t n, int optional, const char *what,
		      struct cu_err *err);

/* Widen *LO..*HI (NaN: empty) to take in each finite V[i]; V may be NULL. */
void chart_range_add_all(double *lo, double *hi, const double *v, size_t n);

/*
 * Decimals for values in text: DECIMALS when it is set (0..6); else 0 when every finite
 * V[i] is whole, else one more than an axis of STEP needs, at most 6.
 */
int chart_value_decimals(int decimals, const double *v, size_t n, double step);

/* Write S escaped: into the attribute value being built when a tag is open, else as text. */
void chart_say(struct html *h, const char *s);

/* chart_say V with DECIMALS decimals, its thousands grouped ("12,345.6"), and UNIT (may be
 * NULL) after it. */
void chart_say_value(struct html *h, double v, int decimals, const char *unit);

/* The x position of point I of N in frame F: evenly spread, 10 units in from each side, and
 * mid-frame when N <= 1. */
double chart_x_of(const struct chart_frame *f, size_t i, size_t n);

/*
 * A <path> through the points (chart_x_of(F, i, N), SY(V[i])), moving (M) instead of drawing
 * past each NaN and, with BREAKS (NBREAKS, may be 0), at each rebasing break. Class CLS,
 * STROKE, WIDTH and DASH (may be NULL) style it. Writes nothing when V is NULL or all NaN.
 */
void chart_series_path(struct html *h, const struct chart_frame *f, const struct chart_scale *sy,
		       const double *v, size_t n, const struct chart_break *breaks,
		       size_t nbreaks, const char *cls, const char *stroke, double width,
		       const char *dash);

#endif
