/* The catalogue: services and the indicators that belong to them. */
#include "store/store_int.h"

enum {
	STMT_SVC_UPSERT,
	STMT_SVC_LIST,
	STMT_IND_UPSERT,
	STMT_IND_GET,
	STMT_IND_LIST,
	STMT__MAX
};

#define IND_COLS                                                                            \
	"i.id, i.code, i.title, s.code, i.domain, i.measure, i.unit, i.polarity, i.multiplier," \
	" i.target, i.definition, i.source"

static const char *const sql[STMT__MAX] = {
	[STMT_SVC_UPSERT] = "INSERT INTO service (code, name) VALUES (?1, ?2)"
			    " ON CONFLICT (code) DO UPDATE SET name = excluded.name"
			    " WHERE name IS NOT excluded.name",
	[STMT_SVC_LIST] = "SELECT id, code, name FROM service ORDER BY name",
	[STMT_IND_UPSERT] =
		"INSERT INTO indicator (code, title, service_id, domain, measure, unit, polarity,"
		" multiplier, target, definition, source)"
		" VALUES (?1, ?2, (SELECT id FROM service WHERE code = ?3), ?4, ?5, ?6, ?7, ?8, ?9,"
		" ?10, ?11)"
		" ON CONFLICT (code) DO UPDATE SET title = excluded.title,"
		" service_id = excluded.service_id, domain = excluded.domain,"
		" measure = excluded.measure, unit = excluded.unit, polarity = excluded.polarity,"
		" multiplier = excluded.multiplier, target = excluded.target,"
		" definition = excluded.definition, source = excluded.source"
		/* Only a real change counts: reloading the same catalogue writes nothing. */
		" WHERE (title, service_id, domain, measure, unit, polarity, multiplier, target,"
		" definition, source) IS NOT (excluded.title, excluded.service_id, excluded.domain,"
		" excluded.measure, excluded.unit, excluded.polarity, excluded.multiplier,"
		" excluded.target, excluded.definition, excluded.source)",
	[STMT_IND_GET] = "SELECT " IND_COLS " FROM indicator i JOIN service s ON s.id = i.service_id"
			 " WHERE i.code = ?",
	[STMT_IND_LIST] = "SELECT " IND_COLS " FROM indicator i"
			  " JOIN service s ON s.id = i.service_id ORDER BY s.name, i.code",
};

int store_service_put(struct store *s, const struct cu_actor *a, const struct store_service *v,
		      struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_MANAGE_CATALOGUE, 0, err))
		return store_denied(err);
	if (model_code_check(cu_str_of(v->code), "service", err))
		return CU_EINVAL;
	if (!(st = store_stmt(s, STORE_MOD_CATALOGUE, sql, STMT__MAX, STMT_SVC_UPSERT, err)))
		return CU_EDB;
	sqlite3_bind_text(st, 1, v->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_dberr(s, "saving a service", err);
	if (sqlite3_changes(s->db) == 0)
		return 0;
	return store_audit_write(s, a, "put", "service", cu_str_of(v->code), v->name, err);
}

int store_indicator_put(struct store *s, const struct cu_actor *a,
			const struct store_indicator *v, struct cu_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (store_access(s, a, STORE_ACT_MANAGE_CATALOGUE, 0, err))
		return store_denied(err);
	if (model_code_check(cu_str_of(v->code), "indicator", err))
		return CU_EINVAL;
	if (!(st = store_stmt(s, STORE_MOD_CATALOGUE, sql, STMT__MAX, STMT_IND_UPSERT, err)))
		return CU_EDB;
	sqlite3_bind_text(st, 1, v->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, model_domain_name(v->domain), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, model_measure_name(v->measure), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, v->unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, model_polarity_name(v->polarity), -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 8, v->multiplier);
	if (v->has_target)
		sqlite3_bind_double(st, 9, v->target);
	sqlite3_bind_text(st, 10, v->definition, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, v->source, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_NOTNULL)
		return cu_err_set(err, CU_ENOENT, "indicator \"%s\" names unknown service \"%s\"",
				  v->code, v->service);
	if (rc != SQLITE_DONE)
		return store_dberr(s, "saving an indicator", err);
	if (sqlite3_changes(s->db) == 0)
		return 0;
	return store_audit_write(s, a, "put", "indicator", cu_str_of(v->code), v->title, err);
}

static void read_ind(sqlite3_stmt *st, struct store_indicator *v)
{
	char t[32];

	v->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, v->code, sizeof v->code);
	store_col_text(st, 2, v->title, sizeof v->title);
	store_col_text(st, 3, v->service, sizeof v->service);
	store_col_text(st, 4, t, sizeof t);
	v->domain = (enum model_domain)model_domain_parse(t);
	store_col_text(st, 5, t, sizeof t);
	v->measure = (enum model_measure)model_measure_parse(t);
	store_col_text(st, 6, v->unit, sizeof v->unit);
	store_col_text(st, 7, t, sizeof t);
	v->polarity = (enum model_polarity)model_polarity_parse(t);
	v->multiplier = sqlite3_column_double(st, 8);
	v->has_target = sqlite3_column_type(st, 9) != SQLITE_NULL;
	v->target = sqlite3_column_double(st, 9);
	store_col_text(st, 10, v->definition, sizeof v->definition);
	store_col_text(st, 11, v->source, sizeof v->source);
}

int store_indicator_get(struct store *s, const struct cu_actor *a, struct cu_str code,
			struct store_indicator *out, struct cu_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_CATALOGUE, sql, STMT__MAX, STMT_IND_GET, err)))
		return CU_EDB;
	store_bind_str(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_ind(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE) {
		char q[CU_MAX_SHOWN_VALUE * 4 + 8];

		return cu_err_set(err, CU_ENOENT,
				  "unknown indicator \"%s\": expected a code from the catalogue "
				  "(custodian indicators lists them)",
				  cu_err_quote(code.p, code.n, q, sizeof q));
	}
	return store_dberr(s, "reading an indicator", err);
}

int store_indicator_list(struct store *s, const struct cu_actor *a,
			 int (*cb)(void *arg, const struct store_indicator *v), void *arg,
			 struct cu_err *err)
{
	sqlite3_stmt *st;
	struct store_indicator v;
	int rc;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_CATALOGUE, sql, STMT__MAX, STMT_IND_LIST, err)))
		return CU_EDB;
	while ((rc = store_step(s, st, "listing indicators", err)) == 1) {
		read_ind(st, &v);
		if (cb(arg, &v)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	return rc;
}

int store_service_list(struct store *s, const struct cu_actor *a,
		       int (*cb)(void *arg, const struct store_service *v), void *arg,
		       struct cu_err *err)
{
	sqlite3_stmt *st;
	struct store_service v;
	int rc;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_CATALOGUE, sql, STMT__MAX, STMT_SVC_LIST, err)))
		return CU_EDB;
	while ((rc = store_step(s, st, "listing services", err)) == 1) {
		v.id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, v.code, sizeof v.code);
		store_col_text(st, 2, v.name, sizeof v.name);
		if (cb(arg, &v)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	return rc;
}
