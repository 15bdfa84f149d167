/* Funnel-plot limits, classification and overdispersion; see funnel.h for methods and sources. */
#include "stats/funnel.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

#include "stats/ci.h"
#include "stats/stats.h"

/* M_PI is POSIX, not C17. */
#define PI 3.14159265358979323846
#define HALF_PI (PI / 2)

static int bad_level(double level)
{
	return !(level > 0 && level < 1);
}

/* Two-sided standard normal quantile for LEVEL. */
static double z_of(double level)
{
	return gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2);
}

int stats_funnel_baseline(const double *num, const double *den, size_t n, double *target)
{
	double sn = 0, sd = 0;

	if (n == 0)
		return STATS_EDOM;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(num[i]) || !isfinite(den[i]) || num[i] < 0 || den[i] <= 0)
			return STATS_EDOM;
		sn += num[i];
		sd += den[i];
	}
	/* Finite terms can still overflow in the sum. */
	if (!isfinite(sn) || !isfinite(sd))
		return STATS_EDOM;
	*target = sn / sd;
	return STATS_OK;
}

/*
 * Spiegelhalter's interpolated binomial limit for one tail probability P: the smallest r with
 * F(r) >= p, found by bisection on whole numbers (at most 32 halvings for N < 2^32), then
 * pulled back by the fraction of the step F(r) - F(r - 1) that overshoots P.
 */
static double binom_interp(double p, double target, unsigned int n)
{
	unsigned int lo = 0, hi = n, r;
	double f, fprev;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (gsl_cdf_binomial_P(mid, target, n) >= p)
			hi = mid;
		else
			lo = mid + 1;
	}
	r = lo;
	f = gsl_cdf_binomial_P(r, target, n);
	fprev = r == 0 ? 0 : gsl_cdf_binomial_P(r - 1, target, n);
	/* F(r) > F(r - 1) whenever F(r) >= p > F(r - 1); the guard covers target 0 or 1. */
	if (f > fprev)
		return ((double)r - (f - p) / (f - fprev)) / n;
	return (double)r / n;
}

int stats_funnel_prop_limits(double target, double n, double level,
			     enum stats_funnel_prop_method method, struct stats_funnel_limits *out)
{
	double lo, hi;

	if (bad_level(level))
		return STATS_ERANGE;
	if (!isfinite(target) || !isfinite(n) || n <= 0 || target < 0 || target > 1)
		return STATS_EDOM;
	switch (method) {
	case STATS_FUNNEL_PROP_WILSON: {
		double half = z_of(level) * sqrt(target * (1 - target) / n);

		lo = target - half;
		hi = target + half;
		break;
	}
	case STATS_FUNNEL_PROP_EXACT: {
		double a = 1 - level;

		if (n != floor(n) || n > 4294967295.0)
			return STATS_EDOM;
		lo = binom_interp(a / 2, target, (unsigned int)n);
		hi = binom_interp(1 - a / 2, target, (unsigned int)n);
		break;
	}
	default:
		return STATS_ERANGE;
	}
	/*
	 * Wilson's normal limits pass 0 or 1 at small N, and the interpolated binomial ones
	 * reach -1/N at r_p = 0 (the interpolation spreads R over [R - 1, R]): both are clipped.
	 */
	out->lower = fmin(1, fmax(0, lo));
	out->upper = fmin(1, fmax(0, hi));
	return STATS_OK;
}

static int bad_levels(const double *levels, size_t nlev)
{
	if (nlev == 0)
		return 1;
	for (size_t k = 0; k < nlev; k++)
		if (bad_level(levels[k]) || (k > 0 && !(levels[k] > levels[k - 1])))
			return 1;
	return 0;
}

