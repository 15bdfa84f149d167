/*
 * Risk-adjusted mortality results: what an import of hospital spells keeps (store.h, "risk-
 * adjusted mortality results"). Five append-only tables keyed by the import, each row hanging
 * off its parent by key: spells_import, then spells_provider and spells_group, then
 * spells_series (provider x group), then spells_cell (provider x group x covariate pattern).
 * The cells are the bulk (hundreds of thousands a national year), so they are WITHOUT ROWID
 * rows of six small integers, inserted in key order through one cached statement.
 */
#include "store/store_int.h"

#include <math.h>
#include <string.h>

enum {
	STMT_INSERT_IMPORT,
	STMT_INSERT_PROVIDER,
	STMT_INSERT_GROUP,
	STMT_INSERT_SERIES,
	STMT_INSERT_CELL,
	STMT_INSERT_CELLS,
	STMT_GET_IMPORT,
	STMT_LIST_PROVIDERS,
	STMT_LIST_GROUPS,
	STMT_LIST_SERIES,
	STMT_LIST_CELLS,
	STMT_LIST_IMPORTS,
	STMT_LIST_PROVIDER_SERIES,
	STMT__MAX
};

#define IMPORT_COLS                                                                       \
	"import_id, indicator_id, period_start, period_end, grain, spells, deaths, providers," \
	" diag_groups, odds, h, tail_cut, tails, phi, tau2"
#define PROVIDER_COLS                                                                   \
	"import_id, provider, code, org_id, spells, observed, expected, ratio, lower95,"    \
	" upper95, lower998, upper998, pois_lower95, pois_upper95, pois_lower998,"          \
	" pois_upper998, band"
#define GROUP_COLS                                                                      \
	"import_id, diag_group, spells, deaths, patterns, parameters, iterations, status, dropped"
#define SERIES_COLS                                                                     \
	"s.import_id, s.provider, s.diag_group, s.spells, s.deaths, s.expected, s.alarms,"  \
	" s.first_alarm, s.s_end"
#define CELL_COLS "c.import_id, c.provider, c.diag_group, c.pattern, c.spells, c.deaths"
/* Cells go CELL_BATCH rows to a statement: the per-statement cost (step, reset, the VDBE's
 * set-up) is most of a small row's insert. Must match the tuples in CELL_TUPLES. */
#define CELL_BATCH 64
#define CELL_T1 "(?, ?, ?, ?, ?, ?)"
#define CELL_T4 CELL_T1 ", " CELL_T1 ", " CELL_T1 ", " CELL_T1
#define CELL_T16 CELL_T4 ", " CELL_T4 ", " CELL_T4 ", " CELL_T4
#define CELL_T64 CELL_T16 ", " CELL_T16 ", " CELL_T16 ", " CELL_T16
#define CELL_TUPLES CELL_T64
#define CELL_INSERT                                                                     \
	"INSERT INTO spells_cell (import_id, provider, diag_group, pattern, spells, deaths) VALUES "

