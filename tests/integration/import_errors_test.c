/*
 * Bad input to the importer: every case gets a located, plain-language error (the exact text
 * is checked) and leaves the database exactly as it was (its content digest is unchanged).
 * Files are written at run time into a temporary folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "ingest/catalogue.h"
#include "ingest/import.h"
#include "support/proc.h"
#include "test.h"

static char dir[] = "/tmp/cu-imperr-XXXXXX";
static const struct cu_actor actor = { .name = "test", .role = MODEL_ROLE_SYSTEM };
static struct store *db;
static struct ingest_profile *custodian;

#define HEADER "org_code,indicator,period,numerator,denominator,value\n"

static const char *write_file(const char *name, const void *data, size_t n)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, n, f) != n)
		abort();
	fclose(f);
	return path;
}

/*
 * Import TEXT (N bytes) as NAME with profile P and limits O; expect failure and return the
 * first error formatted (static buffer). Checks the digest is unchanged.
 */
static const char *fails_with(const char *name, const void *text, size_t n,
			      const struct ingest_profile *p, const struct ingest_import_opts *o)
{
	static char line[1024];
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	char before[65], after[65];
	int rc;

	store_digest(db, before, NULL);
	rc = ingest_import(db, &actor, p, write_file(name, text, n), o, res);
	store_digest(db, after, NULL);
	CHECK(rc != 0);
	CHECK(res->errors.n > 0);
	CHECK_STR(after, before);
	line[0] = '\0';
	if (res->errors.n)
		cu_err_format(&res->errors.e[0], line, sizeof line);
	free(res);
	return line;
}

static const char *fails(const char *name, const char *text)
{
	return fails_with(name, text, strlen(text), custodian, NULL);
}

static int lands(const char *name, const char *text, const struct ingest_import_opts *o)
{
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	int rc = ingest_import(db, &actor, custodian, write_file(name, text, strlen(text)), o, res);

	if (rc && res->errors.n) {
		char line[1024];

		fprintf(stderr, "unexpected: %s\n", cu_err_format(&res->errors.e[0], line, sizeof line));
	}
	free(res);
	return rc;
}

static void import_rejects_numerator_above_denominator(void)
{
	CHECK_STR(fails("nd.csv", HEADER "RF4,AE_4HR_BREACH_T1,2024-04,30,20,\n"),
		  "nd.csv:2: column \"numerator\": numerator 30 is greater than denominator 20: "
		  "expected numerator <= denominator");
}

static void import_rejects_negative_count(void)
{
	CHECK_STR(fails("neg.csv", HEADER "RF4,HCAI_MRSA,2024-04,,,-3\n"),
		  "neg.csv:2: column \"value\": negative count \"-3\": expected a whole number of 0 or "
		  "more");
}

static void import_rejects_bad_number(void)
{
	CHECK_STR(fails("num.csv", HEADER "RF4,AE_4HR_BREACH_T1,2024-04,12x,20,\n"),
		  "num.csv:2: column \"numerator\": bad numerator \"12x\": expected a whole number "
		  "from 0 to 1000000000000");
}

static void import_rejects_bad_org_code_shape(void)
{
	CHECK_STR(fails("org.csv", HEADER "r0a,HCAI_MRSA,2024-04,,,1\n"),
		  "org.csv:2: column \"org_code\": bad organisation code \"r0a\": expected 3 to 8 "
		  "upper-case letters or digits (an ODS code such as RF4)");
}

static void import_rejects_impossible_period(void)
{
	CHECK_STR(fails("per.csv", HEADER "RF4,HCAI_MRSA,2024-13,,,1\n"),
		  "per.csv:2: column \"period\": impossible period \"2024-13\": expected a month "
		  "written YYYY-MM");
}

static void import_rejects_unknown_indicator(void)
{
	CHECK_CONTAINS(fails("ind.csv", HEADER "RF4,NOT_A_THING,2024-04,,,1\n"),
		       "ind.csv:2: column \"indicator\": unknown indicator \"NOT_A_THING\"");
}

static void import_rejects_duplicate_row(void)
{
	CHECK_STR(fails("dup.csv", HEADER "RF4,HCAI_MRSA,2024-04,,,1\nRF4,HCAI_MRSA,2024-04,,,2\n"),
		  "dup.csv:3: column \"value\": duplicate row: this organisation, indicator and "
		  "period appear earlier in the file");
}

