/*
 * A ring of N slots handed from one producing thread to one consuming thread, in order. The
 * slots themselves (buffers, batches) belong to the caller; the ring only says whose each one
 * is. The producer fills slot cu_ring_free(R) and gives it with cu_ring_put; the consumer
 * takes slot cu_ring_next(R) and hands it back with cu_ring_done. Between those calls a slot
 * is its holder's alone, so filling and draining need no lock.
 *
 *	producer:                               consumer:
 *	for each item:                          size_t i;
 *		i = cu_ring_free(&r);           while (cu_ring_next(&r, &i)) {
 *		fill slot i;                            drain slot i;
 *		cu_ring_put(&r);                        cu_ring_done(&r);
 *	cu_ring_close(&r);                      }
 */
#ifndef CU_RING_H
#define CU_RING_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct cu_ring {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t n;                 /* slots */
	unsigned long head, tail; /* slots given, slots handed back, so far */
	bool closed;              /* nothing more will be given */
};

void cu_ring_init(struct cu_ring *r, size_t n);
void cu_ring_destroy(struct cu_ring *r);

/* The producer: the index of a slot it may fill, waiting while all N are given. */
size_t cu_ring_free(struct cu_ring *r);
/* The producer: give the slot cu_ring_free returned. */
void cu_ring_put(struct cu_ring *r);
/* The producer: no more slots will be given (cu_ring_next returns false once all are done). */
void cu_ring_close(struct cu_ring *r);

/* The consumer: the next slot given, in order, into *I, waiting for one; false when the ring
 * is closed and every slot given has been handed back. */
bool cu_ring_next(struct cu_ring *r, size_t *i);
/* The consumer: hand back the slot cu_ring_next gave. */
void cu_ring_done(struct cu_ring *r);

#endif
