/* custodian indicators: list the indicator catalogue. */
#include <stdio.h>

#include "cli/cli.h"

static int print_ind(void *arg, const struct store_indicator *v)
{
	(void)arg;
	printf("%-26s  %-10s  %-13s  %-10s  %-16s  %s\n", v->code, v->service,
	       model_domain_name(v->domain), model_measure_name(v->measure),
	       model_polarity_name(v->polarity), v->title);
	return 0;
}

int cmd_indicators(struct cu_ctx *ctx, int argc, char **argv)
{
	struct store *s;
	struct cu_err err;
	int rc;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: custodian indicators\n");
		return 1;
	}
	if (!(s = cli_open(ctx, 0)))
		return 1;
	cu_err_clear(&err);
	printf("%-26s  %-10s  %-13s  %-10s  %-16s  %s\n", "CODE", "SERVICE", "DOMAIN", "MEASURE",
	       "POLARITY", "TITLE");
	rc = store_indicator_list(s, &ctx->actor, print_ind, NULL, &err);
	store_close(s);
	return rc ? cli_fail(&err) : 0;
}
