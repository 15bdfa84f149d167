/*
 * `custodian stats xmr`: XmR charts over grouped series (src/stats/spc.h); and the attribute
 * charts p, u, pp (Laney p'), up (Laney u'), c and g (src/stats/attr.h).
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/num.h"
#include "cli/stats_cmd.h"
#include "stats/attr.h"
#include "stats/spc.h"
#include "stats/stats.h"

/* The rule columns of the output, in order. */
static const unsigned rule_bit[4] = { STATS_XMR_OUTSIDE, STATS_XMR_SHIFT, STATS_XMR_TREND,
				      STATS_XMR_TWO3 };

static int parse_polarity(const char *text, enum stats_polarity *out, struct cu_err *err)
{
	if (!text || strcmp(text, "none") == 0)
		*out = STATS_NO_DIRECTION;
	else if (strcmp(text, "higher") == 0)
		*out = STATS_HIGHER_BETTER;
	else if (strcmp(text, "lower") == 0)
		*out = STATS_LOWER_BETTER;
	else
		return cu_err_set(err, CU_EINVAL,
				  "--polarity \"%.32s\": expected higher, lower or none", text);
	return 0;
}

static int xmr_options(const struct stats_args *a, struct stats_xmr_opts *o, struct cu_err *err)
{
	long v;

	stats_xmr_defaults(o);
	if (a->screen && stats_opt_bool(a->screen, "screen", &o->screen, err))
		return CU_EINVAL;
	if (a->baseline) {
		if (stats_opt_int(a->baseline, "baseline", 2, 1000000, &v, err))
			return CU_EINVAL;
		o->baseline = (size_t)v;
	}
	if (a->shift) {
		if (stats_opt_int(a->shift, "shift", 2, 1000, &v, err))
			return CU_EINVAL;
		o->shift_run = (int)v;
	}
	if (a->trend) {
		if (stats_opt_int(a->trend, "trend", 2, 1000, &v, err))
			return CU_EINVAL;
		o->trend_run = (int)v;
	}
	if (a->two3) {
		if (strcmp(a->two3, "beyond") == 0)
			o->two3 = STATS_TWO3_BEYOND;
		else if (strcmp(a->two3, "close") == 0)
			o->two3 = STATS_TWO3_CLOSE;
		else
			return cu_err_set(err, CU_EINVAL,
					  "--two-of-three \"%.32s\": expected beyond or close", a->two3);
	}
	if (parse_polarity(a->polarity, &o->polarity, err))
		return CU_EINVAL;
	if (a->target && stats_opt_num(a->target, "target", -1e300, 1e300, &o->target, err))
		return CU_EINVAL;
	return 0;
}

/* A group's error, located at the line where the group starts. */
static int group_fail(const struct ingest_table *t, const struct stats_groups *g, size_t grp,
		      int status, struct cu_err *err)
{
	char label[256];
	const char *why = status == STATS_EDOM ? "an XmR chart needs at least 2 points in the "
						 "series and in each rebased segment" :
						 stats_strerror(status);

	return cu_err_setloc(err, CU_ESTATS, t->source, t->line[g->row[g->start[grp]]], NULL,
			     "series %s: %s", stats_group_label(t, g, grp, label, sizeof label), why);
}

/*
 * The xmr method, one group at a time (struct stats_grouped). The buffers grow to the largest
 * group seen; each output line is the group's keys (escaped once per group), the order and
 * value cells as given, the segment's mean and limits (formatted once per segment) and the
 * point's flags and, when --polarity is given, its variation verdict (formatted once per run
 * for each flag byte). Without --polarity the layout is the peers' (no verdict column).
 */
struct xmr_run {
	struct stats_xmr_opts o;
	int vcol, rcol;
	size_t cap; /* room in X, BR, FL and SEG */
	double *x;
	size_t *br;
	unsigned char *fl;
	struct stats_xmr_segment *seg;
	int verdict;             /* 1: a variation column (--polarity was given) */
	struct csv_line l, keys; /* the output; the keys of the rows being written, escaped */
	char tail[256][32];      /* by flag byte: "outside,shift,trend,two_of_three[,variation]" */
	unsigned char tail_n[256];
};

static int xmr_setup(void *state, const struct stats_args *a, const struct ingest_table *t,
		     struct cu_err *err)
{
	struct xmr_run *s = state;

