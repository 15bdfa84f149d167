/*
 * Importing hospital spells (profile spells): the mortality model's results land as SHMI
 * observations per provider for the given period, with the model's aggregates beside them,
 * and nothing record-level. Checked against `custodian shmi` on the same file and against the
 * test's own tally of the generated spells; every bad input (a bad value, a truncated file,
 * spells out of order, no period, a full database, ...) leaves the database's digest as it
 * was; the same file is never imported twice; hostile provider codes are stored as given.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "ingest/catalogue.h"
#include "ingest/import.h"
#include "ingest/spells.h"
#include "support/proc.h"
#include "support/refcsv.h"
#include "test.h"

static char dir[] = "/tmp/cu-spellsimp-XXXXXX";
static const struct cu_actor actor = { .name = "test", .role = MODEL_ROLE_SYSTEM };
static struct store *db;
static struct ingest_profile *spells;

#define HEADER                                                                              \
	"provider_id,spell_id,diag_group,age_band,sex,admission_method,charlson_band,"       \
	"year_index,died\n"

/* Providers of the generated file: five organisation codes, then three that are not (SQL
 * and LIKE metacharacters, a double quote, a backslash), written to the file quoted. */
#define NPROV 8
#define NORG 5
#define NGRP 6
#define NSPELLS 4000
static const char *const prov_code[NPROV] = { "RA1", "RB2", "RC3", "RD4", "RE5",
					      "X'); DROP TABLE org;--", "R\"1", "%_\\" };
static const char *const prov_csv[NPROV] = { "RA1", "RB2", "RC3", "RD4", "RE5",
					     "X'); DROP TABLE org;--", "\"R\"\"1\"", "%_\\" };

/* The test's own count of the generated spells: provider x group x pattern x {spells, deaths}. */
static long long tally[NPROV][NGRP][SPELLS_PATTERNS][2];
static long long total_spells, total_deaths;
static char good[1 << 20]; /* the generated file's text */
static size_t good_n;

static const char *path_of(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static const char *write_file(const char *name, const char *text, size_t n)
{
	const char *path = path_of(name);
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(text, 1, n, f) != n)
		abort();
	fclose(f);
	return path;
}

/* A deterministic generator (a 64-bit LCG): providers, groups, covariates and deaths whose
 * risk rises with age, comorbidity and emergency admission. */
static unsigned long long rng = 20240601;

static unsigned pick(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng >> 33) % n);
}

static void generate(void)
{
	size_t w = (size_t)snprintf(good, sizeof good, "%s", HEADER);

	for (long id = 1; id <= NSPELLS; id++) {
		unsigned p = pick(NPROV), g = 1 + pick(NGRP), age = pick(20), sex = 1 + pick(2);
		unsigned adm = 1 + pick(2), ch = pick(3), yr = 1 + pick(3);
		unsigned risk = 2 + age / 2 + 4 * ch + 3 * (adm == 2) + (p == 2 ? 4 : 0);
		unsigned died = pick(100) < risk;
		unsigned pat = (((age * 2 + sex - 1) * 2 + adm - 1) * 3 + ch) * 5 + yr - 1;

		w += (size_t)snprintf(good + w, sizeof good - w, "%s,%ld,%u,%u,%u,%u,%u,%u,%u\n",
				      prov_csv[p], id * 3, g, age, sex, adm, ch, yr, died);
		tally[p][g - 1][pat][0]++;
		tally[p][g - 1][pat][1] += died;
		total_spells++;
		total_deaths += died;
	}
	good_n = w;
}

static int import_opts(const char *path, const struct ingest_profile *p,
		       const struct ingest_import_opts *o, struct ingest_import_result *res)
{
	return ingest_import(db, &actor, p, path, o, res);
}

/* Import PATH for PERIOD; returns the status and leaves the result in *RES (caller frees). */
static int import_file(const char *path, const char *period, struct ingest_import_result **res)
{
	struct ingest_import_opts o = { .period = period };

	*res = xcalloc(1, sizeof **res);
	return import_opts(path, spells, &o, *res);
}

/*
 * Expect the import of TEXT (N bytes) as NAME with profile P and options O to fail with the
 * database exactly as before; return the first error formatted (static buffer).
 */
