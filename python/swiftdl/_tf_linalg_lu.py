"""tf.linalg's LU family: lu, lu_solve, lu_matrix_inverse, lu_reconstruct.

TensorFlow's `lu` returns (lower_upper, perm): L (unit diagonal, strictly below) and U (on
and above) packed in one matrix, and the permutation with L @ U = input[perm, :] (not
LAPACK's row interchanges). The factorisation is keras.ops's partial-pivoting
elimination in engine ops, so gradients flow through lower_upper; perm is an integer
tensor with none.
"""
import collections

import numpy as np

from . import _creation, _ops, _shape
from ._convert import TensorBase
from ._numpy_arrangement import take_along_axis
from ._tf_cast import convert_to_tensor
from ._tf_math import matmul
from .errors import InvalidArgumentError, raises_tf_errors

Lu = collections.namedtuple("Lu", ["lu", "p"])


def _float(x):
    x = x if isinstance(x, TensorBase) else convert_to_tensor(x)
    return x if x.dtype.kind == "f" else x.astype(np.float32)


def _square(x, op, what="input"):
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise InvalidArgumentError(None, None, f"[{op}] {what} must be square matrices (..., n, n); received shape "
                                   f"{tuple(x.shape)}")
    return x


def _permutation_from_interchanges(pivots):
    """perm with rows perm[i] of the input forming row i of P @ input, from LAPACK's
    interchanges (row k swapped with row pivots[k], in order)."""
    pivots = np.asarray(pivots)
    n = pivots.shape[-1]
    perm = np.broadcast_to(np.arange(n), pivots.shape).copy()
    for index in np.ndindex(pivots.shape[:-1]):
        row = perm[index]
        for k, p in enumerate(pivots[index]):
            row[k], row[p] = row[p], row[k]
    return perm


@raises_tf_errors
def lu(input, output_idx_type=np.int32, name=None):  # noqa: A002
    """The LU factorisation with partial pivoting of square matrices (tf.linalg.lu).

    Returns:
        Lu(lu, p): L below the diagonal (its unit diagonal implied) and U on and above, and
        p with L @ U = input[..., p, :], of `output_idx_type` (int32 or int64).
    """
    from .keras.ops import lu_factor
    x = _square(_float(input), "lu")
    packed, pivots = lu_factor(x)
    perm = _permutation_from_interchanges(pivots.numpy()).astype(np.dtype(getattr(output_idx_type, "name",
                                                                                  output_idx_type)))
    return Lu(packed, _creation.array(perm))


def _factors(lower_upper):
    n = lower_upper.shape[-1]
    below = np.tril(np.ones((n, n), bool), -1)
    eye = np.eye(n, dtype=bool)
    zero = _creation.zeros((), lower_upper.dtype)
    lower = _ops.where(_creation.array(below), lower_upper, zero) + _creation.array(eye.astype(lower_upper.dtype.name))
    upper = _ops.where(_creation.array(~below), lower_upper, zero)
    return lower, upper


def _check_perm(lower_upper, perm, op):
    perm = perm if isinstance(perm, TensorBase) else convert_to_tensor(perm)
    if perm.dtype.kind not in "iu" or tuple(perm.shape) != tuple(lower_upper.shape[:-1]):
        raise InvalidArgumentError(None, None, f"[{op}] perm must be integers of shape {tuple(lower_upper.shape[:-1])}; "
                                   f"received {perm.dtype} of shape {tuple(perm.shape)}")
    return perm.astype(np.int64)


@raises_tf_errors
def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """x with input @ x = rhs, from lu(input) (tf.linalg.lu_solve); rhs is (..., n, k)."""
    from .linalg import triangular_solve
    packed = _square(_float(lower_upper), "lu_solve", "lower_upper")
    perm = _check_perm(packed, perm, "lu_solve")
    b = _float(rhs).astype(packed.dtype)
    if b.ndim < 2 or b.shape[-2] != packed.shape[-1]:
        raise InvalidArgumentError(None, None, f"[lu_solve] rhs must have shape (..., {packed.shape[-1]}, k); received "
                                   f"{tuple(b.shape)}")
    batch = np.broadcast_shapes(tuple(packed.shape[:-2]), tuple(b.shape[:-2]))
    b = _shape.broadcast_to(b, batch + tuple(b.shape[-2:]))
    rows = _shape.broadcast_to(_shape.expand_dims(perm, -1), batch + (packed.shape[-1], b.shape[-1]))
    lower, upper = _factors(packed)
    y = triangular_solve(lower, take_along_axis(b, rows, axis=-2), lower=True)
    return triangular_solve(upper, y, lower=False)


@raises_tf_errors
def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    """The inverse of the matrix lu(input) factorised (tf.linalg.lu_matrix_inverse)."""
    packed = _square(_float(lower_upper), "lu_matrix_inverse", "lower_upper")
    eye = _creation.eye(packed.shape[-1], dtype=packed.dtype)
    return lu_solve(packed, perm, _shape.broadcast_to(eye, tuple(packed.shape)))


@raises_tf_errors
def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """The matrix that lu(input) factorised: (L @ U) with its rows put back by perm
    (tf.linalg.lu_reconstruct)."""
    packed = _square(_float(lower_upper), "lu_reconstruct", "lower_upper")
    perm = _check_perm(packed, perm, "lu_reconstruct")
    lower, upper = _factors(packed)
    product = matmul(lower, upper)
    inverse = np.argsort(perm.numpy(), axis=-1)
    rows = _shape.broadcast_to(_creation.array(inverse[..., None]), tuple(product.shape))
    return take_along_axis(product, rows, axis=-2)
