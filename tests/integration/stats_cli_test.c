/*
 * `custodian stats` through the real binary: agreement with an independent implementation
 * (the R peer's XmR output, committed under tests/data/spc with the command that made it),
 * reference values through the command line, and bad input: every failure names the file,
 * line and column or option, and leaves an existing output file untouched.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/proc.h"
#include "support/refcsv.h"
#include "test.h"

static char dir[] = "/tmp/cu-stats-XXXXXX";
static char errbuf[8192]; /* standard error of the last run */

static void fails_with(const char *const *argv, const char *out, const char *needle);

/* Run the binary with ARGV (NULL-ended, without the program name); return its exit status and
 * keep its standard error in errbuf. */
static int run(const char *const *argv)
{
	const char *args[40];
	int n = 0;

	args[n++] = CU_BINARY;
	for (; *argv && n < 38; argv++)
		args[n++] = *argv;
	args[n] = NULL;
	return test_exec(args, NULL, NULL, 0, errbuf, sizeof errbuf);
}

static int load_ok(struct refcsv *t, const char *rel)
{
	if (refcsv_load(t, test_data_path(rel)) == 0)
		return 1;
	CHECK(!"reference table loads");
	return 0;
}

static const char *tmp(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		CHECK(!"can write a scratch file");
		return;
	}
	fputs(text, f);
	fclose(f);
}

/* Row of T whose first three cells are A, B, C (the keys), or -1. */
static long find_row(const struct refcsv *t, const char *a, const char *b, const char *c)
{
	for (size_t r = 0; r < t->nrow; r++)
		if (!strcmp(t->rows[r][0], a) && !strcmp(t->rows[r][1], b) && !strcmp(t->rows[r][2], c))
			return (long)r;
	return -1;
}

/* XmR over 12 series against the R peer: same flags, limits within 1e-9. */
static void xmr_agrees_with_the_r_peer(void)
{
	const char *in = CU_SOURCE_DIR "/tests/data/spc/series.csv";
	const char *out = tmp("spc.csv");
	const char *argv[] = { "stats", "xmr", "--in", in, "--out", out, "--by",
			       "provider_id,indicator_id", "--order", "month", "--screen", "off",
			       "--trend", "6", NULL };
	const char *flags[] = { "outside", "shift", "trend", "two_of_three" };
	struct refcsv peer, mine;
	int counts[4] = { 0 };

	CHECK_INT(run(argv), 0);
	if (refcsv_load(&peer, CU_SOURCE_DIR "/tests/data/spc/peer_r.csv"))
		return;
	if (refcsv_load(&mine, out)) {
		refcsv_free(&peer);
		CHECK(!"output loads");
		return;
	}
	CHECK_INT(mine.nrow, 360);
	CHECK_INT(peer.nrow, 360);
	for (size_t r = 0; r < peer.nrow; r++) {
		long m = find_row(&mine, peer.rows[r][0], peer.rows[r][1], peer.rows[r][2]);

		if (m < 0) {
			CHECK(!"every peer row is in the output");
			continue;
		}
		/* The input text is echoed ("78.10"); R writes the number ("78.1"). */
		CHECK_NEAR(refcsv_num(&mine, (size_t)m, "value"), refcsv_num(&peer, r, "value"), 0);
		CHECK_NEAR(refcsv_num(&mine, (size_t)m, "mean"), refcsv_num(&peer, r, "mean"), 1e-9);
		CHECK_NEAR(refcsv_num(&mine, (size_t)m, "lcl"), refcsv_num(&peer, r, "lcl"), 1e-9);
		CHECK_NEAR(refcsv_num(&mine, (size_t)m, "ucl"), refcsv_num(&peer, r, "ucl"), 1e-9);
		for (int k = 0; k < 4; k++) {
			CHECK_STR(refcsv_get(&mine, (size_t)m, flags[k]),
				  refcsv_get(&peer, r, flags[k]));
			counts[k] += strcmp(refcsv_get(&peer, r, flags[k]), "1") == 0;
		}
	}
	/* The fixture exercises every rule (README.md there): 1, 29, 6 and 6 points. */
	CHECK_INT(counts[0], 1);
	CHECK_INT(counts[1], 29);
	CHECK_INT(counts[2], 6);
	CHECK_INT(counts[3], 6);
	refcsv_free(&peer);
	refcsv_free(&mine);
}

/* The whole of file PATH into a new buffer (NUL-terminated), or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (p = malloc((size_t)n + 1)) && fread(p, 1, (size_t)n, f) == (size_t)n)
		p[n] = '\0';
	else if (p)
		free(p), p = NULL;
	if (f)
		fclose(f);
	return p;
}

/*
 * A file already sorted by its keys and order is charted as it is read, group by group; any
 * other is sorted in memory first. Both must write the same bytes: 30 series (provider 1-15
 * as numbers, indicator a/b) of 24 months, written sorted (read group by group), with the
 * providers in text order 1, 10, 11, ..., 2 (not sorted as numbers, so sorted in memory), and
 * shuffled; and written to standard output (always sorted in memory) the same again.
 */
static void xmr_sorted_and_unsorted_input_agree(void)
{
	static const char *const name[3] = { "sorted.csv", "textorder.csv", "shuffled.csv" };
	static const int textorder[15] = { 1, 10, 11, 12, 13, 14, 15, 2, 3, 4, 5, 6, 7, 8, 9 };
	char *first = NULL, *stdout_text = malloc(1 << 20);
	int perm[720];

	for (int i = 0; i < 720; i++)
		perm[i] = i;
	for (int i = 719; i > 0; i--) { /* a fixed shuffle (LCG) */
		int j = (int)((unsigned)(i * 2654435761u) % (unsigned)(i + 1)), x = perm[i];

		perm[i] = perm[j];
		perm[j] = x;
	}
	for (int v = 0; v < 3; v++) {
		const char *in = tmp(name[v]), *out = tmp("agree_out.csv");
		const char *argv[] = { "stats", "xmr", "--in", in, "--out", out, "--by",
				       "provider,indicator", "--order", "month", NULL };
		FILE *f = fopen(in, "w");
		char *got;

		if (!f) {
			CHECK(!"can write the input");
			continue;
		}
		fputs("provider,indicator,month,value\n", f);
		for (int k = 0; k < 720; k++) {
			int i = v == 2 ? perm[k] : k, p = i / 48, ind = i / 24 % 2, m = i % 24 + 1;
			int prov = v == 1 ? textorder[p] : p + 1;

			/* Deterministic values with some special causes (a step at month 18). */
			fprintf(f, "%d,%c,%d,%.2f\n", prov, "ab"[ind], m,
				50 + prov + 3 * ind + ((m * 7 + prov * 3) % 11) * 0.37 + (m > 18) * 6);
		}
		fclose(f);
		CHECK_INT(run(argv), 0);
		if (!(got = slurp(out))) {
			CHECK(!"the output reads back");
			continue;
		}
		if (!first) {
			first = got;
			/* The peers' layout: no variation column without --polarity. */
			static const char head[] = "provider,indicator,month,value,mean,lcl,ucl,"
						   "outside,shift,trend,two_of_three\n1,a,1,";

			CHECK(strncmp(first, head, sizeof head - 1) == 0);
			continue;
		}
		CHECK_STR(got, first);
		free(got);
	}
	if (first && stdout_text) {
		const char *argv[] = { CU_BINARY, "stats", "xmr", "--in", tmp("sorted.csv"), "--out",
				       "-", "--by", "provider,indicator", "--order", "month", NULL };

		CHECK_INT(test_exec(argv, NULL, stdout_text, 1 << 20, errbuf, sizeof errbuf), 0);
		CHECK_STR(stdout_text, first);
	}
	free(first);
	free(stdout_text);
}

