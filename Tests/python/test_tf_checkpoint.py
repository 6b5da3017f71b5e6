"""tf.train.Checkpoint, CheckpointManager and latest_checkpoint: a custom training loop
saved and resumed into fresh objects continues exactly as the uninterrupted loop, deferred
restoration for objects that create their variables later, the manager's numbering and
pruning, TensorFlow's `checkpoint` state file, and bad paths and shapes."""
import os

import numpy as np
import pytest

import swiftdl as tf
from swiftdl import keras

RNG = np.random.default_rng(12)
X = RNG.random((32, 4)).astype("float32")
Y = RNG.random((32, 1)).astype("float32")


def _model():
    keras.utils.set_random_seed(1)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden, self.out = keras.layers.Dense(3), keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


def _step(model, optimizer):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(X) - Y) ** 2)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return float(loss)


@pytest.mark.parametrize("optimizer_class", [keras.optimizers.Adam, keras.optimizers.SGD])
def test_resuming_continues_the_uninterrupted_loop(tmp_path, optimizer_class):
    model, optimizer = _model(), optimizer_class(0.05)
    counter = tf.Variable(0)
    checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer, step=counter)
    for _ in range(3):
        _step(model, optimizer)
        counter.assign(int(counter) + 1)
    path = checkpoint.save(tmp_path / "ckpt")
    assert path == str(tmp_path / "ckpt-1") and tf.train.latest_checkpoint(tmp_path) == path
    expected = [_step(model, optimizer) for _ in range(4)]

    fresh_model, fresh_optimizer, fresh_counter = _model(), optimizer_class(0.05), tf.Variable(0)
    status = tf.train.Checkpoint(model=fresh_model, optimizer=fresh_optimizer, step=fresh_counter).restore(path)
    assert int(fresh_counter) == 3
    resumed = [_step(fresh_model, fresh_optimizer) for _ in range(4)]
    assert resumed == expected  # the same float32 arithmetic on the same state
    status.assert_consumed()
    for a, b in zip(model.weights, fresh_model.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_a_subclassed_model_gets_its_values_at_its_first_call(tmp_path):
    model = _Subclassed()
    model(X)
    path = tf.train.Checkpoint(model=model).write(str(tmp_path / "weights"))
    fresh = _Subclassed()
    status = tf.train.Checkpoint(model=fresh).read(path)
    with pytest.raises(AssertionError, match="objects still to create their variables"):
        status.assert_consumed()
    np.testing.assert_allclose(np.asarray(fresh(X)), np.asarray(model(X)), rtol=1e-6)
    status.assert_consumed()


def test_manager_numbers_prunes_and_writes_tensorflow_s_state_file(tmp_path):
    model = _model()
    checkpoint = tf.train.Checkpoint(model=model)
    manager = tf.train.CheckpointManager(checkpoint, tmp_path / "run", max_to_keep=2)
    assert manager.latest_checkpoint is None
    paths = [manager.save() for _ in range(4)]
    assert [os.path.basename(p) for p in paths] == ["ckpt-1", "ckpt-2", "ckpt-3", "ckpt-4"]
    assert manager.checkpoints == paths[2:]
    assert not os.path.exists(paths[0] + ".h5") and os.path.exists(paths[3] + ".h5")
    state = (tmp_path / "run" / "checkpoint").read_text()
    assert state.splitlines() == ['model_checkpoint_path: "ckpt-4"', 'all_model_checkpoint_paths: "ckpt-3"',
                                  'all_model_checkpoint_paths: "ckpt-4"']
    again = tf.train.CheckpointManager(tf.train.Checkpoint(model=_model()), tmp_path / "run", max_to_keep=2)
    assert again.checkpoints == paths[2:] and again.restore_or_initialize() == paths[3]
    assert manager.save(checkpoint_number=100).endswith("ckpt-100")


def test_manager_checkpoint_interval_and_init_fn(tmp_path):
    step = tf.Variable(0)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(model=_model()), tmp_path, max_to_keep=None,
                                         step_counter=step, checkpoint_interval=5)
    saved = []
    for value in range(12):
        step.assign(value)
        saved.append(manager.save())
    assert [os.path.basename(p) for p in saved if p] == ["ckpt-0", "ckpt-5", "ckpt-10"]
    calls = []
    empty = tf.train.CheckpointManager(tf.train.Checkpoint(model=_model()), tmp_path / "empty", max_to_keep=1,
                                       init_fn=lambda: calls.append(1))
    assert empty.restore_or_initialize() is None and calls == [1]


def test_bad_paths_shapes_and_objects(tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="TensorFlow's"):
        tf.train.Checkpoint(model=_model()).restore(str(tmp_path / "missing"))
    path = tf.train.Checkpoint(v=tf.Variable(np.zeros(3))).write(str(tmp_path / "v"))
    with pytest.raises(ValueError, match="shape"):
        tf.train.Checkpoint(v=tf.Variable(np.zeros(4))).restore(path)
    with pytest.raises(ValueError, match="trackable"):
        tf.train.Checkpoint(model="not a model")
    status = tf.train.Checkpoint(v=tf.Variable(np.zeros(3)), w=tf.Variable(1.0)).restore(path)
    with pytest.raises(AssertionError, match="not found"):
        status.assert_existing_objects_matched()
    tf.train.Checkpoint(v=tf.Variable(np.zeros(3))).restore(None).assert_consumed()
    assert tf.train.latest_checkpoint(tmp_path / "nothing") is None
    with pytest.raises(ValueError, match="max_to_keep"):
        tf.train.CheckpointManager(tf.train.Checkpoint(), tmp_path, max_to_keep=0)
