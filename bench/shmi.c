/*
 * bench_shmi [DIR] [N...]: risk-adjusted mortality end to end at national scale, side by side
 * with the peers in one run (issue 6). For each N (default 1, 5 and 17 million spells) the
 * peers' generator writes the spells once (not timed); then, each timed as a whole process
 * (wall time and peak RSS from wait4):
 *   custodian   custodian shmi --in --out --cusum-out  (read, aggregate, fit, limits, CUSUM)
 *   R pattern   Rscript shmi.R ... trim pattern        (glm on collapsed patterns, the fair bar)
 *   R CUSUM     Rscript cusum.R                        (R's CUSUM on R's fitted risks)
 * and checks agreement (provider table within 1e-6 relative, identical bands, identical CUSUM
 * counts and first alarms). Targets: 17M spells in under 3 s with peak RSS under 300 MB, at
 * least 4 x faster than R on collapsed patterns, time linear in N.
 * Set PEER_SPELL=1 to add R's glm per spell at the first N (slow: minutes at 5M and over).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "ingest/table.h"

struct run {
	double wall;   /* seconds, or -1 when it failed */
	double rss_mb; /* peak resident set */
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run CMD through sh -c (it should exec the program); wall time and the child's peak RSS. */
static struct run timed(const char *cmd)
{
	struct run r = { -1, 0 };
	struct rusage ru;
	double t0 = now();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
		return r;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		r.wall = now() - t0;
	r.rss_mb = (double)ru.ru_maxrss / 1024;
	return r;
}

static int load(struct ingest_table *t, const char *path)
{
	struct cu_err err;
	char msg[1024];

	cu_err_clear(&err);
	if (ingest_table_load(t, path, &err) == 0)
		return 0;
	fprintf(stderr, "bench_shmi: %s\n", cu_err_format(&err, msg, sizeof msg));
	ingest_table_release(t);
	return -1;
}

/*
 * Compare two tables row by row (both sorted the same way): the EXACT columns must match as
 * text, the NUM columns within 1e-6 relative. Prints one line; returns 1 when they agree.
 */
static int agree(const char *what, const char *mine, const char *peer,
		 const char *const *exact, size_t nexact, const char *const *num, size_t nnum)
{
	struct ingest_table a, b;
	struct cu_err err;
	double worst = 0;
	long differ = 0;
	int ok = 0;

	if (load(&a, mine))
		return 0;
	if (load(&b, peer)) {
		ingest_table_release(&a);
		return 0;
	}
	cu_err_clear(&err);
	if (a.nrow != b.nrow) {
		printf("    %s: FAIL, %zu rows vs %zu\n", what, a.nrow, b.nrow);
		goto done;
	}
	for (size_t k = 0; k < nexact + nnum; k++) {
		const char *name = k < nexact ? exact[k] : num[k - nexact];
		int ca = ingest_table_col(&a, name, &err), cb = ingest_table_col(&b, name, &err);

		if (ca < 0 || cb < 0) {
			printf("    %s: FAIL, no column %s\n", what, name);
			goto done;
		}
		for (size_t r = 0; r < a.nrow; r++) {
			const char *x = ingest_table_cell(&a, r, (size_t)ca);
			const char *y = ingest_table_cell(&b, r, (size_t)cb);

			if (k < nexact) {
				differ += strcmp(x, y) != 0;
			} else {
				double u = strtod(x, NULL), v = strtod(y, NULL);

				worst = fmax(worst, fabs(u - v) / (v != 0 ? fabs(v) : 1));
			}
		}
	}
	ok = differ == 0 && worst <= 1e-6;
	printf("    %s: %zu rows, %ld exact cells differ, largest relative difference %.1e: %s\n",
	       what, a.nrow, differ, worst, ok ? "PASS" : "FAIL");
done:
	ingest_table_release(&a);
	ingest_table_release(&b);
	return ok;
}

