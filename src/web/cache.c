/*
 * Rendered parts of pages kept between requests (cache.h). A fixed table searched by a hash
 * of the key, then the key itself; least recently used out first.
 */
#include "web/cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

struct entry {
	bool used;
	uint64_t hash;
	char key[WEB_CACHE_KEY];
	int64_t version;
	char *p;
	size_t n;
	uint64_t last; /* tick of the latest use */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct entry table[WEB_CACHE_ENTRIES];
static size_t bytes;  /* held by all entries */
static uint64_t tick;

/* FNV-1a, 64 bits: only to skip most key comparisons. */
static uint64_t hash_key(const char *k)
{
	uint64_t x = 14695981039346656037ULL;

	for (; *k; k++)
		x = (x ^ (unsigned char)*k) * 1099511628211ULL;
	return x;
}

static struct entry *find(const char *key, uint64_t hash)
{
	for (size_t i = 0; i < WEB_CACHE_ENTRIES; i++)
		if (table[i].used && table[i].hash == hash && strcmp(table[i].key, key) == 0)
			return &table[i];
	return NULL;
}

static void drop(struct entry *e)
{
	bytes -= e->n;
	free(e->p);
	memset(e, 0, sizeof *e);
}

/* A free entry if FREE_OK and there is one, else the least recently used (NULL: none used). */
static struct entry *victim(bool free_ok)
{
	struct entry *v = NULL;

	for (size_t i = 0; i < WEB_CACHE_ENTRIES; i++) {
		if (!table[i].used) {
			if (free_ok)
				return &table[i];
		} else if (!v || table[i].last < v->last) {
			v = &table[i];
		}
	}
	return v;
}

int web_cache_get(const char *key, int64_t version, struct cu_buf *out)
{
	uint64_t hash = hash_key(key);
	struct entry *e;
	int rc = 0;

	pthread_mutex_lock(&mu);
	if ((e = find(key, hash))) {
		if (e->version != version) {
			drop(e);
		} else {
			e->last = ++tick;
			rc = cu_buf_add(out, e->p, e->n);
			rc = rc ? rc : 1;
		}
	}
	pthread_mutex_unlock(&mu);
	return rc;
}

void web_cache_put(const char *key, int64_t version, const void *p, size_t n)
{
	uint64_t hash = hash_key(key);
	struct entry *e;
	char *copy;

	if (strlen(key) >= WEB_CACHE_KEY || n > WEB_CACHE_BYTES / 4 || !(copy = malloc(n + 1)))
		return;
	memcpy(copy, p, n);
	copy[n] = '\0';
	pthread_mutex_lock(&mu);
	if ((e = find(key, hash)))
		drop(e);
	while (bytes + n > WEB_CACHE_BYTES && (e = victim(false)))
		drop(e);
	e = victim(true);
	if (e->used)
		drop(e);
	e->used = true;
	e->hash = hash;
	memcpy(e->key, key, strlen(key) + 1);
	e->version = version;
	e->p = copy;
	e->n = n;
	e->last = ++tick;
	bytes += n;
	pthread_mutex_unlock(&mu);
}

void web_cache_clear(void)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < WEB_CACHE_ENTRIES; i++)
		if (table[i].used)
			drop(&table[i]);
	pthread_mutex_unlock(&mu);
}
