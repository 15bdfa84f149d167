/* Whole-file CSV tables for analysis commands, and safe CSV output; see table.h. */
#include "ingest/table.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "base/mem.h"
#include "base/num.h"
#include "ingest/csv.h"

struct loader {
	struct ingest_table *t;
	struct cu_err *err;
	/* ingest_table_scan only (else NULL): see table.h. */
	int (*on_head)(void *arg, struct ingest_table *t);
	int (*on_row)(void *arg, struct ingest_table *t, const struct cu_str *f, long line);
	void *arg;
};

static int too_big(struct loader *l, long line)
{
	return cu_err_setloc(l->err, CU_ELIMIT, l->t->source, line, NULL,
			     "the file grew while it was read, or is too large to hold in memory");
}

static int on_record(void *arg, const struct ingest_record *r)
{
	struct loader *l = arg;
	struct ingest_table *t = l->t;
	size_t *cells, bytes = 0;
	long *line;
	char *at;
	bool contiguous = true;

	if (r->bad_field >= 0)
		return cu_err_setloc(l->err, CU_EINVAL, t->source, r->line, NULL,
				     "%s at byte %zu of field %ld: expected UTF-8 text",
				     r->bad_nul ? "NUL byte" : "invalid UTF-8", r->bad_offset,
				     r->bad_field + 1);
	if (!t->head) {
		t->ncol = r->n;
		t->head = xcalloc(r->n, sizeof *t->head);
		for (size_t i = 0; i < r->n; i++)
			t->head[i] = xstrndup(r->f[i].p, r->f[i].n);
		return l->on_head ? l->on_head(l->arg, t) : 0;
	}
	if (r->n != t->ncol)
		return cu_err_setloc(l->err, CU_EINVAL, t->source, r->line, NULL,
				     "%zu fields, expected %zu as in the header", r->n, t->ncol);
	if (l->on_row) {
		int rc = l->on_row(l->arg, t, r->f, r->line);

		if (rc)
			return rc;
	}
	if (!(cells = cu_arena_push(&t->cell_a, r->n * sizeof *cells)) ||
	    !(line = cu_arena_push(&t->line_a, sizeof *line)))
		return too_big(l, r->line);
	for (size_t i = 0; i < r->n; i++) {
		bytes += r->f[i].n + 1;
		contiguous &= i == 0 || r->f[i].p == r->f[i - 1].p + r->f[i - 1].n + 1;
	}
	if (!(at = cu_arena_push(&t->text_a, bytes)))
		return too_big(l, r->line);
	/* Fields that lie one separator apart in the reader's buffer (no quotes, no spaces
	 * trimmed: the usual row) are copied with one call, the separators becoming NULs. */
	if (contiguous && r->n)
		memcpy(at, r->f[0].p, bytes - 1);
	for (size_t i = 0; i < r->n; i++) {
		cells[i] = (size_t)(at - t->text_a.p);
		if (!contiguous)
			memcpy(at, r->f[i].p, r->f[i].n);
		at += r->f[i].n;
		*at++ = '\0';
	}
	*line = r->line;
	t->nrow++;
	return 0;
}

/* Point T's views at its storage. */
static void table_views(struct ingest_table *t)
{
	t->text = t->text_a.p;
	t->cells = (const size_t *)(void *)t->cell_a.p;
	t->line = (const long *)(void *)t->line_a.p;
}

/*
 * Open PATH into T (header and rows to come) and reserve its storage. With SMALL, the rows are
 * kept a few at a time (ingest_table_scan), so the storage asks for ordinary pages: a huge
 * page is 2 MiB of memory to clear on first touch, more than a group of rows needs.
 */
static int table_open(struct ingest_table *t, const char *path, int small, FILE **out,
		      struct cu_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct stat sb;
	size_t bytes = (size_t)CU_MAX_IMPORT_BYTES;

	memset(t, 0, sizeof *t);
	t->source = xstrdup(path);
	*out = NULL;
	if (!f)
		return cu_err_setloc(err, CU_EIO, path, 0, NULL, "cannot open the file");
	/*
	 * Bounds from the file's size: the cells' text is at most the file's bytes plus one NUL
	 * (each NUL takes the place of a separator), and every cell but the last is followed by
	 * a separator, so there are at most bytes + 1 cells and rows.
	 */
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size < (off_t)bytes)
		bytes = (size_t)sb.st_size;
	if (cu_arena_init(&t->text_a, bytes + 2) || cu_arena_init(&t->cell_a, (bytes + 2) *
								   sizeof *t->cells) ||
	    cu_arena_init(&t->line_a, (bytes + 2) * sizeof *t->line)) {
		if (f != stdin)
			fclose(f);
		return cu_err_setloc(err, CU_ENOMEM, path, 0, NULL,
				     "cannot reserve memory for a file of %zu bytes", bytes);
	}
	if (small) {
		/* Advice only, as cu_arena_init's: where it fails, huge pages cost time, not
		 * correctness. */
		(void)madvise(t->text_a.p, t->text_a.max, MADV_NOHUGEPAGE);
		(void)madvise(t->cell_a.p, t->cell_a.max, MADV_NOHUGEPAGE);
		(void)madvise(t->line_a.p, t->line_a.max, MADV_NOHUGEPAGE);
	}
	table_views(t);
	*out = f;
	return 0;
}

