"""UpSampling1D/2D/3D against real Keras 3.15 (fixtures/keras_upsampling/): nearest repeats,
the other interpolations through keras.ops.image.resize, and channels_first."""
import os
import sys

import numpy as np
import pytest

from swiftdl import keras

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras_upsampling")
sys.path.insert(0, HERE)
from make_keras_upsampling_fixture import CASES, inputs  # noqa: E402

sys.path.remove(HERE)
EXPECTED = np.load(os.path.join(HERE, "keras_upsampling.npz"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name):
    cls, arguments, shape = CASES[name]
    layer = getattr(keras.layers, cls)(**arguments)
    got = np.asarray(layer(inputs(shape)))
    np.testing.assert_allclose(got, EXPECTED[name], rtol=1e-5, atol=1e-5)
    assert layer.compute_output_shape(shape) == got.shape
    assert getattr(keras.layers, cls).from_config(layer.get_config()).get_config() == layer.get_config()


def test_an_unknown_interpolation_is_refused():
    with pytest.raises(ValueError, match="interpolation"):
        keras.layers.UpSampling2D(interpolation="cubic_spline")
