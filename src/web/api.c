/*
 * The JSON API, /api/v1: the same data as the pages, through the same store calls with the
 * same actor, so the same access rules: a resource the store denies is the 404 of a missing
 * one, and a route the role may never open is the router's 403 (app.c). What a page computes
 * the API takes from the same function (analysis.h, mortality.h), so the two always agree.
 * Errors are RFC 9457 problem details. docs/api.md describes every resource. Jansson
 * references: json_pack's "o" steals the reference it is given; every json_t built here is a
 * new reference released by send_json.
 */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "model/period.h"
#include "web/analysis.h"
#include "web/app.h"
#include "web/jsonw.h"
#include "web/mortality.h"

/*
 * Answer STATUS with J (a new reference, taken: it is released here) as TYPE, its reals
 * written as the shortest decimals that read back exactly (jsonw.h). J NULL (Jansson refused
 * a value: text that is not UTF-8, or memory ran out) or a text past the page ceiling
 * (CU_MAX_PAGE_BYTES) is answered with a 500 problem instead, never a cut answer.
 */
static void send_json(struct page *pg, unsigned status, json_t *j, const char *type)
{
	int rc;

	cu_buf_reset(pg->res->body);
	rc = j ? jsonw_write(pg->res->body, j) : CU_EINVAL;
	json_decref(j);
	if (rc == 0) {
		pg->res->status = status;
		pg->res->type = type;
		return;
	}
	fprintf(stderr, "custodian: api: %s\n",
		rc == CU_ELIMIT ? "the answer is larger than one response may be"
				: "the answer could not be made");
	cu_buf_reset(pg->res->body);
	cu_buf_adds(pg->res->body, "{\"type\":\"about:blank\",\"title\":\"Server error\","
				   "\"status\":500,\"detail\":\"The answer could not be made.\"}");
	pg->res->status = 500;
	pg->res->type = "application/problem+json";
}

void api_problem(struct page *pg, unsigned status, const char *title, const char *detail)
{
	send_json(pg, status,
		  json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title", title, "status",
			    (int)status, "detail", detail),
		  "application/problem+json");
}

/* A store error: a missing or denied resource is the same 404; anything else is logged and
 * answered 500. */
static void api_error(struct page *pg, const struct cu_err *err)
{
	char line[1024];

	if (err->code == CU_ENOENT || err->code == CU_EDENIED) {
		api_problem(pg, 404, "Not found", "There is no such resource, or it is not yours to see.");
		return;
	}
	fprintf(stderr, "custodian: %s\n", cu_err_format(err, line, sizeof line));
	api_problem(pg, 500, "Server error", "The answer could not be made.");
}

/*
 * A list being built: ARR (owned) and whether an item was refused. Jansson answers NULL for a
 * value it cannot hold (text that is not UTF-8) and json_array_append_new would drop it
 * silently; a list with a dropped item is never sent (api_list_send answers 500).
 */
struct api_list {
	json_t *arr;
	bool bad;
};

/* Append ITEM (a new reference, stolen; NULL marks the list bad) to L. */
static void api_list_add(struct api_list *l, json_t *item)
{
	if (!item || json_array_append_new(l->arr, item))
		l->bad = true;
}

/* Send {"KEY": [the list]} with 200 and release L. */
static void api_list_send(struct page *pg, struct api_list *l, const char *key)
{
	if (l->bad) {
		json_decref(l->arr);
		send_json(pg, 200, NULL, "application/json");
		return;
	}
	send_json(pg, 200, json_pack("{s:o}", key, l->arr), "application/json");
}

/*
 * Whether a list of L[0 .. N) had an item refused. If one had, every list is released and the
 * answer is the 500 problem (send_json); if not, the caller packs them into its answer.
 */
static bool api_lists_failed(struct page *pg, struct api_list *const *l, size_t n)
{
	bool bad = false;

	for (size_t i = 0; i < n; i++)
		bad |= l[i]->bad;
	if (!bad)
		return false;
	for (size_t i = 0; i < n; i++)
		json_decref(l[i]->arr);
	send_json(pg, 200, NULL, "application/json");
	return true;
}

