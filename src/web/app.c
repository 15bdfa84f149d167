/* The application's router, session handling and page layout; see app.h. */
#include "web/app.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"

/* Who may open a page at all; what they then see is the store's decision. */
enum need {
	NEED_NONE,   /* anyone, the public included */
	NEED_SIGNED, /* anyone signed in */
	NEED_SUBMIT, /* roles that may submit data: administrators, commissioners, providers */
	NEED_ADMIN,  /* administrators */
};

struct route {
	const char *method;
	const char *pattern; /* "/" separated; "*" captures one segment */
	enum need need;
	bool api;            /* JSON answers, problem details on errors */
	void (*fn)(struct page *pg);
};

static const struct route routes[] = {
	{ "GET", "/", NEED_NONE, false, page_home },
	{ "GET", "/sign-in", NEED_NONE, false, page_signin_form },
	{ "POST", "/sign-in", NEED_NONE, false, page_signin },
	{ "POST", "/sign-out", NEED_SIGNED, false, page_signout },
	{ "GET", "/providers", NEED_SIGNED, false, page_providers },
	{ "GET", "/org/*", NEED_SIGNED, false, page_provider },
	{ "GET", "/org/*/indicator/*", NEED_SIGNED, false, page_indicator },
	{ "POST", "/org/*/indicator/*", NEED_SUBMIT, false, page_rebase_add },
	{ "GET", "/indicator/*", NEED_SIGNED, false, page_funnel },
	{ "GET", "/mortality", NEED_SIGNED, false, page_mortality },
	{ "GET", "/mortality/*", NEED_SIGNED, false, page_mortality_provider },
	{ "GET", "/mortality/*/group/*", NEED_SIGNED, false, page_mortality_group },
	{ "GET", "/imports", NEED_SUBMIT, false, page_imports },
	{ "POST", "/imports", NEED_SUBMIT, false, page_import_upload },
	{ "GET", "/admin/users", NEED_ADMIN, false, page_admin_users },
	{ "POST", "/admin/users", NEED_ADMIN, false, page_admin_user_add },
	{ "GET", "/admin/organisations", NEED_ADMIN, false, page_admin_orgs },
	{ "GET", "/admin/relationships", NEED_ADMIN, false, page_admin_relationships },
	{ "POST", "/admin/relationships", NEED_ADMIN, false, page_admin_relationship_add },
	{ "GET", "/admin/catalogue", NEED_ADMIN, false, page_admin_catalogue },
	{ "GET", "/api/v1/providers", NEED_SIGNED, true, api_providers },
	{ "GET", "/api/v1/org/*", NEED_SIGNED, true, api_provider },
	{ "GET", "/api/v1/org/*/indicator/*", NEED_SIGNED, true, api_series },
	/* The pages' data: each route needs what its page needs (app.h, docs/api.md). */
	{ "GET", "/api/v1/attention", NEED_SIGNED, true, api_attention },
	{ "GET", "/api/v1/indicator/*", NEED_SIGNED, true, api_funnel },
	{ "GET", "/api/v1/mortality", NEED_SIGNED, true, api_mortality },
	{ "GET", "/api/v1/mortality/*", NEED_SIGNED, true, api_mortality_provider },
	{ "GET", "/api/v1/mortality/*/group/*", NEED_SIGNED, true, api_mortality_group },
	{ "GET", "/api/v1/imports", NEED_SUBMIT, true, api_imports },
	{ "GET", "/api/v1/admin/users", NEED_ADMIN, true, api_admin_users },
	{ "GET", "/api/v1/admin/organisations", NEED_ADMIN, true, api_admin_orgs },
	{ "GET", "/api/v1/admin/relationships", NEED_ADMIN, true, api_admin_relationships },
	{ "GET", "/api/v1/catalogue", NEED_ADMIN, true, api_catalogue },
};

const char *web_query(const struct web_request *r, const char *key)
{
	for (int i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].key, key) == 0)
			return r->query[i].value;
	return NULL;
}

