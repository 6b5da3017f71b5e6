"""Keras layer families, preprocessing pipelines and MobileNetV2, swiftdl beside TensorFlow (issue 14).

Each layer family alone, the preprocessing layers in a Dataset pipeline, and MobileNetV2.

    .venv/bin/python benchmarks/keras_layers.py [--tf-python /path/to/python] [--families Conv2D,pipelines]
                                                [--threads N] [--repeats N] [--json FILE]

Three sections, each family built from the same code with either backend's Keras, on fixed
random inputs of a realistic batch:

- layers: the layer alone. "forward" is an inference call, `layer(x, training=False)`;
  "forward+backward" is a training-mode call under a GradientTape and the gradients of
  mean(y²) with respect to the (float) inputs and every trainable weight, the backward pass
  the layer runs inside a network. Both are wrapped in the backend's `tf.function`
  (TensorFlow traces a graph, without XLA; swiftdl runs it eagerly). The image augmentation
  layers run in training mode (in inference mode they return their input) and, like
  Resizing, Rescaling and Normalization, are applied to data, so they have no backward row.
  Each figure is the batch over the median time of a call, after two untimed calls.
- pipelines: `Dataset.from_tensor_slices(data).batch(b).map(layer)` (swiftdl.data or
  tf.data), one untimed pass, then elements/s over the median of the timed passes.
- MobileNetV2: `keras.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3),
  classes=10)`, Adam, sparse cross-entropy: training samples/s over one timed epoch of 512
  samples at batch 32 after a warm-up fit (here TensorFlow's Keras compiles with XLA,
  `jit_compile="auto"`), and predict samples/s at batch 64.

Each (backend, section) runs in a fresh child process; a family that raises shows its error
in its row. With `--tf-python PATH` the same file runs under that interpreter with
TensorFlow's Keras (installed there by you; this script installs nothing) and each row gets
the ratio swiftdl/TensorFlow (above 1: swiftdl is faster). A benchmark, never a test.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_models import _format  # noqa: E402  (the same number format as the document's table)

MIN_SECONDS = 0.5  # each timed figure: calls until this much time has passed (at least 5 calls)


# ---- the families ------------------------------------------------------------------------
def _floats(*shape, scale=1.0):
    import numpy as np
    return (np.random.default_rng(0).standard_normal(shape) * scale).astype("float32")


def _images(count, side):
    import numpy as np
    return np.random.default_rng(0).uniform(0, 255, (count, side, side, 3)).astype("float32")


def _ids(*shape, high):
    import numpy as np
    return np.random.default_rng(0).integers(0, high, shape).astype("int32")


# name: (input description, kind, builder(keras) -> (layer, [input arrays])[, call(layer, inputs, training)])
# kind "layer": forward and forward+backward; "augment": forward in training mode; "data": forward.
LAYERS = {
    "Conv2D": ("32×32×64 → 64, 3×3, b32", "layer",
               lambda k: (k.layers.Conv2D(64, 3, padding="same", activation="relu"), [_floats(32, 32, 32, 64)])),
    "DepthwiseConv2D": ("48×48×96, 3×3, b32", "layer",
                        lambda k: (k.layers.DepthwiseConv2D(3, padding="same"), [_floats(32, 48, 48, 96)])),
    "SeparableConv2D": ("32×32×64 → 128, 3×3, b32", "layer",
                        lambda k: (k.layers.SeparableConv2D(128, 3, padding="same"), [_floats(32, 32, 32, 64)])),
    "Conv2DTranspose": ("16×16×64 → 32, 3×3 s2, b32", "layer",
                        lambda k: (k.layers.Conv2DTranspose(32, 3, strides=2, padding="same"),
                                   [_floats(32, 16, 16, 64)])),
    "Conv1D": ("128×64 → 64, k5, b64", "layer",
               lambda k: (k.layers.Conv1D(64, 5, padding="same", activation="relu"), [_floats(64, 128, 64)])),
    "Conv3D": ("16³×16 → 32, 3³, b8", "layer",
               lambda k: (k.layers.Conv3D(32, 3, padding="same"), [_floats(8, 16, 16, 16, 16)])),
    "MaxPooling2D": ("64×64×32, 2×2, b32", "layer", lambda k: (k.layers.MaxPooling2D(2), [_floats(32, 64, 64, 32)])),
    "AveragePooling2D": ("64×64×32, 2×2, b32", "layer",
                         lambda k: (k.layers.AveragePooling2D(2), [_floats(32, 64, 64, 32)])),
    "MaxPooling3D": ("16³×16, 2³, b8", "layer", lambda k: (k.layers.MaxPooling3D(2), [_floats(8, 16, 16, 16, 16)])),
    "GlobalAveragePooling2D": ("32×32×128, b32", "layer",
                               lambda k: (k.layers.GlobalAveragePooling2D(), [_floats(32, 32, 32, 128)])),
    "BatchNormalization": ("32×32×64, b32", "layer",
                           lambda k: (k.layers.BatchNormalization(), [_floats(32, 32, 32, 64)])),
    "LayerNormalization": ("128×256, b64", "layer",
                           lambda k: (k.layers.LayerNormalization(), [_floats(64, 128, 256)])),
    "GroupNormalization": ("32×32×64, 8 groups, b32", "layer",
                           lambda k: (k.layers.GroupNormalization(groups=8), [_floats(32, 32, 32, 64)])),
    "Dense": ("512 → 512, b256", "layer", lambda k: (k.layers.Dense(512, activation="relu"), [_floats(256, 512)])),
    "EinsumDense": ("128×256 → 256, b64", "layer",
                    lambda k: (k.layers.EinsumDense("abc,cd->abd", output_shape=(None, 256), bias_axes="d"),
                               [_floats(64, 128, 256)])),
    "Embedding": ("20000 × 128, 200 ids, b64", "layer",
                  lambda k: (k.layers.Embedding(20000, 128), [_ids(64, 200, high=20000)])),
    "LSTM": ("100×64 → 128, b64", "layer", lambda k: (k.layers.LSTM(128), [_floats(64, 100, 64)])),
    "GRU": ("100×64 → 128, b64", "layer", lambda k: (k.layers.GRU(128), [_floats(64, 100, 64)])),
    "Bidirectional": ("LSTM(64) seqs, 100×64, b64", "layer",
                      lambda k: (k.layers.Bidirectional(k.layers.LSTM(64, return_sequences=True)),
                                 [_floats(64, 100, 64)])),
    "ConvLSTM2D": ("10×16×16×8 → 16, 3×3, b8", "layer",
                   lambda k: (k.layers.ConvLSTM2D(16, 3, padding="same"), [_floats(8, 10, 16, 16, 8)])),
    "MultiHeadAttention": ("self, 128×256, 8 heads, b32", "layer",
                           lambda k: (k.layers.MultiHeadAttention(num_heads=8, key_dim=32), [_floats(32, 128, 256)]),
                           lambda layer, xs, training: layer(xs[0], xs[0], training=training)),
    "GroupQueryAttention": ("self, 128×256, 8q/2kv heads, b32", "layer",
                            lambda k: (k.layers.GroupQueryAttention(head_dim=32, num_query_heads=8,
                                                                    num_key_value_heads=2), [_floats(32, 128, 256)]),
                            lambda layer, xs, training: layer(xs[0], xs[0], training=training)),
    "RandomFlip": ("128×128×3, b32", "augment", lambda k: (k.layers.RandomFlip(seed=1), [_images(32, 128)])),
    "RandomRotation": ("128×128×3, b32", "augment",
                       lambda k: (k.layers.RandomRotation(0.1, seed=1), [_images(32, 128)])),
    "RandomZoom": ("128×128×3, b32", "augment", lambda k: (k.layers.RandomZoom(0.1, seed=1), [_images(32, 128)])),
    "RandomContrast": ("128×128×3, b32", "augment",
                       lambda k: (k.layers.RandomContrast(0.2, seed=1), [_images(32, 128)])),
    "Resizing": ("128² → 96², bilinear, b32", "data", lambda k: (k.layers.Resizing(96, 96), [_images(32, 128)])),
    "Rescaling": ("128×128×3, b32", "data", lambda k: (k.layers.Rescaling(1 / 255), [_images(32, 128)])),
    "Normalization": ("128×128×3, b32", "data",
                      lambda k: (k.layers.Normalization(mean=[127.5] * 3, variance=[5400.0] * 3), [_images(32, 128)])),
}


def _words():
    return [f"w{index}" for index in range(2000)]


def _tokens(rows, width):
    import numpy as np
    return np.array(_words() + ["unknown"])[_ids(rows, width, high=2001)]


def _augmentation_stack(keras):
    stack = keras.Sequential([keras.layers.RandomFlip("horizontal", seed=1), keras.layers.RandomRotation(0.1, seed=2),
                              keras.layers.RandomZoom(0.1, seed=3), keras.layers.RandomContrast(0.2, seed=4)])
    return lambda images: stack(images, training=True)


# name: (description, batch, builder(keras) -> (layer or function, data))
PIPELINES = {
    "data:TextVectorization": ("8,192 sentences of 16 words, b256", 256,
                               lambda k: (k.layers.TextVectorization(vocabulary=_words(), output_sequence_length=16),
                                          [" ".join(row) for row in _tokens(8192, 16)])),
    "data:StringLookup": ("8,192 × 16 strings, b256", 256,
                          lambda k: (k.layers.StringLookup(vocabulary=_words()), _tokens(8192, 16))),
    "data:IntegerLookup": ("32,768 × 16 ints, b256", 256,
                           lambda k: (k.layers.IntegerLookup(vocabulary=list(range(1, 2001))),
                                      _ids(32768, 16, high=3000).astype("int64"))),
    "data:Hashing": ("8,192 × 16 strings, 1024 bins, b256", 256,
                     lambda k: (k.layers.Hashing(num_bins=1024), _tokens(8192, 16))),
    "data:Normalization": ("32,768 × 32 floats, b256", 256,
                           lambda k: (k.layers.Normalization(mean=[0.0] * 32, variance=[1.0] * 32),
                                      _floats(32768, 32))),
    "data:Discretization": ("32,768 × 32 floats, 8 bins, b256", 256,
                            lambda k: (k.layers.Discretization(bin_boundaries=[-1.5, -1, -0.5, 0, 0.5, 1, 1.5]),
                                       _floats(32768, 32))),
    "data:CategoryEncoding": ("32,768 × 8 ids, multi-hot 64, b256", 256,
                              lambda k: (k.layers.CategoryEncoding(num_tokens=64, output_mode="multi_hot"),
                                         _ids(32768, 8, high=64))),
    "data:augmentation stack": ("1,024 × 96×96×3, 4 layers, b32", 32,
                                lambda k: (_augmentation_stack(k), _images(1024, 96))),
}

APPLICATIONS = {"MobileNetV2": "96×96×3, fit b32, predict b64"}

SECTIONS = {"layers": LAYERS, "pipelines": PIPELINES, "applications": APPLICATIONS}


# ---- the child: one backend, one section -------------------------------------------------
def _keras(backend):
    if backend == "swiftdl":
        import swiftdl as tf
        from swiftdl import keras
    else:
        import keras
        import tensorflow as tf
    return tf, keras


def _seconds_per_call(function):
    """Median seconds of a call, after two untimed calls (TensorFlow traces in the first)."""
    function()
    function()
    times, begin = [], time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - begin < MIN_SECONDS and len(times) < 200):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _error(error):
    return f"{type(error).__name__}: {error}".splitlines()[0][:150]


def measure_layer(tf, keras, name):
    """Samples/s of the inference call and, for kind "layer", of forward+backward."""
    _, kind, builder, *call = LAYERS[name]
    call = call[0] if call else (lambda layer, xs, training: layer(*xs, training=training))
    layer, arrays = builder(keras)
    inputs = [tf.constant(array) for array in arrays]
    batch = arrays[0].shape[0]
    result = {}
    training = kind == "augment"
    if kind == "data":
        forward = tf.function(lambda *xs: layer(*xs))
    else:
        forward = tf.function(lambda *xs: call(layer, xs, training))
    try:
        result["forward"] = batch / _seconds_per_call(lambda: forward(*inputs))
    except Exception as error:  # noqa: BLE001  (reported in the table, the run goes on)
        result["forward_error"] = _error(error)
    if kind != "layer":
        return result
    floating = [array.dtype.kind == "f" for array in arrays]  # ids (Embedding's) have no gradient

    @tf.function
    def forward_backward(*xs):
        watched = [x for x, is_float in zip(xs, floating) if is_float]
        with tf.GradientTape() as tape:
            for x in watched:
                tape.watch(x)
            loss = tf.reduce_mean(tf.square(call(layer, xs, True)))
        return tape.gradient(loss, watched + list(layer.trainable_variables))

    try:
        result["train"] = batch / _seconds_per_call(lambda: forward_backward(*inputs))
    except Exception as error:  # noqa: BLE001
        result["train_error"] = _error(error)
    return result


def measure_pipeline(tf, keras, name):
    """Elements/s through from_tensor_slices → batch → map(layer), one untimed pass first."""
    _, batch, builder = PIPELINES[name]
    function, data = builder(keras)
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(batch).map(function)

    def one_pass():
        for _ in dataset:
            pass

    one_pass()
    times, begin = [], time.perf_counter()
    while len(times) < 2 or (time.perf_counter() - begin < 2 * MIN_SECONDS and len(times) < 20):
        start = time.perf_counter()
        one_pass()
        times.append(time.perf_counter() - start)
    return {"forward": len(data) / statistics.median(times)}


def measure_mobilenet(tf, keras, name):
    """Training samples/s (one epoch of 512 at batch 32, after a warm-up fit) and predict samples/s at batch 64."""
    import numpy as np
    x = _images(512, 96) / 127.5 - 1
    y = np.random.default_rng(1).integers(0, 10, 512).astype("int32")
    model = keras.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3), classes=10)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x[:64], y[:64], batch_size=32, epochs=1, verbose=0)  # warm-up (TensorFlow compiles here)
    start = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    train = len(x) / (time.perf_counter() - start)
    model.predict(x[:64], batch_size=64, verbose=0)
    start = time.perf_counter()
    model.predict(x, batch_size=64, verbose=0)
    return {"train": train, "forward": len(x) / (time.perf_counter() - start)}


def child(backend, names, threads):
    """Measures `names` in order, printing one RESULT line each as it finishes (a crash then
    loses only the family it happened in)."""
    tf, keras = _keras(backend)
    if threads:
        if backend == "swiftdl":
            tf.config.set_num_threads(threads)
        else:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
    for name in names:
        keras.utils.set_random_seed(42)
        measure = measure_layer if name in LAYERS else measure_pipeline if name in PIPELINES else measure_mobilenet
        try:
            result = measure(tf, keras, name)
        except Exception as error:  # noqa: BLE001  (building the family or its data, or fit, failed)
            result = {"error": _error(error)}
        print(f"RESULT {name} " + json.dumps(result), flush=True)


# ---- the parent: run children, print the table -------------------------------------------
def run_children(python, backend, names, threads):
    """Results by name for one section; a child that dies is restarted after the family it died in."""
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    if backend == "tensorflow":
        environment["KERAS_BACKEND"] = "tensorflow"
    results, remaining = {}, list(names)
    while remaining:
        command = [python, os.path.abspath(__file__), "--child", "--backend", backend,
                   "--families", ",".join(remaining)] + (["--threads", str(threads)] if threads else [])
        completed = subprocess.run(command, capture_output=True, text=True, env=environment)
        for line in completed.stdout.splitlines():
            if line.startswith("RESULT "):
                name, payload = line[len("RESULT "):].split(" {", 1)
                results[name] = json.loads("{" + payload)
        remaining = [name for name in remaining if name not in results]
        if remaining:
            tail = (completed.stderr.strip().splitlines() or ["no output"])[-1][:150]
            sys.stderr.write(f"[{backend}] child died in {remaining[0]} (exit {completed.returncode}):\n"
                             f"{completed.stderr[-2000:]}\n")
            results[remaining.pop(0)] = {"error": f"process died (exit {completed.returncode}): {tail}"}
    return results


def _median(runs):
    """Each figure's median over the runs; the first error of each kind."""
    merged = {}
    for key in ("forward", "train"):
        values = [run[key] for run in runs if key in run]
        if values:
            merged[key] = statistics.median(values)
        errors = [run[key + "_error"] for run in runs if key + "_error" in run]
        if errors and not values:
            merged[key + "_error"] = errors[0]
    errors = [run["error"] for run in runs if "error" in run]
    if errors and not merged:
        merged["error"] = errors[0]
    return merged


