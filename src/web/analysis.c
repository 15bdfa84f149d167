/* Series, charts and the needs-attention ranking for the pages; see analysis.h. */
#include "web/analysis.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "model/period.h"
#include "stats/attr.h"
#include "stats/funnel.h"
#include "stats/stats.h"

enum stats_polarity analysis_polarity(const struct store_indicator *ind)
{
	return ind->polarity == MODEL_POLARITY_HIGHER_BETTER  ? STATS_HIGHER_BETTER
	       : ind->polarity == MODEL_POLARITY_LOWER_BETTER ? STATS_LOWER_BETTER
							      : STATS_NO_DIRECTION;
}

int obs_vec_keep(void *arg, const struct store_obs *o)
{
	struct obs_vec *v = arg;

	v->o = xgrow(v->o, v->n, &v->cap, sizeof *v->o);
	v->o[v->n++] = *o;
	return 0;
}

struct rebase_vec {
	size_t n, cap;
	struct store_rebase *r;
};

static int keep_rebase(void *arg, const struct store_rebase *r)
{
	struct rebase_vec *v = arg;

	v->r = xgrow(v->r, v->n, &v->cap, sizeof *v->r);
	v->r[v->n++] = *r;
	return 0;
}

void series_free(struct series *sr)
{
	free(sr->brk);
	free(sr->obs);
	free(sr->value);
	free(sr->label);
	free(sr->flags);
	free(sr->mean);
	free(sr->lcl);
	free(sr->ucl);
	memset(sr, 0, sizeof *sr);
}

static const struct {
	const char *key, *title;
	enum stats_attr_kind kind;
} charts[SERIES__MAX] = {
	[SERIES_XMR] = { "xmr", "XmR chart", STATS_CHART_P },
	[SERIES_P] = { "p", "p chart", STATS_CHART_P },
	[SERIES_PP] = { "pp", "p\u2032 chart (Laney)", STATS_CHART_PP },
	[SERIES_U] = { "u", "u chart", STATS_CHART_U },
	[SERIES_UP] = { "up", "u\u2032 chart (Laney)", STATS_CHART_UP },
};

unsigned series_charts(const struct store_indicator *ind)
{
	unsigned set = 1u << SERIES_XMR;

	if (ind->measure == MODEL_MEASURE_PROPORTION)
		set |= 1u << SERIES_P | 1u << SERIES_PP;
	else if (ind->measure == MODEL_MEASURE_RATE)
		set |= 1u << SERIES_U | 1u << SERIES_UP;
	return set;
}

const char *series_chart_key(enum series_chart c)
{
	return (unsigned)c < SERIES__MAX ? charts[c].key : "xmr";
}

const char *series_chart_title(enum series_chart c)
{
	return (unsigned)c < SERIES__MAX ? charts[c].title : charts[SERIES_XMR].title;
}

enum series_chart series_chart_parse(const char *key, const struct store_indicator *ind)
{
	for (int c = 0; key && c < SERIES__MAX; c++)
		if (strcmp(key, charts[c].key) == 0 && (series_charts(ind) >> c & 1))
			return (enum series_chart)c;
	return SERIES_XMR;
}

/*
 * The attribute chart KIND over the M charted points of OUT (series indexes IDX), segment by
 * segment at the cuts CUT[0..NCUT): each point's centre, limits and rule flags, the verdicts
 * of the last point. Values are numerator / denominator times the indicator's multiplier, as
 * stored. Returns 0, or -1 (OUT unchanged) when a point lacks what the chart needs.
 */