	s->rcol = -1;
	if (xmr_options(a, &s->o, err))
		return CU_EINVAL;
	if ((s->vcol = stats_col(t, a->value ? a->value : "value", "value", err)) < 0)
		return CU_EINVAL;
	if (a->rebase && (s->rcol = stats_col(t, a->rebase, "rebase", err)) < 0)
		return CU_EINVAL;
	s->verdict = a->polarity != NULL;
	for (unsigned f = 0; f < 256; f++) {
		int n = snprintf(s->tail[f], sizeof s->tail[f], "%c,%c,%c,%c%s%s",
				 f & rule_bit[0] ? '1' : '0', f & rule_bit[1] ? '1' : '0',
				 f & rule_bit[2] ? '1' : '0', f & rule_bit[3] ? '1' : '0',
				 s->verdict ? "," : "",
				 s->verdict ? stats_variation_name(stats_xmr_variation(f, s->o.polarity)) :
					      "");

		assert(n > 0 && (size_t)n < sizeof s->tail[f]);
		s->tail_n[f] = (unsigned char)n;
	}
	return 0;
}

static void xmr_head(void *state, const struct ingest_table *t, const struct stats_groups *g,
		     FILE *out)
{
	struct xmr_run *s = state;

	stats_put_key_names(&s->l, t, g);
	if (g->order >= 0)
		csv_line_text(&s->l, t->head[g->order]);
	csv_line_text(&s->l, t->head[s->vcol]);
	csv_line_raw(&s->l, s->verdict ? "mean,lcl,ucl,outside,shift,trend,two_of_three,variation" :
					  "mean,lcl,ucl,outside,shift,trend,two_of_three");
	csv_line_next(&s->l, out);
}

/* Whether rows A and B have the same key cells, byte for byte. */
static int same_keys(const struct ingest_table *t, const struct stats_groups *g, size_t a,
		     size_t b)
{
	for (size_t k = 0; k < g->nkey; k++) {
		struct cu_str x = ingest_table_str(t, a, (size_t)g->key[k]);
		struct cu_str y = ingest_table_str(t, b, (size_t)g->key[k]);

		if (x.n != y.n || memcmp(x.p, y.p, x.n) != 0)
			return 0;
	}
	return 1;
}

/* Room for a segment's "mean,lcl,ucl", whole 32-byte pieces (copy32). */
#define NUMS_MAX (((3 * CU_NUM_FMT_MAX + 2) + 31) / 32 * 32)

/*
 * N bytes from SRC to DST in whole 32-byte pieces, copies of a fixed size that the compiler
 * makes a few instructions, where a call to memcpy per cell would cost more than the copying:
 * both must have room up to N rounded up to 32. Returns DST + N.
 */
static inline char *copy32(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i += 32)
		memcpy(dst + i, src + i, 32);
	return dst + n;
}

/*
 * One output line but its end: the keys, ORD (when there is an order column) and VAL, the
 * segment's NUMS and the tail for flag byte F, in one pass with one check for room. Returns 0,
 * writing nothing, when ORD or VAL needs quoting or a guard.
 */
static int put_row(struct xmr_run *s, const struct stats_groups *g, struct cu_str ord,
		   struct cu_str val, const char *nums, size_t nums_n, unsigned char f)
{
	char *w = csv_line_reserve(&s->l, s->keys.n + ord.n + val.n + NUMS_MAX + 32 + 8);

	if (g->nkey) {
		w = copy32(w, s->keys.p, s->keys.n);
		*w++ = ',';
	}
	if (g->order >= 0) {
		if (!(w = csv_plain_copy(w, ord.p, ord.n)))
			return 0;
		*w++ = ',';
	}
	if (!(w = csv_plain_copy(w, val.p, val.n)))
		return 0;
	*w++ = ',';
	w = copy32(w, nums, nums_n);
	*w++ = ',';
	memcpy(w, s->tail[f], 32);
	csv_line_commit(&s->l, w + s->tail_n[f]);
	return 1;
}

