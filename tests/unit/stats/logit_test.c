/*
 * Logistic regression by IRLS: a model whose maximum-likelihood estimate is known in closed
 * form, collapsed patterns against one row per record, an independent fit by R's glm, and the
 * failures (separation, non-convergence, a singular design, bad input).
 */
#include <math.h>
#include <string.h>

#include "stats/logit.h"
#include "stats/stats.h"
#include "test.h"

static double work[4096];

static double logit(double p)
{
	return log(p / (1 - p));
}

/*
 * One categorical covariate with three levels: 10 of 100, 30 of 100 and 5 of 50 events. The
 * fitted probability of each level is its observed proportion, so the intercept is
 * logit(0.1) = -2.197225, the second level's coefficient logit(0.3) - logit(0.1) = 1.349927 and
 * the third's logit(0.1) - logit(0.1) = 0. The information matrix is block-simple: the
 * intercept's standard error is sqrt(1 / (100 x 0.1 x 0.9)) = 0.333333, and each level's
 * sqrt(1/9 + 1 / (n p (1 - p))): sqrt(1/9 + 1/21) = 0.398410 and sqrt(1/9 + 1/4.5) = 0.577350.
 */
static void closed_form_one_factor(void)
{
	int lv[3] = { 0, 1, 2 };
	const int *codes[1] = { lv };
	double x[9], y[3] = { 10, 30, 5 }, w[3] = { 100, 100, 50 }, beta[3], se[3], mu[3];
	size_t p;
	int dropped[1];
	struct stats_logit_opts o;
	struct stats_logit_fit f;

	CHECK_INT(stats_logit_design(codes, 1, 3, x, 9, &p, dropped), STATS_OK);
	CHECK_INT(p, 3);
	CHECK_INT(dropped[0], 0);
	stats_logit_defaults(&o);
	CHECK_INT(stats_logit(x, y, w, 3, 3, &o, beta, se, mu, &f, work), STATS_OK);
	CHECK(f.converged);
	CHECK_NEAR(beta[0], logit(0.1), 1e-8);
	CHECK_NEAR(beta[1], logit(0.3) - logit(0.1), 1e-8);
	CHECK_NEAR(beta[2], 0, 1e-8);
	CHECK_NEAR(se[0], sqrt(1 / 9.0), 1e-6);
	CHECK_NEAR(se[1], sqrt(1 / 9.0 + 1 / 21.0), 1e-6);
	CHECK_NEAR(se[2], sqrt(1 / 9.0 + 1 / 4.5), 1e-6);
	CHECK_NEAR(mu[1], 0.3, 1e-8);
	/* A saturated model fits exactly: deviance 0. */
	CHECK_NEAR(f.deviance, 0, 1e-8);
}

/*
 * Against R 4.2.2: glm(cbind(d, n - d) ~ factor(age) + factor(sex), family = binomial) on
 * age = 0,0,1,1,2,2,0,1,2; sex = 1,2,1,2,1,2,1,2,2; n = 120,95,80,110,60,40,30,25,15;
 * d = 6,3,9,8,14,7,2,3,4 (rows 7-9 repeat the patterns of rows 1, 4 and 6) printed
 * coefficients -2.942231068717, 0.859421487711, 1.809725566159, -0.326026313424, standard
 * errors 0.322739775779, 0.394630892504, 0.384337556531, 0.294722135372, deviance
 * 1.41838315365 after 4 iterations. Checked at 1e-9 (estimates) and 1e-6 (standard errors:
 * R takes them from the weights of the iteration before the estimate, custodian at the
 * estimate itself).
 */
