/* The HTTP server, router and static assets; see server.h. Pages are in pages.c. */
#include "web/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/mem.h"
#include "web/analysis.h"
#include "web/cache.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/weblib.h"

struct web_server {
	struct MHD_Daemon *d;
	struct web_config cfg;
	struct auth *auth;
	char assets[PATH_MAX];    /* real path of the nhsuk-frontend dist folder */
	char app_assets[PATH_MAX]; /* real path of our own web/ folder */
	unsigned port;
};

/* Headers every response carries; NONCE (may be NULL) allows one inline script or style. */
static void headers(const struct web_server *w, struct MHD_Response *r, const char *type,
		    const char *nonce)
{
	char csp[512];

	snprintf(csp, sizeof csp,
		 "default-src 'self'; script-src 'self'%s%s%s; style-src 'self'; "
		 "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
		 "frame-ancestors 'none'; form-action 'self'",
		 nonce ? " 'nonce-" : "", nonce ? nonce : "", nonce ? "'" : "");
	weblib.MHD_add_response_header(r, "Content-Type", type);
	weblib.MHD_add_response_header(r, "Content-Security-Policy", csp);
	weblib.MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	weblib.MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	weblib.MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (w->cfg.secure)
		weblib.MHD_add_response_header(r, "Strict-Transport-Security",
					"max-age=31536000; includeSubDomains");
}

/*
 * TEXT for the log, at most MAX of its bytes, into OUT (3 * MAX + 1 bytes): printable ASCII as
 * it is, every other byte (controls, terminal escapes, anything past ASCII) and '%' itself as
 * %XX, so a line of the log is one request, plain ASCII, and says exactly which bytes came.
 * Returns whether TEXT was cut.
 */
static bool log_clean(const char *text, size_t max, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, w = 0;

	for (i = 0; text[i] && i < max; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c >= 0x7f || c == '%') {
			out[w++] = '%';
			out[w++] = hex[c >> 4];
			out[w++] = hex[c & 15];
		} else {
			out[w++] = (char)c;
		}
	}
	out[w] = '\0';
	return text[i] != '\0';
}

/* Log one request: method, path (at most 200 bytes, log_clean) and status. */
static void access_log(const struct web_server *w, const char *method, const char *url,
		       unsigned status)
{
	char m[3 * 16 + 1], u[3 * 200 + 1];
	bool cut;

	if (w->cfg.quiet)
		return;
	log_clean(method, 16, m);
	cut = log_clean(url, 200, u);
	fprintf(stderr, "%s %s%s %u\n", m, u, cut ? "..." : "", status);
}

