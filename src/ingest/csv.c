/*
 * Streaming CSV over libcsv; see csv.h.
 *
 * The file is read in blocks and fed to libcsv one physical line at a time (and long lines in
 * slices), so that the reader always knows which line it is on and can check the growing field
 * against its limit between slices: memory never grows past the field limit plus one slice.
 */
#include "ingest/csv.h"

#include <csv.h>
#include <sodium.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/mem.h"

#define BLOCK (256 * 1024)
#define SLICE (16 * 1024)

struct reader {
	const struct ingest_csv_opts *o;
	size_t max_field, max_columns;
	long long max_rows;
	int (*on_record)(void *arg, const struct ingest_record *r);
	void *arg;
	struct cu_err *err;

	long line;          /* physical line being fed */
	long rec_line;      /* line the current record started on */
	long long records;
	int stop;           /* non-zero: stop with this code */

	/* The current record: field bytes back to back (each NUL-terminated) and their views. */
	struct cu_buf bytes;
	size_t *off, *len, cap, n;
	struct cu_str *views;
	long bad_field;
	size_t bad_offset;
	int bad_nul;
};

static void on_field(void *data, size_t len, void *rd)
{
	struct reader *r = rd;
	size_t bad;

	if (r->stop)
		return;
	/* A field completed inside one slice never shows in entry_pos between slices. */
	if (len > r->max_field) {
		r->stop = cu_err_setloc(r->err, CU_ELIMIT, r->o->source, r->rec_line, NULL,
					"a field is longer than %zu bytes", r->max_field);
		return;
	}
	if (r->n == r->max_columns) {
		r->stop = cu_err_setloc(r->err, CU_ELIMIT, r->o->source, r->rec_line, NULL,
					"more than %zu columns in one record", r->max_columns);
		return;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->off = xrealloc(r->off, r->cap * sizeof *r->off);
		r->len = xrealloc(r->len, r->cap * sizeof *r->len);
		r->views = xrealloc(r->views, r->cap * sizeof *r->views);
	}
	if (r->bad_field < 0) {
		const char *p = data ? data : "";
		const char *nul = len ? memchr(p, '\0', len) : NULL;

		if (nul) {
			r->bad_field = (long)r->n;
			r->bad_offset = (size_t)(nul - p);
			r->bad_nul = 1;
		} else if (!cu_utf8_valid(p, len, &bad)) {
			r->bad_field = (long)r->n;
			r->bad_offset = bad;
			r->bad_nul = 0;
		}
	}
	r->off[r->n] = r->bytes.n;
	r->len[r->n] = len;
	/* Cannot fail: the buffer's ceiling is columns x (field limit + 1). */
	cu_buf_add(&r->bytes, data ? data : "", len);
	cu_buf_addc(&r->bytes, '\0');
	r->n++;
}

static void on_record_end(int c, void *rd)
{
	struct reader *r = rd;
	struct ingest_record rec;
	int rc;

	(void)c;
	if (r->stop)
		return;
	if (++r->records > r->max_rows) {
		r->stop = cu_err_setloc(r->err, CU_ELIMIT, r->o->source, r->rec_line, NULL,
					"more than %lld records in one file", r->max_rows);
		return;
	}
	/* Views are made only now: the byte buffer may have moved while the record grew. */
	for (size_t i = 0; i < r->n; i++)
		r->views[i] = (struct cu_str){ r->bytes.p + r->off[i], r->len[i] };
	rec.line = r->rec_line;
	rec.n = r->n;
	rec.f = r->views;
	rec.bad_field = r->bad_field;
	rec.bad_offset = r->bad_offset;
	rec.bad_nul = r->bad_nul;
	rc = r->on_record(r->arg, &rec);
	if (rc)
		r->stop = rc;
	r->n = 0;
	r->bad_field = -1;
	cu_buf_reset(&r->bytes);
}

static int parse_error(struct reader *r, struct csv_parser *p)
{
	if (csv_error(p) == CSV_ENOMEM)
		return cu_err_setloc(r->err, CU_ENOMEM, r->o->source, r->line, NULL,
				     "out of memory reading the file");
	return cu_err_setloc(r->err, CU_EINVAL, r->o->source, r->line, NULL,
			     "malformed quoting: expected a field wholly inside double quotes, with "
			     "quotes inside it doubled (\"\")");
}

