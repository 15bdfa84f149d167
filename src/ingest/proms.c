/*
 * PROMs adjusted health gain and its funnel; see proms.h for the method and docs/formats.md
 * for the columns read.
 *
 * Both files are read in order (ingest_csv_read): they are small (10 MB, 45,000 rows), and the
 * national standard deviation is accumulated as the rows go by (Welford's update, which does
 * not lose precision to cancellation as sum x^2 - n mean^2 would).
 */
#include "ingest/proms.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/map.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "ingest/csv.h"
#include "model/catalogue.h"
#include "stats/funnel_mean.h"
#include "stats/stats.h"

static const char *const measure_name[PROMS_MEASURE__MAX] = { "eq5d", "oxford" };
static const char *const procedure_name[PROMS_PROCEDURE__MAX] = { "hip", "knee" };
static const char *const kind_name[PROMS_KIND__MAX] = { "primary", "revision" };
/* The publisher's words for the procedure, as in the Provider file's Procedure column. */
static const char *const procedure_word[PROMS_PROCEDURE__MAX] = { "Hip Replacement",
								  "Knee Replacement" };
static const char *const procedure_label[PROMS_PROCEDURE__MAX][PROMS_KIND__MAX] = {
	{ "Hip Replacement Primary", "Hip Replacement Revision" },
	{ "Knee Replacement Primary", "Knee Replacement Revision" },
};
static const char *const measure_label[PROMS_PROCEDURE__MAX][PROMS_MEASURE__MAX] = {
	{ "EQ-5D Index", "Oxford Hip Score" },
	{ "EQ-5D Index", "Oxford Knee Score" },
};
static const char *const indicator[PROMS_PROCEDURE__MAX][PROMS_MEASURE__MAX] = {
	{ "HIP_EQ5D_GAIN", "HIP_OXFORD_GAIN" },
	{ "KNEE_EQ5D_GAIN", "KNEE_OXFORD_GAIN" },
};
/* Indexed by verdict + 2. */
static const char *const verdict_name[] = { "low_99.8", "low_95", "within", "high_95",
					    "high_99.8", "insufficient", "no_procedures",
					    "absent" };
/* The Time Series file's outlier labels, indexed likewise. */
static const char *const verdict_label[] = {
	"Negative outlier (99.8%)", "Negative outlier (95%)", "Not an outlier",
	"Positive outlier (95%)", "Positive outlier (99.8%)", "Insufficient records",
	"No procedures",
};
#define NLABELS (sizeof verdict_label / sizeof *verdict_label)

/* The EQ-5D (3L) index under the UK time trade-off value set runs from -0.594 to 1. */
#define EQ5D_MIN -0.594
#define OXFORD_MAX 48

const char *proms_measure_name(enum proms_measure m)
{
	return (unsigned)m < PROMS_MEASURE__MAX ? measure_name[m] : "?";
}

const char *proms_procedure_name(enum proms_procedure p)
{
	return (unsigned)p < PROMS_PROCEDURE__MAX ? procedure_name[p] : "?";
}

const char *proms_kind_name(enum proms_kind k)
{
	return (unsigned)k < PROMS_KIND__MAX ? kind_name[k] : "?";
}

const char *proms_verdict_name(int v)
{
	return v >= PROMS_LOW_998 && v <= PROMS_ABSENT ? verdict_name[v + 2] : "?";
}

const char *proms_procedure_label(const struct proms_result *r)
{
	return procedure_label[r->procedure][r->kind];
}

const char *proms_measure_label(const struct proms_result *r)
{
	return measure_label[r->procedure][r->measure];
}

const char *proms_indicator(const struct proms_result *r)
{
	return r->kind == PROMS_PRIMARY ? indicator[r->procedure][r->measure] : NULL;
}

static int is_class(int v)
{
	return v >= PROMS_LOW_998 && v <= PROMS_HIGH_998;
}

/* ---- located errors ---------------------------------------------------------------------- */

/* Where errors go while one file is read. */
struct errsink {
	const char *source;
	struct cu_err *errs;
	size_t n, max;
};

