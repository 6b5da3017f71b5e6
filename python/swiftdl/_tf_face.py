"""TensorFlow's top-level names (`import swiftdl as tf`), collected for swiftdl/__init__.py.

Names numpy also has (reshape, stack, where, eye, identity, zeros, matmul, the dtypes, ...)
are replaced here by functions that keep numpy's behaviour for numpy's calls and take
TensorFlow's arguments (`name=`, `perm=`, `transpose_a=`, `batch_shape=`, ...) besides;
each docstring states how the two calls are told apart. The dtype objects are
`DType`s that numpy accepts wherever it takes a dtype.
"""
from ._ops import sigmoid
from ._tf_array import (boolean_mask, broadcast_to, concat, ensure_shape, expand_dims, eye, fill, gather, gather_nd,
                        identity, meshgrid, repeat, roll, searchsorted,
                        linspace, one_hot, ones, ones_like, pad, range, rank, reshape, reverse, scatter_nd,
                        sequence_mask, shape, shape_n, size, slice, split, squeeze, stack,
                        tensor_scatter_nd_add, tensor_scatter_nd_max, tensor_scatter_nd_min, tensor_scatter_nd_sub,
                        tensor_scatter_nd_update, tile, transpose, unstack, where, zeros, zeros_like)
from ._tf_cast import cast, constant, convert_to_tensor, saturate_cast
from ._tf_dtypes import (DType, as_dtype, bool, complex64, complex128, double, float16, float32, float64, half,  # noqa: A004
                         int8, int16, int32, int64, string, uint8, uint16, uint32, uint64)
from ._tf_function import function
from ._tf_math import (acos, acosh, add_n, asin, asinh, atan, atan2, atanh, clip_by_global_norm, clip_by_norm,
                       clip_by_value, cosh, einsum, floordiv, matmul, norm, sinh, tan, tensordot, truediv)
from ._tf_reduce import (argsort, numpy_or_tf_argmax, numpy_or_tf_argmin, numpy_or_tf_cumprod, numpy_or_tf_cumsum,
                         reduce_all, reduce_any, reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod,
                         reduce_std, reduce_sum, reduce_variance, sort, unique, unique_with_counts)
from ._tf_runtime import (UnconnectedGradients, control_dependencies, device, executing_eagerly, is_tensor, name_scope,
                          print)
from ._tf_shape import TensorShape, TensorSpec
from . import errors

argmax = numpy_or_tf_argmax
argmin = numpy_or_tf_argmin
cumsum = numpy_or_tf_cumsum
cumprod = numpy_or_tf_cumprod
bool_ = bool
realdiv = truediv

__all__ = ["bool", "print", "range", "slice",
           "DType", "ensure_shape", "meshgrid", "repeat", "roll", "searchsorted", "TensorShape", "TensorSpec",
           "UnconnectedGradients",
           "acos", "acosh", "add_n", "argmax", "argmin", "argsort", "as_dtype",
            "asin", "asinh", "atan", "atan2", "atanh", "boolean_mask", "bool_", "broadcast_to", "cast",
            "clip_by_global_norm", "clip_by_norm", "clip_by_value", "complex64", "complex128", "concat", "constant",
            "control_dependencies", "convert_to_tensor", "cosh", "cumprod", "cumsum", "device", "double", "einsum",
            "errors", "executing_eagerly", "expand_dims", "eye", "fill", "float16", "float32", "float64", "floordiv",
            "function", "gather", "gather_nd", "half", "identity", "int8", "int16", "int32", "int64", "is_tensor",
            "linspace", "matmul", "name_scope", "norm", "one_hot", "ones", "ones_like", "pad", "rank", "realdiv",
            "reduce_all", "reduce_any", "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min", "reduce_prod",
            "reduce_std", "reduce_sum", "reduce_variance", "reshape", "reverse", "saturate_cast", "scatter_nd",
            "sequence_mask", "shape", "shape_n", "sigmoid", "sinh", "size", "sort", "split", "squeeze", "stack",
            "string", "tan", "tensor_scatter_nd_add", "tensor_scatter_nd_max", "tensor_scatter_nd_min",
            "tensor_scatter_nd_sub", "tensor_scatter_nd_update", "tensordot", "tile", "transpose", "truediv",
            "uint8", "uint16", "uint32", "uint64", "unique", "unique_with_counts", "unstack", "where", "zeros",
            "zeros_like"]

# The names swiftdl's own __all__ (a star import) adds; range, slice, print and bool stay
# out, not to hide Python's builtins.
TF_NAMES = [name for name in __all__ if name not in ("bool", "print", "range", "slice")]
