/* A spells file's import: the mortality model's results and aggregates; see import_int.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/mem.h"
#include "base/num.h"
#include "ingest/import_int.h"
#include "ingest/spells.h"
#include "stats/stats.h"

/*
 * The period given for a spells file: a financial year (2023-24) or a month (2024-03,
 * MAR2024), the grains an observation can have that such a file is about.
 */
static int spells_period(struct imp *m, struct model_period *per)
{
	static const struct {
		enum model_period_format f;
		enum model_grain g;
	} forms[] = { { MODEL_PF_FY, MODEL_GRAIN_YEAR },
		      { MODEL_PF_YYYY_MM, MODEL_GRAIN_MONTH },
		      { MODEL_PF_MON_YYYY, MODEL_GRAIN_MONTH } };
	const char *t = m->o->period;
	struct cu_err err;
	char b[QBUF];

	if (!t || !*t) {
		import_row_error(m, 0, -1, "no period given: expected --period naming the period the "
				    "spells are about, such as 2023-24 (April 2023 to March 2024) or "
				    "2024-03 (a month)");
		return CU_EINVAL;
	}
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		cu_err_clear(&err);
		if (model_period_parse(cu_str_of(t), forms[i].f, forms[i].g, per, &err) == 0)
			return 0;
	}
	import_row_error(m, 0, -1, "bad period \"%s\": expected a financial year such as 2023-24 or "
			    "a month such as 2024-03", cu_err_quote(t, strlen(t), b, sizeof b));
	return CU_EINVAL;
}

static const char *fit_status(int st)
{
	return st == STATS_OK ? "converged" : st == STATS_ESEPARATE ? "separated"
				     : st == STATS_ENOCONV	    ? "not_converged"
							    : "failed";
}

/* A store error at the end of the file: recorded, and it stops the import. */
static int spells_fail(struct imp *m, struct cu_err *err)
{
	import_add_err(m, err, 0, -1);
	m->fatal = err->code ? err->code : CU_EDB;
	return m->fatal;
}

/*
 * Store the results R of the mortality model for import m->res->import_id, about PER, as
 * observations of indicator IND: the header, then per provider its organisation (created as
 * the other importers do when its code is an organisation code), its result row and its
 * observation, then the groups' fits, the CUSUM series and the cells. Inside the import's
 * transaction; the first failure stops it.
 */
