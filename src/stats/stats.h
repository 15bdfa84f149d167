/*
 * stats: custodian's numerical core. Pure numerics in the manner of GSL: arrays in, results
 * out, a status code back. Nothing here does I/O, keeps global state, prints, or allocates
 * unless a function says so and takes a caller workspace. It includes only libc, libm and GSL,
 * and nothing else in the project (a grep in `make test` checks the layering).
 *
 * Every function returns STATS_OK (0) or one of the negative codes below and never passes a
 * NaN on silently: an input that would make one is refused with a code. Each method's header
 * cites the published source and equation it implements; docs/methods.md collects them.
 *
 * Call stats_init() once in main, before any thread, so that GSL's default error handler
 * (which aborts) is replaced by status returns.
 */
#ifndef CU_STATS_H
#define CU_STATS_H

#include <stddef.h>

enum stats_status {
	STATS_OK = 0,
	STATS_EDOM = -1,     /* input outside the method's domain: n too small, p outside (0,1),
				denominator <= 0, numerator > denominator, NaN or infinity */
	STATS_ERANGE = -2,   /* a parameter (level, breakpoint, threshold) is out of range or order */
	STATS_ENOCONV = -3,  /* an iteration did not converge within its limit */
	STATS_ESEPARATE = -4, /* perfect or quasi-complete separation in a regression */
	STATS_ESINGULAR = -5, /* a matrix is singular (collinear design) */
	STATS_ENOMEM = -6,   /* a caller workspace is too small */
};

/* Replace GSL's aborting error handler by status returns. Call once, before any thread. */
void stats_init(void);

/* A short lower-case description of STATUS, e.g. "input outside the method's domain". */
const char *stats_strerror(int status);

#endif