def _cells(ours, theirs, key, with_tf):
    line = f"{_format(ours.get(key)):>10}"
    if with_tf:
        line += f"{_format(theirs.get(key)):>10}"
        line += f"{ours[key] / theirs[key]:>7.2f}×" if ours.get(key) and theirs.get(key) else f"{'':8}"
    return line


def print_table(names, results, with_tf, repeats, threads):
    backends = ["swiftdl"] + (["tensorflow"] if with_tf else [])
    heading = f"{'swiftdl':>10}" + (f"{'TF':>10}{'ratio':>8}" if with_tf else "")
    print(f"Keras layers, pipelines and MobileNetV2; threads={threads or 'default'}"
          + (f"; median of {repeats} runs" if repeats > 1 else "") + "; ratio above 1: swiftdl faster")
    for section, families in SECTIONS.items():
        chosen = [name for name in names if name in families]
        if not chosen:
            continue
        first, second = {"layers": ("forward samples/s", "forward+backward samples/s"),
                         "pipelines": ("elements/s", ""),
                         "applications": ("predict samples/s", "training samples/s")}[section]
        width = len(heading)
        print(f"\n{section:24}{'':36}{first:^{width}}  {second:^{width}}".rstrip())
        print(f"{'':60}{heading}  {heading if second else ''}".rstrip())
        for name in chosen:
            description = families[name][0] if section != "applications" else families[name]
            ours, theirs = (results[backend].get(name, {}) for backend in ("swiftdl", "tensorflow")) \
                if with_tf else (results["swiftdl"].get(name, {}), {})
            line = f"{name:24}{description:36}" + _cells(ours, theirs, "forward", with_tf)
            if second:
                line += "  " + _cells(ours, theirs, "train", with_tf)
            # A failure is a finding: its error goes in the family's row.
            errors = [f"{backend}{label}: {results[backend][name][key]}" for backend in backends
                      for key, label in (("error", ""), ("forward_error", " forward"), ("train_error", " backward"))
                      if key in results[backend].get(name, {})]
            print(line.rstrip() + ("   " + "; ".join(errors) if errors else ""))


