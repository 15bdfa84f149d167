/*
 * custodian stats METHOD --in FILE --out FILE [options]: run a method of the statistics core
 * over a CSV file. The input is read through the importer's CSV reader (same limits, located
 * errors); the output is written to a temporary file beside OUT and renamed over it only when
 * every row is written, so a failed run never leaves a half-written or clobbered result.
 */
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/num.h"
#include "cli/cli.h"
#include "cli/stats_cmd.h"

static const struct stats_method *const families[] = { stats_spc_methods, stats_ci_methods,
							 stats_model_methods };

#define ARG(field) offsetof(struct stats_args, field)

static const struct {
	const char *name;
	size_t at;
} argmap[] = {
	{ "in", ARG(in) }, { "out", ARG(out) }, { "by", ARG(by) }, { "order", ARG(order) },
	{ "value", ARG(value) }, { "num", ARG(num) }, { "den", ARG(den) },
	{ "rebase", ARG(rebase) }, { "level", ARG(level) }, { "multiplier", ARG(multiplier) },
	{ "screen", ARG(screen) }, { "baseline", ARG(baseline) }, { "shift", ARG(shift) },
	{ "trend", ARG(trend) }, { "two-of-three", ARG(two3) }, { "polarity", ARG(polarity) },
	{ "target", ARG(target) }, { "odds", ARG(odds) }, { "h", ARG(h) }, { "risk", ARG(risk) },
	{ "outcome", ARG(outcome) }, { "sigmas", ARG(sigmas) }, { "factors", ARG(factors) },
	{ "measure", ARG(measure) }, { "od", ARG(od) }, { "weight", ARG(weight) },
	{ "ref-num", ARG(refnum) }, { "ref-den", ARG(refden) }, { "scale", ARG(scale) },
	{ "events-per-person", ARG(freq) }, { "stratum", ARG(stratum) },
};
#define NARGS (sizeof argmap / sizeof argmap[0])

static void usage(FILE *f)
{
	fprintf(f, "usage: custodian stats METHOD --in FILE.csv --out FILE.csv [options]\n"
		   "(--out - writes to standard output; docs/methods.md describes each method)\n\n"
		   "methods:\n");
	for (size_t i = 0; i < sizeof families / sizeof *families; i++)
		for (const struct stats_method *m = families[i]; m->name; m++)
			fprintf(f, "  %-8s %s\n           options: %s\n", m->name, m->summary,
				m->options);
}

static const struct stats_method *find_method(const char *name)
{
	for (size_t i = 0; i < sizeof families / sizeof *families; i++)
		for (const struct stats_method *m = families[i]; m->name; m++)
			if (strcmp(m->name, name) == 0)
				return m;
	return NULL;
}

/* Whether NAME is one of the space-separated words of LIST. */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/*
 * The output stream's buffer: BUF (N bytes) for methods that write line by line; none for the
 * grouped ones, which keep their lines and write some 64 KiB at a time (csv_line_next), so
 * that a stdio buffer would only copy every byte once more.
 */
static void out_buffer(struct cli_output *out, const struct stats_method *m, char *buf, size_t n)
{
	if (m->grouped)
		setvbuf(out->f, NULL, _IONBF, 0);
	else
		setvbuf(out->f, buf, _IOFBF, n);
}

/* With CU_STATS_TRACE=1 in the environment, how the input is read, on standard error (for
 * an analyst asking where the memory went, and for the tests). */
static void trace(const char *how)
{
	const char *env = getenv("CU_STATS_TRACE");

	if (env && strcmp(env, "1") == 0)
		fprintf(stderr, "custodian stats: %s\n", how);
}

