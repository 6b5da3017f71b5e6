"""The document's two models, timed as a user runs them: swiftdl, and TensorFlow side by side.

    .venv/bin/python benchmarks/doc_models.py [--tf-python /path/to/python] [--epochs 2]
                                              [--threads N] [--models cnn,lstm] [--repeats N]
                                              [--deterministic]

Each measurement runs in a fresh child process (so import time and peak memory are its
own). The models are the document's, as written (Adam, batch 64):

- CNN: Conv2D(32,3,relu) → MaxPool → Conv2D(64,3,relu) → MaxPool → Conv2D(64,3,relu) →
  Flatten → Dense(64,relu) → Dense(10,softmax), on the 8,000 MNIST training images of
  ../shared/data (28×28×1).
- LSTM: Embedding(10000, 64) → LSTM(64) → Dense(64,relu) → Dense(10,softmax), on synthetic
  token ids (vocabulary 10,000, sequence length 200, 10 classes).

Reported per model: training samples/s after one warm-up epoch, `predict` samples/s at
batch 256, the median latency of `model.predict(one_sample)` and of `model(one_sample)`,
and the child's peak resident memory; plus `import swiftdl` (or `import tensorflow`) time
beside `import numpy` in the same environment, and with the document's `from ... keras
import layers, models` added (each the median over several fresh processes).

With `--tf-python PATH`, the very same file runs under that interpreter with
`--backend tensorflow` (TensorFlow must already be installed there; this script installs
nothing), and both columns are printed with the ratio swiftdl/TensorFlow (higher is better
for throughput, lower for times and memory). A benchmark, never a test.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST_FOLDER = os.path.join(HERE, "..", "..", "shared", "data", "mnist")


# ---- the child: one backend, one model ---------------------------------------------------
def _import_backend(backend):
    if backend == "swiftdl":
        import swiftdl as tf
        from swiftdl.keras import layers, models
    else:
        import tensorflow as tf
        from tensorflow.keras import layers, models
    return tf, layers, models


def _read_idx(path):
    """An MNIST IDX file as a uint8 array (TensorFlow's loader would download instead)."""
    import gzip

    import numpy as np
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def _cnn(tf, layers, models):
    import numpy as np
    if tf.__name__ == "swiftdl":
        (images, labels), _ = tf.keras.datasets.mnist.load_data(path=MNIST_FOLDER)
    else:
        images = _read_idx(os.path.join(MNIST_FOLDER, "t10k-images-idx3-ubyte.gz"))[:8000]
        labels = _read_idx(os.path.join(MNIST_FOLDER, "t10k-labels-idx1-ubyte.gz"))[:8000]
    x = images.reshape((-1, 28, 28, 1)).astype("float32") / 255
    y = np.asarray(labels)
    model = models.Sequential()
    model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation='relu'))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation='relu'))
    model.add(layers.Flatten())
    model.add(layers.Dense(64, activation='relu'))
    model.add(layers.Dense(10, activation='softmax'))
    return model, x, y


def _lstm(tf, layers, models, samples):
    import numpy as np
    rng = np.random.default_rng(0)
    x = rng.integers(1, 10000, size=(samples, 200)).astype("int32")
    y = rng.integers(0, 10, size=(samples,)).astype("int32")
    model = models.Sequential()
    model.add(layers.Embedding(10000, 64))
    model.add(layers.LSTM(64))
    model.add(layers.Dense(64, activation='relu'))
    model.add(layers.Dense(10, activation='softmax'))
    return model, x, y


def _median_latency(function, repeats):
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def child_import(backend):
    """Import times in a fresh process: numpy alone, then the backend's top-level package on
    top of it, then the Keras modules the document's scripts import."""
    start = time.perf_counter()
    import numpy  # noqa: F401
    numpy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    if backend == "swiftdl":
        import swiftdl  # noqa: F401
    else:
        import tensorflow  # noqa: F401
    package_seconds = time.perf_counter() - start
    start = time.perf_counter()
    _import_backend(backend)
    keras_seconds = time.perf_counter() - start
    return {"import_numpy_s": numpy_seconds, "import_s": numpy_seconds + package_seconds,
            "import_keras_s": numpy_seconds + package_seconds + keras_seconds}


def child_model(backend, which, epochs, lstm_samples, threads, deterministic=False):
    tf, layers, models = _import_backend(backend)
    if deterministic:
        tf.config.experimental.enable_op_determinism()  # both backends have it
    if threads:
        if backend == "swiftdl":
            tf.config.set_num_threads(threads)
        else:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
    tf.keras.utils.set_random_seed(42)
    model, x, y = _cnn(tf, layers, models) if which == "cnn" else _lstm(tf, layers, models, lstm_samples)
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.fit(x, y, epochs=1, batch_size=64, verbose=0)  # warm-up epoch
    start = time.perf_counter()
    history = model.fit(x, y, epochs=epochs, batch_size=64, verbose=0)
    train_seconds = time.perf_counter() - start
    model.predict(x[:256], batch_size=256, verbose=0)
    start = time.perf_counter()
    model.predict(x, batch_size=256, verbose=0)
    predict_seconds = time.perf_counter() - start
    one = x[:1]
    predict_one = _median_latency(lambda: model.predict(one, verbose=0), 30)
    call_one = _median_latency(lambda: model(one), 30)
    return {
        "train_samples_per_s": epochs * len(x) / train_seconds,
        "final_accuracy": float(history.history["accuracy"][-1]),
        "predict_samples_per_s": len(x) / predict_seconds,
        "predict_one_ms": predict_one * 1e3,
        "call_one_ms": call_one * 1e3,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "samples": len(x),
    }


