/*
 * The application: one request in, one page out. app.c resolves who is asking (the session
 * cookie to a store actor, or the public), checks the form token of every POST, routes the
 * path through one table and gives the page a struct page: the request, the response, an
 * open store connection, the actor and the HTML writer. Access to data is decided by the
 * store alone; the table only says whether a page needs someone signed in.
 *
 * Pages live in pages.c (providers, charts, funnels, needs attention), admin.c (imports and
 * administration), signin.c and api.c (the JSON API).
 */
#ifndef CU_WEB_APP_H
#define CU_WEB_APP_H

#include "base/err.h"
#include "store/store.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"

/* The sign-in form's own cookie (double submit: the form carries the same value). */
#define APP_PRE_COOKIE "custodian_signin"

struct page {
	struct web_request *req;
	struct web_response *res;
	struct store *s;
	struct auth_session *ss;  /* NULL for the public */
	struct cu_actor actor;    /* the signed-in user, or the public */
	char csrf[AUTH_CSRF_LEN]; /* the session's form token ("" for the public) */
	struct html h;
	const char *arg[4];       /* the path's captured segments */
};

/* Page layout: the NHS.UK header with the user and navigation, the main column, the footer. */
void page_start(struct page *pg, const char *title);
void page_end(struct page *pg);
/* Whole pages for the usual answers. NOT_FOUND is also what a denied resource gets. */
void page_not_found(struct page *pg);
void page_forbidden(struct page *pg);
void page_error(struct page *pg, const struct cu_err *err);
void page_redirect(struct page *pg, const char *location);
/* A form's hidden form-token field. */
void page_csrf_field(struct page *pg);
/* An NHS.UK table: caption, header row of COLS (NULL-ended), then an open body for rows of
 * page_cell; page_table_end closes it. */
void page_table_start(struct html *h, const char *caption, const char *const *cols);
void page_table_end(struct html *h);
void page_cell(struct html *h, const char *text);
/* The NHS.UK error summary: message i linked to the field with id FIELDS[i] (FIELDS, or an
 * entry of it, may be NULL: the message is then plain text). */
void page_error_summary(struct html *h, const char *const *msgs, const char *const *fields,
			size_t n);
/* Rows per page of a long list. */
#define PAGE_ROWS 50
/* "Previous" and "Next" links of page PAGENO of PAGES of the list at BASE sorted by SORT. */
void page_pager(struct page *pg, const char *base, const char *sort, long pageno, long pages);
/* A page's own link: PATH with one escaped segment appended, then SUFFIX (may be NULL). */
void page_href(char *out, size_t n, const char *path, const char *segment, const char *suffix);

/* Pages (each fills pg->res). */
void page_home(struct page *pg);
void page_providers(struct page *pg);
void page_provider(struct page *pg);
void page_indicator(struct page *pg);
void page_rebase_add(struct page *pg);
void page_funnel(struct page *pg);
/* Risk-adjusted mortality from spells imports (mortality.c): the funnel of providers, one
 * provider's ratio over time and its diagnosis groups, one provider and group's CUSUM. */
void page_mortality(struct page *pg);
void page_mortality_provider(struct page *pg);
void page_mortality_group(struct page *pg);
void page_signin_form(struct page *pg);
void page_signin(struct page *pg);
void page_signout(struct page *pg);
void page_imports(struct page *pg);
void page_import_upload(struct page *pg);
void page_admin_users(struct page *pg);
void page_admin_user_add(struct page *pg);
void page_admin_orgs(struct page *pg);
void page_admin_relationships(struct page *pg);
void page_admin_relationship_add(struct page *pg);
void page_admin_catalogue(struct page *pg);
void api_providers(struct page *pg);
void api_provider(struct page *pg);
void api_series(struct page *pg);
void api_problem(struct page *pg, unsigned status, const char *title, const char *detail);

#endif
