"""tf.dtypes: the DType class, the dtype objects and as_dtype."""
from ._tf_dtypes import (DType, as_dtype, bool, complex64, complex128, double, float16, float32, float64, half,  # noqa: A004
                         int8, int16, int32, int64, string, uint8, uint16, uint32, uint64)
from ._tf_cast import cast, saturate_cast

__all__ = ["DType", "as_dtype", "bool", "cast", "complex64", "complex128", "double", "float16", "float32", "float64",
           "half", "int8", "int16", "int32", "int64", "saturate_cast", "string", "uint8", "uint16", "uint32", "uint64"]
