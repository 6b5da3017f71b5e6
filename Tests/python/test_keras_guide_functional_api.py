"""keras.io's guide "The Functional API", its patterns on swiftdl: a functional MLP trained,
saved and reloaded; encoder and decoder models nested in an autoencoder; an ensemble averaged
with layers.average; the multi-input, multi-output ticket model with losses and loss weights
by list and by output name, fed with dicts; a toy ResNet built with layers.add; a shared
Embedding; a feature-extraction model from the layers' outputs; a custom layer through
get_config / from_config; a subclassed model calling a functional one. (Data are random
arrays of the guide's shapes; the guide's downloads and VGG19 are left out.)"""
import numpy as np
import pytest

import swiftdl as tf
from swiftdl import keras
from swiftdl.keras import layers

RNG = np.random.default_rng(0)


def test_a_functional_mlp_trains_evaluates_and_survives_save_and_load(tmp_path):
    inputs = keras.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    assert model.input_shape == (None, 784) and model.output_shape == (None, 10)
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=keras.optimizers.RMSprop(), metrics=["accuracy"])
    x_train, y_train = RNG.random((256, 784)).astype("float32"), RNG.integers(0, 10, 256)
    history = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.2, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    loss, accuracy = model.evaluate(x_train, y_train, verbose=0)
    path = tmp_path / "my_model.keras"
    model.save(path)
    reloaded = keras.models.load_model(path)
    np.testing.assert_allclose(reloaded.predict(x_train[:8], verbose=0), model.predict(x_train[:8], verbose=0),
                               rtol=1e-6)


def test_nested_encoder_and_decoder_models_form_an_autoencoder():
    encoder_input = keras.Input(shape=(28, 28, 1), name="img")
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)
    encoder = keras.Model(encoder_input, encoder_output, name="encoder")

    decoder_input = keras.Input(shape=(16,), name="encoded_img")
    x = layers.Reshape((4, 4, 1))(decoder_input)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)
    decoder = keras.Model(decoder_input, decoder_output, name="decoder")

    autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
    autoencoder = keras.Model(autoencoder_input, decoder(encoder(autoencoder_input)), name="autoencoder")
    assert autoencoder.output_shape == (None, 28, 28, 1)
    images = RNG.random((4, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(autoencoder(images), decoder(encoder(images)), rtol=1e-6)
    autoencoder.compile("adam", "mse")
    autoencoder.fit(images, images, epochs=1, verbose=0)


def test_an_ensemble_of_models_averaged_with_layers_average():
    def get_model():
        inputs = keras.Input(shape=(128,))
        return keras.Model(inputs, layers.Dense(1)(inputs))

    model1, model2, model3 = get_model(), get_model(), get_model()
    inputs = keras.Input(shape=(128,))
    ensemble = keras.Model(inputs, layers.average([model1(inputs), model2(inputs), model3(inputs)]))
    x = RNG.random((5, 128)).astype("float32")
    expected = (np.asarray(model1(x)) + np.asarray(model2(x)) + np.asarray(model3(x))) / 3
    np.testing.assert_allclose(ensemble.predict(x, verbose=0), expected, rtol=1e-5)


def _ticket_model(num_tags=12, num_words=1000, num_departments=4):
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.LSTM(16)(layers.Embedding(num_words, 8)(title_input))
    body_features = layers.LSTM(8)(layers.Embedding(num_words, 8)(body_input))
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)
    return keras.Model(inputs=[title_input, body_input, tags_input], outputs=[priority_pred, department_pred])


@pytest.mark.parametrize("by_name", [False, True])
def test_the_multi_input_multi_output_ticket_model(by_name):
    model = _ticket_model()
    losses = [keras.losses.BinaryCrossentropy(from_logits=True), keras.losses.CategoricalCrossentropy(from_logits=True)]
    if by_name:
        model.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss=dict(zip(["priority", "department"], losses)),
                      loss_weights={"priority": 1.0, "department": 0.2})
    else:
        model.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss=losses, loss_weights=[1.0, 0.2])
    title_data = RNG.integers(0, 1000, size=(64, 10))
    body_data = RNG.integers(0, 1000, size=(64, 20))
    tags_data = RNG.integers(0, 2, size=(64, 12)).astype("float32")
    priority_targets = RNG.random(size=(64, 1))
    dept_targets = RNG.integers(0, 2, size=(64, 4)).astype("float32")
    history = model.fit({"title": title_data, "body": body_data, "tags": tags_data},
                        {"priority": priority_targets, "department": dept_targets}, epochs=2, batch_size=32, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    # The weighted sum the guide describes: priority's loss plus 0.2 times department's.
    priority, department = model.predict({"title": title_data, "body": body_data, "tags": tags_data}, verbose=0)
    expected = float(losses[0](priority_targets, priority)) + 0.2 * float(losses[1](dept_targets, department))
    assert model.evaluate({"title": title_data, "body": body_data, "tags": tags_data},
                          {"priority": priority_targets, "department": dept_targets},
                          batch_size=64, verbose=0, return_dict=True)["loss"] == pytest.approx(expected, rel=1e-5)


def test_a_toy_resnet_built_with_layers_add():
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])
    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.5)(layers.Dense(256, activation="relu")(x))
    model = keras.Model(inputs, layers.Dense(10)(x), name="toy_resnet")
    assert [type(layer).__name__ for layer in model.layers].count("Add") == 2
    model.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=["acc"])
    x_train = RNG.random((40, 32, 32, 3)).astype("float32")
    y_train = keras.utils.to_categorical(RNG.integers(0, 10, 40), 10)
    history = model.fit(x_train, y_train, batch_size=16, epochs=1, validation_split=0.2, verbose=0)
    assert set(history.history) == {"loss", "acc", "val_loss", "val_acc"}


