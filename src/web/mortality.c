/*
 * The mortality pages: risk-adjusted mortality as `custodian import --profile spells` stored
 * it (store.h, "risk-adjusted mortality results"; docs/methods.md, "Risk-adjusted mortality").
 *
 *   /mortality                       the funnel of every provider the actor may see for one
 *                                    import (the latest by default, ?import=ID another), with
 *                                    a table of them; ?highlight=CODE picks one out
 *   /mortality/CODE                  one provider's ratio period by period (chart and table),
 *                                    and its diagnosis groups for one import
 *   /mortality/CODE/group/G          one provider and diagnosis group: the stored CUSUM
 *                                    summary period by period and the group's fit report
 *
 * What each page shows is gathered by the builders of mortality.h, which the JSON API
 * (api.c) calls too; this file holds them and the pages that draw from them.
 *
 * Nothing is recomputed: ratios, limits and bands are shown as stored, so the pages agree
 * with the import and with `custodian shmi` on the same file. The one thing drawn from a
 * formula is the funnel's limit curves between the providers, from the stored tau^2 with
 * the function the import used (stats_funnel_od_limits), which passes through each
 * provider's stored limits at its expected deaths.
 *
 * Periods. Imports are listed by the period they are about; a period imported again is
 * revised by the later import (as observations are), so the chart and the period table take
 * each period's latest import. ?import=ID opens any import, a revised one included.
 *
 * Access is the store's: a provider's rows come back only to actors who may read its
 * organisation's data. A provider with no rows the actor may see, in any import, answers
 * 404 exactly as a code that was never imported, so a denied provider looks like a missing
 * one.
 */
#include "web/mortality.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/num.h"
#include "ingest/spells.h"
#include "stats/funnel.h"
#include "stats/stats.h"
#include "web/analysis.h"
#include "web/app.h"
#include "web/chart.h"

/* Points along the funnel's limit curves. */
#define CURVE_POINTS 101
/* A limit curve above this ratio is left out (a gap): it lies far outside any plot. */
#define CURVE_MAX 1e6

/* ---- what the store holds (mortality.h) ---- */

static int keep_import(void *arg, const struct store_spells_import *r)
{
	struct mortality_imports *im = arg;

	im->v = xgrow(im->v, im->n, &im->cap, sizeof *im->v);
	im->v[im->n++] = *r;
	return 0;
}

int mortality_imports_load(struct store *s, const struct cu_actor *a,
			   struct mortality_imports *out, struct cu_err *err)
{
	memset(out, 0, sizeof *out);
	return store_spells_import_list(s, a, keep_import, out, err);
}

bool mortality_import_current(const struct mortality_imports *im, size_t i)
{
	return i + 1 == im->n || strcmp(im->v[i + 1].period_start, im->v[i].period_start) != 0 ||
	       strcmp(im->v[i + 1].period_end, im->v[i].period_end) != 0;
}

int mortality_import_choose(const struct mortality_imports *im, const char *id, size_t *idx,
			    struct cu_err *err)
{
	long long v;

	if (im->n == 0)
		return cu_err_set(err, CU_ENOENT, "no hospital spells have been imported");
	if (!id) {
		*idx = im->n - 1;
		return 0;
	}
	if (cu_num_int(cu_str_of(id), 1, INT64_MAX, &v, NULL) == 0)
		for (size_t i = 0; i < im->n; i++)
			if (im->v[i].import_id == v) {
				*idx = i;
				return 0;
			}
	return cu_err_set(err, CU_ENOENT, "import \"%.32s\" holds no spells results", id);
}

/* V, or NaN when it is no finite number: what a chart takes for "none". */
static double or_nan(double v)
{
	return isfinite(v) ? v : NAN;
}

static const char *period_of(const struct store_spells_import *r, char out[16])
{
	return model_period_label(r->period_start, r->grain, out);
}

struct provs {
	size_t n, cap;
	struct store_spells_provider *v;
};

static int keep_prov(void *arg, const struct store_spells_provider *p)
{
	struct provs *v = arg;

	v->v = xgrow(v->v, v->n, &v->cap, sizeof *v->v);
	v->v[v->n++] = *p;
	return 0;
}

struct series_list {
	size_t n, cap;
	struct store_spells_series *v;
};

static int keep_series(void *arg, const struct store_spells_series *r)
{
	struct series_list *v = arg;

	v->v = xgrow(v->v, v->n, &v->cap, sizeof *v->v);
	v->v[v->n++] = *r;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	int64_t x = ((const struct store_org *)a)->id, y = ((const struct store_org *)b)->id;

	return x < y ? -1 : x > y;
}

int mortality_funnel_class(const struct store_spells_provider *p)
{
	if (p->band > 0)
		return p->ratio > p->upper998 ? STATS_FUNNEL_HIGH_OUTER : STATS_FUNNEL_HIGH_INNER;
	if (p->band < 0)
		return p->ratio < p->lower998 ? STATS_FUNNEL_LOW_OUTER : STATS_FUNNEL_LOW_INNER;
	return STATS_FUNNEL_WITHIN;
}

