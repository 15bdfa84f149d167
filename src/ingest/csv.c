/*
 * The CSV reader; see csv.h.
 *
 * One record parser serves both ways of reading. A record is parsed from a window of bytes
 * [p, end) whose byte end[0] is a '\n' sentinel, so the common loop over ordinary bytes needs
 * no bounds test. A record with no double quote (nearly every record of a machine-written
 * file) is split where it lies and its fields are views into the window; a record with a
 * quote is parsed again by the quoted-field state machine, which copies the unescaped fields
 * into a scratch buffer. When the window ends inside a record the parser asks for more
 * (returns 0) and is run again from the record's start once more bytes are in: the window is
 * only ever as big as one record, which the limits bound.
 *
 * ingest_csv_read_par cuts the file after the header into one chunk per thread at line ends
 * and makes two passes: the first counts each chunk's lines (so every record knows its true
 * line) and looks for double quotes; the second parses. Both are pread loops over 1 MiB
 * blocks, so memory stays at a block per thread whatever the file's size.
 */
#include "ingest/csv.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/ring.h"

#define BLOCK (1024 * 1024)
/*
 * The read loop's window, to start with (it grows for a record longer than half of it): small
 * enough to stay in the core's own cache between read() filling it and the parser reading it,
 * and to touch few pages (a 1 MiB window made `custodian stats` over a 5 MB file 4 ms slower
 * in all, a fault per page on first fill and the parser reading from further out).
 */
#define WINDOW (128 * 1024)
/* Below this a file is read on one thread: starting threads would cost more than it saves. */
#define PAR_MIN_BYTES (8 * 1024 * 1024)

/* Byte classes of the unquoted fast path. */
enum { C_TEXT, C_COMMA, C_NL, C_QUOTE, C_CR, C_CHECK };

static const unsigned char cls[256] = {
	[0] = C_CHECK, [','] = C_COMMA, ['\n'] = C_NL, ['"'] = C_QUOTE, ['\r'] = C_CR,
	[0x80] = C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK,
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, /* 0x90 */
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK,
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, /* 0xa0 */
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK,
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, /* 0xb0 */
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK,
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, /* 0xc0 */
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK,
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, /* 0xd0 */
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK,
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, /* 0xe0 */
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK,
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, /* 0xf0 */
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK,
	C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK, C_CHECK,
};

/* The record parser's state: limits, field views and the scratch for quoted records. */
struct parser {
	const char *source;
	size_t max_field, max_columns;
	struct cu_str *views; /* max_columns */
	size_t *off;          /* quoted records: field offsets into scratch */
	struct cu_buf scratch;
	struct cu_err *err;
};

enum { NEED_MORE = 0 };

static void parser_init(struct parser *ps, const struct ingest_csv_opts *o, struct cu_err *err)
{
	ps->source = o->source;
	ps->max_field = o->max_field ? o->max_field : CU_MAX_FIELD_BYTES;
	ps->max_columns = o->max_columns ? o->max_columns : CU_MAX_COLUMNS;
	ps->views = xmalloc(ps->max_columns * sizeof *ps->views);
	ps->off = xmalloc(ps->max_columns * sizeof *ps->off);
	cu_buf_init(&ps->scratch, ps->max_columns * (ps->max_field + 1));
	ps->err = err;
}

static void parser_free(struct parser *ps)
{
	free(ps->views);
	free(ps->off);
	cu_buf_release(&ps->scratch);
}

/* Largest window a record may need: every field at its limit, quoted, quotes doubled. */
static size_t max_window(const struct parser *ps)
{
	return ps->max_columns * (2 * ps->max_field + 3) + BLOCK;
}

static int too_long(struct parser *ps, long line)
{
	return cu_err_setloc(ps->err, CU_ELIMIT, ps->source, line, NULL,
			     "a field is longer than %zu bytes", ps->max_field);
}

static int too_wide(struct parser *ps, long line)
{
	return cu_err_setloc(ps->err, CU_ELIMIT, ps->source, line, NULL,
			     "more than %zu columns in one record", ps->max_columns);
}

