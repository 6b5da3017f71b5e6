"""swiftdl.keras.preprocessing: the part of keras.preprocessing swiftdl has (`sequence`)."""
from . import sequence

__all__ = ["sequence"]
