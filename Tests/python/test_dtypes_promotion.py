"""dtype promotion per numpy 2 (NEP 50): array-array promotion, weak Python scalars, strong
numpy scalars, in-place operators under the same_kind casting rule, and astype."""
import warnings

import numpy as np
import pytest

import swiftdl as sd
from conftest import DTYPES, assert_same, random_array

_SCALARS = [True, 2, -3, 300, 2 ** 40, 2.5, -0.5, 1e300, np.float64(2.0), np.float32(1.5), np.int32(3),
            np.uint8(7), np.bool_(True), np.int64(-4)]
_OPS = ["add", "subtract", "multiply", "divide", "maximum", "less"]


def _numpy_or_exception(function):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return function(), None
        except (TypeError, ValueError, OverflowError) as error:
            return None, error


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("scalar", _SCALARS, ids=repr)
@pytest.mark.parametrize("name", _OPS)
def test_scalar_operand_promotion_matches_numpy(rng, dtype, scalar, name):
    a = random_array(rng, (4,), dtype)
    expected, error = _numpy_or_exception(lambda: getattr(np, name)(a, scalar))
    if error is not None:
        # OverflowError for uint8 + 300 and int32 + 2**40, TypeError for bool - True, ...
        with pytest.raises(type(error).__mro__[0] if type(error) in (OverflowError, ValueError) else TypeError):
            getattr(sd, name)(sd.asarray(a), scalar)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = getattr(sd, name)(sd.asarray(a), scalar)
        reflected = getattr(sd, name)(scalar, sd.asarray(a))
        expected_reflected = getattr(np, name)(scalar, a)
    assert_same(result, expected)
    assert_same(reflected, expected_reflected)


def test_documented_examples():
    with pytest.raises(OverflowError):
        sd.asarray(np.array([1, 2], np.uint8)) + 300
    assert (sd.asarray([1, 2]) / sd.asarray([2, 4])).dtype == np.float64
    assert (sd.asarray(np.array([1], np.int32)) / sd.asarray(np.array([2], np.int32))).dtype == np.float64
    assert (sd.asarray(np.array([1], np.uint8)) + 1).dtype == np.uint8
    assert (sd.asarray(np.array([1], np.float32)) * 2.5).dtype == np.float32
    assert (sd.asarray(np.array([1], np.int32)) * 2.5).dtype == np.float64
    assert (sd.asarray(np.array([True])) + 1).dtype == np.int64
    assert (sd.asarray(np.array([1], np.float32)) + sd.asarray(np.array([1], np.int32))).dtype == np.float64
    assert (sd.asarray(np.array([1], np.float32)) + sd.asarray(np.array([1], np.uint8))).dtype == np.float32


