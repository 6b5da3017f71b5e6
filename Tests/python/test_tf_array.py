"""TensorFlow's array functions against numpy references, TensorFlow's argument
conventions, the rules that tell numpy's calls from TensorFlow's, and clear errors."""
import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(13)
X = RNG.standard_normal((3, 4, 5)).astype(np.float32)


def close(result, expected, **kwargs):
    np.testing.assert_allclose(np.asarray(result), expected, rtol=1e-6, atol=1e-6, **kwargs)


def test_shape_rank_size():
    x = tf.constant(X)
    assert tf.shape(x).dtype == np.int32 and tf.shape(x).tolist() == [3, 4, 5]
    assert tf.shape(x, out_type=tf.int64).dtype == np.int64 and int(tf.shape(x)[0]) == 3
    assert int(tf.rank(x)) == 3 and tf.rank(x).dtype == np.int32
    assert tf.size(x) == 60 and tf.size(x, axis=1) == 4  # numpy's calls: Python ints
    assert int(tf.size(x, out_type=tf.int64)) == 60 and tf.size(x, name="n").dtype == np.int32
    assert tf.zeros(tf.shape(x)).shape == (3, 4, 5)  # a shape tensor passes as a shape
    assert [s.shape for s in tf.shape_n([x, x[0]])] == [(3,), (2,)]


def test_reshape_concat_stack_unstack_tile_transpose():
    x = tf.constant(X)
    close(tf.reshape(x, [-1, 5], name="r"), X.reshape(-1, 5))
    close(tf.reshape(x, tf.constant([12, 5])), X.reshape(12, 5))
    close(tf.concat([x, x], axis=1), np.concatenate([X, X], 1))
    close(tf.concat([x, x], -1), np.concatenate([X, X], -1))
    close(tf.stack([x, x], axis=1), np.stack([X, X], 1))
    parts = tf.unstack(x, axis=1)
    assert len(parts) == 4
    close(parts[2], X[:, 2])
    close(tf.tile(x, [1, 2, 3]), np.tile(X, [1, 2, 3]))
    close(tf.tile(x, [2]), np.tile(X, [2]))  # numpy's shorter reps
    close(tf.transpose(x, perm=[2, 0, 1]), X.transpose(2, 0, 1))
    close(tf.transpose(x), X.T)
    close(tf.expand_dims(x, axis=-1, name="e"), X[..., None])
    close(tf.squeeze(tf.constant(X[:, :1]), axis=1), X[:, 0])
    close(tf.reverse(x, axis=[0, 2]), X[::-1, :, ::-1])
    close(tf.slice(x, [1, 0, 2], [2, -1, 2]), X[1:3, :, 2:4])
    with pytest.raises(tf.errors.InvalidArgumentError, match="unstack"):
        tf.unstack(x, num=5, axis=1)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.slice(x, [0, 0, 0], [4, 1, 1])


def test_split_numpy_and_tensorflow_calls():
    x = tf.constant(np.arange(20.0).reshape(2, 10))
    parts = tf.split(x, 2, axis=1)
    close(parts[1], np.split(np.arange(20.0).reshape(2, 10), 2, axis=1)[1])
    sizes = tf.split(x, num_or_size_splits=[2, 3, -1], axis=1)  # TensorFlow's keyword: sizes
    assert [p.shape[1] for p in sizes] == [2, 3, 5]
    indices = tf.split(x, [2, 3], axis=1)  # numpy's positional list: split indices
    assert [p.shape[1] for p in indices] == [2, 1, 7]
    with pytest.raises(tf.errors.InvalidArgumentError, match="add up"):
        tf.split(x, num_or_size_splits=[2, 3], axis=1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="equal parts"):
        tf.split(x, 3, axis=1)


def test_pad():
    a = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    for mode in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        expected = np.pad(a, [[1, 1], [2, 2]], mode=mode.lower())
        close(tf.pad(a, [[1, 1], [2, 2]], mode=mode), expected)
    close(tf.pad(a, [[0, 1], [1, 0]], constant_values=9), np.pad(a, [[0, 1], [1, 0]], constant_values=9))
    with pytest.raises(tf.errors.InvalidArgumentError, match="paddings"):
        tf.pad(a, [[1, 1]] * 3)