static const char *refused(const char *name, const char *text, size_t n,
			   const struct ingest_profile *p, const struct ingest_import_opts *o)
{
	static char line[1024];
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	char before[65], after[65];
	int rc;

	CHECK_INT(store_digest(db, before, NULL), 0);
	rc = import_opts(write_file(name, text, n), p, o, res);
	CHECK_INT(store_digest(db, after, NULL), 0);
	if (rc == 0)
		test_fail(__FILE__, __LINE__, "%s: imported", name);
	CHECK(res->errors.n > 0);
	CHECK_INT(res->import_id, 0);
	if (strcmp(before, after) != 0)
		test_fail(__FILE__, __LINE__, "%s: the database changed", name);
	line[0] = '\0';
	if (res->errors.n)
		cu_err_format(&res->errors.e[0], line, sizeof line);
	free(res);
	return line;
}

/* The generated file with LINE appended (a different file, so never a repeat). */
static const char *with_line(const char *line, size_t *n)
{
	static char text[sizeof good + 256];

	*n = (size_t)snprintf(text, sizeof text, "%s%s", good, line);
	return text;
}

static int64_t landed_id;     /* the good file's import */
static struct refcsv shmi_out; /* custodian shmi on the good file */

static int prov_index(const char *code)
{
	for (int i = 0; i < NPROV; i++)
		if (strcmp(prov_code[i], code) == 0)
			return i;
	return -1;
}

struct readback {
	int n, seen[NPROV];
	int idx[NPROV];        /* the store's provider index -> ours */
	long long spells, deaths;
	long long prov_spells[NPROV], prov_deaths[NPROV];
	double prov_expected[NPROV], series_expected[NPROV];
	int mismatches;
};

static int on_provider(void *arg, const struct store_spells_provider *p)
{
	struct readback *rb = arg;
	int i = prov_index(p->code);

	if (i < 0 || p->provider < 0 || p->provider >= NPROV) {
		test_fail(__FILE__, __LINE__, "unknown provider \"%s\" (%d)", p->code, p->provider);
		return 1;
	}
	rb->idx[p->provider] = i;
	rb->seen[i]++;
	rb->n++;
	rb->prov_spells[i] = p->spells;
	rb->prov_deaths[i] = p->observed;
	rb->prov_expected[i] = p->expected;
	CHECK(i < NORG ? p->org_id > 0 : p->org_id == 0);
	CHECK(p->ratio > 0 && fabs(p->ratio - (double)p->observed / p->expected) < 1e-12 * p->ratio);
	CHECK(p->lower95 < p->upper95 && p->lower998 < p->lower95 && p->upper95 < p->upper998);
	CHECK(p->band >= -1 && p->band <= 1);
	return 0;
}

static int on_cell(void *arg, const struct store_spells_cell *c)
{
	struct readback *rb = arg;
	int i = rb->idx[c->provider];

	rb->spells += c->spells;
	rb->deaths += c->deaths;
	if (c->diag_group < 1 || c->diag_group > NGRP || c->pattern < 0 ||
	    c->pattern >= SPELLS_PATTERNS || tally[i][c->diag_group - 1][c->pattern][0] != c->spells ||
	    tally[i][c->diag_group - 1][c->pattern][1] != c->deaths)
		rb->mismatches++;
	else
		tally[i][c->diag_group - 1][c->pattern][0] = -tally[i][c->diag_group - 1][c->pattern][0];
	return 0;
}

static int on_series(void *arg, const struct store_spells_series *r)
{
	struct readback *rb = arg;
	long long sp = 0, de = 0;
	int i = rb->idx[r->provider];

	for (int q = 0; q < SPELLS_PATTERNS; q++) {
		sp += llabs(tally[i][r->diag_group - 1][q][0]);
		de += tally[i][r->diag_group - 1][q][1];
	}
	CHECK_INT(r->spells, sp);
	CHECK_INT(r->deaths, de);
	CHECK(r->first_alarm >= 0 && r->first_alarm <= r->spells && r->s_end >= 0);
	CHECK((r->alarms == 0) == (r->first_alarm == 0));
	rb->series_expected[i] += r->expected;
	return 0;
}

