"""Run one uploaded predict function inside the sandbox container.

The silo mounts the run's inputs read-only at /input and a writable folder at
/output. This script loads the pickle, builds the live features frame, calls
the function and writes two files:

- /output/predictions.csv: `id,prediction`, one row per returned row, as the
  function returned them. The silo validates them; nothing here is trusted.
- /output/result.json: {"status": "success"} or {"status": "error", "stage",
  "error_type", "message", "traceback"}, plus the Python version, the row
  count and the peak memory of the container's cgroup.

While it runs, a thread writes the cgroup's peak memory to /output/peak_memory
every 100 ms, so the silo still has the peak when the kernel kills the
container for running out of memory.

The live features are /input/features.npy and /input/features.json. Validation
data comes instead as folders /input/chunks/NNN, each with the same two files
and holding whole eras; predict is called once per chunk, so memory stays
within the limit whatever the validation set's size.

A model error exits with code 3 after writing result.json. Any other non-zero
exit without result.json is a crash of this runner, which the silo treats as
a platform error.

`python3 runner.py --describe` prints the runtime's Python and library
versions, and the top-level modules it can import, as JSON instead.
"""

import importlib
import inspect
import json
import os
import pickle
import pkgutil
import sys
import threading
import time
import traceback

INPUT_DIR = os.environ.get("MODELUPLOADS_INPUT", "/input")
OUTPUT_DIR = os.environ.get("MODELUPLOADS_OUTPUT", "/output")
MODEL_ERROR_EXIT_CODE = 3
DESCRIBED_LIBRARIES = ["numpy", "pandas", "scipy", "sklearn", "xgboost", "cloudpickle", "joblib"]

# cgroup v2 exposes the peak directly; cgroup v1 names it max_usage_in_bytes.
PEAK_MEMORY_FILES = [
    "/sys/fs/cgroup/memory.peak",
    "/sys/fs/cgroup/memory/memory.max_usage_in_bytes",
]


