/*
 * custodian proms --in PROVIDER.csv --time-series TIMESERIES.csv --measure eq5d|oxford
 *                 --out PROMS.csv [--procedure primary|revision]
 *                 [--observations OBS.csv [--period YYYY-YY]]
 * PROMs case-mix adjusted health gain per provider from NHS Digital's record-level data, its
 * funnel class at 95% and 99.8%, and the publisher's verdict beside it (src/ingest/proms.h).
 * With --observations the adjusted gains are also written in custodian's observation format,
 * ready for `custodian import --profile custodian_year`. Nothing touches the database.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "ingest/proms.h"
#include "ingest/table.h"

#define USAGE                                                                              \
	"usage: custodian proms --in PROVIDER.csv --time-series TIMESERIES.csv "            \
	"--measure eq5d|oxford --out PROMS.csv [--procedure primary|revision] "             \
	"[--observations OBS.csv [--period YYYY-YY]]\n"

static void write_providers(const struct proms_result *r, FILE *f)
{
	struct csv_line l = { 0 };

	csv_line_raw(&l, "provider,n,mean_pre,mean_post,mean_predicted,adjusted_post,"
			 "adjusted_gain,centre,lower95,upper95,lower998,upper998,class,"
			 "publisher_n,publisher_gain,publisher_class,agree,reason");
	csv_line_end(&l, f);
	for (size_t i = 0; i < r->nprov; i++) {
		const struct proms_provider *p = &r->prov[i];

		csv_line_text(&l, p->code);
		csv_line_int(&l, p->n);
		csv_line_num(&l, p->pre);
		csv_line_num(&l, p->post);
		csv_line_num(&l, p->pred);
		csv_line_num(&l, p->adj_post);
		csv_line_num(&l, p->gain);
		csv_line_num(&l, r->centre);
		csv_line_num(&l, p->lim95.lower);
		csv_line_num(&l, p->lim95.upper);
		csv_line_num(&l, p->lim998.lower);
		csv_line_num(&l, p->lim998.upper);
		csv_line_raw(&l, proms_verdict_name(p->verdict));
		if (p->pub_n >= 0)
			csv_line_int(&l, p->pub_n);
		else
			csv_line_raw(&l, "");
		csv_line_num(&l, p->pub_gain);
		csv_line_raw(&l, proms_verdict_name(p->pub_verdict));
		csv_line_raw(&l, p->agree ? "yes" : "no");
		csv_line_text(&l, p->reason);
		csv_line_end(&l, f);
	}
	csv_line_free(&l);
}

/*
 * custodian's observation format (docs/formats.md): one row per provider with an adjusted
 * gain (30 records or more), the gain as a mean's value and the modelled records as its
 * denominator, for the financial year (import with the profile custodian_year).
 */
static void write_observations(const struct proms_result *r, const char *ind, FILE *f)
{
	struct csv_line l = { 0 };
	char period[16];

	snprintf(period, sizeof period, "%04d-%02d", r->year % 10000, (r->year + 1) % 100);
	csv_line_raw(&l, "org_code,indicator,period,numerator,denominator,value");
	csv_line_end(&l, f);
	for (size_t i = 0; i < r->nprov; i++) {
		const struct proms_provider *p = &r->prov[i];

		if (isnan(p->gain))
			continue;
		csv_line_text(&l, p->code);
		csv_line_raw(&l, ind);
		csv_line_raw(&l, period);
		csv_line_raw(&l, "");
		csv_line_int(&l, p->n);
		csv_line_num(&l, p->gain);
		csv_line_end(&l, f);
	}
	csv_line_free(&l);
}

