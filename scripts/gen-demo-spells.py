#!/usr/bin/env python3
"""
Write data/demo/invented-spells.csv: invented hospital spells, April 2016 to March 2019, for
the demo's mortality pages (custodian's SHMI-style model, docs/methods.md).

    python3 scripts/gen-demo-spells.py > data/demo/invented-spells.csv
    python3 scripts/gen-demo-spells.py --explain     # the design's figures, on stderr

Every spell is invented, and so is every provider it names: the demo's invented provider XDEMOP
"Demo Riverside Hospitals NHS Trust (invented)" and 24 invented trusts XDEMH01 to XDEMH24
(`custodian demo-load` names them, each "Demo ... (invented)"). None is about a real provider:
mortality figures invented for a real trust would say something false about it. The file is
in the spells format (docs/formats.md, "Hospital spells") and `custodian demo-load` imports it
with the profile `spells` for the period 2018-19. Running this script again writes the same
bytes: the draws come from a fixed-seed splitmix64 generator (scripts/demo_rng.py), and
tests/integration/demo_test.c checks that.

The design, 36 months with year_index 1 (April 2016 to March 2017) to 3 (2018-19), the spells
of each month in provider order, spell ids rising through the file (the CUSUM's time order):

  * 10 diagnosis groups (1 to 10), each with its own share of spells and its own risk of
    death at the reference covariates (0.8% to 3%; group 4, the most common, 1.5%); the risk
    rises with age band, comorbidity (Charlson band), emergency admission and for men, as in
    the real model's covariates, to about 4.5% of spells ending in death overall. Patients
    are 50 and over (age bands 10 to 19), so that every group has deaths at every level of
    every covariate and no group's model is separated.
  * Each trust has a modest effect of its own on the odds of death (between-provider variation,
    which the funnel's overdispersion allows for), except:
      XDEMH05  odds of death 1.9 times the others' throughout: above the 99.8% limits of the
               funnel (ratio 1.42, upper limit 1.38, when made);
      XDEMH17  odds 0.6 times: below them (0.52, lower limit 0.77);
      XDEMOP   like any other trust until December 2018; from January 2019 its patients in
               diagnosis group 4 die at 6 times the odds: too few deaths to move its ratio for
               the three years out of the expected range (1.09), enough for the risk-adjusted
               CUSUM of group 4 (odds ratio 2, h 4.5) to alarm in early 2019 (at its 982nd of
               1,041 spells), its only alarm. The same story as its monthly MORTALITY_RATIO
               (data/demo/invented-deteriorating-provider.csv): nothing until a signal at the
               very end.
    With the others' own effects and chance, XDEMH16 is just above its 95% limit (1.20) and
    has the two other CUSUM alarms (groups 7 and 9), as chance gives among 250 series.
"""
import math
import sys

from demo_rng import SplitMix64

SEED = 20190101
MONTHS = 36


def running(weights):
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


HIGH, LOW, SCENARIO = "XDEMH05", "XDEMH17", "XDEMOP"
SCENARIO_GROUP, SCENARIO_FROM, SCENARIO_ODDS = 4, 34, 6.0  # month 34 = January 2019


def design(g):
    """Providers (code, spells over the 36 months, log odds effect) and groups (share, log odds
    at the reference covariates), drawn once from G."""
    providers = []
    for i in range(1, 25):
        code = "XDEMH%02d" % i
        size = round(2400 + 1200 * g.tri())
        effect = 0.15 * g.tri()
        if code == HIGH:
            effect = math.log(1.9)
        elif code == LOW:
            effect = math.log(0.6)
        providers.append((code, size, effect))
    providers.append((SCENARIO, 6000, 0.0))
    groups = []
    for k in range(1, 11):
        share = 0.5 + g.uniform()
        risk = 0.008 + 0.022 * g.uniform()
        if k == SCENARIO_GROUP:  # a common group with a real risk of death, as pneumonia is
            share, risk = 2.0, 0.015
        groups.append((share, math.log(risk / (1 - risk))))
    return providers, groups


AGE_WEIGHTS = running([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 5, 6, 7, 8, 9, 9, 8, 6, 4])
CHARLSON_WEIGHTS = running([55, 33, 12])


def spells(g, providers, groups):
    """Yield the file's rows, in time order."""
    group_cum = running([s for s, _ in groups])
    spell_id = 0
    for t in range(1, MONTHS + 1):
        year = 1 + (t - 1) // 12
        for code, size, effect in providers:
            n = round(size / MONTHS * (1 + 0.15 * g.tri()))
            for _ in range(n):
                spell_id += 1
                k = g.pick(group_cum)
                age = g.pick(AGE_WEIGHTS)
                sex = 1 if g.uniform() < 0.48 else 2
                adm = 2 if g.uniform() < 0.7 else 1
                charlson = g.pick(CHARLSON_WEIGHTS)
                logit = (groups[k][1] + 0.09 * (age - 12) + 0.55 * (adm == 2) +
                         0.5 * charlson + 0.12 * (sex == 1) - 0.03 * (year - 1) + effect)
                if code == SCENARIO and k + 1 == SCENARIO_GROUP and t >= SCENARIO_FROM:
                    logit += math.log(SCENARIO_ODDS)
                died = 1 if g.uniform() < 1 / (1 + math.exp(-logit)) else 0
                yield (code, spell_id, k + 1, age, sex, adm, charlson, year, died)


def main():
    g = SplitMix64(SEED)
    providers, groups = design(g)
    out = sys.stdout
    out.write("provider_id,spell_id,diag_group,age_band,sex,admission_method,charlson_band,"
              "year_index,died\n")
    counts = {}
    for row in spells(g, providers, groups):
        out.write("%s,%d,%d,%d,%d,%d,%d,%d,%d\n" % row)
        c = counts.setdefault((row[0], row[2] == SCENARIO_GROUP, row[7]), [0, 0])
        c[0] += 1
        c[1] += row[8]
    if "--explain" in sys.argv[1:]:
        for (code, in_group, year), (n, d) in sorted(counts.items()):
            if code in (HIGH, LOW, SCENARIO):
                sys.stderr.write("%s group %s year %d: %d spells, %d deaths\n" %
                                 (code, SCENARIO_GROUP if in_group else "other", year, n, d))


if __name__ == "__main__":
    main()