# ---- the parent: run children, print the table -------------------------------------------
def run_child(python, backend, args, extra):
    environment = dict(os.environ)
    if backend == "tensorflow":
        environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    command = [python, os.path.abspath(__file__), "--child", "--backend", backend, "--epochs", str(args.epochs),
               "--lstm-samples", str(args.lstm_samples)] + (["--threads", str(args.threads)] if args.threads else []) + \
        (["--deterministic"] if args.deterministic else []) + extra
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if result.returncode != 0 or not lines:
        sys.stderr.write(f"[{backend} {' '.join(extra)}] failed (exit {result.returncode}):\n{result.stderr[-3000:]}\n")
        return None
    return json.loads(lines[-1][len("RESULT "):])


def _median_run(runs):
    """Each figure's median over the runs (None when every run failed)."""
    if not runs:
        return None
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def median_import(python, backend, args):
    """Import times are tens of milliseconds and swing with whatever else the machine is
    doing, so each is the median over several fresh processes."""
    return _median_run([run for run in (run_child(python, backend, args, []) for _ in range(args.import_repeats)) if run])


ROWS = [  # (label, key, unit, higher_is_better)
    ("training", "train_samples_per_s", "samples/s", True),
    ("predict, batch 256", "predict_samples_per_s", "samples/s", True),
    ("predict(one sample)", "predict_one_ms", "ms", False),
    ("model(one sample)", "call_one_ms", "ms", False),
    ("peak RSS", "peak_rss_mb", "MB", False),
    ("final training accuracy", "final_accuracy", "", True),
]


def _format(value):
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}" if value < 1 else f"{value:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tf-python", help="a Python interpreter that has TensorFlow installed")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs after the warm-up epoch (default 2)")
    parser.add_argument("--lstm-samples", type=int, default=2048, help="synthetic LSTM training samples (default 2048)")
    parser.add_argument("--threads", type=int, default=None, help="intra-op threads for both backends (default: all cores)")
    parser.add_argument("--models", default="cnn,lstm")
    parser.add_argument("--import-repeats", type=int, default=7, help="fresh processes timing each import (default 7)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of each model per backend, taking turns; rows are medians (default 1)")
    parser.add_argument("--json", help="also write all results to this file")
    parser.add_argument("--deterministic", action="store_true",
                        help="tf.config.experimental.enable_op_determinism() in both backends (exact mode)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="swiftdl", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.model:
            result = child_model(args.backend, args.model, args.epochs, args.lstm_samples, args.threads, args.deterministic)
        else:
            result = child_import(args.backend)
        print("RESULT " + json.dumps(result))
        return

    backends = [("swiftdl", sys.executable)] + ([("tensorflow", args.tf_python)] if args.tf_python else [])
    results = {}
    for backend, python in backends:
        results[backend] = {"import": median_import(python, backend, args)}
    # With --repeats, the backends take turns (swiftdl, TensorFlow, swiftdl, ...), so a
    # slow or fast phase of the machine falls on both, and each row is the median.
    for which in args.models.split(","):
        runs = {backend: [] for backend, _ in backends}
        for _ in range(args.repeats):
            for backend, python in backends:
                run = run_child(python, backend, args, ["--model", which])
                if run:
                    runs[backend].append(run)
        for backend, _ in backends:
            results[backend][which] = _median_run(runs[backend])

    title = f"{'':26}{'swiftdl':>14}" + (f"{'TensorFlow':>14}{'ratio':>9}" if args.tf_python else "")
    print(f"document models, batch 64, Adam; {args.epochs} timed epoch(s) after 1 warm-up; "
          f"threads={args.threads or 'default'}" + ("; op determinism on" if args.deterministic else "")
          + (f"; median of {args.repeats} runs" if args.repeats > 1 else ""))
    print(title)

    def row(label, unit, ours, theirs, higher_is_better):
        line = f"{label + (' (' + unit + ')' if unit else ''):26}{_format(ours):>14}"
        if args.tf_python:
            line += f"{_format(theirs):>14}"
            if ours and theirs:
                ratio = ours / theirs
                line += f"{ratio:>8.2f}×" if ratio >= 0.1 else f"{ratio:>8.2g}×"
        print(line)

    for which in args.models.split(","):
        print(f"{which.upper()}")
        ours = results["swiftdl"].get(which) or {}
        theirs = (results.get("tensorflow") or {}).get(which) or {}
        for label, key, unit, better in ROWS:
            row("  " + label, unit, ours.get(key), theirs.get(key), better)
    ours, theirs = results["swiftdl"]["import"] or {}, (results.get("tensorflow") or {}).get("import") or {}
    print("IMPORT")
    row("  import numpy", "s", ours.get("import_numpy_s"), theirs.get("import_numpy_s"), False)
    row("  import swiftdl / tf", "s", ours.get("import_s"), theirs.get("import_s"), False)
    row("  + keras layers, models", "s", ours.get("import_keras_s"), theirs.get("import_keras_s"), False)
    if ours.get("import_s") and ours.get("import_numpy_s"):
        print(f"  import swiftdl / import numpy: {ours['import_s'] / ours['import_numpy_s']:.2f}× "
              f"(with the keras imports: {ours['import_keras_s'] / ours['import_numpy_s']:.2f}×)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
