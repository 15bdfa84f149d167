/*
 * A whole CSV file in memory as a table of text cells, for analysis commands (`custodian
 * stats`) that need every row at once (grouping, sorting). It reads through the same streaming
 * reader as imports, with the same limits and located errors; a row with the wrong number of
 * fields or invalid text is an error naming its line. ingest_table_scan reads the same way but
 * lets the caller keep only some rows at a time (a sorted file, one group after another).
 */
#ifndef CU_INGEST_TABLE_H
#define CU_INGEST_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"

struct ingest_table {
	size_t ncol, nrow;
	char **head;         /* ncol column names */
	const size_t *cells; /* nrow x ncol, row-major: offsets into TEXT of each cell */
	const char *text;    /* every cell's text, NUL-terminated, back to back */
	const long *line;    /* nrow: the line each row starts on */
	char *source;
	/* The storage behind CELLS, TEXT and LINE: reserved once from the file's size, so a
	 * table of millions of cells neither copies as it grows nor makes a million allocations. */
	struct cu_arena text_a, cell_a, line_a;
};

/*
 * Read the CSV at PATH ("-" for standard input) into T. Returns 0, or a negative cu_errcode
 * with ERR located. Free with ingest_table_release (also after a failure).
 */
int ingest_table_load(struct ingest_table *t, const char *path, struct cu_err *err);
/*
 * Read the CSV at PATH ("-" for standard input) into T as ingest_table_load does, with the same
 * checks and errors, but hand the rows over as they come: ON_HEAD(ARG, T) once the header is in T
 * (no rows yet), then for each row ON_ROW(ARG, T, F, LINE) with its T->ncol fields F (valid
 * during the call only) and the line it starts on, before the row is added to T. ON_ROW may
 * call ingest_table_clear_rows(T) to drop the rows kept so far, so memory stays that of the
 * rows kept, not the file's. A non-zero return from a callback stops the reading and is
 * returned; else 0 at the end, or a negative cu_errcode with ERR located. Free with
 * ingest_table_release (also after a failure).
 */
int ingest_table_scan(struct ingest_table *t, const char *path,
		      int (*on_head)(void *arg, struct ingest_table *t),
		      int (*on_row)(void *arg, struct ingest_table *t, const struct cu_str *f,
				    long line),
		      void *arg, struct cu_err *err);
/* Drop T's rows (the header stays); their storage is reused by the rows added next. */
void ingest_table_clear_rows(struct ingest_table *t);
void ingest_table_release(struct ingest_table *t);
/* The index of column NAME, or -1 with ERR set to `no column "NAME" in FILE: it has ...`. */
int ingest_table_col(const struct ingest_table *t, const char *name, struct cu_err *err);
/* Cell (R, C). */
const char *ingest_table_cell(const struct ingest_table *t, size_t r, size_t c);
/* Cell (R, C) with its length (no strlen: the next cell's offset gives it). */
struct cu_str ingest_table_str(const struct ingest_table *t, size_t r, size_t c);
/*
 * Cell (R, C) as a finite number into *OUT; an error located at the row's line and the column
 * (`bad number "x": expected a decimal number`). Returns 0 or CU_EINVAL.
 */
int ingest_table_num(const struct ingest_table *t, size_t r, size_t c, double *out,
		     struct cu_err *err);

/*
 * One output CSV line, built in memory and written with one call (per-cell stdio calls cost
 * more than the arithmetic on large outputs). Cells are separated by commas automatically.
 * Start from a zeroed struct; free with csv_line_free. Lines ended with csv_line_next are kept
 * and written some 64 KiB at a time (one stdio call per many lines), until csv_line_flush.
 */
struct csv_line {
	char *p;
	size_t n, cap, cells;
};

/*
 * A text cell: quoted when it holds a comma, quote, CR or LF; and, because a spreadsheet would
 * run it as a formula, a cell starting with '=', '+', '-', '@', tab or CR gets a leading
 * apostrophe, unless the whole cell is a plain decimal number such as "-1.5" (which a
 * spreadsheet reads as that number).
 */
void csv_line_text(struct csv_line *l, const char *s);
/* The same for the N bytes of S, which are followed by a NUL (a table cell: ingest_table_str),
 * faster for the usual cell that needs neither quotes nor a guard. */
void csv_line_textn(struct csv_line *l, const char *s, size_t n);
/* The N bytes of S to W when csv_line_text would write them as they are (no quotes, no
 * guard): returns W past them, else NULL (W then holds a part of them). Inline: it is the
 * inner loop of writing large outputs. */
static inline char *csv_plain_copy(char *w, const char *s, size_t n)
{
	if (n == 0 || *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' ||
	    *s == '\r')
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == ',' || c == '"' || c == '\r' || c == '\n')
			return NULL;
		w[i] = c;
	}
	return w + n;
}

/* A number as the shortest decimal that reads back as the same double (cu_num_fmt: "0.406",
 * where %.17g writes "0.40600000000000003"); NaN is an empty cell. */
void csv_line_num(struct csv_line *l, double v);
void csv_line_int(struct csv_line *l, long long v);
/*
 * Writing cells directly: csv_line_reserve makes room for MORE bytes and returns where they go
 * (after what L holds); the caller writes text already escaped, separators included (one
 * before its first byte too when L's line already has cells), and csv_line_commit(L, END)
 * takes what was written up to END.
 */
char *csv_line_reserve(struct csv_line *l, size_t more);
void csv_line_commit(struct csv_line *l, const char *end);
/* Text known to need no quoting or guard (a preformatted number, a fixed word). */
void csv_line_raw(struct csv_line *l, const char *s);
/*
 * N bytes of S as they are, after a separator: text already escaped, which may itself be
 * several cells joined by commas (e.g. a row's keys, formatted once for many rows).
 */
void csv_line_rawn(struct csv_line *l, const char *s, size_t n);
/* End the line: write it (and any lines kept by csv_line_next) and a newline to F, and start
 * the next. */
void csv_line_end(struct csv_line *l, FILE *f);
/* End the line and start the next, keeping it until some 64 KiB are ready, then write to F. */
void csv_line_next(struct csv_line *l, FILE *f);
/* Write to F the lines csv_line_next kept. */
void csv_line_flush(struct csv_line *l, FILE *f);
void csv_line_free(struct csv_line *l);

#endif
