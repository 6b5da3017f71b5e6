"""Every keras.* submodule Keras users import from is importable as swiftdl.keras.*."""
import importlib

import pytest

SUBMODULES = {
    "activations": ["relu", "softmax"],
    "backend": ["clear_session"],
    "callbacks": ["EarlyStopping", "ModelCheckpoint"],
    "config": ["floatx"],
    "constraints": ["MaxNorm"],
    "datasets": ["mnist"],
    "datasets.mnist": ["load_data"],
    "dtype_policies": ["DTypePolicy"],
    "initializers": ["GlorotUniform"],
    "layers": ["Dense", "Input"],
    "losses": ["MeanSquaredError"],
    "metrics": ["Accuracy"],
    "models": ["Model", "Sequential", "load_model"],
    "ops": ["matmul"],
    "ops.nn": ["relu"],
    "ops.numpy": ["sum"],
    "optimizers": ["Adam", "SGD", "Adadelta", "Adamax", "Lion", "Nadam", "schedules"],
    "optimizers.schedules": ["CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay", "LearningRateSchedule",
                             "PolynomialDecay"],
    "preprocessing": ["sequence"],
    "preprocessing.sequence": ["pad_sequences"],
    "random": ["normal"],
    "regularizers": ["L2"],
    "saving": ["load_model"],
    "tree": ["flatten"],
    "utils": ["to_categorical"],
}


@pytest.mark.parametrize("name", sorted(SUBMODULES))
def test_submodule_imports(name):
    module = importlib.import_module(f"swiftdl.keras.{name}")
    for attr in SUBMODULES[name]:
        assert hasattr(module, attr), f"swiftdl.keras.{name} has no {attr}"
    # `from swiftdl.keras.x import Y` is the form users write.
    namespace = {}
    exec(f"from swiftdl.keras.{name} import {SUBMODULES[name][0]}", namespace)
    assert SUBMODULES[name][0] in namespace


def test_keras_optimizers_is_the_one_implementation():
    import swiftdl
    from swiftdl import keras
    assert keras.optimizers.Adam is swiftdl.optimizers.Adam
    assert keras.optimizers.schedules.CosineDecay is swiftdl.optimizers.schedules.CosineDecay
