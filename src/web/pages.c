/*
 * The quality pages: needs attention (home), providers, one provider by domain, one
 * indicator's SPC chart with its data table and downloads, and one indicator across providers
 * as a funnel plot. Every read goes through the store with the signed-in actor.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "ingest/table.h"
#include "model/period.h"
#include "stats/ci.h"
#include "stats/funnel.h"
#include "stats/stats.h"
#include "web/analysis.h"
#include "web/cache.h"
#include "web/app.h"
#include "web/chart.h"
#include "web/weblib.h"


/* How an indicator's values are shown: proportions as percentages, the rest in their unit. */
static double shown_scale(const struct store_indicator *ind)
{
	return ind->measure == MODEL_MEASURE_PROPORTION ? 100 : 1;
}

static const char *shown_unit(const struct store_indicator *ind)
{
	return ind->measure == MODEL_MEASURE_PROPORTION ? "%" : ind->unit;
}

static int shown_decimals(const struct store_indicator *ind)
{
	return ind->measure == MODEL_MEASURE_COUNT ? 0 : ind->measure == MODEL_MEASURE_RATIO ? 3 : 1;
}

static void fmt_value(const struct store_indicator *ind, double v, char *out, size_t n)
{
	const char *unit = shown_unit(ind);

	if (!isfinite(v)) {
		snprintf(out, n, "not available");
		return;
	}
	snprintf(out, n, "%.*f%s%s", shown_decimals(ind), v * shown_scale(ind),
		 unit[0] && strcmp(unit, "%") != 0 ? " " : "", unit);
}


/* ---- home: needs attention ---- */

static void landing(struct page *pg)
{
	struct html *h = &pg->h;

	page_start(pg, "Commissioning for quality");
	html_elem(h, HTML_H1, NULL, "custodian");
	html_elem(h, HTML_P, "nhsuk-lede-text",
		  "custodian helps the people who buy health services know whether the care they "
		  "pay for is safe, effective and a good experience, and act when it is not.");
	html_open(h, HTML_P, -1);
	html_link(h, "/sign-in", NULL, "nhsuk-button", "Sign in");
	html_close(h);
	page_end(pg);
}

static void admin_home(struct page *pg)
{
	struct html *h = &pg->h;

	page_start(pg, "Administration");
	html_elem(h, HTML_H1, NULL, "Administration");
	html_elem(h, HTML_P, NULL, "Administrators manage users, organisations, commissioning "
				   "relationships and the indicator catalogue. Quality data is "
				   "seen by commissioners, providers, regulators and oversight "
				   "bodies.");
	html_open(h, HTML_UL, -1);
	html_open(h, HTML_LI, -1);
	html_link(h, "/admin/users", NULL, NULL, "Users");
	html_close(h);
	html_open(h, HTML_LI, -1);
	html_link(h, "/admin/organisations", NULL, NULL, "Organisations");
	html_close(h);
	html_open(h, HTML_LI, -1);
	html_link(h, "/admin/relationships", NULL, NULL, "Commissioning relationships");
	html_close(h);
	html_open(h, HTML_LI, -1);
	html_link(h, "/admin/catalogue", NULL, NULL, "Indicator catalogue");
	html_close(h);
	html_close(h);
	page_end(pg);
}

/* The domain and service filter of the home page, as a GET form. */
static void attention_filter(struct page *pg, int domain, const char *service)
{
	struct html *h = &pg->h;
	struct store_indicator *cat = NULL;
	size_t ncat = 0;
	struct cu_err err;

	cu_err_clear(&err);
	html_open(h, HTML_FORM, HTML_ATTR_METHOD, "get", HTML_ATTR_ACTION, "/", HTML_ATTR_CLASS,
		  "app-filter", -1);
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-form-group app-filter__group", -1);
	html_open(h, HTML_LABEL, HTML_ATTR_CLASS, "nhsuk-label", HTML_ATTR_FOR, "domain", -1);
	html_text(h, "Domain");
	html_close(h);
	html_open(h, HTML_SELECT, HTML_ATTR_CLASS, "nhsuk-select", HTML_ATTR_ID, "domain",
		  HTML_ATTR_NAME, "domain", -1);
	html_open(h, HTML_OPTION, HTML_ATTR_VALUE, "", -1);
	html_text(h, "All domains");
	html_close(h);
	for (int d = 0; d < MODEL_DOMAIN__MAX; d++) {
		html_open(h, HTML_OPTION, HTML_ATTR_VALUE, model_domain_name((enum model_domain)d),
			  HTML_ATTR_SELECTED, d == domain ? "selected" : NULL, -1);
		html_text(h, model_domain_title((enum model_domain)d));
		html_close(h);
	}
	html_close(h);
	html_close(h);
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-form-group app-filter__group", -1);
	html_open(h, HTML_LABEL, HTML_ATTR_CLASS, "nhsuk-label", HTML_ATTR_FOR, "service", -1);
	html_text(h, "Service");
	html_close(h);
	html_open(h, HTML_SELECT, HTML_ATTR_CLASS, "nhsuk-select", HTML_ATTR_ID, "service",
		  HTML_ATTR_NAME, "service", -1);
	html_open(h, HTML_OPTION, HTML_ATTR_VALUE, "", -1);
	html_text(h, "All services");
	html_close(h);
	if (catalogue_load(pg->s, &pg->actor, &cat, &ncat, &err) == 0) {
		for (size_t i = 0; i < ncat; i++) {
			bool seen = false;

			for (size_t j = 0; j < i && !seen; j++)
				seen = strcmp(cat[j].service, cat[i].service) == 0;
			if (seen)
				continue;
			html_open(h, HTML_OPTION, HTML_ATTR_VALUE, cat[i].service, HTML_ATTR_SELECTED,
				  service && strcmp(service, cat[i].service) == 0 ? "selected" : NULL,
				  -1);
			html_text(h, cat[i].service);
			html_close(h);
		}
	}
	free(cat);
	html_close(h);
	html_close(h);
	html_open(h, HTML_BUTTON, HTML_ATTR_CLASS, "nhsuk-button nhsuk-button--secondary",
		  HTML_ATTR_TYPE, "submit", -1);
	html_text(h, "Filter");
	html_close(h);
	html_close(h);
}

