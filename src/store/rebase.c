/* Rebasing of SPC charts: where a chart starts new limits, and why; see store.h. */
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>

#include "model/period.h"

enum { STMT_INSERT, STMT_LIST, STMT_LIST_ALL, STMT__MAX };

static const char *const sql[STMT__MAX] = {
	[STMT_INSERT] = "INSERT INTO rebase (org_id, indicator_id, period_start, reason, actor,"
			" recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
	[STMT_LIST] = "SELECT period_start, reason, actor, recorded_at, indicator_id FROM rebase"
		      " WHERE org_id = ?1 AND indicator_id = ?2 AND recorded_at <= ?3"
		      " ORDER BY period_start",
	[STMT_LIST_ALL] = "SELECT period_start, reason, actor, recorded_at, indicator_id"
			  " FROM rebase WHERE org_id = ?1 AND recorded_at <= ?3"
			  " ORDER BY indicator_id, period_start",
};

int store_rebase_add(struct store *s, const struct cu_actor *a, int64_t org_id,
		     int64_t indicator_id, const char *period_start, const char *reason,
		     struct cu_err *err)
{
	sqlite3_stmt *st;
	char now[32], date[11], key[64];
	size_t n = reason ? strlen(reason) : 0;
	int rc;

	/* A quality decision: for those who both read and submit this organisation's data
	 * (commissioners of it, its own staff), not administrators. */
	if (store_access(s, a, STORE_ACT_READ_DATA, org_id, err) ||
	    store_access(s, a, STORE_ACT_SUBMIT, org_id, err))
		return store_denied(err);
	if (n == 0 || n > 1000)
		return cu_err_set(err, CU_EINVAL, "a reason of %zu bytes: expected 1 to 1000 bytes "
				  "saying why the chart starts new limits", n);
	if (!period_start ||
	    model_date_parse(cu_str_of(period_start), MODEL_PF_ISO_DATE, date, err))
		return cu_err_set(err, CU_EINVAL, "the first period: expected a date YYYY-MM-DD");
	if (!(st = store_stmt(s, STORE_MOD_REBASE, sql, STMT__MAX, STMT_INSERT, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, indicator_id);
	sqlite3_bind_text(st, 3, date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, store_now(s, now), -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return cu_err_set(err, CU_EEXIST, "the chart already starts new limits at %s", date);
	if (rc != SQLITE_DONE)
		return store_dberr(s, "recording a rebasing", err);
	snprintf(key, sizeof key, "%lld/%lld/%s", (long long)org_id, (long long)indicator_id, date);
	return store_audit_write(s, a, "rebase", "chart", cu_str_of(key), reason, err);
}

int store_rebase_list(struct store *s, const struct cu_actor *a, int64_t org_id,
		      int64_t indicator_id, const char *as_of,
		      int (*cb)(void *arg, const struct store_rebase *r), void *arg,
		      struct cu_err *err)
{
	sqlite3_stmt *st;
	struct store_rebase r;
	char buf[32];
	int rc;

	if (store_access(s, a, STORE_ACT_READ_DATA, org_id, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_REBASE, sql, STMT__MAX,
			      indicator_id ? STMT_LIST : STMT_LIST_ALL, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, org_id);
	if (indicator_id)
		sqlite3_bind_int64(st, 2, indicator_id);
	sqlite3_bind_text(st, 3, store_as_of_bound(as_of, buf), -1, SQLITE_TRANSIENT);
	while ((rc = store_step(s, st, "reading rebasing", err)) == 1) {
		store_col_text(st, 0, r.period_start, sizeof r.period_start);
		store_col_text(st, 1, r.reason, sizeof r.reason);
		store_col_text(st, 2, r.actor, sizeof r.actor);
		store_col_text(st, 3, r.recorded_at, sizeof r.recorded_at);
		r.indicator_id = sqlite3_column_int64(st, 4);
		if (cb(arg, &r)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	return rc;
}
