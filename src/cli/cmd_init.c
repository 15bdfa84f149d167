/* custodian init: create or migrate the database and load the indicator catalogue. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "ingest/catalogue.h"

int cmd_init(struct cu_ctx *ctx, int argc, char **argv)
{
	const char *catalogue = NULL;
	struct store *s;
	struct cu_err err;
	int c, ns = 0, ni = 0, rc;

	while ((c = getopt(argc, argv, "c:")) != -1) {
		if (c == 'c') {
			catalogue = optarg;
		} else {
			fprintf(stderr, "usage: custodian init [-c CATALOGUE.json]\n");
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: custodian init [-c CATALOGUE.json]\n");
		return 1;
	}
	if (!(s = cli_open(ctx, 1)))
		return 1;
	if (!catalogue)
		catalogue = cli_home_path(ctx, "data/catalogue/catalogue.json");
	cu_err_clear(&err);
	rc = ingest_catalogue_load(s, &ctx->actor, catalogue, &ns, &ni, &err);
	if (rc == 0)
		printf("database %s ready (schema version %d); catalogue: %d services, %d "
		       "indicators\n",
		       ctx->db_path, store_schema_version(s), ns, ni);
	store_close(s);
	return rc ? cli_fail(&err) : 0;
}