static void agrees_with_r_glm(void)
{
	int age[9] = { 0, 0, 1, 1, 2, 2, 0, 1, 2 }, sex[9] = { 1, 2, 1, 2, 1, 2, 1, 2, 2 };
	const int *codes[2] = { age, sex };
	double n[9] = { 120, 95, 80, 110, 60, 40, 30, 25, 15 };
	double d[9] = { 6, 3, 9, 8, 14, 7, 2, 3, 4 };
	double x[9 * 4], beta[4], se[4];
	static const double rb[4] = { -2.942231068717, 0.859421487711, 1.809725566159,
				      -0.326026313424 };
	static const double rse[4] = { 0.322739775779, 0.394630892504, 0.384337556531,
				       0.294722135372 };
	size_t p;
	int dropped[2];
	struct stats_logit_opts o;
	struct stats_logit_fit f;

	CHECK_INT(stats_logit_design(codes, 2, 9, x, sizeof x / sizeof *x, &p, dropped),
		  STATS_OK);
	CHECK_INT(p, 4);
	stats_logit_defaults(&o);
	CHECK_INT(stats_logit(x, d, n, 9, p, &o, beta, se, NULL, &f, work), STATS_OK);
	for (int j = 0; j < 4; j++) {
		CHECK_NEAR(beta[j], rb[j], 1e-9);
		CHECK_NEAR(se[j], rse[j], 1e-6);
	}
	CHECK_NEAR(f.deviance, 1.41838315365, 1e-9);
	CHECK_INT(f.iterations, 4);
}

/* Collapsed patterns with weights give the estimate of one row per record. */
static void collapsed_equals_expanded(void)
{
	int lvc[4] = { 0, 1, 2, 3 };
	const int *cc[1] = { lvc };
	double xc[16], yc[4] = { 3, 7, 2, 11 }, wc[4] = { 20, 25, 30, 28 }, bc[4], sc[4];
	static int lve[103];
	static double xe[103 * 4], ye[103], we[103];
	const int *ce[1] = { lve };
	double be[4], sev[4];
	size_t p, m = 0;
	int dropped[1];
	struct stats_logit_opts o;
	static double big[103 * 4 + 64];

	for (int g = 0; g < 4; g++)
		for (int r = 0; r < (int)wc[g]; r++, m++) {
			lve[m] = g;
			ye[m] = r < (int)yc[g];
			we[m] = 1;
		}
	CHECK_INT(m, 103);
	stats_logit_defaults(&o);
	CHECK_INT(stats_logit_design(cc, 1, 4, xc, 16, &p, dropped), STATS_OK);
	CHECK_INT(stats_logit(xc, yc, wc, 4, p, &o, bc, sc, NULL, NULL, work), STATS_OK);
	CHECK_INT(stats_logit_design(ce, 1, m, xe, 103 * 4, &p, dropped), STATS_OK);
	CHECK(stats_logit_work_size(m, p) <= sizeof big / sizeof *big);
	CHECK_INT(stats_logit(xe, ye, we, m, p, &o, be, sev, NULL, NULL, big), STATS_OK);
	for (int j = 0; j < 4; j++) {
		CHECK_NEAR(be[j], bc[j], 1e-9);
		CHECK_NEAR(sev[j], sc[j], 1e-9);
	}
}

/* Dummy coding: the lowest level present is the reference; a one-level covariate is dropped. */
static void design_coding(void)
{
	int a[4] = { 5, 3, 7, 3 }, b[4] = { 2, 2, 2, 2 };
	const int *codes[2] = { a, b };
	double x[12];
	size_t p;
	int dropped[2];

	CHECK_INT(stats_logit_design(codes, 2, 4, x, 12, &p, dropped), STATS_OK);
	CHECK_INT(p, 3); /* intercept, level 5, level 7 (3 is the reference) */
	CHECK_INT(dropped[0], 0);
	CHECK_INT(dropped[1], 1);
	/* Row 0 is level 5: 1, 1, 0; row 1 level 3: 1, 0, 0; row 2 level 7: 1, 0, 1. */
	CHECK(x[0] == 1 && x[1] == 1 && x[2] == 0);
	CHECK(x[3] == 1 && x[4] == 0 && x[5] == 0);
	CHECK(x[6] == 1 && x[7] == 0 && x[8] == 1);
	CHECK_INT(stats_logit_design(codes, 2, 4, x, 11, &p, dropped), STATS_ENOMEM);
	a[1] = 256;
	CHECK_INT(stats_logit_design(codes, 2, 4, x, 12, &p, dropped), STATS_EDOM);
	a[1] = -1;
	CHECK_INT(stats_logit_design(codes, 2, 4, x, 12, &p, dropped), STATS_EDOM);
}

