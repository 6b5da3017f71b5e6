"""tf.linalg's matrix functions: expm (matrix_exponential), sqrtm (matrix_square_root), logm.

All three are rational iterations in engine matmuls and solves, so the tape differentiates
them; numpy only picks, from the values, how many steps each matrix needs:

- expm: Higham's scaling and squaring with the [13/13] Padé approximant (as TensorFlow and
  scipy), each matrix scaled by its own 2^-s and squared s times.
- sqrtm: the Denman-Beavers iteration with determinant scaling, until it stops moving.
- logm: inverse scaling and squaring: square roots until ‖A - I‖₁ ≤ 1/4, then the [12/12]
  Padé approximant of log(I + X) in partial fractions (12-point Gauss-Legendre), times 2^k.
  Complex matrices run as the real matrices [[X, -Y], [Y, X]], an embedding every
  rational function (and so each step here) commutes with.
"""
import math

import numpy as np

from . import _creation, _ops, _shape
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from ._tf_math import matmul
from .errors import InvalidArgumentError, raises_tf_errors

# Higham (2005), "The scaling and squaring method for the matrix exponential revisited".
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
           10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152
_LOG_NODES, _LOG_WEIGHTS = np.polynomial.legendre.leggauss(12)
_MAX_STEPS = 60


def _float_square(x, op):
    x = x if isinstance(x, TensorBase) else convert_to_tensor(x)
    x = x if x.dtype.kind == "f" else x.astype(np.float32)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise InvalidArgumentError(None, None, f"[{op}] input must be square matrices (..., n, n); received shape "
                                   f"{tuple(x.shape)}")
    return x


def _solve(a, b):
    from .keras.ops import solve
    return solve(a, b)


def _eye_like(x):
    return _shape.broadcast_to(_creation.eye(x.shape[-1], dtype=x.dtype), tuple(x.shape))


def _one_norms(x):
    """‖x‖₁ of each matrix, as a numpy array of the batch shape."""
    return np.abs(x.numpy()).sum(axis=-2).max(axis=-1, initial=0.0)


def _per_matrix(values, x):
    """A batch-shaped numpy array as a tensor broadcasting against (..., n, n)."""
    return _creation.array(np.asarray(values, x.dtype.name)[..., None, None])


@raises_tf_errors
def expm(input, name=None):  # noqa: A002
    """The matrix exponential of square matrices (tf.linalg.expm).

    Raises:
        InvalidArgumentError: for a non-square input.
    """
    x = _float_square(input, "expm")
    if x.shape[-1] == 0 or x.size == 0:
        return x * 1.0
    norms = _one_norms(x)
    if not np.all(np.isfinite(norms)):
        return x * _creation.full((), np.nan, x.dtype)
    steps = np.maximum(0, np.ceil(np.log2(np.maximum(norms, 1e-300) / _THETA13))).astype(np.int64)
    a = x * _per_matrix(np.exp2(-steps.astype(np.float64)), x)
    eye = _eye_like(a)
    a2 = matmul(a, a)
    a4 = matmul(a2, a2)
    a6 = matmul(a4, a2)
    b = _PADE13
    u = matmul(a, matmul(a6, b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = matmul(a6, b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    result = _solve(v - u, v + u)
    for step in range(int(steps.max(initial=0))):
        result = _ops.where(_per_matrix(steps > step, x).astype(np.bool_), matmul(result, result), result)
    return result


def _denman_beavers(x):
    """The principal square root of x by the scaled Denman-Beavers iteration."""
    from .keras.ops import inv, slogdet
    y, z = x, _eye_like(x)
    n = x.shape[-1]
    for step in range(_MAX_STEPS):
        if step < 8:   # determinant scaling while far from convergence
            _, log_y = slogdet(y)
            _, log_z = slogdet(z)
            scale = _shape.expand_dims(_ops.exp(-(log_y + log_z) / (2.0 * n)), (-1, -2))
            y, z = y * scale, z * scale
        y_next = 0.5 * (y + inv(z))
        z = 0.5 * (z + inv(y))
        change = np.abs(y_next.numpy() - y.numpy()).max(initial=0.0)
        size = np.abs(y_next.numpy()).max(initial=0.0)
        y = y_next
        if change <= 8 * np.finfo(x.dtype.name).eps * size:
            break
    return y


@raises_tf_errors
def sqrtm(input, name=None):  # noqa: A002
    """The principal square root of square matrices, those without eigenvalues on the
    closed negative real axis (tf.linalg.sqrtm, tf.linalg.matrix_square_root).

    Raises:
        InvalidArgumentError: for a non-square input.
    """
    x = _float_square(input, "sqrtm")
    if x.shape[-1] == 0:
        return x
    return _denman_beavers(x)


def _complex_parts(x, op):
    """(real, imag) float tensors of complex or real matrices."""
    from .keras.ops.complex_values import complex_value
    value = complex_value(x)
    if value is None:
        real = _float_square(x, op)
        return real, _ops.multiply(real, 0.0)
    real = _float_square(value.real, op)
    return real, value.imag.astype(real.dtype)


@raises_tf_errors
def logm(input, name=None):  # noqa: A002
    """The principal matrix logarithm (tf.linalg.logm) of matrices without eigenvalues on
    the closed negative real axis.

    Args:
        input: complex matrices (..., n, n): a ComplexTensor, a numpy complex array, or
            real values (taken as complex with zero imaginary part).

    Returns:
        A ComplexTensor (complex64 or complex128, as the input's precision).
    """
    from .signal import ComplexTensor
    real, imag = _complex_parts(input, "logm")
    n = real.shape[-1]
    if n == 0:
        return ComplexTensor(real, imag)
    a = _shape.concatenate([_shape.concatenate([real, -imag], axis=-1), _shape.concatenate([imag, real], axis=-1)],
                           axis=-2)
    eye = _eye_like(a)
    roots = 0
    while roots < _MAX_STEPS and float(_one_norms(a - eye).max(initial=0.0)) > 0.25:
        a = _denman_beavers(a)
        roots += 1
    shifted = a - eye
    log = sum(float(w) / 2 * _solve(eye + float(t + 1) / 2 * shifted, shifted)
              for t, w in zip(_LOG_NODES, _LOG_WEIGHTS))
    log = log * math.ldexp(1.0, roots)
    return ComplexTensor(log[..., n:, n:], log[..., n:, :n])
