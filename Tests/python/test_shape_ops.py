"""Shape functions against numpy: reshape (with -1), transpose/.T, expand_dims, squeeze,
concatenate, stack, take, where, clip, broadcast_to, ravel; views where numpy gives views."""
import numpy as np
import pytest

import swiftdl as sd
from conftest import DTYPES, assert_same, random_array


def _shares(tensor, base):
    return sd._C.shares_memory(tensor, base)


@pytest.mark.parametrize("shape", [(6, 4), (24,), (2, -1), (-1, 3, 2), (4, 3, 2, 1), (1, 24, 1), (-1,)], ids=str)
def test_reshape(rng, shape):
    a = random_array(rng, (2, 3, 4), np.float32)
    t = sd.asarray(a)
    result = t.reshape(shape)
    assert_same(result, a.reshape(shape))
    assert _shares(result, t)  # contiguous data reshape to a view
    assert_same(sd.reshape(t, shape), a.reshape(shape))
    assert_same(t.reshape(*shape), a.reshape(*shape))
    # non-contiguous input: numpy copies, and so do we (values in C order of the view)
    assert_same(t.transpose(2, 0, 1).reshape(shape), a.transpose(2, 0, 1).reshape(shape))
    assert_same(t[:, ::-1].reshape(shape), a[:, ::-1].reshape(shape))


def test_reshape_refuses_negative_sizes_other_than_minus_one():
    # numpy 2.4 quietly treats -2 like -1; swiftdl keeps the documented rule (one -1 only)
    with pytest.raises(ValueError, match="negative"):
        sd.zeros(24).reshape(-2, 12)


def test_reshape_empty_and_0d():
    assert_same(sd.zeros((0, 4)).reshape(-1, 2), np.zeros((0, 4), np.float32).reshape(-1, 2))
    assert_same(sd.asarray(3.0).reshape(1, 1), np.array(3.0, np.float32).reshape(1, 1))
    assert_same(sd.ones((1, 1)).reshape(()), np.ones((1, 1), np.float32).reshape(()))


@pytest.mark.parametrize("shape", [(5, 5), (-1, -1), (7,), (0, -1), (25,)], ids=str)
def test_bad_reshape_raises_value_error(shape):
    with pytest.raises(ValueError):
        np.zeros(24).reshape(shape)
    with pytest.raises(ValueError):
        sd.zeros(24).reshape(shape)


@pytest.mark.parametrize("axes", [None, (0, 1, 2), (2, 0, 1), (1, 0, 2), (-1, 0, 1)], ids=str)
def test_transpose(rng, axes):
    a = random_array(rng, (2, 3, 4), np.int32)
    t = sd.asarray(a)
    result = sd.transpose(t, axes)
    assert_same(result, np.transpose(a, axes))
    assert _shares(result, t)
    if axes is not None:
        assert_same(t.transpose(*axes), a.transpose(*axes))
        assert_same(t.transpose(axes), a.transpose(axes))
    assert_same(t.T, a.T)
    assert_same(t.mT, a.mT)
    assert_same(sd.asarray(np.float64(1.0)).T, np.array(1.0).T)


@pytest.mark.parametrize("axes", [(0, 1), (0, 0, 1), (0, 1, 3), (0, 1, 2, 0)], ids=str)
def test_bad_transpose_axes(axes):
    with pytest.raises(ValueError):
        np.transpose(np.zeros((2, 3, 4)), axes)
    with pytest.raises(ValueError):
        sd.transpose(sd.zeros((2, 3, 4)), axes)


def test_swapaxes_moveaxis_ravel(rng):
    a = random_array(rng, (2, 3, 4), np.float64)
    t = sd.asarray(a)
    assert_same(sd.swapaxes(t, 0, 2), np.swapaxes(a, 0, 2))
    assert_same(t.swapaxes(-1, 1), a.swapaxes(-1, 1))
    assert_same(sd.moveaxis(t, 0, -1), np.moveaxis(a, 0, -1))
    assert_same(sd.moveaxis(t, (0, 1), (2, 0)), np.moveaxis(a, (0, 1), (2, 0)))
    assert_same(sd.ravel(t.T), np.ravel(a.T))
    assert_same(t.flatten(), a.flatten())


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3, (0, 1), (0, -1), (3, 0)], ids=str)
def test_expand_dims(rng, axis):
    a = random_array(rng, (2, 3), np.uint8)
    t = sd.asarray(a)
    result = sd.expand_dims(t, axis)
    assert_same(result, np.expand_dims(a, axis))
    assert _shares(result, t)


