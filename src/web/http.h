/*
 * One HTTP exchange as the application sees it: the request the server parsed (method, path,
 * query, form fields, an uploaded file, cookies, client address) and the response a page
 * builds (status, type, body, redirect, cookies, download name). server.c fills the request
 * from libmicrohttpd and sends the response; app.c routes it; the pages never touch HTTP.
 */
#ifndef CU_WEB_HTTP_H
#define CU_WEB_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "model/actor.h"

#define WEB_MAX_FIELDS 64   /* query arguments or form fields kept per request */
#define WEB_NONCE_LEN 24    /* a CSP nonce: 22 base64url characters and a NUL */

struct web_kv {
	const char *key, *value;
};

struct auth;
struct store;
struct auth_session;

struct web_request {
	const char *method;        /* "GET", "HEAD" or "POST" */
	const char *path;          /* percent-decoded, without the query */
	struct web_kv query[WEB_MAX_FIELDS];
	int nquery;
	struct web_kv form[WEB_MAX_FIELDS];
	int nform;
	const char *upload_path;   /* the uploaded file, saved to a private temporary file */
	const char *upload_name;   /* its name as the browser gave it */
	int64_t upload_bytes;
	const char *cookie_session; /* the session cookie's value, or NULL */
	const char *cookie_pre;    /* the sign-in form's cookie, or NULL */
	const char *client_addr;
	const char *accept;        /* the Accept header, or "" */
	int64_t now;               /* seconds since the epoch */
	char nonce[WEB_NONCE_LEN]; /* this response's CSP nonce */
	/* Set by the application for the pages: */
	const char *db_path;
	const char *home;          /* where profiles/ lives */
	struct auth *auth;
	bool secure;               /* served over TLS (behind a proxy) */
};

struct web_response {
	unsigned status;
	const char *type;          /* Content-Type; NULL: text/html; charset=utf-8 */
	struct cu_buf *body;       /* owned by the server */
	char location[512];        /* a redirect target ("" when none) */
	char cookies[2][256];      /* Set-Cookie values */
	int ncookies;
	char download[160];        /* Content-Disposition file name ("" when none) */
	bool cacheable;            /* else Cache-Control: no-store */
};

/* The query argument or form field KEY, or NULL. */
const char *web_query(const struct web_request *r, const char *key);
const char *web_form(const struct web_request *r, const char *key);

/* Route REQ, a request for the application, and fill RES (app.c). */
void app_handle(struct web_request *req, struct web_response *res);

#endif