static void add_err(struct errsink *s, long line, const char *col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_err(struct errsink *s, long line, const char *col, const char *fmt, ...)
{
	struct cu_err *e;
	va_list ap;

	if (s->n >= s->max)
		return;
	e = &s->errs[s->n++];
	cu_err_clear(e);
	cu_err_setloc(e, CU_EINVAL, s->source, line, col, "%s", "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

/* The callback's answer after an error: go on collecting until the list is full. */
static int keep_going(const struct errsink *s)
{
	return s->n >= s->max ? CU_EINVAL : 0;
}

/* V quoted for a message (control bytes escaped, long values cut). */
static const char *quoted(struct cu_str v, char *b, size_t n)
{
	return cu_err_quote(v.p, v.n, b, n);
}

static int missing(struct cu_str v)
{
	return v.n == 0 || (v.n == 1 && v.p[0] == '*');
}

/* Structural checks every data record gets; 0 when the record can be read further. */
static int record_ok(struct errsink *s, const struct ingest_record *r, size_t ncols)
{
	if (r->n != ncols) {
		add_err(s, r->line, NULL, "%zu fields: expected %zu, as in the header", r->n, ncols);
		return 0;
	}
	if (r->bad_field >= 0) {
		add_err(s, r->line, NULL, "%s at byte %zu of field %ld: expected UTF-8 text",
			r->bad_nul ? "NUL byte" : "invalid UTF-8", r->bad_offset, r->bad_field + 1);
		return 0;
	}
	return 1;
}

/*
 * Find each wanted column in the header R: COL[k] gets the index of the first name in
 * NAMES[k][0..1] (the second may be "") that the header holds, and NAMES[k][0] becomes the
 * name found, for error messages. A name given twice in the header, or a wanted column
 * absent, is an error. Returns 1 when every column was found.
 */
static int find_columns(struct errsink *s, const struct ingest_record *r, size_t nwant,
			char (*names)[2][96], int *col, const char *expect)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];
	int ok = 1;

	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < i; j++)
			if (cu_str_eq(r->f[i], r->f[j])) {
				add_err(s, r->line, NULL, "column \"%s\" is named twice (fields %zu "
					"and %zu): expected each column once",
					quoted(r->f[i], q, sizeof q), j + 1, i + 1);
				ok = 0;
				break;
			}
	for (size_t k = 0; k < nwant; k++) {
		col[k] = -1;
		for (size_t i = 0; i < r->n && col[k] < 0; i++)
			for (int a = 0; a < 2; a++)
				if (col[k] < 0 && names[k][a][0] &&
				    cu_str_eqz(r->f[i], names[k][a])) {
					col[k] = (int)i;
					if (a)
						memcpy(names[k][0], names[k][1], sizeof names[k][0]);
				}
		if (col[k] < 0) {
			add_err(s, r->line, names[k][0], "missing: expected %s", expect);
			ok = 0;
		}
	}
	return ok;
}

/* ---- the record-level Provider file ------------------------------------------------------ */

enum { C_PROVIDER, C_PROCEDURE, C_REVISION, C_YEAR, C_PRE, C_POST, C_PRED, NCOL };

/* Sums over one provider's modelled records. */
struct acc {
	long long n;
	double pre, post, pred, res;
};

struct reader {
	const struct proms_opts *o;
	struct proms_result *res;
	struct errsink es;
	size_t ncols;
	int col[NCOL];
	char names[NCOL][2][96];
	int header_seen;
	char year[8];        /* "2017/18" from the first data row */
	long year_line;
	struct cu_map map;   /* provider code -> index + 1 into ACC */
	struct acc *acc;
	size_t nacc, cap;
	double s_pre, s_post, s_pred; /* national sums */
	double w_mean, w_m2;          /* Welford's running mean and sum of squares, residuals */
};

/* Which procedure the header's column names are about, or -1 when it cannot tell. */
static int header_procedure(const struct ingest_record *r)
{
	int seen[PROMS_PROCEDURE__MAX] = { 0 };

	for (size_t i = 0; i < r->n; i++)
		for (int p = 0; p < PROMS_PROCEDURE__MAX; p++) {
			size_t k = strlen(procedure_word[p]);

			if (r->f[i].n > k && memcmp(r->f[i].p, procedure_word[p], k) == 0 &&
			    r->f[i].p[k] == ' ')
				seen[p] = 1;
		}
	return seen[PROMS_HIP] == seen[PROMS_KNEE] ? -1 : seen[PROMS_HIP] ? PROMS_HIP : PROMS_KNEE;
}

