"""tf.math and the top-level reductions, orderings, clipping and products against numpy
references, TensorFlow's defaults, finite-difference gradients and clear errors."""
import math

import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(7)
X = RNG.standard_normal((3, 4)).astype(np.float32)


def close(result, expected, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(result), expected, rtol=rtol, atol=atol)


def test_reduce_family():
    for name, reference in [("reduce_sum", np.sum), ("reduce_mean", np.mean), ("reduce_max", np.max),
                            ("reduce_min", np.min), ("reduce_prod", np.prod), ("reduce_std", np.std),
                            ("reduce_variance", np.var)]:
        function = getattr(tf, name, None) or getattr(tf.math, name)
        close(function(X), reference(X))
        close(function(X, axis=1, keepdims=True, name="r"), reference(X, axis=1, keepdims=True))
        close(function(X, axis=[0, 1]), reference(X, axis=(0, 1)))
    close(tf.reduce_logsumexp(X, axis=1), np.log(np.exp(X).sum(1)))
    close(tf.reduce_logsumexp(tf.constant([-np.inf, -np.inf])), -np.inf)
    close(tf.reduce_logsumexp(tf.constant([1000.0, 1000.0])), 1000 + math.log(2))
    close(tf.math.reduce_euclidean_norm(X, 0), np.sqrt((X ** 2).sum(0)))
    assert bool(tf.reduce_any(X > 2.5, axis=None)) == bool((X > 2.5).any())
    np.testing.assert_array_equal(tf.reduce_all(X > -3, axis=0), (X > -3).all(0))
    ints = tf.constant([[1, 2], [4, 4]])
    assert tf.reduce_sum(ints).dtype == np.int32 and int(tf.reduce_sum(ints)) == 11
    mean = tf.reduce_mean(ints, axis=1)  # TensorFlow: integer mean, truncated
    assert mean.dtype == np.int32 and mean.tolist() == [1, 4]
    assert tf.reduce_mean(tf.constant([-3, -4])).tolist() == -3
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.reduce_sum(X, axis=2)


def test_argmax_cumsum_defaults():
    assert tf.math.argmax(X).tolist() == np.argmax(X, axis=0).tolist()  # TensorFlow's axis 0
    assert int(tf.argmax(X)) == int(np.argmax(X))  # numpy's call: flattened
    assert tf.argmax(X, axis=1, output_type=tf.int32).dtype == np.int32
    assert tf.math.argmin(X, axis=1).tolist() == np.argmin(X, 1).tolist()
    close(tf.math.cumsum(X), np.cumsum(X, 0))  # TensorFlow's axis 0
    close(tf.cumsum(X), np.cumsum(X))  # numpy's call: flattened
    close(tf.cumsum(X, axis=1), np.cumsum(X, 1))
    close(tf.cumsum(X, exclusive=True), np.cumsum(X, 0) - X)  # TensorFlow's keywords: axis 0
    close(tf.math.cumsum(X, axis=1, reverse=True), np.cumsum(X[:, ::-1], 1)[:, ::-1])
    close(tf.math.cumsum(X, axis=1, exclusive=True, reverse=True), np.cumsum(X[:, ::-1], 1)[:, ::-1] - X)
    close(tf.math.cumprod(X, axis=1, exclusive=True), np.concatenate([np.ones((3, 1)), np.cumprod(X, 1)[:, :-1]], 1))