static void import_rejects_missing_column(void)
{
	CHECK_CONTAINS(fails("miss.csv", "org_code,indicator,period,numerator,value\n"
					 "RF4,HCAI_MRSA,2024-04,,1\n"),
		       "miss.csv:1: missing column \"denominator\": expected the header to name "
		       "org_code, indicator, period, numerator, denominator, value");
}

static void import_rejects_extra_header_column(void)
{
	CHECK_CONTAINS(fails("extra.csv", "org_code,indicator,period,numerator,denominator,value,x\n"
					  "RF4,HCAI_MRSA,2024-04,,,1,y\n"),
		       "extra.csv:1: unexpected column \"x\"");
}

static void import_rejects_row_with_extra_fields(void)
{
	CHECK_STR(fails("wide.csv", HEADER "RF4,HCAI_MRSA,2024-04,,,1,surplus\n"),
		  "wide.csv:2: 7 fields, expected 6 as in the header");
}

static void import_rejects_truncated_row(void)
{
	CHECK_STR(fails("cut.csv", HEADER "RF4,HCAI_MRSA,2024-04,,,1\nRF4,HCAI_MR"),
		  "cut.csv:3: 2 fields, expected 6 as in the header");
}

static void import_rejects_unclosed_quote_as_truncation(void)
{
	CHECK_STR(fails("quote.csv", HEADER "RF4,HCAI_MRSA,2024-04,,,1\n\"RF4,HCAI"),
		  "quote.csv:3: a quoted field is not closed before the end of the file: the file "
		  "may be truncated");
}

static void import_rejects_empty_file(void)
{
	CHECK_STR(fails("empty.csv", ""),
		  "empty.csv: the file is empty: expected a header line naming the columns");
}

static void import_rejects_header_only(void)
{
	CHECK_STR(fails("head.csv", HEADER), "head.csv: no data rows after the header: nothing to import");
}

static void import_rejects_invalid_utf8(void)
{
	CHECK_STR(fails("utf.csv", HEADER "RF4,HCAI_MRSA,2024-04,,,\xc0\xaf\n"),
		  "utf.csv:2: column \"value\": invalid UTF-8 at byte 0 of the field: expected UTF-8 "
		  "text");
}

static void import_rejects_nul_byte(void)
{
	static const char text[] = HEADER "RF4,HCAI_MRSA,2024-04,,,1\0\n";

	CHECK_STR(fails_with("nul.csv", text, sizeof text - 1, custodian, NULL),
		  "nul.csv:2: column \"value\": NUL byte at offset 1 of the field: expected text");
}

static void import_rejects_binary_garbage(void)
{
	unsigned char junk[4096];
	unsigned x = 12345;

	for (size_t i = 0; i < sizeof junk; i++) {
		x = x * 1103515245u + 12345u; /* a fixed sequence: the test is repeatable */
		junk[i] = (unsigned char)(x >> 16);
	}
	fails_with("junk.bin", junk, sizeof junk, custodian, NULL);
}

static void import_field_limit_at_and_past(void)
{
	struct ingest_import_opts o = { .max_field = 16 };
	char ok[256], bad[256];

	/* A 16-byte field (the count 1 with leading zeros) is read and lands... */
	snprintf(ok, sizeof ok, HEADER "RF4,HCAI_MRSA,2024-04,,,0000000000000001\n");
	CHECK_INT(lands("f16.csv", ok, &o), 0);
	/* ...a 17-byte field is refused by the reader. */
	snprintf(bad, sizeof bad, HEADER "RF4,HCAI_MRSA,2024-05,,,00000000000000001\n");
	CHECK_STR(fails_with("f17.csv", bad, strlen(bad), custodian, &o),
		  "f17.csv:2: a field is longer than 16 bytes");
}

static void import_field_limit_default_10mb_field(void)
{
	size_t n = 10 * 1024 * 1024;
	char *text = xmalloc(n + 128);
	size_t w = (size_t)snprintf(text, 128, HEADER "RF4,HCAI_MRSA,2024-04,,,");

	memset(text + w, '7', n);
	text[w + n] = '\n';
	CHECK_STR(fails_with("big.csv", text, w + n + 1, custodian, NULL),
		  "big.csv:2: a field is longer than 65536 bytes");
	free(text);
}

