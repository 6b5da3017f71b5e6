"""A Conv2D → BatchNormalization (→ ReLU) chain and the Add that alone reads it run in a
functional model's inference plan as one engine op (models/residual_add_fusion.py,
`_C.conv2d_batch_norm_add`). The op adds the residual to the chain's own output (one
rounding, the Add's), so the model must give what the fused chain and the Add give: the same
float32 sums, compared here to 1e-6 relative (the two paths share the product and its fold;
only the Add's place differs). Anything that must stay apart (a broadcasting Add, a chain
output read twice, a residual computed after the chain) stays apart; bad operands give clear
errors; a tape records the ops apart, with exact gradients."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C, keras
from swiftdl.keras import layers

from keras_testing import randomize_batch_norm_statistics

RNG = np.random.default_rng(17)


def _randomize_statistics(model):
    randomize_batch_norm_statistics(model, RNG)


def _inverted_residuals(channels, size, relu_after_projection=False):
    inputs = keras.Input((size, size, channels))
    x = inputs
    for _ in range(2):
        y = layers.Conv2D(channels * 6, 1, use_bias=False)(x)
        y = layers.ReLU(6.0)(layers.BatchNormalization()(y))
        y = layers.DepthwiseConv2D(3, padding="same", use_bias=False)(y)
        y = layers.ReLU(6.0)(layers.BatchNormalization()(y))
        y = layers.BatchNormalization()(layers.Conv2D(channels, 1)(y))
        if relu_after_projection:
            y = layers.ReLU()(y)
        x = layers.Add()([x, y])
    return keras.Model(inputs, layers.GlobalAveragePooling2D()(x))


def _step_names(model):
    return [getattr(step[0], "__name__", "") for step in model._inference_plan.steps]


def _unplanned(model, x):
    """The model's normal path (the fused chains of run_graph, the Adds as layers)."""
    return np.asarray(model(x, training=False))


@pytest.mark.parametrize("channels,size", [(24, 9), (16, 7), (5, 6), (32, 3)])
@pytest.mark.parametrize("relu_after_projection", [False, True])
def test_blocks_match_the_chain_then_the_add(channels, size, relu_after_projection):
    model = _inverted_residuals(channels, size, relu_after_projection)
    _randomize_statistics(model)
    x = RNG.normal(size=(1, size, size, channels)).astype("float32")
    expected = _unplanned(model, x)
    for _ in range(3):  # the planning call, then the plan's runs
        np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-6, atol=1e-6 * np.abs(expected).max())
    assert _step_names(model).count("conv2d_batch_norm_add") == 2
    assert "call" not in _step_names(model)[:-1]  # no Add step left (the last is the pooling)


def test_float64_blocks_fuse_too():
    inputs = keras.Input((5, 5, 8), dtype="float64")
    y = layers.BatchNormalization(dtype="float64")(layers.Conv2D(8, 1, dtype="float64")(inputs))
    model = keras.Model(inputs, layers.Add(dtype="float64")([inputs, y]))
    _randomize_statistics(model)
    x = sd.asarray(RNG.normal(size=(1, 5, 5, 8)))
    expected = _unplanned(model, x)
    for _ in range(3):
        np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-12, atol=1e-12)
    assert _step_names(model) == ["conv2d_batch_norm_add"]


def test_adds_that_must_stay_apart_stay_apart():
    inputs = keras.Input((6, 6, 4))
    y = layers.BatchNormalization()(layers.Conv2D(4, 1)(inputs))
    broadcast = layers.Add()([layers.GlobalAveragePooling2D(keepdims=True)(inputs), y])  # (1, 1, 4) + (6, 6, 4)
    z = layers.BatchNormalization()(layers.Conv2D(4, 1)(broadcast))
    read_twice = layers.Add()([z, layers.Multiply()([z, z])])
    w = layers.BatchNormalization()(layers.Conv2D(4, 1)(read_twice))
    later = layers.Conv2D(4, 1)(read_twice)  # runs after the chain before it: not there yet when it runs
    outputs = layers.Add()([w, later])
    model = keras.Model(inputs, outputs)
    _randomize_statistics(model)
    x = RNG.normal(size=(1, 6, 6, 4)).astype("float32")
    expected = _unplanned(model, x)
    for _ in range(3):
        np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    names = _step_names(model)
    assert names.count("conv2d_batch_norm_add") == 0 and names.count("conv2d_batch_norm") == 3


def test_weights_changed_after_a_call_are_used():
    model = _inverted_residuals(8, 5)
    x = RNG.normal(size=(1, 5, 5, 8)).astype("float32")
    model(x), model(x)
    _randomize_statistics(model)
    model.layers[7].kernel.assign(model.layers[7].kernel * -2.0)  # the first projection
    expected = _unplanned(model, x)
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-6, atol=1e-6 * np.abs(expected).max())


def _operands(dtype="float32"):
    x = sd.asarray(RNG.normal(size=(1, 5, 5, 3)).astype(dtype))
    w = sd.asarray(RNG.normal(size=(1, 1, 3, 4)).astype(dtype))
    stats = [sd.asarray(RNG.uniform(0.5, 2, 4).astype(dtype)) for _ in range(4)]
    return x, w, stats


def test_the_engine_op_adds_after_the_activation_and_rejects_bad_residuals():
    x, w, (mean, variance, gamma, beta) = _operands()
    residual = sd.asarray(RNG.normal(size=(1, 5, 5, 4)).astype("float32"))
    arguments = (1e-3, True, 1.0, (1, 1), (1, 1), 0, (0, 0, 0, 0))
    chain = np.asarray(_C.conv2d_batch_norm(x, w, None, mean, variance, gamma, beta, *arguments))
    summed = np.asarray(_C.conv2d_batch_norm_add(x, w, None, mean, variance, gamma, beta, *arguments, residual))
    np.testing.assert_array_equal(summed, chain + np.asarray(residual))  # clamp first, then the residual
    with pytest.raises(ValueError, match=r"residual must have the output's shape \(1, 5, 5, 4\)"):
        _C.conv2d_batch_norm_add(x, w, None, mean, variance, gamma, beta, *arguments,
                                 sd.asarray(np.ones((1, 5, 5, 3), "float32")))
    with pytest.raises(TypeError, match="residual must have the input's dtype"):
        _C.conv2d_batch_norm_add(x, w, None, mean, variance, gamma, beta, *arguments,
                                 sd.asarray(np.ones((1, 5, 5, 4))))
    with pytest.raises(TypeError):
        _C.conv2d_batch_norm_add(x, w, None, mean, variance, gamma, beta, *arguments, None)


def test_gradients_under_a_tape_are_those_of_the_ops_apart():
    x, w, (mean, variance, gamma, beta) = _operands()
    residual = sd.asarray(RNG.normal(size=(1, 5, 5, 4)).astype("float32"))
    arguments = (1e-3, True, 6.0, (1, 1), (1, 1), 0, (0, 0, 0, 0))
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(x)
        tape.watch(w)
        tape.watch(residual)
        fused = sd.reduce_sum(_C.conv2d_batch_norm_add(x, w, None, mean, variance, gamma, beta, *arguments,
                                                       residual) ** 2)
        apart = sd.reduce_sum((_C.conv2d_batch_norm(x, w, None, mean, variance, gamma, beta, *arguments)
                               + residual) ** 2)
    for got, expected in zip(tape.gradient(fused, [x, w, residual]), tape.gradient(apart, [x, w, residual])):
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-6, atol=1e-6)
