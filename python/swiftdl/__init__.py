"""swiftdl: numpy-compatible tensors and Keras-style deep learning on a Swift engine.

    import swiftdl as sd
    x = sd.asarray([[1.0, 2.0], [3.0, 4.0]])
    (x @ x.T).sum(axis=1)
"""
from . import _C as _C  # loads the extension before anything uses it
from . import _blas  # noqa: F401  (opens the BLAS once, warning when there is none)
from ._tensor import Tensor
from ._convert import asarray
from ._creation import array, arange, copy, empty, empty_like, full, full_like
from ._ops import (abs, absolute, add, all, amax, amin, any, bitwise_and, bitwise_or,
                   bitwise_xor, ceil, clip, cos, divide, dot, equal, exp, expm1, floor, floor_divide,
                   greater, greater_equal, invert, less, less_equal, log, log1p, logical_and,
                   logical_not, logical_or, logical_xor, max, maximum, mean, min, minimum, mod,
                   multiply, negative, nonzero, not_equal, pow, power, prod, reciprocal, remainder, rint,
                   sign, sin, sqrt, square, std, subtract, sum, tanh, true_divide, var)
from ._ops import sigmoid as _sigmoid  # noqa: F401  (used by swiftdl.nn)
from ._shape import concatenate, moveaxis, ravel, swapaxes, take
from ._autograd import GradientTape, Variable, stop_gradient
from ._custom_gradient import custom_gradient
from ._remat import remat as recompute_grad
from . import config, random
# numpy's functions beyond the ufuncs, reductions and shape functions above (numpy's
# arguments and dtype rules over keras.ops's engine compositions).
from ._numpy_arrangement import (append, ascontiguousarray, atleast_1d, atleast_2d, atleast_3d, broadcast_arrays,
                                 column_stack, diag, diagonal, dsplit, dstack, flatnonzero, flip, fliplr, flipud, hsplit,
                                 hstack, indices, ndim, rollaxis, select, take_along_axis, trace, tril, triu, unravel_index,
                                 vstack)
from ._numpy_elementwise import (allclose, arccos, arcsin, arctan, arctan2, around, array_equal, deg2rad, isclose,
                                 isfinite, isinf, isnan, log10, log2, nan_to_num, rad2deg)
from ._numpy_products import cross, inner, kron, outer
from ._numpy_statistics import (average, bincount, count_nonzero, diff, digitize, logspace, median, nanmax, nanmean,
                                nanmin, nansum, percentile, ptp, quantile)
# numpy's names that TensorFlow shares (the dtypes, zeros, eye, reshape, stack, where,
# matmul, ...) and TensorFlow's own come from _tf_face, which serves both libraries' calls.
from ._tf_face import (acos, acosh, add_n, argmax, argmin, argsort, as_dtype, asin, asinh, atan, atan2, atanh, bool_,
                        boolean_mask, broadcast_to, cast, clip_by_global_norm, clip_by_norm, clip_by_value, complex128,
                        complex64, concat, constant, control_dependencies, convert_to_tensor, cosh, cumprod, cumsum, device,
                        double, DType, einsum, ensure_shape, errors, executing_eagerly, expand_dims, eye, fill, float16, float32,
                        float64, floordiv, function, gather, gather_nd, half, identity, int16, int32, int64, int8, is_tensor,
                        linspace, matmul, meshgrid, name_scope, norm, one_hot, ones, ones_like, pad, rank, realdiv, reduce_all,
                        reduce_any, reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_std, reduce_sum,
                        reduce_variance, repeat, reshape, reverse, roll, saturate_cast, scatter_nd, searchsorted, sequence_mask,
                        shape, shape_n, sigmoid, sinh, size, sort, split, squeeze, stack, string, tan, tensor_scatter_nd_add,
                        tensor_scatter_nd_max, tensor_scatter_nd_min, tensor_scatter_nd_sub, tensor_scatter_nd_update, tensordot,
                        TensorShape, TensorSpec, tile, transpose, truediv, uint16, uint32, uint64, uint8, UnconnectedGradients,
                        unique, unique_with_counts, unstack, where, zeros, zeros_like)
