/*
 * The import driver; see import.h.
 *
 * Rows are checked in one pass. Wide measures append an observation per row at once (on two
 * or more cores, through a writer thread: import_writer.c); long measures sum rows into groups
 * (organisation, period, indicator) kept in memory, which are appended at the end of the file.
 * Observations go through the store's bulk writer (store_obs_bulk_*), and the file's SHA-256
 * is computed on a thread of the CSV reader's. Nothing is committed unless the whole file is
 * clean.
 */
#include "ingest/import.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/map.h"
#include "base/mem.h"
#include "base/num.h"
#include "ingest/csv.h"
#include "ingest/import_int.h"
#include "ingest/spells.h"
#include "stats/stats.h"

/* Whole counts above this are refused as implausible (no return has a trillion events). */
#define MAX_COUNT 1e12
/* Long-format groups and row keys held at once. */
#define MAX_GROUPS 2000000


/* ---- errors ---- */

/* Keep E in the result, noting its place in the order of the import's events. */
static void keep_err(struct imp *m, const struct cu_err *e)
{
	if (m->res->errors.n < CU_MAX_ERRORS)
		m->eseq[m->res->errors.n] = m->seq;
	m->seq++;
	cu_errlist_add(&m->res->errors, e);
}

void import_row_error(struct imp *m, long line, int col, const char *fmt, ...)
{
	struct cu_err e;
	va_list ap;
	const char *field = NULL;

	cu_err_clear(&e);
	if (col >= 0 && m->pcol)
		for (size_t i = 0; i < m->p->columns.n; i++)
			if (m->pcol[i] == col)
				field = m->p->columns.s[i];
	e.code = CU_EINVAL;
	snprintf(e.source, sizeof e.source, "%s", m->src);
	e.line = line;
	snprintf(e.field, sizeof e.field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	keep_err(m, &e);
}

/* Fill in E's location where the error did not give it: the file, LINE and column COL. */
void import_locate(const struct imp *m, struct cu_err *e, long line, int col)
{
	if (!e->source[0])
		snprintf(e->source, sizeof e->source, "%s", m->src);
	if (!e->line)
		e->line = line;
	if (col >= 0 && !e->field[0])
		for (size_t i = 0; i < m->p->columns.n; i++)
			if (m->pcol && m->pcol[i] == col)
				snprintf(e->field, sizeof e->field, "%s", m->p->columns.s[i]);
}

void import_add_err(struct imp *m, struct cu_err *e, long line, int col)
{
	import_locate(m, e, line, col);
	keep_err(m, e);
}

static const char *q(struct cu_str v, char *buf, size_t n)
{
	return cu_err_quote(v.p, v.n, buf, n);
}

/* ---- header ---- */

static int col_of(const struct imp *m, const char *name)
{
	for (size_t i = 0; name && i < m->p->columns.n; i++)
		if (strcmp(m->p->columns.s[i], name) == 0)
			return m->pcol[i];
	return -1;
}

static void expected_columns(const struct ingest_profile *p, char *out, size_t n)
{
	size_t w = 0;

	out[0] = '\0';
	for (size_t i = 0; i < p->columns.n && w < n; i++) {
		int k = snprintf(out + w, n - w, "%s%s", i ? ", " : "", p->columns.s[i]);

		if (k < 0)
			break;
		w += (size_t)k;
	}
}

static int compile_template(struct imp *m, const char *t, struct tmpl *out)
{
	const char *s = t;

	out->n = 0;
	out->p = xcalloc(strlen(t) + 1, sizeof *out->p);
	while (*s) {
		struct part *pt = &out->p[out->n++];
		const char *o = strchr(s, '{');

		if (o == s) {
			const char *e = strchr(s, '}');
			char *name = xstrndup(s + 1, (size_t)(e - s - 1));

			pt->col = col_of(m, name);
			pt->map = NULL;
			for (size_t i = 0; i < m->p->nmap; i++)
				if (strcmp(m->p->map[i].column, name) == 0)
					pt->map = &m->p->map[i];
			free(name);
			s = e + 1;
		} else {
			size_t len = o ? (size_t)(o - s) : strlen(s);

			pt->text = xstrndup(s, len);
			pt->col = -1;
			s += len;
		}
	}
	return 0;
}

static int on_header(struct imp *m, const struct ingest_record *r)
{
	const struct ingest_profile *p = m->p;
	char exp[1024];
	size_t i, j;

	expected_columns(p, exp, sizeof exp);
	m->ncols = r->n;
	m->pcol = xcalloc(p->columns.n, sizeof *m->pcol);
	if (r->bad_field >= 0) {
		import_row_error(m, r->line, -1, "the header is not valid UTF-8 text");
		return -1;
	}
	for (i = 0; i < r->n; i++)
		for (j = 0; j < i; j++)
			if (cu_str_eq(r->f[i], r->f[j])) {
				char b[QBUF];

				import_row_error(m, r->line, -1, "column \"%s\" appears twice in the header",
					  q(r->f[i], b, sizeof b));
				return -1;
			}
	for (i = 0; i < p->columns.n; i++) {
		m->pcol[i] = -1;
		for (j = 0; j < r->n; j++)
			if (cu_str_eqz(r->f[j], p->columns.s[i]))
				m->pcol[i] = (int)j;
		if (m->pcol[i] < 0)
			import_row_error(m, r->line, -1,
				  "missing column \"%s\": expected the header to name %s (profile %s)",
				  p->columns.s[i], exp, p->name);
	}
	if (!p->allow_extra_columns)
		for (j = 0; j < r->n; j++) {
			bool known = false;

			for (i = 0; i < p->columns.n && !known; i++)
				known = cu_str_eqz(r->f[j], p->columns.s[i]);
			if (!known) {
				char b[QBUF];

				import_row_error(m, r->line, -1,
					  "unexpected column \"%s\": expected only %s (profile %s)",
					  q(r->f[j], b, sizeof b), exp, p->name);
			}
		}
	if (m->res->errors.n)
		return -1;
	m->org_col = col_of(m, p->target == INGEST_TARGET_OBSERVATIONS ? p->org_column
								       : p->code_column);
	m->period_col = col_of(m, p->period_column);
	m->cat_col = col_of(m, p->category_column);
	m->val_col = col_of(m, p->value_column);
	if (p->target == INGEST_TARGET_OBSERVATIONS) {
		size_t base = 0;

		m->tmpl = xcalloc(p->nmeasure, sizeof *m->tmpl);
		for (int k = 0; k < 3; k++)
			m->mcols[k] = xcalloc(p->nmeasure, sizeof(int));
		m->when_cols = xcalloc(p->nmeasure, sizeof *m->when_cols);
		for (i = 0; i < p->nmeasure; i++) {
			const struct ingest_measure *ms = &p->measure[i];

			compile_template(m, ms->indicator, &m->tmpl[i]);
			m->mcols[0][i] = col_of(m, ms->value);
			m->mcols[1][i] = col_of(m, ms->numerator);
			m->mcols[2][i] = col_of(m, ms->denominator);
			m->when_cols[i] = xcalloc(ms->when_columns.n + 1, sizeof(int));
			for (j = 0; j < ms->when_columns.n; j++)
				m->when_cols[i][j] = col_of(m, ms->when_columns.s[j]);
			m->cat_base[i] = base;
			base += ms->categories.n;
		}
		m->cat_base[p->nmeasure] = base;
		m->cat_hits = xcalloc(base + 1, sizeof *m->cat_hits);
	}
	m->header_done = true;
	return 0;
}

/* ---- row pieces ---- */

static bool in_list(const struct ingest_strs *l, struct cu_str v)
{
	for (size_t i = 0; i < l->n; i++)
		if (cu_str_eqz(v, l->s[i]))
			return true;
	return false;
}

static void markers_init(struct markers *mk, const struct ingest_strs *l)
{
	memset(mk, 0, sizeof *mk);
	for (size_t i = 0; i < l->n; i++) {
		if (l->s[i][0])
			mk->first[(unsigned char)l->s[i][0]] = true;
		else
			mk->empty = true;
	}
}

/* in_list(L, V) for the list L that MK was built from. */
static bool is_marker(const struct markers *mk, const struct ingest_strs *l, struct cu_str v)
{
	if (v.n == 0)
		return mk->empty;
	return mk->first[(unsigned char)v.p[0]] && in_list(l, v);
}

/* Case-insensitive: does V start with any prefix in L? */
static bool has_prefix(const struct ingest_strs *l, struct cu_str v)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->s[i]), k;

		if (n > v.n)
			continue;
		for (k = 0; k < n; k++) {
			char a = v.p[k], b = l->s[i][k];

			if ((a >= 'A' && a <= 'Z' ? a + 32 : a) != (b >= 'A' && b <= 'Z' ? b + 32 : b))
				break;
		}
		if (k == n)
			return true;
	}
	return false;
}

