/*
 * The ring between two threads: every item given arrives once, in order, with the producer
 * never holding more than N slots ahead; closing ends the consumer only after the last slot.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "base/ring.h"
#include "test.h"

#define SLOTS 3
#define ITEMS 100000

struct shared {
	struct cu_ring r;
	long slot[SLOTS];
	long got, bad_order;
	atomic_long back;   /* slots the consumer has drained (counted just before handing back) */
	long most_ahead;    /* the most slots given and not drained when the producer got one */
};

static void *consume(void *arg)
{
	struct shared *s = arg;
	size_t i;

	while (cu_ring_next(&s->r, &i)) {
		if (s->slot[i] != s->got)
			s->bad_order++;
		s->got++;
		atomic_fetch_add(&s->back, 1);
		cu_ring_done(&s->r);
	}
	return NULL;
}

static void every_item_arrives_in_order(void)
{
	struct shared s = { 0 };
	pthread_t t;

	cu_ring_init(&s.r, SLOTS);
	CHECK_INT(pthread_create(&t, NULL, consume, &s), 0);
	for (long k = 0; k < ITEMS; k++) {
		size_t i = cu_ring_free(&s.r);
		long ahead = k - atomic_load(&s.back); /* K slots given so far */

		if (ahead > s.most_ahead)
			s.most_ahead = ahead;
		s.slot[i] = k;
		cu_ring_put(&s.r);
	}
	cu_ring_close(&s.r);
	pthread_join(t, NULL);
	cu_ring_destroy(&s.r);
	CHECK_INT(s.got, ITEMS);
	CHECK_INT(s.bad_order, 0);
	/* A slot is free only while fewer than SLOTS are given and not handed back. */
	CHECK(s.most_ahead < SLOTS);
	CHECK(s.most_ahead > 0); /* the producer did run ahead: the check above means something */
}

/* Closed with nothing given: the consumer returns at once. Closed with slots still given: they
 * are all drained first. */
static void close_drains_then_ends(void)
{
	struct cu_ring r;
	size_t i, seen = 0;

	cu_ring_init(&r, 4);
	cu_ring_close(&r);
	CHECK(!cu_ring_next(&r, &i));
	cu_ring_destroy(&r);

	/* Slots 0-2 given and drained, then 3 and 0 (wrapped) given; all five drained in order
	 * after the close. */
	cu_ring_init(&r, 4);
	for (int k = 0; k < 3; k++) {
		CHECK_INT((int)cu_ring_free(&r), k);
		cu_ring_put(&r);
	}
	for (int k = 0; k < 3; k++) {
		CHECK(cu_ring_next(&r, &i));
		CHECK_INT((int)i, k);
		cu_ring_done(&r);
	}
	CHECK_INT((int)cu_ring_free(&r), 3);
	cu_ring_put(&r);
	CHECK_INT((int)cu_ring_free(&r), 0);
	cu_ring_put(&r);
	cu_ring_close(&r);
	while (cu_ring_next(&r, &i)) {
		CHECK_INT((int)i, (int)(3 + seen) % 4);
		seen++;
		cu_ring_done(&r);
	}
	CHECK_INT((int)seen, 2);
	cu_ring_destroy(&r);
}

int main(void)
{
	RUN(every_item_arrives_in_order);
	RUN(close_drains_then_ends);
	return test_done();
}
