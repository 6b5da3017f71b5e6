"""tf.io's conversions of whole byte strings: decode_compressed (ZLIB/GZIP),
decode_json_example (JSON-encoded tf.train.Example → its binary form), and
serialize_sparse / serialize_many_sparse / deserialize_many_sparse.

NOTE: a serialized SparseTensor here is three serialize_tensor byte strings (indices,
values, dense_shape; numpy's .npy format, as swiftdl's serialize_tensor), not TensorFlow's
TensorProto bytes: swiftdl reads what swiftdl wrote, as with checkpoints.
"""
import gzip
import zlib

import numpy as np

from ..errors import InvalidArgumentError


def _bytes(value):
    value = value.item() if isinstance(value, np.ndarray) and value.ndim == 0 else value
    value = value.numpy().item() if hasattr(value, "numpy") and not isinstance(value, (bytes, str)) else value
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _each(value, function):
    """function over a string or each string of a list/array, keeping the shape."""
    if isinstance(value, (bytes, str)) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return function(_bytes(value))
    array = np.asarray(value, dtype=object)
    out = np.empty(array.shape, dtype=object)
    for index in np.ndindex(array.shape):
        out[index] = function(_bytes(array[index]))
    return out


def decode_compressed(bytes, compression_type="", name=None):  # noqa: A002
    """The decompressed contents of ZLIB or GZIP strings ("" passes them through).

    Raises:
        InvalidArgumentError: for an unknown compression type or damaged data.
    """
    kind = (compression_type or "").upper()
    if kind not in ("", "ZLIB", "GZIP"):
        raise InvalidArgumentError(None, None, f"[decode_compressed] compression_type must be '', 'ZLIB' or 'GZIP'; "
                                   f"received {compression_type!r}")

    def one(data):
        try:
            return zlib.decompress(data) if kind == "ZLIB" else gzip.decompress(data) if kind == "GZIP" else data
        except (zlib.error, OSError, EOFError) as error:
            raise InvalidArgumentError(None, None, f"[decode_compressed] could not decompress {kind} data: "
                                       f"{error}") from None
    return _each(bytes, one)


def decode_json_example(json_examples, name=None):
    """The binary tf.train.Example of each JSON-encoded one (protobuf's JSON mapping).

    Raises:
        InvalidArgumentError: for text that is not a JSON Example.
    """
    from google.protobuf import json_format

    from ..train._example_proto import message_class

    def one(text):
        example = message_class("Example")()
        try:
            json_format.Parse(text.decode("utf-8"), example)
        except (json_format.ParseError, UnicodeDecodeError) as error:
            raise InvalidArgumentError(None, None, f"[decode_json_example] not a JSON Example: {error}") from None
        return example.SerializeToString()
    return _each(json_examples, one)


def _storable(values):
    """Values np.save can write without pickle (text as fixed-width bytes)."""
    return values.astype(np.bytes_) if values.dtype == object else values


def _sparse_parts(sp_input, op):
    from ..sparse import SparseTensor
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"[{op}] expects a tf.SparseTensor; received {type(sp_input).__name__}")
    return (np.asarray(sp_input.indices), np.asarray(sp_input.values, dtype=object if sp_input.dtype.name == "string"
                                                     else None), np.asarray(sp_input.dense_shape))


def _serialize(indices, values, shape):
    from . import serialize_tensor
    return np.array([serialize_tensor(indices), serialize_tensor(_storable(values)), serialize_tensor(shape)],
                    dtype=object)


def serialize_sparse(sp_input, out_type=None, name=None):
    """A SparseTensor as a 3-vector of byte strings: indices, values, dense_shape."""
    return _serialize(*_sparse_parts(sp_input, "serialize_sparse"))


def serialize_many_sparse(sp_input, out_type=None, name=None):
    """A SparseTensor of rank ≥ 2 as an (N, 3) array of byte strings, one row per entry of
    its first dimension (each the sub-tensor without that dimension)."""
    indices, values, shape = _sparse_parts(sp_input, "serialize_many_sparse")
    if len(shape) < 2:
        raise InvalidArgumentError(None, None, f"[serialize_many_sparse] input must be at least 2-D; received "
                                   f"dense_shape {shape.tolist()}")
    rows = np.empty((int(shape[0]), 3), dtype=object)
    for row in range(int(shape[0])):
        mine = indices[:, 0] == row
        rows[row] = _serialize(indices[mine][:, 1:], values[mine], shape[1:])
    return rows


def deserialize_many_sparse(serialized_sparse, dtype, rank=None, name=None):
    """The SparseTensor serialize_many_sparse wrote: rows stacked on a new first dimension
    whose other dimensions are the rows' largest.

    Raises:
        InvalidArgumentError: for rows that are not 3 strings, or values of another dtype.
    """
    from ..sparse import SparseTensor
    from . import parse_tensor
    from .._tf_dtypes import as_dtype
    rows = np.asarray(serialized_sparse, dtype=object)
    if rows.ndim != 2 or rows.shape[1] != 3:
        raise InvalidArgumentError(None, None, f"[deserialize_many_sparse] expects an (N, 3) array of serialized "
                                   f"SparseTensors; received shape {rows.shape}")
    target = as_dtype(dtype)
    indices, values, shapes = [], [], []
    for number, (i, v, s) in enumerate(rows):
        part_indices = np.asarray(parse_tensor(_bytes(i), "int64"))
        stored = np.load(__import__("io").BytesIO(_bytes(v)), allow_pickle=False)
        if target.name == "string":
            if stored.dtype.kind != "S":
                raise InvalidArgumentError(None, None, f"[deserialize_many_sparse] values are {stored.dtype}, not "
                                           f"string")
            part_values = np.array([bytes(x) for x in stored], dtype=object)
        else:
            if stored.dtype != np.dtype(target.name):
                raise InvalidArgumentError(None, None, f"[deserialize_many_sparse] values are {stored.dtype.name}, "
                                           f"not {target.name}")
            part_values = stored
        shapes.append(np.asarray(parse_tensor(_bytes(s), "int64")))
        indices.append(np.concatenate([np.full((len(part_indices), 1), number, np.int64),
                                       part_indices.reshape(len(part_indices), len(shapes[-1]))], axis=1))
        values.append(part_values)
    inner = np.max(np.stack(shapes), axis=0) if shapes else np.zeros(0 if rank is None else rank - 1, np.int64)
    all_values = np.concatenate(values) if values else np.zeros(0, object if target.name == "string" else target.name)
    all_indices = np.concatenate(indices) if indices else np.zeros((0, len(inner) + 1), np.int64)
    return SparseTensor(all_indices, all_values, [len(rows)] + inner.tolist())
