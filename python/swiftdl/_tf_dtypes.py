"""TensorFlow's dtype objects (tf.DType, tf.float32, ...) that numpy also understands.

`swiftdl.float32` is a `DType`: TensorFlow code reads `.name`, `.is_floating`, `.max`,
`.as_numpy_dtype`; numpy code passes it wherever a dtype goes (`np.zeros(3, sd.float32)`,
`x.astype(sd.float32)`, `x.dtype == sd.float32`), calls it to make a scalar
(`sd.float32(1.5)`), and tests `isinstance(v, sd.float32)`: numpy sees it through its
`dtype` attribute, and calls and instance checks go to numpy's scalar type.
"""
import numpy as np

from ._dtypes import as_dtype as engine_dtype
from ._dtypes import is_supported


class DType:
    """A TensorFlow-style dtype over a numpy dtype (tf.DType).

    Args:
        dtype: anything `numpy.dtype` accepts.
    """

    __slots__ = ("_np",)

    def __init__(self, dtype):
        self._np = np.dtype(dtype)

    # ---- numpy's view ------------------------------------------------------------
    @property
    def dtype(self):
        """The numpy dtype (numpy reads this attribute wherever a dtype is expected)."""
        return self._np

    def __call__(self, *args, **kwargs):
        return self._np.type(*args, **kwargs)

    @property
    def __name__(self):  # numpy scalar types have one: np.float32.__name__
        return self._np.type.__name__

    def __getattr__(self, attribute):
        # numpy dtype attributes TensorFlow's DType does not define (char, str, byteorder, ...)
        if attribute == "_np":
            raise AttributeError(attribute)
        return getattr(self._np, attribute)

    def __instancecheck__(self, instance):
        return isinstance(instance, self._np.type)

    def __subclasscheck__(self, subclass):
        return issubclass(subclass, self._np.type)

    # ---- TensorFlow's view -------------------------------------------------------
    @property
    def name(self):
        if self._np.names:   # the quantized, resource and variant types: numpy structured dtypes
            return self._np.names[0]
        if self._np.kind == "O":
            return "string"  # text lives in numpy object arrays (of str or bytes)
        return "bool" if self._np.kind == "b" else self._np.name

    @property
    def as_numpy_dtype(self):
        return self._np if self._np.names else self._np.type   # structured: the dtype, as TensorFlow

    @property
    def base_dtype(self):
        return self

    @property
    def real_dtype(self):
        return self

    @property
    def is_floating(self):
        return self._np.kind == "f"

    @property
    def is_integer(self):
        return self._np.kind in "iu"

    @property
    def is_unsigned(self):
        return self._np.kind in "ub"

    @property
    def is_bool(self):
        return self._np.kind == "b"

    @property
    def is_complex(self):
        return self._np.kind == "c"

    @property
    def is_numeric(self):
        return self._np.kind in "iufc" or self.is_quantized

    @property
    def is_quantized(self):
        return self.name in _QUANTIZED_NAMES

    @property
    def size(self):
        return self._np.itemsize

    @property
    def itemsize(self):
        return self._np.itemsize

    @property
    def kind(self):
        return self._np.kind

    @property
    def type(self):
        return self._np.type

    @property
    def min(self):
        """The smallest value of the dtype (TensorFlow: `-max` for floats)."""
        self._refuse_limits()
        if self._np.kind == "b":
            return False
        return np.finfo(self._np).min if self._np.kind in "fc" else np.iinfo(self._np).min

    @property
    def max(self):
        self._refuse_limits()
        if self._np.kind == "b":
            return True
        return np.finfo(self._np).max if self._np.kind in "fc" else np.iinfo(self._np).max

    def _refuse_limits(self):
        if self._np.names:
            raise TypeError(f"Cannot find minimum value of {self} with quantized type {self}.")

    @property
    def limits(self):
        return self.min, self.max

    @property
    def is_supported_by_engine(self):
        """Whether swiftdl tensors can hold this dtype (float32/64, int32/64, uint8, bool)."""
        return is_supported(self._np)

    def is_compatible_with(self, other):
        return self == other

    def __eq__(self, other):
        if other is None:
            return False
        try:
            return self._np == np.dtype(other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self._np)

    def __repr__(self):
        return f"tf.{self.name}"

    def __str__(self):
        return f"<dtype: '{self.name}'>"

    def __reduce__(self):
        return (as_dtype, (self.name,))


float16 = half = DType(np.float16)
float32 = DType(np.float32)
float64 = double = DType(np.float64)
int8 = DType(np.int8)
int16 = DType(np.int16)
int32 = DType(np.int32)
int64 = DType(np.int64)
uint8 = DType(np.uint8)
uint16 = DType(np.uint16)
uint32 = DType(np.uint32)
uint64 = DType(np.uint64)
complex64 = DType(np.complex64)
complex128 = DType(np.complex128)
bool = DType(np.bool_)  # noqa: A001  (tf.bool)
bool_ = bool
string = DType(np.object_)  # tf.string: an object array of str or bytes
# TensorFlow's quantized types are numpy structured dtypes there too (as_numpy_dtype gives
# the same ones); resource and variant name handles. The engine holds none of them: they
# exist so code can name, compare and inspect them (tf.as_dtype("qint8").is_quantized).
qint8 = DType([("qint8", np.int8)])
quint8 = DType([("quint8", np.uint8)])
qint16 = DType([("qint16", np.int16)])
quint16 = DType([("quint16", np.uint16)])
qint32 = DType([("qint32", np.int32)])
resource = DType([("resource", np.uint8)])
variant = DType([("variant", np.uint8)])
_QUANTIZED_NAMES = frozenset(("qint8", "quint8", "qint16", "quint16", "qint32"))
QUANTIZED_DTYPES = frozenset((qint8, quint8, qint16, quint16, qint32))

_BY_NAME = {d.name: d for d in (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32,
                                uint64, complex64, complex128, bool, string, qint8, quint8, qint16, quint16, qint32,
                                resource, variant)}
_BY_NAME.update({"half": float16, "double": float64, "bool_": bool, "float": float32, "object": string})


def as_dtype(type_value):
    """The DType for `type_value`: a DType, a name ('float32'), a numpy dtype or type
    (tf.as_dtype). Python float gives float32, int int32 (TensorFlow's defaults).

    Raises:
        TypeError: for a value that names no dtype.
    """
    if isinstance(type_value, DType):
        return type_value
    if type_value is float:
        return float32
    if type_value is int:
        return int32
    if isinstance(type_value, str) and type_value in _BY_NAME:
        return _BY_NAME[type_value]
    try:
        resolved = np.dtype(type_value)
    except TypeError:
        raise TypeError(f"Cannot convert {type_value!r} to a swiftdl DType") from None
    found = _BY_NAME.get("bool" if resolved.kind == "b" else resolved.names[0] if resolved.names else resolved.name)
    if found is None or resolved.byteorder == ">":
        raise TypeError(f"Cannot convert {type_value!r} to a swiftdl DType")
    return found


def numpy_dtype(type_value):
    """The numpy dtype of a dtype argument (a DType, a name, a numpy dtype or type; None
    stays None), checked by swiftdl's own rules (`float` is float32, `int` int64).

    Raises:
        TypeError: for a dtype the engine does not hold.
    """
    if type_value is None:
        return None
    return engine_dtype(type_value.dtype if isinstance(type_value, DType) else type_value)
