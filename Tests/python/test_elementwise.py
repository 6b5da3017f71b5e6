"""Elementwise binary and unary ops against numpy: every dtype pair, broadcasting,
non-contiguous views, empty and 0-d operands, and the out= argument."""
import warnings

import numpy as np
import pytest

import swiftdl as sd
from conftest import DTYPES, assert_same, random_array
from swiftdl._ops import BINARY_OPS, UNARY_OPS

# numpy's bool // bool, bool % bool and bool ** bool compute in int8, a dtype swiftdl does
# not hold; swiftdl refuses them with a TypeError (cast first) instead of picking another.
_INT8_ONLY = {("floor_divide", np.bool_, np.bool_), ("remainder", np.bool_, np.bool_),
              ("power", np.bool_, np.bool_)}


def _operands(rng, name, d1, d2, shape1, shape2):
    a = random_array(rng, shape1, d1)
    b = random_array(rng, shape2, d2)
    if name == "power" and np.dtype(d2).kind in "iu":
        b = rng.integers(0, 6, shape2).astype(d2)  # numpy refuses negative integer powers
    if name == "power" and np.dtype(d1).kind == "f" and np.dtype(d2).kind == "f":
        a = np.abs(a)  # keep clear of NaN from fractional powers of negatives
    if name in ("floor_divide", "remainder", "divide") and np.dtype(d2).kind in "iu":
        b = np.where(b == 0, 3, b).astype(d2)  # integer division by zero is tested on its own
    return a, b


def _numpy(name, a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(np, name)(a, b)


@pytest.mark.parametrize("name", BINARY_OPS)
@pytest.mark.parametrize("d1", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("d2", DTYPES, ids=lambda d: np.dtype(d).name)
def test_binary_matches_numpy_for_every_dtype_pair(rng, name, d1, d2):
    a, b = _operands(rng, name, d1, d2, (3, 4), (4,))
    ta, tb = sd.asarray(a), sd.asarray(b)
    if (name, d1, d2) in _INT8_ONLY:
        with pytest.raises(TypeError):
            getattr(sd, name)(ta, tb)
        return
    try:
        expected = _numpy(name, a, b)
    except TypeError:
        with pytest.raises(TypeError):
            getattr(sd, name)(ta, tb)
        return
    rtol = 1e-5 if expected.dtype == np.float32 and name == "power" else None
    assert_same(getattr(sd, name)(ta, tb), expected, rtol=rtol)


_OPERATORS = {"add": "__add__", "subtract": "__sub__", "multiply": "__mul__", "divide": "__truediv__",
              "floor_divide": "__floordiv__", "remainder": "__mod__", "power": "__pow__",
              "equal": "__eq__", "not_equal": "__ne__", "less": "__lt__", "less_equal": "__le__",
              "greater": "__gt__", "greater_equal": "__ge__", "bitwise_and": "__and__",
              "bitwise_or": "__or__", "bitwise_xor": "__xor__"}


@pytest.mark.parametrize("name", sorted(_OPERATORS))
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.uint8], ids=lambda d: np.dtype(d).name)
def test_operators_and_reflected_operators(rng, name, dtype):
    a, b = _operands(rng, name, dtype, dtype, (2, 3), (2, 3))
    if name.startswith("bitwise") and np.dtype(dtype).kind == "f":
        return
    if name == "power":
        a = np.abs(a) % 6  # the reflected form raises a to these powers
    method = _OPERATORS[name]
    assert_same(getattr(sd.asarray(a), method)(sd.asarray(b)), getattr(a, method)(b))
    # Tensor on the right, numpy array on the left: numpy defers to the tensor.
    assert_same(getattr(np, name)(a, sd.asarray(b)), _numpy(name, a, b))
    # Python scalar on the left: the reflected method.
    scalar = 2 if np.dtype(dtype).kind in "iu" else 1.5
    reflected = method.replace("__", "__r", 1)
    if name in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"):
        return  # Python maps scalar < tensor to tensor > scalar, covered below
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = getattr(a, reflected)(scalar)
    assert_same(getattr(sd.asarray(a), reflected)(scalar), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.uint8], ids=lambda d: np.dtype(d).name)
