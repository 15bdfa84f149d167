/*
 * The small charts that have no frame, axes or legend: the sparkline (a line of a series, for
 * a table cell) and the Making Data Count icons (a variation verdict and an assurance verdict,
 * each a 32 x 32 disc); see chart.h. They draw with the helpers chart_int.h shares from
 * chart.c, and like the framed charts check all input before writing anything.
 */
#include "web/chart.h"

#include <math.h>

#include "web/chart_int.h"

/* ---- sparkline --------------------------------------------------------------------- */

/* Say the sparkline's summary: "WHAT: latest V, up from P" (or "no change from", or
 * "no data"). */
static void spark_summary(struct html *h, const char *what, const double *v, size_t n,
			  const char *unit, int dec)
{
	size_t last = n, prev = n;

	for (size_t i = n; i-- > 0;)
		if (!isnan(v[i])) {
			if (last == n) {
				last = i;
			} else {
				prev = i;
				break;
			}
		}
	chart_say(h, what);
	if (last == n) {
		chart_say(h, ": no data");
		return;
	}
	chart_say(h, ": latest ");
	chart_say_value(h, v[last], dec, unit);
	if (prev == n)
		return;
	chart_say(h, v[last] > v[prev] ? ", up from " : v[last] < v[prev] ? ", down from "
								    : ", no change from ");
	chart_say_value(h, v[prev], dec, unit);
}

int chart_sparkline(struct html *h, const char *what, const double *v, size_t n,
		    const char *unit, int decimals, struct cu_err *err)
{
	static const struct chart_frame sf = { 80, 20, 3, 77, 3, 17 };
	double lo = NAN, hi = NAN, tick[5], step;
	size_t nt;
	struct chart_scale sy;
	size_t last = n;
	int rc, dec;

	if (chart_check_buf(h, err))
		return CU_ELIMIT;
	if (!what)
		return cu_err_set(err, CU_EINVAL, "sparkline description missing");
	if (n > CHART_MAX_POINTS)
		return cu_err_set(err, CU_ELIMIT, "sparkline has %zu points: expected at most %d",
				  n, CHART_MAX_POINTS);
	if ((rc = chart_check_decimals(decimals, err)) != 0 ||
	    (rc = chart_check_array(v, n, 0, "value", err)) != 0)
		return rc;
	chart_range_add_all(&lo, &hi, v, n);
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			last = i;
	if (isnan(lo)) {
		lo = 0;
		hi = 1;
	}
	/* Decimals as if the line had an axis of five ticks. */
	if (chart_nice_ticks(lo, hi, 5, tick, &nt, &step) != 0)
		step = 1;
	dec = chart_value_decimals(decimals, v, n, step);
	/* Equal values draw a level line through the middle. */
	if (hi > lo)
		sy = (struct chart_scale){ lo, hi, sf.bottom, sf.top };
	else
		sy = (struct chart_scale){ lo - 1, lo + 1, sf.bottom, sf.top };

	html_tag(h, HTML_SVG);
	html_attr(h, HTML_ATTR_XMLNS, "http://www.w3.org/2000/svg");
	html_attr(h, HTML_ATTR_VIEWBOX, "0 0 80 20");
	html_attr_num(h, HTML_ATTR_WIDTH, sf.w);
	html_attr_num(h, HTML_ATTR_HEIGHT, sf.h);
	html_attr(h, HTML_ATTR_CLASS, "app-spark");
	html_attr(h, HTML_ATTR_ROLE, "img");
	html_attr_begin(h, HTML_ATTR_ARIA_LABEL);
	spark_summary(h, what, v, n, unit, dec);
	html_attr_end(h);
	html_attr(h, HTML_ATTR_FOCUSABLE, "false");
	html_tag_end(h);
	html_open(h, HTML_TITLE, -1);
	spark_summary(h, what, v, n, unit, dec);
	html_close(h);
	if (last < n) {
		struct chart_frame inner = sf;

		inner.left = sf.left - 10; /* chart_x_of insets by 10 */
		inner.right = sf.right + 10;
		chart_series_path(h, &inner, &sy, v, n, NULL, 0, "app-spark-line", COL_LINE, 1.2,
				  NULL);
		html_tag(h, HTML_CIRCLE);
		html_attr(h, HTML_ATTR_CLASS, "app-spark-last");
		html_attr_num(h, HTML_ATTR_CX, chart_x_of(&inner, last, n));
		html_attr_num(h, HTML_ATTR_CY, chart_scale_map(&sy, v[last]));
		html_attr_num(h, HTML_ATTR_R, 2.2);
		html_attr(h, HTML_ATTR_FILL, COL_INK);
		html_tag_void(h);
	}
	html_close(h);
	return chart_check_buf(h, err);
}

