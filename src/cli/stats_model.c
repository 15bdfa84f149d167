/*
 * `custodian stats funnel|cusum|logit`: funnel limits and classification per unit
 * (src/stats/funnel.h), the risk-adjusted CUSUM per series (src/stats/racusum.h) and
 * logistic regression on categorical covariates (src/stats/logit.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cli/stats_cmd.h"
#include "stats/funnel.h"
#include "stats/logit.h"
#include "stats/racusum.h"
#include "stats/stats.h"

/*
 * cusum: one chart per group in --order, risks from --risk, outcomes (0/1) from --outcome.
 * Output: keys, n, alarms, first_alarm (1-based, 0 = none), s_end: the peers' layout.
 */
static int run_cusum(const struct stats_args *a, const struct ingest_table *t, FILE *out,
		     struct cu_err *err)
{
	struct stats_racusum_opts o;
	struct stats_groups g;
	struct csv_line l = { 0 };
	int pc, yc, rc;
	size_t most = 1;
	double *p = NULL;
	unsigned char *y = NULL;

	stats_racusum_defaults(&o);
	if (a->odds && stats_opt_num(a->odds, "odds", 1e-6, 1e6, &o.odds, err))
		return CU_EINVAL;
	if (a->h && stats_opt_num(a->h, "h", 1e-9, 1e6, &o.h, err))
		return CU_EINVAL;
	if (o.odds == 1)
		return cu_err_set(err, CU_EINVAL, "--odds 1: expected an odds ratio other than 1 "
				  "(above 1 looks for deterioration, below for improvement)");
	if ((pc = stats_col(t, a->risk ? a->risk : "risk", "risk", err)) < 0 ||
	    (yc = stats_col(t, a->outcome ? a->outcome : "outcome", "outcome", err)) < 0)
		return CU_EINVAL;
	if ((rc = stats_groups_make(t, a->by, a->order, &g, err)) != 0)
		goto done;
	for (size_t i = 0; i < g.ngroup; i++)
		if (g.start[i + 1] - g.start[i] > most)
			most = g.start[i + 1] - g.start[i];
	p = xmalloc(most * sizeof *p);
	y = xmalloc(most);
	stats_put_key_names(&l, t, &g);
	csv_line_raw(&l, "n,alarms,first_alarm,s_end");
	csv_line_end(&l, out);
	for (size_t grp = 0; grp < g.ngroup; grp++) {
		const size_t *rows = g.row + g.start[grp];
		size_t n = g.start[grp + 1] - g.start[grp];
		struct stats_racusum_result res;

		for (size_t i = 0; i < n; i++) {
			const char *cell = ingest_table_cell(t, rows[i], (size_t)yc);

			if ((rc = stats_cell_num(t, rows[i], pc, &p[i], err)) != 0)
				goto done;
			if (!(p[i] > 0 && p[i] < 1)) {
				rc = cu_err_setloc(err, CU_EINVAL, t->source, t->line[rows[i]],
						   t->head[pc], "risk \"%.32s\": expected a "
						   "probability strictly between 0 and 1",
						   ingest_table_cell(t, rows[i], (size_t)pc));
				goto done;
			}
			if (strcmp(cell, "0") != 0 && strcmp(cell, "1") != 0) {
				rc = cu_err_setloc(err, CU_EINVAL, t->source, t->line[rows[i]],
						   t->head[yc], "\"%.32s\": expected 1 (the event "
						   "happened) or 0", cell);
				goto done;
			}
			y[i] = cell[0] == '1';
		}
		if ((rc = stats_racusum(p, y, n, &o, NULL, NULL, &res)) != STATS_OK) {
			rc = cu_err_set(err, CU_ESTATS, "the CUSUM refused its options (%s)",
					stats_strerror(rc));
			goto done;
		}
		stats_put_keys(&l, t, &g, rows[0]);
		csv_line_int(&l, (long long)res.n);
		csv_line_int(&l, (long long)res.alarms);
		csv_line_int(&l, (long long)res.first_alarm);
		csv_line_num(&l, res.s_end);
		csv_line_end(&l, out);
	}
	rc = 0;
done:
	free(p);
	free(y);
	csv_line_free(&l);
	stats_groups_free(&g);
	return rc;
}