const char *web_form(const struct web_request *r, const char *key)
{
	for (int i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].key, key) == 0)
			return r->form[i].value;
	return NULL;
}

/*
 * Match PATH against PATTERN, capturing "*" segments into ARG (pointing into COPY, a
 * writable copy of PATH). A captured segment is never empty and never "." or "..".
 */
static bool match(const char *pattern, const char *path, char *copy, size_t ncopy,
		  const char **arg)
{
	char *seg[8];
	const char *p = pattern + 1;
	int ns = 0, na = 0, i = 0;

	if (strcmp(pattern, "/") == 0)
		return strcmp(path, "/") == 0;
	if (path[0] != '/' || strlen(path) >= ncopy)
		return false;
	memcpy(copy, path + 1, strlen(path)); /* the NUL included */
	for (char *q = copy;;) {
		char *e = strchr(q, '/');

		if (ns == 8)
			return false;
		seg[ns++] = q;
		if (!e)
			break;
		*e = '\0';
		q = e + 1;
	}
	while (*p) {
		const char *pe = strchr(p, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);

		if (i == ns)
			return false;
		if (pl == 1 && *p == '*') {
			if (!*seg[i] || strcmp(seg[i], ".") == 0 || strcmp(seg[i], "..") == 0 ||
			    na == 4)
				return false;
			arg[na++] = seg[i];
		} else if (strlen(seg[i]) != pl || strncmp(seg[i], p, pl) != 0) {
			return false;
		}
		i++;
		p = pe ? pe + 1 : p + pl;
	}
	return i == ns;
}

/* ---- layout ---- */

void page_href(char *out, size_t n, const char *path, const char *segment, const char *suffix)
{
	struct cu_buf b;
	char *s;

	cu_buf_init(&b, n > 0 ? n - 1 : 0);
	cu_buf_adds(&b, path);
	if (segment)
		html_url_segment(&b, segment);
	if (suffix)
		cu_buf_adds(&b, suffix);
	s = b.p;
	snprintf(out, n, "%s", s && !b.failed ? s : "/");
	cu_buf_release(&b);
}

void page_csrf_field(struct page *pg)
{
	html_void(&pg->h, HTML_INPUT, HTML_ATTR_TYPE, "hidden", HTML_ATTR_NAME, "csrf",
		  HTML_ATTR_VALUE, pg->csrf, -1);
}

static void nav_link(struct page *pg, const char *href, const char *text)
{
	html_open(&pg->h, HTML_LI, HTML_ATTR_CLASS, "nhsuk-header__navigation-item", -1);
	html_link(&pg->h, href, NULL, "nhsuk-header__navigation-link", text);
	html_close(&pg->h);
}

