"""keras.ops.linalg solve, inv, det, slogdet, logdet and lu_factor by Gaussian elimination
with partial pivoting, written as whole-matrix engine ops: one round per column (n rounds
of a few batched ops, never a loop over elements), so the tape differentiates through it.
Suited to the small and medium matrices custom layers use; the engine has no LAPACK-style
factorization kernel yet."""
import numpy as np

import swiftdl as sd

from ._convert import float_tensor, promote


def _square(x, op):
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"[{op}] expects a square matrix (or a batch of them) in the last two axes; "
                         f"received shape {tuple(x.shape)}")


def _pivot_and_swap(m, k, n):
    """Row index of the largest |entry| at or below row k in column k, and m with that row
    swapped into row k. Returns (m, pivot index (...,), swapped (...,) bool)."""
    rows = sd.arange(n, dtype="int64")
    column = sd.absolute(m[..., :, k])
    candidates = sd.where(sd.greater_equal(rows, k), column, sd.full((), -1.0, m.dtype))
    pivot = sd.argmax(candidates, axis=-1, keepdims=True)                      # (..., 1)
    order = sd.where(sd.equal(rows, k), pivot, sd.where(sd.equal(rows, pivot), sd.full((), k, "int64"), rows))
    index = sd.broadcast_to(sd.expand_dims(order, -1), tuple(m.shape[:-2]) + (n, m.shape[-1]))
    swapped = m[_gather_key(m, index)]
    return swapped, pivot[..., 0], sd.not_equal(pivot[..., 0], k)


def _gather_key(m, index):
    """An advanced-indexing key that gathers rows of m by `index` (same shape as m)."""
    batch = m.shape[:-2]
    key = []
    for a, size in enumerate(batch):
        view = [1] * (len(batch) + 2)
        view[a] = size
        key.append(sd.broadcast_to(sd.reshape(sd.arange(size, dtype="int64"), view), index.shape))
    key.append(index)
    key.append(sd.broadcast_to(sd.reshape(sd.arange(m.shape[-1], dtype="int64"), (1,) * (len(batch) + 1) + (-1,)),
                               index.shape))
    return tuple(key)


def _eliminate(m, n, full):
    """Elimination over the first n columns of m (..., n, n + k). full=True (Gauss-Jordan)
    clears each column above and below its pivot and scales pivot rows to 1; full=False
    clears below only. Returns (m, pivots (..., n), swap count parity (...,), pivot rows)."""
    rows = sd.arange(n, dtype="int64")
    pivots, flips, pivot_rows = [], sd.zeros(tuple(m.shape[:-2]), "bool"), []
    for k in range(n):
        m, pivot_index, swapped = _pivot_and_swap(m, k, n)
        flips = sd.logical_xor(flips, swapped)
        pivot_rows.append(pivot_index)
        row = m[..., k, :]                                                     # (..., n + k)
        pivot = row[..., k:k + 1]
        pivots.append(pivot[..., 0])
        factors = m[..., :, k:k + 1] / sd.expand_dims(pivot, -1)              # (..., n, 1)
        clear = sd.not_equal(rows, k) if full else sd.greater(rows, k)
        factors = sd.where(sd.expand_dims(clear, -1), factors, sd.zeros((), m.dtype))
        m = m - factors * sd.expand_dims(row, -2)
        if full:
            m = sd.where(sd.expand_dims(sd.equal(rows, k), -1), sd.expand_dims(row / pivot, -2), m)
    return m, sd.stack(pivots, axis=-1), flips, pivot_rows


def solve(a, b):
    """x with a @ x = b, for square a (..., n, n) and b (..., n) or (..., n, k)."""
    a, b = promote(a, b)
    a, b = float_tensor(a), float_tensor(b).astype(float_tensor(a).dtype)
    _square(a, "solve")
    n = a.shape[-1]
    vector = b.ndim == a.ndim - 1
    if vector:
        b = sd.expand_dims(b, -1)
    if b.shape[-2] != n:
        raise ValueError(f"[solve] b must have {n} rows to match a of shape {tuple(a.shape)}; received {tuple(b.shape)}")
    batch = tuple(np.broadcast_shapes(tuple(a.shape[:-2]), tuple(b.shape[:-2])))
    a = sd.broadcast_to(a, batch + (n, n))
    b = sd.broadcast_to(b, batch + tuple(b.shape[-2:]))
    reduced, _, _, _ = _eliminate(sd.concatenate([a, b], axis=-1), n, full=True)
    x = reduced[..., :, n:]
    return x[..., 0] if vector else x


def inv(x):
    """The inverse of a square matrix (or a batch of them)."""
    x = float_tensor(x)
    _square(x, "inv")
    identity = sd.broadcast_to(sd.eye(x.shape[-1], dtype=x.dtype.name), x.shape)
    return solve(x, identity)


def _triangular(x, op):
    x = float_tensor(x)
    _square(x, op)
    if x.shape[-1] == 0:
        return x, sd.ones(tuple(x.shape[:-2]) + (0,), x.dtype.name), sd.zeros(tuple(x.shape[:-2]), "bool")
    _, pivots, flips, _ = _eliminate(x, x.shape[-1], full=False)
    return x, pivots, flips


def det(x):
    """The determinant: the product of the elimination's pivots, signed by its row swaps."""
    x, pivots, flips = _triangular(x, "det")
    sign = sd.where(flips, sd.full((), -1.0, x.dtype), sd.ones((), x.dtype))
    return sign * sd.prod(pivots, axis=-1)


def slogdet(x):
    """(sign, log|det|) of a square matrix, without the overflow of det."""
    x, pivots, flips = _triangular(x, "slogdet")
    sign = sd.where(flips, sd.full((), -1.0, x.dtype), sd.ones((), x.dtype)) * sd.prod(sd.sign(pivots), axis=-1)
    return sign, sd.sum(sd.log(sd.absolute(pivots)), axis=-1)


def lu_factor(x):
    """(lu, pivots) as scipy.linalg.lu_factor: L (unit diagonal, below) and U (on and above)
    in one matrix, and the int32 row interchanges of partial pivoting."""
    x = float_tensor(x)
    _square(x, "lu_factor")
    n = x.shape[-1]
    rows = sd.arange(n, dtype="int64")
    m = x
    pivot_rows = []
    for k in range(n):
        m, pivot_index, _ = _pivot_and_swap(m, k, n)
        pivot_rows.append(pivot_index)
        row = m[..., k, :]
        below = sd.greater(rows, k)
        factors = sd.where(sd.expand_dims(below, -1), m[..., :, k:k + 1] / sd.expand_dims(row[..., k:k + 1], -1),
                           sd.zeros((), m.dtype))
        columns_after = sd.greater(rows, k)
        update = factors * sd.expand_dims(row, -2)
        m = m - sd.where(columns_after, update, sd.zeros((), m.dtype))               # U part
        m = sd.where(sd.logical_and(sd.expand_dims(below, -1), sd.equal(rows, k)),   # L factors into column k
                     factors, m)
    pivots = sd.stack(pivot_rows, axis=-1).astype("int32") if n else sd.zeros(tuple(x.shape[:-2]) + (0,), "int32")
    return m, pivots
