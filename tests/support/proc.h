/*
 * Running the built binary from a test: one helper instead of a fork/exec in every test file.
 */
#ifndef CU_TEST_PROC_H
#define CU_TEST_PROC_H

#include <stddef.h>

/*
 * Run ARGV[0] with ARGV (NULL-ended). Standard input is IN_TEXT (NULL: empty); standard output
 * and standard error are kept NUL-terminated in OUT and ERR (each may be NULL: discarded), cut
 * to their sizes. Returns the exit status, or -1 when the program did not exit normally.
 */
int test_exec(const char *const *argv, const char *in_text, char *out, size_t nout, char *err,
	      size_t nerr);

#endif