/*
 * logit: one model per group; --outcome is the events column (0/1 per record, or a count per
 * pattern with --den naming the trials), --factors the categorical covariates (whole numbers
 * 0..255). Output: keys, term, estimate, se, and per group the status, iterations, deviance.
 */
static int run_logit(const struct stats_args *a, const struct ingest_table *t, FILE *out,
		     struct cu_err *err)
{
	struct stats_logit_opts o;
	struct stats_groups g;
	struct csv_line l = { 0 };
	int yc, wc = -1, fc[32], rc;
	size_t nf = 0, most = 1;
	int *codes[32] = { 0 };
	double *x = NULL, *y = NULL, *w = NULL, *work = NULL, beta[512], se[512];
	char *list, *save = NULL;

	stats_logit_defaults(&o);
	if (!a->factors)
		return cu_err_set(err, CU_EINVAL, "--factors A,B,...: the covariates are needed");
	if ((yc = stats_col(t, a->outcome ? a->outcome : "outcome", "outcome", err)) < 0)
		return CU_EINVAL;
	if (a->den && (wc = stats_col(t, a->den, "den", err)) < 0)
		return CU_EINVAL;
	list = xstrdup(a->factors);
	for (char *f = strtok_r(list, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		if (nf == 32 || (fc[nf] = stats_col(t, f, "factors", err)) < 0) {
			free(list);
			return nf == 32 ? cu_err_set(err, CU_ELIMIT, "--factors: at most 32") :
					  CU_EINVAL;
		}
		nf++;
	}
	free(list);
	if ((rc = stats_groups_make(t, a->by, NULL, &g, err)) != 0)
		goto done;
	for (size_t i = 0; i < g.ngroup; i++)
		if (g.start[i + 1] - g.start[i] > most)
			most = g.start[i + 1] - g.start[i];
	for (size_t k = 0; k < nf; k++)
		codes[k] = xmalloc(most * sizeof *codes[k]);
	x = xmalloc(most * 512 * sizeof *x);
	y = xmalloc(most * sizeof *y);
	w = xmalloc(most * sizeof *w);
	work = xmalloc(stats_logit_work_size(most, 512) * sizeof *work);
	stats_put_key_names(&l, t, &g);
	csv_line_raw(&l, "term,estimate,se,status,iterations,deviance");
	csv_line_end(&l, out);
	for (size_t grp = 0; grp < g.ngroup; grp++) {
		const size_t *rows = g.row + g.start[grp];
		size_t n = g.start[grp + 1] - g.start[grp], p;
		int dropped[32], status;
		struct stats_logit_fit fit;
		char label[256];

		for (size_t i = 0; i < n; i++) {
			for (size_t k = 0; k < nf; k++) {
				double v;

				if ((rc = stats_cell_num(t, rows[i], fc[k], &v, err)) != 0)
					goto done;
				if (v != (int)v || v < 0 || v > 255) {
					rc = cu_err_setloc(err, CU_EINVAL, t->source, t->line[rows[i]],
							   t->head[fc[k]], "\"%.32s\": expected a level "
							   "code, a whole number from 0 to 255",
							   ingest_table_cell(t, rows[i], (size_t)fc[k]));
					goto done;
				}
				codes[k][i] = (int)v;
			}
			if ((rc = stats_cell_num(t, rows[i], yc, &y[i], err)) != 0 ||
			    (wc >= 0 && (rc = stats_cell_num(t, rows[i], wc, &w[i], err)) != 0))
				goto done;
			if (wc < 0)
				w[i] = 1;
		}
		if (stats_logit_design((const int *const *)codes, nf, n, x, most * 512, &p,
				       dropped) != STATS_OK) {
			rc = cu_err_setloc(err, CU_ELIMIT, t->source, t->line[rows[0]], NULL,
					   "group %s: more than 511 coefficients",
					   stats_group_label(t, &g, grp, label, sizeof label));
			goto done;
		}
		status = stats_logit(x, y, w, n, p, &o, beta, se, NULL, &fit, work);
		if (status == STATS_EDOM || status == STATS_ESINGULAR || status == STATS_ERANGE) {
			rc = cu_err_setloc(err, CU_ESTATS, t->source, t->line[rows[0]], NULL,
					   "group %s: %s", stats_group_label(t, &g, grp, label,
									    sizeof label),
					   status == STATS_EDOM ? "events must be 0 or more and at "
					   "most the trials" : stats_strerror(status));
			goto done;
		}
		/* Terms: the intercept, then each kept covariate's levels after the reference,
		 * in the order stats_logit_design lays them out. */
		size_t nterm = 1;
		char (*terms)[96] = xmalloc(p * sizeof *terms);

		snprintf(terms[0], sizeof terms[0], "(intercept)");
		for (size_t k = 0; k < nf; k++) {
			unsigned char seen[256] = { 0 };
			int first = 1;

			if (dropped[k])
				continue;
			for (size_t i = 0; i < n; i++)
				seen[codes[k][i]] = 1;
			for (int v = 0; v < 256; v++)
				if (seen[v] && !first && nterm < p)
					snprintf(terms[nterm++], sizeof terms[0], "%.64s=%d",
						 t->head[fc[k]], v);
				else if (seen[v])
					first = 0;
		}
		for (size_t j = 0; j < p; j++) {
			const char *term = terms[j];

			stats_put_keys(&l, t, &g, rows[0]);
			csv_line_text(&l, term);
			csv_line_num(&l, beta[j]);
			csv_line_num(&l, se[j]);
			csv_line_raw(&l, status == STATS_OK ? "converged" :
				     status == STATS_ESEPARATE ? "separated" : "not_converged");
			csv_line_int(&l, fit.iterations);
			csv_line_num(&l, fit.deviance);
			csv_line_end(&l, out);
		}
		free(terms);
	}
	rc = 0;
done:
	for (size_t k = 0; k < nf; k++)
		free(codes[k]);
	free(x);
	free(y);
	free(w);
	free(work);
	csv_line_free(&l);
	stats_groups_free(&g);
	return rc;
}

/*
 * funnel: one funnel per group, one row per unit. --measure ratio (observed --num over
 * expected --den, target 1) or proportion (--num of --den, target the pooled proportion);
 * --od none, shmi or cqc (ratios; 10% trimmed or winsorised, DerSimonian-Laird tau^2).
 * Output: every input column, then value, target, the 95% and 99.8% limits, class (-2..2,
 * see enum stats_funnel_class), phi and tau2 (empty without overdispersion).
 */
static int run_funnel(const struct stats_args *a, const struct ingest_table *t, FILE *out,
		      struct cu_err *err)
{
	static const double levels[2] = { 0.95, 0.998 };
	int ratio = 1, od = -1, oc, ec, rc;
	struct stats_groups g;
	struct csv_line l = { 0 };
	double *o = NULL, *e = NULL, *work = NULL;
	size_t most = 1;

