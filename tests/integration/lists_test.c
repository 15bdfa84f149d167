/*
 * Every list page sorted and paged through the one mechanism (web/app.h page_list), on the real
 * server with a real SQLite file. The test makes enough rows for two or more pages of each
 * list (providers, organisations, users, imports, commissioning relationships, the indicator
 * catalogue) with values it chooses: names in mixed case, ties on purpose, one hostile name in
 * each. For every sortable column, both directions and every page, the page must hold exactly
 * the rows the test expects, cell by cell, in the order it expects. The expected order comes
 * from the test's own data and the documented rule (text without regard to ASCII case, then
 * byte by byte; numbers by value; false before true; ties by the list's default column, then
 * in the store's own order, which the test knows from the store's documented ORDER BY), never
 * from running the code.
 *
 * Then the hostile query: unknown sort keys and directions, page numbers that are zero,
 * negative, past the end, huge or not numbers at all, each falling back to the default view
 * with 200; hostile names are escaped on whichever page they land.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store/store.h"
#include "support/http.h"
#include "test.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/server.h"

static char dir[] = "/tmp/cu-lists-XXXXXX";
static const char *PW = "plum kettle orbit 9 lantern";
static char cookie[HTTP_COOKIE_MAX], csrf[HTTP_CSRF_MAX];

/* The hostile text each list carries somewhere: markup, an ampersand and both quotes. */
#define HOSTILE "<img src=x onerror=alert(1)> & \"Quote\" 'Apos'"

/* ---- what the test made: each list's rows as the page should show them ---- */

#define MAXROWS 160
#define MAXCOLS 6
#define CELL 320
#define ROWTEXT (MAXCOLS * CELL)

struct trow {
	char cell[MAXCOLS][CELL];  /* what each cell shows */
	char sortby[MAXCOLS][CELL]; /* what each column sorts by, when it is not what it shows */
	long long num[MAXCOLS];     /* numeric columns' values */
	char store_key[2 * CELL];   /* byte order of these is the store's order of the rows */
	int store_pos;
};

struct tlist {
	const char *path;
	size_t ncols;
	const char *key[MAXCOLS];
	bool numeric[MAXCOLS];
	bool by_sortby[MAXCOLS];    /* compare sortby[] rather than cell[] */
	bool desc_first[MAXCOLS];
	size_t def;                 /* the default column */
	size_t n;
	struct trow *rows;          /* MAXROWS of them, in rowstore */
};

enum { L_PROVIDERS, L_ORGS, L_USERS, L_IMPORTS, L_RELS, L_CATALOGUE, NLIST };
static struct tlist lists[NLIST] = {
	[L_PROVIDERS] = { "/providers", 3, { "code", "name", "postcode" }, { 0 }, { 0 }, { 0 }, 1,
			  0, NULL },
	[L_ORGS] = { "/admin/organisations", 5, { "code", "name", "kind", "parent", "postcode" },
		     { 0 }, { false, false, false, true, false }, { 0 }, 1, 0, NULL },
	[L_USERS] = { "/admin/users", 6, { "username", "name", "role", "org", "status", "created" },
		      { 0 }, { false, false, false, true, true, false },
		      { false, false, false, false, false, true }, 0, 0, NULL },
	[L_IMPORTS] = { "/imports", 6, { "started", "file", "format", "by", "rows", "observations" },
			{ false, false, false, false, true, true }, { 0 },
			{ true, false, false, false, true, true }, 0, 0, NULL },
	[L_RELS] = { "/admin/relationships", 4, { "commissioner", "provider", "coordinating", "since" },
		     { 0 }, { true, true, true, false }, { false, false, true, true }, 0, 0, NULL },
	[L_CATALOGUE] = { "/admin/catalogue", 6,
			  { "code", "title", "service", "domain", "measure", "better" }, { 0 }, { 0 },
			  { 0 }, 2, 0, NULL },
};

static struct trow rowstore[NLIST][MAXROWS];

static struct trow *add_row(struct tlist *l)
{
	struct trow *r;

	if (l->n >= MAXROWS) {
		fprintf(stderr, "lists_test: too many rows for %s\n", l->path);
		exit(2);
	}
	r = &l->rows[l->n++];
	memset(r, 0, sizeof *r);
	return r;
}

