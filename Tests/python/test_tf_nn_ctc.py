"""tf.nn's CTC functions against TensorFlow 2.21's outputs (fixtures/tf_nn/tf_nn_more.npz,
written by make_tf_nn_more_fixture.py): the loss and its gradient, the greedy and beam
search decoders (sparse results), collapse_repeated and ctc_unique_labels."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_nn" / "tf_nn_more.npz")
ARGS = (F["ctc_labels"], F["ctc_logits"], F["ctc_label_length"], F["ctc_logit_length"])


def test_ctc_loss_matches_tensorflow():
    np.testing.assert_allclose(np.asarray(tf.nn.ctc_loss(*ARGS)), F["ctc_loss"], rtol=1e-5)
    np.testing.assert_allclose(np.asarray(tf.nn.ctc_loss(*ARGS, blank_index=-1)), F["ctc_loss_blank_last"], rtol=1e-5)
    batch_major = np.transpose(F["ctc_logits"], (1, 0, 2))
    loss = tf.nn.ctc_loss(F["ctc_labels"], batch_major, F["ctc_label_length"], F["ctc_logit_length"],
                          logits_time_major=False)
    np.testing.assert_allclose(np.asarray(loss), F["ctc_loss_batch_major"], rtol=1e-5)


def test_ctc_loss_gradient_matches_tensorflow():
    logits = tf.constant(F["ctc_logits"])
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.reduce_sum(tf.nn.ctc_loss(F["ctc_labels"], logits, F["ctc_label_length"], F["ctc_logit_length"]))
    np.testing.assert_allclose(np.asarray(tape.gradient(loss, logits)), F["ctc_grad"], atol=1e-5)


def test_ctc_loss_takes_sparse_labels():
    labels, lengths = F["ctc_labels"], F["ctc_label_length"]
    indices = np.array([(b, i) for b in range(3) for i in range(lengths[b])], np.int64)
    sparse = tf.nn.SparseTensorValue(indices, labels[indices[:, 0], indices[:, 1]], np.array([3, 4], np.int64))
    loss = tf.nn.ctc_loss(sparse, F["ctc_logits"], None, F["ctc_logit_length"])
    np.testing.assert_allclose(np.asarray(loss), F["ctc_loss"], rtol=1e-5)


def test_greedy_decoder_matches_tensorflow():
    (decoded,), neg_sum = tf.nn.ctc_greedy_decoder(F["ctc_logits"], F["ctc_logit_length"])
    np.testing.assert_array_equal(np.asarray(decoded.indices), F["greedy_indices"])
    np.testing.assert_array_equal(np.asarray(decoded.values), F["greedy_values"])
    np.testing.assert_array_equal(np.asarray(decoded.dense_shape), F["greedy_shape"])
    np.testing.assert_allclose(np.asarray(neg_sum), F["greedy_neg_sum"], rtol=1e-6)
    (kept,), kept_sum = tf.nn.ctc_greedy_decoder(F["ctc_logits"], F["ctc_logit_length"], merge_repeated=False,
                                                 blank_index=0)
    np.testing.assert_array_equal(np.asarray(kept.to_dense(-1)), F["greedy_keep_dense"])
    np.testing.assert_allclose(np.asarray(kept_sum), F["greedy_keep_neg_sum"], rtol=1e-6)


def test_beam_search_decoder_matches_tensorflow():
    decoded, log_probabilities = tf.nn.ctc_beam_search_decoder(F["ctc_logits"], F["ctc_logit_length"], beam_width=8,
                                                               top_paths=2)
    assert len(decoded) == 2
    np.testing.assert_array_equal(np.asarray(decoded[0].to_dense(-1)), F["beam_0"])
    np.testing.assert_array_equal(np.asarray(decoded[1].to_dense(-1)), F["beam_1"])
    np.testing.assert_allclose(np.asarray(log_probabilities), F["beam_logp"], rtol=1e-5)


def test_collapse_repeated_and_unique_labels():
    collapsed, length = tf.nn.collapse_repeated(F["repeat_labels"], F["repeat_length"])
    np.testing.assert_array_equal(np.asarray(collapsed), F["collapsed"])
    np.testing.assert_array_equal(np.asarray(length), F["collapsed_length"])
    unique, index = tf.nn.ctc_unique_labels(F["repeat_labels"])
    assert np.asarray(unique).dtype == np.int64 and np.asarray(index).dtype == np.int32
    np.testing.assert_array_equal(np.asarray(unique), F["unique_labels"])
    np.testing.assert_array_equal(np.asarray(index), F["unique_index"])


@pytest.mark.parametrize("call, message", [
    (lambda: tf.nn.ctc_loss(ARGS[0], ARGS[1][0], ARGS[2], ARGS[3]), "rank 3"),
    (lambda: tf.nn.ctc_loss(ARGS[0][:2], ARGS[1], ARGS[2], ARGS[3]), "batch"),
    (lambda: tf.nn.ctc_loss(ARGS[0], ARGS[1], ARGS[2], np.array([13, 1, 1])), "logit_length"),
    (lambda: tf.nn.ctc_loss(ARGS[0], ARGS[1], ARGS[2], ARGS[3], blank_index=6), "blank_index"),
    (lambda: tf.nn.ctc_loss(ARGS[0], ARGS[1], None, ARGS[3]), "label_length"),
    (lambda: tf.nn.ctc_greedy_decoder(ARGS[1], [1, 2]), "sequence_length"),
    (lambda: tf.nn.ctc_beam_search_decoder(ARGS[1], ARGS[3], beam_width=1, top_paths=2), "top_paths"),
    (lambda: tf.nn.collapse_repeated(F["repeat_labels"], [7, 1, 1]), "seq_length"),
])
def test_bad_input_raises_invalid_argument(call, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        call()
