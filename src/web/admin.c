/*
 * Imports (upload a CSV with a profile, see every located error or what landed; the history)
 * and administration (users, organisations, commissioning relationships, the catalogue).
 * Forms follow the NHS.UK error summary pattern and keep what the user typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "ingest/import.h"
#include "model/catalogue.h"
#include "web/analysis.h"
#include "web/app.h"

/* Profiles a user may choose for an upload: the shipped formats of quality data. */
static const struct {
	const char *name, *title;
} upload_profiles[] = {
	{ "custodian", "custodian's monthly return (docs/formats.md)" },
	{ "ae_attendances", "A&E attendances (NHS England)" },
	{ "maternity", "Maternity statistics, long format (NHS Digital)" },
};

/* A labelled text input keeping VALUE; ERROR (may be NULL) shown above it. */
static void text_field(struct html *h, const char *id, const char *label, const char *value,
		       const char *error, const char *type)
{
	html_open(h, HTML_DIV, HTML_ATTR_CLASS,
		  error ? "nhsuk-form-group nhsuk-form-group--error" : "nhsuk-form-group", -1);
	html_open(h, HTML_LABEL, HTML_ATTR_CLASS, "nhsuk-label", HTML_ATTR_FOR, id, -1);
	html_text(h, label);
	html_close(h);
	if (error) {
		html_open(h, HTML_SPAN, HTML_ATTR_CLASS, "nhsuk-error-message", -1);
		html_elem(h, HTML_SPAN, "nhsuk-u-visually-hidden", "Error:");
		html_textf(h, " %s", error);
		html_close(h);
	}
	html_void(h, HTML_INPUT, HTML_ATTR_CLASS, error ? "nhsuk-input nhsuk-input--error"
							 : "nhsuk-input",
		  HTML_ATTR_ID, id, HTML_ATTR_NAME, id, HTML_ATTR_TYPE, type ? type : "text",
		  HTML_ATTR_VALUE, value ? value : "", -1);
	html_close(h);
}

/* A select of ROLES' names keeping SELECTED. */
static void select_field(struct html *h, const char *id, const char *label,
			 const char *const *values, const char *const *titles, size_t n,
			 const char *selected)
{
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-form-group", -1);
	html_open(h, HTML_LABEL, HTML_ATTR_CLASS, "nhsuk-label", HTML_ATTR_FOR, id, -1);
	html_text(h, label);
	html_close(h);
	html_open(h, HTML_SELECT, HTML_ATTR_CLASS, "nhsuk-select", HTML_ATTR_ID, id, HTML_ATTR_NAME,
		  id, -1);
	for (size_t i = 0; i < n; i++) {
		html_open(h, HTML_OPTION, HTML_ATTR_VALUE, values[i], HTML_ATTR_SELECTED,
			  selected && strcmp(selected, values[i]) == 0 ? "selected" : NULL, -1);
		html_text(h, titles[i]);
		html_close(h);
	}
	html_close(h);
	html_close(h);
}

static void submit_button(struct html *h, const char *text)
{
	html_open(h, HTML_BUTTON, HTML_ATTR_CLASS, "nhsuk-button", HTML_ATTR_TYPE, "submit", -1);
	html_text(h, text);
	html_close(h);
}

/* ---- imports ---- */

static int import_row(void *arg, const struct store_import *r)
{
	struct html *h = arg;
	char n[32];

	html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
	page_cell(h, r->started_at);
	page_cell(h, r->file_name);
	page_cell(h, r->profile);
	page_cell(h, r->actor);
	snprintf(n, sizeof n, "%lld", (long long)r->rows_read);
	page_cell(h, n);
	snprintf(n, sizeof n, "%lld", (long long)r->observations);
	page_cell(h, n);
	html_close(h);
	return 0;
}

