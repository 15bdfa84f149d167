/*
 * End to end on the shipped demo data, through the real binary and a real SQLite file:
 * `custodian init` then `custodian demo-load`, then figures read back through the store and
 * compared with values worked out from the source files by hand (awk commands in comments).
 * Then the demo's invented deteriorating provider (XDEMOP): labelled, commissioned by XDEMON,
 * its figures stored, its file made again byte for byte by its generator, and, through the
 * real web server, at the top of the demo commissioner's "Needs attention" for the reasons the
 * data was designed to give; and the invented hospital spells: made again byte for byte,
 * imported for 25 invented trusts, with the mortality findings they were designed to give.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "support/http.h"
#include "support/proc.h"
#include "test.h"
#include "web/server.h"

static char dir[] = "/tmp/cu-demo-XXXXXX";
static char db[64];
static const struct cu_actor actor = { .name = "test", .role = MODEL_ROLE_SYSTEM };

/* Run the binary with one or two arguments on the test database; return its exit status. */
static int run(const char *a1, const char *a2)
{
	const char *argv[] = { CU_BINARY, "-d", db, a1, a2, NULL };

	return test_exec(argv, NULL, NULL, 0, NULL, 0);
}

struct first {
	struct store_obs o;
	int n;
};

static int keep_first(void *arg, const struct store_obs *o)
{
	struct first *f = arg;

	if (f->n++ == 0)
		f->o = *o;
	return 0;
}

/* The value of ORG's INDICATOR for the period starting PERIOD, as known now. */
static struct first series_at(struct store *s, const char *org, const char *ind, const char *period)
{
	struct store_org o;
	struct store_indicator i;
	struct first f = { 0 };
	struct cu_err err;

	cu_err_clear(&err);
	CHECK_INT(store_org_get(s, &actor, org, &o, &err), 0);
	CHECK_INT(store_indicator_get(s, &actor, cu_str_of(ind), &i, &err), 0);
	CHECK_INT(store_obs_revisions(s, &actor, o.id, i.id, period, keep_first, &f, &err), 0);
	return f;
}

struct actors {
	char name[16][64];
	int n;
};

/* Each import's actor into ARG (struct actors), newest first, while there is room. */
static int keep_actor(void *arg, const struct store_import *r)
{
	struct actors *w = arg;

	if (w->n < 16)
		snprintf(w->name[w->n++], sizeof w->name[0], "%s", r->actor);
	return 0;
}

