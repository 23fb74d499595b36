"""Write the test pickles with real cloudpickle, inside a runtime image.

Each predict function is defined in __main__, so cloudpickle stores it by
value, as it does for a user's notebook. Usage, with a writable folder at
/output: python3 make_pickles.py
"""

import ctypes
import os
import pickle
import sys
import time
import types

import cloudpickle
import numpy as np
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


def slow_rank_mean(live_features):
    time.sleep(2)
    return rank_mean(live_features)


def slower_rank_mean(live_features):
    time.sleep(12)
    return rank_mean(live_features)


def allocates(live_features):
    blocks = []
    while True:
        blocks.append(np.ones(256 * 1024 * 1024, dtype=np.uint8))


def imports_lightgbm(live_features):
    import lightgbm

    return lightgbm.predict(live_features)


def crashes_interpreter(live_features):
    ctypes.string_at(0)


def two_arguments(live_features, benchmark_models):
    if not isinstance(benchmark_models, pd.DataFrame):
        raise TypeError(f"benchmark_models is a {type(benchmark_models).__name__}")
    return rank_mean(live_features)


class MainModel:
    """A class defined in __main__ and pickled by plain pickle: stored by reference, so it cannot load elsewhere."""

    def __call__(self, live_features):
        return rank_mean(live_features)


def fake_module_instance():
    """An object whose class claims to live in a module named lightgbm, which the runtimes lack."""
    module = types.ModuleType("lightgbm")
    booster = type("Booster", (), {"__module__": "lightgbm"})
    module.Booster = booster
    sys.modules["lightgbm"] = module
    return booster()


PICKLES = {
    "rank_mean.pkl": rank_mean,
    "rank_mean_series.pkl": rank_mean_series,
    "raises.pkl": raises,
    "constant.pkl": constant,
    "drops_rows.pkl": drops_rows,
    "sleeps.pkl": sleeps,
    "not_callable.pkl": {"weights": [1, 2, 3]},
    "allocates.pkl": allocates,
    "slow_rank_mean.pkl": slow_rank_mean,
    "slower_rank_mean.pkl": slower_rank_mean,
    "imports_lightgbm.pkl": imports_lightgbm,
    "crashes_interpreter.pkl": crashes_interpreter,
    "two_arguments.pkl": two_arguments,
}

# Written with plain pickle, which stores classes by reference to their module.
PLAIN_PICKLES = {
    "main_class.pkl": MainModel(),
    "lightgbm_global.pkl": fake_module_instance(),
}

for name, value in PICKLES.items():
    with open(os.path.join(OUTPUT, name), "wb") as handle:
        cloudpickle.dump(value, handle)
    print(f"wrote {name}")

for name, value in PLAIN_PICKLES.items():
    with open(os.path.join(OUTPUT, name), "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"wrote {name}")

with open(os.path.join(OUTPUT, "rank_mean.pkl"), "rb") as handle:
    whole = handle.read()
with open(os.path.join(OUTPUT, "truncated.pkl"), "wb") as handle:
    handle.write(whole[: len(whole) // 2])
print("wrote truncated.pkl")
