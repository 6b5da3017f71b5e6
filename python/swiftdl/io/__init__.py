"""tf.io: files (`read_file`, `write_file`, `gfile`), raw bytes (`decode_raw`,
`serialize_tensor`, `parse_tensor`) and the image codecs (`decode_png`, `decode_jpeg`,
`decode_image`, ..., through Pillow, the `[image]` extra), TFRecord files,
tf.train.Example and SequenceExample parsing (protobuf and google-crc32c, the `[tfrecord]`
extra), decompression and SparseTensor serialization for `import swiftdl as tf`.

Paths are local files (TensorFlow's gs:// and hdfs:// file systems are not there). Missing
files raise `tf.errors.NotFoundError` (a FileNotFoundError), as TensorFlow's do. Strings
are Python `bytes` here where TensorFlow hands back string tensors.
"""
import io as _io

import numpy as np

from . import gfile
from ._image_codecs import (decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png,
                            extract_jpeg_shape, is_jpeg)
from ._composite_features import RaggedFeature, SparseFeature
from ._image_codecs_more import decode_and_crop_jpeg, decode_webp, match_filenames_once
from ._parse_example import (FixedLenFeature, FixedLenSequenceFeature, VarLenFeature, parse_example,
                             parse_single_example)
from ._proto_codec import decode_proto, encode_proto
from ._parse_sequence_example import parse_sequence_example, parse_single_sequence_example
from ._text_codecs import decode_base64, decode_csv, encode_base64, matching_files
from ._tfrecord import TFRecordOptions, TFRecordWriter
from ._wire_formats import (decode_compressed, decode_json_example, deserialize_many_sparse, serialize_many_sparse,
                            serialize_sparse)


def _path(filename):
    # A dataset's text element is a 0-d object array.
    return filename.item() if isinstance(filename, np.ndarray) and filename.ndim == 0 else filename


def read_file(filename, name=None):
    """The whole file's bytes."""
    with gfile.GFile(_path(filename), "rb") as handle:
        return handle.read()


def write_file(filename, contents, name=None):
    """Writes `contents` (bytes or str) to `filename`, creating its directory."""
    filename = _path(filename)
    directory = gfile._directory_of(filename)
    if directory:
        gfile.makedirs(directory)
    with gfile.GFile(filename, "wb") as handle:
        handle.write(contents.encode("utf-8") if isinstance(contents, str) else bytes(contents))


def decode_raw(input_bytes, out_type, little_endian=True, fixed_length=None, name=None):  # noqa: A002
    """The bytes reinterpreted as numbers of `out_type` (an engine tensor; int8, int16,
    uint16, uint32 and float16 values come widened to int32, int64 or float32, which the
    engine has); a list of byte strings gives one row each (all of one length)."""
    import swiftdl as sd
    dtype = np.dtype(getattr(out_type, "name", out_type)).newbyteorder("<" if little_endian else ">")
    rows = [input_bytes] if isinstance(input_bytes, (bytes, bytearray)) else list(input_bytes)
    decoded = []
    for row in rows:
        row = bytes(row)
        if fixed_length is not None:
            row = row[:fixed_length].ljust(fixed_length, b"\0")
        if len(row) % dtype.itemsize:
            from ..errors import InvalidArgumentError
            raise InvalidArgumentError(None, None, f"Input to DecodeRaw has length {len(row)} that is not a multiple "
                                       f"of {dtype.itemsize}, the size of {dtype.name}")
        decoded.append(np.frombuffer(row, dtype=dtype).astype(dtype.newbyteorder("=")))
    if len({len(row) for row in decoded}) > 1:
        raise ValueError("[decode_raw] every element must decode to the same number of values")
    values = decoded[0] if isinstance(input_bytes, (bytes, bytearray)) else np.stack(decoded)
    widened = _ENGINE_DTYPE.get(values.dtype.name)
    if widened is None and values.dtype.name not in ("float32", "float64", "int32", "int64", "uint8", "bool"):
        raise TypeError(f"[decode_raw] swiftdl holds no {values.dtype.name} and no wider type holds all its values")
    return sd.asarray(values if widened is None else values.astype(widened))


# The engine's types are float32/64, int32/64, uint8 and bool: narrower types widen.
_ENGINE_DTYPE = {"int8": "int32", "int16": "int32", "uint16": "int32", "uint32": "int64", "float16": "float32"}


def serialize_tensor(tensor, name=None):
    """A tensor as bytes (numpy's .npy format: dtype, shape and values; no pickle)."""
    buffer = _io.BytesIO()
    np.save(buffer, np.asarray(tensor), allow_pickle=False)
    return buffer.getvalue()


def parse_tensor(serialized, out_type, name=None):
    """The tensor `serialize_tensor` wrote; its dtype must be `out_type`."""
    import swiftdl as sd
    try:
        values = np.load(_io.BytesIO(bytes(serialized)), allow_pickle=False)
    except ValueError as error:
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(None, None, f"Could not parse the serialized tensor: {error}") from None
    expected = np.dtype(getattr(out_type, "name", out_type))
    if values.dtype != expected:
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(None, None, f"Type mismatch between parsed tensor ({values.dtype.name}) and "
                                   f"dtype ({expected.name})")
    return sd.asarray(values)


__all__ = ["FixedLenFeature", "FixedLenSequenceFeature", "RaggedFeature", "SparseFeature", "TFRecordOptions",
           "TFRecordWriter", "VarLenFeature",
           "decode_base64", "decode_csv", "encode_base64", "matching_files",
           "decode_bmp", "decode_gif", "decode_image", "decode_jpeg", "decode_png", "decode_raw", "encode_jpeg",
           "encode_png", "extract_jpeg_shape", "gfile", "is_jpeg", "parse_example", "parse_single_example",
           "parse_tensor", "read_file", "serialize_tensor", "write_file", "parse_sequence_example",
           "parse_single_sequence_example", "decode_compressed", "decode_json_example", "deserialize_many_sparse",
           "serialize_many_sparse", "serialize_sparse", "decode_and_crop_jpeg", "decode_webp", "match_filenames_once",
           "decode_proto", "encode_proto"]
