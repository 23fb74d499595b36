"""Write the test pickles with real cloudpickle, inside a runtime image.

Each predict function is defined in __main__, so cloudpickle stores it by
value, as it does for a user's notebook. Usage, with a writable folder at
/output: python3 make_pickles.py
"""

import os
import time

import cloudpickle
import pandas as pd

OUTPUT = os.environ.get("PICKLE_OUTPUT", "/output")


def rank_mean(live_features):
    features = live_features.filter(like="feature_")
    return features.mean(axis=1).rank(pct=True).to_frame("prediction")


def rank_mean_series(live_features):
    return live_features.filter(like="feature_").sum(axis=1).rank(pct=True).rename("score")


def raises(live_features):
    columns = live_features.shape[1]
    raise ValueError(f"expected 2376 feature columns, got {columns}")


def constant(live_features):
    return pd.DataFrame({"prediction": 0.5}, index=live_features.index)


def drops_rows(live_features):
    return rank_mean(live_features).iloc[:-7]


def sleeps(live_features):
    time.sleep(3600)


PICKLES = {
    "rank_mean.pkl": rank_mean,
    "rank_mean_series.pkl": rank_mean_series,
    "raises.pkl": raises,
    "constant.pkl": constant,
    "drops_rows.pkl": drops_rows,
    "sleeps.pkl": sleeps,
    "not_callable.pkl": {"weights": [1, 2, 3]},
}

for name, value in PICKLES.items():
    with open(os.path.join(OUTPUT, name), "wb") as handle:
        cloudpickle.dump(value, handle)
    print(f"wrote {name}")