static int series_attr(struct series *out, const struct store_indicator *ind,
		       enum stats_attr_kind kind, const size_t *idx, size_t m, const size_t *cut,
		       size_t ncut)
{
	double *x = xmalloc((m + 1) * sizeof *x), *nn = xmalloc((m + 1) * sizeof *nn);
	double *v = xmalloc((m + 1) * sizeof *v), *lo = xmalloc((m + 1) * sizeof *lo);
	double *hi = xmalloc((m + 1) * sizeof *hi), *sg = xmalloc((m + 1) * sizeof *sg);
	double *ctr = xmalloc((m + 1) * sizeof *ctr);
	double mult = ind->multiplier > 0 ? ind->multiplier : 1;
	unsigned char *fl = xmalloc(m + 1);
	struct stats_xmr_opts o;
	struct stats_attr_result ar = { 0 };
	struct stats_xmr_result xr = { 0 };
	int rc = 0;

	for (size_t k = 0; k < m && rc == 0; k++) {
		const struct store_obs *ob = &out->obs[idx[k]];

		if (!ob->has_numerator || !ob->has_denominator || !(ob->denominator > 0))
			rc = -1;
		x[k] = ob->numerator;
		nn[k] = ob->denominator;
	}
	stats_xmr_defaults(&o);
	o.polarity = out->polarity;
	/* The target is in the indicator's unit; the rules see numerator / denominator. */
	o.target = isfinite(out->target) ? out->target / mult : NAN;
	for (size_t g = 0; g <= ncut && rc == 0; g++) {
		size_t a = g ? cut[g - 1] : 0, b = g < ncut ? cut[g] : m;

		if (stats_attr_chart(kind, x + a, nn + a, b - a, 3, v + a, lo + a, hi + a, &ar)) {
			rc = -1;
			break;
		}
		for (size_t k = a; k < b; k++) {
			sg[k] = stats_attr_sigma(kind, &ar, nn[k]);
			ctr[k] = ar.centre;
		}
		if (stats_spc_rules(v + a, b - a, ar.centre, lo + a, hi + a, sg + a, &o, fl + a, &xr))
			rc = -1;
	}
	if (rc == 0) {
		for (size_t k = 0; k < m; k++) {
			out->flags[idx[k]] = fl[k];
			out->mean[idx[k]] = ctr[k] * mult;
			out->lcl[idx[k]] = lo[k] * mult;
			out->ucl[idx[k]] = hi[k] * mult;
		}
		xr.nseg = ncut + 1;
		out->xmr = xr;
		out->sigma_z = ar.sigma_z;
		out->has_chart = 1;
	}
	free(x);
	free(nn);
	free(v);
	free(lo);
	free(hi);
	free(sg);
	free(ctr);
	free(fl);
	return rc;
}

/*
 * Build OUT for indicator IND from its observations OBS[0..N) (taken over: OUT owns them) and
 * the rebasing RB[0..NRB) of this indicator, on chart CHART.
 */
static void series_build(struct series *out, const struct store_indicator *ind,
			 struct store_obs *obs, size_t n, const struct store_rebase *rb, size_t nrb,
			 enum series_chart chart)
{
	size_t m = 0, *idx, *cut, ncut = 0, *pos;
	double *x;
	unsigned char *fl;
	struct stats_xmr_opts o;
	struct stats_xmr_segment *seg;

