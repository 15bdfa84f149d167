/*
 * PROMs (Patient Reported Outcome Measures) for hip and knee replacement: case-mix adjusted
 * average health gain per provider from NHS Digital's record-level data, its funnel
 * classification, and the comparison with the publisher's own verdicts.
 *
 * Input 1, proms_read: a record-level "Provider" file of a finalised PROMs data pack
 * ("Hip Replacements Provider 1718.csv"), one row per linked pre- and post-operative
 * questionnaire, with the publisher's case-mix predicted post-operative score per record
 * (docs/formats.md lists the columns used). A row is *modelled* for a measure when its
 * pre-operative, post-operative and predicted scores are all given; `*` or a blank in any of
 * the three leaves the row out of that measure, counted by reason. For the N modelled records
 * of the chosen procedure kind (primary or revision) and measure (EQ-5D index or Oxford
 * score):
 *
 *   national:  pre = mean pre-op score, post = mean post-op, pred = mean predicted post-op,
 *              centre = post - pre (England's adjusted gain is its observed gain),
 *              sd = sample standard deviation of the residuals post-op - predicted;
 *   provider p with n_p >= 30 records (the publisher computes no adjusted result below 30):
 *              adjusted post-op = pred + (mean post-op_p - mean predicted_p),
 *              adjusted gain    = adjusted post-op - pre,
 *              limits centre -/+ z sd / sqrt(n_p) at 95% and 99.8% (stats_funnel_mean_limits)
 *              and the class of the adjusted gain against them (stats_funnel_classify).
 *
 * The reference of the adjustment is the national mean *predicted* score: with it, ours
 * minus the published "Adjusted Post-Op Q Score" is one constant for all providers, to the
 * published 6 significant figures; the constant (0 for revisions, at most 0.003 points) comes
 * from the few records the publisher withholds from the record-level file. docs/methods.md,
 * "PROMs: adjusted health gain", gives the checks.
 *
 * Input 2, proms_compare: the data pack's "Time Series" file, whose columns for the file's
 * year give each provider's modelled records, adjusted health gain and the publisher's
 * outlier verdict; each provider's class is compared with it.
 *
 * Nothing is written to the database. Errors are located (file, line, column, the value
 * quoted, what was expected) and collected up to max_errors; any error means nothing is
 * computed.
 */
#ifndef CU_INGEST_PROMS_H
#define CU_INGEST_PROMS_H

#include <stdio.h>

#include "base/err.h"
#include "base/limits.h"
#include "stats/funnel.h"

/* At most this many providers in one file (England has about 300 that do these operations). */
#define PROMS_MAX_PROVIDERS 4096
/* The publisher's threshold: no adjusted result for fewer modelled records than this. */
#define PROMS_MIN_RECORDS 30

enum proms_measure { PROMS_EQ5D, PROMS_OXFORD, PROMS_MEASURE__MAX };
enum proms_procedure { PROMS_HIP, PROMS_KNEE, PROMS_PROCEDURE__MAX };
enum proms_kind { PROMS_PRIMARY, PROMS_REVISION, PROMS_KIND__MAX };

/*
 * A provider's verdict, ours or the publisher's. The funnel classes are those of enum
 * stats_funnel_class for the levels {95%, 99.8%}; the rest say why there is no class.
 */
enum proms_verdict {
	PROMS_LOW_998 = -2,      /* below the 99.8% lower limit ("Negative outlier (99.8%)") */
	PROMS_LOW_95 = -1,       /* below the 95% lower limit only ("Negative outlier (95%)") */
	PROMS_WITHIN = 0,        /* inside both ("Not an outlier") */
	PROMS_HIGH_95 = 1,       /* "Positive outlier (95%)" */
	PROMS_HIGH_998 = 2,      /* "Positive outlier (99.8%)" */
	PROMS_INSUFFICIENT = 3,  /* fewer than PROMS_MIN_RECORDS modelled records */
	PROMS_NO_PROCEDURES = 4, /* the publisher: no procedures that year */
	PROMS_ABSENT = 5,        /* not in the file (the time series, or the records) */
};

struct proms_opts {
	const char *source;      /* name in error locations, e.g. the file's base name */
	enum proms_measure measure;
	enum proms_kind kind;
	size_t max_errors;       /* located errors kept; 0: CU_MAX_ERRORS */
};