/* Feed N bytes (no newline inside except possibly the last byte) to the parser. */
static int feed(struct reader *r, struct csv_parser *p, const char *s, size_t n)
{
	while (n > 0 && !r->stop) {
		size_t k = n < SLICE ? n : SLICE;

		if (p->pstate == 0)
			r->rec_line = r->line; /* no record in progress: one starts here */
		if (csv_parse(p, s, k, on_field, on_record_end, r) != k)
			return parse_error(r, p);
		if (p->entry_pos > r->max_field)
			return cu_err_setloc(r->err, CU_ELIMIT, r->o->source, r->rec_line, NULL,
					     "a field is longer than %zu bytes", r->max_field);
		s += k;
		n -= k;
	}
	return r->stop;
}

int ingest_csv_read(FILE *f, const struct ingest_csv_opts *o,
		    int (*on_record)(void *arg, const struct ingest_record *r), void *arg,
		    struct ingest_csv_result *res, struct cu_err *err)
{
	struct reader r = { 0 };
	struct csv_parser p;
	crypto_hash_sha256_state h;
	unsigned char digest[crypto_hash_sha256_BYTES];
	int64_t max_bytes = o->max_bytes ? o->max_bytes : CU_MAX_IMPORT_BYTES, total = 0;
	char *block = xmalloc(BLOCK);
	int first = 1, rc = 0;

	r.o = o;
	r.max_field = o->max_field ? o->max_field : CU_MAX_FIELD_BYTES;
	r.max_columns = o->max_columns ? o->max_columns : CU_MAX_COLUMNS;
	r.max_rows = o->max_rows ? o->max_rows : CU_MAX_ROWS;
	r.on_record = on_record;
	r.arg = arg;
	r.err = err;
	r.line = 1;
	r.bad_field = -1;
	cu_buf_init(&r.bytes, r.max_columns * (r.max_field + SLICE + 1));
	crypto_hash_sha256_init(&h);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		free(block);
		return cu_err_set(err, CU_ENOMEM, "out of memory starting the CSV reader");
	}
	for (;;) {
		size_t got = fread(block, 1, BLOCK, f), i = 0;

		if (got == 0) {
			if (ferror(f))
				rc = cu_err_setloc(err, CU_EIO, o->source, 0, NULL,
						   "could not read the file");
			break;
		}
		total += (int64_t)got;
		if (total > max_bytes) {
			rc = cu_err_setloc(err, CU_ELIMIT, o->source, 0, NULL,
					   "file is larger than %lld bytes", (long long)max_bytes);
			break;
		}
		crypto_hash_sha256_update(&h, (unsigned char *)block, got);
		if (first) {
			first = 0;
			if (got >= 3 && memcmp(block, "\xEF\xBB\xBF", 3) == 0)
				i = 3;
		}
		while (i < got && rc == 0) {
			char *nl = memchr(block + i, '\n', got - i);
			size_t end = nl ? (size_t)(nl - block) + 1 : got;

			rc = feed(&r, &p, block + i, end - i);
			i = end;
			if (nl)
				r.line++;
		}
		if (rc)
			break;
		if (o->progress)
			o->progress(o->progress_arg, total, r.records);
	}
	if (rc == 0) {
		if (p.pstate == 0)
			r.rec_line = r.line;
		if (csv_fini(&p, on_field, on_record_end, &r) != 0)
			rc = cu_err_setloc(err, CU_EINVAL, o->source, r.rec_line, NULL,
					   "a quoted field is not closed before the end of the file: "
					   "the file may be truncated");
		else
			rc = r.stop;
	}
	csv_free(&p);
	crypto_hash_sha256_final(&h, digest);
	if (res) {
		res->bytes = total;
		res->records = r.records;
		sodium_bin2hex(res->sha256, sizeof res->sha256, digest, sizeof digest);
	}
	cu_buf_release(&r.bytes);
	free(r.off);
	free(r.len);
	free(r.views);
	free(block);
	return rc;
}
