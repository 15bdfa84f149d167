/*
 * The libraries only the web server uses, loaded when it starts (weblib_load, from web_start)
 * rather than when the program starts: libmicrohttpd, with the TLS stack it is built against
 * (GnuTLS, nettle, gmp, p11-kit, ...), and libxlsxwriter, with minizip, zlib and libcrypto.
 * Linked into the program, they were 15 of its 24 shared libraries, mapped and relocated by
 * every `custodian` command (`custodian --help` took 9 ms, 3 ms without them; bench/RESULTS.md).
 * The headers still give the types, constants and each function's exact type; calls go through
 * WEBLIB, whose fields are the functions of the same names: WEBLIB.MHD_queue_response(...).
 */
#ifndef CU_WEB_WEBLIB_H
#define CU_WEB_WEBLIB_H

#include <microhttpd.h>
#include <xlsxwriter.h>

#include "base/err.h"

/* X(library, function) for each function used; the library is MHD or XLSX. */
#define WEBLIB_FUNCTIONS(X)                                      \
	X(MHD, MHD_add_response_header)                          \
	X(MHD, MHD_create_post_processor)                        \
	X(MHD, MHD_create_response_from_buffer)                  \
	X(MHD, MHD_create_response_from_buffer_with_free_callback) \
	X(MHD, MHD_create_response_from_fd)                      \
	X(MHD, MHD_destroy_post_processor)                       \
	X(MHD, MHD_destroy_response)                             \
	X(MHD, MHD_get_connection_info)                          \
	X(MHD, MHD_get_connection_values)                        \
	X(MHD, MHD_get_daemon_info)                              \
	X(MHD, MHD_lookup_connection_value)                      \
	X(MHD, MHD_post_process)                                 \
	X(MHD, MHD_queue_response)                               \
	X(MHD, MHD_start_daemon)                                 \
	X(MHD, MHD_stop_daemon)                                  \
	X(XLSX, format_set_bold)                                 \
	X(XLSX, format_set_num_format)                           \
	X(XLSX, workbook_add_format)                             \
	X(XLSX, workbook_add_worksheet)                          \
	X(XLSX, workbook_close)                                  \
	X(XLSX, workbook_new)                                    \
	X(XLSX, worksheet_write_number)                          \
	X(XLSX, worksheet_write_string)

struct weblib {
#define WEBLIB_FIELD(lib, fn) __typeof__(fn) *fn;
	WEBLIB_FUNCTIONS(WEBLIB_FIELD)
#undef WEBLIB_FIELD
};

/* Filled by weblib_load; read-only afterwards. */
extern struct weblib weblib;

/*
 * Load both libraries and every function above, once: later calls return at once (call it
 * before any thread that uses WEBLIB starts). Returns 0, or CU_EIO with ERR naming the library
 * or function that could not be found and the package to install.
 */
int weblib_load(struct cu_err *err);

#endif