	memset(out, 0, sizeof *out);
	out->n = n;
	out->obs = obs;
	out->value = xcalloc(n + 1, sizeof *out->value);
	out->label = xcalloc(n + 1, sizeof *out->label);
	out->flags = xcalloc(n + 1, 1);
	out->mean = xcalloc(n + 1, sizeof *out->mean);
	out->lcl = xcalloc(n + 1, sizeof *out->lcl);
	out->ucl = xcalloc(n + 1, sizeof *out->ucl);
	out->polarity = analysis_polarity(ind);
	out->target = ind->has_target ? ind->target : NAN;
	out->sigma_z = 1;
	for (size_t i = 0; i < n; i++) {
		const struct store_obs *ob = &obs[i];

		out->value[i] = ob->status == MODEL_OBS_OK && ob->has_value ? ob->value : NAN;
		model_period_label(ob->period_start, ob->grain, out->label[i]);
		out->mean[i] = out->lcl[i] = out->ucl[i] = NAN;
		if (isfinite(out->value[i]))
			m++;
	}
	/* Each rebasing starts at the first period on or after its date. */
	out->brk = xcalloc(nrb + 1, sizeof *out->brk);
	for (size_t k = 0; k < nrb; k++) {
		size_t i = 0;

		while (i < n && strcmp(obs[i].period_start, rb[k].period_start) < 0)
			i++;
		if (i == 0 || i == n)
			continue; /* before the first point or after the last: nothing to split */
		if (out->nbreak && out->brk[out->nbreak - 1].index == i)
			continue;
		out->brk[out->nbreak].index = i;
		snprintf(out->brk[out->nbreak].period, sizeof out->brk[0].period, "%s",
			 out->label[i]);
		snprintf(out->brk[out->nbreak].reason, sizeof out->brk[0].reason, "%s",
			 rb[k].reason);
		out->nbreak++;
	}
	if (m < 2)
		return;
	/* The chart runs over the periods that have a value; gaps are left out of it. POS[i] is
	 * the chart index of series point i (the count of values before it). */
	x = xmalloc(m * sizeof *x);
	fl = xmalloc(m);
	idx = xmalloc(m * sizeof *idx);
	pos = xmalloc((n + 1) * sizeof *pos);
	cut = xmalloc((out->nbreak + 1) * sizeof *cut);
	seg = xmalloc((out->nbreak + 1) * sizeof *seg);
	m = 0;
	for (size_t i = 0; i < n; i++) {
		pos[i] = m;
		if (isfinite(out->value[i])) {
			idx[m] = i;
			x[m++] = out->value[i];
		}
	}
	/* A rebasing applies when both segments it makes keep at least two values. */
	for (size_t k = 0; k < out->nbreak; k++) {
		size_t c = pos[out->brk[k].index], prev = ncut ? cut[ncut - 1] : 0;

		if (c >= prev + 2 && c + 2 <= m) {
			cut[ncut++] = c;
			out->brk[k].applied = 1;
		}
	}
	if (chart != SERIES_XMR) {
		if (series_attr(out, ind, charts[chart].kind, idx, m, cut, ncut) == 0) {
			out->chart = chart;
			goto done;
		}
		out->chart_refused = 1;
	}
	stats_xmr_defaults(&o);
	o.polarity = out->polarity;
	o.target = out->target;
	o.breaks = cut;
	o.nbreaks = ncut;
	if (stats_xmr(x, m, &o, seg, ncut + 1, fl, &out->xmr) == STATS_OK) {
		out->has_chart = 1;
		for (size_t g = 0; g <= ncut && g < out->xmr.nseg; g++)
			for (size_t k = seg[g].start; k < seg[g].start + seg[g].len; k++) {
				out->flags[idx[k]] = fl[k];
				out->mean[idx[k]] = seg[g].mean;
				out->lcl[idx[k]] = seg[g].lcl;
				out->ucl[idx[k]] = seg[g].ucl;
			}
	}
done:
	free(x);
	free(fl);
	free(idx);
	free(pos);
	free(cut);
	free(seg);
}

int series_load(struct store *s, const struct cu_actor *a, int64_t org_id,
		const struct store_indicator *ind, const char *as_of, enum series_chart chart,
		struct series *out, struct cu_err *err)
{
	struct obs_vec v = { 0 };
	struct rebase_vec rb = { 0 };
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_obs_series(s, a, org_id, ind->id, as_of, obs_vec_keep, &v, err)) ||
	    (rc = store_rebase_list(s, a, org_id, ind->id, as_of, keep_rebase, &rb, err))) {
		free(v.o);
		free(rb.r);
		return rc;
	}
	series_build(out, ind, v.o, v.n, rb.r, rb.n, chart);
	free(rb.r);
	return 0;
}

int series_load_org(struct store *s, const struct cu_actor *a, int64_t org_id,
		    const struct store_indicator *cat, size_t ncat, const char *as_of,
		    struct series *out, struct cu_err *err)
{
	struct obs_vec v = { 0 };
	struct rebase_vec rb = { 0 };
	size_t i = 0, r = 0;
	int rc;

	for (size_t k = 0; k < ncat; k++)
		memset(&out[k], 0, sizeof out[k]);
	if ((rc = store_obs_series(s, a, org_id, 0, as_of, obs_vec_keep, &v, err)) ||
	    (rc = store_rebase_list(s, a, org_id, 0, as_of, keep_rebase, &rb, err))) {
		free(v.o);
		free(rb.r);
		return rc;
	}
	/* Rows come by indicator id, then period; so does the rebasing. */
	while (i < v.n) {
		int64_t id = v.o[i].indicator_id;
		size_t j = i, r0;
		const struct store_indicator *ind = NULL;

		while (j < v.n && v.o[j].indicator_id == id)
			j++;
		while (r < rb.n && rb.r[r].indicator_id < id)
			r++;
		r0 = r;
		while (r < rb.n && rb.r[r].indicator_id == id)
			r++;
		for (size_t k = 0; k < ncat && !ind; k++)
			if (cat[k].id == id)
				ind = &cat[k];
		if (ind) {
			struct store_obs *copy = xmalloc((j - i + 1) * sizeof *copy);

			memcpy(copy, v.o + i, (j - i) * sizeof *copy);
			series_build(&out[ind - cat], ind, copy, j - i, rb.r + r0, r - r0,
				     SERIES_XMR);
		}
		i = j;
	}
	free(v.o);
	free(rb.r);
	return 0;
}

