/* String views and UTF-8 checks; see str.h. */
#include "base/str.h"

#include <string.h>

struct cu_str cu_str_of(const char *s)
{
	return (struct cu_str){ s ? s : "", s ? strlen(s) : 0 };
}

bool cu_str_eq(struct cu_str a, struct cu_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool cu_str_eqz(struct cu_str a, const char *b)
{
	return cu_str_eq(a, cu_str_of(b));
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

struct cu_str cu_str_trim(struct cu_str a)
{
	while (a.n && is_space(a.p[0]))
		a.p++, a.n--;
	while (a.n && is_space(a.p[a.n - 1]))
		a.n--;
	return a;
}

size_t cu_utf8_seqlen(const unsigned char *s, size_t left)
{
	size_t len, i;
	unsigned cp;

	if (left == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1Fu;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0Fu;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07u;
	else
		return 0;
	if (left < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

bool cu_utf8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t k;

		/* Fast path for ASCII runs. */
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		k = cu_utf8_seqlen(u + i, n - i);
		if (k == 0) {
			if (bad)
				*bad = i;
			return false;
		}
		i += k;
	}
	return true;
}

int cu_str_copy(char *dst, size_t n, struct cu_str a)
{
	if (a.n >= n) {
		if (n)
			dst[0] = '\0';
		return -1;
	}
	if (a.n)
		memcpy(dst, a.p, a.n);
	dst[a.n] = '\0';
	return 0;
}
