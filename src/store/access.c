/*
 * Access decisions, in one place. Until commissioning relationships exist (the web application
 * issue), the rules are by role alone: everyone signed in may read quality data; the system
 * (command line) and administrators manage organisations and the catalogue; commissioners,
 * the system and administrators submit for any organisation; provider staff submit only for
 * their own organisation; the public reads nothing but published pages.
 */
#include "store/store_int.h"

int store_access(struct store *s, const struct cu_actor *a, enum store_action act, int64_t org_id,
		 struct cu_err *err)
{
	bool ok = false;

	(void)s;
	if (!a)
		return cu_err_set(err, CU_EDENIED, "not allowed: no actor");
	switch (act) {
	case STORE_ACT_READ_DATA:
		ok = a->role != MODEL_ROLE_PUBLIC;
		break;
	case STORE_ACT_SUBMIT:
		ok = a->role == MODEL_ROLE_SYSTEM || a->role == MODEL_ROLE_ADMIN ||
		     a->role == MODEL_ROLE_COMMISSIONER ||
		     (a->role == MODEL_ROLE_PROVIDER && a->org_id != 0 && a->org_id == org_id);
		break;
	case STORE_ACT_MANAGE_ORGS:
	case STORE_ACT_MANAGE_CATALOGUE:
	case STORE_ACT_READ_AUDIT:
		ok = a->role == MODEL_ROLE_SYSTEM || a->role == MODEL_ROLE_ADMIN;
		break;
	case STORE_ACT__MAX:
		break;
	}
	if (ok)
		return 0;
	return cu_err_set(err, CU_EDENIED, "not allowed: %s \"%s\" may not do this",
			  model_role_name(a->role), a->name);
}
