/*
 * The JSON API, /api/v1: the same data as the pages, through the same store calls with the
 * same actor, so the same access rules. Errors are RFC 9457 problem details. docs/api.md
 * describes every resource.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "model/period.h"
#include "web/analysis.h"
#include "web/app.h"

static void send_json(struct page *pg, unsigned status, json_t *j, const char *type)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);

	cu_buf_reset(pg->res->body);
	if (text)
		cu_buf_adds(pg->res->body, text);
	free(text);
	json_decref(j);
	pg->res->status = status;
	pg->res->type = type;
}

void api_problem(struct page *pg, unsigned status, const char *title, const char *detail)
{
	send_json(pg, status,
		  json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title", title, "status",
			    (int)status, "detail", detail),
		  "application/problem+json");
}

static void api_error(struct page *pg, const struct cu_err *err)
{
	if (err->code == CU_ENOENT || err->code == CU_EDENIED)
		api_problem(pg, 404, "Not found", "There is no such resource, or it is not yours to see.");
	else
		api_problem(pg, 500, "Server error", "The answer could not be made.");
}

/* A number, or null for NaN and infinities (JSON has neither). */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
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
