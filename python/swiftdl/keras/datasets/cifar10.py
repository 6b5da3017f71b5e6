"""CIFAR-10: keras.datasets.cifar10.load_data(), Keras's archive through get_file."""
import os

import numpy as np

from . import _remote
from ._cifar import channels_as_configured, load_batch

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """(x_train, y_train), (x_test, y_test): uint8 images (N, 32, 32, 3) (channels first
    under that image data format) and uint8 labels (N, 1)."""
    extracted = _remote.fetch(fname="cifar-10-batches-py-target", origin=_ORIGIN, extract=True, file_hash=_SHA256)
    folder = os.path.join(extracted, "cifar-10-batches-py")
    parts = [load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([data for data, _ in parts]).astype("uint8")
    y_train = np.concatenate([np.asarray(labels) for _, labels in parts]).astype("uint8").reshape(-1, 1)
    x_test, y_test = load_batch(os.path.join(folder, "test_batch"))
    x_train, x_test = channels_as_configured(x_train, np.asarray(x_test).astype("uint8"))
    return (x_train, y_train), (x_test, np.asarray(y_test).astype("uint8").reshape(-1, 1))
