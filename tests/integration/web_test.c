/*
 * The web server on a real loopback socket with a real SQLite file: pages render, data is
 * HTML-escaped, assets are served with their type, and nothing outside the asset folders can be
 * reached. The client is a minimal HTTP/1.0 exchange written here.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/limits.h"
#include "ingest/catalogue.h"
#include "store/store.h"
#include "test.h"
#include "web/html.h"
#include "web/server.h"

static char dir[] = "/tmp/cu-web-XXXXXX";
static unsigned port;
static char reply[1 << 20];

/* The three-digit status at S. */
static int atoi_safe(const char *s)
{
	int v = 0;

	for (int i = 0; i < 3 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Send REQUEST (a full HTTP request) and read the whole reply into `reply`. Returns the status. */
static int http(const char *request)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = 0;
	size_t n = 0;
	ssize_t k;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	if (write(fd, request, strlen(request)) < 0) {
		close(fd);
		return -1;
	}
	while (n < sizeof reply - 1 && (k = read(fd, reply + n, sizeof reply - 1 - n)) > 0)
		n += (size_t)k;
	reply[n] = '\0';
	close(fd);
	if (strncmp(reply, "HTTP/1.", 7) == 0)
		status = atoi_safe(reply + 9);
	return status;
}

static int get(const char *path)
{
	char req[8192];

	snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n", path);
	return http(req);
}

static void orgs_page_escapes_names(void)
{
	CHECK_INT(get("/"), 200);
	CHECK_CONTAINS(reply, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;");
	CHECK(strstr(reply, "<script>alert(1)") == NULL);
	CHECK_CONTAINS(reply, "href=\"/org/RF4\"");
	CHECK_CONTAINS(reply, "Content-Security-Policy: default-src 'self'");
	CHECK_CONTAINS(reply, "X-Content-Type-Options: nosniff");
}

static void org_page_shows_latest_figure(void)
{
	CHECK_INT(get("/org/RF4"), 200);
	/* 2879 breaches of 21289 attendances is 13.5% (2879 / 21289 = 0.13523). */
	CHECK_CONTAINS(reply, "13.5%");
	CHECK_CONTAINS(reply, "2879 / 21289");
	CHECK_CONTAINS(reply, "Patient experience");
}

static void unknown_org_is_404(void)
{
	CHECK_INT(get("/org/NOPE1"), 404);
	CHECK_INT(get("/nowhere"), 404);
}

static void assets_served_with_type(void)
{
	CHECK_INT(get("/assets/nhsuk-frontend-10.6.1.min.css"), 200);
	CHECK_CONTAINS(reply, "Content-Type: text/css");
	CHECK_INT(get("/assets/app/app.css"), 200);
}

static void no_path_escapes_the_asset_folders(void)
{
	CHECK_INT(get("/assets/../../etc/passwd"), 404);
	CHECK(strstr(reply, "root:") == NULL);
	CHECK_INT(get("/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"), 404);
	CHECK(strstr(reply, "root:") == NULL);
	CHECK_INT(get("/assets/..%2f..%2f..%2fCMakeLists.txt"), 404);
	CHECK_INT(get("/assets/app/../../CMakeLists.txt"), 404);
	CHECK_INT(get("/assets/app/%00.css"), 404);
}

static void post_is_refused(void)
{
	CHECK_INT(http("POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"), 405);
	CHECK_CONTAINS(reply, "Allow: GET, HEAD");
}

static void overlong_address_is_refused(void)
{
	char path[CU_MAX_URL_BYTES + 64];

	memset(path, 'a', sizeof path - 1);
	path[0] = '/';
	path[sizeof path - 1] = '\0';
	CHECK(get(path) >= 400);
}

static void html_writer_escapes_every_special_character(void)
{
	struct cu_buf b;

	cu_buf_init(&b, 1024);
	html_escape(&b, "a&b<c>d\"e'f");
	CHECK_STR(b.p, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	cu_buf_reset(&b);
	html_url_segment(&b, "R F4/\"<");
	CHECK_STR(b.p, "R%20F4%2F%22%3C");
	cu_buf_release(&b);
}

static void html_writer_fails_at_its_ceiling(void)
{
	struct cu_buf b;

	cu_buf_init(&b, 8);
	html_escape(&b, "<<<"); /* 12 bytes escaped: past the ceiling */
	CHECK(b.failed);
	cu_buf_release(&b);
}

int main(void)
{
	static const struct cu_actor a = { .name = "test", .role = MODEL_ROLE_SYSTEM };
	struct store_org o = { .kind = MODEL_ORG_PROVIDER };
	struct web_config cfg = { .address = "127.0.0.1", .port = 0, .home = CU_SOURCE_DIR, .quiet = 1 };
	struct web_server *w;
	struct store *s;
	struct cu_err err;
	char db[64], cmd[1024], csv[128];
	FILE *f;

	if (!mkdtemp(dir))
		return 2;
	snprintf(db, sizeof db, "%s/web.db", dir);
	snprintf(csv, sizeof csv, "%s/ae.csv", dir);
	f = fopen(csv, "w");
	if (!f)
		return 2;
	fputs("period,org_code,type,attendances,breaches,admissions\n"
	      "2017-03-01,RF4,1,21289,2879,5060\n", f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "%s -d %s init >/dev/null && %s -d %s import --profile ae_attendances %s >/dev/null",
		 CU_BINARY, db, CU_BINARY, db, csv);
	if (system(cmd) != 0)
		return 2;
	cu_err_clear(&err);
	if (store_open(db, 0, &s, &err))
		return 2;
	snprintf(o.code, sizeof o.code, "RZZ");
	snprintf(o.name, sizeof o.name, "<script>alert(1)</script> & \"quotes\"");
	if (store_org_put(s, &a, &o, NULL, &err))
		return 2;
	store_close(s);
	cfg.db_path = db;
	if (!(w = web_start(&cfg, &err))) {
		fprintf(stderr, "web_start: %s\n", err.msg);
		return 2;
	}
	port = web_port(w);
	RUN(orgs_page_escapes_names);
	RUN(org_page_shows_latest_figure);
	RUN(unknown_org_is_404);
	RUN(assets_served_with_type);
	RUN(no_path_escapes_the_asset_folders);
	RUN(post_is_refused);
	RUN(overlong_address_is_refused);
	RUN(html_writer_escapes_every_special_character);
	RUN(html_writer_fails_at_its_ceiling);
	web_stop(w);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? test_done() : 2;
}
