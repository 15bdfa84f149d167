/*
 * bench/stats: XmR charts for 150 providers x 40 indicators x 60 months (360,000 points),
 * side by side with the R and Python peers in one run.
 *
 *   bench_stats [WORKDIR=/tmp/cu-bench-stats] [REPEATS=5]
 *
 * The custodian timed is the one beside this program (same build directory), so a bench built
 * in build-x times build-x/custodian; failing that, build/custodian of the source tree.
 * 1. Builds the peers' generator (../shared/peers/gen_series.c) and writes the series.
 * 2. Compute: the series are loaded once; stats_xmr runs over all 6,000 of them REPEATS times
 *    and the best time is reported (target: under 50 ms for the 360,000 points).
 * 3. End to end, each tool reading the CSV and writing its result, wall clock, best of
 *    REPEATS: `custodian stats xmr --screen off --trend 6` (the peers' rules), `Rscript
 *    spc.R`, `python3 spc.py`, each started by fork and exec (no shell between: its start is
 *    no part of any tool), the three taking turns round by round; the ratios are printed
 *    (target: at least 20 x faster than R).
 * 4. Agreement: custodian's output against R's, row by row on the keys: the four flags must
 *    be identical and mean and limits within 1e-9 relative.
 * A peer that is not installed (scripts/install-deps --peers) is reported and skipped.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "ingest/table.h"
#include "stats/spc.h"
#include "stats/stats.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The custodian binary beside this program, else CU_BENCH_HOME/build/custodian, into BUF. */
static const char *custodian_path(char *buf, size_t n)
{
	char self[1024];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);

	if (len > 0) {
		char *slash;

		self[len] = '\0';
		if ((slash = strrchr(self, '/'))) {
			*slash = '\0';
			snprintf(buf, n, "%s/custodian", self);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	snprintf(buf, n, "%s/build/custodian", CU_BENCH_HOME);
	return buf;
}

/*
 * Run ARGV (found on PATH) once, started directly (fork and exec: no shell, whose own start,
 * some 2 ms here, is no part of any tool), standard output and error to /dev/null. Its wall
 * time in seconds, or -1 when it cannot run or fails.
 */
static double timed(char *const argv[])
{
	double t0 = now();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return now() - t0;
}

/* Keep in *BEST the best of the times T (-1, a failure, sticks). */
static void keep_best(double *best, double t, int first)
{
	if (first || (*best >= 0 && (t < 0 || t < *best)))
		*best = t;
}

static int load(struct ingest_table *t, const char *path)
{
	struct cu_err err;
	char msg[1024];

	cu_err_clear(&err);
	if (ingest_table_load(t, path, &err) == 0)
		return 0;
	fprintf(stderr, "bench_stats: %s\n", cu_err_format(&err, msg, sizeof msg));
	ingest_table_release(t);
	return -1;
}

/* Compute only: all series, arrays in memory, sorted as generated. */
static void bench_compute(const char *series, int repeats)
{
	struct ingest_table t;
	double *x, best = -1;
	unsigned char *fl;
	size_t T = 60, nser;
	long flagged[4] = { 0 };

	if (load(&t, series))
		return;
	x = malloc(t.nrow * sizeof *x);
	fl = malloc(t.nrow);
	for (size_t r = 0; r < t.nrow; r++)
		x[r] = strtod(ingest_table_cell(&t, r, 3), NULL);
	nser = t.nrow / T;
	for (int rep = 0; rep < repeats; rep++) {
		struct stats_xmr_opts o;
		struct stats_xmr_segment seg;
		double t0 = now(), dt;

		stats_xmr_defaults(&o);
		o.screen = 0;
		o.trend_run = 6;
		for (size_t s = 0; s < nser; s++)
			if (stats_xmr(x + s * T, T, &o, &seg, 1, fl + s * T, NULL) != STATS_OK)
				fprintf(stderr, "bench_stats: series %zu refused\n", s);
		dt = now() - t0;
		if (best < 0 || dt < best)
			best = dt;
	}
	for (size_t i = 0; i < t.nrow; i++)
		for (int k = 0; k < 4; k++)
			flagged[k] += (fl[i] >> k) & 1;
	printf("compute: %zu series x %zu months = %zu points in %.2f ms (best of %d; target "
	       "< 50 ms)\n", nser, T, t.nrow, best * 1e3, repeats);
	printf("  points flagged: outside %ld shift %ld trend %ld two_of_three %ld\n", flagged[0],
	       flagged[1], flagged[2], flagged[3]);
	free(x);
	free(fl);
	ingest_table_release(&t);
}

/* Compare custodian's output with R's: both sorted by provider, indicator, month. */
static void agreement(const char *mine_path, const char *peer_path)
{
	static const char *const num[] = { "mean", "lcl", "ucl" };
	static const char *const flag[] = { "outside", "shift", "trend", "two_of_three" };
	struct ingest_table a, b;
	struct cu_err err;
	double worst = 0;
	long differ = 0;
	int ca[7], cb[7];

	if (load(&a, mine_path))
		return;
	if (load(&b, peer_path)) {
		ingest_table_release(&a);
		return;
	}
	cu_err_clear(&err);
	for (int k = 0; k < 7; k++) {
		const char *name = k < 3 ? num[k] : flag[k - 3];

		ca[k] = ingest_table_col(&a, name, &err);
		cb[k] = ingest_table_col(&b, name, &err);
	}
	if (err.code) {
		printf("agreement: FAIL, a column is missing: %s\n", err.msg);
		goto done;
	}
	if (a.nrow != b.nrow) {
		printf("agreement: FAIL rows %zu vs %zu\n", a.nrow, b.nrow);
		goto done;
	}
	for (size_t r = 0; r < a.nrow; r++) {
		for (int k = 0; k < 3; k++)
			if (strcmp(ingest_table_cell(&a, r, (size_t)k),
				   ingest_table_cell(&b, r, (size_t)k)) != 0) {
				printf("agreement: FAIL row %zu keys differ\n", r + 1);
				goto done;
			}
		for (int k = 0; k < 3; k++) {
			double x = strtod(ingest_table_cell(&a, r, (size_t)ca[k]), NULL);
			double y = strtod(ingest_table_cell(&b, r, (size_t)cb[k]), NULL);
			double rel = fabs(x - y) / (fabs(y) > 0 ? fabs(y) : 1);

			if (rel > worst)
				worst = rel;
		}
		for (int k = 3; k < 7; k++)
			differ += strcmp(ingest_table_cell(&a, r, (size_t)ca[k]),
					 ingest_table_cell(&b, r, (size_t)cb[k])) != 0;
	}
	printf("agreement with R: %zu rows, flags differing %ld, largest relative difference in "
	       "mean/lcl/ucl %.2e: %s\n", a.nrow, differ, worst,
	       differ == 0 && worst <= 1e-9 ? "PASS" : "FAIL");
done:
	ingest_table_release(&a);
	ingest_table_release(&b);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp/cu-bench-stats";
	int repeats = argc > 2 ? atoi(argv[2]) : 5;
	const char *peers = CU_BENCH_HOME "/../shared/peers";
	char cmd[4096], series[512], mine[512], rout[512], pyout[512], bin[1100];
	double tc = -1, tr = -1, tp = -1;

	stats_init();
	if (repeats < 1)
		repeats = 1;
	mkdir(dir, 0755);
	snprintf(series, sizeof series, "%s/series.csv", dir);
	snprintf(mine, sizeof mine, "%s/spc_custodian.csv", dir);
	snprintf(rout, sizeof rout, "%s/spc_r.csv", dir);
	snprintf(pyout, sizeof pyout, "%s/spc_py.csv", dir);
	snprintf(cmd, sizeof cmd, "cc -O2 -o %s/gen_series %s/gen_series.c -lm && "
		 "%s/gen_series 150 40 60 42 > %s", dir, peers, dir, series);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_stats: cannot build or run the generator (%s)\n", peers);
		return 1;
	}
	bench_compute(series, repeats * 4);

	{
		char rscript[1200], pyscript[1200];
		char *cu[] = { bin, "stats", "xmr", "--in", series,
			       "--out", mine, "--by", "provider_id,indicator_id", "--order", "month",
			       "--screen", "off", "--trend", "6", NULL };
		char *r[] = { "Rscript", rscript, series, rout, NULL };
		char *py[] = { "/usr/bin/python3", pyscript, series, pyout, NULL };

		custodian_path(bin, sizeof bin);
		snprintf(rscript, sizeof rscript, "%s/spc.R", peers);
		snprintf(pyscript, sizeof pyscript, "%s/spc.py", peers);
		/* Round by round, each tool once a round, so that all three meet the machine as
		 * it is at that moment (its speed drifts over minutes here). */
		for (int i = 0; i < repeats; i++) {
			keep_best(&tc, timed(cu), i == 0);
			keep_best(&tr, timed(r), i == 0);
			keep_best(&tp, timed(py), i == 0);
		}
	}
	printf("end to end (read CSV, compute, write CSV; each started by fork and exec), "
	       "best of %d:\n", repeats);
	printf("  custodian %8.1f ms   (%s)\n", tc * 1e3, bin);
	if (tr > 0)
		printf("  R         %8.1f ms   custodian is %.1f x faster (target >= 20 x)\n",
		       tr * 1e3, tr / tc);
	else
		printf("  R         not available (scripts/install-deps --peers)\n");
	if (tp > 0)
		printf("  Python    %8.1f ms   custodian is %.1f x faster\n", tp * 1e3, tp / tc);
	else
		printf("  Python    not available (scripts/install-deps --peers)\n");
	if (tr > 0)
		agreement(mine, rout);
	return 0;
}
