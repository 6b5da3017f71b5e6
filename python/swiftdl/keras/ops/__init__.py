"""swiftdl.keras.ops: Keras 3's backend-agnostic ops, computed by the swiftdl engine.

    from swiftdl.keras import ops
    y = ops.mean(ops.square(x - ops.expand_dims(m, -1)), axis=-1)

Each op follows keras.ops's names, arguments, defaults and dtype rules
(keras.backend.result_type, with int64 and float64 kept as Keras's TensorFlow backend
keeps them), runs on the engine and is differentiable under swiftdl.GradientTape wherever
the engine ops beneath it are. Ops take tensors, numpy arrays and Python values eagerly;
KerasTensors (symbolic use in functional models) are not handled here.

Complex results (eig, polar, view_as_complex) are swiftdl.signal.ComplexTensor values: a real
and an imaginary engine tensor (the engine has no complex dtype).
"""
from .core import (cast, cond, convert_to_numpy, convert_to_tensor, custom_gradient, dtype, fori_loop, is_tensor, map,
                   saturate_cast, scan, shape, stop_gradient, switch, unstack, vectorized_map, while_loop)
from .creation import (arange, array, copy, empty, empty_like, eye, full, full_like, geomspace, identity, linspace,
                       logspace, meshgrid, ones, ones_like, tri, tril, triu, zeros, zeros_like)
from .indexing import (bincount, digitize, get_item, isin, nonzero, scatter, scatter_update, searchsorted,
                       segment_max, segment_min, segment_prod, segment_sum, select, slice, slice_update, take,
                       take_along_axis, unravel_index, where)
from .numpy_math import (abs, absolute, add, allclose, angle, arccosh, arcsinh, arctanh, bitwise_and,
                         bitwise_invert, bitwise_not, bitwise_or, bitwise_xor, cbrt, ceil, clip, conj, conjugate,
                         cos, cosh, deg2rad, divide, divide_no_nan, equal, exp, exp2, expm1, fabs, floor,
                         floor_divide, fmax, fmin, fmod, greater, greater_equal, heaviside, hypot, imag, isclose,
                         isfinite, isinf, isnan, isneginf, isposinf, isreal, ldexp, less, less_equal, log, log10,
                         log1p, log2, logaddexp, logaddexp2, logical_and, logical_not, logical_or, logical_xor,
                         maximum, minimum, mod, multiply, nan_to_num, negative, not_equal, power, rad2deg, real,
                         reciprocal, round, rsqrt, sign, signbit, sin, sinc, sinh, sqrt, square, subtract, tan,
                         true_divide, trunc)
from .numpy_products import (cross, dot, einsum, inner, kron, matmul, outer, tensordot, vdot)
from .numpy_reductions import (all, amax, amin, any, argmax, argmin, average, count_nonzero, logsumexp, max, mean,
                               min, prod, ptp, std, sum, var)
from .numpy_shape import (append, array_split, broadcast_to, concatenate, diag, diagflat, diagonal, diff, dsplit,
                          dstack, expand_dims, flip, fliplr, flipud, hsplit, hstack, moveaxis, ndim, pad, ravel,
                          repeat, reshape, roll, rot90, size, split, squeeze, stack, swapaxes, tile, trace,
                          transpose, vsplit, vstack)
from .scans import (associative_scan, cumprod, cumsum, nancumprod, nancumsum)
from .sorting import (argpartition, argsort, in_top_k, median, nanmedian, nanpercentile, nanquantile, percentile,
                      quantile, sort, top_k)
from .numpy_special import (arccos, arcsin, arctan, arctan2, erf, erfc)
from .numpy_nan import (nanargmax, nanargmin, nanmax, nanmean, nanmin, nanprod, nanstd, nansum, nanvar)
from .numpy_integer import (bitwise_left_shift, bitwise_right_shift, gcd, lcm, left_shift, right_shift)
from .numpy_signal import (bartlett, blackman, cdist, corrcoef, correlate, extract_sequences, hamming, hanning,
                           trapezoid, vander)