@pytest.mark.parametrize("d1", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("d2", DTYPES, ids=lambda d: np.dtype(d).name)
def test_array_array_promotion_table(d1, d2):
    result = sd.asarray(np.ones(2, d1)) * sd.asarray(np.ones(2, d2))
    expected = np.ones(2, d1) * np.ones(2, d2)
    assert result.dtype == expected.dtype


_IN_PLACE = ["__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__", "__ipow__",
             "__iand__", "__ior__", "__ixor__"]


@pytest.mark.parametrize("d1", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("d2", DTYPES + [2, 2.5, 300], ids=lambda d: d if not isinstance(d, type) else np.dtype(d).name)
@pytest.mark.parametrize("method", _IN_PLACE)
def test_in_place_operators_follow_same_kind_casting(rng, d1, d2, method):
    a = random_array(rng, (3, 4), d1, *((1, 5) if np.dtype(d1).kind in "iu" else (None, None)))
    if isinstance(d2, type):
        b = random_array(rng, (4,), d2, *((1, 4) if np.dtype(d2).kind in "iu" else (None, None)))
        operand = sd.asarray(b)
    else:
        b = operand = d2
    if method == "__ipow__" and np.dtype(d1).kind == "f":
        a = np.abs(a)
    expected = a.copy()
    t = sd.asarray(a)
    before = t._data_pointer
    # numpy's own in-place op is the reference, including its refusals: a TypeError when
    # the result does not cast same_kind to the tensor's dtype (int /= int, int += 2.5,
    # bool -= bool; also bool //= bool, whose int8 result neither library can store),
    # OverflowError for uint8 += 300.
    _, error = _numpy_or_exception(lambda: getattr(expected, method)(b))
    if error is not None:
        with pytest.raises(type(error) if isinstance(error, OverflowError) else TypeError):
            getattr(t, method)(operand)
        assert_same(t, a)  # a refused in-place op leaves the tensor untouched
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = getattr(t, method)(operand)
    assert result is t and t._data_pointer == before
    assert_same(t, expected, rtol=1e-5 if method == "__ipow__" else None)


def test_in_place_on_a_view_writes_through(rng):
    a = random_array(rng, (4, 4), np.float32)
    t = sd.asarray(a)
    view = t[::2, 1:]
    view *= 10
    a[::2, 1:] *= 10
    assert_same(t, a)


@pytest.mark.parametrize("source", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("target", DTYPES, ids=lambda d: np.dtype(d).name)
def test_astype_matches_numpy(rng, source, target):
    a = random_array(rng, (3, 5), source)
    if np.dtype(source).kind == "f" and np.dtype(target).kind in "iu":
        # numpy leaves out-of-range float-to-int casts undefined; stay in range (C casts)
        info = np.iinfo(target)
        a = np.clip(a * 20, info.min, info.max).astype(source)
    t = sd.asarray(a)
    assert_same(t.astype(target), a.astype(target))
    assert_same(t.T.astype(target), a.T.astype(target))
    assert_same(t[::-1, ::2].astype(target), a[::-1, ::2].astype(target))


def test_astype_wraps_and_truncates_like_numpy():
    assert_same(sd.asarray(np.array([300, -1, 256], np.int64)).astype(np.uint8),
                np.array([300, -1, 256], np.int64).astype(np.uint8))
    assert_same(sd.asarray(np.array([-2.7, 2.7, -0.5], np.float64)).astype(np.int32),
                np.array([-2.7, 2.7, -0.5]).astype(np.int32))
    assert_same(sd.asarray(np.array([0.0, -0.0, np.nan, 2.0])).astype(np.bool_),
                np.array([0.0, -0.0, np.nan, 2.0]).astype(np.bool_))


def test_astype_accepts_names_and_python_types():
    t = sd.asarray([1, 2])
    assert t.astype("float32").dtype == np.float32
    assert t.astype(float).dtype == np.float32  # swiftdl's default float
    assert t.astype(bool).dtype == np.bool_
    assert t.astype(sd.uint8).dtype == np.uint8
    assert t.astype(np.int64, copy=False) is t
    copied = t.astype(np.int64)
    assert copied is not t and not sd._C.shares_memory(copied, t)


@pytest.mark.parametrize("dtype", [np.float16, np.complex64, np.int16, np.uint32, "U3", object, ">f4"])
def test_unsupported_dtypes_are_type_errors(dtype):
    with pytest.raises(TypeError):
        sd.asarray([1, 2]).astype(dtype)
    with pytest.raises(TypeError):
        sd.zeros(3, dtype=dtype)


def test_default_dtypes():
    assert sd.asarray([1.0, 2.0]).dtype == np.float32
    assert sd.asarray([1, 2]).dtype == np.int64
    assert sd.asarray([True]).dtype == np.bool_
    assert sd.asarray(2.5).dtype == np.float32 and sd.asarray(2.5).shape == ()
    assert sd.asarray(np.array([1.0])).dtype == np.float64  # numpy arrays keep theirs
    assert sd.asarray(np.float64(1.0)).dtype == np.float64
    assert sd.zeros(3).dtype == np.float32
    assert sd.arange(3).dtype == np.int64
