/*
 * Observations: append-only, bitemporal quality figures. A row is never updated or deleted; a
 * resubmission is the next revision of its (organisation, indicator, period). Reads choose, per
 * period, the latest revision recorded at or before the as-of time.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum {
	STMT_PAIR_EXISTS,
	STMT_LAST_REV,
	STMT_INSERT,
	STMT_BULK_INSERT,
	STMT_BULK_PAIR,
	STMT_BULK_IMPORT,
	STMT_SERIES,
	STMT_SERIES_ALL,
	STMT_LATEST,
	STMT_LATEST_ONE,
	STMT_REVISIONS,
	STMT_COUNT,
	STMT__MAX
};

#define OBS_COLS                                                                            \
	"o.org_id, o.indicator_id, o.import_id, o.grain, o.period_start, o.period_end,"    \
	" o.status, o.numerator, o.denominator, o.value, o.revision, o.recorded_at, g.code," \
	" i.code"
#define OBS_JOIN " JOIN org g ON g.id = o.org_id JOIN indicator i ON i.id = o.indicator_id"
#define OBS_INSERT                                                                          \
	"INSERT INTO observation (org_id, indicator_id, period_start, period_end, grain,"   \
	" revision, status, numerator, denominator, value, recorded_at, import_id)"          \
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
/*
 * Series reads return every revision recorded at or before ?3 in the key's order (period, then
 * revision) and keep only the last of each period while stepping (current_rows below): the same
 * rows as "revision = max(revision recorded by then)" without a subquery per row.
 */
static const char *const sql[STMT__MAX] = {
	[STMT_PAIR_EXISTS] = "SELECT EXISTS (SELECT 1 FROM observation"
			     " WHERE org_id = ? AND indicator_id = ?)",
	[STMT_LAST_REV] = "SELECT revision, import_id FROM observation"
			  " WHERE org_id = ? AND indicator_id = ? AND period_start = ?"
			  " ORDER BY revision DESC LIMIT 1",
	[STMT_INSERT] = OBS_INSERT,
	/* The bulk writer's own copy of the insert: its bindings are kept from row to row. */
	[STMT_BULK_INSERT] = OBS_INSERT,
	/* Once per (organisation, indicator) in a bulk load: the foreign keys, and history. */
	[STMT_BULK_PAIR] = "SELECT EXISTS (SELECT 1 FROM org WHERE id = ?1),"
			   " EXISTS (SELECT 1 FROM indicator WHERE id = ?2),"
			   " EXISTS (SELECT 1 FROM observation"
			   " WHERE org_id = ?1 AND indicator_id = ?2)",
	[STMT_BULK_IMPORT] = "SELECT EXISTS (SELECT 1 FROM import WHERE id = ?)",
	[STMT_SERIES] = "SELECT " OBS_COLS " FROM observation o" OBS_JOIN
			" WHERE o.org_id = ?1 AND o.indicator_id = ?2 AND o.recorded_at <= ?3"
			" ORDER BY o.org_id, o.indicator_id, o.period_start, o.revision",
	[STMT_SERIES_ALL] = "SELECT " OBS_COLS " FROM observation o" OBS_JOIN
			    " WHERE o.org_id = ?1 AND o.recorded_at <= ?3"
			    " ORDER BY o.org_id, o.indicator_id, o.period_start, o.revision",
	/* Backwards along the key: each indicator's latest period and revision come first. */
	[STMT_LATEST] = "SELECT " OBS_COLS " FROM observation o" OBS_JOIN
			" WHERE o.org_id = ?1 AND o.recorded_at <= ?3"
			" ORDER BY o.org_id DESC, o.indicator_id DESC, o.period_start DESC,"
			" o.revision DESC",
	[STMT_LATEST_ONE] = "SELECT " OBS_COLS " FROM observation o" OBS_JOIN
			    " WHERE o.org_id = ?1 AND o.indicator_id = ?2 AND o.recorded_at <= ?3"
			    " ORDER BY o.org_id DESC, o.indicator_id DESC, o.period_start DESC,"
			    " o.revision DESC LIMIT 1",
	[STMT_REVISIONS] = "SELECT " OBS_COLS " FROM observation o" OBS_JOIN
			   " WHERE o.org_id = ? AND o.indicator_id = ? AND o.period_start = ?"
			   " ORDER BY o.revision",
	[STMT_COUNT] = "SELECT (SELECT count(*) FROM observation),"
		       " (SELECT count(*) FROM observation_current)",
};

/*
 * Normalise an as-of time for comparison with recorded_at: NULL or "" means now (a string
 * above every timestamp); a bare date YYYY-MM-DD means the end of that day.
 */
