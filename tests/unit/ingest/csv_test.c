/*
 * The CSV reader on its own: the record grammar (quotes, CRLF, blank lines, spaces), records
 * that straddle the reader's 1 MiB blocks, and the parallel read, which must hand every record
 * to exactly one thread with its true line, keep file order within and across chunks, fall
 * back to the ordered read where a cut could split a quoted field, and report the error a
 * sequential read would meet first.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "ingest/csv.h"
#include "test.h"

static char dir[] = "/tmp/cu-csv-XXXXXX";

static const char *path_of(const char *name)
{
	static char p[256];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

static FILE *file_with(const char *name, const char *text, size_t n)
{
	FILE *f = fopen(path_of(name), "wb");

	fwrite(text, 1, n, f);
	fclose(f);
	return fopen(path_of(name), "rb");
}

/* Records kept as "line|f1|f2|..." strings. */
struct kept {
	char rows[16][128];
	size_t n;
};

static int keep(void *arg, const struct ingest_record *r)
{
	struct kept *k = arg;
	int w;

	if (k->n < 16) {
		w = snprintf(k->rows[k->n], sizeof k->rows[k->n], "%ld", r->line);
		for (size_t i = 0; i < r->n && w < 120; i++)
			w += snprintf(k->rows[k->n] + w, sizeof k->rows[k->n] - (size_t)w, "|%.*s",
				      (int)r->f[i].n, r->f[i].p);
	}
	k->n++;
	return 0;
}

static int read_text(const char *text, struct kept *k, struct cu_err *err)
{
	struct ingest_csv_opts o = { .source = "t.csv" };
	FILE *f = file_with("t.csv", text, strlen(text));
	int rc;

	memset(k, 0, sizeof *k);
	cu_err_clear(err);
	rc = ingest_csv_read(f, &o, keep, k, NULL, err);
	fclose(f);
	return rc;
}

static void grammar_blank_lines_spaces_crlf_and_lone_cr(void)
{
	struct kept k;
	struct cu_err err;

	CHECK_INT(read_text("a,b\r\n\r\n  x , \"y z\"  \r\n\n \n1,2\rtext\n,\n", &k, &err), 0);
	CHECK_INT(k.n, 4);
	CHECK_STR(k.rows[0], "1|a|b");
	CHECK_STR(k.rows[1], "3|x|y z");     /* blank line 2 skipped; spaces around fields dropped */
	CHECK_STR(k.rows[2], "6|1|2\rtext"); /* blank lines 4-5; a lone CR is text */
	CHECK_STR(k.rows[3], "7||");         /* a comma alone is two empty fields, not blank */
}

static void grammar_quotes_and_their_errors(void)
{
	struct kept k;
	struct cu_err err;
	char line[512];

	CHECK_INT(read_text("\"\",\"a\"\"\",\"\n\n\",end", &k, &err), 0);
	CHECK_INT(k.n, 1);
	CHECK_STR(k.rows[0], "1||a\"|\n\n|end");
	/* A quote inside an unquoted field, located on the physical line where it sits. */
	CHECK(read_text("h\n\"two\nlines\",ab\"c\n", &k, &err) != 0);
	CHECK_STR(cu_err_format(&err, line, sizeof line),
		  "t.csv:3: malformed quoting: expected a field wholly inside double quotes, with "
		  "quotes inside it doubled (\"\")");
	/* Text after a closing quote. */
	CHECK(read_text("h\n\"a\" b,c\n", &k, &err) != 0);
	CHECK_CONTAINS(cu_err_format(&err, line, sizeof line), "t.csv:2: malformed quoting");
	/* Truncated inside a quoted field: located at the record's first line. */
	CHECK(read_text("h\nx,\"open\nmore\n", &k, &err) != 0);
	CHECK_STR(cu_err_format(&err, line, sizeof line),
		  "t.csv:2: a quoted field is not closed before the end of the file: the file may be "
		  "truncated");
}

struct bad_seen {
	long field[4];
	size_t off[4];
	int nul[4];
	int n;
};