static int spells_store(struct imp *m, const struct spells_result *r, const struct model_period *per,
			const struct ind_info *ind, const struct spells_opts *so)
{
	struct store_spells_import hd = { 0 };
	int *gcode = xcalloc(r->ngroup, sizeof *gcode);
	struct cu_err err;
	int rc = 0;

	cu_err_clear(&err);
	hd.import_id = m->res->import_id;
	hd.indicator_id = ind->id;
	hd.grain = per->grain;
	memcpy(hd.period_start, per->start, sizeof hd.period_start);
	memcpy(hd.period_end, per->end, sizeof hd.period_end);
	hd.spells = r->spells;
	hd.deaths = r->deaths;
	hd.providers = (int64_t)r->nprov;
	hd.groups = (int64_t)r->ngroup;
	hd.odds = so->odds > 0 ? so->odds : 2;
	hd.h = so->h > 0 ? so->h : 4.5;
	hd.tail_cut = so->trim > 0 ? so->trim : 0.1;
	hd.winsorised = so->tails == STATS_FUNNEL_TAILS_WINSOR;
	hd.has_phi = r->od_status == STATS_OK;
	hd.phi = r->od.phi;
	hd.tau2 = r->od.tau2;
	if (store_spells_import_put(m->s, m->a, &hd, &err))
		goto fail;
	for (size_t i = 0; i < r->nprov; i++) {
		const struct spells_provider *sp = &r->prov[i];
		struct store_spells_provider p = { 0 };
		struct cu_str code = cu_str_of(sp->code);

		p.import_id = hd.import_id;
		p.provider = (int)i;
		memcpy(p.code, sp->code, sizeof p.code);
		if (model_org_code_check(code, NULL) == 0) {
			if (store_org_ensure(m->s, m->a, code, true, &p.org_id, &err))
				goto fail;
		} else if (m->res->providers_unlinked++ == 0) {
			memcpy(m->res->first_unlinked, sp->code, sizeof m->res->first_unlinked);
		}
		p.spells = sp->spells;
		p.observed = (int64_t)sp->observed;
		p.expected = sp->expected;
		p.ratio = sp->ratio;
		p.lower95 = sp->lower95;
		p.upper95 = sp->upper95;
		p.lower998 = sp->lower998;
		p.upper998 = sp->upper998;
		p.pois_lower95 = sp->pois_lower95;
		p.pois_upper95 = sp->pois_upper95;
		p.pois_lower998 = sp->pois_lower998;
		p.pois_upper998 = sp->pois_upper998;
		p.band = sp->band;
		if (store_spells_provider_put(m->s, m->a, &p, &err))
			goto fail;
		if (p.org_id) {
			struct store_obs ob = { 0 };

			ob.org_id = p.org_id;
			ob.indicator_id = ind->id;
			ob.grain = per->grain;
			memcpy(ob.period_start, per->start, sizeof ob.period_start);
			memcpy(ob.period_end, per->end, sizeof ob.period_end);
			ob.status = MODEL_OBS_OK;
			ob.has_numerator = ob.has_denominator = true;
			ob.numerator = sp->observed;
			ob.denominator = sp->expected;
			import_set_quotient(&ob, ind);
			if (import_append(m, 0, -1, &ob)) {
				rc = m->fatal ? m->fatal : CU_EINVAL;
				goto out;
			}
		}
	}
	for (size_t g = 0; g < r->ngroup; g++) {
		const struct spells_group *sg = &r->group[g];
		struct store_spells_group gr = { 0 };
		long long code = 0;
		size_t w = 0;

		if (cu_num_int(cu_str_of(sg->code), 1, SPELLS_GROUPS, &code, &err))
			goto fail; /* cannot happen: the engine checked the codes */
		gcode[g] = (int)code;
		gr.import_id = hd.import_id;
		gr.diag_group = (int)code;
		gr.spells = sg->spells;
		gr.deaths = sg->deaths;
		gr.patterns = (int)sg->patterns;
		gr.parameters = (int)sg->params;
		gr.iterations = sg->iterations;
		snprintf(gr.status, sizeof gr.status, "%s", fit_status(sg->status));
		for (int k = 0; k < SPELLS_NCOV; k++)
			if (sg->dropped & 1u << k) {
				int n = snprintf(gr.dropped + w, sizeof gr.dropped - w, "%s%s",
						 w ? " " : "", spells_covariate[k]);

				if (n > 0 && (size_t)n < sizeof gr.dropped - w)
					w += (size_t)n;
			}
		if (store_spells_group_put(m->s, m->a, &gr, &err))
			goto fail;
	}
	for (size_t i = 0; i < r->nseries; i++) {
		const struct spells_series *ss = &r->series[i];
		struct store_spells_series se = { .import_id = hd.import_id,
						  .provider = (int)ss->provider,
						  .diag_group = gcode[ss->group],
						  .spells = ss->n,
						  .deaths = ss->deaths,
						  .expected = ss->expected,
						  .alarms = ss->alarms,
						  .first_alarm = ss->first_alarm,
						  .s_end = ss->s_end };

		if (store_spells_series_put(m->s, m->a, &se, &err))
			goto fail;
	}
	/* The cells, a block at a time (they are most of what is written). */
	for (size_t i = 0; i < r->ncell;) {
		struct store_spells_cell c[256];
		size_t k = 0;

		for (; k < sizeof c / sizeof c[0] && i < r->ncell; k++, i++)
			c[k] = (struct store_spells_cell){ .import_id = hd.import_id,
							   .provider = (int)r->cell[i].provider,
							   .diag_group = gcode[r->cell[i].group],
							   .pattern = (int)r->cell[i].pattern,
							   .spells = r->cell[i].spells,
							   .deaths = r->cell[i].deaths };
		if (store_spells_cells_put(m->s, m->a, c, k, &err))
			goto fail;
	}
	goto out;
fail:
	rc = spells_fail(m, &err);
out:
	free(gcode);
	return rc;
}

