/*
 * Logistic regression by iteratively reweighted least squares (IRLS), with frequency weights,
 * as R's glm(family = binomial) fits it (McCullagh and Nelder, "Generalized Linear Models",
 * 2nd ed. 1989, section 2.5 and chapter 4).
 *
 * Row i is a covariate pattern seen w_i times with y_i events (0 <= y_i <= w_i), so collapsed
 * patterns give exactly the maximum-likelihood estimate of one row per record. With
 * mu = 1 / (1 + exp(-X beta)) and v = mu (1 - mu), each iteration solves
 *
 *   (X' W X) beta = X' W z,   W = diag(w_i v_i),   z_i = eta_i + (y_i / w_i - mu_i) / v_i
 *
 * by Cholesky factorisation, starting from mu_i = (y_i + 0.5) / (w_i + 1) as R does, until the
 * deviance D = 2 sum [y log(y / (w mu)) + (w - y) log((w - y) / (w (1 - mu)))] changes by less
 * than EPSILON x (|D| + 0.1) (R's rule; 1e-8 and at most 25 iterations by default). Standard
 * errors are the square roots of the diagonal of (X' W X)^-1 at the final estimate (R's
 * summary.glm uses the weights of the iteration before it, which differ from these by about
 * the last step's change, 1e-7 relative or less). As in R, the link's exp(eta) is kept within
 * [DBL_EPSILON, 1/DBL_EPSILON] and mu (1 - mu) at least DBL_EPSILON.
 *
 * Separation: when a pattern whose observed rate is 0 (or 1) gets a fitted probability below
 * 1e-8 (above 1 - 1e-8), the estimate is running off to infinity and the likelihood has no
 * finite maximum (R's deviance rule stops such fits with coefficients near -20 and often no
 * warning, as its own test is 10 DBL_EPSILON). The fit is reported as
 * STATS_ESEPARATE with the estimates of the last iteration filled in, whose fitted
 * probabilities are the limits the data imply (0 or 1 where separated, the observed rates
 * elsewhere). Callers decide whether to use them (custodian's mortality model does, as R's
 * users do, and says so).
 */
#ifndef CU_STATS_LOGIT_H
#define CU_STATS_LOGIT_H

#include <stddef.h>

struct stats_logit_opts {
	int maxit;      /* default 25 */
	double epsilon; /* default 1e-8 */
};

struct stats_logit_fit {
	int iterations;
	int converged;  /* the deviance rule was met */
	int separated;  /* a fitted probability is numerically 0 or 1 */
	double deviance;
};

void stats_logit_defaults(struct stats_logit_opts *o);

/* Doubles of workspace stats_logit needs for N rows and P columns. */
size_t stats_logit_work_size(size_t n, size_t p);

/*
 * Fit X (N x P, row-major, with an intercept column if one is wanted) to Y events out of W
 * trials per row. BETA and SE (P each; SE may be NULL) get the estimates; MU (N, may be NULL)
 * the fitted probabilities; FIT the iteration count, flags and deviance; WORK has
 * stats_logit_work_size(N, P) doubles. Rows with W = 0 take no part.
 *
 * Returns STATS_OK; STATS_ESEPARATE or STATS_ENOCONV with every output filled from the last
 * iteration; STATS_ESINGULAR when X' W X cannot be factorised (collinear columns: a column
 * repeated, or a level never seen); STATS_EDOM when N < 1, P < 1, a W is negative, a Y is
 * negative or above its W, or any input is not finite; STATS_ERANGE for MAXIT < 1 or EPSILON
 * not above 0.
 */
int stats_logit(const double *x, const double *y, const double *w, size_t n, size_t p,
		const struct stats_logit_opts *opts, double *beta, double *se, double *mu,
		struct stats_logit_fit *fit, double *work);

/*
 * Dummy coding of K categorical covariates for N rows, with an intercept: CODES[k][i] is row
 * i's level of covariate k, 0 <= code < 256. Each covariate gets one column per level present
 * in the rows except the lowest (the reference, as R's factor() takes its first level); a
 * covariate with one level present gets no column (it is constant here) and DROPPED[k] = 1.
 * X (N x P, row-major) has capacity XCAP doubles; *P gets the columns. Errors: STATS_EDOM for
 * a code outside [0, 256); STATS_ENOMEM when N x P passes XCAP.
 */
int stats_logit_design(const int *const *codes, size_t k, size_t n, double *x, size_t xcap,
		       size_t *p, int *dropped);

#endif
