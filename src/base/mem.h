/*
 * Internal allocation (STYLE.md habit 13). xmalloc and friends abort with a message when memory
 * runs out: they are for sizes the program itself decides. Sizes that come from outside are
 * checked against base/limits.h first.
 *
 * For fault-injection tests, CU_FAIL_ALLOC=N in the environment makes the Nth call (1-based)
 * to cu_try_malloc return NULL; code that uses cu_try_malloc must handle that and leave
 * nothing half-done.
 */
#ifndef CU_MEM_H
#define CU_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
/* Returns the new pointer; the old one is invalid afterwards. */
void *xrealloc(void *p, size_t n);
/*
 * Room for element N of the growable array P (capacity *CAP elements of SIZE bytes): when
 * N == *CAP the capacity doubles (16 at first). Returns the array, which may have moved:
 *	v->o = xgrow(v->o, v->n, &v->cap, sizeof *v->o);
 *	v->o[v->n++] = x;
 */
void *xgrow(void *p, size_t n, size_t *cap, size_t size);
char *xstrdup(const char *s);
/* A NUL-terminated copy of the N bytes at S. */
char *xstrndup(const char *s, size_t n);

/* malloc that may fail (returns NULL), and fails on purpose under CU_FAIL_ALLOC. */
void *cu_try_malloc(size_t n);
/* Re-read CU_FAIL_ALLOC and restart the count (tests call this between runs). */
void cu_fail_alloc_reset(void);

/*
 * A large array that grows in place. Address space for up to MAX bytes is reserved at once
 * (pages cost memory only when first written) and the kernel is asked for huge pages, so
 * growing never copies and a table of millions of cells costs a handful of page faults
 * instead of thousands. For whole-file tables; small arrays use xmalloc.
 */
struct cu_arena {
	char *p;
	size_t len, max;
};

/* Reserve MAX bytes. Returns 0, or CU_ENOMEM (from base/err.h) when the reservation fails. */
int cu_arena_init(struct cu_arena *a, size_t max);
/* N more bytes at the end (their address), or NULL when that would pass MAX. Earlier bytes
 * never move. Inline: a table pushes three times for every row it reads. */
static inline void *cu_arena_push(struct cu_arena *a, size_t n)
{
	char *at;

	if (!a->p || n > a->max - a->len)
		return NULL;
	at = a->p + a->len;
	a->len += n;
	return at;
}
void cu_arena_release(struct cu_arena *a);

#endif