/*
 * A file that turns out unsorted only at its end, after megabytes of results were written as
 * it was read: the output is emptied and made again from the whole table, the same bytes as
 * through standard output (always from the table). 3,000 series of 12 months, provider 3000's
 * rows placed before provider 2999's.
 */
static void late_fallback_rewrites_from_the_start(void)
{
	const char *in = tmp("late.csv"), *out = tmp("late_out.csv");
	const char *argv[] = { "stats", "xmr", "--in", in, "--out", out, "--by", "provider",
			       "--order", "month", NULL };
	const char *to_stdout[] = { CU_BINARY, "stats", "xmr", "--in", in, "--out", "-", "--by",
				    "provider", "--order", "month", NULL };
	size_t cap = 8 << 20;
	char *piped = malloc(cap), *got;
	FILE *f = fopen(in, "w");

	if (!f || !piped) {
		CHECK(!"the input is written");
		if (f)
			fclose(f);
		free(piped);
		return;
	}
	fputs("provider,month,value\n", f);
	for (int k = 1; k <= 3000; k++) {
		int p = k == 2999 ? 3000 : k == 3000 ? 2999 : k;

		for (int m = 1; m <= 12; m++)
			fprintf(f, "%d,%d,%d.%02d\n", p, m, 40 + (p * 7 + m * 13) % 23, (p + m) % 100);
	}
	fclose(f);
	CHECK_INT(run(argv), 0);
	CHECK_INT(test_exec(to_stdout, NULL, piped, cap, errbuf, sizeof errbuf), 0);
	if ((got = slurp(out))) {
		CHECK(strlen(got) > (size_t)(1 << 20));
		CHECK(strcmp(got, piped) == 0);
		CHECK_CONTAINS(got, "\n2999,12,");
	}
	free(got);
	free(piped);
}

/*
 * A result takes its name whole: over an existing file, the new file replaces it (a second
 * name linked to the old file still holds the old text, so the old file was not written over
 * in place), with the usual permissions, and nothing is left beside it; with no file there,
 * it is made.
 */
static void output_replaces_the_old_file_whole(void)
{
	const char *in = tmp("rep_in.csv"), *out = tmp("rep_out.csv"), *link_path = tmp("rep_old.csv");
	const char *argv[] = { "stats", "xmr", "--in", in, "--out", out, "--by", "org", "--order",
			       "month", NULL };
	struct stat sb;
	char cmd[512], *got;
	mode_t old = umask(022);

	write_file(in, "org,month,value\nA,1,5\nA,2,6\nA,3,7\n");
	remove(out);
	remove(link_path);
	CHECK_INT(run(argv), 0); /* no file there before */
	if ((got = slurp(out)))
		CHECK_CONTAINS(got, "A,1,5,6,");
	free(got);
	write_file(out, "the old result\n");
	CHECK_INT(link(out, link_path), 0);
	write_file(in, "org,month,value\nB,1,1\nB,2,2\nB,3,3\n");
	CHECK_INT(run(argv), 0);
	if ((got = slurp(out)))
		CHECK_CONTAINS(got, "B,3,3,2,");
	free(got);
	if ((got = slurp(link_path)))
		CHECK_STR(got, "the old result\n");
	free(got);
	CHECK(stat(out, &sb) == 0 && sb.st_nlink == 1 && (sb.st_mode & 0777) == 0644);
	snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp-", dir);
	CHECK(system(cmd) != 0);
	umask(old);
}

/*
 * A key column that starts with numbers and then holds text compares as text (every cell is
 * not a number): read group by group, the file is taken for numeric until "P3" and then
 * charted from memory instead; written to standard output (always from memory), the same
 * bytes. Rows in text order 1, 2, P3, each of 3 months; a column of text from its first cell
 * (P1, P2, Q) is read group by group throughout.
 */
static void xmr_key_column_turning_to_text(void)
{
	static const char *const files[2][2] = {
		{ "turns.csv", "org,month,value\n1,1,5\n1,2,6\n1,3,7\n2,1,4\n2,2,4\n2,3,9\n"
			       "P3,1,1\nP3,2,2\nP3,3,3\n" },
		{ "text.csv", "org,month,value\nP1,1,5\nP1,2,6\nP1,3,7\nP2,1,4\nP2,2,4\nP2,3,9\n"
			      "Q,1,1\nQ,2,2\nQ,3,3\n" },
	};

	for (int v = 0; v < 2; v++) {
		const char *in = tmp(files[v][0]), *out = tmp("turns_out.csv");
		const char *argv[] = { "stats", "xmr", "--in", in, "--out", out, "--by", "org",
				       "--order", "month", NULL };
		const char *to_stdout[] = { CU_BINARY, "stats", "xmr", "--in", in, "--out", "-",
					    "--by", "org", "--order", "month", NULL };
		char piped[4096];
		char *got;

		write_file(in, files[v][1]);
		CHECK_INT(run(argv), 0);
		CHECK_INT(test_exec(to_stdout, NULL, piped, sizeof piped, errbuf, sizeof errbuf), 0);
		if (!(got = slurp(out))) {
			CHECK(!"the output reads back");
			continue;
		}
		CHECK_STR(got, piped);
		/* Groups in the file's order; means 6, 17/3 and 2 (and 2 for Q). */
		CHECK_CONTAINS(got, v ? "\nP1,1,5,6," : "\n1,1,5,6,");
		CHECK_CONTAINS(got, v ? "\nP2,3,9,5.666666666666667," : "\n2,3,9,5.666666666666667,");
		CHECK_CONTAINS(got, v ? "\nQ,3,3,2," : "\nP3,3,3,2,");
		free(got);
	}
}

