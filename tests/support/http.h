/*
 * A small HTTP/1.1 client for the web tests: one exchange per connection, the whole reply
 * kept in http_reply, cookies and form fields read back out of it, and the sign-in form
 * walked as a browser would.
 */
#ifndef CU_TEST_HTTP_H
#define CU_TEST_HTTP_H

#include <jansson.h>
#include <stddef.h>

#define HTTP_REPLY_MAX (1 << 21)
#define HTTP_COOKIE_MAX 128 /* a session cookie, "custodian_session=..." */
#define HTTP_CSRF_MAX 64    /* a form token */

struct web_server;

extern unsigned http_port;            /* the server on 127.0.0.1 */
extern char http_reply[HTTP_REPLY_MAX]; /* the last reply, headers and body */
extern const char *http_password;      /* what http_sign_in types as the password */

/* A connection to the server from the local address SRC (NULL: any), or -1. */
int http_connect_from(const char *src);
/* Send REQ (LEN bytes) from SRC and read the whole reply. Returns the status, or -1. */
int http_exchange_from(const char *src, const char *req, size_t len);
int http_exchange(const char *req);
/* GET PATH, or POST the urlencoded BODY to it, with COOKIE ("name=value", may be NULL). */
int http_get(const char *cookie, const char *path);
int http_post(const char *cookie, const char *path, const char *body);
/* The value of header NAME starting with PREFIX, up to ';', into OUT. 0 or -1. */
int http_header(const char *name, const char *prefix, char *out, size_t n);
/* The body of the last reply. */
const char *http_body(void);
/* The body of the last reply as JSON (the caller's json_decref), or NULL with a failure
 * recorded at FILE:LINE. */
json_t *http_body_json(const char *file, int line);
/* The value="..." of the input named NAME in the last reply. 0 or -1. */
int http_form_value(const char *name, char *out, size_t n);
/* Sign USER in through the form: COOKIE gets the session cookie, CSRF the form token. */
int http_sign_in(const char *user, char *cookie, size_t n, char *csrf, size_t ncsrf);
/*
 * Serve the database DB (with the source tree's assets) on a free port of 127.0.0.1, set
 * http_port, and sign each of the N users USER[i] in (NULL entries are skipped; the password
 * is http_password), keeping their session cookies in COOKIE[i] and form tokens in CSRF[i].
 * Returns the server (web_stop it), or NULL with the reason on standard error.
 */
struct web_server *http_serve(const char *db, const char *const *user, size_t n,
			      char (*cookie)[HTTP_COOKIE_MAX], char (*csrf)[HTTP_CSRF_MAX]);

#endif
