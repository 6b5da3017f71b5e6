"""tf.math's elementwise functions beyond numpy's names (divide_no_nan, lgamma, digamma,
log_sigmoid, ...), the clipping functions, matrix products with TensorFlow's arguments,
norms, bincount and confusion_matrix."""
import math
import operator

import numpy as np

from . import _C, _autograd, _creation, _ops, _shape
from ._convert import TensorBase, asarray
from ._tf_cast import convert_to_tensor
from ._tf_dtypes import numpy_dtype
from .errors import InvalidArgumentError, raises_tf_errors


def _t(x):
    return x if isinstance(x, TensorBase) else convert_to_tensor(x)


def _float(x):
    x = _t(x)
    return x if x.dtype.kind == "f" else x.astype(np.float32)


def _kops():
    from .keras import ops
    return ops


def _pair(x, y):
    """Operands in TensorFlow's manner: a Python number adopts the tensor's dtype."""
    if isinstance(x, TensorBase) or not isinstance(y, TensorBase):
        x = _t(x)
        return x, y if isinstance(y, TensorBase) or isinstance(y, (int, float)) else _t(y)
    return x, y


# ---- elementwise ---------------------------------------------------------------------------
@raises_tf_errors
def divide_no_nan(x, y, name=None):
    """x / y, and 0 where y is 0 (tf.math.divide_no_nan); the gradient is finite there too."""
    x, y = _t(x), _t(y)
    zero = _ops.equal(y, 0)
    safe = _ops.where(zero, _creation.ones((), y.dtype), y)
    return _ops.where(zero, _creation.zeros((), np.result_type(x.dtype, y.dtype)), x / safe)


@raises_tf_errors
def multiply_no_nan(x, y, name=None):
    """x * y, and 0 where y is 0 even if x is inf or nan (tf.math.multiply_no_nan)."""
    x, y = _t(x), _t(y)
    zero = _ops.equal(y, 0)
    return _ops.where(zero, _creation.zeros((), x.dtype), x * y)


@raises_tf_errors
def reciprocal_no_nan(x, name=None):
    x = _t(x)
    return divide_no_nan(_creation.ones((), x.dtype), x)


@raises_tf_errors
def squared_difference(x, y, name=None):
    x, y = _pair(x, y)
    return _ops.square(_ops.subtract(x, y))


@raises_tf_errors
def rsqrt(x, name=None):
    return _ops.reciprocal(_ops.sqrt(_float(x)))


def is_nan(x, name=None):
    x = _t(x)
    return _ops.not_equal(x, x)


def is_inf(x, name=None):
    x = _t(x)
    return _ops.equal(_ops.absolute(x), np.inf) if x.dtype.kind == "f" else _creation.zeros(x.shape, np.bool_)


def is_finite(x, name=None):
    x = _t(x)
    return _ops.less(_ops.absolute(x), np.inf) if x.dtype.kind == "f" else _creation.ones(x.shape, np.bool_)


@raises_tf_errors
def floordiv(x, y, name=None):
    x, y = _pair(x, y)
    return _ops.floor_divide(x, y)


@raises_tf_errors
def floormod(x, y, name=None):
    """Remainder with the divisor's sign (tf.math.floormod, numpy's mod)."""
    x, y = _pair(x, y)
    return _ops.remainder(x, y)


@raises_tf_errors
def truediv(x, y, name=None):
    x, y = _pair(x, y)
    return _ops.divide(x, y)


@raises_tf_errors
def xlogy(x, y, name=None):
    """x * log(y), 0 where x is 0 (tf.math.xlogy)."""
    x, y = _float(x), _float(y)
    zero = _ops.equal(x, 0)
    safe = _ops.where(zero, _creation.ones((), y.dtype), y)
    return _ops.where(zero, _creation.zeros((), x.dtype), x * _ops.log(safe))


