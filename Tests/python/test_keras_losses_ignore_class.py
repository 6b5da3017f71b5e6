"""sparse_categorical_crossentropy's `ignore_class` and `axis`: the function zeroes and masks
ignored entries, and the Loss averages over the rest, as real Keras 3 does
(fixtures/keras_losses_ignore_class/)."""
import os

import numpy as np
import pytest

from swiftdl import keras

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_losses_ignore_class", "ignore_class.npz"))


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none"])
@pytest.mark.parametrize("ignored", [255, 0])
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_matches_keras(reduction, ignored, weighted):
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=ignored, reduction=reduction)
    weights = FIXTURE["weights"] if weighted else None
    labels = FIXTURE["labels"] if ignored == 255 else np.where(FIXTURE["labels"] == 255, 3, FIXTURE["labels"])
    value = loss(labels, FIXTURE["logits"], sample_weight=weights)
    key = f"{reduction}/{ignored}" + ("/weighted" if weighted else "")
    np.testing.assert_allclose(np.asarray(value), FIXTURE[key], rtol=2e-6, atol=1e-6)


def test_function_zeroes_ignored_entries_as_keras_does():
    values = keras.losses.sparse_categorical_crossentropy(FIXTURE["labels"], FIXTURE["probabilities"],
                                                          ignore_class=255)
    np.testing.assert_allclose(np.asarray(values), FIXTURE["function/probabilities"], rtol=2e-6, atol=1e-6)
    assert not np.asarray(values._keras_mask)[0, 1]


def test_labels_out_of_range_still_raise_when_another_class_is_ignored():
    with pytest.raises(ValueError, match="outside the valid range"):
        keras.losses.SparseCategoricalCrossentropy(ignore_class=0)(FIXTURE["labels"], FIXTURE["probabilities"])


def test_axis_moves_the_class_axis():
    rng = np.random.default_rng(1)
    probabilities = rng.random((2, 4, 3)) + 0.1
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    labels = rng.integers(0, 4, (2, 3))
    values = keras.losses.sparse_categorical_crossentropy(labels, probabilities, axis=1)
    expected = -np.log(np.take_along_axis(probabilities, labels[:, None, :], axis=1)[:, 0, :])
    np.testing.assert_allclose(np.asarray(values), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="axis"):
        keras.losses.sparse_categorical_crossentropy(labels, probabilities, axis=3)


def test_config_keys_and_round_trip():
    loss = keras.losses.SparseCategoricalCrossentropy(ignore_class=3)
    assert str(sorted(loss.get_config())) == str(FIXTURE["config"])
    clone = keras.losses.SparseCategoricalCrossentropy.from_config(loss.get_config())
    assert clone.get_config() == loss.get_config()
    with pytest.raises(ValueError, match="ignore_class"):
        keras.losses.SparseCategoricalCrossentropy(ignore_class="background")


def test_fit_with_ignored_labels():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((32, 6, 3)).astype("float32")
    y = rng.integers(0, 4, (32, 6))
    y[:, 0] = 255
    model = keras.Sequential([keras.Input((6, 3)), keras.layers.Dense(4)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255))
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
