/*
 * Standardised rates and ratios against the published tables of PHEindicatormethods
 * (../shared/data/reference/pheindicatormethods): test_DSR_results.csv (areas of
 * test_multiarea.csv on the 2013 European standard population in esp2013.csv, and the 1976
 * standard of test_DSR_1976.csv), test_ISR_results.csv (the same areas, and those of
 * test_err2.csv, on the reference rates of test_ISR_refdata.csv), and the error inputs
 * test_err1-4.csv. Tolerance 1e-9 relative: the tables print 15 significant digits.
 */
#include <math.h>
#include <string.h>

#include "stats/stats.h"
#include "stats/std.h"
#include "support/refcsv.h"
#include "test.h"

#define TOL 1e-9

static int load(struct refcsv *t, const char *name)
{
	char rel[160];

	snprintf(rel, sizeof rel, "reference/pheindicatormethods/%s", name);
	if (refcsv_load(t, test_data_path(rel)) == 0)
		return 1;
	test_fail(__FILE__, __LINE__, "%s loads", name);
	return 0;
}

/* The strata of AREA in T (column AREACOL; all rows when NULL) into x, n (and w from WCOL). */
static size_t strata(const struct refcsv *t, const char *areacol, const char *area,
		     const char *xcol, const char *ncol, const char *wcol, double *x, double *n,
		     double *w)
{
	size_t k = 0;

	for (size_t r = 0; r < t->nrow && k < 64; r++) {
		if (areacol && strcmp(refcsv_get(t, r, areacol), area) != 0)
			continue;
		x[k] = refcsv_num(t, r, xcol);
		n[k] = refcsv_num(t, r, ncol);
		if (wcol)
			w[k] = refcsv_num(t, r, wcol);
		k++;
	}
	return k;
}

/*
 * Every DSR row of test_DSR_results.csv except the "non-independent events" method (not
 * built; see docs/methods.md). The 1976 case: its published 99.8% limits (7659.28, 9599.21
 * per 10,000) are ten times the true ones, a known defect of the table (INDEX.md). Worked
 * independently from the 18 strata with the formulas of std.h (a spreadsheet: O = 804,
 * sum w x/n and sum w^2 x/n^2, Byar's limits of 804 at z = 3.090232), the 99.8% limits per
 * 10,000 are 765.928210656896 and 959.921179857170: a tenth of the published ones, as the
 * check below asserts for both, so a change in either is seen.
 */
static void dsr_matches_reference(void)
{
	struct refcsv res, multi, esp, y76;
	double x[64], n[64], w[64];
	int checked = 0;

	if (!load(&res, "test_DSR_results.csv") || !load(&multi, "test_multiarea.csv") ||
	    !load(&esp, "esp2013.csv") || !load(&y76, "test_DSR_1976.csv"))
		return;
	for (size_t r = 0; r < res.nrow; r++) {
		const char *area = refcsv_get(&res, r, "area"), *stat = refcsv_get(&res, r, "statistic");
		double k = strstr(stat, "100000") ? 100000 : 10000;
		struct stats_interval a, b;
		size_t m;

		if (strstr(refcsv_get(&res, r, "method"), "non-independent"))
			continue;
		if (strcmp(area, "testdata_1976") == 0) {
			m = strata(&y76, NULL, NULL, "count", "pop", "esp1976", x, n, w);
		} else {
			m = strata(&multi, "area", area, "count", "pop", NULL, x, n, NULL);
			for (size_t i = 0; i < m; i++)
				w[i] = refcsv_num(&esp, i, "value");
		}
		if (isnan(refcsv_num(&res, r, "value"))) { /* "dsr NA for total count < 10" */
			CHECK_INT(stats_dsr(x, n, w, m, k, 0.95, &a), STATS_EDOM);
			checked++;
			continue;
		}
		CHECK_INT(stats_dsr(x, n, w, m, k, 0.95, &a), STATS_OK);
		CHECK_INT(stats_dsr(x, n, w, m, k, 0.998, &b), STATS_OK);
		CHECK_NEAR(a.est, refcsv_num(&res, r, "value"), TOL);
		CHECK_NEAR(a.lower, refcsv_num(&res, r, "lower95_0cl"), TOL);
		CHECK_NEAR(a.upper, refcsv_num(&res, r, "upper95_0cl"), TOL);
		if (strcmp(area, "testdata_1976") == 0) {
			CHECK_NEAR(b.lower * 10, refcsv_num(&res, r, "lower99_8cl"), TOL);
			CHECK_NEAR(b.upper * 10, refcsv_num(&res, r, "upper99_8cl"), TOL);
			if (k == 10000) {
				CHECK_NEAR(b.lower, 765.928210656896, TOL);
				CHECK_NEAR(b.upper, 959.921179857170, TOL);
			}
		} else {
			CHECK_NEAR(b.lower, refcsv_num(&res, r, "lower99_8cl"), TOL);
			CHECK_NEAR(b.upper, refcsv_num(&res, r, "upper99_8cl"), TOL);
		}
		checked++;
	}
	CHECK_INT(checked, 8);
	refcsv_free(&res);
	refcsv_free(&multi);
	refcsv_free(&esp);
	refcsv_free(&y76);
}

