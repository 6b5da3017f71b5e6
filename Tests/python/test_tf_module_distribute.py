"""tf.Module, tf.distribute (one replica), tf.test and tf.DeviceSpec, against what
TensorFlow 2.21 gives for the same programs (its outputs written in the assertions)."""
import unittest

import numpy as np
import pytest

import swiftdl as tf
from swiftdl import keras


class Dense(tf.Module):
    def __init__(self, inputs, outputs, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([inputs, outputs]), name="w")
        self.b = tf.Variable(tf.zeros([outputs]), name="b", trainable=False)

    @tf.Module.with_name_scope
    def __call__(self, x):
        return tf.matmul(x, self.w) + self.b, tf.get_current_name_scope()


class MLPNet(tf.Module):
    def __init__(self):
        super().__init__()
        self.layers = [Dense(2, 3), Dense(3, 1, name="head")]
        self.extra = {"z": tf.Variable(1.0, name="z"), "a": tf.Variable(2.0, name="a")}


def test_module_finds_variables_and_submodules_in_tensorflows_order():
    net = MLPNet()
    # TensorFlow 2.21 on the same classes: mlp_net, mlp_net/, [a, z, b, w, b, w], [a, z, w, w], [dense, head].
    assert (net.name, net.name_scope.name) == ("mlp_net", "mlp_net/")
    assert [v.name for v in net.variables] == ["a", "z", "b", "w", "b", "w"]
    assert [v.name for v in net.trainable_variables] == ["a", "z", "w", "w"]
    assert [v.name for v in net.non_trainable_variables] == ["b", "b"]
    assert [m.name for m in net.submodules] == ["dense", "head"]
    assert type("HTTPServer2D", (tf.Module,), {})().name == "http_server2_d"
    with pytest.raises(ValueError, match="valid module name"):
        tf.Module(name="bad name")
    y, scope = net.layers[1](tf.ones((1, 3)))
    assert scope == "head" and y.numpy().item() == 3.0


def test_module_trains_with_a_tape_and_sees_keras_layers_inside():
    class Wrapper(tf.Module):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)
            self.dense.build((None, 3))
            self.scale = tf.Variable(1.0, name="scale")

    module = Wrapper()
    assert len(module.trainable_variables) == 3
    x = tf.constant(np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(module.dense(x) * module.scale)
    grads = tape.gradient(loss, module.trainable_variables)
    assert all(g is not None for g in grads)


def test_mirrored_strategy_is_one_replica_as_on_a_cpu_machine():
    strategy = tf.distribute.MirroredStrategy()
    assert strategy.num_replicas_in_sync == 1
    assert float(strategy.reduce("SUM", tf.constant([1.0, 2.0]), axis=0).numpy()) == 3.0
    np.testing.assert_array_equal(strategy.reduce(tf.distribute.ReduceOp.MEAN, tf.constant([1.0, 3.0]), axis=None)
                                  .numpy(), [1.0, 3.0])
    assert (tf.distribute.get_strategy().num_replicas_in_sync, tf.distribute.has_strategy(),
            tf.distribute.in_cross_replica_context()) == (1, False, False)
    with strategy.scope():
        assert tf.distribute.has_strategy() and tf.distribute.get_strategy() is strategy
        assert tf.distribute.in_cross_replica_context() and tf.distribute.get_replica_context() is None
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    cross, replicas, doubled = strategy.run(
        lambda x: (tf.distribute.in_cross_replica_context(), tf.distribute.get_replica_context().num_replicas_in_sync,
                   x * 2), args=(tf.constant(3),))
    assert (cross, replicas, int(doubled.numpy())) == (False, 1, 6)
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    history = model.fit(x, x.sum(axis=1, keepdims=True), epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert tf.distribute.InputContext(num_replicas_in_sync=1).get_per_replica_batch_size(64) == 64
    dataset = tf.data.Dataset.from_tensor_slices(x).batch(8)
    assert strategy.experimental_distribute_dataset(dataset) is dataset
    with pytest.raises(NotImplementedError, match="mpirun"):
        tf.distribute.MultiWorkerMirroredStrategy()


def test_tf_test_case_assertions_pass_and_fail():
    class Case(tf.test.TestCase):
        def test_passes(self):
            self.assertAllClose(tf.constant([1.0, 2.0]), [1.0, 2.0 + 1e-8])
            self.assertAllEqual(tf.constant([[1, 2]]), np.array([[1, 2]]))
            self.assertAllInRange(tf.constant([0.5, 1.0]), 0.0, 1.0)
            self.assertEqual(self.evaluate({"a": tf.constant(2)})["a"], 2)

        def test_fails(self):
            self.assertAllClose(tf.constant([1.0]), [1.1])

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert result.testsRun == 2 and len(result.failures) == 1 and "test_fails" in str(result.failures[0][0])
    assert not tf.test.is_gpu_available() and tf.test.gpu_device_name() == ""


@pytest.mark.parametrize("spec, parts, text", [
    ("/job:localhost/replica:0/task:0/device:CPU:0", ("localhost", 0, 0, "CPU", 0),
     "/job:localhost/replica:0/task:0/device:CPU:0"),
    ("/cpu:0", (None, None, None, "CPU", 0), "/device:CPU:0"),
    ("GPU:1", (None, None, None, "GPU", 1), "/device:GPU:1"),
    ("/job:worker/task:3", ("worker", None, 3, None, None), "/job:worker/task:3"),
    ("/device:GPU:*", (None, None, None, "GPU", None), "/device:GPU:*"),
])
def test_device_spec_parses_as_tensorflow(spec, parts, text):
    device = tf.DeviceSpec.from_string(spec)
    assert (device.job, device.replica, device.task, device.device_type, device.device_index) == parts
    assert device.to_string() == text


def test_device_spec_merge_and_enums():
    first, second = tf.DeviceSpec.from_string("/job:w/task:1"), tf.DeviceSpec.from_string("/device:CPU:0")
    assert first.make_merged_spec(second).to_string() == "/job:w/task:1/device:CPU:0"
    assert first.replace(task=2).to_string() == "/job:w/task:2"
    assert (tf.VariableAggregation.MEAN.value, tf.VariableSynchronization.ON_READ.value,
            tf.AggregationMethod.EXPERIMENTAL_TREE) == (2, 3, 1)
    assert np.asarray(tf.constant_initializer(2.0)((2,))).tolist() == [2.0, 2.0]
