"""VarianceScaling and its named forms take Keras 3.15's input_axes/output_axes: fans from
the given axes (EinsumDense-style kernels), configs with both keys as Keras writes them, and
configs from Keras files load."""
import numpy as np
import pytest

from swiftdl import keras

NAMED = ["GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform", "LecunNormal"]


@pytest.mark.parametrize("name", NAMED)
def test_named_initializers_carry_the_axes(name):
    initializer = getattr(keras.initializers, name)(input_axes=[0], output_axes=[1, 2])
    assert initializer.get_config() == {"seed": None, "input_axes": [0], "output_axes": [1, 2]}
    assert getattr(keras.initializers, name)().get_config() == {"seed": None, "input_axes": None, "output_axes": None}
    again = keras.initializers.get({"class_name": name, "config": initializer.get_config()})
    assert again.get_config() == initializer.get_config()


def test_fans_come_from_the_axes():
    uniform = keras.initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", input_axes=[0],
                                                 output_axes=[1, 2])
    values = np.asarray(uniform((6000, 2, 5)))
    limit = np.sqrt(3.0 / 6000)  # fan_in is axis 0's size, not the default 2 * 6000
    assert values.max() <= limit and values.max() > 0.9 * limit
    fan_out = keras.initializers.VarianceScaling(mode="fan_out", distribution="uniform", input_axes=[0],
                                                 output_axes=[1, 2])
    assert np.asarray(fan_out((4000, 2, 5))).max() <= np.sqrt(3.0 / 10)
    assert list(keras.initializers.VarianceScaling().get_config()) == ["seed", "scale", "mode", "distribution",
                                                                      "input_axes", "output_axes"]
