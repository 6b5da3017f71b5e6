"""Reductions against numpy: sum, prod, mean, max, min, argmax, argmin, any, all, var, std
with axis None / int / negative / tuple, keepdims, every dtype, views and empty arrays."""
import warnings

import numpy as np
import pytest

import swiftdl as sd
from conftest import DTYPES, assert_same, random_array

_AXES = [None, 0, 1, -1, 2, (0, 2), (2, 0), (0, 1, 2), (-1, 1), ()]
_REDUCTIONS = ["sum", "prod", "mean", "max", "min", "any", "all"]


def _expected(name, a, axis, keepdims, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = np.asarray(getattr(np, name)(a, axis=axis, keepdims=keepdims, **kwargs))
    if name in ("sum", "prod") and result.dtype == np.uint64:
        # documented: swiftdl accumulates every integer and bool input in int64 (numpy uses
        # uint64 for uint8); the values agree while they fit.
        result = result.astype(np.int64)
    return result


def _data(rng, name, dtype, shape=(3, 4, 5)):
    if name == "prod" and np.dtype(dtype).kind in "iuf":
        # keep products exact and away from overflow
        return rng.integers(1, 3, shape).astype(dtype) * np.where(rng.random(shape) < 0.2, -1, 1).astype(dtype) \
            if np.dtype(dtype).kind != "u" else rng.integers(1, 3, shape).astype(dtype)
    return random_array(rng, shape, dtype)


@pytest.mark.parametrize("name", _REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("axis", _AXES, ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_matches_numpy(rng, name, dtype, axis, keepdims):
    a = _data(rng, name, dtype)
    expected = _expected(name, a, axis, keepdims)
    rtol = 1e-5 if expected.dtype == np.float32 else 1e-12
    assert_same(getattr(sd, name)(sd.asarray(a), axis=axis, keepdims=keepdims), expected, rtol=rtol)
    # the method form, on a non-contiguous view of the same values
    view = np.ascontiguousarray(a[::-1].transpose(1, 0, 2)).transpose(1, 0, 2)[::-1]
    t = sd.asarray(view)
    assert_same(getattr(t, name)(axis=axis, keepdims=keepdims), expected, rtol=rtol)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("axis", [None, 0, 1, -1, 2])
@pytest.mark.parametrize("keepdims", [False, True])
def test_arg_reductions_match_numpy(rng, name, dtype, axis, keepdims):
    a = random_array(rng, (3, 4, 5), dtype, *((0, 4) if np.dtype(dtype).kind in "iu" else (None, None)))
    expected = getattr(np, name)(a, axis=axis, keepdims=keepdims)
    assert_same(getattr(sd, name)(sd.asarray(a), axis=axis, keepdims=keepdims), expected)
    assert_same(getattr(sd.asarray(a).T, name)(axis=axis, keepdims=keepdims),
                getattr(a.T, name)(axis=axis, keepdims=keepdims))


def test_arg_reductions_take_the_first_of_ties_and_nan():
    a = np.array([[1.0, 3.0, 3.0, np.nan, 0.0], [2.0, 2.0, -1.0, -1.0, 5.0]])
    for name in ("argmax", "argmin"):
        assert_same(getattr(sd, name)(sd.asarray(a), axis=1), getattr(np, name)(a, axis=1))
        assert_same(getattr(sd, name)(sd.asarray(a)), getattr(np, name)(a))


def test_max_min_propagate_nan():
    a = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]], np.float32)
    assert_same(sd.max(sd.asarray(a), axis=1), np.max(a, axis=1))
    assert_same(sd.min(sd.asarray(a)), np.min(a) * np.ones((), np.float32))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2), (1,)], ids=repr)