static int grab_bad(void *arg, const struct ingest_record *r)
{
	struct bad_seen *b = arg;

	if (b->n < 4) {
		b->field[b->n] = r->bad_field;
		b->off[b->n] = r->bad_offset;
		b->nul[b->n] = r->bad_nul;
	}
	b->n++;
	return 0;
}

static void grammar_utf8_and_nul_are_reported_per_field(void)
{
	static const char text[] = "ok,caf\xC3\xA9\nx,b\xFFz\nn,a\0b\n\"q\xC3\",\"\xE2\x82\"\n";
	struct ingest_csv_opts o = { .source = "u.csv" };
	struct bad_seen b = { 0 };
	struct cu_err err;
	FILE *f = file_with("u.csv", text, sizeof text - 1);

	cu_err_clear(&err);
	CHECK_INT(ingest_csv_read(f, &o, grab_bad, &b, NULL, &err), 0);
	fclose(f);
	CHECK_INT(b.n, 4);
	CHECK_INT(b.field[0], -1); /* valid two-byte UTF-8 */
	CHECK_INT(b.field[1], 1);  /* 0xFF never appears in UTF-8: field 1, byte 1 */
	CHECK_INT(b.off[1], 1);
	CHECK_INT(b.nul[1], 0);
	CHECK_INT(b.field[2], 1);  /* the NUL at byte 1 of field 1 */
	CHECK_INT(b.off[2], 1);
	CHECK_INT(b.nul[2], 1);
	CHECK_INT(b.field[3], 0);  /* quoted: a lead byte with no continuation, at byte 1 */
	CHECK_INT(b.off[3], 1);
}

/* Records of a generated file: field 0 is the line number, so a record checks its own line. */
struct gen_check {
	long long records;
	long bad_line;       /* first record whose line did not match its field 0, or 0 */
	long last_line;      /* lines seen must rise within one thread */
	int out_of_order;
	double sum;
	long first_line;
	int header_calls;
};

static int gen_header(void *arg, const struct ingest_record *r)
{
	struct gen_check *g = arg;

	g->header_calls++;
	if (r->line != 1 || r->n != 3 || !cu_str_eqz(r->f[0], "line"))
		g->bad_line = -1;
	return 0;
}

static int gen_record(void *arg, const struct ingest_record *r)
{
	struct gen_check *g = arg;
	long want = strtol(r->f[0].p, NULL, 10);

	if (want != r->line && !g->bad_line)
		g->bad_line = r->line;
	if (r->line <= g->last_line)
		g->out_of_order = 1;
	if (!g->first_line)
		g->first_line = r->line;
	g->last_line = r->line;
	g->sum += strtod(r->f[1].p, NULL);
	g->records++;
	return 0;
}

/*
 * Write a file of ROWS records "line,value,text" after a header, with a blank line every
 * 1000 lines (lines count, records do not). Returns the sum of the values.
 */
static long gen_next_line; /* the line write_gen's TAIL starts on */

static double write_gen(const char *name, long rows, const char *tail)
{
	FILE *f = fopen(path_of(name), "wb");
	long line = 1, done = 0;
	double sum = 0;

	fputs("line,value,text\n", f);
	while (done < rows) {
		line++;
		if (line % 1000 == 0) {
			fputs("\n", f);
			continue;
		}
		fprintf(f, "%ld,%ld,row%s\n", line, line % 97, line % 2 ? "" : " padded");
		sum += (double)(line % 97);
		done++;
	}
	gen_next_line = line + 1;
	if (tail)
		fputs(tail, f);
	fclose(f);
	return sum;
}