/* Text, or null when it is empty (a reference that is not there: a parent, an end date). */
static json_t *text_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* A number, or null for NaN and infinities (JSON has neither). */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* {"95": {"lower", "upper"}, "99.8": {...}}: a pair of limits (new reference). */
static json_t *limits_json(double lo95, double hi95, double lo998, double hi998)
{
	return json_pack("{s:{s:o, s:o}, s:{s:o, s:o}}", "95", "lower", num(lo95), "upper",
			 num(hi95), "99.8", "lower", num(lo998), "upper", num(hi998));
}

static int add_provider(void *arg, const struct store_org *o)
{
	if (o->kind == MODEL_ORG_PROVIDER)
		json_array_append_new(arg, json_pack("{s:s, s:s, s:s}", "code", o->code, "name",
						     o->name, "postcode", o->postcode));
	return 0;
}

void api_providers(struct page *pg)
{
	json_t *arr = json_array();
	struct cu_err err;

	cu_err_clear(&err);
	if (store_org_list(pg->s, &pg->actor, add_provider, arr, &err)) {
		json_decref(arr);
		api_error(pg, &err);
		return;
	}
	send_json(pg, 200, json_pack("{s:o}", "providers", arr), "application/json");
}

static const char *variation_name(enum stats_variation v)
{
	static const char *const n[] = { "common_cause", "improvement", "concern", "neither_high",
					 "neither_low" };

	return (unsigned)v < 5 ? n[v] : "common_cause";
}

static const char *assurance_name(enum stats_assurance a)
{
	static const char *const n[] = { "none", "pass", "fail", "hit_and_miss" };

	return (unsigned)a < 4 ? n[a] : "none";
}

void api_provider(struct page *pg)
{
	struct store_org org;
	struct store_indicator *cat = NULL;
	struct series *all = NULL;
	size_t ncat = 0;
	struct cu_err err;
	json_t *inds;

	cu_err_clear(&err);
	if (store_org_get(pg->s, &pg->actor, pg->arg[0], &org, &err) ||
	    catalogue_load(pg->s, &pg->actor, &cat, &ncat, &err) ||
	    series_load_org(pg->s, &pg->actor, org.id, cat, ncat, NULL,
			    all = xcalloc(ncat + 1, sizeof *all), &err)) {
		free(cat);
		free(all);
		api_error(pg, &err);
		return;
	}
	/* The latest period of each indicator with data, by code, as the provider page shows. */
	inds = json_array();
	for (size_t i = 0; i < ncat; i++) {
		const struct store_indicator *ind = &cat[i];
		const struct series *sr = &all[i];
		const struct store_obs *o;

		if (sr->n == 0)
			continue;
		o = &sr->obs[sr->n - 1];
		json_array_append_new(
			inds, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "code", ind->code,
					"title", ind->title, "domain", model_domain_name(ind->domain),
					"period_start", o->period_start, "status",
					model_obs_status_name(o->status), "value",
					num(o->has_value ? o->value : NAN), "variation",
					sr->has_chart ? variation_name(sr->xmr.variation)
						      : "too_few_points",
					"assurance",
					sr->has_chart ? assurance_name(sr->xmr.assurance) : "none"));
	}
	send_json(pg, 200,
		  json_pack("{s:s, s:s, s:s, s:o}", "code", org.code, "name", org.name, "kind",
			    model_org_kind_name(org.kind), "indicators", inds),
		  "application/json");
	for (size_t k = 0; k < ncat; k++)
		series_free(&all[k]);
	free(all);
	free(cat);
}

