/* The import's writer thread; see import_int.h. */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/mem.h"
#include "base/ring.h"
#include "ingest/csv.h"
#include "ingest/import_int.h"

/*
 * On a machine with two or more cores, a wide observations file is written by a second
 * thread: the reading thread parses and checks each row and queues its observations, a batch
 * at a time, and the writer appends them to the store, so that checking and SQLite's b-tree
 * work (most of an import's time) overlap. Both threads use the one store connection, under a
 * mutex: the reader still looks up, and creates, organisations and indicators as it meets
 * them. The writer keeps its own errors, each with its place in the import's order of events,
 * and they are merged with the reader's when the file ends, so the list is the one a
 * sequential import would give. A fatal store error on either side (the database is full, an
 * I/O error: SQLite may have rolled the whole transaction back) marks the connection dead
 * while still holding it, so that neither thread calls the store again (in autocommit mode a
 * write would land outside the import), stops the reading, and ends the error list: what a
 * sequential import would have reported after it is dropped.
 */
#define WQ_ROWS 512   /* observations per batch */
#define WQ_BATCHES 4  /* batches in the queue, the one being filled included */

struct wq_item {
	struct store_obs ob;
	long line;
	int col;
	unsigned long seq;
};

struct wq_err {
	unsigned long seq;
	struct cu_err e;
};

struct writer {
	pthread_t tid;
	pthread_mutex_t db; /* the store connection, held by whichever thread uses it */
	struct cu_ring ring;      /* whose each batch is */
	struct wq_item *batch[WQ_BATCHES];
	size_t len[WQ_BATCHES];
	size_t cur, fill;         /* the batch the reader fills, and its items so far */
	bool dead;                /* under db: a fatal store error; the store is not called again */
	unsigned long fatal_seq;  /* the order of the writer's fatal error */
	/* The writer's results; the reader reads them after the join, but for these two. */
	atomic_int fatal;         /* a fatal error's code: the reader stops */
	atomic_size_t nerr;       /* errors met, kept or not */
	struct wq_err errs[CU_MAX_ERRORS];
	long long written;        /* observations appended */
	long *failed;             /* lines of rows with a failed append, each once, in order */
	size_t nfailed, capfailed;
};

/*
 * Take the store for the reading thread: true, or false (the store not taken, M's import
 * failed) when a fatal error has ended the transaction. Without a writer, always true.
 */
bool import_db_take(struct imp *m)
{
	if (!m->w)
		return true;
	pthread_mutex_lock(&m->w->db);
	if (!m->w->dead)
		return true;
	pthread_mutex_unlock(&m->w->db);
	if (!m->fatal)
		m->fatal = CU_EDB;
	return false;
}

/* Give the store back after a call that returned RC with ERR: a database error is fatal. */
void import_db_give(struct imp *m, int rc, const struct cu_err *err)
{
	if (rc && err->code == CU_EDB)
		m->fatal_seq = m->seq; /* the error the caller is about to keep */
	if (!m->w)
		return;
	if (rc && err->code == CU_EDB)
		m->w->dead = true;
	pthread_mutex_unlock(&m->w->db);
}

/* Append one queued observation (the writer thread, holding the store). */
static void writer_one(struct imp *m, struct writer *w, const struct wq_item *it)
{
	struct cu_err err;
	size_t n;

	cu_err_clear(&err);
	if (store_obs_bulk_append(m->bulk, &it->ob, &err) == 0) {
		w->written++;
		return;
	}
	if (err.code != CU_EEXIST && err.code != CU_EDENIED) {
		w->dead = true;
		w->fatal_seq = it->seq;
		atomic_store(&w->fatal, err.code);
	}
	import_locate(m, &err, it->line, it->col);
	n = atomic_load(&w->nerr);
	if (n < CU_MAX_ERRORS)
		w->errs[n] = (struct wq_err){ it->seq, err };
	atomic_store(&w->nerr, n + 1);
	if (!w->nfailed || w->failed[w->nfailed - 1] != it->line) {
		w->failed = xgrow(w->failed, w->nfailed, &w->capfailed, sizeof *w->failed);
		w->failed[w->nfailed++] = it->line;
	}
}

static void *writer_run(void *arg)
{
	struct imp *m = arg;
	struct writer *w = m->w;
	size_t i;

	while (cu_ring_next(&w->ring, &i)) {
		struct wq_item *b = w->batch[i];
		size_t n = w->len[i];

		/* The store is taken row by row, so that the reader waits at most one row when it
		 * meets a new organisation or indicator. After a fatal error nothing is written. */
		for (size_t k = 0; k < n; k++) {
			bool dead;

			pthread_mutex_lock(&w->db);
			if (!(dead = w->dead))
				writer_one(m, w, &b[k]);
			pthread_mutex_unlock(&w->db);
			if (dead)
				break;
		}
		cu_ring_done(&w->ring);
	}
	return NULL;
}

