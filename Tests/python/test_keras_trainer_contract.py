"""The trainer's contract with user code, as Keras 3 defines it: train_step, test_step and
predict_step receive each batch exactly as Keras packs it (x alone, (x, y) or (x, y,
sample_weight)), so keras.io's custom-step programs run unchanged."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers

RNG = np.random.default_rng(0)


class Recording(keras.Model):
    """A one-layer model that records the structure of what each step receives."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)
        self.seen = {"train": [], "test": [], "predict": []}

    def call(self, inputs):
        return self.dense(inputs)

    @staticmethod
    def _describe(data):
        if isinstance(data, tuple):
            return ("tuple", len(data))
        return (type(data).__name__,)

    def train_step(self, data):
        self.seen["train"].append(self._describe(data))
        return super().train_step(data)

    def test_step(self, data):
        self.seen["test"].append(self._describe(data))
        return super().test_step(data)

    def predict_step(self, data):
        self.seen["predict"].append(self._describe(data))
        return super().predict_step(data)


def test_steps_receive_what_keras_packs():
    x = RNG.standard_normal((8, 3)).astype(np.float32)
    y = RNG.standard_normal((8, 1)).astype(np.float32)
    model = Recording()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=4, verbose=0)
    model.fit(x, y, sample_weight=np.ones(8, np.float32), batch_size=4, verbose=0)
    model.evaluate(x, y, batch_size=8, verbose=0)
    model.predict(x, batch_size=8, verbose=0)
    model.train_on_batch(x, y)
    assert model.seen["train"] == [("tuple", 2)] * 2 + [("tuple", 3)] * 2 + [("tuple", 2)]
    assert model.seen["test"] == [("tuple", 2)]
    assert model.seen["predict"] == [("Tensor",)]


def test_pack_and_unpack_follow_keras():
    x, y, w = np.ones(2), np.zeros(2), np.ones(2)
    assert keras.utils.pack_x_y_sample_weight(x) is x
    assert keras.utils.pack_x_y_sample_weight([x, x]) == ([x, x],)
    assert keras.utils.pack_x_y_sample_weight(x, y) == (x, y)
    assert keras.utils.unpack_x_y_sample_weight([x, y]) == (x, y, None)
    assert keras.utils.unpack_x_y_sample_weight((x, y, w)) == (x, y, w)
    assert keras.utils.unpack_x_y_sample_weight(x) == (x, None, None)


