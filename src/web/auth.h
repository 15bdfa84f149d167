/*
 * auth: users, passwords, sign-in, sessions and form tokens for the web application.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str) at no less than
 * crypto_pwhash_OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE, and rehashed at the next sign-in
 * when the configured cost changes. A password must be 12 to 1024 bytes, must not be a
 * well-known password (a compiled-in deny list, compared without regard to case, also after
 * stripping digits and symbols from both ends, and any short piece repeated) and must not
 * contain the user name.
 *
 * Hashing is expensive on purpose, so at most `max_hashes` run at once (a counting semaphore,
 * default one per core); a sign-in that cannot get a slot within `busy_wait_ms` returns
 * AUTH_BUSY instead of queueing without bound.
 *
 * A session token is 256 random bits, given to the client base64url-encoded (43 characters)
 * and stored only as its SHA-256. Every sign-in makes a new token. A lookup refuses a session
 * idle for `idle_s` (default 30 minutes) or older than `absolute_s` (default 12 hours) and
 * deletes it; sign-out deletes it, so a replayed token finds nothing. The caller passes the
 * time (`now`, seconds since the epoch) so tests can drive the clock.
 *
 * Failed sign-ins are stored (table signin_failure) so throttling holds across threads,
 * processes and restarts: after `account_failures` (5) failures for one user name, or
 * `address_failures` (20) from one client address, within `failure_window_s` (15 minutes),
 * further attempts are refused without checking the password until the failures age out.
 * Unknown user names are throttled and hashed exactly like real ones (a dummy hash is
 * verified), so the answer and its timing do not reveal whether an account exists.
 *
 * Form tokens (CSRF): each session has a random 32-byte secret; a form's token is the keyed
 * BLAKE2b (crypto_generichash) of the session id under that secret, compared in constant time.
 *
 * A struct auth is shared by all threads (its semaphore is thread-safe); a struct store is
 * one connection per thread, as always. Call sodium_init() before auth_alloc (auth_alloc
 * calls it too). Store calls are made as the system actor "auth".
 */
#ifndef CU_WEB_AUTH_H
#define CU_WEB_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "model/actor.h"
#include "store/store.h"

#define AUTH_PASSWORD_MIN 12   /* bytes */
#define AUTH_PASSWORD_MAX 1024 /* bytes; longer is refused before hashing */
#define AUTH_USERNAME_MIN 3    /* bytes; the maximum is STORE_USERNAME_MAX */
#define AUTH_ADDR_MAX 64       /* bytes of a client address kept; longer is cut */
#define AUTH_TOKEN_LEN 44      /* a session token: 43 base64url characters and a NUL */
#define AUTH_CSRF_LEN 44       /* a form token: 43 base64url characters and a NUL */
#define AUTH_COOKIE_MAX 192    /* a Set-Cookie value built by auth_cookie */

struct auth_config {
	int64_t idle_s;            /* session idle expiry; default 1800 */
	int64_t absolute_s;        /* session absolute expiry; default 43200 */
	int64_t touch_s;           /* last use is rewritten at most this often; default 60 */
	int max_hashes;            /* concurrent password hashes; default: online cores */
	int busy_wait_ms;          /* wait for a hash slot before AUTH_BUSY; default 2000 */
	int account_failures;      /* failures per user name in the window; default 5 */
	int address_failures;      /* failures per client address in the window; default 20 */
	int64_t failure_window_s;  /* default 900 */
	unsigned long long opslimit; /* argon2id cost; raised to ..._INTERACTIVE if lower */
	size_t memlimit;           /* argon2id memory; raised to ..._INTERACTIVE if lower */
	bool secure_cookie;        /* served over TLS: cookies get Secure and a __Host- name */
};

struct auth;

/* Fill CFG with the defaults above. */
void auth_config_init(struct auth_config *cfg);
/*
 * A new auth service configured by CFG (NULL for the defaults) in *OUT; free with auth_free.
 * Computes one dummy hash (for unknown users), so it takes as long as one sign-in.
 * Errors: CU_EINVAL for a nonsensical setting; CU_ENOMEM when hashing cannot get its memory.
 */
int auth_alloc(const struct auth_config *cfg, struct auth **out, struct cu_err *err);
/* Free AU. NULL is a no-op. No hash may be in progress. */
void auth_free(struct auth *au);
/* The configuration AU runs with (defaults applied, limits raised). Borrowed from AU. */
const struct auth_config *auth_config_of(const struct auth *au);

/* What a sign-in, lookup or sign-out came to. */
enum auth_status {
	AUTH_OK,
	AUTH_BAD_CREDENTIALS, /* wrong password, unknown or disabled user: never said which */
	AUTH_THROTTLED,       /* too many recent failures for the account or the address */
	AUTH_BUSY,            /* no password-hash slot free in time: try again */
	AUTH_EXPIRED,         /* the session was idle or old too long (and is now deleted) */
	AUTH_NO_SESSION,      /* no such session: malformed, unknown, signed out or disabled */
	AUTH_ERROR,           /* the store failed; ERR says how */
	AUTH__MAX
};
/* A message for the person signing in (lower case, no full stop). Borrowed from AU. */
const char *auth_status_message(const struct auth *au, enum auth_status st);

/* ---- policy ---- */

/* The password rule a password broke. */
enum auth_pw_rule {
	AUTH_PW_OK,
	AUTH_PW_TOO_SHORT,    /* fewer than AUTH_PASSWORD_MIN bytes */
	AUTH_PW_TOO_LONG,     /* more than AUTH_PASSWORD_MAX bytes */
	AUTH_PW_HAS_USERNAME, /* equal to or containing the user name, in any case */
	AUTH_PW_COMMON,       /* on the deny list of well-known passwords */
	AUTH_PW__MAX
};

