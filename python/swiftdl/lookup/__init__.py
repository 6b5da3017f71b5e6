"""tf.lookup: hash tables from keys to values (StaticHashTable), vocabularies with
out-of-vocabulary buckets (StaticVocabularyTable), their initializers, and mutable tables
(tf.lookup.experimental). Eager Python dictionaries behind TensorFlow's API; text values
come as numpy object arrays, as swiftdl's tf.string tensors."""
from . import experimental
from ._initializers import KeyValueTensorInitializer, TextFileIndex, TextFileInitializer
from ._tables import StaticHashTable, StaticVocabularyTable

__all__ = ["KeyValueTensorInitializer", "StaticHashTable", "StaticVocabularyTable", "TextFileIndex",
           "TextFileInitializer", "experimental"]
