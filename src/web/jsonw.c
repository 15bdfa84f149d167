/* JSON text from a Jansson value; see jsonw.h. */
#include "web/jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/num.h"

/* The code point of the UTF-8 sequence at S (N bytes left) into *CP; its length, or 0 when it
 * is not valid UTF-8 (overlong, a surrogate, past U+10FFFF, or cut short). */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
	static const unsigned long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 :
		     (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	unsigned long c;

	if (len == 0 || len > n)
		return 0;
	c = len == 1 ? s[0] : s[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* S (N bytes of UTF-8) as a JSON string, every byte outside printable ASCII escaped. */
static int write_string(struct cu_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	cu_buf_addc(b, '"');
	while (i < n) {
		unsigned long c;
		size_t len = utf8_next(p + i, n - i, &c);
		char esc[32];

		if (len == 0)
			return CU_EINVAL;
		i += len;
		switch (c) {
		case '"': cu_buf_adds(b, "\\\""); continue;
		case '\\': cu_buf_adds(b, "\\\\"); continue;
		case '\b': cu_buf_adds(b, "\\b"); continue;
		case '\f': cu_buf_adds(b, "\\f"); continue;
		case '\n': cu_buf_adds(b, "\\n"); continue;
		case '\r': cu_buf_adds(b, "\\r"); continue;
		case '\t': cu_buf_adds(b, "\\t"); continue;
		default:
			break;
		}
		if (c >= 0x20 && c < 0x80) {
			cu_buf_addc(b, (char)c);
		} else if (c < 0x10000) {
			snprintf(esc, sizeof esc, "\\u%04lX", c);
			cu_buf_adds(b, esc);
		} else { /* a surrogate pair */
			c -= 0x10000;
			snprintf(esc, sizeof esc, "\\u%04lX\\u%04lX", 0xD800 | (c >> 10),
				 0xDC00 | (c & 0x3FF));
			cu_buf_adds(b, esc);
		}
	}
	cu_buf_addc(b, '"');
	return 0;
}

static int write_real(struct cu_buf *b, double v)
{
	char t[CU_NUM_FMT_MAX + 2];
	size_t n;

	if (!isfinite(v))
		return CU_EINVAL;
	n = cu_num_fmt(v, t);
	if (!strpbrk(t, ".e")) { /* "2" would read as an integer */
		t[n++] = '.';
		t[n++] = '0';
		t[n] = '\0';
	}
	cu_buf_add(b, t, n);
	return 0;
}

int jsonw_write(struct cu_buf *b, const json_t *j)
{
	int rc = 0;

	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *v;
		int first = 1;

		cu_buf_addc(b, '{');
		json_object_foreach((json_t *)j, key, v) {
			if (!first)
				cu_buf_addc(b, ',');
			first = 0;
			if ((rc = write_string(b, key, strlen(key))) != 0)
				return rc;
			cu_buf_addc(b, ':');
			if ((rc = jsonw_write(b, v)) != 0)
				return rc;
		}
		cu_buf_addc(b, '}');
		break;
	}
	case JSON_ARRAY:
		cu_buf_addc(b, '[');
		for (size_t i = 0; i < json_array_size(j); i++) {
			if (i)
				cu_buf_addc(b, ',');
			if ((rc = jsonw_write(b, json_array_get(j, i))) != 0)
				return rc;
		}
		cu_buf_addc(b, ']');
		break;
	case JSON_STRING:
		rc = write_string(b, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		cu_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		break;
	case JSON_REAL:
		rc = write_real(b, json_real_value(j));
		break;
	case JSON_TRUE:
		cu_buf_adds(b, "true");
		break;
	case JSON_FALSE:
		cu_buf_adds(b, "false");
		break;
	case JSON_NULL:
		cu_buf_adds(b, "null");
		break;
	}
	return rc ? rc : b->failed ? CU_ELIMIT : 0;
}
