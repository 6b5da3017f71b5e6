"""TensorFlow's remaining top-level arithmetic: truncating division and remainder,
fixed-width histograms and broadcast shapes."""
import numpy as np

from . import errors
from ._convert import TensorBase
from ._tf_cast import constant, convert_to_tensor


def _t(x):
    return x if isinstance(x, TensorBase) else convert_to_tensor(x)


def _same_dtype(x, y, where):
    x = _t(x)
    y = y if isinstance(y, TensorBase) else convert_to_tensor(y, dtype=x.dtype)
    if x.dtype != y.dtype:
        raise errors.InvalidArgumentError(None, None, f"{where}: x and y must have the same dtype; received "
                                                      f"{x.dtype} and {y.dtype}")
    return x, y


def truncatediv(x, y, name=None):
    """x / y rounded toward zero, as C's integer division (tf.truncatediv)."""
    x, y = _same_dtype(x, y, "tf.truncatediv")
    if x.dtype.kind in "iu":
        if (y.numpy() == 0).any():
            raise errors.InvalidArgumentError(None, None, "Integer division by zero")
        quotient = x // y  # floor; move the negative non-exact quotients one step toward zero
        correction = ((x % y) != 0) & ((x < 0) != (y < 0))
        return quotient + correction.astype(x.dtype)
    return _trunc(x / y)


def _trunc(x):
    from ._ops import ceil, floor
    from ._tf_array import where
    return where(x < 0, ceil(x), floor(x))


def truncatemod(x, y, name=None):
    """The remainder of truncating division, with x's sign (tf.truncatemod, C's fmod)."""
    x, y = _same_dtype(x, y, "tf.truncatemod")
    return x - truncatediv(x, y) * y


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype="int32", name=None):
    """The bin (0..nbins-1) of each value for nbins equal bins over value_range; values
    outside go to the first or last bin (tf.histogram_fixed_width_bins)."""
    data = _t(values).numpy().astype(np.float64)
    low, high = (float(v) for v in np.asarray(_t(value_range).numpy(), np.float64).reshape(-1)[:2])
    if int(nbins) <= 0:
        raise errors.InvalidArgumentError(None, None, f"nbins should be a positive number, but got '{int(nbins)}'")
    if not high > low:
        raise errors.InvalidArgumentError(None, None, f"value_range should satisfy value_range[0] < value_range[1], "
                                                      f"but got '[{low}, {high}]'")
    bins = np.floor((data - low) / (high - low) * int(nbins))
    return constant(np.clip(bins, 0, int(nbins) - 1).astype(np.dtype(str(getattr(dtype, "name", dtype)))))


def histogram_fixed_width(values, value_range, nbins=100, dtype="int32", name=None):
    """Counts of `values` in nbins equal bins over value_range, the outer bins also
    counting values beyond the range (tf.histogram_fixed_width)."""
    bins = histogram_fixed_width_bins(values, value_range, nbins).numpy().reshape(-1)
    counts = np.bincount(bins, minlength=int(nbins))
    return constant(counts.astype(np.dtype(str(getattr(dtype, "name", dtype)))))


def broadcast_static_shape(shape_x, shape_y):
    """The broadcast of two TensorShapes (tf.broadcast_static_shape); ValueError if they cannot broadcast."""
    from ._tf_shape import TensorShape
    x, y = TensorShape(shape_x), TensorShape(shape_y)
    try:
        dims = np.broadcast_shapes(tuple(d if d is not None else 1 for d in x.as_list()),
                                   tuple(d if d is not None else 1 for d in y.as_list()))
    except ValueError:
        raise ValueError(f"Incompatible shapes for broadcasting: {x} and {y}") from None
    return TensorShape(list(dims))


def broadcast_dynamic_shape(shape_x, shape_y):
    """The broadcast of two shape vectors, as an int32 tensor (tf.broadcast_dynamic_shape)."""
    x = [int(v) for v in np.asarray(_t(shape_x).numpy()).reshape(-1)]
    y = [int(v) for v in np.asarray(_t(shape_y).numpy()).reshape(-1)]
    try:
        return constant(np.asarray(np.broadcast_shapes(tuple(x), tuple(y)), np.int32))
    except ValueError:
        raise errors.InvalidArgumentError(None, None, f"Incompatible shapes: {x} vs. {y}") from None