def test_scalar_comparisons_from_either_side(rng, dtype):
    a = random_array(rng, (5,), dtype)
    t = sd.asarray(a)
    assert_same(2 < t, 2 < a)
    assert_same(t >= 3, a >= 3)
    assert_same(t == 7, a == 7)
    assert_same(1.5 != t, 1.5 != a)


def test_operators_with_lists_and_numpy_scalars():
    t = sd.asarray(np.array([1.0, 2.0, 3.0], np.float32))
    assert_same(t + [1, 2, 3], np.array([1, 2, 3], np.float32) + np.array([1, 2, 3]))
    assert_same([1, 2, 3] - t, np.array([1, 2, 3]) - np.array([1, 2, 3], np.float32))
    # numpy scalars are strong (NEP 50): float32 tensor * float64 scalar is float64.
    assert_same(t * np.float64(2), np.array([1, 2, 3], np.float32) * np.float64(2))


def test_unknown_operand_type_gives_type_error():
    t = sd.asarray([1.0, 2.0])
    with pytest.raises(TypeError):
        t + "a"
    with pytest.raises(TypeError):
        t + object()
    with pytest.raises(TypeError):
        object() * t


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8], ids=lambda d: np.dtype(d).name)
def test_integer_division_by_zero_gives_zero_like_numpy(dtype):
    a = np.array([5, 0, 7], dtype)
    b = np.zeros(3, dtype)
    assert_same(sd.asarray(a) // sd.asarray(b), _numpy("floor_divide", a, b))
    assert_same(sd.asarray(a) % sd.asarray(b), _numpy("remainder", a, b))


def test_floor_divide_and_remainder_signs():
    a = np.array([-7, 7, -7, 7, -1, 0])
    b = np.array([2, -2, -2, 2, 3, -3])
    assert_same(sd.asarray(a) // sd.asarray(b), a // b)
    assert_same(sd.asarray(a) % sd.asarray(b), a % b)
    f = np.array([-7.5, 7.5, -7.5, 7.5, 0.0, -0.0, 1e300, 5.0])
    g = np.array([2.0, -2.0, -2.0, 2.0, -3.0, 3.0, 1e-300, 0.0])
    assert_same(sd.asarray(f) // sd.asarray(g), _numpy("floor_divide", f, g))
    assert_same(sd.asarray(f) % sd.asarray(g), _numpy("remainder", f, g))
    q, r = divmod(sd.asarray(a), sd.asarray(b))
    assert_same(q, a // b)
    assert_same(r, a % b)


def test_integer_overflow_wraps_like_numpy():
    a = np.array([250, 3], np.uint8)
    assert_same(sd.asarray(a) + sd.asarray(np.array([10, 255], np.uint8)), a + np.array([10, 255], np.uint8))
    big = np.array([2 ** 62, -(2 ** 63)], np.int64)
    assert_same(sd.asarray(big) * 4, big * 4)
    assert_same(sd.asarray(np.array([3], np.int32)) ** 40, np.array([3], np.int32) ** 40)


def test_negative_integer_power_is_refused_like_numpy():
    with pytest.raises(ValueError):
        np.array([2]) ** np.array([-1])
    with pytest.raises(ValueError, match="negative integer powers"):
        sd.asarray([2]) ** sd.asarray([-1])


def test_nan_propagates_through_maximum_and_minimum():
    a = np.array([np.nan, 1.0, 2.0, np.nan], np.float32)
    b = np.array([0.0, np.nan, 1.0, np.nan], np.float32)
    assert_same(sd.maximum(sd.asarray(a), sd.asarray(b)), np.maximum(a, b))
    assert_same(sd.minimum(sd.asarray(a), sd.asarray(b)), np.minimum(a, b))


@pytest.mark.parametrize("shape1, shape2", [((3, 1), (1, 4)), ((2, 1, 5), (4, 1)), ((), (3, 2)),
                                            ((0, 3), (3,)), ((2, 0), (1, 0)), ((1,), ()), ((), ())])
def test_broadcasting_shapes(rng, shape1, shape2):
    a = random_array(rng, shape1, np.float32)
    b = random_array(rng, shape2, np.float64)
    assert_same(sd.asarray(a) * sd.asarray(b), a * b)
    assert_same(sd.asarray(b) - sd.asarray(a), b - a)


def test_incompatible_broadcast_raises_value_error():
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        sd.asarray(np.ones((2, 3))) + sd.asarray(np.ones((4,)))


def _views(array):
    """Non-contiguous views of the same data, as (numpy view, swiftdl view) pairs."""
    t = sd.asarray(array)
    return [(array.T, t.T), (array[::-1], t[::-1]), (array[:, ::-2], t[:, ::-2]),
            (array[1:, 1:3], t[1:, 1:3]), (np.broadcast_to(array[:1], array.shape), sd.broadcast_to(t[:1], array.shape))]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_binary_on_non_contiguous_views(rng, dtype):
    a = random_array(rng, (4, 4), dtype)
    b = random_array(rng, (4, 4), dtype)
    name = "add" if dtype != np.bool_ else "logical_xor"
    for (va, ta), (vb, tb) in zip(_views(a), _views(b)):
        assert_same(getattr(sd, name)(ta, tb), getattr(np, name)(va, vb))


# numpy gives float16 for these ops on uint8 and bool; swiftdl has no float16 and computes
# them in float32 (documented in DType.floatingCounterpart). bool sign has no numpy loop.
_FLOAT16_OPS = {"exp", "log", "sqrt", "tanh", "sin", "cos", "log1p", "expm1", "rint"}


@pytest.mark.parametrize("name", [n for n in UNARY_OPS if n != "sigmoid"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_unary_matches_numpy(rng, name, dtype):
    a = random_array(rng, (3, 5), dtype)
    if name in ("log", "sqrt", "log1p") and np.dtype(dtype).kind == "f":
        a = np.abs(a) + np.asarray(0.1, dtype)
    if name == "reciprocal" and np.dtype(dtype).kind in "iu":
        a = np.where(a == 0, 1, a).astype(dtype)
    t = sd.asarray(a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = getattr(np, name)(a)
        except TypeError:
            with pytest.raises(TypeError):
                getattr(sd, name)(t)
            return
    if expected.dtype == np.float16 and name in _FLOAT16_OPS:
        # documented: float32 where numpy uses float16; compare against float32 math
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = getattr(np, name)(a.astype(np.float32))
        assert_same(getattr(sd, name)(t), expected, rtol=1e-5)
        return
    if expected.dtype == np.int8 and dtype == np.bool_:
        # numpy's square and reciprocal of bool are int8, which swiftdl does not hold:
        # square stays bool (x*x == x) and reciprocal gives int64; the values agree.
        result = getattr(sd, name)(t)
        assert result.dtype == (np.bool_ if name == "square" else np.int64)
        np.testing.assert_array_equal(np.asarray(result).astype(np.int64), expected.astype(np.int64))
        return
    assert_same(getattr(sd, name)(t), expected, rtol=3e-6 if dtype == np.float32 else None)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_sigmoid_is_stable_at_extremes(dtype):
    x = np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = (1 / (1 + np.exp(-x.astype(np.float64)))).astype(dtype)
    assert_same(sd._sigmoid(sd.asarray(x)), expected, rtol=1e-6)


def test_unary_on_views_empty_and_0d(rng):
    a = random_array(rng, (4, 6), np.float64)
    t = sd.asarray(a)
    assert_same(sd.exp(t.T[::2]), np.exp(a.T[::2]))
    assert_same(sd.tanh(t[::-1, 1::3]), np.tanh(a[::-1, 1::3]))
    assert_same(sd.sqrt(sd.zeros((0, 3))), np.sqrt(np.zeros((0, 3), np.float32)))
    assert_same(sd.sin(sd.asarray(np.float64(0.5))), np.sin(np.float64(0.5)) * np.ones(()))
    assert_same(-sd.asarray(np.array(2.0)), -np.array(2.0))
    assert_same(abs(sd.asarray(np.array([-1, 2], np.int32))), np.abs(np.array([-1, 2], np.int32)))
    assert_same(~sd.asarray(np.array([1, 2], np.uint8)), ~np.array([1, 2], np.uint8))
    assert_same(~sd.asarray(np.array([True, False])), ~np.array([True, False]))


def test_rint_rounds_half_to_even():
    a = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6], np.float32)
    assert_same(sd.rint(sd.asarray(a)), np.rint(a))
    assert_same(sd.asarray(a).round(), np.round(a))


def test_out_argument_writes_in_place(rng):
    a = random_array(rng, (3, 4), np.float32)
    b = random_array(rng, (4,), np.float32)
    out = sd.zeros((3, 4))
    result = sd.add(sd.asarray(a), sd.asarray(b), out=out)
    assert result is out
    assert_same(out, a + b)
    sd.exp(out, out=out)
    assert_same(out, np.exp(a + b), rtol=1e-5)
    with pytest.raises(ValueError):
        sd.add(sd.asarray(a), sd.asarray(b), out=sd.zeros((4,)))


def test_out_argument_through_numpy_ufunc(rng):
    a = random_array(rng, (5,), np.float64)
    out = sd.zeros((5,), dtype=np.float64)
    result = np.multiply(sd.asarray(a), 2.0, out=out)
    assert result is out
    assert_same(out, a * 2.0)


def test_elementwise_on_transposed_output_alias(rng):
    # x += x.T reads elements the loop has already written unless the engine buffers.
    a = random_array(rng, (4, 4), np.float64)
    t = sd.asarray(a)
    t += t.T
    assert_same(t, a + a.T)


def test_float32_tanh_is_within_two_ulp_everywhere():
    # The engine's float32 tanh is a branch-free Cephes polynomial / exp form (it vectorises,
    # glibc's tanhf does not); numpy's float64 tanh is the reference.
    magnitudes = np.float32(10.0) ** np.linspace(-40, 1.2, 20001, dtype=np.float32)
    x = np.concatenate([np.linspace(-12, 12, 200001, dtype=np.float32), magnitudes, -magnitudes,
                        np.array([0.625, -0.625, np.nextafter(np.float32(0.625), np.float32(0)), 1e-45, 9.5, 88.0],
                                 np.float32)])
    ours = np.asarray(sd.tanh(x)).astype(np.float64)
    reference = np.tanh(x.astype(np.float64))
    ulp = np.spacing(np.abs(reference).astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(ours - reference) / ulp) <= 2.0
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan], np.float32)
    result = np.asarray(sd.tanh(special))
    np.testing.assert_array_equal(result[:4], [0.0, -0.0, 1.0, -1.0])
    assert np.signbit(result[1]) and np.isnan(result[4])


def test_float32_log_is_within_one_ulp_everywhere():
    # The engine's float32 log is Cephes' branch-free logf (it vectorises, glibc's does not);
    # numpy's float64 log is the reference, subnormals included.
    tiny = np.float32(2.0) ** np.linspace(-149, -126, 2001, dtype=np.float32)
    x = np.concatenate([np.float32(10.0) ** np.linspace(-37, 38, 400001, dtype=np.float32),
                        np.linspace(0.5, 2.0, 100001, dtype=np.float32), tiny,
                        np.array([1.0, np.finfo(np.float32).max, np.finfo(np.float32).tiny], np.float32)])
    ours = np.asarray(sd.log(x)).astype(np.float64)
    reference = np.log(x.astype(np.float64))
    ulp = np.spacing(np.abs(reference).astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(ours - reference) / ulp) <= 1.0
    with np.errstate(all="ignore"):
        special = np.array([0.0, -0.0, -1.0, np.inf, -np.inf, np.nan], np.float32)
        np.testing.assert_array_equal(np.asarray(sd.log(special)), np.log(special))
