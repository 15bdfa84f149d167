/*
 * The connection: opening, pragmas, migrations, transactions, the statement cache, the clock and
 * the content digest. See store.h.
 */
#include "store/store_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/mem.h"

/*
 * Numbered migrations. Entry i takes the schema from version i to i + 1; the version lives in
 * PRAGMA user_version. Never edit a migration that has shipped: add a new one.
 */
static const char *const migrations[] = {
	/* 1: organisations, catalogue, imports, append-only observations, audit.
	 * Enumerations are checked with OR chains, not IN lists: SQLite builds a temporary table
	 * for an IN list on every insert, which costs a third of the import's time. */
	"CREATE TABLE org ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind = 'provider' OR kind = 'commissioner' OR kind = 'regulator' OR kind = 'oversight'),"
	"  parent_id INTEGER REFERENCES org(id),"
	"  postcode TEXT NOT NULL DEFAULT '',"
	"  latitude REAL, longitude REAL,"
	"  valid_from TEXT NOT NULL DEFAULT '', valid_to TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE service ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL);"
	"CREATE TABLE indicator ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  service_id INTEGER NOT NULL REFERENCES service(id),"
	"  domain TEXT NOT NULL CHECK (domain = 'safety' OR domain = 'effectiveness' OR domain = 'experience'),"
	"  measure TEXT NOT NULL CHECK (measure = 'proportion' OR measure = 'rate' OR measure = 'count' OR measure = 'mean' OR measure = 'ratio'),"
	"  unit TEXT NOT NULL,"
	"  polarity TEXT NOT NULL"
	"    CHECK (polarity = 'higher_is_better' OR polarity = 'lower_is_better' OR polarity = 'neither'),"
	"  multiplier REAL NOT NULL DEFAULT 1,"
	"  target REAL,"
	"  definition TEXT NOT NULL,"
	"  source TEXT NOT NULL);"
	"CREATE TABLE import ("
	"  id INTEGER PRIMARY KEY,"
	"  file_name TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  profile TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT NOT NULL,"
	"  rows_read INTEGER NOT NULL,"
	"  rows_accepted INTEGER NOT NULL,"
	"  observations INTEGER NOT NULL);"
	"CREATE TABLE observation ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES org(id),"
	"  indicator_id INTEGER NOT NULL REFERENCES indicator(id),"
	"  period_start TEXT NOT NULL,"
	"  period_end TEXT NOT NULL,"
	"  grain TEXT NOT NULL CHECK (grain = 'month' OR grain = 'quarter' OR grain = 'year'),"
	"  revision INTEGER NOT NULL CHECK (revision >= 1),"
	"  status TEXT NOT NULL CHECK (status = 'ok' OR status = 'suppressed' OR status = 'missing'),"
	"  numerator REAL, denominator REAL, value REAL,"
	"  recorded_at TEXT NOT NULL,"
	/* The import row is written last in the same transaction: check the key at commit. */
	"  import_id INTEGER NOT NULL REFERENCES import(id) DEFERRABLE INITIALLY DEFERRED);"
	"CREATE UNIQUE INDEX observation_key"
	"  ON observation(org_id, indicator_id, period_start, revision);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  entity TEXT NOT NULL,"
	"  key TEXT NOT NULL,"
	"  detail TEXT NOT NULL);"
	/* Quality data, imports and the audit trail are never changed or removed. */
	"CREATE TRIGGER observation_no_update BEFORE UPDATE ON observation"
	"  BEGIN SELECT RAISE(ABORT, 'observations are append-only'); END;"
	"CREATE TRIGGER observation_no_delete BEFORE DELETE ON observation"
	"  BEGIN SELECT RAISE(ABORT, 'observations are append-only'); END;"
	"CREATE TRIGGER import_no_update BEFORE UPDATE ON import"
	"  BEGIN SELECT RAISE(ABORT, 'imports are append-only'); END;"
	"CREATE TRIGGER import_no_delete BEFORE DELETE ON import"
	"  BEGIN SELECT RAISE(ABORT, 'imports are append-only'); END;"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	/* 'Current' is a view: the latest revision of each period. */
	"CREATE VIEW observation_current AS"
	"  SELECT o.* FROM observation o"
	"  WHERE o.revision = (SELECT max(revision) FROM observation p"
	"    WHERE p.org_id = o.org_id AND p.indicator_id = o.indicator_id"
	"    AND p.period_start = o.period_start);",
	/* 2: users, sessions and failed sign-ins (src/store/users.c, src/web/auth.c). User names
	 * are stored in lower case, so UNIQUE makes them unique without regard to case. Session
	 * tokens are kept only as their SHA-256; session and failure times are whole seconds
	 * since the epoch (UTC). Users are never deleted, only disabled. */
	"CREATE TABLE app_user ("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE"
	"    CHECK (username = lower(username) AND length(username) >= 3 AND length(username) <= 64),"
	"  display_name TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role = 'admin' OR role = 'commissioner' OR role = 'provider'"
	"    OR role = 'regulator' OR role = 'oversight'),"
	"  org_id INTEGER REFERENCES org(id),"
	"  password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),"
	"  created_at TEXT NOT NULL,"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled = 0 OR disabled = 1));"
	"CREATE TRIGGER app_user_no_delete BEFORE DELETE ON app_user"
	"  BEGIN SELECT RAISE(ABORT, 'users are disabled, never deleted'); END;"
	"CREATE TABLE user_session ("
	"  id INTEGER PRIMARY KEY,"
	"  token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),"
	"  user_id INTEGER NOT NULL REFERENCES app_user(id),"
	"  csrf_secret BLOB NOT NULL CHECK (length(csrf_secret) = 32),"
	"  client_addr TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  last_seen_at INTEGER NOT NULL);"
	"CREATE INDEX user_session_user ON user_session(user_id);"
	"CREATE TABLE signin_failure ("
	"  id INTEGER PRIMARY KEY,"
	"  account TEXT NOT NULL,"
	"  client_addr TEXT NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX signin_failure_account ON signin_failure(account, at);"
	"CREATE INDEX signin_failure_addr ON signin_failure(client_addr, at);"
	"CREATE INDEX signin_failure_at ON signin_failure(at);",
	/* 3: who commissions whom, and who oversees which commissioners (src/store/relations.c).
	 * Access to a provider's quality data follows these (access.c). A relationship that
	 * ends keeps its row with ended_at set, so the past stays answerable. */
	"CREATE TABLE commissioning ("
	"  id INTEGER PRIMARY KEY,"
	"  commissioner_id INTEGER NOT NULL REFERENCES org(id),"
	"  provider_id INTEGER NOT NULL REFERENCES org(id),"
	"  coordinating INTEGER NOT NULL DEFAULT 0 CHECK (coordinating = 0 OR coordinating = 1),"
	"  started_at TEXT NOT NULL,"
	"  ended_at TEXT,"
	"  CHECK (commissioner_id <> provider_id));"
	"CREATE UNIQUE INDEX commissioning_open ON commissioning(commissioner_id, provider_id)"
	"  WHERE ended_at IS NULL;"
	"CREATE INDEX commissioning_provider ON commissioning(provider_id);"
	"CREATE TABLE oversight ("
	"  id INTEGER PRIMARY KEY,"
	"  body_id INTEGER NOT NULL REFERENCES org(id),"
	"  commissioner_id INTEGER NOT NULL REFERENCES org(id),"
	"  started_at TEXT NOT NULL,"
	"  ended_at TEXT,"
	"  CHECK (body_id <> commissioner_id));"
	"CREATE UNIQUE INDEX oversight_open ON oversight(body_id, commissioner_id)"
	"  WHERE ended_at IS NULL;"
	"CREATE TRIGGER commissioning_no_delete BEFORE DELETE ON commissioning"
	"  BEGIN SELECT RAISE(ABORT, 'relationships are ended, never deleted'); END;"
	"CREATE TRIGGER oversight_no_delete BEFORE DELETE ON oversight"
	"  BEGIN SELECT RAISE(ABORT, 'relationships are ended, never deleted'); END;",
	/* 4: risk-adjusted mortality from hospital spells (src/store/spells.c): per import the
	 * model's settings and totals, per provider its result, per diagnosis group the fit,
	 * per provider and group the CUSUM, per provider, group and covariate pattern the
	 * spells and deaths. Never a spell. The keyed tables are WITHOUT ROWID (the key is the
	 * row: no second b-tree) and each hangs off the one above by a foreign key; only
	 * spells_import waits for the import row, written last in the same transaction. The
	 * cells (most of the rows: about 0.8 a spell) have no foreign key to their series:
	 * checking it cost a fifth of a national import, and the importer writes both from one
	 * result. A pattern is the mixed-radix number of the covariates' zero-based levels,
	 * decoded by the view. Like observations, never changed. */
	"CREATE TABLE spells_import ("
	"  import_id INTEGER PRIMARY KEY REFERENCES import(id) DEFERRABLE INITIALLY DEFERRED,"
	"  indicator_id INTEGER NOT NULL REFERENCES indicator(id),"
	"  period_start TEXT NOT NULL,"
	"  period_end TEXT NOT NULL,"
	"  grain TEXT NOT NULL CHECK (grain = 'month' OR grain = 'quarter' OR grain = 'year'),"
	"  spells INTEGER NOT NULL CHECK (spells >= 1),"
	"  deaths INTEGER NOT NULL CHECK (deaths >= 0 AND deaths <= spells),"
	"  providers INTEGER NOT NULL CHECK (providers >= 1),"
	"  diag_groups INTEGER NOT NULL CHECK (diag_groups >= 1),"
	"  odds REAL NOT NULL,"
	"  h REAL NOT NULL,"
	"  tail_cut REAL NOT NULL,"
	"  tails TEXT NOT NULL CHECK (tails = 'trim' OR tails = 'winsor'),"
	"  phi REAL,"
	"  tau2 REAL NOT NULL);"
	"CREATE TABLE spells_provider ("
	"  import_id INTEGER NOT NULL REFERENCES spells_import(import_id),"
	"  provider INTEGER NOT NULL CHECK (provider >= 0),"
	"  code TEXT NOT NULL CHECK (length(code) >= 1),"
	"  org_id INTEGER REFERENCES org(id),"
	"  spells INTEGER NOT NULL CHECK (spells >= 1),"
	"  observed INTEGER NOT NULL CHECK (observed >= 0 AND observed <= spells),"
	"  expected REAL NOT NULL,"
	"  ratio REAL,"
	"  lower95 REAL, upper95 REAL, lower998 REAL, upper998 REAL,"
	"  pois_lower95 REAL, pois_upper95 REAL, pois_lower998 REAL, pois_upper998 REAL,"
	"  band INTEGER NOT NULL CHECK (band = -1 OR band = 0 OR band = 1),"
	"  PRIMARY KEY (import_id, provider),"
	"  UNIQUE (import_id, code)) WITHOUT ROWID;"
	"CREATE TABLE spells_group ("
	"  import_id INTEGER NOT NULL REFERENCES spells_import(import_id),"
	"  diag_group INTEGER NOT NULL CHECK (diag_group >= 1 AND diag_group <= 142),"
	"  spells INTEGER NOT NULL CHECK (spells >= 1),"
	"  deaths INTEGER NOT NULL CHECK (deaths >= 0 AND deaths <= spells),"
	"  patterns INTEGER NOT NULL,"
	"  parameters INTEGER NOT NULL,"
	"  iterations INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status = 'converged' OR status = 'separated'"
	"    OR status = 'not_converged' OR status = 'failed'),"
	"  dropped TEXT NOT NULL,"
	"  PRIMARY KEY (import_id, diag_group)) WITHOUT ROWID;"
	"CREATE TABLE spells_series ("
	"  import_id INTEGER NOT NULL,"
	"  provider INTEGER NOT NULL,"
	"  diag_group INTEGER NOT NULL,"
	"  spells INTEGER NOT NULL CHECK (spells >= 1),"
	"  deaths INTEGER NOT NULL CHECK (deaths >= 0 AND deaths <= spells),"
	"  expected REAL NOT NULL,"
	"  alarms INTEGER NOT NULL CHECK (alarms >= 0),"
	"  first_alarm INTEGER NOT NULL CHECK (first_alarm >= 0 AND first_alarm <= spells),"
	"  s_end REAL NOT NULL,"
	"  PRIMARY KEY (import_id, provider, diag_group),"
	"  FOREIGN KEY (import_id, provider) REFERENCES spells_provider(import_id, provider),"
	"  FOREIGN KEY (import_id, diag_group) REFERENCES spells_group(import_id, diag_group))"
	"  WITHOUT ROWID;"
	"CREATE TABLE spells_cell ("
	"  import_id INTEGER NOT NULL,"
	"  provider INTEGER NOT NULL,"
	"  diag_group INTEGER NOT NULL,"
	"  pattern INTEGER NOT NULL CHECK (pattern >= 0 AND pattern < 1200),"
	"  spells INTEGER NOT NULL CHECK (spells >= 1),"
	"  deaths INTEGER NOT NULL CHECK (deaths >= 0 AND deaths <= spells),"
	"  PRIMARY KEY (import_id, provider, diag_group, pattern)) WITHOUT ROWID;"
	"CREATE VIEW spells_cell_covariates AS"
	"  SELECT import_id, provider, diag_group, pattern / 60 AS age_band,"
	"    pattern / 30 % 2 + 1 AS sex, pattern / 15 % 2 + 1 AS admission_method,"
	"    pattern / 5 % 3 AS charlson_band, pattern % 5 + 1 AS year_index, spells, deaths"
	"  FROM spells_cell;"
	"CREATE TRIGGER spells_import_no_update BEFORE UPDATE ON spells_import"
	"  BEGIN SELECT RAISE(ABORT, 'spells results are append-only'); END;"
	"CREATE TRIGGER spells_import_no_delete BEFORE DELETE ON spells_import"
	"  BEGIN SELECT RAISE(ABORT, 'spells results are append-only'); END;"
	"CREATE TRIGGER spells_provider_no_update BEFORE UPDATE ON spells_provider"
	"  BEGIN SELECT RAISE(ABORT, 'spells results are append-only'); END;"
	"CREATE TRIGGER spells_provider_no_delete BEFORE DELETE ON spells_provider"
	"  BEGIN SELECT RAISE(ABORT, 'spells results are append-only'); END;"
	"CREATE TRIGGER spells_group_no_update BEFORE UPDATE ON spells_group"
	"  BEGIN SELECT RAISE(ABORT, 'spells results are append-only'); END;"
	"CREATE TRIGGER spells_group_no_delete BEFORE DELETE ON spells_group"
	"  BEGIN SELECT RAISE(ABORT, 'spells results are append-only'); END;"
	"CREATE TRIGGER spells_series_no_update BEFORE UPDATE ON spells_series"
	"  BEGIN SELECT RAISE(ABORT, 'spells results are append-only'); END;"
	"CREATE TRIGGER spells_series_no_delete BEFORE DELETE ON spells_series"
	"  BEGIN SELECT RAISE(ABORT, 'spells results are append-only'); END;"
	"CREATE TRIGGER spells_cell_no_update BEFORE UPDATE ON spells_cell"
	"  BEGIN SELECT RAISE(ABORT, 'spells results are append-only'); END;"
	"CREATE TRIGGER spells_cell_no_delete BEFORE DELETE ON spells_cell"
	"  BEGIN SELECT RAISE(ABORT, 'spells results are append-only'); END;",
	/* 5: rebasing of an organisation's SPC chart for one indicator (src/store/rebase.c): from
	 * PERIOD_START on the chart has new limits, for the REASON recorded (a new pathway, a
	 * changed definition). Recorded, never changed, so a chart can be replayed as it was. */
	"CREATE TABLE rebase ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES org(id),"
	"  indicator_id INTEGER NOT NULL REFERENCES indicator(id),"
	"  period_start TEXT NOT NULL,"
	"  reason TEXT NOT NULL CHECK (length(reason) >= 1 AND length(reason) <= 1000),"
	"  actor TEXT NOT NULL,"
	"  recorded_at TEXT NOT NULL,"
	"  UNIQUE (org_id, indicator_id, period_start));"
	"CREATE TRIGGER rebase_no_update BEFORE UPDATE ON rebase"
	"  BEGIN SELECT RAISE(ABORT, 'rebasing is recorded, never changed'); END;"
	"CREATE TRIGGER rebase_no_delete BEFORE DELETE ON rebase"
	"  BEGIN SELECT RAISE(ABORT, 'rebasing is recorded, never changed'); END;",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_latest(void)
{
	return NMIGRATIONS;
}