@pytest.mark.parametrize("axis", [3, -4, (0, 0)], ids=str)
def test_bad_expand_dims(axis):
    with pytest.raises(ValueError):
        np.expand_dims(np.zeros((2, 3)), axis)
    with pytest.raises(ValueError):
        sd.expand_dims(sd.zeros((2, 3)), axis)


@pytest.mark.parametrize("axis", [None, 0, 2, -1, (0, 2), (0, 2, 3)], ids=str)
def test_squeeze(rng, axis):
    a = random_array(rng, (1, 3, 1, 1), np.bool_)
    t = sd.asarray(a)
    assert_same(sd.squeeze(t, axis), np.squeeze(a, axis))
    assert_same(t.squeeze(axis), a.squeeze(axis))
    assert _shares(t.squeeze(axis), t)


@pytest.mark.parametrize("axis", [1, 4, (0, 1)], ids=str)
def test_squeeze_of_a_non_unit_axis_is_refused(axis):
    with pytest.raises(ValueError):
        np.squeeze(np.zeros((1, 3, 1, 1)), axis)
    with pytest.raises(ValueError):
        sd.squeeze(sd.zeros((1, 3, 1, 1)), axis)


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_concatenate(rng, axis):
    parts = [random_array(rng, (2, 3), np.float32), random_array(rng, (2, 3), np.float32).T.T,
             random_array(rng, (2, 3), np.float32)[:, ::-1]]
    assert_same(sd.concatenate([sd.asarray(p) for p in parts], axis=axis), np.concatenate(parts, axis=axis))


def test_concatenate_mixed_dtypes_views_and_empty(rng):
    a = random_array(rng, (2, 3), np.int32)
    b = random_array(rng, (4, 3), np.float32)
    c = np.zeros((0, 3), np.uint8)
    assert_same(sd.concatenate([sd.asarray(a), sd.asarray(b).T.T[::-1], sd.asarray(c)]),
                np.concatenate([a, b[::-1], c]))
    assert_same(sd.concatenate([sd.asarray(a), b]), np.concatenate([a, b]))
    assert_same(sd.concatenate([sd.asarray([True]), sd.asarray([2])]), np.concatenate([[True], [2]]))


def test_bad_concatenate():
    with pytest.raises(ValueError):
        sd.concatenate([])
    with pytest.raises(ValueError):
        sd.concatenate([sd.zeros((2, 3)), sd.zeros((2, 4))])
    with pytest.raises(ValueError):
        sd.concatenate([sd.zeros((2, 3)), sd.zeros((2,))])
    with pytest.raises((ValueError, IndexError)):
        sd.concatenate([sd.zeros((2, 3)), sd.zeros((2, 3))], axis=2)
    with pytest.raises(ValueError):
        sd.concatenate([sd.asarray(1.0), sd.asarray(2.0)])


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_stack(rng, axis):
    parts = [random_array(rng, (2, 3), np.int64) for _ in range(4)]
    tensors = [sd.asarray(p) for p in parts]
    tensors[1] = tensors[1][::-1][::-1]
    assert_same(sd.stack(tensors, axis=axis), np.stack(parts, axis=axis))


def test_stack_of_scalars_and_bad_stacks():
    assert_same(sd.stack([sd.asarray(1.0), sd.asarray(2.0)]), np.stack([np.float32(1), np.float32(2)]))
    with pytest.raises(ValueError):
        sd.stack([sd.zeros(2), sd.zeros(3)])
    with pytest.raises(ValueError):
        sd.stack([])
    with pytest.raises((ValueError, IndexError)):
        sd.stack([sd.zeros(2), sd.zeros(2)], axis=3)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_take(rng, dtype, axis):
    a = random_array(rng, (4, 5), dtype)
    size = a.size if axis is None else a.shape[axis]
    indices = rng.integers(-size, size, (2, 3))
    assert_same(sd.take(sd.asarray(a), sd.asarray(indices), axis=axis), np.take(a, indices, axis=axis))
    transposed_size = a.size if axis is None else a.T.shape[axis]
    indices_t = rng.integers(-transposed_size, transposed_size, (3,))
    assert_same(sd.asarray(a).T.take(indices_t.tolist(), axis=axis), a.T.take(indices_t, axis=axis))
    assert_same(sd.take(sd.asarray(a), 2, axis=axis), np.take(a, 2, axis=axis))
    assert_same(sd.take(sd.asarray(a), np.zeros(0, np.int64), axis=axis), np.take(a, np.zeros(0, np.int64), axis=axis))


