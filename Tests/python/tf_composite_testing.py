"""Shared by test_tf_ragged.py and test_tf_sparse.py: runs the calls of
fixtures/tf_sparse_ragged/cases.py under swiftdl and compares them with TensorFlow 2.21's
results recorded beside them (ints, text and structure exactly; floats to 1e-6)."""
import importlib.util
import json
import math
import os

import numpy as np

import swiftdl as tf

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_sparse_ragged")
# Loaded by path under a name of its own: fixtures/keras_ops has a cases.py too, and a plain
# `import cases` gets whichever one the test session imported first.
_SPEC = importlib.util.spec_from_file_location("tf_sparse_ragged_cases", os.path.join(HERE, "cases.py"))
cases = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(cases)


def load(stem):
    with open(os.path.join(HERE, f"{stem}.json"), encoding="utf-8") as handle:
        return json.load(handle)


def environment():
    env = {"tf": tf, "np": np}
    exec(cases.SETUP, env)  # noqa: S102  (the fixed setup the fixture was made with)
    return env


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _dtype_name(dtype):
    return "string" if np.dtype(getattr(dtype, "dtype", dtype)).kind in "USO" else tf.as_dtype(dtype).name


def describe(value):
    """swiftdl's result in the fixture's form (the generator's describe, over swiftdl types)."""
    if isinstance(value, tf.RaggedTensor):
        return {"ragged": _plain(value.to_list()), "dtype": value.dtype.name,
                "splits": [np.asarray(s).tolist() for s in value.nested_row_splits], "shape": value.shape.as_list()}
    if isinstance(value, tf.SparseTensor):
        return {"sparse": [np.asarray(value.indices).tolist(), _plain(np.asarray(value.values).tolist()),
                           np.asarray(value.dense_shape).tolist()], "dtype": value.dtype.name}
    if isinstance(value, tf.TensorShape):
        return {"shape": value.as_list()}
    if isinstance(value, tf.DType):
        return {"dtype_only": value.name}
    if isinstance(value, (tuple, list)):
        return {"items": [describe(v) for v in value]}
    if isinstance(value, np.ndarray) and value.dtype == object and value.ndim == 1 and value.size and \
            isinstance(value[0], np.ndarray):
        return {"rows": [_plain(row.tolist()) for row in value]}
    if isinstance(value, (int, float, bool)):
        return {"python": value}
    array = np.asarray(value)
    return {"dense": _plain(array.tolist()), "dtype": _dtype_name(array.dtype)}


def assert_matches(actual, expected, where=""):
    """Equal structure and dtype names; floats within 1e-6 relative (nan equals nan)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and set(actual) == set(expected), f"{where}: {actual} != {expected}"
        for key in expected:
            assert_matches(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{where}: {actual} != {expected}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_matches(a, e, f"{where}[{i}]")
    elif isinstance(expected, float) and not isinstance(actual, bool):
        assert isinstance(actual, (int, float)), f"{where}: {actual!r} != {expected!r}"
        assert (math.isnan(expected) and math.isnan(actual)) or math.isclose(actual, expected, rel_tol=1e-6,
                                                                              abs_tol=1e-6), \
            f"{where}: {actual!r} != {expected!r}"
    else:
        assert actual == expected and type(actual) is type(expected), f"{where}: {actual!r} != {expected!r}"


def expected_error(kind):
    """The swiftdl exception class a TensorFlow error name maps to (InvalidArgumentError
    is a ValueError, so a case where TensorFlow raises ValueError accepts either)."""
    return {"InvalidArgumentError": tf.errors.InvalidArgumentError, "ValueError": ValueError,
            "IndexError": IndexError, "TypeError": TypeError}[kind]
