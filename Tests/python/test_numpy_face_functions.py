"""The numpy face's functions beyond the ufuncs (swiftdl._numpy_*): each against numpy itself
over the dtypes swiftdl supports, with numpy's result dtype (float32 where numpy gives
float16, which swiftdl does not have), 0-d and zero-size inputs, negative axes, keepdims,
and numpy's errors for bad arguments."""
import numpy as np
import pytest

import swiftdl as sd

RNG = np.random.default_rng(3)
DTYPES = [np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_]


def sample(shape, dtype, nan=False):
    if np.dtype(dtype).kind == "b":
        return RNG.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        return RNG.integers(0, 9, shape).astype(dtype)
    values = (RNG.standard_normal(shape) * 3).astype(dtype)
    if nan and values.size:
        values.flat[::3] = np.nan
    return values


def same(ours, theirs, rtol=None):
    """Values, shape and dtype as numpy's (float32 results to float32 rounding)."""
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            same(o, t, rtol)
        return
    if isinstance(theirs, (bool, int)) and not isinstance(theirs, np.generic):
        assert type(ours) is type(theirs) and ours == theirs
        return
    result = np.asarray(ours)
    expected = np.asarray(theirs)
    if expected.dtype == np.float16:  # numpy's float for uint8 and bool; swiftdl has float32 there
        expected = expected.astype(np.float32)
    assert result.dtype == expected.dtype, f"dtype {result.dtype}, numpy {expected.dtype}"
    assert result.shape == expected.shape, f"shape {result.shape}, numpy {expected.shape}"
    if expected.dtype.kind == "f":
        tolerance = rtol or (2e-6 if expected.dtype == np.float32 else 1e-12)
        np.testing.assert_allclose(result, expected, rtol=tolerance, atol=tolerance, equal_nan=True)
    else:
        np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["arccos", "arcsin", "arctan", "deg2rad", "rad2deg", "log10", "log2", "isnan", "isinf",
                                  "isfinite"])
def test_unary_functions(name, dtype):
    x = sample((3, 4), dtype)
    if name in ("arccos", "arcsin") and np.dtype(dtype).kind == "f":
        x = np.tanh(x).astype(dtype)
    if name in ("log10", "log2"):
        x = np.abs(x) + (1 if np.dtype(dtype).kind != "b" else True)
    # numpy computes uint8 and bool in float16; swiftdl in float32: the reference is numpy's float32.
    reference = x.astype(np.float32) if np.dtype(dtype) in (np.uint8, np.bool_) and not name.startswith("is") else x
    with np.errstate(all="ignore"):
        same(getattr(sd, name)(x), getattr(np, name)(reference))
    same(getattr(sd, name)(x[:0]), getattr(np, name)(x[:0]))


@pytest.mark.parametrize("dtypes", [(np.float32, np.float32), (np.float32, np.int32), (np.int64, np.int64),
                                    (np.float64, np.float32)])
def test_binary_functions_promote_as_numpy(dtypes):
    a, b = sample((4, 5), dtypes[0]), sample((1, 5), dtypes[1])
    same(sd.arctan2(a, b), np.arctan2(a, b))
    same(sd.isclose(a, b), np.isclose(a, b))
    assert sd.allclose(a, a) is True and sd.allclose(a, a + 1) is False
    same(sd.outer(a[0], b[0]), np.outer(a[0], b[0]))
    same(sd.inner(a, b), np.inner(a, b))
    same(sd.kron(a[:2, :2], b[:, :3]), np.kron(a[:2, :2], b[:, :3]))
    same(sd.arctan2(a, 2.5), np.arctan2(a, 2.5))


def test_isclose_on_integers_uses_the_tolerance_as_numpy():
    a, b = np.array([10 ** 6, 5]), np.array([10 ** 6 + 1, 6])
    same(sd.isclose(a, b), np.isclose(a, b))
    nan = np.array([np.nan, 1.0])
    same(sd.isclose(nan, nan, equal_nan=True), np.isclose(nan, nan, equal_nan=True))


