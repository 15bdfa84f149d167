/*
 * `custodian stats wilson|rate|mean`: confidence intervals (src/stats/ci.h). Wilson and rate
 * work row by row and echo every input column; mean summarises each group.
 */
#include <stdlib.h>

#include "base/mem.h"
#include "cli/stats_cmd.h"
#include "stats/ci.h"
#include "stats/stats.h"

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

const struct stats_method stats_ci_methods[] = {
	{ "wilson", "Wilson score interval for each row's proportion (x multiplier, default 1)",
	  "num den level multiplier", run_wilson },
	{ "rate", "rate per multiplier (default 100000) with exact or Byar's limits, each row",
	  "num den level multiplier", run_rate },
	{ "mean", "mean with Student's t interval for each group", "by value level", run_mean },
	{ NULL, NULL, NULL, NULL },
};