void page_start(struct page *pg, const char *title)
{
	struct html *h = &pg->h;
	enum model_role role = pg->actor.role;

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
	html_open(h, HTML_A, HTML_ATTR_HREF, "#main-content", HTML_ATTR_CLASS, "nhsuk-skip-link", -1);
	html_text(h, "Skip to main content");
	html_close(h);
	html_open(h, HTML_HEADER, HTML_ATTR_CLASS, "nhsuk-header", HTML_ATTR_ROLE, "banner", -1);
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-header__container nhsuk-width-container", -1);
	html_link(h, "/", NULL, "nhsuk-header__service-name app-service-name", "custodian");
	html_elem(h, HTML_SPAN, "app-header-tagline", "Commissioning for quality");
	if (pg->ss) {
		html_open(h, HTML_DIV, HTML_ATTR_CLASS, "app-account", -1);
		html_open(h, HTML_SPAN, HTML_ATTR_CLASS, "app-account__user", -1);
		html_textf(h, "%s (%s)", pg->ss->user.display_name[0] ? pg->ss->user.display_name
								   : pg->ss->user.username,
			   model_role_name(role));
		html_close(h);
		html_open(h, HTML_FORM, HTML_ATTR_METHOD, "post", HTML_ATTR_ACTION, "/sign-out",
			  HTML_ATTR_CLASS, "app-account__form", -1);
		page_csrf_field(pg);
		html_open(h, HTML_BUTTON, HTML_ATTR_TYPE, "submit", HTML_ATTR_CLASS,
			  "app-account__signout", -1);
		html_text(h, "Sign out");
		html_close(h);
		html_close(h);
		html_close(h);
	}
	html_close(h);
	html_open(h, HTML_NAV, HTML_ATTR_CLASS, "nhsuk-header__navigation", HTML_ATTR_ARIA_LABEL,
		  "Menu", -1);
	html_open(h, HTML_UL, HTML_ATTR_CLASS, "nhsuk-header__navigation-list nhsuk-width-container",
		  -1);
	if (pg->ss) {
		if (role != MODEL_ROLE_ADMIN) {
			nav_link(pg, "/", "Needs attention");
			nav_link(pg, "/providers", "Providers");
			nav_link(pg, "/mortality", "Mortality");
		}
		if (role == MODEL_ROLE_ADMIN || role == MODEL_ROLE_COMMISSIONER ||
		    role == MODEL_ROLE_PROVIDER)
			nav_link(pg, "/imports", "Imports");
		if (role == MODEL_ROLE_ADMIN) {
			nav_link(pg, "/admin/users", "Users");
			nav_link(pg, "/admin/organisations", "Organisations");
			nav_link(pg, "/admin/relationships", "Commissioning");
			nav_link(pg, "/admin/catalogue", "Indicators");
		}
	} else {
		nav_link(pg, "/sign-in", "Sign in");
	}
	html_close(h);
	html_close(h);
	html_close(h); /* header */
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-width-container", -1);
	html_open(h, HTML_MAIN, HTML_ATTR_CLASS, "nhsuk-main-wrapper", HTML_ATTR_ID, "main-content",
		  -1);
}

void page_end(struct page *pg)
{
	struct html *h = &pg->h;

	html_close(h); /* main */
	html_close(h); /* container */
	html_open(h, HTML_FOOTER, HTML_ATTR_CLASS, "nhsuk-footer", -1);
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-width-container app-footer", -1);
	html_elem(h, HTML_P, "nhsuk-body-s",
		  "Data: NHS England (A&E attendances) and NHS Digital (maternity statistics, trust "
		  "locations, PROMs), Open Government Licence v3.0.");
	html_elem(h, HTML_P, "nhsuk-body-s",
		  "Demo: the users, the commissioners, which providers they commission, and the "
		  "providers named \u201c(invented)\u201d with all their figures and hospital "
		  "spells are invented for the demonstration and are not real.");
	html_finish(h);
	if (!pg->res->status)
		pg->res->status = 200;
}

static void short_page(struct page *pg, unsigned status, const char *title, const char *text)
{
	cu_buf_reset(pg->res->body);
	html_init(&pg->h, pg->res->body);
	pg->res->status = status;
	pg->res->type = NULL;
	pg->res->location[0] = '\0';
	page_start(pg, title);
	html_elem(&pg->h, HTML_H1, NULL, title);
	html_elem(&pg->h, HTML_P, NULL, text);
	page_end(pg);
}

void page_not_found(struct page *pg)
{
	short_page(pg, 404, "Page not found",
		   "There is nothing at this address, or you do not have access to it.");
}

void page_forbidden(struct page *pg)
{
	short_page(pg, 403, "Not allowed", "Your role does not give access to this page.");
}

void page_error(struct page *pg, const struct cu_err *err)
{
	char line[1024];

	if (err->code == CU_ENOENT || err->code == CU_EDENIED) {
		page_not_found(pg);
		return;
	}
	fprintf(stderr, "custodian: %s\n", cu_err_format(err, line, sizeof line));
	short_page(pg, 500, "Something went wrong",
		   "The page could not be made. The error has been logged; try again later.");
}

void page_redirect(struct page *pg, const char *location)
{
	cu_buf_reset(pg->res->body);
	pg->res->status = 303;
	snprintf(pg->res->location, sizeof pg->res->location, "%s", location);
}

/*
 * "Previous" and "Next" links of a paginated list. SORT is a column's key from the page's own
 * static table, never the request's text, so the link needs no encoding beyond the writer's.
 */
