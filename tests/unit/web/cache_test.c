/*
 * Rendered parts kept between requests (src/web/cache.c): served only at the version they were
 * made at, replaced under the same key, least recently used out first when the entries or
 * the bytes run out, refused when the reader's buffer is full, and safe from several threads.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "test.h"
#include "web/cache.h"

/* What KEY holds at VERSION as a string ("" when nothing), in a static buffer. */
static const char *got(const char *key, int64_t version)
{
	static char out[256];
	struct cu_buf b;
	int rc;

	cu_buf_init(&b, 1 << 20);
	rc = web_cache_get(key, version, &b);
	snprintf(out, sizeof out, "%s", rc == 1 ? b.p : rc == 0 ? "" : "error");
	cu_buf_release(&b);
	return out;
}

static void kept_at_its_version_only(void)
{
	web_cache_clear();
	CHECK_STR(got("provider RAA", 7), "");
	web_cache_put("provider RAA", 7, "<h1>A</h1>", 10);
	CHECK_STR(got("provider RAA", 7), "<h1>A</h1>");
	CHECK_STR(got("provider RAA", 7), "<h1>A</h1>"); /* a hit does not consume it */
	CHECK_STR(got("provider RAB", 7), "");          /* another key */
	CHECK_STR(got("provider RA", 7), "");           /* a prefix is another key */
	/* Anything written moves the version on: the old part is dropped, not served. */
	CHECK_STR(got("provider RAA", 8), "");
	CHECK_STR(got("provider RAA", 7), "");
}

static void same_key_replaced(void)
{
	web_cache_clear();
	web_cache_put("k", 1, "old", 3);
	web_cache_put("k", 2, "new!", 4);
	CHECK_STR(got("k", 1), "");
	web_cache_put("k", 2, "new!", 4);
	CHECK_STR(got("k", 2), "new!");
	/* Bytes count exactly what is kept: appended after what the buffer held. */
	{
		struct cu_buf b;

		cu_buf_init(&b, 64);
		cu_buf_adds(&b, "<p>");
		CHECK_INT(web_cache_get("k", 2, &b), 1);
		CHECK_STR(b.p, "<p>new!");
		CHECK_INT((int)b.n, 7);
		cu_buf_release(&b);
	}
}

static void full_reader_buffer_is_an_error(void)
{
	struct cu_buf b;

	web_cache_clear();
	web_cache_put("big", 1, "0123456789", 10);
	cu_buf_init(&b, 5); /* room for 5 bytes only */
	CHECK_INT(web_cache_get("big", 1, &b), CU_ELIMIT);
	CHECK_INT((int)b.n, 0);
	cu_buf_release(&b);
	CHECK_STR(got("big", 1), "0123456789"); /* still kept */
}

/* WEB_CACHE_ENTRIES parts fill the table; one more pushes out the least recently used. */
static void least_recently_used_goes_first(void)
{
	char key[32];

	web_cache_clear();
	for (int i = 0; i < WEB_CACHE_ENTRIES; i++) {
		snprintf(key, sizeof key, "p%d", i);
		web_cache_put(key, 1, key, strlen(key));
	}
	CHECK_STR(got("p0", 1), "p0"); /* p0 used again: p1 is now the oldest */
	web_cache_put("extra", 1, "x", 1);
	CHECK_STR(got("p1", 1), "");
	CHECK_STR(got("p0", 1), "p0");
	CHECK_STR(got("p2", 1), "p2");
	CHECK_STR(got("extra", 1), "x");
	snprintf(key, sizeof key, "p%d", WEB_CACHE_ENTRIES - 1);
	CHECK_STR(got(key, 1), key);
}

/*
 * Bytes: four parts of a quarter of WEB_CACHE_BYTES each fill it (the limit is inclusive); a
 * fifth pushes out the oldest; a part over a quarter is never kept.
 */
static void bytes_bounded(void)
{
	size_t q = WEB_CACHE_BYTES / 4;
	char *big = malloc(q + 1);
	char key[16];
	struct cu_buf b;

	memset(big, 'z', q + 1);
	web_cache_clear();
	for (int i = 0; i < 4; i++) {
		snprintf(key, sizeof key, "q%d", i);
		web_cache_put(key, 1, big, q);
	}
	cu_buf_init(&b, WEB_CACHE_BYTES);
	for (int i = 0; i < 4; i++) {
		snprintf(key, sizeof key, "q%d", i);
		cu_buf_reset(&b);
		CHECK_INT(web_cache_get(key, 1, &b), 1);
		CHECK_INT(b.n == q, 1);
	}
	web_cache_put("small", 1, "s", 1); /* q0 was used first, so it is the oldest */
	CHECK_STR(got("q0", 1), "");
	cu_buf_reset(&b);
	CHECK_INT(web_cache_get("q1", 1, &b), 1);
	web_cache_put("over", 1, big, q + 1);
	cu_buf_reset(&b);
	CHECK_INT(web_cache_get("over", 1, &b), 0);
	cu_buf_release(&b);
	free(big);
}

static void long_key_not_kept(void)
{
	char key[WEB_CACHE_KEY + 1];

	web_cache_clear();
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	web_cache_put(key, 1, "v", 1);
	CHECK_STR(got(key, 1), "");
	key[WEB_CACHE_KEY - 1] = '\0'; /* the longest key that fits */
	web_cache_put(key, 1, "v", 1);
	CHECK_STR(got(key, 1), "v");
}

/* Four threads putting and getting the same few keys: every hit is a whole, right part. */
static void *hammer(void *arg)
{
	int id = *(int *)arg, bad = 0;
	char key[16], val[32];
	struct cu_buf b;

	cu_buf_init(&b, 1 << 16);
	for (int i = 0; i < 20000; i++) {
		int k = (i * 7 + id) % 5;

		snprintf(key, sizeof key, "t%d", k);
		snprintf(val, sizeof val, "value of t%d", k);
		if (i % 3 == 0)
			web_cache_put(key, 1 + (i % 2), val, strlen(val));
		cu_buf_reset(&b);
		if (web_cache_get(key, 1 + (i % 2), &b) == 1 && strcmp(b.p, val) != 0)
			bad++;
	}
	cu_buf_release(&b);
	*(int *)arg = bad;
	return NULL;
}

static void threads_see_whole_parts(void)
{
	pthread_t t[4];
	int arg[4];

	web_cache_clear();
	for (int i = 0; i < 4; i++) {
		arg[i] = i;
		pthread_create(&t[i], NULL, hammer, &arg[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_INT(arg[i], 0);
	}
}

int main(void)
{
	RUN(kept_at_its_version_only);
	RUN(same_key_replaced);
	RUN(full_reader_buffer_is_an_error);
	RUN(least_recently_used_goes_first);
	RUN(bytes_bounded);
	RUN(long_key_not_kept);
	RUN(threads_see_whole_parts);
	web_cache_clear();
	return test_done();
}
