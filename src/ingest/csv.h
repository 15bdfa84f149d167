/*
 * A streaming CSV reader on libcsv (RFC 4180: quoted fields, doubled quotes, embedded newlines,
 * CRLF or LF line ends), with the checks every importer needs: a UTF-8 byte-order mark is
 * skipped; invalid UTF-8 and NUL bytes are refused; every limit in base/limits.h (file size,
 * field length, columns, rows) is enforced before memory grows past it. It computes the file's
 * SHA-256 as it reads, so a file is read once.
 *
 * The reader calls a record callback for each record with its fields and the line it starts
 * on. Structural faults (malformed quoting, a quoted field left open at the end of the file,
 * a limit passed, a read error) stop the reading with a located error. Faults inside a field's
 * text (invalid UTF-8, NUL) are reported through the callback's record so the caller can go on
 * collecting errors from later rows.
 */
#ifndef CU_INGEST_CSV_H
#define CU_INGEST_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/str.h"

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
	/* Called after each block read, with bytes and records so far; may be NULL. */
	void (*progress)(void *arg, int64_t bytes, long long records);
	void *progress_arg;
};

struct ingest_csv_result {
	int64_t bytes;
	long long records;     /* header included */
	char sha256[65];       /* hex digest of the whole file */
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

#endif
