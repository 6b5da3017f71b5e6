"""keras.applications' architectures against real Keras 3, layer by layer
(fixtures/keras_applications_layers/): every layer's name, class, output shape and
parameter count, in order, plus the model's name, parameter count and input shape, for each
model function at its defaults and at other arguments (input shape, no top, pooling, the
family's own switches). Automatic layer names count from zero for each model, as in the
fixture."""
import gzip
import json
import os

import numpy as np
import pytest

from swiftdl import keras

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_applications_layers", "layers.json.gz")
with gzip.open(FIXTURE, "rt") as _file:
    KERAS = json.load(_file)


@pytest.fixture(autouse=True)
def _zero_initial_weights(monkeypatch):
    # The architecture is under test, not the random draws: drawing the billion-odd initial
    # values of these models would take most of the run, so the variance-scaling family
    # (every kernel initializer the applications use) gives zeros of the right shape here.
    monkeypatch.setattr(keras.initializers.VarianceScaling, "__call__",
                        lambda self, shape, dtype=None: np.zeros(shape, dtype or "float32"))


def _arguments(arguments):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


def _layer_rows(model):
    return [[layer.name, type(layer).__name__, list(layer.output.shape)[1:], int(layer.count_params())]
            for layer in model.layers]


def _build(key):
    keras.backend.clear_session()
    return getattr(keras.applications, key.split("/")[0])(weights=None, **_arguments(KERAS[key]["arguments"]))


@pytest.mark.parametrize("key", sorted(KERAS))
def test_every_layer_matches_keras(key):
    expected = KERAS[key]
    model = _build(key)
    rows = _layer_rows(model)
    for index, (row, keras_row) in enumerate(zip(rows, expected["layers"])):
        assert row == keras_row, f"layer {index} differs from Keras's"
    assert len(rows) == len(expected["layers"])
    assert model.name == expected["name"]
    assert model.count_params() == expected["params"]
    assert list(model.inputs[0].shape)[1:] == expected["input"]
