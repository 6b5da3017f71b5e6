"""swiftdl.data: input pipelines (tf.data's Dataset API) over engine tensors."""
from . import experimental
from ._fixed_length_record_dataset import FixedLengthRecordDataset
from ._specs import DatasetSpec, IteratorSpec
from ._text_line_dataset import TextLineDataset
from ._tfrecord_dataset import TFRecordDataset
from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from .iterator import Iterator, NumpyIterator
from .options import Options, ThreadingOptions

__all__ = ["AUTOTUNE", "DatasetSpec", "IteratorSpec", "FixedLengthRecordDataset", "INFINITE_CARDINALITY", "Iterator",
           "NumpyIterator", "Options",
           "ThreadingOptions", "UNKNOWN_CARDINALITY", "Dataset", "TFRecordDataset", "TextLineDataset", "experimental"]
