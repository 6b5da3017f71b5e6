"""tf.config's remaining names on a CPU-only engine: logical CPUs for multi-device code, soft
placement, the optimizer options, TensorFlow's older eager-function names, and a clear error
for TensorFlow's cluster runtime."""
import pytest

import swiftdl as tf


def test_logical_cpus():
    cpu = tf.config.list_physical_devices("CPU")[0]
    assert tf.config.get_logical_device_configuration(cpu) is None
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 3)
        assert [d.name for d in tf.config.list_logical_devices("CPU")] == ["/device:CPU:0", "/device:CPU:1",
                                                                          "/device:CPU:2"]
        assert len(tf.config.get_logical_device_configuration(cpu)) == 3
    finally:
        tf.config.set_logical_device_configuration(cpu, None)
    assert len(tf.config.list_logical_devices()) == 1
    with pytest.raises(ValueError, match="LogicalDeviceConfiguration"):
        tf.config.set_logical_device_configuration(cpu, [])
    with pytest.raises(ValueError, match="Unrecognized device"):
        tf.config.get_logical_device_configuration("GPU:0")


def test_placement_optimizer_and_eager_names():
    assert tf.config.get_soft_device_placement() is True
    tf.config.set_soft_device_placement(False)
    assert tf.config.get_soft_device_placement() is False
    tf.config.set_soft_device_placement(True)
    tf.config.optimizer.set_experimental_options({"layout_optimizer": False})
    assert tf.config.optimizer.get_experimental_options()["layout_optimizer"] is False
    tf.config.optimizer.set_jit(True)
    assert tf.config.optimizer.get_jit() == "autoclustering"
    tf.config.optimizer.set_jit(False)
    assert tf.config.optimizer.get_jit() == ""
    assert tf.config.experimental_functions_run_eagerly is tf.config.functions_run_eagerly
    tf.config.experimental_run_functions_eagerly(True)
    assert tf.config.functions_run_eagerly()
    tf.config.run_functions_eagerly(False)
    with pytest.raises(NotImplementedError, match="DataParallel"):
        tf.config.experimental_connect_to_cluster(None)
