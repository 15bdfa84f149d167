/*
 * Sign-in and sessions against a real SQLite file: users and their audit, hashes and tokens
 * as stored, idle and absolute expiry on an injected clock, sign-out and replay, throttling
 * per account and per address, unknown users indistinguishable from wrong passwords, form
 * tokens across lookups, duplicates and SQL metacharacters, rehashing, and `custodian user`
 * end to end through the built binary.
 */
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support/proc.h"
#include "test.h"
#include "web/auth.h"

static char dir[] = "/tmp/cu-auth-XXXXXX";
static const struct cu_actor sys = { .name = "test", .role = MODEL_ROLE_SYSTEM };
static struct auth *au; /* default settings, shared by the tests */

#define T0 1700000000LL /* the injected clock's start: 2023-11-14 */
#define PW "violet kettle harbour"

static const char *path_of(const char *name)
{
	static char p[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

/* A fresh database holding a commissioner (CCG1) and a provider (RX1). */
static struct store *fresh(const char *name)
{
	struct store_org c = { .code = "CCG1", .name = "A commissioner",
			       .kind = MODEL_ORG_COMMISSIONER };
	struct store_org p = { .code = "RX1", .name = "A trust", .kind = MODEL_ORG_PROVIDER };
	struct store *s = NULL;
	struct cu_err err;

	cu_err_clear(&err);
	remove(path_of(name));
	if (store_open(path_of(name), STORE_OPEN_CREATE, &s, &err) ||
	    store_org_put(s, &sys, &c, NULL, &err) || store_org_put(s, &sys, &p, NULL, &err)) {
		fprintf(stderr, "fresh: %s\n", err.msg);
		abort();
	}
	return s;
}

static int add(struct store *s, const char *user, enum model_role role, const char *org,
	       struct cu_err *err)
{
	cu_err_clear(err);
	return auth_user_add(au, s, &sys, user, NULL, role, org, PW, NULL, err);
}

static enum auth_status sign_in(struct store *s, const char *user, const char *pw,
				const char *addr, int64_t now, char token[AUTH_TOKEN_LEN])
{
	struct cu_err err;
	enum auth_status st;

	cu_err_clear(&err);
	st = auth_sign_in(au, s, user, pw, addr, now, token, NULL, &err);
	if (st == AUTH_ERROR)
		fprintf(stderr, "sign-in: %s\n", err.msg);
	return st;
}

static enum auth_status lookup(struct store *s, const char *token, int64_t now)
{
	struct auth_session ss;
	struct cu_err err;
	enum auth_status st;

	cu_err_clear(&err);
	st = auth_session_lookup(au, s, token, now, &ss, &err);
	auth_session_clear(&ss);
	return st;
}

/* One value from the raw database (a test's view behind the store's back). */
static long long raw_count(const char *db, const char *sql)
{
	sqlite3 *raw;
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_open(db, &raw) != SQLITE_OK)
		abort();
	if (sqlite3_prepare_v2(raw, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(raw);
	return n;
}

struct audit_find {
	const char *action, *key;
	char actor[64];
	int n;
};

static int find_audit(void *arg, const struct store_audit *e)
{
	struct audit_find *f = arg;

	if (strcmp(e->action, f->action) == 0 && strcmp(e->key, f->key) == 0) {
		if (!f->n)
			snprintf(f->actor, sizeof f->actor, "%s", e->actor);
		f->n++;
	}
	return 0;
}

static int audit_count(struct store *s, const char *action, const char *key, char *actor)
{
	struct audit_find f = { .action = action, .key = key };
	struct cu_err err;

	cu_err_clear(&err);
	store_audit_list(s, &sys, 0, find_audit, &f, &err);
	if (actor)
		snprintf(actor, 64, "%s", f.actor);
	return f.n;
}

static void user_add_stores_an_argon2id_hash_and_audits(void)
{
	struct store *s = fresh("add.db");
	struct store_user u;
	char hash[STORE_PWHASH_MAX], actor[64];
	struct cu_err err;

	CHECK_INT(add(s, "Alice.Smith", MODEL_ROLE_COMMISSIONER, "CCG1", &err), 0);
	CHECK_INT(store_user_get(s, &sys, "alice.smith", &u, hash, sizeof hash, &err), 0);
	CHECK_STR(u.username, "alice.smith");
	CHECK_STR(u.display_name, "alice.smith");
	CHECK_INT(u.role, MODEL_ROLE_COMMISSIONER);
	CHECK_STR(u.org_code, "CCG1");
	CHECK(!u.disabled);
	CHECK(u.created_at[0] != '\0');
	CHECK(strncmp(hash, "$argon2id$", 10) == 0);
	CHECK(strstr(hash, PW) == NULL);
	CHECK_INT(raw_count(path_of("add.db"), "SELECT count(*) FROM app_user WHERE"
					       " password_hash LIKE '$argon2id$%'"), 1);
	CHECK_INT(audit_count(s, "create", "alice.smith", actor), 1);
	CHECK_STR(actor, "test");
	store_close(s);
}

static void user_add_checks_role_and_organisation(void)
{
	struct store *s = fresh("roles.db");
	struct cu_actor provider = { .name = "pat", .role = MODEL_ROLE_PROVIDER, .org_id = 2 };
	struct cu_err err;

	CHECK_INT(add(s, "carl", MODEL_ROLE_COMMISSIONER, NULL, &err), CU_EINVAL);
	CHECK_CONTAINS(err.msg, "a commissioner user needs an organisation");
	CHECK_INT(add(s, "carl", MODEL_ROLE_PROVIDER, "CCG1", &err), CU_EINVAL);
	CHECK_CONTAINS(err.msg, "is a commissioner: a provider user needs a provider organisation");
	CHECK_INT(add(s, "carl", MODEL_ROLE_PROVIDER, "NOPE", &err), CU_ENOENT);
	CHECK_INT(add(s, "carl", MODEL_ROLE_ADMIN, "RX1", &err), CU_EINVAL);
	CHECK_INT(add(s, "carl", MODEL_ROLE_SYSTEM, NULL, &err), CU_EINVAL);
	CHECK_INT(add(s, "carl", MODEL_ROLE_REGULATOR, NULL, &err), 0);
	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	cu_err_clear(&err);
	CHECK_INT(auth_user_add(au, s, &provider, "other", NULL, MODEL_ROLE_PROVIDER, "RX1", PW,
				NULL, &err),
		  CU_EDENIED);
	CHECK_INT(raw_count(path_of("roles.db"), "SELECT count(*) FROM app_user"), 2);
	store_close(s);
}

static void duplicate_user_name_refused_and_nothing_written(void)
{
	struct store *s = fresh("dup.db");
	char before[65], after[65];
	struct cu_err err;

	CHECK_INT(add(s, "alice", MODEL_ROLE_ADMIN, NULL, &err), 0);
	CHECK_INT(store_digest(s, before, &err), 0);
	CHECK_INT(add(s, "ALICE", MODEL_ROLE_REGULATOR, NULL, &err), CU_EEXIST);
	CHECK_STR(err.msg, "user name \"alice\" is taken: choose another");
	CHECK_INT(store_digest(s, after, &err), 0);
	CHECK_STR(after, before);
	store_close(s);
}

static void sql_metacharacters_are_stored_as_text(void)
{
	static const char *display = "Robert'); DROP TABLE app_user;-- \"x\" %_\\";
	struct store *s = fresh("meta.db");
	char token[AUTH_TOKEN_LEN];
	struct store_user u;
	struct cu_err err;

	cu_err_clear(&err);
	CHECK_INT(auth_user_add(au, s, &sys, "bobby", display, MODEL_ROLE_ADMIN, NULL, PW, NULL,
				&err),
		  0);
	CHECK_INT(store_user_get(s, &sys, "bobby", &u, NULL, 0, &err), 0);
	CHECK_STR(u.display_name, display);
	/* Metacharacters in a user name are refused at the door, and at sign-in find nobody. */
	CHECK_INT(add(s, "x' OR '1'='1", MODEL_ROLE_ADMIN, NULL, &err), CU_EINVAL);
	CHECK_INT(add(s, "carol", MODEL_ROLE_PROVIDER, "RX1' OR '1'='1", &err), CU_ENOENT);
	CHECK_INT(sign_in(s, "' OR 1=1 --", PW, "10.1.1.1", T0, token), AUTH_BAD_CREDENTIALS);
	CHECK_INT(sign_in(s, "bobby' --", PW, "10.1.1.1", T0, token), AUTH_BAD_CREDENTIALS);
	CHECK_STR(token, "");
	CHECK_INT(raw_count(path_of("meta.db"), "SELECT count(*) FROM app_user"), 1);
	store_close(s);
}

static void sign_in_gives_a_session_and_wrong_password_is_refused(void)
{
	struct store *s = fresh("signin.db");
	struct auth_session ss, again;
	char token[AUTH_TOKEN_LEN], actor[64];
	struct cu_err err;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	CHECK_INT(sign_in(s, "pete", "violet kettle harbouR", "10.0.0.1", T0, token),
		  AUTH_BAD_CREDENTIALS);
	CHECK_STR(token, "");
	cu_err_clear(&err);
	CHECK_INT(auth_sign_in(au, s, "PETE", PW, "10.0.0.1", T0, token, &ss, &err), AUTH_OK);
	CHECK_INT(strlen(token), 43);
	CHECK_STR(ss.user.username, "pete");
	CHECK_STR(ss.actor.name, "pete");
	CHECK_INT(ss.actor.role, MODEL_ROLE_PROVIDER);
	CHECK(ss.actor.org_id != 0);
	CHECK_INT(ss.created_at, T0);
	CHECK_INT(auth_session_lookup(au, s, token, T0 + 5, &again, &err), AUTH_OK);
	CHECK_INT(again.id, ss.id);
	CHECK_STR(again.user.org_code, "RX1");
	CHECK_INT(audit_count(s, "sign-in", "pete", actor), 1);
	CHECK_STR(actor, "pete");
	/* Malformed tokens find nothing. */
	CHECK_INT(lookup(s, "", T0), AUTH_NO_SESSION);
	CHECK_INT(lookup(s, NULL, T0), AUTH_NO_SESSION);
	CHECK_INT(lookup(s, "not-a-token", T0), AUTH_NO_SESSION);
	auth_session_clear(&ss);
	auth_session_clear(&again);
	store_close(s);
}

static void session_token_is_stored_only_as_its_hash(void)
{
	struct store *s = fresh("hash.db");
	unsigned char raw[32], want[32];
	char token[AUTH_TOKEN_LEN];
	size_t len = 0;
	sqlite3 *db;
	sqlite3_stmt *st;
	struct cu_err err;
	int rows = 0;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", T0, token), AUTH_OK);
	CHECK_INT(sodium_base642bin(raw, sizeof raw, token, strlen(token), NULL, &len, NULL,
				    sodium_base64_VARIANT_URLSAFE_NO_PADDING),
		  0);
	CHECK_INT(len, 32);
	crypto_hash_sha256(want, raw, sizeof raw);
	CHECK_INT(sqlite3_open(path_of("hash.db"), &db), SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT * FROM user_session", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const void *v = sqlite3_column_blob(st, c);
			int n = sqlite3_column_bytes(st, c);

			/* Neither the token nor its bytes are anywhere in the row. */
			CHECK(!(n == 32 && memcmp(v, raw, 32) == 0));
			CHECK(!(n == 43 && memcmp(v, token, 43) == 0));
			if (strcmp(sqlite3_column_name(st, c), "token_hash") == 0) {
				CHECK_INT(n, 32);
				CHECK(n == 32 && memcmp(v, want, 32) == 0);
			}
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	CHECK_INT(rows, 1);
	store_close(s);
}

static void every_sign_in_gets_a_new_token(void)
{
	struct store *s = fresh("new.db");
	char t1[AUTH_TOKEN_LEN], t2[AUTH_TOKEN_LEN];
	struct cu_err err;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", T0, t1), AUTH_OK);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", T0 + 1, t2), AUTH_OK);
	CHECK(strcmp(t1, t2) != 0);
	CHECK_INT(raw_count(path_of("new.db"), "SELECT count(DISTINCT token_hash) FROM user_session"),
		  2);
	store_close(s);
}

static void idle_session_expires_after_thirty_minutes(void)
{
	struct store *s = fresh("idle.db");
	char token[AUTH_TOKEN_LEN];
	struct cu_err err;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", T0, token), AUTH_OK);
	CHECK_INT(lookup(s, token, T0 + 1799), AUTH_OK);        /* use renews */
	CHECK_INT(lookup(s, token, T0 + 1799 + 1799), AUTH_OK);
	CHECK_INT(lookup(s, token, T0 + 1799 + 1799 + 1800), AUTH_EXPIRED);
	CHECK_INT(lookup(s, token, T0 + 1799 + 1799 + 1801), AUTH_NO_SESSION); /* deleted */
	CHECK_INT(raw_count(path_of("idle.db"), "SELECT count(*) FROM user_session"), 0);
	store_close(s);
}

static void session_expires_after_twelve_hours_however_busy(void)
{
	struct store *s = fresh("abs.db");
	char token[AUTH_TOKEN_LEN];
	struct cu_err err;
	int64_t t;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", T0, token), AUTH_OK);
	for (t = T0 + 600; t < T0 + 43200; t += 600)
		CHECK_INT(lookup(s, token, t), AUTH_OK);
	CHECK_INT(lookup(s, token, T0 + 43199), AUTH_OK);
	CHECK_INT(lookup(s, token, T0 + 43200), AUTH_EXPIRED);
	CHECK_INT(lookup(s, token, T0 + 43201), AUTH_NO_SESSION);
	store_close(s);
}

static void replayed_token_refused_after_sign_out(void)
{
	struct store *s = fresh("out.db");
	char token[AUTH_TOKEN_LEN], other[AUTH_TOKEN_LEN], actor[64];
	struct cu_err err;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", T0, token), AUTH_OK);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.2", T0, other), AUTH_OK);
	cu_err_clear(&err);
	CHECK_INT(auth_sign_out(au, s, token, &err), AUTH_OK);
	CHECK_INT(lookup(s, token, T0 + 1), AUTH_NO_SESSION);
	CHECK_INT(auth_sign_out(au, s, token, &err), AUTH_NO_SESSION);
	CHECK_INT(auth_sign_out(au, s, "garbage", &err), AUTH_NO_SESSION);
	CHECK_INT(lookup(s, other, T0 + 1), AUTH_OK); /* the other session lives on */
	CHECK_INT(audit_count(s, "sign-out", "pete", actor), 1);
	CHECK_STR(actor, "pete");
	store_close(s);
}