def test_a_shared_embedding_and_a_feature_extraction_model():
    shared_embedding = layers.Embedding(1000, 8)
    text_input_a = keras.Input(shape=(None,), dtype="int32")
    text_input_b = keras.Input(shape=(None,), dtype="int32")
    encoded_a, encoded_b = shared_embedding(text_input_a), shared_embedding(text_input_b)
    model = keras.Model([text_input_a, text_input_b], layers.concatenate([encoded_a, encoded_b], axis=1))
    ids = RNG.integers(0, 1000, (2, 5))
    out = np.asarray(model([ids, ids]))
    np.testing.assert_array_equal(out[:, :5], out[:, 5:])  # one set of weights for both inputs

    inputs = keras.Input((6,))
    x = layers.Dense(4, activation="relu")(inputs)
    base = keras.Model(inputs, layers.Dense(2)(x))
    features_list = [layer.output for layer in base.layers]
    extractor = keras.Model(inputs=base.input, outputs=features_list)
    data = RNG.random((3, 6)).astype("float32")
    features = extractor(data)
    assert [tuple(f.shape) for f in features] == [(3, 6), (3, 4), (3, 2)]
    np.testing.assert_allclose(features[-1], base(data), rtol=1e-6)


def test_a_custom_layer_through_get_config_and_from_config():
    class CustomDense(layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

        def get_config(self):
            return {"units": self.units}

    inputs = keras.Input((4,))
    model = keras.Model(inputs, CustomDense(10)(inputs))
    new_model = keras.Model.from_config(model.get_config(), custom_objects={"CustomDense": CustomDense})
    assert new_model.output_shape == (None, 10)
    assert [type(layer).__name__ for layer in new_model.layers] == ["InputLayer", "CustomDense"]


def test_a_subclassed_rnn_calling_a_functional_classifier():
    units, timesteps, input_dim = 8, 5, 3
    inputs = keras.Input((None, units))
    classifier = keras.Model(inputs, layers.Dense(1)(layers.GlobalAveragePooling1D()(inputs)))

    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = units
            self.projection_1 = layers.Dense(units=units, activation="tanh")
            self.projection_2 = layers.Dense(units=units, activation="tanh")
            self.classifier = classifier

        def call(self, inputs):
            outputs = []
            state = tf.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                h = self.projection_1(inputs[:, t, :])
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            return self.classifier(tf.stack(outputs, axis=1))

    rnn_model = CustomRNN()
    assert tuple(rnn_model(tf.zeros((1, timesteps, input_dim))).shape) == (1, 1)


def test_layers_serialize_and_deserialize_round_trip():
    dense = layers.Dense(3, activation="relu", name="d")
    entry = layers.serialize(dense)
    assert entry["class_name"] == "Dense" and entry["config"]["units"] == 3
    copy = layers.deserialize(entry)
    assert isinstance(copy, layers.Dense) and copy.get_config() == dense.get_config() and copy is not dense
    with pytest.raises(ValueError, match="not a `keras.layers.Layer`"):
        layers.deserialize({"units": 3})
    with pytest.raises(TypeError):
        layers.serialize("Dense")
