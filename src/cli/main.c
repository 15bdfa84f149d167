/*
 * custodian: the command line. `custodian [-d DB] COMMAND [ARGS]`; each command lives in its
 * own cmd_<name>.c. Exit status is 0 on success and 1 on any error.
 */
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "stats/stats.h"

static const struct {
	const char *name;
	int (*fn)(struct cu_ctx *ctx, int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "init", cmd_init, "create or migrate the database and load the indicator catalogue" },
	{ "import", cmd_import, "import CSV files with a profile: import --profile P FILE..." },
	{ "orgs", cmd_orgs, "list organisations" },
	{ "indicators", cmd_indicators, "list the indicator catalogue" },
	{ "series", cmd_series, "print one organisation's series for an indicator, as known on a date" },
	{ "demo-load", cmd_demo_load, "load the demo data once (skips files already imported)" },
	{ "shmi", cmd_shmi, "risk-adjusted mortality from spells: shmi --in SPELLS.csv --out SHMI.csv" },
	{ "proms", cmd_proms, "PROMs adjusted health gain and funnel: proms --in --time-series --measure --out" },
	{ "stats", cmd_stats, "run a statistical method over a CSV file: stats METHOD --in --out" },
	{ "serve", cmd_serve, "serve the web application: serve [--port N] [--address A]" },
	{ "user", cmd_user, "manage sign-in users: user add --username U --role R ... | list" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: custodian [-d DB] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n-d DB (or $CUSTODIAN_DB) names the database file; default var/custodian.db\n");
}

/* The folder holding profiles/ and data/: $CUSTODIAN_HOME, the binary's parent, or ".". */
static void find_home(struct cu_ctx *ctx)
{
	const char *env = getenv("CUSTODIAN_HOME");
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	struct stat sb;
	ssize_t n;

	snprintf(ctx->home, sizeof ctx->home, "%s", env && *env ? env : ".");
	if (env && *env)
		return;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(exe, '/');

		if (!slash)
			return;
		*slash = '\0';
		snprintf(probe, sizeof probe, "%s/profiles", exe);
		if (stat(probe, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			snprintf(ctx->home, sizeof ctx->home, "%s", exe);
			return;
		}
	}
}

int main(int argc, char **argv)
{
	struct cu_ctx ctx = { 0 };
	const char *env = getenv("CUSTODIAN_DB");
	int c;

	stats_init();
	store_init();
	if (sodium_init() < 0) {
		fprintf(stderr, "custodian: cannot initialise libsodium\n");
		return 1;
	}
	ctx.db_path = env && *env ? env : "var/custodian.db";
	find_home(&ctx);
	ctx.actor.role = MODEL_ROLE_SYSTEM; /* named by cli_open, which alone needs the name */

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	while ((c = getopt(argc, argv, "+d:h")) != -1) {
		switch (c) {
		case 'd':
			ctx.db_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[optind], commands[i].name) == 0) {
			char **sub = argv + optind;
			int subc = argc - optind;

			optind = 1; /* each command runs its own getopt over its arguments */
			return commands[i].fn(&ctx, subc, sub) ? 1 : 0;
		}
	fprintf(stderr, "custodian: unknown command \"%s\"\n", argv[optind]);
	usage(stderr);
	return 1;
}
