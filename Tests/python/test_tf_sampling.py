"""Candidate samplers (tf.random.*_candidate_sampler) and the sampled losses
(tf.nn.sampled_softmax_loss, nce_loss, compute_accidental_hits).

The losses and the deterministic parts of the samplers (expected counts without unique,
all_candidate_sampler) are compared with TensorFlow 2.21's outputs
(fixtures/tf_random/tf_sampling.npz, make_tf_sampling_fixture.py); the draws, which cannot
equal TensorFlow's bits, are checked for their distribution, uniqueness and seeding.
"""
import pathlib

import numpy as np
import pytest

import swiftdl as tf

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_random" / "tf_sampling.npz")
VALUES = (F["sampled"], F["true_expected"], F["sampled_expected"])
ARGS = (F["weights"], F["biases"], F["labels"], F["inputs"], 5, 20)


def close(actual, name):
    actual = np.asarray(actual)
    assert actual.shape == F[name].shape and actual.dtype == F[name].dtype, name
    np.testing.assert_allclose(actual, F[name], rtol=1e-5, atol=1e-6)


def test_sampled_losses_match_tensorflow():
    close(tf.nn.sampled_softmax_loss(*ARGS, num_true=2, sampled_values=VALUES), "ssl")
    close(tf.nn.sampled_softmax_loss(*ARGS, num_true=2, sampled_values=VALUES, remove_accidental_hits=False),
          "ssl_keep")
    close(tf.nn.nce_loss(*ARGS, num_true=2, sampled_values=VALUES), "nce")
    close(tf.nn.nce_loss(*ARGS, num_true=2, sampled_values=VALUES, remove_accidental_hits=True), "nce_remove")


def test_sampled_softmax_gradient_matches_tensorflow():
    weights = tf.constant(F["weights"])
    with tf.GradientTape() as tape:
        tape.watch(weights)
        loss = tf.reduce_sum(tf.nn.sampled_softmax_loss(weights, *ARGS[1:], num_true=2, sampled_values=VALUES))
    close(tape.gradient(loss, weights), "ssl_grad")


def test_sharded_weights_are_concatenated():
    shards = [F["weights"][:7], F["weights"][7:]]
    close(tf.nn.sampled_softmax_loss(shards, *ARGS[1:], num_true=2, sampled_values=VALUES), "ssl")


def test_compute_accidental_hits():
    indices, ids, weights = tf.nn.compute_accidental_hits(F["labels"], F["sampled"], num_true=2)
    close(indices, "hits_indices"), close(ids, "hits_ids"), close(weights, "hits_weights")


def test_expected_counts_match_tensorflow():
    labels = F["labels"]
    _, true_count, sampled_count = tf.random.log_uniform_candidate_sampler(labels, 2, 5, False, 20, seed=1)
    close(true_count, "log_true")
    _, uni_true, uni_sampled = tf.random.uniform_candidate_sampler(labels, 2, 5, False, 20, seed=1)
    close(uni_true, "uni_true"), close(uni_sampled, "uni_sampled")
    _, fixed_true, _ = tf.random.fixed_unigram_candidate_sampler(labels, 2, 5, False, 20, unigrams=list(range(1, 21)),
                                                                 distortion=0.5, seed=1)
    close(fixed_true, "fixed_true")
    candidates, all_true, all_sampled = tf.random.all_candidate_sampler(labels, 2, 20, True)
    close(candidates, "all_c"), close(all_true, "all_true"), close(all_sampled, "all_sampled")
    assert tf.nn.all_candidate_sampler is tf.random.all_candidate_sampler


def test_log_uniform_draws_follow_zipf():
    candidates, _, sampled_count = tf.random.log_uniform_candidate_sampler([[0]], 1, 40000, False, 10, seed=3)
    candidates = np.asarray(candidates)
    assert candidates.dtype == np.int64 and candidates.min() >= 0 and candidates.max() < 10
    expected = (np.log(np.arange(10) + 2.0) - np.log(np.arange(10) + 1.0)) / np.log(11.0)
    frequencies = np.bincount(candidates, minlength=10) / len(candidates)
    np.testing.assert_allclose(frequencies, expected, atol=0.01)
    np.testing.assert_allclose(np.asarray(sampled_count), expected[candidates] * 40000, rtol=1e-5)


def test_unique_sampling_and_seeding():
    first = tf.random.uniform_candidate_sampler([[1, 2]], 2, 30, True, 40, seed=7)
    again = tf.random.uniform_candidate_sampler([[1, 2]], 2, 30, True, 40, seed=7)
    candidates = np.asarray(first[0])
    assert len(set(candidates.tolist())) == 30
    tf.random.set_seed(11)
    seeded = tf.random.uniform_candidate_sampler([[1, 2]], 2, 30, True, 40, seed=7)
    tf.random.set_seed(11)
    repeated = tf.random.uniform_candidate_sampler([[1, 2]], 2, 30, True, 40, seed=7)
    np.testing.assert_array_equal(np.asarray(seeded[0]), np.asarray(repeated[0]))
    assert not np.array_equal(np.asarray(first[0]), np.asarray(again[0]))  # an op seed's calls differ, as in TF
    # With unique=True the expected count is 1 - (1 - p)^tries, tries a whole number >= num_sampled.
    tries = np.log1p(-np.asarray(first[2], np.float64)) / np.log1p(-1 / 40)
    np.testing.assert_allclose(tries, np.round(tries), atol=1e-3)
    assert np.all(np.round(tries) >= 30)


def test_fixed_unigram_reserved_ids_and_shards():
    candidates, _, _ = tf.random.fixed_unigram_candidate_sampler([[2]], 1, 500, False, 6, unigrams=[1, 1, 1, 1],
                                                                 num_reserved_ids=2, num_shards=2, shard=0, seed=2)
    assert set(np.asarray(candidates).tolist()) == {2, 4}


def test_learned_unigram_learns_true_classes():
    for _ in range(30):
        tf.random.learned_unigram_candidate_sampler([[3] * 10], 10, 500, False, 8, seed=99)
    candidates, _, _ = tf.random.learned_unigram_candidate_sampler([[3] * 10], 10, 500, False, 8, seed=99)
    assert np.mean(np.asarray(candidates) == 3) > 0.9


@pytest.mark.parametrize("call, message", [
    (lambda: tf.random.uniform_candidate_sampler([[1]], 1, 5, True, 3), "num_sampled"),
    (lambda: tf.random.uniform_candidate_sampler([[9]], 1, 2, False, 3), r"\[0, 3\)"),
    (lambda: tf.random.uniform_candidate_sampler([1, 2], 1, 2, False, 3), "2-D"),
    (lambda: tf.random.log_uniform_candidate_sampler([[1, 2]], 1, 2, False, 3), "num_true"),
    (lambda: tf.random.fixed_unigram_candidate_sampler([[1]], 1, 2, False, 5, unigrams=[1, 2]), "range_max"),
    (lambda: tf.nn.sampled_softmax_loss(*ARGS[:3], F["inputs"][:2], 5, 20, num_true=2, sampled_values=VALUES),
     "labels"),
    (lambda: tf.nn.nce_loss(*ARGS[:4], 5, 10, num_true=2, sampled_values=VALUES), r"\[0, 10\)"),
])
def test_bad_input_raises_invalid_argument(call, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        call()