void api_series(struct page *pg)
{
	struct store_org org;
	struct store_indicator ind;
	struct series sr;
	struct cu_err err;
	json_t *pts;

	cu_err_clear(&err);
	if (store_org_get(pg->s, &pg->actor, pg->arg[0], &org, &err) ||
	    store_indicator_get(pg->s, &pg->actor, cu_str_of(pg->arg[1]), &ind, &err) ||
	    series_load(pg->s, &pg->actor, org.id, &ind, web_query(pg->req, "as_of"),
			series_chart_parse(web_query(pg->req, "chart"), &ind), &sr, &err)) {
		api_error(pg, &err);
		return;
	}
	pts = json_array();
	for (size_t i = 0; i < sr.n; i++) {
		const struct store_obs *o = &sr.obs[i];

		json_array_append_new(
			pts, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:s, s:i, s:s}",
				       "period_start", o->period_start, "period", sr.label[i],
				       "numerator", num(o->has_numerator ? o->numerator : NAN),
				       "denominator", num(o->has_denominator ? o->denominator : NAN),
				       "value", num(sr.value[i]), "mean", num(sr.mean[i]),
				       "lower_limit", num(sr.lcl[i]), "upper_limit", num(sr.ucl[i]),
				       "flags", (int)sr.flags[i], "variation",
				       isfinite(sr.mean[i])
					       ? variation_name(stats_xmr_variation(sr.flags[i],
										    sr.polarity))
					       : "none",
				       "revision", o->revision, "recorded_at", o->recorded_at));
	}
	send_json(pg, 200,
		  json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "organisation", org.code,
			    "indicator", ind.code, "title", ind.title, "polarity",
			    model_polarity_name(ind.polarity), "chart", series_chart_key(sr.chart),
			    "chart_refused", sr.chart_refused, "points", pts),
		  "application/json");
	series_free(&sr);
}

/* ---- needs attention (the home page) ---- */

/*
 * The needs-attention ranking of the home page (ranking_get), with its filters read as
 * page_home reads them: ?domain= names a domain (an unknown one is ignored: all domains) and
 * ?service= a service code (one no indicator has matches nothing). Administrators see no
 * quality data, so their home page is the administration: here, 403.
 */
void api_attention(struct page *pg)
{
	const char *dq = web_query(pg->req, "domain"), *service = web_query(pg->req, "service");
	int domain = dq && *dq ? model_domain_parse(dq) : -1;
	struct api_list l = { .arr = json_array() };
	json_t *svc;
	struct ranking rk;
	struct cu_err err;

	if (pg->actor.role == MODEL_ROLE_ADMIN) {
		json_decref(l.arr);
		api_problem(pg, 403, "Not allowed",
			    "Administrators see no quality data, so no needs-attention ranking.");
		return;
	}
	svc = text_or_null(service);
	if (!svc) {
		json_decref(l.arr);
		api_problem(pg, 400, "Bad filter", "The service filter must be UTF-8 text.");
		return;
	}
	cu_err_clear(&err);
	if (ranking_get(pg->s, &pg->actor, domain, service, &rk, &err)) {
		json_decref(l.arr);
		json_decref(svc);
		api_error(pg, &err);
		return;
	}
	for (size_t i = 0; i < rk.n; i++) {
		const struct ranked *r = &rk.r[i];
		struct api_list reasons = { .arr = json_array() };
		json_t *per = json_object();

		for (size_t k = 0; k < r->nreason; k++) {
			const struct reason *re = &r->reason[k];

			api_list_add(&reasons,
				     json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "indicator",
					       re->indicator, "title", re->title, "domain",
					       model_domain_name(re->domain), "rules", re->rules,
					       "since", re->since, "weight", re->weight));
		}
		for (int d = 0; d < MODEL_DOMAIN__MAX; d++)
			json_object_set_new(per, model_domain_name((enum model_domain)d),
					    json_integer(r->per_domain[d]));
		l.bad |= reasons.bad;
		api_list_add(&l, json_pack("{s:I, s:s, s:s, s:i, s:o, s:o}", "rank",
					   (json_int_t)(i + 1), "code", r->org.code, "name",
					   r->org.name, "score", r->score, "per_domain", per,
					   "reasons", reasons.arr));
	}
	if (l.bad) {
		json_decref(l.arr);
		json_decref(svc);
		send_json(pg, 200, NULL, "application/json");
	} else {
		send_json(pg, 200,
			  json_pack("{s:o, s:o, s:I, s:o}", "domain",
				    domain >= 0
					    ? json_string(model_domain_name((enum model_domain)domain))
					    : json_null(),
				    "service", svc, "providers_considered", (json_int_t)rk.providers,
				    "ranking", l.arr),
			  "application/json");
	}
	ranking_free(&rk);
}

/* ---- one indicator across providers (the funnel page) ---- */

static const char *funnel_state_name(enum funnel_state st)
{
	return st == FUNNEL_DRAWN		? "drawn"
	       : st == FUNNEL_NOT_PROPORTION ? "not_a_proportion"
					     : "no_figures";
}