from ._tf_face import bool, print, range, slice  # noqa: A004,F401  (not in __all__: builtins' names)
# TensorFlow's control flow, Python functions, TensorArray, assertions and graph-era helpers.
from ._tf_control_flow import (case, cond, foldl, foldr, group, identity_n, map_fn, no_op, scan, switch_case,
                               vectorized_map, while_loop)
from ._tf_control_flow import tuple_ as tuple  # noqa: A004,F401  (not in __all__: a builtin's name)
from ._tf_integer_math import (broadcast_dynamic_shape, broadcast_static_shape, histogram_fixed_width,
                               histogram_fixed_width_bins, truncatediv, truncatemod)
from ._tf_math import scalar_mul
from ._tf_partition import dynamic_partition, dynamic_stitch, reverse_sequence, strided_slice
from ._tf_py_function import numpy_function, py_function
from ._tf_runtime import (get_current_name_scope, get_logger, get_static_value, gradients, hessians, init_scope,
                          inside_function, timestamp)
from ._tf_tensor_array import TensorArray
from ._tf_module import Module
from ._tf_device_spec import AggregationMethod, DeviceSpec, VariableAggregation, VariableSynchronization
from .strings import as_string
from .debugging import Assert, assert_equal, assert_greater, assert_less, assert_rank

__all__ = ["abs", "absolute", "acos", "acosh", "add", "add_n", "all", "amax", "amin", "any", "arange", "argmax", "argmin",
           "argsort", "array", "as_dtype", "asarray", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and", "bitwise_or",
           "bitwise_xor", "bool_", "boolean_mask", "broadcast_to", "cast", "ceil", "clip", "clip_by_global_norm",
           "clip_by_norm", "clip_by_value", "complex128", "complex64", "concat", "concatenate", "config", "constant",
           "control_dependencies", "convert_to_tensor", "copy", "cos", "cosh", "cumprod", "cumsum",
           "custom_gradient", "device", "divide", "dot",
           "double", "DType", "einsum", "empty", "empty_like", "ensure_shape", "equal", "errors", "executing_eagerly", "exp",
           "expand_dims", "expm1", "eye", "fill", "float16", "float32", "float64", "floor", "floor_divide", "floordiv", "full",
           "full_like", "function", "gather", "gather_nd", "GradientTape", "greater", "greater_equal", "half", "identity",
           "int16", "int32", "int64", "int8", "invert", "is_tensor", "less", "less_equal", "linspace", "log", "log1p",
           "logical_and", "logical_not", "logical_or", "logical_xor", "matmul", "max", "maximum", "mean", "meshgrid", "min",
           "minimum", "mod", "moveaxis", "multiply", "name_scope", "negative", "newaxis", "nonzero", "norm", "not_equal",
           "one_hot", "ones", "ones_like", "pad", "pow", "power", "prod", "random", "rank", "ravel", "realdiv",
           "recompute_grad", "reciprocal",
           "reduce_all", "reduce_any", "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min", "reduce_prod",
           "reduce_std", "reduce_sum", "reduce_variance", "remainder", "repeat", "reshape", "reverse", "rint", "roll", "round",
           "saturate_cast", "scatter_nd", "searchsorted", "sequence_mask", "shape", "shape_n", "sigmoid", "sign", "sin",
           "sinh", "size", "sort", "split", "sqrt", "square", "squeeze", "stack", "std", "stop_gradient", "subtract", "sum",
           "swapaxes", "take", "tan", "tanh", "Tensor", "tensor_scatter_nd_add", "tensor_scatter_nd_max",
           "tensor_scatter_nd_min", "tensor_scatter_nd_sub", "tensor_scatter_nd_update", "tensordot", "TensorShape",
           "TensorSpec", "tile", "transpose", "true_divide", "truediv", "uint16", "uint32", "uint64", "uint8", "string",
           "UnconnectedGradients", "unique", "unique_with_counts", "unstack", "var", "Variable", "where", "zeros", "zeros_like",
           # numpy's functions beyond the ufuncs (the _numpy_* modules)
           "append", "ascontiguousarray", "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_arrays", "column_stack",
           "diag", "diagonal", "dsplit", "dstack", "flatnonzero", "flip", "fliplr", "flipud", "hsplit", "hstack", "indices",
           "ndim", "rollaxis", "select", "take_along_axis", "trace", "tril", "triu", "unravel_index", "vstack", "allclose",
           "arccos", "arcsin", "arctan", "arctan2", "around", "array_equal", "deg2rad", "isclose", "isfinite", "isinf",
           "isnan", "log10", "log2", "nan_to_num", "rad2deg", "cross", "inner", "kron", "outer", "average", "bincount",
           "count_nonzero", "diff", "digitize", "logspace", "median", "nanmax", "nanmean", "nanmin", "nansum", "percentile",
           "ptp", "quantile",
           # TensorFlow's control flow and helpers (the _tf_* modules and debugging)
           "Assert", "TensorArray", "as_string", "assert_equal", "assert_greater", "assert_less", "assert_rank",
           "broadcast_dynamic_shape", "broadcast_static_shape", "case", "cond", "dynamic_partition", "dynamic_stitch",
           "foldl", "foldr", "get_current_name_scope", "get_logger", "get_static_value", "gradients", "group",
           "hessians", "histogram_fixed_width", "histogram_fixed_width_bins", "identity_n", "init_scope",
           "inside_function", "map_fn", "no_op", "numpy_function", "py_function", "reverse_sequence", "scalar_mul",
           "scan", "strided_slice", "switch_case", "timestamp", "truncatediv", "truncatemod", "vectorized_map",
           "while_loop", "Module", "AggregationMethod", "DeviceSpec", "VariableAggregation", "VariableSynchronization"]



