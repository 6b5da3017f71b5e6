"""keras.config, keras.dtype_policies and the top-level classes (keras.Variable,
keras.name_scope, keras.device, keras.InputSpec ...), against what Keras 3 does."""
import logging

import numpy as np
import pytest

from swiftdl import keras
from swiftdl.keras import layers

RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def restore_config():
    yield
    keras.config.set_floatx("float32")
    keras.config.set_epsilon(1e-7)
    keras.config.set_image_data_format("channels_last")
    keras.config.set_max_epochs(None)
    keras.config.set_max_steps_per_epoch(None)
    keras.config.set_dtype_policy(None)
    keras.config.enable_interactive_logging()


def test_the_backend_and_version():
    assert keras.config.backend() == "swiftdl"
    assert keras.version() == keras.__version__ and keras.__version__.startswith("3.")


def test_float64_floatx_runs_a_model_end_to_end():
    keras.config.set_floatx("float64")
    x = RNG.standard_normal((64, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]])
    model = keras.Sequential([keras.Input((3,)), layers.Dense(8, activation="tanh"), layers.Dense(1)])
    assert all(w.dtype == np.float64 for w in model.weights)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    prediction = model.predict(x, verbose=0)
    assert prediction.dtype == np.float64
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    with pytest.raises(ValueError, match="Unknown `floatx`"):
        keras.config.set_floatx("float128")
    with pytest.raises(NotImplementedError):
        keras.config.set_floatx("float16")


def test_epsilon_reaches_the_losses():
    y_true, y_pred = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]], np.float32)
    default = float(keras.losses.categorical_crossentropy(y_true, y_pred)[0])
    keras.config.set_epsilon(1e-3)
    assert keras.config.epsilon() == 1e-3
    assert float(keras.losses.categorical_crossentropy(y_true, y_pred)[0]) == pytest.approx(-np.log(1e-3), rel=1e-5)
    assert default == pytest.approx(-np.log(1e-7), rel=1e-4)


