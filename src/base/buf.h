/*
 * A growable byte buffer with a ceiling (STYLE.md habit 9). The buffer owns its memory; free it
 * with cu_buf_release. Appends that would pass the ceiling fail with CU_ELIMIT and leave the
 * buffer as it was, so output is never silently cut. The contents are always NUL-terminated.
 */
#ifndef CU_BUF_H
#define CU_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct cu_buf {
	char *p;     /* contents, NUL-terminated; NULL until the first append */
	size_t n;    /* bytes used, not counting the NUL */
	size_t cap;  /* bytes allocated */
	size_t max;  /* ceiling on n */
	int failed;  /* sticky: an append hit the ceiling */
};

/* Start an empty buffer that may grow to MAX bytes. */
void cu_buf_init(struct cu_buf *b, size_t max);
/* Free the contents; B may be reused after cu_buf_init. */
void cu_buf_release(struct cu_buf *b);
/* Empty the buffer, keeping its memory and clearing the failed flag. */
void cu_buf_reset(struct cu_buf *b);
/* Append N bytes. Returns 0 or CU_ELIMIT. */
int cu_buf_add(struct cu_buf *b, const void *p, size_t n);
int cu_buf_adds(struct cu_buf *b, const char *s);
int cu_buf_addc(struct cu_buf *b, char c);
int cu_buf_printf(struct cu_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cu_buf_vprintf(struct cu_buf *b, const char *fmt, va_list ap);
/* Give the contents to the caller (free with free()); the buffer is left empty. */
char *cu_buf_detach(struct cu_buf *b, size_t *len);

#endif