struct proms_provider {
	char code[CU_MAX_CODE + 1];
	long long n;              /* modelled records (0 for a provider only the publisher has) */
	double pre, post, pred;   /* mean scores over them; NaN when n = 0 */
	double adj_post, gain;    /* adjusted post-op score and health gain; NaN below 30 */
	struct stats_funnel_limits lim95, lim998; /* NaN below 30 */
	int verdict;              /* enum proms_verdict: a class, PROMS_INSUFFICIENT or ABSENT */
	/* Filled by proms_compare. */
	int pub_verdict;          /* enum proms_verdict; PROMS_ABSENT when not published */
	long long pub_n;          /* publisher's modelled records; -1 when suppressed or absent */
	double pub_gain;          /* publisher's adjusted gain (3 decimals); NaN when none */
	int compared;             /* either side has a class */
	int agree;                /* the two verdicts are the same (1 when neither has a class) */
	char reason[200];         /* when !agree: why the verdicts differ, in a sentence */
};

struct proms_result {
	enum proms_procedure procedure; /* from the file's column names */
	enum proms_measure measure;
	enum proms_kind kind;
	int year;                 /* the financial year's first calendar year: 2017 for 2017/18 */
	long long rows;           /* data rows read */
	long long kind_rows;      /* rows of the chosen kind (Revision Flag 0 or 1) */
	long long left_out;       /* of those, rows left out of the measure (a value missing) */
	long long missing_pre, missing_post, missing_pred; /* by column (a row may count twice) */
	long long modelled;       /* national modelled records */
	double pre, post, pred;   /* national means */
	double centre;            /* national adjusted gain = post - pre: the funnel's centre */
	double sd;                /* standard deviation of the residuals post-op - predicted */
	size_t nprov;
	struct proms_provider *prov; /* sorted by code (byte order) */
	size_t nclassified;       /* providers with at least PROMS_MIN_RECORDS records */
	/* Filled by proms_compare. */
	size_t ncompared, nagree; /* providers with a class on either side; those that agree */
	double pub_centre;        /* the publisher's England adjusted gain; NaN when absent */
};

/* "eq5d", "oxford". */
const char *proms_measure_name(enum proms_measure m);
/* "hip", "knee"; "primary", "revision". */
const char *proms_procedure_name(enum proms_procedure p);
const char *proms_kind_name(enum proms_kind k);
/* The verdict as a word: "low_99.8", "low_95", "within", "high_95", "high_99.8",
 * "insufficient", "no_procedures", "absent". */
const char *proms_verdict_name(int verdict);
/* The publisher's labels: "Hip Replacement Primary", "Oxford Hip Score", "EQ-5D Index". */
const char *proms_procedure_label(const struct proms_result *r);
const char *proms_measure_label(const struct proms_result *r);
/*
 * The catalogue indicator (data/catalogue/catalogue.json) of R's procedure and measure:
 * HIP_EQ5D_GAIN, HIP_OXFORD_GAIN, KNEE_EQ5D_GAIN, KNEE_OXFORD_GAIN; NULL for revisions,
 * which the catalogue does not hold.
 */
const char *proms_indicator(const struct proms_result *r);

/*
 * Read the record-level Provider file F and compute everything above into RES (free with
 * proms_result_free, also after a failure). Returns 0, or a negative cu_errcode with up to
 * max_errors located errors in ERRS[0 .. *NERR) in file order (ERRS holds at least
 * max_errors), and then RES holds no providers.
 */
int proms_read(FILE *f, const struct proms_opts *o, struct proms_result *res,
	       struct cu_err *errs, size_t *nerr);

/*
 * Read the Time Series file F (SOURCE names it in errors), take the rows of RES's procedure,
 * kind and measure and the columns of RES's year, and compare each provider's verdict with the
 * publisher's: fills the pub_ fields, compared, agree and reason of every provider, and
 * RES->ncompared, nagree and pub_centre. A provider the publisher classifies but the records
 * lack is added (n = 0, verdict PROMS_ABSENT); RES->prov stays sorted. Errors as proms_read
 * (MAX_ERRORS 0 means CU_MAX_ERRORS); on error RES's comparison fields are left unset.
 */
int proms_compare(FILE *f, const char *source, size_t max_errors, struct proms_result *res,
		  struct cu_err *errs, size_t *nerr);

/* Free RES's providers; RES may then be reused. */
void proms_result_free(struct proms_result *r);

#endif
