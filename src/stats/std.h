/*
 * Standardisation: rates that can be compared between populations of different age (or other)
 * structure. Sources: Breslow and Day, "Statistical Methods in Cancer Research" vol. II (1987),
 * chapter 2; Dobson, Kuulasmaa, Eberle and Scherer, "Confidence intervals for weighted sums of
 * Poisson parameters", Statistics in Medicine 10 (1991) 457-462; England's public-health
 * indicator methods (PHE Fingertips Public Health Technical Guidance, DSR chapter;
 * PHEindicatormethods calculate_dsr, calculate_ISRate, calculate_ISRatio).
 *
 * Directly standardised rate over strata i with events x_i, population n_i and standard
 * population weight w_i, total events O = sum x_i:
 *   DSR = k sum(w_i x_i / n_i) / sum w_i,    var = sum(w_i^2 x_i / n_i^2) / (sum w_i)^2
 *   Dobson limits (Dobson et al. 1991): DSR + k sqrt(var / O) (O_lower - O) and likewise
 *   with O_upper, where O_lower, O_upper are Byar's limits for the count O (Breslow and Day
 *   1987, eq. 2.17; the formula of stats_ci_poisson, used at every O here because a DSR on
 *   fewer than 10 events is refused, as England's indicators do).
 * Indirectly standardised: expected E = sum n_i r_i with reference rates r_i = X_i / N_i;
 * the ratio O / E (times a scale: 1, 100, or the reference rate sum X / sum N times a
 * multiplier for the "indirectly standardised rate"), with the count's limits (exact below
 * 10 events, Byar's from 10) divided by E and scaled the same way.
 *
 * Every array argument of one call has the same length, given once (K strata, or M rows), as
 * in GSL: the caller matches strata by position and keeps the groups it compares to the same
 * strata. A missing count is the caller's to decide (England's indicators count it as 0); a
 * NaN here is refused, never summed.
 */
#ifndef CU_STATS_STD_H
#define CU_STATS_STD_H

#include <stddef.h>

#include "stats/ci.h"

/*
 * DSR of K strata with events X, populations N and standard weights W, per MULTIPLIER, at
 * LEVEL (Dobson et al. 1991 with Byar's limits of the total, as above). OUT gets the
 * rate and its limits. Errors: STATS_EDOM when K = 0, a count is negative or not finite, a
 * population is not above 0, a weight is negative or the weights sum to 0, there are fewer
 * than 10 events in all (Dobson's limits are not reliable there and England's indicators
 * publish no value) or the result overflows; STATS_ERANGE for LEVEL outside (0, 1) or
 * MULTIPLIER not above 0.
 */
int stats_dsr(const double *x, const double *n, const double *w, size_t k, double multiplier,
	      double level, struct stats_interval *out);

/*
 * DSR when one person can have several events (readmissions, repeat attendances), so the
 * events are not independent Poisson counts. The input is M rows: row j says that X[j]
 * persons in stratum STRATUM[j] (0 .. K - 1) had FREQ[j] events each; N[j] and W[j] are that
 * stratum's population and standard weight, repeated on each of its rows. The rate is the
 * ordinary DSR of the events x_i = sum over the stratum's rows of FREQ x X; only its variance
 * changes, to the sum over frequencies f of f^2 times the variance of the DSR of the persons
 * with f events (Fingertips technical guidance, DSR chapter; PHEindicatormethods
 * calculate_dsr with independent_events = FALSE):
 *   var = sum_j FREQ_j^2 W_j^2 X_j / N_j^2 / (sum_i w_i)^2   (sum_i over the K strata once),
 * and the Dobson limits use it with Byar's limits of the total events O = sum FREQ_j X_j.
 * PHEindicatormethods divides each frequency's variance by the weights of the rows listed
 * for that frequency; that is sum_i w_i whenever each frequency lists every stratum, as its
 * published tables do, and otherwise would count absent strata as having no weight, so the
 * whole standard is used here. WORK holds NWORK >= 2 K doubles (each stratum's N and W, checked
 * to agree on every row). Errors: STATS_ENOMEM when NWORK < 2 K; STATS_EDOM when M = 0 or
 * K = 0, a STRATUM is not below K, a stratum has no row, rows of one stratum differ in N or
 * W, FREQ is not a whole number of 1 or more, a count, population or weight is bad as for
 * stats_dsr, the events total fewer than 10 or the result overflows; STATS_ERANGE as
 * stats_dsr (checked first).
 */
int stats_dsr_nonind(const double *x, const double *freq, const size_t *stratum, const double *n,
		     const double *w, size_t m, size_t k, double multiplier, double level,
		     double *work, size_t nwork, struct stats_interval *out);

/*
 * Observed events of K strata with counts X: *O = sum X_i, the O of stats_isr. Errors:
 * STATS_EDOM when K = 0 or a count is negative or not finite.
 */
int stats_isr_observed(const double *x, size_t k, double *o);

/*
 * Expected events of K strata with populations N under reference events RX of reference
 * populations RN: *E = sum N_i RX_i / RN_i (Breslow and Day 1987, ch. 2). A population of 0
 * is allowed (it expects nothing). Errors: STATS_EDOM when K = 0, a population is negative, a
 * reference population is not above 0, a reference count is negative, or any value is not
 * finite.
 */
int stats_isr_expected(const double *n, const double *rx, const double *rn, size_t k,
		       double *e);

/*
 * O observed events against E expected, times SCALE, with the count's interval (exact below
 * 10, Byar's from 10: stats_ci_poisson) over E times SCALE. SCALE is 1 or 100 for a ratio
 * (PHEindicatormethods' refvalue), or sum RX / sum RN times the rate multiplier for an
 * indirectly standardised rate. *EXACT (may be NULL) says which interval was used. Errors:
 * STATS_EDOM for O not a whole number >= 0, E not above 0, SCALE not above 0, any of them not
 * finite or a result that overflows; STATS_ERANGE for LEVEL outside (0, 1).
 */
int stats_isr(double o, double e, double scale, double level, struct stats_interval *out,
	      int *exact);

#endif
