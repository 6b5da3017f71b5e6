"""swiftdl.nn cross-entropies with logits: values against numpy, finite-difference gradients
in float64 (softmax - onehot for the sparse form), stability, and clear errors."""
import numpy as np
import pytest

import swiftdl as sd
from _nn_gradcheck import check_gradients


def _log_softmax(x, axis=-1):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _logits(shape, seed=0, dtype=np.float64):
    return (np.random.default_rng(seed).standard_normal(shape) * 2).astype(dtype)


# ---- sparse ------------------------------------------------------------------------------


@pytest.mark.parametrize("label_dtype", [np.int32, np.int64, np.uint8])
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_sparse_values_match_numpy(label_dtype, dtype, rtol):
    logits = _logits((6, 5), dtype=dtype)
    labels = np.array([0, 4, 2, 2, 1, 3], dtype=label_dtype)
    loss = sd.nn.sparse_softmax_cross_entropy_with_logits(labels=sd.asarray(labels), logits=sd.asarray(logits))
    assert loss.shape == (6,) and loss.dtype == dtype
    expected = -_log_softmax(logits.astype(np.float64))[np.arange(6), labels]
    np.testing.assert_allclose(np.asarray(loss), expected, rtol=rtol)


def test_sparse_handles_extra_batch_axes_and_numpy_inputs():
    logits = _logits((2, 3, 4))
    labels = np.array([[0, 1, 3], [2, 2, 0]])
    loss = sd.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    expected = -np.take_along_axis(_log_softmax(logits), labels[..., None], axis=-1)[..., 0]
    np.testing.assert_allclose(np.asarray(loss), expected, rtol=1e-12)


def test_sparse_gradient_is_softmax_minus_onehot():
    logits = _logits((4, 3), seed=1)
    labels = np.array([2, 0, 1, 1])
    x = sd.asarray(logits)
    with sd.GradientTape() as tape:
        tape.watch(x)
        loss = sd.nn.sparse_softmax_cross_entropy_with_logits(labels=sd.asarray(labels), logits=x)
    expected = np.exp(_log_softmax(logits)) - np.eye(3)[labels]
    np.testing.assert_allclose(np.asarray(tape.gradient(loss, x)), expected, rtol=1e-12, atol=1e-15)


def test_sparse_gradients_match_finite_differences():
    labels = np.array([[1, 0], [3, 2]])
    check_gradients(lambda x, y: sd.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x),
                    _logits((2, 2, 4), seed=2), labels, wrt=[0])


def test_sparse_is_stable_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    loss = sd.nn.sparse_softmax_cross_entropy_with_logits(labels=sd.asarray(np.array([2, 1])), logits=sd.asarray(logits))
    np.testing.assert_allclose(np.asarray(loss), [2000.0, np.log(3)], rtol=1e-6)


@pytest.mark.parametrize("bad", [10, -1, 11])
def test_out_of_range_labels_raise_a_clear_error(bad):
    labels = np.array([1, bad, 3])
    with pytest.raises(ValueError, match=rf"\[sparse_softmax_cross_entropy_with_logits\] received a label value of {bad} "
                                          r"which is outside the valid range of \[0, 10\); labels shape \(3,\), "
                                          r"logits shape \(3, 10\)"):
        sd.nn.sparse_softmax_cross_entropy_with_logits(labels=sd.asarray(labels), logits=sd.asarray(_logits((3, 10))))


def test_sparse_rejects_bad_shapes_and_dtypes():
    logits = sd.asarray(_logits((3, 4)))
    with pytest.raises(ValueError, match=r"labels shape \(4,\), logits shape \(3, 4\)"):
        sd.nn.sparse_softmax_cross_entropy_with_logits(labels=sd.asarray(np.zeros(4, dtype=np.int64)), logits=logits)
    with pytest.raises(TypeError, match=r"labels must be integer class ids; received dtype float64"):
        sd.nn.sparse_softmax_cross_entropy_with_logits(labels=sd.asarray(np.zeros(3)), logits=logits)
    with pytest.raises(TypeError, match=r"logits must be a float tensor.*int64"):
        sd.nn.sparse_softmax_cross_entropy_with_logits(labels=sd.asarray(np.zeros(3, dtype=np.int64)),
                                                       logits=sd.asarray(np.zeros((3, 4), dtype=np.int64)))
    with pytest.raises(ValueError, match=r"at least one class"):
        sd.nn.sparse_softmax_cross_entropy_with_logits(labels=sd.asarray(np.zeros(3, dtype=np.int64)),
                                                       logits=sd.asarray(np.zeros((3, 0))))
    with pytest.raises(ValueError, match=r"needs both labels= and logits="):
        sd.nn.sparse_softmax_cross_entropy_with_logits(logits=logits)


# ---- dense -------------------------------------------------------------------------------


