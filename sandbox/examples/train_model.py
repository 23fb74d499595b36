"""Train a small model on staged training data and cloudpickle its predict function.

Run inside a runtime image, with the output of `silo stage-features train.parquet DIR`
mounted at /input and a writable folder at /output:

    docker run --rm --network none -v DIR:/input:ro -v OUT:/output \
        modeluploads-runtime:py3.11 python3 /examples/train_model.py [--model xgboost|ridge]

It writes /output/model.pkl, the file a user uploads. predict is defined in
__main__, so cloudpickle stores it by value together with the trained model.
"""

import argparse
import json
import os
import sys

import cloudpickle
import numpy as np
import pandas as pd


def load(directory):
    with open(os.path.join(directory, "features.json")) as handle:
        meta = json.load(handle)
    features = np.load(os.path.join(directory, "features.npy"))
    targets = np.load(os.path.join(directory, "targets.npy"))
    target = targets[:, meta["target_names"].index("target")]
    return meta["feature_names"], features, target


def train(kind, features, target):
    if kind == "xgboost":
        import xgboost

        model = xgboost.XGBRegressor(n_estimators=60, max_depth=4, learning_rate=0.05,
                                     colsample_bytree=0.3, n_jobs=1, tree_method="hist")
    else:
        from sklearn.linear_model import Ridge

        model = Ridge(alpha=1.0)
    model.fit(features, target)
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["xgboost", "ridge"], default="xgboost")
    parser.add_argument("--input", default="/input")
    parser.add_argument("--output", default="/output/model.pkl")
    args = parser.parse_args()

    feature_names, features, target = load(args.input)
    known = ~np.isnan(target)
    model = train(args.model, features[known], target[known])

    def predict(live_features: pd.DataFrame) -> pd.DataFrame:
        raw = model.predict(live_features[feature_names].to_numpy())
        ranked = pd.Series(raw, index=live_features.index).rank(pct=True)
        return ranked.to_frame("prediction")

    with open(args.output, "wb") as handle:
        cloudpickle.dump(predict, handle)
    print(f"trained {args.model} on {int(known.sum())} rows x {len(feature_names)} features; "
          f"wrote {args.output} for Python {sys.version_info.major}.{sys.version_info.minor}")


if __name__ == "__main__":
    main()
