/*
 * Hospital spells to risk-adjusted mortality: an SHMI-style model, funnel banding and
 * risk-adjusted CUSUM, streamed from record-level spells in custodian's spells format
 * (docs/formats.md): provider_id, spell_id, diag_group, age_band, sex, admission_method,
 * charlson_band, year_index, died.
 *
 * The file is read once, on every core (ingest_csv_read_par). Nothing record-level is kept
 * but what the CUSUM needs: one 32-bit word per spell (provider, group, covariate pattern,
 * outcome) in file order, which is time order (spell_id must rise). Everything else is
 * counted per diagnosis group and covariate pattern (spells, deaths) and per provider.
 *
 * Then, for each diagnosis group, a logistic regression on the five covariates as
 * categorical factors is fitted by IRLS on the collapsed patterns with frequency weights
 * (stats_logit; the same MLE as one row per spell); a covariate with one level in the group
 * is dropped. Expected deaths per provider are the sum of its spells' fitted risks; the ratio
 * is observed / expected; funnel limits at 95% and 99.8% come from the overdispersion of the
 * log-scale z-scores with 10% tails trimmed or winsorised (stats_funnel_od_shmi_quantile) and,
 * without overdispersion, from the exact Poisson distribution; the band compares the ratio
 * with the 95% limits. A Bernoulli CUSUM (Steiner et al. 2000) runs per provider and
 * diagnosis group over its spells in time order with the fitted risks.
 *
 * Fallbacks, reported per group: a fit that separates (a pattern with no deaths, or only
 * deaths, gets a fitted risk of 0 or 1) keeps the fitted risks, whose limits are exactly those
 * the data imply; a fit that does not converge in 100 iterations keeps its last iterate;
 * where the covariates are collinear (X'WX singular) the covariates are entered one at a time
 * in the format's order and one that makes the fit singular is left out.
 */
#ifndef CU_INGEST_SPELLS_H
#define CU_INGEST_SPELLS_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/limits.h"
#include "stats/funnel.h"

/* The format's covariates and their ranges (docs/formats.md). */
#define SPELLS_NCOV 5
#define SPELLS_PATTERNS (20 * 2 * 2 * 3 * 5)
/* The SHMI's diagnosis groups are numbered 1 to 142. */
#define SPELLS_GROUPS 142
/* What one 32-bit spell word can name. */
#define SPELLS_MAX_PROVIDERS 4096
#define SPELLS_MAX_GROUPS 256
/* The format's columns (docs/formats.md). */
#define SPELLS_NCOLUMNS 9

struct spells_opts {
	const char *source;   /* name in error locations */
	unsigned threads;     /* 0: every core */
	double odds;          /* CUSUM odds ratio R; 0: 2 */
	double h;             /* CUSUM threshold; 0: 4.5 */
	/* When above 0: choose h instead so that the simulated chance of any false alarm in a
	 * series of these risks is at most this (stats_racusum_threshold, SIMULATIONS runs with
	 * seed 1, every provider and group's series at once; costs a double per spell). */
	double false_alarm;
	size_t simulations;   /* 0: 20 */
	double trim;          /* overdispersion tails; 0: 0.1 */
	enum stats_funnel_tails tails;
	int no_hash;          /* skip the file's SHA-256 */
	size_t max_errors;    /* located errors kept; 0: CU_MAX_ERRORS */
	/* Reader limits; 0 takes the value from base/limits.h (ingest_csv_opts). */
	int64_t max_bytes;
	long long max_rows;
	size_t max_field;
	/* Also count spells and deaths per provider x group x covariate pattern into RES->cell,
	 * and fill each series' deaths and expected (the import stores these aggregates). */
	int cells;
};

enum spells_band { SPELLS_LOWER = -1, SPELLS_AS_EXPECTED = 0, SPELLS_HIGHER = 1 };

struct spells_provider {
	char code[CU_MAX_CODE + 1];
	long long spells;
	double observed, expected, ratio;
	double lower95, upper95, lower998, upper998;                     /* overdispersed */
	double pois_lower95, pois_upper95, pois_lower998, pois_upper998; /* exact Poisson */
	int band;                                                        /* enum spells_band */
};

struct spells_group {
	char code[CU_MAX_CODE + 1];
	long long spells, deaths;
	size_t patterns;      /* covariate patterns seen */
	size_t params;        /* model columns, the intercept included */
	int status;           /* STATS_OK, STATS_ESEPARATE, STATS_ENOCONV (fallbacks above) */
	int iterations;
	unsigned dropped;     /* bit k: covariate k left out (one level, or collinear) */
};

struct spells_series {
	unsigned provider, group; /* indices into the result's providers and groups */
	long long n, alarms, first_alarm; /* first_alarm: 1-based spell in the series, 0 none */
	double s_end;
	long long deaths; /* with spells_opts.cells, else 0 */
	double expected;  /* likewise: the sum of the series' fitted risks */
};

/* Spells and deaths of one provider, diagnosis group and covariate pattern (spells_opts.cells). */
struct spells_cell {
	uint16_t provider, group; /* indices into the result's providers and groups */
	uint16_t pattern;         /* 0 .. SPELLS_PATTERNS - 1; spells_pattern_decode */
	uint32_t spells, deaths;  /* 16 bytes a cell: a national year has millions */
};

struct spells_result {
	long long spells, deaths;
	size_t nprov, ngroup, nseries;
	struct spells_provider *prov;   /* sorted by code (numerically when all are numbers) */
	struct spells_group *group;     /* likewise */
	struct spells_series *series;   /* by provider, then group */
	size_t ncell;
	struct spells_cell *cell;       /* with spells_opts.cells: by provider, group, pattern */
	struct stats_funnel_od od;      /* tau2 = 0 when od_status is not STATS_OK */
	int od_status;
	double h;                       /* the CUSUM threshold used */
	double h_rate;                  /* with false_alarm: the simulated rate at h, else NaN */
	unsigned threads;
	char sha256[65];
	double read_s, fit_s, monitor_s; /* wall time of each stage */
};

/* The covariates' names, in the format's order. */
extern const char *const spells_covariate[SPELLS_NCOV];
/* The format's column names: provider_id, spell_id, diag_group, the covariates, died. */
extern const char *const spells_column[SPELLS_NCOLUMNS];

/*
 * The covariate values (as the file writes them: age_band 0-19, sex 1-2, admission_method
 * 1-2, charlson_band 0-2, year_index 1-5) of covariate pattern PATTERN (below
 * SPELLS_PATTERNS) into COV. A pattern is
 * the mixed-radix number of the zero-based levels in the format's order:
 * ((((age_band x 2 + sex - 1) x 2 + admission_method - 1) x 3 + charlson_band) x 5 +
 * year_index - 1.
 */
void spells_pattern_decode(unsigned pattern, int cov[SPELLS_NCOV]);

/*
 * Read the spells file F and compute everything above into RES (free with
 * spells_result_free). Returns 0, or a negative cu_errcode with up to max_errors located
 * errors in ERRS[0 .. *NERR) (file, line, column, what was expected), in file order; then RES
 * holds nothing.
 */
int spells_run(FILE *f, const struct spells_opts *o, struct spells_result *res,
	       struct cu_err *errs, size_t *nerr);

void spells_result_free(struct spells_result *r);

#endif
