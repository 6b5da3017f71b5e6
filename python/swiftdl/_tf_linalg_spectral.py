"""tf.linalg's eigenvalue and least-squares functions beyond eigh/svd: eig, eigvals,
eigh_tridiagonal, lstsq (matrix_solve_ls), matrix_rank.

eig and eigvals are keras.ops.eig (LAPACK's geev through numpy; complex results as
ComplexTensors, without gradient, as TensorFlow gives none for a general matrix's complex
eigenvectors' phase); the others are compositions of engine ops the tape differentiates.
"""
import collections

import numpy as np

from . import _creation, _ops, _shape
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from ._tf_linalg_diagonals import diag
from ._tf_math import matmul
from .errors import InvalidArgumentError, raises_tf_errors

Eig = collections.namedtuple("Eig", ["e", "v"])


def _float(x):
    x = x if isinstance(x, TensorBase) else convert_to_tensor(x)
    return x if x.dtype.kind == "f" else x.astype(np.float32)


def _kops():
    from .keras import ops
    return ops


@raises_tf_errors
def eig(tensor, name=None):
    """(eigenvalues, eigenvectors as columns) of square matrices, as complex ComplexTensors
    (tf.linalg.eig); LAPACK's order, each vector of unit norm."""
    try:
        values, vectors = _kops().eig(tensor)
    except ValueError as error:
        message = str(error)
        raise InvalidArgumentError(None, None, message if message.startswith("[eig]") else f"[eig] {message}") from None
    return Eig(values, vectors)


@raises_tf_errors
def eigvals(tensor, name=None):
    """The eigenvalues of square matrices, complex (tf.linalg.eigvals)."""
    return eig(tensor).e


@raises_tf_errors
def eigh_tridiagonal(alpha, beta, eigvals_only=True, select="a", select_range=None, tol=None, name=None):
    """Eigenvalues (ascending) and optionally eigenvectors of the symmetric tridiagonal matrix
    with diagonal `alpha` (n,) and off-diagonal `beta` (n - 1,) (tf.linalg.eigh_tridiagonal).

    Args:
        select: "a" all; "i" the eigenvalues with indices select_range[0]..select_range[1]
            (inclusive); "v" those in the half-open interval (select_range[0], select_range[1]].
        tol: accepted for TensorFlow's signature (the Jacobi eigh converges to rounding).

    Returns:
        The eigenvalues, or (eigenvalues, eigenvectors as columns) without eigvals_only.
    """
    alpha, beta = _float(alpha), _float(beta)
    beta = beta.astype(alpha.dtype)
    if alpha.ndim != 1 or beta.ndim != 1 or beta.shape[0] != max(alpha.shape[0] - 1, 0):
        raise ValueError(f"[eigh_tridiagonal] expects alpha of shape (n,) and beta of shape (n - 1,); received "
                         f"{tuple(alpha.shape)} and {tuple(beta.shape)}")
    if select not in ("a", "i", "v"):
        raise ValueError(f"[eigh_tridiagonal] select must be 'a', 'i' or 'v'; received {select!r}")
    n = alpha.shape[0]
    matrix = diag(_shape.stack([_shape.concatenate([beta, _creation.zeros((1,), beta.dtype)]), alpha,
                                _shape.concatenate([_creation.zeros((1,), beta.dtype), beta])]),
                  k=(-1, 1), num_rows=n, num_cols=n, align="LEFT_RIGHT")
    values, vectors = _kops().eigh(matrix)
    if select == "i":
        low, high = (int(v) for v in np.asarray(select_range).reshape(2))
        chosen = np.arange(low, high + 1)
    elif select == "v":
        low, high = (float(v) for v in np.asarray(select_range).reshape(2))
        found = values.numpy()
        chosen = np.nonzero((found > low) & (found <= high))[0]
    else:
        chosen = np.arange(n)
    index = _creation.array(chosen.astype(np.int64))
    values = _shape.take(values, index, axis=0)
    return values if eigvals_only else (values, _shape.take(vectors, index, axis=1))


@raises_tf_errors
def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """The least-squares solutions of matrix @ x ≈ rhs for matrices (..., M, N) and
    right-hand sides (..., M, K) (tf.linalg.lstsq, tf.linalg.matrix_solve_ls).

    fast=True solves the normal equations (AᵀA + λI) x = Aᵀb by Cholesky (for M < N the
    minimum-norm x = Aᵀ(AAᵀ + λI)⁻¹b), as TensorFlow; fast=False uses the pseudo-inverse
    (robust to rank deficiency) and ignores l2_regularizer, as TensorFlow does.
    """
    a, b = _float(matrix), _float(rhs)
    b = b.astype(a.dtype)
    if a.ndim < 2 or b.ndim < 2 or b.shape[-2] != a.shape[-2]:
        raise InvalidArgumentError(None, None, f"[lstsq] expects matrix (..., M, N) and rhs (..., M, K); received "
                                   f"{tuple(a.shape)} and {tuple(b.shape)}")
    m, n = a.shape[-2:]
    if not fast:
        from .linalg import pinv
        return matmul(pinv(a), b)
    from .linalg import cholesky_solve
    regularizer = _creation.eye(min(m, n), dtype=a.dtype) * float(l2_regularizer)
    if m >= n:
        gram = matmul(a, a, transpose_a=True) + regularizer
        return cholesky_solve(_kops().cholesky(gram), matmul(a, b, transpose_a=True))
    gram = matmul(a, a, transpose_b=True) + regularizer
    return matmul(a, cholesky_solve(_kops().cholesky(gram), b), transpose_a=True)


@raises_tf_errors
def matrix_rank(a, tol=None, validate_args=False, name=None):
    """The number of singular values above tol (default eps · max(M, N) · the largest)
    (tf.linalg.matrix_rank), int32."""
    x = _float(a)
    if x.ndim < 2:
        raise InvalidArgumentError(None, None, f"[matrix_rank] input must be at least 2-D; received {tuple(x.shape)}")
    s = _kops().svd(x, compute_uv=False)
    if tol is None:
        threshold = _ops.max(s, axis=-1, keepdims=True) * (float(np.finfo(x.dtype.name).eps) * max(x.shape[-2:]))
    else:
        threshold = _creation.full((), float(np.asarray(tol)), x.dtype)
    return _ops.sum(_ops.greater(s, threshold), axis=-1).astype(np.int32)
