/* See proc.h. */
#include "support/proc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* An unlinked temporary file's descriptor, or -1. */
static int scratch(void)
{
	char path[] = "/tmp/cu-test-proc-XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

static void slurp(int fd, char *buf, size_t n)
{
	ssize_t got;

	if (!buf || n == 0)
		return;
	lseek(fd, 0, SEEK_SET);
	got = read(fd, buf, n - 1);
	buf[got > 0 ? got : 0] = '\0';
}

int test_exec(const char *const *argv, const char *in_text, char *out, size_t nout, char *err,
	      size_t nerr)
{
	int in = scratch(), o = scratch(), e = scratch(), status = 0;
	pid_t pid;

	if (in < 0 || o < 0 || e < 0)
		abort();
	if (in_text && write(in, in_text, strlen(in_text)) != (ssize_t)strlen(in_text))
		abort();
	lseek(in, 0, SEEK_SET);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(in, 0);
		dup2(o, 1);
		dup2(e, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		status = -1;
	slurp(o, out, nout);
	slurp(e, err, nerr);
	close(in);
	close(o);
	close(e);
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
