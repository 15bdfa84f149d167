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

#include <stdbool.h>
#include <stddef.h>

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
/*
 * "Previous" and "Next" links of page PAGENO of PAGES of the list at BASE sorted by SORT (a
 * column's key), descending when DESC, and "Page PAGENO of PAGES"; nothing when PAGES <= 1.
 */
void page_pager(struct page *pg, const char *base, const char *sort, bool desc, long pageno,
		long pages);

/*
 * Lists. Every list page shows its rows through page_list: the page reads the rows it may
 * show (the store decides which) into an array, describes the columns in a static table, and
 * page_list reads ?sort=, ?dir= and ?page= from the request, sorts, cuts out the page and
 * writes the table and the pager. One list per page (the query names are the page's own).
 *
 * The query is validated like any other input, and nothing in it is an error: ?sort= must be
 * the key of a sortable column, ?dir= "asc" or "desc", ?page= a whole number from 1 to the
 * number of pages (page_list_view); anything else (absent, unknown, empty, negative, huge,
 * not a number) falls back to the default column, that column's first direction and page 1.
 *
 * Rows that tie on the column sorted by are ordered by the default column (in its first
 * direction), and rows that tie on both keep the order the store gave them (the sort is
 * stable), so every order is fully determined. Text is compared without regard to ASCII case
 * (then byte by byte), numbers by value, false before true.
 */
enum page_sort {
	PAGE_SORT_NONE,  /* the column is not sortable: a plain heading */
	PAGE_SORT_TEXT,  /* a NUL-terminated char array at OFF in the row */
	PAGE_SORT_INT64, /* an int64_t at OFF */
	PAGE_SORT_BOOL,  /* a bool at OFF */
	PAGE_SORT_FN,    /* CMP decides: for what the page derives (names of enums, "name (code)") */
};

struct page_col {
	const char *label;     /* the heading */
	const char *key;       /* the ?sort= value that sorts by this column; NULL when NONE */
	enum page_sort sort;
	size_t off;            /* offsetof the field in the row (TEXT, INT64, BOOL) */
	int (*cmp)(const void *a, const void *b); /* FN: rows A and B, ascending, like qsort's */
	bool desc_first;       /* its heading sorts descending first (newest, largest) */
};

struct page_list {
	const char *path;      /* the page's path: links are PATH?sort=K&dir=D&page=N */
	const char *caption;   /* the table's caption (its accessible name) */
	const char *noun;      /* what the rows are, plural, for the count: "users" */
	const char *empty;     /* the sentence shown instead of the table when there are no rows */
	const struct page_col *cols;
	size_t ncols;
	size_t def;            /* the column sorted by by default; must be sortable */
	const void *rows;      /* N rows of SIZE bytes, in the store's order; not changed */
	size_t n, size;
	/* Write one row's cells (page_cell or <td>s); page_list writes the <tr>. ARG is passed on. */
	void (*cells)(struct html *h, const void *row, void *arg);
	void *arg;
};

/* What a list's query asks for, after validation. */
struct page_list_view {
	size_t col;            /* the column sorted by */
	bool desc;
	long pageno, pages;    /* 1 <= PAGENO <= PAGES; PAGES is 1 for an empty list */
};

/*
 * Validate the query values SORT, DIR and PAGE (each may be NULL) against list L into *OUT,
 * as described above. Pure: reads only its arguments.
 */
void page_list_view(const struct page_list *l, const char *sort, const char *dir,
		    const char *page, struct page_list_view *out);
/*
 * Write list L at this point of the page: its table (caption with the count and the order,
 * headings that link to their sort, aria-sort on the sorted one) holding the rows of the page
 * asked for, then the pager; or L->empty in a paragraph when there are no rows. Allocates
 * only an index of the rows (freed before it returns).
 */
void page_list(struct page *pg, const struct page_list *l);

/* Texts in a list's order: without regard to ASCII case, then byte by byte (so distinct
 * texts never tie). For PAGE_SORT_FN comparators of text the page derives. */
int page_text_cmp(const char *a, const char *b);

/* A growable array of rows of SIZE bytes for the store's list callbacks (free P with free()). */
struct page_rows {
	void *p;
	size_t n, cap, size;
};
/* Append a copy of ROW (R->size bytes) to R. Aborts when memory runs out (xgrow). */
void page_rows_add(struct page_rows *r, const void *row);
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
/* The JSON API (api.c, docs/api.md): each resource mirrors a page's data. */
void api_providers(struct page *pg);
void api_provider(struct page *pg);
void api_series(struct page *pg);
void api_attention(struct page *pg);
void api_funnel(struct page *pg);
/* Risk-adjusted mortality (api.c, from mortality.h): the funnel, a provider, a group. */
void api_mortality(struct page *pg);
void api_mortality_provider(struct page *pg);
void api_mortality_group(struct page *pg);
void api_imports(struct page *pg);
void api_admin_users(struct page *pg);
void api_admin_orgs(struct page *pg);
void api_admin_relationships(struct page *pg);
void api_catalogue(struct page *pg);
void api_problem(struct page *pg, unsigned status, const char *title, const char *detail);

#endif
