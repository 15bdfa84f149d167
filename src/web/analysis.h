/*
 * What the pages show, computed from the store with the actor's access: an indicator's series
 * with its Making Data Count chart, and the ranking of providers that need attention. Pages
 * and the JSON API both call these, so they always agree. The ranking is the one source the
 * surveillance issue will replace; nothing else depends on how it is made.
 */
#ifndef CU_WEB_ANALYSIS_H
#define CU_WEB_ANALYSIS_H

#include <stddef.h>

#include "base/err.h"
#include "stats/funnel.h"
#include "stats/spc.h"
#include "store/store.h"

/* Store callbacks that collect what they are given (free the array with free()). */
struct obs_vec {
	size_t n, cap;
	struct store_obs *o;
};
struct org_vec {
	size_t n, cap;
	struct store_org *o;
};
int obs_vec_keep(void *arg, const struct store_obs *o);
int org_vec_keep(void *arg, const struct store_org *o);           /* every organisation */
int org_vec_keep_providers(void *arg, const struct store_org *o); /* providers only */

/* A rebasing of the chart as the series sees it. */
struct series_break {
	size_t index;          /* the first point of the new segment (into the series) */
	char period[16];       /* its label */
	char reason[1001];
	int applied;           /* 0 when it would leave a segment of fewer than 2 values */
};

/*
 * The control chart a series is drawn on. XmR is Making Data Count's chart for every measure
 * and the one behind the verdicts on the provider page and the ranking; proportions may also
 * be shown on a p chart or Laney's p' chart, rates on a u or u' chart (src/stats/attr.h),
 * whose limits follow each point's denominator.
 */
enum series_chart { SERIES_XMR, SERIES_P, SERIES_PP, SERIES_U, SERIES_UP, SERIES__MAX };

/* The charts that fit IND's measure, as a bit set over enum series_chart (XmR always). */
unsigned series_charts(const struct store_indicator *ind);
/* "xmr", "p", "pp", "u", "up", and the chart's name for people ("XmR chart", "p' chart
 * (Laney)", ...). */
const char *series_chart_key(enum series_chart c);
const char *series_chart_title(enum series_chart c);
/* The chart named KEY if it fits IND; NULL, "" or anything else: SERIES_XMR. */
enum series_chart series_chart_parse(const char *key, const struct store_indicator *ind);

/* One organisation's series of one indicator, with its control chart. */
struct series {
	size_t n;
	struct store_obs *obs;      /* N observations in period order */
	double *value;              /* N values; NaN where suppressed or missing */
	char (*label)[16];          /* N period labels ("Apr 2016") */
	unsigned char *flags;       /* N STATS_XMR_* flags (0 where there is no chart) */
	double *mean, *lcl, *ucl;   /* N per point, NaN where there is no chart */
	enum series_chart chart;    /* the chart computed (XmR when the one asked for could not be) */
	int chart_refused;          /* 1: the chart asked for needs figures this series lacks */
	double sigma_z;             /* Laney's factor of the last segment (p', u'); else 1 */
	struct stats_xmr_result xmr; /* the verdicts of the chart computed */
	int has_chart;              /* at least 2 values: a chart was computed */
	enum stats_polarity polarity;
	double target;              /* NaN when none */
	size_t nbreak;
	struct series_break *brk;   /* the rebasing recorded (as known at AS_OF), by period */
};

enum stats_polarity analysis_polarity(const struct store_indicator *ind);

/*
 * Load the series of indicator IND for organisation ORG_ID as known at AS_OF (NULL: now) and
 * compute its chart CHART (Making Data Count rules: shift 7, trend 7, two of three; XmR with
 * screening on), each recorded rebasing starting a segment with its own limits. Missing and
 * suppressed periods stay in the series as gaps and are left out of the chart. An attribute
 * chart needs a numerator and a positive denominator at every point charted (and, for p' and
 * u', a centre line off 0 and 1); without them the XmR chart is computed and chart_refused
 * set. Free with series_free. Errors as store_obs_series (CU_EDENIED for an organisation not
 * visible).
 */
int series_load(struct store *s, const struct cu_actor *a, int64_t org_id,
		const struct store_indicator *ind, const char *as_of, enum series_chart chart,
		struct series *out, struct cu_err *err);
void series_free(struct series *sr);
/*
 * Every indicator's series for ORG_ID at once (two queries, whatever the number of
 * indicators), on XmR charts: OUT[k] (NCAT entries) for CAT[k], empty (n = 0) where there is
 * no data.
 * Free each with series_free. Errors as series_load.
 */
int series_load_org(struct store *s, const struct cu_actor *a, int64_t org_id,
		    const struct store_indicator *cat, size_t ncat, const char *as_of,
		    struct series *out, struct cu_err *err);

/*
 * One proportion indicator across the providers an actor may see: the funnel plot of
 * /indicator/{code} and /api/v1/indicator/{code}. Each provider's latest figure (status ok,
 * with a numerator and a positive denominator) is taken; the funnel is drawn for the latest
 * period among them, around the pooled proportion of the providers with a figure for it, with
 * 95% and 99.8% limits: Wilson score limits, or limits widened by the random-effects tau^2
 * (arcsine square-root scale, z-scores 10% winsorised; docs/methods.md) when the providers
 * are overdispersed. The needs-attention ranking judges its funnel outliers by the same
 * limits (FUNNEL_OD_AUTO).
 */
