/*
 * Users, sessions and failed sign-ins: the SQL behind src/web/auth.c (see store.h).
 *
 * Users are not quality data: a user row may change (password, disabled flag), but every
 * change is written to the audit table with the actor and the time, in the same transaction.
 * Users are never deleted; a disabled user cannot sign in and loses its sessions.
 *
 * Sessions are keyed by the SHA-256 of their token (the token itself is never stored) and
 * their times are whole seconds since the epoch, passed in by the caller so tests can drive
 * the clock. Failed sign-ins are kept with their time so throttling works across connections,
 * threads and restarts; rows older than the throttle window are pruned on each insert.
 *
 * Statements: one table, prepared once per connection through store_stmt (STORE_MOD_USERS)
 * like every other module's, and reset when each call is done with it (users_done), so no
 * statement holds a read open between calls. Rows are read by store_step and read_user.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>

enum {
	STMT_ORG_BY_CODE,
	STMT_USER_INSERT,
	STMT_USER_GET,
	STMT_USER_LIST,
	STMT_USER_SET_HASH,
	STMT_USER_SET_DISABLED,
	STMT_SESSION_INSERT,
	STMT_SESSION_GET,
	STMT_SESSION_TOUCH,
	STMT_SESSION_DELETE,
	STMT_SESSION_DELETE_USER,
	STMT_SESSION_PRUNE,
	STMT_FAILURE_INSERT,
	STMT_FAILURE_PRUNE,
	STMT_FAILURE_COUNT,
	STMT_FAILURE_CLEAR,
	STMT__MAX
};

#define USER_COLS                                                                          \
	"u.id, u.username, u.display_name, u.role, coalesce(u.org_id, 0), coalesce(o.code, '')," \
	" u.created_at, u.disabled"

static const char *const sql[STMT__MAX] = {
	[STMT_ORG_BY_CODE] = "SELECT id, kind FROM org WHERE code = ?",
	[STMT_USER_INSERT] = "INSERT INTO app_user (username, display_name, role, org_id,"
			     " password_hash, created_at, disabled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)",
	[STMT_USER_GET] = "SELECT " USER_COLS ", u.password_hash FROM app_user u"
			  " LEFT JOIN org o ON o.id = u.org_id WHERE u.username = ?",
	[STMT_USER_LIST] = "SELECT " USER_COLS " FROM app_user u LEFT JOIN org o ON o.id = u.org_id"
			   " ORDER BY u.username",
	[STMT_USER_SET_HASH] = "UPDATE app_user SET password_hash = ?2 WHERE username = ?1",
	[STMT_USER_SET_DISABLED] = "UPDATE app_user SET disabled = ?2 WHERE username = ?1"
				   " AND disabled <> ?2",
	[STMT_SESSION_INSERT] = "INSERT INTO user_session (token_hash, user_id, csrf_secret,"
				" client_addr, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
	[STMT_SESSION_GET] = "SELECT s.id, s.created_at, s.last_seen_at, s.csrf_secret, " USER_COLS
			     " FROM user_session s JOIN app_user u ON u.id = s.user_id"
			     " LEFT JOIN org o ON o.id = u.org_id WHERE s.token_hash = ?",
	[STMT_SESSION_TOUCH] = "UPDATE user_session SET last_seen_at = ?2"
			       " WHERE id = ?1 AND last_seen_at < ?2",
	[STMT_SESSION_DELETE] = "DELETE FROM user_session WHERE id = ?",
	[STMT_SESSION_DELETE_USER] = "DELETE FROM user_session WHERE user_id = ?",
	[STMT_SESSION_PRUNE] = "DELETE FROM user_session WHERE last_seen_at <= ?1"
			       " OR created_at <= ?2",
	[STMT_FAILURE_INSERT] = "INSERT INTO signin_failure (account, client_addr, at)"
				" VALUES (?1, ?2, ?3)",
	[STMT_FAILURE_PRUNE] = "DELETE FROM signin_failure WHERE at <= ?",
	[STMT_FAILURE_COUNT] =
		"SELECT (SELECT count(*) FROM signin_failure WHERE account = ?1 AND ?1 <> ''"
		" AND at > ?3), (SELECT count(*) FROM signin_failure WHERE client_addr = ?2"
		" AND ?2 <> '' AND at > ?3)",
	[STMT_FAILURE_CLEAR] = "DELETE FROM signin_failure WHERE account = ?",
};

/* Statement I of the table, prepared once per connection; NULL with ERR set on failure. */
static sqlite3_stmt *users_stmt(struct store *s, int i, struct cu_err *err)
{
	return store_stmt(s, STORE_MOD_USERS, sql, STMT__MAX, i, err);
}

