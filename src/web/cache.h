/*
 * Rendered parts of pages kept between requests. A part is kept under a key (what it shows,
 * e.g. "provider RG001") and the store's data version when it was made (store_data_version:
 * the audit trail's latest id, which every write moves on); it is served only while the
 * version is unchanged, so nothing written is ever hidden by it. Only parts that depend on
 * what is shown and not on who looks may be kept: access is decided before the lookup, on
 * every request.
 *
 * The cache is one per process, shared by the server's threads (a mutex), bounded in entries
 * and bytes (WEB_CACHE_ENTRIES, WEB_CACHE_BYTES); the least recently used part goes first.
 */
#ifndef CU_WEB_CACHE_H
#define CU_WEB_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

enum { WEB_CACHE_ENTRIES = 512, WEB_CACHE_BYTES = 32 << 20, WEB_CACHE_KEY = 128 };

/*
 * Append the part kept under KEY at VERSION to OUT: 1 when found and appended, 0 when not kept
 * (or kept at another version, which is dropped), or a negative CU_ status when OUT refused it.
 */
int web_cache_get(const char *key, int64_t version, struct cu_buf *out);
/*
 * Keep N bytes at P under KEY at VERSION (a copy), replacing what KEY held. A key longer than
 * WEB_CACHE_KEY - 1 or a part over a quarter of WEB_CACHE_BYTES is not kept.
 */
void web_cache_put(const char *key, int64_t version, const void *p, size_t n);
/* Forget everything (at shutdown, so nothing is left allocated; and in tests). */
void web_cache_clear(void);

#endif