/*
 * The funnel: the import chosen, the providers A may see in it, each named by its
 * organisation when the code is one (the organisations are read once and searched by id).
 */
int mortality_funnel_build(struct store *s, const struct cu_actor *a, const char *id,
			   struct mortality_funnel *out, struct cu_err *err)
{
	struct provs pv = { 0 };
	struct org_vec orgs = { 0 };
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = mortality_imports_load(s, a, &out->im, err)) || out->im.n == 0 ||
	    (rc = mortality_import_choose(&out->im, id, &out->sel, err)))
		return rc;
	rc = store_spells_provider_list(s, a, out->im.v[out->sel].import_id, keep_prov, &pv, err);
	if (!rc)
		rc = store_org_list(s, a, org_vec_keep, &orgs, err);
	out->prov = pv.v;
	out->n = pv.n;
	out->orgs = orgs.o;
	out->norgs = orgs.n;
	if (rc)
		return rc;
	qsort(out->orgs, out->norgs, sizeof *out->orgs, by_id);
	out->name = xcalloc(out->n + 1, sizeof *out->name);
	out->cls = xcalloc(out->n + 1, sizeof *out->cls);
	for (size_t i = 0; i < out->n; i++) {
		const struct store_spells_provider *p = &out->prov[i];
		struct store_org key = { .id = p->org_id };
		const struct store_org *o =
			p->org_id > 0
				? bsearch(&key, out->orgs, out->norgs, sizeof *out->orgs, by_id)
				: NULL;

		out->name[i] = o ? o->name : p->code;
		out->cls[i] = mortality_funnel_class(p);
		out->bands[p->band + 1]++;
	}
	return 0;
}

void mortality_funnel_free(struct mortality_funnel *f)
{
	free(f->im.v);
	free(f->prov);
	free(f->name);
	free(f->cls);
	free(f->orgs);
	memset(f, 0, sizeof *f);
}

struct find_prov {
	const char *code;
	bool found;
	struct store_spells_provider p;
};

static int match_prov(void *arg, const struct store_spells_provider *p)
{
	struct find_prov *f = arg;

	if (strcmp(p->code, f->code) != 0)
		return 0;
	f->found = true;
	f->p = *p;
	return 1;
}

/*
 * PV's points: the rows of the provider with CODE, exactly as in the file, in every import
 * (PV->im) that A may see them in. Returns 0 or a store error; PV->pt is owned.
 */
static int history_load(struct store *s, const struct cu_actor *a, const char *code,
			struct mortality_provider *pv, struct cu_err *err)
{
	pv->n = 0;
	pv->pt = xcalloc(pv->im.n + 1, sizeof *pv->pt);
	for (size_t i = 0; i < pv->im.n; i++) {
		struct find_prov f = { .code = code };
		int rc = store_spells_provider_list(s, a, pv->im.v[i].import_id, match_prov, &f,
						    err);

		if (rc)
			return rc;
		if (f.found)
			pv->pt[pv->n++] = (struct mortality_point){
				.imp = i, .current = mortality_import_current(&pv->im, i), .p = f.p
			};
	}
	return 0;
}

/*
 * The point shown in detail: that of import ID when the provider is in it, else none (NULL);
 * without ID the provider's latest current point.
 */
static const struct mortality_point *chosen_point(const struct mortality_provider *pv,
						  const char *id)
{
	size_t idx;

	if (id) {
		if (mortality_import_choose(&pv->im, id, &idx, NULL))
			return NULL;
		for (size_t i = 0; i < pv->n; i++)
			if (pv->pt[i].imp == idx)
				return &pv->pt[i];
		return NULL;
	}
	for (size_t i = pv->n; i-- > 0;)
		if (pv->pt[i].current)
			return &pv->pt[i];
	return NULL;
}

/* The provider's name: its organisation's, or the code itself when it is none. */
static void provider_name(struct store *s, const struct cu_actor *a,
			  const struct store_spells_provider *p, char *out, size_t n)
{
	struct store_org o;

	if (p->org_id > 0 && store_org_get(s, a, p->code, &o, NULL) == 0 && o.id == p->org_id)
		snprintf(out, n, "%s", o.name);
	else
		snprintf(out, n, "%s", p->code);
}

/* The imports, the provider's points, the one chosen and its name: what both builders share. */
static int provider_load(struct store *s, const struct cu_actor *a, const char *code,
			 const char *id, struct mortality_provider *out, struct cu_err *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = mortality_imports_load(s, a, &out->im, err)) ||
	    (rc = history_load(s, a, code, out, err)))
		return rc;
	if (!(out->sel = chosen_point(out, id))) /* never imported, not visible, or not in ID */
		return cu_err_set(err, CU_ENOENT, "no mortality results for provider \"%.64s\"",
				  code);
	provider_name(s, a, &out->sel->p, out->name, sizeof out->name);
	return 0;
}

