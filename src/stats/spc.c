/* XmR charts and the Making Data Count rules; see spc.h for the method and its sources. */
#include "stats/spc.h"

#include <math.h>
#include <string.h>

#include "stats/stats.h"

#define XMR_LIMIT 2.66  /* 3 / d2, d2 = 1.128 for moving ranges of two points */
#define XMR_SCREEN 3.267 /* D4 for n = 2: the upper limit of a moving range */

void stats_xmr_defaults(struct stats_xmr_opts *o)
{
	memset(o, 0, sizeof *o);
	o->screen = 1;
	o->shift_run = 7;
	o->trend_run = 7;
	o->two3 = STATS_TWO3_BEYOND;
	o->polarity = STATS_NO_DIRECTION;
	o->target = NAN;
}

/* Mean, mean moving range (screened if asked) and limits from the first K points of X. */
static void segment_limits(const double *x, size_t k, int screen, struct stats_xmr_segment *s)
{
	double sum = x[0], mr = 0;

	for (size_t i = 1; i < k; i++) {
		sum += x[i];
		mr += fabs(x[i] - x[i - 1]);
	}
	s->mean = sum / (double)k;
	s->amr = mr / (double)(k - 1);
	s->mr_dropped = 0;
	/*
	 * Screening: a moving range at or above 3.267 amR is itself a special cause (one jump)
	 * and would widen the limits; it is left out and amR recomputed from the rest. With
	 * amR = 0 there is nothing to screen. When amR > 0 the smallest moving range is below
	 * amR, so at least one is always kept.
	 */
	if (screen && s->amr > 0) {
		double cut = XMR_SCREEN * s->amr, kept = 0;
		size_t nkept = 0;

		for (size_t i = 1; i < k; i++) {
			double r = fabs(x[i] - x[i - 1]);

			if (r < cut) {
				kept += r;
				nkept++;
			}
		}
		s->mr_dropped = k - 1 - nkept;
		s->amr = kept / (double)nkept;
	}
	s->lcl = s->mean - XMR_LIMIT * s->amr;
	s->ucl = s->mean + XMR_LIMIT * s->amr;
}

static int sign_of(double d)
{
	return (d > 0) - (d < 0);
}

/*
 * The length of the run of same signs ending at a point of sign S, after one of LEN ending at
 * the point before, of sign PREV: LEN + 1 when S is PREV, else 1; 0 when S is 0 (a point on the
 * line ends a run and starts none). Without a branch: on random data whether S is PREV is a
 * coin toss, and a mispredicted branch per point was most of the rules' time.
 */
static unsigned run_length(unsigned len, int s, int prev)
{
	unsigned keep = -(unsigned)(s == prev), on = -(unsigned)(s != 0);

	return ((len & keep) + 1) & on;
}

static unsigned char side_bit(int side)
{
	return side > 0 ? STATS_XMR_HIGH : STATS_XMR_LOW;
}

/*
 * Shifts: mark every point of a run of RUN or more points strictly on one side of the mean. A
 * run is tracked forwards; when it reaches RUN the points behind it are marked at once, so each
 * point is touched at most twice and nothing needs a second array.
 */
static void mark_mean_runs(const double *x, size_t len, double mean, int run, unsigned char *f)
{
	int prev = 0;
	unsigned count = 0, need = (unsigned)run;

	for (size_t i = 0; i < len; i++) {
		int s = sign_of(x[i] - mean);

		count = run_length(count, s, prev);
		prev = s;
		if (count == need) {
			for (size_t j = i + 1 - need; j <= i; j++)
				f[j] |= STATS_XMR_SHIFT | side_bit(s);
		} else if (count > need) {
			f[i] |= STATS_XMR_SHIFT | side_bit(s);
		}
	}
}

/* Trends: RUN points need RUN - 1 steps in the same direction. */
static void mark_trends(const double *x, size_t len, int run, unsigned char *f)
{
	int prev = 0;
	unsigned steps = 0, need = (unsigned)run - 1;

	for (size_t i = 1; i < len; i++) {
		int s = sign_of(x[i] - x[i - 1]);

		steps = run_length(steps, s, prev);
		prev = s;
		if (steps == need) {
			for (size_t j = i - need; j <= i; j++)
				f[j] |= STATS_XMR_TREND | side_bit(s);
		} else if (steps > need) {
			f[i] |= STATS_XMR_TREND | side_bit(s);
		}
	}
}