static int on_group(void *arg, const struct store_spells_group *g)
{
	long long *sum = arg;

	sum[0] += g->spells;
	sum[1] += g->deaths;
	sum[2]++;
	CHECK(g->patterns > 0 && g->parameters >= 1 && g->iterations >= 1);
	CHECK(strcmp(g->status, "converged") == 0 || strcmp(g->status, "separated") == 0 ||
	      strcmp(g->status, "not_converged") == 0);
	CHECK(strstr(g->dropped, "year_index") == NULL); /* three years in every group */
	return 0;
}

struct obs_read {
	int n;
	struct store_obs last;
};

static int on_obs(void *arg, const struct store_obs *o)
{
	struct obs_read *r = arg;

	r->n++;
	r->last = *o;
	return 0;
}

static int on_audit(void *arg, const struct store_audit *e)
{
	*(struct store_audit *)arg = *e;
	return 1;
}

/* The good file lands: import record, header, counts, and custodian shmi's numbers. */
static void spells_file_lands_as_results_and_observations(void)
{
	const char *path = write_file("good.csv", good, good_n);
	const char *args[] = { CU_BINARY, "shmi", "--in", path, "--out", path_of("shmi.csv"), NULL };
	struct ingest_import_result *res;
	struct store_spells_import hd;
	struct store_import rec;
	struct cu_err err;
	char errbuf[4096];

	CHECK_INT(import_file(path, "2023-24", &res), 0);
	landed_id = res->import_id;
	/* The import is recorded like any other, with the file's SHA-256, and audited. */
	cu_err_clear(&err);
	CHECK_INT(store_import_find_sha(db, &actor, res->sha256, &rec, &err), 0);
	CHECK_INT(rec.id, landed_id);
	CHECK_STR(rec.file_name, "good.csv");
	CHECK_STR(rec.profile, "spells");
	CHECK_STR(rec.actor, "test");
	CHECK_INT(rec.rows_read, NSPELLS);
	CHECK_INT(rec.observations, NORG);
	{
		struct store_audit last = { 0 };

		CHECK_INT(store_audit_list(db, &actor, 1, on_audit, &last, &err), 0);
		CHECK_STR(last.action, "import");
		CHECK_STR(last.key, res->sha256);
	}
	CHECK(landed_id > 0);
	CHECK_INT(res->rows_read, NSPELLS);
	CHECK_INT(res->observations, NORG);
	CHECK_INT(res->providers, NPROV);
	CHECK_INT(res->groups, NGRP);
	CHECK_INT(res->providers_unlinked, NPROV - NORG);
	CHECK_STR(res->period_label, "2023-24");
	free(res);

	cu_err_clear(&err);
	CHECK_INT(store_spells_import_get(db, &actor, landed_id, &hd, &err), 0);
	CHECK_INT(hd.spells, total_spells);
	CHECK_INT(hd.deaths, total_deaths);
	CHECK_INT(hd.providers, NPROV);
	CHECK_INT(hd.groups, NGRP);
	CHECK_STR(hd.period_start, "2023-04-01");
	CHECK_STR(hd.period_end, "2024-03-31");
	CHECK_INT(hd.grain, MODEL_GRAIN_YEAR);
	CHECK_NEAR(hd.odds, 2, 0);
	CHECK_NEAR(hd.h, 4.5, 0);
	CHECK(!hd.winsorised);
	CHECK_INT(test_exec(args, NULL, NULL, 0, errbuf, sizeof errbuf), 0);
	if (refcsv_load(&shmi_out, path_of("shmi.csv")))
		test_fail(__FILE__, __LINE__, "custodian shmi's output loads");
	CHECK_INT(shmi_out.nrow, NPROV);
}