int stats_funnel_prop_classify(double x, double n, double target, const double *levels,
			       size_t nlev, enum stats_funnel_prop_method method, int *cls)
{
	int above = 0, below = 0;

	if (bad_levels(levels, nlev))
		return STATS_ERANGE;
	if (!isfinite(x) || !isfinite(n) || x < 0 || n <= 0 || x > n)
		return STATS_EDOM;
	/* Limits at ascending levels are nested, so the counts are a leading run of levels. */
	for (size_t k = 0; k < nlev; k++) {
		struct stats_funnel_limits lim;
		int rc = stats_funnel_prop_limits(target, n, levels[k], method, &lim);

		if (rc != STATS_OK)
			return rc;
		above += x / n > lim.upper;
		below += x / n < lim.lower;
	}
	*cls = above ? above : -below;
	return STATS_OK;
}

/*
 * Tail probabilities of the unit-scale gamma of shape A, P(A, x) (UPPER = 0) or Q(A, x).
 * GSL's gsl_cdf_gamma_P / Q are accurate to about 1e-9 up to shapes of 1e4 (against R's
 * pgamma), but from about 5e4 they drift, by 1e-2 in a 0.1% tail at 5e5, and rate funnels
 * reach such expected counts. Above 1e4 the tails are therefore summed here: the series
 * P = x^A e^-x / Gamma(A + 1) sum_n x^n / ((A + 1)..(A + n)) below x = A + 1 and Legendre's
 * continued fraction for Q above it (Abramowitz and Stegun 6.5.29 and 6.5.31; evaluated by
 * Lentz's method), each converging in O(sqrt(A)) terms. The common factor x^A e^-x / Gamma(A)
 * is computed as exp(A (log1p(d) - d)) sqrt(A / 2 pi) exp(-c(A)), x = A (1 + d), with c the
 * Stirling series of lgamma, so that no large logarithms cancel.
 */
static double log1pmx(double d)
{
	double term = d, sum = 0;

	if (fabs(d) > 0.25)
		return log1p(d) - d;
	/* log1p(d) - d = -d^2/2 + d^3/3 - ...: summed directly, as the difference cancels. */
	for (int k = 2; k < 60; k++) {
		term *= -d;
		sum += term / k;
		if (fabs(term) < 1e-18 * fabs(sum))
			break;
	}
	return sum;
}

static double gamma_tail_large(double a, double x, int upper)
{
	double d = (x - a) / a, stirling, pre, r;

	stirling = 1 / (12 * a) - 1 / (360 * a * a * a) + 1 / (1260 * a * a * a * a * a);
	pre = exp(a * log1pmx(d) + 0.5 * log(a / (2 * PI)) - stirling);
	if (x < a + 1) {
		double term = 1, sum = 1;

		for (double n = 1; term > 1e-17 * sum && n < 1e9; n++) {
			term *= x / (a + n);
			sum += term;
		}
		r = pre * sum / a;
		return upper ? 1 - r : r;
	}
	{
		/* Lentz's algorithm for Q = pre / (x + 1 - a - 1(1 - a) / (x + 3 - a - ...)). */
		double b = x + 1 - a, c = 1 / DBL_MIN, dd = 1 / b, h = dd;

		for (double i = 1; i < 1e9; i++) {
			double an = -i * (i - a), del;

			b += 2;
			dd = an * dd + b;
			if (fabs(dd) < DBL_MIN)
				dd = DBL_MIN;
			c = b + an / c;
			if (fabs(c) < DBL_MIN)
				c = DBL_MIN;
			dd = 1 / dd;
			del = dd * c;
			h *= del;
			if (fabs(del - 1) <= 2 * DBL_EPSILON)
				break;
		}
		r = pre * h;
		return upper ? r : 1 - r;
	}
}

/*
 * Gamma^-1(P; SHAPE) with unit scale. GSL's gsl_cdf_gamma_Pinv gives up (NaN) for shapes
 * above about 16,000 and below about 0.13 at the usual tails, and funnels need both. So the
 * quantile is found here from the tail probabilities: bracket the root, then Newton steps on
 * F(x) - P that fall back to bisection when they leave the bracket. The lower tail solves
 * P(SHAPE, x) = P, the upper Q(SHAPE, x) = 1 - P, each in the tail where it is accurate.
 * Above a shape of 1e9 the Wilson-Hilferty cube-root approximation is used as it stands: its
 * relative error there is below 1e-13 up to levels of 0.999999 (against R's qgamma), less
 * than the tail sums would keep over their O(sqrt(SHAPE)) terms. A quantile below the smallest
 * normal double is 0 (as R's qgamma). Returns STATS_EDOM if no root is found, which the
 * bracketing makes unreachable in practice.
 */