void page_home(struct page *pg)
{
	struct html *h = &pg->h;
	const char *dq = web_query(pg->req, "domain"), *service = web_query(pg->req, "service");
	int domain = dq && *dq ? model_domain_parse(dq) : -1;
	static const char *const cols[] = { "Rank", "Provider", "Why", "Safety", "Effectiveness",
					    "Experience", NULL };
	struct ranking rk;
	struct cu_err err;

	if (!pg->ss) {
		landing(pg);
		return;
	}
	if (pg->actor.role == MODEL_ROLE_ADMIN) {
		admin_home(pg);
		return;
	}
	cu_err_clear(&err);
	if (ranking_get(pg->s, &pg->actor, domain, service, &rk, &err)) {
		page_error(pg, &err);
		return;
	}
	page_start(pg, "Needs attention");
	html_elem(h, HTML_H1, NULL, "Needs attention");
	html_open(h, HTML_P, HTML_ATTR_CLASS, "nhsuk-lede-text", -1);
	if (rk.providers == 1)
		html_textf(h, "The one provider you can see %s a special-cause concern or a funnel "
			      "outlier in its latest figures.", rk.n ? "shows" : "does not show");
	else
		html_textf(h, "%zu of the %zu providers you can see %s a special-cause concern or a "
			      "funnel outlier in their latest figures.", rk.n, rk.providers,
			   rk.n == 1 ? "shows" : "show");
	html_close(h);
	attention_filter(pg, domain, service);
	if (rk.n == 0) {
		html_elem(h, HTML_P, NULL, "Nothing needs attention in the figures you can see.");
	} else {
		page_table_start(h, "Providers ranked by the weight of their findings (a concern beyond "
			      "the limits or a 99.8% outlier counts 2, others 1)", cols);
		for (size_t i = 0; i < rk.n; i++) {
			const struct ranked *r = &rk.r[i];
			char num[24], href[256];

			html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
			snprintf(num, sizeof num, "%zu", i + 1);
			page_cell(h, num);
			html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
			html_link(h, "/org/", r->org.code, NULL, r->org.name);
			html_close(h);
			html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
			html_open(h, HTML_UL, HTML_ATTR_CLASS, "app-reasons", -1);
			for (size_t k = 0; k < r->nreason; k++) {
				const struct reason *re = &r->reason[k];

				html_open(h, HTML_LI, -1);
				page_href(href, sizeof href, "/org/", r->org.code, "/indicator/");
				{
					char full[512];

					snprintf(full, sizeof full, "%s", href);
					page_href(href, sizeof href, full, re->indicator, NULL);
				}
				html_link(h, href, NULL, NULL, re->title);
				html_textf(h, ": %s, since %s (%s)", re->rules, re->since,
					   model_domain_title(re->domain));
				html_close(h);
			}
			html_close(h);
			html_close(h);
			for (int d = 0; d < MODEL_DOMAIN__MAX; d++) {
				snprintf(num, sizeof num, "%d", r->per_domain[d]);
				page_cell(h, num);
			}
			html_close(h);
		}
		html_close(h);
		html_close(h);
	}
	ranking_free(&rk);
	page_end(pg);
}

/* ---- providers ---- */

static void provider_cells(struct html *h, const void *row, void *arg)
{
	const struct store_org *o = row;

	(void)arg;
	html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
	html_link(h, "/org/", o->code, NULL, o->code);
	html_close(h);
	page_cell(h, o->name);
	page_cell(h, o->postcode);
}

static const struct page_col provider_cols[] = {
	{ "Code", "code", PAGE_SORT_TEXT, offsetof(struct store_org, code), NULL, false },
	{ "Name", "name", PAGE_SORT_TEXT, offsetof(struct store_org, name), NULL, false },
	{ "Postcode", "postcode", PAGE_SORT_TEXT, offsetof(struct store_org, postcode), NULL,
	  false },
};

void page_providers(struct page *pg)
{
	struct html *h = &pg->h;
	struct org_vec v = { 0 };
	struct cu_err err;

	cu_err_clear(&err);
	if (store_org_list(pg->s, &pg->actor, org_vec_keep_providers, &v, &err)) {
		free(v.o);
		page_error(pg, &err);
		return;
	}
	page_start(pg, "Providers");
	html_elem(h, HTML_H1, NULL, "Providers");
	page_list(pg, &(struct page_list){ .path = "/providers",
					   .caption = "Providers you can see",
					   .noun = "providers",
					   .empty = "There are no providers you can see.",
					   .cols = provider_cols,
					   .ncols = sizeof provider_cols / sizeof *provider_cols,
					   .def = 1,
					   .rows = v.o,
					   .n = v.n,
					   .size = sizeof *v.o,
					   .cells = provider_cells });
	free(v.o);
	page_end(pg);
}

/* ---- one provider ---- */

