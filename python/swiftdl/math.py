"""swiftdl.math: TensorFlow's tf.math namespace over the engine.

    import swiftdl as tf
    tf.math.reduce_mean(x, axis=1)
    values, indices = tf.math.top_k(scores, k=5)

Functions take TensorFlow's arguments and defaults (`argmax`'s axis 0, `cumsum`'s axis 0
with `exclusive`/`reverse`) and accept `name=`; the elementwise ones are numpy's ufuncs
run by the engine. Bad shapes raise `swiftdl.errors.InvalidArgumentError` (a ValueError).
"""
from ._ops import (abs, add, ceil, cos, divide, equal, exp, expm1, floor, greater, greater_equal, less,  # noqa: A004
                   less_equal, log, log1p, logical_and, logical_not, logical_or, logical_xor, maximum, minimum,
                   multiply, negative, not_equal, pow, reciprocal, rint, sign, sin, sqrt, square, subtract, tanh)
from ._tf_math import (accumulate_n, acos, acosh, add_n, asin, asinh, atan, atan2, atanh, bincount, confusion_matrix,
                       cosh, digamma, divide_no_nan, erf, erfc, floordiv, floormod, is_finite, is_inf, is_nan,
                       l2_normalize, lgamma, log_sigmoid, multiply_no_nan, polyval, reciprocal_no_nan, rsqrt,
                       scalar_mul, sigmoid, sinh, softplus, softsign, squared_difference, tan, truediv, xdivy, xlogy)
from ._tf_math_complex import angle, conj, imag, real
from ._tf_math_log_space import cumulative_logsumexp, xlog1py
from ._tf_math_ordering import (approx_max_k, approx_min_k, invert_permutation, is_non_decreasing,
                                is_strictly_increasing, nextafter)
from ._tf_sobol_sample import sobol_sample
from ._tf_special import (bessel_i0, bessel_i0e, bessel_i1, bessel_i1e, betainc, erfcinv, erfinv, igamma, igammac,
                          lbeta, ndtri, polygamma, zeta)
from . import _tf_math_special as special
from .nn._statistics import zero_fraction
from ._tf_reduce import (argmax, argmin, count_nonzero, cumprod, cumsum, in_top_k, reduce_all, reduce_any,
                         reduce_euclidean_norm, reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod,
                         reduce_std, reduce_sum, reduce_variance, segment_max, segment_mean, segment_min, segment_prod,
                         segment_sum, top_k, unsorted_segment_max, unsorted_segment_mean, unsorted_segment_min,
                         unsorted_segment_prod, unsorted_segment_sqrt_n, unsorted_segment_sum)

round = rint  # noqa: A001  (TensorFlow rounds half to even, as rint does)
mod = floormod


def softmax(logits, axis=None, name=None):
    """exp(logits) normalised along `axis` (the last by default) (tf.math.softmax)."""
    from .nn import softmax as _softmax
    return _softmax(logits, axis=-1 if axis is None else axis)


def log_softmax(logits, axis=None, name=None):
    """logits - logsumexp(logits) along `axis` (the last by default) (tf.math.log_softmax)."""
    from .nn import log_softmax as _log_softmax
    return _log_softmax(logits, axis=-1 if axis is None else axis)


__all__ = ["abs", "accumulate_n", "acos", "acosh", "add", "add_n", "angle", "approx_max_k", "approx_min_k", "argmax",
           "argmin", "asin", "asinh", "atan", "atan2", "atanh", "bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e",
           "betainc", "bincount", "ceil", "confusion_matrix", "conj", "cos", "cosh", "count_nonzero", "cumprod",
           "cumsum", "cumulative_logsumexp", "digamma", "divide", "divide_no_nan", "equal", "erf", "erfc", "erfcinv",
           "erfinv", "exp", "expm1", "floor", "floordiv", "floormod", "greater", "greater_equal", "igamma", "igammac",
           "imag", "in_top_k", "invert_permutation", "is_finite", "is_inf", "is_nan", "is_non_decreasing",
           "is_strictly_increasing", "l2_normalize", "lbeta", "less", "less_equal", "lgamma", "log", "log1p",
           "log_sigmoid", "log_softmax", "logical_and", "logical_not", "logical_or", "logical_xor", "maximum",
           "minimum", "mod", "multiply", "multiply_no_nan", "ndtri", "negative", "nextafter", "not_equal", "polygamma",
           "polyval", "pow", "real", "reciprocal", "reciprocal_no_nan", "reduce_all", "reduce_any",
           "reduce_euclidean_norm", "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min", "reduce_prod",
           "reduce_std", "reduce_sum", "reduce_variance", "round", "rsqrt", "scalar_mul", "segment_max",
           "segment_mean", "segment_min", "segment_prod", "segment_sum", "sigmoid", "sign", "sin", "sinh", "sobol_sample",
           "softmax",
           "softplus", "softsign", "special", "sqrt", "square", "squared_difference", "subtract", "tan", "tanh",
           "top_k", "truediv", "unsorted_segment_max", "unsorted_segment_mean", "unsorted_segment_min",
           "unsorted_segment_prod", "unsorted_segment_sqrt_n", "unsorted_segment_sum", "xdivy", "xlog1py", "xlogy",
           "zero_fraction", "zeta"]