enum cell { CELL_NUMBER, CELL_SUPPRESSED, CELL_MISSING, CELL_BAD };

/*
 * Read the figure in column COL: a marker, or a number (whole when WHOLE). Reports its own
 * errors naming WHAT ("count", "numerator", ...).
 */
static enum cell figure(struct imp *m, const struct ingest_record *r, int col, bool whole,
			const char *what, double *out)
{
	struct cu_str v = r->f[col];
	struct cu_err e;
	char b[QBUF];

	if (is_marker(&m->suppressed, &m->p->suppressed, v))
		return CELL_SUPPRESSED;
	if (is_marker(&m->missing, &m->p->missing, v))
		return CELL_MISSING;
	if (v.n == 0) {
		import_row_error(m, r->line, col, "empty %s: expected a number", what);
		return CELL_BAD;
	}
	cu_err_clear(&e);
	if (whole) {
		long long x;

		if (v.p[0] == '-' && cu_num_int(v, -(long long)MAX_COUNT, 0, &x, NULL) == 0) {
			import_row_error(m, r->line, col, "negative %s \"%s\": expected a whole number of 0 "
						   "or more", what, q(v, b, sizeof b));
			return CELL_BAD;
		}
		if (cu_num_int(v, 0, (long long)MAX_COUNT, &x, &e)) {
			import_row_error(m, r->line, col, "bad %s \"%s\": expected a whole number from 0 to "
						   "%.0f", what, q(v, b, sizeof b), MAX_COUNT);
			return CELL_BAD;
		}
		*out = (double)x;
		return CELL_NUMBER;
	}
	if (cu_num_double(v, -1e15, 1e15, out, &e)) {
		import_row_error(m, r->line, col, "bad %s \"%s\": expected a decimal number", what,
			  q(v, b, sizeof b));
		return CELL_BAD;
	}
	return CELL_NUMBER;
}