def _distribution(shape, axis=-1, seed=7):
    p = np.random.default_rng(seed).random(shape) + 0.1
    return p / p.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_dense_values_match_numpy(axis):
    logits, labels = _logits((3, 4, 5), seed=3), _distribution((3, 4, 5), axis)
    loss = sd.nn.softmax_cross_entropy_with_logits(labels=sd.asarray(labels), logits=sd.asarray(logits), axis=axis)
    expected = -(labels * _log_softmax(logits, axis)).sum(axis=axis)
    np.testing.assert_allclose(np.asarray(loss), expected, rtol=1e-12)


@pytest.mark.parametrize("axis", [-1, 0])
def test_dense_gradients_for_logits_and_labels_match_finite_differences(axis):
    check_gradients(lambda z, x: sd.nn.softmax_cross_entropy_with_logits(labels=z, logits=x, axis=axis),
                    _distribution((3, 4), axis, seed=4), _logits((3, 4), seed=5))
    # Labels that are not a distribution: the gradient is softmax·Σlabels - labels.
    check_gradients(lambda z, x: sd.nn.softmax_cross_entropy_with_logits(labels=z, logits=x, axis=axis),
                    np.random.default_rng(6).random((2, 3)) * 2, _logits((2, 3), seed=6))


def test_dense_float32_matches_and_rejects_mismatched_shapes():
    logits, labels = _logits((4, 6), dtype=np.float32), _distribution((4, 6)).astype(np.float32)
    loss = sd.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    np.testing.assert_allclose(np.asarray(loss), -(labels * _log_softmax(logits.astype(np.float64))).sum(-1), rtol=1e-5)
    with pytest.raises(ValueError, match=r"\[softmax_cross_entropy_with_logits\].*labels shape \(4, 5\), logits shape \(4, 6\)"):
        sd.nn.softmax_cross_entropy_with_logits(labels=sd.asarray(np.zeros((4, 5))), logits=sd.asarray(logits))


# ---- sigmoid -----------------------------------------------------------------------------


def test_sigmoid_cross_entropy_matches_the_textbook_form_and_is_stable():
    logits, labels = _logits((3, 5), seed=8), np.random.default_rng(9).random((3, 5))
    sig = 1 / (1 + np.exp(-logits))
    expected = -(labels * np.log(sig) + (1 - labels) * np.log(1 - sig))
    loss = sd.nn.sigmoid_cross_entropy_with_logits(labels=sd.asarray(labels), logits=sd.asarray(logits))
    np.testing.assert_allclose(np.asarray(loss), expected, rtol=1e-12)
    huge = sd.nn.sigmoid_cross_entropy_with_logits(labels=sd.asarray(np.array([0.0, 1.0, 1.0], dtype=np.float32)),
                                                   logits=sd.asarray(np.array([500.0, 500.0, -500.0], dtype=np.float32)))
    np.testing.assert_allclose(np.asarray(huge), [500.0, 0.0, 500.0])


def test_sigmoid_cross_entropy_gradients_match_finite_differences():
    check_gradients(lambda z, x: sd.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
                    np.random.default_rng(10).random((2, 3)), _logits((2, 3), seed=11))


def test_sigmoid_cross_entropy_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"\[sigmoid_cross_entropy_with_logits\].*logits shape \(2, 3\) and labels shape \(3,\)"):
        sd.nn.sigmoid_cross_entropy_with_logits(labels=sd.asarray(np.zeros(3)), logits=sd.asarray(np.zeros((2, 3))))


def test_loss_of_a_hostile_call_does_not_corrupt_later_results():
    logits = sd.asarray(_logits((2, 3)))
    with pytest.raises(ValueError):
        sd.nn.sparse_softmax_cross_entropy_with_logits(labels=sd.asarray(np.array([0, 5])), logits=logits)
    loss = sd.nn.sparse_softmax_cross_entropy_with_logits(labels=sd.asarray(np.array([0, 2])), logits=logits)
    np.testing.assert_allclose(np.asarray(loss), -_log_softmax(np.asarray(logits))[[0, 1], [0, 2]], rtol=1e-12)


def test_integer_labels_get_no_gradient_and_float_labels_do():
    logits = sd.Variable(_logits((3, 4)))
    ids = sd.asarray(np.array([0, 3, 1]))
    onehot = sd.asarray(np.eye(4)[[0, 3, 1]])
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(ids)
        tape.watch(onehot)
        sparse = sd.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=logits).sum()
        dense = sd.nn.softmax_cross_entropy_with_logits(labels=onehot, logits=logits).sum()
    assert tape.gradient(sparse, ids) is None
    np.testing.assert_allclose(np.asarray(tape.gradient(dense, onehot)), -_log_softmax(np.asarray(logits)), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(tape.gradient(sparse, logits)), np.asarray(tape.gradient(dense, logits)),
                               rtol=1e-12, atol=1e-15)