static void set_name(struct reader *rd, int c, const char *a, const char *b)
{
	snprintf(rd->names[c][0], sizeof rd->names[c][0], "%s", a);
	snprintf(rd->names[c][1], sizeof rd->names[c][1], "%s", b);
}

static int on_header(struct reader *rd, const struct ingest_record *r)
{
	const char *w;
	char pre[96], post[96], pred[96], pred2[96], expect[600];
	int p = header_procedure(r);

	rd->ncols = r->n;
	if (p < 0) {
		add_err(&rd->es, r->line, NULL, "cannot tell the procedure: expected the header of "
			"a PROMs record-level Provider file, with columns named \"Hip Replacement "
			"...\" or \"Knee Replacement ...\" (not both)");
		return CU_EINVAL;
	}
	rd->res->procedure = (enum proms_procedure)p;
	w = procedure_word[p];
	set_name(rd, C_PROVIDER, "Provider Code", "");
	set_name(rd, C_PROCEDURE, "Procedure", "");
	set_name(rd, C_REVISION, "Revision Flag", "");
	set_name(rd, C_YEAR, "Year", "");
	if (rd->o->measure == PROMS_EQ5D) {
		snprintf(pre, sizeof pre, "Pre-Op Q EQ5D Index");
		snprintf(post, sizeof post, "Post-Op Q EQ5D Index");
		/* The knee files of both years spell it "EQ 5D". */
		snprintf(pred, sizeof pred, "%s EQ5D Index Post-Op Q Predicted", w);
		snprintf(pred2, sizeof pred2, "%s EQ 5D Index Post-Op Q Predicted", w);
	} else {
		snprintf(pre, sizeof pre, "%s Pre-Op Q Score", w);
		snprintf(post, sizeof post, "%s Post-Op Q Score", w);
		snprintf(pred, sizeof pred, "%s %s Post-Op Q Predicted", w,
			 p == PROMS_HIP ? "OHS" : "OKS");
		pred2[0] = '\0';
	}
	set_name(rd, C_PRE, pre, "");
	set_name(rd, C_POST, post, "");
	set_name(rd, C_PRED, pred, pred2);
	snprintf(expect, sizeof expect, "the columns Provider Code, Procedure, Revision Flag, "
		 "Year, %s, %s and %s (a PROMs record-level Provider file)", pre, post, pred);
	return find_columns(&rd->es, r, NCOL, rd->names, rd->col, expect)
		       ? 0
		       : CU_EINVAL;
}

/*
 * One score of column C in row R: 1 with *V set, 0 when missing (`*` or blank), -1 after an
 * error. PREDICTED scores are decimals; observed Oxford scores are whole numbers.
 */
static int score(struct reader *rd, const struct ingest_record *r, int c, int predicted,
		 double *v)
{
	struct cu_str s = r->f[rd->col[c]];
	struct cu_err e;
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];
	long long k;

	if (missing(s))
		return 0;
	cu_err_clear(&e);
	if (rd->o->measure == PROMS_EQ5D) {
		if (cu_num_double(s, EQ5D_MIN, 1, v, &e) == 0)
			return 1;
		add_err(&rd->es, r->line, rd->names[c][0], "\"%s\": expected an EQ-5D index from "
			"-0.594 to 1, or * or blank when missing", quoted(s, q, sizeof q));
		return -1;
	}
	if (predicted) {
		if (cu_num_double(s, 0, OXFORD_MAX, v, &e) == 0)
			return 1;
		add_err(&rd->es, r->line, rd->names[c][0], "\"%s\": expected a predicted score "
			"from 0 to 48, or * or blank when missing", quoted(s, q, sizeof q));
		return -1;
	}
	if (cu_num_int(s, 0, OXFORD_MAX, &k, &e) == 0) {
		*v = (double)k;
		return 1;
	}
	add_err(&rd->es, r->line, rd->names[c][0], "\"%s\": expected an Oxford score, a whole "
		"number from 0 to 48, or * or blank when missing", quoted(s, q, sizeof q));
	return -1;
}

/* A year "2017/18": its first calendar year, or -1. */
static int parse_year(struct cu_str s)
{
	int y = 0, next;

	if (s.n != 7 || s.p[4] != '/')
		return -1;
	for (size_t i = 0; i < 7; i++)
		if (i != 4 && (s.p[i] < '0' || s.p[i] > '9'))
			return -1;
	for (size_t i = 0; i < 4; i++)
		y = y * 10 + (s.p[i] - '0');
	next = (s.p[5] - '0') * 10 + (s.p[6] - '0');
	return y >= 1990 && y <= 2098 && next == (y + 1) % 100 ? y : -1;
}