/* Format into the array DST, cut to its size. */
#define set(dst, ...) snprintf((dst), sizeof(dst), __VA_ARGS__)

/* Number the rows in the store's order: their store keys in byte order. */
static int by_store_key(const void *a, const void *b)
{
	return strcmp((*(struct trow *const *)a)->store_key, (*(struct trow *const *)b)->store_key);
}

static void number_store_order(struct tlist *l)
{
	struct trow *p[MAXROWS];

	for (size_t i = 0; i < l->n; i++)
		p[i] = &l->rows[i];
	qsort(p, l->n, sizeof *p, by_store_key);
	for (size_t i = 0; i < l->n; i++)
		p[i]->store_pos = (int)i;
}

/* ---- the world ---- */

static int64_t clock_us;
static int64_t test_clock(void *arg)
{
	(void)arg;
	return clock_us;
}

/* 2025-01-01T10:00:00Z and S seconds, as the store writes times. */
#define T0 1735725600LL
static void iso_at(long long s, char *out, size_t n)
{
	time_t t = (time_t)(T0 + s);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
}

/* Mixed-case words: the byte order of names made from them is not their order regardless of
 * case, so a list sorted bytewise would fail. Two words make 120 different names. */
static const char *const w1[10] = { "alder", "Birch", "cedar", "Damson", "elm",
				    "Fir", "ginkgo", "Hazel", "ivy", "Juniper" };
static const char *const w2[12] = { "Abbey", "brook", "Castle", "dale", "End", "field",
				    "Gate", "heath", "Isle", "jetty", "Knoll", "lea" };
static void name_of(int i, const char *suffix, char *out, size_t n)
{
	snprintf(out, n, "%s %s %s", w1[i % 10], w2[(i / 10) % 12], suffix);
}

static const char *const comm_code[8] = { "C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08" };
static const char *const comm_name[8] = { "kestrel ICB", "Albatross ICB", "Heron ICB",
					  "bittern ICB", "Osprey ICB", "curlew ICB",
					  "Merlin ICB", "dunlin ICB" };
#define NPROV 57
static const char *const postcodes[6] = { "LS1 4AA", "ls2 9JT", "M1 1AA", "B1 1BB", "ls1 4ab",
					  "E1 6AN" };
static char prov_code[NPROV + 1][CU_MAX_CODE + 1], prov_name[NPROV + 1][CELL];

static int fail_setup(const char *what, const struct cu_err *err)
{
	fprintf(stderr, "setup: %s: %s\n", what, err->msg);
	return -1;
}

static int make_orgs(struct store *s, const struct cu_actor *sys, struct cu_err *err)
{
	struct tlist *pl = &lists[L_PROVIDERS], *ol = &lists[L_ORGS];

	for (int c = 0; c < 8; c++) {
		struct store_org o = { .kind = MODEL_ORG_COMMISSIONER };
		struct trow *r = add_row(ol);

		set(o.code, "%s", comm_code[c]);
		set(o.name, "%s", comm_name[c]);
		if (store_org_put(s, sys, &o, NULL, err))
			return fail_setup("commissioner", err);
		set(r->cell[0], "%s", o.code);
		set(r->cell[1], "%s", o.name);
		set(r->cell[2], "commissioner");
		set(r->cell[3], "-");
		set(r->sortby[3], "%s", "");
		set(r->cell[4], "%s", "");
		set(r->store_key, "%s", o.name);
	}
	/* 57 providers, then one with a hostile name (index NPROV). */
	for (int i = 0; i <= NPROV; i++) {
		struct store_org o = { .kind = MODEL_ORG_PROVIDER };
		struct trow *p = add_row(pl), *r = add_row(ol);

		if (i < NPROV)
			set(o.code, "P%03d", i + 1);
		else
			set(o.code, "PZZ");
		if (i < NPROV)
			name_of((i * 23 + 5) % NPROV, "Hospitals", o.name, sizeof o.name);
		else
			set(o.name, "%s Trust", HOSTILE);
		set(o.postcode, "%s", i < NPROV ? postcodes[i % 6] : "");
		if (i < NPROV && i % 5 == 0)
			set(o.parent, "%s", comm_code[i % 8]);
		if (store_org_put(s, sys, &o, NULL, err))
			return fail_setup("provider", err);
		set(prov_code[i], "%s", o.code);
		set(prov_name[i], "%s", o.name);
		set(p->cell[0], "%s", o.code);
		set(p->cell[1], "%s", o.name);
		set(p->cell[2], "%s", o.postcode);
		set(p->store_key, "%s", o.name);
		set(r->cell[0], "%s", o.code);
		set(r->cell[1], "%s", o.name);
		set(r->cell[2], "provider");
		set(r->cell[3], "%s", o.parent[0] ? o.parent : "-");
		set(r->sortby[3], "%s", o.parent);
		set(r->cell[4], "%s", o.postcode);
		set(r->store_key, "%s", o.name);
	}
	return 0;
}

