/*
 * custodian shmi end to end: agreement with the independent R implementations of the same
 * model and CUSUM on five million generated spells (their outputs are fixtures, made as
 * tests/data/shmi/README.md says), the same answer on one thread as on two, and every kind
 * of bad input refused with a located error and no output written.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/proc.h"
#include "support/refcsv.h"
#include "test.h"

static char dir[] = "/tmp/cu-shmi-XXXXXX";
static char errbuf[16384];

static const char *tmp(const char *name)
{
	static char buf[8][256];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

/* custodian shmi with up to 8 more arguments (NULL-ended); exit status, stderr in errbuf. */
static int shmi(const char *in, const char *out, const char *const *more)
{
	const char *args[20] = { CU_BINARY, "shmi", "--in", in, "--out", out };
	int n = 6;

	for (; more && *more && n < 18; more++)
		args[n++] = *more;
	args[n] = NULL;
	return test_exec(args, NULL, NULL, 0, errbuf, sizeof errbuf);
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* |a - b| <= tol |b| (relative), both finite. */
static int rel_ok(double a, double b, double tol)
{
	return isfinite(a) && isfinite(b) && fabs(a - b) <= tol * fabs(b);
}

/*
 * Compare custodian's provider table with a peer's: every provider present in both, observed
 * deaths and bands identical, every number within TOL relative. Returns the largest relative
 * difference seen.
 */
static double compare_shmi(const char *ours, const char *peer, double tol)
{
	static const char *const num[] = { "expected", "shmi", "lower95", "upper95",
					    "lower998", "upper998", "pois_lower95",
					    "pois_upper95", "pois_lower998", "pois_upper998" };
	struct refcsv a, b;
	double worst = 0;

	if (refcsv_load(&a, ours) || refcsv_load(&b, peer)) {
		CHECK(!"both provider tables load");
		return INFINITY;
	}
	CHECK_INT(a.nrow, b.nrow);
	for (size_t i = 0; i < b.nrow && i < a.nrow; i++) {
		/* Both are sorted by provider number. */
		CHECK_STR(refcsv_get(&a, i, "provider_id"), refcsv_get(&b, i, "provider_id"));
		CHECK_STR(refcsv_get(&a, i, "observed"), refcsv_get(&b, i, "observed"));
		CHECK_STR(refcsv_get(&a, i, "band"), refcsv_get(&b, i, "band"));
		for (size_t k = 0; k < sizeof num / sizeof *num; k++) {
			double x = refcsv_num(&a, i, num[k]), y = refcsv_num(&b, i, num[k]);

			if (!rel_ok(x, y, tol))
				test_fail(__FILE__, __LINE__, "provider %s %s: %.12g, peer %.12g",
					  refcsv_get(&b, i, "provider_id"), num[k], x, y);
			worst = fmax(worst, fabs(x - y) / fabs(y));
		}
	}
	/* tau^2 is the same on every row; it is positive here (the generator's providers vary). */
	CHECK(refcsv_num(&b, 0, "tau2") > 0);
	CHECK(rel_ok(refcsv_num(&a, 0, "tau2"), refcsv_num(&b, 0, "tau2"), tol));
	refcsv_free(&a);
	refcsv_free(&b);
	return worst;
}

static void compare_cusum(const char *ours, const char *peer)
{
	struct refcsv a, b;
	size_t alarms = 0;

	if (refcsv_load(&a, ours) || refcsv_load(&b, peer)) {
		CHECK(!"both CUSUM tables load");
		return;
	}
	CHECK_INT(a.nrow, b.nrow);
	/* The peer's rows are sorted the same way: provider, then diagnosis group. */
	for (size_t i = 0; i < b.nrow && i < a.nrow; i++) {
		static const char *const exact[] = { "provider_id", "diag_group", "n", "alarms",
						      "first_alarm" };

		for (size_t k = 0; k < 5; k++)
			if (strcmp(refcsv_get(&a, i, exact[k]), refcsv_get(&b, i, exact[k])) != 0) {
				test_fail(__FILE__, __LINE__, "CUSUM row %zu %s: %s, peer %s", i + 2,
					  exact[k], refcsv_get(&a, i, exact[k]),
					  refcsv_get(&b, i, exact[k]));
				break;
			}
		CHECK(fabs(refcsv_num(&a, i, "s_end") - refcsv_num(&b, i, "s_end")) < 1e-6);
		alarms += (size_t)refcsv_num(&b, i, "alarms");
	}
	CHECK(alarms > 100); /* the chart really signals here */
	refcsv_free(&a);
	refcsv_free(&b);
}

static void agrees_with_r_on_five_million_spells(void)
{
	char cmd[1024], spells[256];
	double worst;

	snprintf(spells, sizeof spells, "%s", tmp("spells.csv"));
	/* The peers' generator, compiled and run here: deterministic for (N, seed). */
	snprintf(cmd, sizeof cmd, "cc -O2 -o %s %s/../peers/gen_spells.c -lm && %s 5000000 42 > %s",
		 tmp("gen_spells"), CU_SHARED_DATA, tmp("gen_spells"), spells);
	if (system(cmd) != 0) {
		CHECK(!"the generator builds and runs");
		return;
	}
	CHECK_INT(shmi(spells, tmp("shmi.csv"), (const char *[]){ "--cusum-out", tmp("cusum.csv"),
								  NULL }), 0);
	CHECK_CONTAINS(errbuf, "5000000 spells, 182392 deaths, 150 providers, 140 diagnosis groups");
	/* R's glm on one row per spell: expected deaths, ratios and limits within 1e-6. */
	worst = compare_shmi(tmp("shmi.csv"), CU_SOURCE_DIR "/tests/data/shmi/shmi_r.csv", 1e-6);
	printf("largest relative difference from R (per spell): %.2e\n", worst);
	compare_cusum(tmp("cusum.csv"), CU_SOURCE_DIR "/tests/data/shmi/cusum_r.csv");
	/* And Python's statsmodels, also per spell. */
	worst = compare_shmi(tmp("shmi.csv"), CU_SOURCE_DIR "/tests/data/shmi/shmi_py.csv", 1e-6);
	printf("largest relative difference from Python (per spell): %.2e\n", worst);
	compare_cusum(tmp("cusum.csv"), CU_SOURCE_DIR "/tests/data/shmi/cusum_py.csv");
	/* Winsorised tails instead of trimmed, against R on collapsed patterns. */
	CHECK_INT(shmi(spells, tmp("winsor.csv"), (const char *[]){ "--tails", "winsor", NULL }), 0);
	compare_shmi(tmp("winsor.csv"), CU_SOURCE_DIR "/tests/data/shmi/shmi_r_winsor.csv", 1e-6);
	/* One thread gives the same bytes as two: the sums run in file order either way. */
	CHECK_INT(shmi(spells, tmp("one.csv"), (const char *[]){ "--threads", "1", NULL }), 0);
	CHECK_CONTAINS(errbuf, "on 1 threads");
	snprintf(cmd, sizeof cmd, "cmp -s %s %s", tmp("one.csv"), tmp("shmi.csv"));
	CHECK_INT(system(cmd), 0);
	/* The same file cut off in the middle of a row halfway through: located, nothing
	 * written. The cut lands in the second thread's chunk, so the parallel read finds it. */
	{
		struct stat st;
		char cut[256], out[300];
		FILE *f;

		snprintf(cut, sizeof cut, "%s", tmp("cut5m.csv"));
		snprintf(out, sizeof out, "%s", tmp("cut5m-out.csv"));
		if (stat(spells, &st) == 0) {
			snprintf(cmd, sizeof cmd, "head -c %lld %s > %s", (long long)st.st_size / 2,
				 spells, cut);
			CHECK_INT(system(cmd), 0);
			/* Make sure the cut is inside a row: drop a last newline if it fell on one. */
			if ((f = fopen(cut, "rb+"))) {
				fseek(f, -1, SEEK_END);
				if (fgetc(f) == '\n') {
					fseek(f, -1, SEEK_END);
					fputc('7', f);
				}
				fclose(f);
			}
			CHECK_INT(shmi(cut, out, NULL), 1);
			/* A short last row, or a last value cut short: either is located there. */
			CHECK_CONTAINS(errbuf, "cut5m.csv:");
			CHECK_CONTAINS(errbuf, "nothing computed");
			CHECK(!exists(out));
			unlink(cut);
		}
	}
	unlink(spells);
}

/* ---- small files ---- */

static const char *header = "provider_id,spell_id,diag_group,age_band,sex,admission_method,"
			    "charlson_band,year_index,died\n";

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	fputs(text, f);
	fclose(f);
}

