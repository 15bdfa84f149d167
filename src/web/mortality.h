/*
 * Risk-adjusted mortality as the mortality pages and the JSON API read it: what spells imports
 * stored (store.h, "risk-adjusted mortality results"), gathered for one request with the
 * actor's access. The pages (mortality.c) and the API (api.c) both build from these, so what
 * one shows the other gives: the choice of import by ?import=, the funnel's providers with
 * their names and chart classes, a provider's history across imports, and a diagnosis group
 * across them. Nothing is recomputed from spells; every figure is as the import stored it.
 *
 * Periods: imports come in period order; a period imported again is revised by the later
 * import, so each period's latest import is its "current" one, and an earlier one stays
 * reachable by its id. Access: the store returns a provider's rows only to actors who may
 * read its organisation's data, so a provider the actor may not see, one with no results
 * and a code never imported are the same CU_ENOENT.
 */
#ifndef CU_WEB_MORTALITY_H
#define CU_WEB_MORTALITY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/limits.h"
#include "store/store.h"

/* Every spells import, in period order, then by id (store_spells_import_list). */
struct mortality_imports {
	size_t n, cap;
	struct store_spells_import *v;
};

/*
 * Read the spells imports A may list into *OUT (OUT->v owned: free() it, also after an
 * error). 0, or the store's error (CU_EDENIED for the public, CU_EDB).
 */
int mortality_imports_load(struct store *s, const struct cu_actor *a,
			   struct mortality_imports *out, struct cu_err *err);
/* Whether import I of IM is its period's latest: no later import of the same period. */
bool mortality_import_current(const struct mortality_imports *im, size_t i);
/*
 * The import a request asks for into *IDX: the one whose id is the text ID (the ?import=
 * value: a whole number, the whole of it), or, when ID is NULL, the latest (the last in period
 * order, which is current). 0, or CU_ENOENT when there are no imports or ID names none.
 */
int mortality_import_choose(const struct mortality_imports *im, const char *id, size_t *idx,
			    struct cu_err *err);

/* ---- /mortality: every provider the actor may see in one import ---- */

struct mortality_funnel {
	struct mortality_imports im; /* IM.n == 0: nothing imported (the rest is empty) */
	size_t sel;                  /* the import shown: an index into IM */
	size_t n;                    /* the providers A may see in it, in the import's order */
	struct store_spells_provider *prov;
	const char **name;           /* N names: the organisation's, or the code when none
				      * (borrowed from ORGS and PROV: valid until _free) */
	int *cls;                    /* N chart classes (enum stats_funnel_class): the stored
				      * band, and whether the ratio is past the 99.8% limit */
	size_t bands[3];             /* providers by band: lower, as expected, higher */
	struct store_org *orgs;      /* the organisations A may list, by id (for NAME) */
	size_t norgs;
};

/*
 * The funnel of import ID (?import=, NULL: the latest) as A sees it into *OUT (free with
 * mortality_funnel_free, also after an error). 0 (also when nothing has been imported:
 * OUT->im.n is then 0); CU_ENOENT when ID names no spells import; the store's errors.
 */
int mortality_funnel_build(struct store *s, const struct cu_actor *a, const char *id,
			   struct mortality_funnel *out, struct cu_err *err);
void mortality_funnel_free(struct mortality_funnel *f);
/* Provider P's chart class (enum stats_funnel_class): its stored band, split at 99.8%. */
int mortality_funnel_class(const struct store_spells_provider *p);

/* ---- /mortality/CODE: one provider across imports ---- */

/* One provider in one import. */
struct mortality_point {
	size_t imp;                     /* index into the imports */
	bool current;                   /* that import is its period's latest */
	struct store_spells_provider p; /* the provider's row in it */
};

struct mortality_provider {
	struct mortality_imports im;
	size_t n;                       /* the imports the provider is in, for A */
	struct mortality_point *pt;     /* N points, in period order */
	const struct mortality_point *sel; /* the point shown in detail: one of PT */
	char name[CU_MAX_NAME + 1];     /* its organisation's name, or the code when none */
	size_t ngroup;                  /* SEL's diagnosis groups (provider_build only) */
	struct store_spells_series *group; /* NGROUP CUSUM summaries, by group */
	size_t alarmed;                 /* how many of them signalled at least once */
};

/*
 * The provider with CODE (exactly as in the file) as A sees it, with the point of import ID
 * (?import=) or, when ID is NULL, its latest current point, and that point's diagnosis groups,
 * into *OUT (free with mortality_provider_free, also after an error). 0; CU_ENOENT when A sees
 * no row of CODE in any import, ID names no import, or the provider is not in it (a denied
 * provider is answered as a missing one); the store's errors.
 */
int mortality_provider_build(struct store *s, const struct cu_actor *a, const char *code,
			     const char *id, struct mortality_provider *out, struct cu_err *err);
void mortality_provider_free(struct mortality_provider *pv);
/* A CUSUM summary's ratio of observed to expected deaths; NaN when none were expected. */
double mortality_series_ratio(const struct store_spells_series *r);

/* ---- /mortality/CODE/group/G: one provider and diagnosis group ---- */

struct mortality_group {
	struct mortality_provider pv;  /* the provider, its points and SEL (no groups read) */
	int group;                     /* 1 .. SPELLS_GROUPS */
	bool *found;                   /* PV.n: the group has spells at the provider in that
					* point's import */
	struct store_spells_series *series; /* PV.n: its CUSUM summary there (when FOUND) */
	bool has_fit;
	struct store_spells_group fit; /* the group's fit report in SEL's import (HAS_FIT) */
};

/*
 * Diagnosis group G (the text of the path: a whole number from 1 to SPELLS_GROUPS) at the
 * provider with CODE, with SEL chosen by ID as mortality_provider_build, into *OUT (free with
 * mortality_group_free, also after an error). 0; CU_ENOENT as mortality_provider_build, and
 * when G is no group number or the group has no spells at the provider in any import; the
 * store's errors.
 */
int mortality_group_build(struct store *s, const struct cu_actor *a, const char *code,
			  const char *g, const char *id, struct mortality_group *out,
			  struct cu_err *err);
void mortality_group_free(struct mortality_group *mg);
/*
 * Whether point I of MG->pv is a row of the group's table period by period: the group has
 * spells at the provider in that import, and the import is its period's latest or SEL's.
 */
bool mortality_group_period(const struct mortality_group *mg, size_t i);

#endif
