"""The activations keras.activations gained for issue 14 (celu, glu, hard_*, log_sigmoid, mish,
soft_shrink, sparse_*, sparsemax, squareplus, tanh_shrink, threshold) against real Keras
3.15.1's values and gradients, finite differences, by name in layers, in `.keras` files, and
with bad identifiers."""
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import activations

from _nn_gradcheck import check_gradients

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_activations", "keras_activations.npz")
# case -> (activation name, keyword arguments), as make_keras_activations_fixture.py writes them.
CASES = {
    "celu": ("celu", {}), "celu_alpha": ("celu", {"alpha": 0.5}), "glu": ("glu", {}), "glu_axis0": ("glu", {"axis": 0}),
    "hard_shrink": ("hard_shrink", {}), "hard_shrink_t": ("hard_shrink", {"threshold": 1.2}),
    "hard_sigmoid": ("hard_sigmoid", {}), "hard_silu": ("hard_silu", {}), "hard_tanh": ("hard_tanh", {}),
    "log_sigmoid": ("log_sigmoid", {}), "mish": ("mish", {}), "soft_shrink": ("soft_shrink", {}),
    "soft_shrink_t": ("soft_shrink", {"threshold": 0.8}), "sparse_plus": ("sparse_plus", {}),
    "sparse_sigmoid": ("sparse_sigmoid", {}), "sparsemax": ("sparsemax", {}), "squareplus": ("squareplus", {}),
    "squareplus_b": ("squareplus", {"b": 1.5}), "tanh_shrink": ("tanh_shrink", {}),
    "threshold": ("threshold", {"threshold": 0.3, "default_value": -2.0}),
}
NEW_NAMES = ["celu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "log_sigmoid", "mish",
             "soft_shrink", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "tanh_shrink"]


def _sparsemax_reference(x, axis=-1):
    """Martins & Astudillo's sort-based projection onto the simplex, in float64 numpy."""
    z = np.moveaxis(np.asarray(x, np.float64), axis, -1)
    ordered = -np.sort(-z, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    running = np.cumsum(ordered, axis=-1)
    support = 1 + k * ordered > running
    count = support.sum(-1, keepdims=True)
    tau = (np.take_along_axis(running, count - 1, -1) - 1) / count
    return np.moveaxis(np.maximum(z - tau, 0), -1, axis)


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_and_gradients_match_keras(case):
    data = np.load(FIXTURE)
    name, kwargs = CASES[case]
    function = getattr(activations, name)
    x = data[f"{case}/x"]
    if name == "sparsemax":
        # NOTE: Keras 3.15's sparsemax sums every supported running sum for tau, so its rows do
        # not sum to 1 (see keras/ops/nn_activations.py); swiftdl follows the paper instead.
        np.testing.assert_allclose(np.asarray(function(x, **kwargs)), _sparsemax_reference(x), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.asarray(function(x, **kwargs)).sum(-1), 1.0, rtol=1e-5)
        return
    np.testing.assert_allclose(np.asarray(function(x, **kwargs)), data[f"{case}/y"], rtol=1e-5, atol=1e-6)
    tensor = sd.asarray(x)
    with sd.GradientTape() as tape:
        tape.watch(tensor)
        total = function(tensor, **kwargs).sum()
    np.testing.assert_allclose(np.asarray(tape.gradient(total, tensor)), data[f"{case}/grad"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", sorted(CASES))
def test_gradients_match_finite_differences(case):
    name, kwargs = CASES[case]
    x = np.load(FIXTURE)[f"{case}/x"][:2].astype(np.float64)
    check_gradients(lambda t: getattr(activations, name)(t, **kwargs), x, rtol=1e-5, atol=1e-6)


def test_mish_by_hand_and_stable_for_large_inputs():
    x = np.array([-50.0, -2.0, 0.0, 0.7, 30.0, 100.0], np.float32)
    expected = x * np.tanh(np.logaddexp(0.0, x.astype(np.float64)))
    np.testing.assert_allclose(np.asarray(activations.mish(x)), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", NEW_NAMES)
def test_get_serialize_deserialize_by_name(name):
    function = activations.get(name)
    assert function is getattr(activations, name)
    expected = "hard_silu" if name == "hard_swish" else name
    assert activations.serialize(function) == expected
    assert activations.deserialize(expected) is function
    config = {"module": "keras.activations", "class_name": "function", "config": expected, "registered_name": None}
    assert activations.deserialize(config) is function
    assert activations.get(config) is function


def test_deserialize_custom_and_unknown():
    def scaled(x):
        return x * 2.0

    assert activations.deserialize("scaled", custom_objects={"scaled": scaled}) is scaled
    with pytest.raises(ValueError, match="Could not interpret activation function identifier"):
        activations.deserialize("no_such_activation")
    with pytest.raises(ValueError, match="Could not interpret activation function identifier"):
        activations.get("mishh")
    with pytest.raises(ValueError, match="Could not interpret activation function identifier"):
        activations.deserialize(42)


def test_hostile_inputs():
    with pytest.raises(ValueError, match="glu"):
        activations.glu(np.ones((2, 3), np.float32))
    with pytest.raises(TypeError):
        activations.threshold(np.ones(3, np.float32))  # threshold and default_value are required, as in Keras
    # Integer inputs are computed in floatx, not truncated.
    np.testing.assert_allclose(np.asarray(activations.hard_sigmoid(np.array([0, 3, -3]))), [0.5, 1.0, 0.0])


@pytest.mark.parametrize("name", ["mish", "hard_swish", "celu", "squareplus", "log_sigmoid"])
def test_by_name_in_a_model_that_trains_and_saves(name, tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation=name), keras.layers.Dense(1)])
    assert model.layers[0].get_config()["activation"] == ("hard_silu" if name == "hard_swish" else name)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=15, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.layers[0].activation is model.layers[0].activation
    np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), np.asarray(model.predict(x, verbose=0)),
                               rtol=1e-6, atol=1e-6)


def test_activation_layer_by_name():
    layer = keras.layers.Activation("sparse_plus")
    x = np.array([[-2.0, -0.5, 0.5, 2.0]], np.float32)
    np.testing.assert_allclose(np.asarray(layer(x)), [[0.0, 0.0625, 0.5625, 2.0]], rtol=1e-6)
    assert keras.layers.Activation.from_config(layer.get_config()).activation is activations.sparse_plus
