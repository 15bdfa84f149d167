/*
 * `custodian stats wilson|rate|mean|dsr|isr`: confidence intervals (src/stats/ci.h) and
 * standardised rates (src/stats/std.h). Wilson and rate work row by row and echo every input
 * column; mean, dsr and isr summarise each group (strata rows, e.g. age bands).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cli/stats_cmd.h"
#include "stats/ci.h"
#include "stats/stats.h"
#include "stats/std.h"

static void put_row(struct csv_line *l, const struct ingest_table *t, size_t r)
{
	for (size_t c = 0; c < t->ncol; c++)
		csv_line_text(l, ingest_table_cell(t, r, c));
}

static void put_head(struct csv_line *l, const struct ingest_table *t, const char *extra,
		     FILE *out)
{
	for (size_t c = 0; c < t->ncol; c++)
		csv_line_text(l, t->head[c]);
	csv_line_raw(l, extra);
	csv_line_end(l, out);
}

static void put_interval(struct csv_line *l, const struct stats_interval *iv, double k)
{
	csv_line_num(l, k * iv->est);
	csv_line_num(l, k * iv->lower);
	csv_line_num(l, k * iv->upper);
}

static int row_fail(const struct ingest_table *t, size_t r, int status, const char *why,
		    struct cu_err *err)
{
	return cu_err_setloc(err, CU_ESTATS, t->source, t->line[r], NULL, "%s (%s)", why,
			     stats_strerror(status));
}

static int common(const struct stats_args *a, const struct ingest_table *t, int *num, int *den,
		  double *level, double *k, double kdef, struct cu_err *err)
{
	*level = 0.95;
	*k = kdef;
	if (a->level && stats_opt_level(a->level, level, err))
		return CU_EINVAL;
	if (a->multiplier && stats_opt_num(a->multiplier, "multiplier", 1e-300, 1e300, k, err))
		return CU_EINVAL;
	if ((*num = stats_col(t, a->num ? a->num : "numerator", "num", err)) < 0)
		return CU_EINVAL;
	if ((*den = stats_col(t, a->den ? a->den : "denominator", "den", err)) < 0)
		return CU_EINVAL;
	return 0;
}

static int run_wilson(const struct stats_args *a, const struct ingest_table *t, FILE *out,
		      struct cu_err *err)
{
	struct csv_line l = { 0 };
	int num, den, rc = 0;
	double level, k;

	if (common(a, t, &num, &den, &level, &k, 1, err))
		return CU_EINVAL;
	put_head(&l, t, "value,lower,upper", out);
	for (size_t r = 0; r < t->nrow && !rc; r++) {
		struct stats_interval iv;
		double x, n;

		if ((rc = stats_cell_num(t, r, num, &x, err)) ||
		    (rc = stats_cell_num(t, r, den, &n, err)))
			break;
		if ((rc = stats_ci_wilson(x, n, level, &iv)) != STATS_OK) {
			rc = row_fail(t, r, rc, "a proportion needs 0 <= numerator <= denominator "
				      "and a denominator above 0", err);
			break;
		}
		put_row(&l, t, r);
		put_interval(&l, &iv, k);
		csv_line_end(&l, out);
	}
	csv_line_free(&l);
	return rc;
}

static int run_rate(const struct stats_args *a, const struct ingest_table *t, FILE *out,
		    struct cu_err *err)
{
	struct csv_line l = { 0 };
	int num, den, rc = 0;
	double level, k;

	if (common(a, t, &num, &den, &level, &k, 100000, err))
		return CU_EINVAL;
	put_head(&l, t, "value,lower,upper,method", out);
	for (size_t r = 0; r < t->nrow && !rc; r++) {
		struct stats_interval iv;
		double o, d;
		int exact;

		if ((rc = stats_cell_num(t, r, num, &o, err)) ||
		    (rc = stats_cell_num(t, r, den, &d, err)))
			break;
		if ((rc = stats_ci_rate(o, d, k, level, &iv, &exact)) != STATS_OK) {
			rc = row_fail(t, r, rc, "a rate needs a whole count of 0 or more and a "
				      "denominator above 0", err);
			break;
		}
		put_row(&l, t, r);
		put_interval(&l, &iv, 1);
		csv_line_raw(&l, exact ? "exact" : "byar");
		csv_line_end(&l, out);
	}
	csv_line_free(&l);
	return rc;
}

static int run_mean(const struct stats_args *a, const struct ingest_table *t, FILE *out,
		    struct cu_err *err)
{
	struct stats_groups g;
	double level = 0.95, *x = NULL;
	struct csv_line l = { 0 };
	int vcol, rc;

	if (a->level && stats_opt_level(a->level, &level, err))
		return CU_EINVAL;
	if ((vcol = stats_col(t, a->value ? a->value : "value", "value", err)) < 0)
		return CU_EINVAL;
	if ((rc = stats_groups_make(t, a->by, NULL, &g, err)) != 0)
		goto done;
	x = xmalloc((t->nrow + 1) * sizeof *x);
	stats_put_key_names(&l, t, &g);
	csv_line_raw(&l, "n,mean,sd,lower,upper");
	csv_line_end(&l, out);
	for (size_t grp = 0; grp < g.ngroup; grp++) {
		size_t n = g.start[grp + 1] - g.start[grp];
		struct stats_interval iv;
		double sd;
		char label[256];

		for (size_t i = 0; i < n; i++)
			if ((rc = stats_cell_num(t, g.row[g.start[grp] + i], vcol, &x[i], err)))
				goto done;
		if ((rc = stats_ci_mean(x, n, level, &iv, &sd)) != STATS_OK) {
			rc = cu_err_setloc(err, CU_ESTATS, t->source,
					   t->line[g.row[g.start[grp]]], NULL,
					   "group %s: a mean's interval needs at least 2 values",
					   stats_group_label(t, &g, grp, label, sizeof label));
			goto done;
		}
		stats_put_keys(&l, t, &g, g.row[g.start[grp]]);
		csv_line_int(&l, (long long)n);
		csv_line_num(&l, iv.est);
		csv_line_num(&l, sd);
		csv_line_num(&l, iv.lower);
		csv_line_num(&l, iv.upper);
		csv_line_end(&l, out);
	}
	rc = 0;
done:
	free(x);
	csv_line_free(&l);
	stats_groups_free(&g);
	return rc;
}

/* A row of a group and its stratum's text, for sorting the rows into strata. */
struct stratum_row {
	const char *name;
	size_t i; /* index in the group */
};

