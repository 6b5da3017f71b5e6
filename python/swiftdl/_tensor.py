"""swiftdl.Tensor: an engine-backed n-dimensional array that behaves like numpy's ndarray."""
import operator

import numpy as np

from . import _C, _indexing, _ops, _shape
from ._convert import asarray, to_operand
from ._dtypes import code_of, dtype_of_code
from ._shape_tuple import Shape


def _binary(name):
    def method(self, other):
        try:
            return _ops.binary(name, self, other)
        except TypeError:
            if _is_foreign(other):
                return NotImplemented
            raise
    method.__name__ = f"__{name}__"
    return method


def _reflected(name):
    def method(self, other):
        try:
            a, b = _ops._pair(other, self, name)
        except TypeError:
            return NotImplemented
        return _C.binary(_ops.BINARY[name], a, b, None)
    return method


def _in_place(name):
    def method(self, other):
        a, b = _ops._pair(self, other, name)
        result = np.result_type(np.empty(0, a.dtype), np.empty(0, b.dtype))
        if name == "divide" and result.kind != "f":
            result = np.dtype(np.float64)
        # numpy's rule for in-place ops: the result must cast to self's dtype "same_kind".
        if not np.can_cast(result, self.dtype, casting="same_kind"):
            raise TypeError(f"Cannot cast ufunc '{name}' output from dtype('{result}') to dtype('{self.dtype}') with casting "
                            "rule 'same_kind'")
        _C.binary(_ops.BINARY[name], a, b, self)
        return self
    method.__name__ = f"__i{name}__"
    return method


def _is_foreign(value):
    """Values swiftdl cannot turn into a tensor: let Python try the other operand's method."""
    return not isinstance(value, (Tensor, np.ndarray, np.generic, int, float, bool, list, tuple))


_BASE_SHAPE = _C.TensorBase.shape  # the engine's descriptor, wrapped by Tensor.shape


