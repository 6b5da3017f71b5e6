"""swiftdl.linalg: tf.linalg's matrix functions (not LinearOperator), on the engine.

    import swiftdl as tf
    x = tf.linalg.solve(a, b)

Products, factorisations and solves come from keras.ops.linalg (elimination, QR and
Cholesky as engine ops, so the tape differentiates them); `eigh`, `eigvalsh` and `svd`
use cyclic Jacobi rotations, each round of them a few batched engine ops. Names follow
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


def _jacobi(a, sweeps=None):
    """Eigen-decomposition of symmetric matrices (..., n, n) by cyclic Jacobi rotations.

    Each round rotates n/2 disjoint (p, q) pairs at once (the round-robin order), as one
    rotation matrix J: A <- Jᵀ A J, V <- V J. A sweep is n - 1 rounds; sweeps repeat until
    the off-diagonal part is negligible."""
    n = a.shape[-1]
    dtype = a.dtype
    eps = float(np.finfo(dtype).eps)
    vectors = _shape.broadcast_to(_creation.eye(n, dtype=dtype), a.shape) + _creation.zeros(a.shape, dtype)
    if n == 1:
        return _shape.reshape(a, list(a.shape[:-1])), vectors
    players = list(range(n)) + ([n] if n % 2 else [])  # n is a bye for odd sizes
    m = len(players)
    rounds = []
    order = players[:]
    for _ in range(m - 1):
        pairs = [(order[i], order[m - 1 - i]) for i in range(m // 2)]
        pairs = [(min(p, q), max(p, q)) for p, q in pairs if p < n and q < n]
        rounds.append(pairs)
        order = [order[0]] + [order[-1]] + order[1:-1]
    off_mask = _ops.logical_not(_creation.eye(n, dtype=np.bool_))
    scale = float(_ops.max(_ops.absolute(a))) if a.size else 0.0
    for _ in range(sweeps or 30):
        off = float(_ops.max(_ops.absolute(_ops.where(off_mask, a, _creation.zeros((), dtype))))) if a.size else 0.0
        if off <= eps * max(scale, 1e-300) * 0.5:
            break
        for pairs in rounds:
            p = np.array([pq[0] for pq in pairs])
            q = np.array([pq[1] for pq in pairs])
            app, aqq, apq = a[..., p, p], a[..., q, q], a[..., p, q]
            # NOTE: the rotation angle from tan(2θ) = 2 a_pq / (a_qq - a_pp), taking the
            # smaller root t so |θ| <= π/4 (Rutishauser's stable form).
            theta = (aqq - app) / (2.0 * apq + _ops.where(_ops.equal(apq, 0), _creation.ones((), dtype),
                                                          _creation.zeros((), dtype)))
            sign = _ops.where(_ops.less(theta, 0), _creation.full((), -1.0, dtype), _creation.ones((), dtype))
            t = sign / (_ops.absolute(theta) + _ops.sqrt(theta * theta + 1.0))
            t = _ops.where(_ops.equal(apq, 0), _creation.zeros((), dtype), t)
            c = _ops.reciprocal(_ops.sqrt(t * t + 1.0))
            s = t * c
            rotation = _rotation(n, p, q, c, s, dtype)
            a = _ops.matmul(_ops.matmul(_shape.swapaxes(rotation, -1, -2), a), rotation)
            vectors = _ops.matmul(vectors, rotation)
    return _kops().diagonal(a, axis1=-2, axis2=-1), vectors


def _rotation(n, p, q, c, s, dtype):
    """J (..., n, n): the identity with J[p,p] = J[q,q] = c, J[p,q] = s, J[q,p] = -s."""
    ep = _creation.eye(n, dtype=dtype)[p]  # (k, n) unit rows
    eq = _creation.eye(n, dtype=dtype)[q]
    c1 = _shape.expand_dims(_shape.expand_dims(c - 1.0, -1), -1)  # (..., k, 1, 1)
    s1 = _shape.expand_dims(_shape.expand_dims(s, -1), -1)
    pp = _shape.expand_dims(ep, -1) * _shape.expand_dims(ep, -2)  # (k, n, n)
    qq = _shape.expand_dims(eq, -1) * _shape.expand_dims(eq, -2)
    pq = _shape.expand_dims(ep, -1) * _shape.expand_dims(eq, -2)
    qp = _shape.expand_dims(eq, -1) * _shape.expand_dims(ep, -2)
    update = _ops.sum(c1 * (pp + qq) + s1 * (pq - qp), axis=-3)
    return _creation.eye(n, dtype=dtype) + update


Eigh = collections.namedtuple("Eigh", ["eigenvalues", "eigenvectors"])


@raises_tf_errors
def eigh(tensor, name=None):
    """(eigenvalues ascending, eigenvectors as columns) of self-adjoint matrices
    (tf.linalg.eigh); only the lower triangle is read, as in TensorFlow."""
    a = _square(_float(tensor), "eigh")
    lower = band_part(a, -1, 0)
    a = lower + _shape.swapaxes(lower, -1, -2) - band_part(a, 0, 0)
    values, vectors = _jacobi(a)
    order = _kops().argsort(values, axis=-1)
    values = _kops().take_along_axis(values, order, axis=-1)
    vectors = _kops().take_along_axis(vectors, _shape.expand_dims(order, -2) + _creation.zeros(
        list(vectors.shape[:-2]) + [a.shape[-1], 1], order.dtype), axis=-1)
    return Eigh(values, vectors)


@raises_tf_errors
def eigvalsh(tensor, name=None):
    return eigh(tensor).eigenvalues


@raises_tf_errors
def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Singular values, descending (and u, v with tensor = u @ diag(s) @ vᵀ) (tf.linalg.svd;
    TensorFlow's order (s, u, v), not numpy's (u, s, vh)). From the eigen-decomposition of
    tensorᵀ tensor, so values below sqrt(eps) times the largest lose relative accuracy."""
    x = _float(tensor)
    if x.ndim < 2:
        raise InvalidArgumentError(None, None, f"[svd] input must be at least 2-D; received {tuple(x.shape)}")
    if full_matrices:
        raise NotImplementedError("[svd] swiftdl computes the reduced decomposition only (full_matrices=False)")
    rows, cols = x.shape[-2], x.shape[-1]
    wide = rows < cols
    if wide:
        x = _shape.swapaxes(x, -1, -2)
    gram = _ops.matmul(_shape.swapaxes(x, -1, -2), x)
    values, v = _jacobi(gram)
    order = _kops().argsort(_ops.negative(values), axis=-1)
    values = _kops().take_along_axis(values, order, axis=-1)
    index = _shape.expand_dims(order, -2) + _creation.zeros(list(v.shape[:-2]) + [v.shape[-2], 1], order.dtype)
    v = _kops().take_along_axis(v, index, axis=-1)
    s = _ops.sqrt(_ops.maximum(values, 0.0))
    if not compute_uv:
        return s
    safe = _ops.where(_ops.greater(s, 0), s, _creation.ones((), s.dtype))
    u = _ops.matmul(x, v) / _shape.expand_dims(safe, -2)
    return (s, v, u) if wide else (s, u, v)


def pinv(a, rcond=None, validate_args=False, name=None):
    """The Moore-Penrose pseudo-inverse through svd (tf.linalg.pinv)."""
    x = _float(a)
    s, u, v = svd(x)
    if rcond is None:
        rcond = 10.0 * max(x.shape[-2:]) * float(np.finfo(x.dtype).eps)
    cutoff = rcond * _ops.max(s, axis=-1, keepdims=True)
    inverse = _ops.where(_ops.greater(s, cutoff), _ops.reciprocal(_ops.where(_ops.greater(s, 0), s, 1.0)),
                         _creation.zeros((), s.dtype))
    return _ops.matmul(v * _shape.expand_dims(inverse, -2), _shape.swapaxes(u, -1, -2))


__all__ = ["adjoint", "band_part", "cholesky", "cholesky_solve", "det", "diag", "diag_part", "eigh", "eigvalsh",
           "einsum", "eye", "global_norm", "inv", "l2_normalize", "logdet", "matmul", "matrix_transpose", "matvec",
           "norm", "pinv", "qr", "set_diag", "slogdet", "solve", "svd", "tensordot", "trace", "triangular_solve"]
