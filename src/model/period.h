/*
 * Periods: the span of time a figure is *about* (as opposed to when it was recorded).
 *
 * A period is a grain (month, quarter, financial year) and a start date; its end follows. It is
 * stored as ISO dates (start inclusive, end inclusive), so periods sort and compare as text.
 * Text forms accepted by importers are named by enum model_period_format; each profile says
 * which one its file uses.
 */
#ifndef CU_MODEL_PERIOD_H
#define CU_MODEL_PERIOD_H

#include "base/err.h"
#include "base/str.h"

enum model_grain {
	MODEL_GRAIN_MONTH,
	MODEL_GRAIN_QUARTER,
	MODEL_GRAIN_YEAR, /* an April-to-March financial year */
	MODEL_GRAIN__MAX
};

enum model_period_format {
	MODEL_PF_ISO_DATE, /* 2016-04-01: the first day of a month, quarter or financial year */
	MODEL_PF_YYYY_MM,  /* 2016-04: a month */
	MODEL_PF_MON_YYYY, /* APR2021 or Apr-2021: a month */
	MODEL_PF_FY,       /* 2020-21: a financial year, April 2020 to March 2021 */
	MODEL_PF_YYYYMMDD, /* 20171001: a date, for organisation validity */
	MODEL_PF__MAX
};

struct model_period {
	enum model_grain grain;
	int y, m;          /* first month of the period */
	char start[11];    /* YYYY-MM-DD */
	char end[11];      /* YYYY-MM-DD, last day */
};

/* The name of GRAIN ("month", "quarter", "year") and its inverse (-1 when unknown). */
const char *model_grain_name(enum model_grain g);
int model_grain_parse(const char *s);
/* The name of a period format as profiles write it ("iso-date", "yyyy-mm", "mon-yyyy", "fy",
 * "yyyymmdd") and its inverse (-1 when unknown). */
const char *model_period_format_name(enum model_period_format f);
int model_period_format_parse(const char *s);

/*
 * Parse S, written in format F, as a period of grain G into *OUT. Checks that the date exists,
 * that it starts its grain (a quarter starts in April, July, October or January; a financial
 * year in April) and that the year is from 1990 to 2100. Returns 0, or CU_EINVAL with a message
 * such as `impossible period "2016-13-01": expected a date written YYYY-MM-DD starting a month`.
 */
int model_period_parse(struct cu_str s, enum model_period_format f, enum model_grain g,
		       struct model_period *out, struct cu_err *err);

/* Parse an ISO date YYYY-MM-DD (a real calendar date) into OUT[11]. Returns 0 or CU_EINVAL. */
int model_date_parse(struct cu_str s, enum model_period_format f, char out[11], struct cu_err *err);

/* A short label for display: "Apr 2016", "Q1 2016-17", "2020-21". Writes into OUT[16]. */
const char *model_period_label(const char *start, enum model_grain g, char out[16]);

#endif