def test_array_equal_and_nan_to_num_and_around():
    a = sample((3, 3), np.float64, nan=True)
    assert sd.array_equal(a, a) is False and sd.array_equal(a, a, equal_nan=True) is True
    assert sd.array_equal(a, a[:2]) is False
    x = np.array([np.nan, np.inf, -np.inf, 1.5], np.float32)
    same(sd.nan_to_num(x), np.nan_to_num(x))
    same(sd.nan_to_num(x, nan=-1.0, posinf=9.0, neginf=-9.0), np.nan_to_num(x, nan=-1.0, posinf=9.0, neginf=-9.0))
    same(sd.nan_to_num(np.arange(3)), np.nan_to_num(np.arange(3)))
    with pytest.raises(ValueError, match="copy=False"):
        sd.nan_to_num(x, copy=False)
    y = np.array([0.125, 2.5, -1.555, 1234.5678])
    for decimals in (0, 1, 2, -2):
        same(sd.around(y, decimals), np.around(y, decimals))
    same(sd.around(np.arange(5, dtype=np.int32)), np.around(np.arange(5, dtype=np.int32)))
    with pytest.raises(TypeError, match="out="):
        sd.log10(y, out=sd.zeros(4))


@pytest.mark.parametrize("dtype", DTYPES)
def test_stacking_and_splitting(dtype):
    a, b = sample((2, 3), dtype), sample((2, 3), dtype)
    for name in ("hstack", "vstack", "dstack", "column_stack"):
        same(getattr(sd, name)([a, b]), getattr(np, name)([a, b]))
        same(getattr(sd, name)((a[0], b[0])), getattr(np, name)((a[0], b[0])))
    same(sd.hstack([a, b.astype(np.float64)]), np.hstack([a, b.astype(np.float64)]))
    same(sd.append(a, b), np.append(a, b))
    same(sd.append(a, b, axis=-1), np.append(a, b, axis=-1))
    for ours, theirs in zip(sd.hsplit(np.concatenate([a, b], 1), 3), np.hsplit(np.concatenate([a, b], 1), 3)):
        same(ours, theirs)
    cube = sample((2, 2, 4), dtype)
    for ours, theirs in zip(sd.dsplit(cube, [1, 3]), np.dsplit(cube, [1, 3])):
        same(ours, theirs)
    for rank in (1, 2, 3):
        for value in (a[0, 0], a[0], a):
            same(getattr(sd, f"atleast_{rank}d")(value), getattr(np, f"atleast_{rank}d")(value))
    same(sd.atleast_2d(a[0], a), np.atleast_2d(a[0], a))
    same(sd.broadcast_arrays(a, b[:1], 1), np.broadcast_arrays(a, b[:1], 1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_flips_diagonals_and_indices(dtype):
    m = sample((3, 4, 5), dtype)
    for axis in (None, 0, -1, (0, 2)):
        same(sd.flip(m, axis), np.flip(m, axis))
    same(sd.fliplr(m), np.fliplr(m))
    same(sd.flipud(m), np.flipud(m))
    for axis, start in ((2, 0), (0, 3), (-1, 1), (1, 1)):
        same(sd.rollaxis(m, axis, start), np.rollaxis(m, axis, start))
    square = sample((4, 4), dtype)
    for k in (-1, 0, 2):
        same(sd.diag(square, k), np.diag(square, k))
        same(sd.diag(square[0], k), np.diag(square[0], k))
        same(sd.tril(m, k), np.tril(m, k))
        same(sd.triu(m, k), np.triu(m, k))
    same(sd.diagonal(m, 1, 1, 2), np.diagonal(m, 1, 1, 2))
    if np.dtype(dtype) != np.uint8:  # numpy sums uint8 into uint64, a dtype swiftdl does not have (int64 here)
        same(sd.trace(square), np.trace(square))
    same(sd.flatnonzero(m), np.flatnonzero(m))
    order = np.argsort(m, axis=1)
    same(sd.take_along_axis(m, order, axis=1), np.take_along_axis(m, order, axis=1))
    same(sd.take_along_axis(m, order, -2), np.take_along_axis(m, order, -2))
    same(sd.ascontiguousarray(m.transpose(1, 0, 2)), np.ascontiguousarray(m.transpose(1, 0, 2)))
    same(sd.ascontiguousarray(m[0, 0, 0]), np.ascontiguousarray(m[0, 0, 0]))
    assert sd.ndim(m) == 3 and sd.ndim(5) == 0


def test_index_helpers():
    same(sd.indices((2, 3)), np.indices((2, 3)))
    same(sd.indices((2, 3), sparse=True), np.indices((2, 3), sparse=True))
    same(sd.unravel_index(np.array([0, 5, 11]), (3, 4)), np.unravel_index(np.array([0, 5, 11]), (3, 4)))
    with pytest.raises(ValueError, match="out of bounds"):
        sd.unravel_index(np.array([12]), (3, 4))
    x = np.arange(10)
    conditions, choices = [x < 3, x > 5], [x, x ** 2]
    same(sd.select(conditions, choices, 42), np.select(conditions, choices, 42))
    same(sd.select([x < 3], [x * 1.5]), np.select([x < 3], [x * 1.5]))
    with pytest.raises(ValueError, match="same length"):
        sd.select([x < 3], [])
    with pytest.raises(TypeError, match="boolean"):
        sd.select([x], [x])


@pytest.mark.parametrize("dtype", DTYPES)
def test_statistics(dtype):
    x = sample((4, 6), dtype)
    for axis in (None, 0, -1):
        for keepdims in (False, True):
            same(sd.median(x, axis=axis, keepdims=keepdims), np.median(x, axis=axis, keepdims=keepdims))
            if np.dtype(dtype).kind == "b":  # numpy refuses boolean subtraction too
                with pytest.raises(TypeError, match="boolean subtract"):
                    sd.ptp(x, axis=axis, keepdims=keepdims)
            else:
                same(sd.ptp(x, axis=axis, keepdims=keepdims), np.ptp(x, axis=axis, keepdims=keepdims))
            if np.dtype(dtype).kind == "b":
                for function, q in ((sd.percentile, 30), (sd.quantile, 0.75)):
                    with pytest.raises(TypeError, match="boolean subtract"):
                        function(x, q, axis=axis, keepdims=keepdims)
                continue
            same(sd.percentile(x, 30, axis=axis, keepdims=keepdims), np.percentile(x, 30, axis=axis, keepdims=keepdims))
            same(sd.quantile(x, 0.75, axis=axis, keepdims=keepdims), np.quantile(x, 0.75, axis=axis, keepdims=keepdims))
        same(sd.average(x, axis=axis), np.average(x, axis=axis))
        same(sd.count_nonzero(x, axis=axis), np.count_nonzero(x, axis=axis))
    weights = RNG.random(6)
    same(sd.average(x, axis=1, weights=weights), np.average(x, axis=1, weights=weights))
    same(sd.average(x, axis=-1, weights=weights, returned=True), np.average(x, axis=-1, weights=weights, returned=True))
    if np.dtype(dtype).kind != "b":
        # An array q makes the result float64; numpy interpolates float32 inputs partly in float32.
        same(sd.percentile(x, [10, 90], axis=0), np.percentile(x, [10, 90], axis=0), rtol=1e-6)
    if np.dtype(dtype).kind != "b":
        same(sd.diff(x), np.diff(x))
        same(sd.diff(x, n=2, axis=0), np.diff(x, n=2, axis=0))
        same(sd.diff(x, prepend=0, append=x[:, :1]), np.diff(x, prepend=0, append=x[:, :1]))
    else:
        same(sd.diff(x), np.diff(x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nan_reductions(dtype):
    x = sample((4, 5), dtype, nan=True)
    for axis in (None, 0, -1):
        for name in ("nanmax", "nanmin", "nanmean", "nansum"):
            same(getattr(sd, name)(x, axis=axis), getattr(np, name)(x, axis=axis))
    ints = sample((3, 3), np.int32)
    same(sd.nansum(ints), np.nansum(ints))
    same(sd.nanmean(ints, axis=0), np.nanmean(ints, axis=0))


def test_counting_and_binning():
    x = np.array([0, 1, 1, 3, 7])
    same(sd.bincount(x), np.bincount(x))
    same(sd.bincount(x, minlength=10), np.bincount(x, minlength=10))
    weights = np.array([0.5, 1.0, 2.0, -1.0, 3.0])
    same(sd.bincount(x, weights=weights), np.bincount(x, weights=weights))
    same(sd.bincount(np.array([], np.int64)), np.bincount(np.array([], np.int64)))
    with pytest.raises(ValueError, match="negative"):
        sd.bincount(np.array([1, -1]))
    with pytest.raises(TypeError):
        sd.bincount(np.array([1.5]))
    values = np.array([0.2, 6.4, 3.0, 1.6, 10.0, -1.0])
    for bins in (np.array([0.0, 1.0, 2.5, 4.0, 10.0]), np.array([10.0, 4.0, 2.5, 1.0, 0.0])):
        for right in (False, True):
            same(sd.digitize(values, bins, right=right), np.digitize(values, bins, right=right))
    # float32 by default, as swiftdl's linspace and zeros are.
    same(sd.logspace(0, 3, 4), np.logspace(0, 3, 4, dtype=np.float32))
    same(sd.logspace(0, 1, 5, base=2.0, endpoint=False, dtype=np.float64),
         np.logspace(0, 1, 5, base=2.0, endpoint=False))
    assert sd.count_nonzero(np.array([[0, 1], [2, 0]])) == 2


def test_cross_products():
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    same(sd.cross(a, b), np.cross(a, b))
    same(sd.cross(a[:, :2], b[:, :2].astype(np.float32)), np.cross(a[:, :2], b[:, :2].astype(np.float32)))


def test_bad_arguments_raise_numpy_errors():
    with pytest.raises(np.exceptions.AxisError):
        sd.rollaxis(np.zeros((2, 3)), 5)
    with pytest.raises(ValueError, match="Input must be >= 2-d"):
        sd.fliplr(np.zeros(3))
    with pytest.raises(ValueError, match="Percentiles must be in the range"):
        sd.percentile(np.arange(3), 101)
    with pytest.raises(ValueError, match="Quantiles must be in the range"):
        sd.quantile(np.arange(3), -0.5)
    with pytest.raises(ZeroDivisionError):
        sd.average(np.ones(3), weights=np.zeros(3))
    with pytest.raises(TypeError, match="sequence"):
        sd.vstack(sd.zeros((2, 2)))
    with pytest.raises(ValueError, match="at least one dimensional"):
        sd.diff(np.float64(1.0))


def test_gradients_flow_through_the_float_functions():
    x = sd.Variable(np.array([[0.3, -0.2], [0.1, 0.5]]))
    with sd.GradientTape() as tape:
        loss = sd.sum(sd.arcsin(x)) + sd.sum(sd.vstack([x, x * 2.0])) + sd.sum(sd.flip(sd.log2(x + 1.0), 0))
    analytic = 1 / np.sqrt(1 - x.numpy() ** 2) + 3.0 + 1 / ((x.numpy() + 1.0) * np.log(2))
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), analytic, rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_ndarray_methods_numpy_users_call(dtype):
    a = sample((3, 4), dtype)
    t = sd.asarray(a)
    same(t.cumsum(), a.cumsum())
    same(t.cumsum(axis=1), a.cumsum(axis=1))
    same(t.cumprod(axis=0), a.cumprod(axis=0))
    same(t.argsort(), a.argsort(kind="stable"))
    same(t.argsort(axis=0, kind="stable"), a.argsort(axis=0, kind="stable"))
    same(t.argsort(axis=None, kind="stable"), a.argsort(axis=None, kind="stable"))
    same(t.diagonal(1), a.diagonal(1))
    same(t.trace(), a.trace())
    same(t.repeat(2, axis=1), a.repeat(2, axis=1))
    same(t.repeat(3), a.repeat(3))
    row = np.sort(a[0])
    same(sd.asarray(row).searchsorted(a[1]), row.searchsorted(a[1]))
    same(sd.asarray(row).searchsorted(a[1], side="right"), row.searchsorted(a[1], side="right"))
    assert t.tobytes() == a.tobytes()
    same(t.conj(), a.conj())
    same(t.real, a.real)
    same(t.imag, a.imag)
    if np.dtype(dtype).kind == "f":
        same(t.round(1), a.round(1))
    in_place = sd.asarray(a.copy())
    assert in_place.sort(axis=0) is None
    same(in_place, np.sort(a, axis=0))
