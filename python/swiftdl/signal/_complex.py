"""ComplexTensor: the complex values tf.signal's transforms return.

The engine has no complex dtype, so a complex tensor is a pair of real engine tensors of
one float dtype (float32 for complex64, float64 for complex128). Arithmetic, indexing,
`abs()` and `.real`/`.imag` are engine ops on the two parts, so gradients flow through a
spectrogram's magnitude or real part back to the signal; `numpy()` and `np.asarray` give
a numpy complex array."""
import numpy as np

from .. import _ops
from .._convert import TensorBase, asarray
from .._tf_array import broadcast_to, where
from .._tf_cast import convert_to_tensor
from .._tf_dtypes import as_dtype
from ..errors import InvalidArgumentError


class ComplexTensor:
    """A complex tensor held as real and imaginary engine tensors.

    Args:
        real: the real part, a float32 or float64 tensor.
        imag: the imaginary part, of the same shape (cast to real's dtype).
    """

    __array_priority__ = 100   # numpy defers to our operators (array * ComplexTensor)

    def __init__(self, real, imag):
        real = real if isinstance(real, TensorBase) else convert_to_tensor(real)
        imag = imag if isinstance(imag, TensorBase) else convert_to_tensor(imag)
        if real.dtype.kind != "f":
            real = real.astype("float32")
        imag = imag.astype(real.dtype.name)
        if tuple(real.shape) != tuple(imag.shape):
            shape = np.broadcast_shapes(tuple(real.shape), tuple(imag.shape))
            real, imag = broadcast_to(real, shape), broadcast_to(imag, shape)
        self._real, self._imag = real, imag

    @property
    def real(self):
        return self._real

    @property
    def imag(self):
        return self._imag

    @property
    def shape(self):
        return self._real.shape

    @property
    def ndim(self):
        return self._real.ndim

    @property
    def dtype(self):
        return as_dtype("complex64" if self._real.dtype.name == "float32" else "complex128")

    def numpy(self):
        real, imag = np.asarray(self._real), np.asarray(self._imag)
        return (real + 1j * imag).astype(np.complex64 if real.dtype == np.float32 else np.complex128)

    def __array__(self, dtype=None, copy=None):
        values = self.numpy()
        return values if dtype is None else values.astype(dtype)

    def __repr__(self):
        return f"ComplexTensor({self.numpy()!r}, dtype={self.dtype.name})"

    def __len__(self):
        return len(self._real)

    def __getitem__(self, key):
        return ComplexTensor(self._real[key], self._imag[key])

    def __abs__(self):
        # A zero value's magnitude has gradient 0, not 0/0 (TensorFlow's div_no_nan rule).
        squares = self._real * self._real + self._imag * self._imag
        positive = _ops.greater(squares, 0.0)
        return where(positive, _ops.sqrt(where(positive, squares, _ops.add(squares, 1.0))), squares)

    def abs(self):
        """The magnitude sqrt(real² + imag²), a real tensor."""
        return abs(self)

    def conj(self):
        return ComplexTensor(self._real, -self._imag)

    def __neg__(self):
        return ComplexTensor(-self._real, -self._imag)

    def __add__(self, other):
        other = _operand(other, self)
        return ComplexTensor(self._real + other.real, self._imag + other.imag)

    __radd__ = __add__

    def __sub__(self, other):
        other = _operand(other, self)
        return ComplexTensor(self._real - other.real, self._imag - other.imag)

    def __rsub__(self, other):
        return _operand(other, self) - self

    def __mul__(self, other):
        other = _operand(other, self)
        return ComplexTensor(self._real * other.real - self._imag * other.imag,
                             self._real * other.imag + self._imag * other.real)

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = _operand(other, self)
        scale = other.real * other.real + other.imag * other.imag
        return ComplexTensor((self._real * other.real + self._imag * other.imag) / scale,
                             (self._imag * other.real - self._real * other.imag) / scale)


def _operand(value, like):
    if isinstance(value, ComplexTensor):
        return value
    values = value if isinstance(value, TensorBase) else np.asarray(value)
    if not isinstance(values, TensorBase) and values.dtype.kind == "c":
        return ComplexTensor(asarray(values.real.astype(like.real.dtype)), asarray(values.imag.astype(like.real.dtype)))
    real = values if isinstance(values, TensorBase) else asarray(values.astype(like.real.dtype))
    return ComplexTensor(real.astype(like.real.dtype.name), _ops.multiply(real.astype(like.real.dtype.name), 0.0))


def as_complex(x, op):
    """`x` (a ComplexTensor or a numpy/Python complex value) as a ComplexTensor.

    Raises:
        InvalidArgumentError: for real input, as TensorFlow's complex ops do.
    """
    if isinstance(x, ComplexTensor):
        return x
    values = None if isinstance(x, TensorBase) else np.asarray(x)
    if values is None or values.dtype.kind != "c":
        dtype = x.dtype if values is None else values.dtype
        raise InvalidArgumentError(None, None, f"[{op}] input must be complex64 or complex128 (a ComplexTensor or a "
                                   f"numpy complex array); received dtype {np.dtype(dtype).name}")
    part = np.float32 if values.dtype == np.complex64 else np.float64
    return ComplexTensor(asarray(np.ascontiguousarray(values.real, part)), asarray(np.ascontiguousarray(values.imag, part)))


def as_real(x, op):
    """`x` as a float32 or float64 tensor (TensorFlow's rfft, stft and dct inputs).

    Raises:
        ValueError: for complex or integer input (TensorFlow's error).
    """
    if isinstance(x, ComplexTensor) or (not isinstance(x, TensorBase) and np.iscomplexobj(x)):
        raise ValueError(f"[{op}] requires float32 or float64 inputs; received complex values")
    tensor = x if isinstance(x, TensorBase) else convert_to_tensor(x)
    if tensor.dtype.name not in ("float32", "float64"):
        raise ValueError(f"[{op}] requires float32 or float64 inputs; received {tensor.dtype.name}")
    return tensor
