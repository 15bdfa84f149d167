/*
 * String views and text checks (STYLE.md habit 9). A struct cu_str is a borrowed (pointer,
 * length) view: it owns nothing, need not be NUL-terminated, and is valid as long as the
 * memory it points into.
 */
#ifndef CU_STR_H
#define CU_STR_H

#include <stdbool.h>
#include <stddef.h>

struct cu_str {
	const char *p;
	size_t n;
};

#define CU_STR_LIT(s) ((struct cu_str){ (s), sizeof(s) - 1 })

/* A view of the NUL-terminated S (NULL gives the empty view). */
struct cu_str cu_str_of(const char *s);
/* True when A and B hold the same bytes. */
bool cu_str_eq(struct cu_str a, struct cu_str b);
/* True when A equals the NUL-terminated B. */
bool cu_str_eqz(struct cu_str a, const char *b);
/* A with ASCII white space removed from both ends. */
struct cu_str cu_str_trim(struct cu_str a);

/*
 * Length of the valid UTF-8 sequence starting at S (LEFT bytes available): 1 to 4, or 0 when
 * the bytes there are not valid UTF-8 (overlong forms, surrogates and code points above
 * U+10FFFF are invalid).
 */
size_t cu_utf8_seqlen(const unsigned char *s, size_t left);
/* True when all N bytes at S are valid UTF-8. On false, *BAD (if not NULL) is the offset. */
bool cu_utf8_valid(const char *s, size_t n, size_t *bad);

/*
 * Copy the view A into DST (size N) as a NUL-terminated string. Returns 0, or -1 when it does
 * not fit (DST then holds the empty string).
 */
int cu_str_copy(char *dst, size_t n, struct cu_str a);

#endif
