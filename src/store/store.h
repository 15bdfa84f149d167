/*
 * store: custodian's database, the only place with SQL (ARCHITECTURE.md).
 *
 * One SQLite file in WAL mode with synchronous=FULL, foreign keys on and a busy timeout.
 * Numbered migrations run when a store is opened; a database newer than this binary is refused.
 *
 * Quality data is append-only and bitemporal: each observation has the period it is about and
 * the moment it was recorded. A resubmission of the same organisation, indicator and period is
 * a new revision; nothing is updated or deleted (triggers refuse it). Reads take an `as_of`
 * time ("" or NULL means now) and return what was known then.
 *
 * Every call takes the actor, and the store decides what the actor may do. Every write is
 * recorded in the audit table with the actor and the time.
 *
 * A struct store is one connection: use it from one thread at a time. Open one per thread.
 * Strings in result structs are copies owned by the struct; callbacks receive pointers valid
 * only during the call.
 */
#ifndef CU_STORE_H
#define CU_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"
#include "model/actor.h"
#include "model/catalogue.h"
#include "model/period.h"

struct store;

enum store_open_flags {
	STORE_OPEN_CREATE = 1,   /* create the file (and migrate) if absent */
	STORE_OPEN_READONLY = 2, /* open read-only; never migrate */
};

/* The schema version this binary writes. */
int store_schema_latest(void);
/*
 * A number that changes whenever anything is written (every write is audited: imports,
 * organisations, relationships, rebasing, users): the latest audit entry's id. What is
 * computed from the data can be kept until it changes.
 */
int store_data_version(struct store *s, int64_t *version, struct cu_err *err);
/* Process-wide settings of the database library; call once, before any store is opened. */
void store_init(void);

/*
 * Open the database at PATH, apply pending migrations (unless read-only) and return a new
 * store in *OUT (free with store_close). Errors: CU_ENOENT when the file is absent and
 * STORE_OPEN_CREATE is not given; CU_EVERSION when the database is newer than this binary or
 * needs migration while read-only; CU_EDB for any other failure.
 */
int store_open(const char *path, int flags, struct store **out, struct cu_err *err);
/* Finalise every statement and close. NULL is a no-op. */
void store_close(struct store *s);
/* The schema version of the open database. */
int store_schema_version(struct store *s);

/*
 * Replace the clock (microseconds since the epoch, UTC) used for recorded_at and audit times.
 * Tests use it to make history deterministic. NOW NULL restores the system clock.
 */
void store_set_clock(struct store *s, int64_t (*now)(void *arg), void *arg);
/* The store's current time as ISO 8601 UTC with microseconds, into OUT[32]. */
const char *store_now(struct store *s, char out[32]);

/*
 * Cap the database file at PAGES pages (SQLite's max_page_count): writes past it fail as a
 * full disk would. Used by tests, and by operators to bound a database's growth.
 */
int store_set_max_pages(struct store *s, long pages, struct cu_err *err);

/* Transactions. store_begin takes the write lock at once (BEGIN IMMEDIATE). */
int store_begin(struct store *s, struct cu_err *err);
int store_commit(struct store *s, struct cu_err *err);
/* Roll back; safe to call when no transaction is open. */
void store_rollback(struct store *s);
/*
 * Make a kept connection ready for its next user: every statement reset (none holds a read
 * snapshot open) and any transaction left open rolled back. The web server calls it after
 * each request on the thread's connection.
 */
void store_idle(struct store *s);

/*
 * A digest of the whole content (every row of every table, in key order) as 64 hex digits
 * into OUT[65]. Two stores with equal digests hold the same data. Tests use it to prove that
 * a failed import changed nothing.
 */
int store_digest(struct store *s, char out[65], struct cu_err *err);
/* Count of open (unfinalised) statements; tests check it is 0 after store_close paths. */
int store_open_statements(struct store *s);

/* ---- organisations ---- */

struct store_org {
	int64_t id;
	char code[CU_MAX_CODE + 1];
	char name[CU_MAX_NAME + 1];
	enum model_org_kind kind;
	char parent[CU_MAX_CODE + 1]; /* parent's code, "" when none */
	char postcode[16];
	bool has_location;
	double latitude, longitude;
	char valid_from[11], valid_to[11]; /* "" when open-ended */
};

