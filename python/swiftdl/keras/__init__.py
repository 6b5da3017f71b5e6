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
    # keras.datasets and keras.random load on first use (most scripts need neither).
    if name in ("datasets", "random"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