static const char *const sql[STMT__MAX] = {
	[STMT_INSERT_IMPORT] = "INSERT INTO spells_import (" IMPORT_COLS ")"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_INSERT_PROVIDER] = "INSERT INTO spells_provider (" PROVIDER_COLS ")"
				 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_INSERT_GROUP] = "INSERT INTO spells_group (" GROUP_COLS ")"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_INSERT_SERIES] = "INSERT INTO spells_series (import_id, provider, diag_group, spells,"
			       " deaths, expected, alarms, first_alarm, s_end)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_INSERT_CELL] = CELL_INSERT CELL_T1,
	[STMT_INSERT_CELLS] = CELL_INSERT CELL_TUPLES,
	[STMT_GET_IMPORT] = "SELECT " IMPORT_COLS " FROM spells_import WHERE import_id = ?",
	[STMT_LIST_PROVIDERS] = "SELECT " PROVIDER_COLS " FROM spells_provider"
				" WHERE import_id = ? ORDER BY provider",
	[STMT_LIST_GROUPS] = "SELECT " GROUP_COLS " FROM spells_group"
			     " WHERE import_id = ? ORDER BY diag_group",
	/* The provider's organisation rides along for the access decision (last column). */
	[STMT_LIST_SERIES] = "SELECT " SERIES_COLS ", p.org_id FROM spells_series s"
			     " JOIN spells_provider p ON p.import_id = s.import_id"
			     " AND p.provider = s.provider"
			     " WHERE s.import_id = ? ORDER BY s.provider, s.diag_group",
	[STMT_LIST_CELLS] = "SELECT " CELL_COLS ", p.org_id FROM spells_cell c"
			    " JOIN spells_provider p ON p.import_id = c.import_id"
			    " AND p.provider = c.provider"
			    " WHERE c.import_id = ? ORDER BY c.provider, c.diag_group, c.pattern",
	[STMT_LIST_IMPORTS] = "SELECT " IMPORT_COLS " FROM spells_import"
			      " ORDER BY period_start, period_end, import_id",
	/* One provider's rows: the primary key's prefix (import, provider) finds them. */
	[STMT_LIST_PROVIDER_SERIES] = "SELECT " SERIES_COLS ", p.org_id FROM spells_series s"
				      " JOIN spells_provider p ON p.import_id = s.import_id"
				      " AND p.provider = s.provider"
				      " WHERE s.import_id = ? AND s.provider = ? ORDER BY s.diag_group",
};

/*
 * The organisation id asked about for a provider code that is no organisation: no row has it,
 * so access.c grants it only to roles that may act on every organisation (writing: system and
 * administrators; reading: system and regulators), which is what such a row needs.
 */
#define NO_ORG ((int64_t)-1)

static int64_t org_or_none(int64_t org_id)
{
	return org_id > 0 ? org_id : NO_ORG;
}

/* Bind X, or NULL when it is not a number (a ratio with no expected deaths). */
static void bind_num(sqlite3_stmt *st, int i, double x)
{
	if (isfinite(x))
		sqlite3_bind_double(st, i, x);
	else
		sqlite3_bind_null(st, i);
}

static double col_num(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* Step an insert once. */
static int insert(struct store *s, sqlite3_stmt *st, const char *what, struct cu_err *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return 0;
	store_dberr(s, what, err);
	sqlite3_reset(st);
	return CU_EDB;
}

int store_spells_import_put(struct store *s, const struct cu_actor *a,
			    const struct store_spells_import *r, struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_SUBMIT, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX, STMT_INSERT_IMPORT, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, r->import_id);
	sqlite3_bind_int64(st, 2, r->indicator_id);
	sqlite3_bind_text(st, 3, r->period_start, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->period_end, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, model_grain_name(r->grain), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, r->spells);
	sqlite3_bind_int64(st, 7, r->deaths);
	sqlite3_bind_int64(st, 8, r->providers);
	sqlite3_bind_int64(st, 9, r->groups);
	sqlite3_bind_double(st, 10, r->odds);
	sqlite3_bind_double(st, 11, r->h);
	sqlite3_bind_double(st, 12, r->tail_cut);
	sqlite3_bind_text(st, 13, r->winsorised ? "winsor" : "trim", -1, SQLITE_STATIC);
	if (r->has_phi)
		bind_num(st, 14, r->phi);
	sqlite3_bind_double(st, 15, r->has_phi && isfinite(r->tau2) ? r->tau2 : 0);
	return insert(s, st, "storing a spells import", err);
}