void page_pager(struct page *pg, const char *base, const char *sort, bool desc, long pageno,
		long pages)
{
	struct html *h = &pg->h;
	char href[512];

	if (pages <= 1)
		return;
	html_open(h, HTML_NAV, HTML_ATTR_CLASS, "nhsuk-pagination", HTML_ATTR_ROLE, "navigation",
		  HTML_ATTR_ARIA_LABEL, "Pagination", -1);
	html_open(h, HTML_UL, HTML_ATTR_CLASS, "nhsuk-list nhsuk-pagination__list", -1);
	if (pageno > 1) {
		snprintf(href, sizeof href, "%s?sort=%s&dir=%s&page=%ld", base, sort,
			 desc ? "desc" : "asc", pageno - 1);
		html_open(h, HTML_LI, HTML_ATTR_CLASS, "nhsuk-pagination-item--previous", -1);
		html_link(h, href, NULL, "nhsuk-pagination__link nhsuk-pagination__link--prev",
			  "Previous page");
		html_close(h);
	}
	if (pageno < pages) {
		snprintf(href, sizeof href, "%s?sort=%s&dir=%s&page=%ld", base, sort,
			 desc ? "desc" : "asc", pageno + 1);
		html_open(h, HTML_LI, HTML_ATTR_CLASS, "nhsuk-pagination-item--next", -1);
		html_link(h, href, NULL, "nhsuk-pagination__link nhsuk-pagination__link--next",
			  "Next page");
		html_close(h);
	}
	html_close(h);
	html_close(h);
	html_open(h, HTML_P, HTML_ATTR_CLASS, "nhsuk-body-s", -1);
	html_textf(h, "Page %ld of %ld", pageno, pages);
	html_close(h);
}

/* ---- lists: sorted, paged, one way for every list page (see app.h) ---- */

void page_rows_add(struct page_rows *r, const void *row)
{
	r->p = xgrow(r->p, r->n, &r->cap, r->size);
	memcpy((char *)r->p + r->n * r->size, row, r->size);
	r->n++;
}

int page_text_cmp(const char *a, const char *b)
{
	int c = strcasecmp(a, b);

	return c ? c : strcmp(a, b);
}

/* Rows A and B in column C's ascending order: <0, 0 or >0. */
static int col_cmp(const struct page_col *c, const void *a, const void *b)
{
	const char *x = (const char *)a + c->off, *y = (const char *)b + c->off;

	switch (c->sort) {
	case PAGE_SORT_TEXT:
		return page_text_cmp(x, y);
	case PAGE_SORT_INT64: {
		int64_t p = *(const int64_t *)(const void *)x, q = *(const int64_t *)(const void *)y;

		return (p > q) - (p < q);
	}
	case PAGE_SORT_BOOL:
		return (int)*(const bool *)(const void *)x - (int)*(const bool *)(const void *)y;
	case PAGE_SORT_FN:
		return c->cmp(a, b);
	case PAGE_SORT_NONE:
		break;
	}
	return 0;
}

/* An order of rows: by COL (descending when DESC); rows that tie there by TIE (NULL: none,
 * descending when TIE_DESC). */
struct list_order {
	const struct page_col *col, *tie;
	bool desc, tie_desc;
};

static int order_cmp(const struct list_order *o, const void *a, const void *b)
{
	int r = col_cmp(o->col, a, b);

	if (o->desc)
		r = -r;
	if (!r && o->tie) {
		r = col_cmp(o->tie, a, b);
		if (o->tie_desc)
			r = -r;
	}
	return r;
}

/*
 * Merge sort of the row pointers P[0 .. N) in order O, with TMP (room for N) as scratch. A row
 * from the right half goes first only when it is strictly before the left one, so rows that
 * tie keep their order (the store's). qsort is neither stable nor able to carry O without a
 * global.
 */