static void par_read_matches_lines_order_and_sums(void)
{
	double want = write_gen("big.csv", 600000, NULL); /* about 12 MB: past the parallel floor */
	struct ingest_csv_opts o = { .source = "big.csv", .no_hash = 1 };
	struct ingest_csv_result res;
	struct cu_err err;

	for (unsigned nt = 1; nt <= 4; nt++) {
		struct gen_check head = { 0 }, g[4] = { { 0 } };
		void *targs[4] = { &g[0], &g[1], &g[2], &g[3] };
		FILE *f = fopen(path_of("big.csv"), "rb");
		long long recs = 0;
		double sum = 0;

		cu_err_clear(&err);
		CHECK_INT(ingest_csv_read_par(f, &o, nt, gen_header, &head, gen_record, targs, &res,
					      &err), 0);
		fclose(f);
		CHECK_INT(res.threads, nt);
		CHECK_INT(head.header_calls, 1);
		CHECK_INT(head.bad_line, 0);
		for (unsigned t = 0; t < nt; t++) {
			CHECK_INT(g[t].bad_line, 0);
			CHECK_INT(g[t].out_of_order, 0);
			recs += g[t].records;
			sum += g[t].sum;
			/* Chunks follow one another in the file. */
			if (t > 0 && g[t].records && g[t - 1].records)
				CHECK(g[t].first_line > g[t - 1].last_line);
			/* Each thread got a fair share, so the work really was split. */
			CHECK(g[t].records > 600000 / (long)nt / 2);
		}
		CHECK_INT(recs, 600000);
		CHECK_INT(res.records, 600001);
		CHECK_NEAR(sum, want, 0);
	}
}

static void par_read_falls_back_when_a_quote_could_straddle_a_cut(void)
{
	/* A quoted field with a newline near the end: cutting there would split it. */
	double want = write_gen("q.csv", 500000, "\"999999999\n\",5,\"x\"\n");
	struct ingest_csv_opts o = { .source = "q.csv", .no_hash = 1 };
	struct ingest_csv_result res;
	struct gen_check head = { 0 }, g[2] = { { 0 } };
	void *targs[2] = { &g[0], &g[1] };
	struct cu_err err;
	FILE *f = fopen(path_of("q.csv"), "rb");

	cu_err_clear(&err);
	CHECK_INT(ingest_csv_read_par(f, &o, 2, gen_header, &head, gen_record, targs, &res, &err),
		  0);
	fclose(f);
	CHECK_INT(res.threads, 1);
	CHECK_INT(head.header_calls, 1); /* never twice, though the parallel read began */
	CHECK_INT(g[0].records, 500001);
	CHECK_INT(g[1].records, 0);
	/* The last record's field 0 is "999999999\n": its own line check is off by design. */
	CHECK(g[0].bad_line == 0 || g[0].bad_line > 500000);
	CHECK_NEAR(g[0].sum, want + 5, 0);
}

static atomic_long stop_at = 0;

static int stop_record(void *arg, const struct ingest_record *r)
{
	struct gen_check *g = arg;

	if (r->line == atomic_load(&stop_at))
		return -42;
	return gen_record(g, r);
}

static void par_read_reports_the_first_error_in_file_order(void)
{
	struct ingest_csv_opts o = { .source = "e.csv", .no_hash = 1, .max_field = 12 };
	struct ingest_csv_result res;
	struct cu_err err;
	char line[256], want[128];
	FILE *f;

	/* The tail's first line has a 13-byte field; the reader stops there, in chunk 1. */
	write_gen("e.csv", 499990, "0,1,thirteen-bytes\n0,1,x\n");
	snprintf(want, sizeof want, "e.csv:%ld: a field is longer than 12 bytes", gen_next_line);
	{
		struct gen_check head = { 0 }, g[2] = { { 0 } };
		void *targs[2] = { &g[0], &g[1] };

		f = fopen(path_of("e.csv"), "rb");
		cu_err_clear(&err);
		atomic_store(&stop_at, 0);
		CHECK_INT(ingest_csv_read_par(f, &o, 2, gen_header, &head, stop_record, targs,
					      &res, &err), CU_ELIMIT);
		fclose(f);
		CHECK_INT(res.threads, 2);
		CHECK_INT(res.stop_chunk, 1);
		CHECK_STR(cu_err_format(&err, line, sizeof line), want);
		/* Blank lines count: 499,990 records and one blank per 1,000 lines before it. */
		CHECK_INT(gen_next_line, 1 + 499990 + 499990 / 999 + 1);
	}
	/* A callback stop at line 1,500 (first chunk) comes first and wins. */
	{
		struct gen_check head = { 0 }, g[2] = { { 0 } };
		void *targs[2] = { &g[0], &g[1] };

		f = fopen(path_of("e.csv"), "rb");
		cu_err_clear(&err);
		atomic_store(&stop_at, 1500);
		CHECK_INT(ingest_csv_read_par(f, &o, 2, gen_header, &head, stop_record, targs,
					      &res, &err), -42);
		fclose(f);
		CHECK_INT(res.stop_chunk, 0);
		CHECK_INT(err.code, 0); /* the reader's own error from chunk 1 is not reported */
		CHECK_INT(g[0].last_line, 1499);
	}
}