	if (a->measure && strcmp(a->measure, "proportion") == 0)
		ratio = 0;
	else if (a->measure && strcmp(a->measure, "ratio") != 0)
		return cu_err_set(err, CU_EINVAL, "--measure \"%.32s\": expected ratio or "
				  "proportion", a->measure);
	if (a->od && strcmp(a->od, "shmi") == 0)
		od = STATS_FUNNEL_OD_SHMI;
	else if (a->od && strcmp(a->od, "cqc") == 0)
		od = STATS_FUNNEL_OD_CQC;
	else if (a->od && strcmp(a->od, "none") != 0)
		return cu_err_set(err, CU_EINVAL, "--od \"%.32s\": expected none, shmi or cqc",
				  a->od);
	if (od >= 0 && !ratio)
		od = STATS_FUNNEL_OD_PROP;
	if ((oc = stats_col(t, a->num ? a->num : "numerator", "num", err)) < 0 ||
	    (ec = stats_col(t, a->den ? a->den : "denominator", "den", err)) < 0)
		return CU_EINVAL;
	if ((rc = stats_groups_make(t, a->by, NULL, &g, err)) != 0)
		goto done;
	for (size_t i = 0; i < g.ngroup; i++)
		if (g.start[i + 1] - g.start[i] > most)
			most = g.start[i + 1] - g.start[i];
	o = xmalloc(most * sizeof *o);
	e = xmalloc(most * sizeof *e);
	work = xmalloc(most * sizeof *work);
	for (size_t c = 0; c < t->ncol; c++)
		csv_line_text(&l, t->head[c]);
	csv_line_raw(&l, "value,target,lower95,upper95,lower998,upper998,class,phi,tau2");
	csv_line_end(&l, out);
	for (size_t grp = 0; grp < g.ngroup; grp++) {
		const size_t *rows = g.row + g.start[grp];
		size_t n = g.start[grp + 1] - g.start[grp];
		struct stats_funnel_od fod = { 0 };
		double target = 1;
		char label[256];
		int st = STATS_OK;

		for (size_t i = 0; i < n; i++)
			if ((rc = stats_cell_num(t, rows[i], oc, &o[i], err)) != 0 ||
			    (rc = stats_cell_num(t, rows[i], ec, &e[i], err)) != 0)
				goto done;
		if (!ratio)
			st = stats_funnel_baseline(o, e, n, &target);
		if (!st && od >= 0)
			st = stats_funnel_od_estimate(o, e, n, (enum stats_funnel_od_method)od,
						      target, 0.1, NULL, NULL, work, most, &fod);
		for (size_t i = 0; i < n && !st; i++) {
			struct stats_funnel_limits lim[2];
			int cls;

			for (int k = 0; k < 2 && !st; k++)
				st = od >= 0 ? stats_funnel_od_limits((enum stats_funnel_od_method)od,
								      target, e[i], fod.tau2,
								      levels[k], &lim[k]) :
				     ratio ? stats_funnel_ratio_limits(e[i], levels[k], &lim[k]) :
					     stats_funnel_prop_limits(target, e[i], levels[k],
								      STATS_FUNNEL_PROP_WILSON,
								      &lim[k]);
			if (!st && !ratio && o[i] > e[i])
				st = STATS_EDOM;
			if (!st)
				st = stats_funnel_classify(o[i] / e[i], lim, 2, &cls);
			if (st)
				break;
			for (size_t c = 0; c < t->ncol; c++)
				csv_line_text(&l, ingest_table_cell(t, rows[i], c));
			csv_line_num(&l, o[i] / e[i]);
			csv_line_num(&l, target);
			for (int k = 0; k < 2; k++) {
				csv_line_num(&l, lim[k].lower);
				csv_line_num(&l, lim[k].upper);
			}
			csv_line_int(&l, cls);
			csv_line_num(&l, od >= 0 ? fod.phi : NAN);
			csv_line_num(&l, od >= 0 ? fod.tau2 : NAN);
			csv_line_end(&l, out);
		}
		if (st) {
			rc = cu_err_setloc(err, CU_ESTATS, t->source, t->line[rows[0]], NULL,
					   "funnel %s: %s", stats_group_label(t, &g, grp, label,
									      sizeof label),
					   ratio ? "a ratio funnel needs observed counts of 0 or more "
					   "(above 0 for --od shmi), expected counts above 0, and at "
					   "least 2 units for overdispersion" :
					   "a proportion funnel needs 0 <= numerator <= denominator, "
					   "denominators above 0, and at least 2 units for "
					   "overdispersion");
			goto done;
		}
	}
	rc = 0;
done:
	free(o);
	free(e);
	free(work);
	csv_line_free(&l);
	stats_groups_free(&g);
	return rc;
}

const struct stats_method stats_model_methods[] = {
	{ "funnel", "funnel limits (95%, 99.8%) and class per unit: ratios or proportions",
	  "by num den measure od", run_funnel, NULL },
	{ "cusum", "risk-adjusted Bernoulli CUSUM per series (odds 2, h 4.5 by default)",
	  "by order risk outcome odds h", run_cusum, NULL },
	{ "logit", "logistic regression on categorical covariates, one model per group",
	  "by outcome den factors", run_logit, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