/*
 * The limits seen by the rules, around centre line MEAN: arrays read with a stride, 1 for
 * limits that follow each point (attribute charts), 0 for one value over a whole segment
 * (XmR). The 2-sigma lines are MEAN -/+ TWO x D[k].
 */
struct lines {
	double mean;
	const double *lcl, *ucl, *d;
	double two;
	size_t stride;
};

/* Which side of the 2-sigma lines point I counts on for the two-of-three rule (0: neither). */
static int two3_side(const double *x, size_t i, const struct lines *l, enum stats_two3 mode)
{
	size_t k = i * l->stride;
	double w = l->two * l->d[k];

	if (mode == STATS_TWO3_CLOSE && (x[i] > l->ucl[k] || x[i] < l->lcl[k]))
		return 0;
	return x[i] > l->mean + w ? 1 : x[i] < l->mean - w ? -1 : 0;
}

/*
 * Two of three: in each window of three points, two or more on the same side beyond the
 * 2-sigma line mark those points. Each point's side is found once and carried through the
 * three windows it belongs to.
 */
static void mark_two_of_three(const double *x, size_t len, const struct lines *l,
			      enum stats_two3 mode, unsigned char *f)
{
	int sd[3] = { 0, 0, 0 }, sm[3] = { 0, 0, 0 }; /* the window's 2-sigma and mean sides */

	for (size_t i = 0; i < len; i++) {
		sd[0] = sd[1];
		sd[1] = sd[2];
		sd[2] = two3_side(x, i, l, mode);
		sm[0] = sm[1];
		sm[1] = sm[2];
		sm[2] = sign_of(x[i] - l->mean);
		if (i < 2 || (sd[0] == 0) + (sd[1] == 0) + (sd[2] == 0) > 1)
			continue;
		for (int side = -1; side <= 1; side += 2) {
			int hits = (sd[0] == side) + (sd[1] == side) + (sd[2] == side);

			if (hits < 2 || (mode == STATS_TWO3_CLOSE && sm[0] + sm[1] + sm[2] != 3 * side))
				continue;
			for (int k = 0; k < 3; k++)
				if (sd[k] == side)
					f[i - 2 + (size_t)k] |= STATS_XMR_TWO3 | side_bit(side);
		}
	}
}

/* Every rule over the LEN points of one segment. */
static void mark_rules(const double *x, size_t len, const struct lines *l,
		       const struct stats_xmr_opts *o, unsigned char *f)
{
	for (size_t i = 0; i < len; i++) {
		size_t k = i * l->stride;

		if (x[i] > l->ucl[k])
			f[i] |= STATS_XMR_OUTSIDE | STATS_XMR_HIGH;
		else if (x[i] < l->lcl[k])
			f[i] |= STATS_XMR_OUTSIDE | STATS_XMR_LOW;
	}
	mark_mean_runs(x, len, l->mean, o->shift_run, f);
	mark_trends(x, len, o->trend_run, f);
	mark_two_of_three(x, len, l, o->two3, f);
}

static int bad_opts(const struct stats_xmr_opts *o, size_t n)
{
	if (o->shift_run < 2 || o->trend_run < 2 || o->baseline == 1)
		return 1;
	if (o->two3 != STATS_TWO3_BEYOND && o->two3 != STATS_TWO3_CLOSE)
		return 1;
	if (o->polarity != STATS_LOWER_BETTER && o->polarity != STATS_NO_DIRECTION &&
	    o->polarity != STATS_HIGHER_BETTER)
		return 1;
	if (isinf(o->target))
		return 1;
	if (o->nbreaks && !o->breaks)
		return 1;
	for (size_t i = 0; i < o->nbreaks; i++)
		if (o->breaks[i] == 0 || o->breaks[i] >= n || (i && o->breaks[i] <= o->breaks[i - 1]))
			return 1;
	return 0;
}

int stats_xmr(const double *x, size_t n, const struct stats_xmr_opts *opts,
	      struct stats_xmr_segment *seg, size_t nseg_cap, unsigned char *flags,
	      struct stats_xmr_result *res)
{
	size_t nseg;

