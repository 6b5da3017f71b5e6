"""huber, log_cosh, kld, poisson, hinge, squared_hinge, categorical_hinge, cosine_similarity
and label smoothing: values from real Keras 3.15.1 (computed once on these arrays), numpy
formulas, and gradients that train."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import losses

yt = np.array([[0.8050029, 0.8079408, 0.51532555, 0.28580138], [0.0539307, 0.38336888, 0.4084732, 0.04527519],
               [0.04875771, 0.99917614, 0.6523691, 0.2345102]], "float32")
yp = np.array([[0.46320018, 0.97547686, 0.9027937, 0.8520195], [0.42278442, 0.5183719, 0.6928549, 0.10776258],
               [0.5778163, 0.30787903, 0.88566864, 0.11100371]], "float32")
yb = np.array([[0., 1., 0., 1.], [0., 0., 1., 1.], [1., 1., 0., 0.]], "float32")
ys = np.array([[-1.2894187, 0.02069039, -0.03788574, -0.30433774], [-1.0479265, -0.39619035, -1.0913289, -1.3552088],
               [0.22478573, -1.10935, 1.1702961, 0.71658766]], "float32")

# Keras 3.15.1's values for the same calls (Tests/python/fixtures/keras has the generator's recipe).
KERAS = [
    (lambda: losses.Huber(delta=0.7), yt, ys, 0.476525),
    (lambda: losses.LogCosh(), yt, ys * 5, 3.2706687),
    (lambda: losses.KLDivergence(), yt, yp, 0.0804627),
    (lambda: losses.Poisson(), yt, yp, 0.8252737),
    (lambda: losses.Hinge(), yb, ys, 1.2556297),
    (lambda: losses.SquaredHinge(), yb, ys, 2.2148695),
    (lambda: losses.CategoricalHinge(), yb, ys, 2.5950148),
    (lambda: losses.CosineSimilarity(), ys, yt, 0.4505947),
    (lambda: losses.BinaryCrossentropy(label_smoothing=0.2), yb, yp, 0.9340411),
    (lambda: losses.CategoricalCrossentropy(label_smoothing=0.1, from_logits=True), np.eye(4, dtype="float32")[[0, 2, 3]],
     ys, 1.7043442),
]


@pytest.mark.parametrize("make, y_true, y_pred, expected", KERAS)
def test_losses_match_keras(make, y_true, y_pred, expected):
    np.testing.assert_allclose(float(np.asarray(make()(y_true, y_pred))), expected, rtol=1e-5)


def test_loss_functions_against_numpy():
    e = ys - yt
    a = np.abs(e)
    np.testing.assert_allclose(np.asarray(losses.huber(yt, ys, delta=0.7)),
                               np.where(a <= 0.7, 0.5 * e ** 2, 0.7 * a - 0.5 * 0.49).mean(-1), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(losses.log_cosh(yt, ys)), np.log(np.cosh(e)).mean(-1), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(losses.kld(yt, yp)), (yt * np.log(yt / yp)).sum(-1), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(losses.poisson(yt, yp)), (yp - yt * np.log(yp + 1e-7)).mean(-1), rtol=1e-5)
    signs = 2 * yb - 1
    np.testing.assert_allclose(np.asarray(losses.hinge(yb, ys)), np.maximum(1 - signs * ys, 0).mean(-1), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(losses.squared_hinge(signs, ys)), (np.maximum(1 - signs * ys, 0) ** 2).mean(-1),
                               rtol=1e-5)
    cos = (ys * yt).sum(-1) / np.linalg.norm(ys, axis=-1) / np.linalg.norm(yt, axis=-1)
    np.testing.assert_allclose(np.asarray(losses.cosine_similarity(ys, yt)), -cos, rtol=1e-5)


def test_log_cosh_is_stable_for_large_errors():
    value = np.asarray(losses.log_cosh(np.zeros((1, 2), "float32"), np.array([[200.0, -300.0]], "float32")))
    np.testing.assert_allclose(value, [(200 - np.log(2) + 300 - np.log(2)) / 2], rtol=1e-6)


@pytest.mark.parametrize("name", ["huber", "log_cosh", "kld", "poisson", "hinge", "squared_hinge",
                                  "categorical_hinge", "cosine_similarity"])
def test_losses_by_name_train(name):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="sgd", loss=name, metrics=[name])
    before = model.get_weights()[0].copy()
    history = model.fit(yp, yt, epochs=1, verbose=0)
    assert set(history.history) == {"loss", name}
    assert np.isfinite(history.history["loss"][0]) and not np.allclose(before, model.get_weights()[0])


def test_huber_gradient_matches_finite_differences():
    x = sd.Variable(ys.copy())
    with sd.GradientTape() as tape:
        value = losses.Huber(delta=0.7)(yt, x)
    grad = np.asarray(tape.gradient(value, x))
    e = ys - yt
    expected = np.clip(e, -0.7, 0.7) / e.size
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)


def test_unknown_loss_name_is_named():
    with pytest.raises(ValueError, match="hubber"):
        losses.get("hubber")


@pytest.mark.parametrize("label_dtype", ["uint8", "int32", "int64", "float32"])
@pytest.mark.parametrize("trailing_one", [False, True])
def test_sparse_categorical_crossentropy_on_sequences_against_numpy(label_dtype, trailing_one):
    # (batch, time, classes) probabilities: each sample's label is picked from the flat log
    # at row·classes + label, so rows past the first must line up.
    rng = np.random.default_rng(5)
    probabilities = rng.random((3, 4, 5)).astype("float32")
    labels = rng.integers(0, 5, (3, 4))
    y_true = (labels[..., None] if trailing_one else labels).astype(label_dtype)
    y_pred = sd.Variable(probabilities)
    with sd.GradientTape() as tape:
        value = losses.SparseCategoricalCrossentropy()(y_true, y_pred)
    grad = np.asarray(tape.gradient(value, y_pred))

    p = probabilities.astype(np.float64)
    normalised = p / p.sum(-1, keepdims=True)
    picked = np.take_along_axis(normalised, labels[..., None], -1)[..., 0]
    np.testing.assert_allclose(float(value), -np.log(picked).mean(), rtol=1e-6)
    # d/dp_j of -log(p_l / Σp) / n = (1/Σp - [j = l]/p_l) / n
    onehot = np.eye(5)[labels]
    expected = (1 / p.sum(-1, keepdims=True) - onehot / np.take_along_axis(p, labels[..., None], -1)) / labels.size
    np.testing.assert_allclose(grad, expected, rtol=1e-4, atol=1e-6)


def test_sparse_categorical_crossentropy_names_the_bad_label():
    with pytest.raises(ValueError, match=r"label value of 5 .* \[0, 5\)"):
        losses.sparse_categorical_crossentropy(np.array([1, 5]), np.full((2, 5), 0.2, "float32"))
    with pytest.raises(ValueError, match="label value of -1"):
        losses.sparse_categorical_crossentropy(np.array([-1, 0]), np.full((2, 5), 0.2, "float32"))


@pytest.mark.parametrize("make, arguments", [
    (lambda: losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1), {"from_logits": True, "label_smoothing": 0.1}),
    (lambda: losses.CategoricalCrossentropy(from_logits=True, axis=-1), {"from_logits": True, "axis": -1}),
    (lambda: losses.SparseCategoricalCrossentropy(from_logits=True), {"from_logits": True}),
    (lambda: losses.Huber(delta=2.5), {"delta": 2.5}),
])
def test_loss_arguments_round_trip_through_get_config(make, arguments):
    loss = make()
    config = loss.get_config()
    assert {key: config[key] for key in arguments} == arguments
    again = type(loss).from_config(config)
    assert again.get_config() == config