static void par_read_hashes_like_the_ordered_read(void)
{
	struct ingest_csv_opts o = { .source = "h.csv" };
	struct ingest_csv_result a, b;
	struct gen_check head = { 0 }, g[2] = { { 0 } }, s = { 0 };
	void *targs[2] = { &g[0], &g[1] };
	struct cu_err err;
	FILE *f;

	write_gen("h.csv", 600000, NULL);
	f = fopen(path_of("h.csv"), "rb");
	cu_err_clear(&err);
	CHECK_INT(ingest_csv_read_par(f, &o, 2, gen_header, &head, gen_record, targs, &a, &err), 0);
	fclose(f);
	f = fopen(path_of("h.csv"), "rb");
	CHECK_INT(ingest_csv_read(f, &o, gen_record, &s, &b, &err), 0);
	fclose(f);
	CHECK_INT(a.threads, 2);
	CHECK_STR(a.sha256, b.sha256);
	CHECK_INT(strlen(a.sha256), 64);
	CHECK_INT(a.records, b.records);
	CHECK_INT(a.bytes, b.bytes);
	/* Hashed on its own thread (several 1 MiB blocks queued): the same digest. */
	{
		struct ingest_csv_opts ot = { .source = "h.csv", .hash_thread = 1 };
		struct ingest_csv_result c;
		struct gen_check s2 = { 0 };

		f = fopen(path_of("h.csv"), "rb");
		CHECK_INT(ingest_csv_read(f, &ot, gen_record, &s2, &c, &err), 0);
		fclose(f);
		CHECK_STR(c.sha256, b.sha256);
		CHECK_INT(c.records, b.records);
	}
}

/* A field just under the limit lands across the reader's 1 MiB block edge intact. */
static void records_straddling_blocks_are_whole(void)
{
	size_t big = 60000, n = 40, len = 0;
	char *text = xmalloc(n * (big + 32));
	struct ingest_csv_opts o = { .source = "s.csv" };
	struct gen_check g = { 0 };
	struct cu_err err;
	FILE *f;

	for (size_t i = 0; i < n; i++) {
		len += (size_t)sprintf(text + len, "%zu,%zu,", i + 1, i);
		memset(text + len, i % 2 ? 'q' : ' ', big);
		if (i % 2 == 0)
			text[len + big / 2] = 'm'; /* spaces around it are trimmed */
		len += big;
		text[len++] = '\n';
	}
	f = file_with("s.csv", text, len);
	cu_err_clear(&err);
	CHECK_INT(ingest_csv_read(f, &o, gen_record, &g, NULL, &err), 0);
	fclose(f);
	CHECK_INT(g.records, (long long)n);
	CHECK_INT(g.bad_line, 0);
	CHECK_NEAR(g.sum, (double)(n * (n - 1) / 2), 0);
	free(text);
}

int main(void)
{
	char cmd[64];

	if (!mkdtemp(dir))
		return 2;
	RUN(grammar_blank_lines_spaces_crlf_and_lone_cr);
	RUN(grammar_quotes_and_their_errors);
	RUN(grammar_utf8_and_nul_are_reported_per_field);
	RUN(par_read_matches_lines_order_and_sums);
	RUN(par_read_falls_back_when_a_quote_could_straddle_a_cut);
	RUN(par_read_reports_the_first_error_in_file_order);
	RUN(par_read_hashes_like_the_ordered_read);
	RUN(records_straddling_blocks_are_whole);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return test_done();
}
