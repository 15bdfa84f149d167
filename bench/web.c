/*
 * bench_web [DIR=/tmp/cu-bench-web]: the web application under load (issue "The web
 * application", section "Speed"). Targets, on 2 cores: the provider page at least 1,000
 * requests/s with p99 latency under 50 ms, no errors, memory flat.
 *
 * 1. A fresh database in DIR: `custodian init`, `custodian demo-load` (the real demo data and
 *    its users), then 150 providers x 40 indicators x 60 months from the peers' generator
 *    (../shared/peers/gen_series.c, seed 42), converted to custodian's observation format and
 *    imported with `custodian import --profile custodian` (mapping below), and the demo
 *    commissioner's board XDEMON given commissioning relationships to the 150 providers
 *    through the store API (as the system actor, as `custodian demo-load` does).
 * 2. `custodian -d DB serve --port 0 --quiet`; sign in as the demo commissioner through the
 *    real form (GET /sign-in for the form token and its cookie, POST /sign-in) and keep the
 *    session cookie. Each page is fetched once and must answer 200.
 * 3. wrk on loopback with that cookie, a warm-up of WARM seconds and then SECONDS seconds per
 *    page (`wrk -t2 -c64 -d20s --latency`) against the home page, a provider page and a
 *    chart; requests/s, p50 and p99 latency and errors (socket errors and non-2xx/3xx).
 * 4. The server's VmRSS every second during each run: peak, and flat when the last sample of
 *    a run is no more than 1 MiB above the one at its middle (the first half fills
 *    connection pools and allocator arenas; a leak keeps growing). Also measured: the CPU
 *    the server used (and its busiest thread), wrk's own and everything else's on the
 *    machine, and how long the server stayed busy after wrk stopped (requests whose
 *    clients had gone); the next run starts only once it is idle.
 * 5. One table, and the targets checked.
 *
 * The generated indicators onto the catalogue: generated indicator k (1..40) goes to catalogue
 * indicator (k-1) mod N in `store_indicator_list` order (N = 29 today), so indicators 1..29
 * land as revision 1 and 30..40 arrive in a second file as resubmissions (revision 2) of the
 * first 11: every generated point is stored and the pages read the latest revision. With x the
 * generated value and y = x + 50 (the generator dips below zero; y >= 26), by measure type:
 * mean: value x; count: value round(y); proportion: numerator round(10 y) of denominator
 * 2,500 (a share of 10% to 93%); rate: numerator round(y) of denominator 10,000; ratio:
 * observed round(y) of expected 100. Months 1..60 are April 2019 to March 2024, after the
 * demo's A&E data. Providers are RG001..RG150 (created by the import, named by their code).
 *
 * Environment: BENCH_WEB_SECONDS (20), BENCH_WEB_WARM (3), BENCH_WEB_CONNS (64) and
 * BENCH_WEB_PERF=1 to run `perf record --call-graph dwarf -F 99` on the server during each
 * measured run (DIR/perf_<page>.data, for `perf report -i`; the figures of a profiled run
 * carry perf's overhead).
 * Needs wrk (`scripts/install-deps --peers`). The server is stopped on every way out,
 * SIGINT and SIGTERM included.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "store/store.h"

#define PROVIDERS 150
#define INDICATORS 40
#define MONTHS 60
#define SEED 42
#define COMMISSIONER_ORG "XDEMON"
#define USER "commissioner"
#define FLAT_BYTES (1.0 * 1024 * 1024)

/*
 * The children to stop if the program is interrupted: read by the signal handler and the
 * atexit hook, so they are process-wide (a benchmark driver's only globals).
 */
static volatile sig_atomic_t server_pid, helper_pid[2];

static void stop_child(pid_t pid, int wait_s)
{
	int status;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < wait_s * 10; i++) {
		if (waitpid(pid, &status, WNOHANG) != 0)
			return;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static void stop_all(void)
{
	for (int i = 0; i < 2; i++) {
		stop_child((pid_t)helper_pid[i], 2);
		helper_pid[i] = 0;
	}
	stop_child((pid_t)server_pid, 10);
	server_pid = 0;
}

static void on_signal(int sig)
{
	/* Only async-signal-safe calls: kill and _exit; the children die with SIGKILL. */
	for (int i = 0; i < 2; i++)
		if (helper_pid[i] > 0)
			kill((pid_t)helper_pid[i], SIGKILL);
	if (server_pid > 0)
		kill((pid_t)server_pid, SIGKILL);
	_exit(128 + sig);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long env_long(const char *name, long def, long min, long max)
{
	const char *v = getenv(name);
	char *end;
	long x;

	if (!v || !*v)
		return def;
	errno = 0;
	x = strtol(v, &end, 10);
	if (errno || *end || x < min || x > max) {
		fprintf(stderr, "bench_web: %s=\"%s\": expected a whole number %ld to %ld\n", name,
			v, min, max);
		exit(1);
	}
	return x;
}

/* Run a shell command; 0 when it exits 0. */
static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "bench_web: failed (%d): %s\n", rc, cmd);
	return rc == 0 ? 0 : -1;
}