static void account_throttled_at_the_sixth_attempt_not_the_fifth(void)
{
	struct store *s = fresh("thr.db");
	char token[AUTH_TOKEN_LEN];
	struct cu_err err;
	int64_t t = T0;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	/* Four failures, then the right password still works and forgets them. */
	for (int i = 0; i < 4; i++)
		CHECK_INT(sign_in(s, "pete", "wrong password!", "10.0.0.1", t++, token),
			  AUTH_BAD_CREDENTIALS);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", t++, token), AUTH_OK);
	/* Five failures, each from its own address: the fifth is still only a failure. */
	for (int i = 0; i < 5; i++) {
		char addr[32];

		snprintf(addr, sizeof addr, "10.0.1.%d", i);
		CHECK_INT(sign_in(s, "pete", "wrong password!", addr, t++, token),
			  AUTH_BAD_CREDENTIALS);
	}
	/* The sixth attempt is refused even with the right password, from anywhere. */
	CHECK_INT(sign_in(s, "Pete", PW, "10.0.2.1", t, token), AUTH_THROTTLED);
	CHECK_STR(token, "");
	CHECK_INT(sign_in(s, "pete", PW, "10.0.2.1", t + 899 - 5, token), AUTH_THROTTLED);
	/* Fifteen minutes after the first of the five, it has aged out: four remain. */
	CHECK_INT(sign_in(s, "pete", PW, "10.0.2.1", t - 5 + 900, token), AUTH_OK);
	store_close(s);
}