static void demo_loads_once_with_known_figures(void)
{
	struct store *s;
	struct cu_err err;
	struct first f;
	int64_t rows, current;
	char d1[65], d2[65];

	CHECK_INT(run("init", NULL), 0);
	CHECK_INT(run("demo-load", NULL), 0);
	cu_err_clear(&err);
	if (store_open(db, 0, &s, &err) != 0) {
		CHECK(!"store opens");
		return;
	}
	/*
	 * A&E, RF4, type 1, March 2017. Source row, found with
	 *   awk -F, '$1=="2017-03-01" && $2=="\"RF4\"" && $3=="\"1\""' ae_attendances.csv
	 * is 2017-03-01,"RF4","1",21289,2879,5060: 2879 breaches of 21289 attendances.
	 */
	f = series_at(s, "RF4", "AE_4HR_BREACH_T1", "2017-03-01");
	CHECK_INT(f.n, 1);
	CHECK_NEAR(f.o.numerator, 2879, 0);
	CHECK_NEAR(f.o.denominator, 21289, 0);
	CHECK_NEAR(f.o.value, 2879.0 / 21289.0, 1e-12);
	f = series_at(s, "RF4", "AE_ADMISSIONS_T1", "2017-03-01");
	CHECK_NEAR(f.o.value, 5060, 0);
	/*
	 * Maternity 2020-21, R0A, caesarean births: Elective 1395 + Emergency 1645 over the
	 * recorded methods 1395 + 1645 + 1170 (Instrumental) + 0 (Other) + 3845 (Spontaneous) =
	 * 8055; the 40 "Missing Value" babies are in neither. From
	 *   grep ',MethodOfDelivery,Provider,R0A,' hosp-epis-stat-mat-msdscsv-2020-21.csv
	 */
	f = series_at(s, "R0A", "MAT_CAESAREAN", "2020-04-01");
	CHECK_INT(f.n, 1);
	CHECK_NEAR(f.o.numerator, 3040, 0);
	CHECK_NEAR(f.o.denominator, 8055, 0);
	/* R0A's smoking status is all "Missing value" (0, 0, 7675): no figure, marked missing. */
	f = series_at(s, "R0A", "MAT_SMOKING_BOOKING", "2020-04-01");
	CHECK_INT(f.n, 1);
	CHECK_INT(f.o.status, MODEL_OBS_MISSING);
	CHECK(!f.o.has_value);
	/*
	 * A&E gives 3 observations per row: 12,765 rows (awk 'NR>1' | wc -l) -> 38,295.
	 * Maternity gives one per provider and indicator with rows in the file.
	 */
	cu_err_clear(&err);
	CHECK_INT(store_obs_count(s, &actor, &rows, &current, &err), 0);
	CHECK(rows >= 38295);
	CHECK_INT(rows, current); /* nothing was resubmitted */
	/* The audit trail names the account that ran the command (cli_open looks it up). */
	{
		struct actors seen = { .n = 0 };
		struct passwd *pw = getpwuid(getuid());
		char want[80];

		snprintf(want, sizeof want, "cli:%s", pw ? pw->pw_name : "unknown");
		CHECK_INT(store_import_list(s, &actor, 0, keep_actor, &seen, &err), 0);
		CHECK_INT(seen.n, 8); /* the eight demo files */
		for (int i = 0; i < seen.n; i++)
			CHECK_STR(seen.name[i], want);
	}
	/* Running demo-load again imports nothing: the database is unchanged. */
	CHECK_INT(store_digest(s, d1, &err), 0);
	store_close(s);
	CHECK_INT(run("demo-load", NULL), 0);
	CHECK_INT(store_open(db, 0, &s, &err), 0);
	CHECK_INT(store_digest(s, d2, &err), 0);
	CHECK_STR(d1, d2);
	CHECK_INT(store_open_statements(s), 0);
	store_close(s);
}

static void locations_name_with_comma_kept_whole(void)
{
	struct store *s;
	struct store_org o;
	struct cu_err err;

	cu_err_clear(&err);
	CHECK_INT(store_open(db, 0, &s, &err), 0);
	/* locations.csv: R0A,MANCHESTER UNIVERSITY NHS FOUNDATION TRUST,M13 9WL,20171001,... */
	CHECK_INT(store_org_get(s, &actor, "R0A", &o, &err), 0);
	CHECK_STR(o.name, "MANCHESTER UNIVERSITY NHS FOUNDATION TRUST");
	CHECK_STR(o.postcode, "M13 9WL");
	CHECK_STR(o.valid_from, "2017-10-01");
	CHECK(o.has_location);
	CHECK_NEAR(o.latitude, 53.461426, 1e-9);
	store_close(s);
}

/* ---- the invented deteriorating provider ---- */

#define SCENARIO_CSV CU_SOURCE_DIR "/data/demo/invented-deteriorating-provider.csv"
#define SCENARIO_ORG "XDEMOP"
#define SPELLS_CSV CU_SOURCE_DIR "/data/demo/invented-spells.csv"

struct relation_seen {
	int open, coordinating;
};

static int see_scenario_relation(void *arg, const struct store_relation *r)
{
	struct relation_seen *seen = arg;

	if (strcmp(r->from_code, "XDEMON") == 0 && strcmp(r->to_code, SCENARIO_ORG) == 0) {
		seen->open++;
		seen->coordinating = r->coordinating;
	}
	return 0;
}

static struct relation_seen scenario_relation(struct store *s)
{
	struct relation_seen seen = { 0 };
	struct cu_err err;

	cu_err_clear(&err);
	CHECK_INT(store_commissioning_list(s, &actor, see_scenario_relation, &seen, &err), 0);
	return seen;
}

