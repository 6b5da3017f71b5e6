"""ReduceLROnPlateau, LearningRateScheduler, CSVLogger, TerminateOnNaN and TensorBoard,
driven through fit() (the Callback API only); TensorBoard's files are read back with the
`tensorboard` package's own reader."""
import csv
import glob
import os

import numpy as np
import pytest

from swiftdl import optimizers
from swiftdl.keras import callbacks, layers, models

RNG = np.random.default_rng(3)
X = RNG.normal(size=(64, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.1).astype(np.float32)


def small_model(learning_rate=0.05):
    model = models.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(learning_rate=learning_rate), loss="mse", metrics=["mae"])
    return model


def test_reduce_lr_on_plateau_reduces_after_patience_and_logs_the_rate():
    model = small_model(0.1)
    # min_delta larger than any change: no epoch after the first counts as an improvement.
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=100.0, verbose=0)
    history = model.fit(X, Y, epochs=3, batch_size=32, verbose=0, callbacks=[reduce])
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.1, 0.05], rtol=1e-6)
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.025)


def test_reduce_lr_respects_min_lr_cooldown_and_mode_detection():
    model = small_model(0.1)
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.1, patience=0, min_delta=100.0, min_lr=0.005,
                                         cooldown=1)
    history = model.fit(X, Y, epochs=5, batch_size=64, verbose=0, callbacks=[reduce])
    # Keras's order: epoch 0 sets `best`; 1 reduces to 0.01 and starts a 1-epoch cooldown;
    # 2 spends the cooldown first, so it counts again and reduces to max(0.001, min_lr);
    # after that the rate sits at min_lr.
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.1, 0.01, 0.005, 0.005], rtol=1e-6)
    with pytest.raises(ValueError, match="factor"):
        callbacks.ReduceLROnPlateau(factor=1.5)
    auto = callbacks.ReduceLROnPlateau(monitor="val_mae")
    auto.set_model(model)
    auto._set_monitor_op()
    assert auto._is_improvement(0.5, 1.0) and not auto._is_improvement(2.0, 1.0)  # mae goes down
    unknown = callbacks.ReduceLROnPlateau(monitor="val_mystery")
    unknown.set_model(model)
    with pytest.raises(ValueError, match="mode='max'"):
        unknown._set_monitor_op()


def test_learning_rate_scheduler_both_signatures():
    model = small_model(0.2)
    scheduler = callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch == 0 else lr * 0.5)
    history = model.fit(X, Y, epochs=3, batch_size=32, verbose=0, callbacks=[scheduler])
    np.testing.assert_allclose(history.history["learning_rate"], [0.2, 0.1, 0.05], rtol=1e-6)
    old_api = callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    history = model.fit(X, Y, epochs=2, batch_size=32, verbose=0, callbacks=[old_api])
    np.testing.assert_allclose(history.history["learning_rate"], [0.01, 0.02], rtol=1e-6)
    with pytest.raises(ValueError, match="should be a float"):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda epoch: 1)])


def test_csv_logger_writes_and_appends(tmp_path):
    path = tmp_path / "log.csv"
    model = small_model()
    history = model.fit(X, Y, epochs=2, batch_size=32, verbose=0, validation_split=0.25,
                        callbacks=[callbacks.CSVLogger(path)])
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [int(r["epoch"]) for r in rows] == [0, 1]
    np.testing.assert_allclose([float(r["val_loss"]) for r in rows], history.history["val_loss"], rtol=1e-6)
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(path, separator=",", append=True)])
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and lines[0].startswith("epoch,")  # one header, three rows
    # Without validation data the val_ columns are there but hold NA, as in Keras.
    other = tmp_path / "semi.csv"
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(other, separator=";")])
    header, row = other.read_text().splitlines()
    assert header == "epoch;loss;mae;val_loss;val_mae" and row.endswith(";NA;NA")


def test_terminate_on_nan_stops_training():
    bad_x = X.copy()
    bad_x[5, 0] = np.nan
    model = small_model()
    history = model.fit(bad_x, Y, epochs=3, batch_size=64, shuffle=False, verbose=0,
                        callbacks=[callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) == 1 and np.isnan(history.history["loss"][0])
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        small_model().fit(bad_x, Y, epochs=1, batch_size=64, verbose=0,
                          callbacks=[callbacks.TerminateOnNaN(raise_error=True)])


# ---- TensorBoard -------------------------------------------------------------------------
def test_event_records_carry_tfrecords_masked_crc():
    from swiftdl.io._tfrecord import masked_crc32c
    # CRC-32C("123456789") is 0xE3069283 (the standard check value), masked as TFRecord masks it.
    crc = 0xE3069283
    assert masked_crc32c(b"123456789") == (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _load(directory):
    event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    accumulator = event_accumulator.EventAccumulator(str(directory))
    accumulator.Reload()
    return accumulator


def _series(accumulator, tag):
    events = accumulator.Scalars(tag)
    return [e.step for e in events], [e.value for e in events]


def test_tensorboard_scalars_load_in_tensorboards_reader(tmp_path):
    pytest.importorskip("tensorboard")
    model = small_model()
    board = callbacks.TensorBoard(log_dir=tmp_path, update_freq=1)
    history = model.fit(X, Y, epochs=3, batch_size=16, verbose=0, validation_data=(X[:16], Y[:16]),
                        callbacks=[board])
    train = _load(tmp_path / "train")
    tags = set(train.Tags()["scalars"])
    assert {"epoch_loss", "epoch_mae", "epoch_learning_rate", "batch_loss", "batch_mae"} <= tags
    steps, values = _series(train, "epoch_loss")
    assert steps == [0, 1, 2]
    np.testing.assert_allclose(values, history.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(_series(train, "epoch_learning_rate")[1], [0.05] * 3, rtol=1e-6)
    batch_steps, _ = _series(train, "batch_loss")
    assert batch_steps == list(range(1, 13))  # 4 batches x 3 epochs, counted from 1
    validation = _load(tmp_path / "validation")
    steps, values = _series(validation, "epoch_loss")
    np.testing.assert_allclose(values, history.history["val_loss"], rtol=1e-6)
    assert "evaluation_loss_vs_iterations" in validation.Tags()["scalars"]
    assert len(glob.glob(os.path.join(tmp_path, "train", "events.out.tfevents.*"))) == 1


def test_tensorboard_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="histogram_freq"):
        callbacks.TensorBoard(tmp_path, histogram_freq=1)
    with pytest.raises(ValueError, match="update_freq"):
        callbacks.TensorBoard(tmp_path, update_freq=0)
