"""AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D: pooling to a fixed output
size whatever the input's (output position i of an axis of length L pools inputs
[floor(i·L/out), ceil((i+1)·L/out))), over keras.ops's adaptive pools."""
import numpy as np

from .data_format import standardize_data_format
from .layer import Layer


class _AdaptivePooling(Layer):
    rank = 2
    kind = "average"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        sizes = (output_size,) * self.rank if isinstance(output_size, (int, np.integer)) else tuple(output_size)
        if len(sizes) != self.rank or not all(isinstance(s, (int, np.integer)) and s > 0 for s in sizes):
            raise ValueError(f"{type(self).__name__}: `output_size` must be a positive int or {self.rank} positive "
                             f"ints; received output_size={output_size!r}")
        self.output_size = tuple(int(s) for s in sizes)
        self.data_format = standardize_data_format(data_format)

    def _check_input_shape(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim="
                             f"{self.rank + 2}, found ndim={len(input_shape)}. Full shape received: "
                             f"{tuple(input_shape)}")

    def call(self, inputs):
        from ..ops.nn_adaptive_pool import adaptive_pool
        self._check_input_shape(tuple(inputs.shape))
        return adaptive_pool(self.kind, inputs, self.output_size, self.data_format)

    def compute_output_shape(self, input_shape):
        if self.data_format == "channels_first":
            return (input_shape[0], input_shape[1]) + self.output_size
        return (input_shape[0],) + self.output_size + (input_shape[-1],)

    def get_config(self):
        config = super().get_config()
        config.update({"output_size": self.output_size, "data_format": self.data_format})
        return config


class AdaptiveAveragePooling1D(_AdaptivePooling):
    rank, kind = 1, "average"


class AdaptiveAveragePooling2D(_AdaptivePooling):
    rank, kind = 2, "average"


class AdaptiveAveragePooling3D(_AdaptivePooling):
    rank, kind = 3, "average"


class AdaptiveMaxPooling1D(_AdaptivePooling):
    rank, kind = 1, "max"


class AdaptiveMaxPooling2D(_AdaptivePooling):
    rank, kind = 2, "max"


class AdaptiveMaxPooling3D(_AdaptivePooling):
    rank, kind = 3, "max"
