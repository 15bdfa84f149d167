/*
 * auth without a database: the password policy at and past each limit, user-name shapes,
 * argon2id hashing and its cost floor, the hash-slot semaphore, form tokens and cookies.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "web/auth.h"

static struct auth *fast_auth(int max_hashes, int busy_wait_ms, bool secure)
{
	struct auth_config cfg;
	struct auth *au = NULL;
	struct cu_err err;

	auth_config_init(&cfg);
	cfg.max_hashes = max_hashes;
	cfg.busy_wait_ms = busy_wait_ms;
	cfg.secure_cookie = secure;
	cu_err_clear(&err);
	if (auth_alloc(&cfg, &au, &err)) {
		fprintf(stderr, "auth_alloc: %s\n", err.msg);
		abort();
	}
	return au;
}

static int rule_of(const char *user, const char *pw, char *msg, size_t n)
{
	enum auth_pw_rule why = AUTH_PW__MAX;
	struct cu_err err;

	cu_err_clear(&err);
	auth_password_check(user, pw, &why, &err);
	if (msg)
		snprintf(msg, n, "%s", err.msg);
	return (int)why;
}

static void password_refused_at_eleven_and_accepted_at_twelve(void)
{
	char msg[512];

	CHECK_INT(rule_of("alice", "vk3-tq8-pzm", msg, sizeof msg), AUTH_PW_TOO_SHORT);
	CHECK_STR(msg, "password is too short (11 characters): expected at least 12");
	CHECK_INT(rule_of("alice", "vk3-tq8-pzmw", NULL, 0), AUTH_PW_OK);
	CHECK_INT(rule_of("alice", "", NULL, 0), AUTH_PW_TOO_SHORT);
	CHECK_INT(rule_of("alice", NULL, NULL, 0), AUTH_PW_TOO_SHORT);
}

static void password_refused_past_1024_bytes(void)
{
	static char pw[1100];
	uint32_t x = 2463534242u;
	char msg[512];

	for (int i = 0; i < 1025; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		pw[i] = (char)('a' + x % 26);
	}
	pw[1024] = '\0';
	CHECK_INT(rule_of("alice", pw, NULL, 0), AUTH_PW_OK);
	pw[1024] = 'q';
	pw[1025] = '\0';
	CHECK_INT(rule_of("alice", pw, msg, sizeof msg), AUTH_PW_TOO_LONG);
	CHECK_STR(msg, "password is too long: expected at most 1024 bytes");
}

static void password_refused_when_common_in_any_case(void)
{
	char msg[512];

	CHECK_INT(rule_of("alice", "PASSWORD1234", msg, sizeof msg), AUTH_PW_COMMON);
	CHECK_CONTAINS(msg, "password is too common");
	CHECK_INT(rule_of("alice", "Password1234", NULL, 0), AUTH_PW_COMMON);
	CHECK_INT(rule_of("alice", "QwErTy123456", NULL, 0), AUTH_PW_COMMON);
	CHECK_INT(rule_of("alice", "1Q2W3E4R5T6Y", NULL, 0), AUTH_PW_COMMON);
	CHECK_INT(rule_of("alice", "Correct Horse Battery Staple", NULL, 0), AUTH_PW_COMMON);
}

static void password_refused_when_a_common_word_is_padded(void)
{
	CHECK_INT(rule_of("alice", "Summer2024!!", NULL, 0), AUTH_PW_COMMON);
	CHECK_INT(rule_of("alice", "!!Welcome2024", NULL, 0), AUTH_PW_COMMON);
	CHECK_INT(rule_of("alice", "Liverpool1892", NULL, 0), AUTH_PW_COMMON);
	CHECK_INT(rule_of("alice", "NHS123456789!", NULL, 0), AUTH_PW_COMMON);
	/* A common word inside a longer phrase is not padding. */
	CHECK_INT(rule_of("alice", "summer kettle harbour", NULL, 0), AUTH_PW_OK);
}

