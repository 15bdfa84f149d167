/*
 * The web server: libmicrohttpd on loopback with a thread pool, limits from base/limits.h,
 * security headers on every response, a router, static assets that can never leave their
 * folders, and an access log with control characters masked.
 *
 * Each request opens its own store connection (SQLite connections are per thread; the store
 * prepares statements lazily, so opening is cheap) and closes it before responding.
 */
#ifndef CU_WEB_SERVER_H
#define CU_WEB_SERVER_H

#include "base/err.h"

struct web_config {
	const char *address; /* "127.0.0.1" by default */
	unsigned port;       /* 0 picks a free port (tests) */
	const char *db_path;
	const char *home;    /* folder holding node_modules/ and web/ */
	int quiet;           /* no access log */
	int secure;          /* served over TLS behind a proxy: Secure cookies, HSTS */
	unsigned per_ip;     /* connections from one address; 0: CU_HTTP_CONN_PER_IP */
};

struct web_server;

/* Start serving in background threads. Returns the server (stop with web_stop) or NULL. */
struct web_server *web_start(const struct web_config *cfg, struct cu_err *err);
/* The port actually bound. */
unsigned web_port(const struct web_server *w);
/* Stop: requests in flight finish, then threads end. NULL is a no-op. */
void web_stop(struct web_server *w);
/* Start, print the address, serve until SIGINT or SIGTERM, stop. Returns 0 or an error code. */
int web_serve(const struct web_config *cfg, struct cu_err *err);

#endif