static int cmp_stratum_row(const void *pa, const void *pb)
{
	const struct stratum_row *a = pa, *b = pb;
	int d = strcmp(a->name, b->name);

	return d ? d : (a->i > b->i) - (a->i < b->i);
}

/*
 * The inputs of stats_dsr_nonind for the M rows ROWS of a group, whose populations (column
 * NC) and weights (WC) are in N and W: each row's events per person (column FC) into F, and its
 * stratum (column SC; strata numbered in the order of their names) into S, with the number of
 * strata in *K. Each problem is located at its row and column: a frequency that is not a whole
 * number of 1 or more, or a stratum's rows that disagree on the population or the weight (the
 * later row is named, with the line of the stratum's first).
 */
static int nonind_rows(const struct ingest_table *t, const size_t *rows, size_t m, int fc,
		       int sc, int nc, int wc, const double *n, const double *w, double *f,
		       size_t *s, size_t *k, struct cu_err *err)
{
	struct stratum_row *sr = xmalloc((m ? m : 1) * sizeof *sr);
	size_t first = 0;
	int rc = 0;

	for (size_t i = 0; i < m && !rc; i++) {
		if ((rc = stats_cell_num(t, rows[i], fc, &f[i], err)))
			break;
		if (!(f[i] >= 1 && f[i] <= 1e15 && f[i] == floor(f[i])))
			rc = cu_err_setloc(err, CU_EINVAL, t->source, t->line[rows[i]], t->head[fc],
					   "\"%.32s\": expected a whole number of events per person, "
					   "1 or more", ingest_table_cell(t, rows[i], (size_t)fc));
		sr[i].name = ingest_table_cell(t, rows[i], (size_t)sc);
		sr[i].i = i;
	}
	if (!rc)
		qsort(sr, m, sizeof *sr, cmp_stratum_row);
	*k = 0;
	for (size_t j = 0; j < m && !rc; j++) {
		size_t i = sr[j].i, i0;
		int col;

		if (j == 0 || strcmp(sr[j].name, sr[j - 1].name) != 0) {
			first = j;
			++*k;
		}
		s[i] = *k - 1;
		i0 = sr[first].i;
		if (n[i] == n[i0] && w[i] == w[i0])
			continue;
		col = n[i] != n[i0] ? nc : wc;
		rc = cu_err_setloc(err, CU_EINVAL, t->source, t->line[rows[i]], t->head[col],
				   "\"%.32s\" differs from \"%.32s\" on line %ld, the same stratum "
				   "\"%.40s\": each stratum has one population and one standard weight",
				   ingest_table_cell(t, rows[i], (size_t)col),
				   ingest_table_cell(t, rows[i0], (size_t)col), t->line[rows[i0]],
				   sr[j].name);
	}
	free(sr);
	return rc;
}