int cmd_stats(struct cu_ctx *ctx, int argc, char **argv)
{
	struct option longopts[NARGS + 2];
	struct stats_args a = { 0 };
	const struct stats_method *m;
	struct ingest_table t;
	struct cli_output out;
	struct cu_err err, scratch; /* SCRATCH: errors of the streamed attempt, never shown */
	struct stat sb;
	int c, rc, opened = 0;
	char outbuf[1 << 16];

	(void)ctx;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2;
	}
	if (!(m = find_method(argv[1]))) {
		fprintf(stderr, "custodian stats: unknown method \"%.64s\"\n", argv[1]);
		usage(stderr);
		return 1;
	}
	for (size_t i = 0; i < NARGS; i++)
		longopts[i] = (struct option){ argmap[i].name, required_argument, NULL, (int)i };
	longopts[NARGS] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[NARGS + 1] = (struct option){ NULL, 0, NULL, 0 };
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c < 0 || (size_t)c >= NARGS) {
			fprintf(stderr, "usage: custodian stats %s --in FILE --out FILE; options: %s\n",
				m->name, m->options);
			return 1;
		}
		if (c > 1 && !listed(m->options, argmap[c].name)) {
			fprintf(stderr, "custodian stats %s: --%s does not apply; its options are: %s\n",
				m->name, argmap[c].name, m->options);
			return 1;
		}
		*(const char **)((char *)&a + argmap[c].at) = optarg;
	}
	if (optind < argc || !a.in || !a.out) {
		fprintf(stderr, "custodian stats %s: %s\n", m->name,
			optind < argc ? "unexpected argument" : "--in FILE and --out FILE are needed");
		return 1;
	}
	cu_err_clear(&err);
	cu_err_clear(&scratch);
	/*
	 * A grouped method over a file, written to a file: run it as the file is read, one group
	 * at a time, and fall back on the whole table (after emptying the output) when the file
	 * turns out not to be sorted or anything fails, so errors are those the table reports.
	 * Standard input cannot be read twice, and what went to a pipe cannot be taken back.
	 */
	if (m->grouped && a.by && strcmp(a.in, "-") != 0 && strcmp(a.out, "-") != 0 &&
	    (stat(a.out, &sb) != 0 || S_ISREG(sb.st_mode)) &&
	    cli_output_open(&out, a.out, &scratch) == 0) {
		if (!out.tmp) {
			cli_output_close(&out, 0, &scratch);
		} else {
			out_buffer(&out, m, outbuf, sizeof outbuf);
			if (stats_grouped_stream(m->grouped, &a, out.f) == 0) {
				trace("read group by group");
				return cli_output_close(&out, 1, &err) ? cli_fail(&err) : 0;
			}
			if (fflush(out.f) == 0 && ftruncate(fileno(out.f), 0) == 0 &&
			    fseek(out.f, 0, SEEK_SET) == 0)
				opened = 1;
			else
				cli_output_close(&out, 0, &scratch);
		}
	}
	trace("read whole and sorted in memory");
	if ((rc = ingest_table_load(&t, a.in, &err)) != 0) {
		if (opened)
			cli_output_close(&out, 0, &err);
		ingest_table_release(&t);
		return cli_fail(&err);
	}
	if (!opened && (rc = cli_output_open(&out, a.out, &err)) != 0) {
		ingest_table_release(&t);
		return cli_fail(&err);
	}
	if (!opened)
		out_buffer(&out, m, outbuf, sizeof outbuf);
	rc = m->run ? m->run(&a, &t, out.f, &err) : stats_grouped_run(m->grouped, &a, &t, out.f,
								       &err);
	rc = cli_output_close(&out, rc == 0, &err) || rc;
	ingest_table_release(&t);
	return rc ? cli_fail(&err) : 0;
}

/* ---- shared helpers for the method files ---- */

int stats_col(const struct ingest_table *t, const char *name, const char *option,
	      struct cu_err *err)
{
	struct cu_err e;
	int c;

	cu_err_clear(&e);
	if ((c = ingest_table_col(t, name, &e)) < 0)
		cu_err_setloc(err, CU_EINVAL, e.source, e.line, NULL, "%s (named by --%s)", e.msg,
			      option);
	return c;
}

int stats_cell_num(const struct ingest_table *t, size_t r, int c, double *out,
		   struct cu_err *err)
{
	return ingest_table_num(t, r, (size_t)c, out, err);
}

int stats_opt_num(const char *text, const char *name, double min, double max, double *out,
		  struct cu_err *err)
{
	struct cu_err e;

