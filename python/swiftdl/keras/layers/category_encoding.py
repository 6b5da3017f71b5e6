"""CategoryEncoding, and `encode_categorical`, the one-hot / multi-hot / count encoding that
Discretization, Hashing, HashedCrossing and the lookup layers share (Keras's
`numerical_utils.encode_categorical_inputs`), computed by engine ops."""
import numpy as np

import swiftdl as _sd
from swiftdl import _C

from .layer import Layer

_MODES = ("count", "one_hot", "multi_hot")


def check_output_mode(layer_name, output_mode, allowed):
    """Keras's validate_string_arg: a ValueError naming the layer and the received value."""
    if output_mode not in allowed:
        raise ValueError(f"Unknown value for `output_mode` argument of layer {layer_name}. Allowed values are: "
                         f"{', '.join(repr(a) for a in allowed)}. Received: output_mode={output_mode!r}")


def encode_categorical(indices, output_mode, depth, dtype, count_weights=None):
    """Encodes integer `indices` (a Tensor) as Keras does.

    "int" casts; "one_hot" appends an axis of `depth` (replacing a last axis of size 1);
    "multi_hot" and "count" treat axis 1 of a batch (axis 0 of a single sample) as the
    sample's values and reduce it into a `depth`-wide axis. Indices outside [0, depth)
    encode as zeros.
    """
    if output_mode == "int":
        return indices.astype(dtype)
    if indices.ndim == 0:
        indices = _sd.expand_dims(indices, -1)
    classes = _sd.arange(depth, dtype="int64")
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = _sd.squeeze(indices, axis=-1)
        return _sd.equal(_sd.expand_dims(indices.astype("int64"), -1), classes).astype(dtype)
    if output_mode in ("multi_hot", "count") and count_weights is None and indices.ndim <= 2:
        return _bag_of_values(indices, output_mode == "multi_hot", depth).astype(dtype)
    hits = _sd.equal(_sd.expand_dims(indices.astype("int64"), -1), classes)
    reduction_axis = 1 if indices.ndim > 1 else 0
    if output_mode == "multi_hot":
        return _sd.any(hits, axis=reduction_axis).astype(dtype)
    if count_weights is not None:
        return _sd.sum(hits.astype(count_weights.dtype) * _sd.expand_dims(count_weights, -1), axis=reduction_axis)
    return _sd.sum(hits.astype(dtype), axis=reduction_axis)


def _bag_of_values(indices, binary, depth):
    """Each row's (a 1-D input's) value counts, or 1 where positive with `binary`: one engine
    pass over the indices instead of a (rows, width, depth) comparison and a reduction."""
    values = np.ascontiguousarray(np.asarray(indices), dtype=np.int64)
    rows = values if values.ndim == 2 else values.reshape(1, -1)
    counts = np.empty((rows.shape[0], depth), dtype=np.int64)
    _C.bincount_rows(rows, depth, binary, counts)
    return _sd.asarray(counts if values.ndim == 2 else counts[0])


def encoded_shape(input_shape, output_mode, depth):
    """The output shape of `encode_categorical` for `input_shape`."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:
        return (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    if len(input_shape) == 1:
        return (depth,)
    return (input_shape[0],) + input_shape[2:] + (depth,)


class CategoryEncoding(Layer):
    """Encodes integer features as one-hot, multi-hot or count vectors.

    Args:
        num_tokens: the number of tokens the layer handles; inputs must lie in
            `[0, num_tokens)`.
        output_mode: "one_hot" (one vector per input value, replacing a last axis of
            size 1), "multi_hot" (default; one vector per sample with a 1 for each value
            present) or "count" (as multi_hot, with the number of occurrences).
        sparse: Keras returns a sparse tensor; swiftdl computes densely and returns the
            same values as a dense tensor.

    Call arguments:
        inputs: integer values of shape `()`, `(batch,)` or `(batch, n)`.
        count_weights: in "count" mode, a weight per input value, summed instead of 1.

    Raises:
        ValueError: for an unknown `output_mode`, a missing or non-positive `num_tokens`,
            or input values outside `[0, num_tokens)`.
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in _MODES:
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of tokens is not known "
                             "beforehand, use the IntegerLookup layer instead.")
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, (int, np.integer)) or num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = bool(sparse)

    def call(self, inputs, count_weights=None):
        inputs = _sd.asarray(inputs)
        if inputs.dtype.kind not in "iub":
            if inputs.dtype.kind != "f" or not bool(_sd.all(_sd.equal(inputs, _sd.round(inputs)))):
                raise ValueError(f"Layer {self.name} (CategoryEncoding) expects integer inputs; received dtype "
                                 f"{inputs.dtype.name}")
        if inputs.ndim > 2:
            raise ValueError(f"Layer {self.name} (CategoryEncoding) expects inputs of rank 0, 1 or 2; received shape "
                             f"{tuple(inputs.shape)}")
        if inputs.size:
            low, high = int(_sd.min(inputs)), int(_sd.max(inputs))
            if low < 0 or high >= self.num_tokens:
                raise ValueError(f"Layer {self.name} (CategoryEncoding): input values must be in the range "
                                 f"0 <= values < num_tokens with num_tokens={self.num_tokens}; received values from "
                                 f"{low} to {high}")
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError("`count_weights` is not used when `output_mode` is not `'count'`. "
                                 f"Received `count_weights={count_weights}`.")
            count_weights = _sd.asarray(count_weights).astype(self.dtype)
            if tuple(count_weights.shape) != tuple(inputs.shape):
                raise ValueError(f"Layer {self.name} (CategoryEncoding): `count_weights` must have the inputs' shape "
                                 f"{tuple(inputs.shape)}; received {tuple(count_weights.shape)}")
        return encode_categorical(inputs.astype("int64"), self.output_mode, self.num_tokens, self.dtype, count_weights)

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})  # no sparse: Keras's
        return config
