/*
 * custodian serve: serve the web application until interrupted. Settings come from an INI
 * file (--config FILE, section [server]: address, port, database, quiet, secure,
 * per_ip_connections) and then
 * from the command line, which wins.
 */
#include <getopt.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/num.h"
#include "cli/cli.h"
#include "web/server.h"

static const char usage[] =
	"usage: custodian serve [--config FILE] [--port N] [--address A] [--quiet] [--secure]\n";

struct ini_state {
	struct web_config *cfg;
	char *address, *database; /* owned copies */
	struct cu_err *err;
};

static int yes_no(const char *v, int *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/* One "key = value" of the file; 0 stops the parse at this line (an unknown or bad key). */
static int on_ini(void *user, const char *section, const char *key, const char *value)
{
	struct ini_state *st = user;
	long long port;

	if (strcmp(section, "server") != 0) {
		cu_err_set(st->err, CU_EINVAL, "section [%.32s]: expected [server]", section);
		return 0;
	}
	if (strcmp(key, "address") == 0) {
		free(st->address);
		st->address = xstrdup(value);
	} else if (strcmp(key, "database") == 0) {
		free(st->database);
		st->database = xstrdup(value);
	} else if (strcmp(key, "port") == 0) {
		if (cu_num_int(cu_str_of(value), 0, 65535, &port, st->err))
			return 0;
		st->cfg->port = (unsigned)port;
	} else if (strcmp(key, "per_ip_connections") == 0) {
		if (cu_num_int(cu_str_of(value), 1, 100000, &port, st->err))
			return 0;
		st->cfg->per_ip = (unsigned)port;
	} else if (strcmp(key, "quiet") == 0 || strcmp(key, "secure") == 0) {
		if (yes_no(value, key[0] == 'q' ? &st->cfg->quiet : &st->cfg->secure)) {
			cu_err_set(st->err, CU_EINVAL, "%s = %.32s: expected yes or no", key, value);
			return 0;
		}
	} else {
		cu_err_set(st->err, CU_EINVAL, "unknown key \"%.32s\": expected address, port, "
			   "database, quiet, secure or per_ip_connections", key);
		return 0;
	}
	return 1;
}

int cmd_serve(struct cu_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = { { "port", required_argument, NULL, 'p' },
						  { "address", required_argument, NULL, 'a' },
						  { "quiet", no_argument, NULL, 'q' },
						  { "secure", no_argument, NULL, 's' },
						  { "config", required_argument, NULL, 'c' },
						  { NULL, 0, NULL, 0 } };
	struct web_config cfg = { .address = "127.0.0.1", .port = 8080 };
	struct ini_state st = { .cfg = &cfg };
	const char *config = NULL, *address = NULL;
	long long port = -1;
	int c, quiet = 0, secure = 0, rc;
	struct store *s;
	struct cu_err err;

	cu_err_clear(&err);
	st.err = &err;
	while ((c = getopt_long(argc, argv, "p:a:qsc:", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (cu_num_int(cu_str_of(optarg), 0, 65535, &port, &err))
				return cli_fail(&err);
			break;
		case 'a':
			address = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 's':
			secure = 1;
			break;
		case 'c':
			config = optarg;
			break;
		default:
			fputs(usage, stderr);
			return 1;
		}
	}
	/* The file first, then the command line over it. */
	if (config && (rc = ini_parse(config, on_ini, &st)) != 0) {
		if (rc < 0)
			cu_err_setloc(&err, CU_EIO, config, 0, NULL, "cannot read the file");
		else {
			char why[sizeof err.msg];

			snprintf(why, sizeof why, "%s",
				 err.code ? err.msg : "expected \"key = value\" lines under [server]");
			cu_err_clear(&err);
			cu_err_setloc(&err, CU_EINVAL, config, rc, NULL, "%s", why);
		}
		free(st.address);
		free(st.database);
		return cli_fail(&err);
	}
	if (st.address)
		cfg.address = st.address;
	if (st.database)
		ctx->db_path = st.database;
	if (address)
		cfg.address = address;
	if (port >= 0)
		cfg.port = (unsigned)port;
	cfg.quiet |= quiet;
	cfg.secure |= secure;
	if (optind != argc) {
		fputs(usage, stderr);
		rc = 1;
		goto out;
	}
	/* Open once to migrate and to fail early on a missing database. */
	if (!(s = cli_open(ctx, 0))) {
		rc = 1;
		goto out;
	}
	store_close(s);
	cfg.db_path = ctx->db_path;
	cfg.home = ctx->home;
	rc = web_serve(&cfg, &err) ? cli_fail(&err) : 0;
out:
	free(st.address);
	free(st.database);
	return rc;
}
