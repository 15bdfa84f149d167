/*
 * Sign-in and sessions: the password policy, argon2id hashing behind a counting semaphore,
 * throttled sign-in, session tokens, form tokens and cookies. See auth.h for the contract; the
 * SQL is in src/store/users.c.
 */
#include "web/auth.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/str.h"

#define TOKEN_BYTES 32
#define TOKEN_CHARS 43 /* base64url of 32 bytes without padding */
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

struct auth {
	struct auth_config cfg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int in_use; /* hash slots taken */
	char dummy_hash[STORE_PWHASH_MAX];
	char throttled_msg[128];
};

/* The sign-in service's identity in the store: it alone reads hashes and writes sessions. */
static const struct cu_actor auth_actor = { .name = "auth", .role = MODEL_ROLE_SYSTEM };

/*
 * Well-known weak passwords and the words they are built from, in lower case. A password is
 * refused when, in lower case, it equals an entry, or when what is left after stripping
 * digits and symbols from both ends equals one ("Summer2024!!", "Password123!"). Entries of
 * fewer than 12 characters matter only in the second way. Drawn from the patterns that head
 * every published breach list (keyboard walks, digit runs, "password", "welcome", names,
 * football clubs, seasons and months) plus the words of this service's own world (NHS,
 * hospital, custodian) that staff reach for first.
 */
static const char *const common[] = {
	/* "password" and friends */
	"password", "passw0rd", "p@ssword", "p@ssw0rd", "pa55word", "pa55w0rd", "passwort",
	"motdepasse", "contrasena", "pass", "passcode", "passphrase", "mypassword",
	"thisismypassword", "mypasswordis", "newpassword", "oldpassword", "nopassword",
	"passwordispassword", "passwordpassword", "password1234", "password12345",
	"password123456", "password1234567890", "secretpassword", "supersecret",
	"supersecretpassword", "topsecret", "secret", "private", "confidential",
	/* keyboard walks */
	"qwerty", "qwertyui", "qwertyuiop", "qwertyuiopasdf", "qwertz", "qwertzuiop", "azerty",
	"azertyuiop", "asdf", "asdfg", "asdfgh", "asdfghjk", "asdfghjkl", "zxcv", "zxcvb",
	"zxcvbn", "zxcvbnm", "qazwsx", "qazwsxedc", "qazwsxedcrfv", "qazwsxedcrfvtgb", "qweasd",
	"qweasdzxc", "qwe", "asd", "zxc", "zaq", "xsw", "qwertyqwerty", "asdfasdfasdf",
	"qwerty123456", "qwerty123456789", "qwertyuiop123", "asdfghjkl123", "1q2w3e4r5t6y",
	"1q2w3e4r5t6y7u", "1q2w3e4r5t6y7u8i", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "q1w2e3r4t5y6",
	"zaq12wsxcde3", "zaq1xsw2cde3", "1qazxsw23edc", "1qaz2wsx", "qwerty1234567",
	/* digit and letter runs */
	"123456789012", "1234567890123", "12345678901234", "123456789012345", "123456789123",
	"1234567890qwerty", "111111111111", "000000000000", "123123123123", "121212121212",
	"112233445566", "123456654321", "987654321098", "098765432109", "987654321987",
	"147258369147", "159753159753", "246813579135", "abcdefghijkl", "abcdefghijklm",
	"abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz", "abcd1234abcd", "abc123abc123",
	"abcabcabcabc", "aaaaaaaaaaaa", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh",
	/* phrases */
	"letmein", "letmeinletmein", "letmeinplease", "welcome", "welcometothejungle", "hello",
	"helloworld", "hellothere", "iloveyou", "iloveyouiloveyou", "iloveyouforever",
	"loveyouforever", "iloveu", "loveyou", "love", "lovely", "loveme", "trustno",
	"trustnoone", "whatever", "freedom", "nothing", "something", "opensesame", "changeme",
	"changemenow", "change", "default", "goodbye", "thankyou", "please", "sorry",
	"correcthorsebatterystaple", "correct horse battery staple", "thequickbrownfox",
	"thequickbrownfoxjumpsoverthelazydog", "supercalifragilisticexpialidocious", "ihatework",
	"ihatemyjob", "mondaymorning", "letsgo", "youshallnotpass",
	/* accounts and systems */
	"admin", "administrator", "root", "toor", "sysadmin", "superuser", "user", "username",
	"guest", "login", "logon", "test", "testing", "tester", "temp", "temporary", "access",
	"master", "system", "server", "database", "network", "computer", "internet", "laptop",
	"samsung", "apple", "google", "microsoft", "windows", "linux", "oracle", "cisco",
	"welcome1", "service", "support", "office", "company", "work", "account",
	/* this service's world */
	"nhs", "nhsnet", "nhsmail", "nhspassword", "nhsengland", "hospital", "doctor", "nurse",
	"health", "healthcare", "patient", "trust", "clinic", "surgery", "custodian",
	"commissioner", "commissioning", "provider", "quality", "caring", "carequality",
	/* names */
	"michael", "jennifer", "jordan", "hunter", "buster", "tigger", "charlie", "daniel",
	"thomas", "jessica", "ashley", "amanda", "andrew", "joshua", "matthew", "robert",
	"david", "james", "john", "george", "william", "harry", "oliver", "jack", "emily",
	"sophie", "chloe", "charlotte", "olivia", "jasmine", "samantha", "elizabeth",
	/* sport, clubs and places */
	"football", "baseball", "basketball", "soccer", "hockey", "rugby", "cricket", "golf",
	"tennis", "liverpool", "arsenal", "chelsea", "manchester", "manchesterunited",
	"manutd", "mufc", "lfc", "tottenham", "spurs", "everton", "celtic", "rangers",
	"newcastle", "leeds", "leedsunited", "england", "london", "britain", "scotland",
	"wales", "ireland",
	/* seasons, months and days */
	"summer", "winter", "spring", "autumn", "january", "february", "march", "april", "may",
	"june", "july", "august", "september", "october", "november", "december", "monday",
	"tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas",
	/* the rest of every top-100 list */
	"monkey", "dragon", "shadow", "sunshine", "princess", "superman", "batman",
	"spiderman", "ironman", "starwars", "startrek", "pokemon", "pikachu", "minecraft",
	"fortnite", "cheese", "chocolate", "cookie", "pepper", "ginger", "banana", "orange",
	"purple", "yellow", "silver", "golden", "diamond", "flower", "rainbow", "butterfly",
	"angel", "family", "mother", "father", "mummy", "daddy", "baby", "babygirl", "killer",
	"ninja", "mustang", "ferrari", "porsche", "harley", "corvette", "matrix", "merlin",
	"phoenix", "maverick", "thunder", "jesus", "christ", "god", "heaven", "blessed",
};

