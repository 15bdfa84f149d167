/*
 * The mortality pages on a real loopback socket with a real SQLite file. Two generated spells
 * files (2022-23 and 2023-24) are imported with the built binary, `custodian shmi` is run on
 * the later one, and users of every role sign in through the real form. Then: every mortality
 * route x every role gets the status it must; the funnel's table, the provider's period table
 * and its diagnosis groups, and the group page's CUSUM summary and fit report show exactly
 * the numbers and bands `custodian shmi` computes on the same file; each role sees only the
 * providers it may; markup in organisation names and provider codes is escaped; a provider
 * one may not see, a provider with no results and a code never imported all answer the same
 * 404; a period imported again is shown once, from its later import.
 *
 * The JSON API's mortality resources (/api/v1/mortality...) are checked the same way: every
 * route x every role, each role's rows, a denied provider answered as a missing one; and
 * their figures against a third, hand-made import small enough to work out by hand (its
 * expected deaths, ratios and CUSUM values are derived in the comments), and against the
 * spells and deaths counted here from the generated files.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ingest/catalogue.h"
#include "store/store.h"
#include "support/proc.h"
#include "support/refcsv.h"
#include "support/http.h"
#include "test.h"
#include "web/auth.h"
#include "web/server.h"

static char dir[] = "/tmp/cu-mortweb-XXXXXX";
static char db[128];
static const char *PW = "plum kettle orbit 9 lantern";

/* The table row (from "<tr" to "</tr>") of the last http_reply that holds NEEDLE, into OUT. */
static const char *row_with(const char *needle, char *out, size_t n)
{
	const char *b = http_body(), *p = strstr(b, needle), *s, *e;

	out[0] = '\0';
	if (!p)
		return out;
	for (s = p; s > b && strncmp(s, "<tr", 3) != 0; s--)
		;
	if (!(e = strstr(p, "</tr>")))
		return out;
	snprintf(out, n, "%.*s", (int)(e - s), s);
	return out;
}

static int count_of(const char *hay, const char *needle)
{
	int k = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		k++;
	return k;
}

/* ---- the world ---- */

enum { R_PUBLIC, R_ADMIN, R_COMM, R_PROV, R_PROV2, R_REG, R_OVER, NROLE };
static const char *const role_user[NROLE] = { NULL, "ada", "cam", "pat", "pam", "reg", "ovi" };
static char cookie[NROLE][HTTP_COOKIE_MAX], csrf[NROLE][HTTP_CSRF_MAX];

/* Providers in the spells files: four organisations set up here (RS001's name is hostile),
 * RS005 created by the import, and a code that is no organisation code, full of markup. */
#define NPROV 6
#define NGRP 6
#define NSPELLS 4000
#define HOSTILE_NAME "Alpha <script>alert(1)</script> & \"Co\" Robert'); DROP TABLE org;--"
#define HOSTILE_NAME_HTML                                                                   \
	"Alpha &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot; Robert&#39;); DROP " \
	"TABLE org;--"
#define ODD_CODE "<X9>&'"
#define ODD_CODE_HTML "&lt;X9&gt;&amp;&#39;"
#define ODD_CODE_URL "%3CX9%3E%26%27"
static const char *const prov_code[NPROV] = { "RS001", "RS002", "RS003", "RS004x", "RS005",
					      ODD_CODE };
static struct refcsv shmi_prov, shmi_cusum, shmi_groups; /* custodian shmi on the 2023-24 file */
static int64_t import_old, import_new;                  /* the 2022-23 and 2023-24 imports */
static int64_t import_hand;                             /* the hand-made 2021-22 import */

#define SPELLS_HEADER                                                                       \
	"provider_id,spell_id,diag_group,age_band,sex,admission_method,charlson_band,year_index," \
	"died\n"

static const char *path_of(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

/* A deterministic spells file (a 64-bit LCG from SEED): risk rises with age, comorbidity and
 * emergency admission, and RS003's is raised, so it is likely higher than expected. */
static int write_spells(const char *name, unsigned long long seed)
{
	FILE *f = fopen(path_of(name), "w");
	unsigned long long rng = seed;

	if (!f)
		return -1;
	fputs(SPELLS_HEADER, f);
	for (long id = 1; id <= NSPELLS; id++) {
		unsigned v[9];

		for (int k = 0; k < 9; k++) {
			rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
			v[k] = (unsigned)(rng >> 33);
		}
		{
			unsigned p = v[0] % NPROV, g = 1 + v[1] % NGRP, age = v[2] % 20,
				 sex = 1 + v[3] % 2, adm = 1 + v[4] % 2, ch = v[5] % 3,
				 yr = 1 + v[6] % 3;
			unsigned risk = 2 + age / 2 + 4 * ch + 3 * (adm == 2) + (p == 2 ? 6 : 0);

			fprintf(f, "%s,%ld,%u,%u,%u,%u,%u,%u,%u\n", prov_code[p], id * 3, g, age, sex,
				adm, ch, yr, v[7] % 100 < risk);
		}
	}
	return fclose(f);
}

/*
 * The hand-made 2021-22 file. Every spell has the same covariates (age band 10, sex 1,
 * admission method 1, Charlson band 0, year 1), so each group's model is its intercept alone
 * (a covariate with one level is left out) and every spell's fitted risk is its group's death
 * rate: group 1 has 10 + 10 + 30 = 50 spells and 1 + 0 + 9 = 10 deaths, a risk of 0.2; group
 * 2 has 10 + 10 = 20 spells and 5 + 1 = 6 deaths, 0.3. Expected deaths are spells x risk:
 *   RS001: 10 x 0.2 + 10 x 0.3 = 5 expected, 1 + 5 = 6 observed, ratio 6 / 5 = 1.2
 *   RS002: 10 x 0.2 = 2 expected, 0 observed, ratio 0
 *   RS003: 30 x 0.2 + 10 x 0.3 = 9 expected, 9 + 1 = 10 observed, ratio 10 / 9
 * Runs of spells, in time order (spell ids rising down the table).
 */
static const struct {
	const char *code;
	int group, spells, died;
} hand[] = {
	{ "RS001", 1, 9, 0 }, { "RS001", 1, 1, 1 }, { "RS002", 1, 10, 0 },
	{ "RS003", 1, 9, 1 }, { "RS003", 1, 21, 0 }, { "RS001", 2, 5, 1 },
	{ "RS001", 2, 5, 0 }, { "RS003", 2, 9, 0 }, { "RS003", 2, 1, 1 },
};

/*
 * The risk-adjusted CUSUM's steps (Steiner et al. 2000) with the import's odds ratio 2 and
 * threshold h = 4.5: a death at risk p adds ln(2 / (1 - p + 2p)), a survival subtracts
 * ln(1 + p); the sum never goes below 0, and reaching h is an alarm that starts it again at 0.
 * At p = 0.2: a death adds ln(2 / 1.2) = 0.5108, a survival subtracts ln 1.2 = 0.1823.
 * At p = 0.3: a death adds ln(2 / 1.3) = 0.4308, a survival subtracts ln 1.3 = 0.2624.
 */
#define DEATH_02 log(2 / 1.2)
#define SURVIVAL_02 log(1.2)
#define DEATH_03 log(2 / 1.3)
#define SURVIVAL_03 log(1.3)

static int write_hand(const char *name)
{
	FILE *f = fopen(path_of(name), "w");
	long id = 0;

	if (!f)
		return -1;
	fputs(SPELLS_HEADER, f);
	for (size_t i = 0; i < sizeof hand / sizeof *hand; i++)
		for (int k = 0; k < hand[i].spells; k++)
			fprintf(f, "%s,%ld,%d,10,1,1,0,1,%d\n", hand[i].code, ++id, hand[i].group,
				hand[i].died);
	return fclose(f);
}

/*
 * The spells and deaths of provider CODE in diagnosis group G (0: every group) in the file
 * NAME, counted here from the file the test wrote.
 */
static void count_input(const char *name, const char *code, int g, long long *spells,
			long long *deaths)
{
	FILE *f = fopen(path_of(name), "r");
	char line[256];

	*spells = *deaths = 0;
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		const char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		const char *last = strrchr(line, ',');

		if (!c2 || (size_t)(c1 - line) != strlen(code) ||
		    strncmp(line, code, strlen(code)) != 0 ||
		    (g && strtol(c2 + 1, NULL, 10) != g))
			continue;
		(*spells)++;
		*deaths += last[1] == '1';
	}
	fclose(f);
}