/*
 * A valid small file: providers A, B, C, D (D has no deaths at all) in groups 1 and 2 over
 * both sexes and two age bands, deaths scattered; and group 7, in which every patient died.
 * EXTRA (may be NULL) is appended as further lines.
 */
static const char *small_file(const char *name, const char *extra)
{
	static char text[1 << 16];
	size_t w = 0;
	long id = 1;

	w += (size_t)snprintf(text + w, sizeof text - w, "%s", header);
	for (int rep = 0; rep < 20; rep++)
		for (int p = 0; p < 4; p++)
			for (int g = 1; g <= 2; g++)
				for (int k = 0; k < 4; k++) {
					int died = p < 3 && (rep * 7 + p * 3 + g + k) % 5 == 0;

					w += (size_t)snprintf(text + w, sizeof text - w,
							      "%c,%ld,%d,%d,%d,2,0,1,%d\n", 'A' + p,
							      id++, g, 10 + k % 2, 1 + k / 2, died);
				}
	for (int k = 0; k < 6; k++)
		w += (size_t)snprintf(text + w, sizeof text - w, "A,%ld,7,15,%d,2,1,1,1\n", id++,
				      1 + k % 2);
	if (extra)
		snprintf(text + w, sizeof text - w, "%s", extra);
	write_text(tmp(name), text);
	return tmp(name);
}