static int org_id(struct imp *m, const struct ingest_record *r, int64_t *id)
{
	struct cu_str code = r->f[m->org_col];
	struct cu_map_entry *e;
	struct cu_err err;
	int rc;

	if (code.n && code.n < sizeof m->last_org && memcmp(code.p, m->last_org, code.n) == 0 &&
	    !m->last_org[code.n]) {
		*id = m->last_org_id;
		return 0;
	}
	if ((e = cu_map_get(&m->orgs, code))) {
		*id = e->v.i;
		if (cu_str_copy(m->last_org, sizeof m->last_org, code) == 0)
			m->last_org_id = *id;
		else
			m->last_org[0] = '\0';
		return 0;
	}
	cu_err_clear(&err);
	if ((rc = model_org_code_check(code, &err)) == 0) {
		if (!import_db_take(m))
			return -1; /* the import has already failed */
		rc = store_org_ensure(m->s, m->a, code, true, id, &err);
		import_db_give(m, rc, &err);
	}
	if (rc) {
		if (err.code == CU_EDB)
			m->fatal = CU_EDB;
		import_add_err(m, &err, r->line, m->org_col);
		return -1;
	}
	e = cu_map_put(&m->orgs, code, NULL);
	if (e)
		e->v.i = *id;
	m->last_org[0] = '\0';
	return 0;
}

static int period_of(struct imp *m, const struct ingest_record *r)
{
	struct cu_str v = r->f[m->period_col];
	struct cu_err err;

	if (m->last_period[0] && cu_str_eqz(v, m->last_period))
		return 0;
	cu_err_clear(&err);
	if (model_period_parse(v, m->p->period_format, m->p->grain, &m->period, &err)) {
		import_add_err(m, &err, r->line, m->period_col);
		m->last_period[0] = '\0';
		return -1;
	}
	cu_str_copy(m->last_period, sizeof m->last_period, v);
	return 0;
}

/* Expand measure I's template for row R into m->key; NULL on a bad value (error reported). */
static const struct ind_info *indicator_of(struct imp *m, const struct ingest_record *r, size_t i)
{
	const struct tmpl *t = &m->tmpl[i];
	struct cu_map_entry *e;
	struct store_indicator ind;
	struct ind_info *info;
	struct cu_err err;
	struct cu_str code;
	int col = -1, rc;

	cu_buf_reset(&m->key);
	for (size_t k = 0; k < t->n; k++) {
		const struct part *pt = &t->p[k];

		if (pt->text) {
			cu_buf_adds(&m->key, pt->text);
			continue;
		}
		col = pt->col;
		if (pt->map) {
			size_t j;

			for (j = 0; j < pt->map->from.n; j++)
				if (cu_str_eqz(r->f[pt->col], pt->map->from.s[j]))
					break;
			if (j == pt->map->from.n) {
				char b[QBUF], exp[512];
				size_t w = 0;

				exp[0] = '\0';
				for (size_t x = 0; x < pt->map->from.n && w < sizeof exp; x++) {
					int n = snprintf(exp + w, sizeof exp - w, "%s\"%s\"",
							 x ? ", " : "", pt->map->from.s[x]);
					if (n < 0)
						break;
					w += (size_t)n;
				}
				import_row_error(m, r->line, pt->col, "unexpected value \"%s\": expected one of %s",
					  q(r->f[pt->col], b, sizeof b), exp);
				return NULL;
			}
			cu_buf_adds(&m->key, pt->map->to.s[j]);
		} else {
			cu_buf_add(&m->key, r->f[pt->col].p, r->f[pt->col].n);
		}
	}
	code = (struct cu_str){ m->key.p ? m->key.p : "", m->key.n };
	if ((e = cu_map_get(&m->inds, code)))
		return e->v.p;
	cu_err_clear(&err);
	if ((rc = model_code_check(code, "indicator", &err)) == 0) {
		if (!import_db_take(m))
			return NULL; /* the import has already failed */
		rc = store_indicator_get(m->s, m->a, code, &ind, &err);
		import_db_give(m, rc, &err);
	}
	if (rc) {
		if (err.code == CU_EDB)
			m->fatal = CU_EDB;
		import_add_err(m, &err, r->line, col);
		return NULL;
	}
	info = xmalloc(sizeof *info);
	info->id = ind.id;
	info->measure = ind.measure;
	info->multiplier = ind.multiplier;
	if (!(e = cu_map_put(&m->inds, code, NULL))) {
		free(info);
		return NULL;
	}
	e->v.p = info;
	return info;
}

