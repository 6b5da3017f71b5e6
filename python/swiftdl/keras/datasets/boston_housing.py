"""Boston housing prices: keras.datasets.boston_housing.load_data(), through get_file."""
import numpy as np

from . import _remote
from ._regression import check_test_split, shuffled_split

_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """(x_train, y_train), (x_test, y_test): 13 features per house, median values, shuffled with `seed`."""
    check_test_split(test_split)
    path = _remote.fetch(path, origin=f"{_remote.KERAS_DATASETS}boston_housing.npz", file_hash=_SHA256)
    with np.load(path, allow_pickle=False) as data:
        return shuffled_split(data["x"], data["y"], test_split, seed)