int mortality_provider_build(struct store *s, const struct cu_actor *a, const char *code,
			     const char *id, struct mortality_provider *out, struct cu_err *err)
{
	struct series_list sl = { 0 };
	int rc;

	if ((rc = provider_load(s, a, code, id, out, err)))
		return rc;
	rc = store_spells_provider_series_list(s, a, out->im.v[out->sel->imp].import_id,
					       out->sel->p.provider, keep_series, &sl, err);
	out->group = sl.v;
	out->ngroup = sl.n;
	for (size_t i = 0; i < sl.n; i++)
		out->alarmed += sl.v[i].alarms > 0;
	return rc;
}

double mortality_series_ratio(const struct store_spells_series *r)
{
	return r->expected > 0 ? (double)r->deaths / r->expected : NAN;
}

void mortality_provider_free(struct mortality_provider *pv)
{
	free(pv->im.v);
	free(pv->pt);
	free(pv->group);
	memset(pv, 0, sizeof *pv);
}

struct find_group {
	int g;
	bool found;
	struct store_spells_group out;
};

static int match_group(void *arg, const struct store_spells_group *g)
{
	struct find_group *f = arg;

	if (g->diag_group != f->g)
		return 0;
	f->found = true;
	f->out = *g;
	return 1;
}

struct find_series {
	int g;
	bool found;
	struct store_spells_series out;
};

static int match_series(void *arg, const struct store_spells_series *r)
{
	struct find_series *f = arg;

	if (r->diag_group != f->g)
		return 0;
	f->found = true;
	f->out = *r;
	return 1;
}

/* The group at the provider in each import the provider is in, then its fit in SEL's. */
int mortality_group_build(struct store *s, const struct cu_actor *a, const char *code,
			  const char *g, const char *id, struct mortality_group *out,
			  struct cu_err *err)
{
	struct find_group fg = { 0 };
	long long num;
	size_t any = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (cu_num_int(cu_str_of(g), 1, SPELLS_GROUPS, &num, NULL))
		return cu_err_set(err, CU_ENOENT, "no diagnosis group \"%.16s\"", g);
	out->group = fg.g = (int)num;
	if ((rc = provider_load(s, a, code, id, &out->pv, err)))
		return rc;
	out->found = xcalloc(out->pv.n + 1, sizeof *out->found);
	out->series = xcalloc(out->pv.n + 1, sizeof *out->series);
	for (size_t i = 0; i < out->pv.n; i++) {
		const struct mortality_point *pt = &out->pv.pt[i];
		struct find_series f = { .g = out->group };

		if ((rc = store_spells_provider_series_list(s, a, out->pv.im.v[pt->imp].import_id,
							    pt->p.provider, match_series, &f, err)))
			return rc;
		out->found[i] = f.found;
		out->series[i] = f.out;
		any += f.found;
	}
	if (any == 0) /* the group has no spells at this provider for this actor */
		return cu_err_set(err, CU_ENOENT, "no diagnosis group %d at provider \"%.64s\"",
				  out->group, code);
	rc = store_spells_group_list(s, a, out->pv.im.v[out->pv.sel->imp].import_id, match_group,
				     &fg, err);
	out->has_fit = fg.found;
	out->fit = fg.out;
	return rc;
}

bool mortality_group_period(const struct mortality_group *mg, size_t i)
{
	return mg->found[i] && (mg->pv.pt[i].current || &mg->pv.pt[i] == mg->pv.sel);
}

void mortality_group_free(struct mortality_group *mg)
{
	mortality_provider_free(&mg->pv);
	free(mg->found);
	free(mg->series);
	memset(mg, 0, sizeof *mg);
}

/* ---- text ---- */

static void fmt(char *out, size_t n, double v, int dec)
{
	if (isfinite(v))
		snprintf(out, n, "%.*f", dec, v);
	else
		snprintf(out, n, "-");
}

static void fmt_range(char *out, size_t n, double lo, double hi)
{
	if (isfinite(lo) && isfinite(hi))
		snprintf(out, n, "%.3f to %.3f", lo, hi);
	else
		snprintf(out, n, "-");
}

static void band_tag(struct html *h, int band)
{
	html_elem(h, HTML_STRONG,
		  band > 0   ? "nhsuk-tag nhsuk-tag--red"
		  : band < 0 ? "nhsuk-tag nhsuk-tag--blue"
			     : "nhsuk-tag nhsuk-tag--grey",
		  chart_ratio_band_name(band));
}

static void td_num(struct html *h, double v, int dec)
{
	char a[48];

	fmt(a, sizeof a, v, dec);
	page_cell(h, a);
}

static void td_int(struct html *h, long long v)
{
	char a[32];

	snprintf(a, sizeof a, "%lld", v);
	page_cell(h, a);
}

/* A term and its description in a summary list. */
static void summary_row(struct html *h, const char *term, const char *value)
{
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-summary-list__row", -1);
	html_elem(h, HTML_DT, "nhsuk-summary-list__key", term);
	html_elem(h, HTML_DD, "nhsuk-summary-list__value", value);
	html_close(h);
}

