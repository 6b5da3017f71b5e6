"""MNIST: keras.datasets.mnist.load_data(), reading local files first."""
import gzip
import os

import numpy as np

from . import _files

_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
_IDX = {
    "test_images": "t10k-images-idx3-ubyte.gz", "test_labels": "t10k-labels-idx1-ubyte.gz",
    "train_images": "train-images-idx3-ubyte.gz", "train_labels": "train-labels-idx1-ubyte.gz",
}


def _read_idx(path):
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic not in (2049, 2051):
        raise ValueError(f"{path} is not an MNIST IDX file (magic {magic})")
    dimensions = magic & 0xFF
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dimensions))
    offset = 4 + 4 * dimensions
    array = np.frombuffer(data, dtype=np.uint8, offset=offset)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{path} is truncated: expected {int(np.prod(shape))} values, found {array.size}")
    return array.reshape(shape)


def load_data(path="mnist.npz", test_fraction=None):
    """Returns (x_train, y_train), (x_test, y_test) as uint8 arrays, like Keras.

    Looks, in order, for `path` (a file or folder), $SWIFTDL_DATASETS, ~/.keras/datasets and
    ~/.cache/swiftdl/datasets, for `mnist.npz` or the IDX files (also inside an `mnist/`
    subfolder). When only the 10,000-image test set is found (as in the project's shared
    data), it is split 8,000 train / 2,000 test. Downloads (with a checksum) only when
    nothing is found locally.
    """
    folder_hint = path if path not in (None, "mnist.npz") else None
    npz = _files.find([os.path.basename(path) if path else "mnist.npz", "mnist.npz"], folder_hint, ("", "mnist"))
    if npz is not None and npz.endswith(".npz"):
        with np.load(npz, allow_pickle=False) as data:
            return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
    found = {key: _files.find([name], folder_hint, ("", "mnist")) for key, name in _IDX.items()}
    if found["train_images"] and found["train_labels"] and found["test_images"] and found["test_labels"]:
        return ((_read_idx(found["train_images"]), _read_idx(found["train_labels"])),
                (_read_idx(found["test_images"]), _read_idx(found["test_labels"])))
    if found["test_images"] and found["test_labels"]:
        images, labels = _read_idx(found["test_images"]), _read_idx(found["test_labels"])
        split = 8000 if test_fraction is None else int(len(images) * (1 - test_fraction))
        return (images[:split], labels[:split]), (images[split:], labels[split:])
    downloaded = _files.download(_URL, "mnist.npz", _SHA256, "mnist")
    with np.load(downloaded, allow_pickle=False) as data:
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
