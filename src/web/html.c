/* The escaping HTML writer; see html.h. */
#include "web/html.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const el_names[HTML__MAX] = {
	"a", "body", "caption", "div", "footer", "h1", "h2", "head", "header", "html", "li",
	"link", "main", "meta", "p", "script", "span", "strong", "table", "tbody", "td", "th",
	"thead", "title", "tr", "ul", "form", "input", "button", "nav", "label", "select", "option",
	"fieldset", "legend", "dl", "dt", "dd", "h3", "ol", "section",
	"svg", "g", "line", "polyline", "path", "circle", "rect", "text", "desc"
};
static const char *const attr_names[HTML__ATTR_MAX] = {
	"class", "href", "rel", "src", "type", "lang", "charset", "name", "content", "scope",
	"aria-label",
	"xmlns", "viewBox", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height",
	"d", "points", "fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-linecap",
	"stroke-linejoin", "role", "aria-labelledby", "id", "text-anchor", "transform", "focusable",
	"font-family", "font-size", "font-weight",
	"method", "action", "value", "enctype", "for", "autocomplete", "accept", "selected",
	"required", "aria-describedby", "tabindex", "aria-sort", "aria-current", "download"
};

/* SVG elements are self-closed when void (see html.h). */
static int is_svg(enum html_el e)
{
	return e >= HTML_SVG && e < HTML__MAX;
}

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

void html_init_fragment(struct html *h, struct cu_buf *b)
{
	h->b = b;
	h->depth = 0;
	h->in_tag = 0;
	h->tag = HTML_HTML;
}

void html_init(struct html *h, struct cu_buf *b)
{
	html_init_fragment(h, b);
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
	cu_buf_printf(h->b, "<%s", el_names[e]);
	attrs(h, ap);
	va_end(ap);
	cu_buf_adds(h->b, is_svg(e) ? "/>" : ">");
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

/*
 * Whole numbers are printed with "%.0f", which has no decimal mark to localise; the fraction
 * is printed as a zero-padded whole number of 10^-DECIMALS units. R = round(|V| 10^DECIMALS)
 * is exact while it is below 2^53, so DECIMALS is lowered until it is.
 */
char *html_num_format(char *out, size_t size, double v, int decimals)
{
	static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
	double a, r, ip, fp;
	int neg;

	assert(size >= HTML_NUM_MAX);
	if (!isfinite(v))
		v = 0;
	if (v > 1e18)
		v = 1e18;
	if (v < -1e18)
		v = -1e18;
	if (decimals < 0)
		decimals = 0;
	if (decimals > 9)
		decimals = 9;
	neg = v < 0;
	a = fabs(v);
	while (decimals > 0 && a * pow10[decimals] >= 9007199254740992.0)
		decimals--;
	r = round(a * pow10[decimals]);
	ip = floor(r / pow10[decimals]);
	fp = r - ip * pow10[decimals];
	if (fp < 0) { /* r / 10^d rounded up to the next whole number */
		ip -= 1;
		fp += pow10[decimals];
	}
	if (fp >= pow10[decimals]) {
		ip += 1;
		fp -= pow10[decimals];
	}
	if (r == 0)
		neg = 0;
	if (decimals == 0)
		snprintf(out, size, "%s%.0f", neg ? "-" : "", ip);
	else
		snprintf(out, size, "%s%.0f.%0*.0f", neg ? "-" : "", ip, decimals, fp);
	return out;
}

/* V with HTML_NUM_DECIMALS decimals and the trailing zeros (and a bare point) cut. */
static void put_num(struct cu_buf *b, double v)
{
	char tmp[HTML_NUM_MAX];
	size_t n;

	html_num_format(tmp, sizeof tmp, v, HTML_NUM_DECIMALS);
	n = strlen(tmp);
	if (memchr(tmp, '.', n)) {
		while (tmp[n - 1] == '0')
			n--;
		if (tmp[n - 1] == '.')
			n--;
	}
	cu_buf_add(b, tmp, n);
}

void html_tag(struct html *h, enum html_el e)
{
	assert(!h->in_tag && e < HTML__MAX);
	h->in_tag = 1;
	h->tag = e;
	cu_buf_printf(h->b, "<%s", el_names[e]);
}

void html_attr(struct html *h, enum html_attr a, const char *v)
{
	assert(h->in_tag && a < HTML__ATTR_MAX);
	if (!v)
		return;
	cu_buf_printf(h->b, " %s=\"", attr_names[a]);
	html_escape(h->b, v);
	cu_buf_addc(h->b, '"');
}

void html_attr_num(struct html *h, enum html_attr a, double v)
{
	assert(h->in_tag && a < HTML__ATTR_MAX);
	cu_buf_printf(h->b, " %s=\"", attr_names[a]);
	put_num(h->b, v);
	cu_buf_addc(h->b, '"');
}

void html_attr_begin(struct html *h, enum html_attr a)
{
	assert(h->in_tag && a < HTML__ATTR_MAX);
	cu_buf_printf(h->b, " %s=\"", attr_names[a]);
}

void html_attr_put(struct html *h, const char *s)
{
	assert(h->in_tag);
	html_escape(h->b, s ? s : "");
}

void html_attr_put_num(struct html *h, double v)
{
	assert(h->in_tag);
	put_num(h->b, v);
}

void html_attr_end(struct html *h)
{
	assert(h->in_tag);
	cu_buf_addc(h->b, '"');
}

void html_tag_end(struct html *h)
{
	assert(h->in_tag);
	h->in_tag = 0;
	cu_buf_addc(h->b, '>');
	if (h->depth < (int)(sizeof h->stack / sizeof h->stack[0]))
		h->stack[h->depth] = h->tag;
	h->depth++;
}

void html_tag_void(struct html *h)
{
	assert(h->in_tag);
	h->in_tag = 0;
	cu_buf_adds(h->b, is_svg(h->tag) ? "/>" : ">");
}
