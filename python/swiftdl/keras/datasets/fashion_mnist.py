"""Fashion-MNIST: keras.datasets.fashion_mnist.load_data(), Keras's files through get_file."""
import gzip
import os

import numpy as np

from . import _remote

_FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz"]


def load_data():
    """(x_train, y_train), (x_test, y_test): uint8 images (N, 28, 28) and labels 0-9."""
    paths = [_remote.fetch(name, origin=_remote.KERAS_DATASETS + name, cache_subdir=os.path.join("datasets",
                                                                                                  "fashion-mnist"))
             for name in _FILES]

    def read(path, offset):
        with gzip.open(path, "rb") as file:
            return np.frombuffer(file.read(), np.uint8, offset=offset)

    y_train, y_test = read(paths[0], 8), read(paths[2], 8)
    x_train = read(paths[1], 16).reshape(len(y_train), 28, 28)
    x_test = read(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