	cu_err_clear(&e);
	if (cu_num_double(cu_str_of(text), min, max, out, &e) == 0)
		return 0;
	return cu_err_set(err, CU_EINVAL, "--%s: %s", name, e.msg);
}

int stats_opt_int(const char *text, const char *name, long min, long max, long *out,
		  struct cu_err *err)
{
	struct cu_err e;
	long long v;

	cu_err_clear(&e);
	if (cu_num_int(cu_str_of(text), min, max, &v, &e) == 0) {
		*out = (long)v;
		return 0;
	}
	return cu_err_set(err, CU_EINVAL, "--%s: %s", name, e.msg);
}

int stats_opt_bool(const char *text, const char *name, int *out, struct cu_err *err)
{
	if (strcmp(text, "on") == 0 || strcmp(text, "yes") == 0 || strcmp(text, "1") == 0)
		return *out = 1, 0;
	if (strcmp(text, "off") == 0 || strcmp(text, "no") == 0 || strcmp(text, "0") == 0)
		return *out = 0, 0;
	return cu_err_set(err, CU_EINVAL, "--%s \"%.32s\": expected on or off", name, text);
}

int stats_opt_level(const char *text, double *out, struct cu_err *err)
{
	double v;

	if (stats_opt_num(text, "level", 0, 100, &v, err))
		return CU_EINVAL;
	if (v > 1)
		v /= 100;
	if (!(v > 0 && v < 1))
		return cu_err_set(err, CU_EINVAL,
				  "--level \"%.32s\": expected a level such as 95, 99.8 or 0.95", text);
	*out = v;
	return 0;
}

/* Sorting rows into groups. qsort has no context argument, so the comparison reads it from a
 * thread-local pointer set for the duration of one sort. */
struct sort_ctx {
	const struct ingest_table *t;
	const struct stats_groups *g;
	double **numeric; /* per key (and the order column last): values, or NULL for text */
};

static _Thread_local const struct sort_ctx *sorting;

static int cmp_col(const struct sort_ctx *s, size_t k, int col, size_t a, size_t b)
{
	if (s->numeric[k]) {
		double x = s->numeric[k][a], y = s->numeric[k][b];

		return (x > y) - (x < y);
	}
	return strcmp(ingest_table_cell(s->t, a, (size_t)col), ingest_table_cell(s->t, b, (size_t)col));
}

/* Compare rows A and B by the keys, then (when KEYS_ONLY is 0) the order column. */
static int cmp_rows(const struct sort_ctx *s, size_t a, size_t b, int keys_only)
{
	const struct stats_groups *g = s->g;
	int d;

	for (size_t k = 0; k < g->nkey; k++)
		if ((d = cmp_col(s, k, g->key[k], a, b)) != 0)
			return d;
	if (!keys_only && g->order >= 0)
		return cmp_col(s, g->nkey, g->order, a, b);
	return 0;
}

static int cmp_sort(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int d = cmp_rows(sorting, a, b, 0);

	return d ? d : (a > b) - (a < b); /* stable: file order breaks ties */
}

/* The column's values as numbers when every cell is one, else NULL (compare as text). */
static double *numeric_column(const struct ingest_table *t, int col)
{
	double *v = xmalloc((t->nrow ? t->nrow : 1) * sizeof *v);
	struct cu_str last = { NULL, 0 };

	for (size_t r = 0; r < t->nrow; r++) {
		struct cu_str cell = ingest_table_str(t, r, (size_t)col);

		/* Sorted files repeat a key for many rows in a row: parse it once. */
		if (r && cell.n == last.n && memcmp(cell.p, last.p, cell.n) == 0) {
			v[r] = v[r - 1];
			continue;
		}
		if (cu_num_double(cell, -1e300, 1e300, &v[r], NULL) != 0) {
			free(v);
			return NULL;
		}
		last = cell;
	}
	return v;
}

/* ---- grouped methods: over the table, or as the file is read ---- */

