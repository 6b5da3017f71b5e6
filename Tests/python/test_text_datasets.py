"""Text in swiftdl.data and keras.utils.text_dataset_from_directory: strings flow through
from_tensor_slices, batch, shuffle, map and padded pipelines as numpy object arrays of str;
the directory reader matches real Keras 3 (fixtures/keras_text_dataset/, written with
TensorFlow's Keras); and a model with a TextVectorization layer trains on such a dataset,
including a model whose input is `keras.Input(shape=(1,), dtype="string")`."""
import json
import os
from collections import Counter

import numpy as np
import pytest

import swiftdl as tf
from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_text_dataset")
TEXTS = os.path.join(FIXTURES, "texts")
with open(os.path.join(FIXTURES, "text_dataset.json")) as _file:
    KERAS = json.load(_file)


def _collect(dataset, labelled=True):
    texts, labels = [], []
    for element in dataset:
        x, y = element if labelled else (element, None)
        x = np.asarray(x, dtype=object)
        assert x.dtype == object and all(isinstance(t, str) for t in x.reshape(-1))
        texts += list(np.atleast_1d(x))
        if labelled:
            labels += np.asarray(y).reshape(len(np.atleast_1d(x)), -1).tolist()
            dtype = str(np.asarray(y).dtype)
    return {"texts": texts, "labels": labels, "dtype": dtype if labelled else None}


@pytest.mark.parametrize("name", ["int", "categorical", "max_length", "unlabelled", "batch_none"])
def test_unshuffled_reads_match_keras(name, capsys):
    expected = KERAS[name]
    dataset = keras.utils.text_dataset_from_directory(TEXTS, **expected["arguments"])
    assert dataset.class_names == expected["class_names"]
    labelled = expected["arguments"].get("labels", "inferred") is not None
    got = _collect(dataset, labelled)
    assert got["texts"] == expected["texts"]
    assert got["labels"] == expected["labels"] and got["dtype"] == expected["dtype"]
    assert "Found 9 files" in capsys.readouterr().out


def test_shuffled_reads_pair_texts_with_their_labels():
    # tf.data's shuffle draws other bits than swiftdl's: the same pairs, in some order.
    expected = KERAS["shuffled"]
    got = _collect(keras.utils.text_dataset_from_directory(TEXTS, **expected["arguments"]))
    pairs = Counter(zip(got["texts"], map(tuple, got["labels"])))
    assert pairs == Counter(zip(expected["texts"], map(tuple, expected["labels"])))
    again = _collect(keras.utils.text_dataset_from_directory(TEXTS, **expected["arguments"]))
    assert again["texts"] == got["texts"]  # the same seed, the same first pass


def test_validation_split_matches_keras():
    training, validation = keras.utils.text_dataset_from_directory(
        TEXTS, validation_split=0.34, subset="both", seed=3, batch_size=2, verbose=False)
    expected = KERAS["split"]
    # The file split is numpy's seeded shuffle in both; the training order is tf.data's.
    assert sorted(_collect(training)["texts"]) == sorted(expected["training"]["texts"])
    assert _collect(validation) == expected["validation"]


def test_bad_arguments_raise_keras_errors(tmp_path):
    with pytest.raises(ValueError, match="label_mode"):
        keras.utils.text_dataset_from_directory(TEXTS, label_mode="sparse")
    with pytest.raises(ValueError, match="exactly 2 class_names"):
        keras.utils.text_dataset_from_directory(TEXTS, label_mode="binary")
    with pytest.raises(ValueError, match="only pass `class_names`"):
        keras.utils.text_dataset_from_directory(TEXTS, labels=[0] * 9, class_names=["a"])
    with pytest.raises(ValueError, match="seed"):
        keras.utils.text_dataset_from_directory(TEXTS, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="No text files found"):
        keras.utils.text_dataset_from_directory(str(tmp_path), verbose=False)
    with pytest.raises(ValueError, match="Could not find directory"):
        keras.utils.text_dataset_from_directory(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="format"):
        keras.utils.text_dataset_from_directory(TEXTS, format="grain")