const char *store_as_of_bound(const char *as_of, char buf[32])
{
	size_t n = as_of ? strlen(as_of) : 0;

	if (n == 0)
		return "9999-12-31T23:59:59.999999Z";
	if (n == 10) {
		memcpy(buf, as_of, 10);
		memcpy(buf + 10, "T23:59:59.999999Z", 18);
		return buf;
	}
	return as_of;
}

static int duplicate(struct cu_err *err)
{
	return cu_err_set(err, CU_EEXIST, "duplicate row: this organisation, indicator and period "
					  "appear earlier in the file");
}

int store_obs_has_history(struct store *s, const struct cu_actor *a, int64_t org_id,
			  int64_t indicator_id, bool *exists, struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_READ_DATA, org_id, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX, STMT_PAIR_EXISTS, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, indicator_id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_dberr(s, "reading history", err);
	*exists = sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	return 0;
}

/*
 * *REV = the revision O's period gets: one past the latest stored. A row of this very import
 * already there is a duplicate within the file (CU_EEXIST).
 */
static int next_revision(struct store *s, const struct store_obs *o, int *rev, struct cu_err *err)
{
	sqlite3_stmt *st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX, STMT_LAST_REV, err);
	int rc;

	if (!st)
		return CU_EDB;
	sqlite3_bind_int64(st, 1, o->org_id);
	sqlite3_bind_int64(st, 2, o->indicator_id);
	sqlite3_bind_text(st, 3, o->period_start, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 1) == o->import_id) {
			sqlite3_reset(st);
			return duplicate(err);
		}
		*rev = sqlite3_column_int(st, 0) + 1;
	} else if (rc != SQLITE_DONE) {
		return store_dberr(s, "reading revisions", err);
	}
	sqlite3_reset(st);
	return 0;
}

int store_obs_append(struct store *s, const struct cu_actor *a, const struct store_obs *o,
		     int *revision, struct cu_err *err)
{
	sqlite3_stmt *st;
	int rev = 1, rc;

	if (store_access(s, a, STORE_ACT_SUBMIT, o->org_id, err))
		return store_denied(err);
	/* Without earlier history, this is revision 1 and the unique key catches a duplicate. */
	if (!o->pair_is_new && (rc = next_revision(s, o, &rev, err)))
		return rc;
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX, STMT_INSERT, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, o->org_id);
	sqlite3_bind_int64(st, 2, o->indicator_id);
	sqlite3_bind_text(st, 3, o->period_start, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->period_end, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, model_grain_name(o->grain), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, rev);
	sqlite3_bind_text(st, 7, model_obs_status_name(o->status), -1, SQLITE_STATIC);
	if (o->has_numerator)
		sqlite3_bind_double(st, 8, o->numerator);
	if (o->has_denominator)
		sqlite3_bind_double(st, 9, o->denominator);
	if (o->has_value)
		sqlite3_bind_double(st, 10, o->value);
	sqlite3_bind_text(st, 11, o->recorded_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, o->import_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		sqlite3_reset(st);
		return duplicate(err);
	}
	if (rc != SQLITE_DONE)
		return store_dberr(s, "appending an observation", err);
	if (revision)
		*revision = rev;
	return 0;
}

/* ---- bulk appends ---- */

/* What the bulk writer knows of an (organisation, indicator) pair, once asked. */
enum pair_state { PAIR_FREE, PAIR_UNKNOWN, PAIR_NEW, PAIR_HISTORY, PAIR_DENIED };

/* Slots the pair table may grow to (24 bytes each, at most half used): 12 MiB. */
#define PAIR_SLOTS_MAX (1u << 19)

struct pair_slot {
	int64_t org_id, indicator_id;
	int state;            /* enum pair_state; PAIR_FREE: an empty slot */
};

struct store_obs_bulk {
	struct store *s;
	const struct cu_actor *a;
	/* Open addressing, linear probing, a power of two long. Past PAIR_SLOTS_MAX the pairs
	 * not in it are asked about again on each row (correct, only slower). */
	struct pair_slot *pairs;
	size_t cap, used;
	sqlite3_stmt *ins;    /* STMT_BULK_INSERT, fetched at the first row */
	/*
	 * What INS has bound now (bindings outlive sqlite3_reset): a column is bound again only
	 * when a row's value differs, which for an import's text columns is rarely. Text is bound
	 * SQLITE_STATIC from these copies.
	 */
	int64_t import_id;
	int revision, grain, status;
	char period_start[11], period_end[11], recorded_at[32];
};