/* ---- icons ------------------------------------------------------------------------- */

/* Open a 32 x 32 icon named TITLE with a disc of FILL (hollow with a STROKE ring if FILL is
 * NULL). The caller draws on it and closes the svg. */
static void icon_open(struct html *h, const char *cls, const char *title, const char *fill,
		      const char *stroke)
{
	html_tag(h, HTML_SVG);
	html_attr(h, HTML_ATTR_XMLNS, "http://www.w3.org/2000/svg");
	html_attr(h, HTML_ATTR_VIEWBOX, "0 0 32 32");
	html_attr(h, HTML_ATTR_WIDTH, "32");
	html_attr(h, HTML_ATTR_HEIGHT, "32");
	html_attr(h, HTML_ATTR_CLASS, cls);
	html_attr(h, HTML_ATTR_ROLE, "img");
	html_attr(h, HTML_ATTR_ARIA_LABEL, title);
	html_attr(h, HTML_ATTR_FOCUSABLE, "false");
	html_tag_end(h);
	html_elem(h, HTML_TITLE, NULL, title);
	html_tag(h, HTML_CIRCLE);
	html_attr(h, HTML_ATTR_CX, "16");
	html_attr(h, HTML_ATTR_CY, "16");
	html_attr(h, HTML_ATTR_R, fill ? "15" : "14");
	html_attr(h, HTML_ATTR_FILL, fill ? fill : COL_WHITE);
	if (!fill) {
		html_attr(h, HTML_ATTR_STROKE, stroke);
		html_attr(h, HTML_ATTR_STROKE_WIDTH, "2");
	}
	html_tag_void(h);
}

/* A letter centred at X on the icon. */
static void icon_letter(struct html *h, const char *x, const char *letter, const char *fill)
{
	html_tag(h, HTML_SVG_TEXT);
	html_attr(h, HTML_ATTR_X, x);
	html_attr(h, HTML_ATTR_Y, "21.5");
	html_attr(h, HTML_ATTR_TEXT_ANCHOR, "middle");
	html_attr(h, HTML_ATTR_FONT_FAMILY, "Arial, sans-serif");
	html_attr(h, HTML_ATTR_FONT_SIZE, "15");
	html_attr(h, HTML_ATTR_FONT_WEIGHT, "bold");
	html_attr(h, HTML_ATTR_FILL, fill);
	html_tag_end(h);
	html_text(h, letter);
	html_close(h);
}

/* A stroked shape with data D. */
static void icon_stroke(struct html *h, const char *cls, const char *d, const char *stroke)
{
	html_tag(h, HTML_PATH);
	html_attr(h, HTML_ATTR_CLASS, cls);
	html_attr(h, HTML_ATTR_D, d);
	html_attr(h, HTML_ATTR_FILL, "none");
	html_attr(h, HTML_ATTR_STROKE, stroke);
	html_attr(h, HTML_ATTR_STROKE_WIDTH, "2.4");
	html_attr(h, HTML_ATTR_STROKE_LINECAP, "round");
	html_attr(h, HTML_ATTR_STROKE_LINEJOIN, "round");
	html_tag_void(h);
}

int chart_icon_variation(struct html *h, enum stats_variation v, enum stats_polarity polarity,
			 struct cu_err *err)
{
	static const char up[] = "M22.5 24V9M18 13.5L22.5 9L27 13.5";
	static const char down[] = "M22.5 8V23M18 18.5L22.5 23L27 18.5";
	const char *title, *cls, *fill, *ink = COL_WHITE, *letter;
	int high;