/* "spell 12 of 340" for a CUSUM's first alarm, or "none". */
static void first_alarm_text(const struct store_spells_series *r, char *out, size_t n)
{
	if (r->first_alarm > 0)
		snprintf(out, n, "spell %lld of %lld", (long long)r->first_alarm,
			 (long long)r->spells);
	else
		snprintf(out, n, "none");
}

/* How the limits were made, in one sentence, for import HD. */
static void limits_text(struct html *h, const struct store_spells_import *hd)
{
	if (hd->has_phi && isfinite(hd->phi) && hd->tau2 > 0)
		html_textf(h, "Limits are the stored 95%% and 99.8%% limits around a ratio of 1, "
			      "widened for overdispersion: phi %.3f, tau squared %.4g on the log "
			      "scale, %.0f%% of each tail %s. ",
			   hd->phi, hd->tau2, hd->tail_cut * 100,
			   hd->winsorised ? "winsorised" : "trimmed");
	else if (hd->has_phi && isfinite(hd->phi))
		html_textf(h, "Limits are the stored 95%% and 99.8%% limits around a ratio of 1. "
			      "The providers vary no more than chance allows (phi %.3f, %.0f%% of "
			      "each tail %s), so tau squared is 0 and the limits are not widened. ",
			   hd->phi, hd->tail_cut * 100, hd->winsorised ? "winsorised" : "trimmed");
	else
		html_text(h, "Limits are the stored 95% and 99.8% limits around a ratio of 1; "
			     "overdispersion could not be estimated for this import, so they are "
			     "not widened for it. ");
	html_text(h, "A provider is higher than expected above its 95% upper limit and lower "
		     "than expected below its 95% lower limit.");
}

/* ---- /mortality: the funnel ---- */

/* The limit at expected deaths E for LEVEL around 1 with TAU2, or NaN where there is none. */
static void curve_at(double e, double tau2, double level, double *lo, double *hi)
{
	struct stats_funnel_limits l;

	*lo = *hi = NAN;
	if (e > 0 && stats_funnel_od_limits(STATS_FUNNEL_OD_SHMI, 1, e, tau2, level, &l) ==
			     STATS_OK &&
	    isfinite(l.lower) && isfinite(l.upper) && l.upper <= CURVE_MAX) {
		*lo = l.lower;
		*hi = l.upper;
	}
}

static void funnel_chart(struct page *pg, const struct mortality_funnel *fu, size_t highlight,
			 const char *title)
{
	const struct store_spells_import *hd = &fu->im.v[fu->sel];
	double *x = xcalloc(fu->n + 1, sizeof *x), *y = xcalloc(fu->n + 1, sizeof *y);
	double lx[CURVE_POINTS], l95[CURVE_POINTS], h95[CURVE_POINTS], l998[CURVE_POINTS],
		h998[CURVE_POINTS], maxe = 0, tau2 = hd->has_phi && hd->tau2 > 0 ? hd->tau2 : 0;
	struct chart_funnel f = { 0 };
	struct cu_err err;

	cu_err_clear(&err);
	for (size_t i = 0; i < fu->n; i++) {
		const struct store_spells_provider *p = &fu->prov[i];

		x[i] = isfinite(p->expected) && p->expected >= 0 ? p->expected : NAN;
		y[i] = or_nan(p->ratio);
		if (isfinite(x[i]))
			maxe = fmax(maxe, x[i]);
	}
	/* Closer together where the curves bend, near no deaths expected. */
	for (int k = 0; k < CURVE_POINTS; k++) {
		double t = (double)k / (CURVE_POINTS - 1);

		lx[k] = maxe > 0 ? maxe * 1.05 * t * t : k;
		curve_at(maxe > 0 ? lx[k] : 0, tau2, 0.95, &l95[k], &h95[k]);
		curve_at(maxe > 0 ? lx[k] : 0, tau2, 0.998, &l998[k], &h998[k]);
	}
	f.id = "mortality-funnel";
	f.title = title;
	f.x_title = "Expected deaths";
	f.y_title = "Observed / expected deaths";
	f.unit = NULL;
	f.decimals = 3;
	f.n = fu->n;
	f.labels = fu->name;
	f.x = x;
	f.y = y;
	f.cls = fu->cls;
	f.nlim = CURVE_POINTS;
	f.lim_x = lx;
	f.lo95 = l95;
	f.hi95 = h95;
	f.lo998 = l998;
	f.hi998 = h998;
	f.target = 1;
	f.highlight = highlight;
	html_open(&pg->h, HTML_DIV, HTML_ATTR_CLASS, "app-chart", -1);
	if (chart_funnel(&pg->h, &f, &err))
		html_elem(&pg->h, HTML_P, NULL, "The chart could not be drawn; the table below "
						"has every figure.");
	html_close(&pg->h);
	free(x);
	free(y);
}