static void import_column_limit_100000_columns(void)
{
	size_t n = 100000;
	char *text = xmalloc(2 * n + 8);

	for (size_t i = 0; i < n; i++)
		text[2 * i] = 'a', text[2 * i + 1] = ',';
	text[2 * n - 1] = '\n';
	CHECK_STR(fails_with("cols.csv", text, 2 * n, custodian, NULL),
		  "cols.csv:1: more than 512 columns in one record");
	free(text);
}

static void import_row_limit_at_and_past(void)
{
	struct ingest_import_opts o = { .max_rows = 3 }; /* records, the header included */

	CHECK_INT(lands("r3.csv", HEADER "RF4,HCAI_MRSA,2023-01,,,1\nRF4,HCAI_MRSA,2023-02,,,1\n", &o),
		  0);
	CHECK_STR(fails_with("r4.csv",
			     HEADER "RF4,HCAI_MRSA,2023-03,,,1\nRF4,HCAI_MRSA,2023-04,,,1\n"
				    "RF4,HCAI_MRSA,2023-05,,,1\n",
			     strlen(HEADER) + 3 * 26, custodian, &o),
		  "r4.csv:4: more than 3 records in one file");
}

static void import_refuses_same_file_twice(void)
{
	const char *text = HEADER "RF4,HCAI_MRSA,2022-01,,,1\n";

	CHECK_INT(lands("once.csv", text, NULL), 0);
	CHECK_CONTAINS(fails("once-again.csv", text), "this file was imported before: import ");
	CHECK_CONTAINS(fails("once-again.csv", text), " of \"once.csv\"");
}

static void import_unreadable_file(void)
{
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	char line[1024];

	CHECK(ingest_import(db, &actor, custodian, "/nonexistent/x.csv", NULL, res) != 0);
	CHECK_STR(cu_err_format(&res->errors.e[0], line, sizeof line),
		  "x.csv: cannot open the file: No such file or directory");
	CHECK(ingest_import(db, &actor, custodian, dir, NULL, res) != 0);
	CHECK_CONTAINS(cu_err_format(&res->errors.e[0], line, sizeof line),
		       "cannot read the file: it is a folder");
	free(res);
}

static int64_t fake_now;

static int64_t fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

struct seen {
	int n;
	struct store_obs last;
};

static int collect(void *arg, const struct store_obs *ob)
{
	struct seen *v = arg;

	v->n++;
	v->last = *ob;
	return 0;
}

/* A resubmission is revision 2; revision 1 stays, and "as of" before it still shows 4. */
static void import_resubmission_is_a_revision(void)
{
	struct store_org o;
	struct store_indicator i;
	struct cu_err err;
	struct seen v;

	store_set_clock(db, fake_clock, NULL);
	fake_now = 1717200000LL * 1000000; /* 2024-06-01T00:00:00Z */
	CHECK_INT(lands("v1.csv", HEADER "RXX,HCAI_MRSA,2021-06,,,4\n", NULL), 0);
	fake_now = 1719792000LL * 1000000; /* 2024-07-01T00:00:00Z */
	CHECK_INT(lands("v2.csv", HEADER "RXX,HCAI_MRSA,2021-06,,,5\n", NULL), 0);
	store_set_clock(db, NULL, NULL);
	cu_err_clear(&err);
	CHECK_INT(store_org_get(db, &actor, "RXX", &o, &err), 0);
	CHECK_INT(store_indicator_get(db, &actor, cu_str_of("HCAI_MRSA"), &i, &err), 0);

	memset(&v, 0, sizeof v);
	CHECK_INT(store_obs_series(db, &actor, o.id, i.id, NULL, collect, &v, &err), 0);
	CHECK_INT(v.n, 1);
	CHECK_INT(v.last.revision, 2);
	CHECK_NEAR(v.last.value, 5, 0);

	memset(&v, 0, sizeof v);
	CHECK_INT(store_obs_series(db, &actor, o.id, i.id, "2024-06-15", collect, &v, &err), 0);
	CHECK_INT(v.n, 1);
	CHECK_INT(v.last.revision, 1);
	CHECK_NEAR(v.last.value, 4, 0);

	memset(&v, 0, sizeof v);
	CHECK_INT(store_obs_series(db, &actor, o.id, i.id, "2024-05-31", collect, &v, &err), 0);
	CHECK_INT(v.n, 0); /* nothing was known before the first submission */

	memset(&v, 0, sizeof v);
	CHECK_INT(store_obs_revisions(db, &actor, o.id, i.id, "2021-06-01", collect, &v, &err), 0);
	CHECK_INT(v.n, 2);
}

