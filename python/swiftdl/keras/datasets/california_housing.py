"""California housing prices: keras.datasets.california_housing.load_data(), through get_file."""
import numpy as np

from . import _remote
from ._regression import check_test_split, shuffled_split

_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """(x_train, y_train), (x_test, y_test): 8 features per block group and its median house
    value; "small" keeps the first 600 of the 20,640 rows."""
    check_test_split(test_split)
    path = _remote.fetch(path, origin=f"{_remote.KERAS_DATASETS}california_housing.npz", file_hash=_SHA256)
    with np.load(path, allow_pickle=False) as data:
        x, y = data["x"], data["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    elif version != "large":
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version}")
    return shuffled_split(x, y, test_split, seed)
