"""TensorFlow's top-level array functions beside _tf_array: bitcast, parallel_stack,
guarantee_const, space_to_batch / space_to_batch_nd / batch_to_space (tf.nn's, under
TensorFlow's top-level names) and required_space_to_batch_paddings."""
import numpy as np

from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from ._tf_dtypes import numpy_dtype
from .errors import InvalidArgumentError, raises_tf_errors


def _t(x):
    return x if isinstance(x, TensorBase) else convert_to_tensor(x)


@raises_tf_errors
def bitcast(input, type, name=None):  # noqa: A002
    """The same bytes read as `type` (tf.bitcast): a narrower type adds a last axis of
    size(old) / size(new); a wider one needs a last axis of size(new) / size(old) and
    removes it. No gradient.

    Raises:
        InvalidArgumentError: when the last axis does not fit a wider type.
    """
    x = _t(input)
    target = numpy_dtype(type)
    values = np.ascontiguousarray(x.numpy())
    old, new = values.dtype.itemsize, target.itemsize
    if new > old and (values.ndim == 0 or values.shape[-1] * old != new):
        raise InvalidArgumentError(None, None, f"Cannot bitcast from {values.dtype.name} to {target.name}: the last "
                                   f"dimension must be {new // old}; received shape {values.shape}")
    viewed = values.view(target)
    if new > old:
        viewed = viewed.reshape(values.shape[:-1])
    elif new < old:
        viewed = viewed.reshape(values.shape + (old // new,))
    return convert_to_tensor(viewed)


@raises_tf_errors
def parallel_stack(values, name="parallel_stack"):
    """Stacks same-shape tensors on a new first axis (tf.parallel_stack; tf.stack's result)."""
    from ._shape import stack
    tensors = [_t(v) for v in values]
    if len({tuple(t.shape) for t in tensors}) > 1:
        raise InvalidArgumentError(None, None, f"[parallel_stack] all values must have one shape; received "
                                   f"{[tuple(t.shape) for t in tensors]}")
    return stack(tensors, axis=0)


def guarantee_const(input, name=None):  # noqa: A002
    """The input (tf.guarantee_const: a graph-optimisation hint, nothing to do eagerly)."""
    return _t(input)


def space_to_batch(input, block_shape, paddings, name=None):  # noqa: A002
    """tf.space_to_batch (= tf.space_to_batch_nd, tf.nn.space_to_batch)."""
    from .nn import space_to_batch as _space_to_batch
    return _space_to_batch(input, block_shape, paddings)


@raises_tf_errors
def batch_to_space(input, block_shape, crops, name=None):  # noqa: A002
    """tf.batch_to_space: the inverse of space_to_batch."""
    from .nn._generic import batch_to_space as _batch_to_space
    return _batch_to_space(input, block_shape, crops)


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """(paddings, crops) making input_shape + base_paddings divisible by block_shape, the
    extra padding at the end, for space_to_batch then batch_to_space (int32 tensors).

    Raises:
        ValueError: for mismatched lengths or block sizes below 1.
    """
    shape = np.asarray(input_shape.numpy() if hasattr(input_shape, "numpy") else input_shape, np.int64).reshape(-1)
    blocks = np.asarray(block_shape.numpy() if hasattr(block_shape, "numpy") else block_shape, np.int64).reshape(-1)
    base = np.zeros((len(blocks), 2), np.int64) if base_paddings is None else \
        np.asarray(base_paddings.numpy() if hasattr(base_paddings, "numpy") else base_paddings, np.int64)
    if shape.shape != blocks.shape or base.shape != (len(blocks), 2) or np.any(blocks < 1):
        raise ValueError(f"[required_space_to_batch_paddings] input_shape and block_shape must have one length M and "
                         f"base_paddings shape (M, 2), blocks >= 1; received {shape.tolist()}, {blocks.tolist()}, "
                         f"{base.tolist()}")
    padded = shape + base[:, 0] + base[:, 1]
    extra = (blocks - padded % blocks) % blocks
    paddings = np.stack([base[:, 0], base[:, 1] + extra], axis=1)
    crops = np.stack([np.zeros_like(extra), extra], axis=1)
    return convert_to_tensor(paddings.astype(np.int32)), convert_to_tensor(crops.astype(np.int32))
