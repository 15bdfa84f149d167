/* Import records: one row per file that landed, written last inside the import's transaction. */
#include "store/store_int.h"

#include <stdio.h>

enum { STMT_NEXT_ID, STMT_FIND_SHA, STMT_INSERT, STMT_LIST, STMT_LIST_ORG, STMT__MAX };

#define IMP_COLS                                                                         \
	"id, file_name, sha256, profile, actor, started_at, finished_at, rows_read,"    \
	" rows_accepted, observations"

static const char *const sql[STMT__MAX] = {
	[STMT_NEXT_ID] = "SELECT coalesce(max(id), 0) + 1 FROM import",
	[STMT_FIND_SHA] = "SELECT " IMP_COLS " FROM import WHERE sha256 = ?",
	[STMT_INSERT] = "INSERT INTO import (" IMP_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_LIST] = "SELECT " IMP_COLS " FROM import ORDER BY id DESC LIMIT ?1",
	/* The imports made by the users of one organisation. */
	[STMT_LIST_ORG] = "SELECT " IMP_COLS " FROM import WHERE actor IN"
			  " (SELECT username FROM app_user WHERE org_id = ?2)"
			  " ORDER BY id DESC LIMIT ?1",
};

static void read_row(sqlite3_stmt *st, struct store_import *r)
{
	r->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, r->file_name, sizeof r->file_name);
	store_col_text(st, 2, r->sha256, sizeof r->sha256);
	store_col_text(st, 3, r->profile, sizeof r->profile);
	store_col_text(st, 4, r->actor, sizeof r->actor);
	store_col_text(st, 5, r->started_at, sizeof r->started_at);
	store_col_text(st, 6, r->finished_at, sizeof r->finished_at);
	r->rows_read = sqlite3_column_int64(st, 7);
	r->rows_accepted = sqlite3_column_int64(st, 8);
	r->observations = sqlite3_column_int64(st, 9);
}

int store_import_next_id(struct store *s, int64_t *id, struct cu_err *err)
{
	sqlite3_stmt *st = store_stmt(s, STORE_MOD_IMPORT, sql, STMT__MAX, STMT_NEXT_ID, err);

	if (!st)
		return CU_EDB;
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_dberr(s, "numbering an import", err);
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int store_import_find_sha(struct store *s, const struct cu_actor *a, const char *sha256,
			  struct store_import *out, struct cu_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_IMPORT, sql, STMT__MAX, STMT_FIND_SHA, err)))
		return CU_EDB;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_row(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? CU_ENOENT : store_dberr(s, "finding an import", err);
}

int store_import_record(struct store *s, const struct cu_actor *a, const struct store_import *r,
			struct cu_err *err)
{
	struct store_import prev;
	sqlite3_stmt *st;
	char detail[CU_MAX_NAME + 64];

	if (store_import_find_sha(s, a, r->sha256, &prev, err) == 0)
		return cu_err_set(err, CU_EEXIST,
				  "this file was imported before: import %lld of \"%s\" at %s by %s "
				  "(same SHA-256)",
				  (long long)prev.id, prev.file_name, prev.started_at, prev.actor);
	if (err && err->code)
		return err->code;
	if (!(st = store_stmt(s, STORE_MOD_IMPORT, sql, STMT__MAX, STMT_INSERT, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, r->file_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->started_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->finished_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, r->rows_read);
	sqlite3_bind_int64(st, 9, r->rows_accepted);
	sqlite3_bind_int64(st, 10, r->observations);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_dberr(s, "recording an import", err);
	snprintf(detail, sizeof detail, "%s: %lld observations", r->file_name,
		 (long long)r->observations);
	return store_audit_write(s, a, "import", "import", cu_str_of(r->sha256), detail, err);
}

int store_import_list(struct store *s, const struct cu_actor *a, int limit,
		      int (*cb)(void *arg, const struct store_import *r), void *arg,
		      struct cu_err *err)
{
	sqlite3_stmt *st;
	struct store_import r;
	int64_t org_id;
	int rc, all;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	all = store_import_scope(a, &org_id);
	if (!(st = store_stmt(s, STORE_MOD_IMPORT, sql, STMT__MAX, all ? STMT_LIST : STMT_LIST_ORG,
			      err)))
		return CU_EDB;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	if (!all)
		sqlite3_bind_int64(st, 2, org_id);
	while ((rc = store_step(s, st, "listing imports", err)) == 1) {
		read_row(st, &r);
		if (cb(arg, &r)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	return rc;
}
