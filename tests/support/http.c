/* See http.h. */
#include "support/http.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/err.h"
#include "test.h"
#include "web/server.h"

unsigned http_port;
char http_reply[HTTP_REPLY_MAX];
const char *http_password = "";

int http_connect_from(const char *src)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)http_port) };
	struct timeval tv = { 20, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (src) {
		struct sockaddr_in me = { .sin_family = AF_INET };

		inet_pton(AF_INET, src, &me.sin_addr);
		if (bind(fd, (struct sockaddr *)&me, sizeof me) != 0) {
			close(fd);
			return -1;
		}
	}
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send REQ (LEN bytes) from SRC (NULL: any) and read the http_reply. Returns the status. */
int http_exchange_from(const char *src, const char *req, size_t len)
{
	int fd = http_connect_from(src), status = 0;
	size_t n = 0;
	ssize_t k;

	http_reply[0] = '\0';
	if (fd < 0)
		return -1;
	if (write(fd, req, len) < 0) {
		close(fd);
		return -1;
	}
	while (n < sizeof http_reply - 1 && (k = read(fd, http_reply + n, sizeof http_reply - 1 - n)) > 0)
		n += (size_t)k;
	http_reply[n] = '\0';
	close(fd);
	if (strncmp(http_reply, "HTTP/1.", 7) == 0)
		status = atoi(http_reply + 9);
	return status;
}

int http_exchange(const char *req)
{
	return http_exchange_from(NULL, req, strlen(req));
}

/* GET PATH with the session COOKIE (NULL: none). */
int http_get(const char *cookie, const char *path)
{
	char req[8192];

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s%s%s\r\n",
		 path, cookie ? "Cookie: " : "", cookie ? cookie : "", cookie ? "\r\n" : "");
	return http_exchange(req);
}

/* POST the urlencoded BODY to PATH with COOKIE. */
int http_post(const char *cookie, const char *path, const char *body)
{
	char req[16384];

	snprintf(req, sizeof req,
		 "POST %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s%s%s"
		 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s",
		 path, cookie ? "Cookie: " : "", cookie ? cookie : "", cookie ? "\r\n" : "",
		 strlen(body), body);
	return http_exchange(req);
}

/* The value of header NAME ("Set-Cookie") whose value starts with PREFIX, up to ';'. */
int http_header(const char *name, const char *prefix, char *out, size_t n)
{
	char key[64];
	const char *p = http_reply;

	snprintf(key, sizeof key, "\r\n%s: %s", name, prefix);
	if (!(p = strstr(http_reply, key)))
		return -1;
	p += strlen(key) - strlen(prefix);
	snprintf(out, n, "%.*s", (int)strcspn(p, ";\r"), p);
	return 0;
}

/* The body of the last http_reply. */
const char *http_body(void)
{
	const char *b = strstr(http_reply, "\r\n\r\n");

	return b ? b + 4 : "";
}

/* The value="..." of the input named NAME in the last http_reply. */
int http_form_value(const char *name, char *out, size_t n)
{
	char key[80];
	const char *p;

	snprintf(key, sizeof key, "name=\"%s\" value=\"", name);
	if (!(p = strstr(http_reply, key)))
		return -1;
	p += strlen(key);
	snprintf(out, n, "%.*s", (int)strcspn(p, "\""), p);
	return 0;
}

/* Sign USER in through the form; COOKIE gets "custodian_session=..." and CSRF the form token. */
int http_sign_in(const char *user, char *cookie, size_t n, char *csrf, size_t ncsrf)
{
	char pre_cookie[128], pre[64], bodytext[256], hdr[160];

	if (http_get(NULL, "/sign-in") != 200 ||
	    http_header("Set-Cookie", "custodian_signin=", pre_cookie, sizeof pre_cookie) ||
	    http_form_value("pre", pre, sizeof pre))
		return -1;
	snprintf(bodytext, sizeof bodytext, "pre=%s&username=%s&password=%s", pre, user, http_password);
	for (char *c = bodytext; *c; c++)
		if (*c == ' ')
			*c = '+';
	snprintf(hdr, sizeof hdr, "%s", pre_cookie);
	if (http_post(hdr, "/sign-in", bodytext) != 303 ||
	    http_header("Set-Cookie", "custodian_session=", cookie, n))
		return -1;
	if (http_get(cookie, "/providers") != 200 || http_form_value("csrf", csrf, ncsrf))
		return -1;
	return 0;
}


struct web_server *http_serve(const char *db, const char *const *user, size_t n,
			      char (*cookie)[HTTP_COOKIE_MAX], char (*csrf)[HTTP_CSRF_MAX])
{
	struct web_config cfg = { .address = "127.0.0.1", .port = 0, .home = CU_SOURCE_DIR,
				  .quiet = 1, .db_path = db };
	struct web_server *w;
	struct cu_err err;

	cu_err_clear(&err);
	if (!(w = web_start(&cfg, &err))) {
		fprintf(stderr, "web_start: %s\n", err.msg);
		return NULL;
	}
	http_port = web_port(w);
	for (size_t i = 0; i < n; i++)
		if (user[i] && http_sign_in(user[i], cookie[i], HTTP_COOKIE_MAX, csrf[i],
					    HTTP_CSRF_MAX)) {
			fprintf(stderr, "cannot sign in as %s: %.300s\n", user[i], http_reply);
			web_stop(w);
			return NULL;
		}
	return w;
}

json_t *http_body_json(const char *file, int line)
{
	json_error_t je;
	json_t *j = json_loads(http_body(), 0, &je);

	if (!j)
		test_fail(file, line, "not JSON (%s): %.200s", je.text, http_body());
	return j;
}
