/*
 * The import driver's internals, shared by import.c (reading and checking rows),
 * import_writer.c (the writer thread) and import_spells.c (spells files). Not for use outside
 * src/ingest/.
 */
#ifndef CU_INGEST_IMPORT_INT_H
#define CU_INGEST_IMPORT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/map.h"
#include "ingest/import.h"

/* A compiled indicator template: literal text and {column} references. */
struct part {
	char *text;  /* literal, or NULL for a column */
	int col;     /* header index of the column */
	const struct ingest_map *map;
};

struct tmpl {
	size_t n;
	struct part *p;
};

struct ind_info {
	int64_t id;
	enum model_measure measure;
	double multiplier;
};

struct group {
	int64_t org_id;
	const struct ind_info *ind;
	char period_start[11], period_end[11];
	double num, den;
	bool suppressed, any;
	long line;
};

/*
 * A marker list (the profile's suppressed or missing values) by its entries' first bytes, so
 * that a figure which cannot be a marker (nearly every one) is told so without comparing.
 */
struct markers {
	bool empty;              /* "" is a marker */
	bool first[256];         /* some marker starts with this byte */
};

struct imp {
	struct store *s;
	const struct cu_actor *a;
	const struct ingest_profile *p;
	const struct ingest_import_opts *o;
	struct ingest_import_result *res;
	const char *src;
	char recorded_at[32];

	bool header_done;
	size_t ncols;        /* fields in the header */
	int *pcol;           /* header index of each profile column */
	int org_col, period_col, cat_col, val_col;
	struct tmpl *tmpl;   /* one per measure */
	int *mcols[3];       /* per measure: value, numerator, denominator column (-1: none) */
	int **when_cols;     /* per measure: header index of each `when` column */
	size_t *cat_hits;    /* per measure x category: rows seen with that category */
	size_t cat_base[CU_MAX_PROFILE_RULES + 1];

	struct markers suppressed, missing; /* the profile's marker lists, for a quick no */
	struct cu_map orgs;  /* code -> org id */
	char last_org[CU_MAX_CODE + 1]; /* the last row's organisation code ("" none)... */
	int64_t last_org_id;            /* ...and its id: rows come grouped by organisation */
	struct cu_map pairs; /* (org id, indicator id) -> 1 + whether it had history */
	struct cu_map inds;  /* code -> struct ind_info * (owned here) */
	struct cu_map groups; /* long format: key -> index in glist */
	struct group *glist;
	size_t ngroups, capgroups;
	struct cu_map seen;  /* long format and organisations: row keys already seen */
	char last_period[32];
	struct model_period period;
	struct cu_buf key;   /* scratch */
	struct store_obs_bulk *bulk; /* observation files: the store's bulk writer */
	struct writer *w;    /* wide observation files on two or more cores: the writer thread */
	/* The order of errors and queued appends, so that the writer thread's errors can be put
	 * among the reader's as a sequential import would have met them. */
	unsigned long seq;
	unsigned long eseq[CU_MAX_ERRORS]; /* of each error kept in res->errors */
	unsigned long fatal_seq;           /* of this thread's fatal store error, if any */
	long rejected[CU_MAX_ERRORS + 1];   /* lines of the rows this thread refused */
	size_t nrejected;
	int fatal;           /* stop reading: set by a fatal error */
};

/* Fill in E's location where the error did not give it: the file, LINE and column COL. */
void import_locate(const struct imp *m, struct cu_err *e, long line, int col);
/*
 * Keep an error of the import in M's result, in the order of the import's events (import.c):
 * import_row_error formats a row's error at LINE and column COL (-1: the row's, or the file's
 * at line 0); import_add_err keeps an error already in E (a store's), located where it is not.
 */
void import_row_error(struct imp *m, long line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void import_add_err(struct imp *m, struct cu_err *e, long line, int col);

/* Room for a value quoted in a message (cu_err_quote). */
#define QBUF (CU_MAX_SHOWN_VALUE * 4 + 8)

/*
 * Append observation OB of LINE (column COL) to the import (import.c): through the writer
 * thread when there is one, else the bulk writer or the store; a failure is kept as the row's
 * error (a store's fatal one ends the import). Returns 0 or -1. import_set_quotient derives
 * OB's value from its numerator and denominator for measures that are a quotient (IND's).
 */
int import_append(struct imp *m, long line, int col, struct store_obs *ob);
void import_set_quotient(struct store_obs *ob, const struct ind_info *ind);

/*
 * Import a spells file F (import_spells.c; F is closed there): run the mortality model outside
 * any transaction, then write its results in one, the import row last. Returns 0 or the
 * error's code, with the errors in M's result.
 */
int import_spells(struct imp *m, FILE *f);

/*
 * The writer thread (import_writer.c). import_writer_start gives M one on a machine with two
 * or more threads to use (ingest_csv_threads), else leaves M->w NULL and M writes in line;
 * import_writer_queue hands it an observation of LINE (column COL); import_writer_check (only
 * while M->w is set) says whether the reading must stop (its fatal error, or CU_ELIMIT when the errors of both threads
 * reach the limit), else 0; import_writer_finish lets it write what is queued, stops it, and
 * merges its results into M's. import_db_take and import_db_give bracket the reading thread's
 * own calls to the store (always true and a no-op without a writer); see import_writer.c.
 */
void import_writer_start(struct imp *m);
void import_writer_queue(struct imp *m, long line, int col, const struct store_obs *ob);
int import_writer_check(const struct imp *m);
void import_writer_finish(struct imp *m);
bool import_db_take(struct imp *m);
void import_db_give(struct imp *m, int rc, const struct cu_err *err);

#endif