/* ---- catalogue ---- */

struct ind_vec {
	size_t n, cap;
	struct store_indicator *v;
};

static int keep_ind(void *arg, const struct store_indicator *ind)
{
	struct ind_vec *v = arg;

	v->v = xgrow(v->v, v->n, &v->cap, sizeof *v->v);
	v->v[v->n++] = *ind;
	return 0;
}

int catalogue_load(struct store *s, const struct cu_actor *a, struct store_indicator **out,
		   size_t *n, struct cu_err *err)
{
	struct ind_vec v = { 0 };
	int rc = store_indicator_list(s, a, keep_ind, &v, err);

	if (rc) {
		free(v.v);
		return rc;
	}
	*out = v.v;
	*n = v.n;
	return 0;
}

const struct store_indicator *catalogue_find(const struct store_indicator *v, size_t n,
					     const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].code, code) == 0)
			return &v[i];
	return NULL;
}

/* ---- the funnel across providers ---- */

static const char *const od_keys[FUNNEL_OD__MAX] = { "auto", "none", "prop" };
static const double funnel_levels[2] = { 0.95, 0.998 };

const char *funnel_od_key(enum funnel_od od)
{
	return (unsigned)od < FUNNEL_OD__MAX ? od_keys[od] : od_keys[FUNNEL_OD_AUTO];
}

enum funnel_od funnel_od_parse(const char *key)
{
	for (int k = 0; key && k < FUNNEL_OD__MAX; k++)
		if (strcmp(key, od_keys[k]) == 0)
			return (enum funnel_od)k;
	return FUNNEL_OD_AUTO;
}

/*
 * The centre and the kind of limits of a funnel of the M providers with numerators X and
 * denominators NN (one period, in the store's order, so the sums are made in the same order
 * by every caller): F's target (NaN when no denominator), has_od, od and adjusted. The rest
 * of F is not touched.
 */
static void funnel_fit(const double *x, const double *nn, size_t m, enum funnel_od mode,
		       struct funnel *f)
{
	double num = 0, den = 0;

	for (size_t i = 0; i < m; i++) {
		num += x[i];
		den += nn[i];
	}
	f->target = den > 0 ? num / den : NAN;
	f->has_od = 0;
	memset(&f->od, 0, sizeof f->od);
	if (m >= 3 && f->target > 0 && f->target < 1) {
		double *work = xmalloc((m + 1) * sizeof *work);

		f->has_od = stats_funnel_od_estimate(x, nn, m, STATS_FUNNEL_OD_PROP, f->target, 0.1,
						     NULL, NULL, work, m, &f->od) == STATS_OK;
		if (!f->has_od)
			memset(&f->od, 0, sizeof f->od);
		free(work);
	}
	f->adjusted = f->has_od &&
		      (mode == FUNNEL_OD_PROP || (mode == FUNNEL_OD_AUTO && f->od.phi > 1));
}

int funnel_limits(const struct funnel *f, double d, double level,
		  struct stats_funnel_limits *out)
{
	if (f->adjusted)
		return stats_funnel_od_limits(STATS_FUNNEL_OD_PROP, f->target, d, f->od.tau2, level,
					      out);
	return stats_funnel_prop_limits(f->target, d, level, STATS_FUNNEL_PROP_WILSON, out);
}

/*
 * X of N against F's 95% and 99.8% limits: *CLS (enum stats_funnel_class) and the limits
 * LIM[2] it was judged against. Adjusted limits that cannot be made fall back to Wilson's.
 * Returns 0, or -1 (*CLS 0, LIM NaN) when X of N cannot be judged at all.
 */
