/* Capped growable buffer; see buf.h. */
#include "base/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

void cu_buf_init(struct cu_buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

void cu_buf_release(struct cu_buf *b)
{
	free(b->p);
	cu_buf_init(b, b->max);
}

void cu_buf_reset(struct cu_buf *b)
{
	b->n = 0;
	b->failed = 0;
	if (b->p)
		b->p[0] = '\0';
}

static int reserve(struct cu_buf *b, size_t extra)
{
	size_t need;

	if (extra > b->max || b->n > b->max - extra) {
		b->failed = 1;
		return CU_ELIMIT;
	}
	need = b->n + extra + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	return 0;
}

int cu_buf_add(struct cu_buf *b, const void *p, size_t n)
{
	if (reserve(b, n))
		return CU_ELIMIT;
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

int cu_buf_adds(struct cu_buf *b, const char *s)
{
	return cu_buf_add(b, s, strlen(s));
}

int cu_buf_addc(struct cu_buf *b, char c)
{
	return cu_buf_add(b, &c, 1);
}

int cu_buf_vprintf(struct cu_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || reserve(b, (size_t)n))
		return CU_ELIMIT;
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	b->n += (size_t)n;
	return 0;
}

int cu_buf_printf(struct cu_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cu_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *cu_buf_detach(struct cu_buf *b, size_t *len)
{
	char *p = b->p ? b->p : xstrdup("");

	if (len)
		*len = b->n;
	cu_buf_init(b, b->max);
	return p;
}
