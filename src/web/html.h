/*
 * The HTML writer: the only way pages produce markup (STYLE.md habit 11). Elements and
 * attributes are named by enums, so no markup text comes from data; every text and attribute
 * value is escaped (& < > " '); URLs in attributes are percent-encoded, then escaped. Output
 * goes into a capped struct cu_buf: a page that would pass CU_MAX_PAGE_BYTES fails (the buffer's
 * failed flag is set) rather than being cut silently.
 *
 * SVG (for the charts of web/chart.h) goes through the same writer: its elements and
 * attributes are further enum members, SVG void elements are written self-closed ("<line/>",
 * which both XML and HTML's foreign-content parsing read as closed), and numbers are written by
 * html_num_format, which never depends on the locale. A start tag can also be built piece by
 * piece (html_tag, html_attr*, html_tag_end or html_tag_void) when attributes are numbers or
 * are assembled in a loop, such as a path's d; the pieces are escaped all the same.
 */
#ifndef CU_WEB_HTML_H
#define CU_WEB_HTML_H

#include "base/buf.h"

enum html_el {
	HTML_A, HTML_BODY, HTML_CAPTION, HTML_DIV, HTML_FOOTER, HTML_H1, HTML_H2, HTML_HEAD,
	HTML_HEADER, HTML_HTML, HTML_LI, HTML_LINK, HTML_MAIN, HTML_META, HTML_P, HTML_SCRIPT,
	HTML_SPAN, HTML_STRONG, HTML_TABLE, HTML_TBODY, HTML_TD, HTML_TH, HTML_THEAD, HTML_TITLE,
	HTML_TR, HTML_UL, HTML_FORM, HTML_INPUT, HTML_BUTTON, HTML_NAV, HTML_LABEL, HTML_SELECT,
	HTML_OPTION, HTML_FIELDSET, HTML_LEGEND, HTML_DL, HTML_DT, HTML_DD, HTML_H3, HTML_OL,
	HTML_SECTION,
	/* SVG. HTML_TITLE doubles as SVG's <title>. Every element from HTML_SVG on is SVG. */
	HTML_SVG, HTML_G, HTML_LINE, HTML_POLYLINE, HTML_PATH, HTML_CIRCLE, HTML_RECT,
	HTML_SVG_TEXT, HTML_DESC, HTML__MAX
};

enum html_attr {
	HTML_ATTR_CLASS, HTML_ATTR_HREF, HTML_ATTR_REL, HTML_ATTR_SRC, HTML_ATTR_TYPE,
	HTML_ATTR_LANG, HTML_ATTR_CHARSET, HTML_ATTR_NAME, HTML_ATTR_CONTENT, HTML_ATTR_SCOPE,
	HTML_ATTR_ARIA_LABEL,
	/* SVG and accessibility attributes. */
	HTML_ATTR_XMLNS, HTML_ATTR_VIEWBOX, HTML_ATTR_X, HTML_ATTR_Y, HTML_ATTR_X1, HTML_ATTR_Y1,
	HTML_ATTR_X2, HTML_ATTR_Y2, HTML_ATTR_CX, HTML_ATTR_CY, HTML_ATTR_R, HTML_ATTR_WIDTH,
	HTML_ATTR_HEIGHT, HTML_ATTR_D, HTML_ATTR_POINTS, HTML_ATTR_FILL, HTML_ATTR_STROKE,
	HTML_ATTR_STROKE_WIDTH, HTML_ATTR_STROKE_DASHARRAY, HTML_ATTR_STROKE_LINECAP,
	HTML_ATTR_STROKE_LINEJOIN, HTML_ATTR_ROLE, HTML_ATTR_ARIA_LABELLEDBY, HTML_ATTR_ID,
	HTML_ATTR_TEXT_ANCHOR, HTML_ATTR_TRANSFORM, HTML_ATTR_FOCUSABLE, HTML_ATTR_FONT_FAMILY,
	HTML_ATTR_FONT_SIZE, HTML_ATTR_FONT_WEIGHT,
	/* Forms. */
	HTML_ATTR_METHOD, HTML_ATTR_ACTION, HTML_ATTR_VALUE, HTML_ATTR_ENCTYPE, HTML_ATTR_FOR,
	HTML_ATTR_AUTOCOMPLETE, HTML_ATTR_ACCEPT, HTML_ATTR_SELECTED, HTML_ATTR_REQUIRED,
	HTML_ATTR_ARIA_DESCRIBEDBY, HTML_ATTR_TABINDEX, HTML_ATTR_ARIA_SORT, HTML_ATTR_ARIA_CURRENT,
	HTML_ATTR_DOWNLOAD, HTML__ATTR_MAX
};

