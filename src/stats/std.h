/*
 * Standardisation: rates that can be compared between populations of different age (or other)
 * structure. Sources: Breslow and Day, "Statistical Methods in Cancer Research" vol. II (1987),
 * chapter 2; Dobson, Kuulasmaa, Eberle and Scherer, "Confidence intervals for weighted sums of
 * Poisson parameters", Statistics in Medicine 10 (1991) 457-462; England's public-health
 * indicator methods (PHE Fingertips technical guidance; PHEindicatormethods phe_dsr, phe_isr).
 *
 * Directly standardised rate over strata i with events x_i, population n_i and standard
 * population weight w_i, total events O = sum x_i:
 *   DSR = k sum(w_i x_i / n_i) / sum w_i,    var = sum(w_i^2 x_i / n_i^2) / (sum w_i)^2
 *   Dobson limits: DSR + k sqrt(var / O) (O_lower - O) and likewise with O_upper, where
 *   O_lower, O_upper are Byar's limits for the count O (stats_ci_poisson's formula, used at
 *   every O here as England's indicators do).
 * Indirectly standardised: expected E = sum n_i r_i with reference rates r_i = X_i / N_i;
 * the ratio O / E (times a scale: 1, 100, or the reference rate sum X / sum N times a
 * multiplier for the "indirectly standardised rate"), with the count's limits (exact below
 * 10 events, Byar's from 10) divided by E and scaled the same way.
 */
#ifndef CU_STATS_STD_H
#define CU_STATS_STD_H

#include <stddef.h>

#include "stats/ci.h"

/*
 * DSR of K strata with events X, populations N and standard weights W, per MULTIPLIER, at
 * LEVEL. Errors: STATS_EDOM when K = 0, a count is negative or not finite, a population is
 * not above 0, a weight is negative or the weights sum to 0, or there are fewer than 10
 * events in all (Dobson's limits are not reliable there and England's indicators publish no
 * value); STATS_ERANGE for LEVEL outside (0, 1) or MULTIPLIER not above 0.
 */
int stats_dsr(const double *x, const double *n, const double *w, size_t k, double multiplier,
	      double level, struct stats_interval *out);

/*
 * Expected events of K strata with populations N under reference events RX of reference
 * populations RN: *E = sum N_i RX_i / RN_i. Errors: STATS_EDOM when K = 0, a population is
 * negative, a reference population is not above 0, a reference count is negative, or any
 * value is not finite.
 */
int stats_isr_expected(const double *n, const double *rx, const double *rn, size_t k,
		       double *e);

/*
 * O observed events against E expected, times SCALE, with the count's interval (exact below
 * 10, Byar's from 10) over E times SCALE. *EXACT (may be NULL) says which. Errors: STATS_EDOM
 * for O not a whole number >= 0, E not above 0, SCALE not above 0; STATS_ERANGE for LEVEL
 * outside (0, 1).
 */
int stats_isr(double o, double e, double scale, double level, struct stats_interval *out,
	      int *exact);

#endif
