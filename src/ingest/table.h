/*
 * A whole CSV file in memory as a table of text cells, for analysis commands (`custodian
 * stats`) that need every row at once (grouping, sorting). It reads through the same streaming
 * reader as imports, with the same limits and located errors; a row with the wrong number of
 * fields or invalid text is an error naming its line.
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
void ingest_table_release(struct ingest_table *t);
/* The index of column NAME, or -1 with ERR set to `no column "NAME" in FILE: it has ...`. */
int ingest_table_col(const struct ingest_table *t, const char *name, struct cu_err *err);
/* Cell (R, C). */
const char *ingest_table_cell(const struct ingest_table *t, size_t r, size_t c);
/*
 * Cell (R, C) as a finite number into *OUT; an error located at the row's line and the column
 * (`bad number "x": expected a decimal number`). Returns 0 or CU_EINVAL.
 */
int ingest_table_num(const struct ingest_table *t, size_t r, size_t c, double *out,
		     struct cu_err *err);

/*
 * One output CSV line, built in memory and written with one call (per-cell stdio calls cost
 * more than the arithmetic on large outputs). Cells are separated by commas automatically.
 * Start from a zeroed struct; free with csv_line_free.
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
/* A number with 17 significant digits (it reads back exactly); NaN is an empty cell. */
void csv_line_num(struct csv_line *l, double v);
void csv_line_int(struct csv_line *l, long long v);
/* Text known to need no quoting or guard (a preformatted number, a fixed word). */
void csv_line_raw(struct csv_line *l, const char *s);
/* End the line: write it and a newline to F, and start the next. */
void csv_line_end(struct csv_line *l, FILE *f);
void csv_line_free(struct csv_line *l);

#endif