/* End a statement's use (reset it); returns RC so callers can write `return users_done(st, rc)`. */
static int users_done(sqlite3_stmt *st, int rc)
{
	sqlite3_reset(st);
	return rc;
}

/* Run ST to completion; 0, or CU_EDB with ERR naming WHAT. */
static int run(struct store *s, sqlite3_stmt *st, const char *what, struct cu_err *err)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_dberr(s, what, err);

	return users_done(st, rc);
}

/* Start a transaction unless the caller holds one; *MINE says whether we did. */
static int txn_begin(struct store *s, int *mine, struct cu_err *err)
{
	*mine = !s->in_txn;
	return *mine ? store_begin(s, err) : 0;
}

/* Commit our own transaction on RC == 0, roll it back otherwise. Returns the final status. */
static int txn_end(struct store *s, int mine, int rc, struct cu_err *err)
{
	if (!mine)
		return rc;
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

static int may_manage_users(struct store *s, const struct cu_actor *a, struct cu_err *err)
{
	/* Administrators manage users and organisations (model/actor.h): the same rule. */
	return store_access(s, a, STORE_ACT_MANAGE_ORGS, 0, err) ? CU_EDENIED : 0;
}

/* Sessions and failed sign-ins are touched only by the sign-in code, acting as the system. */
static int may_run_sign_in(const struct cu_actor *a, struct cu_err *err)
{
	if (a && a->role == MODEL_ROLE_SYSTEM)
		return 0;
	return cu_err_set(err, CU_EDENIED, "not allowed: only the sign-in service manages sessions");
}

static void read_user(sqlite3_stmt *st, int c, struct store_user *u)
{
	char role[32];

	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, c);
	store_col_text(st, c + 1, u->username, sizeof u->username);
	store_col_text(st, c + 2, u->display_name, sizeof u->display_name);
	store_col_text(st, c + 3, role, sizeof role);
	u->role = (enum model_role)model_role_parse(role);
	u->org_id = sqlite3_column_int64(st, c + 4);
	store_col_text(st, c + 5, u->org_code, sizeof u->org_code);
	store_col_text(st, c + 6, u->created_at, sizeof u->created_at);
	u->disabled = sqlite3_column_int(st, c + 7) != 0;
}

/* The organisation a user of ROLE belongs to, by CODE ("" for none): *ORG_ID, checked. */
static int user_org(struct store *s, enum model_role role, const char *code, int64_t *org_id,
		    struct cu_err *err)
{
	static const int kind_for_role[MODEL_ROLE__MAX] = {
		[MODEL_ROLE_SYSTEM] = -1,       [MODEL_ROLE_ADMIN] = -1,
		[MODEL_ROLE_COMMISSIONER] = MODEL_ORG_COMMISSIONER,
		[MODEL_ROLE_PROVIDER] = MODEL_ORG_PROVIDER,
		[MODEL_ROLE_REGULATOR] = MODEL_ORG_REGULATOR,
		[MODEL_ROLE_OVERSIGHT] = MODEL_ORG_OVERSIGHT,
		[MODEL_ROLE_PUBLIC] = -1,
	};
	bool needed = role == MODEL_ROLE_COMMISSIONER || role == MODEL_ROLE_PROVIDER ||
		      role == MODEL_ROLE_OVERSIGHT;
	sqlite3_stmt *st;
	char kind[16];
	int rc;

