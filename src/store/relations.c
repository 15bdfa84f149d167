/*
 * Relationships between organisations: which commissioners commission which providers (one of
 * them may be the coordinating commissioner) and which oversight bodies oversee which
 * commissioners. They decide who may read which provider's data (access.c). A relationship
 * is ended, never deleted, so the past stays answerable.
 */
#include "store/store_int.h"

#include <stdio.h>

enum {
	STMT_ORG_KIND,
	STMT_COMM_INSERT,
	STMT_OVER_INSERT,
	STMT_COMM_END,
	STMT_COMM_LIST,
	STMT_SEES_COMM,
	STMT_SEES_OVER,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	[STMT_ORG_KIND] = "SELECT id, kind FROM org WHERE code = ?",
	[STMT_COMM_INSERT] = "INSERT INTO commissioning (commissioner_id, provider_id, coordinating,"
			     " started_at) VALUES (?, ?, ?, ?)"
			     " ON CONFLICT (commissioner_id, provider_id) WHERE ended_at IS NULL"
			     " DO UPDATE SET coordinating = excluded.coordinating",
	[STMT_OVER_INSERT] = "INSERT INTO oversight (body_id, commissioner_id, started_at)"
			     " VALUES (?, ?, ?)"
			     " ON CONFLICT (body_id, commissioner_id) WHERE ended_at IS NULL DO NOTHING",
	[STMT_COMM_END] = "UPDATE commissioning SET ended_at = ?3"
			  " WHERE commissioner_id = ?1 AND provider_id = ?2 AND ended_at IS NULL",
	[STMT_COMM_LIST] = "SELECT c.code, c.name, p.code, p.name, r.coordinating, r.started_at"
			   " FROM commissioning r JOIN org c ON c.id = r.commissioner_id"
			   " JOIN org p ON p.id = r.provider_id WHERE r.ended_at IS NULL"
			   " ORDER BY c.name, p.name",
	/* Does commissioner ?1 commission provider ?2 now? */
	[STMT_SEES_COMM] = "SELECT 1 FROM commissioning WHERE commissioner_id = ?1"
			   " AND provider_id = ?2 AND ended_at IS NULL",
	/* Does oversight body ?1 oversee a commissioner of provider ?2 now? */
	[STMT_SEES_OVER] = "SELECT 1 FROM oversight v JOIN commissioning c"
			   " ON c.commissioner_id = v.commissioner_id AND c.ended_at IS NULL"
			   " WHERE v.body_id = ?1 AND c.provider_id = ?2 AND v.ended_at IS NULL",
};

/* The id and kind of the organisation with CODE; CU_ENOENT when there is none. */
static int org_kind(struct store *s, const char *code, int64_t *id, int *kind,
		    struct cu_err *err)
{
	sqlite3_stmt *st = store_stmt(s, STORE_MOD_RELATIONS, sql, STMT__MAX, STMT_ORG_KIND, err);
	int rc;

	if (!st)
		return CU_EDB;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		char k[16];

		*id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, k, sizeof k);
		*kind = model_org_kind_parse(k);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return cu_err_set(err, CU_ENOENT, "no organisation with code \"%.*s\"", CU_MAX_CODE,
				  code);
	return store_dberr(s, "reading an organisation", err);
}

/* Both codes name organisations of the kinds wanted; their ids. */
static int pair(struct store *s, const char *a_code, int a_kind, const char *b_code,
		int b_kind, int64_t *a_id, int64_t *b_id, struct cu_err *err)
{
	int ka = 0, kb = 0, rc;

	if ((rc = org_kind(s, a_code, a_id, &ka, err)) || (rc = org_kind(s, b_code, b_id, &kb, err)))
		return rc;
	if (ka != a_kind)
		return cu_err_set(err, CU_EINVAL, "\"%.*s\" is not a %s", CU_MAX_CODE, a_code,
				  model_org_kind_name(a_kind));
	if (kb != b_kind)
		return cu_err_set(err, CU_EINVAL, "\"%.*s\" is not a %s", CU_MAX_CODE, b_code,
				  model_org_kind_name(b_kind));
	return 0;
}