def test_strings_flow_through_dataset_transformations():
    texts = np.array(["A b", "C d", "E", "F g h"])
    dataset = tf.data.Dataset.from_tensor_slices((texts, np.arange(4)))
    first, label = next(iter(dataset))
    assert first.shape == () and first.dtype == object and str(first) == "A b" and int(label) == 0
    lowered = dataset.map(lambda x, y: (tf.strings.lower(x), y)).shuffle(4, seed=1).batch(3)
    batches = list(lowered)
    assert [b[0].shape for b in batches] == [(3,), (1,)]
    assert sorted(t for b in batches for t in b[0]) == ["a b", "c d", "e", "f g h"]
    # bytes stay bytes, as TensorFlow's string elements hold them
    assert list(tf.data.Dataset.from_tensor_slices([b"x", b"y"]).as_numpy_iterator()) == [b"x", b"y"]
    unbatched = list(tf.data.Dataset.from_tensor_slices(texts).batch(2).unbatch())
    assert [str(t) for t in unbatched] == list(texts)
    generated = list(tf.data.Dataset.from_generator(lambda: iter(["p", "q"])).batch(2))
    assert list(generated[0]) == ["p", "q"]


def test_a_model_with_text_vectorization_trains_on_a_text_dataset():
    keras.utils.set_random_seed(0)
    dataset = keras.utils.text_dataset_from_directory(TEXTS, batch_size=4, seed=1, verbose=False)
    vectorize = keras.layers.TextVectorization(max_tokens=40, output_sequence_length=8)
    vectorize.adapt(dataset.map(lambda x, y: x))
    assert "movie" in vectorize.get_vocabulary()
    numeric = dataset.map(lambda x, y: (vectorize(x), y))
    model = keras.Sequential([keras.Input((8,), dtype="int64"), keras.layers.Embedding(40, 4),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(numeric, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3 and np.isfinite(history.history["loss"]).all()

    # End to end: strings in, a batch of (batch,) texts fed to Input(shape=(1,)) as Keras does.
    inputs = keras.Input(shape=(1,), dtype="string")
    x = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(40, 4)(vectorize(inputs)))
    end_to_end = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))
    end_to_end.compile("adam", "sparse_categorical_crossentropy")
    before = [w.copy() for w in end_to_end.get_weights()]
    end_to_end.fit(dataset, epochs=1, verbose=0)
    assert any(not np.allclose(a, b) for a, b in zip(before, end_to_end.get_weights()))
    probabilities = end_to_end.predict(np.array(["the movie was great", "awful"]), verbose=0)
    assert probabilities.shape == (2, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)


def test_preprocessing_names_are_keras_utils_ones():
    assert keras.preprocessing.text_dataset_from_directory is keras.utils.text_dataset_from_directory
    assert keras.preprocessing.image_dataset_from_directory is keras.utils.image_dataset_from_directory
    assert keras.preprocessing.timeseries_dataset_from_array is keras.utils.timeseries_dataset_from_array
    assert keras.preprocessing.image.load_img is keras.utils.load_img


SMART_RESIZE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_image_dataset", "smart_resize.npz"))


@pytest.mark.parametrize("name", ["wide", "batch_tall", "upscale"])
def test_smart_resize_matches_keras(name):
    x, size = SMART_RESIZE[f"{name}/x"], tuple(SMART_RESIZE[f"{name}/size"])
    resized = keras.preprocessing.image.smart_resize(x, size)
    assert isinstance(resized, np.ndarray)
    np.testing.assert_allclose(resized, SMART_RESIZE[f"{name}/y"], rtol=1e-5, atol=1e-6)
    assert isinstance(keras.preprocessing.image.smart_resize(tf.constant(x), size), tf.Tensor)
    with pytest.raises(ValueError, match="incorrect rank"):
        keras.preprocessing.image.smart_resize(np.zeros((4, 4)), (2, 2))


def test_functional_models_adjust_input_rank_as_keras():
    """One axis short of an input ending in 1 gains it; an extra last axis of 1 is dropped;
    other shapes are still refused."""
    inputs = keras.Input((1,))
    column = keras.Model(inputs, inputs * 2.0)
    np.testing.assert_allclose(np.asarray(column(np.array([1.0, 2.0], np.float32))), [[2.0], [4.0]])
    inputs = keras.Input((3,))
    row = keras.Model(inputs, inputs + 1.0)
    np.testing.assert_allclose(np.asarray(row(np.ones((2, 3, 1), np.float32))), np.full((2, 3), 2.0))
    with pytest.raises(ValueError, match="incompatible"):
        row(np.ones((2, 4), np.float32))