from .numpy_misc import (erfinv, histogram, i0, kaiser, nextafter, unique, vectorize, view)
from .einops import rearrange
from .fft import (fft, fft2, ifft2, irfft, istft, rfft, stft)
from .nn_activations import (celu, elu, gelu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_swish, hard_tanh,
                             leaky_relu, log_sigmoid, log_softmax, relu, relu6, selu, sigmoid, silu, soft_shrink,
                             softmax, softplus, softsign, sparse_plus, sparse_sigmoid, sparsemax, squareplus, swish,
                             tanh, tanh_shrink, threshold)
from .nn_attention import dot_product_attention
from .nn_conv import (average_pool, conv, conv_transpose, depthwise_conv, max_pool, separable_conv)
from .nn_adaptive_pool import (adaptive_average_pool, adaptive_max_pool)
from .nn_ctc import (ctc_decode, ctc_loss)
from .nn_fold import (fold, unfold)
from .nn_losses import (binary_crossentropy, categorical_crossentropy, multi_hot, one_hot,
                        sparse_categorical_crossentropy)
from .nn_normalization import (batch_normalization, layer_normalization, moments, normalize, psnr,
                               rms_normalization)
from .nn_space import (depth_to_space, space_to_depth)
from .complex_values import polar, view_as_complex, view_as_real
from .linalg import (cholesky, cholesky_inverse, det, eig, eigh, inv, jvp, logdet, lstsq, lu_factor, matrix_rank, norm, pinv,
                     qr, slogdet, solve, solve_triangular, svd)
from . import linalg  # noqa: E402  (keras.ops.linalg.norm)


def _dispatch_keras_tensors():
    """Every op of Keras's symbolic-operation table, given KerasTensors, adds a graph node
    (keras/symbolic) instead of computing: ops.mean(x, axis=1) between layers, x + pos."""
    from ..symbolic.op_table import OPERATIONS
    from ..symbolic.table_operations import symbolic
    namespaces = {"": globals(), "linalg.": vars(linalg)}
    wrapped_by_original = {}
    for class_name, (_, function_name, _, _) in OPERATIONS.items():
        if function_name is None:
            continue
        prefix, _, name = function_name.rpartition(".")
        namespace = namespaces.get(prefix + "." if prefix else "")
        function = namespace.get(name) if namespace is not None else None
        if function is not None and not hasattr(function, "_keras_operation"):
            wrapped = symbolic(class_name, function)
            wrapped._keras_operation = class_name
            namespace[name] = wrapped
            wrapped_by_original[id(function)] = wrapped
    # A function exported under two names (ops.solve and ops.linalg.solve) stays one object.
    for namespace in namespaces.values():
        for name, value in list(namespace.items()):
            if callable(value) and id(value) in wrapped_by_original:
                namespace[name] = wrapped_by_original[id(value)]


_dispatch_keras_tensors()

# The Keras sub-namespaces after the dispatch: they collect the (wrapped) functions above.
from . import image, nn, numpy  # noqa: E402

