/* custodian import: import CSV files, each in its own all-or-nothing transaction. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "ingest/import.h"

static const char usage[] = "usage: custodian import --profile NAME|PATH [--dry-run] FILE...\n";

struct bar {
	struct timespec start;
	int shown;
};

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A one-line progress bar on the terminal: bytes, share done, rows and rows per second. */
static void progress(void *arg, int64_t bytes, int64_t total, long long records)
{
	struct bar *b = arg;
	double secs = since(&b->start);
	int pct = total > 0 ? (int)(100.0 * (double)bytes / (double)total) : 0;
	char bar[31];

	for (int i = 0; i < 30; i++)
		bar[i] = i < pct * 30 / 100 ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r  [%s] %3d%%  %.1f MB  %lld rows  %.0f rows/s ", bar, pct,
		(double)bytes / 1e6, records, secs > 0 ? (double)records / secs : 0.0);
	b->shown = 1;
}

int cli_import_file(struct cu_ctx *ctx, struct store *s, const char *profile, const char *path,
		    int dry_run, int skip_seen)
{
	struct ingest_import_opts o = { 0 };
	struct ingest_import_result *res = xcalloc(1, sizeof *res);
	struct ingest_profile *p;
	struct store_import prev;
	struct bar bar = { 0 };
	struct cu_err err;
	char line[1024];
	int rc;

	cu_err_clear(&err);
	if (!(p = ingest_profile_load(cli_home_path(ctx, "profiles"), profile, &err))) {
		free(res);
		return cli_fail(&err);
	}
	o.dry_run = dry_run;
	if (isatty(STDERR_FILENO)) {
		clock_gettime(CLOCK_MONOTONIC, &bar.start);
		o.progress = progress;
		o.progress_arg = &bar;
	}
	rc = ingest_import(s, &ctx->actor, p, path, &o, res);
	if (bar.shown)
		fprintf(stderr, "\r%*s\r", 100, "");
	if (rc == 0) {
		printf("%s: %s %lld rows (%lld kept, %lld accepted), %lld %s%s\n", path,
		       dry_run ? "checked" : "imported", res->rows_read, res->rows_kept,
		       res->rows_accepted, (long long)res->observations,
		       p->target == INGEST_TARGET_ORGANISATIONS ? "organisations" : "observations",
		       dry_run ? "; nothing written (dry run)" : "");
	} else if (skip_seen && res->sha256[0] &&
		   store_import_find_sha(s, &ctx->actor, res->sha256, &prev, NULL) == 0) {
		printf("%s: already loaded (import %lld at %s)\n", path, (long long)prev.id,
		       prev.started_at);
		rc = 0;
	} else {
		for (size_t i = 0; i < res->errors.n; i++)
			fprintf(stderr, "%s\n", cu_err_format(&res->errors.e[i], line, sizeof line));
		if (res->errors.dropped)
			fprintf(stderr, "... and %zu more errors not shown\n", res->errors.dropped);
		fprintf(stderr, "custodian: %s: not imported, nothing was written (%zu error%s%s)\n",
			path, cu_errlist_total(&res->errors),
			cu_errlist_total(&res->errors) == 1 ? "" : "s",
			res->stopped && cu_errlist_total(&res->errors) >= CU_MAX_ERRORS
				? "; stopped reading at the error limit"
				: "");
	}
	ingest_profile_free(p);
	free(res);
	return rc ? 1 : 0;
}

int cmd_import(struct cu_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *profile = NULL;
	struct store *s;
	int c, dry = 0, failed = 0;

	while ((c = getopt_long(argc, argv, "p:n", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile = optarg;
			break;
		case 'n':
			dry = 1;
			break;
		default:
			fputs(usage, stderr);
			return 1;
		}
	}
	if (!profile || optind >= argc) {
		fputs(usage, stderr);
		return 1;
	}
	if (!(s = cli_open(ctx, 0)))
		return 1;
	for (int i = optind; i < argc; i++)
		failed |= cli_import_file(ctx, s, profile, argv[i], dry, 0);
	store_close(s);
	return failed;
}
