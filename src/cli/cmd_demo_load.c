/*
 * custodian demo-load: load the demo data in data/demo once. Each file is imported with its
 * profile; a file already imported (same SHA-256) is skipped, so running it again changes
 * nothing. Then the invented part of the demo: two commissioners and an oversight body (named
 * as invented), which providers each commissioner commissions, and one user per role whose
 * passwords are made at random the first time, kept beside the database (readable by its
 * owner only) and printed on every run. The invented providers (named as invented) are made
 * first: the deteriorating provider XDEMOP, whose monthly figures are imported like any
 * provider's return (data/demo/invented-deteriorating-provider.csv,
 * scripts/gen-demo-scenario.py) and which XDEMON commissions, and 24 trusts whose invented
 * hospital spells, with XDEMOP's, feed the mortality pages (data/demo/invented-spells.csv,
 * scripts/gen-demo-spells.py); each step only when it is not there already.
 */
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "web/auth.h"

/* Invented organisations: codes no real organisation has (X...), names that say so. */
static const struct store_org demo_orgs[] = {
	{ .code = "XDEMON", .name = "North Demo Integrated Care Board (invented)",
	  .kind = MODEL_ORG_COMMISSIONER },
	{ .code = "XDEMOS", .name = "South Demo Integrated Care Board (invented)",
	  .kind = MODEL_ORG_COMMISSIONER },
	{ .code = "XDEMOV", .name = "Demo Regional Oversight Team (invented)",
	  .kind = MODEL_ORG_OVERSIGHT },
};

#define DEMO_PER_ICB 40

/*
 * The invented providers, made before their figures are imported (or the import would make
 * them, named only by their codes). No postcodes: they are not among the real trusts shared
 * out below, and are on no map. First, the provider whose care declines from April 2018
 * (data/README, "Invented data"); then 24 trusts with invented hospital spells only
 * (data/demo/invented-spells.csv, scripts/gen-demo-spells.py), for the mortality pages.
 */
#define DEMO_HOSPITAL(c, n) { .code = c, .name = n, .kind = MODEL_ORG_PROVIDER }
static const struct store_org demo_providers[] = {
	DEMO_HOSPITAL("XDEMOP", "Demo Riverside Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH01", "Demo Ashcombe Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH02", "Demo Brackenfield Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH03", "Demo Carrowmere Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH04", "Demo Dunholt Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH05", "Demo Eastwick Bay Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH06", "Demo Fellbrook Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH07", "Demo Glenhaven Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH08", "Demo Harrowdale Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH09", "Demo Ivywell Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH10", "Demo Juniper Vale Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH11", "Demo Kestrel Moor Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH12", "Demo Larkspur Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH13", "Demo Millbeck Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH14", "Demo Northcliff Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH15", "Demo Oakhurst Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH16", "Demo Pennyfold Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH17", "Demo Quarrymoor Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH18", "Demo Rookwood Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH19", "Demo Saltmarsh Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH20", "Demo Thornwick Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH21", "Demo Underhill Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH22", "Demo Willowmere Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH23", "Demo Yewbridge Hospitals NHS Trust (invented)"),
	DEMO_HOSPITAL("XDEMH24", "Demo Zephyr Bay Hospitals NHS Trust (invented)"),
};
/* The one whose care declines, which XDEMON commissions. */
static const struct store_org *const demo_scenario_org = &demo_providers[0];
#define DEMO_SCENARIO_COMMISSIONER "XDEMON"

struct with_data {
	struct store *s;
	const struct cu_actor *a;
	char (*code)[CU_MAX_CODE + 1];
	size_t n, cap;
};

static int count_obs(void *arg, const struct store_obs *o)
{
	(void)o;
	++*(size_t *)arg;
	return 1;
}

/* NHS trusts (known with a postcode) that have figures, in name order. */
static int keep_with_data(void *arg, const struct store_org *o)
{
	struct with_data *w = arg;
	struct cu_err err;
	size_t n = 0;

	if (o->kind != MODEL_ORG_PROVIDER || !o->postcode[0])
		return 0;
	cu_err_clear(&err);
	if (store_obs_latest(w->s, w->a, o->id, 0, NULL, count_obs, &n, &err) || n == 0)
		return 0;
	w->code = xgrow(w->code, w->n, &w->cap, sizeof *w->code);
	snprintf(w->code[w->n++], sizeof w->code[0], "%s", o->code);
	return 0;
}

