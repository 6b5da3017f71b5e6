"""Sequential runs a Conv2D directly followed by a 2-D pooling layer as one native op
(Conv2D.convolve_and_pool, nn.conv2d_pool). It must not change any result: predictions
equal the layers applied one by one, training under a tape is unchanged, and pairs it
cannot fuse fall back to the layers themselves."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl.keras import layers, models

RNG = np.random.default_rng(3)


def _layer_by_layer(model, x):
    y = sd.asarray(x)
    for layer in model.layers:
        y = layer(y)
    return np.asarray(y)


@pytest.mark.parametrize("activation", ["relu", None, "tanh"])
@pytest.mark.parametrize("pool", [layers.MaxPooling2D, layers.AveragePooling2D])
def test_sequential_predict_equals_the_layers_one_by_one(activation, pool, monkeypatch):
    fused_calls = []
    convolve_and_pool = layers.Conv2D.convolve_and_pool

    def counting(self, inputs, following):
        result = convolve_and_pool(self, inputs, following)
        fused_calls.append(result is not None)
        return result
    monkeypatch.setattr(layers.Conv2D, "convolve_and_pool", counting)
    model = models.Sequential([
        layers.Conv2D(8, 3, activation=activation, input_shape=(12, 12, 1)), pool(2),
        layers.Conv2D(16, 3, activation=activation, padding="same"), pool(2, padding="same"),
        layers.Flatten(), layers.Dense(4, activation="softmax")])
    x = RNG.random((37, 12, 12, 1), dtype=np.float32)
    np.testing.assert_allclose(model.predict(x, batch_size=16, verbose=0), _layer_by_layer(model, x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(model(x[:1])), _layer_by_layer(model, x[:1]), rtol=1e-5, atol=1e-6)
    # relu and linear pairs run fused; tanh (no fused activation) falls back to the layers.
    assert fused_calls and all(fused_calls) == (activation != "tanh")


def test_training_through_a_fusable_pair_matches_the_unfused_layers():
    def build():
        sd.keras.utils.set_random_seed(7)
        return models.Sequential([layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)), layers.MaxPooling2D(2),
                                  layers.Flatten(), layers.Dense(3, activation="softmax")])
    x = RNG.random((32, 8, 8, 1), dtype=np.float32)
    y = RNG.integers(0, 3, 32)
    fused = build()
    fused.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    fused.fit(x, y, batch_size=8, epochs=2, verbose=0)
    # The same model as a functional graph of the same layers never takes the fused path.
    apart = build()
    graph = models.Model(apart.inputs, apart.outputs)
    graph.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    graph.fit(x, y, batch_size=8, epochs=2, verbose=0)
    for a, b in zip(fused.get_weights(), apart.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_a_wrong_input_still_gets_the_layers_own_error():
    model = models.Sequential([layers.Conv2D(4, 3, input_shape=(8, 8, 1)), layers.MaxPooling2D(2)])
    with pytest.raises(ValueError, match="incompatible"):
        model(np.zeros((2, 8, 8, 3), np.float32))
