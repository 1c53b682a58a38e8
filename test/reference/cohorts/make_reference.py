#!/usr/bin/python3
"""Reference cohort tables for sql/cohorts_pandas.sql, computed with pandas.

Writes customers.csv and events.csv (a seeded random data set: 400
customers signing up over 2025, their events until mid-2026, some before
their sign-up, some customers with none) and expected.csv: for each monthly
cohort (in UTC), kind (full, classic, rolling, return) and period 0..12, the
number of customers counted, empty where the period had not ended on
AS_OF.  Run it from this folder: /usr/bin/python3 make_reference.py
"""
import numpy as np
import pandas as pd

AS_OF = pd.Timestamp("2026-03-15 12:00", tz="UTC")
PERIODS = 12

rng = np.random.default_rng(20261203)
n = 400
signup = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(
    rng.integers(0, 365 * 24 * 3600, n), unit="s")
customers = pd.DataFrame({"id": np.arange(1, n + 1), "signed_up_at": signup})
rows = []
for cid, start in zip(customers.id, customers.signed_up_at):
    k = rng.poisson(6) if rng.random() > 0.15 else 0
    # events from 20 days before the start to about 14 months after
    offs = rng.integers(-20 * 86400, 430 * 86400, k)
    for o in offs:
        rows.append((cid, start + pd.Timedelta(seconds=int(o))))
events = pd.DataFrame(rows, columns=["customer_id", "at"])


def month_index(ts):
    return ts.dt.year * 12 + ts.dt.month - 1


customers["cohort_month"] = month_index(customers.signed_up_at)
ev = events.merge(customers, left_on="customer_id", right_on="id")
ev = ev[ev["at"] >= ev["signed_up_at"]]
ev["period"] = month_index(ev["at"]) - ev["cohort_month"]
active = ev.groupby("customer_id").period.apply(set)
customers["periods"] = customers.id.map(active).apply(
    lambda s: s if isinstance(s, set) else set())

as_of_month = AS_OF.year * 12 + AS_OF.month - 1
out = []
for cohort_month, g in customers.groupby("cohort_month"):
    known = as_of_month - 1 - cohort_month  # last period that has ended
    label = "%04d-%02d-01" % (cohort_month // 12, cohort_month % 12 + 1)
    for kind in ["full", "classic", "rolling", "return"]:
        for k in range(PERIODS + 1):
            if k == 0:
                count = len(g)
            elif kind == "full":
                count = sum(all(j in s for j in range(1, k + 1)) for s in g.periods)
            elif kind == "classic":
                count = sum(k in s for s in g.periods)
            elif kind == "rolling":
                count = sum(any(j >= k for j in s) for s in g.periods)
            else:
                count = sum(any(1 <= j <= k for j in s) for s in g.periods)
            out.append((label, kind, k, count if k <= known else None))
expected = pd.DataFrame(out, columns=["cohort", "kind", "period", "count"])
expected["count"] = expected["count"].astype("Int64")

customers[["id", "signed_up_at"]].to_csv("customers.csv", index=False)
events.to_csv("events.csv", index=False)
expected.to_csv("expected.csv", index=False)
