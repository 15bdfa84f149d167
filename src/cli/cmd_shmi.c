/*
 * custodian shmi --in SPELLS.csv --out SHMI.csv [--cusum-out CUSUM.csv] [--groups-out G.csv]
 *                [--tails trim|winsor] [--odds R] [--h H] [--threads N]
 * Risk-adjusted mortality from record-level spells (src/ingest/spells.h) without touching the
 * database: for analysts, for checking against other implementations, and for benchmarks.
 * The columns are those of the peers' outputs, so they compare directly.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "cli/cli.h"
#include "ingest/csv.h"
#include "ingest/spells.h"
#include "ingest/table.h"
#include "stats/stats.h"

static const char *const band_word[] = { "lower", "as_expected", "higher" };

static void write_providers(const struct spells_result *r, FILE *f)
{
	struct csv_line l = { 0 };

	csv_line_raw(&l, "provider_id,observed,expected,shmi,lower95,upper95,lower998,upper998,"
			 "band,pois_lower95,pois_upper95,pois_lower998,pois_upper998,tau2");
	csv_line_end(&l, f);
	for (size_t i = 0; i < r->nprov; i++) {
		const struct spells_provider *p = &r->prov[i];

		csv_line_text(&l, p->code);
		csv_line_int(&l, (long long)p->observed);
		csv_line_num(&l, p->expected);
		csv_line_num(&l, p->ratio);
		csv_line_num(&l, p->lower95);
		csv_line_num(&l, p->upper95);
		csv_line_num(&l, p->lower998);
		csv_line_num(&l, p->upper998);
		csv_line_raw(&l, band_word[p->band + 1]);
		csv_line_num(&l, p->pois_lower95);
		csv_line_num(&l, p->pois_upper95);
		csv_line_num(&l, p->pois_lower998);
		csv_line_num(&l, p->pois_upper998);
		csv_line_num(&l, r->od.tau2);
		csv_line_end(&l, f);
	}
	csv_line_free(&l);
}

static void write_cusum(const struct spells_result *r, FILE *f)
{
	struct csv_line l = { 0 };

	csv_line_raw(&l, "provider_id,diag_group,n,alarms,first_alarm,s_end");
	csv_line_end(&l, f);
	for (size_t i = 0; i < r->nseries; i++) {
		const struct spells_series *s = &r->series[i];

		csv_line_text(&l, r->prov[s->provider].code);
		csv_line_text(&l, r->group[s->group].code);
		csv_line_int(&l, s->n);
		csv_line_int(&l, s->alarms);
		csv_line_int(&l, s->first_alarm);
		csv_line_num(&l, s->s_end);
		csv_line_end(&l, f);
	}
	csv_line_free(&l);
}

static const char *status_word(int st)
{
	return st == 0 ? "converged" : st == STATS_ESEPARATE ? "separated"
				   : st == STATS_ENOCONV    ? "not_converged"
							    : "failed";
}

static void write_groups(const struct spells_result *r, FILE *f)
{
	struct csv_line l = { 0 };

	csv_line_raw(&l, "diag_group,spells,deaths,patterns,parameters,iterations,status,dropped");
	csv_line_end(&l, f);
	for (size_t i = 0; i < r->ngroup; i++) {
		const struct spells_group *g = &r->group[i];
		char dropped[128] = "";
		size_t w = 0;

		for (int k = 0; k < SPELLS_NCOV; k++)
			if (g->dropped & 1u << k)
				w += (size_t)snprintf(dropped + w, sizeof dropped - w, "%s%s",
						      w ? " " : "", spells_covariate[k]);
		csv_line_text(&l, g->code);
		csv_line_int(&l, g->spells);
		csv_line_int(&l, g->deaths);
		csv_line_int(&l, (long long)g->patterns);
		csv_line_int(&l, (long long)g->params);
		csv_line_int(&l, g->iterations);
		csv_line_raw(&l, status_word(g->status));
		csv_line_text(&l, dropped);
		csv_line_end(&l, f);
	}
	csv_line_free(&l);
}

/* Write one output with WRITE, through a temporary file renamed into place. */
static int write_out(const char *path, const struct spells_result *r,
		     void (*write)(const struct spells_result *r, FILE *f), struct cu_err *err)
{
	struct cli_output out;
	int rc;

	if ((rc = cli_output_open(&out, path, err)))
		return rc;
	write(r, out.f);
	return cli_output_close(&out, 1, err);
}

static int number(const char *s, const char *opt, double lo, double hi, double *out)
{
	struct cu_err err;

	cu_err_clear(&err);
	if (cu_num_double((struct cu_str){ s, strlen(s) }, lo, hi, out, &err)) {
		fprintf(stderr, "custodian shmi: --%s %.40s: expected a number from %g to %g\n", opt,
			s, lo, hi);
		return -1;
	}
	return 0;
}