	if (bad_opts(opts, n))
		return STATS_ERANGE;
	nseg = opts->nbreaks + 1;
	if (nseg_cap < nseg)
		return STATS_ENOMEM;
	if (n < 2)
		return STATS_EDOM;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return STATS_EDOM;
	/* Check every segment's size before writing anything. */
	for (size_t g = 0; g < nseg; g++) {
		size_t a = g ? opts->breaks[g - 1] : 0, b = g < opts->nbreaks ? opts->breaks[g] : n;

		if (b - a < 2)
			return STATS_EDOM;
	}
	memset(flags, 0, n);
	for (size_t g = 0; g < nseg; g++) {
		size_t a = g ? opts->breaks[g - 1] : 0, b = g < opts->nbreaks ? opts->breaks[g] : n;
		size_t len = b - a, k = opts->baseline && opts->baseline < len ? opts->baseline : len;
		struct stats_xmr_segment *s = &seg[g];
		const double *xs = x + a;
		unsigned char *fs = flags + a;

		double w;
		struct lines l;

		s->start = a;
		s->len = len;
		segment_limits(xs, k, opts->screen, s);
		w = 2.0 / 3.0 * XMR_LIMIT * s->amr;
		l = (struct lines){ s->mean, &s->lcl, &s->ucl, &w, 1, 0 };
		mark_rules(xs, len, &l, opts, fs);
	}
	if (res) {
		res->nseg = nseg;
		res->variation = stats_xmr_variation(flags[n - 1], opts->polarity);
		res->assurance = stats_xmr_assurance(seg[nseg - 1].lcl, seg[nseg - 1].ucl,
						     opts->target, opts->polarity);
	}
	return STATS_OK;
}

int stats_spc_rules(const double *x, size_t n, double centre, const double *lcl,
		    const double *ucl, const double *sigma, const struct stats_xmr_opts *opts,
		    unsigned char *flags, struct stats_xmr_result *res)
{
	struct lines l = { centre, lcl, ucl, sigma, 2, 1 };

	if (opts->shift_run < 2 || opts->trend_run < 2 ||
	    (opts->two3 != STATS_TWO3_BEYOND && opts->two3 != STATS_TWO3_CLOSE) ||
	    (opts->polarity != STATS_LOWER_BETTER && opts->polarity != STATS_NO_DIRECTION &&
	     opts->polarity != STATS_HIGHER_BETTER) ||
	    isinf(opts->target))
		return STATS_ERANGE;
	if (n == 0 || !isfinite(centre))
		return STATS_EDOM;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(lcl[i]) || !isfinite(ucl[i]) ||
		    !isfinite(sigma[i]) || sigma[i] < 0 || lcl[i] > ucl[i])
			return STATS_EDOM;
	memset(flags, 0, n);
	mark_rules(x, n, &l, opts, flags);
	if (res) {
		res->nseg = 1;
		res->variation = stats_xmr_variation(flags[n - 1], opts->polarity);
		res->assurance = stats_xmr_assurance(lcl[n - 1], ucl[n - 1], opts->target,
						     opts->polarity);
	}
	return STATS_OK;
}

enum stats_variation stats_xmr_variation(unsigned flags, enum stats_polarity polarity)
{
	int hi = (flags & STATS_XMR_HIGH) != 0, lo = (flags & STATS_XMR_LOW) != 0;

	if (!(flags & STATS_XMR_RULES))
		return STATS_VAR_COMMON;
	switch (polarity) {
	case STATS_HIGHER_BETTER:
		return hi ? STATS_VAR_IMPROVEMENT : STATS_VAR_CONCERN;
	case STATS_LOWER_BETTER:
		return lo ? STATS_VAR_IMPROVEMENT : STATS_VAR_CONCERN;
	default:
		return hi ? STATS_VAR_NEITHER_HIGH : STATS_VAR_NEITHER_LOW;
	}
}

enum stats_assurance stats_xmr_assurance(double lcl, double ucl, double target,
					 enum stats_polarity polarity)
{
	int pass_above = polarity == STATS_HIGHER_BETTER;

	if (isnan(target) || polarity == STATS_NO_DIRECTION)
		return STATS_ASSURE_NONE;
	if (target < lcl)
		return pass_above ? STATS_ASSURE_PASS : STATS_ASSURE_FAIL;
	if (target > ucl)
		return pass_above ? STATS_ASSURE_FAIL : STATS_ASSURE_PASS;
	return STATS_ASSURE_HIT_MISS;
}

const char *stats_variation_name(enum stats_variation v)
{
	static const char *const names[] = {"common_cause", "improvement", "concern",
					    "neither_high", "neither_low"};

	return (unsigned)v < sizeof names / sizeof *names ? names[v] : "unknown";
}

const char *stats_assurance_name(enum stats_assurance a)
{
	static const char *const names[] = {"none", "pass", "fail", "hit_and_miss"};

	return (unsigned)a < sizeof names / sizeof *names ? names[a] : "unknown";
}