@raises_tf_errors
def xdivy(x, y, name=None):
    """x / y, 0 where x is 0 (tf.math.xdivy)."""
    x, y = _float(x), _float(y)
    zero = _ops.equal(x, 0)
    safe = _ops.where(zero, _creation.ones((), y.dtype), y)
    return _ops.where(zero, _creation.zeros((), x.dtype), x / safe)


@raises_tf_errors
def log_sigmoid(x, name=None):
    """log(sigmoid(x)) = -softplus(-x), without overflow (tf.math.log_sigmoid)."""
    return _ops.negative(softplus(_ops.negative(_float(x))))


@raises_tf_errors
def softplus(features, name=None):
    """log(1 + exp(x)) computed stably: max(x, 0) + log1p(exp(-|x|)) (tf.math.softplus)."""
    x = _float(features)
    return _ops.maximum(x, 0.0) + _ops.log1p(_ops.exp(_ops.negative(_ops.absolute(x))))


@raises_tf_errors
def softsign(features, name=None):
    x = _float(features)
    return x / (_ops.absolute(x) + 1.0)


@raises_tf_errors
def sigmoid(x, name=None):
    return _ops.sigmoid(_float(x))


@raises_tf_errors
def erf(x, name=None):
    return _kops().erf(_float(x))


@raises_tf_errors
def erfc(x, name=None):
    return _kops().erfc(_float(x))


@raises_tf_errors
def tan(x, name=None):
    x = _float(x)
    return _ops.sin(x) / _ops.cos(x)


@raises_tf_errors
def sinh(x, name=None):
    return _kops().sinh(_float(x))


@raises_tf_errors
def cosh(x, name=None):
    return _kops().cosh(_float(x))


@raises_tf_errors
def asin(x, name=None):
    return _kops().arcsin(_float(x))


@raises_tf_errors
def acos(x, name=None):
    return _kops().arccos(_float(x))


@raises_tf_errors
def atan(x, name=None):
    return _kops().arctan(_float(x))


@raises_tf_errors
def atan2(y, x, name=None):
    return _kops().arctan2(_float(y), _float(x))


@raises_tf_errors
def asinh(x, name=None):
    return _kops().arcsinh(_float(x))


@raises_tf_errors
def acosh(x, name=None):
    return _kops().arccosh(_float(x))


@raises_tf_errors
def atanh(x, name=None):
    return _kops().arctanh(_float(x))


# NOTE: lgamma and digamma use the recurrence to move arguments above 6 and an asymptotic
# series there (errors below 1e-10 from x = 6 on), with the reflection formula for x < 0.5;
# every step is an engine op, so the tape differentiates them (digamma is lgamma's gradient).
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _lgamma_large(z):
    inverse = _ops.reciprocal(z)
    inverse2 = inverse * inverse
    series = inverse * (1.0 / 12 + inverse2 * (-1.0 / 360 + inverse2 * (1.0 / 1260 + inverse2 * (-1.0 / 1680))))
    return (z - 0.5) * _ops.log(z) - z + _HALF_LOG_2PI + series


def _lgamma_positive(x):
    small = _ops.less(x, 6.0)
    shifted = _ops.where(small, x, _creation.ones((), x.dtype))
    product = shifted * (shifted + 1) * (shifted + 2) * (shifted + 3) * (shifted + 4) * (shifted + 5)
    correction = _ops.where(small, _ops.log(_ops.absolute(product)), _creation.zeros((), x.dtype))
    return _lgamma_large(_ops.where(small, x + 6.0, x)) - correction


@raises_tf_errors
def lgamma(x, name=None):
    """log|Gamma(x)| (tf.math.lgamma); inf at 0 and the negative integers."""
    x = _float(x)
    reflect = _ops.less(x, 0.5)
    mirrored = _ops.where(reflect, 1.0 - x, x)
    positive = _lgamma_positive(mirrored)
    sine = _ops.absolute(_ops.sin(math.pi * _ops.where(reflect, x, _creation.full((), 0.5, x.dtype))))
    reflected = math.log(math.pi) - _ops.log(sine) - positive
    return _ops.where(reflect, reflected, positive)


