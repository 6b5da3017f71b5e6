"""keras.ops.linalg qr (Householder reflections, LAPACK's sign convention) and lstsq
(through qr), in whole-matrix engine ops, differentiable through the tape."""
import swiftdl as sd

from ._convert import float_tensor, promote
from .linalg_triangular import solve_triangular


def qr(x, mode="reduced"):
    """(q, r) with x = q @ r, q orthonormal, r upper triangular; mode 'reduced' or 'complete'."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"[qr] `mode` argument value not supported. Expected one of {{'reduced', 'complete'}}. "
                         f"Received: mode={mode}")
    x = float_tensor(x)
    if x.ndim < 2:
        raise ValueError(f"[qr] expects a matrix (or a batch of them); received shape {tuple(x.shape)}")
    m, n = x.shape[-2:]
    batch = tuple(x.shape[:-2])
    rows = sd.arange(m, dtype="int64")
    r = x
    q = sd.broadcast_to(sd.eye(m, dtype=x.dtype.name), batch + (m, m)) + sd.zeros((), x.dtype)
    for k in range(max(min(m - 1, n), 0)):  # the last reflection of a square or wide matrix is the identity
        a = sd.where(sd.greater_equal(rows, k), r[..., :, k], sd.zeros((), x.dtype))     # (..., m)
        length = sd.sqrt(sd.sum(sd.square(a), axis=-1, keepdims=True))
        head = a[..., k:k + 1]
        alpha = -sd.where(sd.less(head, 0.0), sd.full((), -1.0, x.dtype), sd.ones((), x.dtype)) * length
        v = a - sd.where(sd.equal(rows, k), alpha, sd.zeros((), x.dtype))
        norm = sd.sqrt(sd.sum(sd.square(v), axis=-1, keepdims=True))
        degenerate = sd.equal(norm, 0.0)
        v = sd.where(degenerate, sd.zeros((), x.dtype), v / sd.where(degenerate, sd.ones((), x.dtype), norm))
        column = sd.expand_dims(v, -1)                                                   # (..., m, 1)
        r = r - 2.0 * sd.matmul(column, sd.matmul(sd.swapaxes(column, -1, -2), r))
        q = q - 2.0 * sd.matmul(sd.matmul(q, column), sd.swapaxes(column, -1, -2))
    upper = sd.less_equal(sd.reshape(rows, (-1, 1)), sd.reshape(sd.arange(n, dtype="int64"), (1, -1)))
    r = sd.where(upper, r, sd.zeros((), x.dtype))
    if mode == "reduced":
        size = min(m, n)
        return q[..., :, :size], r[..., :size, :]
    return q, r


def lstsq(a, b, rcond=None):
    """The least-squares solution x of a @ x ≈ b for a 2-D a of full rank (minimum-norm when
    a has fewer rows than columns); b is (m,) or (m, k)."""
    a, b = promote(a, b)
    a, b = float_tensor(a), float_tensor(b).astype(float_tensor(a).dtype)
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(f"[lstsq] expects a of shape (m, n) and b of shape (m,) or (m, k); received "
                         f"{tuple(a.shape)} and {tuple(b.shape)}")
    m, n = a.shape
    if m >= n:
        q, r = qr(a)
        return solve_triangular(r, sd.matmul(sd.swapaxes(q, -1, -2), b), lower=False)
    q, r = qr(sd.transpose(a))
    y = solve_triangular(sd.transpose(r), b, lower=True)
    return sd.matmul(q, y)