@pytest.mark.parametrize("ddof", [0, 1, 2])
@pytest.mark.parametrize("keepdims", [False, True])
def test_var_and_std_match_numpy(rng, dtype, axis, ddof, keepdims):
    a = random_array(rng, (4, 3, 5), dtype)
    rtol = 1e-5 if np.dtype(dtype) == np.float32 else 1e-10
    for name in ("var", "std"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = getattr(np, name)(a, axis=axis, ddof=ddof, keepdims=keepdims)
        assert_same(getattr(sd, name)(sd.asarray(a), axis=axis, ddof=ddof, keepdims=keepdims),
                    np.asarray(expected), rtol=rtol)
        assert_same(getattr(sd.asarray(a).T, name)(axis=axis, ddof=ddof, keepdims=keepdims),
                    np.asarray(getattr(np, name)(a.T, axis=axis, ddof=ddof, keepdims=keepdims)), rtol=rtol)


def test_var_with_ddof_at_least_n_gives_inf_or_nan_like_numpy():
    a = np.array([1.0, 2.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ddof in (3, 4):
            assert_same(sd.var(sd.asarray(a), ddof=ddof), np.asarray(np.var(a, ddof=ddof)))


def test_var_is_accurate_for_large_offsets():
    # naive E[x²] - E[x]² loses everything here; two-pass variance does not
    a = 1e8 + np.array([0.0, 1.0, 2.0, 3.0])
    assert_same(sd.var(sd.asarray(a)), np.asarray(np.var(a)), rtol=1e-9)


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "any", "all"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_reductions_of_empty_arrays(name, axis):
    a = np.zeros((0, 3), np.float32)
    expected = _expected(name, a, axis, False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(getattr(sd, name)(sd.asarray(a), axis=axis), expected)


@pytest.mark.parametrize("name", ["max", "min", "argmax", "argmin"])
def test_identityless_reductions_of_empty_arrays_raise_value_error(name):
    with pytest.raises(ValueError):
        getattr(np, name)(np.zeros((0, 3)))
    with pytest.raises(ValueError):
        getattr(sd, name)(sd.zeros((0, 3)))
    # reducing only the non-empty axis is fine
    if name in ("max", "min"):
        assert_same(getattr(sd, name)(sd.zeros((0, 3)), axis=1), getattr(np, name)(np.zeros((0, 3), np.float32), axis=1))


def test_reductions_of_0d_tensors():
    a = np.array(2.5, np.float32)
    t = sd.asarray(a)
    for name in ("sum", "prod", "mean", "max", "min", "argmax", "any"):
        assert_same(getattr(sd, name)(t), np.asarray(getattr(np, name)(a)))
    assert_same(sd.sum(t, axis=()), np.sum(a, axis=()) * np.ones((), np.float32))


def test_float32_sum_is_accurate():
    # pairwise/blocked accumulation: a long float32 sum stays close to the float64 answer
    a = np.full(1_000_000, 0.1, np.float32)
    assert abs(float(sd.sum(sd.asarray(a))) - 100000.0) < 1.0


def test_sum_dtype_argument():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    assert_same(sd.sum(sd.asarray(a), axis=0, dtype=np.float32), np.sum(a, axis=0, dtype=np.float32))
    assert_same(sd.mean(sd.asarray(a), dtype=np.float32), np.asarray(np.mean(a, dtype=np.float32)))


@pytest.mark.parametrize("axis", [3, -4, (0, 0), (0, 5), 1.5, "a"])
def test_bad_axes_are_refused(axis):
    t = sd.zeros((2, 3, 4))
    with pytest.raises((ValueError, TypeError, IndexError)) as numpy_error:
        np.sum(np.zeros((2, 3, 4)), axis=axis)
    with pytest.raises(numpy_error.type if numpy_error.type is not np.exceptions.AxisError else (ValueError, IndexError)):
        sd.sum(t, axis=axis)


def test_arg_reductions_refuse_tuple_axes():
    with pytest.raises(TypeError):
        sd.argmax(sd.zeros((2, 3)), axis=(0, 1))
    with pytest.raises((ValueError, IndexError)):
        sd.argmax(sd.zeros((2, 3)), axis=2)


@pytest.mark.parametrize("ddof", [-2 ** 63, 2 ** 63 - 1, 5, -3])
def test_var_with_extreme_ddof_is_numpy_s_and_never_traps(ddof):
    """n - ddof is worked out in floating point (an integer one overflowed and killed the
    process for ddof = -2**63), clamped at 0 as numpy clamps it, with and without a tape.
    (numpy's own int64 n - ddof wraps for ddof = -2**63 and gives inf; the exact divisor is
    Python's.)"""
    a = np.arange(1.0, 13.0)
    divisor = max(len(a) - ddof, 0)
    total = float(np.sum((a - a.mean()) ** 2))
    expected = total / divisor if divisor else np.inf
    np.testing.assert_allclose(np.asarray(sd.var(a, ddof=ddof)), expected, rtol=1e-12)
    x = sd.Variable(a)
    with sd.GradientTape() as tape:
        recorded = sd.var(x, ddof=ddof)
    np.testing.assert_allclose(np.asarray(recorded), expected, rtol=1e-12)
    assert tape.gradient(recorded, x) is not None
