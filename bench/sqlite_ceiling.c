/*
 * bench/sqlite_ceiling: how fast can this machine's SQLite insert rows shaped like custodian's
 * observations, with nothing else going on? It bounds what bench/import can reach.
 *
 *   bench_sqlite_ceiling [ROWS=1000000] [DIR=/tmp]
 *
 * Three layouts, each in a fresh database with the store's connection settings (store_open and
 * store_init: WAL, synchronous=FULL, 64 MB cache, temporary tables in memory, no per-connection
 * mutex, SQLite's memory statistics off), one transaction, one prepared statement, rows in
 * month order then organisation (2,000 organisations x 5 indicators): a rowid table with the
 * unique key as an index (the store's layout), the same table clustered WITHOUT ROWID, and the
 * rowid layout with an integer period. This is a benchmark of SQLite itself; the product's SQL
 * lives in src/store.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *const layouts[] = {
	"CREATE TABLE o(id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL, ps TEXT,"
	" pe TEXT, g TEXT, r INTEGER, st TEXT, n REAL, d REAL, v REAL, rec TEXT, imp INTEGER);"
	" CREATE UNIQUE INDEX ok ON o(a, b, ps, r)",
	"CREATE TABLE o(a INTEGER NOT NULL, b INTEGER NOT NULL, ps TEXT, pe TEXT, g TEXT,"
	" r INTEGER, st TEXT, n REAL, d REAL, v REAL, rec TEXT, imp INTEGER,"
	" PRIMARY KEY (a, b, ps, r)) WITHOUT ROWID",
	"CREATE TABLE o(id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL,"
	" ps INTEGER, pe TEXT, g TEXT, r INTEGER, st TEXT, n REAL, d REAL, v REAL, rec TEXT,"
	" imp INTEGER); CREATE UNIQUE INDEX ok ON o(a, b, ps, r)",
};
static const char *const names[] = { "rowid + unique index (store layout)",
				     "clustered WITHOUT ROWID", "rowid + index, integer period" };

int main(int argc, char **argv)
{
	long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";

	/* As store_init: a global mutex on every allocation otherwise. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	for (int mode = 0; mode < 3; mode++) {
		char path[512], wal[560], shm[560];
		struct timespec t0, t1;
		sqlite3_stmt *st;
		sqlite3 *db;

		snprintf(path, sizeof path, "%s/bench_ceiling_%d.db", dir, mode);
		snprintf(wal, sizeof wal, "%s-wal", path);
		snprintf(shm, sizeof shm, "%s-shm", path);
		unlink(path), unlink(wal), unlink(shm);
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
						       SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
			return 1;
		sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
				 " PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY",
			     NULL, NULL, NULL);
		sqlite3_exec(db, layouts[mode], NULL, NULL, NULL);
		sqlite3_prepare_v2(db, "INSERT INTO o(a, b, ps, pe, g, r, st, n, d, v, rec, imp)"
				   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		for (long i = 0; i < rows; i++) {
			long k = i / 5, org = k % 2000, mth = k / 2000;
			char ps[16];

			snprintf(ps, sizeof ps, "%04ld-%02ld-01", 2000 + mth / 12 % 8000, mth % 12 + 1);
			sqlite3_bind_int64(st, 1, org);
			sqlite3_bind_int(st, 2, (int)(i % 5));
			if (mode == 2)
				sqlite3_bind_int64(st, 3, mth);
			else
				sqlite3_bind_text(st, 3, ps, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 4, ps, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 5, "month", -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 6, 1);
			sqlite3_bind_text(st, 7, "ok", -1, SQLITE_STATIC);
			sqlite3_bind_double(st, 8, 1);
			sqlite3_bind_double(st, 9, 2);
			sqlite3_bind_double(st, 10, 0.5);
			sqlite3_bind_text(st, 11, "2026-11-24T00:00:00.000000Z", -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 12, 1);
			sqlite3_step(st);
			sqlite3_reset(st);
		}
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		sqlite3_finalize(st);
		sqlite3_close(db);
		unlink(path), unlink(wal), unlink(shm);
		printf("%-38s rows=%ld rows_per_s=%.0f\n", names[mode], rows,
		       (double)rows / ((double)(t1.tv_sec - t0.tv_sec) +
				       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9));
	}
	return 0;
}