static int xmr_group(void *state, const struct ingest_table *t, const struct stats_groups *g,
		     size_t grp, FILE *out, struct cu_err *err)
{
	struct xmr_run *s = state;
	struct stats_xmr_opts *o = &s->o;
	const size_t *rows = g->row + g->start[grp];
	size_t n = g->start[grp + 1] - g->start[grp], seg = 0, key_row = 0;
	char nums[NUMS_MAX]; /* the segment's "mean,lcl,ucl" */
	size_t nums_n = 0;
	int rc;

	if (n + 1 > s->cap) {
		s->cap = n + 1 > 2 * s->cap ? n + 1 : 2 * s->cap;
		s->x = xrealloc(s->x, s->cap * sizeof *s->x);
		s->br = xrealloc(s->br, s->cap * sizeof *s->br);
		s->fl = xrealloc(s->fl, s->cap);
		s->seg = xrealloc(s->seg, s->cap * sizeof *s->seg);
	}
	o->nbreaks = 0;
	for (size_t i = 0; i < n; i++) {
		if ((rc = stats_cell_num(t, rows[i], s->vcol, &s->x[i], err)) != 0)
			return rc;
		if (s->rcol >= 0) {
			const char *cell = ingest_table_cell(t, rows[i], (size_t)s->rcol);

			if (strcmp(cell, "0") != 0 && strcmp(cell, "1") != 0)
				return cu_err_setloc(err, CU_EINVAL, t->source, t->line[rows[i]],
						     t->head[s->rcol], "\"%.32s\": expected 1 where a "
						     "new segment starts, else 0", cell);
			if (cell[0] == '1' && i > 0)
				s->br[o->nbreaks++] = i;
		}
	}
	o->breaks = s->br;
	if ((rc = stats_xmr(s->x, n, o, s->seg, s->cap, s->fl, NULL)) != STATS_OK)
		return group_fail(t, g, grp, rc, err);
	for (size_t i = 0; i < n; i++) {
		size_t r = rows[i];
		struct cu_str ord, val;

		if (i == 0 || i == s->seg[seg].start + s->seg[seg].len) {
			seg += i != 0;
			nums_n = cu_num_fmt(s->seg[seg].mean, nums);
			nums[nums_n++] = ',';
			nums_n += cu_num_fmt(s->seg[seg].lcl, nums + nums_n);
			nums[nums_n++] = ',';
			nums_n += cu_num_fmt(s->seg[seg].ucl, nums + nums_n);
		}
		/* The keys are escaped again only where a row's differ from the last escaped
		 * (rows of one group can differ in text, "1" and "1.0", when compared as numbers). */
		if (i == 0 || (!g->same_keys && !same_keys(t, g, key_row, r))) {
			s->keys.n = s->keys.cells = 0;
			stats_put_keys(&s->keys, t, g, r);
			(void)csv_line_reserve(&s->keys, 32); /* room to be read by copy32 */
			key_row = r;
		}
		ord = g->order >= 0 ? ingest_table_str(t, r, (size_t)g->order) : (struct cu_str){ 0 };
		val = ingest_table_str(t, r, (size_t)s->vcol);
		if (!put_row(s, g, ord, val, nums, nums_n, s->fl[i])) {
			/* A cell to quote or guard: cell by cell. */
			if (g->nkey)
				csv_line_rawn(&s->l, s->keys.p, s->keys.n);
			if (g->order >= 0)
				csv_line_textn(&s->l, ord.p, ord.n);
			csv_line_textn(&s->l, val.p, val.n);
			csv_line_rawn(&s->l, nums, nums_n);
			csv_line_rawn(&s->l, s->tail[s->fl[i]], s->tail_n[s->fl[i]]);
		}
		csv_line_next(&s->l, out);
	}
	return 0;
}

static void xmr_finish(void *state, FILE *out)
{
	struct xmr_run *s = state;

	csv_line_flush(&s->l, out);
}

static void xmr_free(void *state)
{
	struct xmr_run *s = state;

	free(s->x);
	free(s->br);
	free(s->fl);
	free(s->seg);
	csv_line_free(&s->l);
	csv_line_free(&s->keys);
}

static const struct stats_grouped xmr_grouped = { sizeof(struct xmr_run), xmr_setup, xmr_head,
						  xmr_group, xmr_finish, xmr_free };

static int attr_fail(const struct ingest_table *t, const struct stats_groups *g, size_t grp,
		     enum stats_attr_kind kind, struct cu_err *err)
{
	char label[256];
	int counts = kind == STATS_CHART_C || kind == STATS_CHART_G;

	return cu_err_setloc(err, CU_ESTATS, t->source, t->line[g->row[g->start[grp]]], NULL,
			     "series %s: %s", stats_group_label(t, g, grp, label, sizeof label),
			     counts ? "a count chart needs counts of 0 or more" :
			     kind == STATS_CHART_P || kind == STATS_CHART_PP ?
			     "a proportion chart needs 0 <= numerator <= denominator, denominators "
			     "above 0, and for p' at least 2 points and some variation in events" :
			     "a rate chart needs counts of 0 or more, denominators above 0, and for "
			     "u' at least 2 points and at least one event");
}

/*
 * The attribute charts share one shape: counts (--num; --value for c and g) over denominators
 * (--den) per point, grouped and ordered like xmr. Output: keys, order, the inputs, the plotted
 * value, centre, limits and an outside flag.
 */
static int run_attr(const struct stats_args *a, const struct ingest_table *t, FILE *out,
		    enum stats_attr_kind kind, struct cu_err *err)
{
	int counts = kind == STATS_CHART_C || kind == STATS_CHART_G;
	struct stats_groups g;
	struct csv_line l = { 0 };
	double sigmas = 3, *x = NULL, *n = NULL, *v = NULL, *lo = NULL, *hi = NULL;
	int xcol, ncol = -1, rc;
	size_t most = 1;

