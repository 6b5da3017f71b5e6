"""TensorFlow's static assertions on ranks, shapes and dtypes (tf.debugging.assert_rank,
assert_shapes, assert_type, ...): ValueError or TypeError as in TensorFlow's eager mode."""
import numpy as np

from .._convert import TensorBase
from .._tf_dtypes import as_dtype


def _shape(x):
    return tuple(x.shape) if isinstance(x, TensorBase) or hasattr(x, "shape") else np.shape(x)


def _dtype(x):
    return as_dtype(x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype)


def _rank_error(x, wanted, message):
    shape = _shape(x)
    raise ValueError(f"{message or ''}Tensor must have rank {wanted}.  Received rank {len(shape)}, shape {shape}")


def assert_rank(x, rank, message=None, name=None):
    if len(_shape(x)) != int(rank):
        _rank_error(x, int(rank), message)


def assert_rank_at_least(x, rank, message=None, name=None):
    if len(_shape(x)) < int(rank):
        _rank_error(x, f"at least {int(rank)}", message)


def assert_rank_in(x, ranks, message=None, name=None):
    ranks = tuple(int(r) for r in ranks)
    if len(_shape(x)) not in ranks:
        _rank_error(x, f"in {ranks}", message)


def assert_scalar(tensor, message=None, name=None):
    if _shape(tensor) != ():
        raise ValueError(f"{message or ''}Expected scalar shape, saw shape: {_shape(tensor)}.")


def assert_type(tensor, tf_type, message=None, name=None):
    if _dtype(tensor) != as_dtype(tf_type):
        raise TypeError(f"{message or ''}tensor must be of type {as_dtype(tf_type)!r}; got {_dtype(tensor)!r}")


def assert_integer(x, message=None, name=None):
    if not _dtype(x).is_integer:
        raise TypeError(f"{message or ''}Expected \"x\" to be integer type.  Found: tensor of dtype {_dtype(x)!r}")


def assert_same_float_dtype(tensors=None, dtype=None):
    """The common floating dtype of `tensors` (and `dtype`); ValueError if they differ."""
    found = {_dtype(t) for t in tensors or []} | ({as_dtype(dtype)} if dtype is not None else set())
    if len(found) > 1:
        raise ValueError(f"Expected all tensors to have the same floating dtype; found {sorted(d.name for d in found)}")
    result = found.pop() if found else as_dtype("float32")
    if not result.is_floating:
        raise ValueError(f"Expected floating point type, got {result!r}.")
    return result


def assert_proper_iterable(values):
    """TypeError for a tensor, array or string passed where a list of them belongs."""
    if isinstance(values, (TensorBase, np.ndarray, str, bytes)):
        raise TypeError(f"Expected argument \"values\" to be a \"proper\" iterable.  Found: {type(values)}")
    iter(values)


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Checks [(tensor, ("N", "D", 3, ...)), ...]: integers are exact sizes, the same
    symbol must be the same size everywhere, "." is any size and a leading "..." any
    leading axes (tf.debugging.assert_shapes)."""
    items = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    sizes = {}
    for tensor, spec in items:
        shape = _shape(tensor)
        spec = list(spec)
        if spec and spec[0] == "...":
            spec = spec[1:]
            shape = shape[len(shape) - len(spec):] if len(shape) >= len(spec) else None
        if shape is None or len(shape) != len(spec):
            raise ValueError(f"{message or ''}Tensor shape={_shape(tensor)} must have rank {len(spec)}")
        for axis, (want, got) in enumerate(zip(spec, shape)):
            if want == ".":
                continue
            if isinstance(want, str):
                if want in sizes and sizes[want][0] != got:
                    first, where = sizes[want]
                    raise ValueError(f"{message or ''}Specified by {where}. Tensor shape={_shape(tensor)} dimension "
                                     f"{axis} must have size {first}.  Received size {got}, shape {_shape(tensor)}")
                sizes.setdefault(want, (got, f"tensor shape={_shape(tensor)} dimension {axis}"))
            elif int(want) != got:
                raise ValueError(f"{message or ''}Tensor shape={_shape(tensor)} dimension {axis} must have size "
                                 f"{int(want)}.  Received size {got}, shape {_shape(tensor)}")
