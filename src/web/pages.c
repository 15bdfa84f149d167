/* The router and pages: organisations, and one organisation's latest figures by domain. */
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "store/store.h"
#include "web/html.h"

/* Until sign-in: a read-only commissioner (the store decides what this role may see). */
static const struct cu_actor web_actor = { .name = "web:demo", .role = MODEL_ROLE_COMMISSIONER };

static void page_start(struct html *h, const char *title)
{
	html_open(h, HTML_HTML, HTML_ATTR_LANG, "en", -1);
	html_open(h, HTML_HEAD, -1);
	html_void(h, HTML_META, HTML_ATTR_CHARSET, "utf-8", -1);
	html_void(h, HTML_META, HTML_ATTR_NAME, "viewport", HTML_ATTR_CONTENT,
		  "width=device-width, initial-scale=1", -1);
	html_open(h, HTML_TITLE, -1);
	html_textf(h, "%s - custodian", title);
	html_close(h);
	html_void(h, HTML_LINK, HTML_ATTR_REL, "stylesheet", HTML_ATTR_HREF,
		  "/assets/nhsuk-frontend-10.6.1.min.css", -1);
	html_void(h, HTML_LINK, HTML_ATTR_REL, "stylesheet", HTML_ATTR_HREF, "/assets/app/app.css", -1);
	html_close(h);
	html_open(h, HTML_BODY, -1);
	html_open(h, HTML_HEADER, HTML_ATTR_CLASS, "nhsuk-header", -1);
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-header__container nhsuk-width-container", -1);
	html_link(h, "/", NULL, "nhsuk-header__service-name app-service-name", "custodian");
	html_elem(h, HTML_SPAN, "app-header-tagline", "Commissioning for quality");
	html_close(h);
	html_close(h);
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-width-container", -1);
	html_open(h, HTML_MAIN, HTML_ATTR_CLASS, "nhsuk-main-wrapper", -1);
}

static void page_end(struct html *h)
{
	html_close(h); /* main */
	html_close(h); /* container */
	html_open(h, HTML_FOOTER, HTML_ATTR_CLASS, "nhsuk-footer", -1);
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-width-container", -1);
	html_elem(h, HTML_P, "nhsuk-body-s",
		  "Demo data: real public data from NHS England (A&E attendances) and NHS Digital "
		  "(maternity statistics, trust locations), Open Government Licence v3.0.");
	html_finish(h);
}

static void not_found(struct html *h, struct page_result *res, const char *what)
{
	res->status = 404;
	page_start(h, "Page not found");
	html_elem(h, HTML_H1, NULL, "Page not found");
	html_elem(h, HTML_P, NULL, what);
	html_open(h, HTML_P, -1);
	html_link(h, "/", NULL, NULL, "See all organisations");
	html_close(h);
	page_end(h);
}

static void server_error(struct html *h, struct page_result *res, const struct cu_err *err)
{
	char line[1024];

	res->status = 500;
	page_start(h, "Something went wrong");
	html_elem(h, HTML_H1, NULL, "Something went wrong");
	html_elem(h, HTML_P, NULL, cu_err_format(err, line, sizeof line));
	page_end(h);
}

static int org_row(void *arg, const struct store_org *o)
{
	struct html *h = arg;

	html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
	html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
	html_link(h, "/org/", o->code, NULL, o->code);
	html_close(h);
	html_elem(h, HTML_TD, "nhsuk-table__cell", o->name);
	html_elem(h, HTML_TD, "nhsuk-table__cell", model_org_kind_name(o->kind));
	html_elem(h, HTML_TD, "nhsuk-table__cell", o->postcode);
	html_close(h);
	return 0;
}

static void table_head(struct html *h, const char *caption, const char *const *cols)
{
	html_open(h, HTML_TABLE, HTML_ATTR_CLASS, "nhsuk-table", -1);
	html_elem(h, HTML_CAPTION, "nhsuk-table__caption", caption);
	html_open(h, HTML_THEAD, HTML_ATTR_CLASS, "nhsuk-table__head", -1);
	html_open(h, HTML_TR, -1);
	for (; *cols; cols++) {
		html_open(h, HTML_TH, HTML_ATTR_CLASS, "nhsuk-table__header", HTML_ATTR_SCOPE, "col",
			  -1);
		html_text(h, *cols);
		html_close(h);
	}
	html_close(h);
	html_close(h);
	html_open(h, HTML_TBODY, HTML_ATTR_CLASS, "nhsuk-table__body", -1);
}

static void page_orgs(struct store *s, struct html *h, struct page_result *res)
{
	static const char *const cols[] = { "Code", "Name", "Kind", "Postcode", NULL };
	struct cu_err err;

	cu_err_clear(&err);
	page_start(h, "Organisations");
	html_elem(h, HTML_H1, NULL, "Organisations");
	table_head(h, "Providers and other organisations, by name", cols);
	if (store_org_list(s, &web_actor, org_row, h, &err)) {
		cu_buf_reset(h->b);
		html_init(h, h->b);
		server_error(h, res, &err);
		return;
	}
	html_close(h);
	html_close(h);
	page_end(h);
	res->status = 200;
}