int store_obs_bulk_open(struct store *s, const struct cu_actor *a, struct store_obs_bulk **out,
			struct cu_err *err)
{
	struct store_obs_bulk *b;

	*out = NULL;
	if (s->in_txn || !sqlite3_get_autocommit(s->db))
		return cu_err_set(err, CU_EDB, "internal error: bulk appends must start outside a "
					       "transaction");
	/* A no-op inside a transaction, hence before it; statements recompile without checks. */
	if (sqlite3_exec(s->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) != SQLITE_OK)
		return store_dberr(s, "starting bulk appends", err);
	b = xcalloc(1, sizeof *b);
	b->s = s;
	b->a = a;
	*out = b;
	return 0;
}

static size_t pair_hash(int64_t org_id, int64_t indicator_id, size_t cap)
{
	uint64_t h = (uint64_t)org_id * 0x9E3779B97F4A7C15u ^ (uint64_t)indicator_id;

	h *= 0xC2B2AE3D27D4EB4Fu;
	return (size_t)(h ^ h >> 32) & (cap - 1);
}

/* The slot of a pair, added as PAIR_UNKNOWN when absent; NULL when the table is full. */
static struct pair_slot *pair_find(struct store_obs_bulk *b, int64_t org_id, int64_t indicator_id)
{
	struct pair_slot *t;
	size_t i;

	if ((b->used + 1) * 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;

		if (cap > PAIR_SLOTS_MAX) {
			/* Full: look the pair up, but add no more. */
			for (i = pair_hash(org_id, indicator_id, b->cap); b->pairs[i].state;
			     i = (i + 1) & (b->cap - 1))
				if (b->pairs[i].org_id == org_id &&
				    b->pairs[i].indicator_id == indicator_id)
					return &b->pairs[i];
			return NULL;
		}
		t = xcalloc(cap, sizeof *t);
		for (size_t k = 0; k < b->cap; k++) {
			if (!b->pairs[k].state)
				continue;
			for (i = pair_hash(b->pairs[k].org_id, b->pairs[k].indicator_id, cap);
			     t[i].state; i = (i + 1) & (cap - 1))
				;
			t[i] = b->pairs[k];
		}
		free(b->pairs);
		b->pairs = t;
		b->cap = cap;
	}
	for (i = pair_hash(org_id, indicator_id, b->cap); b->pairs[i].state;
	     i = (i + 1) & (b->cap - 1))
		if (b->pairs[i].org_id == org_id && b->pairs[i].indicator_id == indicator_id)
			return &b->pairs[i];
	b->used++;
	b->pairs[i] = (struct pair_slot){ org_id, indicator_id, PAIR_UNKNOWN };
	return &b->pairs[i];
}

/*
 * The state of O's pair, asking the database the first time: the actor may submit for the
 * organisation, both rows the foreign keys point at exist (checked here once per pair, as
 * the per-row checks are off), and whether the pair had observations before.
 */