/* The latest value's 95% interval as text ("" when there is none to give). */
static void interval_text(const struct store_indicator *ind, const struct store_obs *o, char *out,
			  size_t n)
{
	struct stats_interval iv;
	int ok = -1;

	out[0] = '\0';
	if (o->status != MODEL_OBS_OK || !o->has_numerator || !o->has_denominator)
		return;
	if (ind->measure == MODEL_MEASURE_PROPORTION && o->denominator > 0)
		ok = stats_ci_wilson(o->numerator, o->denominator, 0.95, &iv);
	else if (ind->measure == MODEL_MEASURE_RATE && o->denominator > 0)
		ok = stats_ci_rate(o->numerator, o->denominator, ind->multiplier, 0.95, &iv, NULL);
	if (ok == STATS_OK) {
		char lo[48], hi[48];

		fmt_value(ind, iv.lower, lo, sizeof lo);
		fmt_value(ind, iv.upper, hi, sizeof hi);
		snprintf(out, n, "%s to %s", lo, hi);
	}
}

/*
 * The provider page's content for ORG, below the page's header: the same for everyone who may
 * see the provider, so page_provider keeps it between requests. Returns a CU_ status for an
 * error before anything was written.
 */
static int provider_content(struct page *pg, const struct store_org *o, struct cu_err *err)
{
	struct html *h = &pg->h;
	static const char *const cols[] = { "Indicator", "Latest", "95% interval", "Variation",
					    "Assurance", "Trend", "Change", NULL };
	struct store_indicator *cat = NULL;
	struct series *all = NULL;
	size_t ncat = 0, with_data = 0;
	int rc;

	if ((rc = catalogue_load(pg->s, &pg->actor, &cat, &ncat, err)) ||
	    (rc = series_load_org(pg->s, &pg->actor, o->id, cat, ncat, NULL,
				  all = xcalloc(ncat + 1, sizeof *all), err))) {
		free(cat);
		free(all);
		return rc;
	}
	for (size_t k = 0; k < ncat; k++)
		with_data += all[k].n > 0;
	html_elem(h, HTML_H1, NULL, o->name);
	html_open(h, HTML_P, HTML_ATTR_CLASS, "nhsuk-lede-text", -1);
	html_textf(h, "%s, %s%s%s", o->code, model_org_kind_name(o->kind),
		   o->postcode[0] ? ", " : "", o->postcode);
	html_close(h);
	/* An organisation first met in a return that gives codes only is named by its code. */
	if (strcmp(o->name, o->code) == 0)
		html_elem(h, HTML_P, NULL,
			  "No name is known for this organisation: the data it came from gives its "
			  "code only. Importing a list of organisations that names it (with the "
			  "locations profile, or a profile written for that list) shows its name "
			  "here.");
	if (with_data == 0)
		html_elem(h, HTML_P, NULL,
			  "No quality figures have been received for this organisation.");
	for (int d = 0; d < MODEL_DOMAIN__MAX; d++) {
		int shown = 0;

		for (size_t i = 0; i < ncat; i++) {
			const struct store_indicator *ind = &cat[i];
			const struct series *srp = &all[i];
			char v[64], iv[112], href[512], part[256], chg[96];
			size_t last, prev;

			if (srp->n == 0 || (int)ind->domain != d)
				continue;
			if (!shown++) {
				html_elem(h, HTML_H2, NULL, model_domain_title((enum model_domain)d));
				page_table_start(h, "Latest figure of each indicator, with its Making Data "
					      "Count verdicts", cols);
			}
			last = srp->n;
			while (last > 0 && !isfinite(srp->value[last - 1]))
				last--;
			prev = last > 0 ? last - 1 : 0;
			while (prev > 0 && !isfinite(srp->value[prev - 1]))
				prev--;
			fmt_value(ind, last ? srp->value[last - 1] : NAN, v, sizeof v);
			interval_text(ind, &srp->obs[srp->n - 1], iv, sizeof iv);
			html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
			html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
			page_href(part, sizeof part, "/org/", o->code, "/indicator/");
			page_href(href, sizeof href, part, ind->code, NULL);
			html_link(h, href, NULL, NULL, ind->title);
			html_close(h);
			html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell app-value", -1);
			html_text(h, v);
			html_open(h, HTML_SPAN, HTML_ATTR_CLASS, "nhsuk-body-s app-period", -1);
			html_textf(h, " %s", last ? srp->label[last - 1] : "");
			html_close(h);
			html_close(h);
			page_cell(h, iv[0] ? iv : "-");
			html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
			if (srp->has_chart)
				chart_icon_variation(h, srp->xmr.variation, srp->polarity, err);
			else
				html_text(h, "too few points");
			html_close(h);
			html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
			if (srp->has_chart)
				chart_icon_assurance(h, srp->xmr.assurance, err);
			html_close(h);
			html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
			{
				double *sv = xmalloc((srp->n + 1) * sizeof *sv);

				for (size_t k = 0; k < srp->n; k++)
					sv[k] = srp->value[k] * shown_scale(ind);
				chart_sparkline(h, ind->title, sv, srp->n, shown_unit(ind),
						shown_decimals(ind), err);
				free(sv);
			}
			html_close(h);
			if (last >= 2 && prev > 0) {
				double dlt = (srp->value[last - 1] - srp->value[prev - 1]) * shown_scale(ind);

				snprintf(chg, sizeof chg, "%s %.*f%s since %s",
					 dlt > 0 ? "up" : dlt < 0 ? "down" : "no change,",
					 shown_decimals(ind), fabs(dlt),
					 ind->measure == MODEL_MEASURE_PROPORTION ? " points" : "",
					 srp->label[prev - 1]);
			} else {
				snprintf(chg, sizeof chg, "-");
			}
			page_cell(h, chg);
			html_close(h);
		}
		if (shown) {
			html_close(h);
			html_close(h);
		}
	}
	for (size_t k = 0; k < ncat; k++)
		series_free(&all[k]);
	free(all);
	free(cat);
	return 0;
}

