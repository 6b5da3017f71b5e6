"""keras.ops.linalg eigh, svd, pinv and matrix_rank by Jacobi rotations, in whole-matrix
engine ops (differentiable through the tape).

Each round rotates n/2 disjoint index pairs at once (a round-robin tournament schedule), as
one orthogonal matrix J built from one-hot matrices: eigh updates A ← JᵀAJ (two-sided
Jacobi), svd updates A ← AJ until its columns are orthogonal (one-sided Jacobi, Hestenes).
Sweeps of n - 1 rounds repeat until the off-diagonal part is negligible; the convergence is
quadratic, so a handful of sweeps suffice. Suited to the small and medium matrices of
custom layers."""
import numpy as np

import swiftdl as sd

from ._convert import float_tensor, tensor
from .indexing import take_along_axis
from .sorting import argsort

_MAX_SWEEPS = 40


def _rounds(n):
    """The round-robin schedule: lists of disjoint (p, q) pairs covering every pair once."""
    players = list(range(n + (n % 2)))
    rounds = []
    for _ in range(len(players) - 1):
        half = len(players) // 2
        pairs = [(min(a, b), max(a, b)) for a, b in zip(players[:half], reversed(players[half:]))]
        rounds.append([(p, q) for p, q in pairs if q < n])
        players = [players[0]] + [players[-1]] + players[1:-1]
    return rounds


def _one_hot_columns(indices, n, dtype):
    return sd.equal(sd.reshape(sd.arange(n, dtype="int64"), (-1, 1)),
                    sd.reshape(sd.asarray(np.asarray(indices, np.int64)), (1, -1))).astype(dtype)


def _rotation(c, s, p_hot, q_hot, n, dtype):
    """J = I + P(c - 1)Pᵀ + Q(c - 1)Qᵀ + P s Qᵀ - Q s Pᵀ, batched over c and s (..., k)."""
    def outer(left, weights, right):
        return sd.matmul(left * sd.expand_dims(weights, -2), sd.transpose(right))

    identity = sd.eye(n, dtype=dtype)
    return identity + outer(p_hot, c - 1.0, p_hot) + outer(q_hot, c - 1.0, q_hot) + outer(p_hot, s, q_hot) \
        - outer(q_hot, s, p_hot)


def _angle(difference, cross):
    """(c, s) of the rotation that zeroes `cross`, given (a_qq - a_pp) or (β - α)."""
    zero_cross = sd.equal(cross, 0.0)
    safe = sd.where(zero_cross, sd.ones((), cross.dtype), cross)
    tau = difference / (2.0 * safe)
    sign = sd.where(sd.less(tau, 0.0), sd.full((), -1.0, tau.dtype), sd.ones((), tau.dtype))
    t = sign / (sd.absolute(tau) + sd.sqrt(1.0 + sd.square(tau)))
    t = sd.where(zero_cross, sd.zeros((), t.dtype), t)
    c = 1.0 / sd.sqrt(1.0 + sd.square(t))
    return c, t * c


def _square_check(x, op):
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"[{op}] expects square matrices in the last two axes; received shape {tuple(x.shape)}")


def eigh(x):
    """(eigenvalues ascending, eigenvectors as columns) of symmetric matrices (only the
    lower triangle is read, as LAPACK does)."""
    a = float_tensor(x)
    _square_check(a, "eigh")
    n = a.shape[-1]
    lower = sd.less_equal(sd.reshape(sd.arange(n, dtype="int64"), (1, -1)), sd.reshape(sd.arange(n, dtype="int64"), (-1, 1)))
    a = sd.where(lower, a, sd.swapaxes(a, -1, -2))
    vectors = sd.broadcast_to(sd.eye(n, dtype=a.dtype.name), a.shape) + sd.zeros((), a.dtype)
    eps = float(np.finfo(a.dtype).eps)
    schedule = [(pairs, _one_hot_columns([p for p, _ in pairs], n, a.dtype), _one_hot_columns([q for _, q in pairs], n, a.dtype),
                 [p for p, _ in pairs], [q for _, q in pairs]) for pairs in _rounds(n) if pairs]
    off_diagonal = sd.logical_not(sd.eye(n, dtype="bool"))
    previous = float("inf")
    for _ in range(_MAX_SWEEPS):
        off = float(sd.max(sd.sum(sd.where(off_diagonal, sd.square(a), sd.zeros((), a.dtype)), axis=(-2, -1)))) if n > 1 else 0.0
        scale = float(sd.max(sd.sum(sd.square(a), axis=(-2, -1)))) if a.size else 0.0
        # Converged entries sit at rounding level (≈ eps·|A| each), so the test allows n·eps;
        # a sweep that no longer halves the off-diagonal mass has reached that floor too.
        if off <= (n * eps) ** 2 * scale or off > 0.5 * previous or n < 2:
            break
        previous = off
        for _pairs, p_hot, q_hot, ps, qs in schedule:
            app, aqq, apq = a[..., ps, ps], a[..., qs, qs], a[..., ps, qs]
            c, s = _angle(aqq - app, apq)
            rotation = _rotation(c, s, p_hot, q_hot, n, a.dtype)
            a = sd.matmul(sd.matmul(sd.swapaxes(rotation, -1, -2), a), rotation)
            vectors = sd.matmul(vectors, rotation)
    values = a[..., list(range(n)), list(range(n))] if n else sd.zeros(tuple(a.shape[:-1]), a.dtype)
    order = argsort(values, axis=-1).astype("int64") if n else sd.zeros(values.shape, "int64")
    values = take_along_axis(values, order, -1)
    vectors = take_along_axis(vectors, sd.broadcast_to(sd.expand_dims(order, -2), vectors.shape), -1)
    return values, vectors


