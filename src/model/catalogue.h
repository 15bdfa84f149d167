/*
 * The vocabulary of the indicator catalogue: quality domains, measure types, polarity,
 * organisation kinds, observation status, and the shape of codes. Every enum has a __MAX
 * sentinel that sizes its name table, and a parse function that is its inverse.
 */
#ifndef CU_MODEL_CATALOGUE_H
#define CU_MODEL_CATALOGUE_H

#include <stdbool.h>

#include "base/err.h"
#include "base/str.h"

enum model_domain {
	MODEL_DOMAIN_SAFETY,
	MODEL_DOMAIN_EFFECTIVENESS,
	MODEL_DOMAIN_EXPERIENCE,
	MODEL_DOMAIN__MAX
};

enum model_measure {
	MODEL_MEASURE_PROPORTION, /* numerator / denominator, 0 <= numerator <= denominator */
	MODEL_MEASURE_RATE,       /* numerator / denominator x multiplier (per 1,000 bed days) */
	MODEL_MEASURE_COUNT,      /* a whole number of events */
	MODEL_MEASURE_MEAN,       /* an average; value given, denominator optional */
	MODEL_MEASURE_RATIO,      /* observed / expected (e.g. a standardised mortality ratio) */
	MODEL_MEASURE__MAX
};

enum model_polarity {
	MODEL_POLARITY_HIGHER_BETTER,
	MODEL_POLARITY_LOWER_BETTER,
	MODEL_POLARITY_NEITHER,
	MODEL_POLARITY__MAX
};

enum model_org_kind {
	MODEL_ORG_PROVIDER,
	MODEL_ORG_COMMISSIONER,
	MODEL_ORG_REGULATOR,
	MODEL_ORG_OVERSIGHT,
	MODEL_ORG__MAX
};

enum model_obs_status {
	MODEL_OBS_OK,         /* a figure was given */
	MODEL_OBS_SUPPRESSED, /* withheld by the publisher (small numbers) */
	MODEL_OBS_MISSING,    /* not given, or not defined (zero denominator) */
	MODEL_OBS__MAX
};

const char *model_domain_name(enum model_domain d);    /* "safety", ... */
const char *model_domain_title(enum model_domain d);   /* "Safety", "Patient experience" */
const char *model_measure_name(enum model_measure m);  /* "proportion", ... */
const char *model_polarity_name(enum model_polarity p); /* "higher_is_better", ... */
const char *model_org_kind_name(enum model_org_kind k); /* "provider", ... */
const char *model_obs_status_name(enum model_obs_status s);

/* Inverses: the enum value, or -1 when S is not a name in the table. */
int model_domain_parse(const char *s);
int model_measure_parse(const char *s);
int model_polarity_parse(const char *s);
int model_org_kind_parse(const char *s);
int model_obs_status_parse(const char *s);

/* True when the measure's figures are whole counts (numerator and denominator). */
bool model_measure_whole(enum model_measure m);
/* True when the measure needs a denominator. */
bool model_measure_needs_denominator(enum model_measure m);

/*
 * Check an organisation code: an ODS-style code of 3 to 8 upper-case letters and digits.
 * Returns 0, or CU_EINVAL with `bad organisation code "r0a": expected 3 to 8 upper-case letters
 * or digits (an ODS code such as RF4)`.
 */
int model_org_code_check(struct cu_str s, struct cu_err *err);

/*
 * Check an indicator or service code: 2 to 64 characters from A-Z, 0-9, '_' and '.', starting
 * with a letter. Returns 0 or CU_EINVAL.
 */
int model_code_check(struct cu_str s, const char *what, struct cu_err *err);

#endif
