/*
 * JSON text from a Jansson value, as json_dumps(J, JSON_COMPACT | JSON_ENSURE_ASCII) writes it
 * except for real numbers: each is the shortest decimal that reads back as the same double
 * (cu_num_fmt: 0.406, where Jansson writes 0.40600000000000003, its %.17g), with ".0" added
 * where it would otherwise read as an integer (2.0), as Jansson does. The API's answers go
 * out this way (api.c), so a figure reads as the page shows it and still parses to the very
 * double computed.
 */
#ifndef CU_WEB_JSONW_H
#define CU_WEB_JSONW_H

#include <jansson.h>

#include "base/buf.h"

/* Append J's text to B. Returns 0, or CU_ELIMIT when B's ceiling is reached (B is then
 * failed), or CU_EINVAL for a string that is not UTF-8 or a real that is not finite. */
int jsonw_write(struct cu_buf *b, const json_t *j);

#endif
