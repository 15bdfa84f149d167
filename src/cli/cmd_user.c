/*
 * custodian user: add, list, disable and enable the users who sign in to the web application.
 * A password is read from standard input (one line), never from the arguments, where other
 * users of the machine could see it; on a terminal it is asked for twice without echo.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "web/auth.h"

static const char usage[] =
	"usage: custodian user add --username U --role ROLE [--name N] [--org CODE] < PASSWORD\n"
	"       custodian user list\n"
	"       custodian user disable|enable U\n"
	"roles: administrator, commissioner, provider, regulator, oversight\n";

/*
 * Read one line (without its line end) of at most AUTH_PASSWORD_MAX bytes from F into BUF
 * (size AUTH_PASSWORD_MAX + 2). CU_EINVAL when the line is longer or holds a NUL byte, CU_EIO
 * when there is nothing to read.
 */
static int read_line(FILE *f, char *buf, struct cu_err *err)
{
	size_t n = 0;
	int c, nul = 0, any = 0;

	while ((c = getc(f)) != EOF && c != '\n') {
		any = 1;
		nul |= c == '\0';
		if (n <= AUTH_PASSWORD_MAX)
			buf[n++] = (char)c;
	}
	if (n > 0 && buf[n - 1] == '\r' && n <= AUTH_PASSWORD_MAX)
		n--;
	buf[n] = '\0';
	if (!any && c == EOF)
		return cu_err_set(err, CU_EIO, "no password on standard input: pipe one line in, "
					       "such as `custodian user add ... < file`");
	if (nul)
		return cu_err_set(err, CU_EINVAL, "password holds a NUL byte: expected text");
	if (n > AUTH_PASSWORD_MAX)
		return cu_err_set(err, CU_EINVAL, "password is too long: expected at most %d bytes",
				  AUTH_PASSWORD_MAX);
	return 0;
}

/* Ask for a line on the terminal with echo off. */
static int ask(const char *prompt, char *buf, struct cu_err *err)
{
	struct termios old, quiet;
	int rc, echo_off;

	fputs(prompt, stderr);
	fflush(stderr);
	echo_off = tcgetattr(STDIN_FILENO, &old) == 0;
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	rc = read_line(stdin, buf, err);
	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return rc;
}

static int read_password(char *pw, struct cu_err *err)
{
	char again[AUTH_PASSWORD_MAX + 2];
	int rc;

	if (!isatty(STDIN_FILENO))
		return read_line(stdin, pw, err);
	if ((rc = ask("password: ", pw, err)) || (rc = ask("password again: ", again, err)))
		return rc;
	if (strcmp(pw, again) != 0)
		rc = cu_err_set(err, CU_EINVAL, "the two passwords differ: nothing was changed");
	sodium_memzero(again, sizeof again);
	return rc;
}

static int user_add(struct cu_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "username", required_argument, NULL, 'u' },
		{ "role", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "org", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *username = NULL, *role_name = NULL, *name = NULL, *org = NULL;
	char pw[AUTH_PASSWORD_MAX + 2];
	struct auth *au = NULL;
	struct store *s = NULL;
	struct cu_err err;
	int c, role, rc;

	while ((c = getopt_long(argc, argv, "u:r:n:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			username = optarg;
			break;
		case 'r':
			role_name = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'o':
			org = optarg;
			break;
		default:
			fputs(usage, stderr);
			return 1;
		}
	}
	if (!username || !role_name || optind != argc) {
		fputs(usage, stderr);
		return 1;
	}
	cu_err_clear(&err);
	if ((role = auth_role_parse(role_name)) < 0) {
		char q[CU_MAX_SHOWN_VALUE * 4 + 8];

		cu_err_set(&err, CU_EINVAL, "unknown role \"%s\": expected administrator, "
					    "commissioner, provider, regulator or oversight",
			   cu_err_quote(role_name, strlen(role_name), q, sizeof q));
		return cli_fail(&err);
	}
	{
		char name_lc[STORE_USERNAME_MAX + 1];

		/* Refuse a bad user name before asking for a password. */
		if (auth_username_normalise(username, name_lc, &err))
			return cli_fail(&err);
	}
	if (read_password(pw, &err)) {
		sodium_memzero(pw, sizeof pw);
		return cli_fail(&err);
	}
	rc = auth_alloc(NULL, &au, &err);
	if (!rc && !(s = cli_open(ctx, 0)))
		rc = CU_EDB;
	else if (!rc)
		rc = auth_user_add(au, s, &ctx->actor, username, name, (enum model_role)role, org, pw,
				   NULL, &err);
	sodium_memzero(pw, sizeof pw);
	store_close(s);
	auth_free(au);
	if (rc == CU_EDB && !err.code)
		return 1; /* cli_open printed it */
	if (rc)
		return cli_fail(&err);
	{
		char name_lc[STORE_USERNAME_MAX + 1];

		auth_username_normalise(username, name_lc, NULL);
		printf("added user %s\n", name_lc);
	}
	return 0;
}

static int print_user(void *arg, const struct store_user *u)
{
	(void)arg;
	printf("%-24s  %-13s  %-8s  %-8s  %-10.10s  %s\n", u->username,
	       u->role == MODEL_ROLE_ADMIN ? "administrator" : model_role_name(u->role),
	       u->org_code[0] ? u->org_code : "-", u->disabled ? "disabled" : "active",
	       u->created_at, u->display_name);
	return 0;
}

static int user_list(struct cu_ctx *ctx, int argc)
{
	struct store *s;
	struct cu_err err;
	int rc;

	if (argc != 1) {
		fputs(usage, stderr);
		return 1;
	}
	if (!(s = cli_open(ctx, 0)))
		return 1;
	cu_err_clear(&err);
	printf("%-24s  %-13s  %-8s  %-8s  %-10s  %s\n", "USERNAME", "ROLE", "ORG", "STATUS",
	       "CREATED", "NAME");
	rc = store_user_list(s, &ctx->actor, print_user, NULL, &err);
	store_close(s);
	return rc ? cli_fail(&err) : 0;
}

static int user_disable(struct cu_ctx *ctx, int argc, char **argv, bool disable)
{
	char name[STORE_USERNAME_MAX + 1];
	struct store *s;
	struct cu_err err;
	int rc;

	if (argc != 2) {
		fputs(usage, stderr);
		return 1;
	}
	cu_err_clear(&err);
	if (auth_username_normalise(argv[1], name, &err))
		return cli_fail(&err);
	if (!(s = cli_open(ctx, 0)))
		return 1;
	rc = store_user_set_disabled(s, &ctx->actor, name, disable, &err);
	store_close(s);
	if (rc)
		return cli_fail(&err);
	printf("%s user %s\n", disable ? "disabled" : "enabled", name);
	return 0;
}

int cmd_user(struct cu_ctx *ctx, int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 1;
	}
	if (strcmp(argv[1], "add") == 0)
		return user_add(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return user_list(ctx, argc - 1);
	if (strcmp(argv[1], "disable") == 0 || strcmp(argv[1], "enable") == 0)
		return user_disable(ctx, argc - 1, argv + 1, argv[1][0] == 'd');
	fputs(usage, stderr);
	return 1;
}