static void provider_without_deaths_and_group_where_all_died(void)
{
	const char *in = small_file("ok.csv", NULL);
	struct refcsv t, g;

	CHECK_INT(shmi(in, tmp("ok-out.csv"), (const char *[]){ "--groups-out", tmp("groups.csv"),
								"--cusum-out", tmp("ok-cusum.csv"),
								NULL }), 0);
	if (refcsv_load(&t, tmp("ok-out.csv")) || refcsv_load(&g, tmp("groups.csv"))) {
		CHECK(!"outputs load");
		return;
	}
	CHECK_INT(t.nrow, 4);
	/* D: no deaths, so z = -infinity; it is trimmed and the rest is computed as usual. */
	CHECK_STR(refcsv_get(&t, 3, "provider_id"), "D");
	CHECK_STR(refcsv_get(&t, 3, "observed"), "0");
	CHECK(refcsv_num(&t, 3, "expected") > 0);
	CHECK_NEAR(refcsv_num(&t, 3, "shmi"), 0, 0);
	CHECK(refcsv_num(&t, 3, "lower95") > 0 && refcsv_num(&t, 3, "upper95") > 1);
	CHECK(isfinite(refcsv_num(&t, 0, "tau2")));
	/* Group 7, where every patient died: the fit separates (fitted risk 1) and says so. */
	CHECK_INT(g.nrow, 3);
	CHECK_STR(refcsv_get(&g, 2, "diag_group"), "7");
	CHECK_STR(refcsv_get(&g, 2, "status"), "separated");
	CHECK_STR(refcsv_get(&g, 2, "deaths"), "6");
	/* In group 7 the expected deaths are the observed ones: A's expected includes all 6. */
	{
		double e = 0, o = 0;

		for (size_t i = 0; i < t.nrow; i++) {
			e += refcsv_num(&t, i, "expected");
			o += refcsv_num(&t, i, "observed");
		}
		/* Logistic regression with an intercept reproduces the total: sum E = sum O. */
		CHECK_NEAR(e, o, 1e-6);
	}
	/* Group 7 has one level of charlson_band and of year_index: both dropped. */
	CHECK_STR(refcsv_get(&g, 2, "dropped"),
		  "age_band admission_method charlson_band year_index");
	refcsv_free(&t);
	refcsv_free(&g);
}