static int fail_err(const char *what, const struct cu_err *err)
{
	char msg[1024];

	fprintf(stderr, "bench_web: %s: %s\n", what, cu_err_format(err, msg, sizeof msg));
	return -1;
}

/* ---- 1. the database ---- */

struct cat {
	size_t n, cap;
	struct store_indicator *v;
};

static int keep_indicator(void *arg, const struct store_indicator *v)
{
	struct cat *c = arg;

	if (c->n == c->cap) {
		struct store_indicator *p;

		c->cap = c->cap ? 2 * c->cap : 32;
		if (!(p = realloc(c->v, c->cap * sizeof *p)))
			return 1;
		c->v = p;
	}
	c->v[c->n++] = *v;
	return 0;
}

/* The catalogue, in store_indicator_list order, into *C (free C->v). */
static int load_catalogue(const char *db, struct cat *c)
{
	struct cu_actor sys = { .name = "cli:bench_web", .role = MODEL_ROLE_SYSTEM };
	struct store *s;
	struct cu_err err;
	int rc;

	cu_err_clear(&err);
	if (store_open(db, 0, &s, &err))
		return fail_err(db, &err);
	rc = store_indicator_list(s, &sys, keep_indicator, c, &err);
	store_close(s);
	if (rc)
		return fail_err("the catalogue", &err);
	return c->n ? 0 : -1;
}

/* One generated row in custodian's format, to F, by the catalogue indicator's measure. */
static void write_row(FILE *f, const struct store_indicator *ind, int p, int m, double x)
{
	double y = x + 50;
	int month0 = 2019 * 12 + 3 + (m - 1); /* April 2019 is month 1 */

	fprintf(f, "RG%03d,%s,%04d-%02d,", p, ind->code, month0 / 12, month0 % 12 + 1);
	switch (ind->measure) {
	case MODEL_MEASURE_PROPORTION:
		fprintf(f, "%.0f,2500,\n", round(10 * y));
		break;
	case MODEL_MEASURE_RATE:
		fprintf(f, "%.0f,10000,\n", round(y));
		break;
	case MODEL_MEASURE_RATIO:
		fprintf(f, "%.0f,100,\n", round(y));
		break;
	case MODEL_MEASURE_COUNT:
		fprintf(f, ",,%.0f\n", round(y));
		break;
	default: /* mean */
		fprintf(f, ",,%.2f\n", x);
		break;
	}
}

/*
 * Convert the generator's CSV (provider_id,indicator_id,month,value) into NFILES files
 * DIR/load_<i>.csv: file i holds generated indicators i*N+1..(i+1)*N (see the file comment).
 */
static int convert(const char *dir, const char *series, const struct cat *c, int nfiles)
{
	FILE *in = fopen(series, "r"), **out = calloc((size_t)nfiles, sizeof *out);
	char line[256], path[600];
	long rows = 0;
	int rc = 0;

	if (!in || !out) {
		fprintf(stderr, "bench_web: cannot read %s\n", series);
		rc = -1;
		goto done;
	}
	for (int i = 0; i < nfiles && !rc; i++) {
		snprintf(path, sizeof path, "%s/load_%d.csv", dir, i + 1);
		if (!(out[i] = fopen(path, "w")))
			rc = -1;
		else
			fputs("org_code,indicator,period,numerator,denominator,value\n", out[i]);
	}
	if (!rc && !fgets(line, sizeof line, in)) /* the header */
		rc = -1;
	while (!rc && fgets(line, sizeof line, in)) {
		char *e;
		long p = strtol(line, &e, 10), k = 0, m = 0;
		double x = NAN;

		if (*e == ',')
			k = strtol(e + 1, &e, 10);
		if (*e == ',')
			m = strtol(e + 1, &e, 10);
		if (*e == ',')
			x = strtod(e + 1, &e);
		if (p < 1 || p > PROVIDERS || k < 1 || k > INDICATORS || m < 1 || m > MONTHS ||
		    !isfinite(x)) {
			fprintf(stderr, "bench_web: %s: bad row %ld: %s", series, rows + 2, line);
			rc = -1;
			break;
		}
		write_row(out[(k - 1) / (long)c->n], &c->v[(k - 1) % (long)c->n], (int)p, (int)m,
			  x);
		rows++;
	}
	if (!rc && rows != (long)PROVIDERS * INDICATORS * MONTHS) {
		fprintf(stderr, "bench_web: %s: %ld rows, expected %d\n", series, rows,
			PROVIDERS * INDICATORS * MONTHS);
		rc = -1;
	}
done:
	for (int i = 0; out && i < nfiles; i++)
		if (out[i] && fclose(out[i]) != 0)
			rc = -1;
	free(out);
	if (in)
		fclose(in);
	return rc;
}

