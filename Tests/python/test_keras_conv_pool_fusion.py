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


@pytest.mark.parametrize("activation", ["relu", None])
@pytest.mark.parametrize("size, padding, window, strides", [
    (12, "VALID", 2, 2),   # a 10×10 convolution output, tiled exactly by the windows
    (11, "VALID", 2, 2),   # 9×9: the last row and column are in no window
    (11, "SAME", 2, 2),    # 9×9: the last window hangs over the edge
    (13, "VALID", 3, 3),   # 11×11: two rows and columns left over
    (11, "VALID", 3, 2),   # overlapping windows
])
def test_conv_pool_gradients_equal_the_two_ops(activation, size, padding, window, strides):
    # The fused op rebuilds the convolution's dY from the pooled gradient and each window's
    # argmax, a group of images at a time; against conv2d then max_pool2d under the same
    # tape. 160 images make several groups per thread, so each group's dY buffer is reused
    # and must be rewritten everywhere, including where no window reaches.
    for channels in (8, 16):
        x = sd.asarray(RNG.standard_normal((160, size, size, 8)).astype(np.float32))
        w = sd.asarray(RNG.standard_normal((3, 3, 8, channels)).astype(np.float32))
        b = sd.asarray(RNG.standard_normal(channels).astype(np.float32))
        results = []
        for fused in (True, False):
            with sd.GradientTape() as tape:
                for tensor in (x, w, b):
                    tape.watch(tensor)
                if fused:
                    y = sd.nn.conv2d_pool(x, w, b, (1, 1), "VALID", (1, 1), activation, "max", (window, window),
                                          (strides, strides), padding)
                else:
                    convolved = sd.nn.conv2d_bias_activation(x, w, b, 1, "VALID", activation=activation)
                    y = sd.nn.max_pool2d(convolved, window, strides, padding)
            upstream = np.random.default_rng(5).standard_normal(tuple(y.shape)).astype(np.float32)
            results.append([np.asarray(t) for t in [y] + tape.gradient(y, [x, w, b], output_gradients=upstream)])
        for a, e in zip(*results):
            np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-5 * max(1.0, float(np.abs(e).max())))
