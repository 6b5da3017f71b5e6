"""swiftdl.nn activations and softmax: values against numpy, finite-difference gradients in
float64, and clear errors for bad input."""
import math
import pathlib
import re

import numpy as np
import pytest

import swiftdl as sd
from _nn_gradcheck import check_gradients

ROOT = pathlib.Path(__file__).resolve().parents[2]
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
_erf = np.vectorize(math.erf)


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


REFERENCES = {
    "relu": (sd.nn.relu, lambda x: np.maximum(x, 0)),
    "relu6": (sd.nn.relu6, lambda x: np.clip(x, 0, 6)),
    "elu": (sd.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    "selu": (sd.nn.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    "gelu": (sd.nn.gelu, lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2)))),
    "gelu_tanh": (lambda x: sd.nn.gelu(x, approximate=True),
                  lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
    "leaky_relu": (sd.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    "leaky_relu_0.05": (lambda x: sd.nn.leaky_relu(x, alpha=0.05), lambda x: np.where(x > 0, x, 0.05 * x)),
    "sigmoid": (sd.nn.sigmoid, _sigmoid),
    "softplus": (sd.nn.softplus, lambda x: np.logaddexp(0, x)),
    "softsign": (sd.nn.softsign, lambda x: x / (1 + np.abs(x))),
    "silu": (sd.nn.silu, lambda x: x * _sigmoid(x)),
    "silu_beta": (lambda x: sd.nn.silu(x, beta=1.7), lambda x: x * _sigmoid(1.7 * x)),
    "swish": (sd.nn.swish, lambda x: x * _sigmoid(x)),
    "tanh": (sd.nn.tanh, np.tanh),
}


def _inputs(shape, dtype=np.float64, seed=0):
    x = np.random.default_rng(seed).standard_normal(shape) * 3
    # Keep finite differences away from the kinks at 0 and 6.
    x[np.abs(x) < 0.05] += 0.1
    x[np.abs(x - 6) < 0.05] += 0.1
    return x.astype(dtype)


@pytest.mark.parametrize("name", sorted(REFERENCES))
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-12), (np.float32, 2e-6)])
def test_activation_values_match_numpy(name, dtype, rtol):
    function, reference = REFERENCES[name]
    x = _inputs((4, 7), dtype)
    result = function(sd.asarray(x))
    assert result.dtype == dtype and result.shape == x.shape
    np.testing.assert_allclose(np.asarray(result), reference(x.astype(np.float64)), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_activation_gradients_match_finite_differences(name):
    function, _ = REFERENCES[name]
    check_gradients(function, _inputs((3, 5), seed=1))
    check_gradients(function, _inputs((7,), seed=2) * 3)  # includes the flat tails (e.g. x > 6)


def test_activations_of_extreme_values_stay_finite():
    x = sd.asarray(np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]))
    np.testing.assert_allclose(np.asarray(sd.nn.softplus(x)), [0, np.log1p(np.exp(-50.0)), np.log(2), 50, 1000])
    np.testing.assert_allclose(np.asarray(sd.nn.sigmoid(x)), [0, _sigmoid(-50.0), 0.5, 1, 1])
    np.testing.assert_allclose(np.asarray(sd.nn.gelu(x)), [0, 0, 0, 50, 1000], atol=1e-300)
    np.testing.assert_allclose(np.asarray(sd.nn.silu(x)), [-0.0, -50 * _sigmoid(-50.0), 0, 50, 1000])


def test_exact_gelu_uses_an_accurate_erf():
    x = np.linspace(-7, 7, 1401)
    np.testing.assert_allclose(np.asarray(sd.nn.gelu(sd.asarray(x))), 0.5 * x * (1 + _erf(x / np.sqrt(2))),
                               rtol=1e-14, atol=1e-14)


def test_activations_work_on_strided_views():
    x = _inputs((6, 8))
    view = sd.asarray(x)[::2, 1::3].T
    np.testing.assert_allclose(np.asarray(sd.nn.relu(view)), np.maximum(x[::2, 1::3].T, 0))


def test_relu_gradient_is_zero_at_zero_like_tensorflow():
    x = sd.Variable(np.array([-1.0, 0.0, 2.0]))
    with sd.GradientTape() as tape:
        y = sd.nn.relu(x).sum()
    np.testing.assert_array_equal(np.asarray(tape.gradient(y, x)), [0, 0, 1])


# ---- softmax ---------------------------------------------------------------------------


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [None, -1, 0, 1, 2])
def test_softmax_and_log_softmax_match_numpy(axis):
    x = _inputs((2, 3, 4))
    numpy_axis = -1 if axis is None else axis
    expected = _softmax(x, numpy_axis)
    np.testing.assert_allclose(np.asarray(sd.nn.softmax(sd.asarray(x), axis=axis)), expected, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(sd.nn.log_softmax(sd.asarray(x), axis=axis)), np.log(expected), rtol=1e-12)


def test_softmax_is_stable_for_huge_logits():
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, -1000.0]], dtype=np.float32)
    result = np.asarray(sd.nn.softmax(sd.asarray(x)))
    assert np.all(np.isfinite(result))
    np.testing.assert_allclose(result, _softmax(x.astype(np.float64), -1), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(sd.nn.log_softmax(sd.asarray(x))), np.log(_softmax(x.astype(np.float64), -1)),
                               rtol=1e-6)