/*
 * The two ways of running xmr agree on generated files: read group by group (to a file) and
 * sorted in memory (to standard output) must give the same bytes, or both fail with the same
 * message. Files of 1-3 key values in order (numbers, "1.0" after "1", text, a quoted comma)
 * by 2-7 months, written sorted and then, most of them, disturbed: neighbouring rows swapped, a row repeated, a month
 * written "2.0" or as text, a value that is not a number, a short row. A fixed generator (LCG),
 * so a failure repeats.
 */
static int rnd(unsigned long long *x, int n)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)((*x >> 33) % (unsigned long long)n);
}

static void xmr_streamed_and_sorted_runs_agree(void)
{
	/* In their order as numbers, then text ("1.0" beside "1": equal as numbers). */
	static const char *const orgs[] = { "-3", "1", "1.0", "2", "10", "P1", "\"a,b\"" };
	const char *in = tmp("agree.csv"), *out = tmp("agree_out.csv");
	const char *to_file[] = { CU_BINARY, "stats", "xmr", "--in", in, "--out", out, "--by",
				  "org", "--order", "month", NULL };
	const char *sorted[] = { CU_BINARY, "stats", "xmr", "--in", in, "--out", "-", "--by",
				 "org", "--order", "month", NULL };
	static char text[8192], piped[1 << 16], err1[4096], err2[4096];
	unsigned long long x = 12345;
	int agreed = 0, failed = 0, streamed = 0;

	/* A number below N from the generator (one call per expression: the order is fixed). */
#define RND(n) rnd(&x, n)

	for (int file = 0; file < 150; file++) {
		char lines[32][64];
		int nline = 0, norg, nmonth, rc1, rc2;
		size_t w = 0;
		char *got;

		norg = 1 + RND(3);
		nmonth = 2 + RND(6);
		for (int o = 0, at = RND(3); o < norg && at < 7; o++, at += 1 + RND(2)) {
			const char *org = orgs[at];

			for (int m = 1; m <= nmonth && nline < 32; m++) {
				int whole = RND(90) + 10, tenth = RND(10);

				snprintf(lines[nline++], sizeof lines[0], "%s,%d,%d.%d", org, m,
					 whole, tenth);
			}
		}
		switch (RND(8)) { /* 0-2: left sorted */
		case 3: {
			int i = RND(nline - 1);
			char tmpl[64];

			memcpy(tmpl, lines[i], sizeof tmpl);
			memcpy(lines[i], lines[i + 1], sizeof tmpl);
			memcpy(lines[i + 1], tmpl, sizeof tmpl);
			break;
		}
		case 4:
			if (nline < 32) {
				int i = RND(nline);

				memmove(lines[i + 1], lines[i], (size_t)(nline - i) * sizeof lines[0]);
				nline++;
			}
			break;
		case 5: {
			int i = RND(nline), o = RND(7), word = RND(2);

			snprintf(lines[i], sizeof lines[0], "%s,%s,5", orgs[o], word ? "x" : "2.0");
			break;
		}
		case 6: {
			int i = RND(nline), o = RND(7), m = 1 + RND(nmonth), na = RND(2);

			snprintf(lines[i], sizeof lines[0], "%s,%d,%s", orgs[o], m,
				 na ? "n/a" : "1e999");
			break;
		}
		case 7:
			snprintf(lines[RND(nline)], sizeof lines[0], "1,2");
			break;
		}
		w = (size_t)snprintf(text, sizeof text, "org,month,value\n");
		for (int i = 0; i < nline; i++)
			w += (size_t)snprintf(text + w, sizeof text - w, "%s\n", lines[i]);
		write_file(in, text);
		unlink(out);
		setenv("CU_STATS_TRACE", "1", 1);
		rc1 = test_exec(to_file, NULL, NULL, 0, err1, sizeof err1);
		unsetenv("CU_STATS_TRACE");
		rc2 = test_exec(sorted, NULL, piped, sizeof piped, err2, sizeof err2);
		CHECK_INT(rc1, rc2);
		/* The trace line first, then what the table reported. */
		if (strncmp(err1, "custodian stats: read group by group\n", 37) == 0) {
			streamed++;
			memmove(err1, err1 + 37, strlen(err1 + 37) + 1);
		} else if (strncmp(err1, "custodian stats: read whole and sorted in memory\n", 49) == 0) {
			memmove(err1, err1 + 49, strlen(err1 + 49) + 1);
		} else {
			CHECK(!"the trace says how the input was read");
		}
		if (rc1 != 0) {
			CHECK_STR(err1, err2);
			failed++;
			continue;
		}
		if (!(got = slurp(out))) {
			CHECK(!"the output reads back");
			continue;
		}
		if (strcmp(got, piped) != 0)
			fprintf(stderr, "differs on:\n%s", text);
		CHECK_STR(got, piped);
		free(got);
		agreed++;
	}
#undef RND
	/* Both kinds of outcome were met often enough to mean something, and many files were
	 * read group by group (the others fell back on the table, which is what is compared). */
	CHECK(agreed > 40);
	CHECK(failed > 20);
	CHECK(streamed > 30);
}

/*
 * Cells written as given are quoted or guarded as csv_line_text would: a key with a comma, an
 * order value with a comma, a key that a spreadsheet would take for a formula ("@B" gets an
 * apostrophe), a negative number (no apostrophe: it is a plain number) and a value that was
 * quoted in the input (written bare). Means worked by hand: @B (3 + 5) / 2 = 4; "A, north"
 * (-1.5 + 2.5 + 1) / 3 = 2/3, whose shortest decimal is 0.6666666666666666. The same bytes
 * whether the file is read group by group or from memory (to standard output).
 */