int store_spells_provider_put(struct store *s, const struct cu_actor *a,
			      const struct store_spells_provider *p, struct cu_err *err)
{
	sqlite3_stmt *st;
	const double lim[] = { p->lower95,	p->upper95,	 p->lower998,	  p->upper998,
			       p->pois_lower95, p->pois_upper95, p->pois_lower998, p->pois_upper998 };

	if (store_access(s, a, STORE_ACT_SUBMIT, org_or_none(p->org_id), err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX, STMT_INSERT_PROVIDER, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, p->import_id);
	sqlite3_bind_int(st, 2, p->provider);
	sqlite3_bind_text(st, 3, p->code, -1, SQLITE_STATIC);
	if (p->org_id > 0)
		sqlite3_bind_int64(st, 4, p->org_id);
	sqlite3_bind_int64(st, 5, p->spells);
	sqlite3_bind_int64(st, 6, p->observed);
	sqlite3_bind_double(st, 7, isfinite(p->expected) ? p->expected : 0);
	bind_num(st, 8, p->ratio);
	for (int i = 0; i < 8; i++)
		bind_num(st, 9 + i, lim[i]);
	sqlite3_bind_int(st, 17, p->band);
	return insert(s, st, "storing a provider's mortality result", err);
}

int store_spells_group_put(struct store *s, const struct cu_actor *a,
			   const struct store_spells_group *g, struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_SUBMIT, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX, STMT_INSERT_GROUP, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, g->import_id);
	sqlite3_bind_int(st, 2, g->diag_group);
	sqlite3_bind_int64(st, 3, g->spells);
	sqlite3_bind_int64(st, 4, g->deaths);
	sqlite3_bind_int(st, 5, g->patterns);
	sqlite3_bind_int(st, 6, g->parameters);
	sqlite3_bind_int(st, 7, g->iterations);
	sqlite3_bind_text(st, 8, g->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, g->dropped, -1, SQLITE_STATIC);
	return insert(s, st, "storing a diagnosis group's fit", err);
}

int store_spells_series_put(struct store *s, const struct cu_actor *a,
			    const struct store_spells_series *r, struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_SUBMIT, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX, STMT_INSERT_SERIES, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, r->import_id);
	sqlite3_bind_int(st, 2, r->provider);
	sqlite3_bind_int(st, 3, r->diag_group);
	sqlite3_bind_int64(st, 4, r->spells);
	sqlite3_bind_int64(st, 5, r->deaths);
	sqlite3_bind_double(st, 6, isfinite(r->expected) ? r->expected : 0);
	sqlite3_bind_int64(st, 7, r->alarms);
	sqlite3_bind_int64(st, 8, r->first_alarm);
	sqlite3_bind_double(st, 9, isfinite(r->s_end) ? r->s_end : 0);
	return insert(s, st, "storing a CUSUM summary", err);
}

int store_spells_cells_put(struct store *s, const struct cu_actor *a,
			   const struct store_spells_cell *c, size_t n, struct cu_err *err)
{
	sqlite3_stmt *st;
	size_t i = 0;

	if (store_access(s, a, STORE_ACT_SUBMIT, 0, err))
		return store_denied(err);
	while (i < n) {
		size_t k = n - i >= CELL_BATCH ? CELL_BATCH : 1;

		st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX,
				k == CELL_BATCH ? STMT_INSERT_CELLS : STMT_INSERT_CELL, err);
		if (!st)
			return CU_EDB;
		for (size_t j = 0; j < k; j++, i++) {
			int b = (int)j * 6;

			sqlite3_bind_int64(st, b + 1, c[i].import_id);
			sqlite3_bind_int(st, b + 2, c[i].provider);
			sqlite3_bind_int(st, b + 3, c[i].diag_group);
			sqlite3_bind_int(st, b + 4, c[i].pattern);
			sqlite3_bind_int64(st, b + 5, c[i].spells);
			sqlite3_bind_int64(st, b + 6, c[i].deaths);
		}
		if (insert(s, st, "storing spells and deaths per covariate pattern", err))
			return CU_EDB;
	}
	return 0;
}

/* The header in the current row of ST (columns IMPORT_COLS) into *OUT. */
static void import_row(sqlite3_stmt *st, struct store_spells_import *out)
{
	char t[16];

	memset(out, 0, sizeof *out);
	out->import_id = sqlite3_column_int64(st, 0);
	out->indicator_id = sqlite3_column_int64(st, 1);
	store_col_text(st, 2, out->period_start, sizeof out->period_start);
	store_col_text(st, 3, out->period_end, sizeof out->period_end);
	store_col_text(st, 4, t, sizeof t);
	out->grain = (enum model_grain)model_grain_parse(t);
	out->spells = sqlite3_column_int64(st, 5);
	out->deaths = sqlite3_column_int64(st, 6);
	out->providers = sqlite3_column_int64(st, 7);
	out->groups = sqlite3_column_int64(st, 8);
	out->odds = sqlite3_column_double(st, 9);
	out->h = sqlite3_column_double(st, 10);
	out->tail_cut = sqlite3_column_double(st, 11);
	store_col_text(st, 12, t, sizeof t);
	out->winsorised = strcmp(t, "winsor") == 0;
	out->has_phi = sqlite3_column_type(st, 13) != SQLITE_NULL;
	out->phi = col_num(st, 13);
	out->tau2 = sqlite3_column_double(st, 14);
}

