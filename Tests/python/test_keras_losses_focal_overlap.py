"""The focal cross-entropies, Dice, Tversky, MAPE and MSLE against real Keras 3's values
(Tests/python/fixtures/keras_losses, written by its make_keras_losses_fixture.py), per
sample and reduced, with their configs and their gradients."""
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_losses", "keras_losses.npz"))

CASES = {
    "binary_focal": (keras.losses.BinaryFocalCrossentropy, {}),
    "binary_focal_balanced": (keras.losses.BinaryFocalCrossentropy,
                              {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5}),
    "binary_focal_logits_smoothing": (keras.losses.BinaryFocalCrossentropy, {"from_logits": True, "label_smoothing": 0.1}),
    "categorical_focal": (keras.losses.CategoricalFocalCrossentropy, {}),
    "categorical_focal_logits": (keras.losses.CategoricalFocalCrossentropy,
                                 {"from_logits": True, "gamma": 3.0, "alpha": 0.5, "label_smoothing": 0.05}),
    "dice": (keras.losses.Dice, {}),
    "dice_axis": (keras.losses.Dice, {"axis": (1,)}),
    "tversky": (keras.losses.Tversky, {"alpha": 0.7, "beta": 0.3}),
    "tversky_axis": (keras.losses.Tversky, {"alpha": 0.7, "beta": 0.3, "axis": (1,)}),
    "mape": (keras.losses.MeanAbsolutePercentageError, {}),
    "msle": (keras.losses.MeanSquaredLogarithmicError, {}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_match_keras(name):
    cls, kwargs = CASES[name]
    y_true, y_pred = FIXTURE[f"{name}/y_true"], FIXTURE[f"{name}/y_pred"]
    np.testing.assert_allclose(np.asarray(cls(reduction="none", **kwargs)(y_true, y_pred)), FIXTURE[f"{name}/none"],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(float(cls(**kwargs)(y_true, y_pred)), FIXTURE[f"{name}/reduced"], rtol=1e-5, atol=1e-6)
    loss = cls(**kwargs)
    assert type(loss).from_config(loss.get_config()).get_config() == loss.get_config()


@pytest.mark.parametrize("name", ["binary_focal", "categorical_focal_logits", "tversky_axis", "msle"])
def test_gradients_match_finite_differences(name):
    cls, kwargs = CASES[name]
    y_true = FIXTURE[f"{name}/y_true"]
    y_pred = FIXTURE[f"{name}/y_pred"].astype(np.float64)
    loss = cls(**kwargs)
    variable = sd.Variable(y_pred)
    with sd.GradientTape() as tape:
        value = loss(y_true.astype(np.float64), variable)
    gradient = np.asarray(tape.gradient(value, variable))
    direction = np.random.default_rng(0).standard_normal(y_pred.shape)
    step = 1e-6
    # Engine tensors keep float64 (numpy float64 arrays become float32, as Keras's floatx).
    plus = float(loss(y_true.astype(np.float64), sd.asarray(y_pred + step * direction)))
    minus = float(loss(y_true.astype(np.float64), sd.asarray(y_pred - step * direction)))
    np.testing.assert_allclose((gradient * direction).sum(), (plus - minus) / (2 * step), rtol=1e-5, atol=1e-8)


def test_names_resolve_in_compile():
    for name in ("binary_focal_crossentropy", "dice", "tversky", "mape", "msle", "categorical_focal_crossentropy"):
        assert callable(keras.losses.get(name))
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(5, activation="sigmoid")])
    model.compile(optimizer="adam", loss=keras.losses.Dice())
    y = (np.random.default_rng(1).random((16, 5)) < 0.5).astype(np.float32)
    history = model.fit(np.random.default_rng(2).random((16, 5)).astype(np.float32), y, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
