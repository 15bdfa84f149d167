/*
 * Observations: append-only, bitemporal quality figures. A row is never updated or deleted; a
 * resubmission is the next revision of its (organisation, indicator, period). Reads choose, per
 * period, the latest revision recorded at or before the as-of time.
 */
#include "store/store_int.h"

#include <string.h>

enum {
	STMT_PAIR_EXISTS,
	STMT_LAST_REV,
	STMT_INSERT,
	STMT_SERIES,
	STMT_SERIES_ALL,
	STMT_LATEST,
	STMT_LATEST_ONE,
	STMT_REVISIONS,
	STMT_COUNT,
	STMT__MAX
};

#define OBS_COLS                                                                            \
	"o.org_id, o.indicator_id, o.import_id, o.grain, o.period_start, o.period_end,"    \
	" o.status, o.numerator, o.denominator, o.value, o.revision, o.recorded_at, g.code," \
	" i.code"
#define OBS_JOIN " JOIN org g ON g.id = o.org_id JOIN indicator i ON i.id = o.indicator_id"
/*
 * Series reads return every revision recorded at or before ?3 in the key's order (period, then
 * revision) and keep only the last of each period while stepping (current_rows below): the same
 * rows as "revision = max(revision recorded by then)" without a subquery per row.
 */
static const char *const sql[STMT__MAX] = {
	[STMT_PAIR_EXISTS] = "SELECT EXISTS (SELECT 1 FROM observation"
			     " WHERE org_id = ? AND indicator_id = ?)",
	[STMT_LAST_REV] = "SELECT revision, import_id FROM observation"
			  " WHERE org_id = ? AND indicator_id = ? AND period_start = ?"
			  " ORDER BY revision DESC LIMIT 1",
	[STMT_INSERT] = "INSERT INTO observation (org_id, indicator_id, period_start, period_end,"
			" grain, revision, status, numerator, denominator, value, recorded_at,"
			" import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_SERIES] = "SELECT " OBS_COLS " FROM observation o" OBS_JOIN
			" WHERE o.org_id = ?1 AND o.indicator_id = ?2 AND o.recorded_at <= ?3"
			" ORDER BY o.org_id, o.indicator_id, o.period_start, o.revision",
	[STMT_SERIES_ALL] = "SELECT " OBS_COLS " FROM observation o" OBS_JOIN
			    " WHERE o.org_id = ?1 AND o.recorded_at <= ?3"
			    " ORDER BY o.org_id, o.indicator_id, o.period_start, o.revision",
	/* Backwards along the key: each indicator's latest period and revision come first. */
	[STMT_LATEST] = "SELECT " OBS_COLS " FROM observation o" OBS_JOIN
			" WHERE o.org_id = ?1 AND o.recorded_at <= ?3"
			" ORDER BY o.org_id DESC, o.indicator_id DESC, o.period_start DESC,"
			" o.revision DESC",
	[STMT_LATEST_ONE] = "SELECT " OBS_COLS " FROM observation o" OBS_JOIN
			    " WHERE o.org_id = ?1 AND o.indicator_id = ?2 AND o.recorded_at <= ?3"
			    " ORDER BY o.org_id DESC, o.indicator_id DESC, o.period_start DESC,"
			    " o.revision DESC LIMIT 1",
	[STMT_REVISIONS] = "SELECT " OBS_COLS " FROM observation o" OBS_JOIN
			   " WHERE o.org_id = ? AND o.indicator_id = ? AND o.period_start = ?"
			   " ORDER BY o.revision",
	[STMT_COUNT] = "SELECT (SELECT count(*) FROM observation),"
		       " (SELECT count(*) FROM observation_current)",
};

/*
 * Normalise an as-of time for comparison with recorded_at: NULL or "" means now (a string
 * above every timestamp); a bare date YYYY-MM-DD means the end of that day.
 */
const char *store_as_of_bound(const char *as_of, char buf[32])
{
	size_t n = as_of ? strlen(as_of) : 0;

	if (n == 0)
		return "9999-12-31T23:59:59.999999Z";
	if (n == 10) {
		memcpy(buf, as_of, 10);
		memcpy(buf + 10, "T23:59:59.999999Z", 18);
		return buf;
	}
	return as_of;
}

