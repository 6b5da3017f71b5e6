"""TensorFlow's control flow, TensorArray, Python functions, assertions and helpers,
against real TensorFlow 2.21: every expression of the fixture's generator is evaluated
with `tf` bound to swiftdl and must give TensorFlow's values, dtypes, shapes and structure,
or raise an exception of TensorFlow's class."""
import json
import os

import numpy as np
import pytest

import swiftdl as tf
from swiftdl import errors

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_control_flow", "tf_control_flow.json")
with open(FIXTURE) as _handle:
    CASES = json.load(_handle)

ERRORS = {"InvalidArgumentError": errors.InvalidArgumentError, "OutOfRangeError": errors.OutOfRangeError,
          "ValueError": ValueError, "TypeError": TypeError, "RuntimeError": RuntimeError}


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, (list, tuple)):
        return {"sequence": type(value).__name__, "items": [_plain(v) for v in value]}
    if isinstance(value, np.generic):
        return value.item()
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if array.dtype == object or array.dtype.kind in "SU":
        array = array.astype(object)
        return {"strings": np.vectorize(lambda b: b.decode() if isinstance(b, bytes) else str(b),
                                        otypes=[object])(array).tolist(), "shape": list(array.shape)}
    return {"values": array.tolist(), "dtype": array.dtype.name, "shape": list(array.shape)}


def _assert_same(got, want, where):
    if isinstance(want, dict) and "sequence" in want:
        assert isinstance(got, dict) and got.get("sequence") == want["sequence"], where
        assert len(got["items"]) == len(want["items"]), where
        for g, w in zip(got["items"], want["items"]):
            _assert_same(g, w, where)
    elif isinstance(want, dict) and "values" in want:
        assert isinstance(got, dict) and (got["dtype"], got["shape"]) == (want["dtype"], want["shape"]), (where, got)
        np.testing.assert_allclose(np.asarray(got["values"], dtype=float), np.asarray(want["values"], dtype=float),
                                   rtol=1e-6, err_msg=where)
    else:
        assert got == want, where


@pytest.mark.parametrize("source", sorted(CASES))
def test_matches_tensorflow(source):
    want = CASES[source]
    if "error" in want:
        with pytest.raises(ERRORS[want["error"]]):
            eval(source, {"tf": tf})
        return
    got = _plain(eval(source, {"tf": tf}))
    if "result" in want:
        _assert_same(got, want["result"], source)


def test_gradients_flow_through_taken_branches_loops_and_tensor_arrays():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        ta = tf.TensorArray(tf.float32, size=2).write(0, x * 2).write(1, x * x)
        branch = tf.cond(tf.constant(True), lambda: x * 3, lambda: x * 100)
        _, looped = tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, v * x), (0, tf.ones((2,))))
        mapped = tf.map_fn(lambda v: v * v, x)
        y = tf.reduce_sum(ta.stack()) + tf.reduce_sum(branch) + tf.reduce_sum(looped) + tf.reduce_sum(mapped)
    # d/dx of 2x + x² + 3x + x² + x² = 5 + 6x
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 5 + 6 * np.array([1.0, 2.0]), rtol=1e-6)


def test_py_function_gradients_and_numpy_function_arrays():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.py_function(lambda v: v * v, [x], Tout=tf.float32)
    assert float(tape.gradient(y, x).numpy()) == pytest.approx(6.0)
    seen = []
    tf.numpy_function(lambda a: seen.append(type(a)) or a, [tf.constant([1.0])], Tout=tf.float32)
    assert seen == [np.ndarray]


def test_name_scopes_nest_and_report_their_path():
    with tf.name_scope("a") as outer:
        with tf.name_scope("b") as inner:
            assert (outer, inner, tf.get_current_name_scope()) == ("a/", "a/b/", "a/b")
        assert tf.get_current_name_scope() == "a"
    assert tf.get_current_name_scope() == ""


def test_hostile_arguments_raise_clear_errors():
    with pytest.raises(TypeError, match="callable"):
        tf.cond(True, 1, 2)
    with pytest.raises(ValueError, match="scalar"):
        tf.cond(tf.constant([True, False]), lambda: 1, lambda: 2)
    with pytest.raises(TypeError, match="list or tuple"):
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, tf.constant(0))
    with pytest.raises(ValueError, match="Size must be declared"):
        tf.TensorArray(tf.float32)
    with pytest.raises(errors.InvalidArgumentError, match="strides"):
        tf.strided_slice(tf.range(4), [0], [4], [0])
    with pytest.raises(ValueError, match="no initializer"):
        tf.foldl(lambda a, x: a + x, tf.zeros((0,)))
