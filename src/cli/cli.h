/*
 * Shared pieces of the command line: the context every subcommand gets, opening the store,
 * printing errors, and the subcommands themselves (one file each, cmd_<name>.c).
 */
#ifndef CU_CLI_H
#define CU_CLI_H

#include <stdio.h>

#include "base/err.h"
#include "model/actor.h"
#include "store/store.h"

struct cu_ctx {
	const char *db_path; /* -d, $CUSTODIAN_DB, or var/custodian.db */
	char home[4096];     /* where profiles/ and data/ live */
	struct cu_actor actor;
};

/* Open the context's database; CREATE makes it if absent. Prints the error and returns NULL.
 * Names the context's actor (cli:USER, the account running the command) for the audit. */
struct store *cli_open(struct cu_ctx *ctx, int create);
/* Print ERR as "custodian: <located message>" on stderr. Returns 1 (the exit status). */
int cli_fail(const struct cu_err *err);
/* A path under the home directory (static buffer, valid until the next call). */
const char *cli_home_path(const struct cu_ctx *ctx, const char *rel);

/*
 * An output file written beside PATH under a temporary name and put in PATH's place only when
 * everything was written (exchanged with the file there, which is then removed; cli.c,
 * put_in_place), so a failed run never leaves a half-written or clobbered result and a reader
 * finds the old file or the new, never none. PATH "-" is standard output.
 */
struct cli_output {
	FILE *f;
	char *tmp;
	const char *path;
};

int cli_output_open(struct cli_output *o, const char *path, struct cu_err *err);
/* Close; with OK, rename into place (an error if anything failed), else remove. */
int cli_output_close(struct cli_output *o, int ok, struct cu_err *err);

int cmd_init(struct cu_ctx *ctx, int argc, char **argv);
int cmd_import(struct cu_ctx *ctx, int argc, char **argv);
int cmd_orgs(struct cu_ctx *ctx, int argc, char **argv);
int cmd_indicators(struct cu_ctx *ctx, int argc, char **argv);
int cmd_serve(struct cu_ctx *ctx, int argc, char **argv);
int cmd_demo_load(struct cu_ctx *ctx, int argc, char **argv);
int cmd_series(struct cu_ctx *ctx, int argc, char **argv);
int cmd_stats(struct cu_ctx *ctx, int argc, char **argv);
int cmd_shmi(struct cu_ctx *ctx, int argc, char **argv);
int cmd_proms(struct cu_ctx *ctx, int argc, char **argv);
int cmd_user(struct cu_ctx *ctx, int argc, char **argv);

#endif

/*
 * Import one file with the named profile and print the outcome: a summary line, or every
 * located error. PERIOD is the period a spells file is about (NULL for other profiles). With
 * SKIP_SEEN, a file imported before is reported as such and not an error. Returns 0 when the
 * file landed (or was skipped), 1 otherwise.
 */
int cli_import_file(struct cu_ctx *ctx, struct store *s, const char *profile, const char *path,
		    const char *period, int dry_run, int skip_seen);
