"""swiftdl: numpy-compatible tensors and Keras-style deep learning on a Swift engine.

    import swiftdl as sd
    x = sd.asarray([[1.0, 2.0], [3.0, 4.0]])
    (x @ x.T).sum(axis=1)
"""
from . import _C as _C  # loads the extension before anything uses it
from . import _blas  # noqa: F401  (opens the BLAS once, warning when there is none)
from ._dtypes import bool_, float32, float64, int32, int64, uint8
from ._tensor import Tensor
from ._convert import asarray
from ._creation import (array, arange, copy, empty, empty_like, eye, full, full_like, identity,
                        linspace, ones, ones_like, zeros, zeros_like)
from ._ops import (abs, absolute, add, all, amax, amin, any, argmax, argmin, bitwise_and, bitwise_or,
                   bitwise_xor, ceil, clip, cos, divide, dot, equal, exp, expm1, floor, floor_divide,
                   greater, greater_equal, invert, less, less_equal, log, log1p, logical_and,
                   logical_not, logical_or, logical_xor, matmul, max, maximum, mean, min, minimum, mod,
                   multiply, negative, nonzero, not_equal, pow, power, prod, reciprocal, remainder, rint,
                   sign, sin, sqrt, square, std, subtract, sum, tanh, true_divide, var, where)
from ._ops import sigmoid as _sigmoid  # noqa: F401  (used by swiftdl.nn)
from ._shape import (broadcast_to, concatenate, expand_dims, moveaxis, ravel, reshape, squeeze, stack,
                     swapaxes, take, transpose)
from ._autograd import GradientTape, Variable, stop_gradient
from . import config, random
from ._tf_face import *  # noqa: E402,F401,F403  (TensorFlow's names; see _tf_face.py)
from ._tf_face import TF_NAMES as _TF_NAMES
from ._tf_face import bool, print, range, slice  # noqa: A004  (tf.bool, tf.print, tf.range, tf.slice)

__all__ = ["abs", "absolute", "add", "all", "amax", "amin", "any", "arange", "argmax", "argmin", "array", "asarray",
           "bitwise_and", "bitwise_or", "bitwise_xor", "bool_", "broadcast_to", "ceil", "clip", "concatenate",
           "config", "copy", "cos", "divide", "dot", "empty", "empty_like", "equal", "exp", "expand_dims", "expm1",
           "eye", "float32", "float64", "floor", "floor_divide", "full", "full_like", "GradientTape", "greater",
           "greater_equal", "identity", "int32", "int64", "invert", "less", "less_equal", "linspace", "log", "log1p",
           "logical_and", "logical_not", "logical_or", "logical_xor", "matmul", "max", "maximum", "mean", "min",
           "minimum", "mod", "moveaxis", "multiply", "negative", "newaxis", "nonzero", "not_equal", "ones",
           "ones_like", "pow", "power", "prod", "random", "ravel", "reciprocal", "remainder", "reshape", "rint",
           "round", "sign", "sin", "sqrt", "square", "squeeze", "stack", "std", "stop_gradient", "subtract", "sum",
           "swapaxes", "take", "tanh", "Tensor", "transpose", "true_divide", "uint8", "var", "Variable", "where",
           "zeros", "zeros_like"]
__all__ += [n for n in _TF_NAMES if n not in __all__]



round = rint  # noqa: A001


def __getattr__(name):
    """Submodules that most scripts do not need load on first use, keeping `import swiftdl` fast."""
    if name in ("keras", "nn", "optimizers", "data", "math", "linalg", "dtypes", "errors"):
        import importlib
        module = importlib.import_module(f"swiftdl.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'swiftdl' has no attribute {name!r}")
newaxis = None
__version__ = "0.1.0"
