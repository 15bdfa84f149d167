/* The escaping HTML writer; see html.h. */
#include "web/html.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const el_names[HTML__MAX] = {
	"a", "body", "caption", "div", "footer", "h1", "h2", "head", "header", "html", "li",
	"link", "main", "meta", "p", "script", "span", "strong", "table", "tbody", "td", "th",
	"thead", "title", "tr", "ul"
};
static const char *const attr_names[HTML__ATTR_MAX] = { "class", "href", "rel", "src", "type",
							"lang", "charset", "name", "content", "scope",
							"aria-label" };

void html_escape(struct cu_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': cu_buf_adds(b, "&amp;"); break;
		case '<': cu_buf_adds(b, "&lt;"); break;
		case '>': cu_buf_adds(b, "&gt;"); break;
		case '"': cu_buf_adds(b, "&quot;"); break;
		case '\'': cu_buf_adds(b, "&#39;"); break;
		default: cu_buf_addc(b, *s);
		}
	}
}

void html_url_segment(struct cu_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			cu_buf_addc(b, (char)*p);
		} else {
			cu_buf_addc(b, '%');
			cu_buf_addc(b, hex[*p >> 4]);
			cu_buf_addc(b, hex[*p & 15]);
		}
	}
}

void html_init(struct html *h, struct cu_buf *b)
{
	h->b = b;
	h->depth = 0;
	cu_buf_adds(b, "<!DOCTYPE html>\n");
}

static void attrs(struct html *h, va_list ap)
{
	int a;

	while ((a = va_arg(ap, int)) >= 0) {
		const char *v = va_arg(ap, const char *);

		if (a >= HTML__ATTR_MAX || !v)
			continue;
		cu_buf_printf(h->b, " %s=\"", attr_names[a]);
		html_escape(h->b, v);
		cu_buf_addc(h->b, '"');
	}
}

/* Write <E attrs> from the attribute pairs in AP. */
static void start_tag(struct html *h, enum html_el e, va_list ap)
{
	cu_buf_printf(h->b, "<%s", el_names[e]);
	attrs(h, ap);
	cu_buf_addc(h->b, '>');
}

void html_open(struct html *h, enum html_el e, ...)
{
	va_list ap;

	va_start(ap, e);
	start_tag(h, e, ap);
	va_end(ap);
	if (h->depth < (int)(sizeof h->stack / sizeof h->stack[0]))
		h->stack[h->depth] = e;
	h->depth++;
}

void html_void(struct html *h, enum html_el e, ...)
{
	va_list ap;

	va_start(ap, e);
	start_tag(h, e, ap);
	va_end(ap);
}

void html_close(struct html *h)
{
	if (h->depth <= 0)
		return;
	h->depth--;
	if (h->depth < (int)(sizeof h->stack / sizeof h->stack[0]))
		cu_buf_printf(h->b, "</%s>", el_names[h->stack[h->depth]]);
}

void html_text(struct html *h, const char *s)
{
	html_escape(h->b, s ? s : "");
}

void html_textf(struct html *h, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	html_escape(h->b, tmp);
}

void html_elem(struct html *h, enum html_el e, const char *cls, const char *text)
{
	html_open(h, e, HTML_ATTR_CLASS, cls, -1);
	html_text(h, text);
	html_close(h);
}

void html_link(struct html *h, const char *path, const char *segment, const char *cls,
	       const char *text)
{
	struct cu_buf url;

	cu_buf_init(&url, 4096);
	cu_buf_adds(&url, path);
	if (segment)
		html_url_segment(&url, segment);
	html_open(h, HTML_A, HTML_ATTR_HREF, url.p, HTML_ATTR_CLASS, cls, -1);
	html_text(h, text);
	html_close(h);
	cu_buf_release(&url);
}

void html_finish(struct html *h)
{
	while (h->depth > 0)
		html_close(h);
}
