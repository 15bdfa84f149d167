/*
 * Imports (upload a CSV with a profile, see every located error or what landed; the history)
 * and administration (users, organisations, commissioning relationships, the catalogue).
 * Forms follow the NHS.UK error summary pattern and keep what the user typed.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
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

static int keep_import(void *arg, const struct store_import *r)
{
	page_rows_add(arg, r);
	return 0;
}

static void import_cells(struct html *h, const void *row, void *arg)
{
	const struct store_import *r = row;
	char n[32];

	(void)arg;
	page_cell(h, r->started_at);
	page_cell(h, r->file_name);
	page_cell(h, r->profile);
	page_cell(h, r->actor);
	snprintf(n, sizeof n, "%lld", (long long)r->rows_read);
	page_cell(h, n);
	snprintf(n, sizeof n, "%lld", (long long)r->observations);
	page_cell(h, n);
}

/* The history: every import, newest first by default. */
static const struct page_col import_cols[] = {
	{ "Started", "started", PAGE_SORT_TEXT, offsetof(struct store_import, started_at), NULL,
	  true },
	{ "File", "file", PAGE_SORT_TEXT, offsetof(struct store_import, file_name), NULL, false },
	{ "Format", "format", PAGE_SORT_TEXT, offsetof(struct store_import, profile), NULL, false },
	{ "By", "by", PAGE_SORT_TEXT, offsetof(struct store_import, actor), NULL, false },
	{ "Rows", "rows", PAGE_SORT_INT64, offsetof(struct store_import, rows_read), NULL, true },
	{ "Observations", "observations", PAGE_SORT_INT64,
	  offsetof(struct store_import, observations), NULL, true },
};

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
	struct page_rows rows = { .size = sizeof(struct store_import) };
	struct cu_err err;

	cu_err_clear(&err);
	if (store_import_list(pg->s, &pg->actor, 0, keep_import, &rows, &err)) {
		free(rows.p);
		page_error(pg, &err);
		return;
	}
	page_start(pg, "Imports");
	html_elem(h, HTML_H1, NULL, "Imports");
	upload_form(pg, NULL);
	html_elem(h, HTML_H2, NULL, "History");
	page_list(pg, &(struct page_list){ .path = "/imports",
					   .caption = "Every file imported",
					   .noun = "imports",
					   .empty = "Nothing has been imported yet.",
					   .cols = import_cols,
					   .ncols = sizeof import_cols / sizeof *import_cols,
					   .def = 0,
					   .rows = rows.p,
					   .n = rows.n,
					   .size = rows.size,
					   .cells = import_cells });
	free(rows.p);
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
		if (res->at_limit)
			html_textf(h, "Nothing was written. Reading stops at %d errors: these are the "
				      "first %d, and rows after them, if any, were not checked. Each "
				      "names the line, the column, the value and what was expected.",
				   CU_MAX_ERRORS, CU_MAX_ERRORS);
		else
			html_textf(h, "Nothing was written. %zu error%s found; each names the line, "
				      "the column, the value and what was expected.", res->errors.n,
				   res->errors.n == 1 ? "" : "s");
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

static int keep_user(void *arg, const struct store_user *u)
{
	page_rows_add(arg, u);
	return 0;
}

static void user_cells(struct html *h, const void *row, void *arg)
{
	const struct store_user *u = row;

	(void)arg;
	page_cell(h, u->username);
	page_cell(h, u->display_name);
	page_cell(h, model_role_name(u->role));
	page_cell(h, u->org_code[0] ? u->org_code : "-");
	page_cell(h, u->disabled ? "disabled" : "active");
	page_cell(h, u->created_at);
}

/* By the role's name, as shown. */
static int user_by_role(const void *a, const void *b)
{
	return page_text_cmp(model_role_name(((const struct store_user *)a)->role),
		      model_role_name(((const struct store_user *)b)->role));
}

static const struct page_col user_cols[] = {
	{ "User name", "username", PAGE_SORT_TEXT, offsetof(struct store_user, username), NULL,
	  false },
	{ "Name", "name", PAGE_SORT_TEXT, offsetof(struct store_user, display_name), NULL, false },
	{ "Role", "role", PAGE_SORT_FN, 0, user_by_role, false },
	{ "Organisation", "org", PAGE_SORT_TEXT, offsetof(struct store_user, org_code), NULL,
	  false },
	{ "Status", "status", PAGE_SORT_BOOL, offsetof(struct store_user, disabled), NULL, false },
	{ "Created", "created", PAGE_SORT_TEXT, offsetof(struct store_user, created_at), NULL,
	  true },
};