/*
 * Insert the organisation O, or, when its code exists, bring the stored one up to date
 * (name, kind, parent, postcode, location, validity). *ID (may be NULL) gets its id. Audited.
 * Errors: CU_EDENIED when the actor may not manage organisations; CU_ENOENT for an unknown
 * parent code; CU_EDB.
 */
int store_org_put(struct store *s, const struct cu_actor *a, const struct store_org *o,
		  int64_t *id, struct cu_err *err);
/*
 * The id of the organisation with CODE, creating it (as a provider named by its code) when it
 * is absent and CREATE is true. Creation is audited. CU_ENOENT when absent and !CREATE.
 */
int store_org_ensure(struct store *s, const struct cu_actor *a, struct cu_str code, bool create,
		     int64_t *id, struct cu_err *err);
/* Read the organisation with CODE into *OUT. CU_ENOENT when absent or not visible. */
int store_org_get(struct store *s, const struct cu_actor *a, const char *code,
		  struct store_org *out, struct cu_err *err);
/* Call CB for each organisation visible to A, by name; a non-zero return from CB stops. */
int store_org_list(struct store *s, const struct cu_actor *a,
		   int (*cb)(void *arg, const struct store_org *o), void *arg, struct cu_err *err);

/* ---- relationships: commissioning and oversight (relations.c) ---- */

struct store_relation {
	char from_code[CU_MAX_CODE + 1], from_name[CU_MAX_NAME + 1];
	char to_code[CU_MAX_CODE + 1], to_name[CU_MAX_NAME + 1];
	bool coordinating;
	char started_at[32];
};

/*
 * Record that COMMISSIONER commissions PROVIDER (as coordinating commissioner or not; an open
 * relationship has its flag updated). Audited. Errors: CU_EDENIED unless the actor manages
 * organisations; CU_ENOENT for an unknown code; CU_EINVAL when a code names the wrong kind.
 */
int store_commissioning_put(struct store *s, const struct cu_actor *a, const char *commissioner,
			    const char *provider, bool coordinating, struct cu_err *err);
/* End that relationship (its row stays, with the time it ended). CU_ENOENT when not open. */
int store_commissioning_end(struct store *s, const struct cu_actor *a, const char *commissioner,
			    const char *provider, struct cu_err *err);
/* Record that oversight BODY oversees COMMISSIONER. Errors as store_commissioning_put. */
int store_oversight_put(struct store *s, const struct cu_actor *a, const char *body,
			const char *commissioner, struct cu_err *err);
/* Open commissioning relationships (commissioner in from_, provider in to_), by name. */
int store_commissioning_list(struct store *s, const struct cu_actor *a,
			     int (*cb)(void *arg, const struct store_relation *r), void *arg,
			     struct cu_err *err);

/* ---- rebasing of SPC charts (rebase.c) ---- */

struct store_rebase {
	int64_t indicator_id;
	char period_start[11];  /* the first period with the new limits */
	char reason[1001];
	char actor[64];
	char recorded_at[32];
};

/*
 * Record that organisation ORG_ID's chart of indicator INDICATOR_ID starts new limits at
 * PERIOD_START (a YYYY-MM-DD period start) for REASON (1 to 1000 bytes of text). Audited.
 * Errors: CU_EDENIED unless the actor may both read and submit the organisation's data (a
 * quality decision: not for administrators); CU_EINVAL for an empty
 * or overlong reason or a malformed date; CU_EEXIST when that period already starts a
 * segment.
 */
int store_rebase_add(struct store *s, const struct cu_actor *a, int64_t org_id,
		     int64_t indicator_id, const char *period_start, const char *reason,
		     struct cu_err *err);
/* The rebasing recorded at or before AS_OF (NULL: now), by period (INDICATOR_ID 0: every
 * indicator's, by indicator, then period). Needs READ_DATA. */
int store_rebase_list(struct store *s, const struct cu_actor *a, int64_t org_id,
		      int64_t indicator_id, const char *as_of,
		      int (*cb)(void *arg, const struct store_rebase *r), void *arg,
		      struct cu_err *err);

/* ---- catalogue: services and indicators ---- */

