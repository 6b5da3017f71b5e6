"""tf.linalg's tridiagonal and banded systems: tridiagonal_solve, tridiagonal_matmul,
banded_triangular_solve.

Diagonals come in TensorFlow's formats: "compact" (..., 3, M) holding the superdiagonal
(its last entry ignored), the main diagonal and the subdiagonal (its first entry ignored);
"sequence", those three as a tuple of (..., M); "matrix", the full (..., M, M).

NOTE: the solves build the dense matrix (a gather) and run the engine's partial-pivoting
LU or triangular solve on it: O(M³) where TensorFlow's Thomas/band algorithms are O(M),
but exact in the same sense, differentiable by the tape, and fine for the M of a few
hundred that such systems have in models (splines, 1-D PDE steps).
"""
from . import _creation, _shape
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from ._tf_linalg_diagonals import diag, diag_part
from .errors import InvalidArgumentError, raises_tf_errors

_FORMATS = ("compact", "sequence", "matrix")


def _float(x):
    x = x if isinstance(x, TensorBase) else convert_to_tensor(x)
    return x if x.dtype.kind == "f" else x.astype("float32")


def _compact(diagonals, diagonals_format, op):
    """diagonals as the compact (..., 3, M) form."""
    if diagonals_format not in _FORMATS:
        raise ValueError(f"[{op}] diagonals_format must be one of {_FORMATS}; received {diagonals_format!r}")
    if diagonals_format == "sequence":
        if not isinstance(diagonals, (tuple, list)) or len(diagonals) != 3:
            raise ValueError(f"[{op}] diagonals_format='sequence' expects a tuple (superdiag, maindiag, subdiag)")
        parts = [_float(d) for d in diagonals]
        return _shape.stack([p.astype(parts[1].dtype) for p in parts], axis=-2)
    diagonals = _float(diagonals)
    if diagonals_format == "matrix":
        if diagonals.ndim < 2 or diagonals.shape[-1] != diagonals.shape[-2]:
            raise ValueError(f"[{op}] diagonals_format='matrix' expects square matrices; received shape "
                             f"{tuple(diagonals.shape)}")
        return diag_part(diagonals, k=(-1, 1), align="LEFT_RIGHT")
    if diagonals.ndim < 2 or diagonals.shape[-2] != 3:
        raise ValueError(f"[{op}] compact diagonals must have shape (..., 3, M); received {tuple(diagonals.shape)}")
    return diagonals


def _dense(compact):
    """The (..., M, M) tridiagonal matrix of compact diagonals (ignored entries dropped)."""
    m = compact.shape[-1]
    return diag(compact, k=(-1, 1), num_rows=m, num_cols=m, align="LEFT_RIGHT")


@raises_tf_errors
def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False, conjugate_rhs=False,
                      name=None, partial_pivoting=True, perturb_singular=False):
    """x with A @ x = rhs for tridiagonal A (tf.linalg.tridiagonal_solve).

    Args:
        diagonals: A in the format `diagonals_format` names (see the module docstring).
        rhs: (..., M) or (..., M, K); (..., K, M) with transpose_rhs (then transposed
            before solving, and the solution is (..., M, K)).
        conjugate_rhs: conjugates rhs (real tensors: no effect).
        partial_pivoting, perturb_singular: accepted for TensorFlow's signature; the
            dense solve always pivots.

    Returns:
        The solution, of rhs's shape (after the transpose).

    Raises:
        ValueError: on a format, rank or size that does not fit.
    """
    compact = _compact(diagonals, diagonals_format, "tridiagonal_solve")
    b = _float(rhs).astype(compact.dtype)
    vector = b.ndim == compact.ndim - 1
    if not vector and b.ndim != compact.ndim:
        raise ValueError(f"[tridiagonal_solve] expected rhs of rank {compact.ndim - 1} or {compact.ndim}; received "
                         f"shape {tuple(b.shape)}")
    if vector:
        b = _shape.expand_dims(b, -1)
    elif transpose_rhs:
        b = _shape.swapaxes(b, -1, -2)
    if b.shape[-2] != compact.shape[-1]:
        raise ValueError(f"[tridiagonal_solve] expected {compact.shape[-1]} rows of rhs to match the diagonals; "
                         f"received rhs of shape {tuple(b.shape)}")
    from .keras.ops import solve
    x = solve(_dense(compact), b)
    return x[..., 0] if vector else x


@raises_tf_errors
def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    """A @ rhs for tridiagonal A given by its diagonals (tf.linalg.tridiagonal_matmul);
    rhs is (..., M, N)."""
    compact = _compact(diagonals, diagonals_format, "tridiagonal_matmul")
    b = _float(rhs).astype(compact.dtype)
    m = compact.shape[-1]
    if b.ndim < 2 or b.shape[-2] != m:
        raise ValueError(f"[tridiagonal_matmul] rhs must have shape (..., {m}, N); received {tuple(b.shape)}")
    superdiag, maindiag, subdiag = (_shape.expand_dims(compact[..., i, :], -1) for i in range(3))
    zero_row = _creation.zeros(tuple(b.shape[:-2]) + (1, b.shape[-1]), b.dtype)
    below = _shape.concatenate([b[..., 1:, :], zero_row], axis=-2)     # row i holds rhs[i + 1]
    above = _shape.concatenate([zero_row, b[..., :-1, :]], axis=-2)    # row i holds rhs[i - 1]
    return maindiag * b + superdiag * below + subdiag * above


@raises_tf_errors
def banded_triangular_solve(bands, rhs, lower=True, adjoint=False, name=None):
    """x with A @ x = rhs (or Aᵀ x = rhs with adjoint) for triangular A stored by its K
    diagonals (tf.linalg.banded_triangular_solve).

    Args:
        bands: (..., K, M): for lower, the main diagonal then the K - 1 below it (each
            right-aligned); for upper, the K - 1-th superdiagonal down to the main one
            (each left-aligned): TensorFlow's LEFT_RIGHT layout.
        rhs: (..., M, N).
    """
    from .linalg import triangular_solve
    bands = _float(bands)
    if bands.ndim < 2:
        raise InvalidArgumentError(None, None, f"[banded_triangular_solve] bands must be at least 2-D; received "
                                   f"{tuple(bands.shape)}")
    count, m = bands.shape[-2:]
    if count > m or count < 1:
        raise InvalidArgumentError(None, None, f"[banded_triangular_solve] expected 1 to {m} bands; received {count}")
    band = (-(count - 1), 0) if lower else (0, count - 1)
    matrix = diag(bands, k=band, num_rows=m, num_cols=m, align="LEFT_RIGHT")
    b = _float(rhs).astype(bands.dtype)
    if b.ndim < 2 or b.shape[-2] != m:
        raise InvalidArgumentError(None, None, f"[banded_triangular_solve] rhs must have shape (..., {m}, N); received "
                                   f"{tuple(b.shape)}")
    return triangular_solve(matrix, b, lower=lower, adjoint=adjoint)