static int on_row(struct reader *rd, const struct ingest_record *r)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];
	struct cu_str code, v;
	struct cu_err e;
	double x[3] = { 0, 0, 0 };
	int got[3], bad = 0, kind;

	rd->res->rows++;
	if (!record_ok(&rd->es, r, rd->ncols))
		return keep_going(&rd->es);
	code = r->f[rd->col[C_PROVIDER]];
	cu_err_clear(&e);
	if (model_org_code_check(code, &e)) {
		add_err(&rd->es, r->line, "Provider Code", "\"%s\": expected a provider code of 3 "
			"to 8 upper-case letters or digits", quoted(code, q, sizeof q));
		bad = 1;
	}
	v = r->f[rd->col[C_PROCEDURE]];
	if (!cu_str_eqz(v, procedure_word[rd->res->procedure])) {
		add_err(&rd->es, r->line, "Procedure", "\"%s\": expected \"%s\", as the file's "
			"column names say", quoted(v, q, sizeof q),
			procedure_word[rd->res->procedure]);
		bad = 1;
	}
	v = r->f[rd->col[C_REVISION]];
	kind = v.n == 1 && (v.p[0] == '0' || v.p[0] == '1') ? v.p[0] - '0' : -1;
	if (kind < 0) {
		add_err(&rd->es, r->line, "Revision Flag", "\"%s\": expected 0 (primary) or 1 "
			"(revision)", quoted(v, q, sizeof q));
		bad = 1;
	}
	v = r->f[rd->col[C_YEAR]];
	if (parse_year(v) < 0) {
		add_err(&rd->es, r->line, "Year", "\"%s\": expected a financial year such as "
			"2017/18", quoted(v, q, sizeof q));
		bad = 1;
	} else if (!rd->year_line) {
		memcpy(rd->year, v.p, 7);
		rd->year[7] = '\0';
		rd->year_line = r->line;
		rd->res->year = parse_year(v);
	} else if (!cu_str_eqz(v, rd->year)) {
		add_err(&rd->es, r->line, "Year", "\"%s\": expected %s, the year of line %ld (one "
			"file holds one year)", quoted(v, q, sizeof q), rd->year, rd->year_line);
		bad = 1;
	}
	for (int k = 0; k < 3; k++)
		if ((got[k] = score(rd, r, C_PRE + k, k == 2, &x[k])) < 0)
			bad = 1;
	if (bad || rd->es.n)
		return keep_going(&rd->es);
	if (kind != (int)rd->o->kind)
		return 0;
	rd->res->kind_rows++;
	rd->res->missing_pre += !got[0];
	rd->res->missing_post += !got[1];
	rd->res->missing_pred += !got[2];
	if (!got[0] || !got[1] || !got[2]) {
		rd->res->left_out++;
		return 0;
	}
	{
		struct cu_map_entry *me = cu_map_put(&rd->map, code, NULL);
		struct acc *a;
		double res = x[1] - x[2], d;
		long long n;

		if (!me) {
			add_err(&rd->es, r->line, "Provider Code", "more than %d providers: expected "
				"at most that many in one file", PROMS_MAX_PROVIDERS);
			return CU_EINVAL;
		}
		if (me->v.i == 0) {
			if (rd->nacc == rd->cap) {
				rd->cap = rd->cap ? rd->cap * 2 : 256;
				rd->acc = xrealloc(rd->acc, rd->cap * sizeof *rd->acc);
			}
			memset(&rd->acc[rd->nacc], 0, sizeof *rd->acc);
			me->v.i = (int64_t)++rd->nacc;
		}
		a = &rd->acc[me->v.i - 1];
		a->n++;
		a->pre += x[0];
		a->post += x[1];
		a->pred += x[2];
		a->res += res;
		rd->s_pre += x[0];
		rd->s_post += x[1];
		rd->s_pred += x[2];
		n = ++rd->res->modelled;
		d = res - rd->w_mean;
		rd->w_mean += d / (double)n;
		rd->w_m2 += d * (res - rd->w_mean);
	}
	return 0;
}

