/* custodian orgs: list organisations. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"

static int print_org(void *arg, const struct store_org *o)
{
	(void)arg;
	printf("%-8s  %-12s  %-10s  %s\n", o->code, model_org_kind_name(o->kind),
	       o->postcode[0] ? o->postcode : "-", o->name);
	return 0;
}

int cmd_orgs(struct cu_ctx *ctx, int argc, char **argv)
{
	struct store *s;
	struct cu_err err;
	int rc;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: custodian orgs\n");
		return 1;
	}
	if (!(s = cli_open(ctx, 0)))
		return 1;
	cu_err_clear(&err);
	printf("%-8s  %-12s  %-10s  %s\n", "CODE", "KIND", "POSTCODE", "NAME");
	rc = store_org_list(s, &ctx->actor, print_org, NULL, &err);
	store_close(s);
	return rc ? cli_fail(&err) : 0;
}