static int funnel_judge(const struct funnel *f, double x, double n,
			struct stats_funnel_limits lim[2], int *cls)
{
	if (f->adjusted && funnel_limits(f, n, funnel_levels[0], &lim[0]) == STATS_OK &&
	    funnel_limits(f, n, funnel_levels[1], &lim[1]) == STATS_OK &&
	    stats_funnel_classify(x / n, lim, 2, cls) == STATS_OK)
		return 0;
	if (stats_funnel_prop_classify(x, n, f->target, funnel_levels, 2,
				       STATS_FUNNEL_PROP_WILSON, cls) != STATS_OK) {
		*cls = 0;
		lim[0].lower = lim[0].upper = lim[1].lower = lim[1].upper = NAN;
		return -1;
	}
	for (int k = 0; k < 2; k++)
		if (stats_funnel_prop_limits(f->target, n, funnel_levels[k],
					     STATS_FUNNEL_PROP_WILSON, &lim[k]) != STATS_OK)
			lim[k].lower = lim[k].upper = NAN;
	return 0;
}

int funnel_build(struct store *s, const struct cu_actor *a, const struct store_indicator *ind,
		 enum funnel_od od, struct funnel *out, struct cu_err *err)
{
	struct org_vec orgs = { 0 };
	struct funnel_unit *u;
	double *x, *nn;
	size_t n = 0, m = 0;
	int rc;

	memset(out, 0, sizeof *out);
	out->asked = od;
	out->target = NAN;
	if (ind->measure != MODEL_MEASURE_PROPORTION) {
		out->state = FUNNEL_NOT_PROPORTION;
		return 0;
	}
	if ((rc = store_org_list(s, a, org_vec_keep_providers, &orgs, err))) {
		free(orgs.o);
		return rc;
	}
	/* Each provider's latest figure; a provider whose data A may not read has none. */
	u = xcalloc(orgs.n + 1, sizeof *u);
	for (size_t i = 0; i < orgs.n; i++) {
		struct obs_vec l = { 0 };
		bool has = false;

		rc = store_obs_latest(s, a, orgs.o[i].id, ind->id, NULL, obs_vec_keep, &l, err);
		if (rc == CU_EDENIED) {
			cu_err_clear(err);
			rc = 0;
		}
		for (size_t k = 0; k < l.n; k++)
			if (l.o[k].status == MODEL_OBS_OK && l.o[k].has_numerator &&
			    l.o[k].has_denominator && l.o[k].denominator > 0) {
				u[n].obs = l.o[k];
				has = true;
			}
		free(l.o);
		if (rc) {
			free(u);
			free(orgs.o);
			return rc;
		}
		if (!has)
			continue;
		snprintf(u[n].code, sizeof u[n].code, "%s", orgs.o[i].code);
		snprintf(u[n].name, sizeof u[n].name, "%s", orgs.o[i].name);
		if (strcmp(u[n].obs.period_start, out->period) > 0)
			snprintf(out->period, sizeof out->period, "%s", u[n].obs.period_start);
		n++;
	}
	free(orgs.o);
	/* The funnel is drawn for the latest period: keep the providers with a figure for it. */
	x = xcalloc(n + 1, sizeof *x);
	nn = xcalloc(n + 1, sizeof *nn);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(u[i].obs.period_start, out->period) != 0)
			continue;
		if (m != i)
			u[m] = u[i];
		x[m] = u[m].obs.numerator;
		nn[m] = u[m].obs.denominator;
		m++;
	}
	funnel_fit(x, nn, m, od, out);
	free(x);
	free(nn);
	out->n = m;
	out->unit = u;
	if (m == 0) {
		out->state = FUNNEL_NO_FIGURES;
		out->period[0] = '\0';
		return 0;
	}
	out->state = FUNNEL_DRAWN;
	out->grain = u[0].obs.grain;
	for (size_t i = 0; i < m; i++) {
		u[i].value = u[i].obs.numerator / u[i].obs.denominator;
		funnel_judge(out, u[i].obs.numerator, u[i].obs.denominator, u[i].lim, &u[i].cls);
	}
	return 0;
}

void funnel_free(struct funnel *f)
{
	free(f->unit);
	memset(f, 0, sizeof *f);
}

/* ---- ranking ---- */

int org_vec_keep(void *arg, const struct store_org *o)
{
	struct org_vec *v = arg;

	v->o = xgrow(v->o, v->n, &v->cap, sizeof *v->o);
	v->o[v->n++] = *o;
	return 0;
}

int org_vec_keep_providers(void *arg, const struct store_org *o)
{
	struct org_vec *v = arg;

	if (o->kind != MODEL_ORG_PROVIDER)
		return 0;
	v->o = xgrow(v->o, v->n, &v->cap, sizeof *v->o);
	v->o[v->n++] = *o;
	return 0;
}