static int on_record(void *arg, const struct ingest_record *r)
{
	struct reader *rd = arg;

	if (!rd->header_seen) {
		rd->header_seen = 1;
		return on_header(rd, r);
	}
	return on_row(rd, r);
}

static int cmp_code(const void *a, const void *b)
{
	return strcmp(((const struct proms_provider *)a)->code,
		      ((const struct proms_provider *)b)->code);
}

/* bsearch: a code against a provider. */
static int cmp_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct proms_provider *)elem)->code);
}

/* One provider's means, adjusted figures, limits and class (see proms.h). */
static int compute_provider(struct proms_result *res, struct proms_provider *p,
			    const struct acc *a)
{
	double n = (double)a->n;
	struct stats_funnel_limits lim[2];
	int rc, cls;

	p->n = a->n;
	p->pre = a->pre / n;
	p->post = a->post / n;
	p->pred = a->pred / n;
	p->adj_post = p->gain = NAN;
	p->lim95.lower = p->lim95.upper = p->lim998.lower = p->lim998.upper = NAN;
	p->verdict = PROMS_INSUFFICIENT;
	if (a->n < PROMS_MIN_RECORDS)
		return 0;
	/* Indirect standardisation of a mean: the provider's mean residual (observed minus
	 * case-mix predicted) added to the national mean predicted score. */
	p->adj_post = res->pred + a->res / n;
	p->gain = p->adj_post - res->pre;
	if ((rc = stats_funnel_mean_limits(res->centre, res->sd, n, 0.95, &lim[0])) ||
	    (rc = stats_funnel_mean_limits(res->centre, res->sd, n, 0.998, &lim[1])) ||
	    (rc = stats_funnel_classify(p->gain, lim, 2, &cls)))
		return rc;
	p->lim95 = lim[0];
	p->lim998 = lim[1];
	p->verdict = cls;
	res->nclassified++;
	return 0;
}

static void init_publisher(struct proms_provider *p)
{
	p->pub_verdict = PROMS_ABSENT;
	p->pub_n = -1;
	p->pub_gain = NAN;
	p->compared = 0;
	p->agree = 1;
	p->reason[0] = '\0';
}

int proms_read(FILE *f, const struct proms_opts *o, struct proms_result *res,
	       struct cu_err *errs, size_t *nerr)
{
	struct reader rd = { .o = o, .res = res };
	struct ingest_csv_opts co = { .source = o->source, .no_hash = 1 };
	struct cu_err rerr;
	int rc;

	memset(res, 0, sizeof *res);
	res->measure = o->measure;
	res->kind = o->kind;
	res->pub_centre = NAN;
	*nerr = 0;
	rd.es = (struct errsink){ o->source, errs, 0,
				  o->max_errors ? o->max_errors : CU_MAX_ERRORS };
	if ((unsigned)o->measure >= PROMS_MEASURE__MAX || (unsigned)o->kind >= PROMS_KIND__MAX) {
		add_err(&rd.es, 0, NULL, "unknown measure or procedure kind");
		*nerr = rd.es.n;
		return CU_EINVAL;
	}
	cu_map_init(&rd.map, PROMS_MAX_PROVIDERS);
	cu_err_clear(&rerr);
	rc = ingest_csv_read(f, &co, on_record, &rd, NULL, &rerr);
	/* The reader's own error (a limit, an open quote) comes after the rows before it. */
	if (rc && rerr.code && rd.es.n < rd.es.max)
		errs[rd.es.n++] = rerr;
	if (!rc && rd.es.n)
		rc = CU_EINVAL;
	if (!rc && !rd.header_seen)
		add_err(&rd.es, 1, NULL, "empty file: expected a header and at least one record");
	else if (!rc && res->rows == 0)
		add_err(&rd.es, 1, NULL, "no records: expected at least one row after the header");
	else if (!rc && res->modelled < 2)
		add_err(&rd.es, 0, NULL, "%lld modelled records of %s %s for %s (rows with the "
			"pre-op, post-op and predicted scores all given): expected at least 2",
			res->modelled, proms_procedure_name(res->procedure),
			kind_name[o->kind], measure_label[res->procedure][o->measure]);
	if (!rc && rd.es.n)
		rc = CU_EINVAL;
	if (rc && !rd.es.n)
		add_err(&rd.es, 0, NULL, "could not read the file");
	if (!rc) {
		double n = (double)res->modelled;

		res->pre = rd.s_pre / n;
		res->post = rd.s_post / n;
		res->pred = rd.s_pred / n;
		res->centre = res->post - res->pre;
		res->sd = sqrt(rd.w_m2 / (n - 1));
		res->nprov = rd.nacc;
		res->prov = xcalloc(rd.nacc ? rd.nacc : 1, sizeof *res->prov);
		for (size_t s = 0; s < rd.map.cap; s++) {
			struct cu_map_entry *e = &rd.map.slots[s];

			if (e->key)
				snprintf(res->prov[e->v.i - 1].code, sizeof res->prov[0].code, "%s",
					 e->key);
		}
		for (size_t i = 0; i < rd.nacc && !rc; i++) {
			init_publisher(&res->prov[i]);
			rc = compute_provider(res, &res->prov[i], &rd.acc[i]);
		}
		if (rc) {
			add_err(&rd.es, 0, NULL, "the funnel limits could not be computed (%s): "
				"expected a standard deviation above 0", stats_strerror(rc));
			rc = CU_ESTATS;
		} else {
			qsort(res->prov, res->nprov, sizeof *res->prov, cmp_code);
		}
	}
	*nerr = rd.es.n;
	free(rd.acc);
	cu_map_release(&rd.map);
	if (rc)
		proms_result_free(res);
	return rc;
}

