"""Max and average pooling (local and global). The engine pools channels-last;
channels_first inputs are moved there and back."""
import swiftdl as _sd

from .convolutional import _tuple, conv_output_length
from .data_format import standardize_data_format
from .layer import Layer


class BasePooling(Layer):
    rank = 2
    mode = "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = _tuple(pool_size, self.rank, "pool_size")
        self.strides = _tuple(strides, self.rank, "strides") if strides is not None else self.pool_size
        padding = str(padding).lower()
        if padding not in ("valid", "same"):
            raise ValueError(f"The `padding` argument must be one of 'valid', 'same'. Received: padding={padding}")
        if min(self.pool_size) <= 0 or min(self.strides) <= 0:
            raise ValueError(f"pool_size and strides must be positive; received {self.pool_size}, {self.strides}")
        self.padding = padding
        self.data_format = standardize_data_format(data_format)

    def _check_input_shape(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim={self.rank + 2}, "
                             f"found ndim={len(input_shape)}. Full shape received: {tuple(input_shape)}")

    def call(self, inputs):
        from swiftdl import nn
        if inputs.ndim != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" expected ndim={self.rank + 2}; received shape "
                             f"{tuple(inputs.shape)}")
        if self.data_format == "channels_first":
            return _sd.moveaxis(self._pool(nn, _sd.moveaxis(inputs, 1, -1)), -1, 1)
        return self._pool(nn, inputs)

    def _pool(self, nn, inputs):
        if self.rank == 3:
            return self._pool3d(nn, inputs)
        if self.rank == 2:
            pool = nn.max_pool2d if self.mode == "max" else nn.avg_pool2d
        else:
            pool = nn.max_pool1d if self.mode == "max" else nn.avg_pool1d
        ksize = self.pool_size if self.rank == 2 else self.pool_size[0]
        strides = self.strides if self.rank == 2 else self.strides[0]
        return pool(inputs, ksize, strides, self.padding.upper())

    def _pool3d(self, nn, inputs):
        pool = nn.max_pool3d if self.mode == "max" else nn.avg_pool3d
        return pool(inputs, self.pool_size, self.strides, self.padding.upper())

    def compute_output_shape(self, input_shape):
        first = 2 if self.data_format == "channels_first" else 1
        spatial = tuple(conv_output_length(input_shape[first + i], self.pool_size[i], self.padding, self.strides[i])
                        for i in range(self.rank))
        if any(s is not None and s <= 0 for s in spatial):
            raise ValueError(f"Computed output size would be zero for layer {self.name}: input shape {tuple(input_shape)}, "
                             f"pool_size {self.pool_size}, padding '{self.padding}'")
        if self.data_format == "channels_first":
            return (input_shape[0], input_shape[1]) + spatial
        return (input_shape[0],) + spatial + (input_shape[-1],)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding, "strides": self.strides,
                       "data_format": self.data_format})
        return config


class MaxPooling2D(BasePooling):
    rank, mode = 2, "max"


class AveragePooling2D(BasePooling):
    rank, mode = 2, "avg"


class MaxPooling1D(BasePooling):
    rank, mode = 1, "max"


class AveragePooling1D(BasePooling):
    rank, mode = 1, "avg"


class MaxPooling3D(BasePooling):
    rank, mode = 3, "max"


class AveragePooling3D(BasePooling):
    rank, mode = 3, "avg"


MaxPool2D, AvgPool2D, MaxPool1D, AvgPool1D = MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D
MaxPool3D, AvgPool3D = MaxPooling3D, AveragePooling3D


class BaseGlobalPooling(Layer):
    rank = 2
    mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.keepdims = keepdims
        self.supports_masking = True

    def _check_input_shape(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim={self.rank + 2}, "
                             f"found ndim={len(input_shape)}. Full shape received: {tuple(input_shape)}")

    def call(self, inputs, mask=None):
        first = 2 if self.data_format == "channels_first" else 1
        axes = tuple(range(first, first + self.rank))
        if mask is not None and self.rank == 1 and self.data_format == "channels_first":
            inputs = _sd.moveaxis(inputs, 1, -1)
            return _sd.moveaxis(self._masked(inputs, mask), -1, 1) if self.keepdims else self._masked(inputs, mask)
        if mask is not None and self.rank == 1:
            return self._masked(inputs, mask)
        if self.mode == "avg":
            return inputs.mean(axis=axes, keepdims=self.keepdims)
        return inputs.max(axis=axes, keepdims=self.keepdims)

    def _masked(self, inputs, mask):
        """Pooling over the unmasked timesteps of channels-last (batch, steps, features)."""
        weights = _sd.expand_dims(_sd.asarray(mask).astype(inputs.dtype), -1)
        if self.mode == "avg":
            total = (inputs * weights).sum(axis=1, keepdims=self.keepdims)
            count = weights.sum(axis=1, keepdims=self.keepdims)
            return total / _sd.maximum(count, 1.0)
        lowest = _sd.full((), -3.4e38, inputs.dtype)
        return _sd.where(weights > 0, inputs, lowest).max(axis=1, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        channels_first = self.data_format == "channels_first"
        channels = input_shape[1] if channels_first else input_shape[-1]
        if self.keepdims:
            spatial = (1,) * self.rank
            return (input_shape[0], channels) + spatial if channels_first else (input_shape[0],) + spatial + (channels,)
        return (input_shape[0], channels)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class GlobalAveragePooling1D(BaseGlobalPooling):
    rank, mode = 1, "avg"


class GlobalAveragePooling2D(BaseGlobalPooling):
    rank, mode = 2, "avg"


class GlobalMaxPooling1D(BaseGlobalPooling):
    rank, mode = 1, "max"


class GlobalMaxPooling2D(BaseGlobalPooling):
    rank, mode = 2, "max"


GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D


class GlobalAveragePooling3D(BaseGlobalPooling):
    rank, mode = 3, "avg"


class GlobalMaxPooling3D(BaseGlobalPooling):
    rank, mode = 3, "max"


GlobalAvgPool3D, GlobalMaxPool3D = GlobalAveragePooling3D, GlobalMaxPooling3D