void page_provider(struct page *pg)
{
	struct store_org org;
	struct cu_err err;
	char title[CU_MAX_NAME + CU_MAX_CODE + 8], key[WEB_CACHE_KEY];
	int64_t version;
	size_t mark;

	cu_err_clear(&err);
	if (store_org_get(pg->s, &pg->actor, pg->arg[0], &org, &err) ||
	    store_data_version(pg->s, &version, &err)) {
		page_error(pg, &err);
		return;
	}
	snprintf(title, sizeof title, "%s (%s)", org.name, org.code);
	snprintf(key, sizeof key, "provider %s", org.code);
	page_start(pg, title);
	mark = pg->h.b->n;
	if (web_cache_get(key, version, pg->h.b) == 0) {
		if (provider_content(pg, &org, &err)) {
			page_error(pg, &err);
			return;
		}
		if (!pg->h.b->failed)
			web_cache_put(key, version, pg->h.b->p + mark, pg->h.b->n - mark);
	}
	page_end(pg);
}

/* ---- one indicator for one provider ---- */

static const char *variation_word(enum stats_variation v)
{
	switch (v) {
	case STATS_VAR_IMPROVEMENT: return "special cause improvement";
	case STATS_VAR_CONCERN: return "special cause concern";
	case STATS_VAR_NEITHER_HIGH: return "special cause, high";
	case STATS_VAR_NEITHER_LOW: return "special cause, low";
	default: return "common cause";
	}
}

/* The series as CSV: period, numerator, denominator, value, mean, limits, rules. */
static void series_csv(struct page *pg, const struct store_org *org,
		       const struct store_indicator *ind, const struct series *sr)
{
	struct csv_line l = { 0 };
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	csv_line_raw(&l, "organisation,indicator,period_start,period,numerator,denominator,value,"
			 "mean,lower_limit,upper_limit,variation,rules,revision,recorded_at");
	csv_line_end(&l, f);
	for (size_t i = 0; i < sr->n; i++) {
		const struct store_obs *o = &sr->obs[i];
		char rules[96];

		rule_words(sr->flags[i], rules, sizeof rules);
		csv_line_text(&l, org->code);
		csv_line_text(&l, ind->code);
		csv_line_text(&l, o->period_start);
		csv_line_text(&l, sr->label[i]);
		csv_line_num(&l, o->has_numerator ? o->numerator : NAN);
		csv_line_num(&l, o->has_denominator ? o->denominator : NAN);
		csv_line_num(&l, sr->value[i]);
		csv_line_num(&l, sr->mean[i]);
		csv_line_num(&l, sr->lcl[i]);
		csv_line_num(&l, sr->ucl[i]);
		csv_line_text(&l, isfinite(sr->mean[i])
					  ? variation_word(stats_xmr_variation(sr->flags[i], sr->polarity))
					  : "");
		csv_line_text(&l, rules);
		csv_line_int(&l, o->revision);
		csv_line_text(&l, o->recorded_at);
		csv_line_end(&l, f);
	}
	csv_line_free(&l);
	fclose(f);
	cu_buf_reset(pg->res->body); /* no page: the doctype written at the start goes */
	cu_buf_add(pg->res->body, text, n);
	free(text);
	pg->res->status = 200;
	pg->res->type = "text/csv; charset=utf-8";
	snprintf(pg->res->download, sizeof pg->res->download, "%s-%s.csv", org->code, ind->code);
}

/* The series as an XLSX workbook, with number formats. */
static void series_xlsx(struct page *pg, const struct store_org *org,
			const struct store_indicator *ind, const struct series *sr)
{
	char path[] = "/tmp/custodian-xlsx-XXXXXX";
	int fd = mkstemp(path);
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *pct, *num;
	static const char *const head[] = { "Period", "Numerator", "Denominator", "Value", "Mean",
					    "Lower limit", "Upper limit", "Variation", "Rules" };
	FILE *f;
	char buf[65536];
	size_t got;

	if (fd < 0) {
		struct cu_err err;

		cu_err_set(&err, CU_EIO, "cannot make a temporary file for the workbook");
		page_error(pg, &err);
		return;
	}
	close(fd);
	wb = weblib.workbook_new(path);
	ws = weblib.workbook_add_worksheet(wb, ind->code);
	bold = weblib.workbook_add_format(wb);
	weblib.format_set_bold(bold);
	pct = weblib.workbook_add_format(wb);
	weblib.format_set_num_format(pct, "0.0%");
	num = weblib.workbook_add_format(wb);
	weblib.format_set_num_format(num, "#,##0.00");
	weblib.worksheet_write_string(ws, 0, 0, org->name, bold);
	weblib.worksheet_write_string(ws, 1, 0, ind->title, NULL);
	for (lxw_col_t c = 0; c < 9; c++)
		weblib.worksheet_write_string(ws, 3, c, head[c], bold);
	for (size_t i = 0; i < sr->n; i++) {
		lxw_row_t r = (lxw_row_t)(4 + i);
		const struct store_obs *o = &sr->obs[i];
		lxw_format *vf = ind->measure == MODEL_MEASURE_PROPORTION ? pct : num;
		char rules[96];

		weblib.worksheet_write_string(ws, r, 0, sr->label[i], NULL);
		if (o->has_numerator)
			weblib.worksheet_write_number(ws, r, 1, o->numerator, NULL);
		if (o->has_denominator)
			weblib.worksheet_write_number(ws, r, 2, o->denominator, NULL);
		if (isfinite(sr->value[i]))
			weblib.worksheet_write_number(ws, r, 3, sr->value[i], vf);
		if (isfinite(sr->mean[i])) {
			weblib.worksheet_write_number(ws, r, 4, sr->mean[i], vf);
			weblib.worksheet_write_number(ws, r, 5, sr->lcl[i], vf);
			weblib.worksheet_write_number(ws, r, 6, sr->ucl[i], vf);
			weblib.worksheet_write_string(
				ws, r, 7, variation_word(stats_xmr_variation(sr->flags[i], sr->polarity)),
				NULL);
		}
		rule_words(sr->flags[i], rules, sizeof rules);
		if (rules[0])
			weblib.worksheet_write_string(ws, r, 8, rules, NULL);
	}
	if (weblib.workbook_close(wb) != LXW_NO_ERROR || !(f = fopen(path, "rb"))) {
		struct cu_err err;

		unlink(path);
		cu_err_set(&err, CU_EIO, "cannot write the workbook");
		page_error(pg, &err);
		return;
	}
	cu_buf_reset(pg->res->body); /* no page: the doctype written at the start goes */
	while ((got = fread(buf, 1, sizeof buf, f)) > 0)
		cu_buf_add(pg->res->body, buf, got);
	fclose(f);
	unlink(path);
	pg->res->status = 200;
	pg->res->type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	snprintf(pg->res->download, sizeof pg->res->download, "%s-%s.xlsx", org->code, ind->code);
}

