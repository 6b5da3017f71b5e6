"""Rescaling, Identity, ActivityRegularization, UnitNormalization, GaussianDropout,
AlphaDropout and the convolution aliases, against numpy versions of Keras's formulas."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers

RNG = np.random.default_rng(0)


def test_rescaling_takes_images_to_floats():
    pixels = RNG.integers(0, 256, (2, 4, 4, 3)).astype(np.uint8)
    out = layers.Rescaling(1 / 255)(pixels)
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out), pixels / 255, rtol=1e-6)
    per_channel = layers.Rescaling([1.0, 2.0, 3.0], offset=-1.0)(pixels.astype(np.float32))
    np.testing.assert_allclose(np.asarray(per_channel), pixels * np.array([1.0, 2.0, 3.0]) - 1, rtol=1e-6)
    config = layers.Rescaling(0.5, offset=1.0).get_config()
    assert config["scale"] == 0.5 and config["offset"] == 1.0


def test_identity_and_activity_regularization():
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(layers.Identity()(x)), x)
    layer = layers.ActivityRegularization(l1=0.01, l2=0.1)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    # Keras 3 penalizes the whole batch: l1·Σ|x| + l2·Σx², not divided by the batch size.
    np.testing.assert_allclose(float(layer.losses[0]), 0.01 * np.abs(x).sum() + 0.1 * (x ** 2).sum(), rtol=1e-5)
    assert layer.get_config()["l1"] == 0.01 and "activity_regularizer" not in layer.get_config()
    dense = layers.Dense(2, activity_regularizer="l2")
    y = dense(x)
    np.testing.assert_allclose(float(dense.losses[0]), 0.01 * (np.asarray(y) ** 2).sum(), rtol=1e-5)


def test_unit_normalization():
    x = RNG.standard_normal((3, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(layers.UnitNormalization()(x)),
                               x / np.linalg.norm(x, axis=-1, keepdims=True), rtol=1e-5)
    both = x / np.sqrt((x ** 2).sum(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(np.asarray(layers.UnitNormalization(axis=[1, 2])(x)), both, rtol=1e-5)
    with pytest.raises(TypeError):
        layers.UnitNormalization(axis="last")


def test_gaussian_and_alpha_dropout_statistics():
    ones = np.ones((400, 500), np.float32)
    noisy = np.asarray(layers.GaussianDropout(0.2, seed=1)(ones, training=True))
    assert abs(noisy.mean() - 1) < 0.01 and abs(noisy.std() - np.sqrt(0.2 / 0.8)) < 0.01
    np.testing.assert_array_equal(np.asarray(layers.GaussianDropout(0.2)(ones)), ones)
    # AlphaDropout keeps a standard normal input's mean 0 and variance 1.
    normal = RNG.standard_normal((400, 500)).astype(np.float32)
    dropped = np.asarray(layers.AlphaDropout(0.2, seed=2)(normal, training=True))
    assert abs(dropped.mean()) < 0.02 and abs(dropped.std() - 1) < 0.02
    values, counts = np.unique(dropped, return_counts=True)
    assert abs(counts.max() / dropped.size - 0.2) < 0.01  # the dropped ones share one value
    np.testing.assert_array_equal(np.asarray(layers.AlphaDropout(0.2)(normal)), normal)


def test_aliases_name_the_same_classes():
    assert layers.Convolution2D is layers.Conv2D and layers.Convolution1D is layers.Conv1D
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layers.SeparableConvolution2D is layers.SeparableConv2D


def test_a_residual_block_with_rescaling_and_relu_trains():
    inputs = keras.Input((8, 8, 3))
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.Conv2D(8, 3, padding="same")(x)
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(8, 3, padding="same")(x)))
    x = layers.ReLU()(layers.Add()([x, y]))
    model = keras.Model(inputs, layers.Dense(2, activation="softmax")(layers.GlobalAveragePooling2D()(x)))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    images = RNG.integers(0, 256, (64, 8, 8, 3)).astype(np.float32)
    labels = (images[..., 0].mean(axis=(1, 2)) > 127).astype(np.int32)
    history = model.fit(images, labels, epochs=8, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert isinstance(sd.asarray(model.predict(images[:2], verbose=0)), sd.Tensor)
