"""Compute Numerai's validation diagnostics with pandas and SciPy, as a reference.

DiagnosticsReferenceTests compares the C# DiagnosticsCalculator with this script.
Reads rows.csv (columns era, prediction, target and feature_*, where an empty
field is a missing value) from the folder given as the first argument, /work by
default, and writes reference.json to the same folder.

Usage: python3 reference_diagnostics.py [folder]
"""

import json
import os
import sys

import numpy as np
import pandas as pd
from scipy import stats

EXPONENT = 1.5


def signed_power(values):
    return np.sign(values) * np.abs(values) ** EXPONENT


def is_constant(values):
    return bool(np.all(values == values[0]))


def era_correlation(predictions, targets):
    """Numerai's correlation of one era, from rows that all have a target."""
    # An era whose predictions or targets are all equal has no defined
    # correlation. DiagnosticsCalculator counts it as 0, and so does this script.
    if is_constant(predictions) or is_constant(targets):
        return 0.0
    ranks = stats.rankdata(predictions, method="average")
    gaussianized = signed_power(stats.norm.ppf((ranks - 0.5) / len(ranks)))
    centred_targets = signed_power(targets - targets.mean())
    return float(np.corrcoef(gaussianized, centred_targets)[0, 1])


def max_drawdown(correlations):
    """Largest drop of the cumulative sum below its running peak, which starts at 0."""
    cumulative = np.cumsum(correlations)
    peaks = np.maximum.accumulate(np.concatenate([[0.0], cumulative]))[1:]
    return float(np.max(peaks - cumulative, initial=0.0))


def max_feature_exposure(rows):
    """Largest absolute correlation of the predictions with one feature, and that feature's name."""
    best_exposure, best_feature = 0.0, None
    for feature in [column for column in rows.columns if column.startswith("feature_")]:
        present = rows[rows[feature].notna()]
        if len(present) < 2:
            continue
        predictions = present["prediction"].to_numpy()
        values = present[feature].to_numpy()
        if is_constant(predictions) or is_constant(values):
            continue
        exposure = abs(float(np.corrcoef(predictions, values)[0, 1]))
        if exposure > best_exposure:
            best_exposure, best_feature = exposure, feature
    return best_exposure, best_feature


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "/work"
    rows = pd.read_csv(os.path.join(folder, "rows.csv"), dtype={"era": str}, float_precision="round_trip")
    rows = rows[rows["target"].notna()]

    eras = []
    # groupby sorts the era names, which for ASCII names is C#'s ordinal order.
    for era, era_rows in rows.groupby("era", sort=True):
        correlation = era_correlation(era_rows["prediction"].to_numpy(), era_rows["target"].to_numpy())
        eras.append({"era": era, "correlation": correlation, "rows": len(era_rows)})

    correlations = np.array([era["correlation"] for era in eras])
    mean = float(np.mean(correlations))
    standard_deviation = float(np.std(correlations, ddof=0))
    exposure, exposure_feature = max_feature_exposure(rows)
    reference = {
        "eras": eras,
        "mean": mean,
        "standard_deviation": standard_deviation,
        "sharpe": mean / standard_deviation if standard_deviation > 0 else 0.0,
        "max_drawdown": max_drawdown(correlations),
        "max_feature_exposure": exposure,
        "max_exposure_feature": exposure_feature,
        "rows": len(rows),
    }
    with open(os.path.join(folder, "reference.json"), "w", encoding="utf-8") as output:
        json.dump(reference, output)


if __name__ == "__main__":
    main()