/* ---- the Time Series file ---------------------------------------------------------------- */

enum { T_CODE, T_PROCEDURE, T_MEASURE, T_RECORDS, T_GAIN, T_OUTLIER, NTCOL };

/* One publisher row of the chosen procedure and measure. */
struct pubrow {
	char code[CU_MAX_CODE + 1];
	int verdict;
	long long n;
	double gain;
};

struct tsreader {
	struct proms_result *res;
	struct errsink es;
	size_t ncols;
	int col[NTCOL];
	char names[NTCOL][2][96];
	int header_seen;
	long long matched;       /* rows of the procedure and measure, England included */
	struct cu_map seen;      /* provider codes already given */
	struct pubrow *rows;
	size_t nrows, cap;
};

static int ts_header(struct tsreader *t, const struct ingest_record *r)
{
	static const char *const fixed[] = { "OrgCode", "Procedure", "Measure" };
	static const char *const yearly[] = { "Modelled_Records", "Adjusted_Health_Gain",
					      "Outlier" };
	char expect[400];
	int y = t->res->year;

	t->ncols = r->n;
	for (int k = 0; k < 3; k++) {
		snprintf(t->names[k][0], sizeof t->names[k][0], "%s", fixed[k]);
		snprintf(t->names[3 + k][0], sizeof t->names[3 + k][0], "%s_%d", yearly[k], y);
		t->names[k][1][0] = t->names[3 + k][1][0] = '\0';
	}
	snprintf(expect, sizeof expect, "the columns OrgCode, Procedure, Measure, "
		 "Modelled_Records_%d, Adjusted_Health_Gain_%d and Outlier_%d (a PROMs Time Series "
		 "file holding the year %d/%02d of the records)", y, y, y, y, (y + 1) % 100);
	return find_columns(&t->es, r, NTCOL, t->names, t->col, expect)
		       ? 0
		       : CU_EINVAL;
}

