"""The TensorFlow face's core: dtype objects, TensorShape/TensorSpec, tf.function,
constant/convert_to_tensor/cast, tf.errors and tf.config."""
import numpy as np
import pytest

import swiftdl as tf


# ---- dtypes ----------------------------------------------------------------------------------
def test_dtype_objects_read_as_tensorflow_and_numpy_ones():
    assert tf.float32.name == "float32" and tf.bool.name == "bool" and repr(tf.int64) == "tf.int64"
    assert tf.float32.is_floating and tf.int32.is_integer and tf.uint8.is_unsigned and tf.bool.is_bool
    assert tf.float32.as_numpy_dtype is np.float32 and tf.float64.size == 8
    assert tf.float32.min == np.finfo(np.float32).min and tf.int32.max == 2 ** 31 - 1
    assert tf.as_dtype("float64") is tf.float64 and tf.as_dtype(np.int32) is tf.int32 and tf.as_dtype(float) is tf.float32
    assert tf.dtypes.float32 is tf.float32 and isinstance(tf.float32, tf.DType)
    with pytest.raises(TypeError):
        tf.as_dtype("no such dtype")


def test_dtype_objects_work_where_numpy_takes_a_dtype():
    x = tf.asarray([1.0, 2.0])
    assert x.dtype == tf.float32 and tf.float32 == x.dtype and tf.float32 == np.float32 and tf.float32 != tf.float64
    assert np.zeros(2, tf.float64).dtype == np.float64 and np.ones(2).astype(tf.int32).dtype == np.int32
    assert x.astype(tf.float64).dtype == np.float64 and tf.zeros(3, dtype=tf.int64).dtype == np.int64
    assert tf.float32(1.5) == np.float32(1.5) and type(tf.float32(1.5)) is np.float32
    assert isinstance(np.float32(1), tf.float32) and not isinstance(1.0, tf.float32)
    assert np.issubdtype(np.dtype(np.float32), tf.float32) and {tf.float32: 1}[tf.float32] == 1
    assert np.finfo(np.dtype(tf.float32)).eps == np.finfo(np.float32).eps
    assert tf.float32.__name__ == "float32" and tf.float32.char == "f"  # numpy's attributes too
    import pickle
    assert pickle.loads(pickle.dumps(tf.float64)) is tf.float64
    with pytest.raises(TypeError, match="float16"):
        tf.zeros(3, dtype=tf.float16)  # numpy knows it; the engine does not hold it


# ---- shapes and specs ------------------------------------------------------------------------------
def test_tensor_shape():
    shape = tf.TensorShape([None, 3])
    assert shape.rank == 2 and shape[1] == 3 and shape[0] is None and shape.as_list() == [None, 3]
    assert not shape.is_fully_defined() and tf.TensorShape([2, 3]).num_elements() == 6
    assert shape.is_compatible_with([5, 3]) and not shape.is_compatible_with([5, 4])
    assert shape.merge_with([7, None]).as_list() == [7, 3]
    assert tf.TensorShape([2, 3]) == (2, 3) and tf.TensorShape(None).rank is None
    assert tf.TensorShape([1]) + [2] == tf.TensorShape([1, 2]) and str(shape) == "(None, 3)"
    with pytest.raises(ValueError):
        tf.TensorShape(None).as_list()
    with pytest.raises(ValueError):
        shape.merge_with([1, 4])


def test_tensor_spec():
    spec = tf.TensorSpec(shape=[None, 4], dtype=tf.float32, name="x")
    assert spec.is_compatible_with(tf.zeros((8, 4))) and not spec.is_compatible_with(tf.zeros((8, 5)))
    assert not spec.is_compatible_with(tf.zeros((8, 4), tf.int32))
    assert tf.TensorSpec.from_tensor(tf.ones((2, 2))) == tf.TensorSpec([2, 2], tf.float32)