/* XDEMON commissions RG001..RG150, in one transaction, as the system actor. */
static int commission(const char *db)
{
	struct cu_actor sys = { .name = "cli:bench_web", .role = MODEL_ROLE_SYSTEM };
	struct store *s;
	struct cu_err err;
	int rc;

	cu_err_clear(&err);
	if (store_open(db, 0, &s, &err))
		return fail_err(db, &err);
	rc = store_begin(s, &err);
	for (int p = 1; p <= PROVIDERS && !rc; p++) {
		char code[16];

		snprintf(code, sizeof code, "RG%03d", p);
		rc = store_commissioning_put(s, &sys, COMMISSIONER_ORG, code, p == 1, &err);
	}
	if (!rc)
		rc = store_commit(s, &err);
	else
		store_rollback(s);
	store_close(s);
	return rc ? fail_err("commissioning", &err) : 0;
}

/* Build the database; the chart's indicator code into CHART. */
static int build_db(const char *dir, const char *db, char chart[CU_MAX_CODE + 1])
{
	static const char *const stale[] = { "custodian.db", "custodian.db-wal", "custodian.db-shm",
					     "demo-passwords.txt" };
	const char *home = CU_BENCH_HOME;
	struct cat c = { 0 };
	char cmd[4096], path[600];
	int nfiles, rc = -1;
	double t0 = now();

	for (size_t i = 0; i < sizeof stale / sizeof *stale; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, stale[i]);
		unlink(path);
	}
	snprintf(cmd, sizeof cmd,
		 "cd %s && ./build/custodian -d %s init >%s/setup.log && "
		 "./build/custodian -d %s demo-load >>%s/setup.log",
		 home, db, dir, db, dir);
	if (sh(cmd))
		return -1;
	snprintf(cmd, sizeof cmd,
		 "cc -O2 -o %s/gen_series %s/../shared/peers/gen_series.c -lm && "
		 "%s/gen_series %d %d %d %d > %s/series.csv",
		 dir, home, dir, PROVIDERS, INDICATORS, MONTHS, SEED, dir);
	if (sh(cmd) || load_catalogue(db, &c))
		goto done;
	nfiles = (INDICATORS + (int)c.n - 1) / (int)c.n;
	snprintf(path, sizeof path, "%s/series.csv", dir);
	if (convert(dir, path, &c, nfiles))
		goto done;
	for (int i = 0; i < nfiles; i++) {
		snprintf(cmd, sizeof cmd,
			 "cd %s && ./build/custodian -d %s import --profile custodian "
			 "%s/load_%d.csv >>%s/setup.log",
			 home, db, dir, i + 1, dir);
		if (sh(cmd))
			goto done;
	}
	if (commission(db))
		goto done;
	chart[0] = '\0';
	for (size_t i = 0; i < c.n && i < INDICATORS && !chart[0]; i++)
		if (c.v[i].measure == MODEL_MEASURE_PROPORTION)
			snprintf(chart, CU_MAX_CODE + 1, "%s", c.v[i].code);
	if (!chart[0])
		snprintf(chart, CU_MAX_CODE + 1, "%s", c.v[0].code);
	printf("database: demo data + %d providers x %d indicators x %d months (%d points) onto "
	       "%zu catalogue indicators in %d file(s), %d providers commissioned by %s; %.1f s "
	       "(log: %s/setup.log)\n",
	       PROVIDERS, INDICATORS, MONTHS, PROVIDERS * INDICATORS * MONTHS, c.n, nfiles,
	       PROVIDERS, COMMISSIONER_ORG, now() - t0, dir);
	rc = 0;
done:
	free(c.v);
	return rc;
}

/* ---- 2. the server and signing in ---- */

/* Start the server on a free port; its pid in server_pid, its port in *PORT. */
static int server_start(const char *db, int *out_fd, unsigned *port)
{
	int fds[2];
	pid_t pid;
	char buf[1024];
	size_t n = 0;
	double t0 = now();

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL); /* ignored here; an exec keeps an ignored signal */
		close(fds[0]);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[1]);
		if (chdir(CU_BENCH_HOME) != 0)
			_exit(127);
		execl("./build/custodian", "custodian", "-d", db, "serve", "--port", "0", "--quiet",
		      (char *)NULL);
		_exit(127);
	}
	server_pid = pid;
	close(fds[1]);
	*out_fd = fds[0];
	while (now() - t0 < 60) {
		struct pollfd pf = { .fd = fds[0], .events = POLLIN };
		const char *m;
		ssize_t r;

		if (poll(&pf, 1, 1000) <= 0)
			continue;
		r = read(fds[0], buf + n, sizeof buf - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if ((m = strstr(buf, "serving http://127.0.0.1:")) && strchr(m + 25, '/')) {
			char *e;
			long p = strtol(m + 25, &e, 10);

			if (*e == '/' && p > 0 && p < 65536) {
				*port = (unsigned)p;
				return 0;
			}
		}
		if (n == sizeof buf - 1)
			break;
	}
	fprintf(stderr, "bench_web: the server did not start: %.*s\n", (int)n, buf);
	return -1;
}

