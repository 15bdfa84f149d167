/*
 * The web application on a real loopback socket with a real SQLite file. Users of every role
 * sign in through the real form; then a table walks every route x every role and checks the
 * status each must get (a provider another user may not see answers exactly as a missing
 * one). Then the hostile cases: form tokens missing or wrong, a session replayed after
 * sign-out, markup and SQL in names rendered inert and stored literally, traversal on the
 * asset paths, a 1 GB upload refused before it is read, malformed forms, idle connections.
 * The API's resources are checked against the setup's own figures, worked by hand in each
 * test's comment (read back through Jansson), and against the page that shows the same data.
 * The client is a small HTTP/1.1 exchange written here.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
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
static char cookie[NROLE][HTTP_COOKIE_MAX], csrf[NROLE][HTTP_CSRF_MAX];

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
	/* The pages' data through the API: each as its page, 401 instead of the sign-in
	 * redirect, and 403 where the role never has access (administrators see no ranking:
	 * their home page is the administration). */
	{ "GET", "/api/v1/attention", { 401, 403, 200, 200, 200, 200, 200 } },
	{ "GET", "/api/v1/attention?domain=x&service=UEC", { 401, 403, 200, 200, 200, 200, 200 } },
	{ "GET", "/api/v1/indicator/AE_4HR_BREACH_T1", { 401, 200, 200, 200, 200, 200, 200 } },
	{ "GET", "/api/v1/indicator/AE_4HR_BREACH_T1?od=x", { 401, 200, 200, 200, 200, 200, 200 } },
	{ "GET", "/api/v1/indicator/HCAI_CDIFF_RATE", { 401, 200, 200, 200, 200, 200, 200 } },
	{ "GET", "/api/v1/indicator/NOPE", { 401, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/api/v1/imports", { 401, 200, 200, 200, 200, 403, 403 } },
	{ "GET", "/api/v1/admin/users", { 401, 200, 403, 403, 403, 403, 403 } },
	{ "GET", "/api/v1/admin/organisations", { 401, 200, 403, 403, 403, 403, 403 } },
	{ "GET", "/api/v1/admin/relationships", { 401, 200, 403, 403, 403, 403, 403 } },
	{ "GET", "/api/v1/catalogue", { 401, 200, 403, 403, 403, 403, 403 } },
	{ "GET", "/api/v1/admin/nothing", { 404, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/api/v1/nothing", { 404, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/nowhere", { 404, 404, 404, 404, 404, 404, 404 } },
	{ "DELETE", "/", { 405, 405, 405, 405, 405, 405, 405 } },
	{ "POST", "/providers", { 405, 405, 405, 405, 405, 405, 405 } },
	{ "POST", "/api/v1/providers", { 405, 405, 405, 405, 405, 405, 405 } },
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

/* ---- the API's resources against the test's own data ---- */

/* Member KEY of object O as text, or "" (so CHECK_STR reports what was there). */
static const char *jstr(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static double jnum(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The element of array A whose member KEY is VALUE, or NULL. */
static json_t *jfind(const json_t *a, const char *key, const char *value)
{
	size_t i;
	json_t *e;

	json_array_foreach(a, i, e)
		if (strcmp(jstr(e, key), value) == 0)
			return e;
	return NULL;
}

/*
 * The needs-attention ranking the home page shows, as JSON. Setup's figures of
 * AE_4HR_BREACH_T1 (lower is better, domain experience, service UEC), 2024 by month, per
 * 1,000 attendances: numerator 100 + (7m + 3p) % 11, and 300 more for RCC (p = 2) in
 * December (m = 11):
 *   RAA 100 107 103 110 106 102 109 105 101 108 104 100
 *   RBB 103 110 106 102 109 105 101 108 104 100 107 103
 *   RCC 106 102 109 105 101 108 104 100 107 103 110 406
 * RCC's December is far above any XmR limit its other months allow (their moving ranges are
 * 4 and 7, so the limits sit within about 20 of the mean): a special-cause concern beyond the
 * limits at the latest point, and November is not a concern, so it is "since Dec 2024",
 * weight 2. RAA and RBB end below their means (104.6 and 104.8) with no rule firing. The
 * funnel of December (see the funnel test) is overdispersed, and within the widened limits
 * every provider is inside, so no funnel finding. The regulator sees the three providers and
 * one finding; RCC's own staff one provider and the same finding; the commissioner (RAA and
 * RBB) nothing, with two providers looked at; administrators see no quality data (403).
 */
/* A method an API resource does not take: a problem, like every other API answer. */
static void api_wrong_method_is_a_problem(void)
{
	CHECK_INT(http_post(cookie[R_REG], "/api/v1/providers", "x=1"), 405);
	CHECK_CONTAINS(http_reply, "Content-Type: application/problem+json");
	CHECK_CONTAINS(http_body(), "\"status\":405");
}

static void api_attention_is_the_home_page_ranking(void)
{
	json_t *j, *r, *re, *per;

	CHECK_INT(http_get(cookie[R_REG], "/api/v1/attention"), 200);
	CHECK_CONTAINS(http_reply, "Content-Type: application/json");
	if (!(j = http_body_json(__FILE__, __LINE__)))
		return;
	CHECK(json_is_null(json_object_get(j, "domain")));
	CHECK(json_is_null(json_object_get(j, "service")));
	CHECK_INT(json_integer_value(json_object_get(j, "providers_considered")), 3);
	CHECK_INT(json_array_size(json_object_get(j, "ranking")), 1);
	r = json_array_get(json_object_get(j, "ranking"), 0);
	CHECK_INT(json_integer_value(json_object_get(r, "rank")), 1);
	CHECK_STR(jstr(r, "code"), "RCC");
	/* The hostile name comes back as it was stored: escaped as JSON, not altered. */
	CHECK_STR(jstr(r, "name"),
		  "Gamma <script>alert(1)</script> & \"Co\" Robert'); DROP TABLE org;--");
	CHECK_CONTAINS(http_body(), "\"name\":\"Gamma <script>alert(1)</script> & \\\"Co\\\" "
				    "Robert'); DROP TABLE org;--\"");
	CHECK_INT(json_integer_value(json_object_get(r, "score")), 2);
	per = json_object_get(r, "per_domain");
	CHECK_INT(json_integer_value(json_object_get(per, "experience")), 2);
	CHECK_INT(json_integer_value(json_object_get(per, "safety")), 0);
	CHECK_INT(json_integer_value(json_object_get(per, "effectiveness")), 0);
	CHECK_INT(json_array_size(json_object_get(r, "reasons")), 1);
	re = json_array_get(json_object_get(r, "reasons"), 0);
	CHECK_STR(jstr(re, "indicator"), "AE_4HR_BREACH_T1");
	CHECK_STR(jstr(re, "title"), "Type 1 A&E attendances over 4 hours");
	CHECK_STR(jstr(re, "domain"), "experience");
	CHECK_STR(jstr(re, "rules"), "beyond the limits");
	CHECK_STR(jstr(re, "since"), "Dec 2024");
	CHECK_INT(json_integer_value(json_object_get(re, "weight")), 2);
	json_decref(j);
	/* The page says the same. */
	CHECK_INT(http_get(cookie[R_REG], "/"), 200);
	CHECK_CONTAINS(http_body(), "1 of the 3 providers you can see shows");
	CHECK_CONTAINS(http_body(), ": beyond the limits, since Dec 2024 (Patient experience)");
	/* RCC's own staff see one provider, and are told so in the singular. */
	CHECK_INT(http_get(cookie[R_PROV2], "/"), 200);
	CHECK_CONTAINS(http_body(), "The one provider you can see shows a special-cause concern");

	CHECK_INT(http_get(cookie[R_PROV2], "/api/v1/attention"), 200);
	if ((j = http_body_json(__FILE__, __LINE__))) {
		CHECK_INT(json_integer_value(json_object_get(j, "providers_considered")), 1);
		r = json_array_get(json_object_get(j, "ranking"), 0);
		CHECK_STR(jstr(r, "code"), "RCC");
		CHECK_INT(json_integer_value(json_object_get(r, "score")), 2);
		json_decref(j);
	}
	CHECK_INT(http_get(cookie[R_COMM], "/api/v1/attention"), 200);
	CHECK_STR(http_body(), "{\"domain\":null,\"service\":null,\"providers_considered\":2,"
			       "\"ranking\":[]}");
	CHECK_INT(http_get(cookie[R_ADMIN], "/api/v1/attention"), 403);
	CHECK_CONTAINS(http_reply, "Content-Type: application/problem+json");
	CHECK_CONTAINS(http_body(), "\"status\":403");
	CHECK_INT(http_get(NULL, "/api/v1/attention"), 401);
	CHECK_CONTAINS(http_reply, "Content-Type: application/problem+json");
	CHECK_CONTAINS(http_body(), "\"status\":401");
}

/* The filters read as the home page reads them: a domain or service names what the indicators
 * must have; an unknown domain is ignored (all domains), a service no indicator has matches
 * nothing. RCC's finding is on an experience indicator of service UEC. */
static void api_attention_filters_as_the_page_does(void)
{
	static const struct {
		const char *query, *domain, *service; /* the filter as answered ("": null) */
		int found;
	} cases[] = {
		{ "?domain=experience", "experience", "", 1 },
		{ "?domain=safety", "safety", "", 0 },
		{ "?domain=nonsense", "", "", 1 },
		{ "?domain=", "", "", 1 },
		{ "?service=UEC", "", "UEC", 1 },
		{ "?service=MATERNITY", "", "MATERNITY", 0 },
		{ "?service=%3Cb%3E%22", "", "<b>\"", 0 },
		{ "?domain=experience&service=UEC", "experience", "UEC", 1 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char url[128];
		json_t *j;

		snprintf(url, sizeof url, "/api/v1/attention%s", cases[i].query);
		CHECK_INT(http_get(cookie[R_REG], url), 200);
		if (!(j = http_body_json(__FILE__, __LINE__)))
			continue;
		if (cases[i].domain[0])
			CHECK_STR(jstr(j, "domain"), cases[i].domain);
		else
			CHECK(json_is_null(json_object_get(j, "domain")));
		if (cases[i].service[0])
			CHECK_STR(jstr(j, "service"), cases[i].service);
		else
			CHECK(json_is_null(json_object_get(j, "service")));
		CHECK_INT(json_integer_value(json_object_get(j, "providers_considered")), 3);
		if (json_array_size(json_object_get(j, "ranking")) != (size_t)cases[i].found)
			test_fail(__FILE__, __LINE__, "%s: %zu ranked, expected %d", url,
				  json_array_size(json_object_get(j, "ranking")), cases[i].found);
		json_decref(j);
	}
	/* Text that is not UTF-8 cannot be answered in JSON: a 400 problem saying so. */
	CHECK_INT(http_get(cookie[R_REG], "/api/v1/attention?service=%FF"), 400);
	CHECK_CONTAINS(http_reply, "Content-Type: application/problem+json");
	CHECK_CONTAINS(http_body(), "UTF-8");
}

/*
 * The funnel of /indicator/AE_4HR_BREACH_T1 for December 2024 (setup's figures, see the
 * attention test): RAA 100, RBB 103 and RCC 406 breaches of 1,000 each.
 *   Target: 609 / 3,000 = 0.203.
 *   Overdispersion (arcsine scale): asin(sqrt(p)) is 0.321751, 0.326718, 0.690835 and, for
 *   the target, 0.467387; z = 2 sqrt(1000) (each - 0.467387) = 63.2456 x (-0.145636,
 *   -0.140669, 0.223448) = -9.21087, -8.89672, 14.13211. Winsorised at R's type-7 10% and
 *   90% quantiles of the three (-9.21087 + 0.2 x 0.31415 = -9.14804; -8.89672 + 0.8 x
 *   23.02883 = 9.52635): phi =
 *   (9.14804^2 + 8.89672^2 + 9.52635^2) / 3 = 84.5298 > 1, so "auto" widens the limits;
 *   tau^2 = (3 phi - 2) / (3 x 4000 - 3 x 4000^2 / 12000) = 251.589 / 8000 = 0.0314487.
 *   Widened 95% limits: sd = sqrt(1/4000 + 0.0314487) = 0.178041, sin^2(0.467387 -/+ 1.959964
 *   sd) = 0.013961 to 0.530924: all three inside ("within"); 99.8% (z = 3.090232): the
 *   angle 0.467387 - 0.550188 is below 0, so the lower limit is 0, the upper sin^2(1.017575)
 *   = 0.723923.
 *   Without overdispersion (?od=none), Wilson at 1,000: 0.203 -/+ z sqrt(0.203 x 0.797 /
 *   1000) = 0.203 -/+ z 0.0127197: 95% 0.178070 to 0.227930, 99.8% (z = 3.090232) 0.163693
 *   to 0.242307: RAA (0.100) and RBB (0.103) below the 99.8% limit, RCC (0.406) above it.
 * The commissioner sees RAA and RBB only: target 203 / 2,000 = 0.1015, two providers are too
 * few to estimate phi, and both are inside the Wilson limits (0.1015 -/+ 0.0187 at 95%).
 */
static void api_funnel_judges_each_provider(void)
{
	static const char *const code[3] = { "RAA", "RBB", "RCC" };
	static const double numer[3] = { 100, 103, 406 };
	static const char *const none[3] = { "below_99_8", "below_99_8", "above_99_8" };
	json_t *j, *od, *u;

	CHECK_INT(http_get(cookie[R_REG], "/api/v1/indicator/AE_4HR_BREACH_T1"), 200);
	if (!(j = http_body_json(__FILE__, __LINE__)))
		return;
	CHECK_STR(jstr(j, "indicator"), "AE_4HR_BREACH_T1");
	CHECK_STR(jstr(j, "measure"), "proportion");
	CHECK_STR(jstr(j, "polarity"), "lower_is_better");
	CHECK_STR(jstr(j, "funnel"), "drawn");
	CHECK_STR(jstr(j, "period_start"), "2024-12-01");
	CHECK_STR(jstr(j, "period"), "Dec 2024");
	CHECK_NEAR(jnum(j, "target"), 0.203, 1e-12);
	od = json_object_get(j, "overdispersion");
	CHECK_STR(jstr(od, "asked"), "auto");
	CHECK(json_is_true(json_object_get(od, "estimated")));
	CHECK(json_is_true(json_object_get(od, "adjusted")));
	CHECK_NEAR(jnum(od, "phi"), 84.5298, 1e-5);
	CHECK_NEAR(jnum(od, "tau2"), 0.0314487, 1e-5);
	CHECK_INT(json_array_size(json_object_get(j, "providers")), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *lim;

		/* By name: Alpha, Beta, Gamma. */
		u = json_array_get(json_object_get(j, "providers"), i);
		CHECK_STR(jstr(u, "code"), code[i]);
		CHECK_NEAR(jnum(u, "numerator"), numer[i], 1e-12);
		CHECK_NEAR(jnum(u, "denominator"), 1000, 1e-12);
		CHECK_NEAR(jnum(u, "value"), numer[i] / 1000, 1e-12);
		CHECK_STR(jstr(u, "finding"), "within");
		lim = json_object_get(json_object_get(u, "limits"), "95");
		CHECK_NEAR(jnum(lim, "lower"), 0.013961, 1e-4);
		CHECK_NEAR(jnum(lim, "upper"), 0.530924, 1e-5);
		lim = json_object_get(json_object_get(u, "limits"), "99.8");
		CHECK_NEAR(jnum(lim, "lower"), 0, 1e-12);
		CHECK_NEAR(jnum(lim, "upper"), 0.723923, 1e-5);
	}
	CHECK_STR(jstr(json_array_get(json_object_get(j, "providers"), 2), "name"),
		  "Gamma <script>alert(1)</script> & \"Co\" Robert'); DROP TABLE org;--");
	json_decref(j);
	/* The page draws the same funnel. */
	CHECK_INT(http_get(cookie[R_REG], "/indicator/AE_4HR_BREACH_T1"), 200);
	CHECK_CONTAINS(http_body(), "Dec 2024, 3 providers you can see. Centre line: 20.3%");
	CHECK_CONTAINS(http_body(), "widened for overdispersion");

	CHECK_INT(http_get(cookie[R_REG], "/api/v1/indicator/AE_4HR_BREACH_T1?od=none"), 200);
	if (!(j = http_body_json(__FILE__, __LINE__)))
		return;
	od = json_object_get(j, "overdispersion");
	CHECK_STR(jstr(od, "asked"), "none");
	CHECK(json_is_true(json_object_get(od, "estimated")));
	CHECK(json_is_false(json_object_get(od, "adjusted")));
	CHECK_NEAR(jnum(od, "phi"), 84.5298, 1e-5);
	for (size_t i = 0; i < 3; i++) {
		json_t *lim;

		u = json_array_get(json_object_get(j, "providers"), i);
		CHECK_STR(jstr(u, "code"), code[i]);
		CHECK_STR(jstr(u, "finding"), none[i]);
		lim = json_object_get(json_object_get(u, "limits"), "95");
		CHECK_NEAR(jnum(lim, "lower"), 0.178070, 1e-5);
		CHECK_NEAR(jnum(lim, "upper"), 0.227930, 1e-5);
		lim = json_object_get(json_object_get(u, "limits"), "99.8");
		CHECK_NEAR(jnum(lim, "lower"), 0.163693, 1e-5);
		CHECK_NEAR(jnum(lim, "upper"), 0.242307, 1e-5);
	}
	json_decref(j);
	CHECK_INT(http_get(cookie[R_REG], "/indicator/AE_4HR_BREACH_T1?od=none"), 200);
	CHECK_CONTAINS(http_body(), "without overdispersion (Wilson score)");
	CHECK_CONTAINS(http_body(), "below the 99.8% limit");
	CHECK_CONTAINS(http_body(), "above the 99.8% limit");

	/* A denied provider is left out of the funnel, as on the page. */
	CHECK_INT(http_get(cookie[R_COMM], "/api/v1/indicator/AE_4HR_BREACH_T1"), 200);
	if ((j = http_body_json(__FILE__, __LINE__))) {
		CHECK_NEAR(jnum(j, "target"), 0.1015, 1e-12);
		od = json_object_get(j, "overdispersion");
		CHECK(json_is_false(json_object_get(od, "estimated")));
		CHECK(json_is_null(json_object_get(od, "phi")));
		CHECK(json_is_false(json_object_get(od, "adjusted")));
		CHECK_INT(json_array_size(json_object_get(j, "providers")), 2);
		CHECK(jfind(json_object_get(j, "providers"), "code", "RCC") == NULL);
		u = jfind(json_object_get(j, "providers"), "code", "RBB");
		CHECK_STR(jstr(u, "finding"), "within");
		json_decref(j);
	}
	/* Administrators read no quality data: the funnel has no provider (the page says so). */
	CHECK_INT(http_get(cookie[R_ADMIN], "/api/v1/indicator/AE_4HR_BREACH_T1"), 200);
	if ((j = http_body_json(__FILE__, __LINE__))) {
		CHECK_STR(jstr(j, "funnel"), "no_figures");
		CHECK(json_is_null(json_object_get(j, "period_start")));
		CHECK(json_is_null(json_object_get(j, "target")));
		CHECK_INT(json_array_size(json_object_get(j, "providers")), 0);
		json_decref(j);
	}
	/* Funnels are for proportions. */
	CHECK_INT(http_get(cookie[R_REG], "/api/v1/indicator/HCAI_CDIFF_RATE"), 200);
	if ((j = http_body_json(__FILE__, __LINE__))) {
		CHECK_STR(jstr(j, "funnel"), "not_a_proportion");
		CHECK_INT(json_array_size(json_object_get(j, "providers")), 0);
		json_decref(j);
	}
	/* An unknown indicator is the same 404 problem for every role. */
	CHECK_INT(http_get(cookie[R_REG], "/api/v1/indicator/NOPE"), 404);
	CHECK_CONTAINS(http_reply, "Content-Type: application/problem+json");
}

/* The administration lists, as the pages show them: no password hash anywhere, names as
 * stored. Setup's users, organisations and two commissioning relationships. */
static void api_admin_lists_match_setup(void)
{
	static const struct {
		const char *user, *role, *org; /* org "": null */
	} users[] = {
		{ "ada", "admin", "" },	    { "cam", "commissioner", "QAA" },
		{ "ovi", "oversight", "QOV" }, { "pam", "provider", "RCC" },
		{ "pat", "provider", "RAA" },  { "reg", "regulator", "" },
	};
	static const struct {
		const char *code, *kind;
	} orgs[] = {
		{ "QAA", "commissioner" }, { "RAA", "provider" }, { "RBB", "provider" },
		{ "RCC", "provider" },	   { "QOV", "oversight" },
	};
	json_t *j, *a, *e;

	CHECK_INT(http_get(cookie[R_ADMIN], "/api/v1/admin/users"), 200);
	CHECK(strstr(http_body(), "argon2") == NULL);
	CHECK(strstr(http_body(), "hash") == NULL);
	CHECK(strstr(http_body(), "password") == NULL);
	if ((j = http_body_json(__FILE__, __LINE__))) {
		a = json_object_get(j, "users");
		CHECK_INT(json_array_size(a), 6);
		for (size_t i = 0; i < sizeof users / sizeof *users; i++) {
			e = json_array_get(a, i); /* by user name */
			CHECK_STR(jstr(e, "username"), users[i].user);
			CHECK_STR(jstr(e, "role"), users[i].role);
			if (users[i].org[0])
				CHECK_STR(jstr(e, "organisation"), users[i].org);
			else
				CHECK(json_is_null(json_object_get(e, "organisation")));
			CHECK(json_is_false(json_object_get(e, "disabled")));
			CHECK_INT(json_object_size(e), 6);
		}
		json_decref(j);
	}
	CHECK_INT(http_get(cookie[R_ADMIN], "/api/v1/admin/organisations"), 200);
	if ((j = http_body_json(__FILE__, __LINE__))) {
		a = json_object_get(j, "organisations");
		CHECK_INT(json_array_size(a), 5);
		for (size_t i = 0; i < sizeof orgs / sizeof *orgs; i++) {
			e = jfind(a, "code", orgs[i].code);
			CHECK_STR(jstr(e, "kind"), orgs[i].kind);
			CHECK(json_is_null(json_object_get(e, "parent")));
			CHECK(json_is_null(json_object_get(e, "latitude")));
		}
		CHECK_STR(jstr(jfind(a, "code", "RCC"), "name"),
			  "Gamma <script>alert(1)</script> & \"Co\" Robert'); DROP TABLE org;--");
		json_decref(j);
	}
	CHECK_INT(http_get(cookie[R_ADMIN], "/api/v1/admin/relationships"), 200);
	if ((j = http_body_json(__FILE__, __LINE__))) {
		a = json_object_get(j, "relationships");
		CHECK_INT(json_array_size(a), 2);
		for (size_t i = 0; i < json_array_size(a); i++) {
			json_t *c = json_object_get(json_array_get(a, i), "commissioner");
			json_t *p = json_object_get(json_array_get(a, i), "provider");

			CHECK_STR(jstr(c, "code"), "QAA");
			CHECK_STR(jstr(c, "name"), "Alpha Commissioning Board");
			/* QAA coordinates RAA's commissioning, not RBB's. */
			bool raa = strcmp(jstr(p, "code"), "RAA") == 0;

			CHECK(raa || strcmp(jstr(p, "code"), "RBB") == 0);
			CHECK(json_is_true(json_object_get(json_array_get(a, i), "coordinating")) == raa);
		}
		json_decref(j);
	}
	/* Only administrators: a 403 problem for a signed-in role, 401 for the public. */
	CHECK_INT(http_get(cookie[R_REG], "/api/v1/admin/users"), 403);
	CHECK_CONTAINS(http_reply, "Content-Type: application/problem+json");
	CHECK_CONTAINS(http_body(), "\"status\":403");
	CHECK_INT(http_get(NULL, "/api/v1/admin/users"), 401);
	CHECK_CONTAINS(http_body(), "\"status\":401");
}

/* The catalogue setup loaded from data/catalogue/catalogue.json: every indicator of the file,
 * with its fields (a multiplier absent from the file is 1; a target absent is null). */
static void api_catalogue_is_the_loaded_file(void)
{
	json_error_t je;
	json_t *file = json_load_file(CU_SOURCE_DIR "/data/catalogue/catalogue.json", 0, &je);
	json_t *j, *a, *e, *want;
	size_t i;

	CHECK(file != NULL);
	CHECK_INT(http_get(cookie[R_ADMIN], "/api/v1/catalogue"), 200);
	if (!file || !(j = http_body_json(__FILE__, __LINE__))) {
		json_decref(file);
		return;
	}
	a = json_object_get(j, "indicators");
	CHECK_INT(json_array_size(a), json_array_size(json_object_get(file, "indicators")));
	json_array_foreach(json_object_get(file, "indicators"), i, want) {
		e = jfind(a, "code", jstr(want, "code"));
		CHECK(e != NULL);
		CHECK_STR(jstr(e, "title"), jstr(want, "title"));
		CHECK_STR(jstr(e, "service"), jstr(want, "service"));
		CHECK_STR(jstr(e, "domain"), jstr(want, "domain"));
		CHECK_STR(jstr(e, "measure"), jstr(want, "measure"));
		CHECK_STR(jstr(e, "polarity"), jstr(want, "polarity"));
	}
	e = jfind(a, "code", "AE_4HR_BREACH_T1");
	CHECK_NEAR(jnum(e, "target"), 0.05, 1e-12);
	CHECK_NEAR(jnum(e, "multiplier"), 1, 1e-12);
	e = jfind(a, "code", "HCAI_CDIFF_RATE");
	CHECK(json_is_null(json_object_get(e, "target")));
	CHECK_NEAR(jnum(e, "multiplier"), 10000, 1e-12);
	CHECK_STR(jstr(e, "unit"), "per 10,000 bed days");
	json_decref(j);
	json_decref(file);
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

/* An upload with an error: the page lists the located error; one with 150 errors stops at
 * the first 100 and says so; a good one lands. */
static void upload_reports_located_errors(void)
{
	const char *bad = "org_code,indicator,period,numerator,denominator,value\n"
			  "RAA,AE_4HR_BREACH_T1,2024-13,5,10,\n";
	const char *good = "org_code,indicator,period,numerator,denominator,value\n"
			   "RAA,AE_4HR_BREACH_T1,2025-01,5,10,\n";
	static char many[8192], req[12288];
	size_t w = (size_t)snprintf(many, sizeof many,
				    "org_code,indicator,period,numerator,denominator,value\n");
	int n;

	for (int i = 0; i < 150; i++)
		w += (size_t)snprintf(many + w, sizeof many - w, "RAA,AE_4HR_BREACH_T1,2024-13,5,10,\n");
	for (int k = 0; k < 3; k++) {
		const char *csv = k == 2 ? good : k ? many : bad;
		char mp[10240];
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
			CHECK_CONTAINS(http_body(), "1 error found;");
		} else if (k == 1) {
			CHECK_INT(http_exchange_from(NULL, req, (size_t)n), 422);
			CHECK_CONTAINS(http_body(), "Reading stops at 100 errors: these are the first "
						    "100, and rows after them, if any, were not checked.");
			CHECK_CONTAINS(http_body(), "return &lt;1&gt;.csv:101: column");
			CHECK(strstr(http_body(), "return &lt;1&gt;.csv:102:") == NULL);
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

/* The import history of /imports through the API: limited by organisation as the page is.
 * The commissioner's upload above ("return <1>.csv", one row) and setup's command-line import
 * of months.csv (by the system, so no organisation's). */
static void api_imports_are_limited_by_organisation(void)
{
	json_t *j, *a;

	CHECK_INT(http_get(cookie[R_COMM], "/api/v1/imports"), 200);
	if ((j = http_body_json(__FILE__, __LINE__))) {
		a = json_object_get(j, "imports");
		CHECK_INT(json_array_size(a), 1);
		CHECK_STR(jstr(json_array_get(a, 0), "file_name"), "return <1>.csv");
		CHECK_STR(jstr(json_array_get(a, 0), "actor"), "cam");
		CHECK_STR(jstr(json_array_get(a, 0), "profile"), "custodian");
		CHECK_INT(jnum(json_array_get(a, 0), "rows_read"), 1);
		CHECK_INT(jnum(json_array_get(a, 0), "observations"), 1);
		CHECK_INT(strlen(jstr(json_array_get(a, 0), "sha256")), 64);
		json_decref(j);
	}
	CHECK_CONTAINS(http_body(), "\"file_name\":\"return <1>.csv\"");
	/* Another organisation's staff see neither the upload nor the system's import. */
	CHECK_INT(http_get(cookie[R_PROV2], "/api/v1/imports"), 200);
	CHECK_STR(http_body(), "{\"imports\":[]}");
	/* Administrators see both, newest first. */
	CHECK_INT(http_get(cookie[R_ADMIN], "/api/v1/imports"), 200);
	if ((j = http_body_json(__FILE__, __LINE__))) {
		const char *f;

		a = json_object_get(j, "imports");
		CHECK_INT(json_array_size(a), 2);
		CHECK_STR(jstr(json_array_get(a, 0), "file_name"), "return <1>.csv");
		f = jstr(json_array_get(a, 1), "file_name");
		CHECK(strlen(f) >= 10 && strcmp(f + strlen(f) - 10, "months.csv") == 0);
		CHECK(json_integer_value(json_object_get(json_array_get(a, 0), "id")) >
		      json_integer_value(json_object_get(json_array_get(a, 1), "id")));
		json_decref(j);
	}
	/* Regulators and oversight bodies have no import page: 403. */
	CHECK_INT(http_get(cookie[R_REG], "/api/v1/imports"), 403);
	CHECK_CONTAINS(http_reply, "Content-Type: application/problem+json");
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
	 * special cause built into the test data; 406 / 1000 written as the shortest decimal that
	 * reads back as the same double ("0.406", where %.17g gave "0.40600000000000003"). */
	CHECK_CONTAINS(http_body(), "RCC,AE_4HR_BREACH_T1,2024-12-01,Dec 2024,406,1000,0.406,");
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
	struct web_server *w;
	char db[64], cmd[1024];

	if (!mkdtemp(dir))
		return 2;
	snprintf(db, sizeof db, "%s/web.db", dir);
	if (setup(db))
		return 2;
	http_password = PW;
	if (!(w = http_serve(db, role_user, NROLE, cookie, csrf)))
		return 2;
	RUN(every_route_for_every_role);
	RUN(denied_looks_like_missing);
	RUN(each_role_sees_its_own_providers);
	RUN(markup_and_sql_in_names_are_inert);
	RUN(api_wrong_method_is_a_problem);
	RUN(api_attention_is_the_home_page_ranking);
	RUN(api_attention_filters_as_the_page_does);
	RUN(api_funnel_judges_each_provider);
	RUN(api_admin_lists_match_setup);
	RUN(api_catalogue_is_the_loaded_file);
	RUN(security_headers_on_every_page);
	RUN(forms_need_the_right_token);
	RUN(signin_failures_say_the_same_thing);
	RUN(session_ends_at_sign_out);
	RUN(no_path_escapes_the_asset_folders);
	RUN(huge_and_malformed_bodies);
	RUN(provider_page_before_new_data);
	RUN(upload_reports_located_errors);
	RUN(api_imports_are_limited_by_organisation);
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
