/* Period parsing and labelling; see period.h. */
#include "model/period.h"

#include <stdio.h>
#include <string.h>

static const char *const grain_names[MODEL_GRAIN__MAX] = { "month", "quarter", "year" };
static const char *const format_names[MODEL_PF__MAX] = { "iso-date", "yyyy-mm", "mon-yyyy", "fy",
							 "yyyymmdd" };
static const char *const format_expect[MODEL_PF__MAX] = {
	"a date written YYYY-MM-DD", "a month written YYYY-MM", "a month written like APR2021",
	"a financial year written like 2020-21", "a date written YYYYMMDD"
};
static const char *const months[12] = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
					"JUL", "AUG", "SEP", "OCT", "NOV", "DEC" };

const char *model_grain_name(enum model_grain g)
{
	return (unsigned)g < MODEL_GRAIN__MAX ? grain_names[g] : "?";
}

int model_grain_parse(const char *s)
{
	for (int i = 0; i < MODEL_GRAIN__MAX; i++)
		if (strcmp(s, grain_names[i]) == 0)
			return i;
	return -1;
}

const char *model_period_format_name(enum model_period_format f)
{
	return (unsigned)f < MODEL_PF__MAX ? format_names[f] : "?";
}

int model_period_format_parse(const char *s)
{
	for (int i = 0; i < MODEL_PF__MAX; i++)
		if (strcmp(s, format_names[i]) == 0)
			return i;
	return -1;
}

/* Write Y-M-D as YYYY-MM-DD into OUT[11]; the modulo only tells the compiler the widths. */
static void fmt_date(char out[11], int y, int m, int d)
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
}

static int days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Read exactly N digits at S into *V. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* Split S in format F into year, month, day (day 1 where the format has none). */
static int split(struct cu_str s, enum model_period_format f, int *y, int *m, int *d)
{
	char up[4];
	int yy;

	*d = 1;
	switch (f) {
	case MODEL_PF_ISO_DATE:
		return s.n == 10 && s.p[4] == '-' && s.p[7] == '-' && !digits(s.p, 4, y) &&
				       !digits(s.p + 5, 2, m) && !digits(s.p + 8, 2, d)
			       ? 0
			       : -1;
	case MODEL_PF_YYYYMMDD:
		return s.n == 8 && !digits(s.p, 4, y) && !digits(s.p + 4, 2, m) &&
				       !digits(s.p + 6, 2, d)
			       ? 0
			       : -1;
	case MODEL_PF_YYYY_MM:
		return s.n == 7 && s.p[4] == '-' && !digits(s.p, 4, y) && !digits(s.p + 5, 2, m)
			       ? 0
			       : -1;
	case MODEL_PF_MON_YYYY: {
		size_t off = 3;

		if (s.n != 7 && s.n != 8)
			return -1;
		if (s.n == 8) {
			if (s.p[3] != '-' && s.p[3] != ' ')
				return -1;
			off = 4;
		}
		for (int i = 0; i < 3; i++)
			up[i] = (char)(s.p[i] >= 'a' && s.p[i] <= 'z' ? s.p[i] - 32 : s.p[i]);
		up[3] = '\0';
		*m = 0;
		for (int i = 0; i < 12; i++)
			if (memcmp(up, months[i], 3) == 0)
				*m = i + 1;
		return *m && !digits(s.p + off, 4, y) ? 0 : -1;
	}
	case MODEL_PF_FY:
		if (s.n != 7 || s.p[4] != '-' || digits(s.p, 4, y) || digits(s.p + 5, 2, &yy))
			return -1;
		*m = 4;
		return (*y + 1) % 100 == yy ? 0 : -1;
	case MODEL_PF__MAX:
		break;
	}
	return -1;
}

static int impossible(struct cu_str s, const char *what, const char *expect, const char *more,
		      struct cu_err *err)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];

	return cu_err_set(err, CU_EINVAL, "impossible %s \"%s\": expected %s%s", what,
			  cu_err_quote(s.p, s.n, q, sizeof q), expect, more);
}

int model_date_parse(struct cu_str s, enum model_period_format f, char out[11], struct cu_err *err)
{
	int y, m, d;

	if ((unsigned)f >= MODEL_PF__MAX || split(s, f, &y, &m, &d) || y < 1900 || y > 2100 ||
	    m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return impossible(s, "date", format_expect[(unsigned)f < MODEL_PF__MAX ? f : 0], "",
				  err);
	fmt_date(out, y, m, d);
	return 0;
}

int model_period_parse(struct cu_str s, enum model_period_format f, enum model_grain g,
		       struct model_period *out, struct cu_err *err)
{
	static const char *const starts[MODEL_GRAIN__MAX] = {
		" starting a month", " starting a quarter (January, April, July or October)",
		" starting a financial year (April)"
	};
	int y, m, d, ey, em, span;

	if ((unsigned)f >= MODEL_PF__MAX || (unsigned)g >= MODEL_GRAIN__MAX)
		return cu_err_set(err, CU_EINVAL, "unknown period format or grain");
	if (split(s, f, &y, &m, &d) || y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return impossible(s, "period", format_expect[f], "", err);
	if (d != 1 || (g == MODEL_GRAIN_QUARTER && (m - 1) % 3 != 0) ||
	    (g == MODEL_GRAIN_YEAR && m != 4))
		return impossible(s, "period", format_expect[f], starts[g], err);
	span = g == MODEL_GRAIN_MONTH ? 1 : g == MODEL_GRAIN_QUARTER ? 3 : 12;
	ey = y + (m - 1 + span - 1) / 12;
	em = (m - 1 + span - 1) % 12 + 1;
	out->grain = g;
	out->y = y;
	out->m = m;
	fmt_date(out->start, y, m, 1);
	fmt_date(out->end, ey, em, days_in_month(ey, em));
	return 0;
}

const char *model_period_label(const char *start, enum model_grain g, char out[16])
{
	static const char *const names[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int y, m;

	if (strlen(start) < 7 || digits(start, 4, &y) || digits(start + 5, 2, &m) || m < 1 ||
	    m > 12) {
		snprintf(out, 16, "?");
		return out;
	}
	switch (g) {
	case MODEL_GRAIN_QUARTER: {
		/* Y has four digits (checked above), so the label fits in 16 bytes. */
		unsigned fy = (unsigned)(m >= 4 ? y : y - 1) % 10000;

		snprintf(out, 16, "Q%u %u-%02u", (unsigned)((m >= 4 ? m - 4 : m + 8) / 3 + 1) % 10,
			 fy, (fy + 1) % 100);
		break;
	}
	case MODEL_GRAIN_YEAR:
		snprintf(out, 16, "%d-%02d", y, (y + 1) % 100);
		break;
	default:
		snprintf(out, 16, "%s %d", names[m - 1], y);
	}
	return out;
}