/* Read F (opened by table_open) through the loader L. */
static int table_read(struct loader *l, FILE *f, const char *path)
{
	struct ingest_csv_opts o = { 0 };
	int rc;

	o.source = l->t->source;
	o.no_hash = 1; /* nothing here needs the file's digest: it would cost a third of the read */
	rc = ingest_csv_read(f, &o, on_record, l, NULL, l->err);
	if (f != stdin)
		fclose(f);
	if (!rc && !l->t->head)
		rc = cu_err_setloc(l->err, CU_EINVAL, path, 0, NULL,
				   "the file is empty: expected a header line naming the columns");
	return rc;
}

int ingest_table_load(struct ingest_table *t, const char *path, struct cu_err *err)
{
	return ingest_table_scan(t, path, NULL, NULL, NULL, err);
}

int ingest_table_scan(struct ingest_table *t, const char *path,
		      int (*on_head)(void *arg, struct ingest_table *t),
		      int (*on_row)(void *arg, struct ingest_table *t, const struct cu_str *f,
				    long line),
		      void *arg, struct cu_err *err)
{
	struct loader l = { t, err, on_head, on_row, arg };
	FILE *f;
	int rc;

	/* Rows kept a few at a time (ON_ROW drops them) need no huge pages; a whole table does. */
	if ((rc = table_open(t, path, on_row != NULL, &f, err)) != 0)
		return rc;
	return table_read(&l, f, path);
}

void ingest_table_clear_rows(struct ingest_table *t)
{
	t->text_a.len = 0;
	t->cell_a.len = 0;
	t->line_a.len = 0;
	t->nrow = 0;
}

void ingest_table_release(struct ingest_table *t)
{
	cu_arena_release(&t->text_a);
	cu_arena_release(&t->cell_a);
	cu_arena_release(&t->line_a);
	for (size_t i = 0; i < t->ncol; i++)
		free(t->head[i]);
	free(t->head);
	free(t->source);
	memset(t, 0, sizeof *t);
}

int ingest_table_col(const struct ingest_table *t, const char *name, struct cu_err *err)
{
	char have[512];
	size_t w = 0;

	for (size_t i = 0; i < t->ncol; i++)
		if (strcmp(t->head[i], name) == 0)
			return (int)i;
	have[0] = '\0';
	for (size_t i = 0; i < t->ncol && w < sizeof have; i++) {
		int n = snprintf(have + w, sizeof have - w, "%s%s", i ? ", " : "", t->head[i]);

		if (n < 0)
			break;
		w += (size_t)n;
	}
	cu_err_setloc(err, CU_EINVAL, t->source, 1, NULL, "no column \"%.64s\": the header has %s",
		      name, have);
	return -1;
}

const char *ingest_table_cell(const struct ingest_table *t, size_t r, size_t c)
{
	return t->text + t->cells[r * t->ncol + c];
}

struct cu_str ingest_table_str(const struct ingest_table *t, size_t r, size_t c)
{
	size_t i = r * t->ncol + c, end;

	/* Cells are stored back to back in order, each with its NUL: the next one starts after
	 * it, and the last cell of the last row ends where the text does. */
	end = i + 1 < t->nrow * t->ncol ? t->cells[i + 1] : t->text_a.len;
	return (struct cu_str){ t->text + t->cells[i], end - t->cells[i] - 1 };
}

int ingest_table_num(const struct ingest_table *t, size_t r, size_t c, double *out,
		     struct cu_err *err)
{
	struct cu_str cell = ingest_table_str(t, r, c);
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];

	/* The message is only built when the cell is bad. */
	if (cu_num_double(cell, -1e300, 1e300, out, NULL) == 0)
		return 0;
	cu_err_quote(cell.p, cell.n, q, sizeof q);
	return cu_err_setloc(err, CU_EINVAL, t->source, t->line[r], t->head[c],
			     "bad number \"%s\": expected a decimal number such as 12 or -0.5", q);
}

