/*
 * custodian series: one organisation's series for one indicator, as it was known at a time:
 * "did we know?" from the command line.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "usage: custodian series [--as-of DATE|TIME] ORG INDICATOR\n";

static void num(const char *label, bool has, double v)
{
	if (has)
		printf("%s=%.10g", label, v);
	else
		printf("%s=", label);
}

static int print_obs(void *arg, const struct store_obs *o)
{
	(void)arg;
	printf("%s  rev %d  %-10s  ", o->period_start, o->revision, model_obs_status_name(o->status));
	num("numerator", o->has_numerator, o->numerator);
	printf("  ");
	num("denominator", o->has_denominator, o->denominator);
	printf("  ");
	num("value", o->has_value, o->value);
	printf("  recorded %s\n", o->recorded_at);
	return 0;
}

int cmd_series(struct cu_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = { { "as-of", required_argument, NULL, 'a' },
						  { NULL, 0, NULL, 0 } };
	const char *as_of = NULL;
	struct store_indicator ind;
	struct store_org org;
	struct store *s;
	struct cu_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "a:", longopts, NULL)) != -1) {
		if (c != 'a') {
			fputs(usage, stderr);
			return 1;
		}
		as_of = optarg;
	}
	if (argc - optind != 2) {
		fputs(usage, stderr);
		return 1;
	}
	if (!(s = cli_open(ctx, 0)))
		return 1;
	cu_err_clear(&err);
	rc = store_org_get(s, &ctx->actor, argv[optind], &org, &err);
	if (!rc)
		rc = store_indicator_get(s, &ctx->actor, cu_str_of(argv[optind + 1]), &ind, &err);
	if (!rc)
		rc = store_obs_series(s, &ctx->actor, org.id, ind.id, as_of, print_obs, NULL, &err);
	store_close(s);
	return rc ? cli_fail(&err) : 0;
}