static int malformed(struct parser *ps, long line)
{
	return cu_err_setloc(ps->err, CU_EINVAL, ps->source, line, NULL,
			     "malformed quoting: expected a field wholly inside double quotes, "
			     "with quotes inside it doubled (\"\")");
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Add the unquoted field [s, e) as view N, spaces and tabs around it dropped. */
static inline int add_view(struct parser *ps, size_t *n, const char *s, const char *e, long line)
{
	if ((size_t)(e - s) > ps->max_field)
		return too_long(ps, line);
	if (*n == ps->max_columns)
		return too_wide(ps, line);
	if (s < e && (is_blank(*s) || is_blank(e[-1]))) {
		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
	}
	ps->views[(*n)++] = (struct cu_str){ s, (size_t)(e - s) };
	return 0;
}

/* Find the first field of R with a NUL or invalid UTF-8. */
static void check_text(struct ingest_record *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const char *p = r->f[i].p, *nul = r->f[i].n ? memchr(p, '\0', r->f[i].n) : NULL;
		size_t bad;

		if (nul) {
			r->bad_field = (long)i;
			r->bad_offset = (size_t)(nul - p);
			r->bad_nul = 1;
			return;
		}
		if (!cu_utf8_valid(p, r->f[i].n, &bad)) {
			r->bad_field = (long)i;
			r->bad_offset = bad;
			r->bad_nul = 0;
			return;
		}
	}
}

/*
 * The quoted-record state machine, from the record's start P. Fields are unescaped into the
 * scratch buffer. Returns bytes consumed, NEED_MORE, or a negative cu_errcode.
 */
static long parse_quoted(struct parser *ps, const char *p, const char *end, int eof, long line,
			 struct ingest_record *r, long *lines)
{
	const char *q = p;
	size_t n = 0;
	long nl = 0;

	cu_buf_reset(&ps->scratch);
	for (;;) {
		const char *fs;

		if (n == ps->max_columns)
			return too_wide(ps, line + nl);
		ps->off[n] = ps->scratch.n;
		while (q < end && is_blank(*q))
			q++;
		if ((size_t)(q - p) > max_window(ps))
			return too_long(ps, line + nl);
		if (q < end && *q == '"') {
			for (q++;;) {
				const char *qt = memchr(q, '"', (size_t)(end - q));
				const char *stop = qt ? qt : end;

				for (const char *c = q; (c = memchr(c, '\n', (size_t)(stop - c))); c++)
					nl++;
				cu_buf_add(&ps->scratch, q, (size_t)(stop - q));
				if (ps->scratch.n - ps->off[n] > ps->max_field)
					return too_long(ps, line);
				if (!qt) {
					if (!eof)
						return NEED_MORE;
					return cu_err_setloc(ps->err, CU_EINVAL, ps->source, line, NULL,
							     "a quoted field is not closed before the end "
							     "of the file: the file may be truncated");
				}
				if (qt + 1 == end && !eof)
					return NEED_MORE;
				if (qt + 1 < end && qt[1] == '"') {
					cu_buf_addc(&ps->scratch, '"');
					q = qt + 2;
					continue;
				}
				q = qt + 1;
				break;
			}
			fs = q;
			while (q < end && is_blank(*q))
				q++;
			if ((size_t)(q - fs) > ps->max_field)
				return too_long(ps, line + nl);
		} else {
			fs = q;
			while (q < end && *q != ',' && *q != '\n' && *q != '"' &&
			       !(*q == '\r' && (q + 1 == end || q[1] == '\n')))
				q++;
			if (q < end && *q == '"')
				return malformed(ps, line + nl);
			if ((size_t)(q - fs) > ps->max_field)
				return too_long(ps, line + nl);
			{
				const char *e = q;

				while (e > fs && is_blank(e[-1]))
					e--;
				cu_buf_add(&ps->scratch, fs, (size_t)(e - fs));
			}
		}
		n++;
		if (q == end) {
			if (!eof)
				return NEED_MORE;
			break;
		}
		if (*q == ',') {
			q++;
			continue;
		}
		if (*q == '\r') {
			if (q + 1 == end && !eof)
				return NEED_MORE;
			if (q + 1 < end && q[1] == '\n')
				q++;
			else if (q + 1 < end)
				return malformed(ps, line + nl);
		}
		if (*q == '\n') {
			q++;
			nl++;
			break;
		}
		if (q == end - 1 && *q == '\r') {
			q++;
			break;
		}
		return malformed(ps, line + nl);
	}
	for (size_t i = 0; i < n; i++) {
		size_t e = i + 1 < n ? ps->off[i + 1] : ps->scratch.n;

		ps->views[i] = (struct cu_str){ ps->scratch.p + ps->off[i], e - ps->off[i] };
	}
	r->n = n;
	r->f = ps->views;
	check_text(r);
	*lines = nl;
	return (long)(q - p);
}