static void upload_form(struct page *pg, const char *profile)
{
	struct html *h = &pg->h;
	const char *values[3], *titles[3];

	for (size_t i = 0; i < 3; i++) {
		values[i] = upload_profiles[i].name;
		titles[i] = upload_profiles[i].title;
	}
	html_elem(h, HTML_H2, NULL, "Upload a file");
	html_open(h, HTML_FORM, HTML_ATTR_METHOD, "post", HTML_ATTR_ACTION, "/imports",
		  HTML_ATTR_ENCTYPE, "multipart/form-data", -1);
	page_csrf_field(pg);
	select_field(h, "profile", "Format", values, titles, 3, profile);
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-form-group", -1);
	html_open(h, HTML_LABEL, HTML_ATTR_CLASS, "nhsuk-label", HTML_ATTR_FOR, "file", -1);
	html_text(h, "CSV file (at most 64 MB)");
	html_close(h);
	html_void(h, HTML_INPUT, HTML_ATTR_CLASS, "nhsuk-input", HTML_ATTR_ID, "file", HTML_ATTR_NAME,
		  "file", HTML_ATTR_TYPE, "file", HTML_ATTR_ACCEPT, ".csv,text/csv", -1);
	html_close(h);
	submit_button(h, "Import");
	html_close(h);
}

void page_imports(struct page *pg)
{
	struct html *h = &pg->h;
	static const char *const cols[] = { "Started", "File", "Format", "By", "Rows",
					    "Observations", NULL };
	struct cu_err err;

	cu_err_clear(&err);
	page_start(pg, "Imports");
	html_elem(h, HTML_H1, NULL, "Imports");
	upload_form(pg, NULL);
	html_elem(h, HTML_H2, NULL, "History");
	page_table_start(h, "The 50 latest imports", cols);
	if (store_import_list(pg->s, &pg->actor, 50, import_row, h, &err)) {
		page_error(pg, &err);
		return;
	}
	page_table_end(h);
	page_end(pg);
}

void page_import_upload(struct page *pg)
{
	struct html *h = &pg->h;
	const char *profile = web_form(pg->req, "profile");
	struct ingest_import_opts o = { 0 };
	struct ingest_import_result *res;
	struct ingest_profile *p = NULL;
	struct cu_err err;
	char dir[4096], msg[1100];
	const char *problem = NULL;
	size_t known = 0;

	cu_err_clear(&err);
	for (size_t i = 0; i < sizeof upload_profiles / sizeof *upload_profiles; i++)
		known |= profile && strcmp(profile, upload_profiles[i].name) == 0;
	if (!known)
		problem = "Choose the file's format";
	else if (!pg->req->upload_path || pg->req->upload_bytes == 0)
		problem = "Choose a CSV file to upload";
	if (!problem) {
		snprintf(dir, sizeof dir, "%s/profiles", pg->req->home ? pg->req->home : ".");
		if (!(p = ingest_profile_load(dir, profile, &err)))
			problem = "The format could not be loaded";
	}
	if (problem) {
		const char *fields[1] = { known ? "file" : "profile" };

		pg->res->status = 400;
		page_start(pg, "Error: Imports");
		page_error_summary(h, &problem, fields, 1);
		html_elem(h, HTML_H1, NULL, "Imports");
		upload_form(pg, profile);
		page_end(pg);
		return;
	}
	res = xcalloc(1, sizeof *res);
	o.display_name = pg->req->upload_name && *pg->req->upload_name ? pg->req->upload_name
								     : "upload.csv";
	if (ingest_import(pg->s, &pg->actor, p, pg->req->upload_path, &o, res) == 0) {
		page_start(pg, "Imported");
		html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-card nhsuk-card--feature", -1);
		html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-card__content", -1);
		html_elem(h, HTML_H1, "nhsuk-card__heading", "The file was imported");
		html_open(h, HTML_P, -1);
		html_textf(h, "%s: %lld rows read, %lld accepted, %lld observations written "
			      "(import %lld).",
			   o.display_name, res->rows_read, res->rows_accepted,
			   (long long)res->observations, (long long)res->import_id);
		html_close(h);
		html_close(h);
		html_close(h);
	} else {
		const char **msgs = xcalloc(res->errors.n + 1, sizeof *msgs);
		char (*lines)[sizeof msg] = xcalloc(res->errors.n + 1, sizeof *lines);

		pg->res->status = 422;
		page_start(pg, "Error: Imports");
		for (size_t i = 0; i < res->errors.n; i++) {
			cu_err_format(&res->errors.e[i], lines[i], sizeof lines[i]);
			msgs[i] = lines[i];
		}
		page_error_summary(h, msgs, NULL, res->errors.n);
		html_elem(h, HTML_H1, NULL, "The file was not imported");
		html_open(h, HTML_P, -1);
		html_textf(h, "Nothing was written. %zu error%s found%s; each names the line, the "
			      "column, the value and what was expected.",
			   cu_errlist_total(&res->errors), cu_errlist_total(&res->errors) == 1 ? "" : "s",
			   res->errors.dropped ? " (the first ones are listed)" : "");
		html_close(h);
		upload_form(pg, profile);
		free(msgs);
		free(lines);
	}
	page_end(pg);
	ingest_profile_free(p);
	free(res);
}

