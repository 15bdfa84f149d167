/*
 * custodian proms end to end.
 *
 * On the real data (NHS Digital's finalised PROMs data packs for 2016/17 and 2017/18, in
 * ../shared/data/proms, unzipped here with `unzip -p`): for both years, both procedures
 * (primary, and revision too) and both measures, each provider's funnel class agrees with the
 * publisher's verdict in the Time Series file for at least 95% of the providers either side
 * classifies (the target; the figure is printed); the modelled records equal the published
 * "Modelled Records" of the ProvComm file for every provider; and every adjusted gain is
 * within a stated tolerance of the published "Adjusted Average Health Gain" (below).
 *
 * On a small file worked by hand: the adjustment, the limits, the classes, the comparison and
 * its reasons, missing values left out and counted, and the observation output imported with
 * `custodian import --profile custodian_year`.
 *
 * Bad input of every kind (malformed values, a truncated row, an open quote, a column named
 * twice or missing, hostile text, a huge field, a NUL byte, empty files, a time series of
 * another year or with an unknown verdict) fails with a located error and writes nothing.
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

static char dir[] = "/tmp/cu-proms-XXXXXX";
static char errbuf[65536];

static const char *tmp(const char *name)
{
	static char buf[8][512];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

/*
 * A path under the temporary folder that stays valid for the whole run (tmp's buffers are
 * reused after eight calls): the input files the tests pass around are named through this.
 */