static int ts_row(struct tsreader *t, const struct ingest_record *r)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];
	struct cu_str code, v;
	struct cu_err e;
	struct pubrow pr = { .verdict = -99, .n = -1, .gain = NAN };
	int england, bad = 0, created = 0;

	if (!record_ok(&t->es, r, t->ncols))
		return keep_going(&t->es);
	if (!cu_str_eqz(r->f[t->col[T_PROCEDURE]], proms_procedure_label(t->res)) ||
	    !cu_str_eqz(r->f[t->col[T_MEASURE]], proms_measure_label(t->res)))
		return 0;
	t->matched++;
	code = r->f[t->col[T_CODE]];
	england = cu_str_eqz(code, "England");
	cu_err_clear(&e);
	if (!england && model_org_code_check(code, &e)) {
		add_err(&t->es, r->line, "OrgCode", "\"%s\": expected a provider code of 3 to 8 "
			"upper-case letters or digits, or England", quoted(code, q, sizeof q));
		bad = 1;
	} else if (!cu_map_put(&t->seen, code, &created)) {
		add_err(&t->es, r->line, "OrgCode", "more than %d providers: expected at most "
			"that many", PROMS_MAX_PROVIDERS);
		return CU_EINVAL;
	} else if (!created) {
		add_err(&t->es, r->line, "OrgCode", "\"%s\" is given twice for %s, %s: expected "
			"one row per provider, procedure and measure", quoted(code, q, sizeof q),
			proms_procedure_label(t->res), proms_measure_label(t->res));
		bad = 1;
	}
	v = r->f[t->col[T_RECORDS]];
	if (!(v.n == 1 && (v.p[0] == '*' || v.p[0] == '-'))) {
		cu_err_clear(&e);
		if (cu_num_int(v, 0, CU_MAX_ROWS, &pr.n, &e)) {
			add_err(&t->es, r->line, t->names[T_RECORDS][0], "\"%s\": expected a whole "
				"number of records, or * when suppressed", quoted(v, q, sizeof q));
			bad = 1;
		}
	}
	v = r->f[t->col[T_GAIN]];
	if (!(v.n == 1 && (v.p[0] == '*' || v.p[0] == '-'))) {
		cu_err_clear(&e);
		if (cu_num_double(v, -OXFORD_MAX, OXFORD_MAX, &pr.gain, &e)) {
			add_err(&t->es, r->line, t->names[T_GAIN][0], "\"%s\": expected a health gain "
				"from -48 to 48, or - when there is none", quoted(v, q, sizeof q));
			bad = 1;
		}
	}
	v = r->f[t->col[T_OUTLIER]];
	for (size_t k = 0; k < NLABELS; k++)
		if (cu_str_eqz(v, verdict_label[k]))
			pr.verdict = (int)k - 2;
	if (pr.verdict == -99) {
		add_err(&t->es, r->line, t->names[T_OUTLIER][0], "\"%s\": expected one of \"Not an "
			"outlier\", \"Positive outlier (95%%)\", \"Negative outlier (95%%)\", "
			"\"Positive outlier (99.8%%)\", \"Negative outlier (99.8%%)\", "
			"\"Insufficient records\", \"No procedures\"", quoted(v, q, sizeof q));
		bad = 1;
	}
	if (bad || t->es.n)
		return keep_going(&t->es);
	if (england) {
		t->res->pub_centre = pr.gain;
		return 0;
	}
	snprintf(pr.code, sizeof pr.code, "%.*s", (int)code.n, code.p);
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
	}
	t->rows[t->nrows++] = pr;
	return 0;
}

static int ts_record(void *arg, const struct ingest_record *r)
{
	struct tsreader *t = arg;

	if (!t->header_seen) {
		t->header_seen = 1;
		return ts_header(t, r);
	}
	return ts_row(t, r);
}

/* Distance of a gain from the centre in standard errors at N records. */
static double z_of(const struct proms_result *r, double gain, long long n)
{
	return (gain - r->centre) / (r->sd / sqrt((double)n));
}

/* Why P's verdict and the publisher's differ, in a sentence. */
static void explain(const struct proms_result *r, struct proms_provider *p)
{
	char pn[32] = "none";
	size_t n = sizeof p->reason;

	if (p->pub_n >= 0)
		snprintf(pn, sizeof pn, "%lld", p->pub_n);
	if (is_class(p->verdict) && is_class(p->pub_verdict)) {
		double zo = z_of(r, p->gain, p->n);
		double zp = isnan(p->pub_gain) ? NAN : z_of(r, p->pub_gain, p->n);

		snprintf(p->reason, n, "different side of a limit: z %.3f here, %.3f from the "
			 "publisher's rounded gain %.3f (limits at z 1.960 and 3.090); records "
			 "%lld here, %s published", zo, zp, p->pub_gain, p->n, pn);
	} else if (p->pub_verdict == PROMS_ABSENT) {
		snprintf(p->reason, n, "not in the publisher's time series for this procedure and "
			 "measure");
	} else if (p->pub_verdict == PROMS_NO_PROCEDURES) {
		snprintf(p->reason, n, "the publisher reports no procedures (%lld modelled records "
			 "here)", p->n);
	} else if (p->pub_verdict == PROMS_INSUFFICIENT) {
		snprintf(p->reason, n, "the publisher gives no adjusted result (its records: %s; "
			 "here %lld; the threshold is %d)", pn, p->n, PROMS_MIN_RECORDS);
	} else if (p->verdict == PROMS_ABSENT) {
		snprintf(p->reason, n, "no modelled records here (provider not in the record-level "
			 "file; the publisher has %s)", pn);
	} else {
		snprintf(p->reason, n, "too few modelled records here for an adjusted result (%lld, "
			 "the threshold is %d; the publisher has %s)", p->n, PROMS_MIN_RECORDS, pn);
	}
}