struct store_service {
	int64_t id;
	char code[CU_MAX_CODE + 1];
	char name[CU_MAX_NAME + 1];
};

struct store_indicator {
	int64_t id;
	char code[CU_MAX_CODE + 1];
	char title[CU_MAX_NAME + 1];
	char service[CU_MAX_CODE + 1]; /* service code */
	enum model_domain domain;
	enum model_measure measure;
	char unit[32];
	enum model_polarity polarity;
	double multiplier;             /* value = numerator / denominator x multiplier */
	bool has_target;
	double target;                 /* in the indicator's unit */
	char definition[CU_MAX_TEXT + 1];
	char source[CU_MAX_NAME + 1];
};

/* Insert or update a service by code. Audited. */
int store_service_put(struct store *s, const struct cu_actor *a, const struct store_service *v,
		      struct cu_err *err);
/* Insert or update an indicator by code; its service must exist (CU_ENOENT). Audited. */
int store_indicator_put(struct store *s, const struct cu_actor *a,
			const struct store_indicator *v, struct cu_err *err);
/* Read the indicator with CODE. CU_ENOENT when absent. */
int store_indicator_get(struct store *s, const struct cu_actor *a, struct cu_str code,
			struct store_indicator *out, struct cu_err *err);
/* Call CB for each indicator, by service then code. */
int store_indicator_list(struct store *s, const struct cu_actor *a,
			 int (*cb)(void *arg, const struct store_indicator *v), void *arg,
			 struct cu_err *err);
/* Call CB for each service, by name. */
int store_service_list(struct store *s, const struct cu_actor *a,
		       int (*cb)(void *arg, const struct store_service *v), void *arg,
		       struct cu_err *err);

/* ---- imports ---- */

struct store_import {
	int64_t id;
	char file_name[CU_MAX_NAME + 1];
	char sha256[65];
	char profile[CU_MAX_NAME + 1];
	char actor[64];
	char started_at[32], finished_at[32];
	int64_t rows_read, rows_accepted, observations;
};

/* The id the next recorded import will have. Call inside the import's transaction. */
int store_import_next_id(struct store *s, int64_t *id, struct cu_err *err);
/* Find the import of a file with this SHA-256. CU_ENOENT when none. */
int store_import_find_sha(struct store *s, const struct cu_actor *a, const char *sha256,
			  struct store_import *out, struct cu_err *err);
/*
 * Record a finished import (its id must be store_import_next_id's). Called last, inside the
 * import's transaction, so the import row and its observations land together. Audited.
 * CU_EEXIST when a file with the same SHA-256 was imported before.
 */
int store_import_record(struct store *s, const struct cu_actor *a, const struct store_import *r,
			struct cu_err *err);
/* Call CB for each import A may see (access.c: all, or its organisation's), newest first, at
 * most LIMIT (0: all). */
int store_import_list(struct store *s, const struct cu_actor *a, int limit,
		      int (*cb)(void *arg, const struct store_import *r), void *arg,
		      struct cu_err *err);

/* ---- observations ---- */

struct store_obs {
	int64_t org_id, indicator_id, import_id;
	enum model_grain grain;
	char period_start[11], period_end[11];
	enum model_obs_status status;
	bool has_numerator, has_denominator, has_value;
	double numerator, denominator, value;
	/* Set by a caller that knows (from store_obs_has_history, inside the same transaction)
	 * that the organisation has no observation of this indicator before this import: the
	 * append then skips the revision lookup, and the unique key still refuses a duplicate. */
	bool pair_is_new;
	/* When the figure was recorded: an import uses its start time for all its rows, and its
	 * rows become visible together when it commits. */
	char recorded_at[32];
	/* Filled on reads: */
	int revision;          /* 1 for the first submission, 2 for the first revision, ... */
	char org_code[CU_MAX_CODE + 1];
	char indicator_code[CU_MAX_CODE + 1];
};

/*
 * Append observation O as the next revision of its (organisation, indicator, period).
 * Checks the actor may submit for that organisation. *REVISION (may be NULL) gets the
 * revision number. CU_EEXIST when the same key was already appended by the same import (a
 * duplicate row within one file).
 */
int store_obs_append(struct store *s, const struct cu_actor *a, const struct store_obs *o,
		     int *revision, struct cu_err *err);