static int bulk_pair(struct store_obs_bulk *b, const struct store_obs *o, struct cu_err *err)
{
	struct pair_slot *e = pair_find(b, o->org_id, o->indicator_id);
	sqlite3_stmt *st;
	int rc, org, ind, state;

	if (e && (e->state == PAIR_NEW || e->state == PAIR_HISTORY))
		return e->state;
	/* Asked again for a denied pair, so that each of its rows gets its error. */
	if ((rc = store_access(b->s, b->a, STORE_ACT_SUBMIT, o->org_id, err))) {
		if (e && rc == CU_EDENIED)
			e->state = PAIR_DENIED;
		return rc;
	}
	if (!(st = store_stmt(b->s, STORE_MOD_OBS, sql, STMT__MAX, STMT_BULK_PAIR, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, o->org_id);
	sqlite3_bind_int64(st, 2, o->indicator_id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_dberr(b->s, "reading history", err);
	org = sqlite3_column_int(st, 0);
	ind = sqlite3_column_int(st, 1);
	state = sqlite3_column_int(st, 2) ? PAIR_HISTORY : PAIR_NEW;
	sqlite3_reset(st);
	if (!org || !ind)
		return cu_err_set(err, CU_EDB, "internal error: no %s with id %lld",
				  org ? "indicator" : "organisation",
				  (long long)(org ? o->indicator_id : o->org_id));
	if (e)
		e->state = state;
	return state;
}

/*
 * Bind text column I to V unless the copy BOUND (size N) already holds it; FRESH: nothing is
 * bound yet.
 */
static void bind_text_if(sqlite3_stmt *st, int i, char *bound, size_t n, const char *v,
			 bool fresh)
{
	if (!fresh && strncmp(bound, v, n) == 0)
		return;
	snprintf(bound, n, "%s", v);
	sqlite3_bind_text(st, i, bound, -1, SQLITE_STATIC);
}

int store_obs_bulk_append(struct store_obs_bulk *b, const struct store_obs *o, struct cu_err *err)
{
	struct store *s = b->s;
	sqlite3_stmt *st;
	bool fresh = false;
	int rev = 1, rc, state = bulk_pair(b, o, err);

	if (state < 0)
		return state;
	if (state == PAIR_HISTORY && (rc = next_revision(s, o, &rev, err)))
		return rc;
	if (!(st = b->ins)) {
		if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX, STMT_BULK_INSERT, err)))
			return CU_EDB;
		b->ins = st;
		fresh = true;
		b->import_id = 0;
		b->revision = b->grain = b->status = -1;
	}
	sqlite3_bind_int64(st, 1, o->org_id);
	sqlite3_bind_int64(st, 2, o->indicator_id);
	bind_text_if(st, 3, b->period_start, sizeof b->period_start, o->period_start, fresh);
	bind_text_if(st, 4, b->period_end, sizeof b->period_end, o->period_end, fresh);
	if (b->grain != (int)o->grain) {
		b->grain = (int)o->grain;
		sqlite3_bind_text(st, 5, model_grain_name(o->grain), -1, SQLITE_STATIC);
	}
	if (b->revision != rev) {
		b->revision = rev;
		sqlite3_bind_int(st, 6, rev);
	}
	if (b->status != (int)o->status) {
		b->status = (int)o->status;
		sqlite3_bind_text(st, 7, model_obs_status_name(o->status), -1, SQLITE_STATIC);
	}
	if (o->has_numerator)
		sqlite3_bind_double(st, 8, o->numerator);
	else
		sqlite3_bind_null(st, 8);
	if (o->has_denominator)
		sqlite3_bind_double(st, 9, o->denominator);
	else
		sqlite3_bind_null(st, 9);
	if (o->has_value)
		sqlite3_bind_double(st, 10, o->value);
	else
		sqlite3_bind_null(st, 10);
	bind_text_if(st, 11, b->recorded_at, sizeof b->recorded_at, o->recorded_at, fresh);
	if (fresh || b->import_id != o->import_id) {
		b->import_id = o->import_id;
		sqlite3_bind_int64(st, 12, o->import_id);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		sqlite3_reset(st);
		return duplicate(err);
	}
	rc = store_dberr(s, "appending an observation", err);
	sqlite3_reset(st);
	return rc;
}