class Sampling(layers.Layer):
    """z = mean + exp(log_var / 2) · ε, ε from a seeded generator (keras.io's VAE)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(tuple(z_mean.shape), seed=self.seed_generator)
        return z_mean + sd.exp(0.5 * z_log_var) * epsilon


class VAE(keras.Model):
    """keras.io's variational autoencoder, its custom train_step as the guide writes it
    (the data is x alone: fit gets no targets and compile no loss)."""

    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def train_step(self, data):
        with sd.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            reconstruction = self.decoder(z)
            reconstruction_loss = sd.mean(sd.sum(keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2)))
            kl_loss = -0.5 * (1 + z_log_var - z_mean ** 2 - sd.exp(z_log_var))
            kl_loss = sd.mean(sd.sum(kl_loss, axis=1))
            total_loss = reconstruction_loss + kl_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {"loss": self.total_loss_tracker.result(), "reconstruction_loss": self.reconstruction_loss_tracker.result(),
                "kl_loss": self.kl_loss_tracker.result()}


def test_keras_io_variational_autoencoder_trains_through_fit():
    latent_dim = 2
    encoder_inputs = keras.Input(shape=(4, 4, 1))  # keras.io's has 28×28×1 images
    h = layers.Dense(16, activation="relu")(layers.Flatten()(encoder_inputs))
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")
    latent_inputs = keras.Input(shape=(latent_dim,))
    decoder_outputs = layers.Reshape((4, 4, 1))(
        layers.Dense(16, activation="sigmoid")(layers.Dense(16, activation="relu")(latent_inputs)))
    decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")

    # Two prototypes in 16 binary pixels, with noise: a 2-d latent space separates them.
    prototypes = (RNG.random((2, 16)) < 0.5).astype(np.float32)
    data = prototypes[RNG.integers(0, 2, 512)]
    data = np.abs(data - (RNG.random(data.shape) < 0.05)).astype(np.float32).reshape(-1, 4, 4, 1)

    vae = VAE(encoder, decoder)
    vae.compile(optimizer=keras.optimizers.Adam(0.01))
    history = vae.fit(data, epochs=15, batch_size=64, verbose=0)
    losses = history.history["loss"]
    assert set(history.history) == {"loss", "reconstruction_loss", "kl_loss"}
    assert losses[-1] < 0.6 * losses[0]


class LogisticEndpoint(layers.Layer):
    """keras.io's endpoint layer: it adds its own loss and is called with named inputs."""

    def __init__(self, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def call(self, targets, logits, sample_weights=None):
        self.add_loss(self.loss_fn(targets, logits, sample_weights))
        return sd.nn.softmax(logits)


def test_a_layer_called_with_keyword_inputs_trains_saves_and_loads(tmp_path):
    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")(targets=targets, logits=logits)
    model = keras.Model(inputs=[inputs, targets], outputs=predictions)
    model.compile(optimizer=keras.optimizers.Adam(0.05))  # no loss: the endpoint adds it
    x = RNG.random((64, 3)).astype(np.float32)
    t = (RNG.random((64, 10)) < 0.5).astype(np.float32)
    history = model.fit([x, t], epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    eager = LogisticEndpoint()(targets=t, logits=x @ np.ones((3, 10), np.float32))
    assert eager.shape == (64, 10)

    model.save(tmp_path / "endpoint.keras")
    loaded = keras.models.load_model(tmp_path / "endpoint.keras", custom_objects={"LogisticEndpoint": LogisticEndpoint})
    np.testing.assert_allclose(loaded.predict([x, t], verbose=0), model.predict([x, t], verbose=0), rtol=1e-6)


def test_bool_and_integer_inputs_reach_float_layers_as_floats():
    # One-hot characters as booleans into an LSTM (keras.io's text-generation example).
    x = np.eye(4, dtype=bool)[RNG.integers(0, 4, (64, 6))]
    y = x[:, :, 0].sum(axis=1, keepdims=True).astype(np.float32) / 6
    model = keras.Sequential([keras.Input((6, 4)), layers.LSTM(8), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=10, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    # Keras's ops promote integers with float32 weights to float32 (not numpy's float64).
    for layer, value in [(layers.Dense(2), np.arange(6).reshape(3, 2)),
                         (layers.Conv2D(2, 2), np.arange(50, dtype=np.uint8).reshape(2, 5, 5, 1)),
                         (layers.LayerNormalization(), np.ones((2, 3), bool))]:
        assert layer(value).dtype == np.float32
    # Embedding still takes its integer ids as they are.
    assert layers.Embedding(10, 2)(np.arange(6).reshape(3, 2)).shape == (3, 2, 2)


def test_layer_losses_hold_the_last_outermost_call():
    # Keras's guide "Making new layers and models via subclassing".
    class ActivityRegularizationLayer(layers.Layer):
        def __init__(self, rate=1e-2):
            super().__init__()
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * sd.mean(inputs))
            return inputs

    class OuterLayer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.activity_reg = ActivityRegularizationLayer(1e-2)

        def call(self, inputs):
            return self.activity_reg(inputs)

    layer = OuterLayer()
    assert len(layer.losses) == 0
    _ = layer(np.zeros((1, 1), np.float32))
    assert len(layer.losses) == 1
    _ = layer(np.zeros((1, 1), np.float32))
    assert len(layer.losses) == 1


def test_a_metric_subclass_creates_its_variables_in_its_own_init():
    # Keras's guide "Training & evaluation with the built-in methods".
    class CategoricalTruePositives(keras.metrics.Metric):
        def __init__(self, name="categorical_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_pred = sd.reshape(sd.argmax(y_pred, axis=1), (-1, 1))
            values = sd.asarray(y_true).astype("int32") == y_pred.astype("int32")
            values = values.astype("float32")
            if sample_weight is not None:
                values = values * sd.asarray(sample_weight).astype("float32")
            self.true_positives.assign_add(sd.sum(values))

        def result(self):
            return self.true_positives

        def reset_state(self):
            self.true_positives.assign(0.0)

    x = RNG.standard_normal((64, 4)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.int32)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[CategoricalTruePositives()])
    logs = model.fit(x, y, batch_size=64, epochs=1, verbose=0).history
    predicted = model.predict(x, verbose=0)
    assert 0 <= logs["categorical_true_positives"][0] <= 64
    metric = CategoricalTruePositives()
    metric.update_state(y, predicted)
    assert float(metric.result()) == float((predicted.argmax(axis=1) == y[:, 0]).sum())
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_a_compute_loss_override_without_training_is_called_without_it():
    class Keras2Style(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)
            self.calls = 0

        def call(self, inputs):
            return self.dense(inputs)

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
            self.calls += 1
            return sd.mean((y_pred - y) ** 2)

    model = Keras2Style()
    model.compile(optimizer="sgd")
    model.fit(np.ones((8, 2), np.float32), np.ones((8, 1), np.float32), batch_size=4, verbose=0)
    model.evaluate(np.ones((8, 2), np.float32), np.ones((8, 1), np.float32), batch_size=8, verbose=0)
    assert model.calls == 3


def test_masks_travel_on_outputs_as_keras_mask():
    # Keras's guide "Understanding masking & padding".
    padded = np.array([[711, 632, 71, 0, 0, 0], [73, 8, 3215, 55, 927, 0], [83, 91, 1, 645, 1253, 927]])
    embedding = layers.Embedding(input_dim=5000, output_dim=4, mask_zero=True)
    embedded = embedding(padded)
    np.testing.assert_array_equal(np.asarray(embedded._keras_mask), padded != 0)

    features = np.repeat(padded[:, :, None], 10, axis=-1).astype(np.float32)
    masked = layers.Masking()(features)
    np.testing.assert_array_equal(np.asarray(masked._keras_mask), padded != 0)
    np.testing.assert_array_equal(np.asarray(masked), features)

    # An LSTM given the embedding's output uses its mask: the result is the LSTM's on each
    # sequence without its padding.
    lstm = layers.LSTM(3)
    automatic = np.asarray(lstm(embedded))
    plain = sd.asarray(np.asarray(embedded))  # the same values, no mask attached
    np.testing.assert_allclose(automatic, np.asarray(lstm(plain, mask=padded != 0)), rtol=1e-6)
    first_alone = np.asarray(lstm(sd.asarray(np.asarray(embedded)[:1, :3])))
    np.testing.assert_allclose(automatic[:1], first_alone, rtol=1e-5, atol=1e-6)
    assert not np.allclose(automatic[:1], np.asarray(lstm(plain))[:1])


def test_dict_data_reaches_the_inputs_of_the_same_name():
    # Keys in another order than the inputs (sorted, they would swap them).
    zeta, alpha = keras.Input((3,), name="zeta"), keras.Input((3,), name="alpha")
    model = keras.Model([zeta, alpha], layers.Subtract()([zeta, alpha]))
    data = {"zeta": np.ones((2, 3), np.float32), "alpha": np.zeros((2, 3), np.float32)}
    np.testing.assert_array_equal(np.asarray(model(data)), np.ones((2, 3)))
    np.testing.assert_array_equal(model.predict(data, verbose=0), np.ones((2, 3)))
    with pytest.raises(ValueError, match='Missing data for input "alpha"'):
        model({"zeta": data["zeta"]})


@pytest.mark.parametrize("structure", ["dict", "tuple", "nested_list"])
def test_predict_returns_the_models_output_structure_over_batches(structure):
    # Keras concatenates each output over the batches and keeps the structure the model returns.
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    head, joined = layers.Dense(1, name="head"), layers.Concatenate()
    h = head(a)
    j = joined([a, b])
    outputs = {"dict": {"x": h, "y": j}, "tuple": (h, j), "nested_list": [h, [j]]}[structure]
    model = keras.Model([a, b], outputs)
    xa = np.linspace(-1, 1, 15, dtype="float32").reshape(5, 3)
    xb = np.arange(10, dtype="float32").reshape(5, 2)
    result = model.predict([xa, xb], batch_size=2, verbose=0)
    expected_h = xa @ np.asarray(head.kernel) + np.asarray(head.bias)
    expected_j = np.concatenate([xa, xb], axis=1)
    if structure == "dict":
        assert sorted(result) == ["x", "y"]
        got_h, got_j = result["x"], result["y"]
    elif structure == "tuple":
        assert isinstance(result, tuple) and len(result) == 2
        got_h, got_j = result
    else:
        assert isinstance(result, list) and isinstance(result[1], list)
        got_h, got_j = result[0], result[1][0]
    np.testing.assert_allclose(got_h, expected_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got_j, expected_j)
