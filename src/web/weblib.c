/* Loading the web server's libraries at run time; see weblib.h. */
#include "web/weblib.h"

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

/* The libraries' sonames, read from the files linked against at build time (CMakeLists.txt). */
#ifndef CU_SONAME_MHD
#error "CU_SONAME_MHD (libmicrohttpd's soname) is set by the build"
#endif
#ifndef CU_SONAME_XLSX
#error "CU_SONAME_XLSX (libxlsxwriter's soname) is set by the build"
#endif

struct weblib weblib;

static const struct {
	const char *soname, *package;
} libs[] = {
	{ CU_SONAME_MHD, "libmicrohttpd12" },
	{ CU_SONAME_XLSX, "libxlsxwriter4" },
};
enum { MHD, XLSX };

static int loaded;

int weblib_load(struct cu_err *err)
{
	void *h[2];

	if (loaded)
		return 0;
	for (size_t i = 0; i < 2; i++)
		if (!(h[i] = dlopen(libs[i].soname, RTLD_NOW | RTLD_LOCAL)))
			return cu_err_set(err, CU_EIO, "cannot load %s (%s): install the package %s "
				       "(scripts/install-deps does)", libs[i].soname, dlerror(),
				       libs[i].package);
	/* The handles stay open for the life of the process: the functions are used until exit.
	 * dlsym's object pointer becomes the function pointer by copying its bytes (POSIX has the
	 * two the same size and form), not through a cast between the two kinds of pointer. */
#define WEBLIB_LOAD(lib, fn)                                                                 \
	{                                                                                    \
		void *sym = dlsym(h[lib], #fn);                                              \
                                                                                             \
		_Static_assert(sizeof sym == sizeof weblib.fn, "function pointer size");     \
		if (!sym)                                                                    \
			return cu_err_set(err, CU_EIO, "%s has no function %s: expected the "  \
					  "version custodian was built against",                \
					  libs[lib].soname, #fn);                                \
		memcpy(&weblib.fn, &sym, sizeof sym);                                        \
	}
	WEBLIB_FUNCTIONS(WEBLIB_LOAD)
#undef WEBLIB_LOAD
	loaded = 1;
	return 0;
}