static void invented_provider_labelled_commissioned_and_stored(void)
{
	struct store *s;
	struct store_org o;
	struct cu_err err;
	struct relation_seen seen;
	char line[256];
	int rows = 0;
	FILE *f;

	cu_err_clear(&err);
	if (store_open(db, 0, &s, &err) != 0) {
		CHECK(!"store opens");
		return;
	}
	CHECK_INT(store_org_get(s, &actor, SCENARIO_ORG, &o, &err), 0);
	CHECK_STR(o.name, "Demo Riverside Hospitals NHS Trust (invented)");
	CHECK_INT(o.kind, MODEL_ORG_PROVIDER);
	CHECK_STR(o.postcode, ""); /* on no map, and not one of the real trusts shared out */
	seen = scenario_relation(s);
	CHECK_INT(seen.open, 1);
	CHECK(seen.coordinating);
	/* Every row of the shipped file is in the store, once, as the file gives it. */
	if (!(f = fopen(SCENARIO_CSV, "r"))) {
		CHECK(!"the scenario file opens");
		store_close(s);
		return;
	}
	CHECK(fgets(line, sizeof line, f) != NULL);
	CHECK_STR(line, "org_code,indicator,period,numerator,denominator,value\n");
	while (fgets(line, sizeof line, f)) {
		char org[16], ind[32], period[16], num[16], den[16], *p = line, *field[5];
		struct store_indicator si;
		struct first got;
		double mult;

		/* Six fields, no quoting, an empty value: split at the commas. */
		for (int k = 0; k < 5; k++) {
			field[k] = p;
			p = strchr(p, ',');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (!p || strcmp(p, "\n") != 0) {
			CHECK(!"a row of six fields with an empty value");
			break;
		}
		/* The file's fields are short (a longer one fails the comparisons below). */
		snprintf(org, sizeof org, "%.15s", field[0]);
		snprintf(ind, sizeof ind, "%.31s", field[1]);
		snprintf(period, sizeof period, "%.7s-01", field[2]);
		snprintf(num, sizeof num, "%.15s", field[3]);
		snprintf(den, sizeof den, "%.15s", field[4]);
		CHECK_STR(org, SCENARIO_ORG);
		got = series_at(s, org, ind, period);
		CHECK_INT(got.n, 1);
		CHECK_INT(got.o.status, MODEL_OBS_OK);
		CHECK_NEAR(got.o.numerator, strtod(num, NULL), 0);
		CHECK_NEAR(got.o.denominator, strtod(den, NULL), 0);
		CHECK_INT(store_indicator_get(s, &actor, cu_str_of(ind), &si, &err), 0);
		mult = si.measure == MODEL_MEASURE_RATE ? si.multiplier : 1;
		CHECK_NEAR(got.o.value, strtod(num, NULL) / strtod(den, NULL) * mult, 1e-12);
		rows++;
	}
	fclose(f);
	CHECK_INT(rows, 6 * 36); /* six indicators, April 2016 to March 2019 */
	store_close(s);
}

/* The shipped file CSV is what its generator SCRIPT writes (the script says how; data/README
 * too). */
static void made_again_byte_for_byte(const char *script, const char *csv)
{
	const char *argv[] = { "/usr/bin/env", "python3", script, NULL };
	static char made[4 << 20], shipped[4 << 20];
	size_t n;
	int rc;
	FILE *f;

	rc = test_exec(argv, NULL, made, sizeof made, NULL, 0);
	if (rc == 127) {
		fprintf(stderr, "  (python3 not found: the generator was not run)\n");
		return;
	}
	CHECK_INT(rc, 0);
	if (!(f = fopen(csv, "r"))) {
		CHECK(!"the shipped file opens");
		return;
	}
	n = fread(shipped, 1, sizeof shipped - 1, f);
	fclose(f);
	shipped[n] = '\0';
	CHECK(n > 0 && n < sizeof shipped - 1);
	CHECK_INT(strlen(made), n);
	CHECK(strcmp(made, shipped) == 0);
}

static void invented_files_made_again_byte_for_byte(void)
{
	made_again_byte_for_byte(CU_SOURCE_DIR "/scripts/gen-demo-scenario.py", SCENARIO_CSV);
	made_again_byte_for_byte(CU_SOURCE_DIR "/scripts/gen-demo-spells.py", SPELLS_CSV);
}

/* What the spells file holds for provider P (an index into spells_codes), counted here. */
struct spells_count {
	long spells, deaths;
	long group4, group4_before; /* XDEMOP's spells in diagnosis group 4; those of years 1-2 */
};

static const char *const spells_codes[] = { "XDEMOP", "XDEMH05", "XDEMH17" };

static int spells_count_file(struct spells_count c[3], long *total, int *providers)
{
	char line[256], seen[32][16];
	FILE *f = fopen(SPELLS_CSV, "r");
	int nseen = 0;

	memset(c, 0, 3 * sizeof *c);
	*total = 0;
	if (!f || !fgets(line, sizeof line, f))
		return -1;
	while (fgets(line, sizeof line, f)) {
		char code[16];
		long id;
		int g, age, sex, adm, ch, year, died, k;

		if (sscanf(line, "%15[^,],%ld,%d,%d,%d,%d,%d,%d,%d", code, &id, &g, &age, &sex, &adm,
			   &ch, &year, &died) != 9) {
			fclose(f);
			return -1;
		}
		++*total;
		for (k = 0; k < nseen && strcmp(seen[k], code) != 0; k++)
			;
		if (k == nseen && nseen < 32)
			snprintf(seen[nseen++], sizeof seen[0], "%s", code);
		for (int p = 0; p < 3; p++)
			if (strcmp(code, spells_codes[p]) == 0) {
				c[p].spells++;
				c[p].deaths += died;
				c[p].group4 += g == 4;
				c[p].group4_before += g == 4 && year < 3;
			}
	}
	fclose(f);
	*providers = nseen;
	return 0;
}

struct spells_seen {
	struct store *s;
	int64_t import_id;
	int imports, providers, invented;
	struct store_spells_provider p[3];
	int index[3]; /* each of spells_codes' provider index in the import, or -1 */
	struct store_spells_series xdemop[16];
	int nseries;
};

static int seen_import(void *arg, const struct store_spells_import *r)
{
	struct spells_seen *w = arg;

	w->imports++;
	w->import_id = r->import_id;
	CHECK_STR(r->period_start, "2018-04-01");
	CHECK_STR(r->period_end, "2019-03-31");
	CHECK_INT(r->groups, 10);
	return 0;
}

static int seen_provider(void *arg, const struct store_spells_provider *p)
{
	struct spells_seen *w = arg;
	struct store_org o;
	struct cu_err err;
	size_t n;

	w->providers++;
	cu_err_clear(&err);
	/* Every provider in the file is one of the demo's invented trusts, named so. */
	if (store_org_get(w->s, &actor, p->code, &o, &err) == 0 && o.id == p->org_id &&
	    (n = strlen(o.name)) > 10 && strcmp(o.name + n - 10, "(invented)") == 0 &&
	    strncmp(o.name, "Demo ", 5) == 0 && strncmp(p->code, "XDEM", 4) == 0)
		w->invented++;
	for (int k = 0; k < 3; k++)
		if (strcmp(p->code, spells_codes[k]) == 0) {
			w->p[k] = *p;
			w->index[k] = p->provider;
		}
	return 0;
}

static int seen_series(void *arg, const struct store_spells_series *r)
{
	struct spells_seen *w = arg;

	if (r->provider == w->index[0] && w->nseries < 16)
		w->xdemop[w->nseries++] = *r;
	return 0;
}

/*
 * The invented spells tell the story scripts/gen-demo-spells.py designed: one import for
 * 2018-19 of every spell in the file, for 25 invented trusts; XDEMH05 (odds of death 1.9
 * times) above the 99.8% limits, XDEMH17 (0.6 times) below them; XDEMOP, whose group 4 dies
 * at 6 times the odds only from January 2019, as expected over the three years, with a CUSUM
 * alarm in group 4 in the last year and none in its other groups. Spells and deaths are
 * counted here from the file.
 */
static void invented_spells_tell_the_mortality_story(void)
{
	struct spells_seen w = { .index = { -1, -1, -1 } };
	struct spells_count c[3];
	struct cu_err err;
	long total;
	int nprov;

	if (spells_count_file(c, &total, &nprov) != 0) {
		CHECK(!"the spells file reads");
		return;
	}
	cu_err_clear(&err);
	if (store_open(db, 0, &w.s, &err) != 0) {
		CHECK(!"store opens");
		return;
	}
	CHECK_INT(store_spells_import_list(w.s, &actor, seen_import, &w, &err), 0);
	CHECK_INT(w.imports, 1);
	CHECK_INT(store_spells_provider_list(w.s, &actor, w.import_id, seen_provider, &w, &err), 0);
	CHECK_INT(nprov, 25);
	CHECK_INT(w.providers, nprov);
	CHECK_INT(w.invented, nprov);
	for (int k = 0; k < 3; k++) {
		CHECK(w.index[k] >= 0);
		CHECK_INT(w.p[k].spells, c[k].spells);
		CHECK_INT(w.p[k].observed, c[k].deaths);
	}
	CHECK_INT(w.p[0].band, 0);
	CHECK(w.p[0].ratio > w.p[0].lower95 && w.p[0].ratio < w.p[0].upper95);
	CHECK_INT(w.p[1].band, 1);
	CHECK(w.p[1].ratio > w.p[1].upper998);
	CHECK_INT(w.p[2].band, -1);
	CHECK(w.p[2].ratio < w.p[2].lower998);
	CHECK_INT(store_spells_series_list(w.s, &actor, w.import_id, seen_series, &w, &err), 0);
	CHECK_INT(w.nseries, 10);
	for (int i = 0; i < w.nseries; i++) {
		const struct store_spells_series *r = &w.xdemop[i];

		if (r->diag_group != 4) {
			CHECK_INT(r->alarms, 0);
			continue;
		}
		CHECK_INT(r->spells, c[0].group4);
		CHECK(r->alarms >= 1);
		CHECK(r->first_alarm > c[0].group4_before); /* in 2018-19, the last year */
	}
	{
		long sum = 0;

		for (int k = 0; k < 3; k++)
			sum += c[k].spells;
		CHECK(sum < total); /* the others are in the file too */
	}
	store_close(w.s);
}

/*
 * A database loaded before the scenario existed has the commissioners but not the new
 * relationship (the commissioners and users are made only on the first run): the next
 * demo-load adds it, and the one after changes nothing.
 */
static void relationship_added_to_an_older_database(void)
{
	struct store *s;
	struct cu_err err;
	char d1[65], d2[65];

	cu_err_clear(&err);
	CHECK_INT(store_open(db, 0, &s, &err), 0);
	CHECK_INT(store_commissioning_end(s, &actor, "XDEMON", SCENARIO_ORG, &err), 0);
	CHECK_INT(scenario_relation(s).open, 0);
	store_close(s);
	CHECK_INT(run("demo-load", NULL), 0);
	CHECK_INT(store_open(db, 0, &s, &err), 0);
	CHECK_INT(scenario_relation(s).open, 1);
	CHECK_INT(store_digest(s, d1, &err), 0);
	store_close(s);
	CHECK_INT(run("demo-load", NULL), 0);
	CHECK_INT(store_open(db, 0, &s, &err), 0);
	CHECK_INT(store_digest(s, d2, &err), 0);
	CHECK_STR(d1, d2);
	store_close(s);
}

/* Sign USER in with the password demo-load made for it (the file beside the database). */
static int demo_sign_in(const char *user, char *cookie, size_t n)
{
	char path[128], line[256], csrf[64];
	static char pw[64];
	int found = 0;
	FILE *f;

	/* Lines read "ROLE USERNAME PASSWORD[  for ORG]". */
	snprintf(path, sizeof path, "%s/demo-passwords.txt", dir);
	if (!(f = fopen(path, "r")))
		return -1;
	while (!found && fgets(line, sizeof line, f)) {
		char *save = NULL, *role = strtok_r(line, " \n", &save);
		char *name = strtok_r(NULL, " \n", &save), *word = strtok_r(NULL, " \n", &save);

		if (role && name && word && strcmp(name, user) == 0) {
			snprintf(pw, sizeof pw, "%s", word);
			found = 1;
		}
	}
	fclose(f);
	if (!found)
		return -1;
	http_password = pw;
	return http_sign_in(user, cookie, n, csrf, sizeof csrf);
}

/*
 * The text after the link to ORG's INDICATOR in ROW ("<a ...>title</a>: rules, since X
 * (Domain)") up to the end of its list item, into OUT; "" when the row has no such reason.
 */
static void reason_of(const char *row, const char *indicator, char *out, size_t n)
{
	char href[128];
	const char *p, *end;

	out[0] = '\0';
	snprintf(href, sizeof href, "/org/%s/indicator/%s\"", SCENARIO_ORG, indicator);
	if (!(p = strstr(row, href)) || !(p = strstr(p, "</a>")) || !(end = strstr(p, "</li>")))
		return;
	p += 4;
	snprintf(out, n, "%.*s", (int)(end - p), p);
}

/*
 * The demo commissioner's Monday morning, through the real web server. What the ranking must
 * show follows from how scripts/gen-demo-scenario.py built each series (its header gives the
 * arithmetic; the XmR chart here is Making Data Count's: mean and limits over the whole series,
 * mean -/+ 2.66 x the mean moving range, shift and trend 7, src/stats/spc.h):
 *
 * - AE_4HR_BREACH_T1 and HCAI_CDIFF_RATE are shifts from April 2018 that are more than six
 *   times their noise's half-width (15% -> 42% +/- 3 points; 2-4 -> 9-13 C. difficile cases
 *   in 14,600-15,400 bed days). Then the series mean (a third of the way up the step) lies
 *   above every one of the 24 earlier months and below every one of the 12 later ones: the
 *   last 12 months are a run of 12 on the worse side, so the shift rule (7 in a run) fires at
 *   March 2019, and the run, hence "since", starts at April 2018. The months before are on
 *   the better side, so they are not concerns and the "since" walk stops there. Nothing on the
 *   better side can fire at March 2019 (it is above the mean; the generator keeps no chance
 *   run of 7 falling points), so it is a concern.
 * - FFT_RECOMMEND falls at least 0.54 points every month from March 2018 (1.2 a month, noise
 *   +/- 0.3): 13 points each lower than the one before, so the trend rule (7) fires at March
 *   2019, about 80% against a mean near 91%. "since" is the first of the falling months below
 *   the mean: June 2018 is below it whatever the noise (at most 90.73% against at least
 *   90.87%), April 2018 above it (at least 92.47% against at most 91.93%); May 2018 is within
 *   the noise of the mean, so May or June.
 * - MORTALITY_RATIO is 0.92 to 1.04 for 35 months and 1.50 in March 2019; the upper limit can
 *   be at most 1.445 (the script's arithmetic), so March 2019 is beyond the limits, a concern
 *   of weight 2. The generator keeps the 35 months before it free of any rule, so no run of
 *   rising points or run above the mean reaches March 2019: "beyond the limits" alone, since
 *   March 2019.
 * - STAFF_VACANCY and COMPLAINTS_RATE are drawn again by the generator until no rule fires at
 *   any point of them, so neither is a special cause. The ranking's funnel takes proportions
 *   only, and no provider this commissioner sees has STAFF_VACANCY but XDEMOP, whose share is
 *   then the funnel's own target, inside its limits: no reason names either.
 */
static void commissioner_sees_the_decline_first_thing(void)
{
	struct web_config cfg = { .address = "127.0.0.1", .port = 0, .home = CU_SOURCE_DIR,
				  .quiet = 1, .db_path = db };
	struct web_server *w;
	struct cu_err err;
	char cookie[128], reason[512], *row = NULL;
	const char *body, *at, *start, *end;

	cu_err_clear(&err);
	if (!(w = web_start(&cfg, &err))) {
		test_fail(__FILE__, __LINE__, "web_start: %s", err.msg);
		return;
	}
	http_port = web_port(w);
	if (demo_sign_in("commissioner", cookie, sizeof cookie)) {
		CHECK(!"the demo commissioner signs in");
		web_stop(w);
		return;
	}
	CHECK_INT(http_get(cookie, "/"), 200);
	body = http_body();
	CHECK_CONTAINS(body, "Needs attention");
	/* Its row in the ranking: the link to its page, named as invented. */
	at = strstr(body, "<a href=\"/org/" SCENARIO_ORG "\"");
	CHECK(at != NULL);
	if (at) {
		start = at;
		while (start > body && strncmp(start, "<tr", 3) != 0)
			start--;
		end = strstr(at, "</tr>");
		CHECK(end != NULL && start > body);
		if (end)
			row = strndup(start, (size_t)(end - start));
	}
	if (row) {
		const char *rank = strstr(row, "<td");

		CHECK_CONTAINS(row, "Demo Riverside Hospitals NHS Trust (invented)");
		reason_of(row, "AE_4HR_BREACH_T1", reason, sizeof reason);
		CHECK_CONTAINS(reason, "shift");
		CHECK_CONTAINS(reason, "since Apr 2018 (Patient experience)");
		reason_of(row, "HCAI_CDIFF_RATE", reason, sizeof reason);
		CHECK_CONTAINS(reason, "shift");
		CHECK_CONTAINS(reason, "since Apr 2018 (Safety)");
		reason_of(row, "FFT_RECOMMEND", reason, sizeof reason);
		CHECK_CONTAINS(reason, "trend");
		CHECK(strstr(reason, "since May 2018 (Patient experience)") ||
		      strstr(reason, "since Jun 2018 (Patient experience)"));
		reason_of(row, "MORTALITY_RATIO", reason, sizeof reason);
		CHECK_STR(reason, ": beyond the limits, since Mar 2019 (Effectiveness)");
		reason_of(row, "STAFF_VACANCY", reason, sizeof reason);
		CHECK_STR(reason, "");
		reason_of(row, "COMPLAINTS_RATE", reason, sizeof reason);
		CHECK_STR(reason, "");
		if (rank && (rank = strchr(rank, '>')))
			fprintf(stderr, "  XDEMOP ranks %.*s\n", (int)strcspn(rank + 1, "<"),
				rank + 1);
		free(row);
	}
	/* The provider page and a chart open, and say "(invented)". */
	CHECK_INT(http_get(cookie, "/org/" SCENARIO_ORG), 200);
	CHECK_CONTAINS(http_body(), "Demo Riverside Hospitals NHS Trust (invented)");
	CHECK_INT(http_get(cookie, "/org/" SCENARIO_ORG "/indicator/HCAI_CDIFF_RATE"), 200);
	CHECK_CONTAINS(http_body(), "(invented)");
	/* The regulator and the oversight body over XDEMON see it too; another provider not. */
	CHECK_INT(demo_sign_in("regulator", cookie, sizeof cookie), 0);
	CHECK_INT(http_get(cookie, "/org/" SCENARIO_ORG), 200);
	CHECK(strstr(http_body(), "No name is known") == NULL);
	/* A walk-in centre in the real A&E data, which gives codes only: the page says so. */
	CHECK_INT(http_get(cookie, "/org/Y02696"), 200);
	CHECK_CONTAINS(http_body(), "<h1>Y02696</h1>");
	CHECK_CONTAINS(http_body(), "No name is known for this organisation: the data it came "
				    "from gives its code only.");
	CHECK_INT(demo_sign_in("oversight", cookie, sizeof cookie), 0);
	CHECK_INT(http_get(cookie, "/org/" SCENARIO_ORG), 200);
	CHECK_INT(demo_sign_in("provider", cookie, sizeof cookie), 0);
	CHECK_INT(http_get(cookie, "/org/" SCENARIO_ORG), 404);
	web_stop(w);
}

/*
 * A new database beside the passwords file of an old one (the database was deleted, the file
 * was not): the people are made afresh, with new passwords in the file, rather than the old
 * file being shown for accounts that do not exist.
 */
static void new_database_gets_new_people(void)
{
	char path[96], before[4096] = "", after[4096] = "", cmd[256];
	struct store *s;
	struct store_user u;
	struct cu_err err;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/demo-passwords.txt", dir);
	if ((f = fopen(path, "r"))) {
		n = fread(before, 1, sizeof before - 1, f);
		before[n] = '\0';
		fclose(f);
	}
	CHECK_CONTAINS(before, "commissioner");
	snprintf(cmd, sizeof cmd, "rm -f %s %s-wal %s-shm", db, db, db);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(run("init", NULL), 0);
	CHECK_INT(run("demo-load", NULL), 0);
	if ((f = fopen(path, "r"))) {
		n = fread(after, 1, sizeof after - 1, f);
		after[n] = '\0';
		fclose(f);
	}
	CHECK_CONTAINS(after, "commissioner");
	CHECK(strcmp(before, after) != 0); /* 96 random bits per password: never the same */
	cu_err_clear(&err);
	CHECK_INT(store_open(db, 0, &s, &err), 0);
	CHECK_INT(store_user_get(s, &actor, "commissioner", &u, NULL, 0, &err), 0);
	store_close(s);
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(dir))
		return 2;
	snprintf(db, sizeof db, "%s/demo.db", dir);
	RUN(demo_loads_once_with_known_figures);
	RUN(locations_name_with_comma_kept_whole);
	RUN(invented_provider_labelled_commissioned_and_stored);
	RUN(invented_files_made_again_byte_for_byte);
	RUN(invented_spells_tell_the_mortality_story);
	RUN(relationship_added_to_an_older_database);
	RUN(commissioner_sees_the_decline_first_thing);
	RUN(new_database_gets_new_people);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return test_done();
}
