/* The HTTP server, router and static assets; see server.h. Pages are in pages.c. */
#include "web/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/mem.h"
#include "web/pages.h"

struct web_server {
	struct MHD_Daemon *d;
	struct web_config cfg;
	char assets[PATH_MAX];    /* real path of the nhsuk-frontend dist folder */
	char app_assets[PATH_MAX]; /* real path of our own web/ folder */
	unsigned port;
};

static const char csp[] = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
			  "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

static void headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

/* Log one request: method, path (control characters masked, at most 200 bytes) and status. */
static void access_log(const struct web_server *w, const char *method, const char *url,
		       unsigned status)
{
	char clean[201];
	size_t i;

	if (w->cfg.quiet)
		return;
	for (i = 0; url[i] && i < sizeof clean - 1; i++)
		clean[i] = (unsigned char)url[i] < 0x20 || url[i] == 0x7f ? '?' : url[i];
	clean[i] = '\0';
	fprintf(stderr, "%s %s%s %u\n", method, clean, url[i] ? "..." : "", status);
}

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, const char *type,
				char *body, size_t n)
{
	/* MHD takes the buffer and frees it with free() once sent. */
	struct MHD_Response *r =
		MHD_create_response_from_buffer_with_free_callback(n, body, free);
	enum MHD_Result ret;

	headers(r, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
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

	(void)w;
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
	r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd); /* MHD owns fd now */
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	headers(r, type);
	MHD_add_response_header(r, "Cache-Control", "public, max-age=86400");
	*status = MHD_HTTP_OK;
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_page(struct MHD_Connection *c, const struct page_result *p)
{
	size_t n = 0;
	char *body = cu_buf_detach(p->body, &n);

	return send_buf(c, p->status, "text/html; charset=utf-8", body, n);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	struct web_server *w = cls;
	struct cu_buf body;
	struct page_result res = { 0 };
	struct page_request req = { 0 };
	unsigned status;
	enum MHD_Result ret;

	(void)version;
	(void)upload;
	if (*state == NULL) { /* first call: headers only */
		*state = (void *)1;
		return MHD_YES;
	}
	if (*upload_size) { /* no request bodies are accepted yet: drop them */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		access_log(w, method, url, MHD_HTTP_METHOD_NOT_ALLOWED);
		return send_buf(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
				xstrdup("method not allowed\n"), 19);
	}
	if (strlen(url) > CU_MAX_URL_BYTES) {
		access_log(w, method, url, MHD_HTTP_URI_TOO_LONG);
		return send_buf(c, MHD_HTTP_URI_TOO_LONG, "text/plain; charset=utf-8",
				xstrdup("address too long\n"), 17);
	}
	if (strncmp(url, "/assets/app/", 12) == 0 || strncmp(url, "/assets/", 8) == 0) {
		int app = strncmp(url, "/assets/app/", 12) == 0;

		ret = send_asset(w, c, app ? w->app_assets : w->assets, url + (app ? 12 : 8), &status);
		if (status == MHD_HTTP_OK) {
			access_log(w, method, url, status);
			return ret;
		}
	}
	cu_buf_init(&body, CU_MAX_PAGE_BYTES);
	req.db_path = w->cfg.db_path;
	req.path = url;
	res.body = &body;
	pages_route(&req, &res);
	if (body.failed) {
		cu_buf_reset(&body);
		res.status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		cu_buf_adds(&body, "page too large\n");
	}
	access_log(w, method, url, res.status);
	ret = send_page(c, &res);
	cu_buf_release(&body);
	return ret;
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

	w->cfg = *cfg;
	resolve(cfg->home, "node_modules/nhsuk-frontend/dist/nhsuk", w->assets);
	resolve(cfg->home, "web", w->app_assets);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)cfg->port);
	if (inet_pton(AF_INET, cfg->address ? cfg->address : "127.0.0.1", &sa.sin_addr) != 1) {
		free(w);
		cu_err_set(err, CU_EINVAL, "bad address \"%.64s\": expected an IPv4 address such as "
					   "127.0.0.1", cfg->address);
		return NULL;
	}
	w->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
				0, NULL, NULL, handle, w, MHD_OPTION_SOCK_ADDR, &sa,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cores > 0 ? cores : 1),
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CU_HTTP_TIMEOUT_S,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)CU_HTTP_CONN_PER_IP,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CU_HTTP_CONN_MEMORY,
				MHD_OPTION_END);
	if (!w->d) {
		free(w);
		cu_err_set(err, CU_EIO, "cannot listen on %s:%u: %s",
			   cfg->address ? cfg->address : "127.0.0.1", cfg->port, strerror(errno));
		return NULL;
	}
	info = MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_BIND_PORT);
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
	MHD_stop_daemon(w->d);
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