int store_dberr(struct store *s, const char *what, struct cu_err *err)
{
	if (s && s->db && sqlite3_errcode(s->db) == SQLITE_FULL)
		return cu_err_set(err, CU_EDB, "the database is full (disk or size limit reached) "
					       "while %s: nothing was written", what);
	return cu_err_set(err, CU_EDB, "database error while %s: %s", what,
			  s && s->db ? sqlite3_errmsg(s->db) : "no connection");
}

static int exec(struct store *s, const char *sql, const char *what, struct cu_err *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_dberr(s, what, err);
	return 0;
}

static int user_version(struct store *s, int *v, struct cu_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return store_dberr(s, "reading the schema version", err);
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_dberr(s, "reading the schema version", err);
}

/* Apply migrations from the database's version up to the latest, each in its transaction. */
static int migrate(struct store *s, int readonly, struct cu_err *err)
{
	int v;

	if (user_version(s, &v, err))
		return CU_EDB;
	if (v > NMIGRATIONS)
		return cu_err_set(err, CU_EVERSION,
				  "database \"%s\" has schema version %d, newer than this "
				  "custodian (version %d): use a newer custodian",
				  s->path, v, NMIGRATIONS);
	if (v < NMIGRATIONS && readonly)
		return cu_err_set(err, CU_EVERSION,
				  "database \"%s\" has schema version %d and needs migrating to %d: "
				  "open it read-write once",
				  s->path, v, NMIGRATIONS);
	for (; v < NMIGRATIONS; v++) {
		char pragma[64];

		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		if (exec(s, "BEGIN IMMEDIATE", "starting a migration", err))
			return CU_EDB;
		if (exec(s, migrations[v], "migrating the schema", err) ||
		    exec(s, pragma, "recording the schema version", err)) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return CU_EDB;
		}
		if (exec(s, "COMMIT", "committing a migration", err))
			return CU_EDB;
	}
	return 0;
}