static const char *kept(const char *name)
{
	static char buf[64][512];
	static int n;
	const char *p = tmp(name);

	for (int i = 0; i < n; i++)
		if (!strcmp(buf[i], p))
			return buf[i];
	if (n == 64)
		abort();
	snprintf(buf[n], sizeof buf[n], "%s", p);
	return buf[n++];
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* custodian proms with up to 10 more arguments (NULL-ended); exit status, stderr in errbuf. */
static int proms(const char *in, const char *ts, const char *measure, const char *out,
		 const char *const *more)
{
	const char *args[24] = { CU_BINARY, "proms", "--in", in, "--time-series", ts,
				 "--measure", measure, "--out", out };
	int n = 10;

	for (; more && *more && n < 22; more++)
		args[n++] = *more;
	args[n] = NULL;
	return test_exec(args, NULL, NULL, 0, errbuf, sizeof errbuf);
}

/* ---- the real data ----------------------------------------------------------------------- */

/* Unzip the CSV in ../shared/data/proms/PACK/ZIP to NAME in the temporary folder. */
static const char *unzipped(const char *pack, const char *zip, const char *name)
{
	static char cmd[65536];
	const char *out = kept(name);

	/* The zips also hold macOS resource forks (__MACOSX/._NAME), which -p would append. */
	snprintf(cmd, sizeof cmd, "unzip -p \"%s/proms/%s/%s\" -x \"__MACOSX/*\" > \"%s\"",
		 CU_SHARED_DATA, pack, zip, out);
	if (system(cmd) != 0) {
		test_fail(__FILE__, __LINE__, "unzip %s", zip);
		return NULL;
	}
	return out;
}

struct pack {
	const char *year;                  /* "1718" */
	const char *dir;                   /* data-pack-2017-18 */
	const char *provider[2];           /* hip, knee record-level zips */
	const char *timeseries, *provcomm; /* zips */
};

static const struct pack packs[] = {
	{ "1617", "data-pack-2016-17",
	  { "Hip Replacement Provider 1617.csv.zip", "Knee Replacement Provider 1617.csv.zip" },
	  "Time Series Hip and Knee Replacement 1617.csv.zip",
	  "ProvComm Hip and Knee Replacement 1617.csv.zip" },
	{ "1718", "data-pack-2017-18",
	  { "Hip Replacements Provider 1718.csv.zip", "Knee Replacements Provider 1718.csv.zip" },
	  "Time Series 1718.csv.zip", "ProvComm Hip and Knee Replacements 1718.csv.zip" },
};

static int is_class(const char *v)
{
	return !strcmp(v, "low_99.8") || !strcmp(v, "low_95") || !strcmp(v, "within") ||
	       !strcmp(v, "high_95") || !strcmp(v, "high_99.8");
}

/*
 * The gains against the ProvComm file. The published values have 6 significant figures
 * (Oxford gains of 10 to 48 points: 4 decimals; EQ-5D gains: 6 decimals). Every provider's
 * difference ours - published is the same up to that rounding: the spread (largest minus
 * smallest difference) is at most one unit in the published last place, SPREAD, so each
 * provider's mean residual (observed minus predicted) is reproduced exactly. The common
 * offset comes from the records the publisher withholds from the record-level file for
 * confidentiality (docs/methods.md), which move the national mean pre-operative and predicted
 * scores: |offset| <= OFFSET (largest measured 0.0027, Oxford hip 2017/18; 0 for revisions,
 * where nothing is withheld).
 */
static void against_provcomm(const struct refcsv *out, const struct refcsv *pc,
			     const char *procedure, const char *measure, double spread,
			     double offset, const char *what)
{
	double dmin = INFINITY, dmax = -INFINITY;
	size_t checked = 0;

	for (size_t i = 0; i < out->nrow; i++) {
		const char *code = refcsv_get(out, i, "provider");
		size_t j;

		for (j = 0; j < pc->nrow; j++)
			if (!strcmp(refcsv_get(pc, j, "Organisation Code"), code) &&
			    !strcmp(refcsv_get(pc, j, "Procedure"), procedure) &&
			    !strcmp(refcsv_get(pc, j, "Measure"), measure) &&
			    !strcmp(refcsv_get(pc, j, "Organisation Type"), "Provider"))
				break;
		if (j == pc->nrow) {
			test_fail(__FILE__, __LINE__, "%s: %s not in the ProvComm file", what, code);
			continue;
		}
		/* Published counts of 1 to 5 are suppressed ("*"); the rest must match. */
		if (strcmp(refcsv_get(pc, j, "Modelled Records"), "*") &&
		    strcmp(refcsv_get(pc, j, "Modelled Records"), refcsv_get(out, i, "n")))
			test_fail(__FILE__, __LINE__, "%s %s: %s modelled records, published %s", what,
				  code, refcsv_get(out, i, "n"),
				  refcsv_get(pc, j, "Modelled Records"));
		if (isnan(refcsv_num(out, i, "adjusted_gain"))) {
			CHECK(isnan(refcsv_num(pc, j, "Adjusted Average Health Gain")));
			continue;
		}
		{
			double d = refcsv_num(out, i, "adjusted_gain") -
				   refcsv_num(pc, j, "Adjusted Average Health Gain");

			if (!(fabs(d) <= offset))
				test_fail(__FILE__, __LINE__, "%s %s: gain %s, published %s", what,
					  code, refcsv_get(out, i, "adjusted_gain"),
					  refcsv_get(pc, j, "Adjusted Average Health Gain"));
			dmin = fmin(dmin, d);
			dmax = fmax(dmax, d);
			checked++;
		}
	}
	CHECK(checked > 5);
	if (!(dmax - dmin <= spread))
		test_fail(__FILE__, __LINE__, "%s: differences from the published gains spread "
			  "over %.3g, expected at most %.3g", what, dmax - dmin, spread);
	printf("%s: %zu gains, ours - published from %+.6f to %+.6f\n", what, checked, dmin, dmax);
}

/* The gain of provider CODE in the output OUT (NAN when absent). */
static double gain_of(const struct refcsv *out, const char *code)
{
	for (size_t i = 0; i < out->nrow; i++)
		if (!strcmp(refcsv_get(out, i, "provider"), code))
			return refcsv_num(out, i, "adjusted_gain");
	return NAN;
}

static void real_data_agrees_with_the_publisher(void)
{
	static const char *const pname[2] = { "Hip", "Knee" };
	static const char *const mlabel[2][2] = { { "EQ-5D Index", "Oxford Hip Score" },
						   { "EQ-5D Index", "Oxford Knee Score" } };
	static const char *const kind[2] = { "primary", "revision" };

	for (size_t y = 0; y < 2; y++) {
		const struct pack *pk = &packs[y];
		char name[64];
		const char *ts, *pc;
		struct refcsv prov;

		snprintf(name, sizeof name, "ts%s.csv", pk->year);
		ts = unzipped(pk->dir, pk->timeseries, name);
		snprintf(name, sizeof name, "pc%s.csv", pk->year);
		pc = unzipped(pk->dir, pk->provcomm, name);
		if (!ts || !pc || refcsv_load(&prov, pc)) {
			CHECK(!"the data pack unzips and loads");
			return;
		}
		for (int p = 0; p < 2; p++) {
			const char *in;

			snprintf(name, sizeof name, "prov%s%d.csv", pk->year, p);
			if (!(in = unzipped(pk->dir, pk->provider[p], name)))
				continue;
			for (int m = 0; m < 2; m++)
				for (int k = 0; k < 2; k++) {
					const char *measure = m ? "oxford" : "eq5d";
					char what[96], label[64];
					struct refcsv out;
					size_t compared = 0, agreed = 0;

					snprintf(what, sizeof what, "%s %s %s %s", pk->year, pname[p],
						 kind[k], measure);
					CHECK_INT(proms(in, ts, measure, tmp("real.csv"),
							(const char *[]){ "--procedure", kind[k],
									  NULL }), 0);
					if (refcsv_load(&out, tmp("real.csv"))) {
						CHECK(!"output loads");
						continue;
					}
					for (size_t i = 0; i < out.nrow; i++) {
						const char *ours = refcsv_get(&out, i, "class");
						const char *pub = refcsv_get(&out, i, "publisher_class");

						if (!is_class(ours) && !is_class(pub))
							continue;
						compared++;
						agreed += !strcmp(ours, pub);
						CHECK_STR(refcsv_get(&out, i, "agree"),
							  strcmp(ours, pub) ? "no" : "yes");
					}
					printf("%s: agreement %zu of %zu (%.1f%%)\n", what, agreed,
					       compared, compared ? 100.0 * agreed / compared : 0);
					/* The target: at least 95% of providers classified alike. */
					if (!(compared > 5 && agreed >= 0.95 * compared))
						test_fail(__FILE__, __LINE__, "%s: agreement %zu of %zu",
							  what, agreed, compared);
					snprintf(label, sizeof label, "%s Replacement %s", pname[p],
						 k ? "Revision" : "Primary");
					/* Oxford: 1e-4 published rounding (+ 1e-9 for our own); EQ-5D:
					 * 1e-6. Offsets: 0.003 and 0.0002. */
					against_provcomm(&out, &prov, label, mlabel[p][m],
							 m ? 1e-4 + 1e-9 : 1e-6 + 1e-12,
							 m ? 0.003 : 0.0002, what);
					refcsv_free(&out);
				}
			unlink(in);
		}
		refcsv_free(&prov);
	}

	/* A few providers by name, against the ProvComm file's printed gains: primary hip
	 * replacement, Oxford Hip Score, 2017/18 (tolerance 0.003, as above). */
	{
		const char *in = unzipped(packs[1].dir, packs[1].provider[0], "hip1718.csv");
		struct refcsv out;

		if (!in)
			return;
		CHECK_INT(proms(in, kept("ts1718.csv"), "oxford", tmp("hip.csv"), NULL), 0);
		CHECK_CONTAINS(errbuf, "39323 rows, 37179 primary, 35965 modelled");
		CHECK_CONTAINS(errbuf, "agreement with the publisher's verdicts: 222 of 222");
		if (refcsv_load(&out, tmp("hip.csv")) == 0) {
			CHECK(fabs(gain_of(&out, "ADP02") - 24.4325) <= 0.003);
			CHECK(fabs(gain_of(&out, "NN801") - 20.606) <= 0.003);
			CHECK(fabs(gain_of(&out, "NT204") - 24.8053) <= 0.003);
			CHECK(isnan(gain_of(&out, "AHH"))); /* 18 records: none published */
			refcsv_free(&out);
		}
		unlink(in);
	}
}

/* ---- a small file worked by hand --------------------------------------------------------- */

static const char *rec_header =
	"Provider Code,Procedure,Revision Flag,Year,Pre-Op Q EQ5D Index,Post-Op Q EQ5D Index,"
	"Hip Replacement EQ5D Index Post-Op Q Predicted,Hip Replacement Pre-Op Q Score,"
	"Hip Replacement Post-Op Q Score,Hip Replacement OHS Post-Op Q Predicted\n";
static const char *ts_header =
	"OrgCode,OrgName,Procedure,Measure,Modelled_Records_2017,Adjusted_Health_Gain_2017,"
	"Outlier_2017\n";

static void write_text(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "wb");

	fwrite(text, 1, n, f);
	fclose(f);
}

