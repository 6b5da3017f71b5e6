"""CIFAR's python batches: pickled dicts of numpy arrays, read with an unpickler that only
rebuilds numpy arrays and plain containers (a hostile file cannot run code)."""
import numpy as np

from ._npz import _ArrayOnlyUnpickler


def load_batch(fpath, label_key="labels"):
    """(data (N, 3, 32, 32) uint8, labels list) of one batch file."""
    with open(fpath, "rb") as file:
        unpickler = _ArrayOnlyUnpickler(file, encoding="bytes")
        batch = {key.decode("utf8") if isinstance(key, bytes) else key: value for key, value in unpickler.load().items()}
    data = np.asarray(batch["data"])
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def channels_as_configured(x_train, x_test):
    """Keras's cifar loaders give channels last unless the image data format says otherwise."""
    from ..config import image_data_format
    if image_data_format() == "channels_last":
        return x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return x_train, x_test