static void list_sort(const void **p, const void **tmp, size_t n, const struct list_order *o)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	list_sort(p, tmp, mid, o);
	list_sort(p + mid, tmp, n - mid, o);
	while (i < mid && j < n)
		tmp[k++] = order_cmp(o, p[j], p[i]) < 0 ? p[j++] : p[i++];
	while (i < mid)
		tmp[k++] = p[i++];
	while (j < n)
		tmp[k++] = p[j++];
	memcpy(p, tmp, n * sizeof *p);
}

void page_list_view(const struct page_list *l, const char *sort, const char *dir,
		    const char *page, struct page_list_view *out)
{
	long long want;
	struct cu_err err;

	assert(l->def < l->ncols && l->cols[l->def].sort != PAGE_SORT_NONE);
	out->col = l->def;
	for (size_t i = 0; sort && i < l->ncols; i++)
		if (l->cols[i].sort != PAGE_SORT_NONE && l->cols[i].key &&
		    strcmp(l->cols[i].key, sort) == 0)
			out->col = i;
	if (dir && strcmp(dir, "asc") == 0)
		out->desc = false;
	else if (dir && strcmp(dir, "desc") == 0)
		out->desc = true;
	else
		out->desc = l->cols[out->col].desc_first;
	out->pages = l->n ? (long)((l->n + PAGE_ROWS - 1) / PAGE_ROWS) : 1;
	out->pageno = 1;
	cu_err_clear(&err);
	if (page && cu_num_int(cu_str_of(page), 1, out->pages, &want, &err) == 0)
		out->pageno = (long)want;
}

/* One heading: a link to its sort (the other direction when it is the sorted column). */
static void list_heading(struct html *h, const struct page_list *l,
			 const struct page_list_view *v, size_t i)
{
	const struct page_col *c = &l->cols[i];
	bool sorted = i == v->col;
	bool desc = sorted ? !v->desc : c->desc_first;
	char href[512];

	if (c->sort == PAGE_SORT_NONE) {
		html_open(h, HTML_TH, HTML_ATTR_CLASS, "nhsuk-table__header", HTML_ATTR_SCOPE, "col",
			  -1);
		html_text(h, c->label);
		html_close(h);
		return;
	}
	snprintf(href, sizeof href, "%s?sort=%s&dir=%s", l->path, c->key, desc ? "desc" : "asc");
	html_open(h, HTML_TH, HTML_ATTR_CLASS, "nhsuk-table__header", HTML_ATTR_SCOPE, "col",
		  HTML_ATTR_ARIA_SORT,
		  sorted ? (v->desc ? "descending" : "ascending") : NULL, -1);
	html_link(h, href, NULL, NULL, c->label);
	html_close(h);
}

void page_list(struct page *pg, const struct page_list *l)
{
	struct html *h = &pg->h;
	struct page_list_view v;
	const void **p, **tmp;
	size_t first, last;

	page_list_view(l, web_query(pg->req, "sort"), web_query(pg->req, "dir"),
		       web_query(pg->req, "page"), &v);
	if (l->n == 0) {
		html_elem(h, HTML_P, NULL, l->empty);
		return;
	}
	p = xcalloc(l->n, sizeof *p);
	tmp = xcalloc(l->n, sizeof *tmp);
	for (size_t i = 0; i < l->n; i++)
		p[i] = (const char *)l->rows + i * l->size;
	list_sort(p, tmp, l->n,
		  &(struct list_order){ .col = &l->cols[v.col],
					.desc = v.desc,
					.tie = v.col == l->def ? NULL : &l->cols[l->def],
					.tie_desc = l->cols[l->def].desc_first });
	first = (size_t)(v.pageno - 1) * PAGE_ROWS;
	last = first + PAGE_ROWS < l->n ? first + PAGE_ROWS : l->n;

	html_open(h, HTML_TABLE, HTML_ATTR_CLASS, "nhsuk-table", -1);
	html_open(h, HTML_CAPTION, HTML_ATTR_CLASS, "nhsuk-table__caption", -1);
	html_text(h, l->caption);
	html_open(h, HTML_SPAN, HTML_ATTR_CLASS, "nhsuk-caption-m", -1);
	if (v.pages > 1)
		html_textf(h, "%zu %s, sorted by %s (%s); %zu to %zu shown. ", l->n, l->noun,
			   l->cols[v.col].label, v.desc ? "descending" : "ascending", first + 1,
			   last);
	else
		html_textf(h, "%zu %s, sorted by %s (%s). ", l->n, l->noun, l->cols[v.col].label,
			   v.desc ? "descending" : "ascending");
	html_text(h, "Choose a column heading to sort by it.");
	html_close(h);
	html_close(h);
	html_open(h, HTML_THEAD, HTML_ATTR_CLASS, "nhsuk-table__head", -1);
	html_open(h, HTML_TR, -1);
	for (size_t i = 0; i < l->ncols; i++)
		list_heading(h, l, &v, i);
	html_close(h);
	html_close(h);
	html_open(h, HTML_TBODY, HTML_ATTR_CLASS, "nhsuk-table__body", -1);
	for (size_t i = first; i < last; i++) {
		html_open(h, HTML_TR, HTML_ATTR_CLASS, "nhsuk-table__row", -1);
		l->cells(h, p[i], l->arg);
		html_close(h);
	}
	html_close(h);
	html_close(h);
	page_pager(pg, l->path, l->cols[v.col].key, v.desc, v.pageno, v.pages);
	free(p);
	free(tmp);
}