static int64_t system_now(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int store_open(const char *path, int flags, struct store **out, struct cu_err *err)
{
	struct store *s;
	struct stat sb;
	int oflags = (flags & STORE_OPEN_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;

	*out = NULL;
	if (strlen(path) >= sizeof s->path)
		return cu_err_set(err, CU_EINVAL, "database path is too long");
	if (stat(path, &sb) != 0) {
		if (!(flags & STORE_OPEN_CREATE) || (flags & STORE_OPEN_READONLY))
			return cu_err_set(err, CU_ENOENT,
					  "no database at \"%s\": run `custodian -d %s init` first",
					  path, path);
		oflags |= SQLITE_OPEN_CREATE;
	}
	s = xcalloc(1, sizeof *s);
	snprintf(s->path, sizeof s->path, "%s", path);
	s->now = system_now;
	if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		store_dberr(s, "opening the database", err);
		store_close(s);
		return CU_EDB;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, CU_DB_BUSY_TIMEOUT_MS);
	/*
	 * A new database gets 16 KiB pages (SQLite's default is 4 KiB): imports write 19-35%
	 * more rows a second (shallower trees, fewer and larger WAL writes), the web pages read as
	 * fast, and the file is no larger (bench/RESULTS.md). It takes effect only while the file
	 * has no pages (new, or made empty beforehand, as by `install /dev/null`); an existing
	 * database keeps its page size.
	 */
	if (!(flags & STORE_OPEN_READONLY) && ((oflags & SQLITE_OPEN_CREATE) || sb.st_size == 0) &&
	    exec(s, "PRAGMA page_size = 16384", "setting the page size", err)) {
		store_close(s);
		return err && err->code ? err->code : CU_EDB;
	}
	/* Refuse files that are not SQLite databases before touching them. */
	if (exec(s, "SELECT count(*) FROM sqlite_schema", "reading the database", err) ||
	    (!(flags & STORE_OPEN_READONLY) &&
	     exec(s,
		  "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
		  " PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;",
		  "setting up the connection", err)) ||
	    ((flags & STORE_OPEN_READONLY) &&
	     exec(s, "PRAGMA foreign_keys = ON", "setting up the connection", err)) ||
	    migrate(s, flags & STORE_OPEN_READONLY, err)) {
		store_close(s);
		return err && err->code ? err->code : CU_EDB;
	}
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int m = 0; m < STORE_MOD__MAX; m++)
		for (int i = 0; i < STORE_MAX_STMTS; i++)
			sqlite3_finalize(s->stmts[m][i]);
	if (s->db && s->in_txn)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(s->db);
	free(s);
}

