"""swiftdl.keras: Keras 3's API over the Swift engine.

    from swiftdl.keras import layers, models
    model = models.Sequential([layers.Dense(10, activation="softmax", input_shape=(784,))])
"""
from . import optimizers  # noqa: I001 (the module form of swiftdl.optimizers)
from . import (activations, backend, callbacks, config, constraints, dtype_policies, initializers, layers, losses,
               metrics, models, regularizers, saving, utils)
from .backend import clear_session
from .dtype_policies import DTypePolicy, FloatDTypePolicy
from .initializers import Initializer
from .layers import Input, InputSpec, KerasTensor, Layer
from .losses import Loss
from .metrics import Metric
from .models import Model, Sequential
from .name_scope import device, name_scope
from .regularizers import Regularizer
from .remat_scope import RematScope, remat
from .stateless_scope import StatelessScope, SymbolicScope
from .symbolic.function import Function
from .symbolic.operation import Operation
from .variables import Variable

Optimizer = optimizers.Optimizer

# The Keras API version this package follows (the Keras 3.15 names and behaviour, checked
# against Keras 3.15.1's files in Tests/python/fixtures/keras).
__version__ = "3.15.1"


def version():
    """The Keras API version swiftdl.keras follows."""
    return __version__


__all__ = ["activations", "backend", "callbacks", "clear_session", "config", "constraints", "device",
           "dtype_policies", "DTypePolicy", "FloatDTypePolicy", "Function", "initializers", "Initializer", "Input", "InputSpec",
           "KerasTensor", "Layer", "layers", "Loss", "losses", "Metric", "metrics", "Model", "models", "name_scope",
           "Operation", "Optimizer", "optimizers", "Regularizer", "regularizers", "remat", "RematScope", "saving",
           "Sequential", "StatelessScope", "SymbolicScope", "utils",
           "Variable", "version", "Quantizer", "applications"]


def __getattr__(name):
    # These submodules load on first use.
    if name in ("applications", "datasets", "distribution", "export", "mixed_precision", "preprocessing", "quantizers",
                "random", "ops", "tree", "wrappers"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    if name == "Quantizer":
        from .quantizers import Quantizer
        return Quantizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