/* 8 commissioners x 7 providers, and C01 with the hostile provider: 57 relationships. */
static int make_relationships(struct store *s, const struct cu_actor *sys, struct cu_err *err)
{
	struct tlist *l = &lists[L_RELS];

	for (int k = 0; k < 57; k++) {
		int c = k < 56 ? k / 7 : 0, p = k < 56 ? (c * 7 + k % 7) % NPROV : NPROV;
		bool coord = k % 3 == 0;
		struct trow *r = add_row(l);

		clock_us = (T0 + (k * 29 + 3) % 57 * 60) * 1000000LL;
		if (store_commissioning_put(s, sys, comm_code[c], prov_code[p], coord, err))
			return fail_setup("relationship", err);
		set(r->cell[0], "%s (%s)", comm_name[c], comm_code[c]);
		set(r->sortby[0], "%s", comm_name[c]);
		set(r->cell[1], "%s (%s)", prov_name[p], prov_code[p]);
		set(r->sortby[1], "%s", prov_name[p]);
		set(r->cell[2], "%s", coord ? "yes" : "no");
		set(r->sortby[2], "%d", coord);
		iso_at((k * 29 + 3) % 57 * 60, r->cell[3], sizeof r->cell[3]);
		/* The store lists by commissioner name, then provider name. */
		snprintf(r->store_key, sizeof r->store_key, "%s\x01%s", comm_name[c], prov_name[p]);
	}
	return 0;
}

/* 119 users with a stand-in hash (they never sign in), and ada, the administrator. */
static int make_users(struct store *s, const struct cu_actor *sys, struct cu_err *err)
{
	static const enum model_role roles[4] = { MODEL_ROLE_COMMISSIONER, MODEL_ROLE_PROVIDER,
						  MODEL_ROLE_REGULATOR, MODEL_ROLE_ADMIN };
	static const char *const role_word[4] = { "commissioner", "provider", "regulator",
						  "admin" };
	struct tlist *l = &lists[L_USERS];
	struct auth *au;
	struct trow *r;

	for (int i = 0; i < 119; i++) {
		struct store_user u = { .role = roles[i % 4] };
		long long at = (i * 37 + 11) % 119 * 61;

		r = add_row(l);
		set(u.username, "user%03d", i);
		if (i == 60)
			set(u.display_name, "%s", HOSTILE);
		else
			name_of((i * 53 + 7) % 119, "Smith", u.display_name, sizeof u.display_name);
		if (u.role == MODEL_ROLE_COMMISSIONER)
			set(u.org_code, "%s", comm_code[i % 8]);
		else if (u.role == MODEL_ROLE_PROVIDER)
			set(u.org_code, "%s", prov_code[i % NPROV]);
		clock_us = (T0 + at) * 1000000LL;
		if (store_user_add(s, sys, &u, "$argon2id$v=19$m=65536,t=2,p=1$stand-in", NULL, err))
			return fail_setup("user", err);
		if (i % 7 == 3 && store_user_set_disabled(s, sys, u.username, true, err))
			return fail_setup("disabling a user", err);
		set(r->cell[0], "%s", u.username);
		set(r->cell[1], "%s", u.display_name);
		set(r->cell[2], "%s", role_word[i % 4]);
		set(r->cell[3], "%s", u.org_code[0] ? u.org_code : "-");
		set(r->sortby[3], "%s", u.org_code);
		set(r->cell[4], "%s", i % 7 == 3 ? "disabled" : "active");
		set(r->sortby[4], "%d", i % 7 == 3);
		iso_at(at, r->cell[5], sizeof r->cell[5]);
		set(r->store_key, "%s", u.username);
	}
	clock_us = (T0 + 7777) * 1000000LL;
	if (auth_alloc(NULL, &au, err) ||
	    auth_user_add(au, s, sys, "ada", "Ada Admin", MODEL_ROLE_ADMIN, NULL, PW, NULL, err))
		return fail_setup("ada", err);
	auth_free(au);
	r = add_row(l);
	set(r->cell[0], "ada");
	set(r->cell[1], "Ada Admin");
	set(r->cell[2], "admin");
	set(r->cell[3], "-");
	set(r->sortby[3], "%s", "");
	set(r->cell[4], "active");
	set(r->sortby[4], "0");
	iso_at(7777, r->cell[5], sizeof r->cell[5]);
	set(r->store_key, "ada");
	return 0;
}