/* One HTTP/1.1 exchange on loopback (Connection: close); the whole answer, malloc'd. */
static char *http(unsigned port, const char *request)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = 30 };
	size_t n = 0, cap = 1 << 16, len = strlen(request);
	char *buf = NULL;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		goto fail;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, request + off, len - off);

		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (!(buf = malloc(cap)))
		goto fail;
	for (;;) {
		ssize_t r;

		if (n + 1 == cap) {
			char *p = realloc(buf, cap * 2);

			if (!p)
				goto fail;
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	close(fd);
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

static int http_status(const char *resp)
{
	if (!resp || strncmp(resp, "HTTP/1.", 7) != 0 || strlen(resp) < 12)
		return -1;
	return (int)strtol(resp + 9, NULL, 10);
}

/* The value of cookie NAME from the answer's Set-Cookie headers, into OUT; 0 when found. */
static int set_cookie(const char *resp, const char *name, char *out, size_t n)
{
	const char *end = strstr(resp, "\r\n\r\n");
	size_t nl = strlen(name);

	for (const char *p = strstr(resp, "\r\n"); p && p < end; p = strstr(p + 2, "\r\n")) {
		const char *v = p + 2, *e;

		if (strncasecmp(v, "Set-Cookie:", 11) != 0)
			continue;
		v += 11;
		while (*v == ' ')
			v++;
		if (strncmp(v, name, nl) != 0 || v[nl] != '=')
			continue;
		v += nl + 1;
		e = v + strcspn(v, ";\r");
		if ((size_t)(e - v) >= n)
			return -1;
		memcpy(out, v, (size_t)(e - v));
		out[e - v] = '\0';
		return 0;
	}
	return -1;
}

/* The password of USER from the demo-passwords.txt that demo-load wrote beside the database. */
static int demo_password(const char *dir, const char *user, char *out, size_t n)
{
	char path[600], line[256];
	FILE *f;
	int rc = -1;

	snprintf(path, sizeof path, "%s/demo-passwords.txt", dir);
	if (!(f = fopen(path, "r")))
		return -1;
	while (rc && fgets(line, sizeof line, f)) {
		char *field[3];
		int nf = 0;

		for (char *p = line; *p && nf < 3;) {
			size_t w;

			p += strspn(p, " \t\n");
			if (!*p)
				break;
			w = strcspn(p, " \t\n");
			field[nf++] = p;
			p += w;
			if (*p)
				*p++ = '\0';
		}
		if (nf == 3 && strcmp(field[1], user) == 0 && strlen(field[2]) < n) {
			memcpy(out, field[2], strlen(field[2]) + 1);
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}

/* Percent-encode S for a form body, appended to OUT (size N). */
static void form_encode(char *out, size_t n, const char *s)
{
	size_t k = strlen(out);

	for (; *s && k + 4 < n; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~')
			out[k++] = (char)ch;
		else
			k += (size_t)snprintf(out + k, n - k, "%%%02X", ch);
	}
	out[k] = '\0';
}

/* Sign in as the demo commissioner through the form; the session cookie ("name=value"). */
static int sign_in(const char *dir, unsigned port, char *cookie, size_t ncookie)
{
	char pw[128], pre_cookie[128], pre[128], body[1024], req[2048], session[128];
	char *resp = NULL;
	const char *p;
	int rc = -1, st;

	if (demo_password(dir, USER, pw, sizeof pw)) {
		fprintf(stderr, "bench_web: no password for %s in %s/demo-passwords.txt\n", USER,
			dir);
		return -1;
	}
	snprintf(req, sizeof req,
		 "GET /sign-in HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
		 "Connection: close\r\n\r\n",
		 port);
	resp = http(port, req);
	if (http_status(resp) != 200 ||
	    set_cookie(resp, "custodian_signin", pre_cookie, sizeof pre_cookie) ||
	    !(p = strstr(resp, "name=\"pre\"")) || !(p = strstr(p, "value=\""))) {
		fprintf(stderr, "bench_web: GET /sign-in: no form token (status %d)\n",
			http_status(resp));
		goto done;
	}
	p += 7;
	if (strcspn(p, "\"") >= sizeof pre)
		goto done;
	memcpy(pre, p, strcspn(p, "\""));
	pre[strcspn(p, "\"")] = '\0';
	free(resp);
	body[0] = '\0';
	snprintf(body, sizeof body, "pre=");
	form_encode(body, sizeof body, pre);
	snprintf(body + strlen(body), sizeof body - strlen(body), "&username=");
	form_encode(body, sizeof body, USER);
	snprintf(body + strlen(body), sizeof body - strlen(body), "&password=");
	form_encode(body, sizeof body, pw);
	snprintf(
		req, sizeof req,
		"POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
		"Cookie: custodian_signin=%s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
		"Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		port, pre_cookie, strlen(body), body);
	resp = http(port, req);
	st = http_status(resp);
	if (st != 303 || set_cookie(resp, "custodian_session", session, sizeof session)) {
		fprintf(stderr, "bench_web: POST /sign-in: status %d, no session cookie\n", st);
		goto done;
	}
	snprintf(cookie, ncookie, "custodian_session=%s", session);
	rc = 0;
done:
	free(resp);
	return rc;
}

/* GET PATH with the cookie: its status, and the body's size into *BYTES. */
static int fetch_page(unsigned port, const char *path, const char *cookie, size_t *bytes,
		      char *lede, size_t nlede)
{
	char req[1024];
	char *resp;
	const char *b, *l;
	int st;

	snprintf(req, sizeof req,
		 "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nCookie: %s\r\n"
		 "Connection: close\r\n\r\n",
		 path, port, cookie);
	resp = http(port, req);
	st = http_status(resp);
	b = resp ? strstr(resp, "\r\n\r\n") : NULL;
	*bytes = b ? strlen(b + 4) : 0;
	if (lede && nlede) {
		lede[0] = '\0';
		if (b && (l = strstr(b, "nhsuk-lede-text\">"))) {
			l += 17;
			snprintf(lede, nlede, "%.*s", (int)strcspn(l, "<"), l);
		}
	}
	free(resp);
	return st;
}

/* ---- 3, 4. wrk and the server's memory ---- */

struct result {
	const char *name;
	char path[256];
	size_t page_bytes;
	double rps, p50_ms, p99_ms;
	long requests, sock_errors, non2xx;
	long sock[4]; /* connect, read, write, timeout */
	double bytes_per_req;
	double rss_first, rss_mid, rss_last, rss_peak; /* bytes, sampled during the run */
	int samples;
	double cores, busiest; /* server CPU seconds per second of the run; its busiest thread's */
	double drain_s;	       /* seconds the server stayed busy after wrk stopped */
	double wrk_cores;      /* wrk's own CPU seconds per second, on the same cores */
	double other_cores;    /* everything else on the machine meanwhile (other work) */
	bool parsed;
};

/* CPU time (seconds) of the server, in total and per thread. */
struct cpu {
	double total;
	double machine; /* busy seconds of every core, from /proc/stat */
	int n;
	int tid[128];
	double t[128];
};

/* utime + stime in seconds from a /proc .../stat file; -1 when unreadable. */
static double stat_cpu(const char *path)
{
	char buf[1024];
	FILE *f = fopen(path, "r");
	size_t n;
	const char *p;
	double ticks = 0;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!(p = strrchr(buf, ')')))
		return -1;
	/* After ") ": state is field 3; utime and stime are fields 14 and 15. */
	for (int field = 2; field < 15 && p; field++) {
		p = strchr(p + 1, ' ');
		if (p && field >= 13)
			ticks += strtod(p + 1, NULL);
	}
	return p ? ticks / (double)sysconf(_SC_CLK_TCK) : -1;
}

/* Busy seconds of all cores since boot (/proc/stat: every state but idle and iowait). */
static double machine_busy(void)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512];
	double busy = 0;

	if (f && fgets(line, sizeof line, f) && strncmp(line, "cpu ", 4) == 0) {
		char *q = line + 4;

		/* user nice system idle iowait irq softirq steal */
		for (int k = 0; k < 8; k++) {
			double v = strtod(q, &q);

			if (k != 3 && k != 4)
				busy += v;
		}
	}
	if (f)
		fclose(f);
	return busy / (double)sysconf(_SC_CLK_TCK);
}

static void cpu_sample(pid_t pid, struct cpu *c)
{
	char path[128];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	c->total = stat_cpu(path);
	c->n = 0;
	c->machine = machine_busy();
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d)) && c->n < 128) {
		char *end;
		long tid = strtol(e->d_name, &end, 10);

		if (*end || tid <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%ld/stat", (int)pid, tid);
		c->tid[c->n] = (int)tid;
		c->t[c->n++] = stat_cpu(path);
	}
	closedir(d);
}

