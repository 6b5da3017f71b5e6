"""Indexing and assignment against numpy: ints, negative ints, slices with steps (also
negative), None, Ellipsis, integer arrays, boolean masks, and every form of __setitem__."""
import numpy as np
import pytest

import swiftdl as sd
from conftest import DTYPES, assert_same, random_array

_MASK4 = np.array([True, False, True, True])
_MASK45 = (np.arange(20).reshape(4, 5) % 3) == 0

_KEYS = [
    1, -1, (1, 2), (-1, -2, -3), (3, 4, 5), slice(None, None, -1), slice(1, None, 2), slice(None, None, -2),
    (slice(None), slice(5, 1, -2)), (slice(10, 20),), slice(-100, 100), (slice(None), 0, slice(None, None, -3)),
    Ellipsis, (Ellipsis, 1), (1, Ellipsis), (None, 1), (1, None, Ellipsis, None), (Ellipsis, None),
    (slice(None), None, 2), (), np.int64(2), (np.int32(-1), slice(1, 3)),
    [0, 2], [-1, 0, -4], np.array([3, 1]), ([0, 1], [1, 2]), ([0, 1], slice(None), [2, 3]),
    (slice(None), [1, 2], [0, 3]), np.array([[0, 1], [2, 3]]), (1, [0, 2]), (Ellipsis, [0, 1]),
    (None, [1, 2]), ([[0], [3]], slice(1, 3), [[1, 5]]), (slice(None, None, -1), [4, 0], 1),
    np.array([], np.int64), (slice(None), np.array([], np.int32)),
    _MASK4, _MASK45, (_MASK4, slice(None, None, 2)), (slice(None), _MASK45[0]), (1, _MASK45[0]),
    np.zeros((4, 5, 6), bool), (Ellipsis, np.arange(6) > 2), [True, False, False, True],
]


def _id(key):
    text = repr(key).replace("\n", "")
    return text if len(text) < 60 else text[:57] + "..."


@pytest.mark.parametrize("key", _KEYS, ids=_id)
def test_getitem_matches_numpy(rng, key):
    a = random_array(rng, (4, 5, 6), np.float32)
    t = sd.asarray(a)
    expected = a[key]
    result = t[key]
    assert_same(result, expected)
    # basic indexing gives views of the same storage, advanced indexing copies. Where numpy
    # returns a scalar (every axis indexed by an int) swiftdl returns a 0-d view instead.
    if not isinstance(expected, np.generic) and expected.size:
        assert sd._C.shares_memory(result, t) == np.shares_memory(expected, a)


@pytest.mark.parametrize("key", _KEYS, ids=_id)
def test_getitem_on_a_non_contiguous_view(rng, key):
    base = random_array(rng, (6, 8, 10), np.int32)
    a = base[::-1, 1::2, ::-1][1:5, :, 2:8]  # (4, 4, 6), every stride unusual
    t = sd.asarray(base)[::-1, 1::2, ::-1][1:5, :, 2:8]
    try:
        expected = a[key]
    except IndexError:
        with pytest.raises(IndexError):
            t[key]
        return
    assert_same(t[key], expected)


def _unique(key):
    """Keys whose advanced indices name each element once (numpy's duplicate-assignment
    order is an implementation detail)."""
    items = key if isinstance(key, tuple) else (key,)
    for item in items:
        if isinstance(item, (list, np.ndarray)) and np.asarray(item).dtype != bool:
            flat = np.asarray(item).ravel()
            if len(set(flat % 6)) != len(flat):
                return False
    return True


@pytest.mark.parametrize("key", [k for k in _KEYS if _unique(k)], ids=_id)
@pytest.mark.parametrize("dtype", [np.float64, np.uint8, np.bool_], ids=lambda d: np.dtype(d).name)
def test_setitem_matches_numpy(rng, key, dtype):
    a = random_array(rng, (4, 5, 6), dtype)
    t = sd.asarray(a)
    target_shape = a[key].shape
    # a scalar
    scalar = {np.float64: 7.5, np.uint8: 7, np.bool_: True}[dtype]
    expected = a.copy()
    expected[key] = scalar
    t[key] = scalar
    assert_same(t, expected)
    # a broadcast array of another dtype (cast the numpy way, unsafe)
    value = random_array(rng, target_shape[-1:], np.int32, 0, 100)
    expected[key] = value
    t[key] = sd.asarray(value)
    assert_same(t, expected)
    # a numpy array and a list of the full target shape
    full = random_array(rng, target_shape, dtype)
    expected[key] = full
    t[key] = full
    assert_same(t, expected)
    if full.size:  # an empty list is shape (0,), which does not broadcast to (0, 5, 6)
        expected[key] = full.tolist()
        t[key] = full.tolist()
        assert_same(t, expected)