/*
 * Separation: a level with no events (0 of 40) has no finite coefficient; its fitted
 * probability goes to 0. Reported as STATS_ESEPARATE with the last iterate filled in: the
 * other level still fits its observed 10 of 50.
 */
static void separation_is_detected(void)
{
	int lv[2] = { 0, 1 };
	const int *codes[1] = { lv };
	double x[4], y[2] = { 10, 0 }, w[2] = { 50, 40 }, beta[2], mu[2];
	size_t p;
	int dropped[1];
	struct stats_logit_opts o;
	struct stats_logit_fit f;

	stats_logit_defaults(&o);
	CHECK_INT(stats_logit_design(codes, 1, 2, x, 4, &p, dropped), STATS_OK);
	CHECK_INT(stats_logit(x, y, w, 2, p, &o, beta, NULL, mu, &f, work), STATS_ESEPARATE);
	CHECK(f.separated);
	CHECK_NEAR(mu[0], 0.2, 1e-8);
	CHECK(mu[1] < 1e-10);
	/* Complete separation on a continuous covariate: x < 0 never, x > 0 always. */
	double xs[12] = { 1, -3, 1, -2, 1, -1, 1, 1, 1, 2, 1, 3 };
	double ys[6] = { 0, 0, 0, 1, 1, 1 }, ws[6] = { 1, 1, 1, 1, 1, 1 }, bs[2];
	CHECK_INT(stats_logit(xs, ys, ws, 6, 2, &o, bs, NULL, NULL, &f, work), STATS_ESEPARATE);
}

static void failures(void)
{
	double x[6] = { 1, 1, 1, 1, 1, 1 }, y[3] = { 1, 2, 3 }, w[3] = { 10, 10, 10 }, b[3];
	struct stats_logit_opts o;
	struct stats_logit_fit f;
	int lv[3] = { 0, 1, 2 };
	const int *codes[1] = { lv };
	double xd[9];
	size_t p;
	int dropped[1];

	stats_logit_defaults(&o);
	/* Two identical columns: X'WX is singular. */
	CHECK_INT(stats_logit(x, y, w, 3, 2, &o, b, NULL, NULL, &f, work), STATS_ESINGULAR);
	/* One iteration is not enough to converge. */
	CHECK_INT(stats_logit_design(codes, 1, 3, xd, 9, &p, dropped), STATS_OK);
	o.maxit = 1;
	CHECK_INT(stats_logit(xd, y, w, 3, p, &o, b, NULL, NULL, &f, work), STATS_ENOCONV);
	CHECK(!f.converged);
	o.maxit = 0;
	CHECK_INT(stats_logit(xd, y, w, 3, p, &o, b, NULL, NULL, &f, work), STATS_ERANGE);
	stats_logit_defaults(&o);
	o.epsilon = 0;
	CHECK_INT(stats_logit(xd, y, w, 3, p, &o, b, NULL, NULL, &f, work), STATS_ERANGE);
	stats_logit_defaults(&o);
	CHECK_INT(stats_logit(xd, y, w, 0, p, &o, b, NULL, NULL, &f, work), STATS_EDOM);
	y[1] = 11; /* more events than trials */
	CHECK_INT(stats_logit(xd, y, w, 3, p, &o, b, NULL, NULL, &f, work), STATS_EDOM);
	y[1] = -1;
	CHECK_INT(stats_logit(xd, y, w, 3, p, &o, b, NULL, NULL, &f, work), STATS_EDOM);
	y[1] = 2, w[2] = NAN;
	CHECK_INT(stats_logit(xd, y, w, 3, p, &o, b, NULL, NULL, &f, work), STATS_EDOM);
	w[2] = 10, xd[4] = INFINITY;
	CHECK_INT(stats_logit(xd, y, w, 3, p, &o, b, NULL, NULL, &f, work), STATS_EDOM);
}

int main(void)
{
	stats_init();
	RUN(closed_form_one_factor);
	RUN(agrees_with_r_glm);
	RUN(collapsed_equals_expanded);
	RUN(design_coding);
	RUN(separation_is_detected);
	RUN(failures);
	return test_done();
}