/* ---- users ---- */

static int user_row(void *arg, const struct store_user *u)
{
	struct html *h = arg;

	html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
	page_cell(h, u->username);
	page_cell(h, u->display_name);
	page_cell(h, model_role_name(u->role));
	page_cell(h, u->org_code[0] ? u->org_code : "-");
	page_cell(h, u->disabled ? "disabled" : "active");
	page_cell(h, u->created_at);
	html_close(h);
	return 0;
}

static const char *const role_values[] = { "commissioner", "provider", "regulator", "oversight",
					   "admin" };
static const char *const role_titles[] = { "Commissioner staff", "Provider staff", "Regulator",
					   "Oversight body", "Administrator" };

/* The users page, with the add form (keeping what was typed and showing ERRORS). */
static void users_page(struct page *pg, const char *const *errs, const char *const *fields,
		       size_t nerr)
{
	struct html *h = &pg->h;
	static const char *const cols[] = { "User name", "Name", "Role", "Organisation", "Status",
					    "Created", NULL };
	struct cu_err err;
	const char *e_user = NULL, *e_pw = NULL, *e_org = NULL;

	for (size_t i = 0; i < nerr; i++) {
		if (fields[i] && strcmp(fields[i], "username") == 0)
			e_user = errs[i];
		else if (fields[i] && strcmp(fields[i], "password") == 0)
			e_pw = errs[i];
		else if (fields[i] && strcmp(fields[i], "org") == 0)
			e_org = errs[i];
	}
	cu_err_clear(&err);
	page_start(pg, nerr ? "Error: Users" : "Users");
	if (nerr)
		page_error_summary(h, errs, fields, nerr);
	html_elem(h, HTML_H1, NULL, "Users");
	page_table_start(h, "Everyone who can sign in", cols);
	if (store_user_list(pg->s, &pg->actor, user_row, h, &err)) {
		page_error(pg, &err);
		return;
	}
	page_table_end(h);
	html_elem(h, HTML_H2, NULL, "Add a user");
	html_open(h, HTML_FORM, HTML_ATTR_METHOD, "post", HTML_ATTR_ACTION, "/admin/users", -1);
	page_csrf_field(pg);
	text_field(h, "username", "User name", web_form(pg->req, "username"), e_user, NULL);
	text_field(h, "name", "Full name", web_form(pg->req, "name"), NULL, NULL);
	select_field(h, "role", "Role", role_values, role_titles, 5, web_form(pg->req, "role"));
	text_field(h, "org", "Organisation code (not for administrators)", web_form(pg->req, "org"),
		   e_org, NULL);
	text_field(h, "password", "Password (at least 12 characters)", NULL, e_pw, "password");
	submit_button(h, "Add user");
	html_close(h);
	page_end(pg);
}

void page_admin_users(struct page *pg)
{
	users_page(pg, NULL, NULL, 0);
}