/* The chart's rebasing (each with its reason) and, for those who may, the form to add one. */
static void rebase_section(struct page *pg, const struct store_org *org,
			   const struct store_indicator *ind, const struct series *sr,
			   const char *error)
{
	struct html *h = &pg->h;
	enum model_role r = pg->actor.role;
	char action[512], part[256];

	html_elem(h, HTML_H2, NULL, "Rebasing");
	if (sr->nbreak == 0)
		html_elem(h, HTML_P, NULL, "The chart has one set of limits: it has not been rebased.");
	else {
		html_open(h, HTML_UL, HTML_ATTR_CLASS, "nhsuk-list nhsuk-list--bullet", -1);
		for (size_t k = 0; k < sr->nbreak; k++) {
			html_open(h, HTML_LI, -1);
			html_textf(h, "New limits from %s: %s%s", sr->brk[k].period, sr->brk[k].reason,
				   sr->brk[k].applied ? "" : " (not applied: a segment would have "
							    "fewer than two values)");
			html_close(h);
		}
		html_close(h);
	}
	if (r != MODEL_ROLE_ADMIN && r != MODEL_ROLE_COMMISSIONER && r != MODEL_ROLE_PROVIDER)
		return;
	page_href(part, sizeof part, "/org/", org->code, "/indicator/");
	page_href(action, sizeof action, part, ind->code, NULL);
	html_open(h, HTML_FORM, HTML_ATTR_METHOD, "post", HTML_ATTR_ACTION, action, -1);
	page_csrf_field(pg);
	if (error) {
		const char *field = "reason";

		page_error_summary(h, &error, &field, 1);
	}
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-form-group", -1);
	html_open(h, HTML_LABEL, HTML_ATTR_CLASS, "nhsuk-label", HTML_ATTR_FOR, "period", -1);
	html_text(h, "New limits from");
	html_close(h);
	html_open(h, HTML_SELECT, HTML_ATTR_CLASS, "nhsuk-select", HTML_ATTR_ID, "period",
		  HTML_ATTR_NAME, "period", -1);
	for (size_t i = 1; i < sr->n; i++) {
		const char *want = web_form(pg->req, "period");

		html_open(h, HTML_OPTION, HTML_ATTR_VALUE, sr->obs[i].period_start, HTML_ATTR_SELECTED,
			  want && strcmp(want, sr->obs[i].period_start) == 0 ? "selected" : NULL, -1);
		html_text(h, sr->label[i]);
		html_close(h);
	}
	html_close(h);
	html_close(h);
	html_open(h, HTML_DIV, HTML_ATTR_CLASS,
		  error ? "nhsuk-form-group nhsuk-form-group--error" : "nhsuk-form-group", -1);
	html_open(h, HTML_LABEL, HTML_ATTR_CLASS, "nhsuk-label", HTML_ATTR_FOR, "reason", -1);
	html_text(h, "Why the process changed (recorded with your name)");
	html_close(h);
	html_void(h, HTML_INPUT, HTML_ATTR_CLASS, "nhsuk-input", HTML_ATTR_ID, "reason",
		  HTML_ATTR_NAME, "reason", HTML_ATTR_TYPE, "text", HTML_ATTR_VALUE,
		  web_form(pg->req, "reason") ? web_form(pg->req, "reason") : "", -1);
	html_close(h);
	html_open(h, HTML_BUTTON, HTML_ATTR_CLASS, "nhsuk-button nhsuk-button--secondary",
		  HTML_ATTR_TYPE, "submit", -1);
	html_text(h, "Rebase the chart");
	html_close(h);
	html_close(h);
}

static void indicator_page(struct page *pg, const char *error);

void page_indicator(struct page *pg)
{
	indicator_page(pg, NULL);
}

