"""tf.data.TextLineDataset: the lines of one or more text files (GZIP or ZLIB compressed
too), in order, without their line endings, as string elements."""
import gzip
import zlib

import numpy as np

from .dataset import UNKNOWN_CARDINALITY, Dataset


class TextLineDataset(Dataset):
    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None, name=None):
        from ..io._tfrecord import _compression
        if isinstance(filenames, (str, bytes)) or (isinstance(filenames, np.ndarray) and filenames.ndim == 0):
            filenames = [filenames]
        self._filenames = [f.decode() if isinstance(f, bytes) else str(f.item() if isinstance(f, np.ndarray) else f)
                           for f in list(filenames)]
        self._compression = _compression(compression_type)

    def _elements(self):
        for filename in self._filenames:
            with open(filename, "rb") as file:
                data = file.read()
            if self._compression == "GZIP":
                data = gzip.decompress(data)
            elif self._compression == "ZLIB":
                data = zlib.decompress(data)
            lines = data.decode("utf-8", errors="replace").split("\n")
            if lines and lines[-1] == "":
                lines.pop()  # the file's final newline ends the last line; it starts no new one
            for line in lines:
                line = line[:-1] if line.endswith("\r") else line
                element = np.empty((), dtype=object)
                element[()] = line
                yield element

    def cardinality(self):
        return UNKNOWN_CARDINALITY