/* Into R: cores the server used over WALL seconds, and its busiest thread's share. */
static void cpu_delta(const struct cpu *a, const struct cpu *b, double wall, struct result *r)
{
	r->cores = (b->total - a->total) / wall;
	r->busiest = 0;
	for (int i = 0; i < b->n; i++) {
		double before = 0;

		for (int j = 0; j < a->n; j++)
			if (a->tid[j] == b->tid[i])
				before = a->t[j];
		if ((b->t[i] - before) / wall > r->busiest)
			r->busiest = (b->t[i] - before) / wall;
	}
}

/*
 * Wait until the server is idle (under 5% of a core over a second): after wrk stops, the
 * server may still be working through requests whose clients have gone. Returns the seconds
 * waited (at most 300).
 */
static double drain(void)
{
	double t0 = now();
	struct cpu a, b;

	cpu_sample((pid_t)server_pid, &a);
	while (now() - t0 < 300) {
		usleep(1000000);
		cpu_sample((pid_t)server_pid, &b);
		if (b.total < 0 || b.total - a.total < 0.05)
			break;
		a = b;
	}
	return now() - t0 - 1;
}

/* VmRSS of PID in bytes, or -1. */
static double rss_of(pid_t pid)
{
	char path[64], line[256];
	double kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kb = strtod(line + 6, NULL);
			break;
		}
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

