"""swiftdl.keras.preprocessing: as keras.preprocessing, `sequence`, `image` and the
dataset builders of keras.utils under their older names."""
from typing import Any

from . import image, sequence

_FROM_UTILS = ["image_dataset_from_directory", "text_dataset_from_directory", "timeseries_dataset_from_array"]
__all__ = ["image", "sequence"] + _FROM_UTILS


def __getattr__(name: str) -> Any:
    # Loaded on first use, as keras.utils loads them.
    if name in _FROM_UTILS:
        from .. import utils
        return getattr(utils, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