	*org_id = 0;
	if (!code || !*code) {
		if (needed)
			return cu_err_set(err, CU_EINVAL,
					  "a %s user needs an organisation: give its code",
					  model_role_name(role));
		return 0;
	}
	if (role == MODEL_ROLE_ADMIN)
		return cu_err_set(err, CU_EINVAL,
				  "an admin user belongs to no organisation: leave the code out");
	if (!(st = users_stmt(s, STMT_ORG_BY_CODE, err)))
		return CU_EDB;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if ((rc = store_step(s, st, "finding an organisation", err)) < 0)
		return rc;
	if (rc == 0) {
		char q[CU_MAX_SHOWN_VALUE * 4 + 8];

		return cu_err_set(err, CU_ENOENT, "unknown organisation \"%s\"",
				  cu_err_quote(code, strlen(code), q, sizeof q));
	}
	*org_id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, kind, sizeof kind);
	users_done(st, 0);
	if (model_org_kind_parse(kind) != kind_for_role[role])
		return cu_err_set(err, CU_EINVAL,
				  "organisation \"%.*s\" is a %s: a %s user needs a %s organisation",
				  CU_MAX_CODE, code, kind, model_role_name(role),
				  model_org_kind_name((enum model_org_kind)kind_for_role[role]));
	return 0;
}

int store_user_add(struct store *s, const struct cu_actor *a, const struct store_user *u,
		   const char *pwhash, int64_t *id, struct cu_err *err)
{
	sqlite3_stmt *st;
	int64_t org_id;
	char now[32];
	int rc, mine;

	if (may_manage_users(s, a, err))
		return CU_EDENIED;
	if ((unsigned)u->role >= MODEL_ROLE__MAX || u->role == MODEL_ROLE_SYSTEM ||
	    u->role == MODEL_ROLE_PUBLIC)
		return cu_err_set(err, CU_EINVAL, "a user's role must be admin, commissioner, "
						  "provider, regulator or oversight");
	if (txn_begin(s, &mine, err))
		return CU_EDB;
	if ((rc = user_org(s, u->role, u->org_code, &org_id, err)) != 0)
		return txn_end(s, mine, rc, err);
	if (!(st = users_stmt(s, STMT_USER_INSERT, err)))
		return txn_end(s, mine, CU_EDB, err);
	sqlite3_bind_text(st, 1, u->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, model_role_name(u->role), -1, SQLITE_STATIC);
	if (org_id)
		sqlite3_bind_int64(st, 4, org_id);
	sqlite3_bind_text(st, 5, pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, store_now(s, now), -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		users_done(st, 0);
		return txn_end(s, mine,
			       cu_err_set(err, CU_EEXIST, "user name \"%.*s\" is taken: choose another",
					  STORE_USERNAME_MAX, u->username),
			       err);
	}
	if (rc != SQLITE_DONE) {
		store_dberr(s, "adding a user", err);
		return txn_end(s, mine, users_done(st, CU_EDB), err);
	}
	users_done(st, 0);
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	rc = store_audit_write(s, a, "create", "user", cu_str_of(u->username), u->display_name,
			       err);
	return txn_end(s, mine, rc, err);
}

int store_user_get(struct store *s, const struct cu_actor *a, const char *username,
		   struct store_user *out, char *pwhash, size_t pwhash_n, struct cu_err *err)
{
	sqlite3_stmt *st;
	int rc;

	/* Administrators and the system read any user; a user reads itself. */
	if (!(a && strcmp(a->name, username) == 0) && may_manage_users(s, a, err))
		return CU_EDENIED;
	if (!(st = users_stmt(s, STMT_USER_GET, err)))
		return CU_EDB;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	if ((rc = store_step(s, st, "reading a user", err)) < 0)
		return rc;
	if (rc == 0)
		return cu_err_set(err, CU_ENOENT, "no user \"%.*s\"", STORE_USERNAME_MAX, username);
	read_user(st, 0, out);
	if (pwhash && pwhash_n)
		store_col_text(st, 8, pwhash, pwhash_n);
	return users_done(st, 0);
}

int store_user_list(struct store *s, const struct cu_actor *a,
		    int (*cb)(void *arg, const struct store_user *u), void *arg, struct cu_err *err)
{
	struct store_user u;
	sqlite3_stmt *st;
	int rc;

	if (may_manage_users(s, a, err))
		return CU_EDENIED;
	if (!(st = users_stmt(s, STMT_USER_LIST, err)))
		return CU_EDB;
	while ((rc = store_step(s, st, "listing users", err)) == 1) {
		read_user(st, 0, &u);
		if (cb(arg, &u))
			return users_done(st, 0);
	}
	return users_done(st, rc);
}