/*
 * Whether the organisation had any observation of the indicator before this import: asked once
 * per pair, so that appends for new pairs skip the per-row revision lookup (the import's
 * largest cost after the insert itself).
 */
static int pair_is_new(struct imp *m, struct store_obs *ob, struct cu_err *err)
{
	int64_t key[2] = { ob->org_id, ob->indicator_id };
	struct cu_map_entry *e = cu_map_put(&m->pairs, (struct cu_str){ (const char *)key, sizeof key },
					    NULL);
	bool exists;

	if (!e)
		return 0; /* no room to remember: take the safe path */
	if (e->v.i == 0) {
		if (store_obs_has_history(m->s, m->a, ob->org_id, ob->indicator_id, &exists, err))
			return -1;
		e->v.i = exists ? 2 : 1;
	}
	ob->pair_is_new = e->v.i == 1;
	return 0;
}

int import_append(struct imp *m, long line, int col, struct store_obs *ob)
{
	struct cu_err err;

	cu_err_clear(&err);
	ob->import_id = m->res->import_id;
	memcpy(ob->recorded_at, m->recorded_at, sizeof ob->recorded_at);
	if (m->w) {
		import_writer_queue(m, line, col, ob);
		return 0;
	}
	if (!m->bulk && pair_is_new(m, ob, &err)) {
		m->fatal = err.code;
		import_add_err(m, &err, line, col);
		return -1;
	}
	if (m->bulk ? store_obs_bulk_append(m->bulk, ob, &err)
		    : store_obs_append(m->s, m->a, ob, NULL, &err)) {
		/* A duplicate or a refused row is the row's error; anything else ends the import. */
		if (err.code != CU_EEXIST && err.code != CU_EDENIED)
			m->fatal = err.code;
		import_add_err(m, &err, line, col);
		return -1;
	}
	m->res->observations++;
	return 0;
}

void import_set_quotient(struct store_obs *ob, const struct ind_info *ind)
{
	if (ob->status != MODEL_OBS_OK)
		return;
	if (ob->denominator <= 0) {
		/* 0/0: nothing happened in the period, so there is no rate to report. */
		ob->status = MODEL_OBS_MISSING;
		ob->has_value = false;
		return;
	}
	ob->has_value = true;
	ob->value = ob->numerator / ob->denominator *
		    (ind->measure == MODEL_MEASURE_RATE ? ind->multiplier : 1.0);
}

/* A wide measure: figures from the row's columns. */
static int wide(struct imp *m, const struct ingest_record *r, size_t i, int64_t org)
{
	const struct ind_info *ind = indicator_of(m, r, i);
	int vc = m->mcols[0][i], nc = m->mcols[1][i], dc = m->mcols[2][i];
	struct store_obs ob = { 0 };
	enum cell cv = CELL_MISSING, cn = CELL_MISSING, cd = CELL_MISSING;
	bool whole, need_den;

	if (!ind)
		return -1;
	whole = model_measure_whole(ind->measure);
	need_den = model_measure_needs_denominator(ind->measure);
	ob.org_id = org;
	ob.indicator_id = ind->id;
	ob.grain = m->period.grain;
	memcpy(ob.period_start, m->period.start, sizeof ob.period_start);
	memcpy(ob.period_end, m->period.end, sizeof ob.period_end);
	if (need_den) {
		if (nc < 0 || dc < 0) {
			import_row_error(m, r->line, -1, "indicator %s is a %s: the profile must give it a "
						  "numerator and a denominator",
				  m->key.p, model_measure_name(ind->measure));
			return -1;
		}
		cn = figure(m, r, nc, whole, "numerator", &ob.numerator);
		/* A ratio's denominator is an expected count, which need not be whole. */
		cd = figure(m, r, dc, whole && ind->measure != MODEL_MEASURE_RATIO, "denominator",
			    &ob.denominator);
		if (cn == CELL_BAD || cd == CELL_BAD)
			return -1;
		if (ind->measure == MODEL_MEASURE_RATIO && cd == CELL_NUMBER && ob.denominator < 0) {
			import_row_error(m, r->line, dc, "negative expected count: expected 0 or more");
			return -1;
		}
		ob.has_numerator = cn == CELL_NUMBER;
		ob.has_denominator = cd == CELL_NUMBER;
		if (cn == CELL_SUPPRESSED || cd == CELL_SUPPRESSED)
			ob.status = MODEL_OBS_SUPPRESSED;
		else if (cn == CELL_MISSING || cd == CELL_MISSING)
			ob.status = MODEL_OBS_MISSING;
		else
			ob.status = MODEL_OBS_OK;
		if (ob.status == MODEL_OBS_OK && ind->measure == MODEL_MEASURE_PROPORTION &&
		    ob.numerator > ob.denominator) {
			import_row_error(m, r->line, nc, "numerator %.0f is greater than denominator %.0f: "
						  "expected numerator <= denominator",
				  ob.numerator, ob.denominator);
			return -1;
		}
		import_set_quotient(&ob, ind);
		if (vc >= 0 && ob.status == MODEL_OBS_OK) {
			double given;
			enum cell c = figure(m, r, vc, false, "value", &given);

			if (c == CELL_BAD)
				return -1;
			if (c == CELL_NUMBER &&
			    fabs(given - ob.value) > 1e-6 * fmax(1.0, fabs(ob.value))) {
				import_row_error(m, r->line, vc, "value %g does not match numerator / "
							  "denominator = %g: expected them to agree, "
							  "or the value left blank", given, ob.value);
				return -1;
			}
		}
	} else {
		int col = vc >= 0 ? vc : nc;

		cv = figure(m, r, col, whole, ind->measure == MODEL_MEASURE_COUNT ? "count" : "value",
			    &ob.value);
		if (cv == CELL_BAD)
			return -1;
		ob.has_value = cv == CELL_NUMBER;
		ob.status = cv == CELL_NUMBER ? MODEL_OBS_OK
			    : cv == CELL_SUPPRESSED ? MODEL_OBS_SUPPRESSED : MODEL_OBS_MISSING;
		if (dc >= 0 && ind->measure == MODEL_MEASURE_MEAN) {
			cd = figure(m, r, dc, true, "denominator", &ob.denominator);
			if (cd == CELL_BAD)
				return -1;
			ob.has_denominator = cd == CELL_NUMBER;
		}
	}
	return import_append(m, r->line, need_den ? nc : (vc >= 0 ? vc : nc), &ob);
}

