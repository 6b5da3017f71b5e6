"""swiftdl.keras.datasets: local-first loaders with Keras's return values."""
from . import imdb, mnist

__all__ = ["imdb", "mnist"]
