/* Open-addressing string map; see map.h. */
#include "base/map.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static uint64_t fnv1a(struct cu_str k)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < k.n; i++) {
		h ^= (unsigned char)k.p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void cu_map_init(struct cu_map *m, size_t max)
{
	memset(m, 0, sizeof *m);
	m->max = max;
}

void cu_map_release(struct cu_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	cu_map_init(m, m->max);
}

static struct cu_map_entry *find(const struct cu_map_entry *slots, size_t cap, struct cu_str key,
				 uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);

	for (;;) {
		const struct cu_map_entry *e = &slots[i];

		if (!e->key || (e->hash == h && e->klen == key.n && memcmp(e->key, key.p, key.n) == 0))
			return (struct cu_map_entry *)e;
		i = (i + 1) & (cap - 1);
	}
}

struct cu_map_entry *cu_map_get(const struct cu_map *m, struct cu_str key)
{
	struct cu_map_entry *e;

	if (m->cap == 0)
		return NULL;
	e = find(m->slots, m->cap, key, fnv1a(key));
	return e->key ? e : NULL;
}

static void grow(struct cu_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct cu_map_entry *slots = xcalloc(cap, sizeof *slots);

	for (size_t i = 0; i < m->cap; i++) {
		struct cu_map_entry *e = &m->slots[i];

		if (e->key)
			*find(slots, cap, (struct cu_str){ e->key, e->klen }, e->hash) = *e;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

struct cu_map_entry *cu_map_put(struct cu_map *m, struct cu_str key, int *created)
{
	uint64_t h = fnv1a(key);
	struct cu_map_entry *e;

	if (m->cap) {
		e = find(m->slots, m->cap, key, h);
		if (e->key) {
			if (created)
				*created = 0;
			return e;
		}
	}
	if (m->max && m->n >= m->max)
		return NULL;
	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	e = find(m->slots, m->cap, key, h);
	e->key = xstrndup(key.p, key.n);
	e->klen = key.n;
	e->hash = h;
	e->v.i = 0;
	m->n++;
	if (created)
		*created = 1;
	return e;
}

int cu_map_each(const struct cu_map *m, int (*fn)(void *arg, struct cu_map_entry *e), void *arg)
{
	for (size_t i = 0; i < m->cap; i++) {
		int rc;

		if (m->slots[i].key && (rc = fn(arg, &m->slots[i])) != 0)
			return rc;
	}
	return 0;
}
