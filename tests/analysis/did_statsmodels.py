#!/usr/bin/python3
"""The reference for the C difference-in-differences: statsmodels on a panel CSV.

Usage: did_statsmodels.py PANEL.csv INDICATOR TREATED CONTROL BEFORE AFTER WEIGHTED
  BEFORE, AFTER  year ranges "2015..2017" (a period belongs to one when its
                 year does; the C side selects the same rows)
  WEIGHTED       0: OLS, 1: WLS with the denominator as weight

Prints one line of numbers (repr precision):
  coef se p_normal ci_low_normal ci_high_normal p_t ci_low_t ci_high_t n clusters
where *_normal is statsmodels' default for cov_type='cluster' (use_t=False,
standard normal) and *_t is use_t=True (Student's t with G-1 df).
"""
import sys

import pandas as pd
import statsmodels.formula.api as smf


def years(spec):
    a, _, b = spec.partition("..")
    return int(a), int(b or a)


def main():
    path, indicator, treated, control, before, after, weighted = sys.argv[1:8]
    b0, b1 = years(before)
    a0, a1 = years(after)
    d = pd.read_csv(path, dtype={"office": str, "group": str, "period": str})
    d = d[(d.indicator == indicator) & d.group.isin([treated, control])]
    d = d[d.share.notna()].copy()
    d["year"] = d.period.str[:4].astype(int)
    d["after"] = d.year.between(a0, a1)
    d = d[d.after | d.year.between(b0, b1)].copy()
    d["D"] = ((d.group == treated) & d.after).astype(float)
    d["y"] = d.share
    formula = "y ~ D + C(office) + C(period)"
    if weighted == "1":
        model = smf.wls(formula, data=d, weights=d.denominator.astype(float))
    else:
        model = smf.ols(formula, data=d)
    kw = {"cov_type": "cluster", "cov_kwds": {"groups": d.office}}
    z = model.fit(**kw)
    t = model.fit(use_t=True, **kw)
    ciz = z.conf_int().loc["D"]
    cit = t.conf_int().loc["D"]
    vals = [z.params["D"], z.bse["D"], z.pvalues["D"], ciz[0], ciz[1],
            t.pvalues["D"], cit[0], cit[1], int(z.nobs), d.office.nunique()]
    print(" ".join(repr(float(v)) for v in vals))


if __name__ == "__main__":
    main()
