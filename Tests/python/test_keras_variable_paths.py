"""Variable paths as Keras 3 names them (layer name scopes nested as layers build inside
models and other layers, RNN cells, optimizer slots after their variable's path): the models
of fixtures/keras_paths/path_cases.py against the paths real Keras 3.15 gave them."""
import json
import os
import sys

import pytest

from swiftdl import keras

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras_paths")
sys.path.insert(0, HERE)
from path_cases import CASES, paths  # noqa: E402

sys.path.remove(HERE)

with open(os.path.join(HERE, "keras_paths.json")) as f:
    EXPECTED = json.load(f)["paths"]
ACTUAL = paths(keras)


@pytest.mark.parametrize("case", sorted(CASES))
def test_paths_match_keras(case):
    assert ACTUAL[case] == EXPECTED[case]


def test_a_layer_keeps_its_first_path_when_called_elsewhere():
    keras.backend.clear_session()
    dense = keras.layers.Dense(2)
    with keras.name_scope("first"):
        dense.build((None, 3))
    with keras.name_scope("second"):
        dense(keras.ops.ones((1, 3)))
    assert dense.path == "first/dense" and dense.kernel.path == "first/dense/kernel"


def test_an_unbuilt_layer_has_no_path():
    assert keras.layers.Dense(2).path is None
