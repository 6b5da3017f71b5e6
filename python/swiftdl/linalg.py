"""swiftdl.linalg: tf.linalg's matrix functions (not LinearOperator), on the engine.

    import swiftdl as tf
    x = tf.linalg.solve(a, b)

Products, factorisations, solves and the Jacobi eigh/svd come from keras.ops.linalg
(compositions of engine ops, so the tape differentiates them). Names follow
TensorFlow (`norm(ord='euclidean')`, `qr(full_matrices=False)`, `svd` returning (s, u, v)),
not numpy.linalg where the two differ.
"""
import collections
import operator

import numpy as np

from . import _creation, _ops, _shape
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from ._tf_math import einsum, global_norm, l2_normalize, matmul, matvec, norm, tensordot
from .errors import InvalidArgumentError, raises_tf_errors


def _t(x):
    return x if isinstance(x, TensorBase) else convert_to_tensor(x)


def _float(x):
    x = _t(x)
    return x if x.dtype.kind == "f" else x.astype(np.float32)


def _kops():
    from .keras import ops
    return ops


def _square(x, op):
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise InvalidArgumentError(None, None, f"[{op}] input must be a square matrix (..., n, n); received shape "
                                   f"{tuple(x.shape)}")
    return x


@raises_tf_errors
def inv(input, adjoint=False, name=None):  # noqa: A002
    """The inverse of square matrices (tf.linalg.inv)."""
    x = _square(_float(input), "inv")
    result = _kops().inv(x)
    return _shape.swapaxes(result, -1, -2) if adjoint else result


@raises_tf_errors
def det(input, name=None):  # noqa: A002
    return _kops().det(_square(_float(input), "det"))


@raises_tf_errors
def slogdet(input, name=None):  # noqa: A002
    """(sign, log|det|) (tf.linalg.slogdet)."""
    return _kops().slogdet(_square(_float(input), "slogdet"))


@raises_tf_errors
def logdet(matrix, name=None):
    """log(det) of Hermitian positive-definite matrices (tf.linalg.logdet)."""
    return _kops().logdet(_square(_float(matrix), "logdet"))


@raises_tf_errors
def solve(matrix, rhs, adjoint=False, name=None):
    """x with matrix @ x = rhs, rhs of shape (..., n, k) (tf.linalg.solve)."""
    a, b = _square(_float(matrix), "solve"), _float(rhs)
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise InvalidArgumentError(None, None, f"[solve] rhs must have shape (..., {a.shape[-1]}, k); received "
                                   f"{tuple(b.shape)}")
    if adjoint:
        a = _shape.swapaxes(a, -1, -2)
    return _kops().solve(a, b.astype(a.dtype))


@raises_tf_errors
def cholesky(input, name=None):  # noqa: A002
    """The lower Cholesky factor of symmetric positive-definite matrices (tf.linalg.cholesky)."""
    return _kops().cholesky(_square(_float(input), "cholesky"))


@raises_tf_errors
def cholesky_solve(chol, rhs, name=None):
    """x with (chol @ cholᵀ) x = rhs, from the lower factor `chol` (tf.linalg.cholesky_solve)."""
    chol = _float(chol)
    y = triangular_solve(chol, rhs, lower=True)
    return triangular_solve(chol, y, lower=True, adjoint=True)


@raises_tf_errors
def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """x with matrix @ x = rhs for triangular `matrix` (tf.linalg.triangular_solve)."""
    a = _square(_float(matrix), "triangular_solve")
    if adjoint:
        a, lower = _shape.swapaxes(a, -1, -2), not lower
    return _kops().solve_triangular(a, _float(rhs).astype(a.dtype), lower=lower)


Qr = collections.namedtuple("Qr", ["q", "r"])


@raises_tf_errors
def qr(input, full_matrices=False, name=None):  # noqa: A002
    """(q, r) with input = q @ r (tf.linalg.qr); full_matrices gives square q."""
    q, r = _kops().qr(_float(input), mode="complete" if full_matrices else "reduced")
    return Qr(q, r)


