"""CTC, Circle and CategoricalGeneralizedCrossEntropy (keras.losses), losses.serialize /
deserialize, and OrthogonalRegularizer / regularizers.deserialize, against real Keras 3.15.1
(values per sample, reduced, with sample weights, and gradients), hand-written numpy, configs,
models that train with them and `.keras` files, and bad arguments."""
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import losses, regularizers

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_losses_more", "keras_losses_more.npz")
CASES = {
    "ctc": (losses.CTC, {}),
    "circle": (losses.Circle, {}),
    "circle_soft": (losses.Circle, {"gamma": 4.0, "margin": 0.25}),
    "circle_diagonal": (losses.Circle, {"gamma": 2.0, "remove_diagonal": False}),
    "gce": (losses.CategoricalGeneralizedCrossEntropy, {}),
    "gce_q": (losses.CategoricalGeneralizedCrossEntropy, {"q": 0.2}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_match_keras(case):
    data = np.load(FIXTURE)
    cls, kwargs = CASES[case]
    y_true, y_pred, weights = data[f"{case}/y_true"], data[f"{case}/y_pred"], data[f"{case}/weights"]
    # The CTC forward pass and Circle's γ-scaled log-sum-exps add many float32 terms in
    # another order than XLA: a few ulps of values around 10-150.
    tolerance = {"rtol": 2e-5, "atol": 2e-5}
    np.testing.assert_allclose(np.asarray(cls(reduction="none", **kwargs)(y_true, y_pred)), data[f"{case}/none"], **tolerance)
    np.testing.assert_allclose(np.asarray(cls(**kwargs)(y_true, y_pred)), data[f"{case}/reduced"].reshape(()), **tolerance)
    np.testing.assert_allclose(np.asarray(cls(reduction="sum", **kwargs)(y_true, y_pred, sample_weight=weights)),
                               data[f"{case}/sum_weighted"].reshape(()), **tolerance)
    np.testing.assert_allclose(np.asarray(cls(**kwargs)(y_true, y_pred, sample_weight=weights)),
                               data[f"{case}/mean_weighted"].reshape(()), **tolerance)


@pytest.mark.parametrize("case", sorted(CASES))
def test_gradients_match_keras(case):
    data = np.load(FIXTURE)
    cls, kwargs = CASES[case]
    y_pred = sd.asarray(data[f"{case}/y_pred"])
    with sd.GradientTape() as tape:
        tape.watch(y_pred)
        loss = cls(**kwargs)(data[f"{case}/y_true"], y_pred)
    np.testing.assert_allclose(np.asarray(tape.gradient(loss, y_pred)), data[f"{case}/grad"], rtol=1e-4, atol=1e-5)


def test_gce_by_hand_and_column_labels():
    y_pred = np.array([[0.7, 0.3], [0.2, 0.8], [0.6, 0.4]], np.float32)
    labels = np.array([0, 1, 1])
    expected = (1 - y_pred[np.arange(3), labels] ** 0.3) / 0.3
    loss = losses.CategoricalGeneralizedCrossEntropy(q=0.3, reduction="none")
    np.testing.assert_allclose(np.asarray(loss(labels, y_pred)), expected, rtol=1e-6)
    # (batch, 1) labels, which Keras's docstring allows, give the same per-sample values.
    np.testing.assert_allclose(np.asarray(loss(labels[:, None], y_pred)), expected, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(losses.categorical_generalized_cross_entropy(labels, y_pred, q=0.3)), expected,
                               rtol=1e-6)


def test_circle_by_hand():
    """The circle loss of a tiny batch written out pair by pair in float64."""
    rng = np.random.default_rng(2)
    e = rng.normal(size=(4, 3))
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    labels = np.array([0, 0, 1, 1])
    gamma, margin = 3.0, 0.3
    d = np.maximum(1 - e @ e.T, 0)
    expected = []
    for i in range(4):
        pos = [-gamma * max(margin + d[i, j], 0) * (margin - d[i, j]) for j in range(4) if labels[j] == labels[i] and j != i]
        neg = [gamma * max(1 + margin - d[i, j], 0) * (1 - margin - d[i, j]) for j in range(4) if labels[j] != labels[i]]
        expected.append(np.logaddexp(0, np.logaddexp.reduce(pos) + np.logaddexp.reduce(neg)))
    got = losses.circle(labels, e.astype(np.float32), gamma=gamma, margin=margin)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5)


def test_ctc_matches_keras_ops_ctc_loss():
    rng = np.random.default_rng(3)
    labels = np.array([[2, 1, 0], [1, 0, 0]], np.int32)
    logits = rng.normal(size=(2, 6, 3)).astype(np.float32)
    expected = keras.ops.ctc_loss(labels, logits, np.array([2, 1]), np.array([6, 6]), mask_index=0)
    np.testing.assert_allclose(np.asarray(losses.ctc(labels, logits)), np.asarray(expected), rtol=1e-6)


@pytest.mark.parametrize("cls, kwargs", [(losses.CTC, {}), (losses.Circle, {"gamma": 10.0, "margin": 0.3,
                                                                             "remove_diagonal": False}),
                                         (losses.CategoricalGeneralizedCrossEntropy, {"q": 0.7})])
def test_config_round_trip_and_lookup(cls, kwargs):
    loss = cls(reduction="sum", name="my_loss", **kwargs)
    config = loss.get_config()
    assert config == dict({"name": "my_loss", "reduction": "sum"}, **kwargs)
    assert cls.from_config(config).get_config() == config
    serialized = losses.serialize(loss)
    assert serialized["class_name"] == cls.__name__ and serialized["module"] == "keras.losses"
    clone = losses.deserialize(serialized)
    assert type(clone) is cls and clone.get_config() == config
    assert isinstance(losses.get(cls.__name__), cls)
    assert isinstance(losses.get(serialized), cls)


def test_default_configs_match_keras():
    assert losses.Circle().get_config() == {"name": "circle", "reduction": "sum_over_batch_size", "gamma": 80.0,
                                            "margin": 0.4, "remove_diagonal": True}
    assert losses.CTC().get_config() == {"name": "ctc", "reduction": "sum_over_batch_size"}
    assert losses.CategoricalGeneralizedCrossEntropy().get_config() == {
        "name": "categorical_generalized_cross_entropy", "reduction": "sum_over_batch_size", "q": 0.5}


def test_serialize_deserialize_functions_and_names():
    assert losses.serialize(losses.mean_squared_error) == {"module": "builtins", "class_name": "function",
                                                           "config": "mean_squared_error", "registered_name": "function"}
    assert losses.deserialize(losses.serialize(losses.ctc)) is losses.ctc
    assert losses.deserialize("circle") is losses.circle
    assert isinstance(losses.deserialize("MeanSquaredError"), losses.MeanSquaredError)
    assert losses.get("categorical_generalized_cross_entropy") is losses.categorical_generalized_cross_entropy

    def custom(y_true, y_pred):
        return y_pred

    assert losses.deserialize("custom", custom_objects={"custom": custom}) is custom
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        losses.deserialize("no_such_loss")
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        losses.deserialize({"class_name": "NoSuchLoss", "config": {}})
    with pytest.raises(ValueError, match="Could not serialize loss"):
        losses.serialize(3)


def test_hostile_arguments():
    with pytest.raises(ValueError, match=r"q must be in the interval \(0, 1\)"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.0)
    with pytest.raises(ValueError, match=r"q must be in the interval \(0, 1\)"):
        losses.CategoricalGeneralizedCrossEntropy(q=0.0)
    with pytest.raises(ValueError, match="y_true.shape"):
        losses.CTC()(np.array([1, 2]), np.zeros((2, 4, 3), np.float32))
    with pytest.raises(ValueError, match="y_pred.shape"):
        losses.CTC()(np.array([[1, 2]]), np.zeros((4, 3), np.float32))
    with pytest.raises(ValueError, match=r"\[circle\]"):
        losses.Circle()(np.array([0, 1]), np.zeros((2, 3, 1), np.float32))
    with pytest.raises(ValueError, match=r"\[circle\]"):
        losses.Circle()(np.array([0, 1, 2]), np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="categorical_generalized_cross_entropy"):
        losses.CategoricalGeneralizedCrossEntropy()(np.array([[0, 1]]), np.ones((2, 3), np.float32) / 3)
    with pytest.raises(ValueError, match="Invalid value for argument `reduction`"):
        losses.Circle(reduction="average")


def _fit_and_reload(model, loss, x, y, tmp_path, epochs=20):
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=loss)
    history = model.fit(x, y, epochs=epochs, batch_size=len(x), verbose=0)
    assert history.history["loss"][-1] < 0.9 * history.history["loss"][0]
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.loss) is type(loss) and loaded.loss.get_config() == loss.get_config()
    np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), np.asarray(model.predict(x, verbose=0)),
                               rtol=1e-5, atol=1e-6)