/* A short plain-text answer (errors the application never sees). */
static enum MHD_Result send_text(struct web_server *w, struct MHD_Connection *c,
				 const char *method, const char *url, unsigned status,
				 const char *text)
{
	struct MHD_Response *r = weblib.MHD_create_response_from_buffer(strlen(text), (void *)text,
								MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	headers(w, r, "text/plain; charset=utf-8", NULL);
	weblib.MHD_add_response_header(r, "Cache-Control", "no-store");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		weblib.MHD_add_response_header(r, "Allow", "GET, HEAD, POST");
	if (status == MHD_HTTP_CONTENT_TOO_LARGE)
		weblib.MHD_add_response_header(r, "Connection", "close");
	access_log(w, method, url, status);
	ret = weblib.MHD_queue_response(c, status, r);
	weblib.MHD_destroy_response(r);
	return ret;
}

static const char *content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".css", "text/css; charset=utf-8" },  { ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" }, { ".svg", "image/svg+xml" },
		{ ".png", "image/png" }, { ".ico", "image/x-icon" }, { ".woff2", "font/woff2" },
		{ ".woff", "font/woff" }, { ".json", "application/json" }, { ".map", "application/json" },
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

/*
 * Serve REL from ROOT. REL (already percent-decoded by MHD) may hold only letters, digits and
 * "._-/", no ".." segment and no empty segment; the resolved real path must lie inside ROOT, so
 * a symbolic link cannot lead out. Anything else is a 404, indistinguishable from a missing file.
 */
static enum MHD_Result send_asset(struct web_server *w, struct MHD_Connection *c,
				  const char *root, const char *rel, unsigned *status)
{
	char path[PATH_MAX * 2], real[PATH_MAX];
	const char *type = content_type(rel);
	struct MHD_Response *r;
	struct stat sb;
	size_t rootlen = strlen(root);
	enum MHD_Result ret;
	int fd;

	*status = MHD_HTTP_NOT_FOUND;
	if (!root[0] || !type || !*rel || rel[0] == '/' || strstr(rel, "..") || strstr(rel, "//"))
		return MHD_NO;
	for (const char *p = rel; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-' || *p == '/'))
			return MHD_NO;
	if (snprintf(path, sizeof path, "%s/%s", root, rel) >= (int)sizeof path || !realpath(path, real) ||
	    strncmp(real, root, rootlen) != 0 || real[rootlen] != '/')
		return MHD_NO;
	if ((fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return MHD_NO;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return MHD_NO;
	}
	r = weblib.MHD_create_response_from_fd((uint64_t)sb.st_size, fd); /* MHD owns fd now */
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	headers(w, r, type, NULL);
	weblib.MHD_add_response_header(r, "Cache-Control", "public, max-age=86400");
	*status = MHD_HTTP_OK;
	ret = weblib.MHD_queue_response(c, MHD_HTTP_OK, r);
	weblib.MHD_destroy_response(r);
	return ret;
}

/* libmicrohttpd's own messages (connection limits reached and such), unless quiet. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	const struct web_server *w = cls;

	if (w->cfg.quiet)
		return;
	fputs("custodian: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* ---- requests ---- */

/* One connection's request as it arrives: its form fields, its upload, its limits. */
struct conn {
	struct MHD_PostProcessor *pp;
	char *key[WEB_MAX_FIELDS], *val[WEB_MAX_FIELDS];
	size_t vlen[WEB_MAX_FIELDS];
	int nform;
	int upload_fd;
	char upload_path[64];
	char *upload_name;
	int64_t upload_bytes, body_bytes, limit;
	bool bad_form;  /* more fields than kept, or a second file */
	bool done;      /* a response is queued */
};

static void conn_free(struct conn *k)
{
	if (!k)
		return;
	if (k->pp)
		weblib.MHD_destroy_post_processor(k->pp);
	for (int i = 0; i < k->nform; i++) {
		free(k->key[i]);
		free(k->val[i]);
	}
	if (k->upload_fd >= 0) {
		close(k->upload_fd);
		unlink(k->upload_path);
	}
	free(k->upload_name);
	free(k);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state,
			 enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	conn_free(*state);
	*state = NULL;
}

/* The post processor's callback: form fields into K, a file into a private temporary file. */
static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *filename, const char *type, const char *encoding,
				const char *data, uint64_t off, size_t size)
{
	struct conn *k = cls;
	int i;

	(void)kind;
	(void)type;
	(void)encoding;
	if (filename) {
		if (off == 0) {
			if (k->upload_fd >= 0) {
				k->bad_form = true; /* one file per request */
				return MHD_NO;
			}
			snprintf(k->upload_path, sizeof k->upload_path, "/tmp/custodian-upload-XXXXXX");
			if ((k->upload_fd = mkstemp(k->upload_path)) < 0)
				return MHD_NO;
			k->upload_name = xstrdup(filename);
		}
		if (size && write(k->upload_fd, data, size) != (ssize_t)size)
			return MHD_NO;
		k->upload_bytes += (int64_t)size;
		return MHD_YES;
	}
	/* A field arriving in pieces continues the last one. */
	if (off > 0 && k->nform > 0 && strcmp(k->key[k->nform - 1], key) == 0) {
		i = k->nform - 1;
	} else {
		if (k->nform == WEB_MAX_FIELDS) {
			k->bad_form = true;
			return MHD_NO;
		}
		i = k->nform++;
		k->key[i] = xstrdup(key);
		k->val[i] = xstrdup("");
		k->vlen[i] = 0;
	}
	k->val[i] = xrealloc(k->val[i], k->vlen[i] + size + 1);
	memcpy(k->val[i] + k->vlen[i], data, size);
	k->vlen[i] += size;
	k->val[i][k->vlen[i]] = '\0';
	return MHD_YES;
}

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct web_request *r = cls;

	(void)kind;
	if (r->nquery < WEB_MAX_FIELDS)
		r->query[r->nquery++] = (struct web_kv){ key, value ? value : "" };
	return MHD_YES;
}

static void client_addr(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		weblib.MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(out, n, "unknown");
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out,
			  (socklen_t)n);
}