/*
 * Primary hip replacements of 2017/18, EQ-5D index (pre, post, predicted):
 *   AAA01  30 x (0.2, 0.8, 0.7)    residual +0.1
 *   BBB01  30 x (0.4, 0.6, 0.7)    residual -0.1
 *   CCC01   5 x (0.3, 0.7, 0.7)    residual 0, too few for a result
 *   DDD01  30 x (0.3, 0.7, 0.7)    residual 0
 *   EEE01  30 x (0.3, 0.74, 0.7)   residual +0.04
 * plus rows that do not count: AAA01 with a post-op "*", with a blank predicted score and a
 * revision (flag 1). National, over the 125 modelled records: pre = 37.5 / 125 = 0.3,
 * post = 88.7 / 125 = 0.7096, predicted 0.7, centre = 0.7096 - 0.3 = 0.4096; residuals sum
 * to 3 - 3 + 1.2 = 1.2 (mean 0.0096) with squares 0.3 + 0.3 + 0.048 = 0.648, so
 * sd = sqrt((0.648 - 125 x 0.0096^2) / 124) = sqrt(0.63648 / 124) = 0.0716442826.
 * At n = 30, se = 0.0716442826 / sqrt(30) = 0.0130804; 95% limits 0.4096 -/+ 1.959964 se
 * = 0.3839629 and 0.4352371; 99.8% 0.4096 -/+ 3.090232 se = 0.3691785 and 0.4500215.
 * Adjusted post-op = 0.7 + mean residual; gain = that - 0.3:
 *   AAA01 0.8 / 0.5 (above 0.4500: high_99.8), BBB01 0.6 / 0.3 (low_99.8),
 *   DDD01 0.7 / 0.4 (within), EEE01 0.74 / 0.44 (between 0.4352 and 0.4500: high_95).
 * The Oxford columns hold (20, 40, 38.5) throughout, so that measure has sd 0 and, had a
 * provider 30 records, no limits.
 */