/*
 * Import a spells file F (closed here): run the model outside any transaction (it takes the
 * time; the database stays free meanwhile), then write everything in one transaction, the
 * import row last. A file imported before is refused before anything is written.
 */
int import_spells(struct imp *m, FILE *f)
{
	struct ingest_import_result *res = m->res;
	const struct ingest_import_opts *o = m->o;
	struct spells_opts so = { .source = m->src, .tails = STATS_FUNNEL_TAILS_TRIM,
				  .max_errors = CU_MAX_ERRORS, .max_bytes = o->max_bytes,
				  .max_rows = o->max_rows, .max_field = o->max_field,
				  .cells = 1 };
	struct spells_result r;
	struct model_period per;
	struct store_indicator si;
	struct store_import prev, rec = { 0 };
	struct ind_info ind;
	struct cu_err *errs, err;
	size_t nerr = 0;
	int rc;

	if ((rc = spells_period(m, &per))) {
		fclose(f);
		return rc;
	}
	model_period_label(per.start, per.grain, res->period_label);
	errs = xcalloc(CU_MAX_ERRORS, sizeof *errs);
	rc = spells_run(f, &so, &r, errs, &nerr);
	fclose(f);
	for (size_t i = 0; i < nerr; i++)
		cu_errlist_add(&res->errors, &errs[i]);
	free(errs);
	if (rc) {
		res->stopped = res->at_limit = nerr >= CU_MAX_ERRORS;
		return rc;
	}
	res->rows_read = res->rows_kept = res->rows_accepted = r.spells;
	res->providers = (long long)r.nprov;
	res->groups = (long long)r.ngroup;
	memcpy(res->sha256, r.sha256, sizeof res->sha256);

	cu_err_clear(&err);
	if ((rc = store_begin(m->s, &err)) || (rc = store_import_next_id(m->s, &res->import_id, &err)))
		goto fail;
	store_now(m->s, m->recorded_at);
	if ((rc = store_import_find_sha(m->s, m->a, r.sha256, &prev, &err)) == 0) {
		cu_err_clear(&err);
		rc = cu_err_set(&err, CU_EEXIST, "this file was imported before: import %lld of "
						 "\"%s\" at %s by %s (same SHA-256)",
				(long long)prev.id, prev.file_name, prev.started_at, prev.actor);
		goto fail;
	}
	if (rc != CU_ENOENT)
		goto fail;
	cu_err_clear(&err);
	if ((rc = store_indicator_get(m->s, m->a, cu_str_of(m->p->indicator), &si, &err)))
		goto fail;
	if (si.measure != MODEL_MEASURE_RATIO) {
		rc = cu_err_set(&err, CU_EINVAL, "indicator %s is a %s: profile %s needs a ratio "
						 "(observed / expected deaths)",
				si.code, model_measure_name(si.measure), m->p->name);
		goto fail;
	}
	ind = (struct ind_info){ .id = si.id, .measure = si.measure, .multiplier = si.multiplier };
	if (spells_store(m, &r, &per, &ind, &so) == 0) {
		rec.id = res->import_id;
		snprintf(rec.file_name, sizeof rec.file_name, "%s", m->src);
		memcpy(rec.sha256, r.sha256, sizeof rec.sha256);
		snprintf(rec.profile, sizeof rec.profile, "%s", m->p->name);
		memcpy(rec.started_at, m->recorded_at, sizeof rec.started_at);
		store_now(m->s, rec.finished_at);
		rec.rows_read = res->rows_read;
		rec.rows_accepted = res->rows_accepted;
		rec.observations = res->observations;
		cu_err_clear(&err);
		if (store_import_record(m->s, m->a, &rec, &err))
			import_add_err(m, &err, 0, -1);
	}
	spells_result_free(&r);
	if (res->errors.n || o->dry_run) {
		store_rollback(m->s);
		res->import_id = 0;
		return res->errors.n ? (m->fatal ? m->fatal : CU_EINVAL) : 0;
	}
	cu_err_clear(&err);
	if ((rc = store_commit(m->s, &err))) {
		import_add_err(m, &err, 0, -1);
		res->import_id = 0;
	}
	return rc;
fail:
	spells_result_free(&r);
	store_rollback(m->s);
	import_add_err(m, &err, 0, -1);
	res->import_id = 0;
	return rc;
}