/* A wrk duration ("812.00us", "4.51ms", "1.20s", "2.00m") in milliseconds; NAN if not one. */
static double wrk_ms(const char *s)
{
	char *e;
	double v = strtod(s, &e);

	if (e == s)
		return NAN;
	if (strncmp(e, "us", 2) == 0)
		return v / 1e3;
	if (strncmp(e, "ms", 2) == 0)
		return v;
	if (e[0] == 's')
		return v * 1e3;
	if (e[0] == 'm')
		return v * 60e3;
	if (e[0] == 'h')
		return v * 3600e3;
	return NAN;
}

/* Byte counts as wrk prints them ("1.23GB", "512.00KB"). */
static double wrk_bytes(const char *s)
{
	char *e;
	double v = strtod(s, &e);

	switch (*e) {
	case 'K':
		return v * 1024;
	case 'M':
		return v * 1024 * 1024;
	case 'G':
		return v * 1024 * 1024 * 1024;
	case 'T':
		return v * 1024 * 1024 * 1024 * 1024;
	default:
		return v;
	}
}

/* Read wrk's --latency report from PATH into R. */
static int parse_wrk(const char *path, struct result *r)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int have = 0;

	r->p50_ms = r->p99_ms = r->rps = NAN;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		const char *p = line + strspn(line, " \t");
		const char *q;

		if (strncmp(p, "50%", 3) == 0) {
			r->p50_ms = wrk_ms(p + 3 + strspn(p + 3, " "));
		} else if (strncmp(p, "99%", 3) == 0) {
			r->p99_ms = wrk_ms(p + 3 + strspn(p + 3, " "));
		} else if (strncmp(p, "Requests/sec:", 13) == 0) {
			r->rps = strtod(p + 13, NULL);
			have = 1;
		} else if ((q = strstr(p, " requests in ")) && q > p) {
			r->requests = strtol(p, NULL, 10);
			if ((q = strstr(q, ", ")) && strstr(q, " read") && r->requests > 0)
				r->bytes_per_req = wrk_bytes(q + 2) / (double)r->requests;
		} else if (strncmp(p, "Socket errors:", 14) == 0) {
			static const char *const kind[] = { "connect ", "read ", "write ",
							    "timeout " };

			for (size_t k = 0; k < 4; k++)
				if ((q = strstr(p, kind[k]))) {
					r->sock[k] = strtol(q + strlen(kind[k]), NULL, 10);
					r->sock_errors += r->sock[k];
				}
		} else if (strncmp(p, "Non-2xx or 3xx responses:", 25) == 0) {
			r->non2xx = strtol(p + 25, NULL, 10);
		}
	}
	fclose(f);
	r->parsed = have && !isnan(r->p50_ms) && !isnan(r->p99_ms);
	return r->parsed ? 0 : -1;
}

