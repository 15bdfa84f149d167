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
#include "base/str.h"

struct ingest_table {
	size_t ncol, nrow;
	char **head;   /* ncol column names */
	char **cells;  /* nrow x ncol, row-major; each NUL-terminated; owned by the table */
	long *line;    /* nrow: the line each row starts on */
	char *source;
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
 * Write one CSV cell to F: quoted when it holds a comma, quote, CR or LF; and, because a
 * spreadsheet would run it as a formula, a text cell starting with '=', '+', '-', '@', tab or
 * CR gets a leading apostrophe. Numbers are written with csv_put_num, never through this.
 */
void csv_put_text(FILE *f, const char *s);
/* Write a number with 17 significant digits (it reads back exactly); NaN is written empty. */
void csv_put_num(FILE *f, double v);

#endif