/* "2017-18" as its first year, or -1. */
static int parse_period(const char *s)
{
	int y = 0;

	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -1;
	for (int i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	return (s[5] - '0') * 10 + (s[6] - '0') == (y + 1) % 100 ? y : -1;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Print ERRS[0..N) and the closing line for the file NAME. Returns 1. */
static int report_errors(const struct cu_err *errs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		cli_fail(&errs[i]);
	fprintf(stderr, "custodian: %s: nothing computed (%zu error%s%s)\n", name, n,
		n == 1 ? "" : "s", n >= CU_MAX_ERRORS ? ", the first shown" : "");
	return 1;
}

static void summary(const struct proms_result *r, const char *name)
{
	size_t nrec = 0;

	/* Providers with records (proms_compare adds those only the publisher has). */
	for (size_t i = 0; i < r->nprov; i++)
		nrec += r->prov[i].n > 0;
	fprintf(stderr,
		"custodian: %s: %s replacement %s, %s, %d/%02d: %lld rows, %lld %s, %lld modelled "
		"(%lld left out: pre-op missing %lld, post-op %lld, predicted %lld); %zu providers, "
		"%zu with %d or more records; national adjusted gain %.6g, residual sd %.6g\n",
		name, proms_procedure_name(r->procedure), proms_kind_name(r->kind),
		proms_measure_label(r), r->year, (r->year + 1) % 100, r->rows, r->kind_rows,
		proms_kind_name(r->kind), r->modelled, r->left_out, r->missing_pre,
		r->missing_post, r->missing_pred, nrec, r->nclassified, PROMS_MIN_RECORDS,
		r->centre, r->sd);
	fprintf(stderr, "custodian: agreement with the publisher's verdicts: %zu of %zu providers "
		"(%.1f%%); publisher's national gain %.6g\n", r->nagree, r->ncompared,
		r->ncompared ? 100.0 * (double)r->nagree / (double)r->ncompared : 100.0,
		r->pub_centre);
	for (size_t i = 0; i < r->nprov; i++)
		if (!r->prov[i].agree)
			fprintf(stderr, "custodian: %s: %s here, %s published: %s\n", r->prov[i].code,
				proms_verdict_name(r->prov[i].verdict),
				proms_verdict_name(r->prov[i].pub_verdict), r->prov[i].reason);
}

/* Write both outputs, each through a temporary file renamed into place only when complete. */
static int write_all(const struct proms_result *r, const char *outp, const char *obsp,
		     const char *ind, struct cu_err *err)
{
	struct cli_output out, obs;
	int rc;

	if ((rc = cli_output_open(&out, outp, err)))
		return rc;
	if (obsp && (rc = cli_output_open(&obs, obsp, err))) {
		cli_output_close(&out, 0, err);
		return rc;
	}
	write_providers(r, out.f);
	if (obsp)
		write_observations(r, ind, obs.f);
	rc = cli_output_close(&out, 1, err);
	if (obsp) {
		int rc2 = cli_output_close(&obs, rc == 0, err);

		if (!rc)
			rc = rc2;
	}
	return rc;
}

int cmd_proms(struct cu_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "in", required_argument, NULL, 'i' },
		{ "time-series", required_argument, NULL, 't' },
		{ "measure", required_argument, NULL, 'm' },
		{ "procedure", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "observations", required_argument, NULL, 'b' },
		{ "period", required_argument, NULL, 'y' },
		{ "help", no_argument, NULL, '?' },
		{ NULL, 0, NULL, 0 },
	};
	const char *in = NULL, *ts = NULL, *outp = NULL, *obsp = NULL, *period = NULL, *ind = NULL;
	struct proms_opts o = { .measure = PROMS_MEASURE__MAX, .kind = PROMS_PRIMARY };
	struct proms_result r;
	struct cu_err *errs, err;
	size_t nerr = 0;
	FILE *f;
	int c, rc;

	(void)ctx;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': in = optarg; break;
		case 't': ts = optarg; break;
		case 'o': outp = optarg; break;
		case 'b': obsp = optarg; break;
		case 'y': period = optarg; break;
		case 'm':
			if (strcmp(optarg, "eq5d") && strcmp(optarg, "oxford")) {
				fprintf(stderr, "custodian proms: --measure %.20s: expected eq5d or "
					"oxford\n", optarg);
				return 1;
			}
			o.measure = optarg[0] == 'e' ? PROMS_EQ5D : PROMS_OXFORD;
			break;
		case 'p':
			if (strcmp(optarg, "primary") && strcmp(optarg, "revision")) {
				fprintf(stderr, "custodian proms: --procedure %.20s: expected primary or "
					"revision\n", optarg);
				return 1;
			}
			o.kind = optarg[0] == 'p' ? PROMS_PRIMARY : PROMS_REVISION;
			break;
		default:
			fprintf(stderr, USAGE);
			return c != '?';
		}
	}
	if (!in || !ts || !outp || o.measure == PROMS_MEASURE__MAX || optind < argc) {
		fprintf(stderr, "custodian proms: --in, --time-series, --measure and --out are "
			"needed\n" USAGE);
		return 1;
	}
	if (period && !obsp) {
		fprintf(stderr, "custodian proms: --period goes with --observations\n");
		return 1;
	}
	if (obsp && o.kind != PROMS_PRIMARY) {
		fprintf(stderr, "custodian proms: --observations: the catalogue holds indicators "
			"of primary procedures only: expected --procedure primary\n");
		return 1;
	}
	if (period && parse_period(period) < 0) {
		fprintf(stderr, "custodian proms: --period %.20s: expected a financial year such as "
			"2017-18\n", period);
		return 1;
	}
	if (!(f = fopen(in, "rb"))) {
		fprintf(stderr, "custodian: %s: cannot open the file\n", in);
		return 1;
	}
	o.source = base_name(in);
	errs = xcalloc(CU_MAX_ERRORS, sizeof *errs);
	rc = proms_read(f, &o, &r, errs, &nerr);
	fclose(f);
	if (rc) {
		report_errors(errs, nerr, o.source);
		free(errs);
		return 1;
	}
	if (!(f = fopen(ts, "rb"))) {
		fprintf(stderr, "custodian: %s: cannot open the file\n", ts);
		proms_result_free(&r);
		free(errs);
		return 1;
	}
	rc = proms_compare(f, base_name(ts), CU_MAX_ERRORS, &r, errs, &nerr);
	fclose(f);
	if (rc) {
		report_errors(errs, nerr, base_name(ts));
		proms_result_free(&r);
		free(errs);
		return 1;
	}
	free(errs);
	cu_err_clear(&err);
	if (obsp) {
		ind = proms_indicator(&r); /* not NULL: primary procedures, checked above */
		if (period && parse_period(period) != r.year)
			cu_err_setloc(&err, CU_EINVAL, o.source, 0, "Year", "the records are of "
				      "%d/%02d: expected --period %d-%02d, or no --period",
				      r.year, (r.year + 1) % 100, r.year, (r.year + 1) % 100);
	}
	rc = err.code ? err.code : write_all(&r, outp, obsp, ind, &err);
	if (!rc)
		summary(&r, o.source);
	proms_result_free(&r);
	return rc ? cli_fail(&err) : 0;
}