/* A group in which nobody died: its fitted risks go to 0 (separation), reported, and the
 * run goes on with nothing expected from it. */
static void group_where_nobody_died(void)
{
	const char *in = small_file("none.csv", "A,9001,8,15,1,2,1,1,0\nB,9002,8,15,2,2,1,1,0\n"
						"C,9003,8,16,1,2,1,1,0\n");
	struct refcsv g;

	CHECK_INT(shmi(in, tmp("none-out.csv"), (const char *[]){ "--groups-out",
								  tmp("none-groups.csv"), NULL }),
		  0);
	if (refcsv_load(&g, tmp("none-groups.csv")))
		return;
	CHECK_INT(g.nrow, 4);
	CHECK_STR(refcsv_get(&g, 3, "diag_group"), "8");
	CHECK_STR(refcsv_get(&g, 3, "deaths"), "0");
	CHECK_STR(refcsv_get(&g, 3, "status"), "separated");
	refcsv_free(&g);
}

/* A bad file: the run fails, prints WANT, and writes no output. */
static void refused(const char *name, const char *text, const char *want)
{
	char out[300];

	write_text(tmp(name), text);
	snprintf(out, sizeof out, "%s.out", tmp(name));
	if (shmi(tmp(name), out, NULL) != 1)
		test_fail(__FILE__, __LINE__, "%s: accepted", name);
	if (!strstr(errbuf, want))
		test_fail(__FILE__, __LINE__, "%s: stderr \"%s\" lacks \"%s\"", name, errbuf, want);
	CHECK_CONTAINS(errbuf, "nothing computed");
	CHECK(!exists(out));
}