int store_commissioning_put(struct store *s, const struct cu_actor *a, const char *commissioner,
			    const char *provider, bool coordinating, struct cu_err *err)
{
	sqlite3_stmt *st;
	int64_t c, p;
	char now[32], key[2 * CU_MAX_CODE + 4];
	int rc;

	if (store_access(s, a, STORE_ACT_MANAGE_ORGS, 0, err))
		return store_denied(err);
	if ((rc = pair(s, commissioner, MODEL_ORG_COMMISSIONER, provider, MODEL_ORG_PROVIDER, &c, &p,
		       err)))
		return rc;
	if (!(st = store_stmt(s, STORE_MOD_RELATIONS, sql, STMT__MAX, STMT_COMM_INSERT, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, c);
	sqlite3_bind_int64(st, 2, p);
	sqlite3_bind_int(st, 3, coordinating);
	sqlite3_bind_text(st, 4, store_now(s, now), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_dberr(s, "recording a commissioning relationship", err);
	snprintf(key, sizeof key, "%s>%s", commissioner, provider);
	return store_audit_write(s, a, "put", "commissioning", cu_str_of(key),
				 coordinating ? "coordinating" : "", err);
}

int store_commissioning_end(struct store *s, const struct cu_actor *a, const char *commissioner,
			    const char *provider, struct cu_err *err)
{
	sqlite3_stmt *st;
	int64_t c, p;
	char now[32], key[2 * CU_MAX_CODE + 4];
	int rc;

	if (store_access(s, a, STORE_ACT_MANAGE_ORGS, 0, err))
		return store_denied(err);
	if ((rc = pair(s, commissioner, MODEL_ORG_COMMISSIONER, provider, MODEL_ORG_PROVIDER, &c, &p,
		       err)))
		return rc;
	if (!(st = store_stmt(s, STORE_MOD_RELATIONS, sql, STMT__MAX, STMT_COMM_END, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, c);
	sqlite3_bind_int64(st, 2, p);
	sqlite3_bind_text(st, 3, store_now(s, now), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_dberr(s, "ending a commissioning relationship", err);
	if (sqlite3_changes(s->db) == 0)
		return cu_err_set(err, CU_ENOENT, "%s does not commission %s", commissioner,
				  provider);
	snprintf(key, sizeof key, "%s>%s", commissioner, provider);
	return store_audit_write(s, a, "end", "commissioning", cu_str_of(key), "", err);
}

int store_oversight_put(struct store *s, const struct cu_actor *a, const char *body,
			const char *commissioner, struct cu_err *err)
{
	sqlite3_stmt *st;
	int64_t b, c;
	char now[32], key[2 * CU_MAX_CODE + 4];
	int rc;

	if (store_access(s, a, STORE_ACT_MANAGE_ORGS, 0, err))
		return store_denied(err);
	if ((rc = pair(s, body, MODEL_ORG_OVERSIGHT, commissioner, MODEL_ORG_COMMISSIONER, &b, &c,
		       err)))
		return rc;
	if (!(st = store_stmt(s, STORE_MOD_RELATIONS, sql, STMT__MAX, STMT_OVER_INSERT, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, b);
	sqlite3_bind_int64(st, 2, c);
	sqlite3_bind_text(st, 3, store_now(s, now), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_dberr(s, "recording an oversight relationship", err);
	snprintf(key, sizeof key, "%s>%s", body, commissioner);
	return store_audit_write(s, a, "put", "oversight", cu_str_of(key), "", err);
}

int store_commissioning_list(struct store *s, const struct cu_actor *a,
			     int (*cb)(void *arg, const struct store_relation *r), void *arg,
			     struct cu_err *err)
{
	sqlite3_stmt *st;
	struct store_relation r;
	int rc;

	if (store_access(s, a, STORE_ACT_MANAGE_ORGS, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_RELATIONS, sql, STMT__MAX, STMT_COMM_LIST, err)))
		return CU_EDB;
	while ((rc = store_step(s, st, "listing commissioning relationships", err)) == 1) {
		store_col_text(st, 0, r.from_code, sizeof r.from_code);
		store_col_text(st, 1, r.from_name, sizeof r.from_name);
		store_col_text(st, 2, r.to_code, sizeof r.to_code);
		store_col_text(st, 3, r.to_name, sizeof r.to_name);
		r.coordinating = sqlite3_column_int(st, 4) != 0;
		store_col_text(st, 5, r.started_at, sizeof r.started_at);
		if (cb(arg, &r)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	return rc;
}

int store_relation_sees(struct store *s, int64_t actor_org, bool oversight, int64_t provider,
			struct cu_err *err)
{
	sqlite3_stmt *st = store_stmt(s, STORE_MOD_RELATIONS, sql, STMT__MAX,
				      oversight ? STMT_SEES_OVER : STMT_SEES_COMM, err);
	int rc;

	if (!st)
		return CU_EDB;
	sqlite3_bind_int64(st, 1, actor_org);
	sqlite3_bind_int64(st, 2, provider);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_dberr(s, "checking a relationship", err);
}
