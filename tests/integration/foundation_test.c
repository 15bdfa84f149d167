/*
 * The foundation's promises that the import error tests do not cover: a newer database is
 * refused; a format never seen before needs only a new profile; text that looks like a formula
 * is stored as text; a full disk loses nothing; the CSV reader's quoting, BOM, CRLF and line
 * numbers; the audit trail; observations cannot be changed behind the store's back; access
 * decided against a failing database is refused as that failure, never granted.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "ingest/catalogue.h"
#include "ingest/csv.h"
#include "ingest/import.h"
#include "test.h"

static char dir[] = "/tmp/cu-found-XXXXXX";
static const struct cu_actor actor = { .name = "test", .role = MODEL_ROLE_SYSTEM };

static const char *path_of(const char *name)
{
	static char p[256];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

static const char *write_file(const char *name, const char *text)
{
	const char *p = path_of(name);
	FILE *f = fopen(p, "wb");

	if (!f || fwrite(text, 1, strlen(text), f) != strlen(text))
		abort();
	fclose(f);
	return p;
}

/* A fresh database with the catalogue loaded. */
static struct store *fresh(const char *name)
{
	struct store *s = NULL;
	struct cu_err err;

	cu_err_clear(&err);
	remove(path_of(name));
	if (store_open(path_of(name), STORE_OPEN_CREATE, &s, &err) ||
	    ingest_catalogue_load(s, &actor, CU_SOURCE_DIR "/data/catalogue/catalogue.json", NULL,
				  NULL, &err)) {
		fprintf(stderr, "fresh: %s\n", err.msg);
		abort();
	}
	return s;
}

/*
 * A commissioner sees the provider it commissions, and an oversight body the providers of the
 * commissioners it oversees, by looking the relationship up. When that lookup fails (here the
 * relationship tables are renamed away behind the store, so its statements fail on their next
 * use), the answer is the database error: not "not found" (which would hide the failure), and
 * above all not access. It once granted the oversight body access.
 */
