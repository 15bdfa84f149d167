/* Logistic regression by IRLS; see logit.h for the method and its sources. */
#include "stats/logit.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <string.h>

#include "stats/stats.h"

/* A fitted probability this close to 0 (or 1) where the pattern's observed rate is 0 (or 1)
 * means the estimate is running off to infinity: a finite maximum would not get there. */
#define SEPARATED 1e-8

void stats_logit_defaults(struct stats_logit_opts *o)
{
	o->maxit = 25;
	o->epsilon = 1e-8;
}

size_t stats_logit_work_size(size_t n, size_t p)
{
	return p * p + 2 * p + 2 * n;
}

/* R's logit link inverse: exp(eta) kept within [DBL_EPSILON, 1/DBL_EPSILON]. */
static double inv_logit(double eta)
{
	double t = eta < -30 ? DBL_EPSILON : eta > 30 ? 1 / DBL_EPSILON : exp(eta);

	return t / (1 + t);
}

/* y log(y / mu), 0 when y = 0. */
static double ylog(double y, double mu)
{
	return y > 0 ? y * log(y / mu) : 0;
}

static double deviance(const double *y, const double *w, const double *mu, size_t n)
{
	double d = 0;

	for (size_t i = 0; i < n; i++)
		if (w[i] > 0)
			d += 2 * (ylog(y[i], w[i] * mu[i]) + ylog(w[i] - y[i], w[i] * (1 - mu[i])));
	return d;
}

/*
 * Accumulate the lower triangle of X' W X into A (P x P) and X' W z into B (may be NULL) at
 * the current ETA and MU. W's floor on mu (1 - mu) is R's mu.eta floor.
 */
static void normal_equations(const double *x, const double *y, const double *w, size_t n,
			     size_t p, const double *eta, const double *mu, double *A, double *b)
{
	memset(A, 0, p * p * sizeof *A);
	if (b)
		memset(b, 0, p * sizeof *b);
	for (size_t i = 0; i < n; i++) {
		const double *xi = x + i * p;
		double v = mu[i] * (1 - mu[i]), wt, z;

		if (w[i] <= 0)
			continue;
		if (v < DBL_EPSILON)
			v = DBL_EPSILON;
		wt = w[i] * v;
		z = eta[i] + (y[i] / w[i] - mu[i]) / v;
		for (size_t r = 0; r < p; r++) {
			double a = wt * xi[r];

			if (a == 0)
				continue;
			if (b)
				b[r] += a * z;
			for (size_t c = 0; c <= r; c++)
				A[r * p + c] += a * xi[c];
		}
	}
}

int stats_logit(const double *x, const double *y, const double *w, size_t n, size_t p,
		const struct stats_logit_opts *opts, double *beta, double *se, double *mu_out,
		struct stats_logit_fit *fit, double *work)
{
	double *A = work, *b = A + p * p, *old = b + p, *eta = old + p, *mu = eta + n;
	double dev = 0, devold;
	struct stats_logit_fit f = { 0, 0, 0, 0 };
	int rc = STATS_OK;

