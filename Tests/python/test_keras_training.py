"""compile / fit / evaluate / predict: return values, logs, progress bar, callbacks, losses."""
import contextlib
import io
import re

import numpy as np
import pytest

from swiftdl import keras
from swiftdl.keras import layers, models

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def small_classifier(seed=0):
    keras.utils.set_random_seed(seed)
    model = models.Sequential([keras.Input(shape=(4,)), layers.Dense(16, activation="relu"),
                               layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def blobs(n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.standard_normal((n, 4)).astype(np.float32) + np.eye(3, 4)[y] * 3
    return x, y


def test_fit_returns_history_with_keras_keys_and_learns():
    x, y = blobs()
    model = small_classifier()
    history = model.fit(x, y, epochs=3, batch_size=32, validation_split=0.2, verbose=0)
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history.epoch == [0, 1, 2] and len(history.history["loss"]) == 3
    assert history.history["accuracy"][-1] > 0.8
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert isinstance(loss, float) and accuracy > 0.8
    assert model.evaluate(x, y, verbose=0, return_dict=True).keys() == {"loss", "accuracy"}
    predictions = model.predict(x, verbose=0)
    assert isinstance(predictions, np.ndarray) and predictions.shape == (300, 3)
    np.testing.assert_allclose(predictions.sum(axis=1), 1, rtol=1e-5)


def test_evaluate_with_loss_only_returns_a_scalar():
    model = models.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    value = model.evaluate(np.ones((4, 2)), np.zeros((4, 1)), verbose=0)
    assert isinstance(value, float)


def test_progress_bar_formats():
    x, y = blobs(96)
    model = small_classifier()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model.fit(x, y, epochs=2, batch_size=32, verbose=1)
    text = ANSI.sub("", out.getvalue())
    assert "Epoch 1/2" in text and "Epoch 2/2" in text
    assert re.search(r"3/3 ━{20} \d+s \d+(ms|us|s)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}", text), text
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model.fit(x, y, epochs=2, batch_size=32, verbose=2)
    lines = [l for l in out.getvalue().splitlines() if l]
    assert lines[0] == "Epoch 1/2"
    assert re.fullmatch(r"3/3 - \d+s - \d+(ms|us|s)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}", lines[1]), lines
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    assert out.getvalue() == ""


def test_train_test_predict_on_batch():
    x, y = blobs(32)
    model = small_classifier()
    loss, accuracy = model.train_on_batch(x, y)
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    assert set(model.test_on_batch(x, y, return_dict=True)) == {"loss", "accuracy"}
    assert model.predict_on_batch(x).shape == (32, 3)


def test_set_random_seed_makes_training_repeat_exactly():
    x, y = blobs(128)
    first = small_classifier(seed=7)
    first.fit(x, y, epochs=2, batch_size=16, verbose=0)
    second = small_classifier(seed=7)
    second.fit(x, y, epochs=2, batch_size=16, verbose=0)
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_callbacks_early_stopping_checkpoint_lambda(tmp_path):
    pytest.importorskip("h5py")
    x, y = blobs(120)
    model = small_classifier()
    seen = []
    path = str(tmp_path / "best.weights.h5")
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0),
        keras.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True, save_weights_only=True),
        keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append((epoch, sorted(logs)))),
    ]
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=callbacks)
    assert len(history.epoch) == 2  # stops after the first epoch without a 10.0 improvement
    assert seen[0] == (0, ["accuracy", "loss"])
    restored = small_classifier(seed=99)
    restored.load_weights(path)


def test_batch_hooks_reach_overrides_and_instance_functions_with_float_logs():
    # CallbackList skips hooks a callback leaves as Callback's no-op; overridden methods,
    # Keras 2's on_batch_end and functions set on the instance (LambdaCallback) still run.
    x, y = blobs(64)
    model = small_classifier()

    class Counting(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.calls = []

        def on_train_batch_end(self, batch, logs=None):
            self.calls.append(("train_batch_end", batch, logs))

        def on_batch_end(self, batch, logs=None):
            self.calls.append(("batch_end", batch, logs))

    counting = Counting()
    lambda_logs = []
    lambda_callback = keras.callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: lambda_logs.append((batch, logs)))
    model.fit(x, y, epochs=1, batch_size=32, verbose=0, callbacks=[counting, lambda_callback])
    assert [(name, batch) for name, batch, _ in counting.calls] == [
        ("train_batch_end", 0), ("batch_end", 0), ("train_batch_end", 1), ("batch_end", 1)]
    logs = counting.calls[0][2]
    assert list(logs) == ["accuracy", "loss"] and all(type(v) is float for v in logs.values())
    assert lambda_logs == [(0, {}), (1, {})]


def test_save_and_load_weights_round_trip(tmp_path):
    pytest.importorskip("h5py")
    model = small_classifier()
    path = str(tmp_path / "model.weights.h5")
    model.save_weights(path)
    other = small_classifier(seed=5)
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    import h5py
    with h5py.File(path) as handle:
        assert sorted(handle["layers"]) == ["dense", "dense_1"]
    mismatched = models.Sequential([keras.Input(shape=(4,)), layers.Dense(5), layers.Dense(3)])
    before = mismatched.get_weights()
    with pytest.raises(ValueError):
        mismatched.load_weights(path)
    for a, b in zip(before, mismatched.get_weights()):
        np.testing.assert_array_equal(a, b)  # a failed load changes nothing