static const char *const role_values[] = { "commissioner", "provider", "regulator", "oversight",
					   "admin" };
static const char *const role_titles[] = { "Commissioner staff", "Provider staff", "Regulator",
					   "Oversight body", "Administrator" };

/* The users page, with the add form (keeping what was typed and showing ERRORS). */
static void users_page(struct page *pg, const char *const *errs, const char *const *fields,
		       size_t nerr)
{
	struct html *h = &pg->h;
	struct page_rows rows = { .size = sizeof(struct store_user) };
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
	if (store_user_list(pg->s, &pg->actor, keep_user, &rows, &err)) {
		free(rows.p);
		page_error(pg, &err);
		return;
	}
	page_start(pg, nerr ? "Error: Users" : "Users");
	if (nerr)
		page_error_summary(h, errs, fields, nerr);
	html_elem(h, HTML_H1, NULL, "Users");
	page_list(pg, &(struct page_list){ .path = "/admin/users",
					   .caption = "Everyone who can sign in",
					   .noun = "users",
					   .empty = "Nobody can sign in yet.",
					   .cols = user_cols,
					   .ncols = sizeof user_cols / sizeof *user_cols,
					   .def = 0,
					   .rows = rows.p,
					   .n = rows.n,
					   .size = rows.size,
					   .cells = user_cells });
	free(rows.p);
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

static void org_cells(struct html *h, const void *row, void *arg)
{
	const struct store_org *o = row;

	(void)arg;
	page_cell(h, o->code);
	page_cell(h, o->name);
	page_cell(h, model_org_kind_name(o->kind));
	page_cell(h, o->parent[0] ? o->parent : "-");
	page_cell(h, o->postcode);
}

/* By the kind's name, as shown. */
static int org_by_kind(const void *a, const void *b)
{
	return page_text_cmp(model_org_kind_name(((const struct store_org *)a)->kind),
		      model_org_kind_name(((const struct store_org *)b)->kind));
}

static const struct page_col org_cols[] = {
	{ "Code", "code", PAGE_SORT_TEXT, offsetof(struct store_org, code), NULL, false },
	{ "Name", "name", PAGE_SORT_TEXT, offsetof(struct store_org, name), NULL, false },
	{ "Kind", "kind", PAGE_SORT_FN, 0, org_by_kind, false },
	{ "Parent", "parent", PAGE_SORT_TEXT, offsetof(struct store_org, parent), NULL, false },
	{ "Postcode", "postcode", PAGE_SORT_TEXT, offsetof(struct store_org, postcode), NULL,
	  false },
};

void page_admin_orgs(struct page *pg)
{
	struct html *h = &pg->h;
	struct org_vec v = { 0 };
	struct cu_err err;

	cu_err_clear(&err);
	if (store_org_list(pg->s, &pg->actor, org_vec_keep, &v, &err)) {
		free(v.o);
		page_error(pg, &err);
		return;
	}
	page_start(pg, "Organisations");
	html_elem(h, HTML_H1, NULL, "Organisations");
	page_list(pg, &(struct page_list){ .path = "/admin/organisations",
					   .caption = "Every organisation",
					   .noun = "organisations",
					   .empty = "There are no organisations yet.",
					   .cols = org_cols,
					   .ncols = sizeof org_cols / sizeof *org_cols,
					   .def = 1,
					   .rows = v.o,
					   .n = v.n,
					   .size = sizeof *v.o,
					   .cells = org_cells });
	free(v.o);
	page_end(pg);
}

static int keep_relation(void *arg, const struct store_relation *r)
{
	page_rows_add(arg, r);
	return 0;
}

static void rel_cells(struct html *h, const void *row, void *arg)
{
	const struct store_relation *r = row;

	(void)arg;
	html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
	html_textf(h, "%s (%s)", r->from_name, r->from_code);
	html_close(h);
	html_open(h, HTML_TD, HTML_ATTR_CLASS, "nhsuk-table__cell", -1);
	html_textf(h, "%s (%s)", r->to_name, r->to_code);
	html_close(h);
	page_cell(h, r->coordinating ? "yes" : "no");
	page_cell(h, r->started_at);
}

/* By name, then code: the order of "name (code)" as shown. */
static int name_code_cmp(const char *an, const char *ac, const char *bn, const char *bc)
{
	int c = page_text_cmp(an, bn);

	return c ? c : page_text_cmp(ac, bc);
}

static int rel_by_commissioner(const void *a, const void *b)
{
	const struct store_relation *x = a, *y = b;

	return name_code_cmp(x->from_name, x->from_code, y->from_name, y->from_code);
}

static int rel_by_provider(const void *a, const void *b)
{
	const struct store_relation *x = a, *y = b;

	return name_code_cmp(x->to_name, x->to_code, y->to_name, y->to_code);
}

static const struct page_col rel_cols[] = {
	{ "Commissioner", "commissioner", PAGE_SORT_FN, 0, rel_by_commissioner, false },
	{ "Provider", "provider", PAGE_SORT_FN, 0, rel_by_provider, false },
	{ "Coordinating", "coordinating", PAGE_SORT_BOOL,
	  offsetof(struct store_relation, coordinating), NULL, true },
	{ "Since", "since", PAGE_SORT_TEXT, offsetof(struct store_relation, started_at), NULL,
	  true },
};

static void relationships_page(struct page *pg, const char *error)
{
	struct html *h = &pg->h;
	struct page_rows rows = { .size = sizeof(struct store_relation) };
	const char *fields[1] = { "commissioner" };
	struct cu_err err;

	cu_err_clear(&err);
	if (store_commissioning_list(pg->s, &pg->actor, keep_relation, &rows, &err)) {
		free(rows.p);
		page_error(pg, &err);
		return;
	}
	page_start(pg, error ? "Error: Commissioning" : "Commissioning");
	if (error)
		page_error_summary(h, &error, fields, 1);
	html_elem(h, HTML_H1, NULL, "Commissioning relationships");
	page_list(pg, &(struct page_list){ .path = "/admin/relationships",
					   .caption = "Which commissioner commissions which provider",
					   .noun = "relationships",
					   .empty = "No commissioner commissions a provider yet.",
					   .cols = rel_cols,
					   .ncols = sizeof rel_cols / sizeof *rel_cols,
					   .def = 0,
					   .rows = rows.p,
					   .n = rows.n,
					   .size = rows.size,
					   .cells = rel_cells });
	free(rows.p);
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

static const char *better_text(enum model_polarity p)
{
	return p == MODEL_POLARITY_HIGHER_BETTER  ? "higher"
	       : p == MODEL_POLARITY_LOWER_BETTER ? "lower"
						  : "neither";
}

static void indicator_cells(struct html *h, const void *row, void *arg)
{
	const struct store_indicator *ind = row;

	(void)arg;
	page_cell(h, ind->code);
	page_cell(h, ind->title);
	page_cell(h, ind->service);
	page_cell(h, model_domain_title(ind->domain));
	page_cell(h, model_measure_name(ind->measure));
	page_cell(h, better_text(ind->polarity));
}

/* Domains, measures and polarities by the words shown for them. */
static int ind_by_domain(const void *a, const void *b)
{
	return page_text_cmp(model_domain_title(((const struct store_indicator *)a)->domain),
		      model_domain_title(((const struct store_indicator *)b)->domain));
}

static int ind_by_measure(const void *a, const void *b)
{
	return page_text_cmp(model_measure_name(((const struct store_indicator *)a)->measure),
		      model_measure_name(((const struct store_indicator *)b)->measure));
}

static int ind_by_better(const void *a, const void *b)
{
	return page_text_cmp(better_text(((const struct store_indicator *)a)->polarity),
		      better_text(((const struct store_indicator *)b)->polarity));
}

static const struct page_col indicator_cols[] = {
	{ "Code", "code", PAGE_SORT_TEXT, offsetof(struct store_indicator, code), NULL, false },
	{ "Indicator", "title", PAGE_SORT_TEXT, offsetof(struct store_indicator, title), NULL,
	  false },
	{ "Service", "service", PAGE_SORT_TEXT, offsetof(struct store_indicator, service), NULL,
	  false },
	{ "Domain", "domain", PAGE_SORT_FN, 0, ind_by_domain, false },
	{ "Measure", "measure", PAGE_SORT_FN, 0, ind_by_measure, false },
	{ "Better", "better", PAGE_SORT_FN, 0, ind_by_better, false },
};

void page_admin_catalogue(struct page *pg)
{
	struct html *h = &pg->h;
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
	page_list(pg, &(struct page_list){ .path = "/admin/catalogue",
					   .caption = "Every indicator custodian knows",
					   .noun = "indicators",
					   .empty = "The catalogue is empty.",
					   .cols = indicator_cols,
					   .ncols = sizeof indicator_cols / sizeof *indicator_cols,
					   .def = 2,
					   .rows = cat,
					   .n = n,
					   .size = sizeof *cat,
					   .cells = indicator_cells });
	free(cat);
	page_end(pg);
}