void page_admin_user_add(struct page *pg)
{
	const char *user = web_form(pg->req, "username"), *name = web_form(pg->req, "name");
	const char *role = web_form(pg->req, "role"), *org = web_form(pg->req, "org");
	const char *pw = web_form(pg->req, "password");
	struct cu_err err;
	char msg[600];
	const char *errs[1] = { msg }, *fields[1];
	int r = role ? auth_role_parse(role) : -1;

	cu_err_clear(&err);
	if (!user || !*user) {
		snprintf(msg, sizeof msg, "Enter a user name");
		fields[0] = "username";
	} else if (r < 0) {
		snprintf(msg, sizeof msg, "Choose a role");
		fields[0] = "role";
	} else if (auth_user_add(pg->req->auth, pg->s, &pg->actor, user, name ? name : "",
				 (enum model_role)r, org && *org ? org : NULL, pw ? pw : "", NULL,
				 &err) == 0) {
		page_redirect(pg, "/admin/users");
		return;
	} else {
		snprintf(msg, sizeof msg, "%s", err.msg);
		fields[0] = strstr(err.msg, "password")	    ? "password"
			    : strstr(err.msg, "organisation") ? "org"
							      : "username";
	}
	pg->res->status = 400;
	users_page(pg, errs, fields, 1);
}

/* ---- organisations, relationships, catalogue ---- */

static int org_by_code(const void *a, const void *b)
{
	return strcmp(((const struct store_org *)a)->code, ((const struct store_org *)b)->code);
}

static int org_by_kind(const void *a, const void *b)
{
	const struct store_org *x = a, *y = b;

	return x->kind != y->kind ? (int)x->kind - (int)y->kind : strcmp(x->name, y->name);
}

void page_admin_orgs(struct page *pg)
{
	struct html *h = &pg->h;
	static const char *const keys[] = { "code", "name", "kind" };
	static const char *const titles[] = { "Code", "Name", "Kind" };
	const char *sort = web_query(pg->req, "sort"), *pq = web_query(pg->req, "page");
	long pageno = pq ? strtol(pq, NULL, 10) : 1, pages;
	struct org_vec v = { 0 };
	struct cu_err err;

	cu_err_clear(&err);
	if (!sort || (strcmp(sort, "code") != 0 && strcmp(sort, "kind") != 0))
		sort = "name"; /* the store lists by name */
	if (store_org_list(pg->s, &pg->actor, org_vec_keep, &v, &err)) {
		free(v.o);
		page_error(pg, &err);
		return;
	}
	if (strcmp(sort, "code") == 0)
		qsort(v.o, v.n, sizeof *v.o, org_by_code);
	else if (strcmp(sort, "kind") == 0)
		qsort(v.o, v.n, sizeof *v.o, org_by_kind);
	pages = v.n ? (long)((v.n + PAGE_ROWS - 1) / PAGE_ROWS) : 1;
	if (pageno < 1 || pageno > pages)
		pageno = 1;
	page_start(pg, "Organisations");
	html_elem(h, HTML_H1, NULL, "Organisations");
	html_open(h, HTML_TABLE, HTML_ATTR_CLASS, "nhsuk-table", -1);
	html_open(h, HTML_CAPTION, HTML_ATTR_CLASS, "nhsuk-table__caption", -1);
	html_textf(h, "%zu organisations; choose a column heading to sort by it", v.n);
	html_close(h);
	html_open(h, HTML_THEAD, HTML_ATTR_CLASS, "nhsuk-table__head", -1);
	html_open(h, HTML_TR, -1);
	for (size_t k = 0; k < 3; k++) {
		char href[64];

		snprintf(href, sizeof href, "/admin/organisations?sort=%s", keys[k]);
		html_open(h, HTML_TH, HTML_ATTR_CLASS, "nhsuk-table__header", HTML_ATTR_SCOPE, "col",
			  HTML_ATTR_ARIA_SORT, strcmp(sort, keys[k]) == 0 ? "ascending" : "none", -1);
		html_link(h, href, NULL, NULL, titles[k]);
		html_close(h);
	}
	html_elem(h, HTML_TH, "nhsuk-table__header", "Parent");
	html_elem(h, HTML_TH, "nhsuk-table__header", "Postcode");
	html_close(h);
	html_close(h);
	html_open(h, HTML_TBODY, HTML_ATTR_CLASS, "nhsuk-table__body", -1);
	for (size_t i = (size_t)(pageno - 1) * PAGE_ROWS; i < v.n && i < (size_t)pageno * PAGE_ROWS;
	     i++) {
		const struct store_org *o = &v.o[i];

		html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
		page_cell(h, o->code);
		page_cell(h, o->name);
		page_cell(h, model_org_kind_name(o->kind));
		page_cell(h, o->parent[0] ? o->parent : "-");
		page_cell(h, o->postcode);
		html_close(h);
	}
	page_table_end(h);
	page_pager(pg, "/admin/organisations", sort, pageno, pages);
	free(v.o);
	page_end(pg);
}

