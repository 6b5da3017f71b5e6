"""Common Keras model families, trained and run as a user runs them: swiftdl, and TensorFlow side by side.

    .venv/bin/python benchmarks/keras_models.py [--tf-python /path/to/python] [--models resnet,mlp]
                                                [--threads N] [--repeats N] [--json FILE] [--onnx]

The models are in benchmarks/keras_model_zoo.py (a ResNet-style CNN, a MobileNetV2-style
CNN, a bidirectional stacked LSTM, a masked GRU with dropout, a 1-D text CNN, a transformer
encoder, the same encoder with its attention written in keras.ops, a convolutional
autoencoder, an MLP, and the document's CNN and LSTM), each built from the same code
with either backend's Keras, with synthetic data, batch 64.

Each (backend, model) runs in a fresh child process. Reported: training samples/s over one
timed epoch after a warm-up epoch; predict samples/s at batch 256; the median and p99
latency of `model.predict(one_sample)` and of `model(one_sample)`; the child's peak
resident memory. With `--tf-python PATH` the same file runs under that interpreter with
TensorFlow's Keras (installed there by you; this script installs nothing) and each row gets
the ratio swiftdl/TensorFlow (above 1 is better for throughputs, below 1 for times and
memory). With `--onnx` the swiftdl child also exports the trained model with
`model.export(..., format="onnx")` and times ONNX Runtime (pip `onnxruntime` in the
benchmark's environment, never a swiftdl dependency) on the same single sample, with the
same thread count; the table then gives `model(x)` over ONNX Runtime (below 1: swiftdl is
faster). A model the exporter does not cover shows the exporter's error. A benchmark, never a
test.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_models import _format  # noqa: E402  (the same number format as the document's table)
from keras_model_zoo import MODELS  # noqa: E402


def _keras(backend):
    if backend == "swiftdl":
        import swiftdl as tf
        from swiftdl import keras
    else:
        import keras
        import tensorflow as tf
    return tf, keras


def _latencies(function, repeats):
    """Median and 99th percentile of `repeats` timed calls, after one untimed call."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.99 * len(times)))]


def _onnx_latencies(model, one, threads):
    """ONNX Runtime's median and p99 latency on `one` for the exported model, or the reason
    there is none (the exporter's error for a layer it does not cover)."""
    import tempfile

    import numpy as np
    import onnxruntime
    path = os.path.join(tempfile.mkdtemp(), "model.onnx")
    try:
        model.export(path, format="onnx", verbose=False)
    except Exception as error:  # noqa: BLE001  (reported in the table, the run goes on)
        return {"onnx_error": f"{type(error).__name__}: {error}"[:160]}
    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    declared = session.get_inputs()[0]
    # The exporter declares Embedding's ids int64 (Gather's indices); send the dtype asked for.
    dtype = {"tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(double)": np.float64}.get(declared.type,
                                                                                                  np.float32)
    feed = {declared.name: np.asarray(one).astype(dtype)}
    median, p99 = _latencies(lambda: session.run(None, feed), 200)
    return {"onnx_one_ms": median * 1e3, "onnx_one_p99_ms": p99 * 1e3}


def child(backend, name, threads, onnx=False):
    tf, keras = _keras(backend)
    if threads:
        if backend == "swiftdl":
            tf.config.set_num_threads(threads)
        else:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
    keras.utils.set_random_seed(42)
    builder, samples = MODELS[name]
    model, x, y, compile_arguments = builder(keras, samples)
    model.compile(**compile_arguments)
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)  # warm-up
    start = time.perf_counter()
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    train_seconds = time.perf_counter() - start
    model.predict(x[:256], batch_size=256, verbose=0)
    start = time.perf_counter()
    model.predict(x, batch_size=256, verbose=0)
    predict_seconds = time.perf_counter() - start
    one = x[:1]
    predict_median, predict_p99 = _latencies(lambda: model.predict(one, verbose=0), 50)
    call_median, call_p99 = _latencies(lambda: model(one), 200)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"train_samples_per_s": samples / train_seconds, "predict_samples_per_s": len(x) / predict_seconds,
              "predict_one_ms": predict_median * 1e3, "predict_one_p99_ms": predict_p99 * 1e3,
              "call_one_ms": call_median * 1e3, "call_one_p99_ms": call_p99 * 1e3, "peak_rss_mb": peak_rss_mb}
    if onnx and backend == "swiftdl":
        result.update(_onnx_latencies(model, one, threads))
    return result


