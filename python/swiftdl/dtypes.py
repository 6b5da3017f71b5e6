"""tf.dtypes: the DType class, the dtype objects (the quantized, resource and variant ones
to name and inspect; the engine holds none of those), as_dtype, cast and complex."""
from ._tf_dtypes import (DType, QUANTIZED_DTYPES, as_dtype, bool, complex64, complex128, double, float16,  # noqa: A004
                         float32, float64, half, int8, int16, int32, int64, qint8, qint16, qint32, quint8, quint16,
                         resource, string, uint8, uint16, uint32, uint64, variant)
from ._tf_cast import cast, saturate_cast
from ._tf_math_complex import complex  # noqa: A004

__all__ = ["DType", "as_dtype", "bool", "cast", "complex64", "complex128", "double", "float16", "float32", "float64",
           "half", "int8", "int16", "int32", "int64", "saturate_cast", "string", "uint8", "uint16", "uint32", "uint64",
           "QUANTIZED_DTYPES", "complex", "qint8", "qint16", "qint32", "quint8", "quint16", "resource", "variant"]
