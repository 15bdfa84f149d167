/*
 * Sign-in and sign-out. The sign-in form has no session yet, so its forgery check is a
 * double submit: GET /sign-in sets a random cookie (HttpOnly, SameSite=Strict) and puts the
 * same value in the form; POST /sign-in must carry both, equal. Every answer to a wrong name
 * or password is the same, whether or not the account exists (auth.c makes the timing match).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "web/app.h"

#define PRE_LEN 44

static void set_pre_cookie(struct page *pg, const char *value)
{
	snprintf(pg->res->cookies[pg->res->ncookies++], sizeof pg->res->cookies[0],
		 "%s=%s; HttpOnly; SameSite=Strict; Path=/sign-in%s", APP_PRE_COOKIE, value,
		 pg->req->secure ? "; Secure" : "");
}

/* The form, with an error summary when ERROR is set (the user name typed is kept). */
static void signin_form(struct page *pg, const char *error, const char *username)
{
	struct html *h = &pg->h;
	unsigned char raw[32];
	char pre[PRE_LEN];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(pre, sizeof pre, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	set_pre_cookie(pg, pre);
	page_start(pg, error ? "Error: Sign in" : "Sign in");
	if (error) {
		const char *field = "username";

		page_error_summary(h, &error, &field, 1);
	}
	html_elem(h, HTML_H1, NULL, "Sign in");
	html_open(h, HTML_FORM, HTML_ATTR_METHOD, "post", HTML_ATTR_ACTION, "/sign-in", -1);
	html_void(h, HTML_INPUT, HTML_ATTR_TYPE, "hidden", HTML_ATTR_NAME, "pre", HTML_ATTR_VALUE,
		  pre, -1);
	html_open(h, HTML_DIV, HTML_ATTR_CLASS,
		  error ? "nhsuk-form-group nhsuk-form-group--error" : "nhsuk-form-group", -1);
	html_open(h, HTML_LABEL, HTML_ATTR_CLASS, "nhsuk-label", HTML_ATTR_FOR, "username", -1);
	html_text(h, "User name");
	html_close(h);
	html_void(h, HTML_INPUT, HTML_ATTR_CLASS, "nhsuk-input nhsuk-u-width-one-half", HTML_ATTR_ID,
		  "username", HTML_ATTR_NAME, "username", HTML_ATTR_TYPE, "text",
		  HTML_ATTR_AUTOCOMPLETE, "username", HTML_ATTR_VALUE, username ? username : "",
		  HTML_ATTR_REQUIRED, "required", -1);
	html_close(h);
	html_open(h, HTML_DIV, HTML_ATTR_CLASS, "nhsuk-form-group", -1);
	html_open(h, HTML_LABEL, HTML_ATTR_CLASS, "nhsuk-label", HTML_ATTR_FOR, "password", -1);
	html_text(h, "Password");
	html_close(h);
	html_void(h, HTML_INPUT, HTML_ATTR_CLASS, "nhsuk-input nhsuk-u-width-one-half", HTML_ATTR_ID,
		  "password", HTML_ATTR_NAME, "password", HTML_ATTR_TYPE, "password",
		  HTML_ATTR_AUTOCOMPLETE, "current-password", HTML_ATTR_REQUIRED, "required", -1);
	html_close(h);
	html_open(h, HTML_BUTTON, HTML_ATTR_CLASS, "nhsuk-button", HTML_ATTR_TYPE, "submit", -1);
	html_text(h, "Sign in");
	html_close(h);
	html_close(h);
	page_end(pg);
}

void page_signin_form(struct page *pg)
{
	if (pg->ss) {
		page_redirect(pg, "/");
		return;
	}
	signin_form(pg, NULL, NULL);
}

void page_signin(struct page *pg)
{
	const char *user = web_form(pg->req, "username"), *pw = web_form(pg->req, "password");
	const char *pre = web_form(pg->req, "pre"), *cookie = pg->req->cookie_pre;
	char token[AUTH_TOKEN_LEN], set[AUTH_COOKIE_MAX];
	struct cu_err err;
	enum auth_status st;

	if (!pre || !cookie || strlen(pre) != strlen(cookie) || strlen(pre) != PRE_LEN - 1 ||
	    sodium_memcmp(pre, cookie, PRE_LEN - 1) != 0) {
		pg->res->status = 403;
		signin_form(pg, "The form was out of date: sign in again", user);
		return;
	}
	if (!user || !pw || !*user || !*pw) {
		pg->res->status = 400;
		signin_form(pg, "Enter your user name and password", user);
		return;
	}
	cu_err_clear(&err);
	st = auth_sign_in(pg->req->auth, pg->s, user, pw, pg->req->client_addr, pg->req->now, token,
			  NULL, &err);
	if (st != AUTH_OK) {
		pg->res->status = st == AUTH_ERROR ? 500 : st == AUTH_BAD_CREDENTIALS ? 401 : 429;
		signin_form(pg, auth_status_message(pg->req->auth, st), user);
		return;
	}
	if (auth_cookie(pg->req->auth, token, set, sizeof set) == 0)
		snprintf(pg->res->cookies[pg->res->ncookies++], sizeof pg->res->cookies[0], "%s", set);
	set_pre_cookie(pg, "x; Max-Age=0");
	sodium_memzero(token, sizeof token);
	page_redirect(pg, "/");
}

void page_signout(struct page *pg)
{
	char set[AUTH_COOKIE_MAX];
	struct cu_err err;

	cu_err_clear(&err);
	auth_sign_out(pg->req->auth, pg->s, pg->req->cookie_session, &err);
	if (auth_cookie_clear(pg->req->auth, set, sizeof set) == 0)
		snprintf(pg->res->cookies[pg->res->ncookies++], sizeof pg->res->cookies[0], "%s", set);
	page_redirect(pg, "/sign-in");
}