static void xmr_cells_that_need_quoting(void)
{
	const char *in = tmp("quoting.csv"), *out = tmp("quoting_out.csv");
	const char *argv[] = { "stats", "xmr", "--in", in, "--out", out, "--by", "org",
			       "--order", "month", NULL };
	const char *to_stdout[] = { CU_BINARY, "stats", "xmr", "--in", in, "--out", "-",
				    "--by", "org", "--order", "month", NULL };
	static const char head[] = "org,month,value,mean,lcl,ucl,outside,shift,trend,two_of_three\n"
				   "'@B,1,3,4,";
	char piped[4096];
	char *got;

	write_file(in, "org,month,value\n@B,1,\"3\"\n@B,2,5\n\"A, north\",\"m,1\",-1.5\n"
		       "\"A, north\",\"m,2\",2.5\n\"A, north\",\"m,3\",1\n");
	CHECK_INT(run(argv), 0);
	CHECK_INT(test_exec(to_stdout, NULL, piped, sizeof piped, errbuf, sizeof errbuf), 0);
	if (!(got = slurp(out))) {
		CHECK(!"the output reads back");
		return;
	}
	CHECK_STR(got, piped);
	CHECK(strncmp(got, head, sizeof head - 1) == 0);
	CHECK_CONTAINS(got, "\n'@B,2,5,4,");
	CHECK_CONTAINS(got, "\n\"A, north\",\"m,1\",-1.5,0.6666666666666666,");
	CHECK_CONTAINS(got, "\n\"A, north\",\"m,2\",2.5,0.6666666666666666,");
	CHECK_CONTAINS(got, "\n\"A, north\",\"m,3\",1,0.6666666666666666,");
	free(got);
}

/*
 * Whether a sorted file is read group by group or sorted in memory, the error reported is the
 * one the whole table reports first: a row with the wrong number of fields anywhere before a
 * bad value in the first series, and a repeated month anywhere before a series too short.
 */
static void xmr_errors_are_reported_in_the_same_order(void)
{
	const char *in = tmp("order_err.csv"), *out = tmp("order_keep.csv");
	const char *argv[] = { "stats", "xmr", "--in", in, "--out", out, "--by", "org", "--order",
			       "month", NULL };

	write_file(in, "org,month,value\nA,1,5\nA,2,x\nB,1,7\nB,2,8\nC,1,1\nC,2,2,3\n");
	fails_with(argv, out, "order_err.csv:7: 4 fields, expected 3 as in the header");
	write_file(in, "org,month,value\nA,1,5\nB,1,7\nB,2,8\nC,1,1\nC,1,2\n");
	fails_with(argv, out, "order_err.csv:6: column \"month\": \"1\" appears twice in one "
		   "series (lines 5 and 6)");
	/* Equal as numbers, not as text: one series ("1" and "1.0"), sorted in memory. */
	write_file(in, "org,month,value\n1,1,5\n1.0,2,6\n1,3,7\n");
	CHECK_INT(run(argv), 0);
}

/*
 * Means and limits are written as the shortest decimal that reads back as the same double:
 * values 0.1 and 0.3 have the mean 0.2 (the double nearest 0.2, which %.17g would write as
 * 0.20000000000000001).
 */
static void xmr_writes_shortest_numbers(void)
{
	const char *in = tmp("short.csv"), *out = tmp("short_out.csv");
	const char *argv[] = { "stats", "xmr", "--in", in, "--out", out, NULL };
	struct refcsv t;

	write_file(in, "value\n0.1\n0.3\n");
	CHECK_INT(run(argv), 0);
	if (refcsv_load(&t, out))
		return;
	CHECK_STR(refcsv_get(&t, 0, "mean"), "0.2");
	CHECK(refcsv_num(&t, 0, "mean") == (0.1 + 0.3) / 2);
	refcsv_free(&t);
}

/*
 * The Plot the Dots vignette series through the command line, rows shuffled and keyed by a
 * text date: sorted back by date, mean 1.94, screened limits -0.72 and 4.60 (reference case
 * ptd_dev_screened), and the 10 an improvement when higher is better, a concern when lower.
 */
static void xmr_sorts_and_reports_verdicts(void)
{
	const char *in = tmp("dev.csv"), *out = tmp("dev_out.csv");
	const char *argv[] = { "stats", "xmr", "--in", in, "--out", out, "--order", "day",
			       "--value", "n", "--polarity", "lower", NULL };
	static const int v[18] = { 1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1 };
	char text[2048];
	size_t w = 0;
	struct refcsv t;

	w += (size_t)snprintf(text + w, sizeof text - w, "day,n\n");
	for (int i = 17; i >= 0; i--) /* newest first */
		w += (size_t)snprintf(text + w, sizeof text - w, "2021-04-%02d,%d\n", i + 1, v[i]);
	write_file(in, text);
	CHECK_INT(run(argv), 0);
	if (refcsv_load(&t, out))
		return;
	CHECK_INT(t.nrow, 18);
	CHECK_STR(refcsv_get(&t, 0, "day"), "2021-04-01");
	CHECK_STR(refcsv_get(&t, 4, "n"), "10");
	CHECK_NEAR(refcsv_num(&t, 0, "mean"), 35.0 / 18, 1e-12);
	CHECK_NEAR(refcsv_num(&t, 0, "lcl"), 35.0 / 18 - 2.66, 1e-12);
	CHECK_NEAR(refcsv_num(&t, 0, "ucl"), 35.0 / 18 + 2.66, 1e-12);
	CHECK_STR(refcsv_get(&t, 4, "outside"), "1");
	CHECK_STR(refcsv_get(&t, 4, "variation"), "concern");
	CHECK_STR(refcsv_get(&t, 3, "variation"), "common_cause");
	refcsv_free(&t);

	/* Higher is better: the same point is an improvement. */
	argv[11] = "higher";
	CHECK_INT(run(argv), 0);
	if (refcsv_load(&t, out))
		return;
	CHECK_STR(refcsv_get(&t, 4, "variation"), "improvement");
	CHECK_STR(refcsv_get(&t, 3, "variation"), "common_cause");
	refcsv_free(&t);

	/* No direction: the column is there, naming the side of the special cause. */
	argv[11] = "none";
	CHECK_INT(run(argv), 0);
	if (refcsv_load(&t, out))
		return;
	CHECK_STR(refcsv_get(&t, 4, "variation"), "neither_high");
	CHECK_STR(refcsv_get(&t, 3, "variation"), "common_cause");
	refcsv_free(&t);
}