/* Every row of test_ISR_results.csv: E from the area's populations and the reference rates. */
static void isr_matches_reference(void)
{
	struct refcsv res, multi, err2, ref;
	double pop[64], cnt[64], rx[64], rn[64];
	int checked = 0;

	if (!load(&res, "test_ISR_results.csv") || !load(&multi, "test_multiarea.csv") ||
	    !load(&err2, "test_err2.csv") || !load(&ref, "test_ISR_refdata.csv"))
		return;
	for (size_t i = 0; i < ref.nrow; i++) {
		rx[i] = refcsv_num(&ref, i, "refcount");
		rn[i] = refcsv_num(&ref, i, "refpop");
	}
	for (size_t r = 0; r < res.nrow; r++) {
		const char *area = refcsv_get(&res, r, "area"), *stat = refcsv_get(&res, r, "statistic");
		const struct refcsv *src = strncmp(area, "Area", 4) == 0 ? &err2 : &multi;
		double o = refcsv_num(&res, r, "observed"), e, scale, sumx = 0, sumn = 0;
		struct stats_interval a, b;
		size_t m = strata(src, "area", area, "count", "pop", NULL, cnt, pop, NULL);
		int exact;

		CHECK_INT(m, ref.nrow);
		CHECK_INT(stats_isr_expected(pop, rx, rn, m, &e), STATS_OK);
		CHECK_NEAR(e, refcsv_num(&res, r, "expected"), TOL);
		for (size_t i = 0; i < ref.nrow; i++)
			sumx += rx[i], sumn += rn[i];
		if (strstr(stat, "rate per 100000"))
			scale = 100000 * sumx / sumn;
		else if (strstr(stat, "rate per 1000"))
			scale = 1000 * sumx / sumn;
		else if (strstr(stat, "ratio x 100"))
			scale = 100;
		else
			scale = 1;
		if (!isnan(refcsv_num(&res, r, "ref_rate")))
			CHECK_NEAR(scale, refcsv_num(&res, r, "ref_rate"), TOL);
		CHECK_INT(stats_isr(o, e, scale, 0.95, &a, &exact), STATS_OK);
		CHECK_INT(exact, strcmp(refcsv_get(&res, r, "method"), "Exact") == 0);
		CHECK_NEAR(a.est, refcsv_num(&res, r, "value"), TOL);
		CHECK_NEAR(a.lower, refcsv_num(&res, r, "lower95_0cl"), TOL);
		CHECK_NEAR(a.upper, refcsv_num(&res, r, "upper95_0cl"), TOL);
		if (!isnan(refcsv_num(&res, r, "lower99_8cl"))) {
			CHECK_INT(stats_isr(o, e, scale, 0.998, &b, NULL), STATS_OK);
			CHECK_NEAR(b.lower, refcsv_num(&res, r, "lower99_8cl"), TOL);
			CHECK_NEAR(b.upper, refcsv_num(&res, r, "upper99_8cl"), TOL);
		}
		checked++;
	}
	CHECK_INT(checked, 16);
	refcsv_free(&res);
	refcsv_free(&multi);
	refcsv_free(&err2);
	refcsv_free(&ref);
}

/*
 * The published error inputs: a negative count (err1), a population of 0 (err2, fine for an
 * ISR's expected count, refused for a DSR), a negative population (err3), a negative
 * standard population (err4).
 */
static void error_inputs_are_refused(void)
{
	static const char *const files[] = { "test_err1.csv", "test_err3.csv", "test_err4.csv" };
	double x[64], n[64], w[64], e;
	struct stats_interval a;
	struct refcsv t;

	for (int f = 0; f < 3; f++) {
		size_t m;

		if (!load(&t, files[f]))
			continue;
		m = strata(&t, NULL, NULL, "count", "pop", "stdpop", x, n, w);
		CHECK_INT(stats_dsr(x, n, w, m, 100000, 0.95, &a), STATS_EDOM);
		refcsv_free(&t);
	}
	if (load(&t, "test_err2_esp.csv")) {
		size_t m = strata(&t, "area", "Area1", "count", "pop", "esp2013", x, n, w);

		CHECK_INT(stats_dsr(x, n, w, m, 100000, 0.95, &a), STATS_EDOM);
		refcsv_free(&t);
	}
	/* Reference populations of 0, negative populations, nothing at all. */
	double rx[2] = { 1, 2 }, rn[2] = { 10, 0 }, pop[2] = { 5, 5 };
	CHECK_INT(stats_isr_expected(pop, rx, rn, 2, &e), STATS_EDOM);
	rn[1] = 10, pop[1] = -1;
	CHECK_INT(stats_isr_expected(pop, rx, rn, 2, &e), STATS_EDOM);
	CHECK_INT(stats_isr_expected(pop, rx, rn, 0, &e), STATS_EDOM);
	CHECK_INT(stats_isr(5, 0, 1, 0.95, &a, NULL), STATS_EDOM);
	CHECK_INT(stats_isr(2.5, 3, 1, 0.95, &a, NULL), STATS_EDOM);
	CHECK_INT(stats_isr(5, 3, 1, 1.2, &a, NULL), STATS_ERANGE);
	CHECK_INT(stats_dsr(x, n, w, 0, 1, 0.95, &a), STATS_EDOM);
	x[0] = 20, n[0] = 100, w[0] = 0;
	CHECK_INT(stats_dsr(x, n, w, 1, 1, 0.95, &a), STATS_EDOM); /* weights sum to 0 */
	w[0] = 1, x[0] = NAN;
	CHECK_INT(stats_dsr(x, n, w, 1, 1, 0.95, &a), STATS_EDOM);
	x[0] = 20;
	CHECK_INT(stats_dsr(x, n, w, 1, 1, 0, &a), STATS_ERANGE);
	CHECK_INT(stats_dsr(x, n, w, 1, -1, 0.95, &a), STATS_ERANGE);
	/* One stratum: the DSR is the crude rate, 20 per 100 = 0.2. */
	CHECK_INT(stats_dsr(x, n, w, 1, 1, 0.95, &a), STATS_OK);
	CHECK_NEAR(a.est, 0.2, 1e-15);
}

int main(void)
{
	stats_init();
	RUN(dsr_matches_reference);
	RUN(isr_matches_reference);
	RUN(error_inputs_are_refused);
	return test_done();
}