static const char *hand_file(const char *name, const char *extra)
{
	static char text[1 << 16];
	size_t w = (size_t)snprintf(text, sizeof text, "%s", rec_header);
	static const struct {
		const char *code;
		int n;
		const char *pre, *post, *pred;
	} g[] = {
		{ "AAA01", 30, "0.2", "0.8", "0.7" }, { "BBB01", 30, "0.4", "0.6", "0.7" },
		{ "CCC01", 5, "0.3", "0.7", "0.7" },  { "DDD01", 30, "0.3", "0.7", "0.7" },
		{ "EEE01", 30, "0.3", "0.74", "0.7" },
	};

	for (size_t k = 0; k < sizeof g / sizeof *g; k++)
		for (int i = 0; i < g[k].n; i++)
			w += (size_t)snprintf(text + w, sizeof text - w,
					      "%s,Hip Replacement,0,2017/18,%s,%s,%s,20,40,38.5\n",
					      g[k].code, g[k].pre, g[k].post, g[k].pred);
	w += (size_t)snprintf(text + w, sizeof text - w,
			      "AAA01,Hip Replacement,0,2017/18,0.2,*,0.7,20,40,38.5\n"
			      "AAA01,Hip Replacement,0,2017/18,0.2,0.8,,20,40,38.5\n"
			      "AAA01,Hip Replacement,1,2017/18,0.1,0.1,0.7,20,40,38.5\n");
	if (extra)
		w += (size_t)snprintf(text + w, sizeof text - w, "%s", extra);
	write_text(kept(name), text, w);
	return kept(name);
}

/*
 * The publisher's verdicts for the hand file: agreeing for AAA01, BBB01, DDD01 and CCC01
 * (insufficient both sides, so not compared); "Not an outlier" for EEE01 (ours high_95); and
 * FFF01, which the records lack, "Negative outlier (95%)". EXTRA is appended.
 */
static const char *hand_ts(const char *name, const char *extra)
{
	static char text[4096];
	size_t w = (size_t)snprintf(
		text, sizeof text,
		"%s"
		"England,England,Hip Replacement Primary,EQ-5D Index,125,0.41,Not an outlier\n"
		"AAA01,A,Hip Replacement Primary,EQ-5D Index,30,0.5,Positive outlier (99.8%%)\n"
		"AAA01,A,Hip Replacement Primary,Oxford Hip Score,30,1,Not an outlier\n"
		"AAA01,A,Knee Replacement Primary,EQ-5D Index,30,1,Not an outlier\n"
		"BBB01,B,Hip Replacement Primary,EQ-5D Index,30,0.3,Negative outlier (99.8%%)\n"
		"CCC01,C,Hip Replacement Primary,EQ-5D Index,5,-,Insufficient records\n"
		"DDD01,D,Hip Replacement Primary,EQ-5D Index,30,0.4,Not an outlier\n"
		"EEE01,\"E, the \"\"one\"\"\",Hip Replacement Primary,EQ-5D Index,30,0.434,"
		"Not an outlier\n"
		"FFF01,F,Hip Replacement Primary,EQ-5D Index,44,0.35,Negative outlier (95%%)\n"
		"%s",
		ts_header, extra ? extra : "");

	write_text(kept(name), text, w);
	return kept(name);
}

static const char *row_field(const struct refcsv *t, const char *code, const char *col)
{
	for (size_t i = 0; i < t->nrow; i++)
		if (!strcmp(refcsv_get(t, i, "provider"), code))
			return refcsv_get(t, i, col);
	return "(no such provider)";
}

static double row_num(const struct refcsv *t, const char *code, const char *col)
{
	for (size_t i = 0; i < t->nrow; i++)
		if (!strcmp(refcsv_get(t, i, "provider"), code))
			return refcsv_num(t, i, col);
	return NAN;
}

