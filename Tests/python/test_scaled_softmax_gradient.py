"""The scale fused into softmax's VJP (Sources/SwiftDL/Autograd/ScaledGradientFusion.swift).

When a tape walks back through `softmax(s / c)` (or `s * c`, `c * s`) with c a constant
one-element tensor and the scaled tensor read by nothing else, softmax's VJP scales the
gradient itself and the divide's VJP is skipped. These tests check the gradients of such
chains against numpy's analytic VJP and central differences, and against the same chain
with the fusion prevented (the scaled tensor also asked for as a source, or read twice),
over float32/float64, softmax/log_softmax, last and middle axes, 0-d and (1, 1) factors,
Python scalars, and non-contiguous operands. They also check that the cases which must not
fuse (a factor that is watched and needs its own gradient, a broadcast scaled operand)
still get correct gradients.
"""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

ops = keras.ops
RNG_SEED = 20261204


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _reference(s, weights, factor, how, axis, log):
    """loss = Σ weights · (log_)softmax(scaled s): the gradient of s, by the chain rule in
    float64 numpy."""
    scaled = s / factor if how == "divide" else s * factor
    p = _softmax(scaled, axis)
    if log:
        d_scaled = weights - p * weights.sum(axis=axis, keepdims=True)
    else:
        d_scaled = p * (weights - (weights * p).sum(axis=axis, keepdims=True))
    return d_scaled / factor if how == "divide" else d_scaled * factor


def _scale(s, factor, how):
    if how == "divide":
        return s / factor
    return s * factor if how == "multiply" else factor * s