static int rel_row(void *arg, const struct store_relation *r)
{
	struct html *h = arg;

	html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
	html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
	html_textf(h, "%s (%s)", r->from_name, r->from_code);
	html_close(h);
	html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
	html_textf(h, "%s (%s)", r->to_name, r->to_code);
	html_close(h);
	page_cell(h, r->coordinating ? "yes" : "no");
	page_cell(h, r->started_at);
	html_close(h);
	return 0;
}

static void relationships_page(struct page *pg, const char *error)
{
	struct html *h = &pg->h;
	static const char *const cols[] = { "Commissioner", "Provider", "Coordinating", "Since",
					    NULL };
	const char *fields[1] = { "commissioner" };
	struct cu_err err;

	cu_err_clear(&err);
	page_start(pg, error ? "Error: Commissioning" : "Commissioning");
	if (error)
		page_error_summary(h, &error, fields, 1);
	html_elem(h, HTML_H1, NULL, "Commissioning relationships");
	page_table_start(h, "Which commissioner commissions which provider", cols);
	if (store_commissioning_list(pg->s, &pg->actor, rel_row, h, &err)) {
		page_error(pg, &err);
		return;
	}
	page_table_end(h);
	html_elem(h, HTML_H2, NULL, "Add a relationship");
	html_open(h, HTML_FORM, HTML_ATTR_METHOD, "post", HTML_ATTR_ACTION, "/admin/relationships",
		  -1);
	page_csrf_field(pg);
	text_field(h, "commissioner", "Commissioner code", web_form(pg->req, "commissioner"), error,
		   NULL);
	text_field(h, "provider", "Provider code", web_form(pg->req, "provider"), NULL, NULL);
	submit_button(h, "Add relationship");
	html_close(h);
	page_end(pg);
}

void page_admin_relationships(struct page *pg)
{
	relationships_page(pg, NULL);
}

void page_admin_relationship_add(struct page *pg)
{
	const char *c = web_form(pg->req, "commissioner"), *p = web_form(pg->req, "provider");
	struct cu_err err;

	cu_err_clear(&err);
	if (c && p && *c && *p &&
	    store_commissioning_put(pg->s, &pg->actor, c, p, false, &err) == 0) {
		page_redirect(pg, "/admin/relationships");
		return;
	}
	pg->res->status = 400;
	relationships_page(pg, err.code ? err.msg : "Enter a commissioner code and a provider code");
}

void page_admin_catalogue(struct page *pg)
{
	struct html *h = &pg->h;
	static const char *const cols[] = { "Code", "Indicator", "Service", "Domain", "Measure",
					    "Better", NULL };
	struct store_indicator *cat = NULL;
	size_t n = 0;
	struct cu_err err;

	cu_err_clear(&err);
	if (catalogue_load(pg->s, &pg->actor, &cat, &n, &err)) {
		page_error(pg, &err);
		return;
	}
	page_start(pg, "Indicators");
	html_elem(h, HTML_H1, NULL, "Indicator catalogue");
	page_table_start(h, "Every indicator custodian knows", cols);
	for (size_t i = 0; i < n; i++) {
		html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
		page_cell(h, cat[i].code);
		page_cell(h, cat[i].title);
		page_cell(h, cat[i].service);
		page_cell(h, model_domain_title(cat[i].domain));
		page_cell(h, model_measure_name(cat[i].measure));
		page_cell(h, cat[i].polarity == MODEL_POLARITY_HIGHER_BETTER	  ? "higher"
			: cat[i].polarity == MODEL_POLARITY_LOWER_BETTER ? "lower"
									  : "neither");
		html_close(h);
	}
	page_table_end(h);
	free(cat);
	page_end(pg);
}