static void hand_worked_file_adjusts_classifies_and_compares(void)
{
	const char *in = hand_file("hand.csv", NULL), *ts = hand_ts("hand-ts.csv", NULL);
	struct refcsv t;

	CHECK_INT(proms(in, ts, "eq5d", tmp("hand-out.csv"), NULL), 0);
	CHECK_CONTAINS(errbuf, "hip replacement primary, EQ-5D Index, 2017/18: 128 rows, "
			       "127 primary, 125 modelled (2 left out: pre-op missing 0, post-op 1, "
			       "predicted 1); 5 providers, 4 with 30 or more records; national "
			       "adjusted gain 0.4096, residual sd 0.0716443");
	CHECK_CONTAINS(errbuf, "agreement with the publisher's verdicts: 3 of 5 providers "
			       "(60.0%); publisher's national gain 0.41");
	CHECK_CONTAINS(errbuf, "EEE01: high_95 here, within published: different side of a "
			       "limit: z 2.324 here");
	CHECK_CONTAINS(errbuf, "FFF01: absent here, low_95 published: no modelled records here");
	if (refcsv_load(&t, tmp("hand-out.csv"))) {
		CHECK(!"output loads");
		return;
	}
	CHECK_INT(t.nrow, 6);
	/* Sorted by code; FFF01 added from the time series. */
	CHECK_STR(refcsv_get(&t, 0, "provider"), "AAA01");
	CHECK_STR(refcsv_get(&t, 5, "provider"), "FFF01");
	CHECK_NEAR(row_num(&t, "AAA01", "adjusted_post"), 0.8, 1e-12);
	CHECK_NEAR(row_num(&t, "AAA01", "adjusted_gain"), 0.5, 1e-12);
	CHECK_NEAR(row_num(&t, "AAA01", "centre"), 0.4096, 1e-12);
	CHECK_NEAR(row_num(&t, "AAA01", "lower95"), 0.3839629, 1e-7);
	CHECK_NEAR(row_num(&t, "AAA01", "upper95"), 0.4352371, 1e-7);
	CHECK_NEAR(row_num(&t, "AAA01", "lower998"), 0.3691785, 1e-7);
	CHECK_NEAR(row_num(&t, "AAA01", "upper998"), 0.4500215, 1e-7);
	CHECK_STR(row_field(&t, "AAA01", "class"), "high_99.8");
	CHECK_STR(row_field(&t, "AAA01", "n"), "30");
	CHECK_NEAR(row_num(&t, "BBB01", "adjusted_gain"), 0.3, 1e-12);
	CHECK_STR(row_field(&t, "BBB01", "class"), "low_99.8");
	CHECK_STR(row_field(&t, "CCC01", "class"), "insufficient");
	CHECK(isnan(row_num(&t, "CCC01", "adjusted_gain")));
	CHECK(isnan(row_num(&t, "CCC01", "lower95")));
	CHECK_NEAR(row_num(&t, "CCC01", "mean_post"), 0.7, 1e-12);
	CHECK_STR(row_field(&t, "CCC01", "agree"), "yes");
	CHECK_NEAR(row_num(&t, "DDD01", "adjusted_gain"), 0.4, 1e-12);
	CHECK_STR(row_field(&t, "DDD01", "class"), "within");
	CHECK_NEAR(row_num(&t, "EEE01", "adjusted_post"), 0.74, 1e-12);
	CHECK_STR(row_field(&t, "EEE01", "class"), "high_95");
	CHECK_STR(row_field(&t, "EEE01", "publisher_class"), "within");
	CHECK_STR(row_field(&t, "EEE01", "agree"), "no");
	CHECK_CONTAINS(row_field(&t, "EEE01", "reason"), "different side of a limit");
	CHECK_STR(row_field(&t, "FFF01", "n"), "0");
	CHECK_STR(row_field(&t, "FFF01", "class"), "absent");
	CHECK_STR(row_field(&t, "FFF01", "publisher_n"), "44");
	CHECK_STR(row_field(&t, "FFF01", "agree"), "no");
	refcsv_free(&t);

	/* The Oxford columns do not vary: no residual spread, so no limits can be drawn. */
	CHECK_INT(proms(in, ts, "oxford", tmp("hand-ox.csv"), NULL), 1);
	CHECK_CONTAINS(errbuf, "hand.csv: the funnel limits could not be computed");
	CHECK(!exists(tmp("hand-ox.csv")));
}

/* The observations land through the custodian_year profile and read back as a yearly series. */
static void observations_import_with_the_custodian_profile(void)
{
	const char *in = hand_file("obs-in.csv", NULL), *ts = hand_ts("obs-ts.csv", NULL);
	char out[4096];
	const char *init[] = { CU_BINARY, "-d", kept("proms.db"), "init", NULL };
	const char *imp[] = { CU_BINARY, "-d", kept("proms.db"), "import", "--profile",
			      "custodian_year", kept("obs.csv"), NULL };
	const char *ser[] = { CU_BINARY, "-d", kept("proms.db"), "series", "EEE01",
			      "HIP_EQ5D_GAIN", NULL };
	struct refcsv t;

	CHECK_INT(proms(in, ts, "eq5d", tmp("obs-out.csv"),
			(const char *[]){ "--observations", tmp("obs.csv"), "--period", "2017-18",
					  NULL }), 0);
	if (refcsv_load(&t, tmp("obs.csv"))) {
		CHECK(!"observations load");
		return;
	}
	/* Only providers with an adjusted gain: AAA01, BBB01, DDD01, EEE01. */
	CHECK_INT(t.nrow, 4);
	CHECK_STR(refcsv_get(&t, 0, "org_code"), "AAA01");
	CHECK_STR(refcsv_get(&t, 0, "indicator"), "HIP_EQ5D_GAIN");
	CHECK_STR(refcsv_get(&t, 0, "period"), "2017-18");
	CHECK_STR(refcsv_get(&t, 0, "numerator"), "");
	CHECK_STR(refcsv_get(&t, 0, "denominator"), "30");
	CHECK_NEAR(refcsv_num(&t, 3, "value"), 0.44, 1e-12);
	refcsv_free(&t);
	CHECK_INT(test_exec(init, NULL, out, sizeof out, errbuf, sizeof errbuf), 0);
	CHECK_INT(test_exec(imp, NULL, out, sizeof out, errbuf, sizeof errbuf), 0);
	CHECK(strstr(out, "imported 4 rows") || strstr(errbuf, "imported 4 rows"));
	CHECK_INT(test_exec(ser, NULL, out, sizeof out, errbuf, sizeof errbuf), 0);
	CHECK_CONTAINS(out, "2017-04-01"); /* the financial year 2017-18 starts in April */
	CHECK_CONTAINS(out, "denominator=30");
	CHECK_CONTAINS(out, "value=0.44");

	/* A period that is not the records' year, or revisions (no catalogue indicator), write
	 * nothing at all. */
	CHECK_INT(proms(in, ts, "eq5d", tmp("obs2-out.csv"),
			(const char *[]){ "--observations", tmp("obs2.csv"), "--period", "2016-17",
					  NULL }), 1);
	CHECK_CONTAINS(errbuf, "obs-in.csv: column \"Year\": the records are of 2017/18: "
			       "expected --period 2017-18");
	CHECK(!exists(tmp("obs2.csv")) && !exists(tmp("obs2-out.csv")));
	CHECK_INT(proms(in, ts, "eq5d", tmp("obs3-out.csv"),
			(const char *[]){ "--observations", tmp("obs3.csv"), "--procedure",
					  "revision", NULL }), 1);
	CHECK_CONTAINS(errbuf, "--observations: the catalogue holds indicators of primary "
			       "procedures only");
	CHECK(!exists(tmp("obs3.csv")) && !exists(tmp("obs3-out.csv")));
}

