"""tf.data's from_generator, from_tensors, zip, unbatch, filter and enumerate, against the elements
TensorFlow 2.21 yields for the same pipelines (fixtures/tf_data/, make_tf_data_fixture.py holds
PIPELINES verbatim; they are repeated here with swiftdl as tf)."""
import json
import pathlib

import numpy as np
import pytest

import swiftdl as tf

FIXTURE = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf_data" / "tf_data_combinators.json").read_text())

PIPELINES = {
    "generator": lambda D: D.from_generator(
        lambda: ((i, [i * 0.5, -i]) for i in range(4)),
        output_signature=(tf.TensorSpec((), tf.int64), tf.TensorSpec((2,), tf.float32))),
    "generator_args": lambda D: D.from_generator(
        lambda n: (k * 3 for k in range(n)), output_signature=tf.TensorSpec((), tf.int64), args=(5,)),
    "from_tensors": lambda D: D.from_tensors([[1, 2], [3, 4]]),
    "zip_tuple": lambda D: D.zip((D.range(3), D.range(10, 20))),
    "zip_args": lambda D: D.zip(D.range(4), D.range(2).repeat(3)),
    "zip_dict": lambda D: D.zip({"a": D.range(2), "b": D.range(5, 9)}),
    "unbatch": lambda D: D.range(7).batch(3).unbatch(),
    "unbatch_pairs": lambda D: D.zip(D.range(6), D.range(6, 12)).batch(4).unbatch(),
    "filter": lambda D: D.range(10).filter(lambda x: x % 3 == 0),
    "filter_pairs": lambda D: D.zip(D.range(6), D.range(6)).filter(lambda a, b: a + b > 5),
    "enumerate": lambda D: D.range(3, 6).enumerate(start=2),
    "padded_batch": lambda D: D.range(1, 6).map(lambda n: tf.range(n)).padded_batch(2),
    "padded_batch_shapes": lambda D: D.range(1, 5).map(lambda n: (tf.fill([n, 2], n), n)).padded_batch(
        3, padded_shapes=([4, None], []), padding_values=(tf.constant(-1, tf.int64), tf.constant(0, tf.int64))),
    "padded_batch_dict": lambda D: D.range(1, 4).map(lambda n: {"ids": tf.range(n)}).padded_batch(
        2, padded_shapes={"ids": [-1]}, padding_values={"ids": tf.constant(7, tf.int64)}, drop_remainder=True),
}


def plain(element):
    if isinstance(element, dict):
        return {key: plain(value) for key, value in element.items()}
    if isinstance(element, (tuple, list)):
        return [plain(value) for value in element]
    return np.asarray(element).tolist()


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_yields_what_tensorflow_yields(name):
    expected = FIXTURE["pipelines"][name]
    dataset = PIPELINES[name](tf.data.Dataset)
    assert plain(list(dataset.as_numpy_iterator())) == expected["elements"]
    # A second pass starts again (generators are called anew, as in tf.data).
    assert plain(list(dataset.as_numpy_iterator())) == expected["elements"]
    assert dataset.cardinality() == expected["cardinality"]


def test_generator_results_feed_batch_and_model_code():
    dataset = tf.data.Dataset.from_generator(lambda: ((np.full(2, i), i % 2) for i in range(5))).batch(2)
    batches = list(dataset.as_numpy_iterator())
    np.testing.assert_array_equal(batches[0][0], [[0, 0], [1, 1]])
    np.testing.assert_array_equal(batches[-1][1], [0])


@pytest.mark.parametrize("call, error, message", [
    (lambda D: D.from_generator(5), TypeError, "callable"),
    (lambda D: D.zip((D.range(2), [1, 2])), TypeError, "datasets"),
    (lambda D: D.range(3).filter(None), TypeError, "callable"),
    (lambda D: list(D.range(3).filter(lambda x: [True, False])), ValueError, "scalar bool"),
    (lambda D: list(D.range(3).unbatch()), ValueError, "rank >= 1"),
    (lambda D: D.range(3).enumerate(start=-1), ValueError, "start"),
    (lambda D: list(D.from_generator(lambda: iter([object()]))), TypeError, "numbers and strings only"),
    (lambda D: D.range(3).padded_batch(0), ValueError, "positive"),
    (lambda D: list(D.range(1, 4).map(lambda n: tf.range(n)).padded_batch(3, padded_shapes=[2])), ValueError,
     "larger than its padded size"),
    (lambda D: list(D.range(1, 4).map(lambda n: tf.range(n)).padded_batch(3, padded_shapes=[4, 1])), ValueError,
     "rank"),
])
def test_hostile_inputs_raise(call, error, message):
    with pytest.raises(error, match=message):
        call(tf.data.Dataset)
