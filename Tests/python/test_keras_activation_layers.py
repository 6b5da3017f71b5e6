"""ReLU, LeakyReLU, PReLU, ELU and Softmax layers against numpy versions of Keras's
formulas, with their configs, masks, learned alpha and bad arguments."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers

RNG = np.random.default_rng(0)
X = (RNG.standard_normal((4, 6)) * 3).astype(np.float32)


def _keras_relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    positive = np.where(x > threshold, x, 0.0) if threshold else np.maximum(x, 0.0)
    if max_value is not None:
        positive = np.clip(positive, 0.0, max_value)
    return positive - negative_slope * np.maximum(threshold - x, 0.0)


@pytest.mark.parametrize("kwargs", [{}, {"max_value": 6.0}, {"negative_slope": 0.1}, {"threshold": 1.0},
                                    {"max_value": 2.0, "negative_slope": 0.2, "threshold": 0.5}])
def test_relu_follows_keras(kwargs):
    layer = layers.ReLU(**kwargs)
    np.testing.assert_allclose(np.asarray(layer(X)), _keras_relu(X, **kwargs), rtol=1e-6, atol=1e-6)
    assert layers.ReLU.from_config(layer.get_config()).get_config() == layer.get_config()
    np.testing.assert_allclose(np.asarray(keras.activations.relu(X, **kwargs)), _keras_relu(X, **kwargs), rtol=1e-6,
                               atol=1e-6)


def test_leaky_relu_elu_and_their_defaults():
    np.testing.assert_allclose(np.asarray(layers.LeakyReLU()(X)), np.where(X >= 0, X, 0.3 * X), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layers.LeakyReLU(negative_slope=0.2)(X)), np.where(X >= 0, X, 0.2 * X),
                               rtol=1e-6)
    with pytest.warns(UserWarning, match="alpha"):
        assert layers.LeakyReLU(alpha=0.1).negative_slope == 0.1
    np.testing.assert_allclose(np.asarray(layers.ELU(alpha=0.5)(X)), np.where(X > 0, X, 0.5 * (np.exp(X) - 1)),
                               rtol=1e-5, atol=1e-6)


def test_prelu_learns_alpha_per_channel():
    images = RNG.standard_normal((8, 5, 5, 3)).astype(np.float32)
    layer = layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25), shared_axes=[1, 2])
    out = np.asarray(layer(images))
    assert tuple(layer.alpha.shape) == (1, 1, 3)
    np.testing.assert_allclose(out, np.where(images >= 0, images, 0.25 * images), rtol=1e-6)
    # Gradient of sum(PReLU(x)) with respect to alpha: the sum of the negative inputs.
    with sd.GradientTape() as tape:
        loss = sd.sum(layer(images))
    gradient = np.asarray(tape.gradient(loss, layer.alpha))
    np.testing.assert_allclose(gradient.ravel(), np.minimum(images, 0).sum(axis=(0, 1, 2)), rtol=1e-5)
    config = layer.get_config()
    assert config["shared_axes"] == [1, 2] and config["alpha_initializer"]["class_name"] == "Constant"


def test_softmax_with_axes_and_masks():
    exp = np.exp(X - X.max(axis=-1, keepdims=True))
    np.testing.assert_allclose(np.asarray(layers.Softmax()(X)), exp / exp.sum(-1, keepdims=True), rtol=1e-5)
    cube = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    both = np.exp(cube) / np.exp(cube).sum(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(np.asarray(layers.Softmax(axis=(1, 2))(cube)), both, rtol=1e-5)
    mask = np.array([[True, True, False, False, True, False]] * 4)
    masked = np.asarray(layers.Softmax()(X, mask=mask))
    kept = np.where(mask, np.exp(X), 0)
    np.testing.assert_allclose(masked, kept / kept.sum(-1, keepdims=True), rtol=1e-5, atol=1e-7)


def test_in_a_model_and_saved(tmp_path):
    model = keras.Sequential([keras.Input((6,)), layers.Dense(4), layers.LeakyReLU(0.2), layers.PReLU(),
                              layers.ReLU(max_value=6.0), layers.Dense(3), layers.Softmax()])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, np.arange(4) % 3, epochs=2, verbose=0)
    model.save(tmp_path / "act.keras")
    loaded = keras.models.load_model(tmp_path / "act.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("make", [lambda: layers.ReLU(max_value=-1.0), lambda: layers.ReLU(negative_slope=-0.1),
                                  lambda: layers.ReLU(threshold=-1.0), lambda: layers.LeakyReLU(negative_slope=-0.1),
                                  lambda: layers.PReLU(shared_axes=[5])(X)])
def test_bad_arguments_raise(make):
    with pytest.raises(ValueError):
        make()
