"""tf.data.FixedLengthRecordDataset: fixed-size binary records from files (CIFAR's .bin
files, raw sensor dumps), after an optional header and before an optional footer, as
bytes elements."""
import gzip
import zlib

import numpy as np

from .. import errors
from .dataset import UNKNOWN_CARDINALITY, Dataset


class FixedLengthRecordDataset(Dataset):
    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None, buffer_size=None,
                 compression_type=None, num_parallel_reads=None, name=None):
        from ..io._tfrecord import _compression
        if isinstance(filenames, (str, bytes)) or (isinstance(filenames, np.ndarray) and filenames.ndim == 0):
            filenames = [filenames]
        self._filenames = [f.decode() if isinstance(f, bytes) else str(f.item() if isinstance(f, np.ndarray) else f)
                           for f in list(filenames)]
        self._record, self._header, self._footer = int(record_bytes), int(header_bytes or 0), int(footer_bytes or 0)
        if self._record <= 0 or self._header < 0 or self._footer < 0:
            raise errors.InvalidArgumentError(None, None, f"record_bytes must be positive and header/footer "
                                                          f"non-negative; received {record_bytes}, {header_bytes}, "
                                                          f"{footer_bytes}")
        self._compression = _compression(compression_type)

    def _elements(self):
        for filename in self._filenames:
            with open(filename, "rb") as file:
                data = file.read()
            if self._compression == "GZIP":
                data = gzip.decompress(data)
            elif self._compression == "ZLIB":
                data = zlib.decompress(data)
            body = data[self._header:len(data) - self._footer]
            if len(data) < self._header + self._footer or len(body) % self._record:
                raise errors.DataLossError(None, None, f"Excluding the header ({self._header} bytes) and footer "
                                                       f"({self._footer} bytes), input file \"{filename}\" has body "
                                                       f"length {len(body)} bytes, which is not an exact multiple "
                                                       f"of the record length ({self._record} bytes).")
            for start in range(0, len(body), self._record):
                element = np.empty((), dtype=object)
                element[()] = body[start:start + self._record]
                yield element

    def cardinality(self):
        return UNKNOWN_CARDINALITY
