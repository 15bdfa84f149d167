/* The test harness behind tests/test.h. */
#include "test.h"

#include <stdarg.h>
#include <stdlib.h>

int test_failures_in_current;
static int passed, failed;
static const char *current;

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: %s: ", file, line, current ? current : "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	test_failures_in_current++;
}

void test_run(const char *name, void (*fn)(void))
{
	current = name;
	test_failures_in_current = 0;
	fn();
	if (test_failures_in_current) {
		failed++;
		fprintf(stderr, "FAIL %s\n", name);
	} else {
		passed++;
	}
	current = NULL;
}

int test_done(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

int test_near(double a, double b, double tol)
{
	double scale;

	if (isnan(a) || isnan(b))
		return 0;
	if (isinf(a) || isinf(b))
		return a == b;
	scale = fabs(b) > 1.0 ? fabs(b) : 1.0;
	return fabs(a - b) <= tol * scale;
}

const char *test_data_path(const char *rel)
{
	static char buf[4096];
	const char *env = getenv("CU_SHARED_DATA");
	/* The clone sits beside shared/ (as CI has it); $CU_SHARED_DATA may point elsewhere. */
	int n = snprintf(buf, sizeof buf, "%s/%s", env && *env ? env : CU_SHARED_DATA_DIR, rel);

	if (n < 0 || (size_t)n >= sizeof buf) {
		fprintf(stderr, "test_data_path: path too long\n");
		exit(2);
	}
	return buf;
}