/* Whether organisation ORG_ID has any observation of INDICATOR_ID (*EXISTS). */
int store_obs_has_history(struct store *s, const struct cu_actor *a, int64_t org_id,
			  int64_t indicator_id, bool *exists, struct cu_err *err);

/*
 * Bulk appends: an import's many observations in one transaction, as store_obs_append would
 * write them, at a fraction of the cost per row. SQLite's per-row foreign-key checks (an
 * organisation, an indicator and the deferred import: three b-tree lookups and a deferred
 * counter per row, then a scan of every observation when the import row lands) are turned
 * off for the connection while the writer is open; instead the writer checks, once per
 * (organisation, indicator) pair, that the actor may submit for the organisation, that both
 * rows exist and whether the pair has history (without it every row is revision 1 and the
 * per-row revision lookup is skipped), and store_obs_bulk_finish checks the import row. The
 * insert keeps its bindings from row to row, binding only the columns whose value changed.
 *
 * Use: store_obs_bulk_open before store_begin (the foreign-key switch is a no-op inside a
 * transaction), store_obs_bulk_append per row, store_obs_bulk_finish after the import row is
 * recorded and before the commit, and store_obs_bulk_close after the commit or rollback,
 * whatever happened: it turns the checks back on. Only observations may be written through
 * the store between open and close while checks are off, as organisations, audit rows and
 * the import row are written by functions that look their references up themselves.
 */
struct store_obs_bulk;

/* Open a bulk writer on S for actor A (*OUT, free with store_obs_bulk_close). */
int store_obs_bulk_open(struct store *s, const struct cu_actor *a, struct store_obs_bulk **out,
			struct cu_err *err);
/*
 * Append O as store_obs_append does (the next revision of its key; CU_EEXIST for a key this
 * import already wrote, CU_EDENIED when the actor may not submit for the organisation).
 */
int store_obs_bulk_append(struct store_obs_bulk *b, const struct store_obs *o, struct cu_err *err);
/* Check that import IMPORT_ID, which the appended rows name, has been recorded. */
int store_obs_bulk_finish(struct store_obs_bulk *b, int64_t import_id, struct cu_err *err);
/* Turn foreign-key checks back on and free B (NULL: nothing). Outside a transaction only. */
void store_obs_bulk_close(struct store_obs_bulk *b);

/*
 * The series for one organisation and indicator as it was known at AS_OF (an ISO time; a bare
 * date YYYY-MM-DD means the end of that day; NULL or "" means now): for each period, the latest revision recorded at or before AS_OF, in period
 * order. CB is called per period; a non-zero return stops. INDICATOR_ID 0 reads every
 * indicator's series at once, by indicator id, then period (one query for a whole page).
 */
int store_obs_series(struct store *s, const struct cu_actor *a, int64_t org_id,
		     int64_t indicator_id, const char *as_of,
		     int (*cb)(void *arg, const struct store_obs *o), void *arg, struct cu_err *err);
/*
 * For one organisation, the latest period of every indicator it has data for (or of
 * INDICATOR_ID alone when not 0), as known at AS_OF, with the figures of that period's latest
 * revision recorded by then; by indicator id, highest first.
 */
int store_obs_latest(struct store *s, const struct cu_actor *a, int64_t org_id,
		     int64_t indicator_id, const char *as_of,
		     int (*cb)(void *arg, const struct store_obs *o), void *arg, struct cu_err *err);
/* Every revision of one period, oldest first (the "what changed" view). */
int store_obs_revisions(struct store *s, const struct cu_actor *a, int64_t org_id,
			int64_t indicator_id, const char *period_start,
			int (*cb)(void *arg, const struct store_obs *o), void *arg,
			struct cu_err *err);
/* Count of observation rows (all revisions) and of current ones. */
int store_obs_count(struct store *s, const struct cu_actor *a, int64_t *rows, int64_t *current,
		    struct cu_err *err);

