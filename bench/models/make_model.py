"""Make one benchmark model: a cloudpickled predict function, as a user uploads it.

Run inside a runtime image with a writable folder at /output, and for the xgboost
kinds the output of `silo stage-features train.parquet DIR` at /input:

    python3 make_model.py cheap --output /output/cheap.pkl
    python3 make_model.py xgboost --trees 20000 --features 40 --output /output/heavy.pkl
    python3 make_model.py padded --bytes 1073741824 --output /output/big.pkl

cheap ranks the first feature: the least work a valid predict can do.
xgboost trains a regressor on the first FEATURES staged features (0 means all), with
at most TRAINED_TREES trained trees repeated to TREES trees.
padded is cheap with a random payload in its closure, so the pickle is BYTES long.
"""

import argparse
import json
import os
import sys
import time

import cloudpickle
import numpy as np
import pandas as pd


def cheap_predict(first_feature):
    def predict(live_features: pd.DataFrame) -> pd.DataFrame:
        ranked = live_features[first_feature].rank(method="first", pct=True)
        return ranked.to_frame("prediction")

    return predict


def load_training(directory, feature_count):
    with open(os.path.join(directory, "features.json")) as handle:
        meta = json.load(handle)
    features = np.load(os.path.join(directory, "features.npy"))
    targets = np.load(os.path.join(directory, "targets.npy"))
    target = targets[:, meta["target_names"].index("target")]
    names = meta["feature_names"]
    if feature_count:
        names = names[:feature_count]
        features = features[:, :feature_count]
    known = ~np.isnan(target)
    return names, features[known], target[known]


def repeat_trees(booster, trees):
    """Return a booster whose tree list is the given one's, repeated to `trees` trees.

    Training tens of thousands of trees on thousands of features takes far longer than
    the benchmark's whole budget on a small machine. Prediction walks every tree for every
    row whatever the trees learned, so repeated trees cost what trained ones would.
    """
    import xgboost

    model = json.loads(booster.save_raw(raw_format="json"))
    gbtree = model["learner"]["gradient_booster"]["model"]
    trained = gbtree["trees"]
    repeated = []
    for i in range(trees):
        tree = dict(trained[i % len(trained)])
        tree["id"] = i
        repeated.append(tree)
    gbtree["trees"] = repeated
    gbtree["tree_info"] = [0] * trees
    gbtree["gbtree_model_param"]["num_trees"] = str(trees)
    if "iteration_indptr" in gbtree:  # xgboost 2 records where each boosting round's trees start
        gbtree["iteration_indptr"] = list(range(trees + 1))
    result = xgboost.Booster()
    result.load_model(bytearray(json.dumps(model), "utf-8"))
    return result


def xgboost_predict(args):
    import xgboost

    names, features, target = load_training(args.input, args.features)
    trained_trees = min(args.trees, args.trained_trees)
    # Shallow trees on a column sample keep training short. The predict cost depends on the
    # number of trees, their depth and the rows, and the benchmark sets those.
    model = xgboost.XGBRegressor(n_estimators=trained_trees, max_depth=args.depth, learning_rate=0.01,
                                 colsample_bytree=args.column_sample, max_bin=16, n_jobs=args.jobs,
                                 tree_method="hist")
    started = time.perf_counter()
    model.fit(features, target)
    booster = model.get_booster()
    if args.trees > trained_trees:
        booster = repeat_trees(booster, args.trees)
    booster.set_param({"nthread": 1})
    print(f"trained {trained_trees} trees of depth {args.depth} on {features.shape[0]} rows x "
          f"{len(names)} features and kept {args.trees} in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    def predict(live_features: pd.DataFrame) -> pd.DataFrame:
        raw = booster.inplace_predict(live_features[names].to_numpy())
        ranked = pd.Series(raw, index=live_features.index).rank(method="first", pct=True)
        return ranked.to_frame("prediction")

    return predict


def padded_predict(args, first_feature):
    rank = cheap_predict(first_feature)

    def make(payload):
        def predict(live_features: pd.DataFrame) -> pd.DataFrame:
            assert len(payload) >= 0
            return rank(live_features)

        return predict

    # cloudpickle's framing around the payload depends on the payload's length (the opcode
    # that carries it has a 1-, 4- or 8-byte length field), so it is measured at a length
    # with the same field size as the target's.
    probe = min(args.bytes // 2, 1 << 20)
    overhead = len(cloudpickle.dumps(make(bytes(probe)))) - probe
    return make(os.urandom(args.bytes - overhead))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["cheap", "xgboost", "padded"])
    parser.add_argument("--output", required=True)
    parser.add_argument("--input", default="/input")
    parser.add_argument("--first-feature", default=None,
                        help="feature column cheap and padded rank; default: the first staged feature")
    parser.add_argument("--trees", type=int, default=60)
    parser.add_argument("--trained-trees", type=int, default=1000,
                        help="trees actually trained; more are repeats of these")
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--features", type=int, default=0)
    parser.add_argument("--column-sample", type=float, default=0.1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--bytes", type=int, default=0)
    args = parser.parse_args()

    first_feature = args.first_feature
    if first_feature is None and args.kind != "xgboost":
        with open(os.path.join(args.input, "features.json")) as handle:
            first_feature = json.load(handle)["feature_names"][0]

    if args.kind == "cheap":
        predict = cheap_predict(first_feature)
    elif args.kind == "xgboost":
        predict = xgboost_predict(args)
    else:
        predict = padded_predict(args, first_feature)

    with open(args.output, "wb") as handle:
        cloudpickle.dump(predict, handle)
    size = os.path.getsize(args.output)
    print(f"wrote {args.output}: {size} bytes", file=sys.stderr)
    if args.kind == "padded" and size != args.bytes:
        sys.exit(f"the padded pickle is {size} bytes, not the {args.bytes} requested")


if __name__ == "__main__":
    main()