static void password_refused_when_a_short_piece_repeats(void)
{
	CHECK_INT(rule_of("alice", "aaaaaaaaaaaa", NULL, 0), AUTH_PW_COMMON);
	CHECK_INT(rule_of("alice", "xyzwxyzwxyzw", NULL, 0), AUTH_PW_COMMON);
	CHECK_INT(rule_of("alice", "9191919191919", NULL, 0), AUTH_PW_COMMON);
	/* Five-character pieces are past the rule. */
	CHECK_INT(rule_of("alice", "vqkzrvqkzrvqkzr", NULL, 0), AUTH_PW_OK);
}

static void password_refused_when_it_contains_the_user_name(void)
{
	char msg[512];

	CHECK_INT(rule_of("bob.jones", "my-BOB.JONES-pass", msg, sizeof msg),
		  AUTH_PW_HAS_USERNAME);
	CHECK_STR(msg, "password contains the user name: choose one that does not");
	CHECK_INT(rule_of("Kestrel.Ward7", "kestrel.ward7", NULL, 0), AUTH_PW_HAS_USERNAME);
	CHECK_INT(rule_of("bob.jones", "my-bob-jones-pass", NULL, 0), AUTH_PW_OK);
	CHECK_INT(rule_of(NULL, "my-bob.jones-pass", NULL, 0), AUTH_PW_OK);
}

static void username_normalised_or_refused(void)
{
	char out[STORE_USERNAME_MAX + 1], long63[64], long64[65];
	struct cu_err err;

	cu_err_clear(&err);
	CHECK_INT(auth_username_normalise("Alice.Smith@NHS.net", out, &err), 0);
	CHECK_STR(out, "alice.smith@nhs.net");
	CHECK_INT(auth_username_normalise("abc", out, &err), 0);
	memset(long63, 'k', 63);
	long63[63] = '\0';
	memset(long64, 'k', 64);
	long64[64] = '\0';
	CHECK_INT(auth_username_normalise(long63, out, &err), 0);
	CHECK_INT(auth_username_normalise(long64, out, &err), CU_EINVAL);
	CHECK_CONTAINS(err.msg, "wrong length: expected 3 to 63 characters");
	cu_err_clear(&err);
	CHECK_INT(auth_username_normalise("ab", out, &err), CU_EINVAL);
	CHECK_STR(out, "");
	cu_err_clear(&err);
	CHECK_INT(auth_username_normalise("x' OR '1'='1", out, &err), CU_EINVAL);
	CHECK_CONTAINS(err.msg, "is not allowed: expected letters, digits and . _ - @");
	CHECK_STR(out, "");
	CHECK_INT(auth_username_normalise(".hidden", out, NULL), CU_EINVAL);
	CHECK_INT(auth_username_normalise("ann\tb", out, NULL), CU_EINVAL);
	CHECK_INT(auth_username_normalise(NULL, out, NULL), CU_EINVAL);
}

static void roles_parse_to_user_roles_only(void)
{
	CHECK_INT(auth_role_parse("administrator"), MODEL_ROLE_ADMIN);
	CHECK_INT(auth_role_parse("admin"), MODEL_ROLE_ADMIN);
	CHECK_INT(auth_role_parse("commissioner"), MODEL_ROLE_COMMISSIONER);
	CHECK_INT(auth_role_parse("provider"), MODEL_ROLE_PROVIDER);
	CHECK_INT(auth_role_parse("regulator"), MODEL_ROLE_REGULATOR);
	CHECK_INT(auth_role_parse("oversight"), MODEL_ROLE_OVERSIGHT);
	CHECK_INT(auth_role_parse("system"), -1);
	CHECK_INT(auth_role_parse("public"), -1);
	CHECK_INT(auth_role_parse("Administrator"), -1);
	CHECK_INT(auth_role_parse(NULL), -1);
}

