"""keras.io's guide "Customizing what happens in fit()" (the TensorFlow version), its patterns
run on swiftdl with `import swiftdl as tf`: a Model subclass built from inputs and outputs
with its own train_step / test_step, `compute_loss`, `self.metrics` (the loss tracker and
the compiled metrics), sample weights, metrics of one's own listed in a `metrics` property,
and a GAN with its own `compile`.

The reference is real Keras 3's built-in fit and evaluate on the same model, weights and
data (fixtures/keras_guides/customizing_fit.npz): a custom step written the way the guide
writes it must give exactly what Keras's own loop gives."""
import os

import numpy as np
import pytest

import swiftdl as tf
from swiftdl import keras
from swiftdl.keras import layers

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_guides", "customizing_fit.npz"))


class StepsLikeTheGuide(keras.Model):
    """The guide's first train_step and its test_step, through compile()'s loss and metrics."""

    def train_step(self, data):
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            (x, y), sample_weight = data, None
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        trainable = self.trainable_variables
        self.optimizer.apply(tape.gradient(loss, trainable), trainable)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def _model(cls=keras.Model):
    inputs = keras.Input(shape=(8,))
    model = cls(inputs, layers.Dense(1)(inputs))
    model.layers[-1].set_weights([FIXTURE["kernel"], FIXTURE["bias"]])
    return model


def _fit(model, weighted):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"],
                  weighted_metrics=["mse"] if weighted else None)
    weights = FIXTURE["sample_weight"] if weighted else None
    return model.fit(FIXTURE["x"], FIXTURE["y"], sample_weight=weights, batch_size=50, epochs=3, shuffle=False,
                     verbose=0).history


def test_a_model_subclass_built_from_inputs_and_outputs_is_functional():
    model = _model(StepsLikeTheGuide)
    assert isinstance(model, keras.Model) and isinstance(model, StepsLikeTheGuide)
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense"]
    assert len(model.trainable_variables) == 2
    with pytest.raises(TypeError, match="positional"):
        StepsLikeTheGuide(3)


def test_model_metrics_are_the_loss_tracker_and_compile_metrics_as_in_keras():
    model = _model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert [m.name for m in model.metrics] == list(FIXTURE["plain_metrics_names"])
    model.compile(optimizer="sgd", loss="mse")
    assert [m.name for m in model.metrics] == ["loss"]


@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "sample_weight"])
def test_the_guides_train_step_gives_what_keras_builtin_fit_gives(weighted):
    case = "weighted" if weighted else "plain"
    model = _model(StepsLikeTheGuide)
    history = _fit(model, weighted)
    expected = {key.split("_history_")[1]: FIXTURE[key] for key in FIXTURE if key.startswith(f"{case}_history_")}
    assert set(history) == set(expected)
    for name, values in expected.items():
        np.testing.assert_allclose(history[name], values, rtol=2e-5, err_msg=name)
    np.testing.assert_allclose(model.layers[-1].kernel.numpy(), FIXTURE[f"{case}_kernel"], rtol=1e-5, atol=1e-6)
    # The guide's test_step through evaluate: loss, then the compiled metrics in order.
    np.testing.assert_allclose(model.evaluate(FIXTURE["x"], FIXTURE["y"], batch_size=50, verbose=0),
                               FIXTURE[f"{case}_evaluate"], rtol=2e-5)


def test_builtin_fit_reports_the_same_as_keras():
    model = _model()
    history = _fit(model, weighted=True)
    for name in ("loss", "mae", "mse"):
        np.testing.assert_allclose(history[name], FIXTURE[f"weighted_history_{name}"], rtol=2e-5, err_msg=name)
    np.testing.assert_allclose(model.evaluate(FIXTURE["x"], FIXTURE["y"], batch_size=50, verbose=0),
                               FIXTURE["weighted_evaluate"], rtol=2e-5)
    logs = model.evaluate(FIXTURE["x"], FIXTURE["y"], batch_size=50, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae", "mse"]


def test_own_metrics_listed_in_a_metrics_property_are_reset_every_epoch():
    class OwnTrackers(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = keras.losses.MeanSquaredError()

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                loss = self.loss_fn(y, self(x, training=True))
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(gradients, self.trainable_variables)
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, self(x, training=False))
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    model = _model(OwnTrackers)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05))
    history = model.fit(FIXTURE["x"], FIXTURE["y"], batch_size=50, epochs=3, shuffle=False, verbose=0).history
    # Equal batches: the mean of the batch losses is Keras's epoch loss.
    np.testing.assert_allclose(history["loss"], FIXTURE["plain_history_loss"], rtol=2e-5)
    # Reset each epoch: the mean absolute error falls with the loss instead of averaging all epochs.
    assert history["mae"][0] > history["mae"][1] > history["mae"][2]


def test_a_gan_with_its_own_compile_and_two_optimizers():
    latent = 8
    discriminator = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3, strides=2, padding="same"),
                                      layers.LeakyReLU(negative_slope=0.2), layers.GlobalMaxPooling2D(),
                                      layers.Dense(1)], name="discriminator")
    generator = keras.Sequential([keras.Input((latent,)), layers.Dense(4 * 4 * 4), layers.LeakyReLU(negative_slope=0.2),
                                  layers.Reshape((4, 4, 4)),
                                  layers.Conv2DTranspose(4, 4, strides=2, padding="same"),
                                  layers.Conv2D(1, 3, padding="same", activation="sigmoid")], name="generator")

    class GAN(keras.Model):
        def __init__(self):
            super().__init__()
            self.discriminator, self.generator = discriminator, generator
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
            self.seed_generator = keras.random.SeedGenerator(1337)

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

        def train_step(self, real_images):
            if isinstance(real_images, tuple):
                real_images = real_images[0]
            batch = tf.shape(real_images)[0]
            noise = keras.random.normal(shape=(batch, latent), seed=self.seed_generator)
            combined = tf.concat([self.generator(noise), real_images], axis=0)
            labels = tf.concat([tf.ones((batch, 1)), tf.zeros((batch, 1))], axis=0)
            labels += 0.05 * keras.random.uniform(tf.shape(labels), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(combined))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
            noise = keras.random.normal(shape=(batch, latent), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                g_loss = self.loss_fn(tf.zeros((batch, 1)), self.discriminator(self.generator(noise)))
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply(grads, self.generator.trainable_weights)
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    images = np.random.default_rng(0).random((64, 8, 8, 1)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices(images).shuffle(buffer_size=64).batch(16)
    gan = GAN()
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate=3e-4), g_optimizer=keras.optimizers.Adam(learning_rate=3e-4),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    before = [w.numpy().copy() for w in discriminator.weights + generator.weights]
    history = gan.fit(dataset, epochs=2, verbose=0).history
    assert set(history) == {"d_loss", "g_loss"} and len(history["d_loss"]) == 2
    assert all(np.isfinite(history["d_loss"])) and all(np.isfinite(history["g_loss"]))
    after = [w.numpy() for w in discriminator.weights + generator.weights]
    assert all(not np.array_equal(a, b) for a, b in zip(before, after))