/* enum stats_funnel_class as a word: below or above the 95% or the 99.8% limit, or within. */
static const char *finding_name(int cls)
{
	static const char *const n[] = { "below_99_8", "below_95", "within", "above_95",
					 "above_99_8" };

	return cls >= -2 && cls <= 2 ? n[cls + 2] : "within";
}

/*
 * The funnel of /indicator/{code} (funnel_build, which page_funnel draws): the period, the
 * pooled target, the overdispersion choice (?od= as the page: auto, none, prop) with phi and
 * tau^2, and each provider's figure, limits and finding.
 */
void api_funnel(struct page *pg)
{
	struct store_indicator ind;
	struct funnel f;
	struct api_list l;
	struct cu_err err;
	char label[16];
	json_t *od;

	cu_err_clear(&err);
	if (store_indicator_get(pg->s, &pg->actor, cu_str_of(pg->arg[0]), &ind, &err) ||
	    funnel_build(pg->s, &pg->actor, &ind, funnel_od_parse(web_query(pg->req, "od")), &f,
			 &err)) {
		api_error(pg, &err);
		return;
	}
	l.arr = json_array();
	l.bad = false;
	for (size_t i = 0; i < f.n; i++) {
		const struct funnel_unit *u = &f.unit[i];

		api_list_add(&l, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:s}", "code", u->code,
					   "name", u->name, "numerator", num(u->obs.numerator),
					   "denominator", num(u->obs.denominator), "value",
					   num(u->value), "limits",
					   limits_json(u->lim[0].lower, u->lim[0].upper,
						       u->lim[1].lower, u->lim[1].upper),
					   "finding", finding_name(u->cls)));
	}
	od = json_pack("{s:s, s:b, s:o, s:o, s:b}", "asked", funnel_od_key(f.asked), "estimated",
		       f.has_od, "phi", f.has_od ? num(f.od.phi) : json_null(), "tau2",
		       f.has_od ? num(f.od.tau2) : json_null(), "adjusted", f.adjusted);
	if (l.bad || !od) {
		json_decref(l.arr);
		json_decref(od);
		send_json(pg, 200, NULL, "application/json");
	} else {
		send_json(pg, 200,
			  json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}",
				    "indicator", ind.code, "title", ind.title, "measure",
				    model_measure_name(ind.measure), "polarity",
				    model_polarity_name(ind.polarity), "funnel",
				    funnel_state_name(f.state), "period_start",
				    text_or_null(f.period), "period",
				    f.period[0] ? json_string(model_period_label(f.period, f.grain,
										 label))
						: json_null(),
				    "target", num(f.target), "overdispersion", od, "providers",
				    l.arr),
			  "application/json");
	}
	funnel_free(&f);
}

/* ---- risk-adjusted mortality (the mortality pages, mortality.h) ---- */

/*
 * HEAD with BODY's members after its own (both new references, taken; either NULL gives
 * NULL): the identifying fields of a row first, then its figures.
 */
static json_t *joined(json_t *head, json_t *body)
{
	if (!head || !body || json_object_update(head, body)) {
		json_decref(head);
		json_decref(body);
		return NULL;
	}
	json_decref(body);
	return head;
}

/* Spells import I of IM: its period, whether it is current and the latest, its totals and
 * how its limits and CUSUM were made. */
static json_t *spells_import_json(const struct mortality_imports *im, size_t i)
{
	const struct store_spells_import *r = &im->v[i];
	bool est = r->has_phi && isfinite(r->phi);
	char label[16];

	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:I, s:I, "
			 "s:{s:b, s:o, s:o, s:b, s:o, s:s}, s:{s:o, s:o}}",
			 "id", (json_int_t)r->import_id, "period_start", r->period_start,
			 "period_end", r->period_end, "period",
			 model_period_label(r->period_start, r->grain, label), "current",
			 mortality_import_current(im, i), "latest", i + 1 == im->n, "spells",
			 (json_int_t)r->spells, "deaths", (json_int_t)r->deaths, "providers",
			 (json_int_t)r->providers, "groups", (json_int_t)r->groups,
			 "overdispersion", "estimated", est, "phi", est ? num(r->phi) : json_null(),
			 "tau2", num(r->tau2), "widened", est && r->tau2 > 0, "tail_cut",
			 num(r->tail_cut), "tails", r->winsorised ? "winsorised" : "trimmed",
			 "cusum", "odds", num(r->odds), "h", num(r->h));
}