/* 55 imports recorded as an import records them, by four different actors. */
static int make_imports(struct store *s, struct cu_err *err)
{
	static const char *const profiles[3] = { "custodian", "ae_attendances", "maternity" };
	static const char *const actors[4] = { "zoe", "Amir", "bob", "Carla" };
	struct tlist *l = &lists[L_IMPORTS];

	for (int i = 0; i < 55; i++) {
		struct cu_actor a = { .role = MODEL_ROLE_SYSTEM };
		struct store_import im = { 0 };
		long long at = (i * 17 + 4) % 55 * 3600;
		struct trow *r = add_row(l);

		set(a.name, "%s", actors[i % 4]);
		if (i == 20)
			set(im.file_name, "%s.csv", HOSTILE);
		else
			name_of((i * 31 + 2) % 55, "return.csv", im.file_name, sizeof im.file_name);
		snprintf(im.sha256, sizeof im.sha256, "%064d", i + 1);
		set(im.profile, "%s", profiles[i % 3]);
		iso_at(at, im.started_at, sizeof im.started_at);
		iso_at(at + 60, im.finished_at, sizeof im.finished_at);
		im.rows_read = (i * 7) % 10 * 100;
		im.rows_accepted = im.rows_read;
		im.observations = (i * 13) % 55 * 3;
		if (store_begin(s, err) || store_import_next_id(s, &im.id, err) ||
		    store_import_record(s, &a, &im, err) || store_commit(s, err))
			return fail_setup("import", err);
		set(r->cell[0], "%s", im.started_at);
		set(r->cell[1], "%s", im.file_name);
		set(r->cell[2], "%s", im.profile);
		set(r->cell[3], "%s", a.name);
		set(r->cell[4], "%lld", (long long)im.rows_read);
		r->num[4] = im.rows_read;
		set(r->cell[5], "%lld", (long long)im.observations);
		r->num[5] = im.observations;
		/* The store lists the newest import (the highest id) first. */
		set(r->store_key, "%06lld", 999999 - (long long)im.id);
	}
	return 0;
}

/* Three services whose names and codes disagree on order, and 60 indicators. */
static int make_catalogue(struct store *s, const struct cu_actor *sys, struct cu_err *err)
{
	static const char *const svc_code[3] = { "SVA", "SVB", "SVC" };
	static const char *const svc_name[3] = { "Zebra services", "alpha services", "Mid services" };
	static const char *const domain_title[3] = { "Safety", "Effectiveness",
						     "Patient experience" };
	static const char *const measure[5] = { "proportion", "rate", "count", "mean", "ratio" };
	static const char *const better[3] = { "higher", "lower", "neither" };
	struct tlist *l = &lists[L_CATALOGUE];

	for (int k = 0; k < 3; k++) {
		struct store_service v = { 0 };

		set(v.code, "%s", svc_code[k]);
		set(v.name, "%s", svc_name[k]);
		if (store_service_put(s, sys, &v, err))
			return fail_setup("service", err);
	}
	for (int i = 0; i < 60; i++) {
		struct store_indicator v = { .multiplier = 1 };
		int svc = (i * 7) % 3;
		struct trow *r = add_row(l);

		set(v.code, "I%02d", i);
		if (i == 33)
			set(v.title, "%s", HOSTILE);
		else
			name_of((i * 43 + 9) % 60, "rate", v.title, sizeof v.title);
		set(v.service, "%s", svc_code[svc]);
		v.domain = (enum model_domain)(i % 3);
		v.measure = (enum model_measure)(i % 5);
		v.polarity = (enum model_polarity)(i / 2 % 3);
		set(v.unit, "%%");
		set(v.definition, "made by the lists test");
		set(v.source, "lists test");
		if (store_indicator_put(s, sys, &v, err))
			return fail_setup("indicator", err);
		set(r->cell[0], "%s", v.code);
		set(r->cell[1], "%s", v.title);
		set(r->cell[2], "%s", v.service);
		set(r->cell[3], "%s", domain_title[i % 3]);
		set(r->cell[4], "%s", measure[i % 5]);
		set(r->cell[5], "%s", better[i / 2 % 3]);
		/* The store lists by service name, then indicator code. */
		snprintf(r->store_key, sizeof r->store_key, "%s\x01%s", svc_name[svc], v.code);
	}
	return 0;
}

