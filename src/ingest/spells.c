/*
 * Spells to risk-adjusted mortality; see spells.h.
 *
 * A spell word: bit 0 died, bits 1-11 the covariate pattern, bits 12-19 the diagnosis group,
 * bits 20-31 the provider, the last two as indices local to the reading thread until the
 * threads' maps are merged.
 */
#include "ingest/spells.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/map.h"
#include "base/mem.h"
#include "ingest/csv.h"
#include "stats/logit.h"
#include "stats/racusum.h"
#include "stats/stats.h"

const char *const spells_covariate[SPELLS_NCOV] = { "age_band", "sex", "admission_method",
						    "charlson_band", "year_index" };
/* Each covariate's lowest code and number of levels. */
static const int cov_lo[SPELLS_NCOV] = { 0, 1, 1, 0, 1 };
static const int cov_n[SPELLS_NCOV] = { 20, 2, 2, 3, 5 };

enum { COL_PROVIDER, COL_SPELL, COL_GROUP, COL_COV, COL_DIED = COL_COV + SPELLS_NCOV, NCOLS };
const char *const spells_column[SPELLS_NCOLUMNS] = { "provider_id", "spell_id", "diag_group",
						     "age_band", "sex", "admission_method",
						     "charlson_band", "year_index", "died" };
_Static_assert(NCOLS == SPELLS_NCOLUMNS, "the format has nine columns");

#define BLOCK_WORDS ((size_t)1 << 20)

/* What the header said, shared read-only by the threads. */
struct shared {
	const char *source;
	int col[NCOLS];
	size_t ncols;
	size_t max_errors;
};

/* Codes written as plain numbers below this are looked up in an array, not hashed. */
#define SMALL_CODE 65536

/* One reading thread's state. */
struct tstate {
	const struct shared *sh;
	struct cu_map prov, grp;  /* code -> local index */
	int32_t *small_prov, *small_grp; /* SMALL_CODE each: local index + 1 of small numbers */
	uint32_t **blk;           /* spell words in blocks of BLOCK_WORDS */
	size_t nblk, nwords;
	uint32_t *cnt;            /* local group x pattern x {spells, deaths} */
	size_t ngrp_cap;
	long long pspells[SPELLS_MAX_PROVIDERS], pdeaths[SPELLS_MAX_PROVIDERS];
	long long first_id, last_id;
	long first_line;
	struct cu_err *errs;
	size_t nerr;
};