/* "lower", "as_expected", "higher": a stored band, as custodian shmi writes it. */
static const char *band_key(int band)
{
	return band > 0 ? "higher" : band < 0 ? "lower" : "as_expected";
}

/* A provider's stored result: deaths, ratio, both pairs of limits, band and chart class. */
static json_t *spells_result_json(const struct store_spells_provider *p)
{
	return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:s, s:s}", "spells",
			 (json_int_t)p->spells, "observed", (json_int_t)p->observed, "expected",
			 num(p->expected), "ratio", num(p->ratio), "limits",
			 limits_json(p->lower95, p->upper95, p->lower998, p->upper998),
			 "poisson_limits",
			 limits_json(p->pois_lower95, p->pois_upper95, p->pois_lower998,
				     p->pois_upper998),
			 "band", band_key(p->band), "finding",
			 finding_name(mortality_funnel_class(p)));
}

/* A CUSUM summary: the group's spells, deaths and ratio at the provider, and its alarms. */
static json_t *spells_series_json(const struct store_spells_series *r)
{
	return json_pack("{s:I, s:I, s:o, s:o, s:I, s:o, s:o}", "spells", (json_int_t)r->spells,
			 "deaths", (json_int_t)r->deaths, "expected", num(r->expected), "ratio",
			 num(mortality_series_ratio(r)), "alarms", (json_int_t)r->alarms,
			 "first_alarm",
			 r->first_alarm > 0 ? json_integer((json_int_t)r->first_alarm)
					    : json_null(),
			 "s_end", num(r->s_end));
}

/* The import of point PT of PV, by id and period: the head of a row period by period. */
static json_t *spells_period_head(const struct mortality_provider *pv,
				  const struct mortality_point *pt)
{
	const struct store_spells_import *r = &pv->im.v[pt->imp];
	char label[16];

	return json_pack("{s:I, s:s, s:s}", "import", (json_int_t)r->import_id, "period_start",
			 r->period_start, "period",
			 model_period_label(r->period_start, r->grain, label));
}

/*
 * /mortality's data: the import asked for (?import=ID, else the latest), every provider the
 * user may see in it with its stored result, the providers by band, and every spells import.
 * Nothing imported yet: "import" is null and the lists are empty.
 */
void api_mortality(struct page *pg)
{
	struct api_list l = { 0 }, im = { 0 };
	struct mortality_funnel fu;
	struct cu_err err;

	cu_err_clear(&err);
	if (mortality_funnel_build(pg->s, &pg->actor, web_query(pg->req, "import"), &fu, &err)) {
		mortality_funnel_free(&fu);
		api_error(pg, &err);
		return;
	}
	l.arr = json_array();
	im.arr = json_array();
	for (size_t i = 0; i < fu.n; i++)
		api_list_add(&l, joined(json_pack("{s:s, s:s}", "code", fu.prov[i].code, "name",
						  fu.name[i]),
					spells_result_json(&fu.prov[i])));
	for (size_t i = 0; i < fu.im.n; i++)
		api_list_add(&im, spells_import_json(&fu.im, i));
	if (!api_lists_failed(pg, (struct api_list *[]){ &l, &im }, 2))
		send_json(pg, 200,
			  json_pack("{s:o, s:{s:I, s:I, s:I}, s:o, s:o}", "import",
				    fu.im.n ? spells_import_json(&fu.im, fu.sel) : json_null(),
				    "bands", "higher", (json_int_t)fu.bands[2], "as_expected",
				    (json_int_t)fu.bands[1], "lower", (json_int_t)fu.bands[0],
				    "providers", l.arr, "imports", im.arr),
			  "application/json");
	mortality_funnel_free(&fu);
}

/*
 * /mortality/{code}'s data: the provider's result period by period (each period's latest
 * import), then the import asked for (?import=ID, else the latest) with its result there and
 * its diagnosis groups' CUSUM summaries. A provider the user may not see is the 404 of one
 * never imported.
 */