static struct cu_str key_str(struct imp *m)
{
	return (struct cu_str){ m->key.p ? m->key.p : "", m->key.n };
}

/* A long measure: add this row's value to its group. */
static int longrow(struct imp *m, const struct ingest_record *r, size_t i, int64_t org)
{
	const struct ingest_measure *ms = &m->p->measure[i];
	const struct ind_info *ind;
	struct cu_str cat = r->f[m->cat_col];
	struct cu_map_entry *e;
	struct group *g;
	enum cell c;
	double v = 0;
	int created;
	size_t k;

	for (k = 0; k < ms->when_columns.n; k++)
		if (!cu_str_eqz(r->f[m->when_cols[i][k]], ms->when_values.s[k]))
			return 0; /* not this measure's rows */
	if (!(ind = indicator_of(m, r, i)))
		return -1;
	if (!model_measure_whole(ind->measure) || !model_measure_needs_denominator(ind->measure)) {
		import_row_error(m, r->line, -1, "indicator %s is a %s: a long-format measure must be a "
					  "proportion or a rate", m->key.p,
			  model_measure_name(ind->measure));
		return -1;
	}
	c = figure(m, r, m->val_col, true, "count", &v);
	if (c == CELL_BAD)
		return -1;
	cu_buf_printf(&m->key, "|%lld|%s", (long long)org, m->period.start);
	e = cu_map_put(&m->groups, key_str(m), &created);
	if (!e) {
		import_row_error(m, r->line, -1, "more than %d groups in one file", MAX_GROUPS);
		m->fatal = CU_ELIMIT;
		return -1;
	}
	if (created) {
		if (m->ngroups == m->capgroups) {
			m->capgroups = m->capgroups ? m->capgroups * 2 : 256;
			m->glist = xrealloc(m->glist, m->capgroups * sizeof *m->glist);
		}
		g = &m->glist[m->ngroups];
		memset(g, 0, sizeof *g);
		g->org_id = org;
		g->ind = ind;
		memcpy(g->period_start, m->period.start, sizeof g->period_start);
		memcpy(g->period_end, m->period.end, sizeof g->period_end);
		g->line = r->line;
		e->v.i = (int64_t)m->ngroups++;
	}
	g = &m->glist[e->v.i];
	if (has_prefix(&m->p->missing_categories, cat))
		return 0; /* missing values are in neither numerator nor denominator */
	g->any = true;
	if (c == CELL_SUPPRESSED || c == CELL_MISSING) {
		g->suppressed = g->suppressed || c == CELL_SUPPRESSED;
		return 0;
	}
	g->den += v;
	for (k = 0; k < ms->categories.n; k++)
		if (cu_str_eqz(cat, ms->categories.s[k])) {
			g->num += v;
			m->cat_hits[m->cat_base[i] + k]++;
		}
	return 0;
}

/* A long-format row must not repeat (organisation, period, every other column but the value). */
static int long_duplicate(struct imp *m, const struct ingest_record *r)
{
	int created;

	cu_buf_reset(&m->key);
	for (size_t i = 0; i < r->n; i++)
		if ((int)i != m->val_col) {
			cu_buf_add(&m->key, r->f[i].p, r->f[i].n);
			cu_buf_addc(&m->key, '\x1f');
		}
	if (!cu_map_put(&m->seen, key_str(m), &created)) {
		import_row_error(m, r->line, -1, "more than %d distinct rows in one long-format file",
			  MAX_GROUPS);
		m->fatal = CU_ELIMIT;
		return -1;
	}
	if (!created) {
		import_row_error(m, r->line, -1, "duplicate row: the same organisation, period and category "
					  "appear earlier in the file");
		return -1;
	}
	return 0;
}

