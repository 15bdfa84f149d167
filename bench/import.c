/*
 * bench/import: end-to-end import speed and memory.
 *
 *   bench_import [ROWS=1000000] [WORKDIR=/tmp]
 *
 * Generates ROWS observations in custodian's own format (docs/formats.md), creates a fresh
 * database, loads the catalogue and imports the file through the same path as
 * `custodian import --profile custodian`, then prints rows per second and the process's peak
 * resident memory. Generation is not timed. The target (issue 3): at least 300,000 rows/s and
 * a peak RSS under 100 MB whatever the file size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "ingest/catalogue.h"
#include "ingest/import.h"
#include "stats/stats.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Rows cycle through indicators (proportion, count, rate), organisations, then months. */
static void generate(const char *path, long long rows)
{
	static const char *const ind[] = { "AE_4HR_BREACH_T1", "HCAI_MRSA", "HCAI_CDIFF_RATE",
					   "FFT_RECOMMEND", "NEVER_EVENTS" };
	const int nind = 5;
	long long orgs = rows / (nind * 240) + 1; /* at most 240 months: 2000-04 onwards */
	FILE *f = fopen(path, "w");
	unsigned long long x = 88172645463325252ULL;

	if (!f) {
		perror(path);
		exit(1);
	}
	fputs("org_code,indicator,period,numerator,denominator,value\n", f);
	for (long long r = 0; r < rows; r++) {
		long long k = r / nind, o = k % orgs, mth = k / orgs;
		int i = (int)(r % nind), y = 2000 + (int)((mth + 3) / 12), m = (int)((mth + 3) % 12) + 1;
		unsigned long long den, num;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift: deterministic data */
		den = 1000 + x % 9000;
		num = x % (den / 10 + 1);
		fprintf(f, "B%05lld,%s,%04d-%02d,", o, ind[i], y, m);
		if (i == 1 || i == 4)
			fprintf(f, ",,%llu\n", num % 5);
		else
			fprintf(f, "%llu,%llu,\n", num, den);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	long long rows = argc > 1 ? strtoll(argv[1], NULL, 10) : 1000000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	char csv[512], db[512], wal[560], shm[560];
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	struct cu_actor a = { .name = "bench", .role = MODEL_ROLE_SYSTEM };
	struct ingest_profile *p;
	struct store *s;
	struct cu_err err;
	struct rusage ru;
	double t0, t1;
	int rc;

	store_init(); /* as custodian's main does, before SQLite starts */
	stats_init();
	if (rows <= 0) {
		fprintf(stderr, "usage: bench_import [ROWS] [WORKDIR]\n");
		return 1;
	}
	snprintf(csv, sizeof csv, "%s/bench_import_%lld.csv", dir, rows);
	snprintf(db, sizeof db, "%s/bench_import_%lld.db", dir, rows);
	snprintf(wal, sizeof wal, "%s-wal", db);
	snprintf(shm, sizeof shm, "%s-shm", db);
	generate(csv, rows);
	unlink(db), unlink(wal), unlink(shm);
	cu_err_clear(&err);
	if (store_open(db, STORE_OPEN_CREATE, &s, &err) ||
	    ingest_catalogue_load(s, &a, CU_BENCH_HOME "/data/catalogue/catalogue.json", NULL, NULL,
				  &err) ||
	    !(p = ingest_profile_load(CU_BENCH_HOME "/profiles", "custodian", &err))) {
		fprintf(stderr, "bench_import: %s\n", err.msg);
		return 1;
	}
	t0 = now();
	rc = ingest_import(s, &a, p, csv, NULL, res);
	t1 = now();
	getrusage(RUSAGE_SELF, &ru);
	if (rc) {
		char line[1024];

		fprintf(stderr, "bench_import: import failed: %s\n",
			res->errors.n ? cu_err_format(&res->errors.e[0], line, sizeof line) : "?");
		return 1;
	}
	printf("rows=%lld bytes=%lld seconds=%.3f rows_per_s=%.0f peak_rss_mb=%.1f\n",
	       res->rows_read, (long long)res->bytes, t1 - t0, (double)res->rows_read / (t1 - t0),
	       (double)ru.ru_maxrss / 1024.0);
	ingest_profile_free(p);
	store_close(s);
	free(res);
	unlink(csv), unlink(db), unlink(wal), unlink(shm);
	return 0;
}