/*
 * Parse one record from the window [P, END), END[0] being a '\n' sentinel; EOF says no bytes
 * follow END. On success returns the bytes consumed (> 0) with R's fields set (R->n = 0 for a
 * blank line) and *LINES the line ends consumed; NEED_MORE when the record goes on past END;
 * or a negative cu_errcode with the error located. LINE is the line the record starts on.
 */
static long parse_record(struct parser *ps, const char *p, const char *end, int eof, long line,
			 struct ingest_record *r, long *lines)
{
	const char *q = p, *fs = p;
	size_t n = 0;
	int check = 0, rc;

	r->line = line;
	r->bad_field = -1;
	r->bad_offset = 0;
	r->bad_nul = 0;
	for (;;) {
		while (cls[(unsigned char)*q] == C_TEXT)
			q++;
		switch (cls[(unsigned char)*q]) {
		case C_TEXT:
			continue;
		case C_COMMA:
			if ((rc = add_view(ps, &n, fs, q, line)))
				return rc;
			fs = ++q;
			continue;
		case C_CHECK:
			check = 1;
			q++;
			continue;
		case C_QUOTE:
			return parse_quoted(ps, p, end, eof, line, r, lines);
		case C_CR:
			if (q + 1 < end && q[1] == '\n') {
				if ((rc = add_view(ps, &n, fs, q, line)))
					return rc;
				q += 2;
				*lines = 1;
				break;
			}
			if (q + 1 == end) {
				if (!eof)
					return NEED_MORE;
				if ((rc = add_view(ps, &n, fs, q, line)))
					return rc;
				q++;
				*lines = 0;
				break;
			}
			q++; /* a lone carriage return is text */
			continue;
		default: /* C_NL */
			if (q == end) {
				if (!eof) {
					if ((size_t)(q - fs) > ps->max_field)
						return too_long(ps, line);
					return NEED_MORE;
				}
				if (q == p)
					return 0; /* nothing left at all */
				if ((rc = add_view(ps, &n, fs, q, line)))
					return rc;
				*lines = 0;
				break;
			}
			if ((rc = add_view(ps, &n, fs, q, line)))
				return rc;
			q++;
			*lines = 1;
			break;
		}
		break;
	}
	r->n = n == 1 && ps->views[0].n == 0 ? 0 : n;
	r->f = ps->views;
	if (check)
		check_text(r);
	return (long)(q - p);
}

/* ---------------------------------------------------------------------------------------- */

/* Blocks the hashing thread may have queued. */
#define HASH_SLOTS 4

/*
 * A second thread that hashes what the ordered reader reads: each block read is copied into
 * one of HASH_SLOTS slots and hashed there, in order, while the caller goes on parsing. The
 * digest is the one hashing inline gives; the reader waits only when every slot is full.
 */
struct hasher {
	pthread_t tid;
	struct cu_ring ring; /* whose each slot is */
	char *slot[HASH_SLOTS];
	size_t len[HASH_SLOTS];
	crypto_hash_sha256_state *h;
};

static void *hasher_run(void *arg)
{
	struct hasher *hs = arg;
	size_t i;

	while (cu_ring_next(&hs->ring, &i)) {
		crypto_hash_sha256_update(hs->h, (unsigned char *)hs->slot[i], hs->len[i]);
		cu_ring_done(&hs->ring);
	}
	return NULL;
}

/* Start hashing into H on a thread; -1 when no thread could be started (hash inline). */
static int hasher_start(struct hasher *hs, crypto_hash_sha256_state *h)
{
	memset(hs, 0, sizeof *hs);
	hs->h = h;
	for (int i = 0; i < HASH_SLOTS; i++)
		hs->slot[i] = xmalloc(BLOCK);
	cu_ring_init(&hs->ring, HASH_SLOTS);
	if (pthread_create(&hs->tid, NULL, hasher_run, hs) != 0) {
		cu_ring_destroy(&hs->ring);
		for (int i = 0; i < HASH_SLOTS; i++)
			free(hs->slot[i]);
		return -1;
	}
	return 0;
}