int store_user_set_password(struct store *s, const struct cu_actor *a, const char *username,
			    const char *pwhash, const char *why, struct cu_err *err)
{
	sqlite3_stmt *st;
	int rc, mine;

	if (may_manage_users(s, a, err))
		return CU_EDENIED;
	if (txn_begin(s, &mine, err))
		return CU_EDB;
	if (!(st = users_stmt(s, STMT_USER_SET_HASH, err)))
		return txn_end(s, mine, CU_EDB, err);
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pwhash, -1, SQLITE_STATIC);
	if ((rc = run(s, st, "changing a password", err)) != 0)
		return txn_end(s, mine, rc, err);
	if (sqlite3_changes(s->db) == 0)
		return txn_end(s, mine,
			       cu_err_set(err, CU_ENOENT, "no user \"%.*s\"", STORE_USERNAME_MAX,
					  username),
			       err);
	rc = store_audit_write(s, a, "password", "user", cu_str_of(username), why, err);
	return txn_end(s, mine, rc, err);
}

int store_user_set_disabled(struct store *s, const struct cu_actor *a, const char *username,
			    bool disabled, struct cu_err *err)
{
	struct store_user u;
	sqlite3_stmt *st;
	int rc, mine;

	if (may_manage_users(s, a, err))
		return CU_EDENIED;
	if (txn_begin(s, &mine, err))
		return CU_EDB;
	if ((rc = store_user_get(s, a, username, &u, NULL, 0, err)) != 0)
		return txn_end(s, mine, rc, err);
	if (!(st = users_stmt(s, STMT_USER_SET_DISABLED, err)))
		return txn_end(s, mine, CU_EDB, err);
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, disabled ? 1 : 0);
	if ((rc = run(s, st, "changing a user", err)) != 0 || sqlite3_changes(s->db) == 0)
		return txn_end(s, mine, rc, err); /* already so: nothing to audit */
	if (disabled) {
		/* A disabled user is signed out everywhere at once. */
		if (!(st = users_stmt(s, STMT_SESSION_DELETE_USER, err)))
			return txn_end(s, mine, CU_EDB, err);
		sqlite3_bind_int64(st, 1, u.id);
		if ((rc = run(s, st, "ending a user's sessions", err)) != 0)
			return txn_end(s, mine, rc, err);
	}
	rc = store_audit_write(s, a, disabled ? "disable" : "enable", "user", cu_str_of(username),
			       NULL, err);
	return txn_end(s, mine, rc, err);
}

/* ---- sessions ---- */

