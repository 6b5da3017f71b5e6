"""swiftdl.data: input pipelines (tf.data's Dataset API) over engine tensors."""
from ._text_line_dataset import TextLineDataset
from ._tfrecord_dataset import TFRecordDataset
from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Dataset", "TFRecordDataset", "TextLineDataset"]
