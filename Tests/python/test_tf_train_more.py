"""tf.train.ExponentialMovingAverage against TensorFlow 2.21 (fixtures/tf_train, written by
make_tf_train_fixture.py), and reading swiftdl checkpoints without the model:
load_checkpoint, list_variables, load_variable, get_checkpoint_state, checkpoints_iterator,
CheckpointOptions."""
import json
import pathlib

import numpy as np
import pytest

import swiftdl as tf
from swiftdl import keras

EMA = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf_train" / "tf_train_ema.json").read_text())


@pytest.mark.parametrize("label", ["plain", "num_updates"])
def test_exponential_moving_average_matches_tensorflow(label):
    weight = tf.Variable(np.float32(EMA["values"][0]), name="weight")
    bias = tf.Variable(np.float32(0.5), name="bias")
    num_updates = tf.Variable(2) if label == "num_updates" else None
    ema = tf.train.ExponentialMovingAverage(0.9, num_updates=num_updates)
    for step, value in enumerate(EMA["values"]):
        weight.assign(np.float32(value))
        bias.assign(np.float32(step))
        ema.apply([weight, bias])
        expected_weight, expected_bias = EMA[label][step]
        np.testing.assert_allclose(np.asarray(ema.average(weight)), expected_weight, rtol=1e-6)
        np.testing.assert_allclose(float(ema.average(bias)), expected_bias, rtol=1e-6, atol=1e-7)
        if num_updates is not None:
            num_updates.assign_add(3)
    if label == "plain":   # (TensorFlow numbers the fixture's second average "_1" within its one process)
        names = [ema.average_name(weight), ema.average_name(bias), ema.average(weight).name + ":0"]
        assert names == EMA[label + "_names"]
    assert ema.name == "ExponentialMovingAverage"
    assert ema.average(tf.Variable(1.0)) is None
    assert set(ema.variables_to_restore()) == {"weight/ExponentialMovingAverage", "bias/ExponentialMovingAverage"}
    with pytest.raises(TypeError, match="half, float, or double"):
        ema.apply([tf.Variable(3)])


def test_moving_average_of_a_keras_model_in_a_training_loop():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    ema = tf.train.ExponentialMovingAverage(0.5)
    ema.apply(model.trainable_variables)
    before = [np.array(v) for v in model.trainable_variables]
    for v in model.trainable_variables:
        v.assign(v + 1.0)
    ema.apply(model.trainable_variables)
    for original, v in zip(before, model.trainable_variables):
        np.testing.assert_allclose(np.asarray(ema.average(v)), original + 0.5, rtol=1e-6)


def test_reading_checkpoints_without_the_model(tmp_path):
    weight = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
    step = tf.Variable(np.int64(7), name="step")
    checkpoint = tf.train.Checkpoint(weight=weight, step=step)
    first = checkpoint.save(str(tmp_path / "ckpt"), options=tf.train.CheckpointOptions())
    weight.assign(weight * 2)
    second = checkpoint.save(str(tmp_path / "ckpt"))
    assert tf.train.list_variables(str(tmp_path)) == [("save_counter/0", []), ("step/0", []), ("weight/0", [2, 3])]
    np.testing.assert_array_equal(tf.train.load_variable(str(tmp_path), "weight/0"),
                                  np.arange(6).reshape(2, 3) * 2)
    np.testing.assert_array_equal(tf.train.load_variable(first, "weight/0:0"), np.arange(6).reshape(2, 3))
    reader = tf.train.load_checkpoint(second)
    assert reader.has_tensor("step/0") and not reader.has_tensor("nothing")
    assert reader.get_variable_to_dtype_map()["weight/0"] == tf.float32
    assert int(reader.get_tensor("step/0")) == 7
    with pytest.raises(tf.errors.NotFoundError, match="nothing"):
        reader.get_tensor("nothing")
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == second and state.all_model_checkpoint_paths == [first, second]
    assert tf.train.get_checkpoint_state(str(tmp_path / "empty")) is None
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.load_checkpoint(str(tmp_path / "missing"))
    assert checkpoint.restore(first, options=tf.train.CheckpointOptions(enable_async=True)) is not None
    np.testing.assert_array_equal(np.asarray(weight), np.arange(6).reshape(2, 3))


def test_checkpoints_iterator_yields_new_checkpoints_then_times_out(tmp_path):
    checkpoint = tf.train.Checkpoint(v=tf.Variable(1.0))
    path = checkpoint.save(str(tmp_path / "ckpt"))
    seen = list(tf.train.checkpoints_iterator(str(tmp_path), timeout=0.2))
    assert seen == [path]
    calls = []
    assert list(tf.train.checkpoints_iterator(str(tmp_path / "none"), timeout=0.1,
                                              timeout_fn=lambda: calls.append(1) or True)) == []
    assert calls == [1]