static void add_reason(struct ranked *rk, const struct store_indicator *ind, const char *rules,
		       const char *since, int weight)
{
	struct reason *r;

	rk->reason = xrealloc(rk->reason, (rk->nreason + 1) * sizeof *rk->reason);
	r = &rk->reason[rk->nreason++];
	memset(r, 0, sizeof *r);
	snprintf(r->indicator, sizeof r->indicator, "%s", ind->code);
	snprintf(r->title, sizeof r->title, "%s", ind->title);
	r->domain = ind->domain;
	snprintf(r->rules, sizeof r->rules, "%s", rules);
	snprintf(r->since, sizeof r->since, "%s", since);
	r->weight = weight;
	rk->score += weight;
	rk->per_domain[ind->domain] += weight;
}

void rule_words(unsigned f, char *out, size_t n)
{
	size_t w = 0;

	out[0] = '\0';
	if (f & STATS_XMR_OUTSIDE)
		w += (size_t)snprintf(out + w, n - w, "%sbeyond the limits", w ? ", " : "");
	if ((f & STATS_XMR_SHIFT) && w < n)
		w += (size_t)snprintf(out + w, n - w, "%sshift", w ? ", " : "");
	if ((f & STATS_XMR_TREND) && w < n)
		w += (size_t)snprintf(out + w, n - w, "%strend", w ? ", " : "");
	if ((f & STATS_XMR_TWO3) && w < n)
		snprintf(out + w, n - w, "%stwo of three near a limit", w ? ", " : "");
}

/* A special-cause concern at the series' latest value: the rules, and since when. */
static void spc_reason(struct ranked *rk, const struct store_indicator *ind,
		       const struct series *sr)
{
	size_t last = sr->n, first;
	char rules[64];

	while (last > 0 && !isfinite(sr->value[last - 1]))
		last--;
	if (!sr->has_chart || last == 0 ||
	    stats_xmr_variation(sr->flags[last - 1], sr->polarity) != STATS_VAR_CONCERN)
		return;
	first = last - 1;
	while (first > 0 && (!isfinite(sr->value[first - 1]) ||
			     stats_xmr_variation(sr->flags[first - 1], sr->polarity) ==
				     STATS_VAR_CONCERN))
		first--;
	while (!isfinite(sr->value[first]))
		first++;
	rule_words(sr->flags[last - 1], rules, sizeof rules);
	add_reason(rk, ind, rules, sr->label[first],
		   sr->flags[last - 1] & STATS_XMR_OUTSIDE ? 2 : 1);
}

/* The latest observation of each provider for one proportion indicator. */
struct latest_prop {
	bool has;
	struct store_obs o;
};

static void funnel_reasons(struct ranked *rk, size_t np, const struct store_indicator *ind,
			   const struct latest_prop *lp)
{
	const char *period = "";
	char label[16];
	enum stats_polarity pol = analysis_polarity(ind);
	struct funnel f = { 0 };
	double *x, *nn;
	size_t m = 0;

	if (pol == STATS_NO_DIRECTION)
		return;
	for (size_t i = 0; i < np; i++)
		if (lp[i].has && strcmp(lp[i].o.period_start, period) > 0)
			period = lp[i].o.period_start;
	/* The funnel of the latest period, judged as funnel_build judges it. */
	x = xmalloc((np + 1) * sizeof *x);
	nn = xmalloc((np + 1) * sizeof *nn);
	for (size_t i = 0; i < np; i++)
		if (lp[i].has && strcmp(lp[i].o.period_start, period) == 0) {
			x[m] = lp[i].o.numerator;
			nn[m++] = lp[i].o.denominator;
		}
	funnel_fit(x, nn, m, FUNNEL_OD_AUTO, &f);
	free(x);
	free(nn);
	if (m == 0)
		return;
	for (size_t i = 0; i < np; i++) {
		struct stats_funnel_limits lim[2];
		int cls;

		if (!lp[i].has || strcmp(lp[i].o.period_start, period) != 0 ||
		    funnel_judge(&f, lp[i].o.numerator, lp[i].o.denominator, lim, &cls))
			continue;
		if ((pol == STATS_HIGHER_BETTER && cls < 0) || (pol == STATS_LOWER_BETTER && cls > 0)) {
			int outer = cls == 2 || cls == -2;
			char what[64];

			snprintf(what, sizeof what, "%s the %s funnel limit%s",
				 cls > 0 ? "above" : "below", outer ? "99.8%" : "95%",
				 f.adjusted ? " (overdispersed)" : "");
			add_reason(&rk[i], ind, what,
				   model_period_label(lp[i].o.period_start, lp[i].o.grain, label),
				   outer ? 2 : 1);
		}
	}
}

