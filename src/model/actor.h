/*
 * The actor: who is reading or writing. Every store call carries one, and the store alone
 * decides what it may do (ARCHITECTURE.md: access is decided in one place).
 */
#ifndef CU_MODEL_ACTOR_H
#define CU_MODEL_ACTOR_H

#include <stdint.h>

enum model_role {
	MODEL_ROLE_SYSTEM,       /* the command line on the server's own machine */
	MODEL_ROLE_ADMIN,        /* users and organisations, not quality decisions */
	MODEL_ROLE_COMMISSIONER, /* staff of a commissioning organisation */
	MODEL_ROLE_PROVIDER,     /* staff of a provider: their own organisation only */
	MODEL_ROLE_REGULATOR,    /* read-only, all providers */
	MODEL_ROLE_OVERSIGHT,    /* read-only, its commissioners' providers */
	MODEL_ROLE_PUBLIC,       /* anonymous: published pages only */
	MODEL_ROLE__MAX
};

struct cu_actor {
	char name[64];      /* user name, or "cli:<login>" */
	enum model_role role;
	int64_t org_id;     /* the actor's organisation, 0 when none */
};

const char *model_role_name(enum model_role r);
int model_role_parse(const char *s);

#endif