def test_sort_argsort_top_k_unique():
    close(tf.sort(X), np.sort(X))
    close(tf.sort(X, axis=0, direction="DESCENDING"), -np.sort(-X, axis=0))
    ties = tf.constant([3, 1, 3, 2])
    assert tf.argsort(ties).tolist() == [1, 3, 0, 2]
    assert tf.argsort(ties, direction="DESCENDING", stable=True).tolist() == [0, 2, 3, 1]
    assert tf.sort(ties, -1, "quicksort").tolist() == [1, 2, 3, 3]  # numpy's `kind` there
    with pytest.raises(tf.errors.InvalidArgumentError, match="direction"):
        tf.sort(ties, direction="UP")
    values, indices = tf.math.top_k(X, k=2)
    close(values, -np.sort(-X, axis=1)[:, :2])
    assert indices.dtype == np.int32 and indices.tolist() == np.argsort(-X, 1, kind="stable")[:, :2].tolist()
    assert tf.math.in_top_k(tf.constant([0, 1, 2]), X[:, :3], 1).tolist() == \
        [int(np.argmax(X[i, :3])) == i for i in range(3)]
    y, idx = tf.unique(tf.constant([4, 1, 4, 2, 1]), out_idx=tf.int32)  # TensorFlow's call: first-seen order
    assert y.tolist() == [4, 1, 2] and idx.tolist() == [0, 1, 0, 2, 1]
    assert tf.unique(tf.constant([4, 1, 4, 2, 1])).tolist() == [1, 2, 4]  # numpy's call: sorted
    values, inverse, counts = tf.unique(np.array([4, 1, 4, 2]), return_inverse=True, return_counts=True)
    expected = np.unique(np.array([4, 1, 4, 2]), return_inverse=True, return_counts=True)
    assert values.tolist() == expected[0].tolist() and inverse.tolist() == expected[1].tolist()
    assert counts.tolist() == expected[2].tolist()
    y, idx, count = tf.unique_with_counts(tf.constant([5.0, 5.0, 3.0]))
    assert y.tolist() == [5.0, 3.0] and count.tolist() == [2, 1]


