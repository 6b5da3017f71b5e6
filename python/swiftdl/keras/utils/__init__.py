"""swiftdl.keras.utils: to_categorical, pad_sequences, set_random_seed, Progbar, PyDataset/Sequence,
FeatureSpace, the dataset readers, plot_model and plot_history."""
from __future__ import annotations

import random as _random
from typing import Any

import numpy as np

import swiftdl as _sd

from ..layers.keras_tensor import is_keras_tensor
from .config import Config
from .data_adapter import pack_x_y_sample_weight, unpack_x_y_sample_weight
from .graph_utils import get_source_inputs, normalize
from .io_utils import disable_interactive_logging, enable_interactive_logging, is_interactive_logging_enabled
from .progbar import Progbar
from .py_dataset import PyDataset, Sequence

_LAZY = ["plot_history", "plot_model", "split_dataset", "timeseries_dataset_from_array", "array_to_img",
         "image_dataset_from_directory", "img_to_array", "load_img", "save_img", "text_dataset_from_directory", "get_file",
         "FeatureSpace", "audio_dataset_from_directory", "bounding_boxes"]
# keras.utils re-exports these from keras.saving and keras.backend; they load on first use
# because keras.saving imports the layers, which import this module.
_FROM_SAVING = ["CustomObjectScope", "custom_object_scope", "deserialize_keras_object", "get_custom_objects",
                "get_registered_name", "get_registered_object", "register_keras_serializable", "serialize_keras_object"]
_FROM_BACKEND = ["clear_session", "standardize_dtype"]
__all__ = ["Config", "disable_interactive_logging", "enable_interactive_logging", "get_source_inputs",
           "is_interactive_logging_enabled", "normalize", "is_keras_tensor", "pack_x_y_sample_weight", "pad_sequences",
           "Progbar", "PyDataset", "Sequence", "set_random_seed",
           "to_categorical", "unpack_x_y_sample_weight"] + _LAZY + _FROM_SAVING + _FROM_BACKEND


def __getattr__(name: str) -> Any:
    # The plotting helpers load on first use: most programs never draw, and every module
    # here adds to `from swiftdl.keras import ...` time.
    if name in _FROM_SAVING:
        from .. import saving
        return getattr(saving, name)
    if name in _FROM_BACKEND:
        from .. import backend
        return getattr(backend, name)
    if name in ("array_to_img", "img_to_array", "load_img", "save_img"):
        from . import image_utils
        return getattr(image_utils, name)
    if name == "image_dataset_from_directory":
        from .image_dataset import image_dataset_from_directory
        return image_dataset_from_directory
    if name == "bounding_boxes":  # a submodule, imported on first use like the functions here
        import importlib
        return importlib.import_module(f"{__name__}.bounding_boxes")
    if name == "audio_dataset_from_directory":
        from .audio_dataset import audio_dataset_from_directory
        return audio_dataset_from_directory
    if name == "FeatureSpace":
        from .feature_space import FeatureSpace
        return FeatureSpace
    if name == "get_file":
        from .file_utils import get_file
        return get_file
    if name == "text_dataset_from_directory":
        from .text_dataset import text_dataset_from_directory
        return text_dataset_from_directory
    if name in ("split_dataset", "timeseries_dataset_from_array"):
        from . import dataset_utils
        return getattr(dataset_utils, name)
    if name == "plot_model":
        from .model_visualization import plot_model
        return plot_model
    if name == "plot_history":
        from .history_plot import plot_history
        return plot_history
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """One-hot encodes integer class labels (Keras's to_categorical), as float32 numpy."""
    labels = np.asarray(x, dtype="int64")
    shape = labels.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if labels.size and labels.min() < 0:
        raise ValueError(f"to_categorical expects non-negative labels; received {labels.min()}")
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif labels.size and labels.max() >= num_classes:
        raise ValueError(f"to_categorical: label {labels.max()} is out of range for num_classes={num_classes}")
    eye = _sd.eye(num_classes, dtype="float32")
    return np.asarray(_sd.take(eye, labels, axis=0)).reshape(shape + (num_classes,))


def pad_sequences(sequences: Any, maxlen: int | None = None, dtype: Any = "int32", padding: str = "pre",
                  truncating: str = "pre", value: float = 0.0) -> np.ndarray:
    """Pads (and truncates) lists of sequences to one length, as Keras does ('pre' by default)."""
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    lengths = []
    for sequence in sequences:
        if not hasattr(sequence, "__len__"):
            raise ValueError(f"`sequences` must be a list of iterables. Found non-iterable: {sequence!r}")
        lengths.append(len(sequence))
    maxlen = maxlen if maxlen is not None else (max(lengths) if lengths else 0)
    result = np.full((len(sequences), maxlen), value, dtype=dtype)
    for row, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if padding == "post":
            result[row, : len(kept)] = kept
        else:
            result[row, maxlen - len(kept):] = kept
    return result


def set_random_seed(seed: int) -> None:
    """Seeds Python's, numpy's and the engine's random streams, so runs repeat exactly."""
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed} (of type {type(seed)})")
    _random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    _sd.random.seed(int(seed))
    from ..random.seed_generator import reset_global_seed_generator
    reset_global_seed_generator(seed)  # keras.random's ops with seed=None
