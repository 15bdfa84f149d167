/* A ring of slots between two threads; see ring.h. */
#include "base/ring.h"

#include <assert.h>

void cu_ring_init(struct cu_ring *r, size_t n)
{
	assert(n > 0);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->n = n;
	r->head = r->tail = 0;
	r->closed = false;
}

void cu_ring_destroy(struct cu_ring *r)
{
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

size_t cu_ring_free(struct cu_ring *r)
{
	size_t i;

	pthread_mutex_lock(&r->mu);
	while (r->head - r->tail == r->n)
		pthread_cond_wait(&r->cv, &r->mu);
	i = r->head % r->n;
	pthread_mutex_unlock(&r->mu);
	return i;
}

void cu_ring_put(struct cu_ring *r)
{
	pthread_mutex_lock(&r->mu);
	assert(!r->closed && r->head - r->tail < r->n);
	r->head++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

void cu_ring_close(struct cu_ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->closed = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

bool cu_ring_next(struct cu_ring *r, size_t *i)
{
	bool got;

	pthread_mutex_lock(&r->mu);
	while (r->tail == r->head && !r->closed)
		pthread_cond_wait(&r->cv, &r->mu);
	got = r->tail != r->head;
	if (got)
		*i = r->tail % r->n;
	pthread_mutex_unlock(&r->mu);
	return got;
}

void cu_ring_done(struct cu_ring *r)
{
	pthread_mutex_lock(&r->mu);
	assert(r->tail != r->head);
	r->tail++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}