static int duplicate(struct cu_err *err)
{
	return cu_err_set(err, CU_EEXIST, "duplicate row: this organisation, indicator and period "
					  "appear earlier in the file");
}

int store_obs_has_history(struct store *s, const struct cu_actor *a, int64_t org_id,
			  int64_t indicator_id, bool *exists, struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_READ_DATA, org_id, err))
		return CU_EDENIED;
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX, STMT_PAIR_EXISTS, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, indicator_id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_dberr(s, "reading history", err);
	*exists = sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	return 0;
}

int store_obs_append(struct store *s, const struct cu_actor *a, const struct store_obs *o,
		     int *revision, struct cu_err *err)
{
	sqlite3_stmt *st;
	int rev = 1, rc;

	if (store_access(s, a, STORE_ACT_SUBMIT, o->org_id, err))
		return CU_EDENIED;
	/* Without earlier history, this is revision 1 and the unique key catches a duplicate. */
	if (!o->pair_is_new) {
		if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX, STMT_LAST_REV, err)))
			return CU_EDB;
		sqlite3_bind_int64(st, 1, o->org_id);
		sqlite3_bind_int64(st, 2, o->indicator_id);
		sqlite3_bind_text(st, 3, o->period_start, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			if (sqlite3_column_int64(st, 1) == o->import_id) {
				sqlite3_reset(st);
				return duplicate(err);
			}
			rev = sqlite3_column_int(st, 0) + 1;
		} else if (rc != SQLITE_DONE) {
			return store_dberr(s, "reading revisions", err);
		}
		sqlite3_reset(st);
	}
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX, STMT_INSERT, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, o->org_id);
	sqlite3_bind_int64(st, 2, o->indicator_id);
	sqlite3_bind_text(st, 3, o->period_start, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->period_end, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, model_grain_name(o->grain), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, rev);
	sqlite3_bind_text(st, 7, model_obs_status_name(o->status), -1, SQLITE_STATIC);
	if (o->has_numerator)
		sqlite3_bind_double(st, 8, o->numerator);
	if (o->has_denominator)
		sqlite3_bind_double(st, 9, o->denominator);
	if (o->has_value)
		sqlite3_bind_double(st, 10, o->value);
	sqlite3_bind_text(st, 11, o->recorded_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, o->import_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		sqlite3_reset(st);
		return duplicate(err);
	}
	if (rc != SQLITE_DONE)
		return store_dberr(s, "appending an observation", err);
	if (revision)
		*revision = rev;
	return 0;
}

static void read_row(sqlite3_stmt *st, struct store_obs *o)
{
	char t[16];

	memset(o, 0, sizeof *o);
	o->org_id = sqlite3_column_int64(st, 0);
	o->indicator_id = sqlite3_column_int64(st, 1);
	o->import_id = sqlite3_column_int64(st, 2);
	store_col_text(st, 3, t, sizeof t);
	o->grain = (enum model_grain)model_grain_parse(t);
	store_col_text(st, 4, o->period_start, sizeof o->period_start);
	store_col_text(st, 5, o->period_end, sizeof o->period_end);
	store_col_text(st, 6, t, sizeof t);
	o->status = (enum model_obs_status)model_obs_status_parse(t);
	o->has_numerator = sqlite3_column_type(st, 7) != SQLITE_NULL;
	o->numerator = sqlite3_column_double(st, 7);
	o->has_denominator = sqlite3_column_type(st, 8) != SQLITE_NULL;
	o->denominator = sqlite3_column_double(st, 8);
	o->has_value = sqlite3_column_type(st, 9) != SQLITE_NULL;
	o->value = sqlite3_column_double(st, 9);
	o->revision = sqlite3_column_int(st, 10);
	store_col_text(st, 11, o->recorded_at, sizeof o->recorded_at);
	store_col_text(st, 12, o->org_code, sizeof o->org_code);
	store_col_text(st, 13, o->indicator_code, sizeof o->indicator_code);
}