	if (opts->maxit < 1 || !(opts->epsilon > 0))
		return STATS_ERANGE;
	if (n < 1 || p < 1)
		return STATS_EDOM;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(w[i]) || !isfinite(y[i]) || w[i] < 0 || y[i] < 0 || y[i] > w[i])
			return STATS_EDOM;
		for (size_t j = 0; j < p; j++)
			if (!isfinite(x[i * p + j]))
				return STATS_EDOM;
		mu[i] = (y[i] + 0.5) / (w[i] + 1);
		eta[i] = log(mu[i] / (1 - mu[i]));
	}
	memset(beta, 0, p * sizeof *beta);
	devold = deviance(y, w, mu, n);
	for (f.iterations = 1; f.iterations <= opts->maxit; f.iterations++) {
		gsl_matrix_view Av = gsl_matrix_view_array(A, p, p);
		gsl_vector_view bv = gsl_vector_view_array(b, p);

		normal_equations(x, y, w, n, p, eta, mu, A, b);
		if (gsl_linalg_cholesky_decomp1(&Av.matrix) != GSL_SUCCESS)
			return STATS_ESINGULAR;
		memcpy(old, beta, p * sizeof *beta);
		{
			gsl_vector_view betav = gsl_vector_view_array(beta, p);

			if (gsl_linalg_cholesky_solve(&Av.matrix, &bv.vector, &betav.vector) !=
			    GSL_SUCCESS)
				return STATS_ESINGULAR;
		}
		for (size_t i = 0; i < n; i++) {
			double e = 0;

			for (size_t j = 0; j < p; j++)
				e += x[i * p + j] * beta[j];
			eta[i] = e;
			mu[i] = inv_logit(e);
		}
		dev = deviance(y, w, mu, n);
		if (!isfinite(dev))
			return STATS_ENOCONV;
		if (fabs(dev - devold) / (fabs(dev) + 0.1) < opts->epsilon) {
			f.converged = 1;
			break;
		}
		devold = dev;
	}
	if (f.iterations > opts->maxit)
		f.iterations = opts->maxit;
	f.deviance = dev;
	for (size_t i = 0; i < n; i++)
		if (w[i] > 0 && ((y[i] == 0 && mu[i] < SEPARATED) ||
				 (y[i] == w[i] && mu[i] > 1 - SEPARATED)))
			f.separated = 1;
	if (se) {
		gsl_matrix_view Av = gsl_matrix_view_array(A, p, p);

		/* The information at the estimate itself, so the errors do not depend on the path
		 * the iterations took. */
		normal_equations(x, y, w, n, p, eta, mu, A, NULL);
		if (gsl_linalg_cholesky_decomp1(&Av.matrix) != GSL_SUCCESS ||
		    gsl_linalg_cholesky_invert(&Av.matrix) != GSL_SUCCESS)
			return STATS_ESINGULAR;
		for (size_t j = 0; j < p; j++)
			se[j] = sqrt(A[j * p + j]);
	}
	if (mu_out)
		memcpy(mu_out, mu, n * sizeof *mu);
	if (f.separated)
		rc = STATS_ESEPARATE;
	else if (!f.converged)
		rc = STATS_ENOCONV;
	if (fit)
		*fit = f;
	return rc;
}

int stats_logit_design(const int *const *codes, size_t k, size_t n, double *x, size_t xcap,
		       size_t *p, int *dropped)
{
	unsigned char seen[256];
	size_t cols = 1, at;

	/* Count columns first so nothing is written past XCAP. */
	for (size_t c = 0; c < k; c++) {
		size_t levels = 0;

		memset(seen, 0, sizeof seen);
		for (size_t i = 0; i < n; i++) {
			int v = codes[c][i];

			if (v < 0 || v > 255)
				return STATS_EDOM;
			levels += !seen[v];
			seen[v] = 1;
		}
		dropped[c] = levels < 2;
		if (levels >= 2)
			cols += levels - 1;
	}
	if (n * cols > xcap)
		return STATS_ENOMEM;
	memset(x, 0, n * cols * sizeof *x);
	for (size_t i = 0; i < n; i++)
		x[i * cols] = 1;
	at = 1;
	for (size_t c = 0; c < k; c++) {
		int col_of[256], next = 0, ref = -1;

		if (dropped[c])
			continue;
		memset(seen, 0, sizeof seen);
		for (size_t i = 0; i < n; i++)
			seen[codes[c][i]] = 1;
		for (int v = 0; v < 256; v++) {
			col_of[v] = -1;
			if (!seen[v])
				continue;
			if (ref < 0)
				ref = v; /* the lowest level present is the reference */
			else
				col_of[v] = next++;
		}
		for (size_t i = 0; i < n; i++)
			if (col_of[codes[c][i]] >= 0)
				x[i * cols + at + (size_t)col_of[codes[c][i]]] = 1;
		at += (size_t)next;
	}
	*p = cols;
	return STATS_OK;
}