def test_gather_family():
    params = tf.constant(X)
    close(tf.gather(params, [2, 0], axis=1), X[:, [2, 0]])
    close(tf.gather(params, [[0, 1], [2, 2]]), X[[[0, 1], [2, 2]]])
    batch_idx = np.array([[0, 3], [1, 1], [2, 0]])
    close(tf.gather(params, batch_idx, axis=1, batch_dims=1), np.stack([X[i][batch_idx[i]] for i in range(3)]))
    close(tf.gather_nd(params, [[0, 1], [2, 3]]), X[[0, 2], [1, 3]])
    close(tf.gather_nd(params, [[[0, 1, 2]]]), X[[[0]], [[1]], [[2]]])
    mask = X > 1
    close(tf.gather_nd(params, tf.where(mask)), X[np.where(mask)])  # numpy.where's tuple
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[0, 4\)"):
        tf.gather(params, [4], axis=1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="depth"):
        tf.gather_nd(params, [[0, 0, 0, 0]])


def test_scatter_family():
    indices = np.array([[0], [2], [0]])
    updates = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)
    expected = np.zeros((4, 2), np.float32)
    np.add.at(expected, indices[:, 0], updates)
    close(tf.scatter_nd(indices, updates, [4, 2]), expected)
    base = np.arange(8.0, dtype=np.float32).reshape(4, 2)
    close(tf.tensor_scatter_nd_add(base, indices, updates), base + expected)
    updated = base.copy()
    updated[2], updated[0] = updates[1], updates[2]  # of duplicates the last wins
    close(tf.tensor_scatter_nd_update(base, indices, updates), updated)
    close(tf.tensor_scatter_nd_sub(base, indices, updates), base - expected)
    close(tf.tensor_scatter_nd_max(base, [[1, 1]], [100.0]), np.where(np.arange(8).reshape(4, 2) == 3, 100, base))
    close(tf.tensor_scatter_nd_min(base, [[1, 1]], [-1.0]), np.where(np.arange(8).reshape(4, 2) == 3, -1, base))
    with pytest.raises(tf.errors.InvalidArgumentError, match="updates must have shape"):
        tf.tensor_scatter_nd_update(base, indices, updates[:2])
    check_gradients(lambda u: tf.scatter_nd(indices, u, [4, 2]), updates.astype(np.float64))


def test_where_numpy_and_tensorflow_forms():
    cond = X > 0
    close(tf.where(cond, X, -X), np.abs(X))
    close(tf.where(cond, 1.0, 0.0), cond.astype(np.float32))
    coordinates = tf.where(cond, name="w")  # TensorFlow's single-argument form
    assert coordinates.dtype == np.int64
    np.testing.assert_array_equal(coordinates, np.argwhere(cond))
    numpy_form = tf.where(cond)
    assert isinstance(numpy_form, tuple) and len(numpy_form) == 3
    np.testing.assert_array_equal(numpy_form[0], np.nonzero(cond)[0])


