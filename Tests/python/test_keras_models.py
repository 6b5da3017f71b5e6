"""Sequential, functional and subclassed models; summary; weights; configs."""
import io
import contextlib

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers, models


def document_cnn():
    model = models.Sequential()
    model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.Flatten())
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))
    return model


def test_imports_work_every_documented_way():
    from swiftdl.keras.models import Sequential  # noqa: F401
    from swiftdl.keras.layers import Dense  # noqa: F401
    import swiftdl as tf
    assert tf.keras.layers.Dense is Dense and tf.keras.models.Sequential is Sequential


def test_summary_of_the_document_cnn_matches_keras():
    keras.backend.clear_session()
    model = document_cnn()
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        model.summary()
    text = buffer.getvalue()
    lines = text.splitlines()
    assert lines[0] == 'Model: "sequential"'
    assert "conv2d (Conv2D)" in text and "(None, 26, 26, 32)" in text and "320" in text
    assert "max_pooling2d (MaxPooling2D)" in text and "(None, 13, 13, 32)" in text
    assert "conv2d_1 (Conv2D)" in text and "18,496" in text
    assert "flatten (Flatten)" in text and "(None, 576)" in text
    assert "dense_1 (Dense)" in text and "(None, 10)" in text and "650" in text
    assert " Total params: 93,322 (364.54 KB)" in lines
    assert " Trainable params: 93,322 (364.54 KB)" in lines
    assert " Non-trainable params: 0 (0.00 B)" in lines
    assert all(len(line) == 88 for line in lines[1:-3]), [len(l) for l in lines]
    assert model.count_params() == 93322


def test_sequential_builds_lazily_from_data_and_from_input():
    model = models.Sequential([layers.Dense(4, activation="relu"), layers.Dense(2)])
    assert not model.built
    out = model(np.ones((3, 5), np.float32))
    assert model.built and tuple(out.shape) == (3, 2)
    assert [tuple(w.shape) for w in model.weights] == [(5, 4), (4,), (4, 2), (2,)]
    with_input = models.Sequential([keras.Input(shape=(5,)), layers.Dense(2)])
    assert with_input.built and len(with_input.layers) == 1


def test_functional_multi_input_output_and_shared_layers():
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(4,), name="b")
    shared = layers.Dense(3, name="shared")
    merged = layers.Concatenate()([shared(a), shared(b)])
    out1 = layers.Dense(1, name="out1")(merged)
    out2 = layers.Add()([shared(a), shared(b)])
    model = keras.Model([a, b], [out1, out2])
    x1 = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    x2 = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    y1, y2 = model([x1, x2])
    kernel, bias = model.get_layer("shared").get_weights()
    h1, h2 = x1 @ kernel + bias, x2 @ kernel + bias
    np.testing.assert_allclose(np.asarray(y2), h1 + h2, rtol=1e-5, atol=1e-6)
    k_out, b_out = model.get_layer("out1").get_weights()
    np.testing.assert_allclose(np.asarray(y1), np.concatenate([h1, h2], -1) @ k_out + b_out, rtol=1e-5, atol=1e-6)
    assert len(model.weights) == 4  # the shared layer counts once
    model.compile(optimizer="adam", loss=["mse", "mse"])
    history = model.fit([x1, x2], [np.zeros((5, 1)), np.zeros((5, 3))], epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_a_keras_tensor_anywhere_in_the_arguments_makes_a_symbolic_call():
    from swiftdl.keras.layers.keras_tensor import KerasTensor, holds_keras_tensor
    symbolic = KerasTensor((None, 2))
    assert holds_keras_tensor(symbolic)
    assert holds_keras_tensor(([1, {"a": (None, symbolic)}], {}))
    assert holds_keras_tensor(((sd.ones((1, 2)),), {"mask": [None, symbolic]}))
    assert not holds_keras_tensor(((np.ones((1, 2)), [sd.ones((1, 2))]), {"training": True, "mask": None}))
    # Symbolic tensors nested in a list (a merge layer's inputs) make a graph node.
    out = layers.Add()([keras.Input((2,)), keras.Input((2,))])
    assert isinstance(out, KerasTensor) and out.shape == (None, 2)


def test_subclassed_model_trains():
    class TwoLayer(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.out = layers.Dense(1)

        def call(self, inputs, training=False):
            return self.out(self.hidden(inputs))

    model = TwoLayer()
    x = np.random.default_rng(0).standard_normal((64, 3)).astype(np.float32)
    y = x.sum(axis=1, keepdims=True)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0) < first * 0.5
    assert len(model.trainable_variables) == 4


def test_get_set_weights_and_bad_shapes():
    model = models.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    weights = model.get_weights()
    model.set_weights([np.ones_like(w) for w in weights])
    assert all((w == 1).all() for w in model.get_weights())
    with pytest.raises(ValueError):
        model.set_weights([np.ones((4, 4))])


def test_get_layer_and_configs_round_trip():
    keras.backend.clear_session()
    model = models.Sequential([keras.Input(shape=(6,)), layers.Dense(4, activation="relu"), layers.Dropout(0.2), layers.Dense(2)])
    assert model.get_layer("dense").units == 4 and model.get_layer(index=2).units == 2
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer("missing")
    clone = models.Sequential.from_config(model.get_config())
    assert [type(l).__name__ for l in clone.layers] == ["Dense", "Dropout", "Dense"]
    clone.set_weights(model.get_weights())
    x = np.ones((2, 6), np.float32)
    np.testing.assert_allclose(np.asarray(clone(x)), np.asarray(model(x)), rtol=1e-6)

    inputs = keras.Input(shape=(6,))
    functional = keras.Model(inputs, layers.Dense(3)(layers.Dense(4)(inputs)))
    rebuilt = keras.Model.from_config(functional.get_config())
    rebuilt.set_weights(functional.get_weights())
    np.testing.assert_allclose(np.asarray(rebuilt(x)), np.asarray(functional(x)), rtol=1e-6)


def test_model_call_on_wrong_shape_is_a_clear_error():
    model = models.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match="incompatible"):
        model(np.ones((2, 4), np.float32))
    assert tuple(model(np.ones((2, 3), np.float32)).shape) == (2, 2)  # still usable