static int setup(const char *db)
{
	static const struct cu_actor sys = { .name = "test", .role = MODEL_ROLE_SYSTEM };
	struct store *s;
	struct cu_err err;
	int rc;

	cu_err_clear(&err);
	for (int i = 0; i < NLIST; i++)
		lists[i].rows = rowstore[i];
	if (store_open(db, STORE_OPEN_CREATE, &s, &err))
		return fail_setup("open", &err);
	clock_us = T0 * 1000000LL;
	store_set_clock(s, test_clock, NULL);
	rc = make_orgs(s, &sys, &err) || make_relationships(s, &sys, &err) ||
	     make_users(s, &sys, &err) || make_imports(s, &err) || make_catalogue(s, &sys, &err);
	store_close(s);
	for (int i = 0; i < NLIST; i++)
		number_store_order(&lists[i]);
	return rc ? -1 : 0;
}

/* ---- what the page shows ---- */

/* Append the text of HTML [P, E) to OUT (room N) with tags left out and entities decoded. */
static void text_of(const char *p, const char *e, char *out, size_t n)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		     { "&#39;", '\'' } };
	size_t k = strlen(out);

	while (p < e && k + 1 < n) {
		if (*p == '<') {
			const char *q = memchr(p, '>', (size_t)(e - p));

			p = q ? q + 1 : e;
			continue;
		}
		if (*p == '&') {
			size_t j;

			for (j = 0; j < sizeof ents / sizeof *ents; j++)
				if (strncmp(p, ents[j].ent, strlen(ents[j].ent)) == 0)
					break;
			if (j < sizeof ents / sizeof *ents) {
				out[k++] = ents[j].c;
				p += strlen(ents[j].ent);
				continue;
			}
		}
		out[k++] = *p++;
	}
	out[k] = '\0';
}

/* The rows of the table in the last reply, each as its cells' text joined by tabs. */
static size_t shown_rows(char (*out)[ROWTEXT], size_t max)
{
	const char *p = strstr(http_body(), "<tbody"), *end;
	size_t n = 0;

	if (!p || !(end = strstr(p, "</tbody>")))
		return 0;
	while (n < max && (p = strstr(p, "<tr")) && p < end) {
		const char *tr_end = strstr(p, "</tr>");
		bool first = true;

		out[n][0] = '\0';
		if (!tr_end)
			break;
		while ((p = strstr(p, "<td")) && p < tr_end) {
			const char *c = strchr(p, '>'), *ce = c ? strstr(c, "</td>") : NULL;

			if (!ce)
				break;
			c++;
			if (!first)
				strncat(out[n], "\t", ROWTEXT - strlen(out[n]) - 1);
			text_of(c, ce, out[n], ROWTEXT);
			first = false;
			p = ce;
		}
		n++;
		p = tr_end;
	}
	return n;
}

static void row_text(const struct tlist *l, const struct trow *r, char out[ROWTEXT])
{
	out[0] = '\0';
	for (size_t c = 0; c < l->ncols; c++) {
		if (c)
			strncat(out, "\t", ROWTEXT - strlen(out) - 1);
		strncat(out, r->cell[c], ROWTEXT - strlen(out) - 1);
	}
}

/* ---- what the page should show: the test's own order ---- */

static const struct tlist *sort_list;
static size_t sort_col;
static bool sort_desc;

/* Rows X and Y by column C of the list being sorted, ascending: text regardless of ASCII
 * case, then byte by byte; numbers by value. */
