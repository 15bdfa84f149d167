/* The audit trail: one row per write, with actor and time; append-only. */
#include "store/store_int.h"

enum { STMT_INSERT, STMT_LIST, STMT_LAST, STMT__MAX };

static const char *const sql[STMT__MAX] = {
	[STMT_INSERT] = "INSERT INTO audit (at, actor, action, entity, key, detail)"
			" VALUES (?, ?, ?, ?, ?, ?)",
	[STMT_LIST] = "SELECT id, at, actor, action, entity, key, detail FROM audit"
		      " ORDER BY id DESC LIMIT ?",
	[STMT_LAST] = "SELECT coalesce(max(id), 0) FROM audit",
};

int store_data_version(struct store *s, int64_t *version, struct cu_err *err)
{
	sqlite3_stmt *st = store_stmt(s, STORE_MOD_AUDIT, sql, STMT__MAX, STMT_LAST, err);
	int rc;

	if (!st)
		return CU_EDB;
	rc = store_step(s, st, "reading the data version", err);
	if (rc != 1)
		return rc < 0 ? rc : store_dberr(s, "reading the data version", err);
	*version = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int store_audit_write(struct store *s, const struct cu_actor *a, const char *action,
		      const char *entity, struct cu_str key, const char *detail,
		      struct cu_err *err)
{
	sqlite3_stmt *st = store_stmt(s, STORE_MOD_AUDIT, sql, STMT__MAX, STMT_INSERT, err);
	char now[32];

	if (!st)
		return CU_EDB;
	sqlite3_bind_text(st, 1, store_now(s, now), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, entity, -1, SQLITE_STATIC);
	store_bind_str(st, 5, key);
	sqlite3_bind_text(st, 6, detail ? detail : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_dberr(s, "writing the audit trail", err);
	return 0;
}

int store_audit_list(struct store *s, const struct cu_actor *a, int limit,
		     int (*cb)(void *arg, const struct store_audit *e), void *arg,
		     struct cu_err *err)
{
	sqlite3_stmt *st;
	struct store_audit e;
	int rc;

	if (store_access(s, a, STORE_ACT_READ_AUDIT, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_AUDIT, sql, STMT__MAX, STMT_LIST, err)))
		return CU_EDB;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	while ((rc = store_step(s, st, "reading the audit trail", err)) == 1) {
		e.id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, e.at, sizeof e.at);
		store_col_text(st, 2, e.actor, sizeof e.actor);
		store_col_text(st, 3, e.action, sizeof e.action);
		store_col_text(st, 4, e.entity, sizeof e.entity);
		store_col_text(st, 5, e.key, sizeof e.key);
		store_col_text(st, 6, e.detail, sizeof e.detail);
		if (cb(arg, &e)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	return rc;
}