struct rows {
	int n, stop_at;
	char key[8][128];
};

static int collect_key(void *arg, const struct store_obs *ob)
{
	struct rows *r = arg;

	if (r->n < 8)
		snprintf(r->key[r->n], sizeof r->key[0], "%s %.7s r%d %g", ob->indicator_code,
			 ob->period_start, ob->revision,
			 ob->has_numerator ? ob->numerator : ob->value);
	return ++r->n == r->stop_at;
}

/*
 * Several periods and indicators, revised at different times (after the test above, which left
 * RXX's HCAI_MRSA 2021-06 at revision 1 = 4 on 2024-06-01 and revision 2 = 5 on 2024-07-01):
 * on 2024-08-01 a first 2021-05 (3), a third revision of 2021-06 (6) and a C. difficile rate;
 * on 2024-09-01 a second revision of 2021-05 (2). Each read must give, per period, the last
 * revision recorded by its as-of time, and nothing recorded after it.
 */
static void reads_take_each_periods_latest_revision(void)
{
	struct store_org o;
	struct store_indicator mrsa, cdiff;
	struct cu_err err;
	struct rows r;
	int m;

	store_set_clock(db, fake_clock, NULL);
	fake_now = 1722470400LL * 1000000; /* 2024-08-01T00:00:00Z */
	CHECK_INT(lands("v3.csv",
			HEADER "RXX,HCAI_MRSA,2021-05,,,3\nRXX,HCAI_MRSA,2021-06,,,6\n"
			       "RXX,HCAI_CDIFF_RATE,2021-06,7,70000,\n",
			NULL),
		  0);
	fake_now = 1725148800LL * 1000000; /* 2024-09-01T00:00:00Z */
	CHECK_INT(lands("v4.csv", HEADER "RXX,HCAI_MRSA,2021-05,,,2\n", NULL), 0);
	store_set_clock(db, NULL, NULL);
	cu_err_clear(&err);
	CHECK_INT(store_org_get(db, &actor, "RXX", &o, &err), 0);
	CHECK_INT(store_indicator_get(db, &actor, cu_str_of("HCAI_MRSA"), &mrsa, &err), 0);
	CHECK_INT(store_indicator_get(db, &actor, cu_str_of("HCAI_CDIFF_RATE"), &cdiff, &err), 0);

	memset(&r, 0, sizeof r);
	CHECK_INT(store_obs_series(db, &actor, o.id, mrsa.id, NULL, collect_key, &r, &err), 0);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.key[0], "HCAI_MRSA 2021-05 r2 2");
	CHECK_STR(r.key[1], "HCAI_MRSA 2021-06 r3 6");

	memset(&r, 0, sizeof r); /* between the third and fourth imports */
	CHECK_INT(store_obs_series(db, &actor, o.id, mrsa.id, "2024-08-15", collect_key, &r, &err),
		  0);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.key[0], "HCAI_MRSA 2021-05 r1 3");
	CHECK_STR(r.key[1], "HCAI_MRSA 2021-06 r3 6");

	memset(&r, 0, sizeof r); /* every indicator at once: by indicator id, then period */
	CHECK_INT(store_obs_series(db, &actor, o.id, 0, "2024-08-15", collect_key, &r, &err), 0);
	CHECK_INT(r.n, 3);
	m = mrsa.id < cdiff.id ? 0 : 1; /* where MRSA's two periods start */
	CHECK_STR(r.key[m], "HCAI_MRSA 2021-05 r1 3");
	CHECK_STR(r.key[m + 1], "HCAI_MRSA 2021-06 r3 6");
	CHECK_STR(r.key[m ? 0 : 2], "HCAI_CDIFF_RATE 2021-06 r1 7");

	memset(&r, 0, sizeof r); /* a callback that stops after the first row */
	r.stop_at = 1;
	CHECK_INT(store_obs_series(db, &actor, o.id, mrsa.id, NULL, collect_key, &r, &err), 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.key[0], "HCAI_MRSA 2021-05 r2 2");

	memset(&r, 0, sizeof r); /* latest period of each indicator, highest id first */
	CHECK_INT(store_obs_latest(db, &actor, o.id, 0, "2024-07-15", collect_key, &r, &err), 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.key[0], "HCAI_MRSA 2021-06 r2 5");
	memset(&r, 0, sizeof r);
	CHECK_INT(store_obs_latest(db, &actor, o.id, 0, NULL, collect_key, &r, &err), 0);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.key[m ? 0 : 1], "HCAI_MRSA 2021-06 r3 6");
	CHECK_STR(r.key[m ? 1 : 0], "HCAI_CDIFF_RATE 2021-06 r1 7");
	memset(&r, 0, sizeof r);
	CHECK_INT(store_obs_latest(db, &actor, o.id, cdiff.id, NULL, collect_key, &r, &err), 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.key[0], "HCAI_CDIFF_RATE 2021-06 r1 7");
	memset(&r, 0, sizeof r);
	CHECK_INT(store_obs_latest(db, &actor, o.id, cdiff.id, "2024-07-15", collect_key, &r, &err),
		  0);
	CHECK_INT(r.n, 0);
}