/* Wilson and rate through the command line against rows of the reference tables. */
static void intervals_match_reference_rows(void)
{
	const char *in = tmp("ci.csv"), *out = tmp("ci_out.csv");
	const char *w[] = { "stats", "wilson", "--in", in, "--out", out, "--num", "x", "--den", "n",
			    "--level", "99.8", NULL };
	struct refcsv ref, t;

	/* The first row of test_Prop.csv, recomputed through the command line at 99.8%. */
	if (refcsv_load(&ref, test_data_path("reference/pheindicatormethods/test_Prop.csv")))
		return;
	snprintf(errbuf, sizeof errbuf, "area,x,n\n\"=cmd|' /C calc'!A0\",%s,%s\n",
		 refcsv_get(&ref, 0, "Numerator"), refcsv_get(&ref, 0, "Denominator"));
	write_file(in, errbuf);
	CHECK_INT(run(w), 0);
	if (refcsv_load(&t, out) == 0) {
		double k = refcsv_num(&ref, 0, "multiplier");

		CHECK_NEAR(k * refcsv_num(&t, 0, "lower"), refcsv_num(&ref, 0, "lower99_8cl"), 1e-9);
		CHECK_NEAR(k * refcsv_num(&t, 0, "upper"), refcsv_num(&ref, 0, "upper99_8cl"), 1e-9);
		/* A formula-like cell is echoed as text a spreadsheet will not run. */
		CHECK_STR(refcsv_get(&t, 0, "area"), "'=cmd|' /C calc'!A0");
		refcsv_free(&t);
	}
	refcsv_free(&ref);
}

/*
 * Attribute charts through the command line on the four-hour series (values worked in
 * tests/unit/stats/attr_test.c): the p chart puts 16 of 20 weeks outside, Laney's p' none, with
 * week 1's limits 0.940129644178 and 0.965669778511.
 */
static void attribute_charts_through_the_command_line(void)
{
	const char *in = test_data_path("reference/qicharts2/nhs_accidents.csv");
	const char *out = tmp("p.csv");
	const char *kinds[] = { "p", "pp" };
	int expect[] = { 16, 0 };

	for (int k = 0; k < 2; k++) {
		const char *argv[] = { "stats", kinds[k], "--in", in, "--out", out, "--order", "i",
				       "--num", "r", "--den", "n", NULL };
		struct refcsv t;
		int outside = 0;

		CHECK_INT(run(argv), 0);
		if (refcsv_load(&t, out))
			continue;
		CHECK_INT(t.nrow, 20);
		for (size_t r = 0; r < t.nrow; r++)
			outside += strcmp(refcsv_get(&t, r, "outside"), "1") == 0;
		CHECK_INT(outside, expect[k]);
		if (k == 1) {
			CHECK_NEAR(refcsv_num(&t, 0, "lcl"), 0.940129644178, 1e-9);
			CHECK_NEAR(refcsv_num(&t, 0, "ucl"), 0.965669778511, 1e-9);
		}
		refcsv_free(&t);
	}
}

/*
 * cusum and logit through the command line. CUSUM: the sequence of the unit test (risk 0.2,
 * deaths at 1, 2, 4, 5, 9; h = 1.5) signals first at case 5 and ends at ln 2 - ln 1.2 =
 * 0.510826; the rows are given out of order and sorted by --order. Logit: R's glm on the
 * data of tests/unit/stats/logit_test.c (intercept -2.942231068717, sex 2 -0.326026313424).
 */
static void cusum_and_logit_through_the_command_line(void)
{
	const char *in = tmp("cusum.csv"), *out = tmp("cusum_out.csv");
	const char *c[] = { "stats", "cusum", "--in", in, "--out", out, "--by", "unit", "--order",
			    "seq", "--risk", "p", "--outcome", "died", "--h", "1.5", NULL };
	const char *lg[] = { "stats", "logit", "--in", in, "--out", out, "--outcome", "d", "--den",
			     "n", "--factors", "age,sex", NULL };
	static const int died[9] = { 1, 1, 0, 1, 1, 0, 0, 0, 1 };
	char text[1024];
	size_t w = 0;
	struct refcsv t;

	w += (size_t)snprintf(text, sizeof text, "unit,seq,p,died\n");
	for (int i = 8; i >= 0; i--)
		w += (size_t)snprintf(text + w, sizeof text - w, "A,%d,0.2,%d\n", i + 1, died[i]);
	write_file(in, text);
	CHECK_INT(run(c), 0);
	if (refcsv_load(&t, out) == 0) {
		CHECK_STR(refcsv_get(&t, 0, "n"), "9");
		CHECK_STR(refcsv_get(&t, 0, "alarms"), "1");
		CHECK_STR(refcsv_get(&t, 0, "first_alarm"), "5");
		CHECK_NEAR(refcsv_num(&t, 0, "s_end"), log(2) - log(1.2), 1e-12);
		refcsv_free(&t);
	}
	write_file(in, "age,sex,n,d\n0,1,120,6\n0,2,95,3\n1,1,80,9\n1,2,110,8\n2,1,60,14\n"
		       "2,2,40,7\n0,1,30,2\n1,2,25,3\n2,2,15,4\n");
	CHECK_INT(run(lg), 0);
	if (refcsv_load(&t, out) == 0) {
		CHECK_INT(t.nrow, 4);
		CHECK_NEAR(refcsv_num(&t, 0, "estimate"), -2.942231068717, 1e-9);
		CHECK_NEAR(refcsv_num(&t, 3, "estimate"), -0.326026313424, 1e-9);
		CHECK_STR(refcsv_get(&t, 0, "term"), "(intercept)");
		CHECK_STR(refcsv_get(&t, 2, "term"), "age=2");
		CHECK_STR(refcsv_get(&t, 3, "term"), "sex=2");
		CHECK_STR(refcsv_get(&t, 0, "status"), "converged");
		refcsv_free(&t);
	}
}

/*
 * funnel through the command line: the exact Poisson limits FunnelPlotR's tests publish for
 * E = 15, 20, 30 (ll95 0.5596924, 0.6108260, 0.6746958; ul95 1.649348, 1.544419, 1.427562),
 * and 40 observed of 20 expected (ratio 2) above the 99.8% limit qgamma(0.999; 21) / 20 =
 * 1.902094 (R), so class 2.
 */
static void funnel_through_the_command_line(void)
{
	const char *in = tmp("funnel.csv"), *out = tmp("funnel_out.csv");
	const char *f[] = { "stats", "funnel", "--in", in, "--out", out, "--num", "o", "--den", "e",
			    NULL };
	static const double ll[3] = { 0.5596924, 0.6108260, 0.6746958 };
	static const double ul[3] = { 1.649348, 1.544419, 1.427562 };
	struct refcsv t;

	write_file(in, "unit,o,e\nA,15,15\nB,40,20\nC,25,30\n");
	CHECK_INT(run(f), 0);
	if (refcsv_load(&t, out))
		return;
	CHECK_INT(t.nrow, 3);
	for (size_t r = 0; r < 3 && r < t.nrow; r++) {
		CHECK(fabs(refcsv_num(&t, r, "lower95") - ll[r]) < 5e-8);
		CHECK(fabs(refcsv_num(&t, r, "upper95") - ul[r]) < 5e-7);
	}
	CHECK_NEAR(refcsv_num(&t, 1, "upper998"), 1.902094, 1e-6);
	CHECK_STR(refcsv_get(&t, 1, "class"), "2");
	CHECK_STR(refcsv_get(&t, 0, "class"), "0");
	refcsv_free(&t);
}