/* A plain decimal number: optional sign, digits, optional fraction, optional exponent. */
static bool plain_number(const char *s)
{
	bool digits = false;

	s += *s == '-' || *s == '+';
	for (; *s >= '0' && *s <= '9'; s++)
		digits = true;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits = true;
	if (digits && (*s == 'e' || *s == 'E')) {
		s++;
		s += *s == '-' || *s == '+';
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return digits && !*s;
}

static void line_grow(struct csv_line *l, size_t more)
{
	l->cap = l->n + more > 2 * l->cap ? l->n + more : 2 * l->cap;
	if (l->cap < 256)
		l->cap = 256;
	l->p = xrealloc(l->p, l->cap);
}

/* Room for MORE bytes. The check is inline; growing, rare, is not. */
static inline void line_room(struct csv_line *l, size_t more)
{
	if (l->n + more > l->cap)
		line_grow(l, more);
}

static inline void line_sep(struct csv_line *l, size_t more)
{
	line_room(l, more + 1);
	if (l->cells++)
		l->p[l->n++] = ',';
}

void csv_line_textn(struct csv_line *l, const char *s, size_t n)
{
	char *end;

	/* One pass for the usual cell: copy while looking for what needs quoting, and start
	 * over with csv_line_text only when something does. */
	line_sep(l, n);
	if ((end = csv_plain_copy(l->p + l->n, s, n))) {
		l->n = (size_t)(end - l->p);
		return;
	}
	/* Take back the separator (if any): csv_line_text adds it again. */
	l->n -= --l->cells != 0;
	csv_line_text(l, s);
}

void csv_line_text(struct csv_line *l, const char *s)
{
	size_t len = 0, quotes = 0;
	bool quote = false, formula;

	for (const char *q = s; *q; q++, len++) {
		if (*q == '"')
			quotes++;
		if (*q == ',' || *q == '"' || *q == '\r' || *q == '\n')
			quote = true;
	}
	formula = (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' ||
		   *s == '\r') && !plain_number(s);
	line_sep(l, len + quotes + 3);
	if (!quote && !formula) {
		memcpy(l->p + l->n, s, len);
		l->n += len;
		return;
	}
	if (quote)
		l->p[l->n++] = '"';
	if (formula)
		l->p[l->n++] = '\'';
	for (; *s; s++) {
		if (*s == '"')
			l->p[l->n++] = '"';
		l->p[l->n++] = *s;
	}
	if (quote)
		l->p[l->n++] = '"';
}

void csv_line_raw(struct csv_line *l, const char *s)
{
	csv_line_rawn(l, s, strlen(s));
}

void csv_line_rawn(struct csv_line *l, const char *s, size_t n)
{
	line_sep(l, n);
	memcpy(l->p + l->n, s, n);
	l->n += n;
}

char *csv_line_reserve(struct csv_line *l, size_t more)
{
	line_room(l, more);
	return l->p + l->n;
}

void csv_line_commit(struct csv_line *l, const char *end)
{
	assert(end >= l->p + l->n && end <= l->p + l->cap);
	l->n = (size_t)(end - l->p);
	l->cells++;
}

void csv_line_num(struct csv_line *l, double v)
{
	line_sep(l, CU_NUM_FMT_MAX);
	if (!isnan(v))
		l->n += cu_num_fmt(v, l->p + l->n);
}

void csv_line_int(struct csv_line *l, long long v)
{
	line_sep(l, 24);
	l->n += (size_t)snprintf(l->p + l->n, 24, "%lld", v);
}

void csv_line_end(struct csv_line *l, FILE *f)
{
	line_room(l, 1);
	l->p[l->n++] = '\n';
	fwrite(l->p, 1, l->n, f);
	l->n = 0;
	l->cells = 0;
}

/* Lines kept by csv_line_next before they are written: enough to make stdio's per-call cost
 * vanish, small enough to stay in cache. */
#define CSV_LINE_KEEP (64 * 1024)

void csv_line_next(struct csv_line *l, FILE *f)
{
	line_room(l, 1);
	l->p[l->n++] = '\n';
	l->cells = 0;
	if (l->n >= CSV_LINE_KEEP) {
		/* Whole blocks only, the rest kept for the next: writes that start and end on page
		 * boundaries of the file cost the kernel less than ones that share pages. */
		fwrite(l->p, 1, CSV_LINE_KEEP, f);
		memmove(l->p, l->p + CSV_LINE_KEEP, l->n - CSV_LINE_KEEP);
		l->n -= CSV_LINE_KEEP;
	}
}

void csv_line_flush(struct csv_line *l, FILE *f)
{
	if (l->n)
		fwrite(l->p, 1, l->n, f);
	l->n = 0;
	l->cells = 0;
}

void csv_line_free(struct csv_line *l)
{
	free(l->p);
	memset(l, 0, sizeof *l);
}