	if (chart_check_buf(h, err))
		return CU_ELIMIT;
	if (polarity != STATS_LOWER_BETTER && polarity != STATS_NO_DIRECTION &&
	    polarity != STATS_HIGHER_BETTER)
		return cu_err_set(err, CU_EINVAL, "bad polarity \"%d\": expected -1, 0 or 1",
				  (int)polarity);
	switch (v) {
	case STATS_VAR_COMMON:
		icon_open(h, "app-icon app-icon-common", "Common cause variation", COL_COMMON, NULL);
		icon_stroke(h, "app-icon-wave", "M6 16Q8.5 10 11 16T16 16T21 16T26 16", COL_WHITE);
		html_close(h);
		return chart_check_buf(h, err);
	case STATS_VAR_IMPROVEMENT:
	case STATS_VAR_CONCERN:
		if (polarity == STATS_NO_DIRECTION)
			return cu_err_set(err, CU_EINVAL, "variation \"%s\" needs a direction: "
					  "expected polarity -1 or 1", stats_variation_name(v));
		high = (v == STATS_VAR_IMPROVEMENT) == (polarity == STATS_HIGHER_BETTER);
		if (v == STATS_VAR_IMPROVEMENT) {
			title = high ? "Special cause variation: improvement, high values"
				     : "Special cause variation: improvement, low values";
			cls = high ? "app-icon app-icon-improvement-high"
				   : "app-icon app-icon-improvement-low";
			fill = COL_IMPROVE;
			letter = "I";
		} else {
			title = high ? "Special cause variation: concern, high values"
				     : "Special cause variation: concern, low values";
			cls = high ? "app-icon app-icon-concern-high" : "app-icon app-icon-concern-low";
			fill = COL_CONCERN;
			ink = COL_INK; /* white on amber is too faint */
			letter = "C";
		}
		break;
	case STATS_VAR_NEITHER_HIGH:
	case STATS_VAR_NEITHER_LOW:
		high = v == STATS_VAR_NEITHER_HIGH;
		title = high ? "Special cause variation: neither improvement nor concern, high values"
			     : "Special cause variation: neither improvement nor concern, low values";
		cls = high ? "app-icon app-icon-neither-high" : "app-icon app-icon-neither-low";
		fill = COL_NEITHER;
		letter = "N";
		break;
	default:
		return cu_err_set(err, CU_EINVAL, "bad variation \"%d\": expected 0 to 4", (int)v);
	}
	icon_open(h, cls, title, fill, NULL);
	icon_letter(h, "11", letter, ink);
	icon_stroke(h, high ? "app-icon-up" : "app-icon-down", high ? up : down, ink);
	html_close(h);
	return chart_check_buf(h, err);
}

int chart_icon_assurance(struct html *h, enum stats_assurance a, struct cu_err *err)
{
	if (chart_check_buf(h, err))
		return CU_ELIMIT;
	switch (a) {
	case STATS_ASSURE_PASS:
		icon_open(h, "app-icon app-icon-pass",
			  "Assurance: the process consistently passes the target", COL_IMPROVE, NULL);
		icon_letter(h, "16", "P", COL_WHITE);
		break;
	case STATS_ASSURE_FAIL:
		icon_open(h, "app-icon app-icon-fail",
			  "Assurance: the process consistently fails the target", COL_CONCERN, NULL);
		icon_letter(h, "16", "F", COL_INK);
		break;
	case STATS_ASSURE_HIT_MISS:
		icon_open(h, "app-icon app-icon-hit-miss",
			  "Assurance: hit and miss, the target lies within the process limits",
			  COL_COMMON, NULL);
		icon_letter(h, "16", "?", COL_WHITE);
		break;
	case STATS_ASSURE_NONE:
		icon_open(h, "app-icon app-icon-no-target", "Assurance: no verdict, there is no target",
			  NULL, COL_COMMON);
		icon_stroke(h, "app-icon-dash", "M10 16H22", COL_COMMON);
		break;
	default:
		return cu_err_set(err, CU_EINVAL, "bad assurance \"%d\": expected 0 to 3", (int)a);
	}
	html_close(h);
	return chart_check_buf(h, err);
}