/* ---- tables and form errors, as the NHS.UK design system draws them ---- */

void page_table_start(struct html *h, const char *caption, const char *const *cols)
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

void page_table_end(struct html *h)
{
	html_close(h);
	html_close(h);
}

void page_cell(struct html *h, const char *text)
{
	html_elem(h, HTML_TD, "nhsuk-table__cell", text);
}

void page_error_summary(struct html *h, const char *const *msgs, const char *const *fields,
			size_t n)
{
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-error-summary", HTML_ATTR_ROLE, "alert",
		  HTML_ATTR_ARIA_LABELLEDBY, "error-summary-title", HTML_ATTR_TABINDEX, "-1", -1);
	html_open(h, HTML_H2, HTML_ATTR_CLASS, "nhsuk-error-summary__title", HTML_ATTR_ID,
		  "error-summary-title", -1);
	html_text(h, "There is a problem");
	html_close(h);
	html_open(h, HTML_UL, HTML_ATTR_CLASS, "nhsuk-list nhsuk-error-summary__list", -1);
	for (size_t i = 0; i < n; i++) {
		html_open(h, HTML_LI, -1);
		if (fields && fields[i]) {
			char href[80];

			snprintf(href, sizeof href, "#%s", fields[i]);
			html_link(h, href, NULL, NULL, msgs[i]);
		} else {
			html_text(h, msgs[i]);
		}
		html_close(h);
	}
	html_close(h);
	html_close(h);
}

/* ---- the request ---- */

/*
 * One store connection per server thread, kept between requests: opening a connection reads
 * the schema and prepares every statement again, which cost more than most pages. SQLite
 * connections belong to one thread; each outside-a-transaction read sees the latest commit,
 * so keeping it changes nothing a request sees. A thread's connection is closed when the
 * thread ends (the server stopping).
 */
static pthread_key_t conn_key;
static pthread_once_t conn_once = PTHREAD_ONCE_INIT;

struct thread_conn {
	struct store *s;
	char path[1024];
};

static void conn_close(void *p)
{
	struct thread_conn *tc = p;

	store_close(tc->s);
	free(tc);
}

static void conn_key_make(void)
{
	pthread_key_create(&conn_key, conn_close);
}

/* This thread's connection to PATH, opening it when there is none (or another path). */
static int thread_store(const char *path, struct store **out, struct cu_err *err)
{
	struct thread_conn *tc;
	int rc;

	pthread_once(&conn_once, conn_key_make);
	tc = pthread_getspecific(conn_key);
	if (tc && strcmp(tc->path, path) == 0) {
		*out = tc->s;
		return 0;
	}
	if (tc) {
		store_close(tc->s);
		tc->s = NULL;
	} else {
		tc = xcalloc(1, sizeof *tc);
		pthread_setspecific(conn_key, tc);
	}
	snprintf(tc->path, sizeof tc->path, "%s", path);
	if ((rc = store_open(path, 0, &tc->s, err)))
		tc->path[0] = '\0';
	*out = tc->s;
	return rc;
}