@raises_tf_errors
def diag_part(input, name=None, k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """The k-th diagonal of the last two axes (tf.linalg.diag_part)."""
    x = _t(input)
    if x.ndim < 2:
        raise InvalidArgumentError(None, None, f"[diag_part] input must be at least 2-D; received {tuple(x.shape)}")
    return _kops().diagonal(x, offset=operator.index(k), axis1=-2, axis2=-1)


@raises_tf_errors
def diag(diagonal, name=None, k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    """Square matrices with `diagonal`'s last axis on their k-th diagonal (tf.linalg.diag)."""
    d = _t(diagonal)
    k = operator.index(k)
    n = d.shape[-1] + abs(k)
    widths = [(0, 0)] * (d.ndim - 1) + [(k, 0) if k >= 0 else (0, -k)]
    row = _shape.expand_dims(_kops().pad(d, widths), -2)  # entry (i, i + k) takes row[i + k]
    return _creation.eye(n, k=k, dtype=d.dtype) * row


@raises_tf_errors
def set_diag(input, diagonal, name=None, k=0, align="RIGHT_LEFT"):  # noqa: A002
    """`input` with its main diagonal replaced by `diagonal` (tf.linalg.set_diag; k=0)."""
    x, d = _t(input), _t(diagonal)
    if k != 0 or x.shape[-1] != x.shape[-2]:
        raise NotImplementedError("[set_diag] swiftdl supports k=0 on square matrices")
    mask = _creation.eye(x.shape[-1], dtype=np.bool_)
    return _ops.where(mask, _shape.expand_dims(d.astype(x.dtype), -2), x)


@raises_tf_errors
def band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Keeps the band of `num_lower` diagonals below and `num_upper` above the main one
    (negative: the whole triangle), zeroing the rest (tf.linalg.band_part)."""
    x = _t(input)
    if x.ndim < 2:
        raise InvalidArgumentError(None, None, f"[band_part] input must be at least 2-D; received {tuple(x.shape)}")
    rows, cols = x.shape[-2], x.shape[-1]
    offset = _creation.arange(cols) - _shape.reshape(_creation.arange(rows), [-1, 1])  # j - i
    keep = _creation.ones([rows, cols], np.bool_)
    if num_lower >= 0:
        keep = _ops.logical_and(keep, _ops.greater_equal(offset, -operator.index(num_lower)))
    if num_upper >= 0:
        keep = _ops.logical_and(keep, _ops.less_equal(offset, operator.index(num_upper)))
    return _ops.where(keep, x, _creation.zeros((), x.dtype))


@raises_tf_errors
def trace(x, name=None):
    """The sum of the main diagonal of the last two axes (tf.linalg.trace)."""
    return _ops.sum(diag_part(x), axis=-1)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    return _shape.swapaxes(_t(a), -1, -2)


adjoint = matrix_transpose


def eye(num_rows, num_columns=None, batch_shape=None, dtype=None, name=None):
    from ._tf_array import eye as _eye
    return _eye(num_rows, num_columns, batch_shape, dtype)


Eigh = collections.namedtuple("Eigh", ["eigenvalues", "eigenvectors"])


@raises_tf_errors
def eigh(tensor, name=None):
    """(eigenvalues ascending, eigenvectors as columns) of self-adjoint matrices
    (tf.linalg.eigh); only the lower triangle is read, as in TensorFlow."""
    values, vectors = _kops().eigh(_square(_float(tensor), "eigh"))
    return Eigh(values, vectors)


@raises_tf_errors
def eigvalsh(tensor, name=None):
    return eigh(tensor).eigenvalues


@raises_tf_errors
def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Singular values, descending, and with compute_uv (s, u, v) where tensor = u @ diag(s)
    @ vᵀ (tf.linalg.svd: TensorFlow's order and v, not numpy's (u, s, vh))."""
    x = _float(tensor)
    if x.ndim < 2:
        raise InvalidArgumentError(None, None, f"[svd] input must be at least 2-D; received {tuple(x.shape)}")
    if not compute_uv:
        return _kops().svd(x, full_matrices=full_matrices, compute_uv=False)
    u, s, vh = _kops().svd(x, full_matrices=full_matrices, compute_uv=True)
    return s, u, _shape.swapaxes(vh, -1, -2)


@raises_tf_errors
def pinv(a, rcond=None, validate_args=False, name=None):
    """The Moore-Penrose pseudo-inverse (tf.linalg.pinv); singular values below rcond times
    the largest (by default 10 · max(m, n) · eps, TensorFlow's) count as zero."""
    x = _float(a)
    if rcond is None:
        rcond = 10.0 * max(x.shape[-2:]) * float(np.finfo(x.dtype).eps)
    return _kops().pinv(x, rcond=rcond)


__all__ = ["adjoint", "band_part", "cholesky", "cholesky_solve", "det", "diag", "diag_part", "eigh", "eigvalsh",
           "einsum", "eye", "global_norm", "inv", "l2_normalize", "logdet", "matmul", "matrix_transpose", "matvec",
           "norm", "pinv", "qr", "set_diag", "slogdet", "solve", "svd", "tensordot", "trace", "triangular_solve"]
