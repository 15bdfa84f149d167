/* Test-only loader for small reference CSV tables; see refcsv.h. */
#include "refcsv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q) {
		fprintf(stderr, "refcsv: out of memory\n");
		exit(2);
	}
	return q;
}

/* Split one logical record starting at *pp; advances *pp past the record's line end. */
static char **split_record(const char **pp, size_t *ncell)
{
	const char *p = *pp;
	char **cells = NULL;
	size_t n = 0;

	for (;;) {
		size_t cap = 16, len = 0;
		char *cell = xrealloc(NULL, cap);

		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0')
					break;
				if (*p == '"' && p[1] == '"') {
					p += 2;
					cell[len++] = '"';
				} else if (*p == '"') {
					p++;
					break;
				} else {
					cell[len++] = *p++;
				}
				if (len + 1 >= cap)
					cell = xrealloc(cell, cap *= 2);
			}
		}
		while (*p && *p != ',' && *p != '\n' && *p != '\r') {
			cell[len++] = *p++;
			if (len + 1 >= cap)
				cell = xrealloc(cell, cap *= 2);
		}
		cell[len] = '\0';
		cells = xrealloc(cells, (n + 1) * sizeof *cells);
		cells[n++] = cell;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
		break;
	}
	*pp = p;
	*ncell = n;
	return cells;
}

int refcsv_load(struct refcsv *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long size;
	const char *p;

	memset(t, 0, sizeof *t);
	if (!f) {
		fprintf(stderr, "refcsv: cannot open %s\n", path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = xrealloc(NULL, (size_t)size + 1);
	if (fread(text, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(text);
		fprintf(stderr, "refcsv: cannot read %s\n", path);
		return -1;
	}
	fclose(f);
	text[size] = '\0';
	p = text;
	if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		p += 3;
	t->head = split_record(&p, &t->ncol);
	while (*p) {
		size_t n, i;
		char **cells;

		if (*p == '\n' || *p == '\r') {
			p++;
			continue;
		}
		cells = split_record(&p, &n);
		if (n < t->ncol) {
			cells = xrealloc(cells, t->ncol * sizeof *cells);
			for (i = n; i < t->ncol; i++)
				cells[i] = xrealloc(NULL, 1), cells[i][0] = '\0';
		} else {
			for (i = t->ncol; i < n; i++)
				free(cells[i]);
		}
		t->rows = xrealloc(t->rows, (t->nrow + 1) * sizeof *t->rows);
		t->rows[t->nrow++] = cells;
	}
	free(text);
	return 0;
}

void refcsv_free(struct refcsv *t)
{
	size_t r, c;

	for (r = 0; r < t->nrow; r++) {
		for (c = 0; c < t->ncol; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	for (c = 0; c < t->ncol; c++)
		free(t->head[c]);
	free(t->rows);
	free(t->head);
	memset(t, 0, sizeof *t);
}

int refcsv_col(const struct refcsv *t, const char *name)
{
	size_t c;

	for (c = 0; c < t->ncol; c++)
		if (strcmp(t->head[c], name) == 0)
			return (int)c;
	return -1;
}

const char *refcsv_get(const struct refcsv *t, size_t r, const char *name)
{
	int c = refcsv_col(t, name);

	if (c < 0 || r >= t->nrow)
		return "";
	return t->rows[r][c];
}

double refcsv_num(const struct refcsv *t, size_t r, const char *name)
{
	const char *s = refcsv_get(t, r, name);
	char *end;
	double v;

	if (*s == '\0' || strcmp(s, "NA") == 0 || strcmp(s, "NaN") == 0)
		return NAN;
	if (strcmp(s, "Inf") == 0)
		return INFINITY;
	if (strcmp(s, "-Inf") == 0)
		return -INFINITY;
	v = strtod(s, &end);
	return *end == '\0' ? v : NAN;
}