__all__ = ["abs", "absolute", "adaptive_average_pool", "adaptive_max_pool", "add", "all", "allclose", "amax",
           "amin", "angle", "eig", "jvp", "polar", "view_as_complex", "view_as_real", "any", "append", "arange",
           "arccos", "arccosh", "arcsin", "arcsinh", "arctan",
           "arctan2", "arctanh", "argmax", "argmin", "argpartition", "argsort", "array", "array_split",
           "associative_scan", "average", "average_pool", "bartlett", "batch_normalization", "binary_crossentropy",
           "bincount", "bitwise_and", "bitwise_invert", "bitwise_left_shift", "bitwise_not", "bitwise_or",
           "bitwise_right_shift", "bitwise_xor", "blackman", "broadcast_to", "cast", "categorical_crossentropy",
           "cbrt", "cdist", "ceil", "celu", "cholesky", "cholesky_inverse", "clip", "concatenate", "cond", "conj",
           "conjugate", "conv", "conv_transpose", "convert_to_numpy", "convert_to_tensor", "copy", "corrcoef",
           "correlate", "cos", "cosh", "count_nonzero", "cross", "ctc_decode", "ctc_loss", "cumprod", "cumsum", "custom_gradient",
           "deg2rad", "depth_to_space", "depthwise_conv", "det", "diag", "diagflat", "diagonal", "diff", "digitize",
           "divide", "divide_no_nan", "dot", "dot_product_attention", "dsplit", "dstack", "dtype", "eigh", "einsum",
           "elu", "empty", "empty_like", "equal", "erf", "erfc", "erfinv", "exp", "exp2", "expand_dims", "expm1",
           "extract_sequences", "eye", "fabs", "fft", "fft2", "flip", "fliplr", "flipud", "floor", "floor_divide",
           "fmax", "fmin", "fmod", "fold", "fori_loop", "full", "full_like", "gcd", "gelu", "geomspace", "get_item",
           "glu", "greater", "greater_equal", "hamming", "hanning", "hard_shrink", "hard_sigmoid", "hard_silu",
           "hard_swish", "hard_tanh", "heaviside", "histogram", "hsplit", "hstack", "hypot", "i0", "identity",
           "ifft2", "imag", "image", "in_top_k", "inner", "inv", "irfft", "is_tensor", "isclose", "isfinite",
           "isin", "isinf", "isnan", "isneginf", "isposinf", "isreal", "istft", "kaiser", "kron",
           "layer_normalization", "lcm", "ldexp", "leaky_relu", "left_shift", "less", "less_equal", "linalg",
           "linspace", "log", "log10", "log1p", "log2", "log_sigmoid", "log_softmax", "logaddexp", "logaddexp2",
           "logdet", "logical_and", "logical_not", "logical_or", "logical_xor", "logspace", "logsumexp", "lstsq",
           "lu_factor", "map", "matmul", "matrix_rank", "max", "max_pool", "maximum", "mean", "median", "meshgrid",
           "min", "minimum", "mod", "moments", "moveaxis", "multi_hot", "multiply", "nan_to_num", "nanargmax",
           "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin", "nanpercentile",
           "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "ndim", "negative", "nextafter", "nn", "nonzero",
           "norm", "normalize", "not_equal", "numpy", "one_hot", "ones", "ones_like", "outer", "pad", "percentile",
           "pinv", "power", "prod", "psnr", "ptp", "qr", "quantile", "rad2deg", "ravel", "real", "rearrange",
           "reciprocal", "relu", "relu6", "repeat", "reshape", "rfft", "right_shift", "rms_normalization", "roll",
           "rot90", "round", "rsqrt", "saturate_cast", "scan", "scatter", "scatter_update", "searchsorted",
           "segment_max", "segment_min", "segment_prod", "segment_sum", "select", "selu", "separable_conv", "shape",
           "sigmoid", "sign", "signbit", "silu", "sin", "sinc", "sinh", "size", "slice", "slice_update", "slogdet",
           "soft_shrink", "softmax", "softplus", "softsign", "solve", "solve_triangular", "sort", "space_to_depth",
           "sparse_categorical_crossentropy", "sparse_plus", "sparse_sigmoid", "sparsemax", "split", "sqrt",
           "square", "squareplus", "squeeze", "stack", "std", "stft", "stop_gradient", "subtract", "sum", "svd",
           "swapaxes", "swish", "switch", "take", "take_along_axis", "tan", "tanh", "tanh_shrink", "tensordot",
           "threshold", "tile", "top_k", "trace", "transpose", "trapezoid", "tri", "tril", "triu", "true_divide",
           "trunc", "unfold", "unique", "unravel_index", "unstack", "vander", "var", "vdot", "vectorize",
           "vectorized_map", "view", "vsplit", "vstack", "where", "while_loop", "zeros", "zeros_like"]