round = rint  # noqa: A001


# TensorFlow's aliases of Keras's modules and classes, resolved on first use (Keras loads lazily).
_KERAS_ALIASES = {"initializers": ("initializers", None), "losses": ("losses", None), "metrics": ("metrics", None),
                  "constant_initializer": ("initializers", "Constant"), "zeros_initializer": ("initializers", "Zeros"),
                  "ones_initializer": ("initializers", "Ones"),
                  "random_normal_initializer": ("initializers", "RandomNormal"),
                  "random_uniform_initializer": ("initializers", "RandomUniform")}

# TensorFlow's top-level aliases of functions in swiftdl's submodules, resolved on first use.
_SUBMODULE_ALIASES = {"eig": ("linalg", "eig"), "eigvals": ("linalg", "eigvals"),
                      "matrix_square_root": ("linalg", "sqrtm"), "complex": ("_tf_math_complex", "complex"),
                      "approx_top_k": ("_tf_math_ordering", "approx_top_k"), "fftnd": ("signal", "fftnd"),
                      "ifftnd": ("signal", "ifftnd"), "rfftnd": ("signal", "rfftnd"), "irfftnd": ("signal", "irfftnd"),
                      "IndexedSlices": ("_tf_indexed_slices", "IndexedSlices"),
                      "IndexedSlicesSpec": ("_tf_indexed_slices", "IndexedSlicesSpec"),
                      "TypeSpec": ("_tf_type_spec", "TypeSpec"), "NoneTensorSpec": ("_tf_type_spec", "NoneTensorSpec"),
                      "OptionalSpec": ("_tf_type_spec", "OptionalSpec"),
                      "TensorArraySpec": ("_tf_type_spec", "TensorArraySpec"),
                      "type_spec_from_value": ("_tf_type_spec", "type_spec_from_value"),
                      "register_tensor_conversion_function": ("_tf_conversion_registry",
                                                              "register_tensor_conversion_function"),
                      "bitcast": ("_tf_array_extras", "bitcast"), "parallel_stack": ("_tf_array_extras", "parallel_stack"),
                      "guarantee_const": ("_tf_array_extras", "guarantee_const"),
                      "space_to_batch": ("_tf_array_extras", "space_to_batch"),
                      "space_to_batch_nd": ("_tf_array_extras", "space_to_batch"),
                      "batch_to_space": ("_tf_array_extras", "batch_to_space"),
                      "required_space_to_batch_paddings": ("_tf_array_extras", "required_space_to_batch_paddings"),
                      "grad_pass_through": ("_tf_tracing_helpers", "grad_pass_through"),
                      "is_symbolic_tensor": ("_tf_tracing_helpers", "is_symbolic_tensor"),
                      "fingerprint": ("_tf_fingerprint", "fingerprint"),
                      "conv": ("_tf_conv_backprop", "conv"),
                      "conv2d_backprop_input_v2": ("_tf_conv_backprop", "conv2d_backprop_input_v2"),
                      "conv2d_backprop_filter_v2": ("_tf_conv_backprop", "conv2d_backprop_filter_v2"),
                      "edit_distance": ("_tf_edit_distance", "edit_distance"),
                      "qint8": ("dtypes", "qint8"), "quint8": ("dtypes", "quint8"), "qint16": ("dtypes", "qint16"),
                      "quint16": ("dtypes", "quint16"), "qint32": ("dtypes", "qint32"),
                      "resource": ("dtypes", "resource"), "variant": ("dtypes", "variant"),
                      "make_tensor_proto": ("_tf_tensor_proto", "make_tensor_proto"),
                      "make_ndarray": ("_tf_tensor_proto", "make_ndarray"),
                      "check_pinned": ("_tf_runtime", "check_pinned"),
                      "CriticalSection": ("_tf_critical_section", "CriticalSection"),
                      "nondifferentiable_batch_function": ("_tf_batch_function", "nondifferentiable_batch_function"),
                      "ragged_fill_empty_rows": ("ragged._fill_empty_rows", "ragged_fill_empty_rows"),
                      "ragged_fill_empty_rows_grad": ("ragged._fill_empty_rows", "ragged_fill_empty_rows_grad"),
                      "extract_volume_patches": ("_tf_volume_patches", "extract_volume_patches"),
                      "random_index_shuffle": ("_tf_index_shuffle", "random_index_shuffle"),
                      "variable_creator_scope": ("_autograd", "variable_creator_scope")}