static int cmp_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->score != y->score)
		return y->score - x->score;
	return strcmp(x->org.name, y->org.name);
}

int ranking_build(struct store *s, const struct cu_actor *a, int domain, const char *service,
		  struct ranking *out, struct cu_err *err)
{
	struct org_vec orgs = { 0 };
	struct store_indicator *cat = NULL;
	size_t ncat = 0, np;
	struct ranked *rk;
	struct latest_prop *lp;
	struct series *sr;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_org_list(s, a, org_vec_keep_providers, &orgs, err)) ||
	    (rc = catalogue_load(s, a, &cat, &ncat, err))) {
		free(orgs.o);
		free(cat);
		return rc;
	}
	/* Only the indicators the filter keeps are read: a filter that keeps none (an unknown
	 * service) costs nothing but the catalogue. */
	{
		size_t k = 0;

		for (size_t c = 0; c < ncat; c++)
			if ((domain < 0 || (int)cat[c].domain == domain) &&
			    (!service || !*service || strcmp(cat[c].service, service) == 0))
				cat[k++] = cat[c];
		ncat = k;
	}
	np = orgs.n;
	rk = xcalloc(np + 1, sizeof *rk);
	lp = xcalloc((np + 1) * (ncat + 1), sizeof *lp);
	sr = xcalloc(ncat + 1, sizeof *sr);
	for (size_t i = 0; i < np && !rc; i++) {
		rk[i].org = orgs.o[i];
		if (ncat == 0)
			continue;
		if ((rc = series_load_org(s, a, orgs.o[i].id, cat, ncat, NULL, sr, err)))
			break;
		for (size_t c = 0; c < ncat; c++) {
			const struct store_indicator *ind = &cat[c];
			const struct store_obs *o = sr[c].n ? &sr[c].obs[sr[c].n - 1] : NULL;

			if (o) {
				if (ind->measure == MODEL_MEASURE_PROPORTION &&
				    o->status == MODEL_OBS_OK && o->has_numerator &&
				    o->has_denominator && o->denominator > 0) {
					lp[c * np + i].has = true;
					lp[c * np + i].o = *o;
				}
				spc_reason(&rk[i], ind, &sr[c]);
			}
			series_free(&sr[c]);
		}
	}
	free(sr);
	for (size_t c = 0; c < ncat && !rc; c++)
		if (cat[c].measure == MODEL_MEASURE_PROPORTION)
			funnel_reasons(rk, np, &cat[c], lp + c * np);
	free(lp);
	free(cat);
	free(orgs.o);
	if (rc) {
		for (size_t i = 0; i < np; i++)
			free(rk[i].reason);
		free(rk);
		return rc;
	}
	qsort(rk, np, sizeof *rk, cmp_rank);
	out->providers = np;
	out->r = rk;
	while (out->n < np && rk[out->n].score > 0)
		out->n++;
	for (size_t i = out->n; i < np; i++)
		free(rk[i].reason);
	return 0;
}

/*
 * Rankings kept between requests, per role, organisation and filter, for one data version:
 * recomputing one reads every series of every provider the actor sees (most of a second at
 * 190 providers), and nothing in it changes until something is written. A few entries,
 * replaced least recently used; guarded by one mutex (the server's threads share it).
 */
#define RANK_CACHE 16

struct rank_entry {
	bool used;
	enum model_role role;
	int64_t org, version;
	int domain;
	char service[CU_MAX_CODE + 1];
	uint64_t last;
	struct ranking r;
};

static struct rank_entry rank_cache[RANK_CACHE];
static uint64_t rank_tick;
static pthread_mutex_t rank_mu = PTHREAD_MUTEX_INITIALIZER;
/*
 * Rankings being built (keys only): a request for one of them waits for it instead of
 * building it again, so the first requests after a write (when everything kept is stale) cost
 * one build, not one per request in flight. RANK_CV is signalled whenever a build ends.
 */