def test_boolean_mask_one_hot_sequence_mask():
    mask = np.array([True, False, True])
    close(tf.boolean_mask(X, mask), X[mask])
    mask2 = X[0] > 0
    close(tf.boolean_mask(X, mask2, axis=1), X[:, mask2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not match"):
        tf.boolean_mask(X, [True, False])
    hot = tf.one_hot([0, 2, -1, 5], depth=3)
    assert hot.dtype == np.float32
    np.testing.assert_array_equal(hot, [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(tf.one_hot([1], 3, on_value=5, off_value=-1), [[-1, 5, -1]])
    np.testing.assert_array_equal(tf.one_hot([0, 1], 3, axis=0), np.eye(3)[:, :2])
    np.testing.assert_array_equal(tf.sequence_mask([1, 3], 4), [[1, 0, 0, 0], [1, 1, 1, 0]])


def test_creation_functions():
    r = tf.range(5)
    assert r.dtype == np.int32 and r.tolist() == [0, 1, 2, 3, 4]
    r = tf.range(1.0, 2.0, 0.25)
    assert r.dtype == np.float32
    close(r, np.arange(1.0, 2.0, 0.25))
    assert tf.range(10, 0, -3).tolist() == [10, 7, 4, 1]
    close(tf.linspace(0.0, 1.0, 5, name="l"), np.linspace(0, 1, 5))
    f = tf.fill([2, 3], 7)
    assert f.dtype == np.int32 and f.shape == (2, 3) and int(f[1, 2]) == 7
    assert tf.zeros([2], tf.int32).dtype == np.int32 and tf.ones((2, 2), name="o").dtype == np.float32
    assert tf.zeros_like(tf.constant([1, 2])).dtype == np.int32 and tf.ones_like(X, dtype=tf.int64).dtype == np.int64
    close(tf.eye(2, 3), np.eye(2, 3))
    close(tf.eye(3, 3, 1), np.eye(3, 3, 1))  # numpy's k
    batch = tf.eye(2, batch_shape=[4])
    assert batch.shape == (4, 2, 2)
    close(batch[3], np.eye(2))
    close(tf.eye(2, 2, [3]), np.broadcast_to(np.eye(2), (3, 2, 2)))  # TensorFlow's positional batch_shape
    close(tf.identity(3), np.eye(3))  # numpy's identity(n)
    x = tf.Variable([1.0, 2.0])
    snapshot = tf.identity(x)
    x.assign([5.0, 5.0])
    close(snapshot, [1.0, 2.0])
    check_gradients(lambda a: tf.identity(a) * 2, np.array([1.0, 2.0]))


def test_gradients_of_representative_array_functions():
    a = RNG.standard_normal((3, 4))
    check_gradients(lambda t: tf.gather(t, [2, 0, 2], axis=1), a)
    check_gradients(lambda t: tf.gather_nd(t, [[0, 1], [2, 3], [0, 1]]), a)
    check_gradients(lambda t: tf.tile(t, [2, 1]), a)
    check_gradients(lambda t: tf.pad(t, [[1, 0], [0, 2]]), a)
    check_gradients(lambda t: tf.boolean_mask(t, np.array([True, False, True])), a)
    check_gradients(lambda t, u: tf.concat([t, u], axis=0), a, a[:1])
    check_gradients(lambda t: tf.stack(tf.unstack(t, axis=1)[::-1], axis=0), a)
    check_gradients(lambda t: tf.tensor_scatter_nd_update(t, [[1]], np.ones((1, 4))), a)


def test_numpy_keywords_still_work():
    a = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    close(tf.reshape(a=a, newshape=(3, 2)), a.reshape(3, 2))
    close(tf.stack(arrays=[a, a]), np.stack([a, a]))
    close(tf.broadcast_to(array=a[:1], shape=(2, 3)), np.broadcast_to(a[:1], (2, 3)))
    close(tf.expand_dims(a=a, axis=0), a[None])
    close(tf.squeeze(a=a[None]), a)
    close(tf.zeros_like(a=a), np.zeros_like(a))
    close(tf.ones_like(a=a), np.ones_like(a))
    close(tf.matmul(x1=a, x2=a.T), a @ a.T)
    close(tf.transpose(a, axes=(1, 0)), a.T)


def test_bad_input_gives_clear_errors():
    with pytest.raises(TypeError, match="integers"):
        tf.one_hot(tf.constant([0.5]), 3)
    with pytest.raises(TypeError, match="integers"):
        tf.gather(X, tf.constant([0.0]))
    with pytest.raises(TypeError, match="shape"):
        tf.zeros(["a"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        tf.random.normal([-1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="delta"):
        tf.range(0, 5, 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="axis"):
        tf.unstack(X, axis=3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="mask cannot be a scalar"):
        tf.boolean_mask(X, True)
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least one"):
        tf.concat([], axis=0)
    with pytest.raises(TypeError, match="input_signature"):
        tf.function(lambda x: x, input_signature=tf.TensorSpec([None]))


def test_roll_repeat_meshgrid_searchsorted_ensure_shape():
    a = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    close(tf.roll(a, 1, axis=1), np.roll(a, 1, axis=1))
    close(tf.roll(a, [1, -1], axis=[0, 1]), np.roll(a, [1, -1], axis=[0, 1]))
    close(tf.roll(a, 2), np.roll(a, 2))
    close(tf.repeat(a, 2, axis=0), np.repeat(a, 2, axis=0))
    close(tf.repeat(a, [1, 0, 2], axis=0), np.repeat(a, [1, 0, 2], axis=0))
    grid = tf.meshgrid(np.arange(3), np.arange(2))
    for got, want in zip(grid, np.meshgrid(np.arange(3), np.arange(2))):
        np.testing.assert_array_equal(got, want)
    sequence = np.array([[1.0, 3.0, 5.0], [0.0, 2.0, 4.0]])
    values = np.array([[3.0, 6.0], [1.0, -1.0]])
    found = tf.searchsorted(sequence, values, side="right")
    assert found.dtype == np.int32
    np.testing.assert_array_equal(found, [np.searchsorted(s, v, side="right") for s, v in zip(sequence, values)])
    np.testing.assert_array_equal(tf.searchsorted(np.array([1, 3, 5]), np.array([4])), [2])
    assert tf.ensure_shape(a, [None, 4]).shape == (3, 4)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not compatible"):
        tf.ensure_shape(a, [None, 5])