static void bad_values_are_located(void)
{
	char t[4096];

#define BAD(name, row, want) \
	(snprintf(t, sizeof t, "%s%s", header, row), refused(name, t, want))
	BAD("group143.csv", "1,1,143,3,1,1,0,1,0\n",
	    "group143.csv:2: column \"diag_group\": \"143\": expected a SHMI diagnosis group, a "
	    "whole number from 1 to 142");
	BAD("group0.csv", "1,1,0,3,1,1,0,1,0\n", "group0.csv:2: column \"diag_group\"");
	BAD("groupx.csv", "1,1,x1,3,1,1,0,1,0\n", "groupx.csv:2: column \"diag_group\"");
	BAD("age.csv", "1,1,1,20,1,1,0,1,0\n",
	    "age.csv:2: column \"age_band\": \"20\": expected a whole number from 0 to 19");
	BAD("sex.csv", "1,1,1,3,3,1,0,1,0\n", "column \"sex\": \"3\": expected a whole number from "
					       "1 to 2");
	BAD("year.csv", "1,1,1,3,1,1,0,0,0\n", "column \"year_index\": \"0\": expected a whole "
						"number from 1 to 5");
	BAD("charlson.csv", "1,1,1,3,1,1,-1,1,0\n", "column \"charlson_band\": \"-1\"");
	BAD("died2.csv", "1,1,1,3,1,1,0,1,2\n", "died2.csv:2: column \"died\": \"2\": expected 0 or 1");
	BAD("diedyes.csv", "1,1,1,3,1,1,0,1,yes\n", "column \"died\": \"yes\": expected 0 or 1");
	BAD("dientempty.csv", "1,1,1,3,1,1,0,1,\n", "column \"died\": \"\": expected 0 or 1");
	BAD("provider.csv", ",1,1,3,1,1,0,1,0\n", "column \"provider_id\": \"\": expected a code");
	BAD("order.csv", "1,5,1,3,1,1,0,1,0\n1,4,1,3,1,1,0,1,0\n",
	    "order.csv:3: column \"spell_id\": 4 does not follow spell 5: expected rows in time "
	    "order, spell_id rising (the CUSUM needs it; sort the file by spell_id)");
	BAD("spellid.csv", "1,1e3,1,3,1,1,0,1,0\n", "column \"spell_id\": \"1e3\": expected a "
						     "whole number");
#undef BAD
	/* A NUL byte inside a field. */
	{
		static const char nul[] = "provider_id,spell_id,diag_group,age_band,sex,"
					  "admission_method,charlson_band,year_index,died\n"
					  "1,1,1,3,1,1,0,1,0\n2,2,1,3\0,1,1,0,1,0\n";
		FILE *f = fopen(tmp("nul.csv"), "wb");

		fwrite(nul, 1, sizeof nul - 1, f);
		fclose(f);
		CHECK_INT(shmi(tmp("nul.csv"), tmp("nul.out"), NULL), 1);
		CHECK_CONTAINS(errbuf, "nul.csv:3: NUL byte at byte 1 of field 4: expected UTF-8 text");
		CHECK(!exists(tmp("nul.out")));
	}
	/* Several errors are all reported, in file order. */
	snprintf(t, sizeof t, "%s1,1,1,3,1,1,0,1,0\n1,2,1,99,1,1,0,1,0\n1,3,1,3,1,1,0,1,7\n", header);
	refused("two.csv", t, "two.csv:3: column \"age_band\"");
	CHECK_CONTAINS(errbuf, "two.csv:4: column \"died\"");
	CHECK_CONTAINS(errbuf, "(2 errors)");
}

static void bad_structure_is_located(void)
{
	char t[4096];

	refused("empty.csv", "", "empty.csv:1: no spells");
	refused("headonly.csv", header, "headonly.csv:1: no spells");
	refused("missing.csv",
		"provider_id,spell_id,diag_group,age_band,sex,admission_method,year_index,died\n"
		"1,1,1,3,1,1,1,0\n",
		"missing.csv:1: column \"charlson_band\": missing: expected each of provider_id");
	refused("repeat.csv",
		"provider_id,spell_id,diag_group,age_band,sex,admission_method,charlson_band,"
		"year_index,died,sex\n1,1,1,3,1,1,0,1,0,1\n",
		"repeat.csv:1: column \"sex\": repeated");
	/* Truncated in the middle of a row: nothing lands. */
	snprintf(t, sizeof t, "%s1,1,1,3,1,1,0,1,0\n1,2,1,3,1,1,0,1,1\n1,3,1,3,1", header);
	refused("cut.csv", t, "cut.csv:4: 5 fields: expected 9, as in the header");
	/* Quoting gone wrong. */
	snprintf(t, sizeof t, "%s1,1,1,3,1,1,0,1,0\n\"1,2,1,3,1,1,0,1,0\n", header);
	refused("quote.csv", t, "quote.csv:3: a quoted field is not closed before the end");
	/* A 100 kB field. */
	{
		char *big = malloc(200000);
		size_t w = (size_t)snprintf(big, 200000, "%s", header);

		memset(big + w, '7', 100000);
		snprintf(big + w + 100000, 200000 - w - 100000, ",1,1,3,1,1,0,1,0\n");
		refused("big.csv", big, "big.csv:2: a field is longer than 65536 bytes");
		free(big);
	}
	/* Not a file at all. */
	CHECK_INT(shmi(tmp("nonexistent.csv"), tmp("x.csv"), NULL), 1);
	CHECK_CONTAINS(errbuf, "cannot open the file");
}

/* --false-alarm chooses h by simulation: a rarer false alarm needs a higher threshold, and
 * the simulated rate at the chosen h is within the target. */