def __getattr__(name):
    """Submodules that most scripts do not need load on first use, keeping `import swiftdl` fast."""
    if name in _KERAS_ALIASES:
        import importlib
        module_name, attribute = _KERAS_ALIASES[name]
        value = importlib.import_module(f"swiftdl.keras.{module_name}")
        value = value if attribute is None else getattr(value, attribute)
        globals()[name] = value
        return value
    if name in _SUBMODULE_ALIASES:
        import importlib
        module_name, attribute = _SUBMODULE_ALIASES[name]
        value = getattr(importlib.import_module(f"swiftdl.{module_name}"), attribute)
        globals()[name] = value
        return value
    if name in ("keras", "nn", "optimizers", "data", "math", "linalg", "dtypes", "errors", "nest",
                "image", "signal", "train", "strings", "io", "debugging", "bitwise", "version", "summary",
                "distribute", "test", "sparse", "ragged", "lookup", "sets", "audio", "autodiff", "autograph",
                "compat", "types", "queue", "sysconfig", "experimental"):
        import importlib
        module = importlib.import_module(f"swiftdl.{name}")
        globals()[name] = module
        return module
    if name in ("SparseTensor", "SparseTensorSpec", "RaggedTensor", "RaggedTensorSpec"):
        import importlib
        value = getattr(importlib.import_module(f"swiftdl.{name[:6].lower()}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'swiftdl' has no attribute {name!r}")


newaxis = None
__version__ = "0.1.0"