static char lower_ascii(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool listed(const char *p, size_t n)
{
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (strlen(common[i]) == n && memcmp(common[i], p, n) == 0)
			return true;
	return false;
}

/* LOWER (N bytes, lower case) is a well-known password: see the list's comment. */
static bool is_common(const char *lower, size_t n)
{
	size_t b = 0, e = n;

	if (listed(lower, n))
		return true;
	while (b < e && !is_letter(lower[b]))
		b++;
	while (e > b && !is_letter(lower[e - 1]))
		e--;
	if (e > b && e - b < n && listed(lower + b, e - b))
		return true;
	/* One short piece repeated: "aaaaaaaaaaaa", "abcabcabcabc", "1212121212121". */
	for (size_t u = 1; u <= 4 && 2 * u <= n; u++) {
		size_t i = u;

		while (i < n && lower[i] == lower[i - u])
			i++;
		if (i == n)
			return true;
	}
	return false;
}

int auth_password_check(const char *username, const char *password, enum auth_pw_rule *why,
			struct cu_err *err)
{
	size_t n = password ? strnlen(password, AUTH_PASSWORD_MAX + 1) : 0;
	char lower[AUTH_PASSWORD_MAX + 1];
	char user[STORE_USERNAME_MAX + 1] = "";
	enum auth_pw_rule rule = AUTH_PW_OK;
	int rc = 0;

	if (n < AUTH_PASSWORD_MIN) {
		rule = AUTH_PW_TOO_SHORT;
		rc = cu_err_set(err, CU_EINVAL,
				"password is too short (%zu characters): expected at least %d", n,
				AUTH_PASSWORD_MIN);
		goto out;
	}
	if (n > AUTH_PASSWORD_MAX) {
		rule = AUTH_PW_TOO_LONG;
		rc = cu_err_set(err, CU_EINVAL, "password is too long: expected at most %d bytes",
				AUTH_PASSWORD_MAX);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		lower[i] = lower_ascii(password[i]);
	lower[n] = '\0';
	if (username && *username) {
		size_t k = 0;

		for (; username[k] && k < STORE_USERNAME_MAX; k++)
			user[k] = lower_ascii(username[k]);
		user[k] = '\0';
		if (strstr(lower, user)) {
			rule = AUTH_PW_HAS_USERNAME;
			rc = cu_err_set(err, CU_EINVAL, "password contains the user name: choose one "
							"that does not");
			goto out;
		}
	}
	if (is_common(lower, n)) {
		rule = AUTH_PW_COMMON;
		rc = cu_err_set(err, CU_EINVAL, "password is too common (a well-known password or "
						"one word with digits or symbols added): choose a "
						"longer phrase of unrelated words");
	}
out:
	sodium_memzero(lower, sizeof lower);
	if (why)
		*why = rule;
	return rc;
}

int auth_username_normalise(const char *username, char out[STORE_USERNAME_MAX + 1],
			    struct cu_err *err)
{
	size_t n = username ? strnlen(username, STORE_USERNAME_MAX + 1) : 0;
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];

	out[0] = '\0';
	if (n < AUTH_USERNAME_MIN || n > STORE_USERNAME_MAX)
		return cu_err_set(err, CU_EINVAL,
				  "user name \"%s\" has the wrong length: expected %d to %d characters",
				  cu_err_quote(username ? username : "", n, q, sizeof q),
				  AUTH_USERNAME_MIN, STORE_USERNAME_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = username[i];
		bool alnum = is_letter(c) || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-' && c != '@'))) {
			out[0] = '\0';
			return cu_err_set(err, CU_EINVAL,
					  "user name \"%s\" is not allowed: expected letters, digits "
					  "and . _ - @, starting with a letter or digit",
					  cu_err_quote(username, n, q, sizeof q));
		}
		out[i] = lower_ascii(c);
	}
	out[n] = '\0';
	return 0;
}

