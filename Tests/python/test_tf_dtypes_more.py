"""tf.dtypes' quantized, resource and variant types and tf.dtypes.complex: what TensorFlow
2.21 reports for them (name, size, is_quantized, is_integer, is_numeric, as_numpy_dtype;
its values written out below), and that the engine refuses to hold them."""
import numpy as np
import pytest

import swiftdl as tf

# TensorFlow 2.21: (dtype, name, size, numpy field type)
QUANTIZED = [(tf.qint8, "qint8", 1, "i1"), (tf.quint8, "quint8", 1, "u1"), (tf.qint16, "qint16", 2, "<i2"),
             (tf.quint16, "quint16", 2, "<u2"), (tf.qint32, "qint32", 4, "<i4")]


@pytest.mark.parametrize("dtype,name,size,field", QUANTIZED)
def test_quantized_dtypes_describe_themselves_as_tensorflow(dtype, name, size, field):
    assert dtype.name == name and dtype.size == size and str(dtype) == f"<dtype: '{name}'>"
    assert dtype.is_quantized and dtype.is_numeric and not dtype.is_integer and not dtype.is_floating
    assert dtype.as_numpy_dtype == np.dtype([(name, field)])
    assert tf.as_dtype(name) is dtype and tf.as_dtype(np.dtype([(name, field)])) is dtype
    assert dtype in tf.dtypes.QUANTIZED_DTYPES and getattr(tf, name) is dtype
    with pytest.raises(TypeError, match="quantized"):
        dtype.min
    with pytest.raises(TypeError, match="does not support"):
        tf.zeros(3, dtype)


def test_resource_variant_and_complex():
    assert tf.resource.name == "resource" and tf.variant.name == "variant"
    assert not tf.resource.is_quantized and tf.resource not in tf.dtypes.QUANTIZED_DTYPES
    assert tf.as_dtype("variant") is tf.variant
    assert tf.float32 not in tf.dtypes.QUANTIZED_DTYPES and not tf.float32.is_quantized
    value = tf.dtypes.complex(np.float32([1.0]), np.float32([2.0]))
    assert value.dtype == tf.complex64 and np.asarray(value).tolist() == [1 + 2j]
