/* Shared command-line helpers; see cli.h. */
#define _GNU_SOURCE /* renameat2 */
#include "cli/cli.h"

#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"

struct store *cli_open(struct cu_ctx *ctx, int create)
{
	struct store *s = NULL;
	struct cu_err err;

	/* The actor the audit trail names: the account running the command. Looked up here, not
	 * at start: the passwd lookup is wasted on the commands that open no database. */
	if (!ctx->actor.name[0]) {
		struct passwd *pw = getpwuid(getuid());

		snprintf(ctx->actor.name, sizeof ctx->actor.name, "cli:%.50s",
			 pw ? pw->pw_name : "unknown");
	}
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

int cli_output_open(struct cli_output *o, const char *path, struct cu_err *err)
{
	mode_t mask = umask(0);
	struct stat st;
	int fd;

	umask(mask);
	o->path = path;
	o->tmp = NULL;
	if (strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	/* A device or pipe (/dev/null, a FIFO) is written as it is: never renamed over. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (!(o->f = fopen(path, "w")))
			return cu_err_setloc(err, CU_EIO, path, 0, NULL, "cannot write to this file");
		return 0;
	}
	o->tmp = xmalloc(strlen(path) + 16);
	snprintf(o->tmp, strlen(path) + 16, "%s.tmp-XXXXXX", path);
	/* mkstemp makes the file private; the result should have the usual permissions. */
	if ((fd = mkstemp(o->tmp)) < 0 || fchmod(fd, 0666 & ~mask) != 0 ||
	    !(o->f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		free(o->tmp);
		o->tmp = NULL;
		return cu_err_setloc(err, CU_EIO, path, 0, NULL,
				     "cannot write beside this file (is the folder there and writable?)");
	}
	return 0;
}

/*
 * Give the finished file TMP the name PATH. Where PATH is there already, the two are exchanged
 * (renameat2 RENAME_EXCHANGE) and the old one, now under TMP, removed: as atomic as a rename
 * over it (a reader finds the old file or the new, never none), but without what ext4 does when
 * a rename replaces a file, which is to start writing the new file's blocks there and then (its
 * guard for programs that never sync): for a 32 MB result that was 9 of the 18 ms its writing
 * took (bench/RESULTS.md). No output is synced either way; like any file just written, one
 * lost in a power cut soon after is made again by running the command again. Where exchanging
 * is not possible (PATH missing or not a regular file, or a file system without it), a plain
 * rename.
 */
static int put_in_place(const char *tmp, const char *path)
{
	struct stat st;

	/* Only a regular file is exchanged: anything else there (a link, a folder that appeared
	 * meanwhile) meets the plain rename, which replaces a link and refuses a folder. */
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
		(void)unlink(tmp); /* the old result: a leftover is harmless */
		return 0;
	}
	return rename(tmp, path);
}

int cli_output_close(struct cli_output *o, int ok, struct cu_err *err)
{
	int bad;

	if (o->f == stdout)
		return fflush(stdout) ? cu_err_set(err, CU_EIO, "cannot write standard output") : 0;
	bad = ferror(o->f) | fclose(o->f);
	if (!o->tmp)
		return ok && bad ? cu_err_setloc(err, CU_EIO, o->path, 0, NULL,
						 "cannot write to this file") : 0;
	if (ok && !bad && put_in_place(o->tmp, o->path) == 0) {
		free(o->tmp);
		return 0;
	}
	unlink(o->tmp);
	free(o->tmp);
	if (ok)
		return cu_err_setloc(err, CU_EIO, o->path, 0, NULL,
				     "cannot write the file (disk full?): nothing was written");
	return 0;
}
