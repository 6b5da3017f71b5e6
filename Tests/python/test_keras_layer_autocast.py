"""Keras's autocast for the layers whose kernels take one dtype (Dense, the convolutions,
EinsumDense): floating input of another precision is cast to the layer's dtype, as
`DTypePolicy.convert_input` does in Keras 3, instead of reaching the engine mismatched. A
float64 Conv2D fed numpy float64 (which becomes floatx on the way in) had raised a dtype
TypeError."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers

RNG = np.random.default_rng(3)


@pytest.mark.parametrize("make, shape", [
    (lambda dtype: layers.Dense(3, dtype=dtype), (2, 4)),
    (lambda dtype: layers.Conv2D(3, 2, dtype=dtype), (2, 5, 5, 2)),
    (lambda dtype: layers.Conv3D(2, 2, dtype=dtype), (1, 4, 4, 4, 2)),
    (lambda dtype: layers.DepthwiseConv2D(2, dtype=dtype), (2, 5, 5, 2)),
    (lambda dtype: layers.EinsumDense("ab,bc->ac", output_shape=3, dtype=dtype), (2, 4)),
])
@pytest.mark.parametrize("layer_dtype, input_dtype", [("float64", "float32"), ("float32", "float64")])
def test_floating_input_takes_the_layers_dtype(make, shape, layer_dtype, input_dtype):
    layer = make(layer_dtype)
    x = RNG.normal(size=shape)
    out = layer(sd.asarray(x.astype(input_dtype)))
    assert out.dtype == np.dtype(layer_dtype)
    reference = layer(sd.asarray(x.astype(layer_dtype)))
    tolerance = 1e-5 if "float32" in (layer_dtype, input_dtype) else 1e-12
    np.testing.assert_allclose(np.asarray(out), np.asarray(reference), rtol=tolerance, atol=tolerance)


def test_a_float64_model_takes_numpy_float64_input():
    model = keras.Sequential([keras.Input((5, 5, 2), dtype="float64"), layers.Conv2D(3, 2, dtype="float64"),
                              layers.Flatten(dtype="float64"), layers.Dense(2, dtype="float64")])
    out = model(RNG.normal(size=(3, 5, 5, 2)))
    assert out.dtype == np.float64 and out.shape == (3, 2)
