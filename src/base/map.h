/*
 * A hash map from byte-string keys to 64-bit values or pointers, open addressing with linear
 * probing (FNV-1a hashing). The map owns copies of its keys; values are the caller's (a map
 * never frees what a pointer value points to). It grows as needed and can be capped.
 */
#ifndef CU_MAP_H
#define CU_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/str.h"

struct cu_map_entry {
	char *key;    /* owned, NUL-terminated; NULL for an empty slot */
	size_t klen;
	uint64_t hash;
	union {
		int64_t i;
		void *p;
	} v;
};

struct cu_map {
	struct cu_map_entry *slots;
	size_t cap, n;
	size_t max; /* most entries allowed; 0 for no cap */
};

void cu_map_init(struct cu_map *m, size_t max);
/* Free the keys and the table; values are not touched. */
void cu_map_release(struct cu_map *m);
/* The entry for KEY, or NULL. Valid until the next insertion. */
struct cu_map_entry *cu_map_get(const struct cu_map *m, struct cu_str key);
/*
 * The entry for KEY, inserting it (value zero) when absent; *CREATED (may be NULL) says which.
 * NULL when inserting would pass the cap. Valid until the next insertion.
 */
struct cu_map_entry *cu_map_put(struct cu_map *m, struct cu_str key, int *created);
/* Visit every entry in table order; stop when FN returns non-zero (and return that). */
int cu_map_each(const struct cu_map *m, int (*fn)(void *arg, struct cu_map_entry *e), void *arg);

#endif