int auth_role_parse(const char *name)
{
	int r;

	if (!name)
		return -1;
	if (strcmp(name, "administrator") == 0)
		return MODEL_ROLE_ADMIN;
	r = model_role_parse(name);
	return r == MODEL_ROLE_SYSTEM || r == MODEL_ROLE_PUBLIC ? -1 : r;
}

/* ---- the service ---- */

void auth_config_init(struct auth_config *cfg)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(cfg, 0, sizeof *cfg);
	cfg->idle_s = 30 * 60;
	cfg->absolute_s = 12 * 60 * 60;
	cfg->touch_s = 60;
	cfg->max_hashes = cores > 0 && cores < 1024 ? (int)cores : 1;
	cfg->busy_wait_ms = 2000;
	cfg->account_failures = 5;
	cfg->address_failures = 20;
	cfg->failure_window_s = 15 * 60;
	cfg->opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	cfg->memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	cfg->secure_cookie = false;
}

int auth_alloc(const struct auth_config *cfg, struct auth **out, struct cu_err *err)
{
	struct auth *au;
	pthread_condattr_t ca;
	unsigned char junk[32];
	char pw[65];

	*out = NULL;
	if (sodium_init() < 0)
		return cu_err_set(err, CU_ENOMEM, "cannot initialise libsodium");
	au = xcalloc(1, sizeof *au);
	if (cfg)
		au->cfg = *cfg;
	else
		auth_config_init(&au->cfg);
	if (au->cfg.opslimit < crypto_pwhash_OPSLIMIT_INTERACTIVE)
		au->cfg.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	if (au->cfg.memlimit < crypto_pwhash_MEMLIMIT_INTERACTIVE)
		au->cfg.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	if (au->cfg.idle_s <= 0 || au->cfg.absolute_s <= 0 || au->cfg.touch_s < 0 ||
	    au->cfg.max_hashes <= 0 || au->cfg.busy_wait_ms < 0 || au->cfg.account_failures <= 0 ||
	    au->cfg.address_failures <= 0 || au->cfg.failure_window_s <= 0 ||
	    au->cfg.opslimit > crypto_pwhash_OPSLIMIT_MAX ||
	    au->cfg.memlimit > crypto_pwhash_MEMLIMIT_MAX) {
		free(au);
		return cu_err_set(err, CU_EINVAL, "sign-in settings out of range: expected positive "
						  "times, slots and failure counts");
	}
	pthread_mutex_init(&au->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&au->cv, &ca);
	pthread_condattr_destroy(&ca);
	snprintf(au->throttled_msg, sizeof au->throttled_msg,
		 "too many failed sign-ins: wait %lld minutes and try again",
		 (long long)((au->cfg.failure_window_s + 59) / 60));
	/* The hash verified for unknown users: same cost, a password nobody knows. */
	randombytes_buf(junk, sizeof junk);
	sodium_bin2hex(pw, sizeof pw, junk, sizeof junk);
	if (crypto_pwhash_str(au->dummy_hash, pw, strlen(pw), au->cfg.opslimit,
			      au->cfg.memlimit) != 0) {
		auth_free(au);
		return cu_err_set(err, CU_ENOMEM, "not enough memory to hash passwords");
	}
	sodium_memzero(pw, sizeof pw);
	*out = au;
	return 0;
}

