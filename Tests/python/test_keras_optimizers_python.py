"""Adadelta, Adamax, Lion and Nadam (written with engine ops in Python) against real Keras 3.15.1's updates,
their configs, `.keras` save/load with optimizer state, and bad arguments."""
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras.optimizers import Adadelta, Adamax, Lion, Nadam

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_optimizers", "keras_optimizers.npz")
CASES = {
    "Adamax": {"learning_rate": 0.01},
    "Adamax_wd": {"learning_rate": 0.01, "weight_decay": 0.05},
    "Adamax_clip": {"learning_rate": 0.01, "global_clipnorm": 0.5},
    "Lion": {"learning_rate": 0.01},
    "Lion_wd": {"learning_rate": 0.01, "weight_decay": 0.05},
    "Lion_clip": {"learning_rate": 0.01, "clipvalue": 0.3, "beta_1": 0.5},
    "Adadelta": {"learning_rate": 1.0},
    "Adadelta_wd": {"learning_rate": 1.0, "weight_decay": 0.05, "rho": 0.9},
    "Nadam": {"learning_rate": 0.01},
    "Nadam_wd": {"learning_rate": 0.01, "weight_decay": 0.05, "clipnorm": 0.7},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_updates_match_keras(case):
    data = np.load(FIXTURE)
    cls = {"Adadelta": Adadelta, "Adamax": Adamax, "Lion": Lion, "Nadam": Nadam}[case.split("_")[0]]
    variables = [sd.Variable(data["kernel"], name="kernel"), sd.Variable(data["bias"], name="bias")]
    optimizer = cls(**CASES[case])
    for step in range(3):
        grads = [sd.asarray(data[f"grad_kernel_{step}"]), sd.asarray(data[f"grad_bias_{step}"])]
        optimizer.apply_gradients(zip(grads, variables))
        # float32 arithmetic in a different order than XLA's: a few ulps of the weights (~1).
        np.testing.assert_allclose(np.asarray(variables[0]), data[f"{case}_kernel_{step}"], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.asarray(variables[1]), data[f"{case}_bias_{step}"], rtol=1e-5, atol=1e-6)
    assert int(np.asarray(optimizer.iterations)) == 3


def test_adamax_formula_by_hand_one_step():
    w = np.array([1.0, -2.0], "float32")
    g = np.array([0.5, -0.25], "float32")
    variable = sd.Variable(w)
    Adamax(learning_rate=0.1, beta_1=0.8, beta_2=0.9, epsilon=1e-3).apply_gradients([(sd.asarray(g), variable)])
    m = 0.2 * g
    u = np.abs(g)
    np.testing.assert_allclose(np.asarray(variable), w - 0.1 * m / ((1 - 0.8) * (u + 1e-3)), rtol=1e-6)


@pytest.mark.parametrize("cls, extra", [(Adamax, {"beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-6}),
                                        (Lion, {"beta_1": 0.7, "beta_2": 0.98}),
                                        (Adadelta, {"rho": 0.9, "epsilon": 1e-6}),
                                        (Nadam, {"beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-6})])
def test_config_round_trip(cls, extra):
    optimizer = cls(learning_rate=0.02, weight_decay=0.01, clipnorm=1.0, name="opt", **extra)
    config = optimizer.get_config()
    for key, value in extra.items():
        assert config[key] == value
    clone = cls.from_config(config)
    assert clone.get_config() == config
    assert isinstance(keras.optimizers.get(cls.__name__.lower()), cls)
    assert type(keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))) is cls


@pytest.mark.parametrize("cls", [Adadelta, Adamax, Lion, Nadam])
def test_keras_save_load_keeps_optimizer_state(cls, tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=cls(learning_rate=0.01), loss="mse")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.optimizer) is cls
    saved = [np.asarray(v) for v in model.optimizer.variables]
    restored = [np.asarray(v) for v in loaded.optimizer.variables]
    assert len(saved) == len(restored) and int(restored[0]) == 4
    for a, b in zip(saved, restored):
        np.testing.assert_array_equal(a, b)
    # One more identical step on both gives identical weights: the state really was restored.
    model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match="beta_1"):
        Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="learning_rate"):
        Adamax(learning_rate="fast")
    with pytest.raises(ValueError, match="not recognized"):
        Adamax(bogus=1)
    with pytest.raises(ValueError, match="Only one of"):
        Lion(clipnorm=1.0, clipvalue=1.0)