def _one_sided(a):
    """Columns of a (..., m, n), m >= n, rotated until orthogonal: (a·V, V)."""
    n = a.shape[-1]
    vectors = sd.broadcast_to(sd.eye(n, dtype=a.dtype.name), tuple(a.shape[:-2]) + (n, n)) + sd.zeros((), a.dtype)
    eps = float(np.finfo(a.dtype).eps)
    schedule = [(_one_hot_columns([p for p, _ in pairs], n, a.dtype), _one_hot_columns([q for _, q in pairs], n, a.dtype),
                 [p for p, _ in pairs], [q for _, q in pairs]) for pairs in _rounds(n) if pairs]
    for _ in range(_MAX_SWEEPS):
        worst = 0.0
        for p_hot, q_hot, ps, qs in schedule:
            cols_p, cols_q = a[..., :, ps], a[..., :, qs]
            alpha = sd.sum(sd.square(cols_p), axis=-2)
            beta = sd.sum(sd.square(cols_q), axis=-2)
            gamma = sd.sum(cols_p * cols_q, axis=-2)
            worst = max(worst, float(sd.max(sd.absolute(gamma) / sd.maximum(sd.sqrt(alpha * beta), 1e-300))))
            c, s = _angle(beta - alpha, gamma)
            rotation = _rotation(c, s, p_hot, q_hot, n, a.dtype)
            a = sd.matmul(a, rotation)
            vectors = sd.matmul(vectors, rotation)
        if worst <= n * eps or n < 2:
            break
    return a, vectors


def _complete(u, m):
    """u (..., m, k) with orthonormal columns, extended to an orthonormal (..., m, m)."""
    k = u.shape[-1]
    if k == m:
        return u
    from .linalg_qr import qr
    identity = sd.broadcast_to(sd.eye(m, dtype=u.dtype.name), tuple(u.shape[:-2]) + (m, m))
    # Project the identity off span(u); QR of the rest gives the missing directions.
    rest = identity - sd.matmul(u, sd.swapaxes(u, -1, -2))
    q, _ = qr(sd.concatenate([u, rest], axis=-1), mode="complete")
    return sd.concatenate([u, q[..., :, k:]], axis=-1)


def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition: (u, s, vh) with x = u · diag(s) · vh and s descending,
    or only s with compute_uv=False."""
    a = float_tensor(x)
    if a.ndim < 2:
        raise ValueError(f"[svd] expects a matrix (or a batch of them); received shape {tuple(a.shape)}")
    m, n = a.shape[-2:]
    wide = m < n
    if wide:
        a = sd.swapaxes(a, -1, -2)
        m, n = n, m
    rotated, vectors = _one_sided(a)
    singular = sd.sqrt(sd.sum(sd.square(rotated), axis=-2))                          # (..., n)
    order = argsort(-singular, axis=-1).astype("int64")
    singular = take_along_axis(singular, order, -1)
    if not compute_uv:
        return singular
    column_order = sd.broadcast_to(sd.expand_dims(order, -2), rotated.shape)
    rotated = take_along_axis(rotated, column_order, -1)
    vectors = take_along_axis(vectors, sd.broadcast_to(sd.expand_dims(order, -2), vectors.shape), -1)
    safe = sd.where(sd.greater(singular, 0.0), singular, sd.ones((), singular.dtype))
    u = rotated / sd.expand_dims(safe, -2)
    if full_matrices:
        u = _complete(u, m)
    if wide:  # x = (aᵀ)ᵀ = v s uᵀ
        return vectors, singular, sd.swapaxes(u, -1, -2)
    return u, singular, sd.swapaxes(vectors, -1, -2)


def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse; singular values below rcond · max(s) are dropped
    (rcond defaults to max(m, n) · eps, as JAX does)."""
    a = float_tensor(x)
    m, n = a.shape[-2:]
    u, s, vh = svd(a, full_matrices=False)
    cutoff = (max(m, n) * float(np.finfo(a.dtype).eps) if rcond is None else float(rcond)) * sd.max(s, axis=-1, keepdims=True)
    inverse = sd.where(sd.greater(s, cutoff), 1.0 / sd.where(sd.greater(s, cutoff), s, sd.ones((), s.dtype)),
                       sd.zeros((), s.dtype))
    return sd.matmul(sd.swapaxes(vh, -1, -2) * sd.expand_dims(inverse, -2), sd.swapaxes(u, -1, -2))


def matrix_rank(x, tol=None):
    """The number of singular values above tol (default: max(s) · max(m, n) · eps), as int32."""
    a = float_tensor(x)
    if a.ndim < 2:
        raise ValueError(f"[matrix_rank] Expected input to have rank >= 2. Received input with shape {tuple(a.shape)}.")
    s = svd(a, compute_uv=False)
    m, n = a.shape[-2:]
    threshold = sd.max(s, axis=-1, keepdims=True) * (max(m, n) * float(np.finfo(a.dtype).eps)) if tol is None \
        else tensor(tol, a.dtype.name)
    return sd.sum(sd.greater(s, threshold), axis=-1).astype("int32")
