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
from . import _tf_linalg_experimental as experimental
from ._tf_linalg_banded import banded_triangular_solve, tridiagonal_matmul, tridiagonal_solve
from ._tf_linalg_diagonals import diag, diag_part, set_diag, tensor_diag, tensor_diag_part
from ._tf_linalg_lu import lu, lu_matrix_inverse, lu_reconstruct, lu_solve
from ._tf_linalg_matrix_functions import expm, logm, sqrtm
from ._tf_linalg_spectral import eig, eigh_tridiagonal, eigvals, lstsq, matrix_rank
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
    """The transpose of the last two axes (tf.linalg.matrix_transpose); with conjugate, of
    a ComplexTensor's conjugate."""
    from .signal import ComplexTensor
    if isinstance(a, ComplexTensor):
        value = a.conj() if conjugate else a
        return ComplexTensor(_shape.swapaxes(value.real, -1, -2), _shape.swapaxes(value.imag, -1, -2))
    return _shape.swapaxes(_t(a), -1, -2)


def adjoint(matrix, name=None):
    """The conjugate transpose of the last two axes (tf.linalg.adjoint)."""
    return matrix_transpose(matrix, conjugate=True)


@raises_tf_errors
def cross(a, b, name=None):
    """The cross product of 3-vectors on the last axis, broadcast (tf.linalg.cross)."""
    x, y = _float(a), _float(b)
    if x.ndim < 1 or x.shape[-1] != 3 or y.ndim < 1 or y.shape[-1] != 3:
        raise InvalidArgumentError(None, None, f"[cross] inputs must end in an axis of size 3; received shapes "
                                   f"{tuple(x.shape)} and {tuple(y.shape)}")
    return _kops().cross(x, y.astype(x.dtype))


@raises_tf_errors
def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002
    """(tensor / its norm, the norm with the reduced axes kept) (tf.linalg.normalize); ord
    and axis as tf.norm."""
    x = _float(tensor)
    length = norm(x, ord=ord, axis=axis, keepdims=True)
    return x / length, length


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


__all__ = ["adjoint", "band_part", "banded_triangular_solve", "cholesky", "cholesky_solve", "cross", "det", "diag",
           "diag_part", "eig", "eigh", "eigh_tridiagonal", "eigvals", "eigvalsh", "einsum", "expm", "eye", "global_norm",
           "inv", "l2_normalize", "logdet", "logm", "lstsq", "lu", "lu_matrix_inverse", "lu_reconstruct", "lu_solve",
           "matmul", "matrix_rank", "matrix_transpose", "matvec", "norm", "normalize", "pinv", "qr", "set_diag",
           "slogdet", "solve", "sqrtm", "svd", "tensor_diag", "tensor_diag_part", "tensordot", "trace",
           "triangular_solve", "tridiagonal_matmul", "tridiagonal_solve", "experimental"]