static int by_column(const struct trow *x, const struct trow *y, size_t c)
{
	const char *p, *q;
	int r;

	if (sort_list->numeric[c])
		return (x->num[c] > y->num[c]) - (x->num[c] < y->num[c]);
	p = sort_list->by_sortby[c] ? x->sortby[c] : x->cell[c];
	q = sort_list->by_sortby[c] ? y->sortby[c] : y->cell[c];
	r = strcasecmp(p, q);
	return r ? r : strcmp(p, q);
}

/* The documented rule: the column asked for, in the direction asked for; ties by the default
 * column in its first direction; ties on both in the store's order. */
static int expected_cmp(const void *a, const void *b)
{
	const struct trow *x = *(const struct trow *const *)a, *y = *(const struct trow *const *)b;
	size_t def = sort_list->def;
	int r = by_column(x, y, sort_col);

	if (sort_desc)
		r = -r;
	if (!r && sort_col != def)
		r = sort_list->desc_first[def] ? -by_column(x, y, def) : by_column(x, y, def);
	return r ? r : x->store_pos - y->store_pos;
}

static void expected_order(const struct tlist *l, size_t col, bool desc,
			   const struct trow **out)
{
	for (size_t i = 0; i < l->n; i++)
		out[i] = &l->rows[i];
	sort_list = l;
	sort_col = col;
	sort_desc = desc;
	qsort(out, l->n, sizeof *out, expected_cmp);
}

static size_t npages(const struct tlist *l)
{
	return (l->n + PAGE_ROWS - 1) / PAGE_ROWS;
}

static char got[PAGE_ROWS + 1][ROWTEXT];

/* The last reply holds page PAGE (1-based) of L in ORDER. */
static void check_page(const struct tlist *l, const struct trow *const *order, size_t page,
		       const char *what)
{
	size_t first = (page - 1) * PAGE_ROWS, want = l->n - first < PAGE_ROWS ? l->n - first
									       : PAGE_ROWS;
	size_t n = shown_rows(got, PAGE_ROWS + 1);
	char exp[ROWTEXT];

	if (n != want) {
		test_fail(__FILE__, __LINE__, "%s: %zu rows, expected %zu", what, n, want);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		row_text(l, order[first + i], exp);
		if (strcmp(got[i], exp) != 0) {
			test_fail(__FILE__, __LINE__, "%s: row %zu is \"%s\", expected \"%s\"", what,
				  first + i + 1, got[i], exp);
			return;
		}
	}
}

static int get(const char *path)
{
	return http_get(cookie, path);
}

/* ---- the tests ---- */

/* Each list really spans pages: the test's data is what the store holds. */
static void every_list_spans_two_pages_or_more(void)
{
	for (int i = 0; i < NLIST; i++) {
		CHECK(lists[i].n > PAGE_ROWS);
		CHECK_INT(get(lists[i].path), 200);
		CHECK_INT(shown_rows(got, PAGE_ROWS + 1), PAGE_ROWS);
		CHECK_CONTAINS(http_body(), "Next page");
		CHECK(strstr(http_body(), "Previous page") == NULL);
	}
	CHECK_INT(npages(&lists[L_USERS]), 3);
}

/* Every sortable column, both directions, every page: exactly the expected rows in order,
 * with aria-sort on the sorted heading only, and the pager's links keeping the order. */
static void every_column_sorts_both_ways_on_every_page(void)
{
	static const struct trow *order[MAXROWS];

	for (int li = 0; li < NLIST; li++) {
		const struct tlist *l = &lists[li];

		for (size_t c = 0; c < l->ncols; c++)
			for (int d = 0; d < 2; d++) {
				const char *dn = d ? "desc" : "asc";

				expected_order(l, c, d, order);
				for (size_t p = 1; p <= npages(l); p++) {
					char url[256], what[300], s[512];
					const char *b;

					snprintf(url, sizeof url, "%s?sort=%s&dir=%s&page=%zu", l->path,
						 l->key[c], dn, p);
					snprintf(what, sizeof what, "GET %s", url);
					if (get(url) != 200) {
						test_fail(__FILE__, __LINE__, "%s: not 200", what);
						continue;
					}
					check_page(l, order, p, what);
					b = http_body();
					/* The sorted heading says so, and links to the other way. */
					snprintf(s, sizeof s,
						 "aria-sort=\"%s\"><a href=\"%s?sort=%s&amp;dir=%s\">",
						 d ? "descending" : "ascending", l->path, l->key[c],
						 d ? "asc" : "desc");
					CHECK_CONTAINS(b, s);
					b = strstr(b, "aria-sort");
					CHECK(b && strstr(b + 1, "aria-sort") == NULL);
					snprintf(s, sizeof s, "Page %zu of %zu", p, npages(l));
					CHECK_CONTAINS(b, s);
					snprintf(s, sizeof s, "href=\"%s?sort=%s&amp;dir=%s&amp;page=%zu\"",
						 l->path, l->key[c], dn, p + 1);
					CHECK((strstr(b, s) != NULL) == (p < npages(l)));
					snprintf(s, sizeof s, "href=\"%s?sort=%s&amp;dir=%s&amp;page=%zu\"",
						 l->path, l->key[c], dn, p - 1);
					CHECK((strstr(b, s) != NULL) == (p > 1));
				}
			}
	}
}