void api_mortality_provider(struct page *pg)
{
	struct api_list per = { 0 }, grp = { 0 };
	struct mortality_provider pv;
	struct cu_err err;

	cu_err_clear(&err);
	if (mortality_provider_build(pg->s, &pg->actor, pg->arg[0], web_query(pg->req, "import"),
				     &pv, &err)) {
		mortality_provider_free(&pv);
		api_error(pg, &err);
		return;
	}
	per.arr = json_array();
	grp.arr = json_array();
	for (size_t i = 0; i < pv.n; i++)
		if (pv.pt[i].current)
			api_list_add(&per, joined(spells_period_head(&pv, &pv.pt[i]),
						  spells_result_json(&pv.pt[i].p)));
	for (size_t i = 0; i < pv.ngroup; i++)
		api_list_add(&grp, joined(json_pack("{s:i}", "group", pv.group[i].diag_group),
					  spells_series_json(&pv.group[i])));
	if (!api_lists_failed(pg, (struct api_list *[]){ &per, &grp }, 2))
		send_json(pg, 200,
			  json_pack("{s:s, s:s, s:o, s:o, s:o, s:I, s:o}", "code", pv.sel->p.code,
				    "name", pv.name, "periods", per.arr, "import",
				    spells_import_json(&pv.im, pv.sel->imp), "result",
				    spells_result_json(&pv.sel->p), "groups_alarmed",
				    (json_int_t)pv.alarmed, "groups", grp.arr),
			  "application/json");
	mortality_provider_free(&pv);
}

/* The covariates a fit left out, as stored (space-separated), as a list. */
static json_t *dropped_json(const char *s)
{
	json_t *arr = json_array();

	while (arr && *s) {
		const char *e = strchr(s, ' ');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n && json_array_append_new(arr, json_stringn(s, n))) {
			json_decref(arr);
			return NULL;
		}
		s += n + (e != NULL);
	}
	return arr;
}

/* A diagnosis group's fit report, as stored. */
static json_t *fit_json(const struct store_spells_group *f)
{
	return json_pack("{s:I, s:I, s:i, s:i, s:i, s:s, s:o}", "spells", (json_int_t)f->spells,
			 "deaths", (json_int_t)f->deaths, "patterns", f->patterns, "parameters",
			 f->parameters, "iterations", f->iterations, "status", f->status,
			 "dropped", dropped_json(f->dropped));
}

/*
 * /mortality/{code}/group/{g}'s data: the group at the provider in the import asked for (its
 * CUSUM summary, null when it had no spells there), the same period by period, and the
 * group's fit in that import (null when the import holds none).
 */
void api_mortality_group(struct page *pg)
{
	struct api_list per = { 0 };
	struct mortality_group mg;
	const struct mortality_point *sel;
	size_t k;
	struct cu_err err;

	cu_err_clear(&err);
	if (mortality_group_build(pg->s, &pg->actor, pg->arg[0], pg->arg[1],
				  web_query(pg->req, "import"), &mg, &err)) {
		mortality_group_free(&mg);
		api_error(pg, &err);
		return;
	}
	per.arr = json_array();
	sel = mg.pv.sel;
	k = (size_t)(sel - mg.pv.pt);
	for (size_t i = 0; i < mg.pv.n; i++)
		if (mortality_group_period(&mg, i))
			api_list_add(&per, joined(joined(spells_period_head(&mg.pv, &mg.pv.pt[i]),
							 json_pack("{s:b}", "selected", i == k)),
						  spells_series_json(&mg.series[i])));
	if (!api_lists_failed(pg, (struct api_list *[]){ &per }, 1))
		send_json(pg, 200,
			  json_pack("{s:s, s:s, s:i, s:o, s:o, s:o, s:o}", "code", sel->p.code,
				    "name", mg.pv.name, "group", mg.group, "import",
				    spells_import_json(&mg.pv.im, sel->imp), "cusum",
				    mg.found[k] ? spells_series_json(&mg.series[k]) : json_null(),
				    "periods", per.arr, "fit",
				    mg.has_fit ? fit_json(&mg.fit) : json_null()),
			  "application/json");
	mortality_group_free(&mg);
}

/* ---- imports ---- */

static int add_import(void *arg, const struct store_import *r)
{
	api_list_add(arg, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "id",
				    (json_int_t)r->id, "file_name", r->file_name, "sha256",
				    r->sha256, "profile", r->profile, "actor", r->actor,
				    "started_at", r->started_at, "finished_at", r->finished_at,
				    "rows_read", (json_int_t)r->rows_read, "rows_accepted",
				    (json_int_t)r->rows_accepted, "observations",
				    (json_int_t)r->observations));
	return 0;
}

