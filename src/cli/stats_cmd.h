/*
 * `custodian stats METHOD --in FILE --out FILE [options]`: the statistics core over a CSV file,
 * so an analyst can use and check the numbers outside the app. This header is shared by
 * cmd_stats.c (options, grouping, safe output) and the stats_<family>.c files (one per family
 * of methods).
 */
#ifndef CU_CLI_STATS_CMD_H
#define CU_CLI_STATS_CMD_H

#include <stdio.h>

#include "base/err.h"
#include "ingest/table.h"

/* Every option any method takes, as the text given (NULL when absent). */
struct stats_args {
	const char *in, *out;
	const char *by, *order, *value, *num, *den, *rebase;
	const char *level, *multiplier, *screen, *baseline, *shift, *trend, *two3;
	const char *polarity, *target;
	const char *odds, *h, *risk, *outcome, *sigmas, *factors, *measure, *od;
	const char *weight, *refnum, *refden, *scale;
	const char *freq, *stratum; /* --events-per-person, --stratum */
};

/* The input as rows sorted into groups (by the --by columns, then the --order column). */
struct stats_groups {
	size_t *row;    /* nrow row indexes in group order */
	size_t *start;  /* ngroup + 1 offsets into ROW: group g is row[start[g] .. start[g+1]) */
	size_t ngroup;
	int *key;       /* nkey column indexes of the --by columns */
	size_t nkey;
	int order;      /* the --order column, or -1 */
	int same_keys;  /* 1: the rows of a group have the same key cells, byte for byte (so the
			 * keys can be written once per group); 0: not known */
};

/*
 * A method that works one group at a time (--by, --order), in steps, so it can run either
 * over the whole table or as a sorted file is read (stats_grouped_stream). STATE is SIZE bytes,
 * zeroed before SETUP and handed to every step.
 *   SETUP reads the options and finds the columns; T has the header (its rows may be absent).
 *   HEAD writes the output's header line; G has the key and order columns.
 *   GROUP computes and writes group GRP of G (T's rows G->row[G->start[GRP]] ...).
 *   FINISH writes what is still kept (csv_line_flush); FREE releases the state (after a
 *   failure too, when kept output is dropped).
 * SETUP and GROUP return 0 or a negative cu_errcode with ERR located.
 */
struct stats_grouped {
	size_t size;
	int (*setup)(void *state, const struct stats_args *a, const struct ingest_table *t,
		     struct cu_err *err);
	void (*head)(void *state, const struct ingest_table *t, const struct stats_groups *g,
		     FILE *out);
	int (*group)(void *state, const struct ingest_table *t, const struct stats_groups *g,
		     size_t grp, FILE *out, struct cu_err *err);
	void (*finish)(void *state, FILE *out);
	void (*free)(void *state);
};

/*
 * One method: its name, a one-line summary, the options it accepts (a space-separated list of
 * long option names beyond --in and --out), and either the function that runs it or its group
 * steps. RUN reads T, writes CSV rows to OUT and returns 0, or a negative cu_errcode with ERR
 * located.
 */
struct stats_method {
	const char *name;
	const char *summary;
	const char *options;
	int (*run)(const struct stats_args *a, const struct ingest_table *t, FILE *out,
		   struct cu_err *err);
	const struct stats_grouped *grouped; /* when RUN is NULL */
};

/*
 * Run M over the whole table T, sorting its rows into groups with stats_groups_make: SETUP,
 * the grouping, HEAD, every GROUP, FINISH. Returns 0 or the first error.
 */
int stats_grouped_run(const struct stats_grouped *m, const struct stats_args *a,
		      const struct ingest_table *t, FILE *out, struct cu_err *err);
/*
 * Run M over the file A->in as it is read, one group at a time, holding only the group being
 * read: for a file already sorted by the --by columns and then --order, the common case, this
 * writes exactly what stats_grouped_run writes after ingest_table_load, without the whole
 * table in memory. The rules of the sort (a column compares as numbers when every cell of it
 * is one, else as text) are checked as the rows come: a column that starts with numbers is
 * taken for numeric, and a cell in it that is not a number ends the stream. Returns 0 when every row was read and the
 * output written is the result; else 1, and what was written to OUT must be thrown away and
 * the method run over the table instead: an error of any kind, rows out of order, two rows of
 * one series with the same order value, or keys that are equal as numbers but not as text
 * ("1" and "1.0") all go that way, so the table reports them as it always did.
 */
int stats_grouped_stream(const struct stats_grouped *m, const struct stats_args *a, FILE *out);

/* The methods of each family (stats_spc.c, ...), each array ended by a NULL name. */
extern const struct stats_method stats_spc_methods[];
extern const struct stats_method stats_ci_methods[];
extern const struct stats_method stats_model_methods[];

/* Column NAME of T (an error naming the columns there are when absent). */
int stats_col(const struct ingest_table *t, const char *name, const char *option,
	      struct cu_err *err);
/*
 * Sort T's rows into groups by the comma-separated columns BY (NULL: one group) and, within a
 * group, by the column ORDER (NULL: file order; numbers compare as numbers, other text as
 * text). Two rows with the same keys and order value are an error naming both lines. Free
 * with stats_groups_free.
 */
int stats_groups_make(const struct ingest_table *t, const char *by, const char *order,
		      struct stats_groups *g, struct cu_err *err);
/* Only the columns of stats_groups_make: G's KEY, NKEY and ORDER; no rows. Free the same way. */
int stats_groups_cols(const struct ingest_table *t, const char *by, const char *order,
		      struct stats_groups *g, struct cu_err *err);
void stats_groups_free(struct stats_groups *g);

/* Option parsers: the text of --NAME as a number in [MIN, MAX], a whole number, or on/off. */
int stats_opt_num(const char *text, const char *name, double min, double max, double *out,
		  struct cu_err *err);
int stats_opt_int(const char *text, const char *name, long min, long max, long *out,
		  struct cu_err *err);
int stats_opt_bool(const char *text, const char *name, int *out, struct cu_err *err);
/* A confidence level given as 95, 99.8 (per cent) or 0.95 (a probability). */
int stats_opt_level(const char *text, double *out, struct cu_err *err);

/* Cell (R, C) as a finite number, or an error located at the row's line and the column. */
int stats_cell_num(const struct ingest_table *t, size_t r, int c, double *out,
		   struct cu_err *err);

/* Add the group's key cells of row R to L. */
void stats_put_keys(struct csv_line *l, const struct ingest_table *t,
		    const struct stats_groups *g, size_t r);
/* Add the header names of the group keys to L. */
void stats_put_key_names(struct csv_line *l, const struct ingest_table *t,
			 const struct stats_groups *g);

/* Say where a group starts, for messages: `provider_id=12, indicator_id=3 (line 40)`. */
const char *stats_group_label(const struct ingest_table *t, const struct stats_groups *g,
			      size_t grp, char *buf, size_t n);

#endif
