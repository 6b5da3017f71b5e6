"""BackupAndRestore (an interrupted fit resumes at the epoch it reached, with the weights and
optimizer state it had, and ends as the uninterrupted fit) and SwapEMAWeights (evaluation
and prediction run on the optimizer's moving averages; training goes on with the raw
weights)."""
import os

import numpy as np
import pytest

from swiftdl import keras

RNG = np.random.default_rng(5)
X = RNG.random((64, 6)).astype("float32")
Y = RNG.random((64, 1)).astype("float32")


def _model(use_ema=False):
    keras.utils.set_random_seed(2)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01, use_ema=use_ema), "mse")
    return model


class _Interrupt(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise RuntimeError("interrupted")


def test_interrupted_fit_resumes_and_matches_the_uninterrupted_one(tmp_path):
    reference = _model()
    reference.fit(X, Y, epochs=4, batch_size=16, shuffle=False, verbose=0)

    backup = str(tmp_path / "backup")
    model = _model()
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(X, Y, epochs=4, batch_size=16, shuffle=False, verbose=0,
                  callbacks=[keras.callbacks.BackupAndRestore(backup), _Interrupt()])
    assert os.path.exists(os.path.join(backup, "latest.weights.h5"))

    resumed = _model()  # a new process would start from scratch like this
    history = resumed.fit(X, Y, epochs=4, batch_size=16, shuffle=False, verbose=0,
                          callbacks=[keras.callbacks.BackupAndRestore(backup)])
    assert history.epoch == [2, 3]
    for a, b in zip(resumed.weights, reference.weights):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-7)
    assert not os.path.exists(backup)  # deleted once training ended


def test_backup_every_n_batches_and_double_checkpoint(tmp_path):
    backup = str(tmp_path / "b")
    model = _model()
    callback = keras.callbacks.BackupAndRestore(backup, save_freq=2, double_checkpoint=True, delete_checkpoint=False)
    model.fit(X, Y, epochs=1, batch_size=16, verbose=0, callbacks=[callback])
    assert sorted(os.listdir(backup)) == ["latest.weights.h5", "latest.weights.h5.bkp", "training_metadata.json",
                                          "training_metadata.json.bkp"]
    with pytest.raises(ValueError, match="save_freq"):
        keras.callbacks.BackupAndRestore(backup, save_freq="sometimes")
    with pytest.raises(ValueError, match="backup_dir"):
        keras.callbacks.BackupAndRestore("")


def test_swap_ema_weights_for_evaluation():
    model = _model(use_ema=True)
    model.fit(X, Y, epochs=2, batch_size=16, verbose=0)
    raw = [np.array(w) for w in model.trainable_variables]
    averages = [np.array(model.optimizer._slots["average"][id(w)]) for w in model.trainable_variables]
    swap = keras.callbacks.SwapEMAWeights()
    swap.set_model(model)
    evaluated = model.evaluate(X, Y, verbose=0, callbacks=[swap])
    for variable, value in zip(model.trainable_variables, raw):
        np.testing.assert_array_equal(np.asarray(variable), value)  # swapped back
    for variable, value in zip(model.trainable_variables, averages):
        variable.assign(value)
    np.testing.assert_allclose(evaluated, model.evaluate(X, Y, verbose=0), rtol=1e-6)


def test_swap_ema_weights_needs_use_ema():
    model = _model(use_ema=False)
    model.fit(X, Y, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="use_ema"):
        model.evaluate(X, Y, verbose=0, callbacks=[keras.callbacks.SwapEMAWeights()])


def test_swap_on_epoch_leaves_the_averages_after_training():
    model = _model(use_ema=True)
    model.fit(X, Y, epochs=2, batch_size=16, verbose=0, callbacks=[keras.callbacks.SwapEMAWeights(swap_on_epoch=True)])
    for variable in model.trainable_variables:
        np.testing.assert_array_equal(np.asarray(variable), np.asarray(model.optimizer._slots["average"][id(variable)]))