void page_rebase_add(struct page *pg)
{
	struct store_org org;
	struct store_indicator ind;
	struct cu_err err;
	char back[512], part[256];

	cu_err_clear(&err);
	if (store_org_get(pg->s, &pg->actor, pg->arg[0], &org, &err) ||
	    store_indicator_get(pg->s, &pg->actor, cu_str_of(pg->arg[1]), &ind, &err)) {
		page_error(pg, &err);
		return;
	}
	if (store_rebase_add(pg->s, &pg->actor, org.id, ind.id, web_form(pg->req, "period"),
			     web_form(pg->req, "reason"), &err) == 0) {
		page_href(part, sizeof part, "/org/", org.code, "/indicator/");
		page_href(back, sizeof back, part, ind.code, NULL);
		page_redirect(pg, back);
		return;
	}
	if (err.code == CU_EDENIED || err.code == CU_ENOENT) {
		page_not_found(pg);
		return;
	}
	pg->res->status = 400;
	{
		char msg[sizeof err.msg];

		snprintf(msg, sizeof msg, "%s", err.msg);
		indicator_page(pg, msg);
	}
}

/*
 * Which chart the page shows, and the others that fit the measure as links (keeping the
 * as-of time); why an attribute chart was not drawn; what its limits mean.
 */
static void chart_choice(struct page *pg, const struct store_org *org,
			 const struct store_indicator *ind, const struct series *sr,
			 enum series_chart asked, const char *as_of)
{
	struct html *h = &pg->h;
	unsigned fits = series_charts(ind);
	char base[512], part[256];

	if (fits == 1u << SERIES_XMR)
		return; /* XmR is the only chart for this measure */
	page_href(part, sizeof part, "/org/", org->code, "/indicator/");
	page_href(base, sizeof base, part, ind->code, NULL);
	html_open(h, HTML_UL, HTML_ATTR_CLASS, "app-chart-choice", HTML_ATTR_ARIA_LABEL,
		  "Chart type", -1);
	for (int c = 0; c < SERIES__MAX; c++) {
		struct cu_buf b;

		if (!(fits >> c & 1))
			continue;
		html_open(h, HTML_LI, -1);
		if ((enum series_chart)c == sr->chart) {
			html_open(h, HTML_STRONG, HTML_ATTR_ARIA_CURRENT, "true", -1);
			html_text(h, series_chart_title((enum series_chart)c));
			html_close(h);
		} else {
			cu_buf_init(&b, sizeof base + 128);
			cu_buf_printf(&b, "%s?chart=%s", base, series_chart_key((enum series_chart)c));
			if (as_of && as_of[0]) {
				cu_buf_adds(&b, "&as_of=");
				html_url_segment(&b, as_of);
			}
			html_link(h, b.p && !b.failed ? b.p : base, NULL, NULL,
				  series_chart_title((enum series_chart)c));
			cu_buf_release(&b);
		}
		if (c == SERIES_XMR)
			html_text(h, " (Making Data Count)");
		html_close(h);
	}
	html_close(h);
	if (sr->chart_refused) {
		html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-inset-text", -1);
		html_textf(h, "A %s needs a numerator and a denominator for every period charted%s; "
			      "this series does not have them, so the XmR chart is shown.",
			   series_chart_title(asked),
			   asked == SERIES_PP || asked == SERIES_UP
				   ? " (and an overall figure above zero)"
				   : "");
		html_close(h);
	} else if (sr->chart != SERIES_XMR) {
		html_open(h, HTML_P, HTML_ATTR_CLASS, "nhsuk-body-s", -1);
		html_text(h, "The centre line is the overall figure of each segment; the limits follow "
			     "each period's denominator (3 sigma). ");
		if (sr->chart == SERIES_PP || sr->chart == SERIES_UP)
			html_textf(h, "Laney's factor for the latest segment is %.2f: the periods "
				      "vary %.2f times as much as the %s model alone expects, and the "
				      "limits are widened (or narrowed) by it. ",
				   sr->sigma_z, sr->sigma_z,
				   sr->chart == SERIES_PP ? "binomial" : "Poisson");
		html_text(h, "The verdicts on the provider page and the needs-attention list come "
			     "from the XmR chart.");
		html_close(h);
	}
}