/*
 * dsr and isr through the command line on the big area of the published test data: DSR per
 * 10,000 1043.02479914694 (95% 971.770906798568 to 1117.89409154792, test_DSR_results.csv);
 * ISR x 100 on its own reference 107.072329390203 (test_ISR_results.csv).
 */
static void standardisation_through_the_command_line(void)
{
	const char *in = tmp("std.csv"), *out = tmp("std_out.csv");
	const char *d[] = { "stats", "dsr", "--in", in, "--out", out, "--by", "area", "--num",
			    "count", "--den", "pop", "--weight", "esp2013", "--multiplier", "10000",
			    NULL };
	const char *i[] = { "stats", "isr", "--in", in, "--out", out, "--by", "area", "--num",
			    "count", "--den", "pop", "--ref-num", "refcount", "--ref-den", "refpop",
			    "--scale", "ratio100", NULL };
	struct refcsv src, own, t;
	FILE *f;

	if (!load_ok(&src, "reference/pheindicatormethods/test_multiarea_esp.csv") ||
	    !load_ok(&own, "reference/pheindicatormethods/test_ISR_ownref.csv"))
		return;
	if ((f = fopen(in, "w"))) {
		fputs("area,count,pop,esp2013,refcount,refpop\n", f);
		for (size_t r = 0, k = 0; r < src.nrow; r++)
			if (!strcmp(refcsv_get(&src, r, "area"), "testdata_big"))
				fprintf(f, "big,%s,%s,%s,%s,%s\n", refcsv_get(&src, r, "count"),
					refcsv_get(&src, r, "pop"), refcsv_get(&src, r, "esp2013"),
					refcsv_get(&own, k, "refcount"), refcsv_get(&own, k, "refpop")),
					k++;
		fclose(f);
	}
	CHECK_INT(run(d), 0);
	if (refcsv_load(&t, out) == 0) {
		CHECK_NEAR(refcsv_num(&t, 0, "value"), 1043.02479914694, 1e-9);
		CHECK_NEAR(refcsv_num(&t, 0, "lower"), 971.770906798568, 1e-9);
		CHECK_NEAR(refcsv_num(&t, 0, "upper"), 1117.89409154792, 1e-9);
		refcsv_free(&t);
	}
	CHECK_INT(run(i), 0);
	if (refcsv_load(&t, out) == 0) {
		CHECK_NEAR(refcsv_num(&t, 0, "value"), 107.072329390203, 1e-9);
		refcsv_free(&t);
	}
	refcsv_free(&src);
	refcsv_free(&own);
}

/* |a - b| <= 1e-9 |b|: truly relative (test_near is absolute below 1). */
#define CHECK_REL(a, b) \
	do { double a_ = (a), b_ = (b); \
	     if (!(fabs(a_ - b_) <= 1e-9 * fabs(b_))) \
		test_fail(__FILE__, __LINE__, "%s == %.15g, expected %.15g (rel tol 1e-9)", #a, \
			  a_, b_); \
	} while (0)

/*
 * Non-independent events through the command line: test_DSR_nonind.csv (persons by events each,
 * frequencies 1-3, 1-4 for the big area; NA persons written as 0, the package's na.zero) gives
 * test_DSR_results.csv rows 9-11 per 100,000 at 95% and 99.8% (printed to 8 decimals, met to
 * 1e-9 relative), with the events total; the tiny area's 9 events are refused where the table
 * prints NA.
 */
static void dsr_non_independent_events_match_published_rows(void)
{
	const char *in = tmp("nonind.csv"), *out = tmp("nonind_out.csv");
	static const char *const lv[2] = { "95", "99.8" };
	static const char *const lo[2] = { "lower95_0cl", "lower99_8cl" };
	static const char *const up[2] = { "upper95_0cl", "upper99_8cl" };
	struct refcsv src, res, t;
	int checked = 0;
	FILE *f;

	if (!load_ok(&src, "reference/pheindicatormethods/test_DSR_nonind.csv") ||
	    !load_ok(&res, "reference/pheindicatormethods/test_DSR_results.csv"))
		return;
	for (int tiny = 0; tiny < 2; tiny++) {
		if (!(f = fopen(in, "w")))
			break;
		fputs("area,ageband,pop,freq,persons,esp2013\n", f);
		for (size_t r = 0; r < src.nrow; r++) {
			const char *area = refcsv_get(&src, r, "area");
			const char *p = refcsv_get(&src, r, "persons");

			if ((strcmp(area, "testdata_nonind_tiny") == 0) != tiny)
				continue;
			fprintf(f, "%s,%s,%s,%s,%s,%s\n", area, refcsv_get(&src, r, "ageband"),
				refcsv_get(&src, r, "pop"), refcsv_get(&src, r, "freq"),
				strcmp(p, "NA") == 0 ? "0" : p, refcsv_get(&src, r, "esp2013"));
		}
		fclose(f);
		for (int k = 0; k < 2; k++) {
			const char *argv[] = { "stats", "dsr", "--in", in, "--out", out, "--by", "area",
					       "--num", "persons", "--den", "pop", "--weight", "esp2013",
					       "--events-per-person", "freq", "--stratum", "ageband",
					       "--level", lv[k], NULL };

			if (tiny) {
				fails_with(argv, out, "nonind.csv:2: group area=testdata_nonind_tiny, "
					   "starting at line 2: a DSR needs");
				continue;
			}
			CHECK_INT(run(argv), 0);
			if (refcsv_load(&t, out))
				continue;
			CHECK_INT(t.nrow, 3);
			for (size_t r = 0; r < t.nrow; r++)
				for (size_t q = 0; q < res.nrow; q++) {
					const char *area = refcsv_get(&t, r, "area");

					if (strcmp(area, refcsv_get(&res, q, "area")) != 0)
						continue;
					CHECK_NEAR(refcsv_num(&t, r, "events"),
						   refcsv_num(&res, q, "total_count"), 0);
					CHECK_REL(refcsv_num(&t, r, "value"), refcsv_num(&res, q, "value"));
					CHECK_REL(refcsv_num(&t, r, "lower"), refcsv_num(&res, q, lo[k]));
					CHECK_REL(refcsv_num(&t, r, "upper"), refcsv_num(&res, q, up[k]));
					checked++;
				}
			refcsv_free(&t);
		}
	}
	CHECK_INT(checked, 6);
	refcsv_free(&src);
	refcsv_free(&res);
}

