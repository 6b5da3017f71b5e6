"""keras.Input and InputLayer: where a functional model's data enters."""
import numpy as np

from ..backend import unique_name
from .keras_tensor import KerasTensor, Node
from .layer import Layer


class InputLayer(Layer):
    """Holds the symbolic input of a model.

    Args:
        shape: shape of one sample (without the batch axis).
        batch_size: optional fixed batch size.
        dtype: input dtype, "float32" by default.
        batch_shape: the full shape including the batch axis (instead of shape).
        name: layer name (default "input_layer", made unique).
        sparse, ragged: accepted; the data is fed dense.
        input_tensor: accepted for Keras's configs; the layer makes its own symbolic tensor.
        optional: must be False (functional models here take every input).

    Raises:
        NotImplementedError: for optional=True.
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs and shape is None:
            shape = kwargs.pop("input_shape")
        if optional:
            raise NotImplementedError("InputLayer: optional inputs (optional=True, a model called with None for "
                                      "them) are not supported by swiftdl yet")
        super().__init__(name=name or unique_name("input_layer"), dtype=dtype, **kwargs)
        if batch_shape is None:
            if shape is None:
                raise ValueError("You must pass a `shape` argument to Input/InputLayer")
            if isinstance(shape, (int, np.integer)):
                shape = (shape,)
            batch_shape = (batch_size,) + tuple(shape)
        self.batch_shape = tuple(batch_shape)
        self.built = True
        self._input_tensor = KerasTensor(self.batch_shape, self.dtype, name=self.name)
        Node(self, (), {}, self._input_tensor)

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return self.batch_shape

    def get_config(self):
        return {"batch_shape": self.batch_shape, "dtype": self.dtype, "sparse": False, "ragged": False,
                "name": self.name, "optional": False}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None, name=None, tensor=None,
          optional=False):
    """A symbolic input for the functional API: `x = keras.Input(shape=(28, 28, 1))`.

    Raises:
        NotImplementedError: for optional=True (see InputLayer).
    """
    if optional:
        raise NotImplementedError("keras.Input: optional inputs (optional=True) are not supported by swiftdl yet")
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape, name=name)
    return layer._input_tensor
