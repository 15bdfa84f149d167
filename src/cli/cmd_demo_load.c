/*
 * custodian demo-load: load the demo data in data/demo once. Each file is imported with its
 * profile; a file already imported (same SHA-256) is skipped, so running it again changes
 * nothing.
 */
#include <stdio.h>

#include "cli/cli.h"

static const struct {
	const char *profile, *file;
} demo[] = {
	{ "locations", "data/demo/locations.csv" },
	{ "ae_attendances", "data/demo/ae_attendances.csv" },
	{ "maternity", "data/demo/hosp-epis-stat-mat-msdscsv-2020-21.csv" },
	{ "maternity", "data/demo/hosp-epis-stat-mat-msdscsv-2021-22.csv" },
};

int cmd_demo_load(struct cu_ctx *ctx, int argc, char **argv)
{
	struct store *s;
	int failed = 0;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: custodian demo-load\n");
		return 1;
	}
	if (!(s = cli_open(ctx, 0)))
		return 1;
	for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++) {
		char path[4096 + 64];

		/* A copy: cli_home_path's buffer is reused inside cli_import_file. */
		snprintf(path, sizeof path, "%s", cli_home_path(ctx, demo[i].file));
		failed |= cli_import_file(ctx, s, demo[i].profile, path, 0, 1);
	}
	store_close(s);
	return failed;
}
