"""Keras's Dense as one engine op (_C.dense: the product, the bias and a relu in one pass,
one backward rule): values against numpy for inputs of any rank, gradients against finite
differences, the layer against its composed form, and bad operands."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C, keras
from swiftdl.keras import layers

RNG = np.random.default_rng(9)


@pytest.mark.parametrize("shape", [(5,), (4, 5), (2, 3, 5), (0, 5)])
@pytest.mark.parametrize("activation", [0, 1])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_values_match_numpy(shape, activation, dtype):
    x = RNG.normal(size=shape).astype(dtype)
    kernel, bias = RNG.normal(size=(5, 7)).astype(dtype), RNG.normal(size=7).astype(dtype)
    expected = x.astype(np.float64) @ kernel + bias
    if activation:
        expected = np.maximum(expected, 0)
    got = np.asarray(_C.dense(sd.asarray(x), sd.asarray(kernel), sd.asarray(bias), activation))
    assert got.shape == shape[:-1] + (7,) and got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, expected, rtol=1e-5 if dtype == "float32" else 1e-12, atol=1e-5)
    unbiased = np.asarray(_C.dense(sd.asarray(x), sd.asarray(kernel), None, 0))
    np.testing.assert_allclose(unbiased, x.astype(np.float64) @ kernel, rtol=1e-5, atol=1e-5)


def test_gradients_match_finite_differences():
    x, kernel, bias = RNG.normal(size=(3, 2, 4)), RNG.normal(size=(4, 3)), RNG.normal(size=3)
    upstream = RNG.normal(size=(3, 2, 3))

    def loss(x_, k_, b_):
        return float((np.asarray(_C.dense(sd.asarray(x_), sd.asarray(k_), sd.asarray(b_), 1)) * upstream).sum())

    tensors = [sd.asarray(a) for a in (x, kernel, bias)]
    with sd.GradientTape() as tape:
        tape.watch(tensors)
        total = sd.reduce_sum(_C.dense(*tensors, 1) * sd.asarray(upstream))
    gradients = [np.asarray(g) for g in tape.gradient(total, tensors)]
    arrays = [x, kernel, bias]
    for index, array in enumerate(arrays):
        numeric = np.zeros_like(array)
        for position in np.ndindex(array.shape):
            shifted = [a.copy() for a in arrays]
            shifted[index][position] += 1e-6
            up = loss(*shifted)
            shifted[index][position] -= 2e-6
            numeric[position] = (up - loss(*shifted)) / 2e-6
        np.testing.assert_allclose(gradients[index], numeric, rtol=1e-6, atol=1e-8)


def test_the_layer_equals_its_composed_form_in_values_and_gradients():
    keras.utils.set_random_seed(4)
    layer = layers.Dense(6, activation="relu")
    x = sd.asarray(RNG.normal(size=(8, 5)).astype("float32"))
    with sd.GradientTape(persistent=True) as tape:
        fused = layer(x)
        composed = sd.maximum(sd.matmul(x, layer.kernel) + layer.bias, 0.0)
        fused_total, composed_total = sd.reduce_sum(fused * fused), sd.reduce_sum(composed * composed)
    np.testing.assert_allclose(np.asarray(fused), np.asarray(composed), rtol=1e-6, atol=1e-6)
    for got, expected in zip(tape.gradient(fused_total, layer.trainable_weights),
                             tape.gradient(composed_total, layer.trainable_weights)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-5, atol=1e-5)
    # Other activations apply after the op; float64 input to a float32 layer takes matmul.
    tanh = layers.Dense(3, activation="tanh")
    np.testing.assert_allclose(np.asarray(tanh(x)), np.tanh(np.asarray(x) @ np.asarray(tanh.kernel)
                                                             + np.asarray(tanh.bias)), rtol=1e-5, atol=1e-6)


def test_bad_operands_raise_clear_errors():
    x, kernel = sd.asarray(np.ones((2, 3), "float32")), sd.asarray(np.ones((3, 4), "float32"))
    with pytest.raises(ValueError, match=r"\[dense\].*must match"):
        _C.dense(x, sd.asarray(np.ones((2, 4), "float32")), None, 0)
    with pytest.raises(ValueError, match=r"\[dense\].*rank 2"):
        _C.dense(x, sd.asarray(np.ones(3, "float32")), None, 0)
    with pytest.raises(TypeError, match="same dtype"):
        _C.dense(x, kernel.astype("float64"), None, 0)
    with pytest.raises(ValueError, match="bias must have shape"):
        _C.dense(x, kernel, sd.asarray(np.ones(3, "float32")), 0)
    with pytest.raises(ValueError, match="activation code"):
        _C.dense(x, kernel, None, 7)
    with pytest.raises(ValueError, match=r"\[dense\]"):
        _C.dense(sd.asarray(np.float32(1.0)), kernel, None, 0)