def test_channels_first_convolutions_and_pools_match_channels_last():
    x = RNG.standard_normal((2, 3, 10, 9)).astype(np.float32)  # (batch, channels, height, width)
    for first, last in [(layers.Conv2D(4, 3, strides=2, padding="same", data_format="channels_first"),
                         layers.Conv2D(4, 3, strides=2, padding="same")),
                        (layers.Conv1D(5, 2, data_format="channels_first"), layers.Conv1D(5, 2))]:
        sample = x if first.rank == 2 else x[:, :, :, 0]
        out_first = first(sample)
        last.build(tuple(np.moveaxis(sample, 1, -1).shape))
        last.set_weights(first.get_weights())
        np.testing.assert_allclose(np.asarray(out_first), np.moveaxis(np.asarray(last(np.moveaxis(sample, 1, -1))), -1, 1),
                                   rtol=1e-5, atol=1e-6)
        assert first.compute_output_shape(sample.shape) == out_first.shape
    pooled = layers.MaxPooling2D(data_format="channels_first")(x)
    np.testing.assert_array_equal(np.asarray(pooled), x[:, :, :10, :8].reshape(2, 3, 5, 2, 4, 2).max(axis=(3, 5)))
    np.testing.assert_allclose(np.asarray(layers.GlobalAveragePooling2D(data_format="channels_first")(x)),
                               x.astype(np.float64).mean(axis=(2, 3)), rtol=1e-5, atol=1e-6)
    # The global setting is the default, and a model trains in it.
    keras.config.set_image_data_format("channels_first")
    model = keras.Sequential([keras.Input((1, 12, 12)), layers.Conv2D(4, 3, activation="relu"), layers.MaxPooling2D(),
                              layers.Flatten(), layers.Dense(2, activation="softmax")])
    images = RNG.random((32, 1, 12, 12)).astype(np.float32)
    assert model.predict(images[:3], verbose=0).shape == (3, 2) and model.layers[0].data_format == "channels_first"
    labels = (images[:, 0, :6].mean(axis=(1, 2)) > images[:, 0, 6:].mean(axis=(1, 2))).astype(np.int32)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    history = model.fit(images, labels, epochs=10, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    with pytest.raises(ValueError, match="data_format"):
        keras.config.set_image_data_format("nchw")


def test_max_epochs_and_steps_cap_fit():
    x, y = np.ones((64, 2), np.float32), np.ones((64, 1), np.float32)
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    keras.config.set_max_epochs(2)
    keras.config.set_max_steps_per_epoch(3)
    seen = []
    callback = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    history = model.fit(x, y, epochs=10, batch_size=8, verbose=0, callbacks=[callback])
    assert len(history.history["loss"]) == 2 and seen == [0, 1, 2, 0, 1, 2]


def test_interactive_logging_off_sends_progress_to_the_keras_logger(capsys, caplog):
    x, y = np.ones((16, 2), np.float32), np.ones((16, 1), np.float32)
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    keras.config.disable_interactive_logging()
    assert not keras.config.is_interactive_logging_enabled()
    with caplog.at_level(logging.INFO, logger="keras"):
        model.fit(x, y, epochs=2, batch_size=8, verbose=1)
    assert capsys.readouterr().out == ""
    messages = [record.getMessage() for record in caplog.records if record.name == "keras"]
    assert messages[0] == "Epoch 1/2" and "loss:" in messages[1] and len(messages) == 4


def test_dtype_policies():
    assert keras.config.dtype_policy().name == "float32"
    keras.config.set_dtype_policy("float64")
    assert layers.Dense(2).dtype == "float64"
    assert layers.Dense(2, dtype=keras.DTypePolicy("float32")).dtype == "float32"
    policy = keras.dtype_policies.get("float64")
    assert policy.compute_dtype == policy.variable_dtype == "float64"
    assert keras.dtype_policies.deserialize(keras.dtype_policies.serialize(policy)) == policy
    with pytest.raises(NotImplementedError):
        keras.config.set_dtype_policy("mixed_bfloat16")
    with pytest.raises(ValueError):
        keras.DTypePolicy("float31")


def test_variables_their_paths_and_tracking():
    with keras.name_scope("block"):
        v = keras.Variable(initializer="ones", shape=(2, 3), name="scale")
        w = keras.Variable(np.arange(3.0), trainable=False)
    assert v.path == "block/scale" and v.dtype == np.float32 and w.dtype == np.float32 and not w.trainable
    np.testing.assert_array_equal(np.asarray(v.value), np.ones((2, 3)))
    v.assign_add(1.0)
    np.testing.assert_array_equal(v.numpy(), np.full((2, 3), 2.0))
    with pytest.raises(ValueError, match="shape"):
        keras.Variable(initializer="zeros")
    with pytest.raises(ValueError, match="cannot contain"):
        keras.name_scope("a/b")

    class Linear(keras.Layer):
        def build(self, input_shape):
            self.w = keras.Variable(initializer="glorot_uniform", shape=(input_shape[-1], 2), name="w")
            self.steps = keras.Variable(0, trainable=False, name="steps")

        def call(self, inputs):
            self.steps.assign_add(1)
            return inputs @ self.w

    layer = Linear()
    layer(np.ones((1, 3), np.float32))
    assert [x.name for x in layer.trainable_weights] == ["w"] and [x.name for x in layer.non_trainable_weights] == ["steps"]
    with keras.device("cpu"):
        assert layer(np.ones((1, 3), np.float32)).shape == (1, 2)
    with pytest.raises(ValueError, match="CPU only"):
        keras.device("gpu:0")


def test_input_spec_checks_calls_with_keras_messages():
    class Images(keras.Layer):
        def __init__(self):
            super().__init__()
            self.input_spec = keras.InputSpec(shape=(None, 28, 28, 1), allow_last_axis_squeeze=True)

        def call(self, inputs):
            return inputs

    layer = Images()
    assert layer(np.zeros((2, 28, 28), np.float32)).shape == (2, 28, 28)
    with pytest.raises(ValueError, match=r"Input 0 with name 'None' of layer '.*' is incompatible with the layer: "
                                         r"expected shape=\(None, 28, 28, 1\), found shape=\(2, 27, 28, 1\)"):
        layer(np.zeros((2, 27, 28, 1), np.float32))

    class Pairs(keras.Layer):
        input_spec = [keras.InputSpec(min_ndim=2), keras.InputSpec(ndim=1, dtype="int32")]

        def call(self, inputs):
            return inputs[0]

    with pytest.raises(ValueError, match="expects 2 input"):
        Pairs()([np.zeros((2, 2), np.float32)])
    with pytest.raises(ValueError, match="expected dtype=int32, found dtype=int64"):
        Pairs()([np.zeros((2, 2), np.float32), np.zeros(2, np.int64)])
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        Pairs()([np.zeros(2, np.float32), np.zeros(2, np.int32)])
    symbolic = keras.Input((3,))
    with pytest.raises(ValueError, match="expected ndim=1, found ndim=2"):
        Pairs()([symbolic, symbolic])


def test_backend_namespace_names():
    assert keras.backend.backend() == "swiftdl"
    assert keras.backend.is_keras_tensor(keras.Input((2,))) and not keras.backend.is_keras_tensor(np.ones(2))
    # Keras's lattice, not numpy's: int64 with float32 is float32.
    assert keras.backend.result_type("int64", "float32") == "float32"
    assert keras.backend.result_type("uint8", "int32") == "int32"
    assert keras.backend.standardize_dtype(np.float64) == "float64" and keras.backend.is_int_dtype("uint8")


def test_flash_attention_switch_nnx_and_set_backend_as_keras_has_them():
    from swiftdl.keras import config
    assert config.is_flash_attention_enabled() is None  # Keras's default: enabled where supported
    config.disable_flash_attention()
    assert config.is_flash_attention_enabled() is False
    config.enable_flash_attention()
    assert config.is_flash_attention_enabled() is None
    assert config.is_nnx_enabled() is False
    config.set_backend("swiftdl")
    with pytest.raises(ValueError, match="swiftdl engine only"):
        config.set_backend("jax")