class Tensor(_C.TensorBase):
    """An n-dimensional array whose memory and math live in the Swift engine.

    It supports numpy's operators, indexing, slicing and methods; `numpy.asarray(tensor)`
    shares its memory without copying. Create tensors with `swiftdl.asarray`,
    `swiftdl.zeros` and friends, or `Tensor(data, dtype=None)`.
    """

    # _keras_mask: the padding mask Keras layers attach to their outputs (None when unset).
    __slots__ = ("_keras_mask",)
    __hash__ = None  # type: ignore[assignment]  # mutable, as numpy arrays are
    __array_priority__ = 100

    def __new__(cls, data, dtype=None):
        return asarray(data, dtype=dtype)

    # ---- metadata -----------------------------------------------------------------
    @property
    def shape(self):
        # A tuple subclass, so numpy code sees a tuple and TensorFlow code finds as_list(), rank...
        return Shape(_BASE_SHAPE.__get__(self))

    def get_shape(self):
        """The shape (tf.Tensor.get_shape): the same value as `.shape`."""
        return self.shape

    @property
    def dtype(self):
        return dtype_of_code(self._dtype_code)

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def nbytes(self):
        return self.size * self.itemsize

    @property
    def T(self):
        return _shape.transpose(self)

    @property
    def mT(self):
        return _shape.swapaxes(self, -1, -2)

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    # ---- numpy interop -----------------------------------------------------------
    def numpy(self):
        """A numpy array sharing this tensor's memory (no copy); it keeps the tensor alive."""
        return np.asarray(memoryview(self))

    def __array__(self, dtype=None, copy=None):
        array = np.asarray(memoryview(self))
        if dtype is not None and np.dtype(dtype) != array.dtype:
            return array.astype(dtype)
        return array.copy() if copy else array

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from ._ufunc import array_ufunc
        return array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        from ._ufunc import array_function
        return array_function(func, types, args, kwargs)

    def item(self, *args):
        return self.numpy().item(*args)

    def tolist(self):
        return self.numpy().tolist()

    def _scalar(self, kind):
        if self.size != 1:
            raise TypeError(f"only length-1 tensors can be converted to Python {kind.__name__}s")
        return kind(self.numpy().reshape(()).item())

    def __float__(self):
        return self._scalar(float)

    def __int__(self):
        return self._scalar(int)

    def __index__(self):
        if self.ndim != 0 or self.dtype.kind not in "iu":
            raise TypeError("only integer scalar tensors can be converted to a scalar index")
        return int(self.numpy().item())

    def __bool__(self):
        if self.size != 1:
            qualifier = "an empty array" if self.size == 0 else "an array with more than one element"
            raise ValueError(f"The truth value of {qualifier} is ambiguous. Use a.any() or a.all()")
        return bool(self.numpy().reshape(()).item())

    def __complex__(self):
        return complex(self._scalar(float))

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(self.shape[0]):
            yield self[i]

    def __repr__(self):
        # numpy's own repr (dtype, shape= for empty and summarised arrays, line wrapping),
        # renamed and re-indented for the one extra letter of "Tensor(".
        return "Tensor(" + repr(self.numpy())[len("array("):].replace("\n", "\n ")

    def __str__(self):
        return np.array2string(self.numpy())

    def __format__(self, spec):
        if self.ndim == 0:
            return format(self.item(), spec)
        return format(str(self), spec)

    def __copy__(self):
        return asarray(self, copy=True)

    def __deepcopy__(self, memo):
        return asarray(self, copy=True)

    def __reduce__(self):
        # Pickling goes through numpy's own data format; unpickling builds a fresh tensor.
        return (asarray, (self.numpy().copy(),))

    # ---- indexing ----------------------------------------------------------------
    def __getitem__(self, key):
        return _indexing.getitem(self, key)

    def __setitem__(self, key, value):
        _indexing.setitem(self, key, value)

    # ---- arithmetic and comparison ----------------------------------------------
    __add__ = _binary("add")
    __sub__ = _binary("subtract")
    __mul__ = _binary("multiply")
    __truediv__ = _binary("divide")
    __floordiv__ = _binary("floor_divide")
    __mod__ = _binary("remainder")
    __pow__ = _binary("power")
    __and__ = _binary("bitwise_and")
    __or__ = _binary("bitwise_or")
    __xor__ = _binary("bitwise_xor")
    __eq__ = _binary("equal")
    __ne__ = _binary("not_equal")
    __lt__ = _binary("less")
    __le__ = _binary("less_equal")
    __gt__ = _binary("greater")
    __ge__ = _binary("greater_equal")

    __radd__ = _reflected("add")
    __rsub__ = _reflected("subtract")
    __rmul__ = _reflected("multiply")
    __rtruediv__ = _reflected("divide")
    __rfloordiv__ = _reflected("floor_divide")
    __rmod__ = _reflected("remainder")
    __rpow__ = _reflected("power")
    __rand__ = _reflected("bitwise_and")
    __ror__ = _reflected("bitwise_or")
    __rxor__ = _reflected("bitwise_xor")

    __iadd__ = _in_place("add")
    __isub__ = _in_place("subtract")
    __imul__ = _in_place("multiply")
    __itruediv__ = _in_place("divide")
    __ifloordiv__ = _in_place("floor_divide")
    __imod__ = _in_place("remainder")
    __ipow__ = _in_place("power")
    __iand__ = _in_place("bitwise_and")
    __ior__ = _in_place("bitwise_or")
    __ixor__ = _in_place("bitwise_xor")

    def __matmul__(self, other):
        return _ops.matmul(self, to_operand(other, self.dtype))

    def __rmatmul__(self, other):
        return _ops.matmul(to_operand(other, self.dtype), self)

    def __imatmul__(self, other):
        result = _ops.matmul(self, other)
        if result.shape != self.shape:
            raise ValueError(f"matmul result shape {result.shape} does not match the in-place operand {self.shape}")
        _C.assign(self, result)
        return self

    def __neg__(self):
        return _ops.negative(self)

    def __pos__(self):
        return asarray(self, copy=True)

    def __abs__(self):
        return _ops.absolute(self)

    def __invert__(self):
        return _ops.invert(self)

    def __divmod__(self, other):
        return _ops.floor_divide(self, other), _ops.remainder(self, other)

    def __rdivmod__(self, other):
        return _ops.floor_divide(other, self), _ops.remainder(other, self)

    def __round__(self, ndigits=None):
        """round(t) and round(t, n): half to even, like numpy.round."""
        if not ndigits:
            return _ops.rint(self)
        scale = 10.0 ** operator.index(ndigits)
        return _ops.divide(_ops.rint(_ops.multiply(self, scale)), scale)

    # ---- numpy methods ----------------------------------------------------------
    def astype(self, dtype, copy=True):
        """A copy converted to `dtype` (numpy's casting: wrap-around, truncation toward 0)."""
        if not copy and self.dtype == np.dtype(dtype):
            return self
        return _C.cast(self, code_of(dtype))

    def copy(self):
        return _C.cast(self, self._dtype_code)

    def reshape(self, *shape):
        return _shape.reshape(self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes):
        if not axes:
            return _shape.transpose(self)
        return _shape.transpose(self, axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes)

    def swapaxes(self, axis1, axis2):
        return _shape.swapaxes(self, axis1, axis2)

    def ravel(self):
        return _shape.ravel(self)

    def flatten(self):
        return _shape.ravel(self).copy()

    def squeeze(self, axis=None):
        return _shape.squeeze(self, axis)

    def take(self, indices, axis=None):
        return _shape.take(self, indices, axis)

    def fill(self, value):
        self[...] = value

    def sum(self, axis=None, dtype=None, keepdims=False):
        return _ops.sum(self, axis, dtype, keepdims)

    def prod(self, axis=None, dtype=None, keepdims=False):
        return _ops.prod(self, axis, dtype, keepdims)

    def mean(self, axis=None, dtype=None, keepdims=False):
        return _ops.mean(self, axis, dtype, keepdims)

    def max(self, axis=None, keepdims=False):
        return _ops.max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return _ops.min(self, axis, keepdims)

    def argmax(self, axis=None, keepdims=False):
        return _ops.argmax(self, axis, keepdims)

    def argmin(self, axis=None, keepdims=False):
        return _ops.argmin(self, axis, keepdims)

    def any(self, axis=None, keepdims=False):
        return _ops.any(self, axis, keepdims)

    def all(self, axis=None, keepdims=False):
        return _ops.all(self, axis, keepdims)

    def var(self, axis=None, dtype=None, ddof=0, keepdims=False):
        return _ops.var(self, axis, dtype, ddof, keepdims)

    def std(self, axis=None, dtype=None, ddof=0, keepdims=False):
        return _ops.std(self, axis, dtype, ddof, keepdims)

    def clip(self, min=None, max=None):  # noqa: A002
        return _ops.clip(self, min, max)

    def dot(self, other):
        return _ops.dot(self, other)

    def nonzero(self):
        return _ops.nonzero(self)

    def round(self, decimals=0):
        """Rounded half to even at `decimals` (numpy's ndarray.round)."""
        if decimals == 0:
            return _ops.rint(self) if self.dtype.kind == "f" else self.copy()
        from ._numpy_elementwise import around
        return around(self, decimals)

    # numpy's ndarray methods over the numpy-style functions.
    def _accumulator(self, dtype):
        """numpy's accumulation dtype: integers and bools narrower than int64 accumulate in int64."""
        if dtype is None and self.dtype.kind in "biu" and self.dtype.itemsize < 8:
            return np.int64
        return dtype

    def cumsum(self, axis=None, dtype=None):
        from ._tf_face import cumsum
        return cumsum(self, axis=axis, dtype=self._accumulator(dtype))

    def cumprod(self, axis=None, dtype=None):
        from ._tf_face import cumprod
        return cumprod(self, axis=axis, dtype=self._accumulator(dtype))

    def argsort(self, axis=-1, kind=None, order=None):
        """Indices that sort along `axis` (int64, as numpy's)."""
        from ._tf_face import argsort
        if order is not None:
            raise ValueError("swiftdl tensors have no fields: order= is not supported")
        stable = kind in ("stable", "mergesort")
        if axis is None:
            return argsort(self.reshape((-1,)), axis=-1, stable=stable).astype(np.int64)
        return argsort(self, axis=axis, stable=stable).astype(np.int64)

    def sort(self, axis=-1, kind=None, order=None):
        """Sorts in place along `axis`, as numpy's ndarray.sort (returns None)."""
        from ._tf_face import sort
        if order is not None:
            raise ValueError("swiftdl tensors have no fields: order= is not supported")
        self[...] = sort(self, axis=axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        from ._numpy_arrangement import diagonal
        return diagonal(self, offset, axis1, axis2)

    def trace(self, offset=0, axis1=0, axis2=1, dtype=None):
        from ._numpy_arrangement import trace
        return trace(self, offset, axis1, axis2, dtype)

    def repeat(self, repeats, axis=None):
        from ._tf_face import repeat
        return repeat(self, repeats, axis=axis)

    def searchsorted(self, v, side="left", sorter=None):
        """Insertion indices (int64) of `v` in this sorted 1-D tensor."""
        from ._tf_face import searchsorted
        if sorter is not None:
            return searchsorted(self[sorter], v, side=side, out_type=np.int64)
        return searchsorted(self, v, side=side, out_type=np.int64)

    def conj(self):
        """The complex conjugate: a copy, for swiftdl's real dtypes."""
        return self.copy()

    conjugate = conj

    @property
    def real(self):
        return self

    @property
    def imag(self):
        from ._creation import zeros
        return zeros(tuple(self.shape), dtype=self.dtype)

    def tobytes(self, order="C"):
        return self.numpy().tobytes(order=order)

    def __dir__(self):
        return sorted(set(super().__dir__()))


_C.set_tensor_class(Tensor)
