/* custodian serve: serve the web application until interrupted. */
#include <getopt.h>
#include <stdio.h>

#include "base/num.h"
#include "cli/cli.h"
#include "web/server.h"

static const char usage[] = "usage: custodian serve [--port N] [--address A] [--quiet]\n";

int cmd_serve(struct cu_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = { { "port", required_argument, NULL, 'p' },
						  { "address", required_argument, NULL, 'a' },
						  { "quiet", no_argument, NULL, 'q' },
						  { NULL, 0, NULL, 0 } };
	struct web_config cfg = { .address = "127.0.0.1", .port = 8080 };
	struct store *s;
	struct cu_err err;
	long long port;
	int c;

	cu_err_clear(&err);
	while ((c = getopt_long(argc, argv, "p:a:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (cu_num_int(cu_str_of(optarg), 0, 65535, &port, &err))
				return cli_fail(&err);
			cfg.port = (unsigned)port;
			break;
		case 'a':
			cfg.address = optarg;
			break;
		case 'q':
			cfg.quiet = 1;
			break;
		default:
			fputs(usage, stderr);
			return 1;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 1;
	}
	/* Open once to migrate and to fail early on a missing database. */
	if (!(s = cli_open(ctx, 0)))
		return 1;
	store_close(s);
	cfg.db_path = ctx->db_path;
	cfg.home = ctx->home;
	return web_serve(&cfg, &err) ? cli_fail(&err) : 0;
}
