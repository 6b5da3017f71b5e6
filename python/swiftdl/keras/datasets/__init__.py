"""swiftdl.keras.datasets: Keras's loaders with Keras's return values. mnist and imdb look for
local copies first (the project's shared data); the others download Keras's published
files through keras.utils.get_file into ~/.keras/datasets (checked by hash)."""
from . import boston_housing, california_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters

__all__ = ["boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist", "reuters"]