def test_gce_trains_a_classifier_and_saves(tmp_path):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(48, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int32) + (x[:, 1] > 0).astype(np.int32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    _fit_and_reload(model, losses.CategoricalGeneralizedCrossEntropy(q=0.4), x, y, tmp_path)


def test_circle_trains_embeddings_and_saves(tmp_path):
    rng = np.random.default_rng(5)
    y = np.repeat(np.arange(3), 8).astype(np.int32)
    x = (rng.normal(size=(24, 6)) + 2.0 * np.eye(6)[y]).astype(np.float32)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4), keras.layers.UnitNormalization()])
    _fit_and_reload(model, losses.Circle(gamma=8.0), x, y, tmp_path)


def test_ctc_trains_a_sequence_model_and_saves(tmp_path):
    rng = np.random.default_rng(6)
    y = np.array([[1, 2, 0], [2, 1, 3], [3, 0, 0], [1, 3, 0]], np.int32)
    x = rng.normal(size=(4, 8, 5)).astype(np.float32)
    model = keras.Sequential([keras.Input((8, 5)), keras.layers.Dense(4)])
    _fit_and_reload(model, losses.CTC(), x, y, tmp_path, epochs=30)


def test_orthogonal_regularizer_matches_keras():
    data = np.load(FIXTURE)
    kernel = data["orthogonal/kernel"]
    np.testing.assert_allclose(np.asarray(regularizers.OrthogonalRegularizer(0.1)(sd.asarray(kernel))),
                               data["orthogonal/rows"].reshape(()), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(regularizers.OrthogonalRegularizer(0.3, mode="columns")(sd.asarray(kernel))),
                               data["orthogonal/columns"].reshape(()), rtol=1e-5)