void auth_free(struct auth *au)
{
	if (!au)
		return;
	pthread_cond_destroy(&au->cv);
	pthread_mutex_destroy(&au->mu);
	free(au);
}

const struct auth_config *auth_config_of(const struct auth *au)
{
	return &au->cfg;
}

const char *auth_status_message(const struct auth *au, enum auth_status st)
{
	switch (st) {
	case AUTH_OK:
		return "signed in";
	case AUTH_BAD_CREDENTIALS:
		return "the user name or password is not right";
	case AUTH_THROTTLED:
		return au->throttled_msg;
	case AUTH_BUSY:
		return "the server is busy: try again in a moment";
	case AUTH_EXPIRED:
		return "your session has ended: sign in again";
	case AUTH_NO_SESSION:
		return "you are not signed in";
	case AUTH_ERROR:
	case AUTH__MAX:
		break;
	}
	return "sign-in failed because of a server error";
}

/* ---- hashing ---- */

int auth_hash_acquire(struct auth *au)
{
	struct timespec deadline;
	int got = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += au->cfg.busy_wait_ms / 1000;
	deadline.tv_nsec += (long)(au->cfg.busy_wait_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&au->mu);
	while (au->in_use >= au->cfg.max_hashes)
		if (pthread_cond_timedwait(&au->cv, &au->mu, &deadline) == ETIMEDOUT)
			break;
	if (au->in_use < au->cfg.max_hashes) {
		au->in_use++;
		got = 1;
	}
	pthread_mutex_unlock(&au->mu);
	return got ? 0 : CU_ELIMIT;
}

void auth_hash_release(struct auth *au)
{
	pthread_mutex_lock(&au->mu);
	if (au->in_use > 0)
		au->in_use--;
	pthread_cond_signal(&au->cv);
	pthread_mutex_unlock(&au->mu);
}

/* Hash with a slot already held. */
static int hash_held(struct auth *au, const char *password, size_t n, char out[STORE_PWHASH_MAX],
		     struct cu_err *err)
{
	if (crypto_pwhash_str(out, password, n, au->cfg.opslimit, au->cfg.memlimit) != 0)
		return cu_err_set(err, CU_ENOMEM, "not enough memory to hash the password");
	return 0;
}

int auth_password_hash(struct auth *au, const char *password, char out[STORE_PWHASH_MAX],
		       struct cu_err *err)
{
	size_t n = strnlen(password, AUTH_PASSWORD_MAX + 1);
	int rc;

	out[0] = '\0';
	if (n > AUTH_PASSWORD_MAX)
		return cu_err_set(err, CU_EINVAL, "password is too long: expected at most %d bytes",
				  AUTH_PASSWORD_MAX);
	if (auth_hash_acquire(au))
		return cu_err_set(err, CU_ELIMIT, "the server is busy: try again in a moment");
	rc = hash_held(au, password, n, out, err);
	auth_hash_release(au);
	return rc;
}

bool auth_password_verify(const char *hash, const char *password)
{
	size_t n = strnlen(password, AUTH_PASSWORD_MAX + 1);

	return n <= AUTH_PASSWORD_MAX && crypto_pwhash_str_verify(hash, password, n) == 0;
}

/* ---- users ---- */