/* Runs ARGV expecting failure; the message must contain NEEDLE; OUT must be unchanged. */
static void fails_with(const char *const *argv, const char *out, const char *needle)
{
	char before[64] = "", after[64] = "";
	FILE *f;

	write_file(out, "previous result\n");
	CHECK_INT(run(argv), 1);
	CHECK_CONTAINS(errbuf, needle);
	if ((f = fopen(out, "r"))) {
		if (!fgets(after, sizeof after, f))
			after[0] = '\0';
		fclose(f);
	}
	snprintf(before, sizeof before, "previous result\n");
	CHECK_STR(after, before);
}

static void bad_input_is_located_and_loses_nothing(void)
{
	const char *in = tmp("bad.csv"), *out = tmp("keep.csv");
	const char *xmr[] = { "stats", "xmr", "--in", in, "--out", out, "--by", "org", "--order",
			      "month", NULL };

	write_file(in, "org,month,value\nA,1,5\nA,2,x7\nA,3,6\n");
	fails_with(xmr, out, "bad.csv:3: column \"value\": bad number \"x7\": expected a decimal "
		   "number");
	write_file(in, "org,month,value\nA,1,5\nA,2,6\nA,2,7\n");
	fails_with(xmr, out, "bad.csv:4: column \"month\": \"2\" appears twice in one series "
		   "(lines 3 and 4)");
	write_file(in, "org,month,value\nA,1,5\nA,2,6\nB,1,7\n");
	fails_with(xmr, out, "series org=B, starting at line 4: an XmR chart needs at least 2 points");
	write_file(in, "org,month,value\nA,1,5\nA,2,6,9\n");
	fails_with(xmr, out, "bad.csv:3: 4 fields, expected 3 as in the header");
	write_file(in, "org,month,value\nA,1,5\n\"A,2,6\n");
	fails_with(xmr, out, "bad.csv:3: a quoted field is not closed");
	write_file(in, "");
	fails_with(xmr, out, "the file is empty");
	write_file(in, "org,month,value\nA,1,1e999\nA,2,3\n");
	fails_with(xmr, out, "bad number \"1e999\"");
	write_file(in, "org,month,value\nA,1,nan\nA,2,3\n");
	fails_with(xmr, out, "bad number \"nan\"");
	write_file(in, "org,month,amount\nA,1,5\nA,2,6\n");
	fails_with(xmr, out, "bad.csv:1: no column \"value\": the header has org, month, amount "
		   "(named by --value)");
	write_file(in, "org,month,value\nA,1,5\nA,2,6\n");

	const char *bad_by[] = { "stats", "xmr", "--in", in, "--out", out, "--by", "nope", NULL };
	fails_with(bad_by, out, "no column \"nope\"");
	const char *bad_trend[] = { "stats", "xmr", "--in", in, "--out", out, "--trend", "1", NULL };
	fails_with(bad_trend, out, "--trend: bad number \"1\": expected a whole number from 2");
	const char *bad_pol[] = { "stats", "xmr", "--in", in, "--out", out, "--polarity", "up", NULL };
	fails_with(bad_pol, out, "--polarity \"up\": expected higher, lower or none");
	const char *bad_opt[] = { "stats", "xmr", "--in", in, "--out", out, "--num", "x", NULL };
	fails_with(bad_opt, out, "--num does not apply");
	const char *bad_method[] = { "stats", "sideways", "--in", in, "--out", out, NULL };
	fails_with(bad_method, out, "unknown method \"sideways\"");
	const char *no_in[] = { "stats", "xmr", "--in", tmp("absent.csv"), "--out", out, NULL };
	fails_with(no_in, out, "absent.csv: cannot open the file");
	const char *bad_level[] = { "stats", "wilson", "--in", in, "--out", out, "--level", "100",
				    NULL };
	fails_with(bad_level, out, "--level \"100\": expected a level");

	/* A proportion above 1 and a rate on a negative count are located at their line. */
	write_file(in, "x,n\n1,10\n11,10\n");
	const char *w[] = { "stats", "wilson", "--in", in, "--out", out, "--num", "x", "--den", "n",
			    NULL };
	fails_with(w, out, "bad.csv:3: a proportion needs 0 <= numerator <= denominator");
	write_file(in, "x,n\n-1,10\n");
	const char *r[] = { "stats", "rate", "--in", in, "--out", out, "--num", "x", "--den", "n",
			    NULL };
	fails_with(r, out, "bad.csv:2: a rate needs a whole count");
	write_file(in, "week,x,n\n1,5,10\n2,12,10\n");
	const char *p[] = { "stats", "p", "--in", in, "--out", out, "--order", "week", "--num", "x",
			    "--den", "n", NULL };
	fails_with(p, out, "bad.csv:2: series starting at line 2: a proportion chart needs");
	const char *sg[] = { "stats", "c", "--in", in, "--out", out, "--value", "x", "--sigmas",
			     "0", NULL };
	fails_with(sg, out, "--sigmas: bad number \"0\"");

	write_file(in, "unit,seq,p,died\nA,1,0.2,1\nA,2,1.5,0\n");
	const char *cu[] = { "stats", "cusum", "--in", in, "--out", out, "--order", "seq", "--risk",
			     "p", "--outcome", "died", NULL };
	fails_with(cu, out, "bad.csv:3: column \"p\": risk \"1.5\": expected a probability");
	write_file(in, "unit,seq,p,died\nA,1,0.2,yes\n");
	fails_with(cu, out, "bad.csv:2: column \"died\": \"yes\": expected 1");
	const char *odds[] = { "stats", "cusum", "--in", in, "--out", out, "--odds", "1", NULL };
	fails_with(odds, out, "--odds 1: expected an odds ratio other than 1");
	write_file(in, "age,n,d\n0,10,3\n1,10,12\n");
	const char *lg[] = { "stats", "logit", "--in", in, "--out", out, "--outcome", "d", "--den",
			     "n", "--factors", "age", NULL };
	fails_with(lg, out, "bad.csv:2: group starting at line 2: events must be 0 or more");
	write_file(in, "age,n,d\n0.5,10,3\n");
	fails_with(lg, out, "bad.csv:2: column \"age\": \"0.5\": expected a level code");

	write_file(in, "unit,o,e\nA,15,0\n");
	const char *fu[] = { "stats", "funnel", "--in", in, "--out", out, "--num", "o", "--den", "e",
			     NULL };
	fails_with(fu, out, "bad.csv:2: funnel starting at line 2: a ratio funnel needs");
	const char *fm[] = { "stats", "funnel", "--in", in, "--out", out, "--measure", "share", NULL };
	fails_with(fm, out, "--measure \"share\": expected ratio or proportion");

	write_file(in, "area,count,pop,standard\nA,5,100,10\nA,3,100,10\n");
	const char *ds[] = { "stats", "dsr", "--in", in, "--out", out, "--by", "area", "--num",
			     "count", "--den", "pop", NULL };
	fails_with(ds, out, "bad.csv:2: group area=A, starting at line 2: a DSR needs");

	/* No temporary file is left behind by any failure. */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp-", dir);
	CHECK(system(cmd) != 0);
}