/* ---- bad input --------------------------------------------------------------------------- */

/*
 * A bad record-level file of N bytes, read for MEASURE: the run fails, prints WANT, and
 * writes nothing.
 */
static void refused_m(const char *name, const char *text, size_t n, const char *measure,
		      const char *want)
{
	char out[600], obs[600];

	write_text(tmp(name), text, n);
	snprintf(out, sizeof out, "%s.out", tmp(name));
	snprintf(obs, sizeof obs, "%s.obs", tmp(name));
	if (proms(tmp(name), tmp("hand-ts.csv"), measure, out,
		  (const char *[]){ "--observations", obs, NULL }) != 1)
		test_fail(__FILE__, __LINE__, "%s: accepted", name);
	if (!strstr(errbuf, want))
		test_fail(__FILE__, __LINE__, "%s: stderr \"%s\" lacks \"%s\"", name, errbuf, want);
	CHECK_CONTAINS(errbuf, "nothing computed");
	CHECK(!exists(out));
	CHECK(!exists(obs));
}

static void refused(const char *name, const char *text, const char *want)
{
	refused_m(name, text, strlen(text), "eq5d", want);
}

static void malformed_values_are_located(void)
{
	char t[4096];

	hand_ts("hand-ts.csv", NULL);
#define BAD(name, row, want) \
	(snprintf(t, sizeof t, "%s%s", rec_header, row), refused(name, t, want))
	BAD("eq.csv", "AAA01,Hip Replacement,0,2017/18,0.2,1.7,0.7,20,40,38.5\n",
	    "eq.csv:2: column \"Post-Op Q EQ5D Index\": \"1.7\": expected an EQ-5D index from "
	    "-0.594 to 1, or * or blank when missing");
	BAD("eqtext.csv", "AAA01,Hip Replacement,0,2017/18,n/a,0.8,0.7,20,40,38.5\n",
	    "eqtext.csv:2: column \"Pre-Op Q EQ5D Index\": \"n/a\"");
	BAD("pred.csv", "AAA01,Hip Replacement,0,2017/18,0.2,0.8,-0.7,20,40,38.5\n",
	    "pred.csv:2: column \"Hip Replacement EQ5D Index Post-Op Q Predicted\": \"-0.7\"");
	/* The Oxford columns are read only for --measure oxford. */
#define BADOX(name, row, want) \
	(snprintf(t, sizeof t, "%s%s", rec_header, row), \
	 refused_m(name, t, strlen(t), "oxford", want))
	BADOX("ohs.csv", "AAA01,Hip Replacement,0,2017/18,0.2,0.8,0.7,20.5,40,38.5\n",
	      "ohs.csv:2: column \"Hip Replacement Pre-Op Q Score\": \"20.5\": expected an "
	      "Oxford score, a whole number from 0 to 48, or * or blank when missing");
	BADOX("ohs49.csv", "AAA01,Hip Replacement,0,2017/18,0.2,0.8,0.7,20,49,38.5\n",
	      "ohs49.csv:2: column \"Hip Replacement Post-Op Q Score\": \"49\"");
	BADOX("ohspred.csv", "AAA01,Hip Replacement,0,2017/18,0.2,0.8,0.7,20,40,48.01\n",
	      "ohspred.csv:2: column \"Hip Replacement OHS Post-Op Q Predicted\": \"48.01\": "
	      "expected a predicted score from 0 to 48");
#undef BADOX
	BAD("flag.csv", "AAA01,Hip Replacement,2,2017/18,0.2,0.8,0.7,20,40,38.5\n",
	    "flag.csv:2: column \"Revision Flag\": \"2\": expected 0 (primary) or 1 (revision)");
	BAD("year.csv", "AAA01,Hip Replacement,0,2017-18,0.2,0.8,0.7,20,40,38.5\n",
	    "year.csv:2: column \"Year\": \"2017-18\": expected a financial year such as 2017/18");
	BAD("year2.csv", "AAA01,Hip Replacement,0,2017/19,0.2,0.8,0.7,20,40,38.5\n",
	    "year2.csv:2: column \"Year\": \"2017/19\"");
	BAD("years.csv", "AAA01,Hip Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5\n"
			 "AAA01,Hip Replacement,0,2016/17,0.2,0.8,0.7,20,40,38.5\n",
	    "years.csv:3: column \"Year\": \"2016/17\": expected 2017/18, the year of line 2 "
	    "(one file holds one year)");
	BAD("proc.csv", "AAA01,Knee Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5\n",
	    "proc.csv:2: column \"Procedure\": \"Knee Replacement\": expected \"Hip "
	    "Replacement\", as the file's column names say");
	BAD("code.csv", "aaa01,Hip Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5\n",
	    "code.csv:2: column \"Provider Code\": \"aaa01\": expected a provider code of 3 to 8 "
	    "upper-case letters or digits");
	BAD("nocode.csv", ",Hip Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5\n",
	    "nocode.csv:2: column \"Provider Code\": \"\"");
	/* Every error is reported, in file order, each with its own line. */
	BAD("three.csv", "AAA01,Hip Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5\n"
			 "AAA01,Hip Replacement,0,2017/18,x,0.8,0.7,20,40,38.5\n"
			 "AAA01,Hip Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5\n"
			 "AAA01,Hip Replacement,7,2017/18,0.2,0.8,0.7,20,40,38.5\n"
			 "AAA01,Hip Replacement,0,2017/18,0.2,0.8,2,20,40,38.5\n",
	    "three.csv:3: column \"Pre-Op Q EQ5D Index\"");
	CHECK_CONTAINS(errbuf, "three.csv:5: column \"Revision Flag\"");
	CHECK_CONTAINS(errbuf, "three.csv:6: column \"Hip Replacement EQ5D Index Post-Op Q "
			       "Predicted\"");
	CHECK_CONTAINS(errbuf, "(3 errors)");
#undef BAD
}

