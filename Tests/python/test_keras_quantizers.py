"""keras.quantizers and keras.Quantizer against real Keras 3 (fixtures/keras_quantizers/):
abs-max quantization, fake quantization with its gradients (per tensor and per channel),
the float8 scale helpers, configs, and bad arguments."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_quantizers", "quantizers.npz"))
X = FIXTURE["x"]
CASES = {"tensor": (np.float32(-1.3), np.float32(1.1), 8, False, None),
         "tensor_4bit_narrow": (np.float32(-1.3), np.float32(1.1), 4, True, None),
         "channel": (np.linspace(-2, -0.5, 5).astype("float32"), np.linspace(0.5, 2, 5).astype("float32"), 8, False,
                     -1)}


def test_abs_max_quantize_matches_keras():
    values, scale = keras.quantizers.abs_max_quantize(X, -1)
    np.testing.assert_array_equal(np.asarray(values), FIXTURE["abs_max/values"])
    np.testing.assert_allclose(np.asarray(scale), FIXTURE["abs_max/scale"], rtol=1e-6)
    values, scale = keras.quantizers.AbsMaxQuantizer(value_range=(-7, 7))(X, axis=0)
    np.testing.assert_array_equal(np.asarray(values), FIXTURE["abs_max_axis0/values"])
    np.testing.assert_allclose(np.asarray(scale), FIXTURE["abs_max_axis0/scale"], rtol=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fake_quant_values_and_gradients_match_keras(name):
    low, high, bits, narrow, axis = CASES[name]
    quantize = keras.quantizers.fake_quant_with_min_max_vars
    np.testing.assert_allclose(np.asarray(quantize(X, low, high, num_bits=bits, narrow_range=narrow, axis=axis)),
                               FIXTURE[f"fake/{name}"], rtol=1e-6, atol=1e-6)
    x, lo, hi = sd.Variable(X), sd.Variable(np.asarray(low)), sd.Variable(np.asarray(high))
    weights = np.arange(1, 21, dtype="float32").reshape(4, 5)
    with sd.GradientTape() as tape:
        total = sd.sum(quantize(x, lo, hi, num_bits=bits, narrow_range=narrow, axis=axis) * weights)
    for i, gradient in enumerate(tape.gradient(total, [x, lo, hi])):
        np.testing.assert_allclose(np.asarray(gradient), FIXTURE[f"fake/{name}/grad{i}"], rtol=1e-6, atol=1e-6)


def test_float8_helpers_match_keras():
    scale = keras.quantizers.compute_float8_scale(sd.asarray(np.array([3.0, 0.0, np.inf], "float32")),
                                                  sd.asarray(np.array([0.5, 0.25, 2.0], "float32")), 448.0, margin=1)
    np.testing.assert_allclose(np.asarray(scale), FIXTURE["float8_scale"], rtol=1e-6)
    history = keras.quantizers.compute_float8_amax_history(X, sd.asarray(np.array([1.0, 2.0, 3.0, 4.0], "float32")))
    np.testing.assert_allclose(np.asarray(history), FIXTURE["amax_history"], rtol=1e-6)


def test_configs_and_lookup():
    quantizer = keras.quantizers.AbsMaxQuantizer(axis=-1, value_range=(-100, 100))
    assert json.loads(json.dumps(quantizer.get_config())) == json.loads(str(FIXTURE["config"]))
    clone = keras.quantizers.deserialize(keras.quantizers.serialize(quantizer))
    assert isinstance(clone, keras.quantizers.AbsMaxQuantizer) and clone.get_config() == quantizer.get_config()
    assert isinstance(keras.quantizers.get("abs_max_quantizer"), keras.quantizers.AbsMaxQuantizer)
    assert keras.Quantizer is keras.quantizers.Quantizer
    with pytest.raises(NotImplementedError):
        keras.Quantizer().get_config()


@pytest.mark.parametrize("call,error", [
    (lambda: keras.quantizers.AbsMaxQuantizer(value_range=(-200, 200)), ValueError),
    (lambda: keras.quantizers.fake_quant_with_min_max_vars(X, -1.0, 1.0, num_bits=1), ValueError),
    (lambda: keras.quantizers.get("no_such_quantizer"), ValueError),
])
def test_bad_arguments(call, error):
    with pytest.raises(error):
        call()
