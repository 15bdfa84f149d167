/* Allocation that aborts on exhaustion, and a fault-injection hook; see mem.h. */
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/err.h"

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

void *xgrow(void *p, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 16;
	if (*cap > (size_t)-1 / size)
		die(*cap * size);
	return xrealloc(p, *cap * size);
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

int cu_arena_init(struct cu_arena *a, size_t max)
{
	a->len = 0;
	a->max = max ? max : 1;
	/* MAP_NORESERVE: the reservation is address space, not a promise of memory. */
	a->p = mmap(NULL, a->max, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_NORESERVE, -1, 0);
	if (a->p == MAP_FAILED) {
		a->p = NULL;
		return CU_ENOMEM;
	}
	/* Advice only: where transparent huge pages are off, this fails and changes nothing. */
	(void)madvise(a->p, a->max, MADV_HUGEPAGE);
	return 0;
}

void cu_arena_release(struct cu_arena *a)
{
	if (a->p)
		munmap(a->p, a->max);
	memset(a, 0, sizeof *a);
}