int stats_grouped_run(const struct stats_grouped *m, const struct stats_args *a,
		      const struct ingest_table *t, FILE *out, struct cu_err *err)
{
	void *state = xcalloc(1, m->size);
	struct stats_groups g;
	int rc;

	memset(&g, 0, sizeof g);
	if ((rc = m->setup(state, a, t, err)) == 0 &&
	    (rc = stats_groups_make(t, a->by, a->order, &g, err)) == 0) {
		m->head(state, t, &g, out);
		for (size_t grp = 0; grp < g.ngroup && !rc; grp++)
			rc = m->group(state, t, &g, grp, out, err);
		if (!rc)
			m->finish(state, out);
	}
	m->free(state);
	free(state);
	stats_groups_free(&g);
	return rc;
}

/*
 * The state of stats_grouped_stream. T (the scan's table) holds the rows of the group being
 * read; G has the key and order columns and, when a group is handed over, one group whose rows
 * are 0 .. n - 1 of T. The sort is checked on each pair of neighbouring rows at the first key
 * column whose text differs or, when none does, at the order column, which must rise. A column
 * whose first cell is a number compares as numbers; should a later cell not be one, the column
 * compares as text (stats_groups_make) and the stream stops there, leaving the table to sort it
 * out. A column whose first cell is not a number compares as text throughout.
 */
struct stream_col {
	int col;
	char *text;    /* the last row's cell (a copy: T may have dropped the row) */
	size_t n, cap;
	double num;    /* ... as a number, in a numeric column */
	int numeric;   /* the column compares as numbers (its first cell is one) */
};

struct stream {
	const struct stats_grouped *m;
	const struct stats_args *a;
	FILE *out;
	void *state;
	struct stats_groups g;
	size_t span[2];      /* G's START */
	size_t *ident, cap;  /* 0, 1, 2, ...: G's ROW */
	size_t ncmp;         /* compared columns: the keys, then the order column */
	struct stream_col *cmp;
	int started;         /* a row has been read */
	struct cu_err err;   /* the stream's own: never reported, the table reports instead */
};

#define STREAM_STOP 1 /* fall back on the table */

static int stream_head(void *arg, struct ingest_table *t)
{
	struct stream *s = arg;

	s->state = xcalloc(1, s->m->size);
	if (s->m->setup(s->state, s->a, t, &s->err) ||
	    stats_groups_cols(t, s->a->by, s->a->order, &s->g, &s->err))
		return STREAM_STOP;
	s->ncmp = s->g.nkey + (s->g.order >= 0);
	s->cmp = xcalloc(s->ncmp + 1, sizeof *s->cmp);
	for (size_t k = 0; k < s->g.nkey; k++)
		s->cmp[k].col = s->g.key[k];
	if (s->g.order >= 0)
		s->cmp[s->g.nkey].col = s->g.order;
	s->m->head(s->state, t, &s->g, s->out);
	return 0;
}

/* Hand the rows held in T over as one group and drop them. */
static int stream_flush(struct stream *s, struct ingest_table *t)
{
	int rc;

	if (!t->nrow)
		return 0;
	if (t->nrow > s->cap) {
		s->ident = xrealloc(s->ident, t->nrow * sizeof *s->ident);
		for (size_t i = s->cap; i < t->nrow; i++)
			s->ident[i] = i;
		s->cap = t->nrow;
	}
	s->span[0] = 0;
	s->span[1] = t->nrow;
	s->g.row = s->ident;
	s->g.start = s->span;
	s->g.ngroup = 1;
	s->g.same_keys = 1; /* a key cell that differs in text starts a group (stream_row) */
	rc = s->m->group(s->state, t, &s->g, 0, s->out, &s->err);
	s->g.row = NULL;
	s->g.start = NULL;
	s->g.ngroup = 0;
	ingest_table_clear_rows(t);
	return rc ? STREAM_STOP : 0;
}

/* Whether cell Q is C's last cell. Cells are short: a loop beats a call to memcmp. */
static int same_text(const struct stream_col *c, struct cu_str q)
{
	if (c->n != q.n)
		return 0;
	for (size_t i = 0; i < q.n; i++)
		if (c->text[i] != q.p[i])
			return 0;
	return 1;
}

/* strcmp(C's last cell, Q) (cells hold no NUL). */
static int text_cmp(const struct stream_col *c, struct cu_str q)
{
	for (size_t i = 0; i < c->n && i < q.n; i++)
		if (c->text[i] != q.p[i])
			return (unsigned char)c->text[i] - (unsigned char)q.p[i];
	return (c->n > q.n) - (c->n < q.n);
}

