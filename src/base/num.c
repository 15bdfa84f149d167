/* Whole-field number parsing; see num.h. */
#include "base/num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Numbers longer than this are refused before conversion: no valid value needs more. */
#define NUM_MAX_LEN 64

/* The expectation is only formatted on failure: formatting it for every cell of a large
 * file would cost more than the parsing. */
static int bad_int(struct cu_str s, long long min, long long max, struct cu_err *err)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];

	return cu_err_set(err, CU_EINVAL, "bad number \"%s\": expected a whole number from %lld "
			  "to %lld", cu_err_quote(s.p, s.n, q, sizeof q), min, max);
}

static int bad_double(struct cu_str s, double min, double max, struct cu_err *err)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];

	return cu_err_set(err, CU_EINVAL, "bad number \"%s\": expected a number from %g to %g",
			  cu_err_quote(s.p, s.n, q, sizeof q), min, max);
}

int cu_num_int(struct cu_str s, long long min, long long max, long long *out, struct cu_err *err)
{
	char buf[NUM_MAX_LEN + 1];
	char *end;
	long long v;
	size_t i;

	if (s.n == 0 || s.n > NUM_MAX_LEN)
		return bad_int(s, min, max, err);
	for (i = 0; i < s.n; i++) {
		char c = s.p[i];

		if (!((c >= '0' && c <= '9') || (i == 0 && (c == '-' || c == '+'))))
			return bad_int(s, min, max, err);
	}
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end || end == buf || v < min || v > max)
		return bad_int(s, min, max, err);
	*out = v;
	return 0;
}

/*
 * The common case without strtod: an optional minus, at most 19 digits and an optional
 * fraction of at most 22 digits, no exponent, the digits as an integer M <= 2^53. Then M and
 * 10^K (K <= 22) are exact doubles and one division, correctly rounded by IEEE 754, gives
 * exactly the double strtod would (Clinger 1990, the "fast path"). Returns 1 and sets *OUT, or
 * 0 when the text is not of that shape and strtod must decide.
 */
static int fast_decimal(struct cu_str s, double *out)
{
	static const double pow10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
					1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
					1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	const char *p = s.p, *end = s.p + s.n, *digits, *frac;
	unsigned long long m = 0;
	size_t nd, nf = 0;
	int neg = 0;

	if (p < end && *p == '-')
		neg = 1, p++;
	digits = p;
	for (; p < end && (unsigned)(*p - '0') < 10; p++)
		m = m * 10 + (unsigned)(*p - '0');
	nd = (size_t)(p - digits);
	if (p < end && *p == '.') {
		frac = ++p;
		for (; p < end && (unsigned)(*p - '0') < 10; p++)
			m = m * 10 + (unsigned)(*p - '0');
		nf = (size_t)(p - frac);
		if (nf == 0) /* "5." : strtod's to take or refuse */
			return 0;
		nd += nf;
	}
	/* 19 digits cannot wrap M (10^19 < 2^64), so the M test below is sound. */
	if (p != end || nd == 0 || nd > 19 || nf > 22 || m > (1ULL << 53))
		return 0;
	*out = (double)m / pow10[nf];
	if (neg)
		*out = -*out;
	return 1;
}

/* The rest of cu_num_double: strtod on what the fast path left. */
static int slow_double(struct cu_str s, double min, double max, double *out, struct cu_err *err)
{
	char buf[NUM_MAX_LEN + 1];
	char *end;
	double v;
	size_t i;

	/* Only plain decimal notation: strtod would also take "inf", "nan" and hex floats. */
	for (i = 0; i < s.n; i++) {
		char c = s.p[i];

		if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' ||
		      c == '+'))
			return bad_double(s, min, max, err);
	}
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	errno = 0;
	v = strtod(buf, &end);
	if (errno || *end || end == buf || !isfinite(v) || v < min || v > max)
		return bad_double(s, min, max, err);
	*out = v;
	return 0;
}

int cu_num_double(struct cu_str s, double min, double max, double *out, struct cu_err *err)
{
	double v;

	if (s.n == 0 || s.n > NUM_MAX_LEN)
		return bad_double(s, min, max, err);
	if (fast_decimal(s, &v)) {
		if (!(v >= min && v <= max))
			return bad_double(s, min, max, err);
		*out = v;
		return 0;
	}
	return slow_double(s, min, max, out, err);
}

/*
 * Shortest decimals (cu_num_fmt). A finite V > 0 is M * 2^E exactly; every real in the
 * rounding interval of V (half a unit in the last place either side, a quarter below at a
 * power of two, the ends included when M is even, as strtod rounds half to even) reads back as
 * V. The shortest decimal in that interval, and of those the nearest to V, is what is written
 * (the property Steele & White 1990 and Ryu, Adams 2018, give; this is a plain version of it).
 *
 * fmt_exact does it with 128-bit integers where they suffice: V below 2^53 and not below about
 * 1e-8, the values statistics write. Candidates are D * 10^T on a grid at least as fine as 17
 * significant digits (T from a low estimate of V's decimal exponent), so the interval holds at
 * least one; the interval's ends in units of 10^T, [LO, HI], are found exactly by comparing
 * D * 2^CS with (4M +- 2) * 5^-T * 2^AS (both sides of D * 10^T vs (4M +- 2) * 2^(E-2)
 * multiplied by 2^(2-E) * 10^-T and divided by the common power of two). Digits are then cut
 * while a multiple of ten remains in [LO, HI], and the nearest to V of what is left is chosen
 * (ties to even). Returns the number of digits (D in *DIG, its decimal exponent in *EXP10),
 * or 0 when V is outside the range.
 */
