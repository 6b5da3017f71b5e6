"""`Tensor.shape` is a tuple for numpy code and answers tf.TensorShape's methods for TF code.

The TensorShape answers come from real TensorFlow 2.21 (fixtures/tf_shape/tf_shape.json,
written by make_tf_shape_fixture.py); the tuple behaviour is compared with numpy's own shapes.
"""
import copy
import json
import pathlib
import pickle

import numpy as np
import pytest

import swiftdl as tf

FIXTURE = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf_shape" / "tf_shape.json").read_text())
CASES = FIXTURE["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c["dims"]))
def test_tensorshape_methods_match_tensorflow(case):
    shape = tf.zeros(tuple(case["dims"])).shape
    assert shape.as_list() == case["as_list"]
    assert shape.rank == case["rank"]
    assert shape.ndims == case["ndims"]
    assert shape.dims == case["as_list"]
    assert shape.num_elements() == case["num_elements"]
    assert shape.is_fully_defined() == case["is_fully_defined"]
    assert shape[1:].as_list() == case["tail_as_list"]
    assert tf.zeros(tuple(case["dims"])).get_shape().as_list() == case["get_shape"]
    for other, expected in zip(FIXTURE["others"], case["compatible"]):
        assert shape.is_compatible_with(tf.TensorShape(other)) == expected, other
        assert shape.is_compatible_with(other) == expected, other


@pytest.mark.parametrize("dims", [(), (5,), (2, 3), (4, 1, 3), (2, 0, 3)])
def test_shape_is_still_numpys_tuple(dims):
    shape = tf.zeros(dims).shape
    reference = np.zeros(dims).shape
    assert isinstance(shape, tuple)
    assert shape == reference and reference == shape
    assert hash(shape) == hash(reference)
    assert repr(shape) == repr(reference) and str(shape) == str(reference)
    assert shape[1:] == reference[1:] and shape[::-1] == reference[::-1]
    assert shape + (7,) == reference + (7,)
    assert json.dumps(shape) == json.dumps(reference)
    assert pickle.loads(pickle.dumps(shape)) == reference
    assert copy.deepcopy(shape) == reference
    assert np.zeros(shape).shape == reference
    assert tf.TensorShape(dims) == shape


def test_shape_of_views_and_results():
    x = tf.reshape(tf.range(24), (2, 3, 4))
    assert x[0].shape.as_list() == [3, 4]
    assert x.T.shape.as_list() == [4, 3, 2]
    assert (x + 1).shape.rank == 3
    rows, cols, depth = x.shape  # unpacking, as numpy code does
    assert (rows, cols, depth) == (2, 3, 4)
    assert x.shape[-1] == 4 and type(x.shape[-1]) is int


def test_rank_checks_raise_value_error():
    shape = tf.zeros((2, 3)).shape
    assert shape.with_rank(2) == (2, 3)
    assert shape.with_rank_at_least(1) == (2, 3)
    assert shape.with_rank_at_most(2) == (2, 3)
    with pytest.raises(ValueError, match="rank 3"):
        shape.with_rank(3)
    with pytest.raises(ValueError, match="at least 3"):
        shape.with_rank_at_least(3)
    with pytest.raises(ValueError, match="at most 1"):
        shape.with_rank_at_most(1)
    with pytest.raises(ValueError, match="incompatible"):
        shape.assert_is_compatible_with([3, 2])
    shape.assert_is_compatible_with([None, 3])
    assert shape.merge_with([None, 3]).as_list() == [2, 3]
    assert shape.concatenate([None]).as_list() == [2, 3, None]