static void threshold_from_a_false_alarm_rate(void)
{
	const char *in = small_file("fa.csv", NULL);
	double h1 = 0, h2 = 0, r1 = 1, r2 = 1;
	const char *p;

	CHECK_INT(shmi(in, tmp("fa1.csv"), (const char *[]){ "--false-alarm", "0.2", NULL }), 0);
	if ((p = strstr(errbuf, "CUSUM h ")))
		h1 = atof(p + 8);
	if ((p = strstr(errbuf, "false alarm ")))
		r1 = atof(p + 12);
	CHECK_INT(shmi(in, tmp("fa2.csv"), (const char *[]){ "--false-alarm", "0.01", NULL }), 0);
	if ((p = strstr(errbuf, "CUSUM h ")))
		h2 = atof(p + 8);
	if ((p = strstr(errbuf, "false alarm ")))
		r2 = atof(p + 12);
	CHECK(h1 > 0 && h2 > h1);
	CHECK(r1 <= 0.2 && r2 <= 0.01);
	/* Without it the default threshold is 4.5. */
	CHECK_INT(shmi(in, tmp("fa3.csv"), NULL), 0);
	CHECK_CONTAINS(errbuf, "CUSUM h 4.5;");
	CHECK_INT(shmi(in, tmp("fa4.csv"), (const char *[]){ "--false-alarm", "2", NULL }), 1);
	CHECK_CONTAINS(errbuf, "--false-alarm 2: expected a number from");
}

/* A provider code that a spreadsheet would run as a formula is written inert. */
static void hostile_codes_are_written_inert(void)
{
	const char *in = small_file("inj.csv", "\"=HYPERLINK(\"\"x\"\")\",9999,1,3,1,1,0,1,0\n");
	struct refcsv t;

	CHECK_INT(shmi(in, tmp("inj-out.csv"), NULL), 0);
	if (refcsv_load(&t, tmp("inj-out.csv")))
		return;
	CHECK_STR(refcsv_get(&t, 0, "provider_id"), "'=HYPERLINK(\"x\")");
	refcsv_free(&t);
}

/* Spell ids that fall back across the cut between two threads' chunks are found too. */
static void time_order_is_checked_across_threads(void)
{
	FILE *f = fopen(tmp("cut-order.csv"), "wb");
	long line = 1, back = 0;

	fputs(header, f);
	for (long i = 0; i < 800000; i++) {
		/* Rows 400,001 on restart at spell 1: out of order exactly there. */
		long id = i < 400000 ? i + 1 : i - 399999;

		fprintf(f, "%ld,%ld,%ld,%ld,1,2,0,1,%d\n", 1 + i % 7, id, 1 + i % 11, i % 20,
			i % 29 == 0);
		line++;
		if (i == 400000)
			back = line;
	}
	fclose(f);
	for (int threads = 1; threads <= 2; threads++) {
		char want[200], out[300], n[16];

		snprintf(n, sizeof n, "%d", threads);
		snprintf(out, sizeof out, "%s.out", tmp("cut-order.csv"));
		CHECK_INT(shmi(tmp("cut-order.csv"), out, (const char *[]){ "--threads", n, NULL }),
			  1);
		snprintf(want, sizeof want, "cut-order.csv:%ld: column \"spell_id\": 1 does not "
			 "follow spell 400000", back);
		CHECK_CONTAINS(errbuf, want);
		CHECK(!exists(out));
	}
}

int main(void)
{
	char cmd[64];

	if (!mkdtemp(dir))
		return 2;
	RUN(bad_values_are_located);
	RUN(bad_structure_is_located);
	RUN(provider_without_deaths_and_group_where_all_died);
	RUN(hostile_codes_are_written_inert);
	RUN(threshold_from_a_false_alarm_rate);
	RUN(group_where_nobody_died);
	RUN(time_order_is_checked_across_threads);
	RUN(agrees_with_r_on_five_million_spells);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return test_done();
}
