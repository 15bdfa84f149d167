/* Located error messages without allocation; see err.h. */
#include "base/err.h"

#include "base/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cu_err_clear(struct cu_err *err)
{
	/* Not a memset of the whole struct: it is cleared once per parsed cell in hot loops. */
	if (err) {
		err->code = 0;
		err->line = 0;
		err->source[0] = err->field[0] = err->msg[0] = '\0';
	}
}

static void copy_str(char *dst, size_t n, const char *src)
{
	size_t len;

	if (!src) {
		dst[0] = '\0';
		return;
	}
	len = strlen(src);
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int vset(struct cu_err *err, int code, const char *source, long line, const char *field,
		const char *fmt, va_list ap)
{
	if (!err || err->code)
		return code;
	err->code = code;
	copy_str(err->source, sizeof err->source, source);
	err->line = line;
	copy_str(err->field, sizeof err->field, field);
	/* Truncation of an over-long message is acceptable: it still starts with the cause. */
	if (vsnprintf(err->msg, sizeof err->msg, fmt, ap) < 0)
		copy_str(err->msg, sizeof err->msg, "error message could not be formatted");
	return code;
}

int cu_err_set(struct cu_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = vset(err, code, NULL, 0, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int cu_err_setloc(struct cu_err *err, int code, const char *source, long line, const char *field,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = vset(err, code, source, line, field, fmt, ap);
	va_end(ap);
	return code;
}

char *cu_err_format(const struct cu_err *err, char *out, size_t n)
{
	int w = 0;

	if (n == 0)
		return out;
	out[0] = '\0';
	if (err->source[0] && err->line)
		w = snprintf(out, n, "%s:%ld: ", err->source, err->line);
	else if (err->source[0])
		w = snprintf(out, n, "%s: ", err->source);
	else if (err->line)
		w = snprintf(out, n, "line %ld: ", err->line);
	if (w < 0 || (size_t)w >= n)
		return out;
	if (err->field[0]) {
		int k = snprintf(out + w, n - (size_t)w, "column \"%s\": ", err->field);

		if (k < 0 || (size_t)k >= n - (size_t)w)
			return out;
		w += k;
	}
	snprintf(out + w, n - (size_t)w, "%s", err->msg);
	return out;
}

char *cu_err_quote(const char *value, size_t len, char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)value;
	size_t i = 0, w = 0, shown = 0;

	while (i < len && shown < CU_MAX_SHOWN_VALUE) {
		size_t k = cu_utf8_seqlen(s + i, len - i);

		if (k == 1 && s[i] >= 0x20 && s[i] != 0x7f && s[i] != '\\') {
			if (w + 1 >= n - 4)
				break;
			out[w++] = (char)s[i];
		} else if (k > 1) {
			if (w + k >= n - 4)
				break;
			memcpy(out + w, s + i, k);
			w += k;
		} else {
			k = 1;
			if (w + 4 >= n - 4)
				break;
			out[w++] = '\\';
			out[w++] = 'x';
			out[w++] = hex[s[i] >> 4];
			out[w++] = hex[s[i] & 15];
		}
		i += k;
		shown += k;
	}
	if (i < len) {
		/* "..." in three bytes, room reserved above. */
		out[w++] = '.';
		out[w++] = '.';
		out[w++] = '.';
	}
	out[w] = '\0';
	return out;
}

void cu_errlist_add(struct cu_errlist *list, const struct cu_err *err)
{
	if (list->n < CU_MAX_ERRORS)
		list->e[list->n++] = *err;
	else
		list->dropped++;
}

size_t cu_errlist_total(const struct cu_errlist *list)
{
	return list->n + list->dropped;
}
