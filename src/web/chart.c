/*
 * The framed SVG charts through the escaping writer: the XmR chart, the funnel plot and the
 * ratio chart, with what they are drawn from (input checks, number text, lines, markers, the
 * titled root <svg>, nice ticks and axes, label thinning, the legend); see chart.h. The
 * sparkline and icons, which have no frame, are in chart_glyph.c and share the few helpers
 * chart_int.h declares. The geometry is in small static functions; the public functions check
 * all input first, then draw, so a refused chart writes nothing.
 */
#include "web/chart.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "web/chart_int.h"

/* Text of a number with its thousands grouped: sign, 19 digits, 6 commas, point, 9 digits. */
#define NUM_TXT 48
/* Characters of an x label drawn on the axis (the point's title has the whole label). */
#define LABEL_MAX_CP 24
/* Ticks on an axis. */
#define AXIS_TICKS 6

/* The frame of the XmR, funnel and ratio charts: room left for y labels and title, right for
 * a last x label. */
static const struct chart_frame wide_frame = { 760, 400, 68, 736, 56, 352 };

/* ---- checking input ---------------------------------------------------------------- */

/* An id usable in aria-labelledby (space-separated) and as an XML name: [A-Za-z][A-Za-z0-9_-]*. */
static int check_id(const char *id, struct cu_err *err)
{
	size_t n;

	if (!id || !((id[0] >= 'A' && id[0] <= 'Z') || (id[0] >= 'a' && id[0] <= 'z')))
		return cu_err_set(err, CU_EINVAL, "bad chart id: expected a letter first");
	for (n = 0; id[n]; n++) {
		char c = id[n];

		if (n >= 64 || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				 (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return cu_err_set(err, CU_EINVAL,
					  "bad chart id: expected up to 64 letters, digits, - or _");
	}
	return 0;
}

/* A chart number: finite and within CHART_MAX_ABS, or NaN where ALLOW_NAN. */
static int ok_num(double v, int allow_nan)
{
	if (isnan(v))
		return allow_nan;
	return isfinite(v) && fabs(v) <= CHART_MAX_ABS;
}

/* Check A[0..N) (NULL allowed when OPTIONAL) as ok_num with NaN allowed. */
int chart_check_array(const double *a, size_t n, int optional, const char *what,
		      struct cu_err *err)
{
	if (!a) {
		if (optional || n == 0)
			return 0;
		return cu_err_set(err, CU_EINVAL, "chart %s missing: expected %zu numbers", what, n);
	}
	for (size_t i = 0; i < n; i++)
		if (!ok_num(a[i], 1))
			return cu_err_set(err, CU_EINVAL,
					  "bad chart %s at point %zu: expected a finite number "
					  "no larger than 1e15 in size, or NaN for none",
					  what, i + 1);
	return 0;
}

int chart_check_decimals(int d, struct cu_err *err)
{
	if (d < -1 || d > 6)
		return cu_err_set(err, CU_EINVAL, "bad chart decimals \"%d\": expected -1 to 6", d);
	return 0;
}

/* CU_ELIMIT when the buffer has hit its ceiling. */
int chart_check_buf(const struct html *h, struct cu_err *err)
{
	if (h->b->failed)
		return cu_err_set(err, CU_ELIMIT, "page would pass its size limit of %zu bytes",
				  h->b->max);
	return 0;
}

/* The checks every framed chart starts with: room left in the buffer, ID and TITLE. */
static int check_frame(const struct html *h, const char *id, const char *title,
		       struct cu_err *err)
{
	int rc;

	if (chart_check_buf(h, err))
		return CU_ELIMIT;
	if ((rc = check_id(id, err)) != 0)
		return rc;
	if (!title || !*title)
		return cu_err_set(err, CU_EINVAL, "chart title missing: expected some text");
	return 0;
}

/* ---- text ------------------------------------------------------------------------- */

/* Escaped text S, inside an attribute value being built or as element content. */
void chart_say(struct html *h, const char *s)
{
	if (h->in_tag)
		html_attr_put(h, s);
	else
		html_text(h, s);
}

/* V with DECIMALS decimals and its whole part grouped in threes ("12,345.6"), into OUT. */
static const char *fmt_num(char out[NUM_TXT], double v, int decimals)
{
	char raw[HTML_NUM_MAX];
	const char *p = raw;
	size_t o = 0, nd;

	html_num_format(raw, sizeof raw, v, decimals);
	if (*p == '-')
		out[o++] = *p++;
	nd = strcspn(p, ".");
	for (size_t i = 0; i < nd; i++) {
		if (i > 0 && nd >= 4 && (nd - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = p[i];
	}
	for (p += nd; *p; p++)
		out[o++] = *p;
	out[o] = '\0';
	return out;
}

/* Say V with UNIT (may be NULL). */
void chart_say_value(struct html *h, double v, int decimals, const char *unit)
{
	char t[NUM_TXT];

	chart_say(h, fmt_num(t, v, decimals));
	if (unit)
		chart_say(h, unit);
}

/* Say the count N. */
static void say_count(struct html *h, size_t n)
{
	char t[NUM_TXT];

	chart_say(h, fmt_num(t, (double)n, 0));
}

/* Say the 1-based number of point I. */
static void say_index(struct html *h, size_t i)
{
	say_count(h, i + 1);
}

/* Say the label of point I, or its number when there are no labels. */
static void say_label(struct html *h, const char *const *labels, size_t i)
{
	if (labels)
		chart_say(h, labels[i] ? labels[i] : "");
	else
		say_index(h, i);
}

/* Say "N ONE" or "N MANY" (N of them), then "FIRST to LAST" of the N >= 1 LABELS. */
static void say_span(struct html *h, const char *const *labels, size_t n, const char *one,
		     const char *many)
{
	say_count(h, n);
	chart_say(h, n == 1 ? one : many);
	say_label(h, labels, 0);
	chart_say(h, " to ");
	say_label(h, labels, n - 1);
}

/* Characters (UTF-8 code points) in S. */
static size_t cp_count(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Say S cut to MAXCP (at most LABEL_MAX_CP) whole characters, with "..." when cut. */
static void say_cut(struct html *h, const char *s, size_t maxcp)
{
	char t[4 * LABEL_MAX_CP + 8];
	size_t n = 0, cps = 0;

	if (maxcp > LABEL_MAX_CP)
		maxcp = LABEL_MAX_CP;
	while (s[n] && cps < maxcp) {
		size_t len = 1;

		while (((unsigned char)s[n + len] & 0xc0) == 0x80)
			len++; /* the character's continuation bytes */
		if (n + len + 4 > sizeof t)
			break; /* only for malformed UTF-8: long runs of continuation bytes */
		memcpy(t + n, s + n, len);
		n += len;
		cps++;
	}
	if (s[n]) {
		memcpy(t + n, "...", 3);
		n += 3;
	}
	t[n] = '\0';
	chart_say(h, t);
}

/* Decimals that show STEP exactly (0..9). */
static int step_decimals(double step)
{
	for (int d = 0; d < 9; d++) {
		double s = step * pow(10, d);

		if (fabs(s - round(s)) <= 1e-9 * s)
			return d;
	}
	return 9;
}

/* Decimals for values in text: DECIMALS when set; else 0 when every finite V is whole, else
 * one more than the axis step needs, at most 6. */
int chart_value_decimals(int decimals, const double *v, size_t n, double step)
{
	int d, whole = 1;

	if (decimals >= 0)
		return decimals;
	for (size_t i = 0; i < n && whole; i++)
		if (isfinite(v[i]) && v[i] != floor(v[i]))
			whole = 0;
	if (whole)
		return 0;
	d = step_decimals(step) + 1;
	return d > 6 ? 6 : d;
}

/* ---- elements ---------------------------------------------------------------------- */

/* <text> at X, Y with ANCHOR, class CLS; the caller writes the content and closes. */
static void text_open(struct html *h, double x, double y, const char *anchor, const char *cls)
{
	html_tag(h, HTML_SVG_TEXT);
	html_attr(h, HTML_ATTR_CLASS, cls);
	html_attr_num(h, HTML_ATTR_X, x);
	html_attr_num(h, HTML_ATTR_Y, y);
	html_attr(h, HTML_ATTR_TEXT_ANCHOR, anchor);
	html_tag_end(h);
}

static void text_at(struct html *h, double x, double y, const char *anchor, const char *cls,
		    const char *s)
{
	text_open(h, x, y, anchor, cls);
	html_text(h, s);
	html_close(h);
}

/* A line from (X1, Y1) to (X2, Y2); DASH may be NULL. */
static void line(struct html *h, const char *cls, double x1, double y1, double x2, double y2,
		 const char *stroke, double width, const char *dash)
{
	html_tag(h, HTML_LINE);
	html_attr(h, HTML_ATTR_CLASS, cls);
	html_attr_num(h, HTML_ATTR_X1, x1);
	html_attr_num(h, HTML_ATTR_Y1, y1);
	html_attr_num(h, HTML_ATTR_X2, x2);
	html_attr_num(h, HTML_ATTR_Y2, y2);
	html_attr(h, HTML_ATTR_STROKE, stroke);
	html_attr_num(h, HTML_ATTR_STROKE_WIDTH, width);
	html_attr(h, HTML_ATTR_STROKE_DASHARRAY, dash);
	html_tag_void(h);
}

/* Start a path with stroke attributes and no fill; the caller adds d and ends the tag. */
static void path_tag(struct html *h, const char *cls, const char *stroke, double width,
		     const char *dash)
{
	html_tag(h, HTML_PATH);
	html_attr(h, HTML_ATTR_CLASS, cls);
	html_attr(h, HTML_ATTR_FILL, "none");
	html_attr(h, HTML_ATTR_STROKE, stroke);
	html_attr_num(h, HTML_ATTR_STROKE_WIDTH, width);
	html_attr(h, HTML_ATTR_STROKE_DASHARRAY, dash);
	html_attr(h, HTML_ATTR_STROKE_LINEJOIN, "round");
}

/* Path data: a move (M) or line (L) to X, Y. */
static void d_to(struct html *h, int move, double x, double y)
{
	html_attr_put(h, move ? "M" : "L");
	html_attr_put_num(h, x);
	html_attr_put(h, " ");
	html_attr_put_num(h, y);
}

enum shape { SHAPE_CIRCLE, SHAPE_SQUARE, SHAPE_DIAMOND };

struct mark {
	enum shape shape;
	double size; /* radius, half side or half diagonal */
	const char *fill, *stroke, *cls, *legend;
};

/*
 * The marker M at X, Y. With OPEN the element is left open for a <title> (the caller closes
 * it); otherwise it is self-closed.
 */
static void mark_at(struct html *h, const struct mark *m, double x, double y, const char *extra,
		    int open)
{
	switch (m->shape) {
	case SHAPE_CIRCLE:
		html_tag(h, HTML_CIRCLE);
		html_attr_num(h, HTML_ATTR_CX, x);
		html_attr_num(h, HTML_ATTR_CY, y);
		html_attr_num(h, HTML_ATTR_R, m->size);
		break;
	case SHAPE_SQUARE:
		html_tag(h, HTML_RECT);
		html_attr_num(h, HTML_ATTR_X, x - m->size);
		html_attr_num(h, HTML_ATTR_Y, y - m->size);
		html_attr_num(h, HTML_ATTR_WIDTH, 2 * m->size);
		html_attr_num(h, HTML_ATTR_HEIGHT, 2 * m->size);
		break;
	case SHAPE_DIAMOND:
		html_tag(h, HTML_PATH);
		html_attr_begin(h, HTML_ATTR_D);
		d_to(h, 1, x, y - m->size);
		d_to(h, 0, x + m->size, y);
		d_to(h, 0, x, y + m->size);
		d_to(h, 0, x - m->size, y);
		html_attr_put(h, "Z");
		html_attr_end(h);
		break;
	}
	html_attr_begin(h, HTML_ATTR_CLASS);
	html_attr_put(h, m->cls);
	if (extra) {
		html_attr_put(h, " ");
		html_attr_put(h, extra);
	}
	html_attr_end(h);
	html_attr(h, HTML_ATTR_FILL, m->fill);
	html_attr(h, HTML_ATTR_STROKE, m->stroke);
	if (m->stroke)
		html_attr_num(h, HTML_ATTR_STROKE_WIDTH, 1);
	if (open)
		html_tag_end(h);
	else
		html_tag_void(h);
}

/* The root <svg> of a chart named by its <title> and <desc> (ids ID-title, ID-desc), with
 * the desc left open after DESC (may be NULL: the caller writes a generated one). The caller
 * closes the desc, then draws and closes the svg. */
static void svg_open(struct html *h, const struct chart_frame *f, const char *cls, const char *id,
		     const char *title, const char *desc)
{
	html_tag(h, HTML_SVG);
	html_attr(h, HTML_ATTR_XMLNS, "http://www.w3.org/2000/svg");
	html_attr_begin(h, HTML_ATTR_VIEWBOX);
	html_attr_put(h, "0 0 ");
	html_attr_put_num(h, f->w);
	html_attr_put(h, " ");
	html_attr_put_num(h, f->h);
	html_attr_end(h);
	html_attr(h, HTML_ATTR_CLASS, cls);
	html_attr(h, HTML_ATTR_ROLE, "img");
	html_attr_begin(h, HTML_ATTR_ARIA_LABELLEDBY);
	html_attr_put(h, id);
	html_attr_put(h, "-title ");
	html_attr_put(h, id);
	html_attr_put(h, "-desc");
	html_attr_end(h);
	html_attr(h, HTML_ATTR_FOCUSABLE, "false");
	html_attr(h, HTML_ATTR_FONT_FAMILY, "Frutiger W01, Arial, sans-serif");
	html_attr_num(h, HTML_ATTR_FONT_SIZE, CHART_FONT_PX);
	html_attr(h, HTML_ATTR_FILL, COL_INK);
	html_tag_end(h);

	html_tag(h, HTML_TITLE);
	html_attr_begin(h, HTML_ATTR_ID);
	html_attr_put(h, id);
	html_attr_put(h, "-title");
	html_attr_end(h);
	html_tag_end(h);
	html_text(h, title);
	html_close(h);

	html_tag(h, HTML_DESC);
	html_attr_begin(h, HTML_ATTR_ID);
	html_attr_put(h, id);
	html_attr_put(h, "-desc");
	html_attr_end(h);
	html_tag_end(h);
	if (desc)
		html_text(h, desc);
}

/* "No data" across the middle of frame F, for a chart with nothing to mark. */
static void no_data(struct html *h, const struct chart_frame *f)
{
	text_at(h, (f->left + f->right) / 2, (f->top + f->bottom) / 2, "middle", "app-chart-empty",
		"No data");
}

/* ---- ticks and axes ------------------------------------------------------------------ */

/* Tick I of step M x 10^E, as a whole multiple so that 3 x 0.1 comes out as 0.3. */
static double tick_value(double i, double m, int e)
{
	return e >= 0 ? i * m * pow(10, e) : i * m / pow(10, -e);
}

int chart_nice_ticks(double min, double max, size_t maxticks, double *out, size_t *n,
		     double *step)
{
	static const double mult[] = { 1, 2, 2.5, 5 };
	double span, raw, mag;
	int k;

	if (!ok_num(min, 0) || !ok_num(max, 0) || min > max)
		return CU_EINVAL;
	if (maxticks < 2 || maxticks > CHART_MAX_TICKS)
		return CU_EINVAL;
	span = max - min;
	mag = fmax(fabs(min), fabs(max));
	if (span < 1e-6 || span < 1e-9 * mag) {
		double c = min / 2 + max / 2, half = c != 0 ? fmax(0.1 * fabs(c), 1e-6) : 1;

		min = c - half;
		max = c + half;
		span = max - min;
	}
	raw = span / (double)(maxticks - 1);
	k = (int)floor(log10(raw));
	/* The count of multiples is at most span / s + 2, so a step 10^2 above raw always fits;
	 * twenty decades is a safe bound on the search. */
	for (int e = k; e <= k + 20; e++) {
		for (size_t j = 0; j < sizeof mult / sizeof mult[0]; j++) {
			double s = mult[j] * pow(10, e), lo, hi;

			if (s < raw * (1 - 1e-12))
				continue;
			lo = floor(min / s + 1e-9);
			hi = ceil(max / s - 1e-9);
			if (hi <= lo)
				hi = lo + 1;
			if (hi - lo + 1 > (double)maxticks)
				continue;
			*n = (size_t)(hi - lo) + 1;
			for (size_t i = 0; i < *n; i++)
				out[i] = tick_value(lo + (double)i, mult[j], e);
			*step = s;
			return 0;
		}
	}
	return CU_EINVAL; /* not reached for inputs within CHART_MAX_ABS */
}

/* An axis: its ticks and the scale from their range onto pixels R0..R1. */
struct axis {
	double tick[AXIS_TICKS];
	size_t nt;
	double step;
	int decimals; /* of tick labels */
	struct chart_scale s;
};

/* Fit AXIS to the data range LO..HI (NaN: none, then 0..1) and map it onto R0..R1. */
static void axis_fit(struct axis *a, double lo, double hi, double r0, double r1)
{
	if (isnan(lo) || isnan(hi)) {
		lo = 0;
		hi = 1;
	}
	if (chart_nice_ticks(lo, hi, AXIS_TICKS, a->tick, &a->nt, &a->step) != 0) {
		/* Inputs are checked, so this cannot happen; fall back to 0..1. */
		a->tick[0] = 0;
		a->tick[1] = 1;
		a->nt = 2;
		a->step = 1;
	}
	a->decimals = step_decimals(a->step);
	a->s.d0 = a->tick[0];
	a->s.d1 = a->tick[a->nt - 1];
	a->s.r0 = r0;
	a->s.r1 = r1;
}

/* Widen *LO..*HI to take in V when V is a number. */
static void range_add(double *lo, double *hi, double v)
{
	if (!isfinite(v))
		return;
	if (isnan(*lo) || v < *lo)
		*lo = v;
	if (isnan(*hi) || v > *hi)
		*hi = v;
}

void chart_range_add_all(double *lo, double *hi, const double *v, size_t n)
{
	if (v)
		for (size_t i = 0; i < n; i++)
			range_add(lo, hi, v[i]);
}

/* Horizontal grid lines and labels of the y axis Y across frame F, and its title. */
static void y_axis(struct html *h, const struct chart_frame *f, const struct axis *y,
		   const char *title)
{
	char t[NUM_TXT];

	html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-yaxis", -1);
	for (size_t i = 0; i < y->nt; i++) {
		double py = chart_scale_map(&y->s, y->tick[i]);

		line(h, "app-chart-grid", f->left, py, f->right, py, COL_GRID, 1, NULL);
		text_at(h, f->left - 6, py + 4, "end", "app-chart-tick",
			fmt_num(t, y->tick[i], y->decimals));
	}
	if (title) {
		double cx = 14, cy = (f->top + f->bottom) / 2;

		html_tag(h, HTML_SVG_TEXT);
		html_attr(h, HTML_ATTR_CLASS, "app-chart-axis-title");
		html_attr_num(h, HTML_ATTR_X, cx);
		html_attr_num(h, HTML_ATTR_Y, cy);
		html_attr(h, HTML_ATTR_TEXT_ANCHOR, "middle");
		html_attr_begin(h, HTML_ATTR_TRANSFORM);
		html_attr_put(h, "rotate(-90 ");
		html_attr_put_num(h, cx);
		html_attr_put(h, " ");
		html_attr_put_num(h, cy);
		html_attr_put(h, ")");
		html_attr_end(h);
		html_tag_end(h);
		html_text(h, title);
		html_close(h);
	}
	html_close(h);
}

/* ---- legend ------------------------------------------------------------------------ */

/* Where the next legend entry goes, and where a row ends. */
struct legend {
	double x, y, right;
};

/* Open the legend group of a chart in frame F; entries start at its top left. */
static struct legend legend_open(struct html *h, const struct chart_frame *f)
{
	html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-legend", -1);
	return (struct legend){ 8, 20, f->w - 8 };
}

/* Move to the next legend slot of width W (wrapping to a new row when the row is full). */
static void legend_slot(struct legend *lg, double w)
{
	if (lg->x + w > lg->right && lg->x > 8) {
		lg->x = 8;
		lg->y += 16;
	}
}

static double legend_text(struct html *h, struct legend *lg, const char *label)
{
	double w = (double)cp_count(label) * CHART_FONT_PX * CHART_CHAR_EM;

	text_at(h, lg->x + 16, lg->y + 4, "start", "app-chart-legend-text", label);
	return w;
}

static void legend_mark(struct html *h, struct legend *lg, const struct mark *m)
{
	legend_slot(lg, 16 + (double)cp_count(m->legend) * CHART_FONT_PX * CHART_CHAR_EM);
	mark_at(h, m, lg->x + 6, lg->y, NULL, 0);
	lg->x += 16 + legend_text(h, lg, m->legend) + 14;
}

static void legend_line(struct html *h, struct legend *lg, const char *label, const char *stroke,
			double width, const char *dash)
{
	legend_slot(lg, 16 + (double)cp_count(label) * CHART_FONT_PX * CHART_CHAR_EM);
	line(h, NULL, lg->x, lg->y, lg->x + 12, lg->y, stroke, width, dash);
	lg->x += 16 + legend_text(h, lg, label) + 14;
}

/* A legend entry for an interval drawn as an upright bar of WIDTH. */
static void legend_bar(struct html *h, struct legend *lg, const char *label, double width)
{
	legend_slot(lg, 16 + (double)cp_count(label) * CHART_FONT_PX * CHART_CHAR_EM);
	line(h, NULL, lg->x + 6, lg->y - 7, lg->x + 6, lg->y + 7, COL_LINE, width, NULL);
	lg->x += 16 + legend_text(h, lg, label) + 14;
}

/* ---- points in period order (XmR and ratio charts, sparkline) ------------------------ */

/* The x position of point I of N in frame F: evenly spread, 10 units in from each side. */
double chart_x_of(const struct chart_frame *f, size_t i, size_t n)
{
	double l = f->left + 10, r = f->right - 10;

	if (n <= 1)
		return (l + r) / 2;
	return l + (r - l) * (double)i / (double)(n - 1);
}

/*
 * Show every K-th x label: the smallest K with K x spacing >= the widest label plus the gap,
 * rounded up to 2, 3, 4, 6, 12 or a multiple of 12 (so monthly labels keep to the same
 * months each year). MAXCP is the widest label in characters.
 */
static size_t label_step(const struct chart_frame *f, size_t n, size_t maxcp)
{
	static const size_t nice[] = { 1, 2, 3, 4, 6, 12 };
	double dx, need;
	size_t k;

	if (n <= 1)
		return 1;
	dx = chart_x_of(f, 1, n) - chart_x_of(f, 0, n);
	need = (double)maxcp * CHART_FONT_PX * CHART_CHAR_EM + CHART_LABEL_GAP_PX;
	if (need / dx >= (double)n)
		return n;
	k = (size_t)ceil(need / dx);
	if (k < 1)
		k = 1;
	for (size_t i = 0; i < sizeof nice / sizeof nice[0]; i++)
		if (k <= nice[i])
			return nice[i];
	return (k + 11) / 12 * 12;
}

/*
 * The x axis of a chart of N points in period order (XmR, ratio): a base line, and a tick and
 * label (LABELS[i], cut to LABEL_MAX_CP characters, or its number when LABELS is NULL) at
 * every label_step-th point.
 */
static void period_axis(struct html *h, const struct chart_frame *f, const char *const *labels,
			size_t n)
{
	size_t maxcp = 1, k;

	for (size_t i = 0; i < n; i++) {
		size_t cp;

		if (labels)
			cp = labels[i] ? cp_count(labels[i]) : 0;
		else
			cp = (size_t)floor(log10((double)(i + 1))) + 1;
		if (cp > LABEL_MAX_CP)
			cp = LABEL_MAX_CP + 3; /* cut, with "..." */
		if (cp > maxcp)
			maxcp = cp;
	}
	k = label_step(f, n, maxcp);
	html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-xaxis", -1);
	line(h, "app-chart-baseline", f->left, f->bottom, f->right, f->bottom, COL_INK, 1, NULL);
	for (size_t i = 0; i < n; i += k) {
		double x = chart_x_of(f, i, n);

		line(h, NULL, x, f->bottom, x, f->bottom + 4, COL_INK, 1, NULL);
		text_open(h, x, f->bottom + 17, "middle", "app-chart-xlabel");
		if (labels)
			say_cut(h, labels[i] ? labels[i] : "", LABEL_MAX_CP);
		else
			say_index(h, i);
		html_close(h);
	}
	html_close(h);
}

/*
 * Path data through V[0..N) at the points' x positions, moving (M) instead of drawing past
 * each NaN and, with BREAKS, at each rebasing break. Returns the number of points drawn; with
 * WRITE 0 nothing is written (a dry run to see whether the path is empty).
 */
static size_t series_d(struct html *h, const struct chart_frame *f,
		       const struct chart_scale *sy, const double *v, size_t n,
		       const struct chart_break *breaks, size_t nbreaks, int write)
{
	size_t b = 0, drawn = 0;
	int pen = 0;

	for (size_t i = 0; i < n; i++) {
		if (b < nbreaks && breaks[b].index == i) {
			pen = 0;
			b++;
		}
		if (isnan(v[i])) {
			pen = 0;
			continue;
		}
		if (write)
			d_to(h, !pen, chart_x_of(f, i, n), chart_scale_map(sy, v[i]));
		pen = 1;
		drawn++;
	}
	return drawn;
}

/* One series of the chart as a path (nothing when every value is NaN or V is NULL). */
void chart_series_path(struct html *h, const struct chart_frame *f, const struct chart_scale *sy,
		       const double *v, size_t n, const struct chart_break *breaks,
		       size_t nbreaks, const char *cls, const char *stroke, double width,
		       const char *dash)
{
	if (!v || series_d(h, f, sy, v, n, breaks, nbreaks, 0) == 0)
		return;
	path_tag(h, cls, stroke, width, dash);
	html_attr_begin(h, HTML_ATTR_D);
	series_d(h, f, sy, v, n, breaks, nbreaks, 1);
	html_attr_end(h);
	html_tag_void(h);
}

/* ---- XmR chart --------------------------------------------------------------------- */

enum pt { PT_COMMON, PT_IMPROVE, PT_CONCERN, PT_NEITHER, PT__MAX };

static const struct mark xmr_marks[PT__MAX] = {
	[PT_COMMON] = { SHAPE_CIRCLE, 3, COL_COMMON, NULL, "app-pt app-pt-common", "Common cause" },
	[PT_IMPROVE] = { SHAPE_CIRCLE, 4.5, COL_IMPROVE, NULL, "app-pt app-pt-improvement",
			 "Improvement" },
	[PT_CONCERN] = { SHAPE_SQUARE, 4, COL_CONCERN, COL_CONCERN_EDGE, "app-pt app-pt-concern",
			 "Concern" },
	[PT_NEITHER] = { SHAPE_DIAMOND, 5.5, COL_NEITHER, NULL, "app-pt app-pt-neither",
			 "Special cause (no direction)" },
};

static enum pt pt_of(enum stats_variation v)
{
	switch (v) {
	case STATS_VAR_IMPROVEMENT: return PT_IMPROVE;
	case STATS_VAR_CONCERN: return PT_CONCERN;
	case STATS_VAR_NEITHER_HIGH:
	case STATS_VAR_NEITHER_LOW: return PT_NEITHER;
	default: return PT_COMMON;
	}
}

static const char *variation_text(enum stats_variation v)
{
	switch (v) {
	case STATS_VAR_IMPROVEMENT: return "special cause variation, improvement";
	case STATS_VAR_CONCERN: return "special cause variation, concern";
	case STATS_VAR_NEITHER_HIGH:
		return "special cause variation, neither improvement nor concern (high)";
	case STATS_VAR_NEITHER_LOW:
		return "special cause variation, neither improvement nor concern (low)";
	default: return "common cause variation";
	}
}

/* Say the rules in FLAGS: " (outside the process limits, a trend)", or nothing. */
static void say_rules(struct html *h, unsigned flags)
{
	static const struct {
		unsigned flag;
		const char *text;
	} rules[] = {
		{ STATS_XMR_OUTSIDE, "outside the process limits" },
		{ STATS_XMR_SHIFT, "a run on one side of the mean" },
		{ STATS_XMR_TREND, "a trend" },
		{ STATS_XMR_TWO3, "two of three points near a limit" },
	};
	int any = 0;

	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		if (!(flags & rules[i].flag))
			continue;
		chart_say(h, any ? ", " : " (");
		chart_say(h, rules[i].text);
		any = 1;
	}
	if (any)
		chart_say(h, ")");
}

static int any_finite(const double *v, size_t n)
{
	if (v)
		for (size_t i = 0; i < n; i++)
			if (!isnan(v[i]))
				return 1;
	return 0;
}

/* The generated description of an XmR chart. */
static void xmr_desc(struct html *h, const struct chart_xmr *c, int dec)
{
	size_t last = c->n;

	for (size_t i = c->n; i-- > 0;)
		if (!isnan(c->value[i])) {
			last = i;
			break;
		}
	if (last == c->n) {
		chart_say(h, c->name ? c->name : "XmR chart");
		chart_say(h, " with no data.");
		return;
	}
	chart_say(h, c->name ? c->name : "XmR chart");
	chart_say(h, " of ");
	say_span(h, c->labels, c->n, " point, ", " points, ");
	chart_say(h, ". Latest value ");
	chart_say_value(h, c->value[last], dec, c->unit);
	chart_say(h, " (");
	say_label(h, c->labels, last);
	chart_say(h, "): ");
	{
		unsigned fl = c->flags ? c->flags[last] : 0;

		chart_say(h, variation_text(stats_xmr_variation(fl, c->polarity)));
		say_rules(h, fl);
	}
	chart_say(h, ".");
	if (c->mean && !isnan(c->mean[last])) {
		chart_say(h, " ");
		chart_say(h, c->centre ? c->centre : "Mean");
		chart_say(h, " ");
		chart_say_value(h, c->mean[last], dec, c->unit);
		if (c->lcl && c->ucl && !isnan(c->lcl[last]) && !isnan(c->ucl[last])) {
			chart_say(h, ", process limits ");
			chart_say_value(h, c->lcl[last], dec, c->unit);
			chart_say(h, " to ");
			chart_say_value(h, c->ucl[last], dec, c->unit);
		}
		chart_say(h, ".");
	}
	if (!isnan(c->target)) {
		chart_say(h, " Target ");
		chart_say_value(h, c->target, dec, c->unit);
		chart_say(h, ".");
	}
	if (c->nbreaks) {
		chart_say(h, " Rebased ");
		say_count(h, c->nbreaks);
		chart_say(h, c->nbreaks == 1 ? " time." : " times.");
	}
}

static int xmr_check(const struct html *h, const struct chart_xmr *c, struct cu_err *err)
{
	int rc;

	if ((rc = check_frame(h, c->id, c->title, err)) != 0)
		return rc;
	if (c->n > CHART_MAX_POINTS)
		return cu_err_set(err, CU_ELIMIT, "chart has %zu points: expected at most %d", c->n,
				  CHART_MAX_POINTS);
	if ((rc = chart_check_decimals(c->decimals, err)) != 0 ||
	    (rc = chart_check_array(c->value, c->n, 0, "value", err)) != 0 ||
	    (rc = chart_check_array(c->mean, c->n, 1, "mean", err)) != 0 ||
	    (rc = chart_check_array(c->lcl, c->n, 1, "lower limit", err)) != 0 ||
	    (rc = chart_check_array(c->ucl, c->n, 1, "upper limit", err)) != 0)
		return rc;
	if (!ok_num(c->target, 1))
		return cu_err_set(err, CU_EINVAL, "bad chart target: expected a finite number or NaN");
	if (c->polarity != STATS_LOWER_BETTER && c->polarity != STATS_NO_DIRECTION &&
	    c->polarity != STATS_HIGHER_BETTER)
		return cu_err_set(err, CU_EINVAL, "bad chart polarity \"%d\": expected -1, 0 or 1",
				  (int)c->polarity);
	if (c->nbreaks && !c->breaks)
		return cu_err_set(err, CU_EINVAL, "chart breaks missing");
	for (size_t b = 0; b < c->nbreaks; b++)
		if (c->breaks[b].index == 0 || c->breaks[b].index >= c->n ||
		    (b > 0 && c->breaks[b].index <= c->breaks[b - 1].index))
			return cu_err_set(err, CU_EINVAL,
					  "bad chart break \"%zu\": expected increasing points "
					  "between 1 and %zu",
					  c->breaks[b].index, c->n ? c->n - 1 : 0);
	return 0;
}

int chart_xmr(struct html *h, const struct chart_xmr *c, struct cu_err *err)
{
	const struct chart_frame *f = &wide_frame;
	double lo = NAN, hi = NAN;
	struct axis y;
	struct legend lg;
	int rc, dec, any_value, any_limit;

	if ((rc = xmr_check(h, c, err)) != 0)
		return rc;
	chart_range_add_all(&lo, &hi, c->value, c->n);
	chart_range_add_all(&lo, &hi, c->mean, c->n);
	chart_range_add_all(&lo, &hi, c->lcl, c->n);
	chart_range_add_all(&lo, &hi, c->ucl, c->n);
	range_add(&lo, &hi, c->target);
	axis_fit(&y, lo, hi, f->bottom, f->top);
	dec = chart_value_decimals(c->decimals, c->value, c->n, y.step);
	any_value = any_finite(c->value, c->n);
	any_limit = any_finite(c->lcl, c->n) || any_finite(c->ucl, c->n);

	svg_open(h, f, "app-chart app-chart-xmr", c->id, c->title, c->desc);
	if (!c->desc)
		xmr_desc(h, c, dec);
	html_close(h);

	y_axis(h, f, &y, c->y_title);
	period_axis(h, f, c->labels, c->n);

	html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-lines", -1);
	chart_series_path(h, f, &y.s, c->ucl, c->n, c->breaks, c->nbreaks, "app-chart-ucl",
			  COL_COMMON, 1.2, "6 4");
	chart_series_path(h, f, &y.s, c->lcl, c->n, c->breaks, c->nbreaks, "app-chart-lcl",
			  COL_COMMON, 1.2, "6 4");
	chart_series_path(h, f, &y.s, c->mean, c->n, c->breaks, c->nbreaks, "app-chart-mean",
			  COL_INK, 1.2, NULL);
	if (!isnan(c->target)) {
		double ty = chart_scale_map(&y.s, c->target);

		line(h, "app-chart-target", f->left, ty, f->right, ty, COL_TARGET, 1.5, "2 3");
	}
	html_close(h);

	for (size_t b = 0; b < c->nbreaks; b++) {
		size_t i = c->breaks[b].index;
		double x = (chart_x_of(f, i - 1, c->n) + chart_x_of(f, i, c->n)) / 2;

		html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-break", -1);
		html_open(h, HTML_TITLE, -1);
		html_text(h, "Rebased from ");
		say_label(h, c->labels, i);
		if (c->breaks[b].reason) {
			html_text(h, ": ");
			html_text(h, c->breaks[b].reason);
		}
		html_close(h);
		line(h, NULL, x, f->top, x, f->bottom, COL_INK, 1, "1 3");
		html_tag(h, HTML_CIRCLE);
		html_attr_num(h, HTML_ATTR_CX, x);
		html_attr_num(h, HTML_ATTR_CY, f->top);
		html_attr_num(h, HTML_ATTR_R, 5);
		html_attr(h, HTML_ATTR_FILL, COL_WHITE);
		html_attr(h, HTML_ATTR_STROKE, COL_INK);
		html_tag_void(h);
		html_close(h);
	}

	chart_series_path(h, f, &y.s, c->value, c->n, NULL, 0, "app-chart-line", COL_LINE, 1.5,
			  NULL);

	html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-points", -1);
	for (size_t i = 0; i < c->n; i++) {
		unsigned fl = c->flags ? c->flags[i] : 0;
		enum stats_variation v = stats_xmr_variation(fl, c->polarity);

		if (isnan(c->value[i]))
			continue;
		mark_at(h, &xmr_marks[pt_of(v)], chart_x_of(f, i, c->n),
			chart_scale_map(&y.s, c->value[i]), NULL, 1);
		html_open(h, HTML_TITLE, -1);
		say_label(h, c->labels, i);
		html_text(h, ": ");
		chart_say_value(h, c->value[i], dec, c->unit);
		html_text(h, ": ");
		html_text(h, variation_text(v));
		say_rules(h, fl);
		html_close(h);
		html_close(h);
	}
	html_close(h);

	if (!any_value)
		no_data(h, f);

	lg = legend_open(h, f);
	legend_mark(h, &lg, &xmr_marks[PT_COMMON]);
	if (c->polarity == STATS_NO_DIRECTION) {
		legend_mark(h, &lg, &xmr_marks[PT_NEITHER]);
	} else {
		legend_mark(h, &lg, &xmr_marks[PT_IMPROVE]);
		legend_mark(h, &lg, &xmr_marks[PT_CONCERN]);
	}
	if (any_finite(c->mean, c->n))
		legend_line(h, &lg, c->centre ? c->centre : "Mean", COL_INK, 1.2, NULL);
	if (any_limit)
		legend_line(h, &lg, "Process limits", COL_COMMON, 1.2, "6 4");
	if (!isnan(c->target))
		legend_line(h, &lg, "Target", COL_TARGET, 1.5, "2 3");
	if (c->nbreaks)
		legend_line(h, &lg, "Rebased", COL_INK, 1, "1 3");
	html_close(h);

	html_close(h); /* svg */
	return chart_check_buf(h, err);
}

/* ---- funnel plot ------------------------------------------------------------------- */

enum fc { FC_WITHIN, FC_OUT95, FC_OUT998, FC__MAX };

static const struct mark funnel_marks[FC__MAX] = {
	[FC_WITHIN] = { SHAPE_CIRCLE, 3.5, COL_COMMON, NULL, "app-pt app-pt-within",
			"Within 95% limits" },
	[FC_OUT95] = { SHAPE_SQUARE, 4, COL_CONCERN, COL_CONCERN_EDGE, "app-pt app-pt-outside95",
		       "Outside 95% limits" },
	[FC_OUT998] = { SHAPE_DIAMOND, 5.5, COL_OUTER, NULL, "app-pt app-pt-outside998",
			"Outside 99.8% limits" },
};

static enum fc fc_of(int cls)
{
	if (cls == STATS_FUNNEL_HIGH_OUTER || cls == STATS_FUNNEL_LOW_OUTER)
		return FC_OUT998;
	if (cls == STATS_FUNNEL_HIGH_INNER || cls == STATS_FUNNEL_LOW_INNER)
		return FC_OUT95;
	return FC_WITHIN;
}

static const char *funnel_class_text(int cls)
{
	switch (cls) {
	case STATS_FUNNEL_HIGH_OUTER: return "above the 99.8% limit";
	case STATS_FUNNEL_HIGH_INNER: return "above the 95% limit";
	case STATS_FUNNEL_LOW_INNER: return "below the 95% limit";
	case STATS_FUNNEL_LOW_OUTER: return "below the 99.8% limit";
	default: return "within the 95% limits";
	}
}

/*
 * Clip the segment (*X0, *Y0)-(*X1, *Y1) to the rectangle of scales SX, SY (Liang and Barsky,
 * "A new concept and method for line clipping", ACM TOG 3(1), 1984). Returns 0 when nothing
 * is left; else 1, with the ends moved inside and *T0, *T1 the parameters they were moved to.
 */
static int clip(const struct chart_scale *sx, const struct chart_scale *sy, double *x0, double *y0,
		double *x1, double *y1, double *t0, double *t1)
{
	double dx = *x1 - *x0, dy = *y1 - *y0;
	double p[4] = { -dx, dx, -dy, dy };
	double q[4] = { *x0 - sx->d0, sx->d1 - *x0, *y0 - sy->d0, sy->d1 - *y0 };
	double a = 0, b = 1;

	for (int i = 0; i < 4; i++) {
		if (p[i] == 0) {
			if (q[i] < 0)
				return 0;
			continue;
		}
		double r = q[i] / p[i];

		if (p[i] < 0) {
			if (r > b)
				return 0;
			if (r > a)
				a = r;
		} else {
			if (r < a)
				return 0;
			if (r < b)
				b = r;
		}
	}
	*x1 = *x0 + b * dx;
	*y1 = *y0 + b * dy;
	*x0 = *x0 + a * dx;
	*y0 = *y0 + a * dy;
	*t0 = a;
	*t1 = b;
	return 1;
}

/*
 * Path data of the curve (X[i], Y[i]) clipped to the plot: a segment is drawn when both its
 * ends are numbers, a new subpath starts where the curve re-enters the plot or after a gap.
 * Returns the segments drawn; WRITE 0 only counts them.
 */
static size_t curve_d(struct html *h, const struct chart_scale *sx, const struct chart_scale *sy,
		      const double *x, const double *y, size_t n, int write)
{
	size_t drawn = 0;
	int joined = 0; /* the previous segment ended, unclipped, at point i */

	for (size_t i = 0; i + 1 < n; i++) {
		double x0 = x[i], y0 = y[i], x1 = x[i + 1], y1 = y[i + 1], t0, t1;

		if (isnan(y0) || isnan(y1) || !clip(sx, sy, &x0, &y0, &x1, &y1, &t0, &t1)) {
			joined = 0;
			continue;
		}
		if (write) {
			if (!joined || t0 > 0)
				d_to(h, 1, chart_scale_map(sx, x0), chart_scale_map(sy, y0));
			d_to(h, 0, chart_scale_map(sx, x1), chart_scale_map(sy, y1));
		}
		joined = t1 >= 1;
		drawn++;
	}
	return drawn;
}

static void curve_path(struct html *h, const struct chart_scale *sx, const struct chart_scale *sy,
		       const double *x, const double *y, size_t n, const char *cls,
		       const char *stroke, double width, const char *dash)
{
	if (curve_d(h, sx, sy, x, y, n, 0) == 0)
		return;
	path_tag(h, cls, stroke, width, dash);
	html_attr_begin(h, HTML_ATTR_D);
	curve_d(h, sx, sy, x, y, n, 1);
	html_attr_end(h);
	html_tag_void(h);
}

/* Check the 95% and 99.8% limits of a funnel or ratio chart: N numbers each, NaN for none. */
static int check_limits(const double *lo95, const double *hi95, const double *lo998,
			const double *hi998, size_t n, struct cu_err *err)
{
	int rc;

	if ((rc = chart_check_array(lo95, n, 0, "95% lower limit", err)) != 0 ||
	    (rc = chart_check_array(hi95, n, 0, "95% upper limit", err)) != 0 ||
	    (rc = chart_check_array(lo998, n, 0, "99.8% lower limit", err)) != 0)
		return rc;
	return chart_check_array(hi998, n, 0, "99.8% upper limit", err);
}

static int funnel_check(const struct html *h, const struct chart_funnel *f, struct cu_err *err)
{
	int rc;

	if ((rc = check_frame(h, f->id, f->title, err)) != 0)
		return rc;
	if (f->n > CHART_MAX_POINTS || f->nlim > CHART_MAX_POINTS)
		return cu_err_set(err, CU_ELIMIT, "funnel has %zu units and %zu limit points: "
				  "expected at most %d of each", f->n, f->nlim, CHART_MAX_POINTS);
	if ((rc = chart_check_decimals(f->decimals, err)) != 0 ||
	    (rc = chart_check_array(f->x, f->n, 0, "denominator", err)) != 0 ||
	    (rc = chart_check_array(f->y, f->n, 0, "value", err)) != 0 ||
	    (rc = chart_check_array(f->lim_x, f->nlim, 0, "limit denominator", err)) != 0 ||
	    (rc = check_limits(f->lo95, f->hi95, f->lo998, f->hi998, f->nlim, err)) != 0)
		return rc;
	if (f->n && !f->cls)
		return cu_err_set(err, CU_EINVAL, "funnel classes missing");
	for (size_t i = 0; i < f->n; i++) {
		if (f->x[i] < 0)
			return cu_err_set(err, CU_EINVAL,
					  "bad funnel denominator at unit %zu: expected 0 or more",
					  i + 1);
		if (f->cls[i] < STATS_FUNNEL_LOW_OUTER || f->cls[i] > STATS_FUNNEL_HIGH_OUTER)
			return cu_err_set(err, CU_EINVAL,
					  "bad funnel class \"%d\" at unit %zu: expected -2 to 2",
					  f->cls[i], i + 1);
	}
	for (size_t i = 0; i < f->nlim; i++)
		if (isnan(f->lim_x[i]) || f->lim_x[i] < 0 ||
		    (i > 0 && f->lim_x[i] < f->lim_x[i - 1]))
			return cu_err_set(err, CU_EINVAL,
					  "bad funnel limit denominator at point %zu: expected "
					  "ascending numbers from 0",
					  i + 1);
	if (!ok_num(f->target, 1))
		return cu_err_set(err, CU_EINVAL, "bad funnel target: expected a finite number or NaN");
	if (f->highlight != CHART_NONE && f->highlight >= f->n)
		return cu_err_set(err, CU_EINVAL, "bad funnel highlight \"%zu\": expected 1 to %zu",
				  f->highlight + 1, f->n);
	return 0;
}

/* A unit is drawn when both its numbers are. */
static int unit_drawn(const struct chart_funnel *f, size_t i)
{
	return !isnan(f->x[i]) && !isnan(f->y[i]);
}

static void funnel_desc(struct html *h, const struct chart_funnel *f, const char *xt, int dec)
{
	size_t count[FC__MAX] = { 0 }, drawn = 0;
	static const char *const what[FC__MAX] = { " within the 95% limits",
						   " outside the 95% limits only",
						   " outside the 99.8% limits" };

	for (size_t i = 0; i < f->n; i++)
		if (unit_drawn(f, i)) {
			count[fc_of(f->cls[i])]++;
			drawn++;
		}
	if (drawn == 0) {
		chart_say(h, "Funnel plot with no data.");
		return;
	}
	chart_say(h, "Funnel plot of ");
	say_count(h, drawn);
	chart_say(h, drawn == 1 ? " unit by " : " units by ");
	chart_say(h, xt);
	chart_say(h, ".");
	if (!isnan(f->target)) {
		chart_say(h, " Centre line ");
		chart_say_value(h, f->target, dec, f->unit);
		chart_say(h, ".");
	}
	for (int k = FC__MAX - 1; k >= 0; k--) {
		chart_say(h, " ");
		say_count(h, count[k]);
		chart_say(h, what[k]);
		chart_say(h, k > 0 ? "," : ".");
	}
	if (f->highlight != CHART_NONE && unit_drawn(f, f->highlight)) {
		chart_say(h, " ");
		say_label(h, f->labels, f->highlight);
		chart_say(h, ": ");
		chart_say_value(h, f->y[f->highlight], dec, f->unit);
		chart_say(h, ", ");
		chart_say(h, funnel_class_text(f->cls[f->highlight]));
		chart_say(h, ".");
	}
}

/* One unit's marker with its title; HIGHLIGHT adds a ring around it. */
static void funnel_unit(struct html *h, const struct chart_funnel *f, const struct axis *x,
			const struct axis *y, const char *xt, int dec,
			size_t i, int highlight)
{
	char t[NUM_TXT];
	double px = chart_scale_map(&x->s, f->x[i]), py = chart_scale_map(&y->s, f->y[i]);

	if (highlight) {
		html_tag(h, HTML_CIRCLE);
		html_attr(h, HTML_ATTR_CLASS, "app-chart-highlight-ring");
		html_attr_num(h, HTML_ATTR_CX, px);
		html_attr_num(h, HTML_ATTR_CY, py);
		html_attr_num(h, HTML_ATTR_R, 9);
		html_attr(h, HTML_ATTR_FILL, "none");
		html_attr(h, HTML_ATTR_STROKE, COL_INK);
		html_attr_num(h, HTML_ATTR_STROKE_WIDTH, 2);
		html_tag_void(h);
	}
	mark_at(h, &funnel_marks[fc_of(f->cls[i])], px, py, highlight ? "app-pt-highlight" : NULL,
		1);
	html_open(h, HTML_TITLE, -1);
	say_label(h, f->labels, i);
	html_text(h, ": ");
	chart_say_value(h, f->y[i], dec, f->unit);
	html_text(h, " (");
	html_text(h, xt);
	html_text(h, " ");
	html_text(h, fmt_num(t, f->x[i], step_decimals(x->step) + 1));
	html_text(h, "): ");
	html_text(h, funnel_class_text(f->cls[i]));
	html_close(h);
	html_close(h);
}

int chart_funnel(struct html *h, const struct chart_funnel *f, struct cu_err *err)
{
	const struct chart_frame *fr = &wide_frame;
	const char *xt = f->x_title ? f->x_title : "Denominator";
	double xlo = NAN, xhi = NAN, ylo = NAN, yhi = NAN;
	struct axis x, y;
	struct legend lg;
	int rc, dec, any = 0;

	if ((rc = funnel_check(h, f, err)) != 0)
		return rc;
	for (size_t i = 0; i < f->n; i++)
		if (unit_drawn(f, i)) {
			range_add(&xlo, &xhi, f->x[i]);
			range_add(&ylo, &yhi, f->y[i]);
			any = 1;
		}
	if (!any) {
		chart_range_add_all(&xlo, &xhi, f->lim_x, f->nlim);
	}
	/* The limits count towards the y range only over the units' denominators: near 0 they
	 * run off to infinity, and are clipped instead. */
	for (size_t i = 0; i < f->nlim; i++) {
		if (any && (f->lim_x[i] < xlo || f->lim_x[i] > xhi))
			continue;
		range_add(&ylo, &yhi, f->lo95[i]);
		range_add(&ylo, &yhi, f->hi95[i]);
		range_add(&ylo, &yhi, f->lo998[i]);
		range_add(&ylo, &yhi, f->hi998[i]);
	}
	range_add(&ylo, &yhi, f->target);
	if (!isnan(xhi))
		xlo = 0;
	axis_fit(&x, xlo, xhi, fr->left, fr->right);
	axis_fit(&y, ylo, yhi, fr->bottom, fr->top);
	dec = chart_value_decimals(f->decimals, f->y, f->n, y.step);

	svg_open(h, fr, "app-chart app-chart-funnel", f->id, f->title, f->desc);
	if (!f->desc)
		funnel_desc(h, f, xt, dec);
	html_close(h);

	y_axis(h, fr, &y, f->y_title);
	html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-xaxis", -1);
	line(h, "app-chart-baseline", fr->left, fr->bottom, fr->right, fr->bottom, COL_INK, 1, NULL);
	for (size_t i = 0; i < x.nt; i++) {
		char t[NUM_TXT];
		double px = chart_scale_map(&x.s, x.tick[i]);

		line(h, NULL, px, fr->bottom, px, fr->bottom + 4, COL_INK, 1, NULL);
		text_at(h, px, fr->bottom + 17, "middle", "app-chart-xlabel",
			fmt_num(t, x.tick[i], x.decimals));
	}
	text_at(h, (fr->left + fr->right) / 2, fr->bottom + 36, "middle", "app-chart-axis-title",
		xt);
	html_close(h);

	html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-lines", -1);
	if (f->nlim) {
		curve_path(h, &x.s, &y.s, f->lim_x, f->lo998, f->nlim, "app-chart-limit998",
			   COL_LINE, 1.2, NULL);
		curve_path(h, &x.s, &y.s, f->lim_x, f->hi998, f->nlim, "app-chart-limit998",
			   COL_LINE, 1.2, NULL);
		curve_path(h, &x.s, &y.s, f->lim_x, f->lo95, f->nlim, "app-chart-limit95",
			   COL_LINE, 1.2, "5 4");
		curve_path(h, &x.s, &y.s, f->lim_x, f->hi95, f->nlim, "app-chart-limit95",
			   COL_LINE, 1.2, "5 4");
	}
	if (!isnan(f->target)) {
		double ty = chart_scale_map(&y.s, f->target);

		line(h, "app-chart-centre", fr->left, ty, fr->right, ty, COL_INK, 1.2, NULL);
	}
	html_close(h);

	html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-points", -1);
	for (size_t i = 0; i < f->n; i++)
		if (unit_drawn(f, i) && i != f->highlight)
			funnel_unit(h, f, &x, &y, xt, dec, i, 0);
	html_close(h);
	if (f->highlight != CHART_NONE && unit_drawn(f, f->highlight)) {
		double px = chart_scale_map(&x.s, f->x[f->highlight]);
		double py = chart_scale_map(&y.s, f->y[f->highlight]);
		int left = px > fr->right - 160;

		html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-highlight", -1);
		funnel_unit(h, f, &x, &y, xt, dec, f->highlight, 1);
		text_open(h, left ? px - 13 : px + 13, py + 4, left ? "end" : "start",
			  "app-chart-highlight-label");
		say_label(h, f->labels, f->highlight);
		html_close(h);
		html_close(h);
	}
	if (!any)
		no_data(h, fr);

	lg = legend_open(h, fr);
	for (int k = 0; k < FC__MAX; k++)
		legend_mark(h, &lg, &funnel_marks[k]);
	if (f->nlim) {
		legend_line(h, &lg, "95% limits", COL_LINE, 1.2, "5 4");
		legend_line(h, &lg, "99.8% limits", COL_LINE, 1.2, NULL);
	}
	if (!isnan(f->target))
		legend_line(h, &lg, "Centre line", COL_INK, 1.2, NULL);
	html_close(h);

	html_close(h); /* svg */
	return chart_check_buf(h, err);
}

/* ---- ratio chart ------------------------------------------------------------------- */

enum rb { RB_AS_EXPECTED, RB_HIGHER, RB_LOWER, RB__MAX };

/* A higher ratio is drawn as a concern (amber) and a lower one as an improvement (blue), as
 * they are for deaths. The legend text is also chart_ratio_band_name's. */
static const struct mark ratio_marks[RB__MAX] = {
	[RB_AS_EXPECTED] = { SHAPE_CIRCLE, 4.5, COL_COMMON, NULL, "app-pt app-pt-within",
			     "As expected" },
	[RB_HIGHER] = { SHAPE_SQUARE, 5, COL_CONCERN, COL_CONCERN_EDGE, "app-pt app-pt-higher",
			"Higher than expected" },
	[RB_LOWER] = { SHAPE_DIAMOND, 6.5, COL_IMPROVE, NULL, "app-pt app-pt-lower",
		       "Lower than expected" },
};

/* The bands inside a sentence. */
static const char *const ratio_band_words[RB__MAX] = {
	[RB_AS_EXPECTED] = "as expected",
	[RB_HIGHER] = "higher than expected",
	[RB_LOWER] = "lower than expected",
};

static enum rb rb_of(int band)
{
	return band > 0 ? RB_HIGHER : band < 0 ? RB_LOWER : RB_AS_EXPECTED;
}

const char *chart_ratio_band_name(int band)
{
	return ratio_marks[rb_of(band)].legend;
}

static int ratio_check(const struct html *h, const struct chart_ratio *c, struct cu_err *err)
{
	int rc;

	if ((rc = check_frame(h, c->id, c->title, err)) != 0)
		return rc;
	if (c->n > CHART_MAX_POINTS)
		return cu_err_set(err, CU_ELIMIT, "chart has %zu periods: expected at most %d",
				  c->n, CHART_MAX_POINTS);
	if ((rc = chart_check_decimals(c->decimals, err)) != 0 ||
	    (rc = chart_check_array(c->ratio, c->n, 0, "ratio", err)) != 0 ||
	    (rc = check_limits(c->lo95, c->hi95, c->lo998, c->hi998, c->n, err)) != 0 ||
	    (rc = chart_check_array(c->observed, c->n, 1, "observed count", err)) != 0 ||
	    (rc = chart_check_array(c->expected, c->n, 1, "expected count", err)) != 0)
		return rc;
	if (c->n && !c->band)
		return cu_err_set(err, CU_EINVAL, "chart bands missing: expected %zu numbers",
				  c->n);
	for (size_t i = 0; i < c->n; i++) {
		if (c->ratio[i] < 0)
			return cu_err_set(err, CU_EINVAL,
					  "bad chart ratio at point %zu: expected 0 or more, or "
					  "NaN for none",
					  i + 1);
		if (c->lo95[i] > c->hi95[i] || c->lo998[i] > c->hi998[i])
			return cu_err_set(err, CU_EINVAL,
					  "bad chart limits at point %zu: expected each lower "
					  "limit no larger than its upper limit",
					  i + 1);
		if (c->band[i] < -1 || c->band[i] > 1)
			return cu_err_set(err, CU_EINVAL,
					  "bad chart band \"%d\" at point %zu: expected -1, 0 or 1",
					  c->band[i], i + 1);
	}
	return 0;
}

/* Say ", WHAT limits LO to HI", or nothing when either is NaN. */
static void say_limits(struct html *h, const char *what, double lo, double hi, int dec)
{
	if (isnan(lo) || isnan(hi))
		return;
	chart_say(h, ", ");
	chart_say(h, what);
	chart_say(h, " limits ");
	chart_say_value(h, lo, dec, NULL);
	chart_say(h, " to ");
	chart_say_value(h, hi, dec, NULL);
}

/* Say " (O observed, E expected)" for period I, leaving out what is missing. */
static void say_counts(struct html *h, const struct chart_ratio *c, size_t i, int odec,
		       int edec)
{
	int o = c->observed && !isnan(c->observed[i]);
	int e = c->expected && !isnan(c->expected[i]);

	if (!o && !e)
		return;
	chart_say(h, " (");
	if (o) {
		chart_say_value(h, c->observed[i], odec, NULL);
		chart_say(h, " observed");
	}
	if (o && e)
		chart_say(h, ", ");
	if (e) {
		chart_say_value(h, c->expected[i], edec, NULL);
		chart_say(h, " expected");
	}
	chart_say(h, ")");
}

/* The generated description of a ratio chart. */
static void ratio_desc(struct html *h, const struct chart_ratio *c, int dec)
{
	size_t last = c->n, count[RB__MAX] = { 0 };

	for (size_t i = 0; i < c->n; i++)
		if (!isnan(c->ratio[i])) {
			last = i;
			count[rb_of(c->band[i])]++;
		}
	chart_say(h, c->name ? c->name : "Ratio of observed to expected");
	if (last == c->n) {
		chart_say(h, ": no data.");
		return;
	}
	chart_say(h, " in ");
	say_span(h, c->labels, c->n, " period, ", " periods, ");
	chart_say(h, ". Latest (");
	say_label(h, c->labels, last);
	chart_say(h, "): ");
	chart_say_value(h, c->ratio[last], dec, NULL);
	say_limits(h, "95%", c->lo95[last], c->hi95[last], dec);
	chart_say(h, ", ");
	chart_say(h, ratio_band_words[rb_of(c->band[last])]);
	chart_say(h, ". Periods higher than expected: ");
	say_count(h, count[RB_HIGHER]);
	chart_say(h, "; lower than expected: ");
	say_count(h, count[RB_LOWER]);
	chart_say(h, ".");
}

/* The interval LO..HI as an upright bar at X, clipped to the axis Y; nothing when either end
 * is NaN or the interval lies off the axis. */
static void ratio_bar(struct html *h, const struct axis *y, double x, double lo, double hi,
		      const char *cls, double width)
{
	if (isnan(lo) || isnan(hi))
		return;
	lo = fmax(lo, y->s.d0);
	hi = fmin(hi, y->s.d1);
	if (lo > hi)
		return;
	line(h, cls, x, chart_scale_map(&y->s, hi), x, chart_scale_map(&y->s, lo), COL_LINE, width,
	     NULL);
}

int chart_ratio(struct html *h, const struct chart_ratio *c, struct cu_err *err)
{
	const struct chart_frame *f = &wide_frame;
	double lo = 1, hi = 1; /* the line at 1 is always on the axis */
	struct axis y;
	struct legend lg;
	int rc, dec, odec, edec, any = 0;

	if ((rc = ratio_check(h, c, err)) != 0)
		return rc;
	chart_range_add_all(&lo, &hi, c->ratio, c->n);
	chart_range_add_all(&lo, &hi, c->lo95, c->n);
	chart_range_add_all(&lo, &hi, c->hi95, c->n);
	chart_range_add_all(&lo, &hi, c->lo998, c->n);
	chart_range_add_all(&lo, &hi, c->hi998, c->n);
	/* A ratio is never below 0, so neither is the axis: a lower limit below 0 (from an
	 * approximate interval) is cut there. */
	axis_fit(&y, fmax(0, lo), hi, f->bottom, f->top);
	dec = chart_value_decimals(c->decimals, c->ratio, c->n, y.step);
	/* Counts are written whole when every one is, else to 2 decimals (as for a step of 0.1). */
	odec = c->observed ? chart_value_decimals(-1, c->observed, c->n, 0.1) : 0;
	edec = c->expected ? chart_value_decimals(-1, c->expected, c->n, 0.1) : 0;

	svg_open(h, f, "app-chart app-chart-ratio", c->id, c->title, c->desc);
	if (!c->desc)
		ratio_desc(h, c, dec);
	html_close(h);

	y_axis(h, f, &y, c->y_title);
	period_axis(h, f, c->labels, c->n);

	html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-lines", -1);
	{
		double y1 = chart_scale_map(&y.s, 1);

		line(h, "app-chart-centre", f->left, y1, f->right, y1, COL_INK, 1.2, NULL);
	}
	for (size_t i = 0; i < c->n; i++) {
		double x = chart_x_of(f, i, c->n);

		ratio_bar(h, &y, x, c->lo998[i], c->hi998[i], "app-chart-limit998", 1);
		ratio_bar(h, &y, x, c->lo95[i], c->hi95[i], "app-chart-limit95", 3.5);
	}
	html_close(h);

	html_open(h, HTML_G, HTML_ATTR_CLASS, "app-chart-points", -1);
	for (size_t i = 0; i < c->n; i++) {
		if (isnan(c->ratio[i]))
			continue;
		any = 1;
		mark_at(h, &ratio_marks[rb_of(c->band[i])], chart_x_of(f, i, c->n),
			chart_scale_map(&y.s, c->ratio[i]), NULL, 1);
		html_open(h, HTML_TITLE, -1);
		say_label(h, c->labels, i);
		html_text(h, ": ratio ");
		chart_say_value(h, c->ratio[i], dec, NULL);
		say_counts(h, c, i, odec, edec);
		say_limits(h, "95%", c->lo95[i], c->hi95[i], dec);
		say_limits(h, "99.8%", c->lo998[i], c->hi998[i], dec);
		html_text(h, ": ");
		html_text(h, ratio_band_words[rb_of(c->band[i])]);
		html_close(h);
		html_close(h);
	}
	html_close(h);
	if (!any)
		no_data(h, f);

	lg = legend_open(h, f);
	for (int k = 0; k < RB__MAX; k++)
		legend_mark(h, &lg, &ratio_marks[k]);
	legend_bar(h, &lg, "95% limits", 3.5);
	legend_bar(h, &lg, "99.8% limits", 1);
	legend_line(h, &lg, "Ratio of 1: as expected", COL_INK, 1.2, NULL);
	html_close(h);

	html_close(h); /* svg */
	return chart_check_buf(h, err);
}