/* ---- risk-adjusted mortality results (spells.c) ----
 *
 * What an import of hospital spells keeps (docs/formats.md, "Hospital spells"): per import the
 * model's settings and totals; per provider its observed and expected deaths, ratio, limits
 * and band; per diagnosis group the fit report; per provider and group the CUSUM summary with
 * observed and expected deaths; per provider, group and covariate pattern the spells and
 * deaths. Never a spell. Write in that order inside the import's transaction (each row's
 * parent must exist; the import row itself may come last). Rows are never changed.
 *
 * Access: writing the import's header, groups, series and cells needs STORE_ACT_SUBMIT;
 * writing a provider's row needs it for that provider's organisation, and a provider code
 * that is no organisation (org_id 0) only the system and administrators may write. Reading
 * the header and groups needs a signed-in role; a provider's rows (its result, series and
 * cells) are returned only to actors who may read its organisation's data, and those of a
 * code that is no organisation only to actors who read every organisation's (the system,
 * regulators). Text is stored as given, bound, never interpreted.
 */

struct store_spells_import {
	int64_t import_id, indicator_id;
	enum model_grain grain;
	char period_start[11], period_end[11]; /* the period the spells are about */
	int64_t spells, deaths, providers, groups;
	double odds, h;     /* CUSUM odds ratio and threshold */
	double tail_cut;    /* overdispersion: share cut from each tail */
	bool winsorised;    /* tails winsorised, else trimmed */
	bool has_phi;       /* overdispersion estimated; else phi absent and tau2 = 0 */
	double phi, tau2;
};

struct store_spells_provider {
	int64_t import_id;
	int provider;                  /* 0-based, in the import's code order */
	char code[CU_MAX_CODE + 1];    /* exactly as in the file */
	int64_t org_id;                /* 0 when the code is not an organisation code */
	int64_t spells, observed;
	double expected;
	double ratio;                  /* observed / expected; NaN (stored NULL) when undefined */
	double lower95, upper95, lower998, upper998;             /* overdispersed; NaN likewise */
	double pois_lower95, pois_upper95, pois_lower998, pois_upper998; /* exact Poisson */
	int band;                      /* -1 lower than expected, 0 as expected, 1 higher */
};

struct store_spells_group {
	int64_t import_id;
	int diag_group;                /* 1 to 142 */
	int64_t spells, deaths;
	int patterns, parameters, iterations;
	char status[16];               /* converged, separated, not_converged or failed */
	char dropped[96];              /* covariates left out, space-separated; "" none */
};

struct store_spells_series {
	int64_t import_id;
	int provider, diag_group;
	int64_t spells, deaths;
	double expected;
	int64_t alarms, first_alarm;   /* first_alarm: 1-based spell in the series, 0 none */
	double s_end;                  /* the CUSUM at the last spell */
};

struct store_spells_cell {
	int64_t import_id;
	int provider, diag_group;
	int pattern;                   /* 0 to 1199: ingest/spells.h spells_pattern_decode */
	int64_t spells, deaths;
};

/* Write one import's header, provider, group or series row, or its cells. CU_EDENIED; CU_EDB
 * (also for a row whose parent is missing or repeated, or a figure out of range). */
int store_spells_import_put(struct store *s, const struct cu_actor *a,
			    const struct store_spells_import *r, struct cu_err *err);
int store_spells_provider_put(struct store *s, const struct cu_actor *a,
			      const struct store_spells_provider *p, struct cu_err *err);
int store_spells_group_put(struct store *s, const struct cu_actor *a,
			   const struct store_spells_group *g, struct cu_err *err);
int store_spells_series_put(struct store *s, const struct cu_actor *a,
			    const struct store_spells_series *r, struct cu_err *err);
/* The N cells C[0 .. N) (any number; written many to a statement). */
int store_spells_cells_put(struct store *s, const struct cu_actor *a,
			   const struct store_spells_cell *c, size_t n, struct cu_err *err);

/* Read import IMPORT_ID's header into *OUT. CU_ENOENT when it is not a spells import. */
int store_spells_import_get(struct store *s, const struct cu_actor *a, int64_t import_id,
			    struct store_spells_import *out, struct cu_err *err);
/*
 * Call CB for each row of import IMPORT_ID that A may see, in key order: providers by index,
 * groups by number, series by provider then group, cells by provider, group, pattern. A
 * non-zero return from CB stops. The row is valid only during the call.
 */