static void bench_n(const char *dir, const char *peers, long n, int first)
{
	static const char *const sx[] = { "provider_id", "observed", "band" };
	static const char *const sn[] = { "expected", "shmi", "lower95", "upper95", "lower998",
					   "upper998", "pois_lower95", "pois_upper95",
					   "pois_lower998", "pois_upper998", "tau2" };
	static const char *const cx[] = { "provider_id", "diag_group", "n", "alarms",
					   "first_alarm" };
	char spells[512], cmd[4096];
	struct run c, rp, rc, rs = { -1, 0 };
	struct stat st;

	snprintf(spells, sizeof spells, "%s/spells_%ld.csv", dir, n);
	if (stat(spells, &st) != 0) {
		snprintf(cmd, sizeof cmd, "%s/gen_spells %ld 42 > %s", dir, n, spells);
		if (system(cmd) != 0) {
			fprintf(stderr, "bench_shmi: the generator failed\n");
			return;
		}
		stat(spells, &st);
	}
	/* Once to warm the page cache, as the peers' timings assume. */
	snprintf(cmd, sizeof cmd, "cat %s > /dev/null", spells);
	if (system(cmd) != 0)
		return;
	snprintf(cmd, sizeof cmd, "exec %s/build/custodian shmi --in %s --out %s/c_%ld.csv "
		 "--cusum-out %s/cc_%ld.csv 2>%s/c_%ld.log", CU_BENCH_HOME, spells, dir, n, dir, n,
		 dir, n);
	c = timed(cmd);
	snprintf(cmd, sizeof cmd, "exec Rscript %s/shmi.R %s %s/r_%ld.csv %s/p_%ld.f64 trim pattern "
		 "2>/dev/null", peers, spells, dir, n, dir, n);
	rp = timed(cmd);
	snprintf(cmd, sizeof cmd, "exec Rscript %s/cusum.R %s %s/p_%ld.f64 %s/rc_%ld.csv "
		 "2>/dev/null", peers, spells, dir, n, dir, n);
	rc = rp.wall > 0 ? timed(cmd) : (struct run){ -1, 0 };
	if (first && getenv("PEER_SPELL")) {
		snprintf(cmd, sizeof cmd, "exec Rscript %s/shmi.R %s %s/rs_%ld.csv 2>/dev/null",
			 peers, spells, dir, n);
		rs = timed(cmd);
	}
	printf("%ld spells (%.0f MB):\n", n, (double)st.st_size / 1e6);
	printf("  custodian  %7.2f s %7.0f MB   %.3f s per million spells\n", c.wall, c.rss_mb,
	       c.wall / ((double)n / 1e6));
	if (rp.wall > 0) {
		printf("  R pattern  %7.2f s %7.0f MB   custodian %.1f x faster (target >= 4 x)\n",
		       rp.wall, rp.rss_mb, rp.wall / c.wall);
		printf("  R CUSUM    %7.2f s %7.0f MB   R model + CUSUM %.1f x custodian's time\n",
		       rc.wall, rc.rss_mb, (rp.wall + rc.wall) / c.wall);
	} else {
		printf("  R          not available (scripts/install-deps --peers)\n");
	}
	if (rs.wall > 0)
		printf("  R per spell%7.2f s %7.0f MB   custodian %.1f x faster\n", rs.wall,
		       rs.rss_mb, rs.wall / c.wall);
	if (c.wall > 0 && rp.wall > 0) {
		char mine[600], peer[600];

		snprintf(mine, sizeof mine, "%s/c_%ld.csv", dir, n);
		snprintf(peer, sizeof peer, "%s/r_%ld.csv", dir, n);
		agree("providers vs R", mine, peer, sx, 3, sn, 11);
		snprintf(mine, sizeof mine, "%s/cc_%ld.csv", dir, n);
		snprintf(peer, sizeof peer, "%s/rc_%ld.csv", dir, n);
		agree("CUSUM vs R", mine, peer, cx, 5, NULL, 0);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp/cu-bench-shmi";
	const char *peers = CU_BENCH_HOME "/../shared/peers";
	static const long def[] = { 1000000, 5000000, 17000000 };
	char cmd[2048];

	mkdir(dir, 0755);
	snprintf(cmd, sizeof cmd, "cc -O2 -o %s/gen_spells %s/gen_spells.c -lm", dir, peers);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_shmi: cannot build the generator (%s)\n", peers);
		return 1;
	}
	printf("bench_shmi: %ld cores; wall time and peak RSS of each whole process\n",
	       sysconf(_SC_NPROCESSORS_ONLN));
	if (argc > 2)
		for (int i = 2; i < argc; i++)
			bench_n(dir, peers, atol(argv[i]), i == 2);
	else
		for (size_t i = 0; i < sizeof def / sizeof *def; i++)
			bench_n(dir, peers, def[i], i == 0);
	return 0;
}