enum { RANK_BUILDING = 16 };
static struct rank_entry rank_building[RANK_BUILDING];
static pthread_cond_t rank_cv = PTHREAD_COND_INITIALIZER;
static unsigned long rank_builds; /* under rank_mu */

static void ranking_copy(struct ranking *dst, const struct ranking *src)
{
	dst->n = src->n;
	dst->providers = src->providers;
	dst->r = xcalloc(src->n + 1, sizeof *dst->r);
	for (size_t i = 0; i < src->n; i++) {
		dst->r[i] = src->r[i];
		dst->r[i].reason = xmalloc((src->r[i].nreason + 1) * sizeof *dst->r[i].reason);
		memcpy(dst->r[i].reason, src->r[i].reason,
		       src->r[i].nreason * sizeof *dst->r[i].reason);
	}
}

static bool rank_key(const struct rank_entry *e, const struct cu_actor *a, int domain,
		     const char *service, int64_t version)
{
	return e->used && e->role == a->role && e->org == a->org_id && e->domain == domain &&
	       e->version == version && strcmp(e->service, service ? service : "") == 0;
}

int ranking_get(struct store *s, const struct cu_actor *a, int domain, const char *service,
		struct ranking *out, struct cu_err *err)
{
	int64_t version;
	struct rank_entry *victim = NULL, *slot = NULL;
	int rc;

	if ((rc = store_data_version(s, &version, err)))
		return rc;
	pthread_mutex_lock(&rank_mu);
	for (;;) {
		bool waiting = false;

		for (size_t i = 0; i < RANK_CACHE; i++)
			if (rank_key(&rank_cache[i], a, domain, service, version)) {
				rank_cache[i].last = ++rank_tick;
				ranking_copy(out, &rank_cache[i].r);
				pthread_mutex_unlock(&rank_mu);
				return 0;
			}
		for (size_t i = 0; i < RANK_BUILDING && !waiting; i++)
			waiting = rank_key(&rank_building[i], a, domain, service, version);
		if (!waiting)
			break;
		pthread_cond_wait(&rank_cv, &rank_mu);
	}
	/* Say this one is being built (when every slot is taken, build without saying so). */
	for (size_t i = 0; i < RANK_BUILDING && !slot; i++)
		if (!rank_building[i].used)
			slot = &rank_building[i];
	if (slot) {
		slot->used = true;
		slot->role = a->role;
		slot->org = a->org_id;
		slot->domain = domain;
		slot->version = version;
		snprintf(slot->service, sizeof slot->service, "%s", service ? service : "");
	}
	pthread_mutex_unlock(&rank_mu);
	rc = ranking_build(s, a, domain, service, out, err);
	pthread_mutex_lock(&rank_mu);
	rank_builds++;
	if (slot)
		slot->used = false;
	pthread_cond_broadcast(&rank_cv);
	if (rc) {
		pthread_mutex_unlock(&rank_mu);
		return rc;
	}
	for (size_t i = 0; i < RANK_CACHE; i++) {
		if (!rank_cache[i].used) {
			victim = &rank_cache[i];
			break;
		}
		if (!victim || rank_cache[i].last < victim->last)
			victim = &rank_cache[i];
	}
	if (victim->used)
		ranking_free(&victim->r);
	victim->used = true;
	victim->role = a->role;
	victim->org = a->org_id;
	victim->domain = domain;
	victim->version = version;
	snprintf(victim->service, sizeof victim->service, "%s", service ? service : "");
	victim->last = ++rank_tick;
	ranking_copy(&victim->r, out);
	pthread_mutex_unlock(&rank_mu);
	return 0;
}

unsigned long ranking_builds(void)
{
	unsigned long n;

	pthread_mutex_lock(&rank_mu);
	n = rank_builds;
	pthread_mutex_unlock(&rank_mu);
	return n;
}

void ranking_cache_clear(void)
{
	pthread_mutex_lock(&rank_mu);
	for (size_t i = 0; i < RANK_CACHE; i++)
		if (rank_cache[i].used) {
			ranking_free(&rank_cache[i].r);
			rank_cache[i].used = false;
		}
	pthread_mutex_unlock(&rank_mu);
}

void ranking_free(struct ranking *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->r[i].reason);
	free(r->r);
	memset(r, 0, sizeof *r);
}