int store_spells_provider_list(struct store *s, const struct cu_actor *a, int64_t import_id,
			       int (*cb)(void *arg, const struct store_spells_provider *p),
			       void *arg, struct cu_err *err);
int store_spells_group_list(struct store *s, const struct cu_actor *a, int64_t import_id,
			    int (*cb)(void *arg, const struct store_spells_group *g), void *arg,
			    struct cu_err *err);
int store_spells_series_list(struct store *s, const struct cu_actor *a, int64_t import_id,
			     int (*cb)(void *arg, const struct store_spells_series *r), void *arg,
			     struct cu_err *err);
int store_spells_cell_list(struct store *s, const struct cu_actor *a, int64_t import_id,
			   int (*cb)(void *arg, const struct store_spells_cell *c), void *arg,
			   struct cu_err *err);
/*
 * Call CB with the header of every spells import, ordered by the period it is about
 * (period_start, then period_end), then by import id, so a period imported again comes after
 * the import it revises. Access as store_spells_import_get. A non-zero return from CB stops.
 * The header is valid only during the call.
 */
int store_spells_import_list(struct store *s, const struct cu_actor *a,
			     int (*cb)(void *arg, const struct store_spells_import *r), void *arg,
			     struct cu_err *err);
/*
 * Call CB for the CUSUM summaries of one provider of import IMPORT_ID (PROVIDER, its index as
 * in struct store_spells_provider), by group: the rows store_spells_series_list gives for that
 * provider, found by key rather than by reading the whole import. None when A may not see
 * the provider's rows (as store_spells_series_list) or there is no such provider.
 */
int store_spells_provider_series_list(struct store *s, const struct cu_actor *a,
				      int64_t import_id, int provider,
				      int (*cb)(void *arg, const struct store_spells_series *r),
				      void *arg, struct cu_err *err);

/* ---- audit ---- */

struct store_audit {
	int64_t id;
	char at[32];
	char actor[64];
	char action[32];
	char entity[32];
	char key[CU_MAX_CODE + 1];
	char detail[CU_MAX_NAME + 1];
};

/* Call CB for audit entries, newest first, at most LIMIT. */
int store_audit_list(struct store *s, const struct cu_actor *a, int limit,
		     int (*cb)(void *arg, const struct store_audit *e), void *arg,
		     struct cu_err *err);

/* ---- users, sessions and failed sign-ins (the SQL behind src/web/auth.h) ----
 *
 * Users are managed by administrators and the system (the command line); every change is
 * audited in the same transaction. Sessions and failed sign-ins are read and written only by
 * the sign-in service, which acts as MODEL_ROLE_SYSTEM; other actors get CU_EDENIED. Session
 * and failure times are whole seconds since the epoch (UTC), passed in by the caller. Callers
 * validate user names and passwords first (auth.h); the schema's CHECKs are the backstop.
 */

/* Bytes in a user name, stored in lower case. 63, not the 64: a user name must fit
 * struct cu_actor's name[64] and the audit trail's actor[64]. The schema allows 64, so raising
 * this with those two needs no migration. */
#define STORE_USERNAME_MAX 63
#define STORE_PWHASH_MAX 128      /* a crypto_pwhash_str string with its NUL */
#define STORE_TOKEN_HASH_BYTES 32 /* SHA-256 of a session token */
#define STORE_CSRF_SECRET_BYTES 32

struct store_user {
	int64_t id;
	char username[STORE_USERNAME_MAX + 1];
	char display_name[CU_MAX_NAME + 1];
	enum model_role role;           /* never SYSTEM or PUBLIC */
	int64_t org_id;                 /* 0 when none */
	char org_code[CU_MAX_CODE + 1]; /* "" when none */
	char created_at[32];            /* ISO 8601 UTC, from the store's clock */
	bool disabled;
};

/*
 * Add user U (username, display_name, role, org_code) with the password hash PWHASH; *ID (may
 * be NULL) gets its id. Commissioner, provider and oversight users need an organisation of
 * that kind; a regulator may name a regulator; an admin names none. Audited ("create").
 * Errors: CU_EDENIED unless A is the system or an admin; CU_EINVAL for a role or organisation
 * that does not fit; CU_ENOENT for an unknown organisation; CU_EEXIST when the user name is
 * taken (nothing is written); CU_EDB.
 */
