/* Organisations: providers, commissioners, regulators and oversight bodies, keyed by ODS code. */
#include "store/store_int.h"

#include <stdio.h>

enum { STMT_ID_BY_CODE, STMT_INSERT, STMT_UPDATE, STMT_GET, STMT_LIST, STMT__MAX };

#define ORG_COLS                                                                        \
	"o.id, o.code, o.name, o.kind, coalesce(p.code, ''), o.postcode, o.latitude,"  \
	" o.longitude, o.valid_from, o.valid_to"

static const char *const sql[STMT__MAX] = {
	[STMT_ID_BY_CODE] = "SELECT id FROM org WHERE code = ?",
	[STMT_INSERT] = "INSERT INTO org (code, name, kind, parent_id, postcode, latitude, longitude,"
			" valid_from, valid_to) VALUES (?1, ?2, ?3,"
			" (SELECT id FROM org WHERE code = ?4), ?5, ?6, ?7, ?8, ?9)",
	[STMT_UPDATE] = "UPDATE org SET name = ?2, kind = ?3,"
			" parent_id = (SELECT id FROM org WHERE code = ?4), postcode = ?5,"
			" latitude = ?6, longitude = ?7, valid_from = ?8, valid_to = ?9"
			" WHERE code = ?1 AND (name, kind, parent_id, postcode, latitude, longitude,"
			" valid_from, valid_to) IS NOT (?2, ?3, (SELECT id FROM org WHERE code = ?4),"
			" ?5, ?6, ?7, ?8, ?9)",
	[STMT_GET] = "SELECT " ORG_COLS " FROM org o LEFT JOIN org p ON p.id = o.parent_id"
		     " WHERE o.code = ?",
	[STMT_LIST] = "SELECT " ORG_COLS " FROM org o LEFT JOIN org p ON p.id = o.parent_id"
		      " ORDER BY o.name, o.code",
};

static int id_by_code(struct store *s, struct cu_str code, int64_t *id, struct cu_err *err)
{
	sqlite3_stmt *st = store_stmt(s, STORE_MOD_ORG, sql, STMT__MAX, STMT_ID_BY_CODE, err);
	int rc;

	if (!st)
		return CU_EDB;
	store_bind_str(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? CU_ENOENT : store_dberr(s, "finding an organisation", err);
}

static void read_row(sqlite3_stmt *st, struct store_org *o)
{
	char kind[16];

	o->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, o->code, sizeof o->code);
	store_col_text(st, 2, o->name, sizeof o->name);
	store_col_text(st, 3, kind, sizeof kind);
	o->kind = (enum model_org_kind)model_org_kind_parse(kind);
	store_col_text(st, 4, o->parent, sizeof o->parent);
	store_col_text(st, 5, o->postcode, sizeof o->postcode);
	o->has_location = sqlite3_column_type(st, 6) != SQLITE_NULL;
	o->latitude = sqlite3_column_double(st, 6);
	o->longitude = sqlite3_column_double(st, 7);
	store_col_text(st, 8, o->valid_from, sizeof o->valid_from);
	store_col_text(st, 9, o->valid_to, sizeof o->valid_to);
}

int store_org_put(struct store *s, const struct cu_actor *a, const struct store_org *o,
		  int64_t *id, struct cu_err *err)
{
	struct cu_str code = cu_str_of(o->code);
	sqlite3_stmt *st;
	int64_t existing = 0, pid;
	int rc;

	if (store_access(s, a, STORE_ACT_MANAGE_ORGS, 0, err))
		return store_denied(err);
	if (model_org_code_check(code, err))
		return CU_EINVAL;
	if (o->parent[0] && (rc = id_by_code(s, cu_str_of(o->parent), &pid, err)) != 0)
		return rc == CU_ENOENT ? cu_err_set(err, CU_ENOENT,
						    "unknown parent organisation \"%s\"", o->parent)
				       : rc;
	rc = id_by_code(s, code, &existing, err);
	if (rc && rc != CU_ENOENT)
		return rc;
	st = store_stmt(s, STORE_MOD_ORG, sql, STMT__MAX, rc == 0 ? STMT_UPDATE : STMT_INSERT, err);
	if (!st)
		return CU_EDB;
	store_bind_str(st, 1, code);
	sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, model_org_kind_name(o->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->parent, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->postcode, -1, SQLITE_STATIC);
	if (o->has_location) {
		sqlite3_bind_double(st, 6, o->latitude);
		sqlite3_bind_double(st, 7, o->longitude);
	}
	sqlite3_bind_text(st, 8, o->valid_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, o->valid_to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_dberr(s, "saving an organisation", err);
	if (rc == CU_ENOENT)
		existing = sqlite3_last_insert_rowid(s->db);
	if (id)
		*id = existing;
	if (sqlite3_changes(s->db) == 0)
		return 0; /* nothing changed: nothing to audit */
	return store_audit_write(s, a, rc == 0 ? "update" : "create", "org", code, o->name, err);
}

int store_org_ensure(struct store *s, const struct cu_actor *a, struct cu_str code, bool create,
		     int64_t *id, struct cu_err *err)
{
	struct store_org o = { 0 };
	int rc = id_by_code(s, code, id, err);

	if (rc != CU_ENOENT)
		return rc;
	if (!create) {
		char q[CU_MAX_SHOWN_VALUE * 4 + 8];

		return cu_err_set(err, CU_ENOENT, "unknown organisation \"%s\"",
				  cu_err_quote(code.p, code.n, q, sizeof q));
	}
	if (cu_str_copy(o.code, sizeof o.code, code) || cu_str_copy(o.name, sizeof o.name, code))
		return model_org_code_check(code, err);
	o.kind = MODEL_ORG_PROVIDER;
	/* Organisations first seen in data may be created by whoever may submit data. */
	if (store_access(s, a, STORE_ACT_SUBMIT, 0, err))
		return store_denied(err);
	{
		struct cu_actor sys = *a;

		sys.role = MODEL_ROLE_SYSTEM;
		return store_org_put(s, &sys, &o, id, err);
	}
}

int store_org_get(struct store *s, const struct cu_actor *a, const char *code,
		  struct store_org *out, struct cu_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_ORG, sql, STMT__MAX, STMT_GET, err)))
		return CU_EDB;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_row(st, out);
	sqlite3_reset(st);
	/* One the actor may not see is reported exactly as a missing one. */
	if (rc == SQLITE_ROW) {
		int vis = store_org_visible(s, a, out->id, err);

		if (vis < 0)
			return vis;
		if (vis)
			return 0;
		rc = SQLITE_DONE;
	}
	if (rc == SQLITE_DONE)
		return cu_err_set(err, CU_ENOENT, "no organisation with code \"%.*s\"", CU_MAX_CODE,
				  code);
	return store_dberr(s, "reading an organisation", err);
}

int store_org_list(struct store *s, const struct cu_actor *a,
		   int (*cb)(void *arg, const struct store_org *o), void *arg, struct cu_err *err)
{
	sqlite3_stmt *st;
	struct store_org o;
	int rc;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_ORG, sql, STMT__MAX, STMT_LIST, err)))
		return CU_EDB;
	while ((rc = store_step(s, st, "listing organisations", err)) == 1) {
		int vis;

		read_row(st, &o);
		if ((vis = store_org_visible(s, a, o.id, err)) < 0) {
			sqlite3_reset(st);
			return vis;
		}
		if (!vis)
			continue;
		if (cb(arg, &o)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	return rc;
}
