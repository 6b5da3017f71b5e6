"""CIFAR-100: keras.datasets.cifar100.load_data(label_mode), Keras's archive through get_file."""
import os

import numpy as np

from . import _remote
from ._cifar import channels_as_configured, load_batch

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """(x_train, y_train), (x_test, y_test) with the 100 fine or 20 coarse labels (N, 1)."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode={label_mode}.')
    extracted = _remote.fetch(fname="cifar-100-python-target", origin=_ORIGIN, extract=True, file_hash=_SHA256)
    folder = os.path.join(extracted, "cifar-100-python")
    x_train, y_train = load_batch(os.path.join(folder, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(folder, "test"), label_key=f"{label_mode}_labels")
    x_train, x_test = channels_as_configured(x_train, x_test)
    return (x_train, np.reshape(y_train, (len(y_train), 1))), (x_test, np.reshape(y_test, (len(y_test), 1)))