int store_spells_import_get(struct store *s, const struct cu_actor *a, int64_t import_id,
			    struct store_spells_import *out, struct cu_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX, STMT_GET_IMPORT, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, import_id);
	rc = store_step(s, st, "reading a spells import", err);
	if (rc != 1)
		return rc < 0 ? rc
			      : cu_err_set(err, CU_ENOENT, "import %lld holds no spells results",
					   (long long)import_id);
	import_row(st, out);
	sqlite3_reset(st);
	return 0;
}

/*
 * Whether A may see the rows of a provider whose organisation is ORG_ID (0: none): 1, 0 or
 * CU_EDB. Rows come in provider order, so *LAST_ORG and *LAST remember the previous answer.
 */
static int sees(struct store *s, const struct cu_actor *a, int64_t org_id, int64_t *last_org,
		int *last, struct cu_err *err)
{
	struct cu_err e;
	int rc;

	if (*last >= 0 && *last_org == org_id)
		return *last;
	cu_err_clear(&e);
	rc = store_access(s, a, STORE_ACT_READ_DATA, org_or_none(org_id), &e);
	if (rc && rc != CU_EDENIED) {
		if (err)
			*err = e;
		return rc;
	}
	*last_org = org_id;
	*last = rc == 0;
	return *last;
}