def test_setitem_through_a_view_reaches_the_base(rng):
    a = random_array(rng, (4, 6), np.float32)
    t = sd.asarray(a)
    view = t[::-1, 1::2]
    view[1:, [0, 2]] = -1.0
    a[::-1, 1::2][1:, [0, 2]] = -1.0
    assert_same(t, a)
    t.T[2] = 5.0
    a.T[2] = 5.0
    assert_same(t, a)
    t[a > 0] = 0.0
    a[a > 0] = 0.0
    assert_same(t, a)
    t[sd.asarray(a) < -0.5] *= 2  # a read-modify-write through a mask
    a[a < -0.5] *= 2
    assert_same(t, a)


def test_setitem_with_an_overlapping_view_of_itself(rng):
    a = random_array(rng, (8,), np.float64)
    t = sd.asarray(a)
    t[1:] = t[:-1]
    a[1:] = a[:-1].copy()
    assert_same(t, a)
    t[::-1] = t
    a[::-1] = a.copy()
    assert_same(t, a)


def test_setitem_casting_and_weak_scalars():
    t = sd.zeros(3, dtype=np.int32)
    t[0] = 2.9  # numpy truncates floats assigned into integers
    t[1] = True
    t[2] = -7
    assert_same(t, np.array([2, 1, -7], np.int32))
    u = sd.zeros(2, dtype=np.uint8)
    with pytest.raises(OverflowError):
        u[0] = 300  # numpy 2: a Python int out of range for the dtype
    with pytest.raises(OverflowError):
        np.zeros(2, np.uint8)[0] = 300
    assert_same(u, np.zeros(2, np.uint8))


def test_fill_and_ellipsis_assignment():
    t = sd.zeros((2, 3))
    t.fill(4)
    assert_same(t, np.full((2, 3), 4, np.float32))
    t[...] = sd.asarray([1.0, 2.0, 3.0])
    assert_same(t, np.broadcast_to(np.array([1, 2, 3], np.float32), (2, 3)))


def test_indexing_0d_tensors():
    a = np.array(5.0)
    t = sd.asarray(a)
    assert_same(t[()], a[()] * np.ones(()))
    assert_same(t[...], a[...])
    assert_same(t[None], a[None])
    t[()] = 2.0
    assert float(t) == 2.0
    with pytest.raises(IndexError):
        t[0]


def test_indexing_with_tensors_and_0d_tensor_ints(rng):
    a = random_array(rng, (5, 3), np.float64)
    t = sd.asarray(a)
    index = sd.asarray([4, 0])
    assert_same(t[index], a[[4, 0]])
    assert_same(t[sd.asarray(2)], a[2])
    assert_same(t[t[:, 0] > 0], a[a[:, 0] > 0])
    assert_same(t[1:3][sd.asarray([True, False])], a[1:3][[True, False]])


_BAD_KEYS = [(5,), (-6,), (0, 3), (0, 0, 0), 1.5, "a", (Ellipsis, Ellipsis), [5], [0, -6], ([0, 1], [0, 1, 2]),
             np.array([True, False]), np.zeros((5, 3), bool)[:, :2], np.array([1.0]), True, {1: 2}]


@pytest.mark.parametrize("key", _BAD_KEYS, ids=_id)
def test_bad_indices_raise_index_error(key):
    a = np.zeros((5, 3))
    t = sd.asarray(a)
    with pytest.raises(IndexError):
        t[key]
    with pytest.raises(IndexError):
        t[key] = 1.0
    assert_same(t, a)  # a refused assignment changed nothing
    assert_same(t[1:3, 0], a[1:3, 0])  # and indexing still works


def test_setitem_shape_mismatch_raises_value_error():
    t = sd.zeros((3, 4))
    with pytest.raises(ValueError):
        t[0] = sd.zeros(3)
    with pytest.raises(ValueError):
        t[[0, 1]] = sd.zeros((3, 4))
    with pytest.raises(ValueError):
        t[t > -1] = sd.zeros(5)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_getitem_every_dtype(rng, dtype):
    a = random_array(rng, (3, 4), dtype)
    t = sd.asarray(a)
    assert_same(t[::-1, [3, 0]], a[::-1, [3, 0]])
    assert_same(t[a.astype(bool) if dtype != np.bool_ else a], a[a.astype(bool) if dtype != np.bool_ else a])
    assert t[1, 2].item() == a[1, 2].item()


def test_iteration_and_len_follow_the_first_axis(rng):
    a = random_array(rng, (3, 2), np.int64)
    t = sd.asarray(a)
    assert len(t) == 3
    for row, expected in zip(t, a):
        assert_same(row, expected)
    assert [list(r) for r in t.tolist()] == a.tolist()
