"""fit/evaluate/predict on datasets, generators and PyDatasets; class_weight; steps_per_epoch."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers


def blobs(n=256, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = (rng.standard_normal((n, 4)) + np.eye(3, 4)[y] * 3).astype(np.float32)
    return x, y


def classifier():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(16, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_fit_on_a_dataset_with_validation_dataset():
    x, y = blobs()
    train = sd.data.Dataset.from_tensor_slices((x, y)).shuffle(256, seed=1).batch(32)
    valid = sd.data.Dataset.from_tensor_slices((x[:64], y[:64])).batch(32)
    model = classifier()
    history = model.fit(train, validation_data=valid, epochs=4, verbose=0)
    assert history.history["val_accuracy"][-1] > 0.8
    assert model.evaluate(valid, verbose=0)[1] > 0.8
    assert model.predict(sd.data.Dataset.from_tensor_slices(x).batch(50), verbose=0).shape == (256, 3)


def test_fit_on_a_generator_with_steps_per_epoch_and_on_a_pydataset():
    x, y = blobs()

    def batches():
        while True:
            for start in range(0, 256, 32):
                yield x[start:start + 32], y[start:start + 32]

    model = classifier()
    history = model.fit(batches(), steps_per_epoch=8, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3 and history.history["accuracy"][-1] > 0.8

    class Blobs(keras.utils.PyDataset):
        def __len__(self):
            return 8

        def __getitem__(self, index):
            return x[index * 32:(index + 1) * 32], y[index * 32:(index + 1) * 32]

    assert classifier().fit(Blobs(), epochs=2, verbose=0).history["loss"][-1] < 1.0
    with pytest.raises(ValueError, match="validation_split"):
        classifier().fit(Blobs(), validation_split=0.2, verbose=0)


def test_class_weight_is_a_per_class_sample_weight():
    x, y = blobs(64)
    class_weight = {0: 0.0, 1: 2.0, 2: 0.5}
    by_class = classifier()
    by_class.fit(x, y, epochs=1, batch_size=64, shuffle=False, class_weight=class_weight, verbose=0)
    by_sample = classifier()
    by_sample.fit(x, y, epochs=1, batch_size=64, shuffle=False, sample_weight=np.array([class_weight[c] for c in y]), verbose=0)
    unweighted = classifier()
    unweighted.fit(x, y, epochs=1, batch_size=64, shuffle=False, verbose=0)
    for a, b, c in zip(by_class.get_weights(), by_sample.get_weights(), unweighted.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert any(not np.allclose(a, c) for a, c in zip(by_class.get_weights(), unweighted.get_weights()))
    with pytest.raises(ValueError, match="class_weight"):
        by_class.fit(x, y, class_weight=[1, 2, 3], verbose=0)
