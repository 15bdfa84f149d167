/*
 * Internals shared by the store's modules. Each module keeps one statement table
 * (`static const char *const sql[STMT__MAX]`) and fetches prepared statements through
 * store_stmt, which prepares each once per connection and resets it for reuse.
 */
#ifndef CU_STORE_INT_H
#define CU_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

enum store_module {
	STORE_MOD_DB,
	STORE_MOD_ORG,
	STORE_MOD_CATALOGUE,
	STORE_MOD_IMPORT,
	STORE_MOD_OBS,
	STORE_MOD_AUDIT,
	STORE_MOD_RELATIONS,
	STORE_MOD_SPELLS,
	STORE_MOD_REBASE,
	STORE_MOD_USERS,
	STORE_MOD__MAX
};

/* Statements per module: an upper bound checked by assert when a module's table is used. */
#define STORE_MAX_STMTS 24

struct store {
	sqlite3 *db;
	char path[1024];
	int64_t (*now)(void *arg);
	void *now_arg;
	int in_txn;
	sqlite3_stmt *stmts[STORE_MOD__MAX][STORE_MAX_STMTS];
};

/*
 * The prepared statement number I of module M, whose SQL is TABLE[I] (N entries). Prepared on
 * first use, and reset with bindings cleared on every later fetch. NULL on failure, with ERR set.
 */
sqlite3_stmt *store_stmt(struct store *s, enum store_module m, const char *const *table, int n,
			 int i, struct cu_err *err);

/* Set ERR from the connection's last error, naming WHAT was being done. Returns CU_EDB. */
int store_dberr(struct store *s, const char *what, struct cu_err *err);

/*
 * Step ST once: 1 when a row is ready, 0 when the statement is done (it is then reset), or
 * CU_EDB with ERR naming WHAT (reset too). The one loop every reading function uses:
 *	while ((rc = store_step(s, st, "listing x", err)) == 1) ...
 * A caller that leaves the loop early resets the statement itself.
 */
int store_step(struct store *s, sqlite3_stmt *st, const char *what, struct cu_err *err);

/* Bind a view as text (SQLITE_TRANSIENT is not needed: views outlive the step). */
int store_bind_str(sqlite3_stmt *st, int i, struct cu_str v);
/* Copy column I as text into DST (size N), truncating; "" for NULL. */
void store_col_text(sqlite3_stmt *st, int i, char *dst, size_t n);

/*
 * The upper bound of a read "as known at AS_OF": NULL or "" is the end of time, a bare date
 * YYYY-MM-DD the end of that day (BUF holds it), anything else is used as given (obs.c).
 */
const char *store_as_of_bound(const char *as_of, char buf[32]);

/* Write one audit entry. */
int store_audit_write(struct store *s, const struct cu_actor *a, const char *action,
		      const char *entity, struct cu_str key, const char *detail,
		      struct cu_err *err);

/* The access decisions, in one place (access.c). */
enum store_action {
	STORE_ACT_READ_DATA,      /* read quality data of an organisation */
	STORE_ACT_SUBMIT,         /* append observations for an organisation */
	STORE_ACT_MANAGE_ORGS,    /* create or change organisations */
	STORE_ACT_MANAGE_CATALOGUE,
	STORE_ACT_READ_AUDIT,
	STORE_ACT__MAX
};
/*
 * 1 when organisation ACTOR_ORG (a commissioner; with OVERSIGHT, an oversight body) may see
 * PROVIDER through an open relationship, 0 when not, CU_EDB on failure (relations.c).
 */
int store_relation_sees(struct store *s, int64_t actor_org, bool oversight, int64_t provider,
			struct cu_err *err);

/*
 * Whether A may see organisation ORG_ID at all (its name, its page): those who manage
 * organisations see every one, others those whose data they may read. 1, 0 or CU_EDB.
 */
/* The status to return after store_access refused: CU_EDENIED, or CU_EDB when the decision
 * itself failed (a database error must not pass for "not yours to see"). */
static inline int store_denied(const struct cu_err *err)
{
	return err && err->code ? err->code : CU_EDENIED;
}

/* Whether A sees every import (1), or only those made by users of organisation *ORG_ID (0;
 * *ORG_ID 0: none). See access.c. */
int store_import_scope(const struct cu_actor *a, int64_t *org_id);
int store_org_visible(struct store *s, const struct cu_actor *a, int64_t org_id,
		      struct cu_err *err);

/* 0 when actor A may do ACT on organisation ORG_ID (0 for none), else CU_EDENIED with ERR. */
int store_access(struct store *s, const struct cu_actor *a, enum store_action act, int64_t org_id,
		 struct cu_err *err);

#endif
