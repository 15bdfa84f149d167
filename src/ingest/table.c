/* Whole-file CSV tables for analysis commands, and safe CSV output; see table.h. */
#include "ingest/table.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/num.h"
#include "ingest/csv.h"

struct loader {
	struct ingest_table *t;
	size_t cap;
	struct cu_err *err;
};

static int on_record(void *arg, const struct ingest_record *r)
{
	struct loader *l = arg;
	struct ingest_table *t = l->t;

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
		return 0;
	}
	if (r->n != t->ncol)
		return cu_err_setloc(l->err, CU_EINVAL, t->source, r->line, NULL,
				     "%zu fields, expected %zu as in the header", r->n, t->ncol);
	if (t->nrow == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		t->cells = xrealloc(t->cells, l->cap * t->ncol * sizeof *t->cells);
		t->line = xrealloc(t->line, l->cap * sizeof *t->line);
	}
	for (size_t i = 0; i < r->n; i++)
		t->cells[t->nrow * t->ncol + i] = xstrndup(r->f[i].p, r->f[i].n);
	t->line[t->nrow++] = r->line;
	return 0;
}

int ingest_table_load(struct ingest_table *t, const char *path, struct cu_err *err)
{
	struct ingest_csv_opts o = { 0 };
	struct loader l = { t, 0, err };
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	int rc;

	memset(t, 0, sizeof *t);
	t->source = xstrdup(path);
	if (!f)
		return cu_err_setloc(err, CU_EIO, path, 0, NULL, "cannot open the file");
	o.source = t->source;
	rc = ingest_csv_read(f, &o, on_record, &l, NULL, err);
	if (f != stdin)
		fclose(f);
	if (!rc && !t->head)
		rc = cu_err_setloc(err, CU_EINVAL, path, 0, NULL,
				   "the file is empty: expected a header line naming the columns");
	return rc;
}

void ingest_table_release(struct ingest_table *t)
{
	for (size_t i = 0; i < t->nrow * t->ncol; i++)
		free(t->cells[i]);
	for (size_t i = 0; i < t->ncol; i++)
		free(t->head[i]);
	free(t->cells);
	free(t->head);
	free(t->line);
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
	return t->cells[r * t->ncol + c];
}

int ingest_table_num(const struct ingest_table *t, size_t r, size_t c, double *out,
		     struct cu_err *err)
{
	struct cu_err e;

	cu_err_clear(&e);
	if (cu_num_double(cu_str_of(ingest_table_cell(t, r, c)), -1e300, 1e300, out, &e) == 0)
		return 0;
	return cu_err_setloc(err, CU_EINVAL, t->source, t->line[r], t->head[c], "%s", e.msg);
}

void csv_put_text(FILE *f, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool formula = *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';

	if (quote)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
}

void csv_put_num(FILE *f, double v)
{
	if (!isnan(v))
		fprintf(f, "%.17g", v);
}