def run_child(python, backend, name, threads, onnx=False):
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    if backend == "tensorflow":
        environment["KERAS_BACKEND"] = "tensorflow"
    command = [python, os.path.abspath(__file__), "--child", "--backend", backend, "--models", name]
    if threads:
        command += ["--threads", str(threads)]
    if onnx:
        command += ["--onnx"]
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if result.returncode != 0 or not lines:
        sys.stderr.write(f"[{backend} {name}] failed (exit {result.returncode}):\n{result.stderr[-2000:]}\n")
        return None
    return json.loads(lines[-1][len("RESULT "):])


ROWS = [  # (label, key, unit)
    ("training", "train_samples_per_s", "samples/s"),
    ("predict, batch 256", "predict_samples_per_s", "samples/s"),
    ("predict(1) median", "predict_one_ms", "ms"),
    ("predict(1) p99", "predict_one_p99_ms", "ms"),
    ("model(x) median", "call_one_ms", "ms"),
    ("model(x) p99", "call_one_p99_ms", "ms"),
    ("peak RSS", "peak_rss_mb", "MB"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tf-python", help="a Python interpreter that has TensorFlow installed")
    parser.add_argument("--models", default=",".join(MODELS), help=f"comma-separated, from {', '.join(MODELS)}")
    parser.add_argument("--threads", type=int, default=None, help="intra-op threads for both backends (default: all cores)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of each model per backend, taking turns; rows are medians (default 1)")
    parser.add_argument("--json", help="also write all results to this file")
    parser.add_argument("--onnx", action="store_true",
                        help="also export each model to ONNX and time ONNX Runtime on one sample (needs onnxruntime)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="swiftdl", help=argparse.SUPPRESS)
    args = parser.parse_args()
    names = args.models.split(",")
    unknown = [name for name in names if name not in MODELS]
    if unknown:
        parser.error(f"unknown models {unknown}; choose from {', '.join(MODELS)}")
    if args.child:
        print("RESULT " + json.dumps(child(args.backend, names[0], args.threads, args.onnx)))
        return

    backends = [("swiftdl", sys.executable)] + ([("tensorflow", args.tf_python)] if args.tf_python else [])
    results = {backend: {} for backend, _ in backends}
    for name in names:
        # The backends take turns, so a slow phase of the shared machine falls on both.
        runs = {backend: [] for backend, _ in backends}
        for _ in range(args.repeats):
            for backend, python in backends:
                run = run_child(python, backend, name, args.threads, args.onnx)
                if run:
                    runs[backend].append(run)
        for backend, _ in backends:
            if runs[backend]:
                results[backend][name] = _medians(runs[backend])

    print(f"Keras models, batch 64, Adam, synthetic data; 1 timed epoch after 1 warm-up; threads={args.threads or 'default'}"
          + (f"; median of {args.repeats} runs" if args.repeats > 1 else ""))
    print(f"{'':28}{'swiftdl':>12}" + (f"{'TensorFlow':>12}{'ratio':>9}" if args.tf_python else ""))
    for name in names:
        print(name)
        ours, theirs = results["swiftdl"].get(name, {}), results.get("tensorflow", {}).get(name, {})
        for label, key, unit in ROWS:
            line = f"  {label + ' (' + unit + ')':26}{_format(ours.get(key)):>12}"
            if args.tf_python:
                line += f"{_format(theirs.get(key)):>12}"
                if ours.get(key) and theirs.get(key):
                    line += f"{ours[key] / theirs[key]:>8.2f}×"
            print(line)
    if args.onnx:
        _print_onnx_table(names, results["swiftdl"])
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


def _medians(runs):
    """Each number's median over the runs; text (an exporter's error) from the first run."""
    return {key: statistics.median(r[key] for r in runs) if isinstance(value, (int, float)) else value
            for key, value in runs[0].items()}


def _print_onnx_table(names, ours):
    print("\nsingle sample: swiftdl model(x) against ONNX Runtime on the exported file (ms; ratio below 1: swiftdl faster)")
    print(f"{'':20}{'model(x) p50':>14}{'ORT p50':>10}{'ratio':>8}{'model(x) p99':>14}{'ORT p99':>10}")
    for name in names:
        row = ours.get(name, {})
        if "onnx_one_ms" not in row:
            print(f"{name:20}  not exported: {row.get('onnx_error', 'no result')}")
            continue
        print(f"{name:20}{_format(row['call_one_ms']):>14}{_format(row['onnx_one_ms']):>10}"
              f"{row['call_one_ms'] / row['onnx_one_ms']:>7.2f}×{_format(row['call_one_p99_ms']):>14}"
              f"{_format(row['onnx_one_p99_ms']):>10}")


if __name__ == "__main__":
    main()