static void add_err(struct tstate *t, long line, const char *col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_err(struct tstate *t, long line, const char *col, const char *fmt, ...)
{
	va_list ap;
	struct cu_err *e;

	if (t->nerr >= t->sh->max_errors)
		return;
	e = &t->errs[t->nerr++];
	cu_err_setloc(e, CU_EINVAL, t->sh->source, line, col, "%s", "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

/* Quote up to 40 bytes of a bad value for a message. */
static const char *shown(struct cu_str v, char *b, size_t n)
{
	size_t k = v.n < 40 ? v.n : 40;

	snprintf(b, n, "\"%.*s%s\"", (int)k, v.p, v.n > k ? "..." : "");
	return b;
}

/* A whole number of 1 to 18 digits, or -1. */
static long long digits(struct cu_str v)
{
	long long x = 0;

	if (v.n == 0 || v.n > 18)
		return -1;
	for (size_t i = 0; i < v.n; i++) {
		unsigned d = (unsigned char)v.p[i] - '0';

		if (d > 9)
			return -1;
		x = x * 10 + d;
	}
	return x;
}

static int code_ok(struct cu_str v)
{
	return v.n > 0 && v.n <= CU_MAX_CODE;
}

/*
 * The local index of CODE in MAP (adding it), or -1 past MAX. A code that is a plain number
 * below SMALL_CODE (no leading zero: "07" and "7" are different codes) is remembered in SMALL
 * too, so that its next lookups cost an array read.
 */
static long local_index(struct cu_map *m, int32_t *small, struct cu_str code, size_t max)
{
	struct cu_map_entry *e;
	long v = -1;

	if (code.n <= 5 && code.n > 0 && (code.p[0] != '0' || code.n == 1)) {
		v = 0;
		for (size_t i = 0; i < code.n && v >= 0; i++) {
			unsigned d = (unsigned char)code.p[i] - '0';

			v = d > 9 ? -1 : v * 10 + (long)d;
		}
		if (v >= SMALL_CODE)
			v = -1;
		if (v >= 0 && small[v])
			return small[v] - 1;
	}
	e = cu_map_put(m, code, NULL);

	if (!e)
		return -1;
	if (e->v.i == 0) {
		if (m->n > max)
			return -1;
		e->v.i = (int64_t)m->n; /* 1-based, so 0 means new */
	}
	if (v >= 0)
		small[v] = (int32_t)e->v.i;
	return (long)e->v.i - 1;
}

static int on_spell(void *arg, const struct ingest_record *r)
{
	struct tstate *t = arg;
	const struct shared *sh = t->sh;
	char b[64];
	int cov[SPELLS_NCOV], died, bad = 0;
	long long id;
	long p, g;
	uint32_t pat = 0;

	if (r->n != sh->ncols) {
		add_err(t, r->line, NULL, "%zu fields: expected %zu, as in the header", r->n,
			sh->ncols);
		return t->nerr >= sh->max_errors ? CU_EINVAL : 0;
	}
	if (r->bad_field >= 0) {
		add_err(t, r->line, NULL, "%s at byte %zu of field %ld: expected UTF-8 text",
			r->bad_nul ? "NUL byte" : "invalid UTF-8", r->bad_offset, r->bad_field + 1);
		return t->nerr >= sh->max_errors ? CU_EINVAL : 0;
	}
	if (!code_ok(r->f[sh->col[COL_PROVIDER]])) {
		add_err(t, r->line, "provider_id", "%s: expected a code of 1 to %d bytes",
			shown(r->f[sh->col[COL_PROVIDER]], b, sizeof b), CU_MAX_CODE);
		bad = 1;
	}
	{
		long long gid = digits(r->f[sh->col[COL_GROUP]]);

		if (gid < 1 || gid > SPELLS_GROUPS || r->f[sh->col[COL_GROUP]].p[0] == '0') {
			add_err(t, r->line, "diag_group", "%s: expected a SHMI diagnosis group, a "
				"whole number from 1 to %d", shown(r->f[sh->col[COL_GROUP]], b,
								   sizeof b), SPELLS_GROUPS);
			bad = 1;
		}
	}
	id = digits(r->f[sh->col[COL_SPELL]]);
	if (id < 0) {
		add_err(t, r->line, "spell_id", "%s: expected a whole number of up to 18 digits",
			shown(r->f[sh->col[COL_SPELL]], b, sizeof b));
		bad = 1;
	} else if (t->first_line && id <= t->last_id) {
		add_err(t, r->line, "spell_id",
			"%lld does not follow spell %lld: expected rows in time order, spell_id "
			"rising (the CUSUM needs it; sort the file by spell_id)", id, t->last_id);
		bad = 1;
	}
	for (int k = 0; k < SPELLS_NCOV; k++) {
		long long v = digits(r->f[sh->col[COL_COV + k]]);

		if (v < cov_lo[k] || v >= cov_lo[k] + cov_n[k]) {
			add_err(t, r->line, spells_covariate[k], "%s: expected a whole number from %d "
				"to %d", shown(r->f[sh->col[COL_COV + k]], b, sizeof b), cov_lo[k],
				cov_lo[k] + cov_n[k] - 1);
			bad = 1;
			continue;
		}
		cov[k] = (int)v - cov_lo[k];
		pat = pat * (uint32_t)cov_n[k] + (uint32_t)cov[k];
	}
	{
		struct cu_str v = r->f[sh->col[COL_DIED]];

		died = v.n == 1 && (v.p[0] == '0' || v.p[0] == '1') ? v.p[0] - '0' : -1;
		if (died < 0) {
			add_err(t, r->line, "died", "%s: expected 0 or 1", shown(v, b, sizeof b));
			bad = 1;
		}
	}
	if (id >= 0) {
		if (!t->first_line) {
			t->first_line = r->line;
			t->first_id = id;
		}
		t->last_id = id;
	}
	if (bad || t->nerr)
		return t->nerr >= sh->max_errors ? CU_EINVAL : 0;
	if ((p = local_index(&t->prov, t->small_prov, r->f[sh->col[COL_PROVIDER]], SPELLS_MAX_PROVIDERS)) < 0) {
		add_err(t, r->line, "provider_id", "more than %d providers: expected at most that "
			"many in one file", SPELLS_MAX_PROVIDERS);
		return CU_EINVAL;
	}
	if ((g = local_index(&t->grp, t->small_grp, r->f[sh->col[COL_GROUP]], SPELLS_MAX_GROUPS)) < 0) {
		add_err(t, r->line, "diag_group", "more than %d diagnosis groups: expected at most "
			"that many in one file", SPELLS_MAX_GROUPS);
		return CU_EINVAL;
	}
	if ((size_t)g >= t->ngrp_cap) {
		size_t nc = t->ngrp_cap ? t->ngrp_cap * 2 : 64;

		t->cnt = xrealloc(t->cnt, nc * SPELLS_PATTERNS * 2 * sizeof *t->cnt);
		memset(t->cnt + t->ngrp_cap * SPELLS_PATTERNS * 2, 0,
		       (nc - t->ngrp_cap) * SPELLS_PATTERNS * 2 * sizeof *t->cnt);
		t->ngrp_cap = nc;
	}
	if (t->nwords == t->nblk * BLOCK_WORDS) {
		t->blk = xrealloc(t->blk, (t->nblk + 1) * sizeof *t->blk);
		t->blk[t->nblk++] = xmalloc(BLOCK_WORDS * sizeof **t->blk);
	}
	t->blk[t->nwords / BLOCK_WORDS][t->nwords % BLOCK_WORDS] =
		(uint32_t)p << 20 | (uint32_t)g << 12 | pat << 1 | (uint32_t)died;
	t->nwords++;
	t->cnt[((size_t)g * SPELLS_PATTERNS + pat) * 2]++;
	t->cnt[((size_t)g * SPELLS_PATTERNS + pat) * 2 + 1] += (uint32_t)died;
	t->pspells[p]++;
	t->pdeaths[p] += died;
	return 0;
}

static int on_header(void *arg, const struct ingest_record *r)
{
	struct shared *sh = arg;

	sh->ncols = r->n;
	for (int c = 0; c < NCOLS; c++)
		sh->col[c] = -1;
	for (size_t i = 0; i < r->n; i++)
		for (int c = 0; c < NCOLS; c++)
			if (cu_str_eqz(r->f[i], spells_column[c])) {
				if (sh->col[c] >= 0)
					return -1000 - c; /* repeated */
				sh->col[c] = (int)i;
			}
	for (int c = 0; c < NCOLS; c++)
		if (sh->col[c] < 0)
			return -2000 - c; /* missing */
	return 0;
}

/* ---------------------------------------------------------------------------------------- */

struct key_sort {
	const char *key;
	size_t len;
	size_t idx;
	int numeric;
};

static int all_digits(const char *s, size_t n)
{
	if (n == 0 || n > 18)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int numeric_keys;

static int cmp_key(const void *a, const void *b)
{
	const struct key_sort *x = a, *y = b;
	int c;

	if (numeric_keys) {
		long long u = strtoll(x->key, NULL, 10), v = strtoll(y->key, NULL, 10);

		return (u > v) - (u < v);
	}
	c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/*
 * Merge the threads' maps for one kind of code into one sorted list: *OUT gets the sorted
 * codes' keys (borrowed from the maps), REMAP[t][local] the global index. Returns the count.
 */
static size_t merge_codes(struct tstate *ts, unsigned nt, int which, struct key_sort **out,
			  uint32_t **remap)
{
	struct cu_map all;
	struct key_sort *ks = NULL;
	size_t n = 0;
	int numeric = 1;

	cu_map_init(&all, 0);
	for (unsigned t = 0; t < nt; t++) {
		struct cu_map *m = which ? &ts[t].grp : &ts[t].prov;

		remap[t] = xcalloc(m->n + 1, sizeof **remap);
		for (size_t s = 0; s < m->cap; s++) {
			struct cu_map_entry *e = &m->slots[s], *g;

			if (!e->key)
				continue;
			g = cu_map_put(&all, (struct cu_str){ e->key, e->klen }, NULL);
			if (g->v.i == 0) {
				ks = xrealloc(ks, (n + 1) * sizeof *ks);
				ks[n] = (struct key_sort){ e->key, e->klen, n, 0 };
				numeric &= all_digits(e->key, e->klen);
				g->v.i = (int64_t)++n;
			}
		}
	}
	numeric_keys = numeric;
	qsort(ks, n, sizeof *ks, cmp_key);
	{
		size_t *rank = xmalloc((n + 1) * sizeof *rank);

		for (size_t i = 0; i < n; i++)
			rank[ks[i].idx] = i;
		for (unsigned t = 0; t < nt; t++) {
			struct cu_map *m = which ? &ts[t].grp : &ts[t].prov;

			for (size_t s = 0; s < m->cap; s++) {
				struct cu_map_entry *e = &m->slots[s];

				if (e->key)
					remap[t][e->v.i - 1] = (uint32_t)rank[cu_map_get(
						&all, (struct cu_str){ e->key, e->klen })->v.i - 1];
			}
		}
		free(rank);
	}
	cu_map_release(&all);
	*out = ks;
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Decode pattern P into covariate codes 0 .. levels - 1. */
static void decode(uint32_t p, int *cov)
{
	for (int k = SPELLS_NCOV - 1; k >= 0; k--) {
		cov[k] = (int)(p % (uint32_t)cov_n[k]);
		p /= (uint32_t)cov_n[k];
	}
}

/* A group's patterns as a regression problem; see fit_group. */
struct group_fit {
	size_t np, maxp;
	int *codes[SPELLS_NCOV];
	double *y, *w, *x, *beta, *mu, *work;
	struct stats_logit_opts lo;
};

/* Fit with the covariates in MASK; *P gets the columns and *DROPPED the covariates left out. */
static int fit_mask(struct group_fit *gf, unsigned mask, size_t *p, unsigned *dropped,
		    struct stats_logit_fit *fit)
{
	const int *use[SPELLS_NCOV];
	int dk[SPELLS_NCOV] = { 0 };
	size_t k = 0;

	for (int c = 0; c < SPELLS_NCOV; c++)
		if (mask & 1u << c)
			use[k++] = gf->codes[c];
	if (stats_logit_design(use, k, gf->np, gf->x, gf->np * gf->maxp, p, dk) != STATS_OK)
		return STATS_EDOM;
	*dropped = 0;
	for (int c = 0, j = 0; c < SPELLS_NCOV; c++)
		if (!(mask & 1u << c) || dk[j++])
			*dropped |= 1u << c;
	return stats_logit(gf->x, gf->y, gf->w, gf->np, *p, &gf->lo, gf->beta, NULL, gf->mu, fit,
			   gf->work);
}

/*
 * Fit one group's model on its patterns: CNT holds spells and deaths per pattern; PHAT gets
 * the fitted risk of every pattern seen; GR the fit's report. As R's glm here: at most 100
 * iterations, deviance rule 1e-10. When X'WX is singular the covariates are entered one at a
 * time and one that makes it singular is left out (spells.h).
 */
static void fit_group(const uint32_t *cnt, double *phat, struct spells_group *gr)
{
	struct group_fit gf = { 0 };
	uint32_t *pats = xmalloc(SPELLS_PATTERNS * sizeof *pats);
	struct stats_logit_fit fit = { 0 };
	unsigned all = (1u << SPELLS_NCOV) - 1, dropped = all;
	size_t p = 0;
	int rc;

	for (uint32_t q = 0; q < SPELLS_PATTERNS; q++)
		if (cnt[2 * q])
			pats[gf.np++] = q;
	gf.maxp = 1;
	for (int k = 0; k < SPELLS_NCOV; k++) {
		gf.codes[k] = xmalloc(gf.np * sizeof **gf.codes);
		gf.maxp += (size_t)cov_n[k] - 1;
	}
	gf.y = xmalloc(gf.np * sizeof *gf.y);
	gf.w = xmalloc(gf.np * sizeof *gf.w);
	gf.x = xmalloc(gf.np * gf.maxp * sizeof *gf.x);
	gf.beta = xmalloc(gf.maxp * sizeof *gf.beta);
	gf.mu = xmalloc(gf.np * sizeof *gf.mu);
	gf.work = xmalloc(stats_logit_work_size(gf.np, gf.maxp) * sizeof *gf.work);
	for (size_t i = 0; i < gf.np; i++) {
		int cov[SPELLS_NCOV];

		decode(pats[i], cov);
		for (int k = 0; k < SPELLS_NCOV; k++)
			gf.codes[k][i] = cov[k];
		gf.w[i] = cnt[2 * pats[i]];
		gf.y[i] = cnt[2 * pats[i] + 1];
	}
	stats_logit_defaults(&gf.lo);
	gf.lo.maxit = 100;
	gf.lo.epsilon = 1e-10;
	rc = fit_mask(&gf, all, &p, &dropped, &fit);
	if (rc == STATS_ESINGULAR) {
		unsigned keep = 0;

		for (int c = 0; c < SPELLS_NCOV; c++)
			if (fit_mask(&gf, keep | 1u << c, &p, &dropped, &fit) != STATS_ESINGULAR)
				keep |= 1u << c;
		rc = fit_mask(&gf, keep, &p, &dropped, &fit);
	}
	for (size_t i = 0; i < gf.np; i++)
		phat[pats[i]] = gf.mu[i];
	gr->patterns = gf.np;
	gr->params = p;
	gr->status = rc;
	gr->iterations = fit.iterations;
	gr->dropped = dropped;
	for (int k = 0; k < SPELLS_NCOV; k++)
		free(gf.codes[k]);
	free(pats);
	free(gf.y);
	free(gf.w);
	free(gf.x);
	free(gf.beta);
	free(gf.mu);
	free(gf.work);
}

/*
 * The aggregates the import stores (spells_opts.cells): spells and deaths per provider, group
 * and pattern, and per series its deaths and expected deaths. A counting sort by series of
 * each spell's 12 low bits (pattern and outcome), 2 bytes a spell, then one tally per series
 * over the patterns in order, so the cells come out sorted as the store's key wants them.
 * RES->series must be filled (series in index order, empty ones left out); PHAT holds the
 * fitted risk of every group x pattern.
 */
static void count_cells(struct tstate *ts, unsigned nt, uint32_t *const *pmap,
			uint32_t *const *gmap, const double *phat, struct spells_result *res)
{
	size_t G = res->ngroup, S = res->nprov * G, P = SPELLS_PATTERNS, cap = 0, k = 0;
	size_t *start = xcalloc(S + 1, sizeof *start), *pos = xmalloc((S + 1) * sizeof *pos);
	uint32_t *tally = xcalloc(P * 2, sizeof *tally);
	uint16_t *low = NULL;

	for (int pass = 0; pass < 2; pass++) {
		for (unsigned t = 0; t < nt; t++) {
			const uint32_t *pm = pmap[t], *gm = gmap[t];

			for (size_t b = 0; b < ts[t].nblk; b++) {
				const uint32_t *wd = ts[t].blk[b];
				size_t nw = ts[t].nwords - b * BLOCK_WORDS;

				if (nw > BLOCK_WORDS)
					nw = BLOCK_WORDS;
				for (size_t i = 0; i < nw; i++) {
					uint32_t v = wd[i];
					size_t sr = (size_t)pm[v >> 20] * G + gm[(v >> 12) & 0xff];

					if (pass == 0)
						start[sr + 1]++;
					else
						low[pos[sr]++] = (uint16_t)(v & 0xfff);
				}
			}
		}
		if (pass == 0) {
			for (size_t i = 0; i < S; i++)
				start[i + 1] += start[i];
			memcpy(pos, start, (S + 1) * sizeof *pos);
			low = xmalloc((start[S] ? start[S] : 1) * sizeof *low);
		}
	}
	res->ncell = 0;
	for (size_t sr = 0; sr < S; sr++) {
		struct spells_series *se;
		const double *ph = phat + (sr % G) * P;

		if (start[sr] == start[sr + 1])
			continue;
		se = &res->series[k++];
		for (size_t i = start[sr]; i < start[sr + 1]; i++) {
			tally[(low[i] >> 1) * 2]++;
			tally[(low[i] >> 1) * 2 + 1] += low[i] & 1u;
		}
		for (size_t q = 0; q < P; q++) {
			if (!tally[q * 2])
				continue;
			if (res->ncell == cap) {
				cap = cap ? cap * 2 : 1024;
				res->cell = xrealloc(res->cell, cap * sizeof *res->cell);
			}
			res->cell[res->ncell++] = (struct spells_cell){
				.provider = (uint16_t)se->provider, .group = (uint16_t)se->group,
				.pattern = (uint16_t)q, .spells = tally[q * 2],
				.deaths = tally[q * 2 + 1] };
			se->deaths += tally[q * 2 + 1];
			se->expected += tally[q * 2] * ph[q];
			tally[q * 2] = tally[q * 2 + 1] = 0;
		}
	}
	free(start);
	free(pos);
	free(low);
	free(tally);
}

/*
 * The CUSUM threshold for the target false-alarm rate (spells.h): every provider and group's
 * series of fitted risks, in time order, simulated together by the statistics core. 0 or a
 * stats error.
 */
static int choose_h(struct tstate *ts, unsigned nt, uint32_t *const *pmap, uint32_t *const *gmap,
		    size_t G, const double *phat, size_t S, double odds,
		    const struct spells_opts *o, double *h, double *rate)
{
	size_t *len = xcalloc(S + 1, sizeof *len), *at = xcalloc(S + 1, sizeof *at);
	size_t nsim = o->simulations ? o->simulations : 20, total = 0, nser = 0;
	struct stats_racusum_opts ro;
	double *p = NULL, *work;
	int rc;

	for (int pass = 0; pass < 2; pass++) {
		for (unsigned t = 0; t < nt; t++)
			for (size_t w = 0; w < ts[t].nwords; w++) {
				uint32_t v = ts[t].blk[w / BLOCK_WORDS][w % BLOCK_WORDS];
				size_t grp = gmap[t][(v >> 12) & 0xff];
				size_t sx = (size_t)pmap[t][v >> 20] * G + grp;

				if (pass == 0)
					len[sx]++;
				else
					p[at[sx]++] = phat[grp * SPELLS_PATTERNS + ((v >> 1) & 0x7ff)];
			}
		if (pass == 0) {
			for (size_t i = 0; i < S; i++) {
				at[i] = total;
				total += len[i];
			}
			p = xmalloc((total + 1) * sizeof *p);
		}
	}
	for (size_t i = 0; i < S; i++) /* the series in order, empty ones left out */
		if (len[i])
			len[nser++] = len[i];
	stats_racusum_defaults(&ro);
	ro.odds = odds;
	work = xmalloc((nsim * nser + 1) * sizeof *work);
	rc = stats_racusum_threshold(p, len, nser, &ro, nsim, 1, o->false_alarm, work, h, rate);
	free(work);
	free(p);
	free(len);
	free(at);
	return rc;
}

struct series_state {
	double s;
	long long n, alarms, first;
};

int spells_run(FILE *f, const struct spells_opts *o, struct spells_result *res,
	       struct cu_err *errs, size_t *nerr)
{
	struct shared sh = { .source = o->source };
	struct ingest_csv_opts co = { .source = o->source, .no_hash = o->no_hash,
				      .max_bytes = o->max_bytes, .max_rows = o->max_rows,
				      .max_field = o->max_field };
	struct ingest_csv_result cr = { 0 };
	unsigned nt = o->threads ? o->threads : ingest_csv_threads();
	struct tstate *ts;
	void *targs[INGEST_CSV_MAX_THREADS];
	struct cu_err rerr;
	uint32_t *pmap[INGEST_CSV_MAX_THREADS], *gmap[INGEST_CSV_MAX_THREADS];
	struct key_sort *pk = NULL, *gk = NULL;
	double odds = o->odds > 0 ? o->odds : 2, h = o->h > 0 ? o->h : 4.5;
	double trim = o->trim > 0 ? o->trim : 0.1, t0 = now_s(), t1;
	int rc;

	memset(res, 0, sizeof *res);
	*nerr = 0;
	sh.max_errors = o->max_errors ? o->max_errors : CU_MAX_ERRORS;
	if (nt > INGEST_CSV_MAX_THREADS)
		nt = INGEST_CSV_MAX_THREADS;
	ts = xcalloc(nt, sizeof *ts);
	for (unsigned t = 0; t < nt; t++) {
		ts[t].sh = &sh;
		cu_map_init(&ts[t].prov, 0);
		cu_map_init(&ts[t].grp, 0);
		ts[t].small_prov = xcalloc(SMALL_CODE, sizeof *ts[t].small_prov);
		ts[t].small_grp = xcalloc(SMALL_CODE, sizeof *ts[t].small_grp);
		ts[t].errs = xcalloc(sh.max_errors, sizeof *ts[t].errs);
		targs[t] = &ts[t];
	}
	cu_err_clear(&rerr);
	rc = ingest_csv_read_par(f, &co, nt, on_header, &sh, on_spell, targs, &cr, &rerr);

	/* Errors in file order: the header's, each chunk's up to the one that stopped, the
	 * reader's own, and spell ids that fall back across a cut. */
	if (rc <= -1000) {
		int c = rc <= -2000 ? -2000 - rc : -1000 - rc;

		cu_err_setloc(&errs[(*nerr)++], CU_EINVAL, o->source, 1, spells_column[c],
			      "%s: expected each of provider_id, spell_id, diag_group, age_band, "
			      "sex, admission_method, charlson_band, year_index, died once",
			      rc <= -2000 ? "missing" : "repeated");
		rc = CU_EINVAL;
	} else {
		unsigned last = rc && cr.stop_chunk >= 0 ? (unsigned)cr.stop_chunk : nt - 1;
		long long prev_id = -1;

		for (unsigned t = 0; t <= last && t < nt; t++) {
			if (ts[t].first_line && prev_id >= 0 && ts[t].first_id <= prev_id &&
			    *nerr < sh.max_errors)
				cu_err_setloc(&errs[(*nerr)++], CU_EINVAL, o->source,
					      ts[t].first_line, "spell_id",
					      "%lld does not follow spell %lld: expected rows in "
					      "time order, spell_id rising (the CUSUM needs it; sort "
					      "the file by spell_id)", ts[t].first_id, prev_id);
			for (size_t i = 0; i < ts[t].nerr && *nerr < sh.max_errors; i++)
				errs[(*nerr)++] = ts[t].errs[i];
			if (ts[t].first_line)
				prev_id = ts[t].last_id;
		}
		if (rc && rerr.code && *nerr < sh.max_errors)
			errs[(*nerr)++] = rerr;
		if (!rc && *nerr)
			rc = CU_EINVAL;
		if (rc && !*nerr)
			cu_err_setloc(&errs[(*nerr)++], rc, o->source, 0, NULL,
				      "could not read the spells");
	}
	if (!rc && cr.records < 2) {
		cu_err_setloc(&errs[(*nerr)++], CU_EINVAL, o->source, 1, NULL,
			      "no spells: expected a header and at least one spell");
		rc = CU_EINVAL;
	}
	if (rc)
		goto out;
	t1 = now_s();
	res->read_s = t1 - t0;
	res->threads = cr.threads;
	memcpy(res->sha256, cr.sha256, sizeof res->sha256);

	/* One index for each provider and group, in sorted order. */
	res->nprov = merge_codes(ts, nt, 0, &pk, pmap);
	res->ngroup = merge_codes(ts, nt, 1, &gk, gmap);
	res->prov = xcalloc(res->nprov, sizeof *res->prov);
	res->group = xcalloc(res->ngroup, sizeof *res->group);
	for (size_t i = 0; i < res->nprov; i++)
		snprintf(res->prov[i].code, sizeof res->prov[i].code, "%.*s", (int)pk[i].len,
			 pk[i].key);
	for (size_t i = 0; i < res->ngroup; i++)
		snprintf(res->group[i].code, sizeof res->group[i].code, "%.*s", (int)gk[i].len,
			 gk[i].key);

	/* Counts per group and pattern, and per provider, then one model per group. */
	{
		size_t G = res->ngroup, P = SPELLS_PATTERNS;
		uint32_t *cnt = xcalloc(G * P * 2, sizeof *cnt);
		double *phat = xcalloc(G * P, sizeof *phat), *w0, *w1, lr = log(odds);
		struct series_state *ss;
		size_t S = res->nprov * G;

		for (unsigned t = 0; t < nt; t++) {
			for (size_t g = 0; g < ts[t].grp.n; g++) {
				uint32_t *dst = cnt + (size_t)gmap[t][g] * P * 2;
				const uint32_t *src = ts[t].cnt + g * P * 2;

				for (size_t i = 0; i < P * 2; i++)
					dst[i] += src[i];
			}
			for (size_t p = 0; p < ts[t].prov.n; p++) {
				res->prov[pmap[t][p]].spells += ts[t].pspells[p];
				res->prov[pmap[t][p]].observed += (double)ts[t].pdeaths[p];
			}
		}
		for (size_t g = 0; g < G; g++) {
			struct spells_group *gr = &res->group[g];

			for (size_t q = 0; q < P; q++) {
				gr->spells += cnt[(g * P + q) * 2];
				gr->deaths += cnt[(g * P + q) * 2 + 1];
			}
			res->spells += gr->spells;
			res->deaths += gr->deaths;
			fit_group(cnt + g * P * 2, phat + g * P, gr);
		}
		res->fit_s = now_s() - t1;
		t1 = now_s();
		res->h_rate = NAN;
		if (o->false_alarm > 0 &&
		    choose_h(ts, nt, pmap, gmap, G, phat, S, odds, o, &h, &res->h_rate)) {
			free(cnt);
			free(phat);
			for (unsigned t = 0; t < nt; t++) {
				free(pmap[t]);
				free(gmap[t]);
			}
			cu_err_setloc(&errs[(*nerr)++], CU_EINVAL, o->source, 0, NULL,
				      "no threshold gives a false-alarm rate of %g: expected a rate "
				      "between 0 and 1 that the simulated series can reach",
				      o->false_alarm);
			rc = CU_EINVAL;
			goto out;
		}
		res->h = h;

		/* Expected deaths and the CUSUM, over the spells in time order. */
		w0 = xmalloc(G * P * sizeof *w0);
		w1 = xmalloc(G * P * sizeof *w1);
		for (size_t i = 0; i < G * P; i++) {
			w0[i] = -log(1 - phat[i] + odds * phat[i]);
			w1[i] = lr + w0[i];
		}
		ss = xcalloc(S, sizeof *ss);
		for (unsigned t = 0; t < nt; t++) {
			const uint32_t *pm = pmap[t], *gm = gmap[t];

			for (size_t b = 0; b < ts[t].nblk; b++) {
				const uint32_t *wd = ts[t].blk[b];
				size_t nw = ts[t].nwords - b * BLOCK_WORDS;

				if (nw > BLOCK_WORDS)
					nw = BLOCK_WORDS;
				for (size_t i = 0; i < nw; i++) {
					uint32_t v = wd[i], prov = pm[v >> 20], grp = gm[(v >> 12) & 0xff];
					size_t cell = (size_t)grp * P + ((v >> 1) & 0x7ff);
					struct series_state *s = &ss[(size_t)prov * G + grp];

					res->prov[prov].expected += phat[cell];
					s->n++;
					s->s += (v & 1) ? w1[cell] : w0[cell];
					if (s->s < 0) {
						s->s = 0;
					} else if (s->s >= h) {
						s->alarms++;
						if (!s->first)
							s->first = s->n;
						s->s = 0;
					}
				}
			}
		}
		for (size_t i = 0; i < S; i++)
			if (ss[i].n)
				res->nseries++;
		res->series = xcalloc(res->nseries ? res->nseries : 1, sizeof *res->series);
		for (size_t i = 0, k = 0; i < S; i++) {
			if (!ss[i].n)
				continue;
			res->series[k++] = (struct spells_series){
				.provider = (unsigned)(i / G), .group = (unsigned)(i % G),
				.n = ss[i].n, .alarms = ss[i].alarms, .first_alarm = ss[i].first,
				.s_end = ss[i].s };
		}
		if (o->cells)
			count_cells(ts, nt, pmap, gmap, phat, res);
		free(ss);
		free(w0);
		free(w1);
		free(cnt);
		free(phat);
	}

	/* Ratios, overdispersion, limits and bands. */
	{
		size_t n = res->nprov;
		double *ov = xmalloc(n * sizeof *ov), *ev = xmalloc(n * sizeof *ev);
		double *work = xmalloc(n * sizeof *work), tau2;

		for (size_t i = 0; i < n; i++) {
			ov[i] = res->prov[i].observed;
			ev[i] = res->prov[i].expected;
		}
		res->od_status = stats_funnel_od_shmi_quantile(ov, ev, n, trim, o->tails, NULL, NULL,
							       work, n, &res->od);
		tau2 = res->od_status == STATS_OK ? res->od.tau2 : 0;
		if (res->od_status != STATS_OK)
			res->od.tau2 = 0;
		for (size_t i = 0; i < n; i++) {
			struct spells_provider *p = &res->prov[i];
			struct stats_funnel_limits l95, l998, p95, p998;

			p->ratio = p->expected > 0 ? p->observed / p->expected : NAN;
			if (!(p->expected > 0) ||
			    stats_funnel_od_limits(STATS_FUNNEL_OD_SHMI, 1, p->expected, tau2, 0.95,
						   &l95) ||
			    stats_funnel_od_limits(STATS_FUNNEL_OD_SHMI, 1, p->expected, tau2, 0.998,
						   &l998) ||
			    stats_funnel_ratio_limits(p->expected, 0.95, &p95) ||
			    stats_funnel_ratio_limits(p->expected, 0.998, &p998)) {
				p->lower95 = p->upper95 = p->lower998 = p->upper998 = NAN;
				p->pois_lower95 = p->pois_upper95 = NAN;
				p->pois_lower998 = p->pois_upper998 = NAN;
				p->band = SPELLS_AS_EXPECTED;
				continue;
			}
			p->lower95 = l95.lower;
			p->upper95 = l95.upper;
			p->lower998 = l998.lower;
			p->upper998 = l998.upper;
			p->pois_lower95 = p95.lower;
			p->pois_upper95 = p95.upper;
			p->pois_lower998 = p998.lower;
			p->pois_upper998 = p998.upper;
			p->band = p->ratio > p->upper95	  ? SPELLS_HIGHER
				  : p->ratio < p->lower95 ? SPELLS_LOWER
							  : SPELLS_AS_EXPECTED;
		}
		free(ov);
		free(ev);
		free(work);
	}
	res->monitor_s = now_s() - t1;
	for (unsigned t = 0; t < nt; t++) {
		free(pmap[t]);
		free(gmap[t]);
	}
out:
	free(pk);
	free(gk);
	for (unsigned t = 0; t < nt; t++) {
		cu_map_release(&ts[t].prov);
		cu_map_release(&ts[t].grp);
		free(ts[t].small_prov);
		free(ts[t].small_grp);
		for (size_t b = 0; b < ts[t].nblk; b++)
			free(ts[t].blk[b]);
		free(ts[t].blk);
		free(ts[t].cnt);
		free(ts[t].errs);
	}
	free(ts);
	if (rc)
		spells_result_free(res);
	return rc;
}

void spells_result_free(struct spells_result *r)
{
	free(r->prov);
	free(r->group);
	free(r->series);
	free(r->cell);
	r->prov = NULL;
	r->group = NULL;
	r->series = NULL;
	r->cell = NULL;
	r->nprov = r->ngroup = r->nseries = r->ncell = 0;
}

void spells_pattern_decode(unsigned pattern, int cov[SPELLS_NCOV])
{
	assert(pattern < SPELLS_PATTERNS);
	decode(pattern, cov);
	for (int k = 0; k < SPELLS_NCOV; k++)
		cov[k] += cov_lo[k];
}