int store_schema_version(struct store *s)
{
	int v;

	return user_version(s, &v, NULL) ? -1 : v;
}

int store_open_statements(struct store *s)
{
	int n = 0;

	for (sqlite3_stmt *st = sqlite3_next_stmt(s->db, NULL); st; st = sqlite3_next_stmt(s->db, st))
		n++;
	return n;
}

sqlite3_stmt *store_stmt(struct store *s, enum store_module m, const char *const *table, int n,
			 int i, struct cu_err *err)
{
	sqlite3_stmt **slot;

	if (i < 0 || i >= n || i >= STORE_MAX_STMTS || (unsigned)m >= STORE_MOD__MAX) {
		cu_err_set(err, CU_EDB, "internal error: statement %d of module %d", i, (int)m);
		return NULL;
	}
	slot = &s->stmts[m][i];
	if (!*slot) {
		if (sqlite3_prepare_v3(s->db, table[i], -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) !=
		    SQLITE_OK) {
			store_dberr(s, "preparing a statement", err);
			*slot = NULL;
			return NULL;
		}
	} else {
		sqlite3_reset(*slot);
		sqlite3_clear_bindings(*slot);
	}
	return *slot;
}

int store_step(struct store *s, sqlite3_stmt *st, const char *what, struct cu_err *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	store_dberr(s, what, err);
	sqlite3_reset(st);
	return CU_EDB;
}