/* Queue a copy of the N bytes at P, a block at a time, waiting for free slots. */
static void hasher_put(struct hasher *hs, const char *p, size_t n)
{
	while (n) {
		size_t k = n < BLOCK ? n : BLOCK, i = cu_ring_free(&hs->ring);

		memcpy(hs->slot[i], p, k);
		hs->len[i] = k;
		cu_ring_put(&hs->ring);
		p += k;
		n -= k;
	}
}

/* Hash what is queued, stop the thread and free the slots. */
static void hasher_finish(struct hasher *hs)
{
	cu_ring_close(&hs->ring);
	pthread_join(hs->tid, NULL);
	cu_ring_destroy(&hs->ring);
	for (int i = 0; i < HASH_SLOTS; i++)
		free(hs->slot[i]);
}

/* Where a read loop gets its bytes: a stream in order, or a byte range of a file by pread. */
struct source {
	FILE *f;               /* stream mode when set */
	int fd;
	int64_t pos, end;      /* pread mode: the range */
	int64_t total;         /* bytes read so far */
	int64_t max_bytes;
	int first;             /* stream mode: the BOM may still come */
	crypto_hash_sha256_state *hash; /* stream mode: hash what is read (may be NULL) */
	struct hasher *hasher; /* stream mode: ...on this thread instead (may be NULL) */
};

/* Read up to N bytes into P. Returns bytes read, 0 at the end, or a negative cu_errcode. */
static long source_read(struct source *s, char *p, size_t n, const char *name, struct cu_err *err)
{
	size_t got;

	if (s->f) {
		got = fread(p, 1, n, s->f);
		if (got == 0 && ferror(s->f))
			return cu_err_setloc(err, CU_EIO, name, 0, NULL, "could not read the file");
		s->total += (int64_t)got;
		if (s->total > s->max_bytes)
			return cu_err_setloc(err, CU_ELIMIT, name, 0, NULL,
					     "file is larger than %lld bytes",
					     (long long)s->max_bytes);
		if (s->hasher && got)
			hasher_put(s->hasher, p, got);
		else if (s->hash && got)
			crypto_hash_sha256_update(s->hash, (unsigned char *)p, got);
		if (s->first && got) {
			s->first = 0;
			if (got >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
				memmove(p, p + 3, got - 3);
				got -= 3;
			}
		}
		return (long)got;
	}
	if (s->pos >= s->end)
		return 0;
	if ((int64_t)n > s->end - s->pos)
		n = (size_t)(s->end - s->pos);
	for (;;) {
		ssize_t k = pread(s->fd, p, n, (off_t)s->pos);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return cu_err_setloc(err, CU_EIO, name, 0, NULL, "could not read the file");
		s->pos += k;
		s->total += k;
		return (long)k;
	}
}

/* One read loop: what it reads from, where its records go, and what it counted. */
struct loop {
	struct parser ps;
	struct source src;
	long line;                /* line the next record starts on */
	long long records, max_rows;
	int (*on_header)(void *arg, const struct ingest_record *r); /* record 1 (may be NULL) */
	void *arg;
	int (*on_record)(void *arg, const struct ingest_record *r);
	void *rarg;
	const atomic_int *halt;   /* stop when it falls below CHUNK (parallel reads) */
	int chunk;
	void (*progress)(void *arg, int64_t bytes, long long records);
	void *progress_arg;
};

static int loop_run(struct loop *l)
{
	size_t cap = WINDOW + 1, pos = 0, len = 0, limit = max_window(&l->ps) + 1;
	char *buf = xmalloc(cap);
	int eof = 0, rc = 0;

	for (;;) {
		struct ingest_record r;
		long used, lines = 0;

		buf[len] = '\n'; /* the sentinel */
		if (pos == len && eof)
			break;
		used = parse_record(&l->ps, buf + pos, buf + len, eof, l->line, &r, &lines);
		if (used < 0) {
			rc = (int)used;
			break;
		}
		if (used == NEED_MORE) {
			long got;

			if (eof)
				break;
			if (l->halt && atomic_load(l->halt) < l->chunk)
				break;
			memmove(buf, buf + pos, len - pos);
			len -= pos;
			pos = 0;
			/* Grow only when the record carried over fills half the buffer: otherwise
			 * read into the room left (at least half), so a file of short records never
			 * touches more than the first block's pages. */
			if (len >= (cap - 1) / 2) {
				if (cap >= limit) {
					rc = too_long(&l->ps, l->line);
					break;
				}
				cap = cap * 2 < limit ? cap * 2 : limit;
				buf = xrealloc(buf, cap);
			}
			got = source_read(&l->src, buf + len, cap - 1 - len, l->ps.source, l->ps.err);
			if (got < 0) {
				rc = (int)got;
				break;
			}
			if (got == 0)
				eof = 1;
			len += (size_t)got;
			if (l->progress)
				l->progress(l->progress_arg, l->src.total, l->records);
			continue;
		}
		pos += (size_t)used;
		if (r.n) {
			if (++l->records > l->max_rows) {
				rc = cu_err_setloc(l->ps.err, CU_ELIMIT, l->ps.source, l->line, NULL,
						   "more than %lld records in one file",
						   l->max_rows);
				break;
			}
			if (l->on_header) {
				rc = l->on_header(l->arg, &r);
				l->on_header = NULL;
			} else {
				rc = l->on_record(l->rarg, &r);
			}
			if (rc)
				break;
		}
		l->line += lines;
	}
	free(buf);
	return rc;
}