static enum MHD_Result respond(struct web_server *w, struct MHD_Connection *c,
			       const char *method, const char *url, struct conn *k)
{
	struct web_request req = { 0 };
	struct web_response res = { 0 };
	struct cu_buf body;
	struct MHD_Response *r;
	unsigned char nb[16];
	char addr[64];
	enum MHD_Result ret;
	size_t n = 0;
	char *text;

	req.method = method;
	req.path = url;
	weblib.MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query, &req);
	for (int i = 0; i < k->nform; i++)
		req.form[req.nform++] = (struct web_kv){ k->key[i], k->val[i] };
	if (k->upload_fd >= 0) {
		req.upload_path = k->upload_path;
		req.upload_name = k->upload_name;
		req.upload_bytes = k->upload_bytes;
	}
	req.cookie_session = weblib.MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
							 auth_cookie_name(w->auth));
	req.cookie_pre = weblib.MHD_lookup_connection_value(c, MHD_COOKIE_KIND, APP_PRE_COOKIE);
	req.accept = weblib.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
	if (!req.accept)
		req.accept = "";
	client_addr(c, addr, sizeof addr);
	req.client_addr = addr;
	req.now = (int64_t)time(NULL);
	randombytes_buf(nb, sizeof nb);
	sodium_bin2base64(req.nonce, sizeof req.nonce, nb, sizeof nb,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	req.db_path = w->cfg.db_path;
	req.home = w->cfg.home;
	req.auth = w->auth;
	req.secure = w->cfg.secure;
	cu_buf_init(&body, CU_MAX_PAGE_BYTES);
	res.body = &body;
	app_handle(&req, &res);
	if (body.failed) {
		cu_buf_reset(&body);
		res.status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		res.type = "text/plain; charset=utf-8";
		res.location[0] = '\0';
		cu_buf_adds(&body, "page too large\n");
	}
	text = cu_buf_detach(&body, &n);
	/* MHD takes the buffer and frees it with free() once sent. */
	r = weblib.MHD_create_response_from_buffer_with_free_callback(n, text ? text : xstrdup(""), free);
	headers(w, r, res.type ? res.type : "text/html; charset=utf-8", req.nonce);
	weblib.MHD_add_response_header(r, "Cache-Control",
				res.cacheable ? "private, max-age=60" : "no-store");
	if (res.location[0])
		weblib.MHD_add_response_header(r, "Location", res.location);
	for (int i = 0; i < res.ncookies; i++)
		weblib.MHD_add_response_header(r, "Set-Cookie", res.cookies[i]);
	if (res.download[0]) {
		char cd[200];

		snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", res.download);
		weblib.MHD_add_response_header(r, "Content-Disposition", cd);
	}
	access_log(w, method, url, res.status);
	ret = weblib.MHD_queue_response(c, res.status, r);
	weblib.MHD_destroy_response(r);
	cu_buf_release(&body);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	struct web_server *w = cls;
	struct conn *k = *state;
	unsigned status;
	enum MHD_Result ret;

	(void)version;
	if (!k) { /* first call: headers only */
		bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
		bool post = strcmp(method, "POST") == 0;
		const char *len = weblib.MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							      "Content-Length");

		k = xcalloc(1, sizeof *k);
		k->upload_fd = -1;
		*state = k;
		if (!get && !post)
			return send_text(w, c, method, url, MHD_HTTP_METHOD_NOT_ALLOWED,
					 "method not allowed\n");
		if (strlen(url) > CU_MAX_URL_BYTES)
			return send_text(w, c, method, url, MHD_HTTP_URI_TOO_LONG,
					 "address too long\n");
		k->limit = strcmp(url, "/imports") == 0 ? CU_MAX_UPLOAD_BYTES : CU_MAX_BODY_BYTES;
		/* A body declared too large is refused before any of it is read. */
		if (len && strtoll(len, NULL, 10) > k->limit) {
			k->done = true;
			return send_text(w, c, method, url, MHD_HTTP_CONTENT_TOO_LARGE,
					 "request too large\n");
		}
		if (post) {
			k->pp = weblib.MHD_create_post_processor(c, 16 * 1024, on_field, k);
			if (!k->pp) {
				k->done = true;
				return send_text(w, c, method, url, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
						 "expected a form (urlencoded or multipart)\n");
			}
		}
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (k->done)
			return MHD_YES;
		k->body_bytes += (int64_t)n;
		if (k->body_bytes > k->limit) {
			k->done = true;
			return send_text(w, c, method, url, MHD_HTTP_CONTENT_TOO_LARGE,
					 "request too large\n");
		}
		if (!k->pp || weblib.MHD_post_process(k->pp, upload, n) != MHD_YES) {
			k->done = true;
			return send_text(w, c, method, url, MHD_HTTP_BAD_REQUEST,
					 k->bad_form ? "too many form fields or files\n"
						     : "malformed form\n");
		}
		return MHD_YES;
	}
	if (k->done)
		return MHD_YES;
	k->done = true;
	if (strncmp(url, "/assets/", 8) == 0 && strcmp(method, "POST") != 0) {
		int app = strncmp(url, "/assets/app/", 12) == 0;

		ret = send_asset(w, c, app ? w->app_assets : w->assets, url + (app ? 12 : 8), &status);
		if (status == MHD_HTTP_OK) {
			access_log(w, method, url, status);
			return ret;
		}
	}
	return respond(w, c, method, url, k);
}