/*
 * The bulk writer turns SQLite's per-row foreign-key checks off for an import's transaction:
 * after a good and after a failed import they are on again, so an observation of an
 * organisation that does not exist is refused. And an administrator (who may submit for any
 * organisation) imports like the command line does.
 */
static void foreign_keys_back_on_after_imports(void)
{
	static const struct cu_actor admin = { .name = "ada", .role = MODEL_ROLE_ADMIN };
	static const char admin_file[] = HEADER "RXX,HCAI_MRSA,2020-02,,,2\n";
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	struct store_obs o = { .org_id = 987654, .indicator_id = 1, .grain = MODEL_GRAIN_MONTH,
			       .status = MODEL_OBS_OK, .has_value = true, .value = 1,
			       .period_start = "2020-01-01", .period_end = "2020-01-31",
			       .recorded_at = "2026-01-01T00:00:00Z", .import_id = 1 };
	struct cu_err err;

	CHECK_INT(lands("fk1.csv", HEADER "RXX,HCAI_MRSA,2020-01,,,1\n", NULL), 0);
	CHECK(strcmp(fails("fk2.csv", HEADER "RXX,HCAI_MRSA,2020-13,,,1\n"), "") != 0);
	cu_err_clear(&err);
	CHECK_INT(store_begin(db, &err), 0);
	CHECK(store_obs_append(db, &actor, &o, NULL, &err) != 0);
	store_rollback(db);
	CHECK_INT(ingest_import(db, &admin, custodian,
				write_file("fk3.csv", admin_file, sizeof admin_file - 1), NULL, res),
		  0);
	CHECK_INT((int)res->observations, 1);
	free(res);
}

/* Import PATH on one thread and on two: stopped, the first 100 errors, nothing written. */
static struct ingest_import_result *import_at_limit(const char *path, int threads)
{
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	char before[65], after[65];

	setenv("CU_IMPORT_THREADS", threads == 1 ? "1" : "2", 1);
	store_digest(db, before, NULL);
	CHECK_INT(ingest_import(db, &actor, custodian, path, NULL, res), CU_ELIMIT);
	store_digest(db, after, NULL);
	unsetenv("CU_IMPORT_THREADS");
	CHECK_STR(after, before);
	CHECK(res->stopped);
	CHECK(res->at_limit);
	CHECK_INT((int)res->errors.n, 100);
	CHECK_INT((int)res->errors.dropped, 0);
	return res;
}

/*
 * A file of 3,000 rows with 2,000 errors stops at the first 100, in file order, whatever the
 * threads: each of 1,000 organisations has a good row, the same row again (a duplicate, found
 * by the writing thread on two threads) and a bad number (found by the reading thread).
 * Error J is on line 3 * (J / 2) + 3 + J % 2, so the 100th is on line 151; no further error is
 * counted, on one thread or two, and nothing is written. Then 1,000 good rows, the same rows
 * again and a last line with a quote not closed: every row error is the writer's, in the last
 * rows, where the reader reaches the end of the file (and its fault there) before the writer
 * has reported them; the same first 100 (lines 1,002 to 1,101), and no word of the quote.
 */