static double gamma_resid(double x, double shape, double p, int upper)
{
	if (shape >= 1e4)
		return upper ? (1 - p) - gamma_tail_large(shape, x, 1)
			     : gamma_tail_large(shape, x, 0) - p;
	return upper ? (1 - p) - gsl_cdf_gamma_Q(x, shape, 1) : gsl_cdf_gamma_P(x, shape, 1) - p;
}

static int gamma_q(double p, double shape, double *q)
{
	int upper = p > 0.5;
	double lo = DBL_MIN, hi, x, z = gsl_cdf_ugaussian_Pinv(p);

	/* Start from Wilson-Hilferty, or from P(a, x) ~ x^a / Gamma(a + 1) for small x. */
	x = 1 - 1 / (9 * shape) + z / (3 * sqrt(shape));
	if (shape > 1e9) {
		*q = shape * x * x * x;
		return STATS_OK;
	}
	if (gamma_resid(lo, shape, p, upper) >= 0) {
		*q = 0;
		return STATS_OK;
	}
	x = x > 0.1 ? shape * x * x * x : exp((log(p) + lgamma(shape + 1)) / shape);
	if (!(x > lo) || !isfinite(x))
		x = 1;
	hi = x;
	while (gamma_resid(hi, shape, p, upper) < 0) {
		lo = hi;
		hi *= 2;
		if (!isfinite(hi))
			return STATS_EDOM;
	}
	if (!(x > lo && x <= hi))
		x = lo + (hi - lo) / 2;
	for (int it = 0; it < 400; it++) {
		double f = gamma_resid(x, shape, p, upper), d, nx;

		if (f == 0)
			break;
		if (f < 0)
			lo = x;
		else
			hi = x;
		d = exp((shape - 1) * log(x) - x - lgamma(shape)); /* the density; only steers */
		nx = d > 0 ? x - f / d : NAN;
		if (!(nx > lo && nx < hi)) {
			/* Bisect, geometrically while the bracket spans orders of magnitude. */
			nx = hi > 4 * lo ? sqrt(lo) * sqrt(hi) : lo + (hi - lo) / 2;
		}
		if (fabs(nx - x) <= 4 * DBL_EPSILON * x || nx == lo || nx == hi) {
			x = nx;
			break;
		}
		x = nx;
	}
	if (!isfinite(x) || x < 0)
		return STATS_EDOM;
	*q = x;
	return STATS_OK;
}

int stats_funnel_ratio_limits(double e, double level, struct stats_funnel_limits *out)
{
	double a, lo, hi;
	int rc;

	if (bad_level(level))
		return STATS_ERANGE;
	if (!isfinite(e) || e <= 0)
		return STATS_EDOM;
	a = 1 - level;
	if ((rc = gamma_q(a / 2, e, &lo)) != STATS_OK || (rc = gamma_q(1 - a / 2, e + 1, &hi)))
		return rc;
	out->lower = lo / e;
	out->upper = hi / e;
	return STATS_OK;
}

int stats_funnel_rate_limits(double rate, double pop, double level,
			     struct stats_funnel_limits *out)
{
	double e, a, lo, hi;
	int rc;

	if (bad_level(level))
		return STATS_ERANGE;
	if (!isfinite(rate) || !isfinite(pop) || rate <= 0 || pop <= 0)
		return STATS_EDOM;
	e = rate * pop;
	if (!isfinite(e) || e <= 0)
		return STATS_EDOM;
	a = 1 - level;
	if ((rc = gamma_q(a / 2, e, &lo)) != STATS_OK || (rc = gamma_q(1 - a / 2, e + 1, &hi)))
		return rc;
	/* Dividing the counts by POP, not by E, keeps the rate's own units. */
	out->lower = lo / pop;
	out->upper = hi / pop;
	return STATS_OK;
}

