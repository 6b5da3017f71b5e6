"""tf.data.TFRecordDataset: the records of one or more TFRecord files, in order, each a
scalar string element (a 0-d object array holding the record's bytes), ready for
tf.io.parse_single_example in a `map`."""
import numpy as np

from .dataset import UNKNOWN_CARDINALITY, Dataset


class TFRecordDataset(Dataset):
    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None, name=None):
        from ..io._tfrecord import _compression
        if isinstance(filenames, (str, bytes)) or (isinstance(filenames, np.ndarray) and filenames.ndim == 0):
            filenames = [filenames]
        self._filenames = [f.decode() if isinstance(f, bytes) else str(f.item() if isinstance(f, np.ndarray) else f)
                           for f in list(filenames)]
        self._compression = _compression(compression_type)

    def _elements(self):
        from ..io._tfrecord import read_records, record_element
        for filename in self._filenames:
            for record in read_records(filename, self._compression):
                yield record_element(record)

    def cardinality(self):
        return UNKNOWN_CARDINALITY