int store_user_add(struct store *s, const struct cu_actor *a, const struct store_user *u,
		   const char *pwhash, int64_t *id, struct cu_err *err);
/*
 * Read the user named USERNAME (lower case) into *OUT and, when PWHASH is not NULL, its
 * password hash into PWHASH (size PWHASH_N, at least STORE_PWHASH_MAX). Admins and the system
 * read anyone, a user itself. CU_ENOENT when absent.
 */
int store_user_get(struct store *s, const struct cu_actor *a, const char *username,
		   struct store_user *out, char *pwhash, size_t pwhash_n, struct cu_err *err);
/* Call CB for each user by user name (no hashes); a non-zero return stops. Admins only. */
int store_user_list(struct store *s, const struct cu_actor *a,
		    int (*cb)(void *arg, const struct store_user *u), void *arg, struct cu_err *err);
/* Replace a user's password hash; audited ("password", with WHY as detail). CU_ENOENT. */
int store_user_set_password(struct store *s, const struct cu_actor *a, const char *username,
			    const char *pwhash, const char *why, struct cu_err *err);
/*
 * Disable or enable a user; disabling also ends all its sessions. Audited when it changes
 * something. CU_ENOENT for an unknown user.
 */
int store_user_set_disabled(struct store *s, const struct cu_actor *a, const char *username,
			    bool disabled, struct cu_err *err);

struct store_session {
	int64_t id;
	int64_t created_at, last_seen_at; /* seconds since the epoch */
	unsigned char csrf_secret[STORE_CSRF_SECRET_BYTES];
	struct store_user user;
};

/*
 * Record a new session of user U, keyed by TOKEN_HASH, with its form secret, the client's
 * address (may be NULL) and NOW as both its start and its last use. *ID may be NULL. Audited
 * as "sign-in" with the user as actor. CU_EDB (also for a repeated token hash).
 */
int store_session_add(struct store *s, const struct cu_actor *a, const struct store_user *u,
		      const unsigned char token_hash[STORE_TOKEN_HASH_BYTES],
		      const unsigned char csrf_secret[STORE_CSRF_SECRET_BYTES],
		      const char *client_addr, int64_t now, int64_t *id, struct cu_err *err);
/* The session whose token hashes to TOKEN_HASH, with its user. CU_ENOENT when none. */
int store_session_get(struct store *s, const struct cu_actor *a,
		      const unsigned char token_hash[STORE_TOKEN_HASH_BYTES],
		      struct store_session *out, struct cu_err *err);
/* Set session ID's last use to NOW (never backwards). */
int store_session_touch(struct store *s, const struct cu_actor *a, int64_t id, int64_t now,
			struct cu_err *err);
/*
 * Delete session SS (a replayed token then finds nothing). When WHY is not NULL (such as
 * "sign-out") and a row went, it is audited with the session's user as actor.
 */
int store_session_end(struct store *s, const struct cu_actor *a, const struct store_session *ss,
		      const char *why, struct cu_err *err);
/* Delete every session last used at or before IDLE_BEFORE or started at or before CREATED_BEFORE. */
int store_session_prune(struct store *s, const struct cu_actor *a, int64_t idle_before,
			int64_t created_before, struct cu_err *err);

/*
 * Record a failed sign-in for ACCOUNT (a lower-case user name, "" when the name could not be
 * one) from CLIENT_ADDR ("" when unknown) at NOW, first forgetting failures at or before
 * FORGET_BEFORE.
 */
int store_signin_failure_add(struct store *s, const struct cu_actor *a, const char *account,
			     const char *client_addr, int64_t now, int64_t forget_before,
			     struct cu_err *err);
/*
 * Failures after SINCE for ACCOUNT (*BY_ACCOUNT) and from CLIENT_ADDR (*BY_ADDR); an empty
 * account or address counts 0.
 */
int store_signin_failure_count(struct store *s, const struct cu_actor *a, const char *account,
			       const char *client_addr, int64_t since, int64_t *by_account,
			       int64_t *by_addr, struct cu_err *err);
/* Forget ACCOUNT's failures (after a successful sign-in). */
int store_signin_failure_clear(struct store *s, const struct cu_actor *a, const char *account,
			       struct cu_err *err);

#endif
