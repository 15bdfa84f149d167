/* custodian import: import CSV files, each in its own all-or-nothing transaction. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "ingest/import.h"

static const char usage[] =
	"usage: custodian import --profile NAME|PATH [--period PERIOD] [--dry-run] FILE...\n"
	"  --period  for spells files (--profile spells): the period they are about, such as\n"
	"            2023-24 (a financial year) or 2024-03 (a month)\n";

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

/* What landed from a spells file: the model's results, and which providers got no observation. */
static void spells_summary(const char *path, const struct ingest_profile *p,
			   const struct ingest_import_result *res, int dry_run)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];

	/* A code is any text the file used: shown quoted, control characters masked. */
	cu_err_quote(res->first_unlinked, strlen(res->first_unlinked), q, sizeof q);
	printf("%s: %s %lld spells for %s: %lld providers, %lld diagnosis groups, %lld %s "
	       "observations%s\n",
	       path, dry_run ? "checked" : "imported", res->rows_read, res->period_label,
	       res->providers, res->groups, (long long)res->observations, p->indicator,
	       dry_run ? "; nothing written (dry run)" : "");
	if (res->providers_unlinked == 1)
		printf("%s: provider code \"%s\" is not an organisation code (3 to 8 upper-case "
		       "letters or digits): its results are stored, without a %s observation\n",
		       path, q, p->indicator);
	else if (res->providers_unlinked)
		printf("%s: %lld provider codes (such as \"%s\") are not organisation codes (3 to 8 "
		       "upper-case letters or digits): their results are stored, without %s "
		       "observations\n",
		       path, res->providers_unlinked, q, p->indicator);
}

int cli_import_file(struct cu_ctx *ctx, struct store *s, const char *profile, const char *path,
		    const char *period, int dry_run, int skip_seen)
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
	o.period = period;
	if (isatty(STDERR_FILENO)) {
		clock_gettime(CLOCK_MONOTONIC, &bar.start);
		o.progress = progress;
		o.progress_arg = &bar;
	}
	rc = ingest_import(s, &ctx->actor, p, path, &o, res);
	if (bar.shown)
		fprintf(stderr, "\r%*s\r", 100, "");
	if (rc == 0 && p->target == INGEST_TARGET_SPELLS) {
		spells_summary(path, p, res, dry_run);
	} else if (rc == 0) {
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
		if (res->at_limit)
			fprintf(stderr, "custodian: %s: not imported, nothing was written (reading "
					"stops at %d errors: these are the first %d, and rows after them, "
					"if any, were not checked)\n", path, CU_MAX_ERRORS, CU_MAX_ERRORS);
		else
			fprintf(stderr, "custodian: %s: not imported, nothing was written (%zu "
					"error%s)\n", path, res->errors.n, res->errors.n == 1 ? "" : "s");
	}
	ingest_profile_free(p);
	free(res);
	return rc ? 1 : 0;
}


int cmd_import(struct cu_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "period", required_argument, NULL, 'P' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *profile = NULL, *period = NULL;
	struct store *s;
	int c, dry = 0, failed = 0;

	while ((c = getopt_long(argc, argv, "p:P:n", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile = optarg;
			break;
		case 'P':
			period = optarg;
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
		failed |= cli_import_file(ctx, s, profile, argv[i], period, dry, 0);
	store_close(s);
	return failed;
}