int stats_funnel_poisson_expected(double o, double level, double *e_lower, double *e_upper)
{
	double a, lo = 0, hi;
	int rc;

	if (bad_level(level))
		return STATS_ERANGE;
	if (!isfinite(o) || o < 0)
		return STATS_EDOM;
	a = 1 - level;
	if ((rc = gamma_q(1 - a / 2, o + 1, &hi)) != STATS_OK)
		return rc;
	if (o > 0 && (rc = gamma_q(a / 2, o, &lo)) != STATS_OK)
		return rc;
	*e_lower = hi;
	*e_upper = lo;
	return STATS_OK;
}

int stats_funnel_rate_denominator(double o, double rate, double multiplier, double *den)
{
	double d;

	if (!isfinite(o) || !isfinite(rate) || !isfinite(multiplier) || o <= 0 || rate <= 0 ||
	    multiplier <= 0)
		return STATS_EDOM;
	d = multiplier * o / rate;
	if (!isfinite(d) || d <= 0)
		return STATS_EDOM;
	*den = d;
	return STATS_OK;
}

int stats_funnel_classify(double y, const struct stats_funnel_limits *lim, size_t nlev,
			  int *cls)
{
	int above = 0, below = 0;

	if (nlev == 0)
		return STATS_ERANGE;
	if (!isfinite(y))
		return STATS_EDOM;
	for (size_t k = 0; k < nlev; k++) {
		if (isnan(lim[k].lower) || isnan(lim[k].upper))
			return STATS_EDOM;
		if (lim[k].lower > lim[k].upper)
			return STATS_ERANGE;
		if (k > 0 && (lim[k].lower > lim[k - 1].lower || lim[k].upper < lim[k - 1].upper))
			return STATS_ERANGE;
	}
	/* Nesting makes the limits Y is beyond a leading run of levels, so counting suffices. */
	for (size_t k = 0; k < nlev; k++) {
		above += y > lim[k].upper;
		below += y < lim[k].lower;
	}
	*cls = above ? above : -below;
	return STATS_OK;
}

int stats_funnel_poisson_classify(double o, double e, double target, const double *levels,
				  size_t nlev, int *cls)
{
	int above = 0, below = 0;

	if (bad_levels(levels, nlev))
		return STATS_ERANGE;
	if (!isfinite(e) || !isfinite(target) || e <= 0 || target <= 0)
		return STATS_EDOM;
	for (size_t k = 0; k < nlev; k++) {
		struct stats_interval ci;
		int rc = stats_ci_poisson(o, levels[k], &ci, NULL);

		if (rc != STATS_OK)
			return rc;
		above += ci.lower / e > target;
		below += ci.upper / e < target;
	}
	*cls = above ? above : -below;
	return STATS_OK;
}

/* Standard error s of the transformed indicator at denominator E under the null. */
static double od_se(enum stats_funnel_od_method method, double e)
{
	return method == STATS_FUNNEL_OD_SHMI ? 1 / sqrt(e) : 1 / (2 * sqrt(e));
}

static int od_target_ok(enum stats_funnel_od_method method, double target)
{
	if (!isfinite(target))
		return 0;
	if (method == STATS_FUNNEL_OD_PROP)
		return target > 0 && target < 1;
	return target > 0;
}

/* Unadjusted z-score of one unit; the caller has checked its inputs. */
static double od_z(enum stats_funnel_od_method method, double o, double e, double target)
{
	switch (method) {
	case STATS_FUNNEL_OD_SHMI:
		return sqrt(e) * (log(o / e) - log(target));
	case STATS_FUNNEL_OD_CQC:
		return 2 * sqrt(e) * (sqrt(o / e) - sqrt(target));
	default:
		return 2 * sqrt(e) * (asin(sqrt(o / e)) - asin(sqrt(target)));
	}
}

