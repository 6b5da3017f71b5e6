"""keras.ops on complex values: view_as_complex, view_as_real, polar and eig, and the
complex cases of real, imag, conj, angle and abs.

The engine has no complex dtype. A complex result is a `swiftdl.signal.ComplexTensor`, a
real and an imaginary engine tensor (what tf.signal's transforms return), so arithmetic
on it and its parts stays differentiable; numpy sees it as complex64 or complex128.
Numpy complex arrays are accepted as inputs.
"""
import numpy as np

import swiftdl as sd

from ._convert import float_tensor, tensor


def complex_value(x):
    """x as a ComplexTensor when it holds complex values (a ComplexTensor or a numpy/Python
    complex value), else None."""
    from swiftdl.signal import ComplexTensor
    if isinstance(x, ComplexTensor):
        return x
    if isinstance(x, (sd.Tensor, sd.Variable)) or not np.iscomplexobj(x):
        return None
    from swiftdl.signal._complex import as_complex
    return as_complex(x, "complex")


def view_as_complex(x):
    """A real tensor of shape (..., 2) as complex64 values of shape (...): the last axis
    holds the real and imaginary parts (Keras casts to complex64 whatever the input's
    precision)."""
    from swiftdl.signal import ComplexTensor
    x = tensor(x)
    if x.ndim < 1 or x.shape[-1] != 2:
        raise ValueError(f"Last dimension of input must be size 2 (real and imaginary). Received shape: {tuple(x.shape)}")
    return ComplexTensor(x[..., 0].astype("float32"), x[..., 1].astype("float32"))


def view_as_real(x):
    """Complex values as a real tensor of shape (..., 2): real and imaginary parts on the
    last axis. Real input gets a zero imaginary part."""
    value = complex_value(x)
    if value is None:
        real = float_tensor(x)
        return sd.stack([real, sd.zeros_like(real)], axis=-1)
    return sd.stack([value.real, value.imag], axis=-1)


def polar(abs_, angle):
    """The complex numbers abs_·(cos(angle) + i·sin(angle)) (torch.polar's meaning)."""
    from swiftdl.signal import ComplexTensor
    magnitude, phase = float_tensor(abs_), float_tensor(angle)
    return ComplexTensor(magnitude * sd.cos(phase), magnitude * sd.sin(phase))


def eig(x):
    """Eigenvalues (..., M) and right eigenvectors (..., M, M) of square matrices, as
    complex values (complex64 for float32 input, complex128 for float64).

    LAPACK's geev through numpy does the work (Hessenberg reduction and shifted QR; the
    engine has no nonsymmetric eigensolver). The results carry no gradient: for symmetric
    matrices, `eigh` is differentiable.
    """
    from swiftdl.signal import ComplexTensor
    value = complex_value(x)
    matrices = value.numpy() if value is not None else np.asarray(float_tensor(x))
    if matrices.ndim < 2 or matrices.shape[-1] != matrices.shape[-2]:
        raise ValueError(f"Input tensor to `eig` must be square, i.e. of shape (..., M, M); received shape "
                         f"{tuple(matrices.shape)}")
    if not np.all(np.isfinite(matrices)):
        raise ValueError("[eig] input must be finite; received NaN or infinite entries")
    values, vectors = np.linalg.eig(matrices)
    part = np.float32 if matrices.dtype in (np.float32, np.complex64) else np.float64

    def as_tensor(array):
        array = np.asarray(array, dtype=np.complex64 if part is np.float32 else np.complex128)
        return ComplexTensor(sd.asarray(np.ascontiguousarray(array.real)), sd.asarray(np.ascontiguousarray(array.imag)))

    return as_tensor(values), as_tensor(vectors)


def real(x):
    value = complex_value(x)
    return tensor(x) if value is None else value.real


def imag(x):
    value = complex_value(x)
    return sd.zeros_like(tensor(x)) if value is None else value.imag


def conjugate(x):
    value = complex_value(x)
    return tensor(x) if value is None else value.conj()


def complex_angle(value):
    """The argument atan2(imag, real) of complex values."""
    return sd.arctan2(value.imag, value.real)
