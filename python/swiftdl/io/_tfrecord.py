"""TFRecord files: records framed as TensorFlow frames them (uint64 length, masked CRC-32C
of the length, data, masked CRC-32C of the data, little-endian), optionally GZIP or ZLIB
compressed. The CRC comes from the google-crc32c package (the `[tfrecord]` extra)."""
import gzip
import struct
import zlib

import numpy as np

_MASK_DELTA = 0xA282EAD8


def _crc32c():
    try:
        import google_crc32c
    except ImportError:
        raise ImportError("TFRecord files need google-crc32c: `pip install swiftdl[tfrecord]` (or `pip install "
                          "protobuf google-crc32c`).") from None
    return google_crc32c.value


def masked_crc32c(data):
    crc = _crc32c()(bytes(data))
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


class TFRecordOptions:
    """tf.io.TFRecordOptions: the compression ("" or None, "GZIP", "ZLIB") and its level."""

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None, output_buffer_size=None,
                 window_bits=None, compression_level=None, compression_method=None, mem_level=None,
                 compression_strategy=None):
        self.compression_type = _compression(compression_type)
        self.compression_level = compression_level


def _compression(kind):
    kind = (getattr(kind, "compression_type", kind) or "").upper()
    if kind not in ("", "GZIP", "ZLIB"):
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"compression_type must be '', 'GZIP' or 'ZLIB'; received {kind!r}")
    return kind


def _open_for_writing(path, options):
    kind = _compression(options)
    level = getattr(options, "compression_level", None)
    level = 9 if level is None else int(level)
    if kind == "GZIP":
        return gzip.open(path, "wb", compresslevel=level)
    if kind == "ZLIB":
        return _ZlibWriter(path, level)
    return open(path, "wb")


class _ZlibWriter:
    def __init__(self, path, level):
        self._file, self._compressor = open(path, "wb"), zlib.compressobj(level)

    def write(self, data):
        self._file.write(self._compressor.compress(data))

    def flush(self):
        self._file.write(self._compressor.flush(zlib.Z_SYNC_FLUSH))
        self._file.flush()

    def close(self):
        self._file.write(self._compressor.flush())
        self._file.close()


class TFRecordWriter:
    """tf.io.TFRecordWriter(path, options=None): `write(record)` appends one record (bytes,
    e.g. `example.SerializeToString()`); use as a context manager or call `close()`."""

    def __init__(self, path, options=None):
        from .gfile import _directory_of, makedirs
        directory = _directory_of(str(path))
        if directory:
            makedirs(directory)
        self._file = _open_for_writing(str(path), options)

    def write(self, record):
        data = record.encode("utf-8") if isinstance(record, str) else bytes(record)
        length = struct.pack("<Q", len(data))
        self._file.write(length + struct.pack("<I", masked_crc32c(length)) + data +
                         struct.pack("<I", masked_crc32c(data)))

    def flush(self):
        self._file.flush()

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_records(path, compression_type=None):
    """Yields each record's bytes; a damaged record raises DataLossError, as TensorFlow does."""
    from ..errors import DataLossError
    kind = _compression(compression_type)
    with open(str(path), "rb") as raw:
        content = raw.read()
    if kind == "GZIP":
        content = gzip.decompress(content)
    elif kind == "ZLIB":
        content = zlib.decompress(content)
    offset = 0
    while offset < len(content):
        if offset + 12 > len(content):
            raise DataLossError(f"truncated record at {offset} in {path}")
        length_bytes = content[offset:offset + 8]
        (length,) = struct.unpack("<Q", length_bytes)
        (length_crc,) = struct.unpack("<I", content[offset + 8:offset + 12])
        if masked_crc32c(length_bytes) != length_crc:
            raise DataLossError(f"corrupted record at {offset} in {path}: the length's checksum does not match")
        start, end = offset + 12, offset + 12 + length
        if end + 4 > len(content):
            raise DataLossError(f"truncated record at {offset} in {path}")
        data = content[start:end]
        (data_crc,) = struct.unpack("<I", content[end:end + 4])
        if masked_crc32c(data) != data_crc:
            raise DataLossError(f"corrupted record at {offset} in {path}: the data's checksum does not match")
        yield data
        offset = end + 4


def record_element(data):
    """A record as a dataset element: a 0-d object array holding the bytes (TensorFlow's
    scalar string tensor)."""
    element = np.empty((), dtype=object)
    element[()] = data
    return element