static int obs_row(struct imp *m, const struct ingest_record *r)
{
	int64_t org;
	int bad = 0;

	if (org_id(m, r, &org) | period_of(m, r))
		return -1;
	if (m->p->long_format && long_duplicate(m, r))
		return -1;
	for (size_t i = 0; i < m->p->nmeasure && !m->fatal; i++)
		bad |= m->p->long_format ? longrow(m, r, i, org) : wide(m, r, i, org);
	return bad ? -1 : 0;
}

/* ---- organisations ---- */

static int copy_field(struct imp *m, const struct ingest_record *r, const char *col, char *dst,
		      size_t n)
{
	int c = col_of(m, col);

	if (c < 0) {
		dst[0] = '\0';
		return 0;
	}
	if (cu_str_copy(dst, n, r->f[c])) {
		import_row_error(m, r->line, c, "value longer than %zu bytes", n - 1);
		return -1;
	}
	return 0;
}

static int org_row(struct imp *m, const struct ingest_record *r)
{
	const struct ingest_profile *p = m->p;
	struct store_org o = { 0 };
	struct cu_err err;
	char kind[32];
	int c, created, k;

	cu_err_clear(&err);
	if (model_org_code_check(r->f[m->org_col], &err)) {
		import_add_err(m, &err, r->line, m->org_col);
		return -1;
	}
	if (!cu_map_put(&m->seen, r->f[m->org_col], &created) || !created) {
		import_row_error(m, r->line, m->org_col, "duplicate row: organisation %.*s appears earlier "
						  "in the file", (int)r->f[m->org_col].n,
			  r->f[m->org_col].p);
		return -1;
	}
	if (copy_field(m, r, p->code_column, o.code, sizeof o.code) ||
	    copy_field(m, r, p->name_column, o.name, sizeof o.name) ||
	    copy_field(m, r, p->parent_column, o.parent, sizeof o.parent) ||
	    copy_field(m, r, p->postcode_column, o.postcode, sizeof o.postcode) ||
	    copy_field(m, r, p->kind_column, kind, sizeof kind))
		return -1;
	if (!o.name[0]) {
		import_row_error(m, r->line, col_of(m, p->name_column), "empty name: expected the "
								  "organisation's name");
		return -1;
	}
	if (!kind[0])
		snprintf(kind, sizeof kind, "%s", p->default_kind);
	if ((k = model_org_kind_parse(kind)) < 0) {
		import_row_error(m, r->line, col_of(m, p->kind_column), "unknown kind \"%.31s\": expected "
								 "provider, commissioner, regulator or oversight", kind);
		return -1;
	}
	o.kind = (enum model_org_kind)k;
	if ((c = col_of(m, p->latitude_column)) >= 0 && r->f[c].n) {
		int c2 = col_of(m, p->longitude_column);

		if (cu_num_double(r->f[c], -90, 90, &o.latitude, &err)) {
			import_add_err(m, &err, r->line, c);
			return -1;
		}
		if (c2 < 0 || cu_num_double(r->f[c2], -180, 180, &o.longitude, &err)) {
			import_add_err(m, &err, r->line, c2);
			return -1;
		}
		o.has_location = true;
	}
	if ((c = col_of(m, p->valid_from_column)) >= 0 && r->f[c].n &&
	    model_date_parse(r->f[c], p->date_format, o.valid_from, &err)) {
		import_add_err(m, &err, r->line, c);
		return -1;
	}
	if ((c = col_of(m, p->valid_to_column)) >= 0 && r->f[c].n &&
	    model_date_parse(r->f[c], p->date_format, o.valid_to, &err)) {
		import_add_err(m, &err, r->line, c);
		return -1;
	}
	if (store_org_put(m->s, m->a, &o, NULL, &err)) {
		if (err.code == CU_EDB)
			m->fatal = CU_EDB;
		import_add_err(m, &err, r->line, -1);
		return -1;
	}
	m->res->observations++;
	return 0;
}

/* ---- the record callback ---- */

static int on_record(void *arg, const struct ingest_record *r)
{
	struct imp *m = arg;
	bool keep = true;
	int rc;

	if (!m->header_done)
		return on_header(m, r) ? CU_EINVAL : 0;
	m->res->rows_read++;
	if (r->n != m->ncols) {
		import_row_error(m, r->line, -1, "%zu fields, expected %zu as in the header", r->n,
			  m->ncols);
	} else if (r->bad_field >= 0) {
		import_row_error(m, r->line, (int)r->bad_field,
			  r->bad_nul ? "NUL byte at offset %zu of the field: expected text"
				     : "invalid UTF-8 at byte %zu of the field: expected UTF-8 text",
			  r->bad_offset);
	} else {
		for (size_t i = 0; i < m->p->nkeep && keep; i++)
			keep = in_list(&m->p->keep[i].values, r->f[col_of(m, m->p->keep[i].column)]);
		if (!keep)
			return 0;
		m->res->rows_kept++;
		if ((m->p->target == INGEST_TARGET_OBSERVATIONS ? obs_row(m, r) : org_row(m, r)) == 0)
			m->res->rows_accepted++;
		else if (m->nrejected < sizeof m->rejected / sizeof m->rejected[0])
			m->rejected[m->nrejected++] = r->line;
	}
	if (m->fatal)
		return m->fatal;
	if (m->w && (rc = import_writer_check(m)) != 0)
		return rc;
	if (cu_errlist_total(&m->res->errors) >= CU_MAX_ERRORS)
		return CU_ELIMIT;
	return 0;
}

