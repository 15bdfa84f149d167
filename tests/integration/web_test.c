/*
 * The web application on a real loopback socket with a real SQLite file. Users of every role
 * sign in through the real form; then a table walks every route x every role and checks the
 * status each must get (a provider another user may not see answers exactly as a missing
 * one). Then the hostile cases: form tokens missing or wrong, a session replayed after
 * sign-out, markup and SQL in names rendered inert and stored literally, traversal on the
 * asset paths, a 1 GB upload refused before it is read, malformed forms, idle connections.
 * The client is a small HTTP/1.1 exchange written here.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/limits.h"
#include "ingest/catalogue.h"
#include "store/store.h"
#include "support/http.h"
#include "test.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/analysis.h"
#include "web/server.h"

static char dir[] = "/tmp/cu-web-XXXXXX";
static const char *PW = "plum kettle orbit 9 lantern";


/* ---- the world: organisations, relationships, users, figures ---- */

enum { R_PUBLIC, R_ADMIN, R_COMM, R_PROV, R_PROV2, R_REG, R_OVER, NROLE };
static const char *const role_user[NROLE] = { NULL, "ada", "cam", "pat", "pam", "reg", "ovi" };
static char cookie[NROLE][128], csrf[NROLE][64];

static int setup(const char *db)
{
	static const struct cu_actor sys = { .name = "test", .role = MODEL_ROLE_SYSTEM };
	static const struct {
		const char *code, *name;
		enum model_org_kind kind;
	} orgs[] = {
		{ "RAA", "Alpha Hospitals NHS Trust", MODEL_ORG_PROVIDER },
		{ "RBB", "Beta Hospitals NHS Trust", MODEL_ORG_PROVIDER },
		{ "RCC", "Gamma <script>alert(1)</script> & \"Co\" Robert'); DROP TABLE org;--",
		  MODEL_ORG_PROVIDER },
		{ "QAA", "Alpha Commissioning Board", MODEL_ORG_COMMISSIONER },
		{ "QOV", "Oversight Team", MODEL_ORG_OVERSIGHT },
	};
	static const struct {
		const char *user;
		enum model_role role;
		const char *org;
	} users[] = {
		{ "ada", MODEL_ROLE_ADMIN, NULL },	     { "cam", MODEL_ROLE_COMMISSIONER, "QAA" },
		{ "pat", MODEL_ROLE_PROVIDER, "RAA" },	     { "pam", MODEL_ROLE_PROVIDER, "RCC" },
		{ "reg", MODEL_ROLE_REGULATOR, NULL },	     { "ovi", MODEL_ROLE_OVERSIGHT, "QOV" },
	};
	struct store *s;
	struct auth *au;
	struct cu_err err;
	int rc = 0;

	cu_err_clear(&err);
	if (store_open(db, STORE_OPEN_CREATE, &s, &err) ||
	    ingest_catalogue_load(s, &sys, CU_SOURCE_DIR "/data/catalogue/catalogue.json", NULL, NULL,
				  &err) ||
	    auth_alloc(NULL, &au, &err))
		return -1;
	for (size_t i = 0; i < sizeof orgs / sizeof *orgs && !rc; i++) {
		struct store_org o = { .kind = orgs[i].kind };

		snprintf(o.code, sizeof o.code, "%s", orgs[i].code);
		snprintf(o.name, sizeof o.name, "%s", orgs[i].name);
		rc = store_org_put(s, &sys, &o, NULL, &err);
	}
	rc = rc || store_commissioning_put(s, &sys, "QAA", "RAA", true, &err) ||
	     store_commissioning_put(s, &sys, "QAA", "RBB", false, &err) ||
	     store_oversight_put(s, &sys, "QOV", "QAA", &err);
	/* Twelve months for each provider, imported as a provider would send them; RCC's last
	 * month far worse (a special cause). */
	if (!rc) {
		char csv[128], cmd[512];
		FILE *f;

		snprintf(csv, sizeof csv, "%s/months.csv", dir);
		if (!(f = fopen(csv, "w")))
			return -1;
		fputs("org_code,indicator,period,numerator,denominator,value\n", f);
		for (unsigned p = 0; p < 3; p++)
			for (unsigned m = 0; m < 12; m++)
				fprintf(f, "%s,AE_4HR_BREACH_T1,2024-%02u,%u,1000,\n", orgs[p].code,
					m + 1, 100 + (m * 7 + p * 3) % 11 + (p == 2 && m == 11 ? 300 : 0));
		/* Six months without a C. difficile case at RBB: a rate whose centre line is 0. */
		for (unsigned m = 0; m < 6; m++)
			fprintf(f, "RBB,HCAI_CDIFF_RATE,2024-%02u,0,5000,\n", m + 1);
		fclose(f);
		store_close(s);
		snprintf(cmd, sizeof cmd, "%s -d %s import --profile custodian %s >/dev/null",
			 CU_BINARY, db, csv);
		if (system(cmd) != 0 || store_open(db, 0, &s, &err))
			return -1;
	}
	for (size_t i = 0; i < sizeof users / sizeof *users && !rc; i++)
		rc = auth_user_add(au, s, &sys, users[i].user, users[i].user, users[i].role,
				   users[i].org, PW, NULL, &err);
	if (rc)
		fprintf(stderr, "setup: %s\n", err.msg);
	auth_free(au);
	store_close(s);
	return rc ? -1 : 0;
}