/* Links to the other periods' funnels, newest first. */
static void other_periods(struct page *pg, const struct mortality_imports *im, size_t shown)
{
	struct html *h = &pg->h;
	bool any = false;

	for (size_t i = im->n; i-- > 0;) {
		char href[64], per[16];

		if (i == shown || !mortality_import_current(im, i))
			continue;
		if (!any) {
			html_elem(h, HTML_H2, NULL, "Other periods");
			html_open(h, HTML_UL, -1);
			any = true;
		}
		snprintf(href, sizeof href, "/mortality?import=%lld",
			 (long long)im->v[i].import_id);
		html_open(h, HTML_LI, -1);
		html_link(h, href, NULL, NULL, period_of(&im->v[i], per));
		html_close(h);
	}
	if (any)
		html_close(h);
}

void page_mortality(struct page *pg)
{
	struct html *h = &pg->h;
	static const char *const cols[] = { "Provider", "Code", "Observed deaths",
					    "Expected deaths", "Ratio", "95% limits",
					    "99.8% limits", "Band", NULL };
	const char *hl = web_query(pg->req, "highlight");
	struct mortality_funnel fu;
	const struct store_spells_import *hd;
	size_t sel, highlight = CHART_NONE;
	char per[16], title[128];
	struct cu_err err;

	cu_err_clear(&err);
	if (mortality_funnel_build(pg->s, &pg->actor, web_query(pg->req, "import"), &fu, &err)) {
		mortality_funnel_free(&fu);
		page_error(pg, &err);
		return;
	}
	if (fu.im.n == 0) {
		mortality_funnel_free(&fu);
		page_start(pg, "Mortality");
		html_elem(h, HTML_H1, NULL, "Risk-adjusted mortality");
		html_elem(h, HTML_P, NULL, "No hospital spells have been imported yet.");
		page_end(pg);
		return;
	}
	sel = fu.sel;
	hd = &fu.im.v[sel];
	for (size_t i = 0; i < fu.n; i++)
		if (hl && strcmp(hl, fu.prov[i].code) == 0)
			highlight = i;
	period_of(hd, per);
	snprintf(title, sizeof title, "Risk-adjusted mortality, %s", per);
	page_start(pg, title);
	html_elem(h, HTML_H1, NULL, title);
	html_open(h, HTML_P, HTML_ATTR_CLASS, "nhsuk-lede-text", -1);
	html_textf(h, "Deaths in hospital or within 30 days of discharge against the deaths "
		      "expected from each provider's case mix, %s (import %lld). %zu of the %lld "
		      "providers in the import are ones you can see: %zu higher than expected, %zu "
		      "as expected, %zu lower than expected.",
		   per, (long long)hd->import_id, fu.n, (long long)hd->providers, fu.bands[2],
		   fu.bands[1], fu.bands[0]);
	html_close(h);
	html_open(h, HTML_P, -1);
	limits_text(h, hd);
	html_close(h);
	if (sel != fu.im.n - 1 || !mortality_import_current(&fu.im, sel)) {
		html_open(h, HTML_P, -1);
		html_text(h, mortality_import_current(&fu.im, sel)
				     ? "This is not the latest period. "
				     : "This period was imported again later; this is the earlier "
				       "import. ");
		html_link(h, "/mortality", NULL, NULL, "See the latest");
		html_close(h);
	}
	if (fu.n == 0) {
		html_elem(h, HTML_P, NULL, "No provider you can see has results in this import.");
	} else {
		funnel_chart(pg, &fu, highlight, title);
		page_table_start(h, "Every provider you can see: the figures behind the chart", cols);
		for (size_t i = 0; i < fu.n; i++) {
			const struct store_spells_provider *p = &fu.prov[i];
			char a[96];

			html_open(h, HTML_TR, HTML_ATTR_CLASS,
				  i == highlight ? "nhsuk-table__row app-row-highlight"
						 : "nhsuk-table__row",
				  HTML_ATTR_ARIA_CURRENT, i == highlight ? "true" : NULL, -1);
			html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
			if (i == highlight)
				html_open(h, HTML_STRONG, -1);
			html_link(h, "/mortality/", p->code, NULL, fu.name[i]);
			if (i == highlight)
				html_close(h);
			html_close(h);
			page_cell(h, p->code);
			td_int(h, (long long)p->observed);
			td_num(h, p->expected, 2);
			td_num(h, p->ratio, 3);
			fmt_range(a, sizeof a, p->lower95, p->upper95);
			page_cell(h, a);
			fmt_range(a, sizeof a, p->lower998, p->upper998);
			page_cell(h, a);
			html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
			band_tag(h, p->band);
			html_close(h);
			html_close(h);
		}
		html_close(h);
		html_close(h);
	}
	other_periods(pg, &fu.im, sel);
	mortality_funnel_free(&fu);
	page_end(pg);
}

/* ---- /mortality/CODE: one provider ---- */