/* Without a query each list shows its default column in its first direction, page 1; the
 * other headings link to their own first direction. */
static void defaults_without_a_query(void)
{
	static const struct trow *order[MAXROWS];

	for (int li = 0; li < NLIST; li++) {
		const struct tlist *l = &lists[li];
		char s[300];

		expected_order(l, l->def, l->desc_first[l->def], order);
		CHECK_INT(get(l->path), 200);
		check_page(l, order, 1, l->path);
		for (size_t c = 0; c < l->ncols; c++) {
			if (c == l->def)
				continue;
			snprintf(s, sizeof s, "<a href=\"%s?sort=%s&amp;dir=%s\">", l->path,
				 l->key[c], l->desc_first[c] ? "desc" : "asc");
			CHECK_CONTAINS(http_body(), s);
		}
	}
	/* The imports history is newest first: the test's latest start time leads. */
	CHECK_INT(get("/imports"), 200);
	CHECK_CONTAINS(http_body(), "aria-sort=\"descending\"><a href=\"/imports?sort=started&amp;"
				    "dir=asc\">Started</a>");
}

/* Unknown sort keys and directions, and page numbers that are no page, give the default view
 * (or that column's first direction), never an error. */
static void bad_query_values_fall_back(void)
{
	static const struct trow *order[MAXROWS];
	static const char *const bad_sort[] = {
		"bogus", "", "NAME", "name%3BDROP%20TABLE%20app_user", "%3Cscript%3E",
		"password_hash", "name%20", "0", "-1",
	};
	static const char *const bad_page[] = {
		"0", "-1", "abc", "", "99999999999999999999999999", "2.5", "1e3", "+", "%20%32",
		"2x", "0x2", "4", "-9223372036854775808", "%3Cb%3E",
	};
	static const char *const bad_dir[] = { "up", "", "DESC", "descending", "%3Cb%3E" };
	const struct tlist *l = &lists[L_USERS];
	char url[2300];

	expected_order(l, 0, false, order);
	for (size_t i = 0; i < sizeof bad_sort / sizeof *bad_sort; i++) {
		snprintf(url, sizeof url, "/admin/users?sort=%s", bad_sort[i]);
		CHECK_INT(get(url), 200);
		check_page(l, order, 1, url);
	}
	for (size_t i = 0; i < sizeof bad_page / sizeof *bad_page; i++) {
		snprintf(url, sizeof url, "/admin/users?sort=username&dir=asc&page=%s", bad_page[i]);
		CHECK_INT(get(url), 200);
		check_page(l, order, 1, url);
		CHECK_CONTAINS(http_body(), "Page 1 of 3");
	}
	/* A sort key that is too long to be anything. */
	{
		size_t k = strlen("/admin/users?sort=");

		memcpy(url, "/admin/users?sort=", k);
		memset(url + k, 'a', 1500);
		url[k + 1500] = '\0';
		CHECK_INT(get(url), 200);
		check_page(l, order, 1, "a 1500-byte sort key");
	}
	/* A bad direction: the column's own first direction (created: newest first). */
	expected_order(l, 5, true, order);
	for (size_t i = 0; i < sizeof bad_dir / sizeof *bad_dir; i++) {
		snprintf(url, sizeof url, "/admin/users?sort=created&dir=%s&page=2", bad_dir[i]);
		CHECK_INT(get(url), 200);
		check_page(l, order, 2, url);
	}
	/* The query is never written back into the page. */
	CHECK_INT(get("/admin/users?sort=%3Cscript%3Ex&dir=%3Cb%3E&page=%3Ci%3E"), 200);
	CHECK(strstr(http_body(), "<script>x") == NULL);
	CHECK(strstr(http_body(), "&lt;script&gt;x") == NULL);
	/* The same on a list whose default is descending. */
	expected_order(&lists[L_IMPORTS], 0, true, order);
	CHECK_INT(get("/imports?sort=nope&dir=sideways&page=-3"), 200);
	check_page(&lists[L_IMPORTS], order, 1, "imports with a bad query");
}