def test_segments():
    data = np.arange(12.0, dtype=np.float32).reshape(4, 3)
    ids = np.array([0, 0, 2, 2])
    close(tf.math.segment_sum(data, ids), [data[:2].sum(0), np.zeros(3), data[2:].sum(0)])
    close(tf.math.segment_mean(data, ids), [data[:2].mean(0), np.zeros(3), data[2:].mean(0)])
    close(tf.math.segment_max(data, ids), [data[1], np.zeros(3), data[3]])  # empty segment: 0
    close(tf.math.segment_min(data, ids), [data[0], np.zeros(3), data[2]])
    close(tf.math.segment_prod(data, ids), [data[0] * data[1], np.ones(3), data[2] * data[3]])
    unsorted = np.array([1, 0, 1, 5])  # 5 is outside num_segments: dropped
    close(tf.math.unsorted_segment_sum(data, unsorted, 3), [data[1], data[0] + data[2], np.zeros(3)])
    close(tf.math.unsorted_segment_mean(data, unsorted, 2), [data[1], (data[0] + data[2]) / 2])
    close(tf.math.unsorted_segment_sqrt_n(data, unsorted, 2), [data[1], (data[0] + data[2]) / np.sqrt(2)])
    maxima = tf.math.unsorted_segment_max(data, unsorted, 3)
    close(maxima[:2], [data[1], np.maximum(data[0], data[2])])
    assert float(maxima[2, 0]) == np.finfo(np.float32).min
    close(tf.math.unsorted_segment_min(data, unsorted, 2), [data[1], np.minimum(data[0], data[2])])
    close(tf.math.unsorted_segment_prod(data, unsorted, 2), [data[1], data[0] * data[2]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="sorted"):
        tf.math.segment_sum(data, [1, 0, 0, 0])
    check_gradients(lambda d: tf.math.unsorted_segment_sum(d, unsorted, 3), data.astype(np.float64))
    check_gradients(lambda d: tf.math.segment_mean(d, ids), data.astype(np.float64))


def test_elementwise_math():
    x = np.array([-2.5, -0.5, 0.0, 0.7, 3.0], np.float32)
    y = np.array([1.0, 0.0, 2.0, 0.0, -4.0], np.float32)
    close(tf.math.divide_no_nan(x, y), np.where(y == 0, 0, x / np.where(y == 0, 1, y)))
    with np.errstate(invalid="ignore"):
        expected = np.where(y == 0, 0, np.inf * y)
    close(tf.math.multiply_no_nan(np.float32(np.inf) * np.ones(5, np.float32), y), expected)
    close(tf.math.log_sigmoid(x), -np.log1p(np.exp(-x)))
    close(tf.math.log_sigmoid(tf.constant([-200.0, 200.0])), [-200.0, 0.0])
    close(tf.math.softplus(x), np.log1p(np.exp(x)))
    erf = np.vectorize(math.erf)
    close(tf.math.erf(x), erf(x))
    close(tf.math.erfc(x), 1 - erf(x), atol=1e-5)
    positive = np.array([0.1, 0.5, 1.0, 2.5, 7.0, 30.0, 171.0], np.float64)
    close(tf.math.lgamma(positive), [math.lgamma(v) for v in positive], rtol=1e-9)
    negative = np.array([-0.5, -1.5, -2.3], np.float64)
    close(tf.math.lgamma(negative), [math.lgamma(v) for v in negative], rtol=1e-9)
    digamma_ref = [(math.lgamma(v + 1e-6) - math.lgamma(v - 1e-6)) / 2e-6 for v in np.r_[positive, negative]]
    close(tf.math.digamma(np.r_[positive, negative]), digamma_ref, rtol=1e-6)
    close(tf.math.digamma(np.array([1.0])), [-0.5772156649015329], rtol=1e-10)
    assert math.isinf(float(tf.math.lgamma(np.array([0.0]))[0]))
    close(tf.math.squared_difference(x, y), (x - y) ** 2)
    close(tf.math.rsqrt(np.array([4.0, 0.25])), [0.5, 2.0])
    close(tf.math.xlogy(np.array([0.0, 2.0]), np.array([0.0, 3.0])), [0.0, 2 * math.log(3)])
    close(tf.math.floormod(np.array([-7, 7]), 3), [2, 1])
    close(tf.math.floordiv(np.array([-7, 7]), 3), [-3, 2])
    close(tf.math.add_n([x, y, x]), 2 * x + y)
    close(tf.math.polyval([1.0, 2.0, 3.0], x), x ** 2 + 2 * x + 3)
    close(tf.math.l2_normalize(X, axis=1), X / np.linalg.norm(X, axis=1, keepdims=True))
    np.testing.assert_array_equal(tf.math.is_nan(tf.constant([np.nan, 1.0])), [True, False])
    np.testing.assert_array_equal(tf.math.is_finite(tf.constant([np.inf, 1.0])), [False, True])
    assert float(tf.math.count_nonzero(y)) == 3 and tf.math.count_nonzero(y).dtype == np.int64
    close(tf.math.tan(x), np.tan(x), rtol=1e-4)
    close(tf.math.atan2(x, y), np.arctan2(x, y))
    close(tf.math.exp(x, name="e"), np.exp(x))
    close(tf.math.round(np.array([0.5, 1.5, 2.5])), [0.0, 2.0, 2.0])
    close(tf.math.softmax(X), np.exp(X) / np.exp(X).sum(1, keepdims=True))
    with pytest.raises(tf.errors.InvalidArgumentError, match="same shape"):
        tf.math.add_n([x, X])


def test_gradients_of_representative_math_functions():
    a = RNG.uniform(0.3, 4.0, (2, 3))
    check_gradients(tf.math.lgamma, a, rtol=1e-5)
    check_gradients(tf.math.digamma, a, rtol=1e-4)
    check_gradients(lambda t: tf.math.lgamma(t - 5.0), a)  # the reflection branch
    check_gradients(tf.math.log_sigmoid, a - 2)
    check_gradients(tf.math.softplus, a - 2)
    check_gradients(tf.math.erf, a - 2)
    check_gradients(lambda t, u: tf.math.divide_no_nan(t, u * np.array([1.0, 0.0, 1.0])), a, a, wrt=[0])
    check_gradients(lambda t: tf.reduce_logsumexp(t, axis=1), a)
    check_gradients(lambda t: tf.reduce_mean(t, axis=0), a)
    check_gradients(lambda t: tf.reduce_max(t, axis=1, keepdims=True), a)
    check_gradients(lambda t: tf.math.cumsum(t, axis=1, exclusive=True, reverse=True), a)
    check_gradients(lambda t: tf.sort(t, direction="DESCENDING"), a)
    check_gradients(lambda t: tf.math.top_k(t, k=2).values, a)
    check_gradients(lambda t: tf.clip_by_norm(t, 1.0), a)
    check_gradients(lambda t: tf.einsum("ij,kj->ik", t, t), a)
    check_gradients(lambda t: tf.matmul(t, t, transpose_b=True), a)
    check_gradients(lambda t: tf.norm(t, axis=1), a)


def test_clipping():
    close(tf.clip_by_value(X, -0.5, 0.5), np.clip(X, -0.5, 0.5))
    close(tf.clip_by_value(X, np.full((1, 4), -0.1, np.float32), 0.2), np.clip(X, -0.1, 0.2))
    norm = np.sqrt((X ** 2).sum())
    close(tf.clip_by_norm(X, 1.0), X / norm)
    close(tf.clip_by_norm(X, 100.0), X)
    close(tf.clip_by_norm(np.zeros(3, np.float32), 1.0), np.zeros(3))
    rows = np.sqrt((X ** 2).sum(1, keepdims=True))
    close(tf.clip_by_norm(X, 1.0, axes=[1]), X / np.maximum(rows, 1.0))
    a, b = X[:2], X[2:]
    total = np.sqrt((a ** 2).sum() + (b ** 2).sum())
    clipped, global_norm = tf.clip_by_global_norm([a, None, b], 1.0)
    close(global_norm, total)
    assert clipped[1] is None
    close(clipped[0], a / total)
    close(clipped[2], b / total)
    same, _ = tf.clip_by_global_norm([a], 1e6)
    close(same[0], a)
    with pytest.raises(TypeError):
        tf.clip_by_global_norm(tf.constant(a), 1.0)


def test_products_and_norms():
    a, b = RNG.standard_normal((2, 3, 4)).astype(np.float32), RNG.standard_normal((2, 5, 4)).astype(np.float32)
    close(tf.matmul(a, b, transpose_b=True), a @ b.transpose(0, 2, 1), rtol=1e-5)
    close(tf.matmul(a, a, transpose_a=True), a.transpose(0, 2, 1) @ a, rtol=1e-5)
    close(tf.linalg.matmul(a[0], b[0], adjoint_b=True, name="m"), a[0] @ b[0].T, rtol=1e-5)
    close(tf.einsum("bij,bkj->bik", a, b), np.einsum("bij,bkj->bik", a, b), rtol=1e-5)
    close(tf.tensordot(a, b, axes=[[2], [2]]), np.tensordot(a, b, axes=[[2], [2]]), rtol=1e-5)
    close(tf.tensordot(a[0], a[0].T, axes=1), a[0] @ a[0].T, rtol=1e-5)
    close(tf.norm(a), np.sqrt((a ** 2).sum()))
    close(tf.norm(a, axis=-1, keepdims=True), np.linalg.norm(a, axis=-1, keepdims=True))
    close(tf.norm(a[0], ord=1, axis=1), np.abs(a[0]).sum(1))
    close(tf.norm(a[0], ord=np.inf), np.abs(a[0]).max())  # axis None: one vector
    close(tf.norm(a[0], ord="fro", axis=[0, 1]), np.linalg.norm(a[0]))
    close(tf.norm(a[0], ord=1, axis=(0, 1)), np.linalg.norm(a[0], 1))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.norm(a, ord="nuclear")
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.matmul(a, b)


def test_bincount_and_confusion_matrix():
    values = np.array([1, 1, 3, 0, 3, 3])
    np.testing.assert_array_equal(tf.math.bincount(values), np.bincount(values))
    np.testing.assert_array_equal(tf.math.bincount(values, minlength=6), np.bincount(values, minlength=6))
    np.testing.assert_array_equal(tf.math.bincount(values, maxlength=2), np.bincount(values)[:2])
    weights = np.arange(6.0, dtype=np.float32)
    close(tf.math.bincount(values, weights=weights), np.bincount(values, weights=weights))
    np.testing.assert_array_equal(tf.math.bincount(np.array([[0, 0], [1, 2]]), axis=-1), [[2, 0, 0], [0, 1, 1]])
    labels, predictions = np.array([0, 1, 2, 1]), np.array([0, 2, 2, 1])
    expected = np.zeros((3, 3), np.int32)
    np.add.at(expected, (labels, predictions), 1)
    matrix = tf.math.confusion_matrix(labels, predictions)
    assert matrix.dtype == np.int32
    np.testing.assert_array_equal(matrix, expected)
    np.testing.assert_array_equal(tf.math.confusion_matrix(labels, predictions, num_classes=4)[:3, :3], expected)
    weighted = tf.math.confusion_matrix(labels, predictions, weights=np.array([1.0, 2.0, 3.0, 4.0]),
                                        dtype=tf.float32)
    assert weighted.dtype == np.float32 and float(weighted[1, 2]) == 2.0
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_classes"):
        tf.math.confusion_matrix(labels, predictions, num_classes=2)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.math.bincount(np.array([-1, 2]))