/*
 * dsr and isr: one result per group, whose rows are strata. dsr: events --num, population
 * --den, standard population --weight, per --multiplier (100,000); with --events-per-person
 * and --stratum, each row counts the persons (--num) of a stratum who had that many events
 * each, and the limits allow for one person's events not being independent
 * (stats_dsr_nonind). isr: events --num, population --den, reference events --ref-num and
 * population --ref-den; --scale ratio (O/E), ratio100, or rate (O/E x the reference rate x
 * --multiplier).
 */
static int run_std(const struct stats_args *a, const struct ingest_table *t, FILE *out, int dsr,
		   struct cu_err *err)
{
	struct stats_groups g;
	struct csv_line l = { 0 };
	double level = 0.95, k = 100000, *x = NULL, *n = NULL, *w = NULL, *rn = NULL, *f = NULL;
	double *work = NULL;
	size_t *st = NULL;
	int xc, nc, wc = -1, rxc = -1, rnc = -1, fc = -1, sc = -1, rc, kind = 0;

	if (a->level && stats_opt_level(a->level, &level, err))
		return CU_EINVAL;
	if (a->multiplier && stats_opt_num(a->multiplier, "multiplier", 1e-300, 1e300, &k, err))
		return CU_EINVAL;
	if (a->scale) {
		if (!strcmp(a->scale, "ratio"))
			kind = 0;
		else if (!strcmp(a->scale, "ratio100"))
			kind = 1;
		else if (!strcmp(a->scale, "rate"))
			kind = 2;
		else
			return cu_err_set(err, CU_EINVAL, "--scale \"%.32s\": expected ratio, "
					  "ratio100 or rate", a->scale);
	}
	if ((xc = stats_col(t, a->num ? a->num : "numerator", "num", err)) < 0 ||
	    (nc = stats_col(t, a->den ? a->den : "denominator", "den", err)) < 0)
		return CU_EINVAL;
	if (dsr && (wc = stats_col(t, a->weight ? a->weight : "standard", "weight", err)) < 0)
		return CU_EINVAL;
	if (dsr && (a->freq || a->stratum)) {
		if (!a->freq || !a->stratum)
			return cu_err_set(err, CU_EINVAL, "--events-per-person and --stratum go "
					  "together: each row counts the persons (--num) of one "
					  "stratum who had that many events each");
		if ((fc = stats_col(t, a->freq, "events-per-person", err)) < 0 ||
		    (sc = stats_col(t, a->stratum, "stratum", err)) < 0)
			return CU_EINVAL;
	}
	if (!dsr && ((rxc = stats_col(t, a->refnum ? a->refnum : "ref_numerator", "ref-num",
				     err)) < 0 ||
		     (rnc = stats_col(t, a->refden ? a->refden : "ref_denominator", "ref-den",
				     err)) < 0))
		return CU_EINVAL;
	if ((rc = stats_groups_make(t, a->by, NULL, &g, err)) != 0)
		goto done;
	x = xmalloc((t->nrow + 1) * sizeof *x);
	n = xmalloc((t->nrow + 1) * sizeof *n);
	w = xmalloc((t->nrow + 1) * sizeof *w);
	rn = xmalloc((t->nrow + 1) * sizeof *rn);
	if (fc >= 0) {
		f = xmalloc((t->nrow + 1) * sizeof *f);
		st = xmalloc((t->nrow + 1) * sizeof *st);
		work = xmalloc(2 * (t->nrow + 1) * sizeof *work);
	}
	stats_put_key_names(&l, t, &g);
	csv_line_raw(&l, dsr ? "events,value,lower,upper" : "observed,expected,value,lower,upper");
	csv_line_end(&l, out);
	for (size_t grp = 0; grp < g.ngroup; grp++) {
		const size_t *rows = g.row + g.start[grp];
		size_t m = g.start[grp + 1] - g.start[grp];
		struct stats_interval iv;
		double o = 0, e = 0, sx = 0, sn = 0, scale;
		char label[256];
		int status;

		for (size_t i = 0; i < m; i++) {
			if ((rc = stats_cell_num(t, rows[i], xc, &x[i], err)) ||
			    (rc = stats_cell_num(t, rows[i], nc, &n[i], err)) ||
			    (wc >= 0 && (rc = stats_cell_num(t, rows[i], wc, &w[i], err))) ||
			    (rxc >= 0 && (rc = stats_cell_num(t, rows[i], rxc, &w[i], err))) ||
			    (rnc >= 0 && (rc = stats_cell_num(t, rows[i], rnc, &rn[i], err))))
				goto done;
			o += x[i];
			sx += w[i];
			sn += rnc >= 0 ? rn[i] : 0;
		}
		if (fc >= 0) {
			size_t nst;

			if ((rc = nonind_rows(t, rows, m, fc, sc, nc, wc, n, w, f, st, &nst, err)))
				goto done;
			o = 0;
			for (size_t i = 0; i < m; i++)
				o += f[i] * x[i];
			status = stats_dsr_nonind(x, f, st, n, w, m, nst, k, level, work, 2 * nst,
						  &iv);
		} else if (dsr) {
			status = stats_dsr(x, n, w, m, k, level, &iv);
		} else {
			status = stats_isr_expected(n, w, rn, m, &e);
			scale = kind == 0 ? 1 : kind == 1 ? 100 : sn > 0 ? k * sx / sn : 0;
			if (!status)
				status = stats_isr(o, e, scale, level, &iv, NULL);
		}
		if (status) {
			rc = cu_err_setloc(err, CU_ESTATS, t->source, t->line[rows[0]], NULL,
					   "group %s: %s", stats_group_label(t, &g, grp, label,
									     sizeof label),
					   dsr ? "a DSR needs counts of 0 or more, populations above 0, "
					   "standard weights of 0 or more, and at least 10 events" :
					   "an ISR needs whole counts of 0 or more, populations of 0 or "
					   "more and reference populations above 0");
			goto done;
		}
		stats_put_keys(&l, t, &g, rows[0]);
		csv_line_num(&l, o);
		if (!dsr)
			csv_line_num(&l, e);
		csv_line_num(&l, iv.est);
		csv_line_num(&l, iv.lower);
		csv_line_num(&l, iv.upper);
		csv_line_end(&l, out);
	}
	rc = 0;
done:
	free(x);
	free(n);
	free(w);
	free(rn);
	free(f);
	free(st);
	free(work);
	csv_line_free(&l);
	stats_groups_free(&g);
	return rc;
}

static int run_dsr(const struct stats_args *a, const struct ingest_table *t, FILE *out,
		   struct cu_err *err)
{
	return run_std(a, t, out, 1, err);
}

static int run_isr(const struct stats_args *a, const struct ingest_table *t, FILE *out,
		   struct cu_err *err)
{
	return run_std(a, t, out, 0, err);
}

const struct stats_method stats_ci_methods[] = {
	{ "wilson", "Wilson score interval for each row's proportion (x multiplier, default 1)",
	  "num den level multiplier", run_wilson, NULL },
	{ "rate", "rate per multiplier (default 100000) with exact or Byar's limits, each row",
	  "num den level multiplier", run_rate, NULL },
	{ "mean", "mean with Student's t interval for each group", "by value level", run_mean, NULL },
	{ "dsr", "directly standardised rate with Dobson limits, strata rows per group "
		 "(--events-per-person: persons by events each, limits for repeat events)",
	  "by num den weight level multiplier events-per-person stratum", run_dsr, NULL },
	{ "isr", "indirectly standardised ratio or rate, strata rows per group",
	  "by num den ref-num ref-den scale level multiplier", run_isr, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
