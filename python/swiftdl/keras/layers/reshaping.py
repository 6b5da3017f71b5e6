"""Layers that move values around without weights: ZeroPadding1D/2D/3D, Cropping1D/2D/3D,
UpSampling1D/2D/3D, Permute, RepeatVector. Each is a few engine ops (concatenate, slicing,
take, transpose), so gradients flow through them. Padding and cropping act on the spatial
axes wherever the data format puts them (from axis 1, or from 2 for channels_first)."""
import numpy as np

import swiftdl as _sd

from ..ops.image_resize import RESIZE_INTERPOLATIONS
from .data_format import standardize_data_format
from .layer import Layer


def _pairs(value, rank, name, layer):
    """Keras's padding/cropping spec: int, (a, b) per axis, or ((before, after), ...)."""
    def pair(v):
        if isinstance(v, (int, np.integer)):
            return (int(v), int(v))
        v = tuple(v)
        if len(v) != 2 or not all(isinstance(i, (int, np.integer)) for i in v):
            raise ValueError(f"{layer}: `{name}` entries must be an int or a pair of ints; received {name}={value!r}")
        return (int(v[0]), int(v[1]))
    if isinstance(value, (int, np.integer)):
        result = (pair(value),) * rank
    elif rank == 1:
        result = (pair(value),)
    else:
        value = tuple(value)
        if len(value) != rank:
            raise ValueError(f"{layer}: `{name}` should have {rank} elements; received {name}={value!r}")
        result = tuple(pair(v) for v in value)
    if any(v < 0 for p in result for v in p):
        raise ValueError(f"{layer}: `{name}` must be non-negative; received {name}={value!r}")
    return result


def _check_rank(layer, input_shape, rank):
    if len(input_shape) != rank + 2:
        raise ValueError(f"Input 0 of layer \"{layer.name}\" ({type(layer).__name__}) is incompatible with the layer: "
                         f"expected ndim={rank + 2}, found ndim={len(input_shape)}. Full shape received: {tuple(input_shape)}")


def _first_spatial_axis(layer):
    return 2 if layer.data_format == "channels_first" else 1


class _ZeroPadding(Layer):
    rank = 2

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, self.rank, "padding", type(self).__name__)
        self.data_format = standardize_data_format(data_format)

    def _check_input_shape(self, input_shape):
        _check_rank(self, input_shape, self.rank)

    def call(self, inputs):
        _check_rank(self, inputs.shape, self.rank)
        for axis, (before, after) in enumerate(self.padding, start=_first_spatial_axis(self)):
            if before == 0 and after == 0:
                continue
            shape = list(inputs.shape)
            parts = []
            if before:
                parts.append(_sd.zeros(tuple(shape[:axis] + [before] + shape[axis + 1:]), dtype=inputs.dtype))
            parts.append(inputs)
            if after:
                parts.append(_sd.zeros(tuple(shape[:axis] + [after] + shape[axis + 1:]), dtype=inputs.dtype))
            inputs = _sd.concatenate(parts, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for axis, (before, after) in enumerate(self.padding, start=_first_spatial_axis(self)):
            out[axis] = None if out[axis] is None else out[axis] + before + after
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding if self.rank > 1 else self.padding[0], "data_format": self.data_format})
        return config


