"""swiftdl.keras.preprocessing.sequence: `from keras.preprocessing.sequence import pad_sequences`."""
from ..utils import pad_sequences

__all__ = ["pad_sequences"]