/* Start the writer thread for M; without a thread (or a second core) M writes in line. */
void import_writer_start(struct imp *m)
{
	struct writer *w;

	if (ingest_csv_threads() < 2)
		return;
	w = xcalloc(1, sizeof *w);
	pthread_mutex_init(&w->db, NULL);
	cu_ring_init(&w->ring, WQ_BATCHES);
	w->cur = cu_ring_free(&w->ring);
	for (int i = 0; i < WQ_BATCHES; i++)
		w->batch[i] = xmalloc(WQ_ROWS * sizeof *w->batch[i]);
	atomic_init(&w->fatal, 0);
	atomic_init(&w->nerr, 0);
	m->w = w;
	if (pthread_create(&w->tid, NULL, writer_run, m) != 0) {
		m->w = NULL;
		for (int i = 0; i < WQ_BATCHES; i++)
			free(w->batch[i]);
		pthread_mutex_destroy(&w->db);
		cu_ring_destroy(&w->ring);
		free(w);
	}
}

/* Hand the batch being filled to the writer and wait until a batch is free to fill. */
static void writer_push(struct writer *w)
{
	w->len[w->cur] = w->fill;
	cu_ring_put(&w->ring);
	w->fill = 0;
	w->cur = cu_ring_free(&w->ring);
}

/* Queue OB (LINE, column COL) for the writer. */
void import_writer_queue(struct imp *m, long line, int col, const struct store_obs *ob)
{
	struct writer *w = m->w;
	struct wq_item *it = &w->batch[w->cur][w->fill++];

	it->ob = *ob;
	it->line = line;
	it->col = col;
	it->seq = m->seq++;
	if (w->fill == WQ_ROWS)
		writer_push(w);
}

/* Whether LINE is among the N sorted lines in L. */
static bool has_line(const long *l, size_t n, long line)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l[mid] < line)
			lo = mid + 1;
		else if (l[mid] > line)
			hi = mid;
		else
			return true;
	}
	return false;
}

/*
 * Let the writer write what is queued, stop it, and take over its results: its errors among
 * the reader's by their order, its observations, its rows that failed (no longer accepted)
 * and its fatal error. M writes in line afterwards.
 */
void import_writer_finish(struct imp *m)
{
	struct writer *w = m->w;
	struct cu_errlist *mine = &m->res->errors, *all;
	size_t nw, i = 0, j = 0, dropped;

	if (!w)
		return;
	if (w->fill) {
		w->len[w->cur] = w->fill;
		cu_ring_put(&w->ring);
		w->fill = 0;
	}
	cu_ring_close(&w->ring);
	pthread_join(w->tid, NULL);
	m->w = NULL;

	m->res->observations += w->written;
	if (!m->fatal)
		m->fatal = atomic_load(&w->fatal);
	for (size_t k = 0; k < w->nfailed; k++)
		if (!has_line(m->rejected, m->nrejected, w->failed[k]) && m->res->rows_accepted > 0)
			m->res->rows_accepted--;
	nw = atomic_load(&w->nerr);
	if (nw || w->dead) {
		/* A fatal error ends the list: a sequential import stops there. */
		unsigned long end = ULONG_MAX;

		if (w->dead)
			end = atomic_load(&w->fatal) ? w->fatal_seq : m->fatal_seq;
		all = xcalloc(1, sizeof *all);
		dropped = mine->dropped + (nw > CU_MAX_ERRORS ? nw - CU_MAX_ERRORS : 0);
		if (nw > CU_MAX_ERRORS)
			nw = CU_MAX_ERRORS;
		while (i < mine->n || j < nw) {
			if (j == nw || (i < mine->n && m->eseq[i] < w->errs[j].seq)) {
				if (m->eseq[i] <= end)
					cu_errlist_add(all, &mine->e[i]);
				i++;
			} else {
				if (w->errs[j].seq <= end)
					cu_errlist_add(all, &w->errs[j].e);
				j++;
			}
		}
		all->dropped += end == ULONG_MAX ? dropped : 0;
		*mine = *all;
		free(all);
	}
	for (int k = 0; k < WQ_BATCHES; k++)
		free(w->batch[k]);
	free(w->failed);
	pthread_mutex_destroy(&w->db);
	cu_ring_destroy(&w->ring);
	free(w);
}

int import_writer_check(const struct imp *m)
{
	int fatal = atomic_load(&m->w->fatal);

	if (fatal)
		return fatal;
	if (cu_errlist_total(&m->res->errors) + atomic_load(&m->w->nerr) >= CU_MAX_ERRORS)
		return CU_ELIMIT;
	return 0;
}
