"""keras.ops.linalg cholesky, cholesky_inverse, solve_triangular and logdet, column by
column (or row by row) in whole-tensor engine ops, so they are differentiable."""
import swiftdl as sd

from ._convert import float_tensor, promote
from .linalg_elimination import _square


def cholesky(x, upper=False):
    """The Cholesky factor L (lower, L @ Lᵀ = x) of a symmetric positive-definite matrix, or
    Lᵀ with upper=True. A matrix that is not positive definite gives NaN (as JAX does)."""
    x = float_tensor(x)
    _square(x, "cholesky")
    n = x.shape[-1]
    rows = sd.arange(n, dtype="int64")
    columns = []
    for j in range(n):
        residual = x[..., :, j]                                               # (..., n)
        if j:
            done = sd.stack(columns, axis=-1)                                 # (..., n, j)
            residual = residual - sd.squeeze(sd.matmul(done, sd.expand_dims(done[..., j, :], -1)), axis=-1)
        diagonal = sd.sqrt(residual[..., j:j + 1])
        column = sd.where(sd.greater(rows, j), residual / diagonal, sd.zeros((), x.dtype))
        columns.append(sd.where(sd.equal(rows, j), diagonal, column))
    lower = sd.stack(columns, axis=-1) if n else x
    return sd.swapaxes(lower, -1, -2) if upper else lower


def solve_triangular(a, b, lower=False):
    """x with a @ x = b for a triangular a (..., n, n) (its other triangle is ignored), b
    (..., n) or (..., n, k)."""
    a, b = promote(a, b)
    a = float_tensor(a)
    b = float_tensor(b).astype(a.dtype)
    _square(a, "solve_triangular")
    n = a.shape[-1]
    vector = b.ndim == a.ndim - 1
    if vector:
        b = sd.expand_dims(b, -1)
    if b.shape[-2] != n:
        raise ValueError(f"[solve_triangular] b must have {n} rows; received shape {tuple(b.shape)}")
    order = range(n) if lower else range(n - 1, -1, -1)
    solved = {}
    for i in order:
        total = b[..., i, :]
        known = sorted(solved)
        if known:
            coefficients = a[..., i, :][..., known] if len(known) > 1 else a[..., i, known[0]:known[0] + 1]
            values = sd.stack([solved[j] for j in known], axis=-2)              # (..., len, k)
            total = total - sd.squeeze(sd.matmul(sd.expand_dims(coefficients, -2), values), axis=-2)
        solved[i] = total / a[..., i, i:i + 1]
    x = sd.stack([solved[i] for i in range(n)], axis=-2) if n else b
    return x[..., 0] if vector else x


def cholesky_inverse(x, upper=False):
    """The inverse of A from its Cholesky factor x (A = x @ xᵀ, or xᵀ @ x with upper=True)."""
    x = float_tensor(x)
    _square(x, "cholesky_inverse")
    identity = sd.broadcast_to(sd.eye(x.shape[-1], dtype=x.dtype.name), x.shape)
    inverse_factor = solve_triangular(x, identity, lower=not upper)
    if upper:
        return sd.matmul(inverse_factor, sd.swapaxes(inverse_factor, -1, -2))
    return sd.matmul(sd.swapaxes(inverse_factor, -1, -2), inverse_factor)


def logdet(x):
    """log(det(x)) of a symmetric positive-definite matrix: 2 Σ log diag(cholesky(x))."""
    lower = cholesky(x)
    diagonal = sd.stack([lower[..., i, i] for i in range(lower.shape[-1])], axis=-1)
    return 2.0 * sd.sum(sd.log(diagonal), axis=-1)