static int import(const char *name, const char *period)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "%s -d %s import --profile spells --period %s %s >/dev/null",
		 CU_BINARY, db, period, path_of(name));
	return system(cmd) == 0 ? 0 : -1;
}

/* The last three imports in period order: the hand-made one, 2022-23, 2023-24. */
static int keep_ids(void *arg, const struct store_spells_import *r)
{
	int64_t *ids = arg;

	ids[0] = ids[1];
	ids[1] = ids[2];
	ids[2] = r->import_id;
	return 0;
}

static int setup(void)
{
	static const struct cu_actor sys = { .name = "test", .role = MODEL_ROLE_SYSTEM };
	static const struct {
		const char *code, *name;
		enum model_org_kind kind;
	} orgs[] = {
		{ "RS001", HOSTILE_NAME, MODEL_ORG_PROVIDER },
		{ "RS002", "Beta Hospitals NHS Trust", MODEL_ORG_PROVIDER },
		{ "RS003", "Gamma Hospitals NHS Trust", MODEL_ORG_PROVIDER },
		{ "RS004", "Delta Hospitals NHS Trust", MODEL_ORG_PROVIDER },
		{ "QAA", "Alpha Commissioning Board", MODEL_ORG_COMMISSIONER },
		{ "QOV", "Oversight Team", MODEL_ORG_OVERSIGHT },
	};
	static const struct {
		const char *user;
		enum model_role role;
		const char *org;
	} users[] = {
		{ "ada", MODEL_ROLE_ADMIN, NULL },	 { "cam", MODEL_ROLE_COMMISSIONER, "QAA" },
		{ "pat", MODEL_ROLE_PROVIDER, "RS001" }, { "pam", MODEL_ROLE_PROVIDER, "RS003" },
		{ "reg", MODEL_ROLE_REGULATOR, NULL },	 { "ovi", MODEL_ROLE_OVERSIGHT, "QOV" },
	};
	char in[256], out[256], cus[256], grp[256];
	const char *shmi[] = { CU_BINARY,   "shmi", "--in",	   in,	 "--out", out,
			       "--cusum-out", cus,	 "--groups-out", grp, NULL };
	struct store *s;
	struct auth *au;
	struct cu_err err;
	int64_t ids[3] = { 0 };
	char errbuf[4096];
	int rc = 0;

	snprintf(in, sizeof in, "%s", path_of("s2023.csv"));
	snprintf(out, sizeof out, "%s", path_of("shmi.csv"));
	snprintf(cus, sizeof cus, "%s", path_of("cusum.csv"));
	snprintf(grp, sizeof grp, "%s", path_of("groups.csv"));
	cu_err_clear(&err);
	if (store_open(db, STORE_OPEN_CREATE, &s, &err) ||
	    ingest_catalogue_load(s, &sys, CU_SOURCE_DIR "/data/catalogue/catalogue.json", NULL, NULL,
				  &err) ||
	    auth_alloc(NULL, &au, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	for (size_t i = 0; i < sizeof orgs / sizeof *orgs && !rc; i++) {
		struct store_org o = { .kind = orgs[i].kind };

		snprintf(o.code, sizeof o.code, "%s", orgs[i].code);
		snprintf(o.name, sizeof o.name, "%s", orgs[i].name);
		rc = store_org_put(s, &sys, &o, NULL, &err);
	}
	/* QAA commissions RS001, RS002 and RS004 (which has no mortality results: RS004x in the
	 * files is another code); QOV oversees QAA. */
	rc = rc || store_commissioning_put(s, &sys, "QAA", "RS001", true, &err) ||
	     store_commissioning_put(s, &sys, "QAA", "RS002", false, &err) ||
	     store_commissioning_put(s, &sys, "QAA", "RS004", false, &err) ||
	     store_oversight_put(s, &sys, "QOV", "QAA", &err);
	for (size_t i = 0; i < sizeof users / sizeof *users && !rc; i++)
		rc = auth_user_add(au, s, &sys, users[i].user, users[i].user, users[i].role,
				   users[i].org, PW, NULL, &err);
	if (rc)
		fprintf(stderr, "setup: %s\n", err.msg);
	auth_free(au);
	store_close(s);
	if (rc || write_spells("s2022.csv", 20220401) || write_spells("s2023.csv", 20230401) ||
	    import("s2022.csv", "2022-23") || import("s2023.csv", "2023-24") ||
	    write_hand("s2021.csv") || import("s2021.csv", "2021-22") ||
	    test_exec(shmi, NULL, NULL, 0, errbuf, sizeof errbuf) != 0 ||
	    refcsv_load(&shmi_prov, path_of("shmi.csv")) ||
	    refcsv_load(&shmi_cusum, path_of("cusum.csv")) ||
	    refcsv_load(&shmi_groups, path_of("groups.csv"))) {
		fprintf(stderr, "setup: spells did not import or custodian shmi failed\n");
		return -1;
	}
	if (store_open(db, STORE_OPEN_READONLY, &s, &err) ||
	    store_spells_import_list(s, &sys, keep_ids, ids, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		store_close(s);
		return -1;
	}
	store_close(s);
	import_hand = ids[0];
	import_old = ids[1];
	import_new = ids[2];
	return import_old > 0 && import_new > import_old && import_hand > import_new ? 0 : -1;
}

/* ---- every route x every role ---- */

struct expect {
	const char *method, *path;
	int status[NROLE]; /* public, admin, commissioner, provider RS001, provider RS003,
			    * regulator, oversight */
};

static const struct expect table[] = {
	{ "GET", "/mortality", { 303, 200, 200, 200, 200, 200, 200 } },
	{ "GET", "/mortality?highlight=RS001", { 303, 200, 200, 200, 200, 200, 200 } },
	{ "GET", "/mortality?import=999999", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality?import=x", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality?import=0", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality?import=99999999999999999999", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality/RS001", { 303, 404, 200, 200, 404, 200, 200 } },
	{ "GET", "/mortality/RS002", { 303, 404, 200, 404, 404, 200, 200 } },
	{ "GET", "/mortality/RS003", { 303, 404, 404, 404, 200, 200, 404 } },
	{ "GET", "/mortality/RS005", { 303, 404, 404, 404, 404, 200, 404 } },
	{ "GET", "/mortality/" ODD_CODE_URL, { 303, 404, 404, 404, 404, 200, 404 } },
	{ "GET", "/mortality/RS004", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality/NOPE", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality/RS001?import=999999", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality/RS001/group/1", { 303, 404, 200, 200, 404, 200, 200 } },
	{ "GET", "/mortality/RS003/group/1", { 303, 404, 404, 404, 200, 200, 404 } },
	{ "GET", "/mortality/RS003/group/6", { 303, 404, 404, 404, 200, 200, 404 } },
	{ "GET", "/mortality/RS003/group/7", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality/RS003/group/0", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality/RS003/group/143", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality/RS003/group/x1", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality/NOPE/group/1", { 303, 404, 404, 404, 404, 404, 404 } },
	{ "GET", "/mortality/RS001/other", { 404, 404, 404, 404, 404, 404, 404 } },
	{ "POST", "/mortality", { 405, 405, 405, 405, 405, 405, 405 } },
	{ "POST", "/mortality/RS001", { 405, 405, 405, 405, 405, 405, 405 } },
};

/*
 * Each route of the table, then the same under /api/v1: the API's mortality resources have
 * their pages' access, and answer the public 401 where a page sends it to sign in (303).
 */
static void every_mortality_route_for_every_role(void)
{
	for (int api = 0; api < 2; api++)
		for (size_t i = 0; i < sizeof table / sizeof *table; i++)
			for (int r = 0; r < NROLE; r++) {
				const char *c = r == R_PUBLIC ? NULL : cookie[r];
				int want = table[i].status[r], got;
				char form[128], path[256];

				if (api && want == 303)
					want = 401;
				snprintf(path, sizeof path, "%s%s", api ? "/api/v1" : "",
					 table[i].path);
				if (strcmp(table[i].method, "POST") == 0) {
					snprintf(form, sizeof form, "csrf=%s",
						 r == R_PUBLIC ? "" : csrf[r]);
					got = http_post(c, path, form);
				} else {
					got = http_get(c, path);
				}
				if (got != want)
					test_fail(__FILE__, __LINE__,
						  "%s %s as %s: %d, expected %d", table[i].method,
						  path, r == R_PUBLIC ? "public" : role_user[r], got,
						  want);
			}
}

static void public_is_sent_to_sign_in(void)
{
	char loc[128];

	CHECK_INT(http_get(NULL, "/mortality/RS001/group/1"), 303);
	CHECK_INT(http_header("Location", "", loc, sizeof loc), 0);
	CHECK_STR(loc, "/sign-in");
}

static const char *band_words(const char *shmi_band)
{
	return strcmp(shmi_band, "higher") == 0	 ? "Higher than expected"
	       : strcmp(shmi_band, "lower") == 0 ? "Lower than expected"
						 : "As expected";
}

/* Check that ROW shows provider R of custodian shmi's output: observed, expected, ratio, both
 * pairs of limits and the band, formatted as the pages format them. */
static void row_matches_shmi(const char *row, size_t r)
{
	char want[128];

	snprintf(want, sizeof want, ">%s<", refcsv_get(&shmi_prov, r, "observed"));
	CHECK_CONTAINS(row, want);
	snprintf(want, sizeof want, ">%.2f<", refcsv_num(&shmi_prov, r, "expected"));
	CHECK_CONTAINS(row, want);
	snprintf(want, sizeof want, ">%.3f<", refcsv_num(&shmi_prov, r, "shmi"));
	CHECK_CONTAINS(row, want);
	snprintf(want, sizeof want, ">%.3f to %.3f<", refcsv_num(&shmi_prov, r, "lower95"),
		 refcsv_num(&shmi_prov, r, "upper95"));
	CHECK_CONTAINS(row, want);
	snprintf(want, sizeof want, ">%.3f to %.3f<", refcsv_num(&shmi_prov, r, "lower998"),
		 refcsv_num(&shmi_prov, r, "upper998"));
	CHECK_CONTAINS(row, want);
	snprintf(want, sizeof want, ">%s</strong>", band_words(refcsv_get(&shmi_prov, r, "band")));
	CHECK_CONTAINS(row, want);
}

/* The HTML of provider R's code, as the page escapes it. */
static const char *code_html(size_t r)
{
	const char *code = refcsv_get(&shmi_prov, r, "provider_id");

	return strcmp(code, ODD_CODE) == 0 ? ODD_CODE_HTML : code;
}

/* The regulator sees every provider; each row is custodian shmi's, band included. */
static void funnel_shows_what_custodian_shmi_computes(void)
{
	char row[8192], cell[256];
	int higher = 0;

	CHECK_INT(shmi_prov.nrow, NPROV);
	CHECK_INT(http_get(cookie[R_REG], "/mortality"), 200);
	CHECK_CONTAINS(http_body(), "Risk-adjusted mortality, 2023-24");
	CHECK_CONTAINS(http_body(), "6 of the 6 providers in the import are ones you can see");
	CHECK_CONTAINS(http_body(), "id=\"mortality-funnel-title\"");
	CHECK_CONTAINS(http_body(), "Expected deaths");
	for (size_t r = 0; r < shmi_prov.nrow; r++) {
		snprintf(cell, sizeof cell, "<td class=\"nhsuk-table__cell\">%s</td>", code_html(r));
		row_with(cell, row, sizeof row);
		if (!row[0]) {
			test_fail(__FILE__, __LINE__, "no row for %s", code_html(r));
			continue;
		}
		row_matches_shmi(row, r);
		higher += strcmp(refcsv_get(&shmi_prov, r, "band"), "higher") == 0;
	}
	/* The generator raises RS003's risk: at least one provider is higher than expected,
	 * so the bands are not all the same word. */
	CHECK(higher >= 1);
	CHECK_INT(count_of(http_body(), "<tr class=\"nhsuk-table__row"), NPROV);
	/* Another period is one link away. */
	{
		char href[64];

		snprintf(href, sizeof href, "href=\"/mortality?import=%lld\"", (long long)import_old);
		CHECK_CONTAINS(http_body(), href);
	}
}

/* Each role's funnel holds the providers it may see and no others. */
static void each_role_sees_only_its_providers(void)
{
	static const struct {
		int role;
		const char *in[4], *out[4];
	} want[] = {
		{ R_COMM, { "RS001", "RS002", NULL }, { "RS003", "RS005", ODD_CODE_HTML, NULL } },
		{ R_OVER, { "RS001", "RS002", NULL }, { "RS003", "RS005", ODD_CODE_HTML, NULL } },
		{ R_PROV, { "RS001", NULL }, { "RS002", "RS003", ODD_CODE_HTML, NULL } },
		{ R_PROV2, { "RS003", NULL }, { "RS001", "RS002", ODD_CODE_HTML, NULL } },
		{ R_ADMIN, { NULL }, { "RS001", "RS003", ODD_CODE_HTML, NULL } },
	};

	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		int n = 0;

		CHECK_INT(http_get(cookie[want[i].role], "/mortality"), 200);
		for (const char *const *c = want[i].in; *c; c++, n++) {
			char cell[128];

			snprintf(cell, sizeof cell, "<td class=\"nhsuk-table__cell\">%s</td>", *c);
			CHECK_CONTAINS(http_body(), cell);
		}
		for (const char *const *c = want[i].out; *c; c++) {
			char cell[128];

			snprintf(cell, sizeof cell, "<td class=\"nhsuk-table__cell\">%s</td>", *c);
			if (strstr(http_body(), cell))
				test_fail(__FILE__, __LINE__, "%s sees %s", role_user[want[i].role], *c);
		}
		CHECK_INT(count_of(http_body(), "<tr class=\"nhsuk-table__row"), n);
		if (n == 0)
			CHECK_CONTAINS(http_body(), "No provider you can see has results in this import.");
	}
}

static void highlight_picks_out_one_provider(void)
{
	char row[8192];

	CHECK_INT(http_get(cookie[R_COMM], "/mortality?highlight=RS002"), 200);
	row_with("<td class=\"nhsuk-table__cell\">RS002</td>", row, sizeof row);
	CHECK_CONTAINS(row, "aria-current=\"true\"");
	CHECK_INT(count_of(http_body(), "aria-current=\"true\""), 1);
	CHECK_CONTAINS(http_body(), "app-pt-highlight");
	/* A code one may not see highlights nothing. */
	CHECK_INT(http_get(cookie[R_COMM], "/mortality?highlight=RS003"), 200);
	CHECK(strstr(http_body(), "aria-current=\"true\"") == NULL);
	CHECK(strstr(http_body(), "app-pt-highlight") == NULL);
}

static size_t shmi_row_of(const char *code)
{
	for (size_t r = 0; r < shmi_prov.nrow; r++)
		if (strcmp(refcsv_get(&shmi_prov, r, "provider_id"), code) == 0)
			return r;
	return (size_t)-1;
}

/* One point per period, the latest matching custodian shmi; the groups' CUSUM alarms too. */
static void provider_page_shows_periods_and_groups(void)
{
	size_t r = shmi_row_of("RS003");
	char row[8192];
	int groups = 0;

	CHECK(r != (size_t)-1);
	if (r == (size_t)-1)
		return;
	CHECK_INT(http_get(cookie[R_PROV2], "/mortality/RS003"), 200);
	CHECK_CONTAINS(http_body(), "<h1>Gamma Hospitals NHS Trust</h1>");
	CHECK_CONTAINS(http_body(), "id=\"mortality-ratio-title\"");
	CHECK_CONTAINS(http_body(), "<title>2022-23: ratio ");
	CHECK_CONTAINS(http_body(), "<title>2023-24: ratio ");
	CHECK_INT(count_of(http_body(), "<td class=\"nhsuk-table__cell\">2022-23</td>"), 1);
	row_with("<td class=\"nhsuk-table__cell\">2023-24</td>", row, sizeof row);
	row_matches_shmi(row, r);
	CHECK_CONTAINS(http_body(), "By diagnosis group, 2023-24");
	for (size_t k = 0; k < shmi_cusum.nrow; k++) {
		char link[64], want[96];
		long long first = strtoll(refcsv_get(&shmi_cusum, k, "first_alarm"), NULL, 10);

		if (strcmp(refcsv_get(&shmi_cusum, k, "provider_id"), "RS003") != 0)
			continue;
		groups++;
		snprintf(link, sizeof link, ">Group %s</a>", refcsv_get(&shmi_cusum, k, "diag_group"));
		row_with(link, row, sizeof row);
		CHECK(row[0] != '\0');
		snprintf(want, sizeof want, "<td class=\"nhsuk-table__cell\">%s</td>",
			 refcsv_get(&shmi_cusum, k, "n"));
		CHECK_CONTAINS(row, want);
		snprintf(want, sizeof want, "<td class=\"nhsuk-table__cell\">%s</td>",
			 refcsv_get(&shmi_cusum, k, "alarms"));
		CHECK_CONTAINS(row, want);
		if (first > 0)
			snprintf(want, sizeof want, ">spell %lld of %s<", first,
				 refcsv_get(&shmi_cusum, k, "n"));
		else
			snprintf(want, sizeof want, ">none<");
		CHECK_CONTAINS(row, want);
	}
	CHECK_INT(groups, NGRP);
	CHECK_INT(count_of(http_body(), ">Group "), NGRP);
	/* The earlier period's groups, by its import. */
	{
		char path[96];

		snprintf(path, sizeof path, "/mortality/RS003?import=%lld", (long long)import_old);
		CHECK_INT(http_get(cookie[R_PROV2], path), 200);
		CHECK_CONTAINS(http_body(), "By diagnosis group, 2022-23");
	}
}

/* The group page: CUSUM summary and the fit report, as custodian shmi's outputs say. */
static void group_page_shows_cusum_summary_and_fit(void)
{
	int seen = 0;

	for (size_t k = 0; k < shmi_cusum.nrow; k++) {
		const char *g = refcsv_get(&shmi_cusum, k, "diag_group");
		long long first = strtoll(refcsv_get(&shmi_cusum, k, "first_alarm"), NULL, 10);
		char path[96], want[512];

		if (strcmp(refcsv_get(&shmi_cusum, k, "provider_id"), "RS003") != 0)
			continue;
		snprintf(path, sizeof path, "/mortality/RS003/group/%s", g);
		CHECK_INT(http_get(cookie[R_REG], path), 200);
		snprintf(want, sizeof want, "<h1>Diagnosis group %s</h1>", g);
		CHECK_CONTAINS(http_body(), want);
		snprintf(want, sizeof want,
			 "Spells monitored, in time order</dt><dd class=\"nhsuk-summary-list__value\">%s<",
			 refcsv_get(&shmi_cusum, k, "n"));
		CHECK_CONTAINS(http_body(), want);
		snprintf(want, sizeof want, "Alarms</dt><dd class=\"nhsuk-summary-list__value\">%s<",
			 refcsv_get(&shmi_cusum, k, "alarms"));
		CHECK_CONTAINS(http_body(), want);
		if (first > 0)
			snprintf(want, sizeof want, "First alarm</dt><dd class=\"nhsuk-summary-list__"
				 "value\">spell %lld of %s<", first, refcsv_get(&shmi_cusum, k, "n"));
		else
			snprintf(want, sizeof want, "First alarm</dt><dd class=\"nhsuk-summary-list__"
				 "value\">none<");
		CHECK_CONTAINS(http_body(), want);
		snprintf(want, sizeof want, "CUSUM at the last spell</dt><dd class=\"nhsuk-summary-"
			 "list__value\">%.3f<", refcsv_num(&shmi_cusum, k, "s_end"));
		CHECK_CONTAINS(http_body(), want);
		CHECK_CONTAINS(http_body(), "The CUSUM&#39;s path is not drawn.");
		/* Both periods in the table; this one marked. */
		CHECK_CONTAINS(http_body(), "<td class=\"nhsuk-table__cell\">2022-23</td>");
		CHECK_CONTAINS(http_body(), "<td class=\"nhsuk-table__cell\">2023-24</td>");
		for (size_t q = 0; q < shmi_groups.nrow; q++) {
			const char *st = refcsv_get(&shmi_groups, q, "status");
			const char *dropped = refcsv_get(&shmi_groups, q, "dropped");

			if (strcmp(refcsv_get(&shmi_groups, q, "diag_group"), g) != 0)
				continue;
			seen++;
			snprintf(want, sizeof want, "Covariate patterns</dt><dd class=\"nhsuk-summary-"
				 "list__value\">%s<", refcsv_get(&shmi_groups, q, "patterns"));
			CHECK_CONTAINS(http_body(), want);
			snprintf(want, sizeof want, "Parameters</dt><dd class=\"nhsuk-summary-list__"
				 "value\">%s<", refcsv_get(&shmi_groups, q, "parameters"));
			CHECK_CONTAINS(http_body(), want);
			snprintf(want, sizeof want, "Iterations</dt><dd class=\"nhsuk-summary-list__"
				 "value\">%s<", refcsv_get(&shmi_groups, q, "iterations"));
			CHECK_CONTAINS(http_body(), want);
			snprintf(want, sizeof want, "Spells, all providers</dt><dd class=\"nhsuk-"
				 "summary-list__value\">%s<", refcsv_get(&shmi_groups, q, "spells"));
			CHECK_CONTAINS(http_body(), want);
			snprintf(want, sizeof want, "Status</dt><dd class=\"nhsuk-summary-list__"
				 "value\">%s", strcmp(st, "converged") == 0 ? "Converged<"
					       : strcmp(st, "separated") == 0 ? "Separated: "
									      : "Not converged");
			CHECK_CONTAINS(http_body(), want);
			snprintf(want, sizeof want, "or collinear)</dt><dd class=\"nhsuk-summary-list__"
				 "value\">%s<", dropped[0] ? dropped : "none");
			CHECK_CONTAINS(http_body(), want);
		}
	}
	CHECK_INT(seen, NGRP);
}

/* Markup in an organisation's name and in a provider code is text, never markup. */
static void markup_in_names_and_codes_is_inert(void)
{
	CHECK_INT(http_get(cookie[R_REG], "/mortality"), 200);
	CHECK_CONTAINS(http_body(), HOSTILE_NAME_HTML);
	CHECK_CONTAINS(http_body(), "<td class=\"nhsuk-table__cell\">" ODD_CODE_HTML "</td>");
	CHECK_CONTAINS(http_body(), "href=\"/mortality/" ODD_CODE_URL "\"");
	CHECK(strstr(http_body(), "<script>") == NULL);
	CHECK(strstr(http_body(), "<X9>") == NULL);
	CHECK_INT(http_get(cookie[R_REG], "/mortality/RS001"), 200);
	CHECK_CONTAINS(http_body(), "<h1>" HOSTILE_NAME_HTML "</h1>");
	CHECK_CONTAINS(http_body(), "<title>" HOSTILE_NAME_HTML ": mortality - custodian</title>");
	CHECK(strstr(http_body(), "<script>") == NULL);
	CHECK_INT(http_get(cookie[R_REG], "/mortality/RS001/group/2"), 200);
	CHECK(strstr(http_body(), "<script>") == NULL);
	CHECK_CONTAINS(http_body(), HOSTILE_NAME_HTML);
	CHECK_INT(http_get(cookie[R_REG], "/mortality/" ODD_CODE_URL), 200);
	CHECK_CONTAINS(http_body(), "<h1>" ODD_CODE_HTML "</h1>");
	CHECK(strstr(http_body(), "<X9>") == NULL);
	/* A highlight parameter full of markup is never echoed. */
	CHECK_INT(http_get(cookie[R_REG], "/mortality?highlight=%3Cscript%3E"), 200);
	CHECK(strstr(http_body(), "<script>") == NULL);
}

/* A provider one may not see, one with no results and a code never imported: the same 404. */
static void denied_looks_like_missing(void)
{
	static char missing[1 << 16];
	static const char *const same[] = { "/mortality/RS003", "/mortality/RS004",
					    "/mortality/RS005", ("/mortality/" ODD_CODE_URL),
					    "/mortality/RS003/group/1", "/mortality/NOPE/group/1",
					    "/mortality/RS001/group/7" };

	CHECK_INT(http_get(cookie[R_COMM], "/mortality/NOPE"), 404);
	snprintf(missing, sizeof missing, "%s", http_body());
	CHECK_CONTAINS(missing, "Page not found");
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		CHECK_INT(http_get(cookie[R_COMM], same[i]), 404);
		CHECK_STR(http_body(), missing);
	}
}

/* ---- the JSON API ---- */

/* The value at PATH under J: member names and array indexes separated by '/', or NULL. */
static json_t *jat(const json_t *j, const char *path)
{
	char seg[64];

	while (j && *path) {
		size_t n = strcspn(path, "/");

		snprintf(seg, sizeof seg, "%.*s", (int)n, path);
		j = json_is_array(j) ? json_array_get(j, strtoul(seg, NULL, 10))
				     : json_object_get(j, seg);
		path += n + (path[n] == '/');
	}
	return (json_t *)j;
}

/* The number, whole number or text at PATH (NaN, LLONG_MIN or "" when it is not one). */
static double jreal(const json_t *j, const char *path)
{
	const json_t *v = jat(j, path);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static long long jint(const json_t *j, const char *path)
{
	const json_t *v = jat(j, path);

	return json_is_integer(v) ? json_integer_value(v) : LLONG_MIN;
}

static const char *jtext(const json_t *j, const char *path)
{
	const char *v = json_string_value(jat(j, path));

	return v ? v : "";
}

/* GET PATH as ROLE, expecting 200 and JSON: the document (a new reference) or NULL. */
static json_t *api_get(int role, const char *path, int line)
{
	int st = http_get(cookie[role], path);

	if (st != 200) {
		test_fail(__FILE__, line, "GET %s as %s: %d, expected 200", path,
			  role_user[role], st);
		return NULL;
	}
	return http_body_json(__FILE__, line);
}

/*
 * A provider's result R agrees with itself: its band is where its ratio lies against its own
 * 95% limits, and its finding says which limits it is past (the page's chart classes).
 */
static void result_is_consistent(const json_t *r)
{
	double ratio = jreal(r, "ratio");
	const char *band = ratio > jreal(r, "limits/95/upper")	 ? "higher"
			   : ratio < jreal(r, "limits/95/lower") ? "lower"
								 : "as_expected";
	const char *finding = strcmp(band, "higher") == 0
				      ? (ratio > jreal(r, "limits/99.8/upper") ? "above_99_8"
									       : "above_95")
			      : strcmp(band, "lower") == 0
				      ? (ratio < jreal(r, "limits/99.8/lower") ? "below_99_8"
									       : "below_95")
				      : "within";

	CHECK_STR(jtext(r, "band"), band);
	CHECK_STR(jtext(r, "finding"), finding);
	CHECK(jreal(r, "limits/99.8/lower") <= jreal(r, "limits/95/lower"));
	CHECK(jreal(r, "limits/95/upper") <= jreal(r, "limits/99.8/upper"));
	CHECK(jreal(r, "poisson_limits/95/lower") <= jreal(r, "poisson_limits/95/upper"));
}

/* Provider P of the hand-made import: spells, deaths, expected deaths and ratio (see hand). */
static void hand_result_is(const json_t *p, long long spells, long long observed,
			   double expected)
{
	CHECK_INT(jint(p, "spells"), spells);
	CHECK_INT(jint(p, "observed"), observed);
	CHECK_NEAR(jreal(p, "expected"), expected, 1e-6);
	CHECK_NEAR(jreal(p, "ratio"), observed / expected, 1e-6);
	result_is_consistent(p);
}

/* The funnel of the hand-made import, as the regulator (who sees every provider) gets it. */
static void api_funnel_gives_the_hand_made_import(void)
{
	char path[96];
	json_t *j, *pv;

	snprintf(path, sizeof path, "/api/v1/mortality?import=%lld", (long long)import_hand);
	if (!(j = api_get(R_REG, path, __LINE__)))
		return;
	CHECK_INT(jint(j, "import/id"), import_hand);
	CHECK_STR(jtext(j, "import/period"), "2021-22");
	CHECK_STR(jtext(j, "import/period_start"), "2021-04-01");
	CHECK_STR(jtext(j, "import/period_end"), "2022-03-31");
	CHECK(json_is_true(jat(j, "import/current")));  /* the only 2021-22 import */
	CHECK(json_is_false(jat(j, "import/latest"))); /* 2022-23 and 2023-24 come after */
	/* 20 + 10 + 40 spells; 6 + 0 + 10 deaths; three providers, two groups. */
	CHECK_INT(jint(j, "import/spells"), 70);
	CHECK_INT(jint(j, "import/deaths"), 16);
	CHECK_INT(jint(j, "import/providers"), 3);
	CHECK_INT(jint(j, "import/groups"), 2);
	CHECK_NEAR(jreal(j, "import/cusum/odds"), 2, 0);
	CHECK_NEAR(jreal(j, "import/cusum/h"), 4.5, 0);
	/* In the import's order (by code), named by their organisations. */
	pv = jat(j, "providers");
	CHECK_INT(json_array_size(pv), 3);
	CHECK_STR(jtext(pv, "0/code"), "RS001");
	CHECK_STR(jtext(pv, "0/name"), HOSTILE_NAME); /* text as stored: JSON, not markup */
	hand_result_is(jat(pv, "0"), 20, 6, 5);
	CHECK_STR(jtext(pv, "1/code"), "RS002");
	CHECK_STR(jtext(pv, "1/name"), "Beta Hospitals NHS Trust");
	hand_result_is(jat(pv, "1"), 10, 0, 2);
	CHECK_STR(jtext(pv, "2/code"), "RS003");
	CHECK_STR(jtext(pv, "2/name"), "Gamma Hospitals NHS Trust");
	hand_result_is(jat(pv, "2"), 40, 10, 9);
	CHECK_INT(jint(j, "bands/higher") + jint(j, "bands/as_expected") + jint(j, "bands/lower"),
		  3);
	/* Every spells import, in period order; only the last is the latest. */
	CHECK_INT(json_array_size(jat(j, "imports")), 3);
	CHECK_INT(jint(j, "imports/0/id"), import_hand);
	CHECK_INT(jint(j, "imports/1/id"), import_old);
	CHECK_INT(jint(j, "imports/2/id"), import_new);
	CHECK(json_is_false(jat(j, "imports/1/latest")));
	CHECK(json_is_true(jat(j, "imports/2/latest")));
	CHECK(json_is_true(jat(j, "imports/2/current")));
	json_decref(j);
}

/* Each role's funnel, hand-made and latest, holds the providers it may see and no others. */
static void api_funnel_each_role_sees_only_its_rows(void)
{
	static const struct {
		int role;
		const char *hand[4], *latest[7];
	} want[] = {
		{ R_REG,
		  { "RS001", "RS002", "RS003", NULL },
		  { ODD_CODE, "RS001", "RS002", "RS003", "RS004x", "RS005", NULL } },
		{ R_COMM, { "RS001", "RS002", NULL }, { "RS001", "RS002", NULL } },
		{ R_OVER, { "RS001", "RS002", NULL }, { "RS001", "RS002", NULL } },
		{ R_PROV, { "RS001", NULL }, { "RS001", NULL } },
		{ R_PROV2, { "RS003", NULL }, { "RS003", NULL } },
		{ R_ADMIN, { NULL }, { NULL } }, /* administrators see no quality data */
	};

	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		for (int latest = 0; latest < 2; latest++) {
			const char *const *codes = latest ? want[i].latest : want[i].hand;
			char path[96];
			size_t n = 0;
			json_t *j;

			snprintf(path, sizeof path, "/api/v1/mortality?import=%lld",
				 (long long)(latest ? import_new : import_hand));
			if (!(j = api_get(want[i].role, path, __LINE__)))
				continue;
			for (; codes[n]; n++) {
				char at[48];

				snprintf(at, sizeof at, "providers/%zu/code", n);
				if (strcmp(jtext(j, at), codes[n]) != 0)
					test_fail(__FILE__, __LINE__,
						  "%s, %s: provider %zu is \"%s\", expected \"%s\"",
						  role_user[want[i].role], path, n, jtext(j, at),
						  codes[n]);
			}
			if (json_array_size(jat(j, "providers")) != n)
				test_fail(__FILE__, __LINE__, "%s, %s: %zu providers, expected %zu",
					  role_user[want[i].role], path,
					  json_array_size(jat(j, "providers")), n);
			CHECK_INT(jint(j, "bands/higher") + jint(j, "bands/as_expected") +
					  jint(j, "bands/lower"),
				  n);
			json_decref(j);
		}
}

/*
 * The latest funnel's spells and deaths are those counted in the 2023-24 file, and the page
 * shows the same expected deaths and ratio for each provider (one computation for both).
 */
static void api_funnel_counts_match_the_input_and_the_page(void)
{
	json_t *j, *p;
	size_t i;
	long long total = 0;

	if (!(j = api_get(R_REG, "/api/v1/mortality", __LINE__)))
		return;
	CHECK_INT(jint(j, "import/id"), import_new);
	CHECK_INT(jint(j, "import/spells"), NSPELLS);
	CHECK_INT(json_array_size(jat(j, "providers")), NPROV);
	CHECK_INT(http_get(cookie[R_REG], "/mortality"), 200);
	json_array_foreach(jat(j, "providers"), i, p) {
		long long spells, deaths;
		char row[8192], cell[256], want[64];

		count_input("s2023.csv", jtext(p, "code"), 0, &spells, &deaths);
		CHECK_INT(jint(p, "spells"), spells);
		CHECK_INT(jint(p, "observed"), deaths);
		total += deaths;
		result_is_consistent(p);
		snprintf(cell, sizeof cell, "<td class=\"nhsuk-table__cell\">%s</td>",
			 strcmp(jtext(p, "code"), ODD_CODE) == 0 ? ODD_CODE_HTML
								 : jtext(p, "code"));
		row_with(cell, row, sizeof row);
		snprintf(want, sizeof want, ">%.2f<", jreal(p, "expected"));
		CHECK_CONTAINS(row, want);
		snprintf(want, sizeof want, ">%.3f<", jreal(p, "ratio"));
		CHECK_CONTAINS(row, want);
	}
	CHECK_INT(jint(j, "import/deaths"), total);
	json_decref(j);
}

/* Group G of provider P's CUSUM summaries (an object of "groups"), or NULL. */
static json_t *group_of(const json_t *groups, int g)
{
	size_t i;
	json_t *e;

	json_array_foreach(groups, i, e)
		if (jint(e, "group") == g)
			return e;
	return NULL;
}

/* One provider: its periods, its result in the import asked for and its groups' CUSUMs. */
static void api_provider_gives_periods_and_groups(void)
{
	static const char *const files[] = { "s2022.csv", "s2023.csv" };
	char path[96];
	json_t *j, *g;

	snprintf(path, sizeof path, "/api/v1/mortality/RS001?import=%lld", (long long)import_hand);
	if (!(j = api_get(R_PROV, path, __LINE__)))
		return;
	CHECK_STR(jtext(j, "code"), "RS001");
	CHECK_STR(jtext(j, "name"), HOSTILE_NAME);
	CHECK_INT(jint(j, "import/id"), import_hand);
	hand_result_is(jat(j, "result"), 20, 6, 5);
	/* Group 1: 10 spells, 1 death, 10 x 0.2 = 2 expected; nine survivals keep the CUSUM at
	 * 0, then the death: ln(2 / 1.2). Group 2: 5 deaths, 5 x 0.4308 = 2.1539, then 5
	 * survivals, 5 x 0.2624 = 1.3118 (never reaching 0): 0.8421. Neither reaches h. */
	CHECK_INT(json_array_size(jat(j, "groups")), 2);
	g = group_of(jat(j, "groups"), 1);
	CHECK_INT(jint(g, "spells"), 10);
	CHECK_INT(jint(g, "deaths"), 1);
	CHECK_NEAR(jreal(g, "expected"), 2, 1e-6);
	CHECK_NEAR(jreal(g, "ratio"), 0.5, 1e-6);
	CHECK_INT(jint(g, "alarms"), 0);
	CHECK(json_is_null(jat(g, "first_alarm")));
	CHECK_NEAR(jreal(g, "s_end"), DEATH_02, 1e-6);
	g = group_of(jat(j, "groups"), 2);
	CHECK_INT(jint(g, "spells"), 10);
	CHECK_INT(jint(g, "deaths"), 5);
	CHECK_NEAR(jreal(g, "expected"), 3, 1e-6);
	CHECK_NEAR(jreal(g, "ratio"), 5.0 / 3, 1e-6);
	CHECK_NEAR(jreal(g, "s_end"), 5 * DEATH_03 - 5 * SURVIVAL_03, 1e-6);
	CHECK_INT(jint(j, "groups_alarmed"), 0);
	/* One row per period, the hand-made one first; the others as counted in their files. */
	CHECK_INT(json_array_size(jat(j, "periods")), 3);
	CHECK_STR(jtext(j, "periods/0/period"), "2021-22");
	CHECK_INT(jint(j, "periods/0/observed"), 6);
	CHECK_NEAR(jreal(j, "periods/0/expected"), 5, 1e-6);
	for (int k = 0; k < 2; k++) {
		long long spells, deaths;
		char at[32];

		count_input(files[k], "RS001", 0, &spells, &deaths);
		snprintf(at, sizeof at, "periods/%d/spells", k + 1);
		CHECK_INT(jint(j, at), spells);
		snprintf(at, sizeof at, "periods/%d/observed", k + 1);
		CHECK_INT(jint(j, at), deaths);
		snprintf(at, sizeof at, "periods/%d", k + 1);
		result_is_consistent(jat(j, at));
	}
	CHECK_STR(jtext(j, "periods/2/period"), "2023-24");
	json_decref(j);

	/* RS003's first nine spells of group 1 die: 9 x 0.5108 = 4.597 >= 4.5 (8 x 0.5108 =
	 * 4.087 is not), an alarm at spell 9 and a new start at 0, where 21 survivals leave it.
	 * Group 2: nine survivals at 0, then a death: ln(2 / 1.3). */
	snprintf(path, sizeof path, "/api/v1/mortality/RS003?import=%lld", (long long)import_hand);
	if (!(j = api_get(R_PROV2, path, __LINE__)))
		return;
	hand_result_is(jat(j, "result"), 40, 10, 9);
	g = group_of(jat(j, "groups"), 1);
	CHECK_INT(jint(g, "spells"), 30);
	CHECK_INT(jint(g, "deaths"), 9);
	CHECK_NEAR(jreal(g, "expected"), 6, 1e-6);
	CHECK_INT(jint(g, "alarms"), 1);
	CHECK_INT(jint(g, "first_alarm"), 9);
	CHECK_NEAR(jreal(g, "s_end"), 0, 1e-9);
	g = group_of(jat(j, "groups"), 2);
	CHECK_INT(jint(g, "alarms"), 0);
	CHECK_NEAR(jreal(g, "s_end"), DEATH_03, 1e-6);
	CHECK_INT(jint(j, "groups_alarmed"), 1);
	json_decref(j);

	/* Without ?import=, the latest period: every group as counted in the 2023-24 file. */
	if (!(j = api_get(R_PROV2, "/api/v1/mortality/RS003", __LINE__)))
		return;
	CHECK_INT(jint(j, "import/id"), import_new);
	CHECK_INT(json_array_size(jat(j, "groups")), NGRP);
	for (int k = 1; k <= NGRP; k++) {
		long long spells, deaths;

		count_input("s2023.csv", "RS003", k, &spells, &deaths);
		g = group_of(jat(j, "groups"), k);
		CHECK_INT(jint(g, "spells"), spells);
		CHECK_INT(jint(g, "deaths"), deaths);
	}
	json_decref(j);
}

/* One provider and group: the CUSUM summary, the same period by period, and the fit. */
static void api_group_gives_cusum_periods_and_fit(void)
{
	static const char *const dropped[] = { "age_band", "sex", "admission_method",
					       "charlson_band", "year_index" };
	char path[96];
	long long spells, deaths;
	json_t *j;

	snprintf(path, sizeof path, "/api/v1/mortality/RS003/group/1?import=%lld",
		 (long long)import_hand);
	if (!(j = api_get(R_PROV2, path, __LINE__)))
		return;
	CHECK_STR(jtext(j, "code"), "RS003");
	CHECK_STR(jtext(j, "name"), "Gamma Hospitals NHS Trust");
	CHECK_INT(jint(j, "group"), 1);
	CHECK_INT(jint(j, "import/id"), import_hand);
	/* As worked out above: 30 spells, 9 deaths, 30 x 0.2 = 6 expected, ratio 1.5, one alarm
	 * at spell 9, back at 0 by the last spell. */
	CHECK_INT(jint(j, "cusum/spells"), 30);
	CHECK_INT(jint(j, "cusum/deaths"), 9);
	CHECK_NEAR(jreal(j, "cusum/expected"), 6, 1e-6);
	CHECK_NEAR(jreal(j, "cusum/ratio"), 1.5, 1e-6);
	CHECK_INT(jint(j, "cusum/alarms"), 1);
	CHECK_INT(jint(j, "cusum/first_alarm"), 9);
	CHECK_NEAR(jreal(j, "cusum/s_end"), 0, 1e-9);
	/* Each period the group is in: the hand-made one (chosen), then the generated two. */
	CHECK_INT(json_array_size(jat(j, "periods")), 3);
	CHECK_INT(jint(j, "periods/0/import"), import_hand);
	CHECK(json_is_true(jat(j, "periods/0/selected")));
	CHECK_INT(jint(j, "periods/0/alarms"), 1);
	CHECK(json_is_false(jat(j, "periods/1/selected")));
	count_input("s2022.csv", "RS003", 1, &spells, &deaths);
	CHECK_INT(jint(j, "periods/1/spells"), spells);
	CHECK_INT(jint(j, "periods/1/deaths"), deaths);
	count_input("s2023.csv", "RS003", 1, &spells, &deaths);
	CHECK_INT(jint(j, "periods/2/spells"), spells);
	CHECK_INT(jint(j, "periods/2/deaths"), deaths);
	/* The fit of group 1, every provider together: 50 spells, 10 deaths, one covariate
	 * pattern, so the intercept is the one parameter and all five covariates are left out. */
	CHECK_INT(jint(j, "fit/spells"), 50);
	CHECK_INT(jint(j, "fit/deaths"), 10);
	CHECK_INT(jint(j, "fit/patterns"), 1);
	CHECK_INT(jint(j, "fit/parameters"), 1);
	CHECK_STR(jtext(j, "fit/status"), "converged");
	CHECK_INT(json_array_size(jat(j, "fit/dropped")), 5);
	for (int k = 0; k < 5; k++) {
		char at[32];

		snprintf(at, sizeof at, "fit/dropped/%d", k);
		CHECK_STR(jtext(j, at), dropped[k]);
	}
	json_decref(j);

	/* RS002 has no group 2 spells in the hand-made import: no CUSUM there, and the period
	 * table holds only the generated periods that have some; group 2's fit is still there
	 * (20 spells, 6 deaths). */
	snprintf(path, sizeof path, "/api/v1/mortality/RS002/group/2?import=%lld",
		 (long long)import_hand);
	if (!(j = api_get(R_COMM, path, __LINE__)))
		return;
	CHECK(json_is_null(jat(j, "cusum")));
	CHECK_INT(jint(j, "import/id"), import_hand);
	{
		long long s22, s23, d;
		size_t rows;

		count_input("s2022.csv", "RS002", 2, &s22, &d);
		count_input("s2023.csv", "RS002", 2, &s23, &d);
		rows = (s22 > 0) + (s23 > 0);
		CHECK_INT(json_array_size(jat(j, "periods")), rows);
		for (size_t k = 0; k < rows; k++) {
			char at[48];

			snprintf(at, sizeof at, "periods/%zu/selected", k);
			CHECK(json_is_false(jat(j, at)));
		}
	}
	CHECK_INT(jint(j, "fit/spells"), 20);
	CHECK_INT(jint(j, "fit/deaths"), 6);
	json_decref(j);
}

/* A provider one may not see, one with no results, one not in the import asked for and a
 * code never imported: the API's same 404 problem, to the byte. */
static void api_denied_looks_like_missing(void)
{
	static char missing[4096];
	char type[64], hand_rs002[96];
	const char *const same[] = { "/api/v1/mortality/RS003",
				     "/api/v1/mortality/RS002",
				     "/api/v1/mortality/RS004",
				     "/api/v1/mortality/RS005",
				     "/api/v1/mortality/" ODD_CODE_URL,
				     "/api/v1/mortality/RS001?import=999999",
				     hand_rs002,
				     "/api/v1/mortality/RS003/group/1",
				     "/api/v1/mortality/NOPE/group/1",
				     "/api/v1/mortality/RS001/group/7" };

	snprintf(hand_rs002, sizeof hand_rs002, "/api/v1/mortality/RS002?import=%lld",
		 (long long)import_hand);
	CHECK_INT(http_get(cookie[R_PROV], "/api/v1/mortality/NOPE"), 404);
	CHECK_INT(http_header("Content-Type", "", type, sizeof type), 0);
	CHECK_STR(type, "application/problem+json");
	snprintf(missing, sizeof missing, "%s", http_body());
	CHECK_CONTAINS(missing, "\"status\":404");
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		CHECK_INT(http_get(cookie[R_PROV], same[i]), 404);
		CHECK_STR(http_body(), missing);
	}
}

/* A period imported again is shown once, from the later import; the earlier one stays
 * reachable by its import. */
static void period_imported_again_is_shown_once(void)
{
	char path[96], want[96];

	CHECK_INT(write_spells("s2023b.csv", 20230402), 0);
	CHECK_INT(import("s2023b.csv", "2023-24"), 0);
	CHECK_INT(http_get(cookie[R_REG], "/mortality"), 200);
	snprintf(want, sizeof want, "(import %lld)", (long long)import_new);
	CHECK(strstr(http_body(), want) == NULL);
	CHECK_CONTAINS(http_body(), "Risk-adjusted mortality, 2023-24");
	CHECK_INT(http_get(cookie[R_REG], "/mortality/RS003"), 200);
	CHECK_INT(count_of(http_body(), "<td class=\"nhsuk-table__cell\">2023-24</td>"), 1);
	CHECK_INT(count_of(http_body(), "<td class=\"nhsuk-table__cell\">2022-23</td>"), 1);
	snprintf(path, sizeof path, "/mortality?import=%lld", (long long)import_new);
	CHECK_INT(http_get(cookie[R_REG], path), 200);
	CHECK_CONTAINS(http_body(), "This period was imported again later");

	/* The API: the latest is the new import; the revised one is listed, no longer current,
	 * and the provider's periods hold 2023-24 once, from the new import. */
	{
		long long newest;
		json_t *j;

		if (!(j = api_get(R_REG, "/api/v1/mortality", __LINE__)))
			return;
		newest = jint(j, "import/id");
		CHECK(newest > import_hand);
		CHECK_INT(json_array_size(jat(j, "imports")), 4);
		CHECK_INT(jint(j, "imports/2/id"), import_new);
		CHECK(json_is_false(jat(j, "imports/2/current")));
		CHECK_INT(jint(j, "imports/3/id"), newest);
		json_decref(j);
		snprintf(path, sizeof path, "/api/v1/mortality?import=%lld", (long long)import_new);
		if (!(j = api_get(R_REG, path, __LINE__)))
			return;
		CHECK(json_is_false(jat(j, "import/current")));
		CHECK(json_is_false(jat(j, "import/latest")));
		json_decref(j);
		if (!(j = api_get(R_REG, "/api/v1/mortality/RS003", __LINE__)))
			return;
		CHECK_INT(json_array_size(jat(j, "periods")), 3);
		CHECK_STR(jtext(j, "periods/2/period"), "2023-24");
		CHECK_INT(jint(j, "periods/2/import"), newest);
		CHECK_INT(jint(j, "import/id"), newest);
		json_decref(j);
	}
}

int main(void)
{
	struct web_server *w;
	char cmd[1024];

	if (!mkdtemp(dir))
		return 2;
	snprintf(db, sizeof db, "%s/web.db", dir);
	if (setup())
		return 2;
	http_password = PW;
	if (!(w = http_serve(db, role_user, NROLE, cookie, csrf)))
		return 2;
	RUN(every_mortality_route_for_every_role);
	RUN(public_is_sent_to_sign_in);
	RUN(funnel_shows_what_custodian_shmi_computes);
	RUN(each_role_sees_only_its_providers);
	RUN(highlight_picks_out_one_provider);
	RUN(provider_page_shows_periods_and_groups);
	RUN(group_page_shows_cusum_summary_and_fit);
	RUN(markup_in_names_and_codes_is_inert);
	RUN(denied_looks_like_missing);
	RUN(api_funnel_gives_the_hand_made_import);
	RUN(api_funnel_each_role_sees_only_its_rows);
	RUN(api_funnel_counts_match_the_input_and_the_page);
	RUN(api_provider_gives_periods_and_groups);
	RUN(api_group_gives_cusum_periods_and_fit);
	RUN(api_denied_looks_like_missing);
	RUN(period_imported_again_is_shown_once);
	web_stop(w);
	refcsv_free(&shmi_prov);
	refcsv_free(&shmi_cusum);
	refcsv_free(&shmi_groups);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return test_done();
}
