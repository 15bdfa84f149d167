/* Allocation that aborts on exhaustion, and a fault-injection hook; see mem.h. */
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(size_t n)
{
	fprintf(stderr, "custodian: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (!p)
		die(count * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die(n);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* Fault injection is for single-threaded tests; the counter is not atomic on purpose. */
static long fail_at = -1, calls;

void cu_fail_alloc_reset(void)
{
	const char *v = getenv("CU_FAIL_ALLOC");
	char *end;
	long n;

	calls = 0;
	fail_at = -1;
	if (!v || !*v)
		return;
	n = strtol(v, &end, 10);
	if (*end == '\0' && n > 0)
		fail_at = n;
}

void *cu_try_malloc(size_t n)
{
	if (fail_at > 0 && ++calls == fail_at)
		return NULL;
	return malloc(n ? n : 1);
}