def _gradient(s_value, weights, factor, how, axis, log, fuse=True, dtype=np.float32, view=None):
    """The tape's gradient of s for loss = Σ weights · (log_)softmax(scaled s)."""
    s = sd.Variable(np.asarray(s_value, dtype))
    activation = ops.log_softmax if log else ops.softmax
    with sd.GradientTape() as tape:
        operand = s if view is None else view(s)
        scaled = _scale(operand, factor, how)
        loss = ops.sum(activation(scaled, axis=axis) * weights.astype(dtype))
    sources = [s] if fuse else [s, scaled]
    return np.asarray(tape.gradient(loss, sources)[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("how", ["divide", "multiply", "multiply_left"])
@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("axis", [-1, 1])
def test_fused_gradient_matches_numpy_and_the_unfused_walk(dtype, how, log, axis):
    rng = np.random.default_rng(RNG_SEED)
    s = rng.standard_normal((2, 3, 5, 7)) * 2
    weights = rng.standard_normal(s.shape)
    factor = sd.asarray(np.asarray(np.sqrt(7.0), dtype))  # 0-d, as ops.sqrt(float(d)) gives
    fused = _gradient(s, weights, factor, how, axis, log, dtype=dtype)
    unfused = _gradient(s, weights, factor, how, axis, log, fuse=False, dtype=dtype)
    expected = _reference(s.astype(dtype).astype(np.float64), weights.astype(dtype).astype(np.float64),
                          float(np.asarray(factor)), "divide" if how == "divide" else "multiply", axis, log)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(fused, expected, rtol=tolerance, atol=tolerance)
    # NOTE: the same arithmetic, not a different algorithm: each element is formed as the
    # softmax VJP forms it, then scaled with one rounding, as the divide's own VJP does. So
    # the two walks agree exactly.
    np.testing.assert_array_equal(fused, unfused)


def test_attention_chain_gradients_match_finite_differences():
    """keras.io's ops attention core: softmax(q kᵀ / √d) v, float64, all three inputs."""
    rng = np.random.default_rng(RNG_SEED)
    q, k, v = (rng.standard_normal((2, 2, 4, 3)) for _ in range(3))
    weights = rng.standard_normal((2, 2, 4, 3))

    def attention(q, k, v):
        scores = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / ops.sqrt(3.0)
        return ops.matmul(ops.softmax(scores, axis=-1), v)

    variables = [sd.Variable(x) for x in (q, k, v)]
    with sd.GradientTape() as tape:
        loss = ops.sum(attention(*variables) * weights)
    gradients = [np.asarray(g) for g in tape.gradient(loss, variables)]
    step = 1e-6
    for index, value in enumerate((q, k, v)):
        numeric = np.zeros_like(value)
        for position in np.ndindex(value.shape):
            values = [q, k, v]
            plus, minus = value.copy(), value.copy()
            plus[position] += step
            minus[position] -= step
            values[index] = plus
            up = float(np.sum(np.asarray(attention(*map(sd.asarray, values))) * weights))
            values[index] = minus
            down = float(np.sum(np.asarray(attention(*map(sd.asarray, values))) * weights))
            numeric[position] = (up - down) / (2 * step)
        np.testing.assert_allclose(gradients[index], numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("factor", [0.25, "one_by_one", "python_int"])
def test_factor_shapes_and_python_scalars(factor):
    rng = np.random.default_rng(RNG_SEED)
    s = rng.standard_normal((3, 6))
    weights = rng.standard_normal(s.shape)
    value = {0.25: 0.25, "one_by_one": sd.asarray(np.full((1, 1), 0.5, np.float32)), "python_int": 3}[factor]
    plain = 0.25 if factor == 0.25 else (0.5 if factor == "one_by_one" else 3.0)
    fused = _gradient(s, weights, value, "divide", -1, False)
    unfused = _gradient(s, weights, value, "divide", -1, False, fuse=False)
    expected = _reference(s.astype(np.float32).astype(np.float64), weights.astype(np.float32).astype(np.float64),
                          plain, "divide", -1, False)
    np.testing.assert_allclose(fused, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(fused, unfused)


@pytest.mark.parametrize("view", ["transposed", "strided"])
def test_non_contiguous_scaled_operand(view):
    rng = np.random.default_rng(RNG_SEED)
    s = rng.standard_normal((4, 6))
    weights = rng.standard_normal((6, 4)) if view == "transposed" else rng.standard_normal((4, 3))
    make = (lambda t: ops.transpose(t)) if view == "transposed" else (lambda t: t[:, ::2])
    fused = _gradient(s, weights, 2.0, "divide", -1, False, dtype=np.float64, view=make)
    unfused = _gradient(s, weights, 2.0, "divide", -1, False, dtype=np.float64, view=make, fuse=False)
    chosen = s.T if view == "transposed" else s[:, ::2]
    expected_view = _reference(chosen, weights, 2.0, "divide", -1, False)
    expected = np.zeros_like(s)
    if view == "transposed":
        expected = expected_view.T
    else:
        expected[:, ::2] = expected_view
    np.testing.assert_allclose(fused, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(fused, unfused)


def test_scaled_tensor_read_twice_is_not_fused_and_stays_right():
    rng = np.random.default_rng(RNG_SEED)
    s_value = rng.standard_normal((3, 5))
    weights = rng.standard_normal(s_value.shape)
    s = sd.Variable(s_value)
    with sd.GradientTape() as tape:
        scaled = s / 2.0
        loss = ops.sum(ops.softmax(scaled, axis=-1) * weights) + ops.sum(scaled * scaled)
    gradient = np.asarray(tape.gradient(loss, [s])[0])
    expected = _reference(s_value, weights, 2.0, "divide", -1, False) + 2 * (s_value / 2.0) / 2.0
    np.testing.assert_allclose(gradient, expected, rtol=1e-12, atol=1e-12)


def test_watched_factor_gets_its_gradient():
    """A factor a tape follows is not a constant: no fusion, and it gets d loss / d c."""
    rng = np.random.default_rng(RNG_SEED)
    s_value = rng.standard_normal((3, 5))
    weights = rng.standard_normal(s_value.shape)
    s, c = sd.Variable(s_value), sd.Variable(np.asarray(1.7))
    with sd.GradientTape() as tape:
        loss = ops.sum(ops.softmax(s / c, axis=-1) * weights)
    ds, dc = (np.asarray(g) for g in tape.gradient(loss, [s, c]))
    p = _softmax(s_value / 1.7, -1)
    d_scaled = p * (weights - (weights * p).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(ds, d_scaled / 1.7, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dc, np.sum(d_scaled * -s_value / 1.7 ** 2), rtol=1e-10)


def test_broadcast_scaled_operand_is_not_fused_and_stays_right():
    """s of shape (1, 5) broadcast against a (3, 1) factor: the scaled tensor is (3, 5), so
    the factor is not one element and the gradient of s sums over the broadcast rows."""
    rng = np.random.default_rng(RNG_SEED)
    s_value = rng.standard_normal((1, 5))
    factor = np.asarray([[1.0], [2.0], [4.0]])
    weights = rng.standard_normal((3, 5))
    s = sd.Variable(s_value)
    with sd.GradientTape() as tape:
        loss = ops.sum(ops.softmax(s / sd.asarray(factor), axis=-1) * weights)
    gradient = np.asarray(tape.gradient(loss, [s])[0])
    p = _softmax(s_value / factor, -1)
    expected = (p * (weights - (weights * p).sum(axis=-1, keepdims=True)) / factor).sum(axis=0, keepdims=True)
    np.testing.assert_allclose(gradient, expected, rtol=1e-12, atol=1e-12)


def test_persistent_tape_gives_the_same_gradients_twice():
    rng = np.random.default_rng(RNG_SEED)
    s_value = rng.standard_normal((2, 4))
    weights = rng.standard_normal(s_value.shape)
    s = sd.Variable(s_value)
    with sd.GradientTape(persistent=True) as tape:
        scaled = s / 3.0
        loss = ops.sum(ops.softmax(scaled, axis=-1) * weights)
    first = np.asarray(tape.gradient(loss, [s])[0])
    with_scaled = tape.gradient(loss, [s, scaled])
    np.testing.assert_array_equal(first, np.asarray(with_scaled[0]))
    np.testing.assert_allclose(np.asarray(with_scaled[1]) / 3.0, first, rtol=1e-15, atol=0)