# ---- tf.function ----------------------------------------------------------------------------------
def test_function_as_a_decorator_with_and_without_arguments():
    calls = []

    @tf.function
    def plain(x):
        calls.append(1)
        return x * 2

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)], jit_compile=True, reduce_retracing=True,
                 autograph=False)
    def signed(x):
        return tf.reduce_sum(x)

    np.testing.assert_array_equal(plain(tf.constant([1.0, 2.0])), [2.0, 4.0])
    assert float(signed(tf.constant([1.0, 2.0, 3.0]))) == 6.0 and len(calls) == 1
    assert plain.python_function(3) == 6 and plain.__name__ == "plain"
    assert signed.input_signature[0].shape.as_list() == [None]
    concrete = signed.get_concrete_function()
    assert float(concrete(tf.constant([4.0]))) == 4.0
    assert float(plain.get_concrete_function(tf.TensorSpec([2]))(tf.constant([1.0, 1.0]))[0]) == 2.0
    with pytest.raises(TypeError):
        signed(tf.constant([[1.0]]))  # rank 2 against [None]
    with pytest.raises(TypeError):
        signed(tf.constant([1, 2]))  # int32 against float32
    assert tf.function(lambda: 5)() == 5


def test_function_on_methods_and_gradients_inside():
    class Model:
        def __init__(self):
            self.w = tf.Variable([[2.0]])

        @tf.function
        def step(self, x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.matmul(x, self.w) ** 2)
            return loss, tape.gradient(loss, self.w)

    model = Model()
    loss, grad = model.step(tf.constant([[3.0]]))
    assert float(loss) == 36.0 and float(grad[0, 0]) == 36.0  # d/dw (3w)^2 = 18 w
    assert model.step.python_function.__self__ is model
    assert type(Model.step).__name__ == "Function"


def test_run_functions_eagerly():
    tf.config.run_functions_eagerly(True)
    assert tf.config.functions_run_eagerly()
    tf.config.run_functions_eagerly(False)
    assert not tf.config.functions_run_eagerly() and tf.executing_eagerly()


# ---- constants and casts ----------------------------------------------------------------------------
def test_constant_and_convert_to_tensor_dtype_rules():
    assert tf.constant(1).dtype == np.int32 and tf.constant([1.5]).dtype == np.float32
    assert tf.constant(np.arange(3)).dtype == np.int64 and tf.constant(np.ones(2)).dtype == np.float64
    assert tf.constant([1, 2], dtype=tf.float64).dtype == np.float64 and tf.constant(True).dtype == np.bool_
    np.testing.assert_array_equal(tf.constant(7.0, shape=(2, 2)), np.full((2, 2), 7.0, np.float32))
    np.testing.assert_array_equal(tf.constant([1, 2, 3, 4], shape=[2, 2]), [[1, 2], [3, 4]])
    t = tf.constant([1.0])
    assert tf.convert_to_tensor(t) is t and tf.convert_to_tensor([1, 2]).dtype == np.int32
    assert tf.convert_to_tensor(3, dtype_hint=tf.float32).dtype == np.float32
    with pytest.raises(TypeError):
        tf.convert_to_tensor(t, dtype=tf.int32)  # TensorFlow does not convert a tensor's dtype silently
    assert tf.constant("text").item() == "text"  # text is tf.strings' object array (test_tf_strings)
    with pytest.raises(TypeError):
        tf.constant([1, 2, 3], shape=[2, 2])


def test_cast_and_saturate_cast():
    x = tf.constant([-1.7, 0.0, 2.9])
    np.testing.assert_array_equal(tf.cast(x, tf.int32), np.array([-1, 0, 2], np.int32))
    np.testing.assert_array_equal(tf.cast(x, tf.bool), [True, False, True])
    np.testing.assert_array_equal(tf.saturate_cast(tf.constant([-5.0, 300.0]), tf.uint8), np.array([0, 255], np.uint8))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.cast(x, tf.float64) * 3.0)
    np.testing.assert_allclose(tape.gradient(y, x), [3.0, 3.0, 3.0])


