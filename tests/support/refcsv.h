/*
 * A tiny reader for the published reference tables used by tests (../shared/data/reference).
 * It loads a whole small CSV into memory: header names and rows of string cells, RFC 4180
 * quotes honoured. It is test support only; the product's CSV reader lives in src/ingest.
 */
#ifndef CU_TEST_REFCSV_H
#define CU_TEST_REFCSV_H

#include <stddef.h>

struct refcsv {
	size_t ncol, nrow;
	char **head;  /* ncol names */
	char ***rows; /* nrow rows of ncol cells ("" when a row is short) */
};

/* Load PATH. Returns 0, or -1 with a message on stderr. Free with refcsv_free. */
int refcsv_load(struct refcsv *t, const char *path);
void refcsv_free(struct refcsv *t);
/* Index of column NAME, or -1. */
int refcsv_col(const struct refcsv *t, const char *name);
/* Cell of row R in column NAME ("" when absent). */
const char *refcsv_get(const struct refcsv *t, size_t r, const char *name);
/* Cell as a number: NAN for "", "NA", "NaN" or anything that is not a whole number. */
double refcsv_num(const struct refcsv *t, size_t r, const char *name);

#endif
