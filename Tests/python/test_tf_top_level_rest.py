"""make_tensor_proto/make_ndarray (byte-identical to TensorFlow's protos), the
ragged_fill_empty_rows ops, check_pinned, CriticalSection and
nondifferentiable_batch_function, against TensorFlow 2.21 (fixtures/tf_top_level_rest,
written by make_tf_top_level_rest_fixture.py)."""
import json
import pathlib
import threading

import numpy as np
import pytest

import swiftdl as tf

TF = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf_top_level_rest" / "tf_top_level_rest.json")
                .read_text(encoding="utf-8"))
CASES = {
    "float_scalar": (1.5, None, None), "int_scalar": (7, None, None),
    "float_matrix": ([[1.0, 2.5], [3.0, -4.0]], None, None), "int64_array": (np.array([1, -2, 3], np.int64), None, None),
    "bool_array": (np.array([True, False]), None, None), "strings": (["ab", "c", "日本"], None, None),
    "fill": (0.5, tf.float64, [2, 3]), "padded": ([1, 2], tf.int32, [4]),
    "complex": (np.array([1 + 2j], np.complex64), None, None),
    "uint8": (np.arange(6, dtype=np.uint8).reshape(2, 3), None, None), "half": (np.array([0.5], np.float16), None, None),
    "double_cast": ([1, 2, 3], tf.float64, None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tensor_protos_are_tensorflows_bytes(name):
    pytest.importorskip("google.protobuf")
    values, dtype, shape = CASES[name]
    expected = TF["protos"][name]
    proto = tf.make_tensor_proto(values, dtype=dtype, shape=shape)
    assert proto.SerializeToString().hex() == expected["bytes"]
    array = tf.make_ndarray(type(proto).FromString(bytes.fromhex(expected["bytes"])))
    assert str(array.dtype) == expected["dtype"] and list(array.shape) == expected["shape"]
    flat = [v.decode() if isinstance(v, bytes) else (str(v) if isinstance(v, complex) else v)
            for v in array.reshape(-1).tolist()]
    assert flat == expected["values"]


def test_tensor_proto_errors():
    pytest.importorskip("google.protobuf")
    with pytest.raises(ValueError, match="Too many"):
        tf.make_tensor_proto([1, 2, 3], shape=[2])
    with pytest.raises(TypeError, match="shape"):
        tf.make_tensor_proto([1, 2], shape=[1, 2], verify_shape=True)


def test_ragged_fill_empty_rows_matches_tensorflow():
    rowids, values, empty, reverse = tf.ragged_fill_empty_rows(np.array([1, 1, 3, 3, 3], np.int64),
                                                               np.array([1.0, 2.0, 3.0, 4.0, 5.0], np.float32), 5, -1.0)
    assert np.asarray(rowids).tolist() == TF["fill"]["rowids"] and np.asarray(values).tolist() == TF["fill"]["values"]
    assert np.asarray(empty).tolist() == TF["fill"]["empty"] and np.asarray(reverse).tolist() == TF["fill"]["reverse"]
    d_values, d_default = tf.ragged_fill_empty_rows_grad(reverse, np.arange(10.0, 90.0, 10.0, dtype=np.float32))
    assert np.asarray(d_values).tolist() == TF["fill_grad"]["values"] and float(d_default) == TF["fill_grad"]["default"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="sorted"):
        tf.ragged_fill_empty_rows(np.array([2, 1], np.int64), np.ones(2), 3, 0.0)


def test_check_pinned_critical_section_and_batch_function():
    assert TF["check_pinned"] == "FailedPreconditionError"
    with pytest.raises(tf.errors.FailedPreconditionError, match="cuda"):
        tf.check_pinned(tf.constant([1.0]))
    section = tf.CriticalSection()
    assert float(section.execute(lambda: tf.constant(2.0) * 3.0)) == TF["critical"]
    counter = tf.Variable(0)

    def add_one():
        value = int(counter)
        counter.assign(value + 1)

    threads = [threading.Thread(target=lambda: [section.execute(add_one) for _ in range(50)]) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert int(counter) == 200

    @tf.nondifferentiable_batch_function(1, 8, 1000)
    def double(x):
        return x * 2.0

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = double(x)
    np.testing.assert_array_equal(np.asarray(y), [2.0, 4.0])
    assert tape.gradient(y, x) is None
    with pytest.raises(ValueError, match="allowed_batch_sizes"):
        tf.nondifferentiable_batch_function(1, 8, 10, allowed_batch_sizes=[4, 2])


def test_random_index_shuffle_matches_tensorflow():
    cases = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf_top_level_rest" / "tf_index_shuffle.json")
                       .read_text())["cases"]
    for case in cases:
        out = tf.random_index_shuffle(np.array(case["index"], np.int64), np.array(case["seed"], np.int64),
                                      case["max_index"], case["rounds"])
        assert np.asarray(out).tolist() == case["out"], case["max_index"]
    permutation = np.asarray(tf.random_index_shuffle(np.arange(100), np.array([4, 5, 6]), 99))
    assert sorted(permutation.tolist()) == list(range(100))
    with pytest.raises(tf.errors.InvalidArgumentError, match="rounds"):
        tf.random_index_shuffle(3, np.array([1, 2, 3]), 10, rounds=5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="seed"):
        tf.random_index_shuffle(3, np.array([1, 2]), 10)


def test_variable_creator_scope():
    seen = []

    def outer(next_creator, **kwargs):
        seen.append(("outer", kwargs["name"]))
        return next_creator(**kwargs)

    def inner(next_creator, **kwargs):
        seen.append(("inner", kwargs["name"]))
        kwargs["trainable"] = False
        return next_creator(**kwargs)

    with tf.variable_creator_scope(outer):
        with tf.variable_creator_scope(inner):
            v = tf.Variable(1.5, name="v")
        w = tf.Variable(2.0, name="w")
    plain = tf.Variable(3.0, name="plain")
    assert seen == [("inner", "v"), ("outer", "v"), ("outer", "w")]
    assert not v.trainable and w.trainable and float(v) == 1.5 and isinstance(v, tf.Variable)
    assert plain.trainable and len(seen) == 3
    from swiftdl import keras
    with tf.variable_creator_scope(outer):
        keras.layers.Dense(2).build((None, 3))
    assert len(seen) > 3
    with pytest.raises(TypeError, match="callable"):
        with tf.variable_creator_scope(None):
            pass