	if (a->sigmas && stats_opt_num(a->sigmas, "sigmas", 0.5, 10, &sigmas, err))
		return CU_EINVAL;
	if (counts) {
		if ((xcol = stats_col(t, a->value ? a->value : "value", "value", err)) < 0)
			return CU_EINVAL;
	} else if ((xcol = stats_col(t, a->num ? a->num : "numerator", "num", err)) < 0 ||
		   (ncol = stats_col(t, a->den ? a->den : "denominator", "den", err)) < 0) {
		return CU_EINVAL;
	}
	if ((rc = stats_groups_make(t, a->by, a->order, &g, err)) != 0)
		goto done;
	for (size_t i = 0; i < g.ngroup; i++)
		if (g.start[i + 1] - g.start[i] > most)
			most = g.start[i + 1] - g.start[i];
	x = xmalloc(most * sizeof *x);
	n = xmalloc(most * sizeof *n);
	v = xmalloc(most * sizeof *v);
	lo = xmalloc(most * sizeof *lo);
	hi = xmalloc(most * sizeof *hi);
	stats_put_key_names(&l, t, &g);
	if (g.order >= 0)
		csv_line_text(&l, t->head[g.order]);
	csv_line_text(&l, t->head[xcol]);
	if (ncol >= 0)
		csv_line_text(&l, t->head[ncol]);
	csv_line_raw(&l, "value,centre,lcl,ucl,outside");
	csv_line_end(&l, out);
	for (size_t grp = 0; grp < g.ngroup; grp++) {
		const size_t *rows = g.row + g.start[grp];
		size_t m = g.start[grp + 1] - g.start[grp];
		struct stats_attr_result res;

		for (size_t i = 0; i < m; i++) {
			if ((rc = stats_cell_num(t, rows[i], xcol, &x[i], err)) ||
			    (ncol >= 0 && (rc = stats_cell_num(t, rows[i], ncol, &n[i], err))))
				goto done;
		}
		if (stats_attr_chart(kind, x, ncol >= 0 ? n : NULL, m, sigmas, v, lo, hi, &res)) {
			rc = attr_fail(t, &g, grp, kind, err);
			goto done;
		}
		for (size_t i = 0; i < m; i++) {
			stats_put_keys(&l, t, &g, rows[i]);
			if (g.order >= 0)
				csv_line_text(&l, ingest_table_cell(t, rows[i], (size_t)g.order));
			csv_line_text(&l, ingest_table_cell(t, rows[i], (size_t)xcol));
			if (ncol >= 0)
				csv_line_text(&l, ingest_table_cell(t, rows[i], (size_t)ncol));
			csv_line_num(&l, v[i]);
			csv_line_num(&l, res.centre);
			csv_line_num(&l, lo[i]);
			csv_line_num(&l, hi[i]);
			csv_line_raw(&l, v[i] < lo[i] || v[i] > hi[i] ? "1" : "0");
			csv_line_end(&l, out);
		}
	}
	rc = 0;
done:
	free(x);
	free(n);
	free(v);
	free(lo);
	free(hi);
	csv_line_free(&l);
	stats_groups_free(&g);
	return rc;
}

#define ATTR_METHOD(name, kind) \
	static int run_##name(const struct stats_args *a, const struct ingest_table *t, FILE *out, \
			      struct cu_err *err) \
	{ \
		return run_attr(a, t, out, kind, err); \
	}
ATTR_METHOD(p, STATS_CHART_P)
ATTR_METHOD(u, STATS_CHART_U)
ATTR_METHOD(pp, STATS_CHART_PP)
ATTR_METHOD(up, STATS_CHART_UP)
ATTR_METHOD(c, STATS_CHART_C)
ATTR_METHOD(g, STATS_CHART_G)

const struct stats_method stats_spc_methods[] = {
	{ "xmr", "XmR charts (Making Data Count) for each series",
	  "by order value rebase screen baseline shift trend two-of-three polarity target",
	  NULL, &xmr_grouped },
	{ "p", "p chart: proportions with limits per denominator (--sigmas, default 3)",
	  "by order num den sigmas", run_p, NULL },
	{ "u", "u chart: rates with limits per denominator", "by order num den sigmas", run_u, NULL },
	{ "pp", "Laney p' chart: p chart widened by the variation between points",
	  "by order num den sigmas", run_pp, NULL },
	{ "up", "Laney u' chart: u chart widened by the variation between points",
	  "by order num den sigmas", run_up, NULL },
	{ "c", "c chart: counts of events", "by order value sigmas", run_c, NULL },
	{ "g", "g chart: cases between rare events", "by order value sigmas", run_g, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
