"""keras.ops.linalg: norm here; solve, inv, det, slogdet, logdet, lu_factor, cholesky,
cholesky_inverse, solve_triangular, qr, lstsq, eigh, svd, pinv and matrix_rank composed
from engine ops in the modules imported at the end; eig (complex results, through LAPACK,
no gradient) in complex_values."""
import numpy as np

import swiftdl as sd

from ._convert import canonical_axes, float_tensor


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002
    """Vector or matrix norm with numpy.linalg.norm's ord values ('nuc' and ±2 for matrices
    through singular values). axis None: the 2-norm of the flattened x for ord None, else
    by x's rank."""
    x = float_tensor(x)
    if axis is None:
        if ord is None:
            result = sd.sqrt(sd.sum(sd.square(x), keepdims=keepdims))
            return result
        if x.ndim not in (1, 2):
            raise ValueError(f"[norm] ord={ord!r} with axis=None needs a 1-D or 2-D tensor; received shape {tuple(x.shape)}")
        axis = tuple(range(x.ndim))
    axes = canonical_axes(axis, x.ndim, "norm")
    if len(axes) == 1:
        return _vector_norm(x, ord, axes, keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, axes, keepdims)
    raise ValueError(f"[norm] axis must name one or two axes; received axis={axis!r}")


def _vector_norm(x, ord, axes, keepdims):  # noqa: A002
    magnitude = sd.absolute(x)
    if ord is None or ord == 2:
        return sd.sqrt(sd.sum(sd.square(x), axis=axes, keepdims=keepdims))
    if ord == np.inf:
        return sd.max(magnitude, axis=axes, keepdims=keepdims)
    if ord == -np.inf:
        return sd.min(magnitude, axis=axes, keepdims=keepdims)
    if ord == 0:
        return sd.sum(sd.not_equal(x, 0.0), axis=axes, keepdims=keepdims).astype(x.dtype)
    if ord == 1:
        return sd.sum(magnitude, axis=axes, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"[norm] Invalid `ord` argument for vector norm. Received: ord={ord!r}")
    ord = float(ord)
    return sd.power(sd.sum(sd.power(magnitude, ord), axis=axes, keepdims=keepdims), 1.0 / ord)


def _matrix_norm(x, ord, axes, keepdims):  # noqa: A002
    row, col = axes
    magnitude = sd.absolute(x)
    if ord is None or ord == "fro":
        result = sd.sqrt(sd.sum(sd.square(x), axis=axes, keepdims=True))
    elif ord in (1, -1):
        sums = sd.sum(magnitude, axis=row, keepdims=True)
        result = (sd.max if ord == 1 else sd.min)(sums, axis=col, keepdims=True)
    elif ord in (np.inf, -np.inf):
        sums = sd.sum(magnitude, axis=col, keepdims=True)
        result = (sd.max if ord == np.inf else sd.min)(sums, axis=row, keepdims=True)
    elif ord in ("nuc", 2, -2):
        from .linalg_jacobi import svd
        moved = sd.moveaxis(x, (row, col), (-2, -1))
        singular = svd(moved, compute_uv=False)
        value = {"nuc": sd.sum, 2: sd.max, -2: sd.min}[ord](singular, axis=-1)
        shape = list(x.shape)
        shape[row] = shape[col] = 1
        result = sd.reshape(value, shape)
    else:
        raise ValueError(f"[norm] Invalid `ord` argument for matrix norm. Received: ord={ord!r}")
    return result if keepdims else sd.squeeze(result, axis=axes)


from .linalg_elimination import det, inv, lu_factor, slogdet, solve  # noqa: E402
from .linalg_jacobi import eigh, matrix_rank, pinv, svd  # noqa: E402
from .linalg_qr import lstsq, qr  # noqa: E402
from .linalg_triangular import cholesky, cholesky_inverse, logdet, solve_triangular  # noqa: E402
from .complex_values import eig  # noqa: E402
from .forward_mode import jvp  # noqa: E402

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "logdet", "lstsq", "lu_factor",
           "matrix_rank", "norm", "pinv", "qr", "slogdet", "solve", "solve_triangular", "svd"]