static void address_throttled_after_twenty_failures(void)
{
	struct store *s = fresh("addr.db");
	char token[AUTH_TOKEN_LEN], name[32];
	struct cu_err err;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "guess%02d", i);
		CHECK_INT(sign_in(s, name, "wrong password!", "192.0.2.7", T0 + i, token),
			  AUTH_BAD_CREDENTIALS);
	}
	CHECK_INT(sign_in(s, "pete", PW, "192.0.2.7", T0 + 20, token), AUTH_THROTTLED);
	CHECK_INT(sign_in(s, "pete", PW, "192.0.2.8", T0 + 20, token), AUTH_OK);
	CHECK_INT(sign_in(s, "pete", PW, "192.0.2.7", T0 + 900, token), AUTH_OK); /* one aged out */
	store_close(s);
}

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void unknown_user_indistinguishable_from_wrong_password(void)
{
	struct store *s = fresh("unk.db");
	char token[AUTH_TOKEN_LEN];
	struct cu_err err;
	double t0, known = 0, unknown = 0;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	CHECK_INT(add(s, "dora", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	CHECK_INT(store_user_set_disabled(s, &sys, "dora", true, &err), 0);
	for (int i = 0; i < 3; i++) {
		t0 = seconds();
		CHECK_INT(sign_in(s, "pete", "wrong password!", "10.0.0.1", T0, token),
			  AUTH_BAD_CREDENTIALS);
		known += seconds() - t0;
		t0 = seconds();
		CHECK_INT(sign_in(s, "nobody", "wrong password!", "10.0.0.2", T0, token),
			  AUTH_BAD_CREDENTIALS);
		unknown += seconds() - t0;
	}
	/* A disabled user with the right password gets the same answer. */
	CHECK_INT(sign_in(s, "dora", PW, "10.0.0.3", T0, token), AUTH_BAD_CREDENTIALS);
	/* The unknown name cost a real hash: not much quicker than the known one. */
	CHECK(unknown > 0.5 * known);
	CHECK(unknown < 2.0 * known);
	/* And unknown names are throttled like real ones. */
	for (int i = 0; i < 2; i++)
		CHECK_INT(sign_in(s, "nobody", "wrong password!", "10.0.0.4", T0 + 1, token),
			  AUTH_BAD_CREDENTIALS);
	CHECK_INT(sign_in(s, "nobody", "wrong password!", "10.0.0.4", T0 + 1, token),
		  AUTH_THROTTLED);
	CHECK_INT(raw_count(path_of("unk.db"), "SELECT count(*) FROM signin_failure"
					       " WHERE account = 'nobody'"), 5);
	store_close(s);
}

static void disabled_user_loses_sessions_and_cannot_sign_in(void)
{
	struct store *s = fresh("dis.db");
	char token[AUTH_TOKEN_LEN];
	struct cu_err err;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", T0, token), AUTH_OK);
	CHECK_INT(store_user_set_disabled(s, &sys, "pete", true, &err), 0);
	CHECK_INT(lookup(s, token, T0 + 1), AUTH_NO_SESSION);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", T0 + 2, token), AUTH_BAD_CREDENTIALS);
	CHECK_INT(audit_count(s, "disable", "pete", NULL), 1);
	CHECK_INT(store_user_set_disabled(s, &sys, "pete", false, &err), 0);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", T0 + 3, token), AUTH_OK);
	CHECK_INT(audit_count(s, "enable", "pete", NULL), 1);
	store_close(s);
}

static void busy_when_no_hash_slot_frees_in_time(void)
{
	struct store *s = fresh("busy.db");
	struct auth_config cfg;
	struct auth *one = NULL;
	char token[AUTH_TOKEN_LEN];
	struct cu_err err;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	auth_config_init(&cfg);
	cfg.max_hashes = 1;
	cfg.busy_wait_ms = 20;
	CHECK_INT(auth_alloc(&cfg, &one, &err), 0);
	CHECK_INT(auth_hash_acquire(one), 0);
	cu_err_clear(&err);
	CHECK_INT(auth_sign_in(one, s, "pete", PW, "10.0.0.1", T0, token, NULL, &err), AUTH_BUSY);
	CHECK_STR(auth_status_message(one, AUTH_BUSY), "the server is busy: try again in a moment");
	CHECK_INT(raw_count(path_of("busy.db"), "SELECT count(*) FROM signin_failure"), 0);
	auth_hash_release(one);
	CHECK_INT(auth_sign_in(one, s, "pete", PW, "10.0.0.1", T0, token, NULL, &err), AUTH_OK);
	auth_free(one);
	store_close(s);
}

static void form_token_holds_across_lookups_and_not_across_sessions(void)
{
	struct store *s = fresh("csrf.db");
	struct auth_session a, b, again;
	char ta[AUTH_TOKEN_LEN], tb[AUTH_TOKEN_LEN], form[AUTH_CSRF_LEN], formb[AUTH_CSRF_LEN];
	struct cu_err err;

	CHECK_INT(add(s, "pete", MODEL_ROLE_PROVIDER, "RX1", &err), 0);
	cu_err_clear(&err);
	CHECK_INT(auth_sign_in(au, s, "pete", PW, "10.0.0.1", T0, ta, &a, &err), AUTH_OK);
	CHECK_INT(auth_sign_in(au, s, "pete", PW, "10.0.0.1", T0, tb, &b, &err), AUTH_OK);
	auth_csrf_token(&a, form);
	auth_csrf_token(&b, formb);
	CHECK_INT(auth_session_lookup(au, s, ta, T0 + 100, &again, &err), AUTH_OK);
	CHECK_INT(auth_csrf_check(&again, form), 0);
	CHECK_INT(auth_csrf_check(&again, formb), CU_EDENIED);
	CHECK_INT(auth_csrf_check(&again, NULL), CU_EDENIED);
	CHECK_INT(auth_csrf_check(&again, ta), CU_EDENIED); /* the cookie is not the form token */
	auth_session_clear(&a);
	auth_session_clear(&b);
	auth_session_clear(&again);
	store_close(s);
}

static void outdated_hash_is_replaced_at_sign_in(void)
{
	struct store *s = fresh("rehash.db");
	struct auth_config cfg;
	struct auth *costly = NULL;
	char hash[STORE_PWHASH_MAX], token[AUTH_TOKEN_LEN], want[32];
	struct store_user u;
	struct cu_err err;

	auth_config_init(&cfg);
	cfg.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE + 1;
	cu_err_clear(&err);
	CHECK_INT(auth_alloc(&cfg, &costly, &err), 0);
	CHECK_INT(auth_user_add(costly, s, &sys, "pete", NULL, MODEL_ROLE_PROVIDER, "RX1", PW,
				NULL, &err),
		  0);
	auth_free(costly);
	CHECK_INT(store_user_get(s, &sys, "pete", &u, hash, sizeof hash, &err), 0);
	snprintf(want, sizeof want, ",t=%llu,",
		 (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE + 1);
	CHECK_CONTAINS(hash, want);
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", T0, token), AUTH_OK);
	CHECK_INT(store_user_get(s, &sys, "pete", &u, hash, sizeof hash, &err), 0);
	snprintf(want, sizeof want, ",t=%llu,", (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE);
	CHECK_CONTAINS(hash, want);
	CHECK_INT(audit_count(s, "password", "pete", NULL), 1);
	/* The next sign-in finds nothing to do. */
	CHECK_INT(sign_in(s, "pete", PW, "10.0.0.1", T0 + 1, token), AUTH_OK);
	CHECK_INT(audit_count(s, "password", "pete", NULL), 1);
	store_close(s);
}

static void sessions_and_failures_refused_to_other_actors(void)
{
	struct store *s = fresh("acl.db");
	struct cu_actor admin = { .name = "ann", .role = MODEL_ROLE_ADMIN };
	struct cu_actor comm = { .name = "cat", .role = MODEL_ROLE_COMMISSIONER, .org_id = 1 };
	unsigned char h[32] = { 0 };
	struct store_session ss;
	struct store_user u;
	int64_t a = 0, b = 0;
	struct cu_err err;

	cu_err_clear(&err);
	CHECK_INT(store_session_get(s, &admin, h, &ss, &err), CU_EDENIED);
	CHECK_INT(store_signin_failure_count(s, &comm, "x", "y", 0, &a, &b, &err), CU_EDENIED);
	CHECK_INT(add(s, "cat", MODEL_ROLE_COMMISSIONER, "CCG1", &err), 0);
	CHECK_INT(store_user_get(s, &comm, "cat", &u, NULL, 0, &err), 0); /* itself */
	CHECK_INT(store_user_get(s, &comm, "pete", &u, NULL, 0, &err), CU_EDENIED);
	store_close(s);
}

static int count_users(void *arg, const struct store_user *u)
{
	(void)u;
	(*(int *)arg)++;
	return 0;
}

/* One of everything the users module does. */
static void user_cycle(struct store *s, const char *name, int64_t now)
{
	char token[AUTH_TOKEN_LEN];
	struct cu_err err;
	int n = 0;

	CHECK_INT(add(s, name, MODEL_ROLE_REGULATOR, NULL, &err), 0);
	CHECK_INT(add(s, name, MODEL_ROLE_REGULATOR, NULL, &err), CU_EEXIST);
	CHECK_INT(sign_in(s, name, "wrong password!", "10.0.0.1", now, token), AUTH_BAD_CREDENTIALS);
	CHECK_INT(sign_in(s, name, PW, "10.0.0.1", now, token), AUTH_OK);
	CHECK_INT(lookup(s, token, now + 100), AUTH_OK);
	CHECK_INT(auth_sign_out(au, s, token, &err), AUTH_OK);
	CHECK_INT(store_user_set_disabled(s, &sys, name, true, &err), 0);
	CHECK_INT(store_user_list(s, &sys, count_users, &n, &err), 0);
}

/* The users module keeps its statements prepared once: repeating its work opens no more. */
static void user_statements_are_not_left_open(void)
{
	struct store *s = fresh("stmts.db");
	int before;

	user_cycle(s, "first", T0);
	before = store_open_statements(s);
	user_cycle(s, "second", T0 + 10);
	CHECK_INT(store_open_statements(s), before);
	store_close(s);
}

/* ---- `custodian user` through the binary ---- */

static char out_buf[8192], err_buf[8192];

/* Run the binary on the test database with ARGV (NULL-ended), STDIN_TEXT as standard input. */
static int run(const char *stdin_text, const char *const *argv)
{
	const char *args[24];
	int n = 0;

	args[n++] = CU_BINARY;
	args[n++] = "-d";
	args[n++] = path_of("cli.db");
	for (; *argv && n < 22; argv++)
		args[n++] = *argv;
	args[n] = NULL;
	return test_exec(args, stdin_text, out_buf, sizeof out_buf, err_buf, sizeof err_buf);
}

static void cli_adds_and_lists_users_with_the_password_on_stdin(void)
{
	struct store *s = fresh("cli.db");
	char token[AUTH_TOKEN_LEN], hash[STORE_PWHASH_MAX];
	struct store_user u;
	struct cu_err err;

	store_close(s);
	CHECK_INT(run(PW "\n", (const char *[]){ "user", "add", "--username", "Carol",
						  "--role", "administrator", "--name",
						  "Carol O'Neil", NULL }),
		  0);
	CHECK_CONTAINS(out_buf, "added user carol");
	/* Each refusal names its rule, and writes nothing. */
	CHECK_INT(run("short\n", (const char *[]){ "user", "add", "--username", "dan", "--role",
						   "regulator", NULL }),
		  1);
	CHECK_CONTAINS(err_buf, "password is too short (5 characters): expected at least 12");
	CHECK_INT(run("Password1234\r\n", (const char *[]){ "user", "add", "--username", "dan",
							    "--role", "regulator", NULL }),
		  1);
	CHECK_CONTAINS(err_buf, "password is too common");
	CHECK_INT(run("dan-the-man-2024\n", (const char *[]){ "user", "add", "--username", "dan",
							      "--role", "regulator", NULL }),
		  1);
	CHECK_CONTAINS(err_buf, "password contains the user name");
	CHECK_INT(run("", (const char *[]){ "user", "add", "--username", "dan", "--role",
					    "regulator", NULL }),
		  1);
	CHECK_CONTAINS(err_buf, "no password on standard input");
	CHECK_INT(run(PW "\n", (const char *[]){ "user", "add", "--username", "carol", "--role",
						  "regulator", NULL }),
		  1);
	CHECK_CONTAINS(err_buf, "user name \"carol\" is taken");
	CHECK_INT(run(PW "\n", (const char *[]){ "user", "add", "--username", "dan", "--role",
						  "system", NULL }),
		  1);
	CHECK_CONTAINS(err_buf, "unknown role \"system\"");
	/* There is no way to give a password on the command line. */
	CHECK_INT(run(PW "\n", (const char *[]){ "user", "add", "--username", "dan", "--role",
						  "regulator", "--password", PW, NULL }),
		  1);
	CHECK_CONTAINS(err_buf, "usage: custodian user add");
	CHECK_INT(run(PW "\n", (const char *[]){ "user", "add", "--username", "pat", "--role",
						  "provider", "--org", "RX1", NULL }),
		  0);
	CHECK_INT(run("", (const char *[]){ "user", "list", NULL }), 0);
	CHECK_CONTAINS(out_buf, "carol");
	CHECK_CONTAINS(out_buf, "administrator");
	CHECK_CONTAINS(out_buf, "Carol O'Neil");
	CHECK_CONTAINS(out_buf, "RX1");
	CHECK(strstr(out_buf, "dan") == NULL);
	CHECK(strstr(out_buf, "argon2") == NULL);
	CHECK_INT(run("", (const char *[]){ "user", "disable", "pat", NULL }), 0);
	CHECK_INT(run("", (const char *[]){ "user", "list", NULL }), 0);
	CHECK_CONTAINS(out_buf, "disabled");
	/* The user the command line made can sign in. */
	s = NULL;
	cu_err_clear(&err);
	CHECK_INT(store_open(path_of("cli.db"), 0, &s, &err), 0);
	if (s) {
		CHECK_INT(store_user_get(s, &sys, "carol", &u, hash, sizeof hash, &err), 0);
		CHECK(strncmp(hash, "$argon2id$", 10) == 0);
		CHECK_STR(u.display_name, "Carol O'Neil");
		CHECK_INT(sign_in(s, "carol", PW, "127.0.0.1", T0, token), AUTH_OK);
		CHECK_INT(audit_count(s, "create", "carol", NULL), 1);
		store_close(s);
	}
}

int main(void)
{
	struct cu_err err;
	int rc;

	if (sodium_init() < 0 || !mkdtemp(dir))
		return 1;
	cu_err_clear(&err);
	if (auth_alloc(NULL, &au, &err)) {
		fprintf(stderr, "auth_alloc: %s\n", err.msg);
		return 1;
	}
	RUN(user_add_stores_an_argon2id_hash_and_audits);
	RUN(user_add_checks_role_and_organisation);
	RUN(duplicate_user_name_refused_and_nothing_written);
	RUN(sql_metacharacters_are_stored_as_text);
	RUN(sign_in_gives_a_session_and_wrong_password_is_refused);
	RUN(session_token_is_stored_only_as_its_hash);
	RUN(every_sign_in_gets_a_new_token);
	RUN(idle_session_expires_after_thirty_minutes);
	RUN(session_expires_after_twelve_hours_however_busy);
	RUN(replayed_token_refused_after_sign_out);
	RUN(account_throttled_at_the_sixth_attempt_not_the_fifth);
	RUN(address_throttled_after_twenty_failures);
	RUN(unknown_user_indistinguishable_from_wrong_password);
	RUN(disabled_user_loses_sessions_and_cannot_sign_in);
	RUN(busy_when_no_hash_slot_frees_in_time);
	RUN(form_token_holds_across_lookups_and_not_across_sessions);
	RUN(outdated_hash_is_replaced_at_sign_in);
	RUN(sessions_and_failures_refused_to_other_actors);
	RUN(user_statements_are_not_left_open);
	RUN(cli_adds_and_lists_users_with_the_password_on_stdin);
	auth_free(au);
	rc = test_done();
	if (rc == 0) {
		char cmd[64];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return rc;
}