int store_session_add(struct store *s, const struct cu_actor *a, const struct store_user *u,
		      const unsigned char token_hash[STORE_TOKEN_HASH_BYTES],
		      const unsigned char csrf_secret[STORE_CSRF_SECRET_BYTES],
		      const char *client_addr, int64_t now, int64_t *id, struct cu_err *err)
{
	struct cu_actor who = { 0 };
	sqlite3_stmt *st;
	int rc;

	if (may_run_sign_in(a, err))
		return CU_EDENIED;
	if (!(st = users_stmt(s, STMT_SESSION_INSERT, err)))
		return CU_EDB;
	sqlite3_bind_blob(st, 1, token_hash, STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, u->id);
	sqlite3_bind_blob(st, 3, csrf_secret, STORE_CSRF_SECRET_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, client_addr ? client_addr : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	if ((rc = run(s, st, "starting a session", err)) != 0)
		return rc;
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	/* The audit names the user who signed in, not the service that checked the password. */
	snprintf(who.name, sizeof who.name, "%s", u->username);
	who.role = u->role;
	who.org_id = u->org_id;
	return store_audit_write(s, &who, "sign-in", "user", cu_str_of(u->username), client_addr,
				 err);
}

int store_session_get(struct store *s, const struct cu_actor *a,
		      const unsigned char token_hash[STORE_TOKEN_HASH_BYTES],
		      struct store_session *out, struct cu_err *err)
{
	const void *secret;
	sqlite3_stmt *st;
	int rc;

	if (may_run_sign_in(a, err))
		return CU_EDENIED;
	if (!(st = users_stmt(s, STMT_SESSION_GET, err)))
		return CU_EDB;
	sqlite3_bind_blob(st, 1, token_hash, STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
	if ((rc = store_step(s, st, "reading a session", err)) < 0)
		return rc;
	if (rc == 0)
		return cu_err_set(err, CU_ENOENT, "no such session");
	secret = sqlite3_column_blob(st, 3);
	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(st, 0);
	out->created_at = sqlite3_column_int64(st, 1);
	out->last_seen_at = sqlite3_column_int64(st, 2);
	if (!secret || sqlite3_column_bytes(st, 3) != STORE_CSRF_SECRET_BYTES)
		return users_done(st, cu_err_set(err, CU_EDB, "a session's form secret is damaged"));
	memcpy(out->csrf_secret, secret, STORE_CSRF_SECRET_BYTES);
	read_user(st, 4, &out->user);
	return users_done(st, 0);
}

int store_session_touch(struct store *s, const struct cu_actor *a, int64_t id, int64_t now,
			struct cu_err *err)
{
	sqlite3_stmt *st;

	if (may_run_sign_in(a, err))
		return CU_EDENIED;
	if (!(st = users_stmt(s, STMT_SESSION_TOUCH, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	return run(s, st, "recording a session's use", err);
}

int store_session_end(struct store *s, const struct cu_actor *a, const struct store_session *ss,
		      const char *why, struct cu_err *err)
{
	sqlite3_stmt *st;
	struct cu_actor who = { 0 };
	int rc, mine;

	if (may_run_sign_in(a, err))
		return CU_EDENIED;
	if (txn_begin(s, &mine, err))
		return CU_EDB;
	if (!(st = users_stmt(s, STMT_SESSION_DELETE, err)))
		return txn_end(s, mine, CU_EDB, err);
	sqlite3_bind_int64(st, 1, ss->id);
	if ((rc = run(s, st, "ending a session", err)) != 0 || !why ||
	    sqlite3_changes(s->db) == 0)
		return txn_end(s, mine, rc, err);
	snprintf(who.name, sizeof who.name, "%s", ss->user.username);
	who.role = ss->user.role;
	who.org_id = ss->user.org_id;
	rc = store_audit_write(s, &who, why, "user", cu_str_of(ss->user.username), NULL, err);
	return txn_end(s, mine, rc, err);
}

int store_session_prune(struct store *s, const struct cu_actor *a, int64_t idle_before,
			int64_t created_before, struct cu_err *err)
{
	sqlite3_stmt *st;

	if (may_run_sign_in(a, err))
		return CU_EDENIED;
	if (!(st = users_stmt(s, STMT_SESSION_PRUNE, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, idle_before);
	sqlite3_bind_int64(st, 2, created_before);
	return run(s, st, "removing expired sessions", err);
}

/* ---- failed sign-ins ---- */

int store_signin_failure_add(struct store *s, const struct cu_actor *a, const char *account,
			     const char *client_addr, int64_t now, int64_t forget_before,
			     struct cu_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (may_run_sign_in(a, err))
		return CU_EDENIED;
	if (!(st = users_stmt(s, STMT_FAILURE_PRUNE, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, forget_before);
	if ((rc = run(s, st, "forgetting old failed sign-ins", err)) != 0)
		return rc;
	if (!(st = users_stmt(s, STMT_FAILURE_INSERT, err)))
		return CU_EDB;
	sqlite3_bind_text(st, 1, account ? account : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, client_addr ? client_addr : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	return run(s, st, "recording a failed sign-in", err);
}

int store_signin_failure_count(struct store *s, const struct cu_actor *a, const char *account,
			       const char *client_addr, int64_t since, int64_t *by_account,
			       int64_t *by_addr, struct cu_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (may_run_sign_in(a, err))
		return CU_EDENIED;
	if (!(st = users_stmt(s, STMT_FAILURE_COUNT, err)))
		return CU_EDB;
	sqlite3_bind_text(st, 1, account ? account : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, client_addr ? client_addr : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, since);
	if ((rc = store_step(s, st, "counting failed sign-ins", err)) != 1)
		return rc < 0 ? rc : cu_err_set(err, CU_EDB, "counting failed sign-ins: no answer");
	*by_account = sqlite3_column_int64(st, 0);
	*by_addr = sqlite3_column_int64(st, 1);
	return users_done(st, 0);
}

int store_signin_failure_clear(struct store *s, const struct cu_actor *a, const char *account,
			       struct cu_err *err)
{
	sqlite3_stmt *st;

	if (may_run_sign_in(a, err))
		return CU_EDENIED;
	if (!(st = users_stmt(s, STMT_FAILURE_CLEAR, err)))
		return CU_EDB;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	return run(s, st, "clearing failed sign-ins", err);
}