/* The provider's ratio, period by period: the chart and the table beneath it. */
static void provider_over_time(struct page *pg, const struct mortality_provider *hs,
			       const char *code)
{
	const struct mortality_imports *im = &hs->im;
	struct html *h = &pg->h;
	static const char *const cols[] = { "Period", "Observed deaths", "Expected deaths",
					    "Ratio", "95% limits", "99.8% limits", "Band",
					    "By group", NULL };
	size_t n = 0;
	double *v[7];
	int *band = xcalloc(hs->n + 1, sizeof *band);
	char(*lab)[16] = xcalloc(hs->n + 1, sizeof *lab);
	const char **labels = xcalloc(hs->n + 1, sizeof *labels);
	struct chart_ratio c = { 0 };
	struct cu_err err;

	cu_err_clear(&err);
	for (int k = 0; k < 7; k++)
		v[k] = xcalloc(hs->n + 1, sizeof *v[k]);
	for (size_t i = 0; i < hs->n; i++) {
		const struct mortality_point *pt = &hs->pt[i];

		if (!pt->current)
			continue;
		period_of(&im->v[pt->imp], lab[n]);
		labels[n] = lab[n];
		v[0][n] = or_nan(pt->p.ratio);
		v[1][n] = or_nan(pt->p.lower95);
		v[2][n] = or_nan(pt->p.upper95);
		v[3][n] = or_nan(pt->p.lower998);
		v[4][n] = or_nan(pt->p.upper998);
		v[5][n] = (double)pt->p.observed;
		v[6][n] = or_nan(pt->p.expected);
		band[n] = pt->p.band;
		n++;
	}
	html_elem(h, HTML_H2, NULL, "Ratio over time");
	c.id = "mortality-ratio";
	c.title = "Ratio of observed to expected deaths, period by period";
	c.name = "Ratio of observed to expected deaths";
	c.y_title = "Observed / expected deaths";
	c.decimals = 3; /* as the table */
	c.n = n;
	c.labels = labels;
	c.ratio = v[0];
	c.lo95 = v[1];
	c.hi95 = v[2];
	c.lo998 = v[3];
	c.hi998 = v[4];
	c.observed = v[5];
	c.expected = v[6];
	c.band = band;
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "app-chart", -1);
	if (chart_ratio(h, &c, &err))
		html_elem(h, HTML_P, NULL, "The chart could not be drawn; the table below has "
					   "every figure.");
	html_close(h);
	page_table_start(h, "The figures behind the chart, one row per period", cols);
	for (size_t i = 0, k = 0; i < hs->n; i++) {
		const struct mortality_point *pt = &hs->pt[i];
		char a[96], href[256], part[200];

		if (!pt->current)
			continue;
		html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
		page_cell(h, labels[k++]);
		td_int(h, (long long)pt->p.observed);
		td_num(h, pt->p.expected, 2);
		td_num(h, pt->p.ratio, 3);
		fmt_range(a, sizeof a, pt->p.lower95, pt->p.upper95);
		page_cell(h, a);
		fmt_range(a, sizeof a, pt->p.lower998, pt->p.upper998);
		page_cell(h, a);
		html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
		band_tag(h, pt->p.band);
		html_close(h);
		html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
		page_href(part, sizeof part, "/mortality/", code, NULL);
		snprintf(href, sizeof href, "%s?import=%lld#groups", part,
			 (long long)im->v[pt->imp].import_id);
		html_link(h, href, NULL, NULL, "Diagnosis groups");
		html_close(h);
		html_close(h);
	}
	html_close(h);
	html_close(h);
	for (int k = 0; k < 7; k++)
		free(v[k]);
	free(band);
	free(lab);
	free(labels);
}