/* Observations: one per organisation, numerator O, denominator E, value O/E, as custodian shmi. */
static void observations_match_custodian_shmi(void)
{
	struct store_indicator ind;
	struct cu_err err;
	int found = 0;

	cu_err_clear(&err);
	CHECK_INT(store_indicator_get(db, &actor, cu_str_of("SHMI"), &ind, &err), 0);
	CHECK_INT(ind.measure, MODEL_MEASURE_RATIO);
	CHECK_INT(ind.domain, MODEL_DOMAIN_SAFETY);
	CHECK_INT(ind.polarity, MODEL_POLARITY_LOWER_BETTER);
	for (size_t r = 0; r < shmi_out.nrow; r++) {
		const char *code = refcsv_get(&shmi_out, r, "provider_id");
		double o = strtod(refcsv_get(&shmi_out, r, "observed"), NULL);
		double e = strtod(refcsv_get(&shmi_out, r, "expected"), NULL);
		double ratio = strtod(refcsv_get(&shmi_out, r, "shmi"), NULL);
		struct store_org org;
		struct obs_read ob = { 0 };
		int i = prov_index(code);

		CHECK(i >= 0);
		if (i < 0 || i >= NORG) {
			CHECK_INT(store_org_get(db, &actor, code, &org, NULL), CU_ENOENT);
			continue;
		}
		CHECK_INT(store_org_get(db, &actor, code, &org, &err), 0);
		CHECK_INT(store_obs_series(db, &actor, org.id, ind.id, NULL, on_obs, &ob, &err), 0);
		CHECK_INT(ob.n, 1);
		CHECK_STR(ob.last.period_start, "2023-04-01");
		CHECK_STR(ob.last.period_end, "2024-03-31");
		CHECK_INT(ob.last.grain, MODEL_GRAIN_YEAR);
		CHECK_INT(ob.last.status, MODEL_OBS_OK);
		CHECK_INT(ob.last.import_id, landed_id);
		CHECK_NEAR(ob.last.numerator, o, 0);
		/* %.17g in the CSV round-trips: the same doubles. */
		CHECK_NEAR(ob.last.denominator, e, 0);
		CHECK_NEAR(ob.last.value, ratio, 1e-15);
		CHECK_NEAR(ob.last.value, ob.last.numerator / ob.last.denominator, 1e-15);
		found++;
	}
	CHECK_INT(found, NORG);
}

/* Aggregates: every cell as the test counted it, and they sum to the file's spells and deaths. */
static void aggregates_sum_to_the_file(void)
{
	struct readback rb;
	long long gsum[3] = { 0 };
	struct cu_err err;
	double oe = 0, ee = 0;

	memset(&rb, 0, sizeof rb);
	cu_err_clear(&err);
	CHECK_INT(store_spells_provider_list(db, &actor, landed_id, on_provider, &rb, &err), 0);
	CHECK_INT(rb.n, NPROV);
	for (int i = 0; i < NPROV; i++)
		CHECK_INT(rb.seen[i], 1);
	CHECK_INT(store_spells_cell_list(db, &actor, landed_id, on_cell, &rb, &err), 0);
	CHECK_INT(rb.mismatches, 0);
	CHECK_INT(rb.spells, total_spells);
	CHECK_INT(rb.deaths, total_deaths);
	/* Every counted cell was stored (each was negated when met). */
	for (int p = 0; p < NPROV; p++)
		for (int g = 0; g < NGRP; g++)
			for (int q = 0; q < SPELLS_PATTERNS; q++)
				if (tally[p][g][q][0] > 0)
					test_fail(__FILE__, __LINE__, "cell %d/%d/%d not stored", p, g + 1,
						  q);
	CHECK_INT(store_spells_series_list(db, &actor, landed_id, on_series, &rb, &err), 0);
	for (int i = 0; i < NPROV; i++) {
		long long sp = 0, de = 0;

		for (int g = 0; g < NGRP; g++)
			for (int q = 0; q < SPELLS_PATTERNS; q++) {
				sp += llabs(tally[i][g][q][0]);
				de += tally[i][g][q][1];
			}
		CHECK_INT(rb.prov_spells[i], sp);
		CHECK_INT(rb.prov_deaths[i], de);
		/* The series' expected deaths add up to the provider's. */
		CHECK_NEAR(rb.series_expected[i], rb.prov_expected[i], 1e-9);
		oe += (double)rb.prov_deaths[i];
		ee += rb.prov_expected[i];
	}
	/* A logistic model with an intercept per group reproduces the total deaths. */
	CHECK_NEAR(ee, oe, 1e-6);
	CHECK_INT(store_spells_group_list(db, &actor, landed_id, on_group, gsum, &err), 0);
	CHECK_INT(gsum[0], total_spells);
	CHECK_INT(gsum[1], total_deaths);
	CHECK_INT(gsum[2], NGRP);
	/* The cells decode to the file's covariate codes. */
	{
		int cov[SPELLS_NCOV];

		spells_pattern_decode(1199, cov);
		CHECK_INT(cov[0], 19);
		CHECK_INT(cov[1], 2);
		CHECK_INT(cov[2], 2);
		CHECK_INT(cov[3], 2);
		CHECK_INT(cov[4], 5);
		spells_pattern_decode(0, cov);
		CHECK_INT(cov[0] + cov[1] + cov[2] + cov[3] + cov[4], 0 + 1 + 1 + 0 + 1);
	}
}

