"""The preprocessing layers' sparse=True against real Keras 3.15 on TensorFlow
(fixtures/keras_layer_arguments/make_keras_sparse_outputs_fixture.py): Keras returns a
sparse tensor, swiftdl the same values densely; configs match and round-trip, and "int"
mode refuses sparse=True as Keras does."""
import json
import os
import sys

import numpy as np
import pytest

from swiftdl import keras

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras_layer_arguments")
sys.path.insert(0, HERE)
from make_keras_sparse_outputs_fixture import CASES, layer_inputs  # noqa: E402

sys.path.remove(HERE)
EXPECTED = np.load(os.path.join(HERE, "keras_sparse_outputs.npz"))
with open(os.path.join(HERE, "keras_sparse_outputs_configs.json")) as _file:
    CONFIGS = json.load(_file)
ACCEPTED = sorted(name for name in CASES if "refused" not in CONFIGS[name])
REFUSED = sorted(name for name in CASES if "refused" in CONFIGS[name])


def plain(config):
    """A config as JSON has it, without the dtype (Keras writes a policy) and the learned
    vocabulary that swiftdl's lookups also write."""
    config = json.loads(json.dumps(config))
    return {k: v for k, v in config.items() if k not in ("dtype", "returned_sparse", "vocabulary", "idf_weights")}


@pytest.mark.parametrize("name", ACCEPTED)
def test_sparse_outputs_hold_keras_values(name):
    cls, arguments, data = CASES[name]
    layer = getattr(keras.layers, cls)(name="layer", sparse=True, **arguments)
    got = np.asarray(layer(layer_inputs(data)))
    np.testing.assert_allclose(got, EXPECTED[name], rtol=1e-6)
    config = layer.get_config()
    assert plain(config) == plain(CONFIGS[name])
    clone = getattr(keras.layers, cls).from_config(config)
    np.testing.assert_allclose(np.asarray(clone(layer_inputs(data))), EXPECTED[name], rtol=1e-6)


@pytest.mark.parametrize("name", REFUSED)
def test_int_mode_refuses_sparse_as_keras_does(name):
    cls, arguments, _ = CASES[name]
    with pytest.raises(ValueError, match="sparse.* may only be"):
        getattr(keras.layers, cls)(sparse=True, **arguments)
