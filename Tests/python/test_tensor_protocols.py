"""Python and numpy protocols of swiftdl.Tensor: repr/str, len, float/int/bool/index,
iteration, metadata, __array__, __array_ufunc__ (np.exp(t)), __array_function__ (np.sum(t)),
__dlpack__, copy and pickling."""
import copy
import pickle

import numpy as np
import pytest

import swiftdl as sd
from conftest import assert_same


@pytest.mark.parametrize("array", [np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1.5, 2.0]),
                                   np.array([1, 2]), np.array([1, 2], np.int32), np.array([True, False]),
                                   np.array(3.25, np.float32), np.array(7), np.zeros((0, 3)),
                                   np.zeros((2, 0), np.int64), np.array([250, 1], np.uint8),
                                   np.arange(2000.0), np.array([np.nan, np.inf, -np.inf, 1e-30])], ids=repr)
def test_repr_looks_like_numpy(array):
    expected = repr(array).replace("array(", "Tensor(").replace("\n      ", "\n       ")
    assert repr(sd.asarray(array)) == expected
    assert str(sd.asarray(array)) == str(array)


def test_metadata(rng):
    a = rng.standard_normal((3, 4)).astype(np.float32)
    t = sd.asarray(a)
    assert t.shape == (3, 4) and t.ndim == 2 and t.size == 12 and t.dtype == np.float32
    assert t.strides == a.strides and t.itemsize == 4 and t.nbytes == 48
    assert t.T.strides == a.T.strides and t[::-2].strides == a[::-2].strides
    assert len(t) == 3
    with pytest.raises(TypeError):
        len(sd.asarray(1.0))


def test_scalar_conversions():
    assert float(sd.asarray([2.5])) == 2.5
    assert int(sd.asarray([[7]])) == 7
    assert int(sd.asarray(-2.9)) == -2
    assert bool(sd.asarray([True])) is True and bool(sd.asarray(0.0)) is False
    assert complex(sd.asarray(1.5)) == 1.5 + 0j
    assert [10, 20, 30][sd.asarray(1)] == 20  # __index__
    assert sd.asarray(np.float64(2.0)).item() == 2.0
    assert f"{sd.asarray(3.14159):.2f}" == "3.14"
    for bad in (sd.asarray([1.0, 2.0]), sd.zeros(0)):
        with pytest.raises(TypeError):
            float(bad)
        with pytest.raises(ValueError):
            bool(bad)
    with pytest.raises(TypeError):
        [1, 2][sd.asarray(1.0)]


def test_iteration(rng):
    a = rng.integers(0, 9, (3, 2))
    t = sd.asarray(a)
    rows = list(t)
    assert len(rows) == 3 and all(isinstance(r, sd.Tensor) for r in rows)
    for row, expected in zip(rows, a):
        assert_same(row, expected)
    assert [float(x) for x in sd.asarray([1.0, 2.0])] == [1.0, 2.0]
    with pytest.raises(TypeError):
        iter(sd.asarray(1.0)).__next__()
    assert list(sd.zeros((0, 2))) == []


@pytest.mark.parametrize("name", ["exp", "log1p", "sqrt", "negative", "absolute", "tanh", "sin", "floor"])
def test_numpy_unary_ufuncs_run_in_the_engine(rng, name):
    a = np.abs(rng.standard_normal((3, 4))).astype(np.float32)
    result = getattr(np, name)(sd.asarray(a))
    assert_same(result, getattr(np, name)(a), rtol=3e-6)


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "true_divide", "maximum", "less", "power",
                                  "floor_divide", "remainder", "logical_and", "matmul"])
def test_numpy_binary_ufuncs_with_mixed_operands(rng, name):
    a = np.abs(rng.standard_normal((3, 3))) + 0.5
    b = np.abs(rng.standard_normal((3, 3))) + 0.5
    expected = getattr(np, name)(a, b)
    assert_same(getattr(np, name)(sd.asarray(a), b), expected)
    assert_same(getattr(np, name)(a, sd.asarray(b)), expected)
    assert_same(getattr(np, name)(sd.asarray(a), sd.asarray(b)), expected)