static void loop_init(struct loop *l, const struct ingest_csv_opts *o, struct cu_err *err)
{
	memset(l, 0, sizeof *l);
	parser_init(&l->ps, o, err);
	l->line = 1;
	l->max_rows = o->max_rows ? o->max_rows : CU_MAX_ROWS;
	l->src.max_bytes = o->max_bytes ? o->max_bytes : CU_MAX_IMPORT_BYTES;
}

/* A whole stream in order; ON_HEADER (may be NULL) takes the first record. */
static int read_stream(FILE *f, const struct ingest_csv_opts *o,
		       int (*on_header)(void *arg, const struct ingest_record *r), void *arg,
		       int (*on_record)(void *arg, const struct ingest_record *r), void *rarg,
		       struct ingest_csv_result *res, struct cu_err *err)
{
	struct loop l;
	crypto_hash_sha256_state h;
	struct hasher hs;
	unsigned char digest[crypto_hash_sha256_BYTES];
	int rc;

	loop_init(&l, o, err);
	l.src.f = f;
	l.src.first = 1;
	l.src.hash = o->no_hash ? NULL : &h;
	l.on_header = on_header;
	l.arg = arg;
	l.on_record = on_record;
	l.rarg = rarg;
	l.progress = o->progress;
	l.progress_arg = o->progress_arg;
	crypto_hash_sha256_init(&h);
	if (!o->no_hash && o->hash_thread && hasher_start(&hs, &h) == 0)
		l.src.hasher = &hs;
	rc = loop_run(&l);
	if (l.src.hasher)
		hasher_finish(&hs);
	if (res) {
		res->bytes = l.src.total;
		res->records = l.records;
		res->threads = 1;
		res->stop_chunk = rc ? 0 : -1;
		res->sha256[0] = '\0';
		if (!o->no_hash) {
			crypto_hash_sha256_final(&h, digest);
			sodium_bin2hex(res->sha256, sizeof res->sha256, digest, sizeof digest);
		}
	}
	parser_free(&l.ps);
	return rc;
}

int ingest_csv_read(FILE *f, const struct ingest_csv_opts *o,
		    int (*on_record)(void *arg, const struct ingest_record *r), void *arg,
		    struct ingest_csv_result *res, struct cu_err *err)
{
	return read_stream(f, o, NULL, NULL, on_record, arg, res, err);
}

/* ---------------------------------------------------------------------------------------- */

unsigned ingest_csv_threads(void)
{
	const char *env = getenv("CU_IMPORT_THREADS");
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (env && *env) {
		char *end;
		long v;

		errno = 0;
		v = strtol(env, &end, 10);
		if (!errno && *end == '\0' && v >= 1)
			n = v; /* else the setting is ignored: a whole number of 1 or more is expected */
	}

	if (n < 1)
		return 1;
	return n > INGEST_CSV_MAX_THREADS ? INGEST_CSV_MAX_THREADS : (unsigned)n;
}

/* The first pass over one chunk: its line ends, and whether it holds a double quote. */
struct scan {
	int fd;
	int64_t from, to;
	long lines;
	int quote;
	int failed;
};