/* Room html_num_format needs for any value, with its sign, point and NUL. */
#define HTML_NUM_MAX 32
/* Decimals html_attr_num and html_attr_put_num write (trailing zeros dropped). */
#define HTML_NUM_DECIMALS 2

struct html {
	struct cu_buf *b;
	int depth;
	enum html_el stack[32];
	int in_tag;        /* 1 between html_tag and html_tag_end / html_tag_void */
	enum html_el tag;  /* the element html_tag began */
};

/* Start writing into B (which the caller owns), with the doctype. */
void html_init(struct html *h, struct cu_buf *b);
/* Start writing into B without the doctype: a fragment (a chart served or tested alone). */
void html_init_fragment(struct html *h, struct cu_buf *b);
/* Open element E with attribute pairs (enum html_attr, const char *value), ended by -1. */
void html_open(struct html *h, enum html_el e, ...);
/* A void element (meta, link) with attributes, ended by -1; an SVG element is self-closed. */
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

/*
 * Building a start tag piece by piece: html_tag writes "<E"; html_attr, html_attr_num and
 * html_attr_begin .. html_attr_end add attributes; html_tag_end writes ">" and leaves E open
 * (close it with html_close), html_tag_void writes "/>" for an SVG element (">" for an HTML
 * one) and leaves nothing open. Calling these out of that order is a programmer error
 * (assert); no other html_ function may run while a tag is being built.
 */
void html_tag(struct html *h, enum html_el e);
/* Attribute A="V", V escaped; a NULL V writes nothing. */
void html_attr(struct html *h, enum html_attr a, const char *v);
/* Attribute A="V", V written by html_num_format with HTML_NUM_DECIMALS, trailing zeros cut. */
void html_attr_num(struct html *h, enum html_attr a, double v);
/* An attribute value in pieces: html_attr_begin writes A=", then any number of
 * html_attr_put (escaped text) and html_attr_put_num (as html_attr_num) calls, then
 * html_attr_end writes the closing quote. For lists of numbers, such as path data. */
void html_attr_begin(struct html *h, enum html_attr a);
void html_attr_put(struct html *h, const char *s);
void html_attr_put_num(struct html *h, double v);
void html_attr_end(struct html *h);
void html_tag_end(struct html *h);
void html_tag_void(struct html *h);

/*
 * Write V into OUT (room for SIZE >= HTML_NUM_MAX bytes) in plain decimal notation with
 * exactly DECIMALS digits after the point (0..9; none and no point for 0), rounded half away
 * from zero, "-" for negatives, never "-0", never an exponent, and never the locale's decimal
 * mark: the C library's printf is used only for whole numbers. Fewer decimals are written when
 * the value is too large for DECIMALS to be exact in a double (|V| x 10^DECIMALS >= 2^53).
 * Values are clamped to +/-1e18, and a NaN or infinity is written as "0": callers check for
 * them first (the charts do). Returns OUT. Errors: none.
 */
char *html_num_format(char *out, size_t size, double v, int decimals);

/* Append S to B with & < > " ' escaped. */
void html_escape(struct cu_buf *b, const char *s);
/* Append S to B percent-encoded for a URL path segment (unreserved characters kept). */
void html_url_segment(struct cu_buf *b, const char *s);

#endif