static pid_t spawn(char *const argv[], const char *out_path)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (out_path) {
			FILE *f = freopen(out_path, "w", stdout);

			if (!f)
				_exit(127);
			if (!freopen("/dev/null", "w", stderr))
				_exit(127);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/*
 * Run wrk for SECONDS on URL with the cookie, sampling the server's RSS every second into R
 * (when R is not NULL; a warm-up otherwise). Its report is written to OUT.
 */
static int run_wrk(const char *url, const char *cookie, long conns, long seconds, const char *out,
		   const char *perf_out, struct result *r)
{
	char header[512], c[32], d[32];
	char *argv[] = { "wrk", "-t2", c, d, "--latency", "-H", header, (char *)url, NULL };
	pid_t pid, perf = 0;
	double next, t0, wall, drained;
	int status, pstatus, rc = 0;
	struct cpu cpu0, cpu1;
	struct rusage ru = { 0 };

	snprintf(header, sizeof header, "Cookie: %s", cookie);
	snprintf(c, sizeof c, "-c%ld", conns);
	snprintf(d, sizeof d, "-d%lds", seconds);
	if (perf_out) {
		char pid_s[32], secs[32];
		/* DWARF unwinding: the release build and Debian's libraries have no frame
		 * pointers. */
		char *pargv[] = { "perf", "record", "--call-graph", "dwarf,16384", "-F", "99",
				  "-q", "-o", (char *)perf_out, "-p", pid_s, "--", "sleep", secs,
				  NULL };

		snprintf(pid_s, sizeof pid_s, "%d", (int)server_pid);
		snprintf(secs, sizeof secs, "%ld", seconds > 4 ? seconds - 2 : seconds);
		perf = spawn(pargv, "/dev/null");
		helper_pid[1] = perf;
	}
	cpu_sample((pid_t)server_pid, &cpu0);
	t0 = now();
	if ((pid = spawn(argv, out)) < 0)
		return -1;
	helper_pid[0] = pid;
	next = t0 + 1;
	for (;;) {
		pid_t w = wait4(pid, &status, WNOHANG, &ru);
		double t;

		if (w == pid)
			break;
		if (w < 0) {
			rc = -1;
			break;
		}
		t = now();
		if (t >= next) {
			double rss = rss_of((pid_t)server_pid);

			next += 1;
			if (r && rss > 0 && t - t0 < (double)seconds) {
				if (r->samples++ == 0)
					r->rss_first = rss;
				r->rss_last = rss;
				if (r->rss_mid == 0 && t - t0 >= (double)seconds / 2)
					r->rss_mid = rss;
				if (rss > r->rss_peak)
					r->rss_peak = rss;
			}
		}
		usleep(20000);
	}
	wall = now() - t0;
	cpu_sample((pid_t)server_pid, &cpu1);
	helper_pid[0] = 0;
	if (perf > 0) {
		waitpid(perf, &pstatus, 0);
		helper_pid[1] = 0;
	}
	drained = drain();
	if (r) {
		cpu_delta(&cpu0, &cpu1, wall, r);
		r->wrk_cores = ((double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
				(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6) /
			       wall;
		r->other_cores = (cpu1.machine - cpu0.machine) / wall - r->cores - r->wrk_cores;
		if (r->other_cores < 0)
			r->other_cores = 0;
		r->drain_s = drained;
	}
	if (rc || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_web: wrk failed on %s (see %s)\n", url, out);
		return -1;
	}
	if (r && parse_wrk(out, r)) {
		fprintf(stderr, "bench_web: cannot read wrk's report %s\n", out);
		return -1;
	}
	return 0;
}

static bool flat(const struct result *r)
{
	return r->samples >= 3 && r->rss_mid > 0 && r->rss_last - r->rss_mid <= FLAT_BYTES;
}

/*
 * Percentile P (0.5, 0.99) of the latency for the table. wrk counts a response slower than its
 * timeout (2 s by default) as a timeout error and leaves it out of its histogram, so when more
 * than 1 - P of the responses timed out, the percentile is beyond 2 s whatever wrk prints.
 */
static const char *lat_text(double ms, double p, const struct result *r, char *out, size_t n)
{
	double late = r->requests > 0 ? (double)r->sock[3] / (double)r->requests : 0;

	if (late > 1 - p || (ms <= 0 && r->sock[3] > 0))
		snprintf(out, n, "> 2,000");
	else
		snprintf(out, n, "%.2f", ms);
	return out;
}

static void report(const struct result *res, size_t n, long conns, long seconds)
{
	char when[32], p50[32], p99[32];
	time_t t = time(NULL);
	const struct result *prov = &res[1];
	bool errors = false, mem = true;
	double peak = 0;

	strftime(when, sizeof when, "%Y-%m-%d", localtime(&t));
	printf("\nbench_web %s, %ld cores, wrk -t2 -c%ld -d%lds --latency, signed in as %s\n", when,
	       sysconf(_SC_NPROCESSORS_ONLN), conns, seconds, USER);
	printf("| page | KB | requests/s | p50 ms | p99 ms | errors: non-2xx/3xx, socket "
	       "(connect/read/write/timeout) | CPU cores: server (busiest thread), wrk, other | "
	       "busy after, s | RSS start/mid/end MB | flat |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		const struct result *r = &res[i];
		const char *verdict = r->samples < 3 ? "n/a" : flat(r) ? "yes" : "no";

		printf("| %s `%s` | %.1f | %.0f | %s | %s | %ld, %ld (%ld/%ld/%ld/%ld) | "
		       "%.2f (%.2f), %.2f, %.2f | %.0f | %.1f/%.1f/%.1f | %s |\n",
		       r->name, r->path, (double)r->page_bytes / 1024, r->rps,
		       lat_text(r->p50_ms, 0.5, r, p50, sizeof p50),
		       lat_text(r->p99_ms, 0.99, r, p99, sizeof p99), r->non2xx, r->sock_errors,
		       r->sock[0], r->sock[1], r->sock[2], r->sock[3], r->cores, r->busiest,
		       r->wrk_cores, r->other_cores, r->drain_s, r->rss_first / 1048576,
		       r->rss_mid / 1048576, r->rss_last / 1048576, verdict);
		errors |= r->sock_errors + r->non2xx > 0;
		mem &= flat(r);
		if (r->rss_peak > peak)
			peak = r->rss_peak;
		if (r->requests > 0 && fabs(r->bytes_per_req - (double)r->page_bytes) >
					       0.5 * (double)r->page_bytes + 1024)
			printf("  note: %s: wrk read %.0f bytes per request, the page is %zu "
			       "bytes\n", r->name, r->bytes_per_req, r->page_bytes);
	}
	printf("server peak RSS %.1f MB; flat: the last sample of a run at most 1 MiB above the "
	       "one at its middle\n",
	       peak / 1048576);
	printf("targets: provider page p99 %s ms < 50 ms: %s; %.0f requests/s >= 1,000: %s; "
	       "errors: %s; memory flat: %s\n",
	       lat_text(prov->p99_ms, 0.99, prov, p99, sizeof p99),
	       prov->p99_ms > 0 && prov->p99_ms < 50 && prov->sock[3] == 0 ? "met" : "NOT met",
	       prov->rps, prov->rps >= 1000 ? "met" : "NOT met", errors ? "NOT met" : "none, met",
	       mem ? "met" : "NOT met");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp/cu-bench-web";
	long seconds = env_long("BENCH_WEB_SECONDS", 20, 1, 3600);
	long warm = env_long("BENCH_WEB_WARM", 3, 0, 600);
	long conns = env_long("BENCH_WEB_CONNS", 64, 1, 10000);
	bool profile = env_long("BENCH_WEB_PERF", 0, 0, 1) == 1;
	struct result res[3] = { { .name = "home" }, { .name = "provider" }, { .name = "chart" } };
	char db[512], chart[CU_MAX_CODE + 1], cookie[256], real[PATH_MAX], absdir[256];
	struct sigaction sa = { 0 };
	unsigned port = 0;
	int out_fd = -1, rc = 1;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: bench_web [DIR]\n");
		return 1;
	}
	if (sh("command -v wrk >/dev/null 2>&1")) {
		fprintf(stderr, "bench_web: wrk is missing: run scripts/install-deps --peers\n");
		return 1;
	}
	if ((mkdir(dir, 0755) != 0 && errno != EEXIST) || !realpath(dir, real)) {
		fprintf(stderr, "bench_web: cannot make %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (strlen(real) >= sizeof absdir) {
		fprintf(stderr, "bench_web: %s: expected a path under %zu bytes\n", real,
			sizeof absdir);
		return 1;
	}
	memcpy(absdir, real, strlen(real) + 1);
	dir = absdir; /* absolute: the commands run from the source tree */
	snprintf(db, sizeof db, "%s/custodian.db", dir);
	if (build_db(dir, db, chart))
		return 1;

	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed connection is an error to report, not a death */
	atexit(stop_all);
	if (server_start(db, &out_fd, &port) || sign_in(dir, port, cookie, sizeof cookie))
		goto done;
	snprintf(res[0].path, sizeof res[0].path, "/");
	snprintf(res[1].path, sizeof res[1].path, "/org/RG001");
	snprintf(res[2].path, sizeof res[2].path, "/org/RG001/indicator/%s", chart);
	for (int i = 0; i < 3; i++) {
		char lede[512];
		int st = fetch_page(port, res[i].path, cookie, &res[i].page_bytes, lede,
				    sizeof lede);

		if (st != 200) {
			fprintf(stderr, "bench_web: GET %s answered %d, expected 200\n",
				res[i].path, st);
			goto done;
		}
		if (i == 0)
			printf("home page: %s\n", lede);
	}
	printf("server pid %d on port %u, RSS %.1f MB after sign-in\n", (int)server_pid, port,
	       rss_of((pid_t)server_pid) / 1048576);
	fflush(stdout);
	for (int i = 0; i < 3; i++) {
		char url[512], out[600], perf_out[600];

		snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, res[i].path);
		snprintf(out, sizeof out, "%s/wrk_%s.txt", dir, res[i].name);
		snprintf(perf_out, sizeof perf_out, "%s/perf_%s.data", dir, res[i].name);
		if (warm > 0 && run_wrk(url, cookie, conns, warm, out, NULL, NULL))
			goto done;
		if (run_wrk(url, cookie, conns, seconds, out, profile ? perf_out : NULL, &res[i]))
			goto done;
		printf("%-8s %6.0f requests/s, %ld requests, %ld errors; server %.2f cores; busy "
		       "%.0f s after\n",
		       res[i].name, res[i].rps, res[i].requests, res[i].sock_errors + res[i].non2xx,
		       res[i].cores, res[i].drain_s);
		fflush(stdout);
	}
	/* The session must still be good: a run answered by redirects to /sign-in is no run. */
	{
		size_t bytes;
		int st = fetch_page(port, res[1].path, cookie, &bytes, NULL, 0);

		if (st != 200) {
			fprintf(stderr, "bench_web: after the runs GET %s answered %d\n",
				res[1].path, st);
			goto done;
		}
	}
	report(res, 3, conns, seconds);
	rc = 0;
done:
	stop_all();
	if (out_fd >= 0)
		close(out_fd);
	return rc;
}