static void *scan_chunk(void *arg)
{
	struct scan *s = arg;
	char *buf = xmalloc(BLOCK);

	for (int64_t at = s->from; at < s->to && !s->quote;) {
		size_t want = s->to - at < BLOCK ? (size_t)(s->to - at) : BLOCK;
		ssize_t k = pread(s->fd, buf, want, (off_t)at);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			s->failed = 1;
			break;
		}
		if (memchr(buf, '"', (size_t)k))
			s->quote = 1;
		for (const char *c = buf, *e = buf + k; (c = memchr(c, '\n', (size_t)(e - c))); c++)
			s->lines++;
		at += k;
	}
	free(buf);
	return NULL;
}

/* The offset just past the first line end at or after AT (the file's size when none). */
static int64_t next_line_start(int fd, int64_t at, int64_t size)
{
	char buf[64 * 1024];

	while (at < size) {
		size_t want = size - at < (int64_t)sizeof buf ? (size_t)(size - at) : sizeof buf;
		ssize_t k = pread(fd, buf, want, (off_t)at);
		const char *nl;

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		if ((nl = memchr(buf, '\n', (size_t)k)))
			return at + (nl - buf) + 1;
		at += k;
	}
	return size;
}

struct hash_job {
	int fd;
	int64_t size;
	unsigned char digest[crypto_hash_sha256_BYTES];
	int failed;
};

static void *hash_file(void *arg)
{
	struct hash_job *j = arg;
	crypto_hash_sha256_state h;
	char *buf = xmalloc(BLOCK);

	crypto_hash_sha256_init(&h);
	for (int64_t at = 0; at < j->size;) {
		size_t want = j->size - at < BLOCK ? (size_t)(j->size - at) : BLOCK;
		ssize_t k = pread(j->fd, buf, want, (off_t)at);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			j->failed = 1;
			break;
		}
		crypto_hash_sha256_update(&h, (unsigned char *)buf, (size_t)k);
		at += k;
	}
	crypto_hash_sha256_final(&h, j->digest);
	free(buf);
	return NULL;
}

struct worker {
	struct loop l;
	struct cu_err err;
	atomic_int *halt;
	int rc;
};

static void *parse_chunk(void *arg)
{
	struct worker *w = arg;

	w->rc = loop_run(&w->l);
	if (w->rc) {
		int cur = atomic_load(w->halt);

		while (w->l.chunk < cur && !atomic_compare_exchange_weak(w->halt, &cur, w->l.chunk))
			;
	}
	return NULL;
}

/* Route the first record of a one-thread read to the header callback. */
struct seq_route {
	int (*on_header)(void *arg, const struct ingest_record *r);
	void *arg;
};

