"""Constructors against numpy: zeros, ones, full, empty, *_like, arange, linspace, eye,
identity, asarray/array from lists, scalars, numpy arrays and buffer-protocol objects."""
import array as pyarray

import numpy as np
import pytest

import swiftdl as sd
from conftest import DTYPES, assert_same


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (2, 0, 4), 5], ids=str)
def test_zeros_ones_full_empty(dtype, shape):
    assert_same(sd.zeros(shape, dtype), np.zeros(shape, dtype))
    assert_same(sd.ones(shape, dtype=dtype), np.ones(shape, dtype))
    assert_same(sd.full(shape, 1, dtype), np.full(shape, 1, dtype))
    empty = sd.empty(shape, dtype)
    assert empty.shape == np.empty(shape).shape and empty.dtype == dtype


def test_full_default_dtypes_and_values():
    assert_same(sd.full((2,), 2.5), np.full((2,), 2.5, np.float32))  # Python floats: float32
    assert_same(sd.full((2,), 7), np.full((2,), 7))
    assert_same(sd.full((2,), True), np.full((2,), True))
    assert_same(sd.full((2,), np.float64(0.1)), np.full((2,), np.float64(0.1)))
    assert_same(sd.full((2, 2), [1.0, 2.0], np.float64), np.full((2, 2), [1.0, 2.0]))
    assert_same(sd.full((2,), 2 ** 40, np.int64), np.full((2,), 2 ** 40))
    assert_same(sd.full((3,), -1, np.uint8), np.full((3,), -1).astype(np.uint8))


def test_like_functions(rng):
    a = rng.standard_normal((2, 3)).astype(np.float64)
    t = sd.asarray(a).T
    assert_same(sd.zeros_like(t), np.zeros_like(a.T))
    assert_same(sd.ones_like(t, dtype=np.int32), np.ones_like(a.T, dtype=np.int32))
    assert_same(sd.full_like(t, 3), np.full_like(a.T, 3))
    assert sd.empty_like(t).shape == (3, 2) and sd.empty_like(t).dtype == np.float64
    assert_same(np.zeros_like(t), np.zeros_like(a.T))  # through __array_function__


@pytest.mark.parametrize("args", [(5,), (2, 9), (2, 9, 3), (9, 2, -2), (0,), (3, 3), (-2.5, 2.5, 0.5),
                                  (0, 1, 0.1), (10, 0, -1.5), (1, 2 ** 40, 2 ** 38)], ids=str)
def test_arange(args):
    expected = np.arange(*args)
    if expected.dtype == np.float64:
        expected = np.arange(*args, dtype=np.float32)  # swiftdl's default float is float32
    assert_same(sd.arange(*args), expected, rtol=1e-6, atol=1e-6)
    assert_same(sd.arange(*args, dtype=np.float64), np.arange(*args, dtype=np.float64), atol=1e-12)


def test_arange_refuses_zero_step_and_non_numbers():
    with pytest.raises(ValueError):
        sd.arange(0, 5, 0)
    with pytest.raises(TypeError):
        sd.arange("5")


@pytest.mark.parametrize("args", [(0, 1, 5), (0, 1, 5, False), (-3, 7, 1), (2, 2, 3), (1, 0, 0), (0, 10, 50),
                                  (5, -5, 11)], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64], ids=lambda d: np.dtype(d).name)
def test_linspace(args, dtype):
    start, stop, num = args[:3]
    endpoint = args[3] if len(args) > 3 else True
    expected = np.linspace(start, stop, num, endpoint=endpoint, dtype=dtype)
    assert_same(sd.linspace(start, stop, num, endpoint=endpoint, dtype=dtype), expected, rtol=1e-6, atol=1e-6)


def test_linspace_refuses_negative_num():
    with pytest.raises(ValueError):
        sd.linspace(0, 1, -1)


@pytest.mark.parametrize("args", [(3,), (3, 4), (4, 3, 1), (4, 3, -2), (3, 3, 5), (0,), (2, 5, -7)], ids=str)
@pytest.mark.parametrize("dtype", [None, np.int32, np.bool_], ids=str)
def test_eye(args, dtype):
    expected = np.eye(*args, dtype=dtype or np.float32)
    assert_same(sd.eye(*args, dtype=dtype), expected)
    assert_same(sd.identity(3), np.identity(3, np.float32))


@pytest.mark.parametrize("obj", [[1, 2, 3], [[1.5, 2.0], [3.0, 4.0]], [True, False], 7, 2.5, True, [], [[]],
                                 (1, 2.5), [np.int32(1), np.int32(2)], np.float64(3.0), np.uint8(4),
                                 [[1, 2], (3, 4)], 2 ** 62], ids=repr)
def test_asarray_from_python_values(obj):
    expected = np.asarray(obj)
    # swiftdl's defaults: Python floats become float32 (numpy: float64) unless they arrive
    # as numpy scalars; integers and bools follow numpy.
    if expected.dtype == np.float64 and not isinstance(obj, np.generic):
        expected = expected.astype(np.float32)
    assert_same(sd.asarray(obj), expected)
    assert_same(sd.array(obj), expected)
    assert_same(sd.Tensor(obj), expected)


def test_asarray_with_dtype_and_from_tensors():
    assert_same(sd.asarray([1, 2], dtype=np.float64), np.array([1.0, 2.0]))
    assert_same(sd.asarray([1.7, -1.7], dtype=np.int32), np.array([1.7, -1.7]).astype(np.int32))
    t = sd.asarray([1.0, 2.0])
    assert sd.asarray(t, copy=None) is t
    assert sd.asarray(t, copy=False) is t
    copied = sd.asarray(t)
    assert copied is not t and not sd._C.shares_memory(copied, t)
    assert_same(sd.asarray(t, dtype=np.int64), np.array([1, 2]))
    with pytest.raises(ValueError):
        sd.asarray(t, dtype=np.int64, copy=False)


def test_asarray_from_buffer_protocol_objects():
    assert_same(sd.asarray(pyarray.array("d", [1.0, 2.0])), np.array([1.0, 2.0]))
    assert_same(sd.asarray(pyarray.array("i", [1, 2])), np.array([1, 2], np.int32))
    assert_same(sd.asarray(memoryview(np.arange(6, dtype=np.uint8).reshape(2, 3))),
                np.arange(6, dtype=np.uint8).reshape(2, 3))
    with pytest.raises(TypeError):
        sd.asarray(b"bytes")


def test_asarray_from_objects_with_array_interfaces():
    class HasArray:
        def __array__(self, dtype=None, copy=None):
            return np.arange(4.0)

    assert_same(sd.asarray(HasArray()), np.arange(4.0))


def test_asarray_converts_non_native_byte_order_and_odd_int_types():
    big_endian = np.arange(4, dtype=">i4")
    with pytest.raises(TypeError):
        sd.asarray(big_endian)
    assert_same(sd.asarray(big_endian.astype(np.int32)), np.arange(4, dtype=np.int32))
    assert_same(sd.asarray([np.int16(1), np.int16(2)]), np.array([1, 2]))  # widened to int64


def test_copy_function():
    t = sd.asarray([1.0, 2.0])
    c = sd.copy(t)
    c[0] = 5.0
    assert float(t[0]) == 1.0
    assert_same(np.copy(t), np.array([1.0, 2.0], np.float32))