/* Codes full of SQL and LIKE metacharacters are data: stored and read back byte for byte. */
static void hostile_provider_codes_are_stored_literally(void)
{
	struct readback rb;
	struct store_org org;
	struct cu_err err;

	memset(&rb, 0, sizeof rb);
	cu_err_clear(&err);
	CHECK_INT(store_spells_provider_list(db, &actor, landed_id, on_provider, &rb, &err), 0);
	for (int i = NORG; i < NPROV; i++)
		CHECK_INT(rb.seen[i], 1);
	/* The org table is still there, with the five organisations and no others from here. */
	CHECK_INT(store_org_get(db, &actor, "RA1", &org, &err), 0);
	CHECK_INT(store_org_get(db, &actor, "X'); DROP TABLE org;--", &org, NULL), CU_ENOENT);
}

/* A provider-role actor may not write national results; a regulator reads them all. */
static void store_decides_who_reads_and_writes(void)
{
	const struct cu_actor prov = { .name = "p", .role = MODEL_ROLE_PROVIDER, .org_id = 1 };
	const struct cu_actor reg = { .name = "r", .role = MODEL_ROLE_REGULATOR };
	struct store_spells_provider p = { .import_id = landed_id, .provider = 99, .spells = 1 };
	struct readback rb;
	struct cu_err err;

	snprintf(p.code, sizeof p.code, "ZZZ");
	cu_err_clear(&err);
	CHECK_INT(store_spells_provider_put(db, &prov, &p, &err), CU_EDENIED);
	memset(&rb, 0, sizeof rb);
	CHECK_INT(store_spells_provider_list(db, &reg, landed_id, on_provider, &rb, NULL), 0);
	CHECK_INT(rb.n, NPROV);
	/* Provider staff see only their own organisation's row. */
	memset(&rb, 0, sizeof rb);
	{
		struct store_org org;
		struct cu_actor own = prov;

		CHECK_INT(store_org_get(db, &actor, "RC3", &org, NULL), 0);
		own.org_id = org.id;
		CHECK_INT(store_spells_provider_list(db, &own, landed_id, on_provider, &rb, NULL), 0);
		CHECK_INT(rb.n, 1);
		CHECK_INT(rb.seen[2], 1);
	}
}

static void second_import_of_the_same_file_is_refused(void)
{
	CHECK_CONTAINS(refused("again.csv", good, good_n, spells,
			       &(struct ingest_import_opts){ .period = "2023-24" }),
		       "again.csv: this file was imported before: import ");
	/* Under another period too: the file is the same. */
	CHECK_CONTAINS(refused("again2.csv", good, good_n, spells,
			       &(struct ingest_import_opts){ .period = "2024-03" }),
		       "(same SHA-256)");
}