def numpy_losses(y_true, y_pred):
    eps = 1e-7
    p = np.clip(y_pred, eps, 1 - eps)
    onehot = np.eye(y_pred.shape[1])[y_true]
    normalized = np.clip(y_pred / y_pred.sum(1, keepdims=True), eps, 1 - eps)
    return {
        "mse": ((y_pred - onehot) ** 2).mean(),
        "mae": np.abs(y_pred - onehot).mean(),
        "categorical_crossentropy": -(onehot * np.log(normalized)).sum(1).mean(),
        "sparse_categorical_crossentropy": -np.log(normalized)[np.arange(len(y_true)), y_true].mean(),
        "binary_crossentropy": -(onehot * np.log(p) + (1 - onehot) * np.log(1 - p)).mean(),
    }


def test_losses_match_keras_formulas():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 4, 6)
    logits = rng.standard_normal((6, 4))
    y_pred = (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype(np.float32)
    expected = numpy_losses(y_true, y_pred.astype(np.float64))
    onehot = np.eye(4, dtype=np.float32)[y_true]
    for name, value in expected.items():
        target = y_true if name.startswith("sparse") else onehot
        got = keras.losses.resolve(name)(target, y_pred)
        np.testing.assert_allclose(float(got), value, rtol=1e-5, err_msg=name)
    logits32 = logits.astype(np.float32)
    np.testing.assert_allclose(float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, logits32)),
                               expected["sparse_categorical_crossentropy"], rtol=1e-5)
    np.testing.assert_allclose(float(keras.losses.CategoricalCrossentropy(from_logits=True)(onehot, logits32)),
                               expected["categorical_crossentropy"], rtol=1e-5)
    assert keras.losses.get("mse") is keras.losses.mean_squared_error


def test_accuracy_is_resolved_like_keras():
    from swiftdl.keras.metrics import resolve_for_compile, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy
    assert isinstance(resolve_for_compile("accuracy", np.zeros((4,)), np.zeros((4, 3))), SparseCategoricalAccuracy)
    assert isinstance(resolve_for_compile("accuracy", np.zeros((4, 3)), np.zeros((4, 3))), CategoricalAccuracy)
    assert isinstance(resolve_for_compile("accuracy", np.zeros((4, 1)), np.zeros((4, 1))), BinaryAccuracy)
    assert resolve_for_compile("acc", np.zeros((4,)), np.zeros((4, 3))).name == "acc"


def test_bad_inputs_raise_clear_errors_and_the_model_survives():
    x, y = blobs(64)
    model = small_classifier()
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="outside the valid range"):
        model.fit(x, np.full(64, 7), verbose=0)
    with pytest.raises(ValueError, match="incompatible"):
        model.fit(np.ones((64, 5), np.float32), y, verbose=0)
    with pytest.raises(ValueError, match="cardinality"):
        model.fit(x, y[:10], verbose=0)
    with pytest.raises(ValueError, match="Could not interpret"):
        model.compile(optimizer="adam", loss="no_such_loss")
    with pytest.raises(ValueError):
        model.compile(optimizer="no_such_optimizer", loss="mse")
    with pytest.raises(ValueError, match="compile"):
        models.Sequential([layers.Dense(1)]).fit(x, y, verbose=0)
    history = model.fit(x, y, epochs=1, verbose=0)  # still trains
    assert np.isfinite(history.history["loss"][0])


def test_utils_to_categorical_and_pad_sequences():
    np.testing.assert_array_equal(keras.utils.to_categorical([0, 2, 1], 3), np.eye(3)[[0, 2, 1]])
    padded = keras.utils.pad_sequences([[1, 2, 3], [4]], maxlen=2)
    np.testing.assert_array_equal(padded, [[2, 3], [0, 4]])
    np.testing.assert_array_equal(keras.utils.pad_sequences([[1], [2, 3]], padding="post"), [[1, 0], [2, 3]])


def test_imdb_loader_follows_keras_conventions_and_refuses_code(tmp_path):
    import pickle
    reviews = np.empty(4, dtype=object)
    reviews[:] = [[5, 6, 7], [8], [9, 10], [11, 12, 13, 14]]
    np.savez(tmp_path / "imdb.npz", x_train=reviews, y_train=np.array([0, 1, 0, 1]),
             x_test=reviews[:2].copy(), y_test=np.array([1, 0]))
    (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(path=str(tmp_path / "imdb.npz"), num_words=12)
    assert len(x_train) == 4 and len(x_test) == 2 and x_train.dtype == object
    for review, label in zip(x_train, y_train):
        assert review[0] == 1  # start_char
        assert all(w == 2 or 3 < w < 12 for w in review[1:])  # ids shifted by 3; >= num_words become oov 2
    assert sorted(len(r) for r in x_train) == [2, 3, 4, 5]

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))
    hostile = np.empty(1, dtype=object)
    hostile[0] = Evil()
    np.savez(tmp_path / "evil.npz", x_train=hostile, y_train=np.array([0]), x_test=hostile, y_test=np.array([0]))
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        keras.datasets.imdb.load_data(path=str(tmp_path / "evil.npz"))