/* The import history of /imports: every import the store lets the actor see, newest first. */
void api_imports(struct page *pg)
{
	struct api_list l = { .arr = json_array() };
	struct cu_err err;

	cu_err_clear(&err);
	if (store_import_list(pg->s, &pg->actor, 0, add_import, &l, &err)) {
		json_decref(l.arr);
		api_error(pg, &err);
		return;
	}
	api_list_send(pg, &l, "imports");
}

/* ---- administration ---- */

static int add_user(void *arg, const struct store_user *u)
{
	api_list_add(arg, json_pack("{s:s, s:s, s:s, s:o, s:b, s:s}", "username", u->username,
				    "display_name", u->display_name, "role",
				    model_role_name(u->role), "organisation",
				    text_or_null(u->org_code), "disabled", u->disabled,
				    "created_at", u->created_at));
	return 0;
}

/* Everyone who can sign in (/admin/users), by user name; the store gives no password hash. */
void api_admin_users(struct page *pg)
{
	struct api_list l = { .arr = json_array() };
	struct cu_err err;

	cu_err_clear(&err);
	if (store_user_list(pg->s, &pg->actor, add_user, &l, &err)) {
		json_decref(l.arr);
		api_error(pg, &err);
		return;
	}
	api_list_send(pg, &l, "users");
}

static int add_org(void *arg, const struct store_org *o)
{
	api_list_add(arg, json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o}", "code",
				    o->code, "name", o->name, "kind",
				    model_org_kind_name(o->kind), "parent",
				    text_or_null(o->parent), "postcode", o->postcode, "latitude",
				    o->has_location ? num(o->latitude) : json_null(), "longitude",
				    o->has_location ? num(o->longitude) : json_null(),
				    "valid_from", text_or_null(o->valid_from), "valid_to",
				    text_or_null(o->valid_to)));
	return 0;
}

/* Every organisation (/admin/organisations), by name. */
void api_admin_orgs(struct page *pg)
{
	struct api_list l = { .arr = json_array() };
	struct cu_err err;

	cu_err_clear(&err);
	if (store_org_list(pg->s, &pg->actor, add_org, &l, &err)) {
		json_decref(l.arr);
		api_error(pg, &err);
		return;
	}
	api_list_send(pg, &l, "organisations");
}

static int add_relation(void *arg, const struct store_relation *r)
{
	api_list_add(arg, json_pack("{s:{s:s, s:s}, s:{s:s, s:s}, s:b, s:s}", "commissioner",
				    "code", r->from_code, "name", r->from_name, "provider", "code",
				    r->to_code, "name", r->to_name, "coordinating", r->coordinating,
				    "started_at", r->started_at));
	return 0;
}

/* The open commissioning relationships (/admin/relationships), by commissioner name, then
 * provider name. */
void api_admin_relationships(struct page *pg)
{
	struct api_list l = { .arr = json_array() };
	struct cu_err err;

	cu_err_clear(&err);
	if (store_commissioning_list(pg->s, &pg->actor, add_relation, &l, &err)) {
		json_decref(l.arr);
		api_error(pg, &err);
		return;
	}
	api_list_send(pg, &l, "relationships");
}

/* The indicator catalogue (/admin/catalogue), by service name, then code. */
void api_catalogue(struct page *pg)
{
	struct api_list l = { .arr = json_array() };
	struct store_indicator *cat = NULL;
	size_t n = 0;
	struct cu_err err;

	cu_err_clear(&err);
	if (catalogue_load(pg->s, &pg->actor, &cat, &n, &err)) {
		json_decref(l.arr);
		api_error(pg, &err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct store_indicator *ind = &cat[i];

		api_list_add(&l, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, "
					   "s:s}",
					   "code", ind->code, "title", ind->title, "service",
					   ind->service, "domain", model_domain_name(ind->domain),
					   "measure", model_measure_name(ind->measure), "unit",
					   ind->unit, "polarity", model_polarity_name(ind->polarity),
					   "multiplier", num(ind->multiplier), "target",
					   num(ind->has_target ? ind->target : NAN), "definition",
					   ind->definition, "source", ind->source));
	}
	free(cat);
	api_list_send(pg, &l, "indicators");
}