static int fmt_exact(double v, unsigned long long *dig, int *exp10)
{
	static const unsigned long long pow10u[20] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
		100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
		10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL
	};
	unsigned long long bits, m, lo, hi, d, p5 = 1;
	unsigned __int128 av, au, al, w, q, r;
	int be, e, t, xe, sh, cs, as, k = 0, n, even;

	memcpy(&bits, &v, sizeof bits);
	be = (int)((bits >> 52) & 0x7ff);
	if (be == 0 || be == 0x7ff)
		return 0; /* subnormal, zero, infinite: not here */
	m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
	e = be - 1075; /* V = M * 2^E */
	if (e > 0)
		return 0;
	/* floor(log10 V) is XE, XE + 1 or XE + 2: V >= 2^(E + 52). */
	xe = (int)floor((double)(e + 52) * 0.30102999566398120) - 1;
	t = xe - 16;
	if (-t > 27)
		return 0;
	for (int i = 0; i < -t; i++)
		p5 *= 5;
	sh = t - e + 2;
	cs = sh > 0 ? sh : 0;
	as = sh < 0 ? -sh : 0;
	if (cs > 56 || as > 8)
		return 0;
	even = (m & 1) == 0;
	av = ((unsigned __int128)(4 * m) * p5) << as;
	au = ((unsigned __int128)(4 * m + 2) * p5) << as;
	al = ((unsigned __int128)(4 * m - ((m == 1ULL << 52 && be > 1) ? 1 : 2)) * p5) << as;
	/* LO: the least D with D * 2^CS above AL (or equal, when even); HI: the greatest below
	 * AU (or equal). */
	lo = (unsigned long long)(al >> cs);
	if (((unsigned __int128)lo << cs) != al || !even)
		lo++;
	hi = (unsigned long long)(au >> cs);
	if (((unsigned __int128)hi << cs) == au && !even)
		hi--;
	while (k < 19) {
		unsigned long long lo10 = lo / 10 + (lo % 10 != 0), hi10 = hi / 10;

		if (lo10 > hi10)
			break;
		lo = lo10;
		hi = hi10;
		k++;
	}
	/* The nearest D at 10^(T + K) to V: AV / (2^CS * 10^K), rounded half to even. */
	w = ((unsigned __int128)pow10u[k]) << cs;
	q = av / w;
	r = av % w;
	d = (unsigned long long)q;
	if (2 * r > w || (2 * r == w && (d & 1)))
		d++;
	if (d < lo)
		d = lo;
	if (d > hi)
		d = hi;
	for (n = 1; n < 20 && d >= pow10u[n]; n++)
		;
	*dig = d;
	*exp10 = t + k + n - 1;
	return n;
}

size_t cu_num_fmt(double v, char *buf)
{
	char dg[32];
	unsigned long long d;
	int nd, x, neg = signbit(v) != 0;
	size_t w = 0;

	if (!isfinite(v))
		return (size_t)snprintf(buf, CU_NUM_FMT_MAX, "%g", v);
	if (v == 0) {
		memcpy(buf, neg ? "-0" : "0", 3 - !neg);
		return 2 - !neg;
	}
	v = fabs(v);
	if ((nd = fmt_exact(v, &d, &x)) > 0) {
		for (int i = nd - 1; i >= 0; i--, d /= 10)
			dg[i] = (char)('0' + d % 10);
	} else {
		/* Elsewhere: the fewest digits printf's correct rounding gives that read back. */
		char e[40], *end;

		for (int p = 1; p <= 17; p++) {
			snprintf(e, sizeof e, "%.*e", p - 1, v);
			if (strtod(e, NULL) == v || p == 17)
				break;
		}
		nd = 0;
		for (const char *c = e; *c != 'e'; c++)
			if (*c != '.')
				dg[nd++] = *c;
		while (nd > 1 && dg[nd - 1] == '0')
			nd--;
		x = (int)strtol(strchr(e, 'e') + 1, &end, 10);
	}
	/* printf's %g layout with precision 17: an exponent below -4 or from 17 up is written
	 * as d.ddde+XX, else as a plain decimal; no trailing zeros. */
	if (neg)
		buf[w++] = '-';
	if (x < -4 || x >= 17) {
		buf[w++] = dg[0];
		if (nd > 1) {
			buf[w++] = '.';
			memcpy(buf + w, dg + 1, (size_t)nd - 1);
			w += (size_t)nd - 1;
		}
		w += (size_t)snprintf(buf + w, CU_NUM_FMT_MAX - w, "e%c%02d", x < 0 ? '-' : '+',
				      x < 0 ? -x : x);
		return w;
	}
	if (x < 0) {
		buf[w++] = '0';
		buf[w++] = '.';
		for (int i = -1; i > x; i--)
			buf[w++] = '0';
		memcpy(buf + w, dg, (size_t)nd);
		w += (size_t)nd;
	} else {
		for (int i = 0; i <= x || i < nd; i++) {
			if (i == x + 1)
				buf[w++] = '.';
			buf[w++] = i < nd ? dg[i] : '0';
		}
	}
	buf[w] = '\0';
	return w;
}