/* ---- every route x every role ---- */

struct expect {
	const char *method, *path;
	int status[NROLE]; /* public, admin, commissioner, provider RAA, provider RCC, regulator,
			    * oversight */
};

static const struct expect table[] = {
	{ "GET", "/", { 200, 200, 200, 200, 200, 200, 200 } },
	{ "GET", "/sign-in", { 200, 303, 303, 303, 303, 303, 303 } },
	{ "GET", "/providers", { 303, 200, 200, 200, 200, 200, 200 } },
	{ "GET", "/org/RAA", { 303, 404, 200, 200, 404, 200, 200 } },
	{ "GET", "/org/RBB", { 303, 404, 200, 404, 404, 200, 200 } },
	{ "GET", "/org/RCC", { 303, 404, 404, 404, 200, 200, 404 } },
	{ "GET", "/org/NOPE", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/org/RAA/indicator/AE_4HR_BREACH_T1", { 303, 404, 200, 200, 404, 200, 200 } },
	{ "GET", "/org/RCC/indicator/AE_4HR_BREACH_T1", { 303, 404, 404, 404, 200, 200, 404 } },
	{ "GET", "/org/RAA/indicator/AE_4HR_BREACH_T1.csv", { 303, 404, 200, 200, 404, 200, 200 } },
	{ "GET", "/org/RAA/indicator/AE_4HR_BREACH_T1.xlsx", { 303, 404, 200, 200, 404, 200, 200 } },
	{ "GET", "/org/RAA/indicator/NOPE", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/indicator/AE_4HR_BREACH_T1", { 303, 200, 200, 200, 200, 200, 200 } },
	{ "GET", "/indicator/NOPE", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/imports", { 303, 200, 200, 200, 200, 403, 403 } },
	{ "GET", "/admin/users", { 303, 200, 403, 403, 403, 403, 403 } },
	{ "GET", "/admin/organisations", { 303, 200, 403, 403, 403, 403, 403 } },
	{ "GET", "/admin/relationships", { 303, 200, 403, 403, 403, 403, 403 } },
	{ "GET", "/admin/catalogue", { 303, 200, 403, 403, 403, 403, 403 } },
	{ "GET", "/api/v1/providers", { 401, 200, 200, 200, 200, 200, 200 } },
	{ "GET", "/api/v1/org/RAA", { 401, 404, 200, 200, 404, 200, 200 } },
	{ "GET", "/api/v1/org/RCC", { 401, 404, 404, 404, 200, 200, 404 } },
	{ "GET", "/api/v1/org/RAA/indicator/AE_4HR_BREACH_T1", { 401, 404, 200, 200, 404, 200, 200 } },
	{ "GET", "/api/v1/nothing", { 404, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/nowhere", { 404, 404, 404, 404, 404, 404, 404 } },
	{ "DELETE", "/", { 405, 405, 405, 405, 405, 405, 405 } },
	{ "POST", "/providers", { 405, 405, 405, 405, 405, 405, 405 } },
	/* POSTs carry the role's form token; an empty upload is refused as such (400). */
	{ "POST", "/imports", { 403, 400, 400, 400, 400, 403, 403 } },
	{ "POST", "/admin/users", { 403, 400, 403, 403, 403, 403, 403 } },
	{ "POST", "/admin/relationships", { 403, 400, 403, 403, 403, 403, 403 } },
	/* Rebasing a chart without a reason: refused as such where the store allows rebasing. */
	{ "POST", "/org/RAA/indicator/AE_4HR_BREACH_T1", { 403, 404, 400, 400, 404, 403, 403 } },
};

static void every_route_for_every_role(void)
{
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		for (int r = 0; r < NROLE; r++) {
			const char *c = r == R_PUBLIC ? NULL : cookie[r];
			char req[4096], form[128];
			int got;

			if (strcmp(table[i].method, "POST") == 0) {
				snprintf(form, sizeof form, "csrf=%s", r == R_PUBLIC ? "" : csrf[r]);
				got = http_post(c, table[i].path, form);
			} else if (strcmp(table[i].method, "GET") == 0) {
				got = http_get(c, table[i].path);
			} else {
				snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: x\r\nConnection: "
					 "close\r\n%s%s%s\r\n", table[i].method, table[i].path,
					 c ? "Cookie: " : "", c ? c : "", c ? "\r\n" : "");
				got = http_exchange(req);
			}
			if (got != table[i].status[r])
				test_fail(__FILE__, __LINE__, "%s %s as %s: %d, expected %d",
					  table[i].method, table[i].path,
					  r == R_PUBLIC ? "public" : role_user[r], got,
					  table[i].status[r]);
		}
}

/* A provider one may not see is answered exactly as one that does not exist. */
static void denied_looks_like_missing(void)
{
	static char denied[1 << 16];

	CHECK_INT(http_get(cookie[R_COMM], "/org/RCC"), 404);
	snprintf(denied, sizeof denied, "%s", http_body());
	CHECK_INT(http_get(cookie[R_COMM], "/org/NOPE"), 404);
	CHECK_STR(http_body(), denied);
	CHECK_INT(http_get(cookie[R_COMM], "/api/v1/org/RCC"), 404);
	snprintf(denied, sizeof denied, "%s", http_body());
	CHECK_INT(http_get(cookie[R_COMM], "/api/v1/org/NOPE"), 404);
	CHECK_STR(http_body(), denied);
	CHECK_CONTAINS(http_reply, "Content-Type: application/problem+json");
	CHECK_CONTAINS(http_body(), "\"status\":404");
}

static void each_role_sees_its_own_providers(void)
{
	CHECK_INT(http_get(cookie[R_COMM], "/providers"), 200);
	CHECK_CONTAINS(http_body(), "Alpha Hospitals");
	CHECK_CONTAINS(http_body(), "Beta Hospitals");
	CHECK(strstr(http_body(), "Gamma") == NULL);
	CHECK_INT(http_get(cookie[R_PROV], "/api/v1/providers"), 200);
	CHECK_STR(http_body(), "{\"providers\":[{\"code\":\"RAA\",\"name\":\"Alpha Hospitals NHS "
			  "Trust\",\"postcode\":\"\"}]}");
	/* The regulator sees RCC's special cause on the home page. */
	CHECK_INT(http_get(cookie[R_REG], "/"), 200);
	CHECK_CONTAINS(http_body(), "Needs attention");
	CHECK_CONTAINS(http_body(), "beyond the limits");
	CHECK_CONTAINS(http_body(), "Dec 2024");
}

static void markup_and_sql_in_names_are_inert(void)
{
	CHECK_INT(http_get(cookie[R_REG], "/providers"), 200);
	CHECK_CONTAINS(http_body(), "Gamma &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot; "
			       "Robert&#39;); DROP TABLE org;--");
	CHECK(strstr(http_body(), "<script>") == NULL);
	/* The organisations table survived, and the name is stored exactly as given. */
	CHECK_INT(http_get(cookie[R_REG], "/api/v1/org/RCC"), 200);
	CHECK_CONTAINS(http_body(), "Robert'); DROP TABLE org;--");
}

static void security_headers_on_every_page(void)
{
	CHECK_INT(http_get(NULL, "/"), 200);
	CHECK_CONTAINS(http_reply, "Content-Security-Policy: default-src 'self'; script-src 'self' 'nonce-");
	CHECK_CONTAINS(http_reply, "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
	CHECK_CONTAINS(http_reply, "X-Content-Type-Options: nosniff");
	CHECK_CONTAINS(http_reply, "Referrer-Policy: same-origin");
	CHECK_CONTAINS(http_reply, "Cache-Control: no-store");
	CHECK(strstr(http_reply, "Strict-Transport-Security") == NULL); /* not on TLS here */
}

static void forms_need_the_right_token(void)
{
	char bodytext[256];

	/* Missing, wrong, and another session's token: refused, nothing changed. */
	CHECK_INT(http_post(cookie[R_ADMIN], "/admin/relationships", "commissioner=QAA&provider=RCC"),
		  403);
	CHECK_INT(http_post(cookie[R_ADMIN], "/admin/relationships",
			  "csrf=AAAA&commissioner=QAA&provider=RCC"), 403);
	snprintf(bodytext, sizeof bodytext, "csrf=%s&commissioner=QAA&provider=RCC", csrf[R_REG]);
	CHECK_INT(http_post(cookie[R_ADMIN], "/admin/relationships", bodytext), 403);
	CHECK_INT(http_get(cookie[R_COMM], "/org/RCC"), 404); /* still not commissioned */
	/* With the right token it lands, and the commissioner now sees RCC. */
	snprintf(bodytext, sizeof bodytext, "csrf=%s&commissioner=QAA&provider=RCC", csrf[R_ADMIN]);
	CHECK_INT(http_post(cookie[R_ADMIN], "/admin/relationships", bodytext), 303);
	CHECK_INT(http_get(cookie[R_COMM], "/org/RCC"), 200);
	/* A form that fails keeps what was typed and says why, in the error summary. */
	snprintf(bodytext, sizeof bodytext, "csrf=%s&commissioner=QAA&provider=<b>NOPE", csrf[R_ADMIN]);
	CHECK_INT(http_post(cookie[R_ADMIN], "/admin/relationships", bodytext), 400);
	CHECK_CONTAINS(http_body(), "nhsuk-error-summary");
	CHECK_CONTAINS(http_body(), "value=\"&lt;b&gt;NOPE\"");
	/* The sign-in form's own check: without its cookie, no sign-in. */
	CHECK_INT(http_post(NULL, "/sign-in", "pre=x&username=ada&password=whatever+it+is"), 403);
}

static void signin_failures_say_the_same_thing(void)
{
	char pre_cookie[128], pre[64], bodytext[256], known[4096];

	CHECK_INT(http_get(NULL, "/sign-in"), 200);
	http_header("Set-Cookie", "custodian_signin=", pre_cookie, sizeof pre_cookie);
	http_form_value("pre", pre, sizeof pre);
	snprintf(bodytext, sizeof bodytext, "pre=%s&username=reg&password=wrong+password+here", pre);
	CHECK_INT(http_post(pre_cookie, "/sign-in", bodytext), 401);
	CHECK_CONTAINS(http_body(), "nhsuk-error-summary");
	snprintf(known, sizeof known, "%s", strstr(http_body(), "nhsuk-error-summary"));
	*strstr(known, "</ul>") = '\0';
	CHECK_INT(http_get(NULL, "/sign-in"), 200);
	http_header("Set-Cookie", "custodian_signin=", pre_cookie, sizeof pre_cookie);
	http_form_value("pre", pre, sizeof pre);
	snprintf(bodytext, sizeof bodytext, "pre=%s&username=nobody&password=wrong+password+here",
		 pre);
	CHECK_INT(http_post(pre_cookie, "/sign-in", bodytext), 401);
	CHECK(strstr(http_body(), known) != NULL);
}

static void session_ends_at_sign_out(void)
{
	char c[128], t[64], bodytext[128];

	CHECK_INT(http_sign_in("cam", c, sizeof c, t, sizeof t), 0);
	CHECK_INT(http_get(c, "/providers"), 200);
	snprintf(bodytext, sizeof bodytext, "csrf=%s", t);
	CHECK_INT(http_post(c, "/sign-out", bodytext), 303);
	CHECK_CONTAINS(http_reply, "Set-Cookie: custodian_session=; ");
	/* The same token, replayed: the server has ended the session. */
	CHECK_INT(http_get(c, "/providers"), 303);
	CHECK_INT(http_get(c, "/api/v1/providers"), 401);
	/* Sign-in gives a new token each time. */
	{
		char c2[128], t2[64];

		CHECK_INT(http_sign_in("cam", c2, sizeof c2, t2, sizeof t2), 0);
		CHECK(strcmp(c, c2) != 0);
	}
}

static void no_path_escapes_the_asset_folders(void)
{
	CHECK_INT(http_get(NULL, "/assets/nhsuk-frontend-10.6.1.min.css"), 200);
	CHECK_CONTAINS(http_reply, "Content-Type: text/css");
	CHECK_INT(http_get(NULL, "/assets/app/app.css"), 200);
	CHECK_INT(http_get(NULL, "/assets/../../etc/passwd"), 404);
	CHECK(strstr(http_reply, "root:") == NULL);
	CHECK_INT(http_get(NULL, "/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"), 404);
	CHECK(strstr(http_reply, "root:") == NULL);
	CHECK_INT(http_get(NULL, "/assets/..%2f..%2f..%2fCMakeLists.txt"), 404);
	CHECK_INT(http_get(NULL, "/assets/app/../../CMakeLists.txt"), 404);
	CHECK_INT(http_get(NULL, "/assets/app/%00.css"), 404);
	CHECK_INT(http_get(NULL, "/org/%2e%2e"), 404);
}

static void huge_and_malformed_bodies(void)
{
	char req[1024];
	int n;

	/* 1 GB declared: refused at once, before any of it is sent. */
	n = snprintf(req, sizeof req,
		     "POST /imports HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nContent-Type: "
		     "multipart/form-data; boundary=XX\r\nContent-Length: 1073741824\r\n\r\n",
		     cookie[R_ADMIN]);
	CHECK_INT(http_exchange_from(NULL, req, (size_t)n), 413);
	/* A form past the body limit. */
	n = snprintf(req, sizeof req,
		     "POST /admin/users HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nContent-Type: "
		     "application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n",
		     cookie[R_ADMIN], CU_MAX_BODY_BYTES + 1);
	CHECK_INT(http_exchange_from(NULL, req, (size_t)n), 413);
	/* Not a form at all. */
	n = snprintf(req, sizeof req,
		     "POST /admin/users HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nContent-Type: "
		     "application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
		     cookie[R_ADMIN]);
	CHECK_INT(http_exchange_from(NULL, req, (size_t)n), 415);
	/* Multipart that never finds its boundary: no import, a clear refusal. */
	n = snprintf(req, sizeof req,
		     "POST /imports HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nContent-Type: "
		     "multipart/form-data; boundary=XX\r\nContent-Length: 17\r\nConnection: "
		     "close\r\n\r\n--YY\r\ngarbage\r\n\r\n",
		     cookie[R_ADMIN]);
	n = http_exchange_from(NULL, req, (size_t)n);
	if (n < 400)
		test_fail(__FILE__, __LINE__, "malformed multipart: %d", n);
}

/* RAA's page before the upload below: nothing for Jan 2025 yet, and now kept (fetched twice). */
static void provider_page_before_new_data(void)
{
	for (int k = 0; k < 2; k++) {
		CHECK_INT(http_get(cookie[R_COMM], "/org/RAA"), 200);
		CHECK(strstr(http_body(), "Jan 2025") == NULL);
	}
}

/* An upload with an error: the page lists the located error; a good one lands. */
static void upload_reports_located_errors(void)
{
	const char *bad = "org_code,indicator,period,numerator,denominator,value\n"
			  "RAA,AE_4HR_BREACH_T1,2024-13,5,10,\n";
	const char *good = "org_code,indicator,period,numerator,denominator,value\n"
			   "RAA,AE_4HR_BREACH_T1,2025-01,5,10,\n";
	char req[4096];
	int n;

	for (int k = 0; k < 2; k++) {
		const char *csv = k ? good : bad;
		char mp[2048];
		int m = snprintf(mp, sizeof mp,
				 "--XYZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
				 "--XYZ\r\nContent-Disposition: form-data; name=\"profile\"\r\n\r\n"
				 "custodian\r\n--XYZ\r\nContent-Disposition: form-data; name=\"file\"; "
				 "filename=\"return <1>.csv\"\r\nContent-Type: text/csv\r\n\r\n%s\r\n"
				 "--XYZ--\r\n",
				 csrf[R_COMM], csv);

		n = snprintf(req, sizeof req,
			     "POST /imports HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nConnection: close\r\n"
			     "Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: "
			     "%d\r\n\r\n%s",
			     cookie[R_COMM], m, mp);
		if (k == 0) {
			CHECK_INT(http_exchange_from(NULL, req, (size_t)n), 422);
			CHECK_CONTAINS(http_body(), "The file was not imported");
			CHECK_CONTAINS(http_body(), "return &lt;1&gt;.csv:2: column &quot;period&quot;");
		} else {
			CHECK_INT(http_exchange_from(NULL, req, (size_t)n), 200);
			CHECK_CONTAINS(http_body(), "The file was imported");
		}
	}
	CHECK_INT(http_get(cookie[R_COMM], "/imports"), 200);
	CHECK_CONTAINS(http_body(), "return &lt;1&gt;.csv");
	/* Who imported what is seen by the importer's organisation, administrators and
	 * regulators only: not by another provider's staff (nor the test's command-line import). */
	CHECK_INT(http_get(cookie[R_ADMIN], "/imports"), 200);
	CHECK_CONTAINS(http_body(), "return &lt;1&gt;.csv");
	CHECK_CONTAINS(http_body(), "months.csv");
	CHECK_INT(http_get(cookie[R_PROV2], "/imports"), 200);
	CHECK(strstr(http_body(), "return &lt;1&gt;.csv") == NULL);
	CHECK(strstr(http_body(), "months.csv") == NULL);
	CHECK_INT(http_get(cookie[R_COMM], "/imports"), 200);
	CHECK(strstr(http_body(), "months.csv") == NULL);
}

/* The home page is kept between requests but follows the data: after the upload above (Jan
 * 2025 for RAA, 5 of 10 against about 10%), the regulator's page shows the new concern. */
static void home_follows_new_data(void)
{
	CHECK_INT(http_get(cookie[R_REG], "/"), 200);
	CHECK_CONTAINS(http_body(), "since Jan 2025");
	CHECK_INT(http_get(cookie[R_COMM], "/"), 200); /* another role's page, kept apart */
	CHECK_CONTAINS(http_body(), "since Jan 2025");
	CHECK_INT(http_get(cookie[R_PROV2], "/"), 200); /* RCC's staff do not see RAA */
	CHECK(strstr(http_body(), "since Jan 2025") == NULL);
	/* The provider page kept before the upload is not served again: the new month shows,
	 * for another role too; and RAA's kept page is not shown to those who may not see RAA. */
	CHECK_INT(http_get(cookie[R_COMM], "/org/RAA"), 200);
	CHECK_CONTAINS(http_body(), "Jan 2025");
	CHECK_INT(http_get(cookie[R_REG], "/org/RAA"), 200);
	CHECK_CONTAINS(http_body(), "Jan 2025");
	CHECK_INT(http_get(cookie[R_PROV2], "/org/RAA"), 404);
}

/* One home page request over its own connection (for threads: http_get's reply is shared). */
static void *home_request(void *arg)
{
	int *status = arg, fd = http_connect_from(NULL);
	char req[1024], buf[16384];
	ssize_t k;
	size_t n = 0;

	*status = 0;
	if (fd < 0)
		return NULL;
	k = snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
				      "Cookie: %s\r\n\r\n", cookie[R_REG]);
	if (write(fd, req, (size_t)k) == k)
		while (n < sizeof buf - 1 && (k = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
			n += (size_t)k;
	buf[n] = '\0';
	if (strncmp(buf, "HTTP/1.1 200", 12) == 0)
		*status = 200;
	close(fd);
	return NULL;
}

/*
 * After a write every kept ranking is stale; eight requests for the same home page at once
 * then build it once, the others waiting for that build rather than each making their own.
 */
static void concurrent_requests_build_the_ranking_once(void)
{
	pthread_t t[8];
	int status[8];
	unsigned long before;
	char bodytext[256];

	/* A write: a rebasing (refused or not, the attempt is not what matters: a user added). */
	snprintf(bodytext, sizeof bodytext,
		 "csrf=%s&username=flight&display_name=F&role=regulator&org=&password=%s",
		 csrf[R_ADMIN], PW);
	CHECK_INT(http_post(cookie[R_ADMIN], "/admin/users", bodytext), 303);
	before = ranking_builds();
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, home_request, &status[i]);
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		CHECK_INT(status[i], 200);
	}
	CHECK_INT((int)(ranking_builds() - before), 1);
}

/* A thousand idle connections from one address do not keep out a user at another. */
static void idle_connections_do_not_starve_users(void)
{
	int fds[1000], opened = 0;
	char req[512];
	int n;

	for (int i = 0; i < 1000; i++)
		if ((fds[i] = http_connect_from("127.0.0.1")) >= 0)
			opened++;
	n = snprintf(req, sizeof req, "GET /sign-in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	CHECK_INT(http_exchange_from("127.0.0.2", req, (size_t)n), 200);
	for (int i = 0; i < 1000; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	CHECK(opened > 0);
}

/* A rebasing recorded with its reason splits the chart's limits from that period on, is shown
 * with its reason (escaped), and a replay from before it shows the chart without it. */
static void rebasing_splits_the_limits(void)
{
	char bodytext[512], before[64], url[160];
	const char *p;
	double m1 = 0, m2 = 0;
	struct timeval tv;
	struct tm tm;

	/* A moment after the figures were imported and before the rebasing is recorded. */
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(before, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(before + strlen(before), sizeof before - strlen(before), ".%06ldZ",
		 (long)tv.tv_usec);
	usleep(2000);
	snprintf(bodytext, sizeof bodytext, "csrf=%s&period=2024-07-01&reason=New+triage+%%3Cb%%3Epathway",
		 csrf[R_COMM]);
	CHECK_INT(http_post(cookie[R_COMM], "/org/RAA/indicator/AE_4HR_BREACH_T1", bodytext), 303);
	CHECK_INT(http_get(cookie[R_COMM], "/org/RAA/indicator/AE_4HR_BREACH_T1"), 200);
	CHECK_CONTAINS(http_body(), "New limits from Jul 2024: New triage &lt;b&gt;pathway");
	CHECK_CONTAINS(http_body(), "app-chart-break");
	/* The same period again: refused, the form keeps the reason typed. */
	CHECK_INT(http_post(cookie[R_COMM], "/org/RAA/indicator/AE_4HR_BREACH_T1", bodytext), 400);
	CHECK_CONTAINS(http_body(), "already starts new limits at 2024-07-01");
	/* Two segments: June and July have different means. */
	CHECK_INT(http_get(cookie[R_COMM], "/api/v1/org/RAA/indicator/AE_4HR_BREACH_T1"), 200);
	p = strstr(http_body(), "\"period\":\"Jun 2024\"");
	if (p && (p = strstr(p, "\"mean\":")))
		m1 = atof(p + 7);
	p = strstr(http_body(), "\"period\":\"Jul 2024\"");
	if (p && (p = strstr(p, "\"mean\":")))
		m2 = atof(p + 7);
	CHECK(m1 > 0 && m2 > 0 && m1 != m2);
	/* As known on a date before it was recorded, the chart had one set of limits. */
	snprintf(url, sizeof url, "/org/RAA/indicator/AE_4HR_BREACH_T1?as_of=%s", before);
	CHECK_INT(http_get(cookie[R_COMM], url), 200);
	CHECK_CONTAINS(http_body(), "app-chart-xmr"); /* the figures were known then */
	CHECK_CONTAINS(http_body(), "has not been rebased");
	CHECK(strstr(http_body(), "app-chart-break") == NULL);
	/* Another provider's chart cannot be rebased by a provider. */
	snprintf(bodytext, sizeof bodytext, "csrf=%s&period=2024-07-01&reason=x", csrf[R_PROV2]);
	CHECK_INT(http_post(cookie[R_PROV2], "/org/RAA/indicator/AE_4HR_BREACH_T1", bodytext), 404);
}

/*
 * The chart that fits the measure. RBB's months (setup: p = 1) are 103, 110, 106, 102, 109,
 * 105, 101, 108, 104, 100, 107, 103 breaches of 1,000: 1,258 of 12,000, centre 0.104833.
 *   p chart: sigma = sqrt(0.104833 x 0.895167 / 1000) = 0.0096873, limits 0.104833 -/+
 *            0.029062 = 7.6% to 13.4%.
 *   p' (Laney): the eleven moving ranges of p are 7, 4, 4, 7, 4, 4, 7, 4, 4, 7, 4 per 1,000,
 *            mean 56 / 11 = 5.0909; with equal denominators sigma' = 0.0050909 / 1.128 =
 *            0.0045132, sigma_z = 0.0045132 / 0.0096873 = 0.47, limits 9.1% to 11.8%: the same
 *            as XmR's (mean -/+ 2.66 x 5.0909 per 1,000), as it must be with equal denominators.
 * A u chart is not offered for a proportion (the request falls back to XmR); a u' chart of a
 * rate whose centre is 0 is refused with the reason and XmR shown.
 */
static void chart_fits_the_measure(void)
{
	const char *base = "/org/RBB/indicator/AE_4HR_BREACH_T1";
	char url[160];

	CHECK_INT(http_get(cookie[R_COMM], base), 200);
	CHECK_CONTAINS(http_body(), "<strong aria-current=\"true\">XmR chart</strong>");
	CHECK_CONTAINS(http_body(), "<a href=\"/org/RBB/indicator/AE_4HR_BREACH_T1?chart=pp\">");
	CHECK_CONTAINS(http_body(), "9.1% to 11.8%");
	snprintf(url, sizeof url, "%s?chart=p", base);
	CHECK_INT(http_get(cookie[R_COMM], url), 200);
	CHECK_CONTAINS(http_body(), "<strong aria-current=\"true\">p chart</strong>");
	CHECK_CONTAINS(http_body(), "7.6% to 13.4%");
	CHECK_CONTAINS(http_body(), "Centre line");
	CHECK_CONTAINS(http_body(), "p chart of 12 points");
	CHECK(strstr(http_body(), "9.1% to 11.8%") == NULL);
	snprintf(url, sizeof url, "%s?chart=pp&as_of=2999-01-01", base);
	CHECK_INT(http_get(cookie[R_COMM], url), 200);
	CHECK_CONTAINS(http_body(), "<strong aria-current=\"true\">p\u2032 chart (Laney)</strong>");
	CHECK_CONTAINS(http_body(), "Laney&#39;s factor for the latest segment is 0.47");
	CHECK_CONTAINS(http_body(), "9.1% to 11.8%");
	/* The other charts' links keep the as-of time. */
	CHECK_CONTAINS(http_body(), "AE_4HR_BREACH_T1?chart=p&amp;as_of=2999-01-01\"");
	snprintf(url, sizeof url, "%s?chart=u", base);
	CHECK_INT(http_get(cookie[R_COMM], url), 200);
	CHECK_CONTAINS(http_body(), "<strong aria-current=\"true\">XmR chart</strong>");
	CHECK(strstr(http_body(), "u chart") == NULL);
	/* The API gives the same chart. */
	CHECK_INT(http_get(cookie[R_COMM], "/api/v1/org/RBB/indicator/AE_4HR_BREACH_T1?chart=p"),
		  200);
	CHECK_CONTAINS(http_body(), "\"chart\":\"p\"");
	CHECK_CONTAINS(http_body(), "\"mean\":0.10483333333333");
	/* A rate with no case: u' cannot be drawn (z is undefined at a centre of 0). */
	CHECK_INT(http_get(cookie[R_COMM], "/org/RBB/indicator/HCAI_CDIFF_RATE?chart=up"), 200);
	CHECK_CONTAINS(http_body(), "A u\u2032 chart (Laney) needs a numerator");
	CHECK_CONTAINS(http_body(), "<strong aria-current=\"true\">XmR chart</strong>");
	CHECK_INT(http_get(cookie[R_COMM], "/api/v1/org/RBB/indicator/HCAI_CDIFF_RATE?chart=up"),
		  200);
	CHECK_CONTAINS(http_body(), "\"chart\":\"xmr\",\"chart_refused\":true");
}

/* The chart's data downloads as CSV (one row per period, the chart's columns) and as an Excel
 * workbook (a zip container), each named for the provider and indicator. */
static void downloads_are_csv_and_xlsx(void)
{
	CHECK_INT(http_get(cookie[R_REG], "/org/RCC/indicator/AE_4HR_BREACH_T1.csv"), 200);
	CHECK_CONTAINS(http_reply, "Content-Type: text/csv; charset=utf-8");
	CHECK_CONTAINS(http_reply, "Content-Disposition: attachment; filename=\"RCC-AE_4HR_BREACH_T1.csv\"");
	CHECK_CONTAINS(http_body(), "organisation,indicator,period_start,period,numerator,denominator,value,"
			       "mean,lower_limit,upper_limit,variation,rules,revision,recorded_at\n");
	/* December 2024 (m = 11, p = 2 in setup): 100 + (77 + 6) % 11 + 300 = 406 of 1000, the
	 * special cause built into the test data; 0.406 written with 17 significant digits. */
	CHECK_CONTAINS(http_body(), "RCC,AE_4HR_BREACH_T1,2024-12-01,Dec 2024,406,1000,0.40600000000000003,");
	CHECK_CONTAINS(http_body(), "special cause concern,beyond the limits");
	CHECK_INT(http_get(cookie[R_REG], "/org/RCC/indicator/AE_4HR_BREACH_T1.xlsx"), 200);
	CHECK_CONTAINS(http_reply, "Content-Type: application/vnd.openxmlformats-officedocument."
			      "spreadsheetml.sheet");
	CHECK(memcmp(http_body(), "PK\x03\x04", 4) == 0);
	CHECK_INT(http_get(cookie[R_REG], "/org/RCC/indicator/AE_4HR_BREACH_T1.pdf"), 404);
}

/* Lists sort by the column asked for; an out-of-range page is the first page. */
static void lists_sort_and_page(void)
{
	const char *a, *b;

	CHECK_INT(http_get(cookie[R_ADMIN], "/admin/organisations?sort=code"), 200);
	a = strstr(http_body(), ">QAA<");
	b = strstr(http_body(), ">RAA<");
	CHECK(a && b && a < b);
	CHECK_CONTAINS(http_body(), "aria-sort=\"ascending\"><a href=\"/admin/organisations?sort=code"
			       "&amp;dir=desc\"");
	CHECK_INT(http_get(cookie[R_ADMIN], "/admin/organisations?sort=name&page=99"), 200);
	a = strstr(http_body(), ">Alpha Commissioning Board<");
	b = strstr(http_body(), ">Oversight Team<");
	CHECK(a && b && a < b);
	CHECK_INT(http_get(cookie[R_REG], "/providers?sort=code&page=-1"), 200);
	a = strstr(http_body(), ">RAA<");
	b = strstr(http_body(), ">RCC<");
	CHECK(a && b && a < b);
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

int main(void)
{
	struct web_config cfg = { .address = "127.0.0.1", .port = 0, .home = CU_SOURCE_DIR, .quiet = 1 };
	struct web_server *w;
	struct cu_err err;
	char db[64], cmd[1024];

	if (!mkdtemp(dir))
		return 2;
	snprintf(db, sizeof db, "%s/web.db", dir);
	if (setup(db))
		return 2;
	cfg.db_path = db;
	cu_err_clear(&err);
	if (!(w = web_start(&cfg, &err))) {
		fprintf(stderr, "web_start: %s\n", err.msg);
		return 2;
	}
	http_port = web_port(w);
	http_password = PW;
	for (int r = 1; r < NROLE; r++)
		if (http_sign_in(role_user[r], cookie[r], sizeof cookie[r], csrf[r], sizeof csrf[r])) {
			fprintf(stderr, "cannot sign in as %s: %.300s\n", role_user[r], http_reply);
			return 2;
		}
	RUN(every_route_for_every_role);
	RUN(denied_looks_like_missing);
	RUN(each_role_sees_its_own_providers);
	RUN(markup_and_sql_in_names_are_inert);
	RUN(security_headers_on_every_page);
	RUN(forms_need_the_right_token);
	RUN(signin_failures_say_the_same_thing);
	RUN(session_ends_at_sign_out);
	RUN(no_path_escapes_the_asset_folders);
	RUN(huge_and_malformed_bodies);
	RUN(provider_page_before_new_data);
	RUN(upload_reports_located_errors);
	RUN(home_follows_new_data);
	RUN(idle_connections_do_not_starve_users);
	RUN(concurrent_requests_build_the_ranking_once);
	RUN(lists_sort_and_page);
	RUN(downloads_are_csv_and_xlsx);
	RUN(rebasing_splits_the_limits);
	RUN(chart_fits_the_measure);
	RUN(html_writer_escapes_every_special_character);
	web_stop(w);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return test_done();
}
