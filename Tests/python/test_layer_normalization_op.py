"""LayerNormalization over trailing axes as one engine op (Sources/SwiftDL/Ops/NN/
LayerNormalization.swift): outputs and gradients against Keras 3 on TensorFlow
(fixtures/keras_layer_norm), a float64 numpy reference, central differences, the composed
path the layer takes for other axes, and clear errors for bad input.

Tolerances: the engine sums each row in float32 lanes (AVX2) or four running sums
(portable) and normalises as (x − mean)·r·gamma + beta; Keras computes its moments with
TensorFlow's reductions and x·(r·gamma) + (beta − mean·r·gamma). Both are float32 roundings
of the same formula, a few ulp of the output apart, never bit for bit."""
from pathlib import Path

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C, keras

from _nn_gradcheck import check_gradients

FIXTURE = Path(__file__).parent / "fixtures" / "keras_layer_norm" / "layer_norm.npz"


def _reference(x, first_axis, gamma, beta, epsilon):
    """Keras's formula in float64 numpy over the axes first_axis..."""
    x = np.asarray(x, np.float64)
    axes = tuple(range(first_axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(variance + epsilon)
    if gamma is not None:
        y = y * gamma
    if beta is not None:
        y = y + beta
    return y


def _reference_gradients(x, first_axis, gamma, dy, epsilon):
    """dx, dgamma, dbeta of _reference for upstream dy, in float64."""
    x, dy = np.asarray(x, np.float64), np.asarray(dy, np.float64)
    axes = tuple(range(first_axis % x.ndim, x.ndim))
    lead = tuple(range(first_axis % x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    r = 1 / np.sqrt(((x - mean) ** 2).mean(axis=axes, keepdims=True) + epsilon)
    normalized = (x - mean) * r
    g = dy * (gamma if gamma is not None else 1)
    dx = r * (g - g.mean(axis=axes, keepdims=True) - normalized * (g * normalized).mean(axis=axes, keepdims=True))
    return dx, (dy * normalized).sum(axis=lead), dy.sum(axis=lead)


def _cases():
    data = np.load(FIXTURE)
    count = len({key.split("_")[0] for key in data.files})
    cases = []
    for index in range(count):
        code = [int(v) for v in data[f"{index}_case"]]
        center, scale, naxes = code[:3]
        axis = code[3:3 + naxes]
        weights = [data[f"{index}_weight{p}"] for p in range(int(center) + int(scale))]
        gradients = [data[f"{index}_gradient{p}"] for p in range(1 + len(weights))]
        cases.append(dict(center=bool(center), scale=bool(scale), axis=axis if naxes > 1 else axis[0],
                          x=data[f"{index}_x"], w=data[f"{index}_w"], y=data[f"{index}_y"], weights=weights,
                          gradients=gradients))
    return cases


@pytest.mark.parametrize("case", _cases(), ids=lambda case: f"axis{case['axis']}_c{int(case['center'])}"
                         f"s{int(case['scale'])}_" + "x".join(map(str, case["x"].shape)))
def test_matches_keras_outputs_and_gradients(case):
    layer = keras.layers.LayerNormalization(axis=case["axis"], epsilon=1e-6, center=case["center"],
                                            scale=case["scale"])
    layer.build(case["x"].shape)
    layer.set_weights(case["weights"])
    x = sd.asarray(case["x"])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = (y * sd.asarray(case["w"])).sum()
    gradients = tape.gradient(loss, [x] + layer.trainable_weights)
    np.testing.assert_allclose(np.asarray(y), case["y"], rtol=1e-5, atol=2e-5)
    # dx is a difference of terms of the size of dy·gamma: absolute tolerance on that scale.
    np.testing.assert_allclose(np.asarray(gradients[0]), case["gradients"][0], rtol=1e-4, atol=1e-4)
    for ours, theirs in zip(gradients[1:], case["gradients"][1:]):
        # Sums over up to 80 rows of float32 products.
        np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-4, atol=1e-4)


WIDTHS = [1, 3, 32, 1000]
LEADING = [(), (5,), (2, 3)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("leading", LEADING)
@pytest.mark.parametrize("weights", ["both", "gamma", "beta", "none"])
def test_values_and_gradients_match_numpy(dtype, width, leading, weights):
    rng = np.random.default_rng(width + len(leading))
    shape = leading + (width,)
    x = (rng.standard_normal(shape) * 3 + 5).astype(dtype)
    gamma = rng.standard_normal(width).astype(dtype) if weights in ("both", "gamma") else None
    beta = rng.standard_normal(width).astype(dtype) if weights in ("both", "beta") else None
    dy = rng.standard_normal(shape).astype(dtype)
    operands = [sd.asarray(a) if a is not None else None for a in (x, gamma, beta)]
    with sd.GradientTape() as tape:
        for operand in operands:
            if operand is not None:
                tape.watch(operand)
        y = _C.nn_layer_norm(operands[0], -1, operands[1], operands[2], 1e-3)
        loss = (y * sd.asarray(dy)).sum()
    present = [operand for operand in operands if operand is not None]
    gradients = tape.gradient(loss, present)
    exact = dtype == np.float64
    np.testing.assert_allclose(np.asarray(y), _reference(x, -1, gamma, beta, 1e-3), rtol=1e-12 if exact else 1e-5,
                               atol=1e-12 if exact else 2e-5)
    dx, dgamma, dbeta = _reference_gradients(x, -1, gamma, dy, 1e-3)
    expected = [dx] + ([dgamma] if gamma is not None else []) + ([dbeta] if beta is not None else [])
    for ours, theirs in zip(gradients, expected):
        assert ours.dtype == dtype and ours.shape == theirs.shape
        np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-10 if exact else 1e-4,
                                   atol=1e-10 if exact else 1e-4)


@pytest.mark.parametrize("shape,axis", [((2, 3), -1), ((3, 1), -1), ((2, 3, 4), -2), ((2, 2, 3), 0), ((5,), 0)])
def test_gradients_match_finite_differences(shape, axis):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape) * 2 + 1
    normalized = shape[axis % len(shape):]
    gamma, beta = rng.standard_normal(normalized), rng.standard_normal(normalized)
    check_gradients(lambda a, g, b: _C.nn_layer_norm(a, axis, g, b, 1e-3), x, gamma, beta, rtol=1e-5, atol=1e-7)


def _composed(x, axes, gamma, beta, epsilon):
    """The layer's path before the op (and still for non-trailing axes), in swiftdl ops."""
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    y = centered / sd.sqrt((centered * centered).mean(axis=axes, keepdims=True) + epsilon)
    return y * gamma + beta


@pytest.mark.parametrize("axis", [-1, [-2, -1], [1, 2], [-3, -2, -1]])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layer_matches_the_composed_ops(axis, dtype):
    # The composed ops are what the layer ran before: the op must give their numbers within
    # float rounding, gradients included.
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((4, 6, 8)) * 2 + 3).astype(dtype)
    w = sd.asarray(rng.standard_normal(x.shape).astype(dtype))
    layer = keras.layers.LayerNormalization(axis=axis, epsilon=1e-6, dtype=dtype)
    layer.build(x.shape)
    layer.set_weights([rng.standard_normal(v.shape).astype(dtype) for v in layer.get_weights()])
    axes = tuple(a % 3 for a in (axis if isinstance(axis, list) else [axis]))
    shape = tuple(x.shape[a] if a in axes else 1 for a in range(3))
    results = []
    for run in (lambda v: layer(v),
                lambda v: _composed(v, axes, sd.reshape(layer.gamma, shape), sd.reshape(layer.beta, shape), 1e-6)):
        inputs = sd.asarray(x)
        with sd.GradientTape() as tape:
            tape.watch(inputs)
            y = run(inputs)
            loss = (y * w).sum()
        gradients = tape.gradient(loss, [inputs, layer.gamma, layer.beta])
        results.append([np.asarray(y)] + [np.asarray(g) for g in gradients])
    tolerance = 2e-5 if dtype == "float32" else 1e-12
    for ours, composed in zip(*results):
        assert ours.dtype == composed.dtype
        np.testing.assert_allclose(ours, composed, rtol=10 * tolerance, atol=10 * tolerance)


def test_non_contiguous_inputs():
    rng = np.random.default_rng(6)
    base = rng.standard_normal((8, 40)).astype(np.float32)
    for select in (lambda a: a.T, lambda a: a[:, ::2], lambda a: a[::3, 5:37]):
        view = select(base)
        strided = select(sd.asarray(base))
        gamma = sd.asarray(rng.standard_normal(view.shape[-1]).astype(np.float32))
        y = _C.nn_layer_norm(strided, -1, gamma, None, 1e-3)
        np.testing.assert_allclose(np.asarray(y), _reference(view, -1, np.asarray(gamma), None, 1e-3), rtol=1e-5,
                                   atol=2e-5)
        copied = sd.asarray(np.ascontiguousarray(view))
        np.testing.assert_array_equal(np.asarray(y), np.asarray(_C.nn_layer_norm(copied, -1, gamma, None, 1e-3)))


@pytest.mark.parametrize("width", [3, 32, 37])
def test_nan_and_inf_rows_stay_in_their_rows(width):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((5, width)).astype(np.float32)
    x[1, 0], x[3, -1] = np.nan, np.inf
    x[4, :] = -np.inf
    y = sd.asarray(x)
    with sd.GradientTape() as tape:
        tape.watch(y)
        out = _C.nn_layer_norm(y, -1, None, None, 1e-3)
        loss = out.sum()
    dx = np.asarray(tape.gradient(loss, y))
    out = np.asarray(out)
    for row in (1, 3, 4):
        assert np.isnan(out[row]).all() and np.isnan(dx[row]).all()
    finite = [0, 2]
    np.testing.assert_allclose(out[finite], _reference(x[finite], -1, None, None, 1e-3), rtol=1e-5, atol=2e-5)
    assert np.isfinite(dx[finite]).all()


def test_results_do_not_depend_on_the_thread_count():
    # Rows go eight at a time where a thread's share allows, one at a time elsewhere, with
    # the same sums either way; the column sums are split into blocks by the shape alone and
    # added in block order. (51,200 rows: 3 threads' shares do not start at multiples of 8.)
    rng = np.random.default_rng(8)
    x = sd.asarray(rng.standard_normal((256, 200, 32)).astype(np.float32))
    gamma, beta = (sd.Variable(rng.standard_normal(32).astype(np.float32)) for _ in range(2))
    dy = sd.asarray(rng.standard_normal((256, 200, 32)).astype(np.float32))
    threads = sd.config.get_num_threads()
    results = []
    try:
        for count in (1, 2, 3):
            sd.config.set_num_threads(count)
            with sd.GradientTape() as tape:
                tape.watch(x)
                y = _C.nn_layer_norm(x, -1, gamma, beta, 1e-6)
                loss = (y * dy).sum()
            results.append([np.asarray(y)] + [np.asarray(g) for g in tape.gradient(loss, [x, gamma, beta])])
    finally:
        sd.config.set_num_threads(threads)
    for other in results[1:]:
        for ours, theirs in zip(results[0], other):
            np.testing.assert_array_equal(ours, theirs)


def test_empty_inputs():
    gamma = sd.Variable(np.ones(4, np.float32))
    x = sd.asarray(np.zeros((0, 4), np.float32))
    with sd.GradientTape() as tape:
        tape.watch(x)
        loss = _C.nn_layer_norm(x, -1, gamma, None, 1e-3).sum()
    dx, dgamma = tape.gradient(loss, [x, gamma])
    assert dx.shape == (0, 4)
    np.testing.assert_array_equal(np.asarray(dgamma), 0)
    assert _C.nn_layer_norm(sd.asarray(np.zeros((3, 0), np.float32)), -1, None, None, 1e-3).shape == (3, 0)


def test_bad_operands_raise():
    x = sd.asarray(np.zeros((2, 4), np.float32))
    with pytest.raises(ValueError, match=r"gamma must have the normalised shape \(4,\)"):
        _C.nn_layer_norm(x, -1, sd.asarray(np.ones(3, np.float32)), None, 1e-3)
    with pytest.raises(ValueError, match=r"beta must have the normalised shape \(2, 4\)"):
        _C.nn_layer_norm(x, 0, None, sd.asarray(np.ones(4, np.float32)), 1e-3)
    with pytest.raises(TypeError, match="beta must have x's dtype"):
        _C.nn_layer_norm(x, -1, None, sd.asarray(np.ones(4, np.float64)), 1e-3)
    for epsilon in (float("nan"), -1.0, float("inf")):
        with pytest.raises(ValueError, match="epsilon"):
            _C.nn_layer_norm(x, -1, None, None, epsilon)
    for axis in (2, -3, 2 ** 62):
        with pytest.raises(ValueError, match="axis"):
            _C.nn_layer_norm(x, axis, None, None, 1e-3)
    with pytest.raises(TypeError, match="float"):
        _C.nn_layer_norm(sd.asarray(np.zeros((2, 4), np.int32)), -1, None, None, 1e-3)
    with pytest.raises(ValueError, match="at least one axis"):
        _C.nn_layer_norm(sd.asarray(np.float32(1.0)), 0, None, None, 1e-3)
    with pytest.raises(TypeError):
        _C.nn_layer_norm(np.zeros((2, 4), np.float32), -1, None, None, 1e-3)
    with pytest.raises(TypeError):
        _C.nn_layer_norm(x, -1, "gamma", None, 1e-3)


def test_layer_rejects_inputs_of_another_normalized_shape():
    layer = keras.layers.LayerNormalization()
    layer.build((2, 4))
    with pytest.raises(ValueError, match="does not match the normalized shape"):
        layer(np.zeros((2, 5), np.float32))