def test_unsupported_ufunc_features_fall_back_to_numpy(rng):
    a = rng.standard_normal((3, 4))
    t = sd.asarray(a)
    np.testing.assert_allclose(np.add.reduce(t, axis=1), np.add.reduce(a, axis=1))
    np.testing.assert_allclose(np.arctan2(t, t), np.arctan2(a, a))
    np.testing.assert_allclose(np.cumsum(t, axis=0), np.cumsum(a, axis=0))
    out = np.empty((3, 4))
    np.exp(t, out=out)
    np.testing.assert_allclose(out, np.exp(a))


@pytest.mark.parametrize("function, kwargs", [(np.sum, {}), (np.sum, {"axis": 0}), (np.mean, {"axis": (0, 1)}),
                                              (np.max, {"keepdims": True}), (np.argmax, {"axis": 1}),
                                              (np.var, {"ddof": 1}), (np.std, {"axis": 0}), (np.prod, {"axis": 1}),
                                              (np.transpose, {}), (np.reshape, {"shape": (4, 3)}),
                                              (np.squeeze, {}), (np.ravel, {}), (np.expand_dims, {"axis": 0}),
                                              (np.clip, {"a_min": -0.5, "a_max": 0.5})], ids=str)
def test_numpy_functions_dispatch_to_swiftdl(rng, function, kwargs):
    a = rng.standard_normal((3, 4))
    result = function(sd.asarray(a), **kwargs)
    assert isinstance(result, sd.Tensor)
    assert_same(result, np.asarray(function(a, **kwargs)))


def test_numpy_functions_of_several_tensors(rng):
    a = rng.standard_normal((2, 3))
    t = sd.asarray(a)
    assert_same(np.concatenate([t, t]), np.concatenate([a, a]))
    assert_same(np.stack([t, t], axis=1), np.stack([a, a], axis=1))
    assert_same(np.where(t > 0, t, 0.0), np.where(a > 0, a, 0.0))
    assert_same(np.matmul(t, t.T), a @ a.T)
    assert_same(np.take(t, [2, 0], axis=1), np.take(a, [2, 0], axis=1))
    # functions swiftdl does not implement run in numpy on zero-copy views
    np.testing.assert_allclose(np.sort(t, axis=1), np.sort(a, axis=1))
    assert np.allclose(t, a) and np.array_equal(t, a)


def test_array_protocol_dtype_and_copy():
    t = sd.asarray([1.0, 2.0])
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    copied = np.array(t)
    copied[0] = 5.0
    assert float(t[0]) == 1.0
    assert t.numpy().ctypes.data == t._data_pointer


def test_copy_deepcopy_and_pickle():
    t = sd.asarray(np.arange(6.0).reshape(2, 3)).T
    for clone in (copy.copy(t), copy.deepcopy(t), pickle.loads(pickle.dumps(t)), t.copy(), +t):
        assert_same(clone, np.arange(6.0).reshape(2, 3).T)
        assert not sd._C.shares_memory(clone, t)


def test_tensor_is_unhashable_and_cannot_be_built_from_the_base_type():
    with pytest.raises(TypeError):
        hash(sd.zeros(2))
    with pytest.raises(TypeError):
        sd._C.TensorBase()


def test_divmod_and_round_builtins():
    a = np.array([5, -7, 9])
    q, r = divmod(sd.asarray(a), 4)
    assert_same(q, a // 4) and assert_same(r, a % 4)
    q, r = divmod(17, sd.asarray(a))
    assert_same(q, 17 // a)
    assert_same(r, 17 % a)
    f = np.array([2.5, 3.5, -0.125, 1.23456], np.float64)
    assert_same(round(sd.asarray(f)), np.round(f))
    assert_same(round(sd.asarray(f), 2), np.round(f, 2))