int store_bind_str(sqlite3_stmt *st, int i, struct cu_str v)
{
	return sqlite3_bind_text(st, i, v.n ? v.p : "", (int)v.n, SQLITE_STATIC);
}

void store_col_text(sqlite3_stmt *st, int i, char *dst, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	int len = sqlite3_column_bytes(st, i);

	if (!t || n == 0) {
		if (n)
			dst[0] = '\0';
		return;
	}
	if ((size_t)len >= n)
		len = (int)n - 1;
	memcpy(dst, t, (size_t)len);
	dst[len] = '\0';
}

void store_set_clock(struct store *s, int64_t (*now)(void *arg), void *arg)
{
	s->now = now ? now : system_now;
	s->now_arg = now ? arg : NULL;
}

const char *store_now(struct store *s, char out[32])
{
	int64_t us = s->now(s->now_arg);
	time_t t = (time_t)(us / 1000000);
	struct tm tm;

	gmtime_r(&t, &tm);
	/* The modulos bound each field's width for the compiler; the values are already in range. */
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u.%06uZ", (unsigned)(tm.tm_year + 1900) % 10000u,
		 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
		 (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u,
		 (unsigned)(us % 1000000));
	return out;
}

int store_set_max_pages(struct store *s, long pages, struct cu_err *err)
{
	char sql[64];

	/* A pragma's argument cannot be bound; it is formatted from a long, never from text. */
	if (pages <= 0)
		return cu_err_set(err, CU_EINVAL, "size limit must be at least one page");
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %ld", pages);
	return exec(s, sql, "setting the size limit", err);
}