static void bad_structure_is_located(void)
{
	char t[8192];

	hand_ts("hand-ts.csv", NULL);
	refused("empty.csv", "", "empty.csv:1: empty file: expected a header and at least one "
				 "record");
	refused("headonly.csv", rec_header, "headonly.csv:1: no records");
	/* Truncated: the last row stops mid-way. */
	snprintf(t, sizeof t, "%sAAA01,Hip Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5\n"
			      "AAA01,Hip Replacement,0,2017/1", rec_header);
	refused("cut.csv", t, "cut.csv:3: 4 fields: expected 10, as in the header");
	snprintf(t, sizeof t, "%sAAA01,Hip Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5\n"
			      "\"AAA01,Hip Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5\n",
		 rec_header);
	refused("quote.csv", t, "quote.csv:3: a quoted field is not closed before the end");
	/* A column named twice, even when both hold the same thing. */
	refused("twice.csv",
		"Provider Code,Procedure,Revision Flag,Year,Pre-Op Q EQ5D Index,Post-Op Q EQ5D "
		"Index,Hip Replacement EQ5D Index Post-Op Q Predicted,Hip Replacement Pre-Op Q "
		"Score,Hip Replacement Post-Op Q Score,Hip Replacement OHS Post-Op Q Predicted,"
		"Post-Op Q EQ5D Index\nAAA01,Hip Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5,0.8\n",
		"twice.csv:1: column \"Post-Op Q EQ5D Index\" is named twice (fields 6 and 11): "
		"expected each column once");
	refused("nopred.csv",
		"Provider Code,Procedure,Revision Flag,Year,Pre-Op Q EQ5D Index,Post-Op Q EQ5D "
		"Index,Hip Replacement Pre-Op Q Score\nAAA01,Hip Replacement,0,2017/18,0.2,0.8,20\n",
		"nopred.csv:1: column \"Hip Replacement EQ5D Index Post-Op Q Predicted\": missing: "
		"expected the columns Provider Code, Procedure, Revision Flag, Year");
	refused("noproc.csv", "a,b,c\n1,2,3\n", "noproc.csv:1: cannot tell the procedure");
	/* Hostile text: a formula, a shell line and terminal escapes are refused, shown inert. */
	snprintf(t, sizeof t, "%s\"=HYPERLINK(\"\"http://x\"\")\",Hip Replacement,0,2017/18,"
			      "0.2,0.8,0.7,20,40,38.5\n", rec_header);
	refused("formula.csv", t, "formula.csv:2: column \"Provider Code\": "
				  "\"=HYPERLINK(\"http://x\")\": expected a provider code");
	snprintf(t, sizeof t, "%sAAA01,=cmd|' /C calc'!A0,0,2017/18,0.2,0.8,0.7,20,40,38.5\n",
		 rec_header);
	refused("dde.csv", t, "dde.csv:2: column \"Procedure\": \"=cmd|' /C calc'!A0\"");
	snprintf(t, sizeof t, "%sAAA01,Hip Replacement,0,2017/18,\x1b[31m0.2,0.8,0.7,20,40,38.5\n",
		 rec_header);
	refused("esc.csv", t, "esc.csv:2: column \"Pre-Op Q EQ5D Index\": \"\\x1b[31m0.2\"");
	/* Invalid UTF-8 and a NUL byte. */
	snprintf(t, sizeof t, "%sAAA01,Hip \xff Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5\n",
		 rec_header);
	refused("utf.csv", t, "utf.csv:2: invalid UTF-8 at byte 4 of field 2: expected UTF-8 text");
	{
		size_t w = (size_t)snprintf(t, sizeof t, "%sAAA01,Hip Replacement,0,2017/18,0.2,",
					    rec_header);

		w += (size_t)snprintf(t + w, sizeof t - w, "0%c8,0.7,20,40,38.5\n", 0);
		refused_m("nul.csv", t, w, "eq5d", "nul.csv:2: NUL byte at byte 1 of field 6");
	}
	/* A 100 kB field. */
	{
		size_t hl = strlen(rec_header), n = hl + 100000 + 64;
		char *big = malloc(n);

		memcpy(big, rec_header, hl);
		memset(big + hl, 'A', 100000);
		snprintf(big + hl + 100000, n - hl - 100000,
			 ",Hip Replacement,0,2017/18,0.2,0.8,0.7,20,40,38.5\n");
		refused("big.csv", big, "big.csv:2: a field is longer than 65536 bytes");
		free(big);
	}
	/* Not a file, and bad options. */
	CHECK_INT(proms(tmp("none.csv"), tmp("hand-ts.csv"), "eq5d", tmp("x.csv"), NULL), 1);
	CHECK_CONTAINS(errbuf, "cannot open the file");
	CHECK_INT(proms(hand_file("opt.csv", NULL), tmp("hand-ts.csv"), "vas", tmp("x.csv"), NULL),
		  1);
	CHECK_CONTAINS(errbuf, "--measure vas: expected eq5d or oxford");
	CHECK_INT(proms(tmp("opt.csv"), tmp("hand-ts.csv"), "eq5d", tmp("x.csv"),
			(const char *[]){ "--observations", tmp("x.obs"), "--period", "17-18",
					  NULL }), 1);
	CHECK_CONTAINS(errbuf, "--period 17-18: expected a financial year such as 2017-18");
	CHECK(!exists(tmp("x.csv")) && !exists(tmp("x.obs")));
}