/* Average 1-based rank of V among the N sorted values S, as R's rank(ties = "average"). */
static double avg_rank(const double *s, size_t n, double v)
{
	size_t lo = 0, hi = n, less, le;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	less = lo;
	hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	le = lo;
	/* Positions less+1 .. le hold V; their mean is (less + 1 + le) / 2. */
	return ((double)less + 1 + (double)le) / 2;
}

/*
 * Whether unit I with z-score ZI is kept (SHMI truncation) or left as it is (winsorising),
 * given the N sorted z-scores S and the winsorising bounds QL, QH.
 */
static int od_kept(enum stats_funnel_od_method method, const double *s, size_t n, double zi,
		   double trim, double ql, double qh)
{
	double k, g;

	if (method != STATS_FUNNEL_OD_SHMI)
		return !(zi < ql || zi > qh);
	if (trim == 0)
		return 1; /* 1/TRIM groups: infinitely many, none dropped */
	k = 1 / trim;
	g = floor(avg_rank(s, n, zi) * k / (double)(n + 1));
	return g > 0 && g < k - 1;
}

int stats_funnel_od_estimate(const double *o, const double *e, size_t n,
			     enum stats_funnel_od_method method, double target, double trim,
			     double *z, int *trimmed, double *work, size_t nwork,
			     struct stats_funnel_od *out)
{
	double sz2 = 0, sw = 0, sw2 = 0, zlo = INFINITY, zhi = -INFINITY, ql = 0, qh = 0;
	double phi, tau2 = 0, denom;
	size_t used = 0;

	if (method != STATS_FUNNEL_OD_SHMI && method != STATS_FUNNEL_OD_CQC &&
	    method != STATS_FUNNEL_OD_PROP)
		return STATS_ERANGE;
	if (!(trim >= 0 && trim < 0.5))
		return STATS_ERANGE;
	if (n < 2)
		return STATS_EDOM;
	if (nwork < n)
		return STATS_ENOMEM;
	if (!od_target_ok(method, target))
		return STATS_EDOM;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(o[i]) || !isfinite(e[i]) || o[i] < 0 || e[i] <= 0)
			return STATS_EDOM;
		if (method == STATS_FUNNEL_OD_SHMI && o[i] == 0)
			return STATS_EDOM;
		if (method == STATS_FUNNEL_OD_PROP && o[i] > e[i])
			return STATS_EDOM;
		work[i] = od_z(method, o[i], e[i], target);
		if (!isfinite(work[i]))
			return STATS_EDOM;
	}
	/* WORK is sorted from here on; a unit's z-score is recomputed from its inputs. */
	gsl_sort(work, 1, n);
	if (method != STATS_FUNNEL_OD_SHMI) {
		/* Winsorising at R's type 7 quantiles, which GSL's from_sorted_data computes. */
		ql = gsl_stats_quantile_from_sorted_data(work, 1, n, trim);
		qh = gsl_stats_quantile_from_sorted_data(work, 1, n, 1 - trim);
	}
	for (size_t i = 0; i < n; i++) {
		double zi = od_z(method, o[i], e[i], target), s = od_se(method, e[i]);
		double w = 1 / (s * s);

		if (!od_kept(method, work, n, zi, trim, ql, qh)) {
			if (method == STATS_FUNNEL_OD_SHMI)
				continue;
			zi = zi < ql ? ql : qh;
		}
		sz2 += zi * zi;
		sw += w;
		sw2 += w * w;
		used++;
		zlo = fmin(zlo, zi);
		zhi = fmax(zhi, zi);
	}
	if (used < 2)
		return STATS_EDOM;
	phi = sz2 / (double)used;
	/*
	 * sum w - sum w^2 / sum w is the sum of w_i (1 - w_i / sum w), positive for two or more
	 * positive weights; the test guards against its rounding to 0 all the same.
	 */
	denom = sw - sw2 / sw;
	if ((double)used * phi >= (double)(used - 1) && denom > 0)
		tau2 = fmax(0, ((double)used * phi - (double)(used - 1)) / denom);
	if (!isfinite(phi) || !isfinite(tau2))
		return STATS_EDOM;
	for (size_t i = 0; i < n; i++) {
		double zi = od_z(method, o[i], e[i], target);

		if (z)
			z[i] = zi;
		if (trimmed)
			trimmed[i] = !od_kept(method, work, n, zi, trim, ql, qh);
	}
	out->phi = phi;
	out->tau2 = tau2;
	out->n_used = used;
	out->z_lo = zlo;
	out->z_hi = zhi;
	return STATS_OK;
}