/* Each list's hostile name shows as text on the page it sorts onto, and makes no element. */
static void hostile_names_are_escaped_wherever_they_land(void)
{
	static const char *const pages[] = {
		"/providers?sort=name&dir=asc&page=1",     "/providers?sort=name&dir=desc&page=2",
		"/admin/organisations?sort=name&dir=asc",  "/admin/users?sort=name&dir=asc",
		"/admin/users?sort=name&dir=desc&page=3",  "/imports?sort=file&dir=asc",
		"/imports?sort=file&dir=desc&page=2",      "/admin/relationships?sort=provider",
		"/admin/catalogue?sort=title&dir=asc",     "/admin/catalogue?sort=title&dir=desc&page=2",
	};

	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
		CHECK_INT(get(pages[i]), 200);
		CHECK_CONTAINS(http_body(), "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Quote&quot; "
					    "&#39;Apos&#39;");
		CHECK(strstr(http_body(), "<img") == NULL);
	}
}

/* The validation on its own, as a pure function: every value that is not one of the list's
 * own falls back, and the page count follows the row count. */
static void view_validates_its_query(void)
{
	static const struct page_col cols[] = {
		{ "A", "a", PAGE_SORT_TEXT, 0, NULL, false },
		{ "B", NULL, PAGE_SORT_NONE, 0, NULL, false },
		{ "C", "c", PAGE_SORT_INT64, 0, NULL, true },
	};
	struct page_list l = { .path = "/x", .cols = cols, .ncols = 3, .def = 2, .n = 101 };
	struct page_list_view v;

	page_list_view(&l, NULL, NULL, NULL, &v);
	CHECK_INT(v.col, 2);
	CHECK(v.desc);
	CHECK_INT(v.pageno, 1);
	CHECK_INT(v.pages, 3);
	page_list_view(&l, "a", NULL, "3", &v);
	CHECK_INT(v.col, 0);
	CHECK(!v.desc);
	CHECK_INT(v.pageno, 3);
	page_list_view(&l, "b", "asc", "4", &v); /* B is not sortable; there is no page 4 */
	CHECK_INT(v.col, 2);
	CHECK(!v.desc);
	CHECK_INT(v.pageno, 1);
	page_list_view(&l, "B", "desc", "9223372036854775807", &v);
	CHECK_INT(v.col, 2);
	CHECK(v.desc);
	CHECK_INT(v.pageno, 1);
	page_list_view(&l, "c", "x", "-2", &v);
	CHECK(v.desc);
	CHECK_INT(v.pageno, 1);
	l.n = 100; /* exactly two pages */
	page_list_view(&l, "a", "desc", "2", &v);
	CHECK_INT(v.pages, 2);
	CHECK_INT(v.pageno, 2);
	CHECK(v.desc);
	l.n = 0; /* an empty list has one page */
	page_list_view(&l, NULL, NULL, "1", &v);
	CHECK_INT(v.pages, 1);
	CHECK_INT(v.pageno, 1);
}

int main(void)
{
	struct web_server *w;
	char db[64], cmd[1024];

	if (!mkdtemp(dir))
		return 2;
	snprintf(db, sizeof db, "%s/lists.db", dir);
	if (setup(db))
		return 2;
	http_password = PW;
	if (!(w = http_serve(db, (const char *const[]){ "ada" }, 1, &cookie, &csrf)))
		return 2;
	RUN(view_validates_its_query);
	RUN(every_list_spans_two_pages_or_more);
	RUN(every_column_sorts_both_ways_on_every_page);
	RUN(defaults_without_a_query);
	RUN(bad_query_values_fall_back);
	RUN(hostile_names_are_escaped_wherever_they_land);
	web_stop(w);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return test_done();
}
