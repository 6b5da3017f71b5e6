"""Custom training through fit: an overridden train_step, add_loss, text through
TextVectorization, and masks reaching pooling."""
import numpy as np

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers


def test_overridden_train_step_and_add_loss_train_through_fit():
    class Penalised(layers.Layer):
        def call(self, inputs):
            self.add_loss(0.01 * sd.mean(inputs * inputs))
            return inputs

    class CustomStep(keras.Model):
        def __init__(self):
            super().__init__()
            self.penalty = Penalised()
            self.dense = layers.Dense(1)
            self.steps_seen = 0

        def call(self, inputs, training=False):
            return self.dense(self.penalty(inputs))

        def train_step(self, data):
            self.steps_seen += 1
            return super().train_step(data)

    x = np.random.default_rng(0).standard_normal((64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    model = CustomStep()
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert model.steps_seen == 80
    assert model.evaluate(x, y, verbose=0) < 0.2 * first
    assert len(model.losses) == 1  # the add_loss term of the last call


def test_mask_reaches_global_average_pooling():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([layers.Embedding(10, 3, mask_zero=True), layers.GlobalAveragePooling1D()])
    ids = np.array([[0, 0, 4, 5], [4, 5, 0, 0]])
    table = None
    out = np.asarray(model(ids))
    table = model.get_weights()[0]
    expected = table[[4, 5]].mean(axis=0)
    np.testing.assert_allclose(out[0], expected, rtol=1e-6)
    np.testing.assert_allclose(out[1], expected, rtol=1e-6)


def test_fit_on_raw_text_through_text_vectorization():
    sentences = np.array(["good great fine", "bad awful poor", "great good", "poor bad"] * 16)
    labels = np.array([1, 0, 1, 0] * 16)
    vectorize = layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorize.adapt(sentences)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([vectorize, layers.Embedding(20, 8), layers.GlobalAveragePooling1D(),
                              layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(sentences, labels, epochs=10, batch_size=16, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    assert model.predict(np.array(["awful bad", "fine good"]), verbose=0).argmax(axis=1).tolist() == [0, 1]