static void import_stops_at_the_first_100_errors(void)
{
	size_t cap = 200000, w = 0;
	char *text = xmalloc(cap), path[256];

	w += (size_t)snprintf(text + w, cap - w, HEADER);
	for (int k = 0; k < 1000; k++)
		w += (size_t)snprintf(text + w, cap - w,
				      "RA%04d,HCAI_MRSA,2024-04,,,1\nRA%04d,HCAI_MRSA,2024-04,,,2\n"
				      "RA%04d,HCAI_MRSA,2024-05,,,x\n", k, k, k);
	snprintf(path, sizeof path, "%s", write_file("limit.csv", text, w));
	for (int threads = 1; threads <= 2; threads++) {
		struct ingest_import_result *res = import_at_limit(path, threads);

		for (size_t j = 0; j < res->errors.n; j++)
			CHECK_INT((int)res->errors.e[j].line, (int)(3 * (j / 2) + 3 + j % 2));
		CHECK_CONTAINS(res->errors.e[0].msg, "duplicate row");
		CHECK_CONTAINS(res->errors.e[1].msg, "bad count \"x\"");
		free(res);
	}
	w = (size_t)snprintf(text, cap, HEADER);
	for (int k = 0; k < 2000; k++)
		w += (size_t)snprintf(text + w, cap - w, "RB%04d,HCAI_MRSA,2024-04,,,1\n", k % 1000);
	w += (size_t)snprintf(text + w, cap - w, "RB9999,\"HCAI_MRSA,2024-04,,,1\n");
	for (int threads = 1; threads <= 2; threads++) {
		struct ingest_import_result *res =
			import_at_limit(write_file("limit_end.csv", text, w), threads);

		CHECK_INT((int)res->errors.e[0].line, 1002);
		CHECK_INT((int)res->errors.e[99].line, 1101);
		free(res);
	}
	/* The command line says where it stopped. */
	{
		char dbp[256], out[4096];
		static char errb[65536];
		const char *init[] = { CU_BINARY, "-d", dbp, "init", NULL };
		const char *imp[] = { CU_BINARY, "-d", dbp, "import", "--profile", "custodian", path,
				      NULL };

		snprintf(dbp, sizeof dbp, "%s/cli.db", dir);
		CHECK_INT(test_exec(init, NULL, out, sizeof out, errb, sizeof errb), 0);
		CHECK_INT(test_exec(imp, NULL, out, sizeof out, errb, sizeof errb), 1);
		CHECK_CONTAINS(errb, "limit.csv:3: column \"value\": duplicate row");
		CHECK_CONTAINS(errb, "limit.csv:151: column \"value\": bad count");
		CHECK(strstr(errb, "limit.csv:153:") == NULL);
		CHECK_CONTAINS(errb, "limit.csv: not imported, nothing was written (reading stops at "
				     "100 errors: these are the first 100, and rows after them, if any, "
				     "were not checked)");
	}
	free(text);
}

int main(void)
{
	struct cu_err err;
	char cmd[128];

	if (!mkdtemp(dir))
		return 2;
	snprintf(cmd, sizeof cmd, "%s/t.db", dir);
	cu_err_clear(&err);
	if (store_open(cmd, STORE_OPEN_CREATE, &db, &err) ||
	    ingest_catalogue_load(db, &actor, CU_SOURCE_DIR "/data/catalogue/catalogue.json", NULL,
				  NULL, &err) ||
	    !(custodian = ingest_profile_load(CU_SOURCE_DIR "/profiles", "custodian", &err))) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return 2;
	}
	RUN(import_rejects_numerator_above_denominator);
	RUN(import_rejects_negative_count);
	RUN(import_rejects_bad_number);
	RUN(import_rejects_bad_org_code_shape);
	RUN(import_rejects_impossible_period);
	RUN(import_rejects_unknown_indicator);
	RUN(import_rejects_duplicate_row);
	RUN(import_stops_at_the_first_100_errors);
	RUN(import_rejects_missing_column);
	RUN(import_rejects_extra_header_column);
	RUN(import_rejects_row_with_extra_fields);
	RUN(import_rejects_truncated_row);
	RUN(import_rejects_unclosed_quote_as_truncation);
	RUN(import_rejects_empty_file);
	RUN(import_rejects_header_only);
	RUN(import_rejects_invalid_utf8);
	RUN(import_rejects_nul_byte);
	RUN(import_rejects_binary_garbage);
	RUN(import_field_limit_at_and_past);
	RUN(import_field_limit_default_10mb_field);
	RUN(import_column_limit_100000_columns);
	RUN(import_row_limit_at_and_past);
	RUN(import_refuses_same_file_twice);
	RUN(import_unreadable_file);
	RUN(import_resubmission_is_a_revision);
	RUN(reads_take_each_periods_latest_revision);
	RUN(foreign_keys_back_on_after_imports);
	ingest_profile_free(custodian);
	store_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? test_done() : 2;
}
