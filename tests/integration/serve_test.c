/*
 * The built binary: its usage (--help, -h, no command, an unknown command); custodian serve
 * through it: the configuration file (read, located errors,
 * the command line winning over it) and a graceful stop on SIGTERM (the process answers, then
 * stops cleanly with exit status 0); the web server's libraries are loaded by serve only.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/proc.h"
#include "test.h"

static char dir[] = "/tmp/cu-serve-XXXXXX";
static char db[128], errbuf[4096];

static const char *write_ini(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static int serve_with(const char *ini)
{
	const char *argv[] = { CU_BINARY, "-d", db, "serve", "--config", ini, NULL };

	return test_exec(argv, NULL, NULL, 0, errbuf, sizeof errbuf);
}

static void config_errors_are_located(void)
{
	CHECK_INT(serve_with(write_ini("a.ini", "[server]\nport = 8111\nbogus = 1\n")), 1);
	CHECK_CONTAINS(errbuf, "a.ini:3: unknown key \"bogus\": expected address, port, database, "
			       "quiet, secure or per_ip_connections");
	CHECK_INT(serve_with(write_ini("g.ini", "[server]\nper_ip_connections = 0\n")), 1);
	CHECK_CONTAINS(errbuf, "g.ini:2:");
	CHECK_INT(serve_with(write_ini("b.ini", "[server]\nport = 70000\n")), 1);
	CHECK_CONTAINS(errbuf, "b.ini:2:");
	CHECK_INT(serve_with(write_ini("c.ini", "[web]\nport = 1\n")), 1);
	CHECK_CONTAINS(errbuf, "c.ini:2: section [web]: expected [server]");
	CHECK_INT(serve_with(write_ini("d.ini", "[server]\nquiet = perhaps\n")), 1);
	CHECK_CONTAINS(errbuf, "d.ini:2: quiet = perhaps: expected yes or no");
	CHECK_INT(serve_with(write_ini("e.ini", "[server]\nthis line has no equals sign\n")), 1);
	CHECK_CONTAINS(errbuf, "e.ini:2:");
	CHECK_INT(serve_with("/nonexistent/custodian.ini"), 1);
	CHECK_CONTAINS(errbuf, "/nonexistent/custodian.ini: cannot read the file");
	/* A database named in the file that does not exist: refused before serving. */
	CHECK_INT(serve_with(write_ini("f.ini", "[server]\ndatabase = /nonexistent/x.db\n")), 1);
}

/* Asked for help, the program prints its commands and exits 0; without a command, or with an
 * unknown one, it says so on standard error and exits 1. */
static void usage_and_help(void)
{
	static const char *const help[2] = { "--help", "-h" };
	char out[4096];

	for (int i = 0; i < 2; i++) {
		const char *argv[] = { CU_BINARY, help[i], NULL };

		out[0] = '\0';
		CHECK_INT(test_exec(argv, NULL, out, sizeof out, errbuf, sizeof errbuf), 0);
		CHECK_CONTAINS(out, "usage: custodian [-d DB] COMMAND [ARGS]");
		CHECK_CONTAINS(out, "  stats ");
		CHECK_STR(errbuf, "");
	}
	{
		const char *argv[] = { CU_BINARY, NULL };

		CHECK_INT(test_exec(argv, NULL, out, sizeof out, errbuf, sizeof errbuf), 1);
		CHECK_CONTAINS(errbuf, "usage: custodian [-d DB] COMMAND [ARGS]");
	}
	{
		const char *argv[] = { CU_BINARY, "frobnicate", NULL };

		CHECK_INT(test_exec(argv, NULL, out, sizeof out, errbuf, sizeof errbuf), 1);
		CHECK_CONTAINS(errbuf, "custodian: unknown command \"frobnicate\"");
	}
}

/* Whether the process PID has a file whose name holds NAME mapped (/proc/PID/maps). */
static int maps_library(pid_t pid, const char *name)
{
	char path[64], line[1024];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof path, "/proc/%ld/maps", (long)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, name) != NULL;
	fclose(f);
	return found;
}

/*
 * The program itself does not depend on libmicrohttpd or libxlsxwriter (or the TLS stack they
 * bring): the dynamic loader, asked to list what it would load (LD_TRACE_LOADED_OBJECTS, as
 * ldd does), names SQLite but neither of them. serves_and_stops_on_sigterm checks that a
 * serving process has them mapped.
 */
