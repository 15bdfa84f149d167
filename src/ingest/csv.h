/*
 * custodian's CSV reader (RFC 4180: quoted fields, doubled quotes, embedded newlines, CRLF or
 * LF line ends), with the checks every importer needs: a UTF-8 byte-order mark is skipped;
 * invalid UTF-8 and NUL bytes are refused; every limit in base/limits.h (file size, field
 * length, columns, rows) is enforced before memory grows past it. As libcsv did before it,
 * blank lines are skipped, spaces and tabs around an unquoted field are not part of it, and
 * spaces may stand between a closing quote and the comma.
 *
 * The reader calls a record callback for each record with its fields and the line it starts
 * on. Structural faults (a quote inside an unquoted field or text after a closing quote, a
 * quoted field left open at the end of the file, a limit passed, a read error) stop the
 * reading with a located error. Faults inside a field's text (invalid UTF-8, NUL) are
 * reported through the callback's record so the caller can go on collecting errors from
 * later rows.
 *
 * Two ways to read. ingest_csv_read streams any FILE in order on the calling thread and
 * computes the file's SHA-256 as it goes, so a file is read once. ingest_csv_read_par reads
 * a large regular file on every core: the file is cut at line ends into one chunk per
 * thread, each thread parses its chunk and calls its own record callback, so callers keep
 * per-thread state and merge it afterwards. Record lines are the true lines of the file in
 * both. A file with any double quote in it (where a quoted newline could straddle a cut) or
 * a small file is read in order instead, through the same callbacks on one thread.
 */
#ifndef CU_INGEST_CSV_H
#define CU_INGEST_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/str.h"

/* Threads ingest_csv_read_par may use at most. */
#define INGEST_CSV_MAX_THREADS 16

struct ingest_record {
	long line;              /* 1-based physical line on which the record starts */
	size_t n;               /* fields */
	const struct cu_str *f; /* N field views, valid during the callback only */
	/* The first field (0-based) whose text is not valid UTF-8 or holds a NUL, or -1. */
	long bad_field;
	size_t bad_offset;      /* byte offset of the fault inside that field */
	int bad_nul;            /* the fault is a NUL byte (else invalid UTF-8) */
};

struct ingest_csv_opts {
	const char *source;   /* name used in error locations, e.g. the file's base name */
	int64_t max_bytes;    /* 0: CU_MAX_IMPORT_BYTES */
	long long max_rows;   /* 0: CU_MAX_ROWS (records, header included) */
	size_t max_field;     /* 0: CU_MAX_FIELD_BYTES */
	size_t max_columns;   /* 0: CU_MAX_COLUMNS */
	int no_hash;          /* do not compute the SHA-256 (res->sha256 is left "") */
	/* ingest_csv_read: compute the SHA-256 on a second thread while the caller's thread
	 * parses (same digest; a copy of each 1 MiB block read, at most four queued). */
	int hash_thread;
	/* ingest_csv_read only: called after each block read, with bytes and records so far. */
	void (*progress)(void *arg, int64_t bytes, long long records);
	void *progress_arg;
};

struct ingest_csv_result {
	int64_t bytes;
	long long records;     /* header included */
	char sha256[65];       /* hex digest of the whole file, "" with no_hash */
	unsigned threads;      /* threads that parsed the file (ingest_csv_read_par) */
	int stop_chunk;        /* ingest_csv_read_par: chunk whose stop is returned, or -1 */
};

/*
 * Read the CSV from the open file F (read from its current position to the end), calling
 * ON_RECORD for each record. A non-zero return from ON_RECORD stops reading and is returned.
 * Returns 0 at the end of the file, or a negative cu_errcode with ERR located (source, line).
 * RES (may be NULL) gets the byte and record counts and the SHA-256.
 */
int ingest_csv_read(FILE *f, const struct ingest_csv_opts *opts,
		    int (*on_record)(void *arg, const struct ingest_record *r), void *arg,
		    struct ingest_csv_result *res, struct cu_err *err);

/* Threads ingest_csv_read_par and the importer will use on this machine (1 ..
 * INGEST_CSV_MAX_THREADS): the processors online, or CU_IMPORT_THREADS from the environment
 * when it is a whole number of 1 or more (1: every import runs on one thread, its hashing
 * included). */
unsigned ingest_csv_threads(void);

/*
 * Read the CSV file F from its start on up to NTHREADS threads (from ingest_csv_threads; 1
 * reads in order). ON_HEADER gets the first record on the calling thread before any other;
 * then thread t calls ON_RECORD(TARGS[t], record) for each record of its chunk, in file order
 * within the chunk; chunk t precedes chunk t + 1 in the file. The callbacks of different
 * threads run at the same time and must not share unguarded state. A non-zero return stops
 * that thread; the result is that of the earliest chunk that stopped (a reader error or the
 * callback's code), so errors are reported as a sequential read would first meet them, and
 * RES->stop_chunk names it: a reader error there is in ERR, a callback's code is the
 * callback's to explain through TARGS[stop_chunk]. Limits as ingest_csv_read; no progress calls. RES gets the
 * counts, the SHA-256 (hashed on a further thread unless no_hash) and the threads used.
 */
int ingest_csv_read_par(FILE *f, const struct ingest_csv_opts *opts, unsigned nthreads,
			int (*on_header)(void *arg, const struct ingest_record *r), void *arg,
			int (*on_record)(void *targ, const struct ingest_record *r),
			void *const *targs, struct ingest_csv_result *res, struct cu_err *err);

#endif