def _digamma_large(z):
    inverse = _ops.reciprocal(z)
    inverse2 = inverse * inverse
    series = inverse2 * (1.0 / 12 + inverse2 * (-1.0 / 120 + inverse2 * (1.0 / 252 + inverse2 * (
        -1.0 / 240 + inverse2 * (1.0 / 132)))))
    return _ops.log(z) - 0.5 * inverse - series


@raises_tf_errors
def digamma(x, name=None):
    """The derivative of lgamma (tf.math.digamma); nan at 0 and the negative integers."""
    x = _float(x)
    reflect = _ops.less(x, 0.5)
    y = _ops.where(reflect, 1.0 - x, x)
    small = _ops.less(y, 6.0)
    safe = _ops.where(small, y, _creation.ones((), x.dtype))
    shift = sum(_ops.reciprocal(safe + k) for k in range(6))
    positive = _digamma_large(_ops.where(small, y + 6.0, y)) - _ops.where(small, shift, _creation.zeros((), x.dtype))
    angle = math.pi * _ops.where(reflect, x, _creation.full((), 0.25, x.dtype))
    reflected = positive - math.pi * _ops.cos(angle) / _ops.sin(angle)
    integer_pole = _ops.logical_and(reflect, _ops.equal(x, _ops.floor(x)))
    result = _ops.where(reflect, reflected, positive)
    return _ops.where(integer_pole, _creation.full((), np.nan, x.dtype), result)


@raises_tf_errors
def add_n(inputs, name=None):
    """The elementwise sum of a list of same-shape tensors (tf.math.add_n)."""
    tensors = [_t(t) for t in inputs]
    if not tensors:
        raise InvalidArgumentError(None, None, "[add_n] needs at least one tensor")
    shapes = {tuple(t.shape) for t in tensors}
    if len(shapes) > 1:
        raise InvalidArgumentError(None, None, f"[add_n] all inputs must have the same shape; received {sorted(shapes)}")
    total = tensors[0]
    for t in tensors[1:]:
        total = total + t
    return total


accumulate_n = add_n


@raises_tf_errors
def scalar_mul(scalar, x, name=None):
    return _t(x) * scalar


@raises_tf_errors
def polyval(coeffs, x, name=None):
    """coeffs[0] * x**(n-1) + ... + coeffs[n-1] by Horner's rule (tf.math.polyval)."""
    x = _t(x)
    result = _creation.zeros_like(x)
    for c in coeffs:
        result = result * x + c
    return result


@raises_tf_errors
def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x**2, axis), epsilon)) (tf.math.l2_normalize)."""
    x = _float(x)
    axis = dim if axis is None else axis
    squares = _ops.sum(_ops.square(x), axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=True)
    return x * _ops.reciprocal(_ops.sqrt(_ops.maximum(squares, epsilon)))


# ---- clipping --------------------------------------------------------------------------------
@raises_tf_errors
def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """min(max(t, clip_value_min), clip_value_max), the bounds broadcasting against t
    (tf.clip_by_value); gradients pass only where t is inside the bounds."""
    t = _t(t)
    return _ops.minimum(_ops.maximum(t, clip_value_min), clip_value_max)


@raises_tf_errors
def clip_by_norm(t, clip_norm, axes=None, name=None):
    """t scaled so that its L2 norm over `axes` is at most clip_norm (tf.clip_by_norm)."""
    t = _float(t)
    axes = tuple(axes) if isinstance(axes, list) else axes
    squares = _ops.sum(_ops.square(t), axis=axes, keepdims=True)
    positive = _ops.greater(squares, 0)
    norm = _ops.sqrt(_ops.where(positive, squares, _creation.ones((), t.dtype)))
    norm = _ops.where(positive, norm, squares)
    return t * clip_norm / _ops.maximum(norm, clip_norm)


@raises_tf_errors
def global_norm(t_list, name=None):
    """sqrt(sum of the squared L2 norms of the tensors); None entries are skipped."""
    tensors = [_t(t) for t in t_list if t is not None]
    if not tensors:
        return asarray(0.0, dtype=np.float32)
    total = None
    for t in tensors:
        squares = _ops.sum(_ops.square(t.astype(np.float32) if t.dtype.kind != "f" else t))
        total = squares if total is None else total + squares.astype(total.dtype)
    return _ops.sqrt(total)


@raises_tf_errors
def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales every tensor by clip_norm / max(global_norm, clip_norm) (tf.clip_by_global_norm).

    Returns:
        (list of clipped tensors, None where the input was None; the global norm). An
        infinite global norm gives nan entries, as in TensorFlow.
    """
    if isinstance(t_list, TensorBase) or not hasattr(t_list, "__iter__"):
        raise TypeError("t_list should be a sequence of tensors")
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else _t(use_norm)
    scale = clip_norm * _ops.minimum(_ops.reciprocal(norm), 1.0 / clip_norm)
    scale = _ops.where(_ops.less(_ops.absolute(norm), np.inf), scale, _creation.full((), np.nan, norm.dtype))
    clipped = [None if t is None else _t(t) * scale.astype(_t(t).dtype) for t in t_list]
    return clipped, norm