# ---- errors -----------------------------------------------------------------------------------------
def test_errors_are_tensorflow_and_python_exceptions():
    assert issubclass(tf.errors.InvalidArgumentError, ValueError)
    assert issubclass(tf.errors.InvalidArgumentError, tf.errors.OpError)
    assert issubclass(tf.errors.OutOfRangeError, IndexError)
    assert issubclass(tf.errors.ResourceExhaustedError, MemoryError)
    assert issubclass(tf.errors.NotFoundError, tf.errors.OpError)
    error = tf.errors.InvalidArgumentError(None, None, "bad shape")
    assert error.message == "bad shape" and str(error) == "bad shape" and error.error_code == tf.errors.INVALID_ARGUMENT
    with pytest.raises(tf.errors.InvalidArgumentError, match="reshape"):
        tf.reshape(tf.zeros((2, 3)), [4, 2])
    with pytest.raises(ValueError):  # numpy-style code catching ValueError still catches it
        tf.concat([tf.zeros((2, 3)), tf.zeros((2, 4))], axis=0)


# ---- config --------------------------------------------------------------------------------------
def test_config_devices_and_threads():
    cpus = tf.config.list_physical_devices("CPU")
    assert len(cpus) == 1 and cpus[0].device_type == "CPU" and tf.config.list_physical_devices("GPU") == []
    tf.config.set_visible_devices(cpus)
    tf.config.set_visible_devices([], "GPU")
    assert tf.config.get_visible_devices() == cpus and tf.config.list_logical_devices("CPU")[0].device_type == "CPU"
    with pytest.raises(ValueError):
        tf.config.set_visible_devices([tf.config.PhysicalDevice("/physical_device:GPU:0", "GPU")])
    before = tf.config.get_num_threads()
    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        assert tf.config.get_num_threads() == 1 and tf.config.threading.get_intra_op_parallelism_threads() == 1
        tf.config.threading.set_inter_op_parallelism_threads(2)
        assert tf.config.threading.get_inter_op_parallelism_threads() == 2
    finally:
        tf.config.set_num_threads(before)


def test_runtime_helpers(capsys):
    with tf.device("/CPU:0"), tf.name_scope("block") as scope, tf.control_dependencies([]):
        assert scope == "block/"
        y = tf.constant([1.0]) + 1
    tf.print("value:", y)
    assert "value: [2.]" in capsys.readouterr().err
    assert tf.is_tensor(y) and not tf.is_tensor(np.ones(1))


def test_a_layer_written_with_tensorflow_functions_trains():
    from swiftdl import keras

    class CenterAndScale(keras.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, inputs):
            centered = inputs - tf.reduce_mean(inputs, axis=-1, keepdims=True)
            return tf.clip_by_value(centered * self.scale, -10.0, 10.0)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((128, 4)).astype(np.float32)
    y = (x[:, :1] - x.mean(1, keepdims=True)) * 2
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Dense(1)(CenterAndScale()(inputs)))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.1 * first


@pytest.mark.parametrize("module", ["swiftdl.math", "swiftdl.linalg", "swiftdl.errors", "swiftdl.dtypes",
                                    "swiftdl.random", "swiftdl.config", "swiftdl.nest"])
def test_tensorflow_namespaces_list_names_that_resolve(module):
    import importlib
    namespace = importlib.import_module(module)
    assert [name for name in namespace.__all__ if not hasattr(namespace, name)] == []


def test_top_level_all_lists_every_tensorflow_name():
    from swiftdl import _tf_face
    assert set(_tf_face.TF_NAMES) <= set(tf.__all__)
    assert not {"range", "slice", "print", "bool"} & set(tf.__all__)  # a star import keeps Python's builtins
    assert tf.range(3).tolist() == [0, 1, 2] and tf.bool.name == "bool"


def test_nest_and_unconnected_gradients():
    structure = {"b": [1, 2], "a": (3,)}
    assert tf.nest.flatten(structure) == [3, 1, 2]
    assert tf.nest.map_structure(lambda v: v * 2, structure) == {"b": [2, 4], "a": (6,)}
    assert tf.nest.pack_sequence_as(structure, [7, 8, 9]) == {"b": [8, 9], "a": (7,)}
    x, unused = tf.Variable([1.0, 2.0]), tf.Variable([3.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(x * x)
    grads = tape.gradient(y, [x, unused], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    np.testing.assert_array_equal(grads[1], [0.0])