/* Cell Q as a number as numeric_column reads it (cu_num_double within +-1e300); plain
 * counters such as months, the usual order column, without the call. */
static int cell_num(struct cu_str q, double *v)
{
	if (q.n && q.n <= 9) {
		unsigned x = 0;
		size_t i = 0;

		for (; i < q.n && (unsigned)(q.p[i] - '0') < 10; i++)
			x = x * 10 + (unsigned)(q.p[i] - '0');
		if (i == q.n) {
			*v = x;
			return 1;
		}
	}
	return cu_num_double(q, -1e300, 1e300, v, NULL) == 0;
}

/* Keep cell Q as C's last. */
static void keep_text(struct stream_col *c, struct cu_str q)
{
	if (q.n > c->cap) {
		c->cap = q.n > 2 * c->cap ? q.n : 2 * c->cap;
		c->text = xrealloc(c->text, c->cap);
	}
	for (size_t i = 0; i < q.n; i++)
		c->text[i] = q.p[i];
	c->n = q.n;
}

static int stream_row(void *arg, struct ingest_table *t, const struct cu_str *f, long line)
{
	struct stream *s = arg;
	size_t first = s->g.nkey; /* the first key column whose text differs from the last row's */

	(void)line;
	for (size_t k = 0; k < s->g.nkey; k++) {
		struct stream_col *c = &s->cmp[k];
		struct cu_str q = f[c->col];
		double v = 0;

		if (s->started && same_text(c, q))
			continue;
		if (!s->started) {
			c->numeric = cell_num(q, &v);
		} else if (c->numeric) {
			if (!cell_num(q, &v))
				return STREAM_STOP; /* the column compares as text after all */
			/* Out of order, or equal as numbers but not as text ("1", "1.0"). */
			if (first == s->g.nkey && v <= c->num)
				return STREAM_STOP;
		} else if (first == s->g.nkey && text_cmp(c, q) > 0) {
			return STREAM_STOP;
		}
		if (first == s->g.nkey)
			first = k;
		keep_text(c, q);
		c->num = v;
	}
	/* The order column must rise within a series: an equal value is a repeat, or equal as
	 * numbers but not as text ("1", "1.0"), which the table reports. A numeric one is
	 * compared as a number alone, so its text is not kept. */
	if (s->g.order >= 0) {
		struct stream_col *c = &s->cmp[s->g.nkey];
		struct cu_str q = f[c->col];
		double v = 0;

		if (!s->started) {
			c->numeric = cell_num(q, &v);
			keep_text(c, q);
		} else if (c->numeric) {
			if (!cell_num(q, &v) || (first == s->g.nkey && v <= c->num))
				return STREAM_STOP;
		} else {
			if (first == s->g.nkey && text_cmp(c, q) >= 0)
				return STREAM_STOP;
			keep_text(c, q);
		}
		c->num = v;
	}
	if (!s->started) {
		s->started = 1;
		return 0;
	}
	return first < s->g.nkey ? stream_flush(s, t) : 0;
}

int stats_grouped_stream(const struct stats_grouped *m, const struct stats_args *a, FILE *out)
{
	struct stream s;
	struct ingest_table t;
	int rc;

	memset(&s, 0, sizeof s);
	s.m = m;
	s.a = a;
	s.out = out;
	s.g.order = -1;
	cu_err_clear(&s.err);
	rc = ingest_table_scan(&t, a->in, stream_head, stream_row, &s, &s.err);
	if (!rc)
		rc = stream_flush(&s, &t);
	if (!rc)
		m->finish(s.state, out);
	if (s.state)
		m->free(s.state);
	free(s.state);
	free(s.ident);
	for (size_t k = 0; k < s.ncmp; k++)
		free(s.cmp[k].text);
	free(s.cmp);
	stats_groups_free(&s.g);
	ingest_table_release(&t);
	return rc ? STREAM_STOP : 0;
}

int stats_groups_cols(const struct ingest_table *t, const char *by, const char *order,
		      struct stats_groups *g, struct cu_err *err)
{
	int rc = 0;