int store_begin(struct store *s, struct cu_err *err)
{
	if (s->in_txn)
		return cu_err_set(err, CU_EDB, "internal error: transaction already open");
	if (exec(s, "BEGIN IMMEDIATE", "starting a transaction", err))
		return CU_EDB;
	s->in_txn = 1;
	return 0;
}

int store_commit(struct store *s, struct cu_err *err)
{
	if (!s->in_txn)
		return cu_err_set(err, CU_EDB, "internal error: no transaction to commit");
	if (exec(s, "COMMIT", "committing", err)) {
		store_rollback(s);
		return CU_EDB;
	}
	s->in_txn = 0;
	return 0;
}

void store_rollback(struct store *s)
{
	if (s->in_txn)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_txn = 0;
}

void store_init(void)
{
	/* SQLite's memory statistics take a global mutex on every allocation; nothing reads
	 * them. Only possible before SQLite initialises, so first thing in main. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void store_idle(struct store *s)
{
	for (sqlite3_stmt *st = sqlite3_next_stmt(s->db, NULL); st; st = sqlite3_next_stmt(s->db, st))
		sqlite3_reset(st);
	if (s->in_txn || !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_txn = 0;
}

/* Hash every row of one table, in rowid order, column by column with type tags. */
static int digest_table(struct store *s, const char *sql, crypto_hash_sha256_state *h,
			struct cu_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_dberr(s, "computing the digest", err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int nc = sqlite3_column_count(st);

		for (int c = 0; c < nc; c++) {
			unsigned char tag = (unsigned char)sqlite3_column_type(st, c);
			const void *p = sqlite3_column_blob(st, c);
			int n = sqlite3_column_bytes(st, c);
			uint32_t len = (uint32_t)n;

			crypto_hash_sha256_update(h, &tag, 1);
			crypto_hash_sha256_update(h, (const unsigned char *)&len, sizeof len);
			if (n > 0 && p)
				crypto_hash_sha256_update(h, p, (unsigned long long)n);
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_dberr(s, "computing the digest", err);
}

int store_digest(struct store *s, char out[65], struct cu_err *err)
{
	/* Whole-table reads, fixed list: these are the only tables, in migration order. */
	static const char *const tables[] = {
		"SELECT * FROM org ORDER BY id",     "SELECT * FROM service ORDER BY id",
		"SELECT * FROM indicator ORDER BY id", "SELECT * FROM import ORDER BY id",
		"SELECT * FROM observation ORDER BY id", "SELECT * FROM audit ORDER BY id",
		"SELECT * FROM app_user ORDER BY id", "SELECT * FROM user_session ORDER BY id",
		"SELECT * FROM signin_failure ORDER BY id",
		"SELECT * FROM commissioning ORDER BY id", "SELECT * FROM oversight ORDER BY id",
		"SELECT * FROM rebase ORDER BY id",
		"SELECT * FROM spells_import ORDER BY import_id",
		"SELECT * FROM spells_provider ORDER BY import_id, provider",
		"SELECT * FROM spells_group ORDER BY import_id, diag_group",
		"SELECT * FROM spells_series ORDER BY import_id, provider, diag_group",
		"SELECT * FROM spells_cell ORDER BY import_id, provider, diag_group, pattern",
		"SELECT type, name, sql FROM sqlite_schema ORDER BY name",
	};
	crypto_hash_sha256_state h;
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&h);
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		if (digest_table(s, tables[i], &h, err))
			return CU_EDB;
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof d);
	return 0;
}
