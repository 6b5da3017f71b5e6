"""swiftdl.keras.ops, the less common numpy names: inverse trigonometry and erf by series,
NaN reductions, integer shifts and gcd, signal helpers, depth/space rearrangements."""
import math

import numpy as np
import pytest

from swiftdl.keras import ops

from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(2)


def _close(actual, expected, rtol=1e-12, atol=1e-14):
    actual = np.asarray(actual)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)
    assert actual.shape == np.shape(expected)


def test_inverse_trigonometry_to_float64_rounding():
    x = np.concatenate([np.linspace(-40, 40, 801), [np.inf, -np.inf, 0.0, -0.0, 0.41421356237, 1.0, -1.0]])
    _close(ops.arctan(x), np.arctan(x), rtol=1e-15, atol=4e-16)
    u = np.linspace(-1, 1, 201)
    _close(ops.arcsin(u), np.arcsin(u), rtol=1e-14, atol=1e-15)
    _close(ops.arccos(u), np.arccos(u), rtol=1e-14, atol=1e-15)
    _close(ops.arccosh(1 + np.abs(x[:800])), np.arccosh(1 + np.abs(x[:800])), rtol=1e-13)
    _close(ops.arctanh(u[1:-1]), np.arctanh(u[1:-1]), rtol=1e-13)
    y = np.array([0.0, -0.0, 1, -1, 0, 0, 2, -2, 3, -3])
    z = np.array([0.0, 0.0, 0, 0, -1, 1, -0.5, -0.5, -0.0, 4])
    _close(ops.arctan2(y, z), np.arctan2(y, z), rtol=1e-15)
    assert ops.arctan(np.array([1], np.int32)).dtype == np.float32


def test_erf():
    x = np.linspace(-6, 6, 1201)
    _close(ops.erf(x), np.vectorize(math.erf)(x), rtol=1e-14, atol=2e-15)
    _close(ops.erfc(x), np.vectorize(math.erfc)(x), rtol=1e-6, atol=2e-15)
    _close(ops.erf(x.astype(np.float32)), np.vectorize(math.erf)(x), rtol=1e-6, atol=3e-7)


@pytest.mark.parametrize("function", [ops.arctan, ops.arcsin, ops.erf, lambda t: ops.arctan2(t, t * t - 0.3)])
def test_series_gradients(function):
    check_gradients(function, RNG.uniform(-0.95, 0.95, size=(3, 4)))
    check_gradients(function, RNG.uniform(-0.95, 0.95, size=(5,)) * 3 if function is ops.arctan
                    or function is ops.erf else RNG.uniform(-0.9, 0.9, size=(5,)))


@pytest.mark.parametrize("axis", [None, 0, -1])
@pytest.mark.parametrize("name", ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin",
                                  "nanargmax", "nanargmin", "nanmedian"])
def test_nan_reductions(name, axis):
    x = RNG.standard_normal((4, 5))
    x[0, 1] = x[2, 2] = x[3, 0] = np.nan
    _close(getattr(ops, name)(x, axis=axis), getattr(np, name)(x, axis=axis))


def test_nan_quantiles_and_cumulatives():
    x = RNG.standard_normal((3, 6))
    x[1, [0, 3]] = np.nan
    _close(ops.nanquantile(x, [0.2, 0.9], axis=1), np.nanquantile(x, [0.2, 0.9], axis=1))
    _close(ops.nanpercentile(x, 40.0, axis=1, keepdims=True), np.nanpercentile(x, 40.0, axis=1, keepdims=True))
    _close(ops.quantile(x, 0.5, axis=1), np.quantile(x, 0.5, axis=1))  # NaN rows stay NaN
    _close(ops.nancumsum(x, axis=1), np.nancumsum(x, axis=1))
    _close(ops.nancumprod(x, axis=0), np.nancumprod(x, axis=0))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8])
def test_shifts(dtype):
    x = np.array([0, 1, 5, 7, 100, 127], dtype)
    if dtype != np.uint8:
        x = np.concatenate([x, -x[1:]]).astype(dtype)
    bits = np.dtype(dtype).itemsize * 8
    for s in (0, 1, 3, bits - 1):
        shift = np.full_like(x, s)
        _close(ops.left_shift(x, shift), np.left_shift(x, shift))
        _close(ops.right_shift(x, shift), np.right_shift(x, shift))
    with pytest.raises(TypeError, match=r"\[left_shift\]"):
        ops.left_shift(np.ones(2), np.ones(2))


def test_gcd_lcm():
    a = RNG.integers(-60, 60, size=20)
    b = RNG.integers(-60, 60, size=20)
    _close(ops.gcd(a, b), np.gcd(a, b))
    _close(ops.lcm(a, b), np.lcm(a, b))


