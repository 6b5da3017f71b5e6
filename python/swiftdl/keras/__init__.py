"""swiftdl.keras: Keras 3's API over the Swift engine.

    from swiftdl.keras import layers, models
    model = models.Sequential([layers.Dense(10, activation="softmax", input_shape=(784,))])
"""
from swiftdl import optimizers
from . import activations, backend, callbacks, initializers, layers, losses, metrics, models, regularizers, saving, utils
from .layers import Input, Layer
from .models import Model, Sequential
from .backend import clear_session


def __getattr__(name):
    # keras.datasets loads on first use (its loaders need nothing at import time).
    if name == "datasets":
        import importlib
        return importlib.import_module(".datasets", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