int store_obs_bulk_finish(struct store_obs_bulk *b, int64_t import_id, struct cu_err *err)
{
	sqlite3_stmt *st;
	int found;

	if (!(st = store_stmt(b->s, STORE_MOD_OBS, sql, STMT__MAX, STMT_BULK_IMPORT, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, import_id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_dberr(b->s, "checking the import", err);
	found = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (!found)
		return cu_err_set(err, CU_EDB, "internal error: no import with id %lld",
				  (long long)import_id);
	return 0;
}

void store_obs_bulk_close(struct store_obs_bulk *b)
{
	if (!b)
		return;
	if (b->ins) {
		/* The statement stays in the store's cache: let it point at nothing of ours. */
		sqlite3_reset(b->ins);
		sqlite3_clear_bindings(b->ins);
	}
	sqlite3_exec(b->s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	free(b->pairs);
	free(b);
}

static void read_row(sqlite3_stmt *st, struct store_obs *o)
{
	char t[16];

	memset(o, 0, sizeof *o);
	o->org_id = sqlite3_column_int64(st, 0);
	o->indicator_id = sqlite3_column_int64(st, 1);
	o->import_id = sqlite3_column_int64(st, 2);
	store_col_text(st, 3, t, sizeof t);
	o->grain = (enum model_grain)model_grain_parse(t);
	store_col_text(st, 4, o->period_start, sizeof o->period_start);
	store_col_text(st, 5, o->period_end, sizeof o->period_end);
	store_col_text(st, 6, t, sizeof t);
	o->status = (enum model_obs_status)model_obs_status_parse(t);
	o->has_numerator = sqlite3_column_type(st, 7) != SQLITE_NULL;
	o->numerator = sqlite3_column_double(st, 7);
	o->has_denominator = sqlite3_column_type(st, 8) != SQLITE_NULL;
	o->denominator = sqlite3_column_double(st, 8);
	o->has_value = sqlite3_column_type(st, 9) != SQLITE_NULL;
	o->value = sqlite3_column_double(st, 9);
	o->revision = sqlite3_column_int(st, 10);
	store_col_text(st, 11, o->recorded_at, sizeof o->recorded_at);
	store_col_text(st, 12, o->org_code, sizeof o->org_code);
	store_col_text(st, 13, o->indicator_code, sizeof o->indicator_code);
}

/* Which rows of a statement each_row hands on. */
enum keep {
	KEEP_ALL,	 /* every row */
	KEEP_LAST_OF_PERIOD, /* rows by period, then revision: the last of each period */
	KEEP_FIRST_OF_INDICATOR, /* rows by indicator: the first of each */
};

static bool same_period(const struct store_obs *x, const struct store_obs *y)
{
	return x->indicator_id == y->indicator_id && strcmp(x->period_start, y->period_start) == 0;
}

/* Step ST to the end, handing the rows KEEP chooses to CB; a non-zero return from CB stops. */
static int each_row(struct store *s, sqlite3_stmt *st, enum keep keep,
		    int (*cb)(void *arg, const struct store_obs *o), void *arg, struct cu_err *err)
{
	struct store_obs row, prev;
	bool held = false;
	int rc;

	while ((rc = store_step(s, st, "reading observations", err)) == 1) {
		read_row(st, &row);
		if (keep == KEEP_LAST_OF_PERIOD) {
			/* Hold each row until the next shows whether it was its period's last. */
			bool emit = held && !same_period(&prev, &row);

			if (emit && cb(arg, &prev))
				goto stop;
			prev = row;
			held = true;
			continue;
		}
		if (keep == KEEP_FIRST_OF_INDICATOR) {
			if (held && prev.indicator_id == row.indicator_id)
				continue;
			prev.indicator_id = row.indicator_id;
			held = true;
		}
		if (cb(arg, &row))
			goto stop;
	}
	if (rc == 0 && keep == KEEP_LAST_OF_PERIOD && held)
		cb(arg, &prev);
	return rc;
stop:
	sqlite3_reset(st);
	return 0;
}

int store_obs_series(struct store *s, const struct cu_actor *a, int64_t org_id,
		     int64_t indicator_id, const char *as_of,
		     int (*cb)(void *arg, const struct store_obs *o), void *arg, struct cu_err *err)
{
	sqlite3_stmt *st;
	char buf[32];

	if (store_access(s, a, STORE_ACT_READ_DATA, org_id, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX,
			      indicator_id ? STMT_SERIES : STMT_SERIES_ALL, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, org_id);
	if (indicator_id)
		sqlite3_bind_int64(st, 2, indicator_id);
	sqlite3_bind_text(st, 3, store_as_of_bound(as_of, buf), -1, SQLITE_TRANSIENT);
	return each_row(s, st, KEEP_LAST_OF_PERIOD, cb, arg, err);
}

int store_obs_latest(struct store *s, const struct cu_actor *a, int64_t org_id,
		     int64_t indicator_id, const char *as_of,
		     int (*cb)(void *arg, const struct store_obs *o), void *arg, struct cu_err *err)
{
	sqlite3_stmt *st;
	char buf[32];

	if (store_access(s, a, STORE_ACT_READ_DATA, org_id, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX,
			      indicator_id ? STMT_LATEST_ONE : STMT_LATEST, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, org_id);
	if (indicator_id)
		sqlite3_bind_int64(st, 2, indicator_id);
	sqlite3_bind_text(st, 3, store_as_of_bound(as_of, buf), -1, SQLITE_TRANSIENT);
	return each_row(s, st, KEEP_FIRST_OF_INDICATOR, cb, arg, err);
}

int store_obs_revisions(struct store *s, const struct cu_actor *a, int64_t org_id,
			int64_t indicator_id, const char *period_start,
			int (*cb)(void *arg, const struct store_obs *o), void *arg,
			struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_READ_DATA, org_id, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX, STMT_REVISIONS, err)))
		return CU_EDB;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, indicator_id);
	sqlite3_bind_text(st, 3, period_start, -1, SQLITE_STATIC);
	return each_row(s, st, KEEP_ALL, cb, arg, err);
}

int store_obs_count(struct store *s, const struct cu_actor *a, int64_t *rows, int64_t *current,
		    struct cu_err *err)
{
	sqlite3_stmt *st;

	if (store_access(s, a, STORE_ACT_READ_DATA, 0, err))
		return store_denied(err);
	if (!(st = store_stmt(s, STORE_MOD_OBS, sql, STMT__MAX, STMT_COUNT, err)))
		return CU_EDB;
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_dberr(s, "counting observations", err);
	*rows = sqlite3_column_int64(st, 0);
	*current = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return 0;
}