struct demo_user {
	const char *username, *name, *org;
	enum model_role role;
};

/* The demo accounts: their file beside the database, made once. */
static int demo_people(struct cu_ctx *ctx, struct store *s)
{
	struct demo_user users[] = {
		{ "admin", "Ada Admin (invented)", NULL, MODEL_ROLE_ADMIN },
		{ "commissioner", "Cam Commissioner (invented)", "XDEMON",
		  MODEL_ROLE_COMMISSIONER },
		{ "provider", "Pat Provider (invented)", NULL, MODEL_ROLE_PROVIDER },
		{ "regulator", "Reg Regulator (invented)", NULL, MODEL_ROLE_REGULATOR },
		{ "oversight", "Ovi Oversight (invented)", "XDEMOV", MODEL_ROLE_OVERSIGHT },
	};
	struct with_data w = { .s = s, .a = &ctx->actor };
	struct auth *au = NULL;
	struct cu_err err;
	char path[4200], line[256];
	const char *slash = strrchr(ctx->db_path, '/');
	FILE *f;
	int rc = 0;

	cu_err_clear(&err);
	snprintf(path, sizeof path, "%.*s%sdemo-passwords.txt",
		 slash ? (int)(slash - ctx->db_path) : 0, ctx->db_path, slash ? "/" : "");
	/* Made before (the demo commissioner is in this database): show them again. A file left
	 * beside a new database says nothing about it; the people are made afresh below. */
	{
		struct store_org icb;

		if (store_org_get(s, &ctx->actor, "XDEMON", &icb, &err) == 0 && (f = fopen(path, "r"))) {
			printf("Demo accounts (invented people; sign in at the address below):\n");
			while (fgets(line, sizeof line, f))
				printf("  %s", line);
			fclose(f);
			return 0;
		}
		if (err.code && err.code != CU_ENOENT)
			return cli_fail(&err);
		cu_err_clear(&err);
	}
	if (store_begin(s, &err))
		return cli_fail(&err);
	for (size_t i = 0; i < sizeof demo_orgs / sizeof *demo_orgs && !rc; i++)
		rc = store_org_put(s, &ctx->actor, &demo_orgs[i], NULL, &err);
	if (!rc)
		rc = store_org_list(s, &ctx->actor, keep_with_data, &w, &err);
	for (size_t i = 0; i < w.n && i < 2 * DEMO_PER_ICB && !rc; i++)
		rc = store_commissioning_put(s, &ctx->actor,
					     i < DEMO_PER_ICB ? "XDEMON" : "XDEMOS", w.code[i],
					     i % 10 == 0, &err);
	if (!rc)
		rc = store_oversight_put(s, &ctx->actor, "XDEMOV", "XDEMON", &err);
	if (!rc)
		rc = store_commit(s, &err);
	else
		store_rollback(s);
	if (rc) {
		free(w.code);
		return cli_fail(&err);
	}
	users[2].org = w.n ? w.code[0] : NULL;
	if (auth_alloc(NULL, &au, &err) || !(f = fopen(path, "w"))) {
		free(w.code);
		auth_free(au);
		return err.code ? cli_fail(&err) : 1;
	}
	chmod(path, 0600);
	printf("Demo accounts (invented people; sign in at the address below):\n");
	for (size_t i = 0; i < sizeof users / sizeof *users && !rc; i++) {
		unsigned char raw[12];
		char pw[24];

		randombytes_buf(raw, sizeof raw);
		sodium_bin2base64(pw, sizeof pw, raw, sizeof raw,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		rc = auth_user_add(au, s, &ctx->actor, users[i].username, users[i].name,
				   users[i].role, users[i].org, pw, NULL, &err);
		snprintf(line, sizeof line, "%-13s %-17s %s%s%s\n", model_role_name(users[i].role),
			 users[i].username, pw, users[i].org ? "  for " : "",
			 users[i].org ? users[i].org : "");
		fputs(line, f);
		printf("  %s", line);
	}
	fclose(f);
	auth_free(au);
	free(w.code);
	return rc ? cli_fail(&err) : 0;
}

/* Make the invented providers, or put their names and kinds right, in one transaction;
 * nothing when all are right. */
static int demo_providers_put(struct cu_ctx *ctx, struct store *s)
{
	const size_t n = sizeof demo_providers / sizeof *demo_providers;
	bool stale[sizeof demo_providers / sizeof *demo_providers];
	size_t nstale = 0;
	struct cu_err err;
	int rc = 0;

	cu_err_clear(&err);
	for (size_t i = 0; i < n; i++) {
		const struct store_org *want = &demo_providers[i];
		struct store_org have;

		stale[i] = store_org_get(s, &ctx->actor, want->code, &have, &err) != 0 ||
			   strcmp(have.name, want->name) != 0 || have.kind != want->kind;
		if (err.code && err.code != CU_ENOENT)
			return cli_fail(&err);
		cu_err_clear(&err);
		nstale += stale[i];
	}
	if (!nstale)
		return 0;
	if (store_begin(s, &err))
		return cli_fail(&err);
	for (size_t i = 0; i < n && !rc; i++)
		if (stale[i])
			rc = store_org_put(s, &ctx->actor, &demo_providers[i], NULL, &err);
	if (rc || store_commit(s, &err)) {
		store_rollback(s);
		return cli_fail(&err);
	}
	return 0;
}

static int find_scenario_relation(void *arg, const struct store_relation *r)
{
	if (strcmp(r->from_code, DEMO_SCENARIO_COMMISSIONER) == 0 &&
	    strcmp(r->to_code, demo_scenario_org->code) == 0) {
		*(int *)arg = 1;
		return 1;
	}
	return 0;
}

/*
 * XDEMON commissions the invented provider (as its coordinating commissioner), so that the demo
 * commissioner, the oversight body over XDEMON and the regulator see it. Done apart from
 * demo_people, which makes the commissioners only on the first run: a database loaded before
 * the scenario existed gets the relationship on its next demo-load.
 */
static int demo_scenario_commission(struct cu_ctx *ctx, struct store *s)
{
	struct store_org icb;
	struct cu_err err;
	int found = 0;

	cu_err_clear(&err);
	if (store_org_get(s, &ctx->actor, DEMO_SCENARIO_COMMISSIONER, &icb, &err))
		return err.code == CU_ENOENT ? 0 : cli_fail(&err); /* no demo commissioner here */
	if (store_commissioning_list(s, &ctx->actor, find_scenario_relation, &found, &err))
		return cli_fail(&err);
	if (found)
		return 0;
	if (store_begin(s, &err))
		return cli_fail(&err);
	if (store_commissioning_put(s, &ctx->actor, DEMO_SCENARIO_COMMISSIONER,
				    demo_scenario_org->code, true, &err) ||
	    store_commit(s, &err)) {
		store_rollback(s);
		return cli_fail(&err);
	}
	return 0;
}

static const struct {
	const char *profile, *file, *period;
} demo[] = {
	{ "locations", "data/demo/locations.csv", NULL },
	{ "ae_attendances", "data/demo/ae_attendances.csv", NULL },
	{ "maternity", "data/demo/hosp-epis-stat-mat-msdscsv-2020-21.csv", NULL },
	{ "maternity", "data/demo/hosp-epis-stat-mat-msdscsv-2021-22.csv", NULL },
	{ "custodian_year", "data/demo/proms-2016-17.csv", NULL },
	{ "custodian_year", "data/demo/proms-2017-18.csv", NULL },
	/* Invented, and named so: see data/README and scripts/gen-demo-scenario.py, and
	 * scripts/gen-demo-spells.py. */
	{ "custodian", "data/demo/invented-deteriorating-provider.csv", NULL },
	{ "spells", "data/demo/invented-spells.csv", "2018-19" },
};

int cmd_demo_load(struct cu_ctx *ctx, int argc, char **argv)
{
	struct store *s;
	int failed = 0;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: custodian demo-load\n");
		return 1;
	}
	if (!(s = cli_open(ctx, 0)))
		return 1;
	failed = demo_providers_put(ctx, s);
	for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++) {
		char path[4096 + 64];

		/* A copy: cli_home_path's buffer is reused inside cli_import_file. */
		snprintf(path, sizeof path, "%s", cli_home_path(ctx, demo[i].file));
		failed |= cli_import_file(ctx, s, demo[i].profile, path, demo[i].period, 0, 1);
	}
	if (!failed)
		failed = demo_people(ctx, s);
	if (!failed)
		failed = demo_scenario_commission(ctx, s);
	store_close(s);
	return failed;
}
