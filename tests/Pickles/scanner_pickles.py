"""Write real pickles for the pickle scanner tests, with the modules each references.

Usage, inside a runtime image with a writable folder at /output:
python3 scanner_pickles.py

The script writes a cloudpickled predict function that uses numpy and pandas,
a fitted sklearn Ridge model, a trained xgboost Booster and an instance of a
class from a fake module named "lightgbm", each at several pickle protocols.
It also writes modules.json, which maps each file name to the file's protocol
and to the modules that pickletools.genops finds in it. Those are the module
part of each GLOBAL and INST argument, and for STACK_GLOBAL the two string
values pushed before it, looked up in the memo where a GET pushed them. Before
it writes the JSON, the script checks those modules against the ones that a
real Unpickler passes to find_class when it loads the file. The C# scanner
must match the JSON.
"""

import io
import json
import os
import pickle
import pickletools
import sys
import types

import cloudpickle
import numpy as np
import pandas as pd
import xgboost
from sklearn.linear_model import Ridge

OUTPUT = os.environ.get("PICKLE_OUTPUT", "/output")

# A 2 MiB array, so that the function's pickle has a payload larger than the
# scanner's read buffer and larger than one pickle frame.
WEIGHTS = np.linspace(0.0, 1.0, 262_144)
COLUMNS = pd.Index(["feature_a", "feature_b", "feature_c"])

STRING_OPCODES = {
    "STRING",
    "BINSTRING",
    "SHORT_BINSTRING",
    "UNICODE",
    "SHORT_BINUNICODE",
    "BINUNICODE",
    "BINUNICODE8",
}
GET_OPCODES = {"GET", "BINGET", "LONG_BINGET"}
PUT_OPCODES = {"PUT", "BINPUT", "LONG_BINPUT"}
# Opcodes that leave the stack as it is, so the look-back for STACK_GLOBAL passes over them.
NO_STACK_EFFECT = PUT_OPCODES | {"MEMOIZE", "FRAME", "PROTO"}


def predict(live_features):
    """Score each row by a weighted mean of the known feature columns."""
    features = live_features.reindex(columns=COLUMNS, fill_value=0.0)
    weights = WEIGHTS[: len(COLUMNS)]
    scores = np.asarray(features, dtype=np.float64) @ weights
    return pd.DataFrame({"prediction": scores}, index=live_features.index)


def fake_lightgbm_booster():
    """Return an instance of lightgbm.Booster from a module that exists only in sys.modules."""
    module = types.ModuleType("lightgbm")

    class Booster:
        def __init__(self):
            self.params = {"objective": "regression", "num_leaves": 31}

    Booster.__module__ = "lightgbm"
    Booster.__qualname__ = "Booster"
    module.Booster = Booster
    sys.modules["lightgbm"] = module
    return Booster()


def training_data():
    generator = np.random.default_rng(7)
    features = generator.normal(size=(200, 5))
    target = features @ np.array([0.5, -0.2, 0.1, 0.0, 0.3]) + generator.normal(scale=0.1, size=200)
    return features, target


def ridge_model():
    features, target = training_data()
    return Ridge(alpha=1.0).fit(features, target)


def xgboost_booster():
    features, target = training_data()
    matrix = xgboost.DMatrix(features, label=target)
    return xgboost.train({"max_depth": 2, "eta": 0.3}, matrix, num_boost_round=5)


def value_of(opcode, argument, memo):
    """Return the string an opcode pushes, or None when it pushes something else."""
    if opcode.name in STRING_OPCODES and isinstance(argument, str):
        return argument
    if opcode.name in GET_OPCODES:
        return memo.get(argument)
    return None


def genops_modules(data):
    """Return the protocol and the modules that GLOBAL, INST and STACK_GLOBAL reference, in first-seen order."""
    operations = list(pickletools.genops(data))
    modules = []
    memo = {}
    declared_protocol = None
    highest_protocol = 0
    for index, (opcode, argument, _) in enumerate(operations):
        highest_protocol = max(highest_protocol, opcode.proto)
        if opcode.name == "PROTO":
            declared_protocol = argument
        elif opcode.name in ("GLOBAL", "INST"):
            modules.append(argument.split(" ", 1)[0])
        elif opcode.name == "STACK_GLOBAL":
            values = []
            for previous, previous_argument, _ in reversed(operations[:index]):
                if previous.name in NO_STACK_EFFECT:
                    continue
                values.append(value_of(previous, previous_argument, memo))
                if len(values) == 2:
                    break
            name, module = values
            if module is None or name is None:
                raise ValueError(f"STACK_GLOBAL at operation {index} does not follow two string values")
            modules.append(module)
        elif opcode.name == "MEMOIZE" or opcode.name in PUT_OPCODES:
            stored = None
            for previous, previous_argument, _ in reversed(operations[:index]):
                if previous.name not in NO_STACK_EFFECT:
                    stored = value_of(previous, previous_argument, memo)
                    break
            key = len(memo) if opcode.name == "MEMOIZE" else argument
            memo[key] = stored
    protocol = highest_protocol if declared_protocol is None else declared_protocol
    return protocol, list(dict.fromkeys(modules))


class RecordingUnpickler(pickle.Unpickler):
    """An Unpickler that records the module of every global it looks up."""

    def __init__(self, file):
        super().__init__(file)
        self.modules = []

    def find_class(self, module, name):
        self.modules.append(module)
        return super().find_class(module, name)


def unpickler_modules(data):
    """Return the modules a real Unpickler passes to find_class while it loads the data, in first-seen order."""
    unpickler = RecordingUnpickler(io.BytesIO(data))
    unpickler.load()
    return list(dict.fromkeys(unpickler.modules))


def main():
    lightgbm_booster = fake_lightgbm_booster()
    ridge = ridge_model()
    booster = xgboost_booster()

    files = {}
    for protocol in (2, 3, 4, 5):
        files[f"function_p{protocol}.pkl"] = cloudpickle.dumps(predict, protocol=protocol)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        files[f"ridge_p{protocol}.pkl"] = pickle.dumps(ridge, protocol=protocol)
        files[f"lightgbm_p{protocol}.pkl"] = pickle.dumps(lightgbm_booster, protocol=protocol)
    for protocol in (2, 3, 4, 5):
        files[f"xgboost_p{protocol}.pkl"] = pickle.dumps(booster, protocol=protocol)

    expected = {}
    for name, data in files.items():
        protocol, modules = genops_modules(data)
        loaded = unpickler_modules(data)
        if modules != loaded:
            raise AssertionError(f"{name}: pickletools finds {modules}, but the Unpickler looks up {loaded}")
        with open(os.path.join(OUTPUT, name), "wb") as handle:
            handle.write(data)
        expected[name] = {"protocol": protocol, "modules": modules}
        print(f"wrote {name}: protocol {protocol}, modules {modules}")

    with open(os.path.join(OUTPUT, "modules.json"), "w") as handle:
        json.dump(expected, handle, indent=2)


if __name__ == "__main__":
    main()
