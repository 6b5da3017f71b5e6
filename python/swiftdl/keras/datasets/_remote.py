"""Where Keras's data sets are published, and the cached download of one (keras.utils.get_file)."""

KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def fetch(*args, **kwargs):
    """keras.utils.get_file, looked up at call time (tests point it at local files)."""
    from ..utils.file_utils import get_file
    return get_file(*args, **kwargs)
