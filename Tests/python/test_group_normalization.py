"""GroupNormalization as one engine op (Sources/SwiftDL/Ops/NN/GroupNormalization.swift):
outputs and gradients against Keras 3 on TensorFlow (fixtures/keras_group_norm), a float64
numpy reference, central differences, and clear errors for bad input.

Tolerances: the engine sums in Double and normalises in float32 as (x − mean)·scale + shift,
Keras computes E[x²] − E[x]² in float32 and x·scale + (beta − mean·scale); both are float32
roundings of the same formula, a few ulp of the output apart, never bit for bit."""
from pathlib import Path

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C, keras

from _nn_gradcheck import check_gradients

FIXTURE = Path(__file__).parent / "fixtures" / "keras_group_norm" / "group_norm.npz"


def _reference(x, axis, groups, gamma, beta, epsilon):
    """Group normalisation in float64 numpy, channels moved last."""
    moved = np.moveaxis(np.asarray(x, np.float64), axis, -1)
    channels = moved.shape[-1]
    grouped = moved.reshape(moved.shape[0], -1, groups, channels // groups)
    mean = grouped.mean(axis=(1, 3), keepdims=True)
    variance = grouped.var(axis=(1, 3), keepdims=True)
    y = ((grouped - mean) / np.sqrt(variance + epsilon)).reshape(moved.shape)
    if gamma is not None:
        y = y * gamma
    if beta is not None:
        y = y + beta
    return np.moveaxis(y, -1, axis)


def _cases():
    data = np.load(FIXTURE)
    count = len({key.split("_")[0] for key in data.files})
    return [{name: data[f"{index}_{name}"] for name in ("case", "x", "gamma", "beta", "w", "y", "dx", "dgamma", "dbeta")}
            for index in range(count)]


@pytest.mark.parametrize("case", _cases(), ids=lambda case: f"axis{case['case'][0]}_groups{case['case'][1]}_"
                         + "x".join(map(str, case["case"][2:])))
def test_matches_keras_outputs_and_gradients(case):
    axis, groups = int(case["case"][0]), int(case["case"][1])
    layer = keras.layers.GroupNormalization(groups=groups, axis=axis, epsilon=1e-3)
    layer.build(case["x"].shape)
    layer.set_weights([case["gamma"], case["beta"]])
    x = sd.asarray(case["x"])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = (y * sd.asarray(case["w"])).sum()
    dx, dgamma, dbeta = tape.gradient(loss, [x, layer.gamma, layer.beta])
    np.testing.assert_allclose(np.asarray(y), case["y"], rtol=1e-5, atol=2e-5)
    # dx is a difference of terms of the size of dy·gamma: absolute tolerance on that scale.
    np.testing.assert_allclose(np.asarray(dx), case["dx"], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(dgamma), case["dgamma"], rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(np.asarray(dbeta), case["dbeta"], rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("shape,axis,groups", [((2, 5, 6), -1, 3), ((2, 6, 5), 1, 2), ((2, 3, 4, 8), -1, 8),
                                               ((2, 4, 3, 5), 1, 1), ((1, 2, 3, 2, 4), -1, 2),
                                               ((2, 4, 2, 3, 2), 1, 4), ((2, 3, 6, 2), 2, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_numpy_for_every_layout(shape, axis, groups, dtype):
    rng = np.random.default_rng(1)
    x = (rng.standard_normal(shape) * 3 + 10).astype(dtype)
    channels = shape[axis]
    gamma, beta = rng.standard_normal(channels).astype(dtype), rng.standard_normal(channels).astype(dtype)
    y = _C.nn_group_norm(sd.asarray(x), axis, groups, sd.asarray(gamma), sd.asarray(beta), 1e-3)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(np.asarray(y), _reference(x, axis, groups, gamma, beta, 1e-3), rtol=tolerance,
                               atol=tolerance)
    bare = _C.nn_group_norm(sd.asarray(x), axis, groups, None, None, 0.0)
    np.testing.assert_allclose(np.asarray(bare), _reference(x, axis, groups, None, None, 0.0), rtol=tolerance,
                               atol=tolerance)


def test_large_mean_keeps_the_variance():
    # Values 1e4 apart from their spread of 1: E[x²] − E[x]² in float32 would lose it all.
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((2, 64, 16)) + 1e4).astype(np.float32)
    for layout in ((x, -1), (np.ascontiguousarray(np.moveaxis(x, -1, 1)), 1)):
        data, axis = layout
        y = _C.nn_group_norm(sd.asarray(data), axis, 4, None, None, 1e-6)
        np.testing.assert_allclose(np.asarray(y), _reference(data, axis, 4, None, None, 1e-6), atol=2e-3)


@pytest.mark.parametrize("shape,axis,groups", [((2, 3, 4), -1, 2), ((2, 4, 3), 1, 4), ((2, 2, 3, 6), -1, 3),
                                               ((2, 6, 2, 2), 1, 1), ((1, 2, 2, 2, 4), -1, 2)])
def test_gradients_match_finite_differences(shape, axis, groups):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape) * 2 + 1
    channels = shape[axis]
    gamma, beta = rng.standard_normal(channels), rng.standard_normal(channels)
    check_gradients(lambda a, g, b: _C.nn_group_norm(a, axis, groups, g, b, 1e-3), x, gamma, beta, rtol=1e-5,
                    atol=1e-7)


def test_layer_groups_minus_one_and_one():
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 6)).astype(np.float32)
    instance = keras.layers.GroupNormalization(groups=-1)
    np.testing.assert_allclose(np.asarray(instance(x)), _reference(x, -1, 6, None, None, 1e-3), atol=1e-5)
    assert instance.groups == 6
    whole = keras.layers.GroupNormalization(groups=1, axis=1, center=False, scale=False)
    np.testing.assert_allclose(np.asarray(whole(x)), _reference(x, 1, 1, None, None, 1e-3), atol=1e-5)
    assert whole.weights == []


def test_empty_input_gives_empty_output_and_zero_weight_gradients():
    layer = keras.layers.GroupNormalization(groups=2)
    x = sd.asarray(np.zeros((0, 3, 4), np.float32))
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = y.sum()
    dx, dgamma, dbeta = tape.gradient(loss, [x, layer.gamma, layer.beta])
    assert y.shape == (0, 3, 4) and dx.shape == (0, 3, 4)
    np.testing.assert_array_equal(np.asarray(dgamma), 0)
    np.testing.assert_array_equal(np.asarray(dbeta), 0)


@pytest.mark.parametrize("arguments,message", [
    ((np.zeros((2, 4), np.float32), 0, 2), "batch axis"),
    ((np.zeros((2, 4), np.float32), 5, 2), "axis"),
    ((np.zeros((2, 4), np.float32), -1, 3), "divisor"),
    ((np.zeros((2, 4), np.float32), -1, 0), "divisor"),
    ((np.zeros((2, 4), np.float32), -1, -1), "divisor"),
    ((np.zeros((2, 0), np.float32), -1, 2 ** 63 - 1), "divisor"),
    ((np.zeros((4,), np.float32), -1, 1), "batch axis and a channel axis"),
    ((np.zeros((2, 4), np.int32), -1, 1), "float"),
])
def test_bad_input_raises(arguments, message):
    x, axis, groups = arguments
    with pytest.raises((ValueError, TypeError), match=message):
        _C.nn_group_norm(sd.asarray(x), axis, groups, None, None, 1e-3)


def test_bad_weights_and_epsilon_raise():
    x = sd.asarray(np.zeros((2, 4), np.float32))
    with pytest.raises(ValueError, match=r"gamma must have shape \(4,\)"):
        _C.nn_group_norm(x, -1, 2, sd.asarray(np.ones(3, np.float32)), None, 1e-3)
    with pytest.raises(TypeError, match="beta must have x's dtype"):
        _C.nn_group_norm(x, -1, 2, None, sd.asarray(np.ones(4, np.float64)), 1e-3)
    with pytest.raises(ValueError, match="epsilon"):
        _C.nn_group_norm(x, -1, 2, None, None, float("nan"))
