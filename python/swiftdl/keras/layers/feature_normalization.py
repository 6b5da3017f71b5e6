"""Normalization: (x - mean) / sqrt(variance) per feature, with statistics given or learned
by `adapt` from arrays, tensors, `swiftdl.data.Dataset`s or iterables of batches."""
import itertools
import math

import numpy as np

import swiftdl as _sd

from ..backend import epsilon
from .channel_affine import channel_affine
from .layer import Layer


def first_of(batch):
    """The features of a dataset element: `x` of an `(x, y)` or `(x, y, w)` tuple."""
    return batch[0] if isinstance(batch, (tuple, list)) else batch


class Normalization(Layer):
    """Shifts and scales inputs into a distribution centered around 0 with standard
    deviation 1: `(x - mean) / sqrt(var)` (or its inverse with `invert=True`).

    The mean and variance are either given (`mean`, `variance`) or learned by `adapt(data)`
    before the layer is used; they are kept separately for each index along `axis`.

    Args:
        axis: the axis or axes that keep their own statistics (default -1, the features);
            None for one mean and variance over everything.
        mean: the mean to use instead of `adapt`, broadcastable to the kept axes.
        variance: the variance to use with `mean`.
        invert: compute `mean + x * sqrt(var)`, undoing a normalization.

    Raises:
        ValueError: when only one of `mean` and `variance` is given, their shapes differ,
            an axis is out of range, or the layer is called before its statistics are set.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, (int, np.integer)):
            axis = (int(axis),)
        else:
            axis = tuple(int(a) for a in axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        self._build_input_shape = None
        self.mean = None
        self.variance = None
        if (mean is not None) != (variance is not None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be set. "
                             f"Received: mean={mean} and variance={variance}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError("When setting values directly, `mean` and `variance` must have the same shape. "
                                 f"Received: mean shape {np.shape(mean)} and variance shape {np.shape(variance)}")
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(f"The rank of `mean` must be less than or equal to the number of axes "
                                 f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis {self.axis}")

    def build(self, input_shape):
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        self._build_input_shape = input_shape
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim={ndim}, "
                             f"while axis={self.axis}")
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(f"All `axis` values to be kept must have a known shape. Received axis={self.axis}, "
                                 f"inputs.shape={input_shape}, with unknown axis at index {d}")
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1 for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            # Kept, as in Keras, for files written by older versions.
            self.count = self.add_weight(name="count", shape=(), dtype="int64", initializer="zeros", trainable=False)
            self.built = True
            self.finalize_state()
            return
        mean = np.asarray(self.input_mean, dtype=np.float64)
        variance = np.asarray(self.input_variance, dtype=np.float64)
        if mean.ndim:
            # Align the given statistics with the kept axes, right to left, as Keras does.
            expanded = [1] * ndim
            for i in range(1, mean.ndim + 1):
                expanded[self._keep_axis[-i]] = mean.shape[-i]
            try:
                mean = mean.reshape(expanded)
                variance = variance.reshape(expanded)
                mean = np.broadcast_to(mean, self._broadcast_shape)
                variance = np.broadcast_to(variance, self._broadcast_shape)
            except ValueError:
                raise ValueError(f"Layer {self.name}: `mean` of shape {np.shape(self.input_mean)} does not broadcast to "
                                 f"the kept axes of inputs of shape {input_shape} (axis={self.axis})") from None
        else:
            mean = np.broadcast_to(mean, self._broadcast_shape)
            variance = np.broadcast_to(variance, self._broadcast_shape)
        self.mean = _sd.asarray(np.ascontiguousarray(mean, dtype=self.dtype))
        self.variance = _sd.asarray(np.ascontiguousarray(variance, dtype=self.dtype))
        self.built = True

    # ---- adapt ------------------------------------------------------------------------------
    def adapt(self, data):
        """Computes the mean and variance of `data` for each index along `axis`.

        Args:
            data: a numpy array or tensor, a `swiftdl.data.Dataset` (of batches; one of
                rank-1 samples is batched by 128 first, as Keras does), or any iterable of
                batches (a list of arrays, a generator). Dataset elements `(x, y)` use `x`.
        """
        from ...data import Dataset
        if isinstance(data, (np.ndarray, _sd.Tensor)):
            batches, input_shape = None, tuple(data.shape)
        elif isinstance(data, (list, tuple)) and data and not hasattr(data[0], "shape"):
            data = np.asarray(data)  # a nested list of numbers is one array, as Keras's convert_to_tensor
            batches, input_shape = None, tuple(data.shape)
        elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes)):
            iterator = iter(data)
            first = next(iterator, None)
            if first is None:
                raise ValueError("adapt() received an empty iterable (no batches). Expected at least one batch. Pass a "
                                 "non-empty iterable of arrays or tensors, e.g. layer.adapt([x]).")
            first = first_of(first)
            if getattr(first, "shape", None) is None:
                raise TypeError(f"adapt() expects an iterable that yields arrays or tensors with a `.shape` attribute. "
                                f"Got an element of type {type(first).__name__}.")
            if isinstance(data, Dataset) and len(first.shape) == 1:
                data = data.batch(128)  # a dataset of single feature vectors: Keras batches it
                iterator = iter(data)
                first = first_of(next(iterator))
            input_shape = tuple(first.shape)
            batches = itertools.chain([first], iterator)
        else:
            raise TypeError(f"Unsupported data type: {type(data)}. `adapt` supports `np.ndarray`, tensors, "
                            "`swiftdl.data.Dataset` and iterables of batches (e.g. list, generator).")
        if not self.built:
            self.build(input_shape)
        elif self.input_mean is not None:
            raise ValueError(f"Layer {self.name} was given `mean` and `variance`; it cannot be adapted")
        else:
            self._check_kept_axes(input_shape)
        if batches is None:
            if isinstance(data, _sd.Tensor):
                values = data.astype(self.dtype)
                total_mean = _sd.mean(values, axis=self._reduce_axis)
                total_var = _sd.var(values, axis=self._reduce_axis)
            else:
                total_mean = np.mean(data, axis=self._reduce_axis)
                total_var = np.var(data, axis=self._reduce_axis)
        else:
            total_mean, total_var = self._streamed_moments(batches)
        self.adapt_mean.assign(np.asarray(total_mean, dtype=self.dtype).reshape(self._mean_and_var_shape))
        self.adapt_variance.assign(np.asarray(total_var, dtype=self.dtype).reshape(self._mean_and_var_shape))
        self.finalize_state()

    def _check_kept_axes(self, shape):
        for d in self._keep_axis:
            if len(shape) != len(self._build_input_shape) or shape[d] != self._build_input_shape[d]:
                raise ValueError(f"The layer was built with input_shape={self._build_input_shape}, but adapt() is "
                                 f"being called with data with an incompatible shape, data.shape={shape}")

    def _streamed_moments(self, batches):
        """Combines per-batch means and variances, weighted by their sizes (the lack-of-fit
        sum of squares, as Keras), so any number of batches fits in memory."""
        total_mean = _sd.zeros(self._mean_and_var_shape, self.dtype)
        total_var = _sd.zeros(self._mean_and_var_shape, self.dtype)
        total_count = 0
        for batch in batches:
            batch = _sd.asarray(first_of(batch)).astype(self.dtype)
            self._check_kept_axes(tuple(batch.shape))
            batch_mean = _sd.mean(batch, axis=self._reduce_axis)
            batch_var = _sd.var(batch, axis=self._reduce_axis)
            batch_count = math.prod(batch.shape[d] for d in self._reduce_axis) if self._reduce_axis else 1
            total_count += batch_count
            batch_weight = float(batch_count) / total_count
            existing_weight = 1.0 - batch_weight
            new_mean = total_mean * existing_weight + batch_mean * batch_weight
            total_var = ((total_var + (total_mean - new_mean) ** 2) * existing_weight
                         + (batch_var + (batch_mean - new_mean) ** 2) * batch_weight)
            total_mean = new_mean
        return total_mean.numpy(), total_var.numpy()

    def finalize_state(self):
        if self.input_mean is not None or not self.built:
            return
        self.mean = _sd.reshape(self.adapt_mean, self._broadcast_shape).astype(self.dtype)
        self.variance = _sd.reshape(self.adapt_variance, self._broadcast_shape).astype(self.dtype)

    # ---- calling ----------------------------------------------------------------------------
    def call(self, inputs):
        if self.mean is None:
            raise ValueError("You must call `.build(input_shape)` on the layer before using it.")
        inputs = _sd.asarray(inputs, copy=None)  # read only: the result is always a new tensor
        if inputs.dtype.name != self.dtype:
            inputs = inputs.astype(self.dtype)
        mean, variance = self.mean, self.variance
        if self.input_mean is None:
            # Read the variables on every call, so set_weights and loading need no finalize_state.
            mean = _sd.reshape(self.adapt_mean, self._broadcast_shape).astype(self.dtype)
            variance = _sd.reshape(self.adapt_variance, self._broadcast_shape).astype(self.dtype)
        scale = _sd.maximum(_sd.sqrt(variance), epsilon())
        # One pass each: mean + x·scale as (x - 0)·scale + mean, (x - mean) / scale as is.
        zero = np.zeros((), self.dtype)
        fused = (channel_affine(inputs, zero, scale, mean) if self.invert
                 else channel_affine(inputs, mean, scale, zero, divide=True))
        if fused is not None:
            return fused
        if self.invert:
            return mean + inputs * scale
        return (inputs - mean) / scale

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "invert": self.invert, "mean": np.array(self.input_mean).tolist(),
                       "variance": np.array(self.input_variance).tolist()})
        return config

    def load_own_variables(self, store):
        super().load_own_variables(store)
        self.finalize_state()  # the broadcast statistics follow the loaded variables

    def get_build_config(self):
        if self._build_input_shape:
            return {"input_shape": self._build_input_shape}
        return None

    def build_from_config(self, config):
        if config and not self.built:
            self.build(tuple(config["input_shape"]))