struct latest {
	size_t n, cap;
	struct store_obs *o;
};

static int keep_obs(void *arg, const struct store_obs *o)
{
	struct latest *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->o = xrealloc(l->o, l->cap * sizeof *l->o);
	}
	l->o[l->n++] = *o;
	return 0;
}

/* The figure as a reader wants it: a percentage, a rate with its unit, a count. */
static void format_value(const struct store_indicator *ind, const struct store_obs *o, char *out,
			 size_t n)
{
	if (o->status != MODEL_OBS_OK || !o->has_value) {
		snprintf(out, n, "%s", o->status == MODEL_OBS_SUPPRESSED ? "suppressed" : "not available");
		return;
	}
	switch (ind->measure) {
	case MODEL_MEASURE_PROPORTION:
		snprintf(out, n, "%.1f%%", o->value * 100);
		break;
	case MODEL_MEASURE_RATE:
		snprintf(out, n, "%.2f %s", o->value, ind->unit);
		break;
	case MODEL_MEASURE_COUNT:
		snprintf(out, n, "%.0f", o->value);
		break;
	case MODEL_MEASURE_RATIO:
		snprintf(out, n, "%.3f", o->value);
		break;
	default:
		snprintf(out, n, "%.2f %s", o->value, ind->unit);
	}
}

static void page_org(struct store *s, struct html *h, struct page_result *res, const char *code)
{
	static const char *const cols[] = { "Indicator", "Period", "Value", "Numerator / denominator",
					    "Revision", "Recorded", NULL };
	struct latest l = { 0 };
	struct store_org org;
	struct cu_err err;
	char title[CU_MAX_NAME + CU_MAX_CODE + 8];

	cu_err_clear(&err);
	if (store_org_get(s, &web_actor, code, &org, &err)) {
		if (err.code == CU_ENOENT || err.code == CU_EDENIED)
			not_found(h, res, "There is no organisation with that code.");
		else
			server_error(h, res, &err);
		return;
	}
	if (store_obs_latest(s, &web_actor, org.id, NULL, keep_obs, &l, &err)) {
		server_error(h, res, &err);
		free(l.o);
		return;
	}
	snprintf(title, sizeof title, "%s (%s)", org.name, org.code);
	page_start(h, title);
	html_elem(h, HTML_H1, NULL, org.name);
	html_open(h, HTML_P, HTML_ATTR_CLASS, "nhsuk-lede-text", -1);
	html_textf(h, "%s %s%s%s", org.code, model_org_kind_name(org.kind), org.postcode[0] ? ", " : "",
		   org.postcode);
	html_close(h);
	if (l.n == 0)
		html_elem(h, HTML_P, NULL, "No quality figures have been received for this organisation.");
	for (int d = 0; d < MODEL_DOMAIN__MAX; d++) {
		int shown = 0;

		for (size_t i = 0; i < l.n; i++) {
			struct store_indicator ind;
			char value[64], nd[64], label[16];
			const struct store_obs *o = &l.o[i];

			if (store_indicator_get(s, &web_actor, cu_str_of(o->indicator_code), &ind, &err) ||
			    (int)ind.domain != d)
				continue;
			if (!shown++) {
				html_elem(h, HTML_H2, NULL, model_domain_title((enum model_domain)d));
				table_head(h, "Latest figure of each indicator", cols);
			}
			format_value(&ind, o, value, sizeof value);
			if (o->has_numerator && o->has_denominator)
				snprintf(nd, sizeof nd, "%.10g / %.10g", o->numerator, o->denominator);
			else
				snprintf(nd, sizeof nd, "-");
			html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
			html_elem(h, HTML_TD, "nhsuk-table__cell", ind.title);
			html_elem(h, HTML_TD, "nhsuk-table__cell",
				  model_period_label(o->period_start, o->grain, label));
			html_elem(h, HTML_TD, "nhsuk-table__cell app-value", value);
			html_elem(h, HTML_TD, "nhsuk-table__cell", nd);
			html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
			html_textf(h, "%d", o->revision);
			html_close(h);
			/* "2026-11-24T04:07:29.154926Z" shown as "2026-11-24 04:07 UTC". */
			snprintf(nd, sizeof nd, "%.10s %.5s UTC", o->recorded_at, o->recorded_at + 11);
			html_elem(h, HTML_TD, "nhsuk-table__cell", nd);
			html_close(h);
		}
		if (shown) {
			html_close(h); /* tbody */
			html_close(h); /* table */
		}
	}
	free(l.o);
	page_end(h);
	res->status = 200;
}

void pages_route(const struct page_request *req, struct page_result *res)
{
	struct html h;
	struct store *s = NULL;
	struct cu_err err;

	html_init(&h, res->body);
	cu_err_clear(&err);
	if (strcmp(req->path, "/") != 0 && strncmp(req->path, "/org/", 5) != 0) {
		not_found(&h, res, "The page you asked for does not exist.");
		return;
	}
	if (store_open(req->db_path, 0, &s, &err)) {
		server_error(&h, res, &err);
		return;
	}
	if (strcmp(req->path, "/") == 0)
		page_orgs(s, &h, res);
	else
		page_org(s, &h, res, req->path + 5);
	store_close(s);
}