static void access_fails_closed_when_the_database_fails(void)
{
	struct store *s = fresh("access.db");
	static const struct store_org orgs[] = {
		{ .code = "RAA", .name = "Provider A", .kind = MODEL_ORG_PROVIDER },
		{ .code = "QCC", .name = "Commissioner C", .kind = MODEL_ORG_COMMISSIONER },
		{ .code = "QOV", .name = "Oversight O", .kind = MODEL_ORG_OVERSIGHT },
	};
	struct cu_actor comm = { .name = "cam", .role = MODEL_ROLE_COMMISSIONER };
	struct cu_actor over = { .name = "ovi", .role = MODEL_ROLE_OVERSIGHT };
	struct store_org o;
	struct cu_err err;
	sqlite3 *raw = NULL;
	int64_t provider;

	cu_err_clear(&err);
	for (size_t i = 0; i < 3; i++)
		CHECK_INT(store_org_put(s, &actor, &orgs[i], NULL, &err), 0);
	CHECK_INT(store_commissioning_put(s, &actor, "QCC", "RAA", true, &err), 0);
	CHECK_INT(store_oversight_put(s, &actor, "QOV", "QCC", &err), 0);
	CHECK_INT(store_org_get(s, &actor, "QCC", &o, &err), 0);
	comm.org_id = o.id;
	CHECK_INT(store_org_get(s, &actor, "QOV", &o, &err), 0);
	over.org_id = o.id;
	CHECK_INT(store_org_get(s, &comm, "RAA", &o, &err), 0);
	CHECK_INT(store_org_get(s, &over, "RAA", &o, &err), 0);
	provider = o.id;
	if (sqlite3_open(path_of("access.db"), &raw) != SQLITE_OK ||
	    sqlite3_exec(raw, "ALTER TABLE oversight RENAME TO oversight_gone;"
			      "ALTER TABLE commissioning RENAME TO commissioning_gone;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		CHECK(!"the tables are renamed");
		sqlite3_close(raw);
		store_close(s);
		return;
	}
	sqlite3_close(raw);
	cu_err_clear(&err);
	CHECK_INT(store_org_get(s, &over, "RAA", &o, &err), CU_EDB);
	CHECK_CONTAINS(err.msg, "checking a relationship");
	cu_err_clear(&err);
	CHECK_INT(store_org_get(s, &comm, "RAA", &o, &err), CU_EDB);
	cu_err_clear(&err);
	/* And where the access check comes first (store_denied): the failure, not a refusal. */
	{
		bool exists = false;

		CHECK_INT(store_obs_has_history(s, &over, provider, 1, &exists, &err), CU_EDB);
	}
	store_close(s);
}

/* The page size of the database at PATH, or -1. */
static int page_size_of(const char *path)
{
	sqlite3 *raw = NULL;
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_open(path, &raw) == SQLITE_OK &&
	    sqlite3_prepare_v2(raw, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(raw);
	return n;
}

/*
 * A new database has 16 KiB pages; one made before (4 KiB pages, in WAL mode, here made by
 * SQLite itself) keeps its pages, migrates and takes imports as before.
 */
static void new_databases_have_16k_pages(void)
{
	struct store *s = fresh("pages16.db");
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	struct ingest_profile *p;
	sqlite3 *raw = NULL;
	struct cu_err err;
	char csv[256];
	FILE *f;

	snprintf(csv, sizeof csv, "%s", path_of("pages.csv"));
	f = fopen(csv, "w");

	store_close(s);
	CHECK_INT(page_size_of(path_of("pages16.db")), 16384);
	/* A file made empty beforehand (as `install -m600 /dev/null` does) counts as new. */
	fclose(fopen(path_of("empty.db"), "w"));
	cu_err_clear(&err);
	s = NULL;
	CHECK_INT(store_open(path_of("empty.db"), STORE_OPEN_CREATE, &s, &err), 0);
	store_close(s);
	CHECK_INT(page_size_of(path_of("empty.db")), 16384);
	remove(path_of("pages4.db"));
	CHECK_INT(sqlite3_open(path_of("pages4.db"), &raw), SQLITE_OK);
	CHECK_INT(sqlite3_exec(raw, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;"
				    "CREATE TABLE t (x); DROP TABLE t;", NULL, NULL, NULL),
		  SQLITE_OK);
	sqlite3_close(raw);
	cu_err_clear(&err);
	s = NULL;
	CHECK_INT(store_open(path_of("pages4.db"), STORE_OPEN_CREATE, &s, &err), 0);
	if (!s || !f) {
		if (f)
			fclose(f);
		store_close(s);
		free(res);
		return;
	}
	CHECK_INT(ingest_catalogue_load(s, &actor, CU_SOURCE_DIR "/data/catalogue/catalogue.json",
					NULL, NULL, &err), 0);
	fputs("org_code,indicator,period,numerator,denominator,value\n"
	      "RAA,HCAI_MRSA,2024-04,,,1\nRAA,HCAI_MRSA,2024-05,,,0\n", f);
	fclose(f);
	if ((p = ingest_profile_load(CU_SOURCE_DIR "/profiles", "custodian", &err))) {
		CHECK_INT(ingest_import(s, &actor, p, csv, NULL, res), 0);
		CHECK_INT((int)res->observations, 2);
		ingest_profile_free(p);
	} else {
		CHECK(!"the profile loads");
	}
	store_close(s);
	CHECK_INT(page_size_of(path_of("pages4.db")), 4096);
	free(res);
}

static void store_refuses_newer_database(void)
{
	struct store *s = fresh("newer.db");
	struct cu_err err;
	sqlite3 *raw;
	char want[160];

	store_close(s);
	CHECK_INT(sqlite3_open(path_of("newer.db"), &raw), SQLITE_OK);
	CHECK_INT(sqlite3_exec(raw, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	cu_err_clear(&err);
	CHECK_INT(store_open(path_of("newer.db"), 0, &s, &err), CU_EVERSION);
	snprintf(want, sizeof want, "has schema version 99, newer than this custodian (version %d): "
		 "use a newer custodian", store_schema_latest());
	CHECK_CONTAINS(err.msg, want);
	CHECK(s == NULL);
}

static void store_refuses_changes_to_observations(void)
{
	struct store *s = fresh("append.db");
	struct ingest_profile *p;
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	struct cu_err err;
	sqlite3 *raw;
	char *msg = NULL;

	cu_err_clear(&err);
	p = ingest_profile_load(CU_SOURCE_DIR "/profiles", "custodian", &err);
	CHECK_INT(ingest_import(s, &actor, p, write_file("a.csv",
			"org_code,indicator,period,numerator,denominator,value\nRF4,HCAI_MRSA,2024-01,,,2\n"),
			NULL, res), 0);
	ingest_profile_free(p);
	store_close(s);
	CHECK_INT(sqlite3_open(path_of("append.db"), &raw), SQLITE_OK);
	CHECK(sqlite3_exec(raw, "UPDATE observation SET value = 0", NULL, NULL, &msg) != SQLITE_OK);
	CHECK_CONTAINS(msg, "observations are append-only");
	sqlite3_free(msg);
	msg = NULL;
	CHECK(sqlite3_exec(raw, "DELETE FROM observation", NULL, NULL, &msg) != SQLITE_OK);
	CHECK_CONTAINS(msg, "observations are append-only");
	sqlite3_free(msg);
	msg = NULL;
	CHECK(sqlite3_exec(raw, "DELETE FROM audit", NULL, NULL, &msg) != SQLITE_OK);
	CHECK_CONTAINS(msg, "the audit trail is append-only");
	sqlite3_free(msg);
	sqlite3_close(raw);
	free(res);
}

struct audit_seen {
	int imports, creates;
};

static int count_audit(void *arg, const struct store_audit *e)
{
	struct audit_seen *a = arg;

	a->imports += strcmp(e->action, "import") == 0;
	a->creates += strcmp(e->action, "create") == 0 && strcmp(e->entity, "org") == 0;
	return 0;
}

/*
 * A quarterly MRSA return in a layout no code knows: "Quarter start,Trust,Level,MRSA cases".
 * Only a profile is added; the import works, filters rows by level and is audited.
 */
static void new_format_needs_only_a_profile(void)
{
	struct store *s = fresh("newfmt.db");
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	struct ingest_profile *p;
	struct audit_seen seen = { 0 };
	struct cu_err err;

	write_file("mrsa_quarterly.json",
		   "{\"profile\": 1, \"name\": \"mrsa_quarterly\", \"title\": \"Quarterly MRSA\","
		   " \"columns\": [\"Quarter start\", \"Trust\", \"Level\", \"MRSA cases\"],"
		   " \"keep\": {\"Level\": [\"Trust\"]}, \"organisation\": \"Trust\","
		   " \"period\": {\"column\": \"Quarter start\", \"format\": \"mon-yyyy\","
		   " \"grain\": \"quarter\"},"
		   " \"measures\": [{\"indicator\": \"HCAI_MRSA\", \"value\": \"MRSA cases\"}]}");
	cu_err_clear(&err);
	p = ingest_profile_load(dir, path_of("mrsa_quarterly.json"), &err);
	CHECK(p != NULL);
	if (!p) {
		fprintf(stderr, "%s\n", err.msg);
		store_close(s);
		free(res);
		return;
	}
	CHECK_INT(ingest_import(s, &actor, p, write_file("q.csv",
			"Quarter start,Trust,Level,MRSA cases\r\n"
			"APR2023,RF4,Trust,1\r\n"
			"APR2023,ENG,National,70\r\n"
			"Jul-2023,RF4,Trust,0\r\n"), NULL, res), 0);
	CHECK_INT(res->rows_read, 3);
	CHECK_INT(res->rows_kept, 2);
	CHECK_INT(res->observations, 2);
	/* A quarter must start in January, April, July or October. */
	CHECK(ingest_import(s, &actor, p, write_file("q2.csv",
			"Quarter start,Trust,Level,MRSA cases\nMAY2023,RF4,Trust,1\n"), NULL, res) != 0);
	{
		char line[1024];

		CHECK_STR(cu_err_format(&res->errors.e[0], line, sizeof line),
			  "q2.csv:2: column \"Quarter start\": impossible period \"MAY2023\": expected a "
			  "month written like APR2021 starting a quarter (January, April, July or October)");
	}
	cu_err_clear(&err);
	CHECK_INT(store_audit_list(s, &actor, 0, count_audit, &seen, &err), 0);
	CHECK_INT(seen.imports, 1);
	CHECK_INT(seen.creates, 1); /* RF4 was first seen in the data */
	ingest_profile_free(p);
	store_close(s);
	free(res);
}

static void formula_like_text_is_stored_as_text(void)
{
	struct store *s = fresh("formula.db");
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	struct ingest_profile *p;
	struct store_org o;
	struct cu_err err;

	cu_err_clear(&err);
	p = ingest_profile_load(CU_SOURCE_DIR "/profiles", "locations", &err);
	CHECK_INT(ingest_import(s, &actor, p, write_file("loc.csv",
			"org_code,org_name,postcode,date,latitude,longitude\n"
			"RA1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",+44,20200101,51.5,-0.1\n"
			"RA2,@SUM(A1),-1,20200101,,\n"), NULL, res), 0);
	CHECK_INT(store_org_get(s, &actor, "RA1", &o, &err), 0);
	CHECK_STR(o.name, "=HYPERLINK(\"http://x\",\"y\")");
	CHECK_STR(o.postcode, "+44");
	CHECK_INT(store_org_get(s, &actor, "RA2", &o, &err), 0);
	CHECK_STR(o.name, "@SUM(A1)");
	CHECK(!o.has_location);
	/* A formula where a number belongs is a bad number, not a formula. */
	CHECK(ingest_import(s, &actor, p, write_file("loc2.csv",
			"org_code,org_name,postcode,date,latitude,longitude\n"
			"RA3,X,Y,20200101,=1+1,0\n"), NULL, res) != 0);
	ingest_profile_free(p);
	store_close(s);
	free(res);
}

static void full_disk_loses_nothing(void)
{
	struct store *s = fresh("full.db");
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	struct ingest_profile *p;
	struct cu_err err;
	char before[65], after[65], line[1024];
	FILE *f = fopen(path_of("many.csv"), "w");

	if (!f)
		abort();
	fputs("org_code,indicator,period,numerator,denominator,value\n", f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "R%04d,HCAI_MRSA,2024-01,,,1\n", i);
	fclose(f);
	cu_err_clear(&err);
	p = ingest_profile_load(CU_SOURCE_DIR "/profiles", "custodian", &err);
	CHECK_INT(store_digest(s, before, &err), 0);
	CHECK_INT(store_set_max_pages(s, 60, &err), 0); /* far fewer pages than 20,000 rows need */
	CHECK(ingest_import(s, &actor, p, path_of("many.csv"), NULL, res) != 0);
	CHECK_CONTAINS(cu_err_format(&res->errors.e[0], line, sizeof line),
		       "the database is full (disk or size limit reached)");
	CHECK_INT(store_digest(s, after, &err), 0);
	CHECK_STR(after, before);
	ingest_profile_free(p);
	store_close(s);
	free(res);
}

/*
 * A full disk after 99 row errors, on one thread and on two: 99 bad counts, then rows that
 * cannot all fit, the first time with the disk filling far from the end of the file, the
 * second with it full at once and only 450 rows to read (fewer than the writing thread keeps
 * queued, so the reading thread reaches the end of the file before the full disk is met).
 * Either way the import ends at the full disk (not at the error limit, which it reaches with
 * it), stopped, with the 99 row errors and the full disk last, and nothing written. (Which
 * row meets the full disk may differ between the two: the reading thread creates
 * organisations while the writing thread appends.)
 */
static void full_disk_after_row_errors_ends_the_same_way(void)
{
	struct ingest_profile *p;
	struct cu_err err;
	static const struct {
		int rows;
		long pages;
	} runs[2] = { { 20000, 60 }, { 450, 1 } };

	cu_err_clear(&err);
	p = ingest_profile_load(CU_SOURCE_DIR "/profiles", "custodian", &err);
	for (int run = 0; run < 4 && p; run++) {
		int threads = 1 + run % 2;
		struct store *s = fresh("late_full.db");
		struct ingest_import_result *res = xcalloc(1, sizeof *res);
		char before[65], after[65];
		FILE *f = fopen(path_of("late_full.csv"), "w");

		if (!f)
			abort();
		fputs("org_code,indicator,period,numerator,denominator,value\n", f);
		for (int i = 0; i < 99; i++)
			fprintf(f, "R%04d,HCAI_MRSA,2024-01,,,x\n", i);
		/* The 99 organisations again, month after month: none new, so only the writing
		 * thread calls the store for these rows. */
		for (int i = 0; i < runs[run / 2].rows; i++)
			fprintf(f, "R%04d,HCAI_MRSA,%d-%02d,,,1\n", i % 99, 2000 + i / 99 / 12,
				i / 99 % 12 + 1);
		fclose(f);
		setenv("CU_IMPORT_THREADS", threads == 1 ? "1" : "2", 1);
		CHECK_INT(store_digest(s, before, &err), 0);
		CHECK_INT(store_set_max_pages(s, runs[run / 2].pages, &err), 0);
		CHECK_INT(ingest_import(s, &actor, p, path_of("late_full.csv"), NULL, res), CU_EDB);
		unsetenv("CU_IMPORT_THREADS");
		CHECK(res->stopped);
		CHECK(!res->at_limit);
		CHECK_INT((int)res->errors.n, 100);
		CHECK_INT((int)res->errors.dropped, 0);
		CHECK_CONTAINS(res->errors.e[0].msg, "bad count");
		CHECK_INT((int)res->errors.e[98].line, 100);
		CHECK_CONTAINS(res->errors.e[99].msg, "the database is full");
		CHECK_INT(store_digest(s, after, &err), 0);
		CHECK_STR(after, before);
		store_close(s);
		free(res);
	}
	ingest_profile_free(p);
}

struct recs {
	int n;
	long line[8];
	char f[8][4][32];
};

static int keep_rec(void *arg, const struct ingest_record *r)
{
	struct recs *v = arg;

	if (v->n < 8) {
		v->line[v->n] = r->line;
		for (size_t i = 0; i < r->n && i < 4; i++)
			cu_str_copy(v->f[v->n][i], sizeof v->f[v->n][i], r->f[i]);
	}
	v->n++;
	return 0;
}

static void csv_reader_quotes_bom_crlf_and_lines(void)
{
	struct ingest_csv_opts o = { .source = "q.csv" };
	struct recs v = { 0 };
	struct cu_err err;
	FILE *f = fopen(write_file("q.csv", "\xEF\xBB\xBFh1,h2\r\n"
					    "\"a,b\",\"say \"\"hi\"\"\"\r\n"
					    "\"two\nlines\",x\n"
					    "last,row"), "rb");

	cu_err_clear(&err);
	CHECK_INT(ingest_csv_read(f, &o, keep_rec, &v, NULL, &err), 0);
	fclose(f);
	CHECK_INT(v.n, 4);
	CHECK_STR(v.f[0][0], "h1"); /* the byte-order mark is not part of the first name */
	CHECK_STR(v.f[1][0], "a,b");
	CHECK_STR(v.f[1][1], "say \"hi\"");
	CHECK_STR(v.f[2][0], "two\nlines");
	CHECK_INT(v.line[2], 3);    /* a record is located at the line it starts on */
	CHECK_INT(v.line[3], 5);    /* and the embedded newline is counted */
	CHECK_STR(v.f[3][1], "row"); /* no final newline */
}

static void csv_reader_refuses_bad_quoting(void)
{
	struct ingest_csv_opts o = { .source = "bad.csv" };
	struct recs v = { 0 };
	struct cu_err err;
	char line[1024];
	FILE *f = fopen(write_file("bad.csv", "a,b\n\"x\"y,z\n"), "rb");

	cu_err_clear(&err);
	CHECK(ingest_csv_read(f, &o, keep_rec, &v, NULL, &err) != 0);
	fclose(f);
	CHECK_STR(cu_err_format(&err, line, sizeof line),
		  "bad.csv:2: malformed quoting: expected a field wholly inside double quotes, with "
		  "quotes inside it doubled (\"\")");
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(dir))
		return 2;
	RUN(store_refuses_newer_database);
	RUN(new_databases_have_16k_pages);
	RUN(full_disk_after_row_errors_ends_the_same_way);
	RUN(access_fails_closed_when_the_database_fails);
	RUN(store_refuses_changes_to_observations);
	RUN(new_format_needs_only_a_profile);
	RUN(formula_like_text_is_stored_as_text);
	RUN(full_disk_loses_nothing);
	RUN(csv_reader_quotes_bom_crlf_and_lines);
	RUN(csv_reader_refuses_bad_quoting);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? test_done() : 2;
}