static int display_check(const char *display, struct cu_err *err)
{
	size_t n = strnlen(display, CU_MAX_NAME + 1);

	if (n == 0 || n > CU_MAX_NAME)
		return cu_err_set(err, CU_EINVAL, "display name has the wrong length: expected 1 to "
						  "%d bytes", CU_MAX_NAME);
	if (!cu_utf8_valid(display, n, NULL))
		return cu_err_set(err, CU_EINVAL, "display name is not valid UTF-8");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)display[i] < 0x20 || display[i] == 0x7f)
			return cu_err_set(err, CU_EINVAL, "display name holds a control character: "
							  "expected printable text");
	return 0;
}

int auth_user_add(struct auth *au, struct store *s, const struct cu_actor *a,
		  const char *username, const char *display, enum model_role role,
		  const char *org_code, const char *password, int64_t *id, struct cu_err *err)
{
	struct store_user u = { 0 };
	char hash[STORE_PWHASH_MAX];
	int rc;

	if (auth_username_normalise(username, u.username, err))
		return CU_EINVAL;
	if (!display || !*display)
		display = u.username;
	if (display_check(display, err))
		return CU_EINVAL;
	snprintf(u.display_name, sizeof u.display_name, "%s", display);
	if ((unsigned)role >= MODEL_ROLE__MAX || role == MODEL_ROLE_SYSTEM ||
	    role == MODEL_ROLE_PUBLIC)
		return cu_err_set(err, CU_EINVAL, "a user's role must be administrator, "
						  "commissioner, provider, regulator or oversight");
	u.role = role;
	if (org_code && strlen(org_code) > CU_MAX_CODE)
		return cu_err_set(err, CU_EINVAL, "organisation code is too long: expected at most "
						  "%d characters", CU_MAX_CODE);
	snprintf(u.org_code, sizeof u.org_code, "%s", org_code ? org_code : "");
	if (auth_password_check(u.username, password, NULL, err))
		return CU_EINVAL;
	/* The store decides access (one place), after the hash: a refusal costs one hash. */
	if ((rc = auth_password_hash(au, password, hash, err)) != 0)
		return rc;
	return store_user_add(s, a, &u, hash, id, err);
}

/* ---- sessions ---- */

void auth_session_clear(struct auth_session *ss)
{
	sodium_memzero(ss, sizeof *ss);
}

static void session_fill(struct auth_session *out, const struct store_session *ss)
{
	memset(out, 0, sizeof *out);
	out->id = ss->id;
	out->created_at = ss->created_at;
	out->last_seen_at = ss->last_seen_at;
	out->user = ss->user;
	snprintf(out->actor.name, sizeof out->actor.name, "%s", ss->user.username);
	out->actor.role = ss->user.role;
	out->actor.org_id = ss->user.org_id;
	memcpy(out->csrf_secret, ss->csrf_secret, sizeof out->csrf_secret);
}