def test_orthogonal_regularizer_by_hand_gradient_and_config():
    rng = np.random.default_rng(8)
    kernel = rng.normal(size=(4, 3))
    units = kernel / np.linalg.norm(kernel, axis=1, keepdims=True)
    product = np.abs(units @ units.T) * (1 - np.eye(4))
    np.testing.assert_allclose(np.asarray(regularizers.OrthogonalRegularizer(0.5)(sd.asarray(kernel))),
                               0.5 * 0.5 * product.sum() / 6.0, rtol=1e-10)
    from _nn_gradcheck import check_gradients
    check_gradients(lambda k: regularizers.OrthogonalRegularizer(0.5, mode="columns")(k), kernel)
    regularizer = regularizers.OrthogonalRegularizer(0.1, mode="columns")
    assert regularizer.get_config() == {"factor": float(np.float32(0.1)), "mode": "columns"}
    serialized = regularizers.serialize(regularizer)
    assert serialized["class_name"] == "OrthogonalRegularizer"
    clone = regularizers.deserialize(serialized)
    assert isinstance(clone, regularizers.OrthogonalRegularizer) and clone.get_config() == regularizer.get_config()
    assert isinstance(regularizers.get("orthogonal_regularizer"), regularizers.OrthogonalRegularizer)
    assert regularizers.orthogonal_regularizer is regularizers.OrthogonalRegularizer
    assert regularizers.deserialize("l2").get_config() == {"l2": 0.01}
    assert regularizers.deserialize({"class_name": "L1", "config": {"l1": 0.3}}).get_config() == {"l1": 0.3}


def test_orthogonal_regularizer_hostile_arguments():
    with pytest.raises(ValueError, match="expected a non-negative float"):
        regularizers.OrthogonalRegularizer(-1.0)
    with pytest.raises(ValueError, match="expected a non-negative float"):
        regularizers.OrthogonalRegularizer(float("nan"))
    with pytest.raises(ValueError, match="Invalid value for argument `mode`"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match="must have rank 2"):
        regularizers.OrthogonalRegularizer()(sd.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="Could not interpret regularizer identifier"):
        regularizers.deserialize({"class_name": "NoSuchRegularizer", "config": {}})
    with pytest.raises(ValueError, match="Could not interpret regularizer identifier"):
        regularizers.get("orthogonal")


def test_orthogonal_regularizer_in_a_dense_layer_trains_and_saves(tmp_path):
    rng = np.random.default_rng(9)
    x = rng.normal(size=(32, 4)).astype(np.float32)
    y = rng.normal(size=(32, 3)).astype(np.float32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_regularizer="orthogonal_regularizer")])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    kernel = np.asarray(model.layers[0].kernel)
    np.testing.assert_allclose(np.asarray(model.layers[0].losses[0]),
                               np.asarray(regularizers.OrthogonalRegularizer()(sd.asarray(kernel))), rtol=1e-6)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.layers[0].kernel_regularizer, regularizers.OrthogonalRegularizer)
