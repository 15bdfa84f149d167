/*
 * A small test harness. Each test file is one executable:
 *
 *	static void import_rejects_duplicate_period(void) { CHECK(...); }
 *	int main(void) { RUN(import_rejects_duplicate_period); return test_done(); }
 *
 * CHECK-style macros record a failure with file and line and carry on, so one run reports every
 * broken behaviour. test_done() prints "N passed, N failed" for the file's tests and returns the
 * process exit status.
 */
#ifndef CU_TEST_H
#define CU_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

extern int test_failures_in_current; /* failures recorded in the running test */

void test_run(const char *name, void (*fn)(void));
int test_done(void);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Relative-or-absolute closeness: |a - b| <= tol * max(1, |b|). NaN never matches. */
int test_near(double a, double b, double tol);
/* Path of a file under ../shared/data (or $CU_SHARED_DATA), the public reference data. Static buffer. */
const char *test_data_path(const char *rel);

#define RUN(fn) test_run(#fn, fn)
#define CHECK(cond) \
	do { if (!(cond)) test_fail(__FILE__, __LINE__, "check failed: %s", #cond); } while (0)
#define CHECK_INT(a, b) \
	do { long long a_ = (long long)(a), b_ = (long long)(b); \
	     if (a_ != b_) test_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, a_, b_); \
	} while (0)
#define CHECK_NEAR(a, b, tol) \
	do { double a_ = (a), b_ = (b); \
	     if (!test_near(a_, b_, (tol))) \
		test_fail(__FILE__, __LINE__, "%s == %.12g, expected %.12g (tol %g)", #a, a_, b_, \
			  (double)(tol)); \
	} while (0)
#define CHECK_STR(a, b) \
	do { const char *a_ = (a), *b_ = (b); \
	     if (!a_ || !b_ || strcmp(a_, b_) != 0) \
		test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)", \
			  b_ ? b_ : "(null)"); \
	} while (0)
/* Substring check, for error messages whose exact text is part of the contract. */
#define CHECK_CONTAINS(hay, needle) \
	do { const char *h_ = (hay), *n_ = (needle); \
	     if (!h_ || !strstr(h_, n_)) \
		test_fail(__FILE__, __LINE__, "%s == \"%s\", expected to contain \"%s\"", #hay, \
			  h_ ? h_ : "(null)", n_); \
	} while (0)

#endif