/* The SHA-256 of TOKEN's 32 bytes into HASH; CU_EINVAL for anything but a well-formed token. */
static int token_hash(const char *token, unsigned char hash[STORE_TOKEN_HASH_BYTES])
{
	unsigned char raw[TOKEN_BYTES];
	size_t len = 0;
	const char *end = NULL;

	if (!token || strnlen(token, TOKEN_CHARS + 1) != TOKEN_CHARS ||
	    sodium_base642bin(raw, sizeof raw, token, TOKEN_CHARS, NULL, &len, &end, B64) != 0 ||
	    len != TOKEN_BYTES || end != token + TOKEN_CHARS)
		return CU_EINVAL;
	crypto_hash_sha256(hash, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	return 0;
}

/* Record a failed attempt; the status to return. */
static enum auth_status failed(struct auth *au, struct store *s, const char *account,
			       const char *addr, int64_t now, struct cu_err *err)
{
	if (store_signin_failure_add(s, &auth_actor, account, addr, now,
				     now - au->cfg.failure_window_s, err))
		return AUTH_ERROR;
	return AUTH_BAD_CREDENTIALS;
}

/* The successful half of a sign-in: one transaction. */
static enum auth_status start_session(struct auth *au, struct store *s,
				      const struct store_user *u, const char *rehash,
				      const char *addr, int64_t now, char token[AUTH_TOKEN_LEN],
				      struct auth_session *out, struct cu_err *err)
{
	struct store_session ss = { 0 };
	unsigned char raw[TOKEN_BYTES], th[STORE_TOKEN_HASH_BYTES];
	int rc;

	randombytes_buf(raw, sizeof raw);
	crypto_hash_sha256(th, raw, sizeof raw);
	randombytes_buf(ss.csrf_secret, sizeof ss.csrf_secret);
	if (store_begin(s, err))
		return AUTH_ERROR;
	rc = store_signin_failure_clear(s, &auth_actor, u->username, err);
	if (!rc && rehash)
		rc = store_user_set_password(s, &auth_actor, u->username, rehash, "rehash", err);
	if (!rc)
		rc = store_session_prune(s, &auth_actor, now - au->cfg.idle_s,
					 now - au->cfg.absolute_s, err);
	if (!rc)
		rc = store_session_add(s, &auth_actor, u, th, ss.csrf_secret, addr, now, &ss.id,
				       err);
	if (!rc)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	if (rc) {
		sodium_memzero(raw, sizeof raw);
		sodium_memzero(&ss, sizeof ss);
		return AUTH_ERROR;
	}
	sodium_bin2base64(token, AUTH_TOKEN_LEN, raw, sizeof raw, B64);
	sodium_memzero(raw, sizeof raw);
	if (out) {
		ss.created_at = ss.last_seen_at = now;
		ss.user = *u;
		session_fill(out, &ss);
	}
	sodium_memzero(&ss, sizeof ss);
	return AUTH_OK;
}

enum auth_status auth_sign_in(struct auth *au, struct store *s, const char *username,
			      const char *password, const char *client_addr, int64_t now,
			      char token[AUTH_TOKEN_LEN], struct auth_session *out,
			      struct cu_err *err)
{
	char account[STORE_USERNAME_MAX + 1], addr[AUTH_ADDR_MAX + 1];
	char hash[STORE_PWHASH_MAX] = "", rehash[STORE_PWHASH_MAX];
	struct store_user u = { 0 };
	struct cu_err lerr;
	int64_t by_account = 0, by_addr = 0;
	size_t pwlen = password ? strnlen(password, AUTH_PASSWORD_MAX + 1) : 0;
	bool found = false, ok = false, needs_rehash = false;
	enum auth_status st;
	int rc;

	token[0] = '\0';
	if (out)
		memset(out, 0, sizeof *out);
	/* A name that cannot be a user name is no account: only its address is counted. */
	cu_err_clear(&lerr);
	if (auth_username_normalise(username, account, &lerr))
		account[0] = '\0';
	snprintf(addr, sizeof addr, "%s", client_addr ? client_addr : "");

	if (store_signin_failure_count(s, &auth_actor, account, addr,
				       now - au->cfg.failure_window_s, &by_account, &by_addr, err))
		return AUTH_ERROR;
	if (by_account >= au->cfg.account_failures || by_addr >= au->cfg.address_failures)
		return AUTH_THROTTLED;

	if (account[0]) {
		rc = store_user_get(s, &auth_actor, account, &u, hash, sizeof hash, &lerr);
		if (rc && rc != CU_ENOENT) {
			if (err && !err->code)
				*err = lerr;
			return AUTH_ERROR;
		}
		found = rc == 0;
	}
	/* Too long to hash: refused before any work, for known and unknown names alike. */
	if (!password || pwlen > AUTH_PASSWORD_MAX)
		return failed(au, s, account, addr, now, err);

	if (auth_hash_acquire(au))
		return AUTH_BUSY;
	/* The same work whether or not the user exists or is disabled. */
	ok = crypto_pwhash_str_verify(found ? hash : au->dummy_hash, password, pwlen) == 0 &&
	     found && !u.disabled;
	if (ok && crypto_pwhash_str_needs_rehash(hash, au->cfg.opslimit, au->cfg.memlimit) != 0) {
		needs_rehash = true;
		rc = hash_held(au, password, pwlen, rehash, err);
	} else {
		rc = 0;
	}
	auth_hash_release(au);
	if (rc)
		return AUTH_ERROR;
	if (!ok)
		return failed(au, s, account, addr, now, err);
	st = start_session(au, s, &u, needs_rehash ? rehash : NULL, addr, now, token, out, err);
	return st;
}

enum auth_status auth_session_lookup(struct auth *au, struct store *s, const char *token,
				     int64_t now, struct auth_session *out, struct cu_err *err)
{
	unsigned char th[STORE_TOKEN_HASH_BYTES];
	struct store_session ss;
	int rc;

	memset(out, 0, sizeof *out);
	if (token_hash(token, th))
		return AUTH_NO_SESSION;
	rc = store_session_get(s, &auth_actor, th, &ss, err);
	if (rc == CU_ENOENT) {
		if (err)
			cu_err_clear(err);
		return AUTH_NO_SESSION;
	}
	if (rc)
		return AUTH_ERROR;
	if (ss.user.disabled) {
		rc = store_session_end(s, &auth_actor, &ss, NULL, err);
		sodium_memzero(&ss, sizeof ss);
		return rc ? AUTH_ERROR : AUTH_NO_SESSION;
	}
	if (now - ss.created_at >= au->cfg.absolute_s || now - ss.last_seen_at >= au->cfg.idle_s) {
		rc = store_session_end(s, &auth_actor, &ss, NULL, err);
		sodium_memzero(&ss, sizeof ss);
		return rc ? AUTH_ERROR : AUTH_EXPIRED;
	}
	if (now - ss.last_seen_at >= au->cfg.touch_s && now > ss.last_seen_at) {
		if (store_session_touch(s, &auth_actor, ss.id, now, err)) {
			sodium_memzero(&ss, sizeof ss);
			return AUTH_ERROR;
		}
		ss.last_seen_at = now;
	}
	session_fill(out, &ss);
	sodium_memzero(&ss, sizeof ss);
	return AUTH_OK;
}

enum auth_status auth_sign_out(struct auth *au, struct store *s, const char *token,
			       struct cu_err *err)
{
	unsigned char th[STORE_TOKEN_HASH_BYTES];
	struct store_session ss;
	int rc;

	(void)au;
	if (token_hash(token, th))
		return AUTH_NO_SESSION;
	rc = store_session_get(s, &auth_actor, th, &ss, err);
	if (rc == CU_ENOENT) {
		if (err)
			cu_err_clear(err);
		return AUTH_NO_SESSION;
	}
	if (rc)
		return AUTH_ERROR;
	rc = store_session_end(s, &auth_actor, &ss, "sign-out", err);
	sodium_memzero(&ss, sizeof ss);
	return rc ? AUTH_ERROR : AUTH_OK;
}

/* ---- form tokens and cookies ---- */

void auth_csrf_token(const struct auth_session *ss, char out[AUTH_CSRF_LEN])
{
	unsigned char msg[8], mac[32];
	uint64_t id = (uint64_t)ss->id;

	for (int i = 0; i < 8; i++)
		msg[i] = (unsigned char)(id >> (56 - 8 * i));
	crypto_generichash(mac, sizeof mac, msg, sizeof msg, ss->csrf_secret,
			   sizeof ss->csrf_secret);
	sodium_bin2base64(out, AUTH_CSRF_LEN, mac, sizeof mac, B64);
	sodium_memzero(mac, sizeof mac);
}

int auth_csrf_check(const struct auth_session *ss, const char *given)
{
	char want[AUTH_CSRF_LEN];
	int rc;

	if (!given || strnlen(given, AUTH_CSRF_LEN) != AUTH_CSRF_LEN - 1)
		return CU_EDENIED;
	auth_csrf_token(ss, want);
	rc = sodium_memcmp(want, given, AUTH_CSRF_LEN - 1) == 0 ? 0 : CU_EDENIED;
	sodium_memzero(want, sizeof want);
	return rc;
}

const char *auth_cookie_name(const struct auth *au)
{
	/* __Host- makes browsers refuse the cookie unless it is Secure, host-only and Path=/. */
	return au->cfg.secure_cookie ? "__Host-custodian_session" : "custodian_session";
}

static int cookie(const struct auth *au, const char *value, const char *extra, char *out,
		  size_t n)
{
	int w = snprintf(out, n, "%s=%s;%s HttpOnly; SameSite=Strict; Path=/%s",
			 auth_cookie_name(au), value, extra, au->cfg.secure_cookie ? "; Secure" : "");

	if (w < 0 || (size_t)w >= n) {
		if (n)
			out[0] = '\0';
		return CU_ELIMIT;
	}
	return 0;
}

int auth_cookie(const struct auth *au, const char *token, char *out, size_t n)
{
	unsigned char th[STORE_TOKEN_HASH_BYTES];

	/* Only a well-formed token reaches a header: nothing else can inject attributes. */
	if (token_hash(token, th)) {
		if (n)
			out[0] = '\0';
		return CU_EINVAL;
	}
	return cookie(au, token, "", out, n);
}

int auth_cookie_clear(const struct auth *au, char *out, size_t n)
{
	return cookie(au, "", " Max-Age=0;", out, n);
}
