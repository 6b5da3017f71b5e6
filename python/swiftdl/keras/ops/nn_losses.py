"""keras.ops encodings and cross-entropies: one_hot, multi_hot, binary_crossentropy,
categorical_crossentropy, sparse_categorical_crossentropy. With from_logits=True the
engine's fused, numerically stable cross-entropy ops run (their gradient is
softmax - labels); probabilities are clipped to [epsilon, 1 - epsilon] as in Keras."""
import operator


import swiftdl as sd

from .._losses import clipped_binary_crossentropy as _clipped_bce
from ._convert import canonical_axis, float_tensor, tensor
from ._dtypes import standardize_dtype


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot vectors of length num_classes for integer labels x, on a new `axis`
    (negative and out-of-range labels give all zeros); floatx() by default."""
    if sparse:
        raise ValueError("[one_hot] sparse=True is not supported by swiftdl")
    x = tensor(x)
    if x.dtype.kind not in "iu":
        x = x.astype("int64")
    num_classes = operator.index(num_classes)
    dtype = standardize_dtype(dtype)
    classes = sd.arange(num_classes, dtype="int64")
    encoded = sd.equal(sd.expand_dims(x.astype("int64"), -1), classes).astype(dtype)
    axis = canonical_axis(axis, encoded.ndim, "one_hot")
    return encoded if axis == encoded.ndim - 1 else sd.moveaxis(encoded, -1, axis)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot vectors: 1 for every class present in each row of integer `inputs`."""
    if num_classes is None and "num_tokens" in kwargs:
        num_classes = kwargs.pop("num_tokens")
    if num_classes is None:
        raise ValueError("[multi_hot] argument `num_classes` must be specified")
    inputs = tensor(inputs)
    reduction_axis = 1 if inputs.ndim > 1 else 0
    encoded = one_hot(inputs, num_classes, axis=axis, dtype=dtype, sparse=sparse)
    return sd.max(encoded, axis=reduction_axis)


def _same_shape(target, output, op):
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"[{op}] Arguments `target` and `output` must have the same shape. Received: "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}")


def _epsilon():
    from .. import backend
    return backend.epsilon()


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy between targets in [0, 1] and probabilities (or logits)."""
    output = float_tensor(output)
    target = tensor(target, output.dtype.name)
    _same_shape(target, output, "binary_crossentropy")
    if from_logits:
        return sd.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    if _clipped_bce.applies(output, -1):
        # Elementwise: the fused op's mean over a new last axis of one.
        return _clipped_bce.mean_over_last_axis(sd.expand_dims(target, -1), sd.expand_dims(output, -1))
    eps = _epsilon()
    output = sd.minimum(sd.maximum(output, eps), 1.0 - eps)
    return -(target * sd.log(output) + (1.0 - target) * sd.log(1.0 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot (or soft) targets and a distribution along `axis`."""
    output = float_tensor(output)
    target = tensor(target, output.dtype.name)
    _same_shape(target, output, "categorical_crossentropy")
    if output.ndim < 1:
        raise ValueError("[categorical_crossentropy] Arguments `target` and `output` must be at least rank 1.")
    axis = canonical_axis(axis, output.ndim, "categorical_crossentropy")
    if from_logits:
        return sd.nn.softmax_cross_entropy_with_logits(labels=target, logits=output, axis=axis)
    eps = _epsilon()
    output = output / sd.sum(output, axis=axis, keepdims=True)
    output = sd.minimum(sd.maximum(output, eps), 1.0 - eps)
    return -sd.sum(target * sd.log(output), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between integer class targets and a distribution along `axis`; a
    trailing target axis of size 1 is dropped."""
    output = float_tensor(output)
    target = tensor(target)
    if target.ndim == output.ndim and target.ndim and target.shape[-1] == 1:
        target = sd.squeeze(target, axis=-1)
    if output.ndim < 1:
        raise ValueError(f"[sparse_categorical_crossentropy] Argument `output` must be at least rank 1. "
                         f"Received: output.shape={tuple(output.shape)}")
    axis = canonical_axis(axis, output.ndim, "sparse_categorical_crossentropy")
    moved = sd.moveaxis(output, axis, -1)
    if tuple(target.shape) != tuple(moved.shape[:-1]):
        raise ValueError(f"[sparse_categorical_crossentropy] Arguments `target` and `output` must have the same "
                         f"shape up until the last dimension: target.shape={tuple(target.shape)}, "
                         f"output.shape={tuple(output.shape)}")
    if target.dtype.kind not in "iu":
        target = target.astype("int64")
    if from_logits:
        return sd.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=moved)
    eps = _epsilon()
    moved = moved / sd.sum(moved, axis=-1, keepdims=True)
    moved = sd.minimum(sd.maximum(moved, eps), 1.0 - eps)
    labels = one_hot(target, moved.shape[-1], dtype=moved.dtype.name)
    return -sd.sum(labels * sd.log(moved), axis=-1)


