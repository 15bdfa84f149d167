#!/usr/bin/env python3
"""
Write data/demo/invented-deteriorating-provider.csv: the demo's one invented provider, XDEMOP
"Demo Riverside Hospitals NHS Trust (invented)", whose care declines from April 2018.

    python3 scripts/gen-demo-scenario.py > data/demo/invented-deteriorating-provider.csv
    python3 scripts/gen-demo-scenario.py --explain     # each series' chart, on stderr

Every figure in the file is invented; none is about a real provider. The file is custodian's own
monthly observation format (profile `custodian`, docs/formats.md) and `custodian demo-load`
imports it like any provider's return. Running this script again writes the same bytes: the
noise comes from a fixed-seed splitmix64 generator (scripts/demo_rng.py; no library generator, no
floating-point formatting in the output), and tests/integration/demo_test.c checks that.

The scenario, 36 months from April 2016 to March 2019 (the months of the real A&E data beside
it, so that its latest month is the one the A&E funnel compares), month 25 being April 2018:

  declining from April 2018
    AE_4HR_BREACH_T1 (experience)   a shift: about 15% of ~9,000 type 1 attendances over 4
                                     hours, then about 42% from April 2018 (in March 2019 the
                                     real providers range from 2.5% to 51%, 20.5% overall)
    HCAI_CDIFF_RATE  (safety)       a shift: 2 to 4 C. difficile cases a month in ~15,000 bed
                                     days, then 9 to 13 from April 2018
    FFT_RECOMMEND    (experience)   a trend: about 94% would recommend, then 1.2 points less
                                     every month from April 2018 (about 80% by March 2019)
    MORTALITY_RATIO  (effectiveness) one point beyond the limits: 0.92 to 1.04 observed over
                                     expected deaths (common cause), then 1.50 in March 2019
  stable throughout (common cause only)
    STAFF_VACANCY    (safety)       about 8.5% of ~1,400 funded nurse posts vacant
    COMPLAINTS_RATE  (experience)   about 0.75 written complaints per 1,000 contacts

Why the charts must show what the design says (the XmR chart as custodian draws it,
src/stats/spc.h: limits mean -/+ 2.66 x mean moving range over the whole series, rules shift 7,
trend 7, beyond the limits, two of three beyond 2 sigma):

  * A shift of size D from a level with noise of half-width A, with D > 6A, puts every one of
    the 12 later points above the series mean and every one of the 24 earlier points below it:
    the mean lies between (24(c-A) + 12(c+D-A))/36 = c - A + D/3 and c + A + D/3, so earlier
    points (at most c + A) are below it when D > 6A, and later ones (at least c + D - A) above it
    when D > 3A. So the last 12 points are a run of 12 on the worse side (shift: 7 needed), and
    the run starts in April 2018.
  * A fall of 1.2 points a month with noise of half-width 0.3 falls at least 0.54 points every
    month (with the rounding of whole respondents): 13 points (March 2018 to March 2019) each
    strictly lower than the one before (trend: 7 needed), the last far below the mean.
  * The mortality ratio's last point is above any upper limit the other 35 points can give:
    worked through in MORTALITY_RATIO below.

What bounds alone cannot rule out (a chance run of 7 rising or falling points; for the stable
series, any rule at all) is checked here with an independent implementation of the same rules:
a series that breaks its design is drawn again from the next stream of the generator, so the
file holds, deterministically, the first draw of each series that keeps its design. The design
of each series is asserted before anything is written.
"""
import sys

from demo_rng import SplitMix64

SEED = 20180401
PROVIDER = "XDEMOP"
FIRST_YEAR, FIRST_MONTH, MONTHS = 2016, 4, 36
DECLINE_FROM = 25  # month 25 = April 2018