int ingest_csv_read_par(FILE *f, const struct ingest_csv_opts *o, unsigned nthreads,
			int (*on_header)(void *arg, const struct ingest_record *r), void *arg,
			int (*on_record)(void *targ, const struct ingest_record *r),
			void *const *targs, struct ingest_csv_result *res, struct cu_err *err)
{
	int fd = fileno(f), rc = 0;
	int64_t max_bytes = o->max_bytes ? o->max_bytes : CU_MAX_IMPORT_BYTES;
	int64_t size, hdr_start, hdr_end;
	char *hbuf;
	int quoted;
	long long max_rows = o->max_rows ? o->max_rows : CU_MAX_ROWS, lines = 0;
	struct stat st;
	struct scan scans[INGEST_CSV_MAX_THREADS];
	int64_t cut[INGEST_CSV_MAX_THREADS + 1];
	struct worker *w;
	pthread_t tid[INGEST_CSV_MAX_THREADS], htid;
	struct hash_job hj = { 0 };
	atomic_int halt;
	int hashing = 0;
	unsigned t, nt = nthreads;

	if (nt > INGEST_CSV_MAX_THREADS)
		nt = INGEST_CSV_MAX_THREADS;
	if (nt <= 1 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < PAR_MIN_BYTES ||
	    ftell(f) != 0)
		goto sequential;
	size = st.st_size;
	if (size > max_bytes)
		return cu_err_setloc(err, CU_ELIMIT, o->source, 0, NULL,
				     "file is larger than %lld bytes", (long long)max_bytes);

	/* Where the header ends; a header with a quote in it is left to the ordered read. */
	{
		char head[4];
		int64_t start = 0;

		if (pread(fd, head, 3, 0) == 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
			start = 3;
		hdr_start = start;
		hdr_end = next_line_start(fd, start, size);
		if (hdr_end < 0 || hdr_end - start > (int64_t)BLOCK)
			goto sequential;
		hbuf = xmalloc((size_t)(hdr_end - start) + 1);
		quoted = pread(fd, hbuf, (size_t)(hdr_end - start), (off_t)start) != hdr_end - start ||
			 memchr(hbuf, '"', (size_t)(hdr_end - start));
		free(hbuf);
		if (quoted)
			goto sequential;
	}

	/* Cut points at line ends, then the first pass. */
	cut[0] = hdr_end;
	cut[nt] = size;
	for (t = 1; t < nt; t++) {
		int64_t at = hdr_end + (size - hdr_end) / nt * t;

		cut[t] = at <= cut[t - 1] ? cut[t - 1] : next_line_start(fd, at - 1, size);
		if (cut[t] < 0)
			goto sequential;
	}
	for (t = 0; t < nt; t++) {
		scans[t] = (struct scan){ .fd = fd, .from = cut[t], .to = cut[t + 1] };
		if (pthread_create(&tid[t], NULL, scan_chunk, &scans[t]) != 0) {
			scan_chunk(&scans[t]);
			tid[t] = 0;
		}
	}
	for (t = 0; t < nt; t++)
		if (tid[t])
			pthread_join(tid[t], NULL);
	for (t = 0; t < nt; t++) {
		if (scans[t].quote || scans[t].failed)
			goto sequential;
		lines += scans[t].lines;
	}
	if (lines + 2 > max_rows) /* the header, and a last line without its end */
		goto sequential;

	/* The header, on this thread; a blank first line is left to the ordered read. */
	{
		struct loop l;

		loop_init(&l, o, err);
		l.src.fd = fd;
		l.src.pos = hdr_start;
		l.src.end = hdr_end;
		l.on_header = on_header;
		l.arg = arg;
		rc = loop_run(&l);
		parser_free(&l.ps);
		if (rc) {
			if (res) {
				memset(res, 0, sizeof *res);
				res->stop_chunk = 0;
			}
			return rc;
		}
		if (l.records != 1)
			goto sequential;
	}

	/* The second pass. */
	atomic_init(&halt, (int)nt);
	w = xcalloc(nt, sizeof *w);
	if (!o->no_hash && res) {
		hj.fd = fd;
		hj.size = size;
		hashing = pthread_create(&htid, NULL, hash_file, &hj) == 0;
		if (!hashing)
			hash_file(&hj);
	}
	{
		long base = 2;

		for (t = 0; t < nt; t++) {
			cu_err_clear(&w[t].err);
			loop_init(&w[t].l, o, &w[t].err);
			w[t].l.src.fd = fd;
			w[t].l.src.pos = cut[t];
			w[t].l.src.end = cut[t + 1];
			w[t].l.line = base;
			w[t].l.max_rows = max_rows;
			w[t].l.on_record = on_record;
			w[t].l.rarg = targs[t];
			w[t].l.halt = &halt;
			w[t].l.chunk = (int)t;
			w[t].halt = &halt;
			base += scans[t].lines;
			if (pthread_create(&tid[t], NULL, parse_chunk, &w[t]) != 0) {
				parse_chunk(&w[t]);
				tid[t] = 0;
			}
		}
	}
	for (t = 0; t < nt; t++)
		if (tid[t])
			pthread_join(tid[t], NULL);
	if (hashing)
		pthread_join(htid, NULL);
	if (res) {
		res->bytes = size;
		res->records = 1;
		res->threads = nt;
		res->stop_chunk = -1;
		res->sha256[0] = '\0';
		for (t = 0; t < nt; t++)
			res->records += w[t].l.records;
		if (!o->no_hash)
			sodium_bin2hex(res->sha256, sizeof res->sha256, hj.digest, sizeof hj.digest);
	}
	for (t = 0; t < nt && !rc; t++) {
		if (w[t].rc) {
			rc = w[t].rc;
			if (w[t].err.code)
				*err = w[t].err;
			if (res)
				res->stop_chunk = (int)t;
		}
	}
	if (!rc && hj.failed)
		rc = cu_err_setloc(err, CU_EIO, o->source, 0, NULL, "could not read the file");
	for (t = 0; t < nt; t++)
		parser_free(&w[t].l.ps);
	free(w);
	return rc;

sequential:
	if (fseek(f, 0, SEEK_SET) != 0)
		clearerr(f); /* a pipe: read it in order from where it is */
	return read_stream(f, o, on_header, arg, on_record, targs[0], res, err);
}