void page_mortality_provider(struct page *pg)
{
	struct html *h = &pg->h;
	static const char *const cols[] = { "Diagnosis group", "Spells", "Observed deaths",
					    "Expected deaths", "Ratio", "CUSUM alarms",
					    "First alarm", NULL };
	const char *code = pg->arg[0], *name;
	struct mortality_provider pv;
	const struct mortality_point *pt;
	const struct store_spells_import *hd;
	char title[CU_MAX_NAME + 32], per[16], part[200], href[256];
	struct cu_err err;

	cu_err_clear(&err);
	if (mortality_provider_build(pg->s, &pg->actor, code, web_query(pg->req, "import"), &pv,
				     &err)) {
		mortality_provider_free(&pv);
		page_error(pg, &err); /* not found, denied or not in the import: the same 404 */
		return;
	}
	pt = pv.sel;
	hd = &pv.im.v[pt->imp];
	name = pv.name;
	snprintf(title, sizeof title, "%s: mortality", name);
	page_start(pg, title);
	html_open(h, HTML_P, -1);
	page_href(href, sizeof href, "/mortality?highlight=", code, NULL);
	html_link(h, href, NULL, NULL, "All providers");
	html_close(h);
	html_elem(h, HTML_H1, NULL, name);
	html_open(h, HTML_P, HTML_ATTR_CLASS, "nhsuk-lede-text", -1);
	html_textf(h, "%s. Risk-adjusted mortality: deaths in hospital or within 30 days of "
		      "discharge against the deaths expected from the provider's case mix.",
		   pt->p.code);
	html_close(h);
	provider_over_time(pg, &pv, code);

	html_open(h, HTML_H2, HTML_ATTR_ID, "groups", -1);
	html_textf(h, "By diagnosis group, %s", period_of(hd, per));
	html_close(h);
	html_open(h, HTML_DL, HTML_ATTR_CLASS, "nhsuk-summary-list", -1);
	{
		char a[64], b[64];

		snprintf(a, sizeof a, "%lld", (long long)pt->p.observed);
		summary_row(h, "Observed deaths", a);
		fmt(a, sizeof a, pt->p.expected, 2);
		summary_row(h, "Expected deaths", a);
		fmt(a, sizeof a, pt->p.ratio, 3);
		summary_row(h, "Ratio", a);
		fmt_range(a, sizeof a, pt->p.lower95, pt->p.upper95);
		fmt_range(b, sizeof b, pt->p.lower998, pt->p.upper998);
		{
			char both[160];

			snprintf(both, sizeof both, "95%%: %s; 99.8%%: %s", a, b);
			summary_row(h, "Limits, widened for overdispersion", both);
			fmt_range(a, sizeof a, pt->p.pois_lower95, pt->p.pois_upper95);
			fmt_range(b, sizeof b, pt->p.pois_lower998, pt->p.pois_upper998);
			snprintf(both, sizeof both, "95%%: %s; 99.8%%: %s", a, b);
			summary_row(h, "Exact Poisson limits, not widened", both);
		}
		summary_row(h, "Band", chart_ratio_band_name(pt->p.band));
	}
	html_close(h);
	if (!pt->current)
		html_elem(h, HTML_P, NULL, "This period was imported again later; these are the "
					   "earlier import's figures.");
	html_open(h, HTML_P, -1);
	html_textf(h, "A risk-adjusted CUSUM (odds ratio %.3g, threshold h = %.3g) runs over "
		      "each group's spells in time order; %zu of the %zu groups signalled at "
		      "least once.",
		   hd->odds, hd->h, pv.alarmed, pv.ngroup);
	html_close(h);
	page_table_start(h, "Observed and expected deaths and CUSUM alarms by diagnosis group", cols);
	page_href(part, sizeof part, "/mortality/", code, "/group/");
	for (size_t i = 0; i < pv.ngroup; i++) {
		const struct store_spells_series *r = &pv.group[i];
		char a[64];

		html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
		html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
		snprintf(href, sizeof href, "%s%d?import=%lld", part, r->diag_group,
			 (long long)r->import_id);
		snprintf(a, sizeof a, "Group %d", r->diag_group);
		html_link(h, href, NULL, NULL, a);
		html_close(h);
		td_int(h, (long long)r->spells);
		td_int(h, (long long)r->deaths);
		td_num(h, r->expected, 2);
		td_num(h, mortality_series_ratio(r), 3);
		td_int(h, (long long)r->alarms);
		first_alarm_text(r, a, sizeof a);
		page_cell(h, a);
		html_close(h);
	}
	html_close(h);
	html_close(h);
	mortality_provider_free(&pv);
	page_end(pg);
}

/* ---- /mortality/CODE/group/G: one provider and diagnosis group ---- */

static const char *status_text(const char *status)
{
	if (strcmp(status, "converged") == 0)
		return "Converged";
	if (strcmp(status, "separated") == 0)
		return "Separated: a covariate pattern with no deaths, or only deaths, has a "
		       "fitted risk that runs to 0 or 1; the fitted risks are kept, as R and "
		       "statsmodels keep them";
	if (strcmp(status, "not_converged") == 0)
		return "Not converged within 100 iterations: the last iterate is kept";
	return status;
}

