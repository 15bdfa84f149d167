/*
 * Risk-adjusted Bernoulli CUSUM (Steiner, Cook, Farewell and Treasure, "Monitoring surgical
 * performance using risk-adjusted cumulative sum charts", Biostatistics 1(4) 2000, 441-452).
 *
 * Case t has a predicted risk p_t (from a case-mix model) and an outcome y_t (1 = the event,
 * e.g. death). Against the alternative that the odds of the event are multiplied by R, the
 * log-likelihood-ratio weight of case t is (eq. 2.2 of the paper)
 *
 *   W_t = y_t log R - log(1 - p_t + R p_t)
 *
 * and the chart is S_t = max(0, S_(t-1) + W_t), signalling when S_t >= h; after a signal S is
 * reset (to 0, or to a head start) and monitoring goes on. R > 1 looks for deterioration;
 * R < 1 for improvement, on the same positive scale (Steiner et al. plot that chart downwards,
 * as -S; custodian keeps it positive and says which way it looks).
 *
 * The threshold h sets the false-alarm rate. stats_racusum_false_alarm estimates, by
 * simulating outcomes from the in-control risks with a seeded generator (GSL's MT19937), the
 * probability that a series of these risks signals at least once; stats_racusum_threshold
 * finds the h that gives a chosen probability. Before its first signal a chart is the same
 * whatever happens after one, so a run signals at least once exactly when the highest S of
 * the chart without resets reaches h: one simulation gives the rate at every h, never rising
 * with h, and the threshold is read off the simulated maxima.
 */
#ifndef CU_STATS_RACUSUM_H
#define CU_STATS_RACUSUM_H

#include <stddef.h>

struct stats_racusum_opts {
	double odds;  /* R: 2 looks for a doubling of the odds; 0.5 for a halving. Not 1. */
	double h;     /* signal threshold, above 0 */
	double start; /* S before the first case (head start), 0 <= start < h; default 0 */
	double reset; /* S after a signal, 0 <= reset < h; default 0 */
};

struct stats_racusum_result {
	size_t n;           /* cases */
	size_t alarms;      /* signals */
	size_t first_alarm; /* 1-based case of the first signal; 0 when none */
	double s_end;       /* S after the last case */
};

/* R = 2, h = 4.5, start 0, reset 0: the defaults of custodian's mortality monitoring. */
void stats_racusum_defaults(struct stats_racusum_opts *o);

/*
 * The chart over N cases with risks P and outcomes Y (0 or 1). S (N values, may be NULL) gets
 * S_t after each case (0, or the reset value, at a signal); ALARM (N bytes, may be NULL) 1 at
 * each signal. Errors: STATS_EDOM when a risk is not strictly inside (0, 1) or an outcome is
 * not 0 or 1; STATS_ERANGE when R <= 0, R = 1, R or h is not finite, h <= 0, or the start or
 * reset is outside [0, h). N = 0 is an empty chart, not an error.
 */
int stats_racusum(const double *p, const unsigned char *y, size_t n,
		  const struct stats_racusum_opts *o, double *s, unsigned char *alarm,
		  struct stats_racusum_result *res);

/*
 * The probability that a chart over series of in-control risks signals at least once: NSER
 * series, series k having LEN[k] consecutive risks in P. NSIM simulated runs of every series
 * with generator seed SEED; *RATE gets the fraction of series runs with a signal. The
 * generator is the only allocation, freed before returning. Errors as stats_racusum, plus
 * STATS_ERANGE for NSIM = 0 or NSER = 0, STATS_ENOMEM when the generator cannot be made.
 */
int stats_racusum_false_alarm(const double *p, const size_t *len, size_t nser,
			      const struct stats_racusum_opts *o, size_t nsim,
			      unsigned long seed, double *rate);

/*
 * A threshold h whose simulated false-alarm rate is at most TARGET, over the same series and
 * simulation as stats_racusum_false_alarm (O's h is ignored): with the NSIM x NSER simulated
 * maxima sorted, h lies halfway between the largest maximum that may still signal and the next
 * (a run signals when its maximum reaches h). WORK holds NSIM x NSER doubles. *H gets h,
 * *RATE (may be NULL) its simulated rate, the same as stats_racusum_false_alarm gives at that
 * h. Errors: STATS_ERANGE for TARGET outside (0, 1), and as stats_racusum_false_alarm.
 */
int stats_racusum_threshold(const double *p, const size_t *len, size_t nser,
			    const struct stats_racusum_opts *o, size_t nsim, unsigned long seed,
			    double target, double *work, double *h, double *rate);

#endif