# ---- products and norms -----------------------------------------------------------------------
def matmul(a=None, b=None, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, a_is_sparse=False,
           b_is_sparse=False, output_type=None, grad_a=False, grad_b=False, name=None, *, x1=None, x2=None):
    """Matrix product of the last two axes, batched (tf.linalg.matmul, numpy.matmul with its
    keywords x1, x2); `transpose_a`/`adjoint_a` (and _b) transpose an operand first."""
    a = x1 if a is None else a
    b = x2 if b is None else b
    try:  # NOTE: inline rather than @raises_tf_errors: a hot path of numpy-style code
        if not isinstance(a, TensorBase):
            a = _t(a)
        if not isinstance(b, TensorBase):
            b = _t(b)
        if transpose_a or adjoint_a:
            a = _shape.swapaxes(a, -1, -2)
        if transpose_b or adjoint_b:
            b = _shape.swapaxes(b, -1, -2)
        result = _C.matmul(a, b)
    except ValueError as error:
        raise InvalidArgumentError(None, None, str(error)) from error
    return result if output_type is None else result.astype(numpy_dtype(output_type))


@raises_tf_errors
def matvec(a, b, transpose_a=False, adjoint_a=False, name=None):
    a = _t(a)
    if transpose_a or adjoint_a:
        a = _shape.swapaxes(a, -1, -2)
    return _shape.squeeze(_ops.matmul(a, _shape.expand_dims(_t(b), -1)), -1)


@raises_tf_errors
def einsum(equation, *inputs, name=None, **kwargs):
    """Einstein summation (tf.einsum, numpy.einsum)."""
    return _kops().einsum(equation, *[_t(x) for x in inputs])


@raises_tf_errors
def tensordot(a, b, axes, name=None):
    """Sums products over the given axes (tf.tensordot, numpy.tensordot)."""
    if isinstance(axes, TensorBase):
        axes = axes.tolist()
    return _kops().tensordot(_t(a), _t(b), axes=axes)


@raises_tf_errors
def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    """Vector and matrix norms (tf.norm). With axis None the tensor is one vector: the
    'euclidean' (or 'fro') default is the square root of the sum of squares of all
    entries; an int axis gives vector norms, a pair of axes matrix norms ('fro', 1, inf)."""
    x = _float(tensor)
    keep = bool(keepdims) if keepdims is not None else False
    if isinstance(axis, list):
        axis = tuple(axis)
    if ord in ("euclidean", "fro", None):
        if isinstance(axis, tuple) and len(axis) == 2 or axis is None or isinstance(axis, int):
            return _ops.sqrt(_ops.sum(_ops.square(x), axis=axis, keepdims=keep))
    if isinstance(ord, str):
        raise InvalidArgumentError(None, None, f"[norm] ord={ord!r} is not supported; use 'euclidean', 'fro', 1, 2, "
                                   "np.inf or a positive number")
    if axis is None:
        x, axis = _shape.reshape(x, [-1]), 0
        result = _kops().norm(x, ord=ord, axis=axis, keepdims=False)
        return _shape.reshape(result, [1] * tensor.ndim) if keep else result
    return _kops().norm(x, ord=ord, axis=axis, keepdims=keep)


