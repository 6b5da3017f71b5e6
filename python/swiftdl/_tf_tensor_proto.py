"""tf.make_tensor_proto and tf.make_ndarray: numpy values to TensorFlow's TensorProto
message and back (what TF Serving's gRPC clients send and receive), with TensorFlow's
encoding: tensor_content for numeric arrays of more than one element, the typed *_val
lists otherwise, string_val for text. Needs protobuf (the `[tfrecord]` extra)."""
import numpy as np

from .errors import InvalidArgumentError

# tensorflow/core/framework/types.proto's DataType numbers.
_ENUMS = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6, "string": 7, "complex64": 8,
          "int64": 9, "bool": 10, "qint8": 11, "quint8": 12, "qint32": 13, "qint16": 15, "quint16": 16,
          "uint16": 17, "complex128": 18, "float16": 19, "uint32": 22, "uint64": 23}
_NAMES = {number: name for name, number in _ENUMS.items()}
# The dtypes TensorFlow packs into tensor_content when there is more than one value.
_CONTENT_TYPES = frozenset(("float16", "float32", "float64", "int32", "uint8", "int16", "int8", "int64", "uint32",
                            "uint64", "qint8", "quint8", "qint16", "quint16", "qint32"))
_VALUE_FIELDS = {"float32": "float_val", "float64": "double_val", "int32": "int_val", "uint8": "int_val",
                 "int16": "int_val", "int8": "int_val", "uint16": "int_val", "int64": "int64_val", "bool": "bool_val",
                 "complex64": "scomplex_val", "complex128": "dcomplex_val", "float16": "half_val",
                 "uint32": "uint32_val", "uint64": "uint64_val", "qint8": "int_val", "quint8": "int_val",
                 "qint16": "int_val", "quint16": "int_val", "qint32": "int_val"}


def _numpy(values, dtype):
    from ._tf_dtypes import as_dtype
    if hasattr(values, "numpy") and not isinstance(values, np.ndarray):
        values = values.numpy()
    name = None if dtype is None else as_dtype(dtype).name
    if name == "string" or (name is None and _is_text(values)):
        array = np.asarray(values, dtype=object)
        return np.vectorize(lambda v: v.encode("utf-8") if isinstance(v, str) else bytes(v), otypes=[object])(array) \
            if array.size else array, "string"
    if name is None:
        array = np.asarray(values)
        if array.dtype == np.float64 and not isinstance(values, np.ndarray):
            array = array.astype(np.float32)     # Python floats are float32, as tf.constant
        elif array.dtype == np.int64 and not isinstance(values, np.ndarray):
            array = array.astype(np.int32) if np.all(np.abs(array) < 2 ** 31) else array
        name = "bool" if array.dtype.kind == "b" else array.dtype.name
        return array, name
    field_dtype = as_dtype(name).as_numpy_dtype
    base = field_dtype[0] if isinstance(field_dtype, np.dtype) and field_dtype.names else field_dtype
    return np.asarray(values, dtype=base), name


def _is_text(values):
    flat = np.asarray(values, dtype=object).reshape(-1)
    return flat.size > 0 and isinstance(flat[0], (str, bytes, np.str_, np.bytes_))


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False, allow_broadcast=False):
    """A TensorProto holding `values` with `shape` (default: theirs). Fewer values than the
    shape holds are stored as given and make_ndarray repeats the last, as TensorFlow.

    Raises:
        TypeError: for a dtype TensorProto cannot hold; ValueError for values that do not
            fit `shape` (verify_shape compares exactly).
    """
    from .train._example_proto import message_class
    array, name = _numpy(values, dtype)
    if name not in _ENUMS:
        raise TypeError(f"make_tensor_proto cannot hold values of dtype {name}")
    if shape is None:
        shape = list(array.shape)
    else:
        shape = [int(d) for d in np.asarray(shape, np.int64).reshape(-1)]
        if verify_shape and list(array.shape) != shape:
            raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, but got {array.shape}.")
        if array.size > int(np.prod(shape)) or (allow_broadcast and array.size not in (1, int(np.prod(shape)))):
            raise ValueError(f"Too many elements provided. Takes at most {int(np.prod(shape))}, but got {array.size}.")
    proto = message_class("TensorProto")()
    proto.dtype = _ENUMS[name]
    proto.tensor_shape.SetInParent()   # written even for a scalar, as TensorFlow writes it
    for size in shape:
        proto.tensor_shape.dim.add(size=int(size))
    flat = array.reshape(-1)
    if name == "string":
        proto.string_val.extend(list(flat))
    elif name in _CONTENT_TYPES and array.size > 1 and array.size == int(np.prod(shape)):
        proto.tensor_content = np.ascontiguousarray(flat).astype(flat.dtype.newbyteorder("<")).tobytes()
    else:
        # Fewer values than the shape holds are written as given; readers repeat the last.
        field = getattr(proto, _VALUE_FIELDS[name])
        if name in ("complex64", "complex128"):
            field.extend([float(v) for c in flat for v in (c.real, c.imag)])
        elif name == "float16":
            field.extend(flat.view(np.uint16).astype(int).tolist())
        else:
            field.extend(flat.tolist())
    return proto


def make_ndarray(tensor):
    """The numpy array a TensorProto holds (text as an object array of bytes).

    Raises:
        TypeError: for a TensorProto of a dtype numpy cannot hold.
    """
    name = _NAMES.get(int(tensor.dtype))
    if name is None:
        raise TypeError(f"Unsupported tensor type: {tensor.dtype}")
    shape = tuple(int(d.size) for d in tensor.tensor_shape.dim)
    count = int(np.prod(shape))
    if name == "string":
        values = np.empty(len(tensor.string_val), dtype=object)
        values[:] = list(tensor.string_val)
        return values.reshape(shape) if count == len(values) else np.full(shape, values[-1] if len(values) else b"",
                                                                           dtype=object)
    from ._tf_dtypes import as_dtype
    numpy_type = as_dtype(name).as_numpy_dtype
    numpy_type = numpy_type[0] if isinstance(numpy_type, np.dtype) and numpy_type.names else np.dtype(numpy_type)
    if tensor.tensor_content:
        return np.frombuffer(tensor.tensor_content, dtype=numpy_type.newbyteorder("<")).astype(numpy_type).reshape(shape)
    raw = list(getattr(tensor, _VALUE_FIELDS[name]))
    if name in ("complex64", "complex128"):
        values = np.asarray(raw[0::2], np.float64) + 1j * np.asarray(raw[1::2], np.float64)
    elif name == "float16":
        values = np.asarray(raw, np.uint16).view(np.float16)
    else:
        values = np.asarray(raw)
    values = values.astype(numpy_type)
    if values.size == count:
        return values.reshape(shape)
    if values.size == 0:
        return np.zeros(shape, numpy_type)
    if values.size > count:
        raise InvalidArgumentError(None, None, f"The TensorProto holds {values.size} values for shape {shape}")
    return np.concatenate([values, np.full(count - values.size, values[-1], numpy_type)]).reshape(shape)