def period(t):
    """Month t (1-based) as YYYY-MM."""
    m = FIRST_MONTH - 1 + t - 1
    return "%04d-%02d" % (FIRST_YEAR + m // 12, m % 12 + 1)


def label(t):
    names = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    m = FIRST_MONTH - 1 + t - 1
    return "%s %d" % (names[m % 12], FIRST_YEAR + m // 12)


# ---- the series: each returns [(numerator, denominator, value)] as strings, and the values ----


def ae_4hr_breach_t1(g):
    # Type 1 attendances 8,500 to 9,500 a month; share over 4 hours 15% +/- 3 points, then
    # 42% +/- 3 points from April 2018: D = 0.27 > 6A = 6 x (0.03 + 0.5/8500 rounding) = 0.18.
    rows = []
    for t in range(1, MONTHS + 1):
        att = round(9000 + 500 * g.tri())
        level = 0.15 if t < DECLINE_FROM else 0.42
        breaches = round((level + 0.03 * g.tri()) * att)
        rows.append((str(breaches), str(att), "", breaches / att))
    return rows


def hcai_cdiff_rate(g):
    # Bed days 14,600 to 15,400; cases 2, 3 or 4 a month (rate 1.30 to 2.74 per 10,000 bed
    # days), then 9 to 13 from April 2018 (5.84 to 8.90). The mean of the 36 rates lies between
    # (24 x 1.30 + 12 x 5.84)/36 = 2.81 and (24 x 2.74 + 12 x 8.90)/36 = 4.79: above every
    # earlier rate and below every later one.
    rows = []
    for t in range(1, MONTHS + 1):
        beddays = round(15000 + 400 * g.tri())
        cases = 3 + round(g.tri()) if t < DECLINE_FROM else 11 + round(2 * g.tri())
        rows.append((str(cases), str(beddays), "", cases / beddays * 10000))
    return rows


def fft_recommend(g):
    # 1,650 to 1,950 respondents; 94% +/- 0.6 points would recommend, then from April 2018
    # 94% - 1.2 points a month +/- 0.3 points. Rounding to whole respondents moves a month by at
    # most 0.5/1650 = 0.03 points, so each later month is at least 1.2 - 2 x 0.3 - 2 x 0.03 =
    # 0.54 points lower than the one before, and April 2018 (at most 92.8 + 0.3 + 0.03) is
    # below March 2018 (at least 94 - 0.6 - 0.03).
    rows = []
    for t in range(1, MONTHS + 1):
        resp = round(1800 + 150 * g.tri())
        if t < DECLINE_FROM:
            p = 0.94 + 0.006 * g.tri()
        else:
            p = 0.94 - 0.012 * (t - DECLINE_FROM + 1) + 0.003 * g.tri()
        yes = round(p * resp)
        rows.append((str(yes), str(resp), "", yes / resp))
    return rows


def mortality_ratio(g):
    # Expected deaths 87.0 to 103.0 a month (one decimal); observed = expected x ratio, the
    # ratio 0.98 +/- 0.06 (0.914 to 1.046 after rounding deaths to whole numbers), then 1.50 in
    # March 2019 (at least 1.494). The mean of the 36 is at most (35 x 1.046 + 1.506)/36 = 1.059;
    # no moving range exceeds 0.132 but the last, at most 0.592, so the mean moving range, which
    # screening can only lower, is at most (34 x 0.132 + 0.592)/35 = 0.145, and the upper limit
    # at most 1.059 + 2.66 x 0.145 = 1.445 < 1.494: March 2019 is beyond the limits.
    rows = []
    for t in range(1, MONTHS + 1):
        tenths = round(950 + 80 * g.tri())
        ratio = 0.98 + 0.06 * g.tri() if t < MONTHS else 1.50
        deaths = round(ratio * tenths / 10)
        expected = "%d.%d" % (tenths // 10, tenths % 10)
        rows.append((str(deaths), expected, "", deaths / (tenths / 10)))
    return rows


def staff_vacancy(g):
    # About 1,400 funded registered nurse posts, 8.5% +/- 1 point vacant: steady.
    rows = []
    for t in range(1, MONTHS + 1):
        posts = round(1400 + 20 * g.tri())
        vacant = round((0.085 + 0.01 * g.tri()) * posts)
        rows.append((str(vacant), str(posts), "", vacant / posts))
    return rows


def complaints_rate(g):
    # About 60,000 patient contacts a month, 0.75 +/- 0.12 written complaints per 1,000: steady
    # (complaints need not rise when care falls; a quiet complaints line is no assurance).
    rows = []
    for t in range(1, MONTHS + 1):
        contacts = round(60000 + 3000 * g.tri())
        complaints = round((0.75 + 0.12 * g.tri()) * contacts / 1000)
        rows.append((str(complaints), str(contacts), "", complaints / contacts * 1000))
    return rows


# (indicator, polarity: +1 higher is better, -1 lower is better, series, design)
SERIES = [
    ("AE_4HR_BREACH_T1", -1, ae_4hr_breach_t1, "shift"),
    ("HCAI_CDIFF_RATE", -1, hcai_cdiff_rate, "shift"),
    ("FFT_RECOMMEND", +1, fft_recommend, "trend"),
    ("MORTALITY_RATIO", -1, mortality_ratio, "outside"),
    ("STAFF_VACANCY", -1, staff_vacancy, "stable"),
    ("COMPLAINTS_RATE", -1, complaints_rate, "stable"),
]

# ---- the Making Data Count rules, written again here from src/stats/spc.h ----

OUTSIDE, SHIFT, TREND, TWO3, HIGH, LOW = 1, 2, 4, 8, 16, 32


def sign(d):
    return (d > 0) - (d < 0)


def xmr(x):
    """Flags of each point, mean and limits: whole series, screened moving ranges."""
    n = len(x)
    mean = sum(x) / n
    mr = [abs(x[i] - x[i - 1]) for i in range(1, n)]
    amr = sum(mr) / len(mr)
    if amr > 0:
        kept = [r for r in mr if r < 3.267 * amr]
        amr = sum(kept) / len(kept)
    lcl, ucl = mean - 2.66 * amr, mean + 2.66 * amr
    f = [0] * n
    for i, v in enumerate(x):
        if v > ucl:
            f[i] |= OUTSIDE | HIGH
        elif v < lcl:
            f[i] |= OUTSIDE | LOW
    prev = count = 0
    for i, v in enumerate(x):  # shift: 7 or more strictly on one side of the mean
        s = sign(v - mean)
        count = count + 1 if s != 0 and s == prev else int(s != 0)
        prev = s
        if count >= 7:
            for j in range(i - count + 1, i + 1):
                f[j] |= SHIFT | (HIGH if s > 0 else LOW)
    prev = steps = 0
    for i in range(1, n):  # trend: 7 points, each strictly beyond the one before
        s = sign(x[i] - x[i - 1])
        steps = steps + 1 if s != 0 and s == prev else int(s != 0)
        prev = s
        if steps >= 6:
            for j in range(i - steps, i + 1):
                f[j] |= TREND | (HIGH if s > 0 else LOW)
    w = 2.0 / 3.0 * 2.66 * amr  # two of three beyond a 2-sigma line (limits included)
    for j in range(n - 2):
        for side in (-1, 1):
            beyond = [side * (x[k] - mean) > w for k in range(j, j + 3)]
            if sum(beyond) >= 2:
                for k in range(j, j + 3):
                    if beyond[k - j]:
                        f[k] |= TWO3 | (HIGH if side > 0 else LOW)
    return f, mean, lcl, ucl


def concern(flags, polarity):
    if not flags & (OUTSIDE | SHIFT | TREND | TWO3):
        return False
    better = HIGH if polarity > 0 else LOW
    return not flags & better


def since(f, polarity):
    """The first month of the run of concerns that ends at the last point (as the ranking)."""
    i = len(f) - 1
    while i > 0 and concern(f[i - 1], polarity):
        i -= 1
    return i + 1


def keeps_design(values, polarity, design):
    f, _, _, _ = xmr(values)
    last = f[-1]
    if design == "stable":
        return not any(f)
    if not concern(last, polarity):
        return False
    if design == "shift":
        return bool(last & SHIFT) and since(f, polarity) == DECLINE_FROM
    if design == "trend":
        return bool(last & TREND)
    if design == "outside":  # and common cause before it: a steady line, then the jump
        return bool(last & OUTSIDE) and not any(f[:-1])
    raise ValueError(design)


def draw(k, series, polarity, design):
    for attempt in range(1000):
        g = SplitMix64(SEED * 1000003 + k * 1009 + attempt)
        rows = series(g)
        if keeps_design([r[3] for r in rows], polarity, design):
            return rows, attempt
    raise SystemExit("gen-demo-scenario: no draw keeps the design of series %d" % k)


def rule_words(fl):
    words = [w for bit, w in ((OUTSIDE, "beyond the limits"), (SHIFT, "shift"), (TREND, "trend"),
                              (TWO3, "two of three near a limit")) if fl & bit]
    return ", ".join(words) or "common cause"


def main(argv):
    explain = "--explain" in argv[1:]
    out = ["org_code,indicator,period,numerator,denominator,value"]
    for k, (code, polarity, series, design) in enumerate(SERIES):
        rows, attempt = draw(k, series, polarity, design)
        for t, (num, den, val, _) in enumerate(rows, start=1):
            out.append(",".join((PROVIDER, code, period(t), num, den, val)))
        if explain:
            x = [r[3] for r in rows]
            f, mean, lcl, ucl = xmr(x)
            print("%-17s %-7s draw %d: first %.4g, Mar 2018 %.4g, last %.4g; mean %.4g, "
                  "limits %.4g to %.4g; last point: %s%s" %
                  (code, design, attempt, x[0], x[DECLINE_FROM - 2], x[-1], mean, lcl, ucl,
                   rule_words(f[-1]),
                   ", since %s" % label(since(f, polarity)) if concern(f[-1], polarity) else ""),
                  file=sys.stderr)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv)