static void bad_inputs_leave_the_database_unchanged(void)
{
	const struct ingest_import_opts per = { .period = "2023-24" };
	const char *t;
	size_t n;

	t = with_line("RA1,99999,1,3,1,1,0,1,2\n", &n);
	CHECK_STR(refused("died.csv", t, n, spells, &per),
		  "died.csv:4002: column \"died\": \"2\": expected 0 or 1");
	t = with_line("RA1,99999,143,3,1,1,0,1,0\n", &n);
	CHECK_CONTAINS(refused("group.csv", t, n, spells, &per),
		       "group.csv:4002: column \"diag_group\": \"143\": expected a SHMI diagnosis group");
	t = with_line("RA1,99999,1,3,1,1,0,6,0\n", &n);
	CHECK_CONTAINS(refused("year.csv", t, n, spells, &per),
		       "year.csv:4002: column \"year_index\": \"6\"");
	/* Truncated in the middle of the last row. */
	t = with_line("RA1,99999,1,3,1", &n);
	CHECK_STR(refused("cut.csv", t, n, spells, &per),
		  "cut.csv:4002: 5 fields: expected 9, as in the header");
	/* Cut inside a quoted code. */
	t = with_line("\"R\"\"1,99999", &n);
	CHECK_CONTAINS(refused("cutq.csv", t, n, spells, &per), "cutq.csv:4002: a quoted field");
	/* Out of time order: the CUSUM needs rising spell ids. */
	t = with_line("RA1,5,1,3,1,1,0,1,0\n", &n);
	CHECK_STR(refused("order.csv", t, n, spells, &per),
		  "order.csv:4002: column \"spell_id\": 5 does not follow spell 12000: expected rows "
		  "in time order, spell_id rising (the CUSUM needs it; sort the file by spell_id)");
	/* No period, or one that is not a period. */
	t = with_line("RA1,99999,1,3,1,1,0,1,0\n", &n);
	CHECK_STR(refused("noperiod.csv", t, n, spells, NULL),
		  "noperiod.csv: no period given: expected --period naming the period the spells "
		  "are about, such as 2023-24 (April 2023 to March 2024) or 2024-03 (a month)");
	CHECK_STR(refused("noperiod2.csv", t, n, spells, &(struct ingest_import_opts){ .period = "" }),
		  "noperiod2.csv: no period given: expected --period naming the period the spells "
		  "are about, such as 2023-24 (April 2023 to March 2024) or 2024-03 (a month)");
	CHECK_STR(refused("badperiod.csv", t, n, spells,
			  &(struct ingest_import_opts){ .period = "2023-25" }),
		  "badperiod.csv: bad period \"2023-25\": expected a financial year such as 2023-24 "
		  "or a month such as 2024-03");
	CHECK_CONTAINS(refused("badperiod2.csv", t, n, spells,
			       &(struct ingest_import_opts){ .period = "2024-13" }),
		       "bad period \"2024-13\"");
	/* A row limit (lowered here; records with the header) holds at it, not one past it. */
	CHECK_CONTAINS(refused("rows.csv", t, n, spells,
			       &(struct ingest_import_opts){ .period = "2023-24", .max_rows = 4001 }),
		       "rows.csv");
	{
		struct ingest_import_result *res = xcalloc(1, sizeof *res);

		CHECK_INT(import_opts(path_of("rows.csv"), spells,
				      &(struct ingest_import_opts){ .period = "2023-24",
								    .max_rows = 4002,
								    .dry_run = true },
				      res),
			  0);
		free(res);
	}
	/* Header only, and an empty file. */
	CHECK_CONTAINS(refused("head.csv", HEADER, strlen(HEADER), spells, &per),
		       "head.csv:1: no spells");
	CHECK_CONTAINS(refused("empty.csv", "", 0, spells, &per), "empty.csv:1: no spells");
}

/* The database refusing a write (full) half-way through the cells: nothing lands. */
static void database_failure_leaves_the_database_unchanged(void)
{
	const struct ingest_import_opts per = { .period = "2024-03" };
	struct cu_err err;
	const char *t;
	size_t n;

	cu_err_clear(&err);
	/* SQLite keeps the cap at the current size at least: no page may be added. */
	CHECK_INT(store_set_max_pages(db, 1, &err), 0);
	t = with_line("RB2,99999,2,3,1,1,0,1,0\n", &n);
	CHECK_CONTAINS(refused("full.csv", t, n, spells, &per), "the database is full");
	CHECK_INT(store_set_max_pages(db, 1L << 30, &err), 0);
}

