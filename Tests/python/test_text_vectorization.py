"""TextVectorization: Keras's vocabulary order, the four output modes, options, configs and
`.keras` files, bad input, and a model trained on the raw sentiment sentences."""
import os

import numpy as np
import pytest

from swiftdl import keras
from swiftdl.keras import layers

TEXTS = ["The cat sat.", "The dog sat on the mat!", "a cat, a dog"]


def test_vocabulary_order_and_int_output():
    layer = layers.TextVectorization(output_sequence_length=5)
    layer.adapt(TEXTS)
    # count descending, ties by token descending (Keras's np.lexsort(...)[::-1])
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "sat", "dog", "cat", "a", "on", "mat"]
    assert layer.get_vocabulary(include_special_tokens=False)[:2] == ["the", "sat"]
    assert layer.vocabulary_size() == 9
    out = np.asarray(layer(["the cat on a log", "The the the the the the the"]))
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, [[2, 5, 7, 6, 1], [2, 2, 2, 2, 2]])
    ragged = layers.TextVectorization(vocabulary=["the", "cat"])
    np.testing.assert_array_equal(np.asarray(ragged(["cat", "the cat the"])), [[3, 0, 0], [2, 3, 2]])


def test_max_tokens_and_vector_modes_against_numpy():
    expected_vocab = ["[UNK]", "the", "sat", "dog", "cat", "a"]
    for mode in ("multi_hot", "count", "tf_idf"):
        layer = layers.TextVectorization(output_mode=mode, max_tokens=6)
        layer.adapt(np.array(TEXTS))
        assert layer.get_vocabulary() == expected_vocab
        out = np.asarray(layer(np.array([["the the cat zebra"]])))
        counts = np.array([[1, 2, 0, 0, 1, 0]], np.float32)
        if mode == "multi_hot":
            np.testing.assert_array_equal(out, np.minimum(counts, 1))
        elif mode == "count":
            np.testing.assert_array_equal(out, counts)
        else:
            documents = np.array([2, 2, 2, 2, 1])  # the, sat, dog, cat, a
            idf = np.log(1 + 3 / (1 + documents))
            np.testing.assert_allclose(out, counts * np.concatenate([[idf.mean()], idf]), rtol=1e-6)
    padded = layers.TextVectorization(output_mode="multi_hot", max_tokens=10, pad_to_max_tokens=True)
    padded.adapt(TEXTS)
    assert np.asarray(padded(["cat"])).shape == (1, 10)


def test_standardize_split_and_ngrams():
    layer = layers.TextVectorization(standardize=None, split="character", vocabulary=["a", "B"])
    np.testing.assert_array_equal(np.asarray(layer(["aBb"])), [[2, 3, 1]])
    bigrams = layers.TextVectorization(ngrams=2)
    bigrams.adapt(["red fish blue fish"])
    assert "red fish" in bigrams.get_vocabulary() and "fish" in bigrams.get_vocabulary()
    custom = layers.TextVectorization(standardize=lambda s: s.replace("-", " "), split=lambda s: s.split(" "),
                                      vocabulary=["x", "y"])
    np.testing.assert_array_equal(np.asarray(custom(["x-y"])), [[2, 3]])


def test_config_round_trip_keeps_the_vocabulary(tmp_path):
    layer = layers.TextVectorization(output_mode="tf_idf", max_tokens=5)
    layer.adapt(TEXTS)
    clone = layers.TextVectorization.from_config(layer.get_config())
    assert clone.get_vocabulary() == layer.get_vocabulary()
    np.testing.assert_allclose(np.asarray(clone(TEXTS)), np.asarray(layer(TEXTS)))

    vectorizer = layers.TextVectorization(output_sequence_length=6)
    vectorizer.adapt(TEXTS)
    model = keras.Sequential([vectorizer, layers.Embedding(10, 3), layers.GlobalAveragePooling1D(), layers.Dense(1)])
    # predict()/fit() take numbers only (the trainer's data path); calling the model takes strings.
    expected = np.asarray(model(np.array(TEXTS)))
    path = str(tmp_path / "text.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded(np.array(TEXTS))), expected, rtol=1e-6)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.TextVectorization(output_mode="bag"), "output_mode"),
    (lambda: layers.TextVectorization(max_tokens=1), "max_tokens"),
    (lambda: layers.TextVectorization(output_mode="count", output_sequence_length=3), "output_sequence_length"),
    (lambda: layers.TextVectorization(split="words"), "split"),
    (lambda: layers.TextVectorization(ngrams=0), "ngrams"),
    (lambda: layers.TextVectorization(vocabulary=["a", "a"]), "repeated"),
    (lambda: layers.TextVectorization(output_mode="tf_idf", vocabulary=["a"]), "idf_weights"),
    (lambda: layers.TextVectorization(max_tokens=3, vocabulary=["a", "b"]), "larger than"),
])
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_inputs():
    layer = layers.TextVectorization()
    with pytest.raises(ValueError, match="no vocabulary"):
        layer(["hello"])
    layer.adapt(TEXTS)
    with pytest.raises(TypeError, match="strings"):
        layer([1, 2])
    with pytest.raises(ValueError, match="shape"):
        layer([["a", "b"], ["c", "d"]])
    with pytest.raises(ValueError, match="single string"):
        layer.adapt("just one")


def test_lstm_trains_on_raw_sentences(shared_data):
    """The document's LSTM on raw text: TextVectorization inside the pipeline (subset, fast)."""
    sentences, labels = [], []
    with open(os.path.join(shared_data, "sentiment", "yelp_labelled.txt"), encoding="utf-8", errors="replace") as f:
        for line in f:
            text, _, label = line.rstrip("\n").rpartition("\t")
            if text and label.strip() in ("0", "1"):
                sentences.append(text)
                labels.append(int(label))
    sentences, labels = np.array(sentences), np.array(labels, "float32")
    keras.utils.set_random_seed(0)
    order = np.random.default_rng(0).permutation(len(sentences))
    train, test = order[:800], order[800:]
    vectorizer = layers.TextVectorization(max_tokens=2000, output_sequence_length=20)
    vectorizer.adapt(sentences[train])
    x_train, x_test = np.asarray(vectorizer(sentences[train])), np.asarray(vectorizer(sentences[test]))
    model = keras.Sequential([keras.Input((20,)), layers.Embedding(2000, 16, mask_zero=True), layers.LSTM(16),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x_train, labels[train], epochs=5, batch_size=32, verbose=0)
    _, accuracy = model.evaluate(x_test, labels[test], verbose=0)
    assert accuracy >= 0.65