int cmd_shmi(struct cu_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "in", required_argument, NULL, 'i' },	    { "out", required_argument, NULL, 'o' },
		{ "cusum-out", required_argument, NULL, 'c' }, { "groups-out", required_argument, NULL, 'g' },
		{ "tails", required_argument, NULL, 't' },   { "odds", required_argument, NULL, 'r' },
		{ "h", required_argument, NULL, 'H' },
		{ "false-alarm", required_argument, NULL, 'F' },	    { "threads", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, '?' },	    { NULL, 0, NULL, 0 },
	};
	const char *in = NULL, *outp = NULL, *cusum = NULL, *groups = NULL, *name;
	struct spells_opts o = { .tails = STATS_FUNNEL_TAILS_TRIM, .no_hash = 1 };
	struct spells_result r;
	struct cu_err *errs, err;
	size_t nerr = 0, nsep = 0, nconv = 0;
	char hnote[96] = "";
	double v;
	FILE *f;
	int c, rc;

	(void)ctx;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': in = optarg; break;
		case 'o': outp = optarg; break;
		case 'c': cusum = optarg; break;
		case 'g': groups = optarg; break;
		case 't':
			if (strcmp(optarg, "trim") && strcmp(optarg, "winsor")) {
				fprintf(stderr, "custodian shmi: --tails %.20s: expected trim or winsor\n",
					optarg);
				return 1;
			}
			o.tails = optarg[0] == 't' ? STATS_FUNNEL_TAILS_TRIM : STATS_FUNNEL_TAILS_WINSOR;
			break;
		case 'r':
			if (number(optarg, "odds", 1e-6, 1e6, &o.odds) || o.odds == 1) {
				fprintf(stderr, "custodian shmi: --odds must not be 1\n");
				return 1;
			}
			break;
		case 'H':
			if (number(optarg, "h", 1e-6, 1e6, &o.h))
				return 1;
			break;
		case 'F':
			if (number(optarg, "false-alarm", 1e-9, 0.999999, &o.false_alarm))
				return 1;
			break;
		case 'n':
			if (number(optarg, "threads", 1, INGEST_CSV_MAX_THREADS, &v))
				return 1;
			o.threads = (unsigned)v;
			break;
		default:
			fprintf(stderr, "usage: custodian shmi --in SPELLS.csv --out SHMI.csv "
					"[--cusum-out CUSUM.csv] [--groups-out GROUPS.csv] "
					"[--tails trim|winsor] [--odds R] [--h H | --false-alarm RATE] "
					"[--threads N]\n");
			return c != '?';
		}
	}
	if (!in || !outp || optind < argc) {
		fprintf(stderr, "custodian shmi: --in SPELLS.csv and --out SHMI.csv are needed\n");
		return 1;
	}
	if (!(f = fopen(in, "rb"))) {
		fprintf(stderr, "custodian: %s: cannot open the file\n", in);
		return 1;
	}
	name = strrchr(in, '/') ? strrchr(in, '/') + 1 : in;
	o.source = name;
	errs = calloc(CU_MAX_ERRORS, sizeof *errs);
	rc = spells_run(f, &o, &r, errs, &nerr);
	fclose(f);
	if (rc) {
		for (size_t i = 0; i < nerr; i++)
			cli_fail(&errs[i]);
		fprintf(stderr, "custodian: %s: nothing computed (%zu error%s%s)\n", name, nerr,
			nerr == 1 ? "" : "s", nerr >= CU_MAX_ERRORS ? ", the first shown" : "");
		free(errs);
		return 1;
	}
	free(errs);
	cu_err_clear(&err);
	rc = write_out(outp, &r, write_providers, &err);
	if (!rc && cusum)
		rc = write_out(cusum, &r, write_cusum, &err);
	if (!rc && groups)
		rc = write_out(groups, &r, write_groups, &err);
	if (!isnan(r.h_rate))
		snprintf(hnote, sizeof hnote, " (chosen: simulated chance of a false alarm %.4g)",
			 r.h_rate);
	for (size_t i = 0; i < r.ngroup; i++) {
		nsep += r.group[i].status == STATS_ESEPARATE;
		nconv += r.group[i].status == STATS_ENOCONV;
	}
	fprintf(stderr,
		"custodian: %s: %lld spells, %lld deaths, %zu providers, %zu diagnosis groups "
		"(%zu separated: fitted risks of 0 or 1 kept; %zu not converged: last iterate kept); "
		"tau2 %.6g%s; CUSUM h %.4g%s; read %.2f s on %u threads, fit %.2f s, monitor %.2f s\n",
		name, r.spells, r.deaths, r.nprov, r.ngroup, nsep, nconv, r.od.tau2,
		r.od_status ? " (overdispersion not estimable: limits without it)" : "", r.h,
		hnote, r.read_s,
		r.threads, r.fit_s, r.monitor_s);
	spells_result_free(&r);
	return rc ? cli_fail(&err) : 0;
}