static void hash_round_trip_and_wrong_password_refused(void)
{
	struct auth *au = fast_auth(2, 1000, false);
	char hash[STORE_PWHASH_MAX];
	struct cu_err err;

	cu_err_clear(&err);
	CHECK_INT(auth_password_hash(au, "violet kettle harbour", hash, &err), 0);
	CHECK(strncmp(hash, "$argon2id$", 10) == 0);
	CHECK(strstr(hash, "violet") == NULL);
	CHECK(auth_password_verify(hash, "violet kettle harbour"));
	CHECK(!auth_password_verify(hash, "Violet kettle harbour"));
	CHECK(!auth_password_verify(hash, "violet kettle harbou"));
	CHECK(!auth_password_verify(hash, ""));
	auth_free(au);
}

static void hash_cost_never_below_interactive(void)
{
	struct auth_config cfg;
	struct auth *au = NULL;
	char hash[STORE_PWHASH_MAX], want[64];
	struct cu_err err;

	auth_config_init(&cfg);
	cfg.opslimit = 1;
	cfg.memlimit = 8192;
	cu_err_clear(&err);
	CHECK_INT(auth_alloc(&cfg, &au, &err), 0);
	CHECK_INT(auth_config_of(au)->opslimit, crypto_pwhash_OPSLIMIT_INTERACTIVE);
	CHECK_INT(auth_config_of(au)->memlimit, crypto_pwhash_MEMLIMIT_INTERACTIVE);
	CHECK_INT(auth_password_hash(au, "violet kettle harbour", hash, &err), 0);
	snprintf(want, sizeof want, "$m=%zu,t=%llu,", (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE / 1024,
		 (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE);
	CHECK_CONTAINS(hash, want);
	auth_free(au);
}

static void bad_settings_refused(void)
{
	struct auth_config cfg;
	struct auth *au = NULL;
	struct cu_err err;

	auth_config_init(&cfg);
	cfg.max_hashes = 0;
	cu_err_clear(&err);
	CHECK_INT(auth_alloc(&cfg, &au, &err), CU_EINVAL);
	CHECK(au == NULL);
	auth_free(NULL);
}

static void hashing_busy_when_every_slot_is_taken(void)
{
	struct auth *au = fast_auth(2, 30, false);
	char hash[STORE_PWHASH_MAX];
	struct cu_err err;

	CHECK_INT(auth_hash_acquire(au), 0);
	CHECK_INT(auth_hash_acquire(au), 0);
	CHECK_INT(auth_hash_acquire(au), CU_ELIMIT);
	cu_err_clear(&err);
	CHECK_INT(auth_password_hash(au, "violet kettle harbour", hash, &err), CU_ELIMIT);
	CHECK_STR(err.msg, "the server is busy: try again in a moment");
	auth_hash_release(au);
	cu_err_clear(&err);
	CHECK_INT(auth_password_hash(au, "violet kettle harbour", hash, &err), 0);
	auth_hash_release(au);
	auth_free(au);
}

static void fake_session(struct auth_session *ss, int64_t id)
{
	memset(ss, 0, sizeof *ss);
	ss->id = id;
	randombytes_buf(ss->csrf_secret, sizeof ss->csrf_secret);
}

static void csrf_right_token_accepted_wrong_or_missing_refused(void)
{
	struct auth_session a, b;
	char tok[AUTH_CSRF_LEN], other[AUTH_CSRF_LEN], bad[AUTH_CSRF_LEN];

	fake_session(&a, 7);
	auth_csrf_token(&a, tok);
	CHECK_INT(strlen(tok), 43);
	CHECK_INT(auth_csrf_check(&a, tok), 0);
	/* Stable for the session. */
	auth_csrf_token(&a, other);
	CHECK_STR(other, tok);
	/* Missing, empty, cut, lengthened or one character changed. */
	CHECK_INT(auth_csrf_check(&a, NULL), CU_EDENIED);
	CHECK_INT(auth_csrf_check(&a, ""), CU_EDENIED);
	memcpy(bad, tok, sizeof bad);
	bad[42] = '\0';
	CHECK_INT(auth_csrf_check(&a, bad), CU_EDENIED);
	{
		char longer[64];

		snprintf(longer, sizeof longer, "%sA", tok);
		CHECK_INT(auth_csrf_check(&a, longer), CU_EDENIED);
	}
	memcpy(bad, tok, sizeof bad);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	CHECK_INT(auth_csrf_check(&a, bad), CU_EDENIED);
	/* Another session's token (other id, same secret; other secret, same id). */
	b = a;
	b.id = 8;
	auth_csrf_token(&b, other);
	CHECK(strcmp(other, tok) != 0);
	CHECK_INT(auth_csrf_check(&a, other), CU_EDENIED);
	fake_session(&b, 7);
	auth_csrf_token(&b, other);
	CHECK_INT(auth_csrf_check(&a, other), CU_EDENIED);
	auth_session_clear(&a);
	CHECK_INT(a.id, 0);
}

static void cookie_is_http_only_strict_and_secure_over_tls(void)
{
	struct auth *plain = fast_auth(1, 0, false), *tls = fast_auth(1, 0, true);
	const char *tok = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"; /* 43 characters */
	char out[AUTH_COOKIE_MAX];

	CHECK_INT(auth_cookie(plain, tok, out, sizeof out), 0);
	CHECK_STR(out, "custodian_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; HttpOnly;"
		       " SameSite=Strict; Path=/");
	CHECK_INT(auth_cookie(tls, tok, out, sizeof out), 0);
	CHECK_STR(out, "__Host-custodian_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA;"
		       " HttpOnly; SameSite=Strict; Path=/; Secure");
	CHECK_INT(auth_cookie_clear(tls, out, sizeof out), 0);
	CHECK_STR(out, "__Host-custodian_session=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/;"
		       " Secure");
	/* Nothing but a well-formed token reaches the header. */
	CHECK_INT(auth_cookie(plain, "x; Domain=evil.example", out, sizeof out), CU_EINVAL);
	CHECK_STR(out, "");
	CHECK_INT(auth_cookie(plain, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n", out, sizeof out),
		  CU_EINVAL);
	CHECK_INT(auth_cookie(plain, NULL, out, sizeof out), CU_EINVAL);
	CHECK_INT(auth_cookie(plain, tok, out, 40), CU_ELIMIT);
	CHECK_STR(out, "");
	auth_free(plain);
	auth_free(tls);
}

static void status_messages_do_not_say_which_part_was_wrong(void)
{
	struct auth *au = fast_auth(1, 0, false);

	CHECK_STR(auth_status_message(au, AUTH_BAD_CREDENTIALS),
		  "the user name or password is not right");
	CHECK_STR(auth_status_message(au, AUTH_THROTTLED),
		  "too many failed sign-ins: wait 15 minutes and try again");
	CHECK_STR(auth_status_message(au, AUTH_BUSY), "the server is busy: try again in a moment");
	auth_free(au);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(password_refused_at_eleven_and_accepted_at_twelve);
	RUN(password_refused_past_1024_bytes);
	RUN(password_refused_when_common_in_any_case);
	RUN(password_refused_when_a_common_word_is_padded);
	RUN(password_refused_when_a_short_piece_repeats);
	RUN(password_refused_when_it_contains_the_user_name);
	RUN(username_normalised_or_refused);
	RUN(roles_parse_to_user_roles_only);
	RUN(hash_round_trip_and_wrong_password_refused);
	RUN(hash_cost_never_below_interactive);
	RUN(bad_settings_refused);
	RUN(hashing_busy_when_every_slot_is_taken);
	RUN(csrf_right_token_accepted_wrong_or_missing_refused);
	RUN(cookie_is_http_only_strict_and_secure_over_tls);
	RUN(status_messages_do_not_say_which_part_was_wrong);
	return test_done();
}