static void indicator_page(struct page *pg, const char *error)
{
	struct html *h = &pg->h;
	const char *cols[] = { "Period", "Numerator", "Denominator", "Value", "Mean", "Limits",
			       "Variation", "Rules", "Revision", NULL };
	struct store_org org;
	struct store_indicator ind;
	struct series sr;
	struct cu_err err;
	char code[CU_MAX_CODE + 8], title[2 * CU_MAX_NAME + 8], href[512], part[256];
	const char *dot, *as_of = web_query(pg->req, "as_of");
	enum series_chart chart;
	int fmt = 0; /* 0 page, 1 csv, 2 xlsx */

	cu_err_clear(&err);
	snprintf(code, sizeof code, "%s", pg->arg[1]);
	if ((dot = strrchr(code, '.'))) {
		fmt = strcmp(dot, ".csv") == 0 ? 1 : strcmp(dot, ".xlsx") == 0 ? 2 : -1;
		code[dot - code] = '\0';
	}
	if (fmt < 0) {
		page_not_found(pg);
		return;
	}
	if (store_org_get(pg->s, &pg->actor, pg->arg[0], &org, &err) ||
	    store_indicator_get(pg->s, &pg->actor, cu_str_of(code), &ind, &err) ||
	    series_load(pg->s, &pg->actor, org.id, &ind, as_of,
			chart = series_chart_parse(web_query(pg->req, "chart"), &ind), &sr, &err)) {
		page_error(pg, &err);
		return;
	}
	if (fmt == 1) {
		series_csv(pg, &org, &ind, &sr);
		series_free(&sr);
		return;
	}
	if (fmt == 2) {
		series_xlsx(pg, &org, &ind, &sr);
		series_free(&sr);
		return;
	}
	snprintf(title, sizeof title, "%s: %s", org.name, ind.title);
	page_start(pg, title);
	html_open(h, HTML_P, -1);
	html_link(h, "/org/", org.code, NULL, org.name);
	html_close(h);
	html_elem(h, HTML_H1, NULL, ind.title);
	html_open(h, HTML_P, HTML_ATTR_CLASS, "nhsuk-lede-text", -1);
	html_textf(h, "%s. %s, %s.", model_domain_title(ind.domain),
		   ind.polarity == MODEL_POLARITY_HIGHER_BETTER	  ? "Higher is better"
		   : ind.polarity == MODEL_POLARITY_LOWER_BETTER ? "Lower is better"
								  : "Neither direction is better",
		   sr.has_chart ? variation_word(sr.xmr.variation) : "too few points for a chart");
	html_close(h);
	chart_choice(pg, &org, &ind, &sr, chart, as_of);
	if (sr.has_chart) {
		double *v = xmalloc((sr.n + 1) * sizeof *v), *m = xmalloc((sr.n + 1) * sizeof *m);
		double *lo = xmalloc((sr.n + 1) * sizeof *lo), *hi = xmalloc((sr.n + 1) * sizeof *hi);
		const char **labels = xmalloc((sr.n + 1) * sizeof *labels);
		double sc = shown_scale(&ind);
		struct chart_xmr c = { 0 };

		for (size_t i = 0; i < sr.n; i++) {
			v[i] = sr.value[i] * sc;
			m[i] = sr.mean[i] * sc;
			lo[i] = sr.lcl[i] * sc;
			hi[i] = sr.ucl[i] * sc;
			labels[i] = sr.label[i];
		}
		c.id = "spc";
		c.title = ind.title;
		c.name = series_chart_title(sr.chart);
		c.centre = sr.chart == SERIES_XMR ? "Mean" : "Centre line";
		c.y_title = ind.measure == MODEL_MEASURE_PROPORTION ? "Per cent" : ind.unit;
		c.unit = shown_unit(&ind);
		c.decimals = shown_decimals(&ind);
		c.n = sr.n;
		c.labels = labels;
		c.value = v;
		c.mean = m;
		c.lcl = lo;
		c.ucl = hi;
		c.flags = sr.flags;
		c.polarity = sr.polarity;
		c.target = ind.has_target ? ind.target * sc : NAN;
		{
			struct chart_break *cb = xcalloc(sr.nbreak + 1, sizeof *cb);
			size_t nb = 0;

			for (size_t k = 0; k < sr.nbreak; k++)
				if (sr.brk[k].applied)
					cb[nb++] = (struct chart_break){ sr.brk[k].index,
									 sr.brk[k].reason };
			c.breaks = cb;
			c.nbreaks = nb;
			html_open(h, HTML_DIV, HTML_ATTR_CLASS, "app-chart", -1);
			chart_xmr(h, &c, &err);
			html_close(h);
			free(cb);
		}
		free(v);
		free(m);
		free(lo);
		free(hi);
		free(labels);
	}
	html_open(h, HTML_P, -1);
	page_href(part, sizeof part, "/org/", org.code, "/indicator/");
	page_href(href, sizeof href, part, ind.code, ".csv");
	html_link(h, href, NULL, NULL, "Download the data (CSV)");
	html_text(h, " ");
	page_href(href, sizeof href, part, ind.code, ".xlsx");
	html_link(h, href, NULL, NULL, "Download the data (Excel)");
	html_text(h, " ");
	page_href(href, sizeof href, "/indicator/", ind.code, NULL);
	html_link(h, href, NULL, NULL, "Compare with other providers");
	html_close(h);
	if (sr.chart != SERIES_XMR)
		cols[4] = "Centre line";
	page_table_start(h, "The data behind the chart", cols);
	for (size_t i = 0; i < sr.n; i++) {
		const struct store_obs *o = &sr.obs[i];
		char a[64], b[64], rules[96];

		html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
		page_cell(h, sr.label[i]);
		snprintf(a, sizeof a, "%.10g", o->numerator);
		page_cell(h, o->has_numerator ? a : "-");
		snprintf(a, sizeof a, "%.10g", o->denominator);
		page_cell(h, o->has_denominator ? a : "-");
		if (o->status == MODEL_OBS_SUPPRESSED)
			snprintf(a, sizeof a, "suppressed");
		else
			fmt_value(&ind, sr.value[i], a, sizeof a);
		page_cell(h, a);
		fmt_value(&ind, sr.mean[i], a, sizeof a);
		page_cell(h, isfinite(sr.mean[i]) ? a : "-");
		fmt_value(&ind, sr.lcl[i], a, sizeof a);
		fmt_value(&ind, sr.ucl[i], b, sizeof b);
		{
			char both[140];

			snprintf(both, sizeof both, "%s to %s", a, b);
			page_cell(h, isfinite(sr.lcl[i]) ? both : "-");
		}
		page_cell(h, isfinite(sr.mean[i])
			      ? variation_word(stats_xmr_variation(sr.flags[i], sr.polarity))
			      : "-");
		rule_words(sr.flags[i], rules, sizeof rules);
		page_cell(h, rules[0] ? rules : "-");
		snprintf(a, sizeof a, "%d", o->revision);
		page_cell(h, a);
		html_close(h);
	}
	html_close(h);
	html_close(h);
	rebase_section(pg, &org, &ind, &sr, error);
	if (ind.definition[0]) {
		html_elem(h, HTML_H2, NULL, "Definition");
		html_elem(h, HTML_P, NULL, ind.definition);
	}
	if (ind.source[0]) {
		html_open(h, HTML_P, HTML_ATTR_CLASS, "nhsuk-body-s", -1);
		html_textf(h, "Source: %s", ind.source);
		html_close(h);
	}
	series_free(&sr);
	page_end(pg);
}