static void only_serve_loads_the_web_libraries(void)
{
	char cmd[512], list[8192];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof cmd, "LD_TRACE_LOADED_OBJECTS=1 %s", CU_BINARY);
	if (!(p = popen(cmd, "r"))) {
		CHECK(!"popen");
		return;
	}
	n = fread(list, 1, sizeof list - 1, p);
	list[n] = '\0';
	CHECK_INT(pclose(p), 0);
	CHECK_CONTAINS(list, "libsqlite3.so");
	CHECK(!strstr(list, "libmicrohttpd"));
	CHECK(!strstr(list, "libxlsxwriter"));
	CHECK(!strstr(list, "libgnutls"));
}

/* Send REQ to the server on PORT and read the start of its answer into REPLY (N bytes). */
static int ask(unsigned port, const char *req, char *reply, size_t n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	reply[0] = '\0';
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	     write(fd, req, strlen(req)) > 0 && read(fd, reply, n - 1) > 0;
	close(fd);
	return ok;
}

/*
 * Serve from a config file on port 0 (the command line wins over the file's port), answer a
 * request, then stop on SIGTERM with status 0. The access log (standard error) is one plain
 * ASCII line a request: a path holding an escape sequence, a UTF-8 letter, an 8-bit CSI byte
 * and a per cent sign is written with those bytes as %XX.
 */
static void serves_and_stops_on_sigterm(void)
{
	const char *ini = write_ini("ok.ini", "[server]\naddress = 127.0.0.1\nport = 1\nquiet = no\n"
						"per_ip_connections = 200\n");
	int out[2], err[2], status = -1;
	char buf[512] = "", log[2048];
	ssize_t n = 0, k;
	unsigned port = 0;
	pid_t pid;

	if (pipe(out) != 0 || pipe(err) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execl(CU_BINARY, CU_BINARY, "-d", db, "serve", "--config", ini, "--port", "0",
		      (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	while (!strstr(buf, "/ (") && n < (ssize_t)sizeof buf - 1 &&
	       (k = read(out[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0) {
		n += k;
		buf[n] = '\0';
	}
	CHECK(sscanf(buf, "custodian is serving http://127.0.0.1:%u/", &port) == 1);
	CHECK(port != 1 && port != 0);
	CHECK_INT(maps_library(pid, "libmicrohttpd.so"), 1);
	CHECK_INT(maps_library(pid, "libxlsxwriter.so"), 1);
	if (port) {
		char reply[256];

		if (ask(port, "GET /sign-in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
			reply, sizeof reply))
			CHECK(strncmp(reply, "HTTP/1.1 200", 12) == 0);
		else
			CHECK(!"the server answers");
		CHECK(ask(port, "GET /x%1b%5b2J%c3%a9%9b%25 HTTP/1.1\r\nHost: x\r\n"
				"Connection: close\r\n\r\n", reply, sizeof reply));
	}
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	n = read(out[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK_CONTAINS(buf, "custodian stopped");
	close(out[0]);
	for (n = 0; n < (ssize_t)sizeof log - 1 && (k = read(err[0], log + n, sizeof log - 1 -
							    (size_t)n)) > 0;)
		n += k;
	log[n] = '\0';
	close(err[0]);
	CHECK_CONTAINS(log, "GET /sign-in 200\n");
	CHECK_CONTAINS(log, "GET /x%1B[2J%C3%A9%9B%25 ");
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)log[i] >= 0x7f || ((unsigned char)log[i] < 0x20 && log[i] != '\n'))
			CHECK(!"the log is plain ASCII, a line a request");
}

int main(void)
{
	char cmd[512];

	if (!mkdtemp(dir))
		return 2;
	snprintf(db, sizeof db, "%s/c.db", dir);
	snprintf(cmd, sizeof cmd, "%s -d %s init >/dev/null", CU_BINARY, db);
	if (system(cmd) != 0)
		return 2;
	RUN(usage_and_help);
	RUN(only_serve_loads_the_web_libraries);
	RUN(config_errors_are_located);
	RUN(serves_and_stops_on_sigterm);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return test_done();
}