@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("log", [False, True])
def test_softmax_gradients_match_finite_differences(axis, log):
    function = sd.nn.log_softmax if log else sd.nn.softmax
    check_gradients(lambda x: function(x, axis=axis), _inputs((3, 4), seed=3))
    check_gradients(lambda x: function(x, axis=axis), _inputs((2, 3, 2), seed=4))


def _float64_softmax_reference(x, log):
    """softmax / log_softmax in float64 with the engine's rules for special rows: NaNs are
    skipped when finding the maximum, and an all -inf row is shifted by 0."""
    x = x.astype(np.float64)
    largest = np.max(np.where(np.isnan(x), -np.inf, x), axis=-1, keepdims=True)
    largest = np.where(np.isneginf(largest), 0, largest)
    with np.errstate(invalid="ignore", divide="ignore"):
        e = np.exp(x - largest)
        total = e.sum(-1, keepdims=True)
        return (x - largest) - np.log(total) if log else e / total


@pytest.mark.parametrize("n", [1, 3, 7, 8, 9, 17, 200])
@pytest.mark.parametrize("log", [False, True])
def test_float32_rows_of_every_length_match_float64(n, log):
    """float32 rows take the eight-lane kernel on AVX2 CPUs (a padded vector for the last
    n mod 8): every length, and rows of -inf, NaN and +inf, against a float64 reference;
    the VJP against its formula."""
    x = (np.random.default_rng(n).standard_normal((6, n)) * 10).astype(np.float32)
    x[0] = -np.inf
    if n > 2:
        x[1, 1], x[2, 2], x[3, 0] = np.nan, np.inf, -np.inf
    function = sd.nn.log_softmax if log else sd.nn.softmax
    np.testing.assert_allclose(np.asarray(function(x)), _float64_softmax_reference(x, log), rtol=1e-5, atol=1e-6)

    finite = x[3:]
    upstream = np.random.default_rng(1).standard_normal(finite.shape).astype(np.float32)
    variable = sd.Variable(finite)
    with sd.GradientTape() as tape:
        total = sd.reduce_sum(function(variable) * upstream)
    y, g = _float64_softmax_reference(finite, log), upstream.astype(np.float64)
    expected = g - np.exp(y) * g.sum(-1, keepdims=True) if log else y * (g - (g * y).sum(-1, keepdims=True))
    np.testing.assert_allclose(np.asarray(tape.gradient(total, variable)), expected, rtol=1e-4, atol=1e-5)


def test_softmax_gradient_flows_through_a_composite():
    check_gradients(lambda x, w: sd.nn.softmax(x @ w), _inputs((3, 4), seed=5), _inputs((4, 5), seed=6))


# ---- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["relu", "elu", "gelu", "leaky_relu", "softplus", "silu"])
def test_integer_features_raise_type_error_naming_the_op(name):
    function = getattr(sd.nn, name)
    op = {"leaky_relu": "leaky_relu"}.get(name, name)
    with pytest.raises(TypeError, match=rf"\[{op}\].*int64.*\(2, 2\)"):
        function(sd.asarray(np.ones((2, 2), dtype=np.int64)))


def test_softmax_rejects_scalars_bad_axes_and_integers():
    with pytest.raises(ValueError, match=r"\[softmax\].*shape \(\)"):
        sd.nn.softmax(sd.asarray(np.float32(1.0)))
    with pytest.raises(ValueError, match=r"\[softmax\] axis 2 is out of bounds"):
        sd.nn.softmax(sd.asarray(np.ones((2, 3))), axis=2)
    with pytest.raises(TypeError, match=r"\[log_softmax\].*int32"):
        sd.nn.log_softmax(sd.asarray(np.ones((2, 3), dtype=np.int32)))


def test_activation_codes_agree_with_the_header():
    from swiftdl.nn._activations import ACTIVATIONS
    header = (ROOT / "Sources/CSwiftDL/include/swiftdl.h").read_text()
    names = re.findall(r"SDL_ACTIVATION_(\w+)", header)
    assert [n.lower() for n in names] == list(ACTIVATIONS)


def test_every_nn_and_optimizer_abi_function_has_a_shim_and_a_wrapper():
    header = (ROOT / "Sources/CSwiftDL/include/swiftdl.h").read_text()
    declared = set(re.findall(r"\b(sdl_(?:nn|optimizer)_\w+)\(", header))
    shims = "".join(p.read_text() for p in (ROOT / "Sources/SwiftDLC").glob("*.swift"))
    exported = set(re.findall(r'@_cdecl\("(sdl_(?:nn|optimizer)_\w+)"\)', shims))
    wrappers = (ROOT / "python/src/nn.c").read_text() + (ROOT / "python/src/optimizers.c").read_text()
    called = set(re.findall(r"\b(sdl_(?:nn|optimizer)_\w+)\(", wrappers))
    assert declared == exported == called


def test_softmax_propagates_nan_through_the_row_only():
    x = np.array([[1.0, np.nan, 2.0], [0.0, 1.0, 2.0], [np.nan, 0.0, 0.0]], dtype=np.float32)
    result = np.asarray(sd.nn.softmax(sd.asarray(x)))
    assert np.all(np.isnan(result[0])) and np.all(np.isnan(result[2]))
    np.testing.assert_allclose(result[1], _softmax(x[1:2].astype(np.float64), -1)[0], rtol=1e-6)
    loss = np.asarray(sd.nn.sparse_softmax_cross_entropy_with_logits(labels=np.array([0, 0, 1]), logits=x))
    assert np.isnan(loss[0]) and np.isnan(loss[2]) and np.isfinite(loss[1])