/* ---- the end of the file ---- */

static int finish_long(struct imp *m)
{
	const struct ingest_profile *p = m->p;

	for (size_t i = 0; i < p->nmeasure; i++) {
		const struct ingest_measure *ms = &p->measure[i];
		bool used = false;

		for (size_t k = 0; k < ms->categories.n; k++)
			used |= m->cat_hits[m->cat_base[i] + k] > 0;
		if (!used)
			continue; /* the measure's rows are not in this file at all */
		for (size_t k = 0; k < ms->categories.n; k++)
			if (m->cat_hits[m->cat_base[i] + k] == 0)
				import_row_error(m, 0, m->cat_col,
					  "category \"%s\" of indicator %s never appears: expected "
					  "the publisher's category names (renamed?)",
					  ms->categories.s[k], ms->indicator);
	}
	for (size_t i = 0; i < m->ngroups && !m->fatal; i++) {
		struct group *g = &m->glist[i];
		struct store_obs ob = { 0 };

		ob.org_id = g->org_id;
		ob.indicator_id = g->ind->id;
		ob.grain = p->grain;
		memcpy(ob.period_start, g->period_start, sizeof ob.period_start);
		memcpy(ob.period_end, g->period_end, sizeof ob.period_end);
		ob.status = g->suppressed ? MODEL_OBS_SUPPRESSED
			    : g->any      ? MODEL_OBS_OK
					  : MODEL_OBS_MISSING;
		ob.has_numerator = ob.has_denominator = ob.status == MODEL_OBS_OK;
		ob.numerator = g->num;
		ob.denominator = g->den;
		import_set_quotient(&ob, g->ind);
		if (ob.status != MODEL_OBS_OK)
			ob.has_numerator = ob.has_denominator = false;
		import_append(m, g->line, -1, &ob);
	}
	return 0;
}

static int free_ind(void *arg, struct cu_map_entry *e)
{
	(void)arg;
	free(e->v.p);
	return 0;
}

