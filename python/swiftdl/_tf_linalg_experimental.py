"""tf.linalg.experimental.conjugate_gradient: the (preconditioned) conjugate gradient
method for symmetric positive-definite systems A x = rhs, batched over leading axes.

`operator` is anything with matvec(x) (TensorFlow passes a LinearOperator, which swiftdl
does not have) or a dense (..., n, n) matrix; likewise `preconditioner`. Each step is engine
ops, so gradients flow through the iterations.
"""
import collections

from . import _ops
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from ._tf_math import matvec
from .errors import InvalidArgumentError, raises_tf_errors

CGState = collections.namedtuple("CGState", ["i", "x", "r", "p", "gamma"])


def _apply(operator, vector):
    if hasattr(operator, "matvec"):
        return operator.matvec(vector)
    matrix = operator if isinstance(operator, TensorBase) else convert_to_tensor(operator)
    return matvec(matrix.astype(vector.dtype), vector)


def _dot(a, b):
    return _ops.sum(a * b, axis=-1)


@raises_tf_errors
def conjugate_gradient(operator, rhs, preconditioner=None, x=None, tol=1e-5, max_iter=20, name="conjugate_gradient"):
    """Solves operator · x = rhs by conjugate gradients, stopping after max_iter steps or
    once every residual norm is at most tol · ‖rhs‖ (TensorFlow's rule).

    Args:
        operator: a symmetric positive-definite matrix (..., n, n) or an object with matvec.
        rhs: (..., n).
        preconditioner: None, or a matrix/object with matvec approximating operator⁻¹.
        x: the starting point (zeros by default).

    Returns:
        CGState(i, x, r, p, gamma): the steps taken, the solution, the residual, the search
        direction and the residual's preconditioned squared norm.
    """
    b = rhs if isinstance(rhs, TensorBase) else convert_to_tensor(rhs)
    b = b if b.dtype.kind == "f" else b.astype("float32")
    if b.ndim < 1:
        raise InvalidArgumentError(None, None, f"[conjugate_gradient] rhs must be at least 1-D; received {tuple(b.shape)}")
    limit = _ops.sqrt(_dot(b, b)) * float(tol)
    if x is None:
        x = b * 0.0
        r = b
    else:
        x = (x if isinstance(x, TensorBase) else convert_to_tensor(x)).astype(b.dtype)
        r = b - _apply(operator, x)
    p = r if preconditioner is None else _apply(preconditioner, r)
    gamma = _dot(r, p)
    i = 0
    while i < int(max_iter) and bool((_ops.sqrt(_dot(r, r)) > limit).numpy().any()):
        z = _apply(operator, p)
        alpha = gamma / _dot(p, z)
        x = x + alpha[..., None] * p
        r = r - alpha[..., None] * z
        q = r if preconditioner is None else _apply(preconditioner, r)
        new_gamma = _dot(r, q)
        p = q + (new_gamma / gamma)[..., None] * p
        gamma = new_gamma
        i += 1
    return CGState(i, x, r, p, gamma)