/* R's type 7 quantile of sorted X[0..N); -infinity next to it stays -infinity, as in R. */
static double quantile7(const double *x, size_t n, double p)
{
	double h = (double)(n - 1) * p, lo = floor(h);
	size_t i = (size_t)lo;

	if (h == lo || i + 1 >= n || x[i + 1] == x[i])
		return x[i];
	if (isinf(x[i]))
		return x[i];
	return x[i] + (h - lo) * (x[i + 1] - x[i]);
}

int stats_funnel_od_shmi_quantile(const double *o, const double *e, size_t n, double trim,
				  enum stats_funnel_tails tails, double *z, int *kept,
				  double *work, size_t nwork, struct stats_funnel_od *out)
{
	double ql, qh, sz2 = 0, sw = 0, sw2 = 0, zlo = INFINITY, zhi = -INFINITY, phi, denom;
	double tau2 = 0;
	size_t used = 0;

	if (!(trim >= 0 && trim < 0.5) ||
	    (tails != STATS_FUNNEL_TAILS_TRIM && tails != STATS_FUNNEL_TAILS_WINSOR))
		return STATS_ERANGE;
	if (nwork < n)
		return STATS_ENOMEM;
	if (n < 2)
		return STATS_EDOM;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(o[i]) || !isfinite(e[i]) || o[i] < 0 || e[i] <= 0)
			return STATS_EDOM;
		work[i] = o[i] == 0 ? -INFINITY : sqrt(e[i]) * log(o[i] / e[i]);
	}
	gsl_sort(work, 1, n);
	ql = quantile7(work, n, trim);
	qh = quantile7(work, n, 1 - trim);
	for (size_t i = 0; i < n; i++) {
		double zi = o[i] == 0 ? -INFINITY : sqrt(e[i]) * log(o[i] / e[i]);
		int keep;

		if (tails == STATS_FUNNEL_TAILS_TRIM) {
			keep = zi > ql && zi < qh;
		} else {
			zi = zi < ql ? ql : zi > qh ? qh : zi;
			keep = isfinite(zi);
		}
		if (z)
			z[i] = o[i] == 0 ? -INFINITY : sqrt(e[i]) * log(o[i] / e[i]);
		if (kept)
			kept[i] = keep;
		if (!keep)
			continue;
		sz2 += zi * zi;
		sw += e[i];
		sw2 += e[i] * e[i];
		used++;
		zlo = fmin(zlo, zi);
		zhi = fmax(zhi, zi);
	}
	if (used < 2)
		return STATS_EDOM;
	phi = sz2 / (double)used;
	denom = sw - sw2 / sw;
	if ((double)used * phi >= (double)(used - 1) && denom > 0)
		tau2 = ((double)used * phi - (double)(used - 1)) / denom;
	if (!isfinite(phi) || !isfinite(tau2))
		return STATS_EDOM;
	out->phi = phi;
	out->tau2 = tau2;
	out->n_used = used;
	out->z_lo = zlo;
	out->z_hi = zhi;
	return STATS_OK;
}