/* Which rows of a statement each_row hands on. */
enum keep {
	KEEP_ALL,	 /* every row */
	KEEP_LAST_OF_PERIOD, /* rows by period, then revision: the last of each period */
	KEEP_FIRST_OF_INDICATOR, /* rows by indicator: the first of each */
};

static bool same_period(const struct store_obs *x, const struct store_obs *y)
{
	return x->indicator_id == y->indicator_id && strcmp(x->period_start, y->period_start) == 0;
}

/* Step ST to the end, handing the rows KEEP chooses to CB; a non-zero return from CB stops. */
static int each_row(struct store *s, sqlite3_stmt *st, enum keep keep,
		    int (*cb)(void *arg, const struct store_obs *o), void *arg, struct cu_err *err)
{
	struct store_obs row, prev;
	bool held = false;
	int rc;

	while ((rc = store_step(s, st, "reading observations", err)) == 1) {
		read_row(st, &row);
		if (keep == KEEP_LAST_OF_PERIOD) {
			/* Hold each row until the next shows whether it was its period's last. */
			bool emit = held && !same_period(&prev, &row);

			if (emit && cb(arg, &prev))
				goto stop;
			prev = row;
			held = true;
			continue;
		}
		if (keep == KEEP_FIRST_OF_INDICATOR) {
			if (held && prev.indicator_id == row.indicator_id)
				continue;
			prev.indicator_id = row.indicator_id;
			held = true;
		}
		if (cb(arg, &row))
			goto stop;
	}
	if (rc == 0 && keep == KEEP_LAST_OF_PERIOD && held)
		cb(arg, &prev);
	return rc;
stop:
	sqlite3_reset(st);
	return 0;
}

int store_obs_series(struct store *s, const struct cu_actor *a, int64_t org_id,
		     int64_t indicator_id, const char *as_of,
		     int (*cb)(void *arg, const struct store_obs *o), void *arg, struct cu_err *err)
{
	sqlite3_stmt *st;
	char buf[32];

	if (store_access(s, a, STORE_ACT_READ_DATA, org_id, err))
		return CU_EDENIED;
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX,
			      indicator_id ? STMT_SERIES : STMT_SERIES_ALL, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, org_id);
	if (indicator_id)
		sqlite3_bind_int64(st, 2, indicator_id);
	sqlite3_bind_text(st, 3, store_as_of_bound(as_of, buf), -1, SQLITE_TRANSIENT);
	return each_row(s, st, KEEP_LAST_OF_PERIOD, cb, arg, err);
}

int store_obs_latest(struct store *s, const struct cu_actor *a, int64_t org_id,
		     int64_t indicator_id, const char *as_of,
		     int (*cb)(void *arg, const struct store_obs *o), void *arg, struct cu_err *err)
{
	sqlite3_stmt *st;
	char buf[32];

	if (store_access(s, a, STORE_ACT_READ_DATA, org_id, err))
		return CU_EDENIED;
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX,
			      indicator_id ? STMT_LATEST_ONE : STMT_LATEST, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, org_id);
	if (indicator_id)
		sqlite3_bind_int64(st, 2, indicator_id);
	sqlite3_bind_text(st, 3, store_as_of_bound(as_of, buf), -1, SQLITE_TRANSIENT);
	return each_row(s, st, KEEP_FIRST_OF_INDICATOR, cb, arg, err);
}

int store_obs_revisions(struct store *s, const struct cu_actor *a, int64_t org_id,
			int64_t indicator_id, const char *period_start,
			int (*cb)(void *arg, const struct store_obs *o), void *arg,
			struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_READ_DATA, org_id, err))
		return CU_EDENIED;
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX, STMT_REVISIONS, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, indicator_id);
	sqlite3_bind_text(st, 3, period_start, -1, SQLITE_STATIC);
	return each_row(s, st, KEEP_ALL, cb, arg, err);
}

int store_obs_count(struct store *s, const struct cu_actor *a, int64_t *rows, int64_t *current,
		    struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return CU_EDENIED;
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX, STMT_COUNT, err)))
		return CU_EDB;
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_dberr(s, "counting observations", err);
	*rows = sqlite3_column_int64(st, 0);
	*current = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return 0;
}