int proms_compare(FILE *f, const char *source, size_t max_errors, struct proms_result *res,
		  struct cu_err *errs, size_t *nerr)
{
	struct tsreader t = { .res = res };
	struct ingest_csv_opts co = { .source = source, .no_hash = 1 };
	struct cu_err rerr;
	size_t added = 0;
	int rc;

	*nerr = 0;
	t.es = (struct errsink){ source, errs, 0, max_errors ? max_errors : CU_MAX_ERRORS };
	cu_map_init(&t.seen, PROMS_MAX_PROVIDERS + 1);
	cu_err_clear(&rerr);
	rc = ingest_csv_read(f, &co, ts_record, &t, NULL, &rerr);
	if (rc && rerr.code && t.es.n < t.es.max)
		errs[t.es.n++] = rerr;
	if (!rc && !t.header_seen)
		add_err(&t.es, 1, NULL, "empty file: expected a PROMs Time Series file");
	else if (!rc && !t.es.n && t.matched == 0)
		add_err(&t.es, 0, NULL, "no rows for \"%s\" and \"%s\": expected the time series "
			"of the records' procedure and measure", proms_procedure_label(res),
			proms_measure_label(res));
	if (!rc && t.es.n)
		rc = CU_EINVAL;
	if (rc && !t.es.n)
		add_err(&t.es, 0, NULL, "could not read the file");
	*nerr = t.es.n;
	if (rc) {
		res->pub_centre = NAN;
		goto out;
	}

	/* Publisher rows onto the providers; a classified provider the records lack is added. */
	for (size_t i = 0; i < t.nrows; i++)
		if (!bsearch(t.rows[i].code, res->prov, res->nprov, sizeof *res->prov, cmp_key) &&
		    is_class(t.rows[i].verdict))
			added++;
	if (added) {
		res->prov = xrealloc(res->prov, (res->nprov + added) * sizeof *res->prov);
		for (size_t i = 0, k = res->nprov; i < t.nrows; i++) {
			struct proms_provider *p;

			if (bsearch(t.rows[i].code, res->prov, res->nprov, sizeof *res->prov,
				    cmp_key) || !is_class(t.rows[i].verdict))
				continue;
			p = &res->prov[k++];
			memset(p, 0, sizeof *p);
			snprintf(p->code, sizeof p->code, "%s", t.rows[i].code);
			p->pre = p->post = p->pred = p->adj_post = p->gain = NAN;
			p->lim95.lower = p->lim95.upper = p->lim998.lower = p->lim998.upper = NAN;
			p->verdict = PROMS_ABSENT;
			init_publisher(p);
		}
		res->nprov += added;
		qsort(res->prov, res->nprov, sizeof *res->prov, cmp_code);
	}
	for (size_t i = 0; i < res->nprov; i++)
		init_publisher(&res->prov[i]);
	for (size_t i = 0; i < t.nrows; i++) {
		struct proms_provider *p = bsearch(t.rows[i].code, res->prov, res->nprov,
						   sizeof *res->prov, cmp_key);

		if (!p)
			continue;
		p->pub_verdict = t.rows[i].verdict;
		p->pub_n = t.rows[i].n;
		p->pub_gain = t.rows[i].gain;
	}
	res->ncompared = res->nagree = 0;
	for (size_t i = 0; i < res->nprov; i++) {
		struct proms_provider *p = &res->prov[i];

		p->compared = is_class(p->verdict) || is_class(p->pub_verdict);
		p->agree = !p->compared || p->verdict == p->pub_verdict;
		res->ncompared += (size_t)p->compared;
		res->nagree += (size_t)(p->compared && p->agree);
		if (!p->agree)
			explain(res, p);
	}
out:
	free(t.rows);
	cu_map_release(&t.seen);
	return rc;
}

void proms_result_free(struct proms_result *r)
{
	free(r->prov);
	r->prov = NULL;
	r->nprov = 0;
	r->nclassified = 0;
}