static void resolve_session(struct page *pg)
{
	static struct auth_session none;
	struct cu_err err;
	enum auth_status st;

	pg->actor = (struct cu_actor){ .name = "public", .role = MODEL_ROLE_PUBLIC };
	pg->csrf[0] = '\0';
	pg->ss = NULL;
	if (!pg->req->cookie_session)
		return;
	cu_err_clear(&err);
	pg->ss = xmalloc(sizeof *pg->ss);
	*pg->ss = none;
	st = auth_session_lookup(pg->req->auth, pg->s, pg->req->cookie_session, pg->req->now,
				 pg->ss, &err);
	if (st != AUTH_OK) {
		free(pg->ss);
		pg->ss = NULL;
		return;
	}
	pg->actor = pg->ss->actor;
	auth_csrf_token(pg->ss, pg->csrf);
}

void app_handle(struct web_request *req, struct web_response *res)
{
	struct page pg = { .req = req, .res = res };
	struct cu_err err;
	char copy[CU_MAX_URL_BYTES + 1];
	const struct route *rt = NULL;
	bool path_known = false;
	bool head = strcmp(req->method, "HEAD") == 0;

	html_init(&pg.h, res->body);
	cu_err_clear(&err);
	for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
		const char *arg[4] = { 0 };

		if (!match(routes[i].pattern, req->path, copy, sizeof copy, arg))
			continue;
		path_known = true;
		if (strcmp(routes[i].method, head ? "GET" : req->method) == 0) {
			rt = &routes[i];
			memcpy(pg.arg, arg, sizeof arg);
			break;
		}
	}
	if (thread_store(req->db_path, &pg.s, &err)) {
		page_error(&pg, &err);
		return;
	}
	resolve_session(&pg);
	if (!rt) {
		bool api = strncmp(req->path, "/api/", 5) == 0;

		if (path_known && api) {
			api_problem(&pg, 405, "Method not allowed",
				    "This resource does not take that method.");
		} else if (path_known) {
			short_page(&pg, 405, "Not allowed", "This address does not take that method.");
		} else if (api) {
			api_problem(&pg, 404, "Not found", "There is no such resource.");
		} else {
			page_not_found(&pg);
		}
		goto done;
	}
	if (rt->need != NEED_NONE && !pg.ss) {
		if (rt->api)
			api_problem(&pg, 401, "Sign-in needed", "Sign in to use the API.");
		else if (strcmp(req->method, "POST") == 0)
			short_page(&pg, 403, "Signed out", "Your session has ended. Sign in again.");
		else
			page_redirect(&pg, "/sign-in");
		goto done;
	}
	/* No state changes without the session's form token (sign-in has its own check). */
	if (strcmp(req->method, "POST") == 0 && pg.ss &&
	    auth_csrf_check(pg.ss, web_form(req, "csrf")) != 0) {
		short_page(&pg, 403, "Form expired",
			   "The form was out of date or not sent by this site. Go back, reload "
			   "the page and try again.");
		goto done;
	}
	if ((rt->need == NEED_ADMIN && pg.actor.role != MODEL_ROLE_ADMIN) ||
	    (rt->need == NEED_SUBMIT && pg.actor.role != MODEL_ROLE_ADMIN &&
	     pg.actor.role != MODEL_ROLE_COMMISSIONER && pg.actor.role != MODEL_ROLE_PROVIDER)) {
		if (rt->api)
			api_problem(&pg, 403, "Not allowed", "Your role does not give access to this.");
		else
			page_forbidden(&pg);
		goto done;
	}
	rt->fn(&pg);
done:
	if (head) {
		cu_buf_reset(res->body);
	}
	if (pg.ss) {
		auth_session_clear(pg.ss);
		free(pg.ss);
	}
	store_idle(pg.s);
}
