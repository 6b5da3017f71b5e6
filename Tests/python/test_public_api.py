"""Each public module lists its public names in `__all__` (ruff's F401 counts a re-export as
used only when `__all__` names it), and every listed name resolves, lazy ones included."""
import importlib

import pytest

PUBLIC_MODULES = ["swiftdl", "swiftdl.nn", "swiftdl.optimizers", "swiftdl.data", "swiftdl.keras",
                  "swiftdl.keras.layers", "swiftdl.keras.models", "swiftdl.keras.callbacks", "swiftdl.keras.saving",
                  "swiftdl.keras.utils", "swiftdl.keras.datasets", "swiftdl.keras.random", "swiftdl.keras.losses",
                  "swiftdl.keras.metrics", "swiftdl.keras.activations", "swiftdl.keras.initializers",
                  "swiftdl.keras.regularizers", "swiftdl.keras.constraints", "swiftdl.keras.backend", "swiftdl.keras.ops",
                  "swiftdl.keras.ops.linalg", "swiftdl.image", "swiftdl.signal", "swiftdl.math", "swiftdl.linalg",
                  "swiftdl.random", "swiftdl.keras.optimizers", "swiftdl.train", "swiftdl.strings", "swiftdl.io",
                  "swiftdl.io.gfile", "swiftdl.keras.quantizers"]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_lists_names_that_resolve(name):
    module = importlib.import_module(name)
    assert isinstance(module.__all__, list) and module.__all__, f"{name} has no __all__"
    assert len(set(module.__all__)) == len(module.__all__), f"{name}.__all__ repeats a name"
    missing = [attribute for attribute in module.__all__ if not hasattr(module, attribute)]
    assert not missing, f"{name}.__all__ names what {name} does not have: {missing}"


def test_star_import_gives_the_numpy_style_api():
    namespace = {}
    exec("from swiftdl import *", namespace)
    for attribute in ("asarray", "matmul", "GradientTape", "Variable", "float32", "newaxis", "round"):
        assert attribute in namespace