/* A bad time series: the run fails with WANT and writes nothing. */
static void ts_refused(const char *name, const char *text, const char *want)
{
	const char *in = hand_file("ts-in.csv", NULL);
	char out[600];

	write_text(tmp(name), text, strlen(text));
	snprintf(out, sizeof out, "%s.out", tmp(name));
	if (proms(in, tmp(name), "eq5d", out, NULL) != 1)
		test_fail(__FILE__, __LINE__, "%s: accepted", name);
	if (!strstr(errbuf, want))
		test_fail(__FILE__, __LINE__, "%s: stderr \"%s\" lacks \"%s\"", name, errbuf, want);
	CHECK_CONTAINS(errbuf, "nothing computed");
	CHECK(!exists(out));
}

static void bad_time_series_is_located(void)
{
	char t[4096];

	ts_refused("ts-year.csv",
		   "OrgCode,OrgName,Procedure,Measure,Modelled_Records_2016,"
		   "Adjusted_Health_Gain_2016,Outlier_2016\n"
		   "AAA01,A,Hip Replacement Primary,EQ-5D Index,30,0.5,Not an outlier\n",
		   "ts-year.csv:1: column \"Modelled_Records_2017\": missing: expected the columns "
		   "OrgCode, Procedure, Measure, Modelled_Records_2017");
	snprintf(t, sizeof t, "%sAAA01,A,Hip Replacement Primary,EQ-5D Index,30,0.5,Outlier\n",
		 ts_header);
	ts_refused("ts-label.csv", t, "ts-label.csv:2: column \"Outlier_2017\": \"Outlier\": "
				      "expected one of \"Not an outlier\"");
	snprintf(t, sizeof t, "%sAAA01,A,Hip Replacement Primary,EQ-5D Index,30,0.5,Not an "
			      "outlier\nAAA01,A,Hip Replacement Primary,EQ-5D Index,30,0.5,Not an "
			      "outlier\n", ts_header);
	ts_refused("ts-twice.csv", t, "ts-twice.csv:3: column \"OrgCode\": \"AAA01\" is given "
				      "twice for Hip Replacement Primary, EQ-5D Index");
	snprintf(t, sizeof t, "%s=1+1,A,Hip Replacement Primary,EQ-5D Index,30,0.5,Not an "
			      "outlier\n", ts_header);
	ts_refused("ts-code.csv", t, "ts-code.csv:2: column \"OrgCode\": \"=1+1\"");
	snprintf(t, sizeof t, "%sAAA01,A,Hip Replacement Primary,EQ-5D Index,thirty,0.5,Not an "
			      "outlier\n", ts_header);
	ts_refused("ts-n.csv", t, "ts-n.csv:2: column \"Modelled_Records_2017\": \"thirty\"");
	snprintf(t, sizeof t, "%sAAA01,A,Knee Replacement Primary,EQ-5D Index,30,0.5,Not an "
			      "outlier\n", ts_header);
	ts_refused("ts-none.csv", t, "ts-none.csv: no rows for \"Hip Replacement Primary\" and "
				     "\"EQ-5D Index\"");
	snprintf(t, sizeof t, "%sAAA01,A,Hip Replacement Primary,EQ-5D Index,30\n", ts_header);
	ts_refused("ts-cut.csv", t, "ts-cut.csv:2: 5 fields: expected 7, as in the header");
	ts_refused("ts-empty.csv", "", "ts-empty.csv:1: empty file");
}

int main(void)
{
	char cmd[64];

	if (!mkdtemp(dir))
		return 2;
	RUN(hand_worked_file_adjusts_classifies_and_compares);
	RUN(observations_import_with_the_custodian_profile);
	RUN(malformed_values_are_located);
	RUN(bad_structure_is_located);
	RUN(bad_time_series_is_located);
	RUN(real_data_agrees_with_the_publisher);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return test_done();
}
