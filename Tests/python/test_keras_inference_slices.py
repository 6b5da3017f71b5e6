"""Large inference batches of per-sample models run in slices (keras/models/inference_slices.py):
outputs equal the whole batch's within GEMM roundings, in every output structure; models
that are not per-sample (a Lambda, a node run in training mode, unknown activation sizes),
calls under a tape and small batches run whole; and predict's peak memory falls with it."""
import subprocess
import sys

import numpy as np
import pytest

import swiftdl as sd
import swiftdl.keras as keras
from swiftdl.keras import layers
from swiftdl.keras.models import inference_slices

RNG = np.random.default_rng(3)


def inverted_residual_model():
    """MobileNetV2's block: 1×1 expansion, batch norm, ReLU6, 3×3 depthwise, projection, Add."""
    inputs = keras.Input((12, 12, 8))
    y = layers.ReLU(6.0)(layers.BatchNormalization()(layers.Conv2D(48, 1, use_bias=False)(inputs)))
    y = layers.ReLU(6.0)(layers.BatchNormalization()(layers.DepthwiseConv2D(3, padding="same")(y)))
    y = layers.BatchNormalization()(layers.Conv2D(8, 1)(y))
    x = layers.Add()([inputs, y])
    outputs = layers.Dense(5, activation="softmax")(layers.GlobalAveragePooling2D()(x))
    model = keras.Model(inputs, outputs)
    for layer in model.layers:  # moving statistics that are not the identity
        if isinstance(layer, layers.BatchNormalization):
            layer.moving_mean.assign(RNG.standard_normal(layer.moving_mean.shape).astype(np.float32) * 0.1)
            layer.moving_variance.assign(RNG.uniform(0.5, 2.0, layer.moving_variance.shape).astype(np.float32))
    return model


@pytest.fixture
def small_slices(monkeypatch):
    """Slices of MIN_SLICE_ROWS samples, so that small test batches are sliced."""
    monkeypatch.setattr(inference_slices, "SLICE_BYTES", 1)


