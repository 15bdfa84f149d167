/*
 * Pages: the router and the HTML pages. Each page reads through the store with the request's
 * actor and writes through the escaping HTML writer. Until sign-in exists (the web application
 * issue), every request acts as a read-only commissioner, "web:demo".
 */
#ifndef CU_WEB_PAGES_H
#define CU_WEB_PAGES_H

#include "base/buf.h"

struct page_request {
	const char *db_path;
	const char *path; /* percent-decoded path, without the query */
};

struct page_result {
	unsigned status;    /* HTTP status */
	struct cu_buf *body; /* the page; owned by the caller */
};

/* Route REQ to its page and render it into RES (404 page for unknown paths). */
void pages_route(const struct page_request *req, struct page_result *res);

#endif
