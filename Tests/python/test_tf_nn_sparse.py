"""tf.nn.embedding_lookup_sparse, safe_embedding_lookup_sparse and the fractional pools
against TensorFlow 2.21 (fixtures/tf_nn_sparse, written by make_tf_nn_sparse_fixture.py);
the pools are compared on the boundaries TensorFlow drew, and swiftdl's own draws are
checked for the structure TensorFlow's generators give."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients
from swiftdl.nn._fractional_pool import pool_with_sequences

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_nn_sparse" / "tf_nn_sparse.npz")


def close(actual, name):
    np.testing.assert_allclose(np.asarray(actual), F[name], rtol=1e-12, atol=1e-14)
    assert np.asarray(actual).shape == F[name].shape, name


def sparse(values, indices="ids_indices", shape="shape"):
    return tf.SparseTensor(F[indices], F[values], F[shape])


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
def test_embedding_lookup_sparse_matches_tensorflow(combiner):
    ids, weights = sparse("ids_values"), sparse("weights_values")
    close(tf.nn.embedding_lookup_sparse(F["params"], ids, weights, combiner=combiner), f"lookup_{combiner}")
    close(tf.nn.embedding_lookup_sparse(F["params"], ids, None, combiner=combiner), f"lookup_{combiner}_unweighted")
    variable = tf.Variable(F["params"])
    with tf.GradientTape() as tape:
        out = tf.nn.embedding_lookup_sparse(variable, ids, weights, combiner=combiner)
        loss = tf.reduce_sum(out * np.arange(out.shape[0] * 3).reshape(out.shape[0], 3))
    close(tape.gradient(loss, variable), f"lookup_{combiner}_grad")
    safe_ids, safe_weights = sparse("safe_values"), sparse("safe_weights")
    close(tf.nn.safe_embedding_lookup_sparse(F["params"], safe_ids, safe_weights, combiner=combiner),
          f"safe_{combiner}")
    close(tf.nn.safe_embedding_lookup_sparse(F["params"], safe_ids, None, combiner=combiner, default_id=3),
          f"safe_{combiner}_default")


def test_embedding_lookup_sparse_shapes_and_errors():
    close(tf.nn.safe_embedding_lookup_sparse(F["params"], sparse("rank3_values", "rank3_indices", "rank3_shape"), None),
          "safe_rank3")
    close(tf.nn.embedding_lookup_sparse([F["params"][:3], F["params"][3:]], sparse("ids_values"),
                                        sparse("weights_values")), "lookup_split_params")
    with pytest.raises(ValueError, match="combiner"):
        tf.nn.embedding_lookup_sparse(F["params"], sparse("ids_values"), None, combiner="max")
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.nn.embedding_lookup_sparse(F["params"], np.array([[1, 2]]), None)
    with pytest.raises(tf.errors.InvalidArgumentError, match="ids must be in"):
        tf.nn.embedding_lookup_sparse(F["params"][:2], sparse("ids_values"), None)


@pytest.mark.parametrize("label", ["max_overlap", "max_plain", "avg_overlap", "avg_plain"])
def test_fractional_pools_match_tensorflow_on_its_boundaries(label):
    pooled = pool_with_sequences(F["image"], F[label + "_rows"], F[label + "_cols"], overlapping="overlap" in label,
                                 average=label.startswith("avg"))
    close(pooled, label)
    check_gradients(lambda x: pool_with_sequences(x, F[label + "_rows"], F[label + "_cols"], "overlap" in label,
                                                  label.startswith("avg")), F["image"][:1, :, :, :1] + 0.0)


@pytest.mark.parametrize("pseudo_random", [True, False])
def test_fractional_pool_boundaries_have_tensorflows_structure(pseudo_random):
    image = F["image"]
    for function in (tf.nn.fractional_max_pool, tf.nn.fractional_avg_pool):
        pooled, rows, cols = function(image, [1.0, 1.5, 1.7, 1.0], pseudo_random=pseudo_random, seed=3)
        assert tuple(pooled.shape) == (2, 6, 6, 3)
        for sequence, length, out in ((np.asarray(rows), 9, 6), (np.asarray(cols), 11, 6)):
            assert sequence[0] == 0 and sequence[-1] == length and len(sequence) == out + 1
            assert set(np.diff(sequence)) <= {length // out, length // out + 1}
        again = function(image, [1.0, 1.5, 1.7, 1.0], pseudo_random=pseudo_random, seed=3)
        np.testing.assert_array_equal(np.asarray(again[0]), np.asarray(pooled))
    with pytest.raises(ValueError, match="pooling_ratio"):
        tf.nn.fractional_max_pool(image, [2.0, 1.5, 1.5, 1.0])