def whole(model, x, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(inference_slices, "SLICE_BYTES", 1 << 60)
        model.__dict__.pop("_inference_slice_rows", None)
        result = np.asarray(model(x))
    model.__dict__.pop("_inference_slice_rows", None)
    return result


@pytest.mark.parametrize("batch", [33, 100, 160])
def test_functional_model_sliced_equals_whole_batch(small_slices, monkeypatch, batch):
    model = inverted_residual_model()
    x = RNG.standard_normal((batch, 12, 12, 8)).astype(np.float32)
    expected = whole(model, x, monkeypatch)
    for _ in range(3):  # the normal path, the planning call, then the plan
        np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-5, atol=1e-6)
    assert model._inference_slice_rows[1] == inference_slices.MIN_SLICE_ROWS
    np.testing.assert_allclose(model.predict(x, batch_size=batch, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_sequential_model_sliced_equals_whole_batch(small_slices, monkeypatch):
    model = keras.Sequential([keras.Input((10, 10, 3)), layers.Conv2D(6, 3, activation="relu"), layers.MaxPooling2D(),
                              layers.Flatten(), layers.Dropout(0.5), layers.Dense(4)])
    x = RNG.standard_normal((70, 10, 10, 3)).astype(np.float32)
    expected = whole(model, x, monkeypatch)
    np.testing.assert_allclose(model.predict(x, batch_size=70, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert model._inference_slice_rows[1] == inference_slices.MIN_SLICE_ROWS


def text_model(mask_zero):
    inputs = keras.Input((30,), dtype="int32")
    x = layers.Conv1D(8, 5, activation="relu")(layers.Dropout(0.2)(layers.Embedding(50, 6, mask_zero=mask_zero)(inputs)))
    return keras.Model(inputs, layers.Dense(2)(layers.GlobalMaxPooling1D()(x)))


def test_text_model_sliced_equals_whole_batch(small_slices, monkeypatch):
    """An Embedding → Dropout → Conv1D text classifier (the plan's token tables), sliced."""
    model = text_model(False)
    ids = RNG.integers(0, 50, (90, 30)).astype(np.int32)
    expected = whole(model, ids, monkeypatch)
    for _ in range(3):
        np.testing.assert_allclose(np.asarray(model(ids)), expected, rtol=1e-5, atol=1e-6)
    assert model._inference_slice_rows[1] == inference_slices.MIN_SLICE_ROWS


def test_masking_embedding_runs_whole(small_slices):
    model = text_model(True)
    model(RNG.integers(0, 50, (90, 30)).astype(np.int32))
    assert model._inference_slice_rows[1] is None


def test_outputs_keep_their_structure(small_slices, monkeypatch):
    inputs = keras.Input((6,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    model = keras.Model(inputs, {"score": layers.Dense(1)(hidden), "parts": [layers.Dense(2)(hidden), hidden]})
    x = RNG.standard_normal((50, 6)).astype(np.float64)
    with monkeypatch.context() as patch:
        patch.setattr(inference_slices, "SLICE_BYTES", 1 << 60)
        expected = model(x)
    model.__dict__.pop("_inference_slice_rows", None)
    sliced = model(x)
    assert model._inference_slice_rows[1] == inference_slices.MIN_SLICE_ROWS
    assert set(sliced) == {"score", "parts"} and isinstance(sliced["parts"], list)
    for got, want in zip([sliced["score"]] + sliced["parts"], [expected["score"]] + expected["parts"]):
        assert isinstance(got, sd.Tensor) and got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, atol=1e-6)


def lambda_model():
    inputs = keras.Input((4,))
    centred = layers.Lambda(lambda t: t - keras.ops.mean(t, axis=0, keepdims=True))(inputs)
    return keras.Model(inputs, layers.Dense(3)(centred))


def training_node_model():
    inputs = keras.Input((4,))
    return keras.Model(inputs, layers.Dense(3)(layers.BatchNormalization()(inputs, training=True)))


def unknown_shape_model():
    inputs = keras.Input((None, 4))
    return keras.Model(inputs, layers.GlobalAveragePooling1D()(layers.Conv1D(3, 2)(inputs)))


class Custom(layers.Layer):
    def call(self, x):
        return x - keras.ops.mean(x, axis=0)


def custom_layer_model():
    inputs = keras.Input((4,))
    return keras.Model(inputs, Custom()(inputs))


@pytest.mark.parametrize("build", [lambda_model, training_node_model, unknown_shape_model, custom_layer_model])
def test_models_that_are_not_per_sample_run_whole(small_slices, build):
    """Each of these couples the samples of a batch (a mean over the batch, batch statistics)
    or has activations of unknown size: slicing would change or could not bound them."""
    model = build()
    shape = (80, 7, 4) if build is unknown_shape_model else (80, 4)
    x = RNG.standard_normal(shape).astype(np.float32)
    first = np.asarray(model(x))
    assert model.__dict__.get("_inference_slice_rows", (None, None))[1] is None
    if build in (lambda_model, custom_layer_model):
        # The batch mean is the whole batch's: a slice's mean would differ.
        halves = np.concatenate([np.asarray(model(x[:40])), np.asarray(model(x[40:]))])
        assert not np.allclose(first, halves, atol=1e-3)


def test_calls_under_a_tape_and_small_batches_run_whole(small_slices):
    model = inverted_residual_model()
    x = sd.constant(RNG.standard_normal((40, 12, 12, 8)).astype(np.float32))
    with sd.GradientTape() as tape:
        tape.watch(x)
        total = sd.reduce_sum(model(x))
    assert "_inference_slice_rows" not in model.__dict__
    assert tape.gradient(total, x).shape == x.shape
    model(x[:2 * inference_slices.MIN_SLICE_ROWS])
    assert "_inference_slice_rows" not in model.__dict__


PEAK_SCRIPT = """
import sys, numpy as np, swiftdl.keras as keras
from swiftdl.keras import layers
from swiftdl.keras.models import inference_slices
peak_kb = lambda: int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])
if sys.argv[1] == "whole":
    inference_slices.SLICE_BYTES = 1 << 60
inputs = keras.Input((48, 48, 16))
y = layers.DepthwiseConv2D(3, padding="same")(layers.Conv2D(96, 1)(inputs))
model = keras.Model(inputs, layers.Dense(10)(layers.GlobalAveragePooling2D()(y)))
x = np.random.default_rng(0).random((256, 48, 48, 16), dtype=np.float32)
model.predict(x[:8], verbose=0)
start = peak_kb()
model.predict(x, batch_size=256, verbose=0)
print((peak_kb() - start) / 1024)
"""


def test_predict_peak_memory_follows_the_slices():
    """A 48×48×96 activation at batch 256 is 226 MB; the expansion and the depthwise output
    live together, so a whole batch raises the peak by more than 400 MB and 48 MB slices by
    a few slices' worth. Fresh processes, read from VmHWM: ru_maxrss would carry the test process's peak
    over exec."""
    grown = {}
    for mode in ("whole", "sliced"):
        run = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, mode], capture_output=True, text=True, check=True)
        grown[mode] = float(run.stdout.strip().splitlines()[-1])
    assert grown["whole"] > 400, grown
    assert grown["sliced"] < 200, grown