	memset(g, 0, sizeof *g);
	g->order = -1;
	if (by && *by) {
		char *list = xstrdup(by), *save = NULL;

		g->key = xcalloc(strlen(by) / 2 + 1, sizeof *g->key);
		for (char *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			int c = stats_col(t, w, "by", err);

			if (c < 0) {
				rc = CU_EINVAL;
				break;
			}
			g->key[g->nkey++] = c;
		}
		free(list);
		if (rc)
			return rc;
	}
	if (order && (g->order = stats_col(t, order, "order", err)) < 0)
		return CU_EINVAL;
	return 0;
}

int stats_groups_make(const struct ingest_table *t, const char *by, const char *order,
		      struct stats_groups *g, struct cu_err *err)
{
	struct sort_ctx s = { t, g, NULL };
	int rc, sorted = 1;

	if ((rc = stats_groups_cols(t, by, order, g, err)) != 0)
		return rc;
	s.numeric = xcalloc(g->nkey + 1, sizeof *s.numeric);
	for (size_t k = 0; k < g->nkey; k++)
		s.numeric[k] = numeric_column(t, g->key[k]);
	if (g->order >= 0)
		s.numeric[g->nkey] = numeric_column(t, g->order);
	g->row = xmalloc((t->nrow ? t->nrow : 1) * sizeof *g->row);
	for (size_t r = 0; r < t->nrow; r++) {
		g->row[r] = r;
		if (r && cmp_rows(&s, r - 1, r, 0) > 0)
			sorted = 0;
	}
	/* Files usually come sorted; checking costs one pass and saves the sort. */
	if (!sorted) {
		sorting = &s;
		qsort(g->row, t->nrow, sizeof *g->row, cmp_sort);
		sorting = NULL;
	}
	g->start = xmalloc((t->nrow + 1) * sizeof *g->start);
	for (size_t i = 0; i < t->nrow; i++) {
		if (i && g->order >= 0 && cmp_rows(&s, g->row[i - 1], g->row[i], 0) == 0) {
			size_t a = g->row[i - 1], b = g->row[i];

			rc = cu_err_setloc(err, CU_EEXIST, t->source, t->line[b], t->head[g->order],
					   "\"%.64s\" appears twice in one series (lines %ld and %ld)",
					   ingest_table_cell(t, b, (size_t)g->order), t->line[a],
					   t->line[b]);
			break;
		}
		if (i == 0 || cmp_rows(&s, g->row[i - 1], g->row[i], 1) != 0)
			g->start[g->ngroup++] = i;
	}
	g->start[g->ngroup] = t->nrow;
	for (size_t k = 0; k <= g->nkey; k++)
		free(s.numeric[k]);
	free(s.numeric);
	return rc;
}

void stats_groups_free(struct stats_groups *g)
{
	free(g->row);
	free(g->start);
	free(g->key);
	memset(g, 0, sizeof *g);
}

void stats_put_keys(struct csv_line *l, const struct ingest_table *t,
		    const struct stats_groups *g, size_t r)
{
	for (size_t k = 0; k < g->nkey; k++)
		csv_line_text(l, ingest_table_cell(t, r, (size_t)g->key[k]));
}

void stats_put_key_names(struct csv_line *l, const struct ingest_table *t,
			 const struct stats_groups *g)
{
	for (size_t k = 0; k < g->nkey; k++)
		csv_line_text(l, t->head[g->key[k]]);
}

const char *stats_group_label(const struct ingest_table *t, const struct stats_groups *g,
			      size_t grp, char *buf, size_t n)
{
	size_t r = g->row[g->start[grp]], w = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < g->nkey && w < n; k++) {
		int c = snprintf(buf + w, n - w, "%s%s=%.40s", k ? ", " : "", t->head[g->key[k]],
				 ingest_table_cell(t, r, (size_t)g->key[k]));
		if (c < 0)
			break;
		w += (size_t)c;
	}
	if (w < n)
		snprintf(buf + w, n - w, "%sstarting at line %ld", g->nkey ? ", " : "", t->line[r]);
	return buf;
}