/*
 * Bad non-independent input, located: test_DSR_nonind_err1.csv (the big area's first row, age
 * 00-04 with one event each, says a population of 1 where the same stratum's other rows say
 * 636) and _err2.csv (a standard weight of 1 where they say 5000) are refused at the first
 * disagreeing row, naming the stratum's first line; a frequency of 1.5, a missing --stratum
 * and an unknown column are refused too.
 */
static void dsr_non_independent_bad_input_is_located(void)
{
	static const char *const files[2] = { "test_DSR_nonind_err1.csv", "test_DSR_nonind_err2.csv" };
	static const char *const col[2] = { "pop", "esp2013" };
	static const char *const value[2] = { "636", "5000" };
	const char *in = tmp("nonind_bad.csv"), *out = tmp("nonind_keep.csv");
	const char *argv[] = { "stats", "dsr", "--in", in, "--out", out, "--by", "area", "--num",
			       "persons", "--den", "pop", "--weight", "esp2013", "--events-per-person",
			       "freq", "--stratum", "ageband", NULL };
	char rel[128], needle[256];

	for (int e = 0; e < 2; e++) {
		struct refcsv src;
		long line = 1, first = 0, second = 0;
		FILE *f;

		snprintf(rel, sizeof rel, "reference/pheindicatormethods/%s", files[e]);
		if (!load_ok(&src, rel))
			continue;
		if (!(f = fopen(in, "w"))) {
			refcsv_free(&src);
			continue;
		}
		fputs("area,ageband,pop,freq,persons,esp2013\n", f);
		for (size_t r = 0; r < src.nrow; r++) {
			const char *p = refcsv_get(&src, r, "persons");
			int big00 = !strcmp(refcsv_get(&src, r, "area"), "testdata_nonind_big") &&
				    !strcmp(refcsv_get(&src, r, "ageband"), "00-04");

			fprintf(f, "%s,%s,%s,%s,%s,%s\n", refcsv_get(&src, r, "area"),
				refcsv_get(&src, r, "ageband"), refcsv_get(&src, r, "pop"),
				refcsv_get(&src, r, "freq"), strcmp(p, "NA") == 0 ? "0" : p,
				refcsv_get(&src, r, "esp2013"));
			line++;
			if (big00 && !first)
				first = line;
			else if (big00 && !second)
				second = line;
		}
		fclose(f);
		refcsv_free(&src);
		snprintf(needle, sizeof needle, "nonind_bad.csv:%ld: column \"%s\": \"%s\" differs "
			 "from \"1\" on line %ld, the same stratum \"00-04\"", second, col[e],
			 value[e], first);
		fails_with(argv, out, needle);
	}
	write_file(in, "area,ageband,pop,freq,persons,esp2013\nA,0,100,1,5,10\nA,0,100,1.5,6,10\n");
	fails_with(argv, out, "nonind_bad.csv:3: column \"freq\": \"1.5\": expected a whole number "
		   "of events per person, 1 or more");
	write_file(in, "area,ageband,pop,freq,persons,esp2013\nA,0,100,1,5,10\nA,0,100,0,6,10\n");
	fails_with(argv, out, "nonind_bad.csv:3: column \"freq\": \"0\": expected a whole number");
	const char *no_stratum[] = { "stats", "dsr", "--in", in, "--out", out, "--num", "persons",
				     "--den", "pop", "--weight", "esp2013", "--events-per-person",
				     "freq", NULL };
	fails_with(no_stratum, out, "--events-per-person and --stratum go together");
	const char *bad_col[] = { "stats", "dsr", "--in", in, "--out", out, "--num", "persons",
				  "--den", "pop", "--weight", "esp2013", "--events-per-person", "fq",
				  "--stratum", "ageband", NULL };
	fails_with(bad_col, out, "no column \"fq\": the header has area, ageband, pop, freq, "
		   "persons, esp2013 (named by --events-per-person)");
	const char *isr[] = { "stats", "isr", "--in", in, "--out", out, "--stratum", "ageband", NULL };
	fails_with(isr, out, "--stratum does not apply");
}

/* The result file gets the usual permissions (not the private ones of a temporary file). */
static void output_has_usual_permissions(void)
{
	const char *in = tmp("perm.csv"), *out = tmp("perm_out.csv");
	const char *argv[] = { "stats", "mean", "--in", in, "--out", out, NULL };
	struct stat sb;
	mode_t old = umask(022);

	write_file(in, "value\n1\n2\n3\n");
	unlink(out);
	CHECK_INT(run(argv), 0);
	CHECK_INT(stat(out, &sb), 0);
	CHECK_INT(sb.st_mode & 0777, 0644);
	umask(old);
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(dir))
		return 2;
	RUN(xmr_agrees_with_the_r_peer);
	RUN(xmr_sorts_and_reports_verdicts);
	RUN(xmr_sorted_and_unsorted_input_agree);
	RUN(xmr_key_column_turning_to_text);
	RUN(xmr_cells_that_need_quoting);
	RUN(xmr_streamed_and_sorted_runs_agree);
	RUN(output_replaces_the_old_file_whole);
	RUN(late_fallback_rewrites_from_the_start);
	RUN(xmr_errors_are_reported_in_the_same_order);
	RUN(xmr_writes_shortest_numbers);
	RUN(intervals_match_reference_rows);
	RUN(attribute_charts_through_the_command_line);
	RUN(cusum_and_logit_through_the_command_line);
	RUN(funnel_through_the_command_line);
	RUN(standardisation_through_the_command_line);
	RUN(dsr_non_independent_events_match_published_rows);
	RUN(dsr_non_independent_bad_input_is_located);
	RUN(bad_input_is_located_and_loses_nothing);
	RUN(output_has_usual_permissions);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? test_done() : 2;
}
