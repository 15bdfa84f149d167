/*
 * Errors: a return code and a located, user-readable message (STYLE.md habit 6).
 *
 * Functions that can fail return 0 or a negative enum cu_errcode and fill a caller-owned
 * struct cu_err. The struct has fixed buffers, so setting an error never allocates. The first
 * error wins: later cu_err_set calls on a struct that already holds an error change nothing,
 * so the message names the cause, not its consequences. Messages are lower case, end without a
 * full stop and quote the offending value: `bad number "12x" in column "breaches": expected a
 * whole number from 0 to 1000000000`.
 *
 * For batches (imports), struct cu_errlist collects up to CU_MAX_ERRORS located errors.
 */
#ifndef CU_ERR_H
#define CU_ERR_H

#include <stddef.h>

#include "base/limits.h"

enum cu_errcode {
	CU_OK = 0,
	CU_EINVAL = -1,   /* input is malformed or out of range */
	CU_ENOENT = -2,   /* a named thing does not exist */
	CU_EEXIST = -3,   /* it exists already (duplicate) */
	CU_EIO = -4,      /* reading or writing a file failed */
	CU_ELIMIT = -5,   /* a limit in base/limits.h was reached */
	CU_EDB = -6,      /* the database refused or failed */
	CU_EDENIED = -7,  /* the actor may not do this */
	CU_ENOMEM = -8,   /* out of memory */
	CU_ESTATS = -9,   /* a statistical method refused its input */
	CU_EVERSION = -10, /* schema or format version mismatch */
	CU_ECONFLICT = -11, /* the thing changed under us */
};

struct cu_err {
	int code;          /* 0 when no error is set */
	char source[256];  /* file name or other origin; "" when none */
	long line;         /* 1-based line, 0 when none */
	char field[64];    /* column or field name; "" when none */
	char msg[512];     /* what was wrong and what was expected */
};

/* Clear ERR to "no error". */
void cu_err_clear(struct cu_err *err);

/*
 * Set ERR's code and message (printf-style) unless an error is already set, and return CODE
 * so callers can write `return cu_err_set(err, CU_EINVAL, "...")`. ERR may be NULL.
 */
int cu_err_set(struct cu_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As cu_err_set, with the error located at SOURCE, LINE and FIELD (any may be NULL / 0). */
int cu_err_setloc(struct cu_err *err, int code, const char *source, long line, const char *field,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * Write ERR as one line into OUT (size N): "source:line: field "f": message", omitting the
 * parts that are unset. Truncates safely. Returns OUT.
 */
char *cu_err_format(const struct cu_err *err, char *out, size_t n);

/*
 * Quote VALUE (length LEN) for a message: at most CU_MAX_SHOWN_VALUE bytes, control characters
 * and bytes >= 0x7f outside valid UTF-8 shown as \xNN, an ellipsis when cut. Writes a
 * NUL-terminated string into OUT (size N, at least 8). Returns OUT.
 */
char *cu_err_quote(const char *value, size_t len, char *out, size_t n);

/* A capped list of located errors for batch work (imports). */
struct cu_errlist {
	size_t n;        /* errors kept, at most CU_MAX_ERRORS */
	size_t dropped;  /* errors seen past the cap and not kept */
	struct cu_err e[CU_MAX_ERRORS];
};

/* Append a copy of ERR (which must hold an error). Past the cap, count it in dropped. */
void cu_errlist_add(struct cu_errlist *list, const struct cu_err *err);
/* Total errors seen, kept or dropped. */
size_t cu_errlist_total(const struct cu_errlist *list);

#endif
