/*
 * Access decisions, in one place. Every store function asks here before it reads or writes.
 *
 * Quality data of one organisation (READ_DATA with an organisation):
 *   system (the command line), regulator: every organisation;
 *   commissioner staff: their own organisation and the providers it commissions now;
 *   oversight body staff: the providers commissioned by the commissioners it oversees now;
 *   provider staff: their own organisation only;
 *   administrator: none (users and organisations, not quality decisions);
 *   public: none (published pages only).
 * READ_DATA without an organisation (the catalogue, lists filtered row by row) needs only a
 * signed-in role. Submitting data: system, administrators and commissioner staff for any
 * organisation they may read (the system and administrators for any), provider staff for
 * their own. Managing organisations, users, relationships and the catalogue, and reading the
 * audit trail: system and administrators.
 *
 * The import history (who imported which file, when): system, administrators and regulators
 * see every import; commissioner, provider and oversight staff the imports made by users of
 * their own organisation (store_import_scope).
 *
 * A denied organisation is reported as CU_EDENIED here; the functions that look one up by
 * code turn that into "not found", so a denied organisation looks like a missing one.
 */
#include "store/store_int.h"

/* May A read organisation ORG_ID's quality data? 1, 0, or CU_EDB. */
static int reads_org(struct store *s, const struct cu_actor *a, int64_t org_id,
		     struct cu_err *err)
{
	switch (a->role) {
	case MODEL_ROLE_SYSTEM:
	case MODEL_ROLE_REGULATOR:
		return 1;
	case MODEL_ROLE_PROVIDER:
		return a->org_id != 0 && a->org_id == org_id;
	case MODEL_ROLE_COMMISSIONER:
		if (a->org_id == 0)
			return 0;
		if (a->org_id == org_id)
			return 1;
		return store_relation_sees(s, a->org_id, false, org_id, err);
	case MODEL_ROLE_OVERSIGHT:
		/* Not `org_id != 0 && sees(...)`: that made a failed lookup (CU_EDB) a yes. */
		if (a->org_id == 0)
			return 0;
		return store_relation_sees(s, a->org_id, true, org_id, err);
	case MODEL_ROLE_ADMIN:
	case MODEL_ROLE_PUBLIC:
	case MODEL_ROLE__MAX:
		break;
	}
	return 0;
}

int store_org_visible(struct store *s, const struct cu_actor *a, int64_t org_id,
		      struct cu_err *err)
{
	if (!a || a->role == MODEL_ROLE_PUBLIC)
		return 0;
	if (a->role == MODEL_ROLE_SYSTEM || a->role == MODEL_ROLE_ADMIN)
		return 1;
	return reads_org(s, a, org_id, err);
}

int store_import_scope(const struct cu_actor *a, int64_t *org_id)
{
	*org_id = a ? a->org_id : 0;
	return a && (a->role == MODEL_ROLE_SYSTEM || a->role == MODEL_ROLE_ADMIN ||
		     a->role == MODEL_ROLE_REGULATOR);
}

int store_access(struct store *s, const struct cu_actor *a, enum store_action act, int64_t org_id,
		 struct cu_err *err)
{
	int ok = 0;

	if (!a)
		return cu_err_set(err, CU_EDENIED, "not allowed: no actor");
	switch (act) {
	case STORE_ACT_READ_DATA:
		ok = org_id ? reads_org(s, a, org_id, err) : a->role != MODEL_ROLE_PUBLIC;
		break;
	case STORE_ACT_SUBMIT:
		if (a->role == MODEL_ROLE_SYSTEM || a->role == MODEL_ROLE_ADMIN)
			ok = 1;
		else if (a->role == MODEL_ROLE_COMMISSIONER)
			ok = org_id ? reads_org(s, a, org_id, err) : 1;
		else if (a->role == MODEL_ROLE_PROVIDER)
			ok = a->org_id != 0 && a->org_id == org_id;
		break;
	case STORE_ACT_MANAGE_ORGS:
	case STORE_ACT_MANAGE_CATALOGUE:
	case STORE_ACT_READ_AUDIT:
		ok = a->role == MODEL_ROLE_SYSTEM || a->role == MODEL_ROLE_ADMIN;
		break;
	case STORE_ACT__MAX:
		break;
	}
	if (ok < 0)
		return ok;
	if (ok)
		return 0;
	return cu_err_set(err, CU_EDENIED, "not allowed: %s \"%s\" may not do this",
			  model_role_name(a->role), a->name);
}