/* The real path of HOME/REL into OUT, or "" when it does not exist. */
static void resolve(const char *home, const char *rel, char out[PATH_MAX])
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof path, "%s/%s", home, rel);
	if (!realpath(path, out))
		out[0] = '\0';
}

struct web_server *web_start(const struct web_config *cfg, struct cu_err *err)
{
	struct web_server *w = xcalloc(1, sizeof *w);
	struct sockaddr_in sa = { 0 };
	const union MHD_DaemonInfo *info;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (weblib_load(err)) {
		free(w);
		return NULL;
	}
	w->cfg = *cfg;
	{
		struct auth_config ac;

		auth_config_init(&ac);
		ac.secure_cookie = cfg->secure;
		if (auth_alloc(&ac, &w->auth, err)) {
			free(w);
			return NULL;
		}
	}
	resolve(cfg->home, "node_modules/nhsuk-frontend/dist/nhsuk", w->assets);
	resolve(cfg->home, "web", w->app_assets);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)cfg->port);
	if (inet_pton(AF_INET, cfg->address ? cfg->address : "127.0.0.1", &sa.sin_addr) != 1) {
		auth_free(w->auth);
		free(w);
		cu_err_set(err, CU_EINVAL, "bad address \"%.64s\": expected an IPv4 address such as "
					   "127.0.0.1", cfg->address);
		return NULL;
	}
	w->d = weblib.MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
				0, NULL, NULL, handle, w, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, w,
				MHD_OPTION_SOCK_ADDR, &sa,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cores > 0 ? cores : 1),
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CU_HTTP_TIMEOUT_S,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				cfg->per_ip ? cfg->per_ip : (unsigned)CU_HTTP_CONN_PER_IP,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CU_HTTP_CONN_MEMORY,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				MHD_OPTION_END);
	if (!w->d) {
		auth_free(w->auth);
		free(w);
		cu_err_set(err, CU_EIO, "cannot listen on %s:%u: %s",
			   cfg->address ? cfg->address : "127.0.0.1", cfg->port, strerror(errno));
		return NULL;
	}
	info = weblib.MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_BIND_PORT);
	w->port = info ? info->port : cfg->port;
	return w;
}

unsigned web_port(const struct web_server *w)
{
	return w->port;
}

void web_stop(struct web_server *w)
{
	if (!w)
		return;
	weblib.MHD_stop_daemon(w->d);
	ranking_cache_clear();
	web_cache_clear();
	auth_free(w->auth);
	free(w);
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

int web_serve(const struct web_config *cfg, struct cu_err *err)
{
	struct sigaction sa = { 0 };
	struct web_server *w;

	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!(w = web_start(cfg, err)))
		return err && err->code ? err->code : CU_EIO;
	printf("custodian is serving http://%s:%u/ (Ctrl-C to stop)\n",
	       cfg->address ? cfg->address : "127.0.0.1", web_port(w));
	if (!w->assets[0])
		fprintf(stderr, "custodian: warning: node_modules/nhsuk-frontend is missing; run "
				"scripts/install-deps for the page styles\n");
	fflush(stdout);
	while (!stopping)
		pause();
	web_stop(w); /* requests in flight finish first */
	printf("custodian stopped\n");
	return 0;
}