enum funnel_od {
	FUNNEL_OD_AUTO, /* widen the limits when phi > 1 (the default) */
	FUNNEL_OD_NONE, /* never widen them */
	FUNNEL_OD_PROP, /* widen them whenever phi could be estimated, even when phi <= 1 */
	FUNNEL_OD__MAX
};

/* "auto", "none", "prop"; parse: the choice named KEY, anything else (NULL too) AUTO. */
const char *funnel_od_key(enum funnel_od od);
enum funnel_od funnel_od_parse(const char *key);

enum funnel_state {
	FUNNEL_DRAWN,          /* at least one provider has a figure */
	FUNNEL_NOT_PROPORTION, /* funnels are drawn for proportions only; nothing was read */
	FUNNEL_NO_FIGURES,     /* no provider the actor may see has a figure */
};

/* One provider on the funnel. */
struct funnel_unit {
	char code[CU_MAX_CODE + 1];
	char name[CU_MAX_NAME + 1];
	struct store_obs obs;              /* its figure for the funnel's period */
	double value;                      /* numerator / denominator */
	struct stats_funnel_limits lim[2]; /* the 95% and 99.8% limits at its denominator that
					    * CLS was judged against; NaN when it could not be */
	int cls;                           /* enum stats_funnel_class: -2 .. 2 */
};

struct funnel {
	enum funnel_state state;
	enum funnel_od asked;              /* the overdispersion choice asked for */
	char period[11];                   /* the period's start ("" unless DRAWN) */
	enum model_grain grain;
	double target;                     /* pooled proportion; NaN unless DRAWN */
	int has_od;                        /* phi and tau^2 estimated (3 or more providers and a
					    * target strictly between 0 and 1) */
	struct stats_funnel_od od;         /* the estimate (zero unless HAS_OD) */
	int adjusted;                      /* the limits are widened by od.tau2 */
	size_t n;
	struct funnel_unit *unit;          /* N providers in the store's order (by name) */
};

/*
 * The funnel of indicator IND across the providers A may see, with the overdispersion choice
 * OD, into *OUT (free with funnel_free). Providers whose data A may not read are left out, as
 * are providers without a figure for the latest period. Returns 0 (also for a funnel that is
 * not DRAWN), or the store's error code (CU_EDB).
 */
int funnel_build(struct store *s, const struct cu_actor *a, const struct store_indicator *ind,
		 enum funnel_od od, struct funnel *out, struct cu_err *err);
void funnel_free(struct funnel *f);
/*
 * F's limits at denominator D for two-sided LEVEL (0.95, 0.998): widened for overdispersion
 * when F->adjusted, else Wilson score limits. Returns STATS_OK or a stats error (D <= 0).
 */
int funnel_limits(const struct funnel *f, double d, double level,
		  struct stats_funnel_limits *out);

/* Why a provider needs attention: one indicator, one finding. */
struct reason {
	char indicator[CU_MAX_CODE + 1];
	char title[CU_MAX_NAME + 1];
	enum model_domain domain;
	char rules[64];    /* e.g. "beyond the limits, shift" or "above the 99.8% funnel limit" */
	char since[16];    /* period label of the first point of the current finding */
	int weight;        /* 2 for a special-cause concern beyond the limits or a 99.8% funnel
			    * outlier, 1 for other findings */
};

struct ranked {
	struct store_org org;
	int score;         /* sum of the reasons' weights */
	size_t nreason;
	struct reason *reason;
	int per_domain[MODEL_DOMAIN__MAX];
};

struct ranking {
	size_t n;
	struct ranked *r;  /* providers with at least one reason, highest score first */
	size_t providers;  /* providers looked at */
};

/*
 * Rank the providers A may see: for each indicator with data, a special-cause concern at its
 * latest point (Making Data Count XmR, the indicator's polarity), and a funnel outlier on the
 * worse side at the latest period shared by the providers (proportions: the limits of
 * funnel_build with FUNNEL_OD_AUTO: 95% and 99.8% limits around the pooled proportion of all
 * providers A may see; Wilson score limits, or, when the providers are overdispersed (phi > 1
 * on the arcsine scale, 10% winsorised), limits widened by the random-effects tau^2, as a
 * funnel of large denominators needs). DOMAIN (-1: all) and SERVICE
 * (NULL or "": all) filter the indicators. Free with ranking_free.
 */
int ranking_build(struct store *s, const struct cu_actor *a, int domain, const char *service,
		  struct ranking *out, struct cu_err *err);
void ranking_free(struct ranking *r);
/*
 * ranking_build, kept between calls for the same role, organisation and filter while the
 * data version (store_data_version) stays the same; OUT is the caller's copy (free with
 * ranking_free). Thread-safe.
 */
int ranking_get(struct store *s, const struct cu_actor *a, int domain, const char *service,
		struct ranking *out, struct cu_err *err);
/* Drop every kept ranking (the server calls it when it stops). */
void ranking_cache_clear(void);
/* How many rankings ranking_get has built since the process started (tests, diagnostics). */
unsigned long ranking_builds(void);

/* The Making Data Count rules set in flag byte F, in words ("beyond the limits, shift"), into
 * OUT (N bytes; "" for none). */
void rule_words(unsigned f, char *out, size_t n);

/* All indicators of the catalogue (readable by any signed-in role). Free with free(). */
int catalogue_load(struct store *s, const struct cu_actor *a, struct store_indicator **out,
		   size_t *n, struct cu_err *err);
const struct store_indicator *catalogue_find(const struct store_indicator *v, size_t n,
					     const char *code);

#endif
