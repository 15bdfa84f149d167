/*
 * Importing a file: one file is one transaction. The file is streamed through the CSV reader,
 * each row checked against its profile and the catalogue, and the figures appended to the
 * store. A spells profile sends the file through the mortality model instead (ingest/spells.h):
 * the results land as one observation of the profile's ratio indicator per provider for the
 * given period, with the model's aggregates beside them (store.h, spells), never a spell. Errors are collected, each located (file, line, column) with the offending value and
 * what was expected, up to CU_MAX_ERRORS; if there is any error, or the file was imported
 * before (same SHA-256), the transaction is rolled back and the database is exactly as before.
 *
 * Threads: the file's SHA-256 is computed on a second thread while the rows are read, and on a
 * machine with two or more cores an observations file in wide format is written to the store
 * by a further thread while the calling thread reads and checks the rows (the store connection
 * is used by one of them at a time). The errors are those, and in the order, of a sequential
 * import; when an import fails, reading may have run up to about 2,000 observations past the
 * last error kept, so rows_read and the count of errors not kept can be larger than a
 * sequential read's. The caller sees none of this: ingest_import returns when all is done.
 */
#ifndef CU_INGEST_IMPORT_H
#define CU_INGEST_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "ingest/profile.h"
#include "store/store.h"

struct ingest_import_opts {
	const char *display_name; /* name recorded and shown in errors; NULL: PATH's base name */
	bool dry_run;             /* check everything, then roll back */
	/* Limits; 0 takes the value from base/limits.h (tests lower them). */
	int64_t max_bytes;
	long long max_rows;
	size_t max_field, max_columns;
	/* Spells profiles: the period the spells are about, as "2023-24" (a financial year),
	 * "2024-03" or "MAR2024" (a month). Required for them, refused for other profiles
	 * (their rows carry their periods). */
	const char *period;
	/* Progress after each block: bytes read, of TOTAL (file size, 0 if unknown), records. */
	void (*progress)(void *arg, int64_t bytes, int64_t total, long long records);
	void *progress_arg;
};

struct ingest_import_result {
	int64_t import_id;        /* the import's id when it landed, else 0 */
	long long rows_read;      /* data rows (header excluded) */
	long long rows_kept;      /* rows the profile's filters kept */
	long long rows_accepted;  /* kept rows without error */
	int64_t observations;     /* observations (or organisations) written */
	int64_t bytes;
	char sha256[65];
	bool stopped;             /* reading stopped early (too many errors or a fatal one) */
	bool at_limit;            /* ...at the error limit: ERRORS are the first CU_MAX_ERRORS in
				   * file order, and rows after them (if any) were not checked */
	/* Spells: providers and diagnosis groups in the file, and the providers whose code is no
	 * organisation code (3 to 8 upper-case letters or digits): their results are stored, but
	 * no observation, as observations belong to organisations. FIRST_UNLINKED names one. */
	long long providers, groups, providers_unlinked;
	char first_unlinked[CU_MAX_CODE + 1];
	char period_label[16];    /* the period, as model_period_label writes it */
	struct cu_errlist errors; /* located errors; empty on success */
};

/*
 * Import the file at PATH with profile P as actor A. Returns 0 when the file landed (or, with
 * dry_run, would land), or a negative cu_errcode with RES->errors holding at least one located
 * error; then nothing was written. RES is filled in either case.
 */
int ingest_import(struct store *s, const struct cu_actor *a, const struct ingest_profile *p,
		  const char *path, const struct ingest_import_opts *o,
		  struct ingest_import_result *res);

#endif