def test_signal_helpers():
    a, v = RNG.standard_normal(7), RNG.standard_normal(3)
    for mode in ("valid", "same", "full"):
        _close(ops.correlate(a, v, mode), np.correlate(a, v, mode), rtol=1e-12)
        _close(ops.correlate(v, a, mode), np.correlate(v, a, mode), rtol=1e-12)
    for name in ("bartlett", "blackman", "hamming", "hanning"):
        for n in (0, 1, 6, 7):
            _close(getattr(ops, name)(n), getattr(np, name)(n), rtol=1e-6, atol=1e-7)
    y = RNG.standard_normal((3, 5))
    _close(ops.trapezoid(y, axis=0), np.trapezoid(y, axis=0), rtol=1e-6)
    _close(ops.trapezoid(y, x=np.arange(5.0) ** 2), np.trapezoid(y, x=np.arange(5.0) ** 2), rtol=1e-6)
    _close(ops.vander(np.array([1.0, 2.0, 3.0]), 4, increasing=True), np.vander([1.0, 2.0, 3.0], 4, increasing=True))
    _close(ops.corrcoef(y), np.corrcoef(y))
    p, q = RNG.standard_normal((2, 4, 3)), RNG.standard_normal((2, 5, 3))
    _close(ops.cdist(p, q), np.linalg.norm(p[:, :, None] - q[:, None], axis=-1))
    _close(ops.extract_sequences(np.arange(10.0), 4, 3), np.lib.stride_tricks.sliding_window_view(np.arange(10.0), 4)[::3])


def test_depth_space_roundtrip_matches_reference():
    x = RNG.standard_normal((2, 2, 3, 8))
    expected = x.reshape(2, 2, 3, 2, 2, 2).transpose(0, 1, 3, 2, 4, 5).reshape(2, 4, 6, 2)
    _close(ops.depth_to_space(x, 2), expected)
    _close(ops.space_to_depth(expected, 2), x)
    first = np.moveaxis(x, -1, 1)  # (2, 8, 2, 3): Keras's channels_first order is (channel, row, column)
    expected_first = first.reshape(2, 2, 2, 2, 2, 3).transpose(0, 1, 4, 2, 5, 3).reshape(2, 2, 4, 6)
    _close(ops.depth_to_space(first, 2, data_format="channels_first"), expected_first)
    _close(ops.space_to_depth(expected_first, 2, data_format="channels_first"), first)
    with pytest.raises(ValueError, match=r"\[depth_to_space\]"):
        ops.depth_to_space(x[..., :3], 2)


def test_misc_gradients():
    check_gradients(lambda x: ops.rearrange(x, "b (h w) c -> b c w h", h=2), RNG.standard_normal((2, 4, 3)))
    check_gradients(lambda x: ops.unfold(x, 2, stride=1, padding=1), RNG.standard_normal((1, 2, 3, 3)))
    check_gradients(lambda x: ops.fold(x, (3, 3), 2, stride=1), RNG.standard_normal((1, 8, 4)))
    check_gradients(ops.i0, RNG.uniform(-5, 5, size=(6,)))
    check_gradients(ops.erfinv, RNG.uniform(-0.9, 0.9, size=(6,)))


def test_fold_is_the_adjoint_of_unfold():
    x = RNG.standard_normal((2, 3, 5, 6))
    y = RNG.standard_normal(np.shape(ops.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))))
    left = float(np.sum(np.asarray(ops.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))) * y))
    right = float(np.sum(x * np.asarray(ops.fold(y, (5, 6), (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)))))
    assert abs(left - right) < 1e-9 * max(1.0, abs(left))


def test_unique_vectorize_and_errors():
    values, counts = ops.unique(np.array([3, 1, 2, 1, 3, 3]), return_counts=True, size=5, fill_value=-1)
    _close(values, [1, 2, 3, -1, -1])
    _close(counts, [2, 1, 3, 0, 0])
    with pytest.raises(ValueError, match=r"\[unique\]"):
        ops.unique(np.ones((2, 2)), axis=0)
    scalar_branching = ops.vectorize(lambda a: a if a > 1 else -a)
    _close(scalar_branching(np.arange(4.0)), [-0.0, -1.0, 2.0, 3.0])
    dot = ops.vectorize(lambda u, v: ops.sum(u * v), signature="(n),(n)->()")
    _close(dot(np.ones((2, 3)), np.arange(3.0)), [3.0, 3.0])
    with pytest.raises(ValueError, match=r"\[rearrange\]"):
        ops.rearrange(np.ones((2, 3)), "a b -> a c")
    with pytest.raises(ValueError, match=r"\[fold\]"):
        ops.fold(np.ones((1, 5, 4)), (3, 3), 2)