/* ---- one indicator across providers: the funnel ---- */

/* The funnel plot of funnel_build (the computation the API shares) and its outliers' table. */
void page_funnel(struct page *pg)
{
	struct html *h = &pg->h;
	static const char *const cols[] = { "Provider", "Numerator", "Denominator", "Value",
					    "Finding", NULL };
	const char *hl = web_query(pg->req, "highlight");
	struct store_indicator ind;
	struct funnel f;
	double *x = NULL, *y = NULL;
	int *cls = NULL;
	const char **labels = NULL;
	char plabel[16];
	size_t highlight = (size_t)-1;
	struct cu_err err;

	cu_err_clear(&err);
	if (store_indicator_get(pg->s, &pg->actor, cu_str_of(pg->arg[0]), &ind, &err) ||
	    funnel_build(pg->s, &pg->actor, &ind, funnel_od_parse(web_query(pg->req, "od")), &f,
			 &err)) {
		page_error(pg, &err);
		return;
	}
	page_start(pg, ind.title);
	html_elem(h, HTML_H1, NULL, ind.title);
	if (f.state != FUNNEL_DRAWN) {
		html_elem(h, HTML_P, NULL,
			  f.state == FUNNEL_NOT_PROPORTION
				  ? "Funnel plots are drawn for proportions; this indicator is not one."
				  : "No provider you can see has a figure for this indicator.");
		goto out;
	}
	x = xcalloc(f.n + 1, sizeof *x);
	y = xcalloc(f.n + 1, sizeof *y);
	cls = xcalloc(f.n + 1, sizeof *cls);
	labels = xcalloc(f.n + 1, sizeof *labels);
	/* Units of the latest period; then limits along the denominator. */
	{
		double maxd = 0, lx[101], l95[101], h95[101], l998[101], h998[101];
		struct chart_funnel c = { 0 };

		for (size_t i = 0; i < f.n; i++) {
			const struct funnel_unit *u = &f.unit[i];

			x[i] = u->obs.denominator;
			y[i] = u->obs.numerator / u->obs.denominator * 100;
			labels[i] = u->name;
			cls[i] = u->cls;
			if (hl && strcmp(hl, u->code) == 0)
				highlight = i;
			maxd = fmax(maxd, x[i]);
		}
		for (int k = 0; k <= 100; k++) {
			struct stats_funnel_limits a, b;
			double d = fmax(1, maxd * 1.05 * k / 100);
			int ra = funnel_limits(&f, d, 0.95, &a);
			int rb = funnel_limits(&f, d, 0.998, &b);

			lx[k] = d;
			l95[k] = ra ? NAN : a.lower * 100;
			h95[k] = ra ? NAN : a.upper * 100;
			l998[k] = rb ? NAN : b.lower * 100;
			h998[k] = rb ? NAN : b.upper * 100;
		}
		html_open(h, HTML_P, HTML_ATTR_CLASS, "nhsuk-lede-text", -1);
		html_textf(h, "%s, %zu providers you can see. Centre line: %.1f%% (all of them "
			      "together). Limits: 95%% dashed, 99.8%% solid, %s.",
			   model_period_label(f.period, f.grain, plabel), f.n, f.target * 100,
			   f.adjusted
				   ? "widened for overdispersion (square-root scale, 10% winsorised)"
				   : "without overdispersion (Wilson score)");
		html_close(h);
		html_open(h, HTML_P, -1);
		{
			char href[256], base[200];

			page_href(base, sizeof base, "/indicator/", ind.code, NULL);
			snprintf(href, sizeof href, "%s?od=%s", base, f.adjusted ? "none" : "prop");
			html_link(h, href, NULL, NULL,
				  f.adjusted ? "Show limits without overdispersion"
					     : "Show limits adjusted for overdispersion");
		}
		html_close(h);
		c.id = "funnel";
		c.title = ind.title;
		c.x_title = "Denominator";
		c.y_title = "Per cent";
		c.unit = "%";
		c.decimals = 1;
		c.n = f.n;
		c.labels = labels;
		c.x = x;
		c.y = y;
		c.cls = cls;
		c.nlim = 101;
		c.lim_x = lx;
		c.lo95 = l95;
		c.hi95 = h95;
		c.lo998 = l998;
		c.hi998 = h998;
		c.target = f.target * 100;
		c.highlight = highlight == (size_t)-1 ? CHART_NONE : highlight;
		html_open(h, HTML_DIV, HTML_ATTR_CLASS, "app-chart", -1);
		chart_funnel(h, &c, &err);
		html_close(h);
	}
	page_table_start(h, "Providers outside the 95% limits", cols);
	for (size_t i = 0; i < f.n; i++) {
		char a[64];

		if (cls[i] == 0)
			continue;
		html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
		html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
		html_link(h, "/org/", f.unit[i].code, NULL, labels[i]);
		html_close(h);
		snprintf(a, sizeof a, "%.10g", f.unit[i].obs.numerator);
		page_cell(h, a);
		snprintf(a, sizeof a, "%.10g", f.unit[i].obs.denominator);
		page_cell(h, a);
		snprintf(a, sizeof a, "%.1f%%", y[i]);
		page_cell(h, a);
		page_cell(h, cls[i] == 2 ? "above the 99.8% limit" : cls[i] == 1 ? "above the 95% limit"
			  : cls[i] == -1 ? "below the 95% limit" : "below the 99.8% limit");
		html_close(h);
	}
	html_close(h);
	html_close(h);
out:
	free(x);
	free(y);
	free(cls);
	free(labels);
	funnel_free(&f);
	page_end(pg);
}