# ---- counting ---------------------------------------------------------------------------------
@raises_tf_errors
def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=np.int32, name=None, axis=None,
             binary_output=False):
    """Counts of each value of a non-negative int tensor (tf.math.bincount); with `weights`,
    sums of the weights. `axis=-1` counts per row of a 2-D tensor."""
    arr = _t(arr)
    if axis is None:
        arr = _shape.reshape(arr, [-1])
        if weights is not None:
            weights = _shape.reshape(_t(weights), [-1])
    elif axis not in (-1, arr.ndim - 1) or arr.ndim != 2:
        raise InvalidArgumentError(None, None, "[bincount] axis must be None, or -1 for a 2-D tensor")
    if arr.dtype.kind not in "iu":
        raise TypeError(f"[bincount] arr must be integers; received dtype {arr.dtype}")
    if arr.size and int(_ops.min(arr)) < 0:
        raise InvalidArgumentError(None, None, "[bincount] arr must be non-negative")
    length = int(_ops.max(arr)) + 1 if arr.size else 0
    if minlength is not None:
        length = max(length, operator.index(minlength))
    if maxlength is not None:
        length = min(length, operator.index(maxlength))
    hits = _ops.equal(_shape.expand_dims(arr.astype(np.int64), -1), _creation.arange(length))
    if binary_output:
        return _ops.any(hits, axis=-2).astype(numpy_dtype(dtype))
    if weights is None:
        return _ops.sum(hits, axis=-2).astype(numpy_dtype(dtype))
    weights = _t(weights)
    spread = _ops.where(hits, _shape.expand_dims(weights, -1), _creation.zeros((), weights.dtype))
    return _ops.sum(spread, axis=-2).astype(weights.dtype)


@raises_tf_errors
def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=np.int32, name=None):
    """counts[i, j]: how often label i was predicted as j (tf.math.confusion_matrix); with
    `weights`, their sums. `num_classes` defaults to max(labels, predictions) + 1."""
    labels, predictions = _t(labels), _t(predictions)
    if labels.ndim != 1 or tuple(labels.shape) != tuple(predictions.shape):
        raise InvalidArgumentError(None, None, f"[confusion_matrix] labels and predictions must be 1-D of one shape; "
                                   f"received {tuple(labels.shape)} and {tuple(predictions.shape)}")
    labels, predictions = labels.astype(np.int64), predictions.astype(np.int64)
    if labels.size and (int(_ops.min(labels)) < 0 or int(_ops.min(predictions)) < 0):
        raise InvalidArgumentError(None, None, "[confusion_matrix] labels and predictions must be non-negative")
    if num_classes is None:
        num_classes = (max(int(_ops.max(labels)), int(_ops.max(predictions))) + 1) if labels.size else 0
    num_classes = operator.index(num_classes)
    if labels.size and max(int(_ops.max(labels)), int(_ops.max(predictions))) >= num_classes:
        raise InvalidArgumentError(None, None, f"[confusion_matrix] labels and predictions must be below "
                                   f"num_classes={num_classes}")
    cells = labels * num_classes + predictions
    wanted = numpy_dtype(dtype)
    if weights is None:
        counts = bincount(cells, minlength=num_classes * num_classes, maxlength=num_classes * num_classes,
                          dtype=wanted)
    else:
        counts = bincount(cells, weights=_t(weights).astype(wanted), minlength=num_classes * num_classes,
                          maxlength=num_classes * num_classes)
    return _shape.reshape(counts.astype(wanted), [num_classes, num_classes])


def stop_gradient(input, name=None):  # noqa: A002
    return _autograd.stop_gradient(_t(input))