void page_mortality_group(struct page *pg)
{
	struct html *h = &pg->h;
	static const char *const cols[] = { "Period", "Spells", "Observed deaths",
					    "Expected deaths", "Ratio", "CUSUM alarms",
					    "First alarm", "CUSUM at the last spell", NULL };
	const char *code = pg->arg[0], *name;
	struct mortality_group mg;
	const struct mortality_point *pt;
	const struct store_spells_import *hd;
	int g;
	char title[CU_MAX_NAME + 64], per[16], href[256];
	struct cu_err err;
	size_t sel;

	cu_err_clear(&err);
	if (mortality_group_build(pg->s, &pg->actor, code, pg->arg[1],
				  web_query(pg->req, "import"), &mg, &err)) {
		mortality_group_free(&mg);
		page_error(pg, &err); /* no such provider or group for this actor: 404 */
		return;
	}
	pt = mg.pv.sel;
	sel = (size_t)(pt - mg.pv.pt);
	hd = &mg.pv.im.v[pt->imp];
	name = mg.pv.name;
	g = mg.group;
	period_of(hd, per);
	snprintf(title, sizeof title, "%s: diagnosis group %d", name, g);
	page_start(pg, title);
	html_open(h, HTML_P, -1);
	page_href(href, sizeof href, "/mortality/", code, NULL);
	html_link(h, href, NULL, NULL, name);
	html_close(h);
	html_open(h, HTML_H1, -1);
	html_textf(h, "Diagnosis group %d", g);
	html_close(h);
	html_open(h, HTML_P, HTML_ATTR_CLASS, "nhsuk-lede-text", -1);
	html_textf(h, "%s (%s), %s.", name, pt->p.code, per);
	html_close(h);

	html_elem(h, HTML_H2, NULL, "CUSUM");
	if (mg.found[sel]) {
		const struct store_spells_series *r = &mg.series[sel];
		char a[64];

		html_open(h, HTML_DL, HTML_ATTR_CLASS, "nhsuk-summary-list", -1);
		snprintf(a, sizeof a, "%lld", (long long)r->spells);
		summary_row(h, "Spells monitored, in time order", a);
		snprintf(a, sizeof a, "%lld", (long long)r->deaths);
		summary_row(h, "Observed deaths", a);
		fmt(a, sizeof a, r->expected, 2);
		summary_row(h, "Expected deaths", a);
		fmt(a, sizeof a, mortality_series_ratio(r), 3);
		summary_row(h, "Ratio", a);
		snprintf(a, sizeof a, "%lld", (long long)r->alarms);
		summary_row(h, "Alarms", a);
		first_alarm_text(r, a, sizeof a);
		summary_row(h, "First alarm", a);
		fmt(a, sizeof a, r->s_end, 3);
		summary_row(h, "CUSUM at the last spell", a);
		snprintf(a, sizeof a, "h = %.3g, odds ratio %.3g", hd->h, hd->odds);
		summary_row(h, "Threshold and the rise it looks for", a);
		html_close(h);
	} else {
		html_open(h, HTML_P, -1);
		html_textf(h, "No spells of this group at this provider in %s.", per);
		html_close(h);
	}
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-inset-text", -1);
	html_elem(h, HTML_P, NULL,
		  "The CUSUM's path is not drawn. Drawing it spell by spell needs every spell's "
		  "outcome and fitted risk in time order, and custodian keeps no record-level "
		  "spells, by design: it stores the spells and deaths per covariate pattern, which "
		  "lose the order. What the import keeps of the CUSUM is shown here: the spells "
		  "monitored, the alarms and the first of them, and the CUSUM's value at the last "
		  "spell, with the group's observed and expected deaths.");
	html_close(h);

	page_table_start(h, "This group at this provider, period by period", cols);
	for (size_t i = 0; i < mg.pv.n; i++) {
		const struct store_spells_series *r = &mg.series[i];
		char a[64];

		if (!mortality_group_period(&mg, i))
			continue;
		html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", HTML_ATTR_ARIA_CURRENT,
			  i == sel ? "true" : NULL, -1);
		page_cell(h, period_of(&mg.pv.im.v[mg.pv.pt[i].imp], per));
		td_int(h, (long long)r->spells);
		td_int(h, (long long)r->deaths);
		td_num(h, r->expected, 2);
		td_num(h, mortality_series_ratio(r), 3);
		td_int(h, (long long)r->alarms);
		first_alarm_text(r, a, sizeof a);
		page_cell(h, a);
		td_num(h, r->s_end, 3);
		html_close(h);
	}
	html_close(h);
	html_close(h);

	html_open(h, HTML_H2, -1);
	html_textf(h, "The model's fit for this group, %s", period_of(hd, per));
	html_close(h);
	if (mg.has_fit) {
		char a[64];

		html_elem(h, HTML_P, NULL,
			  "Expected deaths come from one logistic regression per diagnosis group, "
			  "fitted on every provider's spells together, with age band, sex, "
			  "admission method, comorbidity band and year as factors.");
		html_open(h, HTML_DL, HTML_ATTR_CLASS, "nhsuk-summary-list", -1);
		snprintf(a, sizeof a, "%lld", (long long)mg.fit.spells);
		summary_row(h, "Spells, all providers", a);
		snprintf(a, sizeof a, "%lld", (long long)mg.fit.deaths);
		summary_row(h, "Deaths, all providers", a);
		snprintf(a, sizeof a, "%d", mg.fit.patterns);
		summary_row(h, "Covariate patterns", a);
		snprintf(a, sizeof a, "%d", mg.fit.parameters);
		summary_row(h, "Parameters", a);
		snprintf(a, sizeof a, "%d", mg.fit.iterations);
		summary_row(h, "Iterations", a);
		summary_row(h, "Status", status_text(mg.fit.status));
		summary_row(h, "Covariates left out (one level in the group, or collinear)",
			    mg.fit.dropped[0] ? mg.fit.dropped : "none");
		html_close(h);
	} else {
		html_elem(h, HTML_P, NULL, "This import holds no fit for this group.");
	}
	mortality_group_free(&mg);
	page_end(pg);
}