static void imp_release(struct imp *m)
{
	import_writer_finish(m);
	if (m->tmpl) {
		for (size_t i = 0; i < m->p->nmeasure; i++) {
			for (size_t k = 0; k < m->tmpl[i].n; k++)
				free(m->tmpl[i].p[k].text);
			free(m->tmpl[i].p);
			free(m->when_cols[i]);
		}
	}
	free(m->tmpl);
	free(m->when_cols);
	for (int k = 0; k < 3; k++)
		free(m->mcols[k]);
	free(m->cat_hits);
	free(m->pcol);
	cu_map_each(&m->inds, free_ind, NULL);
	cu_map_release(&m->inds);
	cu_map_release(&m->orgs);
	cu_map_release(&m->pairs);
	cu_map_release(&m->groups);
	cu_map_release(&m->seen);
	free(m->glist);
	cu_buf_release(&m->key);
	store_obs_bulk_close(m->bulk); /* after the commit or rollback: checks back on */
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

struct progress_ctx {
	const struct ingest_import_opts *o;
	int64_t total;
};

static void on_progress(void *arg, int64_t bytes, long long records)
{
	struct progress_ctx *pc = arg;

	pc->o->progress(pc->o->progress_arg, bytes, pc->total, records);
}

int ingest_import(struct store *s, const struct cu_actor *a, const struct ingest_profile *p,
		  const char *path, const struct ingest_import_opts *o,
		  struct ingest_import_result *res)
{
	static const struct ingest_import_opts none = { 0 };
	struct imp m = { 0 };
	struct ingest_csv_opts co = { 0 };
	struct ingest_csv_result cr = { 0 };
	struct progress_ctx pc;
	struct store_import rec = { 0 };
	struct cu_err err;
	struct stat sb;
	size_t total;
	FILE *f;
	int rc;

	if (!o)
		o = &none;
	memset(res, 0, sizeof *res);
	cu_err_clear(&err);
	m.s = s;
	m.a = a;
	m.p = p;
	m.o = o;
	m.res = res;
	m.src = o->display_name ? o->display_name : base_name(path);
	markers_init(&m.suppressed, &p->suppressed);
	markers_init(&m.missing, &p->missing);
	cu_map_init(&m.orgs, 0);
	cu_map_init(&m.pairs, MAX_GROUPS);
	cu_map_init(&m.inds, 0);
	cu_map_init(&m.groups, MAX_GROUPS);
	cu_map_init(&m.seen, MAX_GROUPS);
	cu_buf_init(&m.key, 1 << 20);

	if (!(f = fopen(path, "rb"))) {
		cu_err_setloc(&err, CU_EIO, m.src, 0, NULL, "cannot open the file: %s",
			      strerror(errno));
		cu_errlist_add(&res->errors, &err);
		imp_release(&m);
		return CU_EIO;
	}
	if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(f);
		cu_err_setloc(&err, CU_EIO, m.src, 0, NULL, "cannot read the file: it is a folder");
		cu_errlist_add(&res->errors, &err);
		imp_release(&m);
		return CU_EIO;
	}
	if (p->target == INGEST_TARGET_SPELLS) {
		rc = import_spells(&m, f);
		imp_release(&m);
		return rc;
	}
	if (o->period) {
		import_row_error(&m, 0, -1, "--period is only for spells files: profile %s takes each "
				     "row's period from the file", p->name);
		fclose(f);
		imp_release(&m);
		return CU_EINVAL;
	}
	/* Observations go through the store's bulk writer, opened outside the transaction. */
	if ((p->target == INGEST_TARGET_OBSERVATIONS &&
	     (rc = store_obs_bulk_open(s, a, &m.bulk, &err))) ||
	    (rc = store_begin(s, &err)) || (rc = store_import_next_id(s, &res->import_id, &err))) {
		fclose(f);
		store_rollback(s);
		cu_errlist_add(&res->errors, &err);
		imp_release(&m);
		res->import_id = 0;
		return rc;
	}
	store_now(s, m.recorded_at);
	co.source = m.src;
	co.max_bytes = o->max_bytes;
	co.max_rows = o->max_rows;
	co.max_field = o->max_field;
	co.max_columns = o->max_columns;
	/* The file's SHA-256 on the other core while rows are checked. */
	co.hash_thread = ingest_csv_threads() > 1;
	if (o->progress) {
		pc.o = o;
		pc.total = S_ISREG(sb.st_mode) ? (int64_t)sb.st_size : 0;
		co.progress = on_progress;
		co.progress_arg = &pc;
	}
	if (m.bulk && !p->long_format)
		import_writer_start(&m);
	rc = ingest_csv_read(f, &co, on_record, &m, &cr, &err);
	import_writer_finish(&m);
	fclose(f);
	res->bytes = cr.bytes;
	memcpy(res->sha256, cr.sha256, sizeof res->sha256);
	/*
	 * How the import ended, from the errors in file order (the writer thread's merged among
	 * the reader's, the list cut after a fatal store error), as a sequential import would have
	 * ended it: at the error limit when the 100th error comes before any fatal one (the
	 * result then the first 100, `dropped` 0); at a fatal store error (a full disk) within the
	 * first 100; at a fault of the reader itself (a quote not closed, a limit) met before
	 * either; else as the reading ended. The reading thread may have read past the point
	 * where a sequential import stops, to the end of the file even, before the writing
	 * thread's errors came in: the outcome, the errors and their count are the same.
	 */
	total = cu_errlist_total(&res->errors);
	res->at_limit = total > CU_MAX_ERRORS || (total == CU_MAX_ERRORS && !m.fatal);
	if (res->at_limit)
		rc = CU_ELIMIT;
	else if (m.fatal)
		rc = m.fatal;
	else if (rc && err.code)
		cu_errlist_add(&res->errors, &err); /* a fault of the reader itself */
	if (total >= CU_MAX_ERRORS)
		res->errors.dropped = 0;
	if (rc)
		res->stopped = true;
	if (!rc && !m.header_done)
		import_row_error(&m, 0, -1, "the file is empty: expected a header line naming the columns");
	else if (!rc && res->rows_read == 0)
		import_row_error(&m, 0, -1, "no data rows after the header: nothing to import");
	if (!rc && !res->errors.n && p->long_format)
		finish_long(&m);
	if (!res->errors.n && !m.fatal) {
		rec.id = res->import_id;
		snprintf(rec.file_name, sizeof rec.file_name, "%s", m.src);
		memcpy(rec.sha256, cr.sha256, sizeof rec.sha256);
		snprintf(rec.profile, sizeof rec.profile, "%s", p->name);
		memcpy(rec.started_at, m.recorded_at, sizeof rec.started_at);
		store_now(s, rec.finished_at);
		rec.rows_read = res->rows_read;
		rec.rows_accepted = res->rows_accepted;
		rec.observations = res->observations;
		cu_err_clear(&err);
		if (store_import_record(s, a, &rec, &err) ||
		    (m.bulk && store_obs_bulk_finish(m.bulk, rec.id, &err)))
			import_add_err(&m, &err, 0, -1);
	}
	if (res->errors.n || o->dry_run) {
		store_rollback(s);
		rc = res->errors.n ? (rc ? rc : CU_EINVAL) : 0;
		res->import_id = 0;
	} else {
		cu_err_clear(&err);
		rc = store_commit(s, &err);
		if (rc) {
			import_add_err(&m, &err, 0, -1);
			res->import_id = 0;
		}
	}
	imp_release(&m);
	return rc;
}
