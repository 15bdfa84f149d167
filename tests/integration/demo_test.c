/*
 * End to end on the shipped demo data, through the real binary and a real SQLite file:
 * `custodian init` then `custodian demo-load`, then figures read back through the store and
 * compared with values worked out from the source files by hand (awk commands in comments).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "support/proc.h"
#include "test.h"

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

int main(void)
{
	char cmd[128];

	if (!mkdtemp(dir))
		return 2;
	snprintf(db, sizeof db, "%s/demo.db", dir);
	RUN(demo_loads_once_with_known_figures);
	RUN(locations_name_with_comma_kept_whole);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return test_done();
}