def log(message):
    print(f"[runner] {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def python_version():
    return "{}.{}.{}".format(*sys.version_info[:3])


def describe():
    libraries = {}
    for name in DESCRIBED_LIBRARIES:
        try:
            libraries[name] = importlib.import_module(name).__version__
        except Exception:  # an absent library is reported as missing, not as a crash
            libraries[name] = None
    modules = set(sys.builtin_module_names)
    modules.update(module.name for module in pkgutil.iter_modules())
    print(json.dumps({"python": python_version(), "libraries": libraries, "modules": sorted(modules)}))


def peak_memory_bytes():
    for path in PEAK_MEMORY_FILES:
        try:
            with open(path) as handle:
                return int(handle.read().strip())
        except (OSError, ValueError):
            continue
    return None


def watch_peak_memory():
    """Write the cgroup's peak memory to /output/peak_memory until the process ends."""
    path = os.path.join(OUTPUT_DIR, "peak_memory")
    while True:
        peak = peak_memory_bytes()
        if peak is not None:
            try:
                with open(path, "w") as handle:
                    handle.write(str(peak))
            except OSError:
                return
        time.sleep(0.1)


def write_result(result):
    result["python_version"] = python_version()
    result["peak_memory_bytes"] = peak_memory_bytes()
    with open(os.path.join(OUTPUT_DIR, "result.json"), "w") as handle:
        json.dump(result, handle)


def fail(stage, error, message=None):
    """Record a model error for the silo and exit with the model-error code."""
    error_type = type(error).__name__
    text = message if message is not None else str(error)
    formatted = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    log(f"{stage} failed: {error_type}: {text}")
    print(formatted, file=sys.stderr, flush=True)
    write_result({
        "status": "error",
        "stage": stage,
        "error_type": error_type,
        "module": getattr(error, "name", None) if isinstance(error, ImportError) else None,
        "message": text,
        "traceback": formatted,
    })
    sys.exit(MODEL_ERROR_EXIT_CODE)


def load_function():
    import cloudpickle  # noqa: F401  (registers the reducers cloudpickle pickles need)

    with open(os.path.join(INPUT_DIR, "model.pkl"), "rb") as handle:
        function = pickle.load(handle)
    if not callable(function):
        raise TypeError(f"the pickle contains a {type(function).__name__}, not a callable predict function")
    return function


def load_features(pd, np, directory):
    with open(os.path.join(directory, "features.json")) as handle:
        meta = json.load(handle)
    matrix = np.load(os.path.join(directory, "features.npy"), mmap_mode="r")
    index = pd.Index(meta["ids"], name="id")
    features = pd.DataFrame(np.asarray(matrix), index=index, columns=meta["feature_names"], copy=False)
    features.insert(0, "data_type", meta["data_type"])
    features.insert(0, "era", meta["eras"])
    return features


def feature_directories():
    """Return the live folder, or the validation chunks in order."""
    chunks = os.path.join(INPUT_DIR, "chunks")
    if os.path.isdir(chunks):
        return [os.path.join(chunks, name) for name in sorted(os.listdir(chunks))]
    return [INPUT_DIR]


def load_benchmark(pd, index):
    path = os.path.join(INPUT_DIR, "benchmark.csv")
    if not os.path.exists(path):
        return pd.DataFrame(index=index)
    return pd.read_csv(path, index_col="id")


def call_predict(function, features, pd):
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    required = [p for p in parameters if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(required) >= 2:
        return function(features, load_benchmark(pd, features.index))
    return function(features)


def to_prediction_frame(result, pd):
    if isinstance(result, pd.Series):
        return result.rename("prediction").to_frame()
    if not isinstance(result, pd.DataFrame):
        raise TypeError(f"predict returned a {type(result).__name__}; return a pandas DataFrame "
                        "with a 'prediction' column indexed by id")
    if "prediction" not in result.columns:
        if len(result.columns) == 1:
            return result.rename(columns={result.columns[0]: "prediction"})
        raise KeyError(f"predict returned columns {list(result.columns)[:10]}; "
                       "add a 'prediction' column")
    return result[["prediction"]]


def write_predictions(frame, np, handle):
    values = frame["prediction"].to_numpy()
    if not np.issubdtype(values.dtype, np.number) or np.issubdtype(values.dtype, np.complexfloating):
        raise TypeError(f"the 'prediction' column has dtype {values.dtype}; return real numbers")
    values = values.astype("float64")
    for identifier, value in zip(frame.index, values):
        handle.write(f"{identifier},{float(value)!r}\n")
    return len(values)


def main():
    if "--describe" in sys.argv:
        describe()
        return

    started = time.monotonic()
    threading.Thread(target=watch_peak_memory, daemon=True).start()
    log(f"python {python_version()}, loading the pickle")
    # BaseException, because a pickle or a predict that calls sys.exit is still the model's doing.
    try:
        function = load_function()
    except BaseException as error:
        fail("load", error)

    import numpy as np
    import pandas as pd

    rows = 0
    with open(os.path.join(OUTPUT_DIR, "predictions.csv"), "w") as output:
        output.write("id,prediction\n")
        for directory in feature_directories():
            features = load_features(pd, np, directory)
            log(f"loaded {features.shape[0]} rows x {features.shape[1] - 2} features "
                f"from {os.path.basename(directory) or directory}; calling predict")
            try:
                result = call_predict(function, features, pd)
            except BaseException as error:
                fail("predict", error)

            try:
                rows += write_predictions(to_prediction_frame(result, pd), np, output)
            except Exception as error:
                fail("output", error)
            del features, result

    elapsed = time.monotonic() - started
    log(f"wrote {rows} predictions in {elapsed:.2f} s")
    write_result({"status": "success", "rows": rows, "seconds": elapsed})


if __name__ == "__main__":
    main()