def main():
    everything = [name for families in SECTIONS.values() for name in families]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tf-python", help="a Python interpreter that has TensorFlow installed")
    parser.add_argument("--families", default="layers,pipelines,applications",
                        help=f"comma-separated section names ({', '.join(SECTIONS)}) or families: {', '.join(everything)}")
    parser.add_argument("--threads", type=int, default=None, help="intra-op threads for both backends (default: all cores)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of each section per backend, taking turns; rows are medians (default 1)")
    parser.add_argument("--json", help="also write all results (medians and every run) to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="swiftdl", help=argparse.SUPPRESS)
    args = parser.parse_args()
    names = []
    for item in args.families.split(","):
        names += list(SECTIONS[item]) if item in SECTIONS else [item]
    unknown = [name for name in names if name not in everything]
    if unknown:
        parser.error(f"unknown families {unknown}; choose from {', '.join(list(SECTIONS) + everything)}")
    if args.child:
        child(args.backend, names, args.threads)
        return

    backends = [("swiftdl", sys.executable)] + ([("tensorflow", args.tf_python)] if args.tf_python else [])
    results = {backend: {} for backend, _ in backends}
    for families in SECTIONS.values():
        chosen = [name for name in names if name in families]
        if not chosen:
            continue
        # The backends take turns, so a slow phase of the shared machine falls on both.
        runs = {backend: [] for backend, _ in backends}
        for _ in range(args.repeats):
            for backend, python in backends:
                runs[backend].append(run_children(python, backend, chosen, args.threads))
        for backend, _ in backends:
            for name in chosen:
                results[backend][name] = _median([run[name] for run in runs[backend] if name in run])
                # Every run's figures too: on a shared machine the spread says how far to trust a median.
                results[backend][name]["runs"] = [run[name] for run in runs[backend] if name in run]
    print_table(names, results, bool(args.tf_python), args.repeats, args.threads)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