@pytest.mark.parametrize("indices", [[5], [-6], [0, 100], [2 ** 40]], ids=str)
def test_take_out_of_range_raises_index_error(indices):
    with pytest.raises(IndexError):
        np.take(np.zeros(5), indices)
    with pytest.raises(IndexError, match="out of bounds"):
        sd.take(sd.zeros(5), indices)


def test_take_refuses_float_indices_and_bad_axis():
    with pytest.raises(TypeError):
        np.take(np.zeros(5), np.array([1.0]))
    with pytest.raises((TypeError, IndexError)):
        sd.take(sd.zeros(5), sd.asarray([1.0]))
    with pytest.raises((ValueError, IndexError)):
        sd.take(sd.zeros((2, 3)), [0], axis=2)


@pytest.mark.parametrize("dtypes", [(np.float32, np.float32), (np.int32, np.float64), (np.uint8, np.bool_),
                                    (np.int64, np.int32)], ids=str)
def test_where(rng, dtypes):
    condition = rng.random((3, 1)) < 0.5
    x = random_array(rng, (3, 4), dtypes[0])
    y = random_array(rng, (4,), dtypes[1])
    assert_same(sd.where(sd.asarray(condition), sd.asarray(x), sd.asarray(y)), np.where(condition, x, y))
    # non-bool conditions use truthiness; Python scalars are weak
    numeric = random_array(rng, (3, 4), np.int32, 0, 2)
    assert_same(sd.where(sd.asarray(numeric), sd.asarray(x), 0), np.where(numeric, x, np.asarray(0, x.dtype)))
    assert_same(sd.where(sd.asarray(condition).T, 1.5, sd.asarray(y)[:3]), np.where(condition.T, 1.5, y[:3]))


def test_where_single_argument_is_nonzero(rng):
    a = random_array(rng, (3, 4), np.int32, -1, 2)
    for ours, theirs in zip(sd.where(sd.asarray(a)), np.where(a)):
        assert_same(ours, theirs)
    for ours, theirs in zip(sd.asarray(a).T.nonzero(), a.T.nonzero()):
        assert_same(ours, theirs)
    with pytest.raises(ValueError):
        sd.where(sd.asarray(a), 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("bounds", [(0, 50), (None, 10), (-5, None), (60, 40)], ids=str)
def test_clip(rng, dtype, bounds):
    a = random_array(rng, (4, 5), dtype)
    assert_same(sd.clip(sd.asarray(a), *bounds), np.clip(a, *bounds))
    assert_same(sd.asarray(a).T.clip(*bounds), a.T.clip(*bounds))


def test_clip_with_array_bounds_and_nan(rng):
    a = np.array([np.nan, -3.0, 0.5, 7.0], np.float32)
    low = np.array([0.0, 0.0, 1.0, 0.0], np.float32)
    assert_same(sd.clip(sd.asarray(a), sd.asarray(low), 5.0), np.clip(a, low, 5.0))
    with pytest.raises(ValueError):
        sd.clip(sd.asarray(a))


def test_broadcast_to(rng):
    a = random_array(rng, (3, 1), np.float32)
    t = sd.asarray(a)
    result = sd.broadcast_to(t, (2, 3, 4))
    assert_same(result, np.broadcast_to(a, (2, 3, 4)))
    assert _shares(result, t) and result.strides[0] == 0
    with pytest.raises(ValueError):
        sd.broadcast_to(t, (2, 2))
    with pytest.raises(ValueError):
        sd.broadcast_to(t, (1,))