class ZeroPadding1D(_ZeroPadding):
    """Pads the steps axis of (batch, steps, channels) with zeros: `padding` = int or (left, right)."""
    rank = 1

    def __init__(self, padding=1, **kwargs):
        super().__init__(padding=padding, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Pads rows and columns of (batch, rows, cols, channels) with zeros."""
    rank = 2


class _Cropping(Layer):
    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs(cropping, self.rank, "cropping", type(self).__name__)
        self.data_format = standardize_data_format(data_format)

    def _check_input_shape(self, input_shape):
        _check_rank(self, input_shape, self.rank)
        for axis, (before, after) in enumerate(self.cropping, start=_first_spatial_axis(self)):
            if input_shape[axis] is not None and before + after >= input_shape[axis]:
                raise ValueError(f"{type(self).__name__} {self.name}: cropping {self.cropping} leaves nothing of "
                                 f"input shape {tuple(input_shape)}")

    def call(self, inputs):
        self._check_input_shape(tuple(inputs.shape))
        index = [slice(None)] * _first_spatial_axis(self)
        for axis, (before, after) in enumerate(self.cropping, start=_first_spatial_axis(self)):
            index.append(slice(before, inputs.shape[axis] - after))
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for axis, (before, after) in enumerate(self.cropping, start=_first_spatial_axis(self)):
            out[axis] = None if out[axis] is None else out[axis] - before - after
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": self.cropping if self.rank > 1 else self.cropping[0], "data_format": self.data_format})
        return config


class Cropping1D(_Cropping):
    """Crops the steps axis of (batch, steps, channels): `cropping` = int or (left, right).
    Keras's Cropping1D has no data_format; "channels_last" is still taken, for configs that
    older swiftdl versions wrote."""
    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        data_format = kwargs.pop("data_format", "channels_last")
        if data_format != "channels_last":
            raise ValueError(f"Unrecognized keyword arguments passed to Cropping1D: {{'data_format': {data_format!r}}}")
        super().__init__(cropping=cropping, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        return config


class Cropping2D(_Cropping):
    """Crops rows and columns: int, (rows, cols) or ((top, bottom), (left, right))."""
    rank = 2


class _UpSampling(Layer):
    rank = 2
    data_format = "channels_last"
    interpolation = "nearest"

    def _check_input_shape(self, input_shape):
        _check_rank(self, input_shape, self.rank)

    def call(self, inputs):
        _check_rank(self, inputs.shape, self.rank)
        channels_first = self.data_format == "channels_first"
        if channels_first:  # Keras resizes channels-last and transposes back
            inputs = _sd.transpose(inputs, (0, *range(2, self.rank + 2), 1))
        if self.interpolation == "nearest":
            for axis, factor in enumerate(self.size, start=1):
                if factor != 1:
                    index = _sd.asarray(np.repeat(np.arange(inputs.shape[axis], dtype=np.int64), factor))
                    inputs = _sd.take(inputs, index, axis=axis)
        else:
            from ..ops import image
            size = tuple(inputs.shape[axis] * factor for axis, factor in enumerate(self.size, start=1))
            inputs = image.resize(inputs, size, interpolation=self.interpolation, data_format="channels_last")
        if channels_first:
            inputs = _sd.transpose(inputs, (0, self.rank + 1, *range(1, self.rank + 1)))
        return inputs

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        first = 2 if self.data_format == "channels_first" else 1
        for axis, factor in enumerate(self.size, start=first):
            out[axis] = None if out[axis] is None else out[axis] * factor
        return tuple(out)


def _positive_sizes(size, rank, layer):
    sizes = (size,) * rank if isinstance(size, (int, np.integer)) else tuple(size)
    if len(sizes) != rank or not all(isinstance(s, (int, np.integer)) and s > 0 for s in sizes):
        raise ValueError(f"{layer}: `size` must be a positive int or {rank} positive ints; received size={size!r}")
    return tuple(int(s) for s in sizes)


class UpSampling1D(_UpSampling):
    """Repeats each step `size` times along the steps axis."""
    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = _positive_sizes(size, 1, "UpSampling1D")

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size[0]
        return config


class UpSampling2D(_UpSampling):
    """Repeats rows and columns by `size` ("nearest"), or resizes the images to `size` times
    their size with keras.ops.image.resize's "bilinear", "bicubic", "lanczos3" or "lanczos5"."""
    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = _positive_sizes(size, 2, "UpSampling2D")
        self.data_format = standardize_data_format(data_format)
        interpolation = str(interpolation).lower()
        if interpolation not in RESIZE_INTERPOLATIONS:  # Keras fails later, inside its resize
            raise ValueError(f"`interpolation` argument should be one of {RESIZE_INTERPOLATIONS}. Received: "
                             f"interpolation={interpolation!r}")
        self.interpolation = interpolation

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format, "interpolation": self.interpolation})
        return config


class Permute(Layer):
    """Permutes the non-batch axes: `Permute((2, 1))` swaps the first two (1-based, as Keras)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` "
                             f"must be consecutive and start from 1. Received dims={dims}")
        self.dims = dims

    def _check_input_shape(self, input_shape):
        if len(input_shape) != len(self.dims) + 1:
            raise ValueError(f"Permute {self.name}: dims={self.dims} needs inputs of rank {len(self.dims) + 1}; "
                             f"received shape {tuple(input_shape)}")

    def call(self, inputs):
        self._check_input_shape(tuple(inputs.shape))
        return _sd.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config


class RepeatVector(Layer):
    """Repeats a (batch, features) input `n` times: (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"Expected an integer value > 0 for `n` in RepeatVector; received n={n!r}")
        self.n = int(n)

    def _check_input_shape(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(f"RepeatVector {self.name} expects inputs of rank 2 (batch, features); received shape "
                             f"{tuple(input_shape)}")

    def call(self, inputs):
        self._check_input_shape(tuple(inputs.shape))
        return _sd.take(_sd.expand_dims(inputs, 1), _sd.asarray(np.zeros(self.n, np.int64)), axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config


class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes of (batch, d1, d2, d3, channels) with zeros."""
    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding=padding, data_format=data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the three spatial axes: int, (d1, d2, d3) or three (before, after) pairs."""
    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping=cropping, data_format=data_format, **kwargs)


class UpSampling3D(_UpSampling):
    """Repeats the entries of the three spatial axes by `size` (nearest neighbour)."""
    rank = 3


    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.size = _positive_sizes(size, 3, "UpSampling3D")
        self.data_format = standardize_data_format(data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config