/* The indicator must exist and be a ratio; the profile must be a spells profile's shape. */
static void indicator_and_profile_are_checked(void)
{
	const struct ingest_import_opts per = { .period = "2023-24" };
	static const char base[] =
		"{\"profile\": 1, \"name\": \"s2\", \"title\": \"t\", \"target\": \"spells\", "
		"\"columns\": [\"provider_id\", \"spell_id\", \"diag_group\", \"age_band\", \"sex\", "
		"\"admission_method\", \"charlson_band\", \"year_index\", \"died\"], ";
	char text[1024];
	struct ingest_profile *p;
	struct cu_err err;
	const char *t;
	size_t n;

	t = with_line("RA1,99999,1,3,1,1,0,1,0\n", &n);
	snprintf(text, sizeof text, "%s\"indicator\": \"NOT_THERE\"}", base);
	cu_err_clear(&err);
	p = ingest_profile_parse(text, strlen(text), "s2.json", &err);
	CHECK(p != NULL);
	if (p)
		CHECK_CONTAINS(refused("ind.csv", t, n, p, &per), "NOT_THERE");
	ingest_profile_free(p);
	snprintf(text, sizeof text, "%s\"indicator\": \"HCAI_MRSA\"}", base);
	p = ingest_profile_parse(text, strlen(text), "s2.json", &err);
	CHECK(p != NULL);
	if (p)
		CHECK_STR(refused("count.csv", t, n, p, &per),
			  "count.csv: indicator HCAI_MRSA is a count: profile s2 needs a ratio "
			  "(observed / expected deaths)");
	ingest_profile_free(p);
	/* Shapes refused at load. */
	snprintf(text, sizeof text, "%s\"indicator\": \"SHMI\", \"measures\": []}", base);
	cu_err_clear(&err);
	CHECK(ingest_profile_parse(text, strlen(text), "s2.json", &err) == NULL);
	CHECK_CONTAINS(err.msg, "profile key \"measures\": not used by a spells profile");
	snprintf(text, sizeof text, "%s\"indicator\": \"SHMI\", \"allow_extra_columns\": false}", base);
	cu_err_clear(&err);
	CHECK(ingest_profile_parse(text, strlen(text), "s2.json", &err) == NULL);
	snprintf(text, sizeof text, "%s\"indicator\": \"shmi; drop\"}", base);
	cu_err_clear(&err);
	CHECK(ingest_profile_parse(text, strlen(text), "s2.json", &err) == NULL);
	CHECK_CONTAINS(err.msg, "expected an indicator code");
	snprintf(text, sizeof text, "%.*s}", (int)strlen(base) - 2, base); /* without ", " */
	cu_err_clear(&err);
	CHECK(ingest_profile_parse(text, strlen(text), "s2.json", &err) == NULL);
	CHECK_CONTAINS(err.msg, "profile key \"indicator\": required");
	snprintf(text, sizeof text,
		 "{\"profile\": 1, \"name\": \"s3\", \"title\": \"t\", \"target\": \"spells\", "
		 "\"columns\": [\"provider_id\", \"spell_id\", \"diag_group\", \"age_band\", \"sex\", "
		 "\"admission_method\", \"charlson_band\", \"year_index\", \"dead\"], "
		 "\"indicator\": \"SHMI\"}");
	cu_err_clear(&err);
	CHECK(ingest_profile_parse(text, strlen(text), "s3.json", &err) == NULL);
	CHECK_CONTAINS(err.msg, "missing \"died\"");
	/* An observations profile may not name an indicator of its own. */
	snprintf(text, sizeof text,
		 "{\"profile\": 1, \"name\": \"o\", \"title\": \"t\", \"columns\": [\"a\"], "
		 "\"indicator\": \"SHMI\", \"organisation\": \"a\", \"period\": {\"column\": \"a\", "
		 "\"format\": \"yyyy-mm\", \"grain\": \"month\"}, \"measures\": [{\"indicator\": \"X\", "
		 "\"value\": \"a\"}]}");
	cu_err_clear(&err);
	CHECK(ingest_profile_parse(text, strlen(text), "o.json", &err) == NULL);
	/* --period belongs to spells files only. */
	{
		struct ingest_profile *c = ingest_profile_load(CU_SOURCE_DIR "/profiles", "custodian",
							       &err);

		static const char obs[] = "org_code,indicator,period,numerator,denominator,value\n"
					  "RF4,HCAI_MRSA,2024-04,,,1\n";

		CHECK(c != NULL);
		if (c)
			CHECK_CONTAINS(refused("obs.csv", obs, sizeof obs - 1, c, &per),
				       "--period is only for spells files");
		ingest_profile_free(c);
	}
}

