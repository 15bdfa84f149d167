/*
 * The HTML writer: the only way pages produce markup (STYLE.md habit 11). Elements and
 * attributes are named by enums, so no markup text comes from data; every text and attribute
 * value is escaped (& < > " '); URLs in attributes are percent-encoded, then escaped. Output
 * goes into a capped struct cu_buf: a page that would pass CU_MAX_PAGE_BYTES fails (the buffer's
 * failed flag is set) rather than being cut silently.
 */
#ifndef CU_WEB_HTML_H
#define CU_WEB_HTML_H

#include "base/buf.h"

enum html_el {
	HTML_A, HTML_BODY, HTML_CAPTION, HTML_DIV, HTML_FOOTER, HTML_H1, HTML_H2, HTML_HEAD,
	HTML_HEADER, HTML_HTML, HTML_LI, HTML_LINK, HTML_MAIN, HTML_META, HTML_P, HTML_SCRIPT,
	HTML_SPAN, HTML_STRONG, HTML_TABLE, HTML_TBODY, HTML_TD, HTML_TH, HTML_THEAD, HTML_TITLE,
	HTML_TR, HTML_UL, HTML__MAX
};

enum html_attr {
	HTML_ATTR_CLASS, HTML_ATTR_HREF, HTML_ATTR_REL, HTML_ATTR_SRC, HTML_ATTR_TYPE,
	HTML_ATTR_LANG, HTML_ATTR_CHARSET, HTML_ATTR_NAME, HTML_ATTR_CONTENT, HTML_ATTR_SCOPE,
	HTML_ATTR_ARIA_LABEL, HTML__ATTR_MAX
};

struct html {
	struct cu_buf *b;
	int depth;
	enum html_el stack[32];
};

/* Start writing into B (which the caller owns), with the doctype. */
void html_init(struct html *h, struct cu_buf *b);
/* Open element E with attribute pairs (enum html_attr, const char *value), ended by -1. */
void html_open(struct html *h, enum html_el e, ...);
/* A void element (meta, link) with attributes, ended by -1. */
void html_void(struct html *h, enum html_el e, ...);
/* Close the innermost open element. */
void html_close(struct html *h);
/* Escaped text. */
void html_text(struct html *h, const char *s);
void html_textf(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* <E attrs>text</E> in one call. */
void html_elem(struct html *h, enum html_el e, const char *cls, const char *text);
/* A link: <a href="URL" class="CLS">text</a>, URL built from PATH and one escaped segment. */
void html_link(struct html *h, const char *path, const char *segment, const char *cls,
	       const char *text);
/* Close every open element. */
void html_finish(struct html *h);

/* Append S to B with & < > " ' escaped. */
void html_escape(struct cu_buf *b, const char *s);
/* Append S to B percent-encoded for a URL path segment (unreserved characters kept). */
void html_url_segment(struct cu_buf *b, const char *s);

#endif