int stats_funnel_od_limits(enum stats_funnel_od_method method, double target, double e,
			   double tau2, double level, struct stats_funnel_limits *out)
{
	double z, s, sd, lo, hi;

	if (bad_level(level))
		return STATS_ERANGE;
	if (method != STATS_FUNNEL_OD_SHMI && method != STATS_FUNNEL_OD_CQC &&
	    method != STATS_FUNNEL_OD_PROP)
		return STATS_ERANGE;
	if (!isfinite(e) || !isfinite(tau2) || e <= 0 || tau2 < 0 || !od_target_ok(method, target))
		return STATS_EDOM;
	z = z_of(level);
	s = od_se(method, e);
	sd = sqrt(s * s + tau2);
	switch (method) {
	case STATS_FUNNEL_OD_SHMI:
		lo = target * exp(-z * sd);
		hi = target * exp(z * sd);
		break;
	case STATS_FUNNEL_OD_CQC: {
		double r = sqrt(target);

		/* Squaring a negative root would fold the limit back up: the limit is 0. */
		lo = r - z * sd < 0 ? 0 : (r - z * sd) * (r - z * sd);
		hi = (r + z * sd) * (r + z * sd);
		break;
	}
	default: {
		/* sin^2 rises only on [0, pi/2]: past either end the limit is 0 or 1. */
		double t = asin(sqrt(target)), a = t - z * sd, b = t + z * sd;

		lo = a <= 0 ? 0 : sin(a) * sin(a);
		hi = b >= HALF_PI ? 1 : sin(b) * sin(b);
		break;
	}
	}
	if (!isfinite(lo) || !isfinite(hi))
		return STATS_EDOM;
	out->lower = lo;
	out->upper = hi;
	return STATS_OK;
}

/*
 * Decimal digits of the whole number V >= 0. R's signif.floor / signif.ceiling take nchar()
 * of the number, which is shorter for a few round numbers (100000 prints as "1e+05"); those
 * have at most two significant digits, so rounding at the finer position R picks gives the
 * same result as at this one.
 */
static int digits_whole(double v)
{
	int d = 1;

	while (v >= 10) {
		v = floor(v / 10);
		d++;
	}
	return d;
}

int stats_funnel_axis_range(double min, double max, double *lo, double *hi)
{
	double f, c, p;

	if (!isfinite(min) || !isfinite(max) || min <= 0 || max < min || max >= 1e15)
		return STATS_EDOM;
	/* signif.floor(x, 0.95): keep the leading digit of floor(0.95 x). */
	if (max > 2 * min) {
		*lo = 0;
	} else {
		f = floor(min * 0.95);
		p = pow(10, digits_whole(f) - 1);
		*lo = f == 0 ? 0 : floor(min * 0.95 / p) * p;
	}
	/* signif.ceiling(x, 1.05): keep two leading digits of ceiling(1.05 x). */
	c = ceil(max * 1.05);
	p = pow(10, digits_whole(c) - 2);
	*hi = ceil(max * 1.05 / p) * p;
	return STATS_OK;
}

int stats_funnel_axis_points(double lo, double hi, size_t npts, enum stats_funnel_axis_kind kind,
			     double *x)
{
	double extra;

	if (kind != STATS_FUNNEL_AXIS_PROPORTION && kind != STATS_FUNNEL_AXIS_RATE &&
	    kind != STATS_FUNNEL_AXIS_RATIO)
		return STATS_ERANGE;
	if (!isfinite(lo) || !isfinite(hi) || lo < 0 || hi < 1 || npts < 2)
		return STATS_EDOM;
	/* PHE's ratio loop runs its offset one behind the others. */
	extra = kind == STATS_FUNNEL_AXIS_RATIO ? 1 : 0;
	x[0] = lo > 1 ? lo : 1;
	for (size_t j = 1; j < npts; j++) {
		double step = pow(hi / x[j - 1], 1 / ((double)(npts - j) + extra)) * x[j - 1];

		/* nearbyint rounds half to even in the default mode, as R's round(). */
		step = nearbyint(step);
		x[j] = step > x[j - 1] + 1 ? step : x[j - 1] + 1;
	}
	return STATS_OK;
}