/* A dry run checks everything and writes nothing; a month lands as a month. */
static void dry_run_writes_nothing_and_a_month_lands(void)
{
	struct ingest_import_opts o = { .period = "MAR2024", .dry_run = true };
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	struct store_spells_import hd;
	char before[65], after[65];
	const char *t;
	size_t n;

	t = with_line("RC3,99999,4,3,1,1,0,1,1\n", &n);
	CHECK_INT(store_digest(db, before, NULL), 0);
	CHECK_INT(import_opts(write_file("month.csv", t, n), spells, &o, res), 0);
	CHECK_INT(store_digest(db, after, NULL), 0);
	CHECK_STR(after, before);
	CHECK_INT(res->import_id, 0);
	CHECK_INT(res->observations, NORG);
	o.dry_run = false;
	memset(res, 0, sizeof *res);
	CHECK_INT(import_opts(path_of("month.csv"), spells, &o, res), 0);
	CHECK_STR(res->period_label, "Mar 2024");
	CHECK_INT(store_spells_import_get(db, &actor, res->import_id, &hd, NULL), 0);
	CHECK_INT(hd.grain, MODEL_GRAIN_MONTH);
	CHECK_STR(hd.period_start, "2024-03-01");
	CHECK_STR(hd.period_end, "2024-03-31");
	CHECK_INT(hd.spells, total_spells + 1);
	free(res);
}

/* The command line: the period is required and says so; a landed file is summarised. */
static void command_line_requires_the_period(void)
{
	char out[4096], errb[4096], dbp[256];
	const char *init[] = { CU_BINARY, "-d", dbp, "init", NULL };
	const char *noper[] = { CU_BINARY, "-d", dbp, "import", "--profile", "spells",
				path_of("good.csv"), NULL };
	const char *ok[] = { CU_BINARY, "-d", dbp, "import", "--profile", "spells", "--period",
			     "2023-24", path_of("good.csv"), NULL };

	snprintf(dbp, sizeof dbp, "%s", path_of("cli.db"));
	CHECK_INT(test_exec(init, NULL, out, sizeof out, errb, sizeof errb), 0);
	CHECK_INT(test_exec(noper, NULL, out, sizeof out, errb, sizeof errb), 1);
	CHECK_CONTAINS(errb, "good.csv: no period given: expected --period");
	CHECK_CONTAINS(errb, "not imported, nothing was written (1 error)");
	CHECK_INT(test_exec(ok, NULL, out, sizeof out, errb, sizeof errb), 0);
	CHECK_CONTAINS(out, "good.csv: imported 4000 spells for 2023-24: 8 providers, 6 diagnosis "
			    "groups, 5 SHMI observations");
	CHECK_CONTAINS(out, "3 provider codes (such as \"%_\\x5c\") are not organisation codes");
	CHECK_INT(test_exec(ok, NULL, out, sizeof out, errb, sizeof errb), 1);
	CHECK_CONTAINS(errb, "this file was imported before");
}

int main(void)
{
	struct cu_err err;
	char cmd[128];

	if (!mkdtemp(dir))
		return 2;
	generate();
	snprintf(cmd, sizeof cmd, "%s/t.db", dir);
	cu_err_clear(&err);
	if (store_open(cmd, STORE_OPEN_CREATE, &db, &err) ||
	    ingest_catalogue_load(db, &actor, CU_SOURCE_DIR "/data/catalogue/catalogue.json", NULL,
				  NULL, &err) ||
	    !(spells = ingest_profile_load(CU_SOURCE_DIR "/profiles", "spells", &err))) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return 2;
	}
	RUN(spells_file_lands_as_results_and_observations);
	RUN(observations_match_custodian_shmi);
	RUN(aggregates_sum_to_the_file);
	RUN(hostile_provider_codes_are_stored_literally);
	RUN(store_decides_who_reads_and_writes);
	RUN(second_import_of_the_same_file_is_refused);
	RUN(bad_inputs_leave_the_database_unchanged);
	RUN(database_failure_leaves_the_database_unchanged);
	RUN(indicator_and_profile_are_checked);
	RUN(dry_run_writes_nothing_and_a_month_lands);
	RUN(command_line_requires_the_period);
	refcsv_free(&shmi_out);
	ingest_profile_free(spells);
	store_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? test_done() : 2;
}