int store_spells_provider_list(struct store *s, const struct cu_actor *a, int64_t import_id,
			       int (*cb)(void *arg, const struct store_spells_provider *p),
			       void *arg, struct cu_err *err)
{
	struct store_spells_provider p;
	sqlite3_stmt *st;
	int64_t last_org = 0;
	int last = -1, rc, vis;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX, STMT_LIST_PROVIDERS, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, import_id);
	while ((rc = store_step(s, st, "reading mortality results", err)) == 1) {
		memset(&p, 0, sizeof p);
		p.import_id = sqlite3_column_int64(st, 0);
		p.provider = sqlite3_column_int(st, 1);
		store_col_text(st, 2, p.code, sizeof p.code);
		p.org_id = sqlite3_column_int64(st, 3); /* 0 for NULL */
		if ((vis = sees(s, a, p.org_id, &last_org, &last, err)) < 0) {
			sqlite3_reset(st);
			return vis;
		}
		if (!vis)
			continue;
		p.spells = sqlite3_column_int64(st, 4);
		p.observed = sqlite3_column_int64(st, 5);
		p.expected = sqlite3_column_double(st, 6);
		p.ratio = col_num(st, 7);
		p.lower95 = col_num(st, 8);
		p.upper95 = col_num(st, 9);
		p.lower998 = col_num(st, 10);
		p.upper998 = col_num(st, 11);
		p.pois_lower95 = col_num(st, 12);
		p.pois_upper95 = col_num(st, 13);
		p.pois_lower998 = col_num(st, 14);
		p.pois_upper998 = col_num(st, 15);
		p.band = sqlite3_column_int(st, 16);
		if (cb(arg, &p)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	return rc;
}

int store_spells_group_list(struct store *s, const struct cu_actor *a, int64_t import_id,
			    int (*cb)(void *arg, const struct store_spells_group *g), void *arg,
			    struct cu_err *err)
{
	struct store_spells_group g;
	sqlite3_stmt *st;
	int rc;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX, STMT_LIST_GROUPS, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, import_id);
	while ((rc = store_step(s, st, "reading the model's fits", err)) == 1) {
		memset(&g, 0, sizeof g);
		g.import_id = sqlite3_column_int64(st, 0);
		g.diag_group = sqlite3_column_int(st, 1);
		g.spells = sqlite3_column_int64(st, 2);
		g.deaths = sqlite3_column_int64(st, 3);
		g.patterns = sqlite3_column_int(st, 4);
		g.parameters = sqlite3_column_int(st, 5);
		g.iterations = sqlite3_column_int(st, 6);
		store_col_text(st, 7, g.status, sizeof g.status);
		store_col_text(st, 8, g.dropped, sizeof g.dropped);
		if (cb(arg, &g)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	return rc;
}

/*
 * Step ST (columns of STMT_LIST_SERIES: the organisation last) handing A's visible rows to CB.
 * With ONE_PROVIDER the rows are one provider's, so a hidden row ends the list.
 */
static int each_series(struct store *s, const struct cu_actor *a, sqlite3_stmt *st,
		       bool one_provider, const char *what,
		       int (*cb)(void *arg, const struct store_spells_series *r), void *arg,
		       struct cu_err *err)
{
	struct store_spells_series r;
	int64_t last_org = 0;
	int last = -1, rc, vis;

	while ((rc = store_step(s, st, what, err)) == 1) {
		if ((vis = sees(s, a, sqlite3_column_int64(st, 9), &last_org, &last, err)) < 0) {
			sqlite3_reset(st);
			return vis;
		}
		if (!vis && one_provider)
			break;
		if (!vis)
			continue;
		r.import_id = sqlite3_column_int64(st, 0);
		r.provider = sqlite3_column_int(st, 1);
		r.diag_group = sqlite3_column_int(st, 2);
		r.spells = sqlite3_column_int64(st, 3);
		r.deaths = sqlite3_column_int64(st, 4);
		r.expected = sqlite3_column_double(st, 5);
		r.alarms = sqlite3_column_int64(st, 6);
		r.first_alarm = sqlite3_column_int64(st, 7);
		r.s_end = sqlite3_column_double(st, 8);
		if (cb(arg, &r))
			break;
	}
	if (rc == 1) {
		sqlite3_reset(st);
		return 0;
	}
	return rc;
}

int store_spells_series_list(struct store *s, const struct cu_actor *a, int64_t import_id,
			     int (*cb)(void *arg, const struct store_spells_series *r), void *arg,
			     struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX, STMT_LIST_SERIES, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, import_id);
	return each_series(s, a, st, false, "reading CUSUM summaries", cb, arg, err);
}

int store_spells_cell_list(struct store *s, const struct cu_actor *a, int64_t import_id,
			   int (*cb)(void *arg, const struct store_spells_cell *c), void *arg,
			   struct cu_err *err)
{
	struct store_spells_cell c;
	sqlite3_stmt *st;
	int64_t last_org = 0;
	int last = -1, rc, vis;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX, STMT_LIST_CELLS, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, import_id);
	while ((rc = store_step(s, st, "reading spells per covariate pattern", err)) == 1) {
		if ((vis = sees(s, a, sqlite3_column_int64(st, 6), &last_org, &last, err)) < 0) {
			sqlite3_reset(st);
			return vis;
		}
		if (!vis)
			continue;
		c.import_id = sqlite3_column_int64(st, 0);
		c.provider = sqlite3_column_int(st, 1);
		c.diag_group = sqlite3_column_int(st, 2);
		c.pattern = sqlite3_column_int(st, 3);
		c.spells = sqlite3_column_int64(st, 4);
		c.deaths = sqlite3_column_int64(st, 5);
		if (cb(arg, &c)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	return rc;
}

int store_spells_import_list(struct store *s, const struct cu_actor *a,
			     int (*cb)(void *arg, const struct store_spells_import *r), void *arg,
			     struct cu_err *err)
{
	struct store_spells_import r;
	sqlite3_stmt *st;
	int rc;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX, STMT_LIST_IMPORTS, err)))
		return CU_EDB;
	while ((rc = store_step(s, st, "listing spells imports", err)) == 1) {
		import_row(st, &r);
		if (cb(arg, &r)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	return rc;
}

int store_spells_provider_series_list(struct store *s, const struct cu_actor *a,
				      int64_t import_id, int provider,
				      int (*cb)(void *arg, const struct store_spells_series *r),
				      void *arg, struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_SPELLS, sql, STMT__MAX, STMT_LIST_PROVIDER_SERIES,
			      err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, import_id);
	sqlite3_bind_int(st, 2, provider);
	return each_series(s, a, st, true, "reading a provider's CUSUM summaries", cb, arg, err);
}