/*
 * Check PASSWORD against the policy for USERNAME (NULL or "" skips the user-name rule).
 * Returns 0, or CU_EINVAL with *WHY (may be NULL) naming the rule and ERR saying what was
 * wrong and what is expected. Pure: no store, no hashing.
 */
int auth_password_check(const char *username, const char *password, enum auth_pw_rule *why,
			struct cu_err *err);
/*
 * Check a user name (3 to 64 of the letters, digits and . _ - @, starting with a letter or a
 * digit) and write it in lower case to OUT. 0, or CU_EINVAL with ERR.
 */
int auth_username_normalise(const char *username, char out[STORE_USERNAME_MAX + 1],
			    struct cu_err *err);
/* The user role named NAME ("administrator" or "admin", "commissioner", "provider",
 * "regulator", "oversight"), or -1. */
int auth_role_parse(const char *name);

/* ---- hashing ---- */

/* A hash slot: 0 when taken (release with auth_hash_release), CU_ELIMIT after busy_wait_ms. */
int auth_hash_acquire(struct auth *au);
void auth_hash_release(struct auth *au);
/*
 * Hash PASSWORD (at most AUTH_PASSWORD_MAX bytes; no policy check) into OUT as a
 * "$argon2id$..." string, holding a hash slot while it works. CU_ELIMIT when busy,
 * CU_EINVAL when too long, CU_ENOMEM when the hash cannot get its memory.
 */
int auth_password_hash(struct auth *au, const char *password, char out[STORE_PWHASH_MAX],
		       struct cu_err *err);
/* True when PASSWORD matches HASH (constant time in the password; takes no slot). */
bool auth_password_verify(const char *hash, const char *password);

/* ---- users ---- */

/*
 * Add a user after checking the user name, the display name (DISPLAY: 1 to CU_MAX_NAME bytes
 * of UTF-8 without control characters; NULL or "" means the user name), the role (a user role,
 * not system or public), the organisation (ORG_CODE, NULL for none; see store_user_add) and
 * the password policy. *ID may be NULL. Audited by the store. Errors: CU_EINVAL naming the
 * rule broken; CU_EEXIST for a taken user name (nothing written); CU_ENOENT for an unknown
 * organisation; CU_EDENIED when A may not manage users; CU_ELIMIT when busy; CU_EDB.
 */
int auth_user_add(struct auth *au, struct store *s, const struct cu_actor *a,
		  const char *username, const char *display, enum model_role role,
		  const char *org_code, const char *password, int64_t *id, struct cu_err *err);

/* ---- sessions ---- */

/* A signed-in session, as auth_sign_in and auth_session_lookup return it. Caller-owned. */
struct auth_session {
	int64_t id;
	int64_t created_at, last_seen_at; /* seconds since the epoch */
	struct store_user user;
	struct cu_actor actor;            /* the user as the store's actor: name, role, org */
	unsigned char csrf_secret[STORE_CSRF_SECRET_BYTES];
};
/* Wipe SS (its form secret included). */
void auth_session_clear(struct auth_session *ss);

/*
 * Sign USERNAME in with PASSWORD from CLIENT_ADDR (NULL or "" when unknown) at NOW. On
 * AUTH_OK, TOKEN holds the new session's token for the cookie and *OUT (may be NULL) the
 * session; otherwise TOKEN is "". Returns AUTH_OK, AUTH_BAD_CREDENTIALS (a failure is
 * recorded), AUTH_THROTTLED (nothing checked, nothing recorded), AUTH_BUSY or AUTH_ERROR.
 * A success forgets the account's failures, rehashes an outdated hash (audited) and removes
 * expired sessions, in one transaction of its own: call it outside any transaction.
 */
enum auth_status auth_sign_in(struct auth *au, struct store *s, const char *username,
			      const char *password, const char *client_addr, int64_t now,
			      char token[AUTH_TOKEN_LEN], struct auth_session *out,
			      struct cu_err *err);
/*
 * The session for TOKEN (as the client sent it) at NOW into *OUT: AUTH_OK (its last use is
 * recorded, at most every touch_s), AUTH_EXPIRED (deleted), AUTH_NO_SESSION or AUTH_ERROR.
 */
enum auth_status auth_session_lookup(struct auth *au, struct store *s, const char *token,
				     int64_t now, struct auth_session *out, struct cu_err *err);
/* End the session for TOKEN (audited): AUTH_OK, AUTH_NO_SESSION or AUTH_ERROR. */
enum auth_status auth_sign_out(struct auth *au, struct store *s, const char *token,
			       struct cu_err *err);

/* ---- form tokens and cookies ---- */

/* The form token of session SS into OUT. */
void auth_csrf_token(const struct auth_session *ss, char out[AUTH_CSRF_LEN]);
/* 0 when GIVEN (may be NULL) is SS's form token, else CU_EDENIED. Constant time. */
int auth_csrf_check(const struct auth_session *ss, const char *given);

/* The session cookie's name: "custodian_session", or "__Host-custodian_session" over TLS. */
const char *auth_cookie_name(const struct auth *au);
/*
 * A Set-Cookie value carrying TOKEN into OUT (size N): "NAME=TOKEN; HttpOnly;
 * SameSite=Strict; Path=/" and "; Secure" over TLS. No Max-Age: the cookie ends with the
 * browser and the server ends the session. CU_EINVAL for a malformed token, CU_ELIMIT when
 * OUT is too small.
 */
int auth_cookie(const struct auth *au, const char *token, char *out, size_t n);
/* A Set-Cookie value that removes the session cookie (Max-Age=0), for sign-out. */
int auth_cookie_clear(const struct auth *au, char *out, size_t n);

#endif
