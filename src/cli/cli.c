/* Shared command-line helpers; see cli.h. */
#include "cli/cli.h"

#include <stdio.h>

struct store *cli_open(struct cu_ctx *ctx, int create)
{
	struct store *s = NULL;
	struct cu_err err;

	cu_err_clear(&err);
	if (store_open(ctx->db_path, create ? STORE_OPEN_CREATE : 0, &s, &err)) {
		cli_fail(&err);
		return NULL;
	}
	return s;
}

int cli_fail(const struct cu_err *err)
{
	char line[1024];

	fprintf(stderr, "custodian: %s\n", cu_err_format(err, line, sizeof line));
	return 1;
}

const char *cli_home_path(const struct cu_ctx *ctx, const char *rel)
{
	static char buf[4096 + 64];

	snprintf(buf, sizeof buf, "%s/%s", ctx->home, rel);
	return buf;
}
