"""The rest of keras.metrics (issue 14): each metric against real Keras 3.15.1 over two
weighted batches (Tests/python/fixtures/keras_metrics, written by its
make_keras_metrics_fixture.py), Keras's get_config keys, config and serialize round trips,
string lookup, compile/fit/evaluate and a .keras round trip, numpy references for the
arguments Keras's JAX backend cannot run, and clear errors for hostile input."""
import json
import os
import re
import zipfile

import numpy as np
import pytest

from swiftdl.keras import layers, losses, metrics, models, saving

HERE = os.path.dirname(__file__)
FIXTURE = np.load(os.path.join(HERE, "fixtures", "keras_metrics", "keras_metrics.npz"))
CASES = json.loads(str(FIXTURE["cases"]))
KERAS_CONFIGS = json.loads(str(FIXTURE["configs"]))
RNG = np.random.default_rng(14)


def batch(name, step):
    return (FIXTURE[f"{name}/y_true{step}"], FIXTURE[f"{name}/y_pred{step}"],
            FIXTURE[f"{name}/sample_weight{step}"])


def run_two_batches(metric, name):
    y_true, y_pred, weight = batch(name, 1)
    metric.update_state(y_true, y_pred, sample_weight=weight)
    first = np.asarray(metric.result())
    y_true, y_pred, weight = batch(name, 2)
    metric.update_state(y_true, y_pred, sample_weight=weight)
    return first, np.asarray(metric.result())


# ---- against real Keras ------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras_over_two_weighted_batches(name):
    class_name, kwargs = CASES[name]
    metric = getattr(metrics, class_name)(**kwargs)
    first, second = run_two_batches(metric, name)
    np.testing.assert_allclose(first, FIXTURE[f"{name}/result1"], rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(second, FIXTURE[f"{name}/result"], rtol=2e-5, atol=1e-6)
    # reset_state starts over: the same two batches give the same value again.
    metric.reset_state()
    assert float(np.asarray(metric.result())) == 0.0
    np.testing.assert_allclose(run_two_batches(metric, name)[1], FIXTURE[f"{name}/result"], rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_keys_match_keras_and_round_trip(name):
    class_name, kwargs = CASES[name]
    cls = getattr(metrics, class_name)
    config = cls(**kwargs).get_config()
    expected = dict(KERAS_CONFIGS[name])
    expected["name"] = re.sub(r"_\d+$", "", expected["name"])  # Keras numbers its second instance
    if class_name == "CosineSimilarity":
        # swiftdl keeps `axis`, which Keras's config drops (so Keras's round trip resets it).
        assert config.pop("axis") == kwargs.get("axis", -1)
    assert config == expected
    rebuilt = cls.from_config(cls(**kwargs).get_config())
    np.testing.assert_allclose(run_two_batches(rebuilt, name)[1], FIXTURE[f"{name}/result"], rtol=2e-5, atol=1e-6)
    if name != "cosine_axis0":  # Keras's own config cannot carry axis=0
        from_keras = metrics.deserialize({"module": "keras.metrics", "class_name": class_name,
                                          "config": KERAS_CONFIGS[name], "registered_name": None})
        assert from_keras.name == KERAS_CONFIGS[name]["name"]
        np.testing.assert_allclose(run_two_batches(from_keras, name)[1], FIXTURE[f"{name}/result"], rtol=2e-5,
                                   atol=1e-6)


@pytest.mark.parametrize("fn", ["pearson_correlation", "concordance_correlation"])
def test_correlation_functions_match_keras(fn):
    y_true, y_pred = FIXTURE["functions/y_true"], FIXTURE["functions/y_pred"]
    np.testing.assert_allclose(np.asarray(getattr(metrics, fn)(y_true, y_pred)), FIXTURE[f"functions/{fn}"],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(getattr(metrics, fn)(y_true, y_pred, axis=0)),
                               FIXTURE[f"functions/{fn}_axis0"], rtol=1e-5, atol=1e-6)


def test_correlation_functions_against_numpy():
    y_true, y_pred = FIXTURE["functions/y_true"].astype(np.float64), FIXTURE["functions/y_pred"].astype(np.float64)
    pearson = [np.corrcoef(t, p)[0, 1] for t, p in zip(y_true, y_pred)]
    np.testing.assert_allclose(np.asarray(metrics.pearson_correlation(y_true, y_pred)), pearson, rtol=1e-4)
    # Keras's concordance formula, written out (it centres both covariance factors on mean(y_pred)).
    mt, mp = y_true.mean(-1, keepdims=True), y_pred.mean(-1, keepdims=True)
    norm = y_true.var(-1, keepdims=True) + y_pred.var(-1, keepdims=True) + (mt - mp) ** 2
    expected = (2 * (y_true - mp) * (y_pred - mp) / (norm + 1e-7)).mean(-1)
    np.testing.assert_allclose(np.asarray(metrics.concordance_correlation(y_true, y_pred)), expected, rtol=1e-4)


def test_metric_functions_are_the_loss_functions():
    for name in ("binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
                 "categorical_focal_crossentropy", "categorical_hinge", "hinge", "huber", "kl_divergence", "log_cosh",
                 "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
                 "mean_squared_logarithmic_error", "poisson", "sparse_categorical_crossentropy", "squared_hinge"):
        assert getattr(metrics, name) is getattr(losses, name)
        assert name in metrics.__all__


# ---- what Keras's JAX backend cannot compute: numpy references ----------------------------
def test_sparse_categorical_crossentropy_axis_and_ignore_class_against_numpy():
    probabilities = RNG.random((5, 3, 4)).astype(np.float32)
    probabilities /= probabilities.sum(1, keepdims=True)
    labels = RNG.integers(0, 3, (5, 4))
    weights = RNG.uniform(0.5, 2.0, 5).astype(np.float32)
    picked = np.take_along_axis(probabilities, labels[:, None, :], axis=1)[:, 0, :]
    entropy = -np.log(np.clip(picked, 1e-7, 1 - 1e-7))
    m = metrics.SparseCategoricalCrossentropy(axis=1)
    m.update_state(labels, probabilities, sample_weight=weights)
    expected = (entropy * weights[:, None]).sum() / (4 * weights.sum())
    assert m.result() == pytest.approx(expected, rel=1e-5)
    # ignore_class: those entries leave both the sum and the count.
    ignored = metrics.SparseCategoricalCrossentropy(axis=1, ignore_class=2)
    ignored.update_state(labels, probabilities, sample_weight=weights)
    keep = (labels != 2) * weights[:, None]
    assert ignored.result() == pytest.approx((entropy * keep).sum() / keep.sum(), rel=1e-5)
    everything_ignored = metrics.SparseCategoricalCrossentropy(ignore_class=0)
    everything_ignored.update_state([0, 0], [[0.5, 0.5], [0.9, 0.1]])
    assert everything_ignored.result() == 0.0


def test_sensitivity_at_specificity_against_numpy():
    y_true = (RNG.random(200) < 0.4).astype(np.float32)
    y_pred = np.clip(0.35 * y_true + RNG.uniform(0, 0.65, 200), 0, 1).astype(np.float32)
    m = metrics.SensitivityAtSpecificity(0.8, num_thresholds=11)
    m.update_state(y_true[:90], y_pred[:90])
    m.update_state(y_true[90:], y_pred[90:])
    thresholds = np.linspace(0, 1, 11)
    positive = y_pred[None, :] > thresholds[:, None]
    positives = y_true == 1
    sensitivity = (positive & positives).sum(1) / positives.sum()
    specificity = (~positive & ~positives).sum(1) / (~positives).sum()
    assert m.result() == pytest.approx(sensitivity[specificity >= 0.8].max(), abs=1e-6)


# ---- lookup, serialize, compile -----------------------------------------------------------
@pytest.mark.parametrize("name, cls", [
    ("binary_crossentropy", metrics.BinaryCrossentropy), ("bce", metrics.BinaryCrossentropy),
    ("BCE", metrics.BinaryCrossentropy), ("categorical_crossentropy", metrics.CategoricalCrossentropy),
    ("sparse_categorical_crossentropy", metrics.SparseCategoricalCrossentropy), ("kl_divergence", metrics.KLDivergence),
    ("poisson", metrics.Poisson), ("hinge", metrics.Hinge), ("SquaredHinge", metrics.SquaredHinge),
    ("root_mean_squared_error", metrics.RootMeanSquaredError), ("log_cosh_error", metrics.LogCoshError),
    ("mape", metrics.MeanAbsolutePercentageError), ("MSLE", metrics.MeanSquaredLogarithmicError),
    ("cosine_similarity", metrics.CosineSimilarity), ("pearson_correlation", metrics.PearsonCorrelation),
    ("concordance_correlation", metrics.ConcordanceCorrelation), ("binary_io_u", metrics.BinaryIoU)])
def test_string_lookup(name, cls):
    assert type(metrics.get(name)) is cls


def test_get_and_deserialize_accept_keras_entries():
    metric = metrics.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert isinstance(metric, metrics.CategoricalCrossentropy) and metric.from_logits
    # Entries exactly as Keras 3.15.1 writes them (keras.metrics.serialize).
    entry = {"module": "keras.metrics", "class_name": "SpecificityAtSensitivity",
             "config": {"name": "spec", "dtype": "float32", "class_id": None, "num_thresholds": 50,
                        "sensitivity": 0.7}, "registered_name": None}
    metric = metrics.deserialize(entry)
    assert isinstance(metric, metrics.SpecificityAtSensitivity) and metric.name == "spec"
    assert metric.num_thresholds == 50 and len(metric.thresholds) == 50
    assert metrics.deserialize({"module": "builtins", "class_name": "function", "config": "binary_crossentropy",
                                "registered_name": "function"}) is metrics.binary_crossentropy
    assert isinstance(metrics.deserialize("mse"), metrics.MeanSquaredError)
    assert isinstance(metrics.deserialize("binary_crossentropy"), metrics.BinaryCrossentropy)


@pytest.mark.parametrize("name", sorted(CASES))
def test_serialize_round_trip(name):
    class_name, kwargs = CASES[name]
    entry = metrics.serialize(getattr(metrics, class_name)(**kwargs))
    assert entry["module"] == "keras.metrics" and entry["class_name"] == class_name
    rebuilt = metrics.deserialize(json.loads(json.dumps(entry)))
    assert type(rebuilt) is getattr(metrics, class_name) and rebuilt.get_config() == entry["config"]


def test_serialize_functions_like_keras():
    assert metrics.serialize(metrics.pearson_correlation) == {
        "module": "builtins", "class_name": "function", "config": "pearson_correlation",
        "registered_name": "function"}
    custom = metrics.deserialize({"class_name": "Mine", "config": {}}, custom_objects={"Mine": metrics.Hinge})
    assert isinstance(custom, metrics.Hinge)


def test_compile_fit_evaluate_and_keras_file_round_trip(tmp_path):
    x = RNG.normal(size=(96, 4)).astype(np.float32)
    y = (x[:, 0] - 0.7 * x[:, 2] + 0.3 * RNG.normal(size=96) > 0).astype(np.float32)[:, None]
    model = models.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["bce", "hinge", "root_mean_squared_error", metrics.BinaryIoU(name="iou"),
                           metrics.SensitivityAtSpecificity(0.5, name="sens"), metrics.PearsonCorrelation(axis=0),
                           metrics.KLDivergence()])
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "bce", "hinge", "root_mean_squared_error", "iou", "sens",
                                    "pearson_correlation", "kl_divergence"}
    assert history.history["bce"][1] < history.history["bce"][0]
    logs = model.evaluate(x, y, batch_size=96, verbose=0, return_dict=True)
    probabilities = model.predict(x, verbose=0)
    for key, metric in (("bce", metrics.BinaryCrossentropy()), ("hinge", metrics.Hinge()),
                        ("root_mean_squared_error", metrics.RootMeanSquaredError()), ("iou", metrics.BinaryIoU()),
                        ("sens", metrics.SensitivityAtSpecificity(0.5))):
        metric.update_state(y, probabilities)
        assert logs[key] == pytest.approx(metric.result(), rel=1e-4, abs=1e-5), key
    np.testing.assert_allclose(logs["root_mean_squared_error"], np.sqrt(((probabilities - y) ** 2).mean()), rtol=1e-4)

    path = str(tmp_path / "metrics.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        saved = json.loads(archive.read("config.json"))["compile_config"]["metrics"]
    assert saved[:3] == ["bce", "hinge", "root_mean_squared_error"]
    assert [entry["class_name"] for entry in saved[3:]] == ["BinaryIoU", "SensitivityAtSpecificity",
                                                             "PearsonCorrelation", "KLDivergence"]
    loaded = saving.load_model(path)
    reloaded = loaded.evaluate(x, y, batch_size=96, verbose=0, return_dict=True)
    assert reloaded.keys() == logs.keys()
    for key in logs:
        assert reloaded[key] == pytest.approx(logs[key], rel=1e-5, abs=1e-6), key


def test_compile_config_written_by_keras_trains():
    from swiftdl.keras.saving.serialization import deserialize_compile_config
    arguments = deserialize_compile_config(json.loads(str(FIXTURE["compile_config"])))
    assert [type(m).__name__ for m in arguments["metrics"][1:4]] == ["BinaryIoU", "SensitivityAtSpecificity",
                                                                    "PearsonCorrelation"]
    assert arguments["metrics"][3].axis == 0
    x = RNG.normal(size=(64, 4)).astype(np.float32)
    y = (x[:, 1] > 0).astype(np.float32)[:, None]
    model = models.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(**arguments)
    history = model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "bce", "iou", "sens", "pearson_correlation", "root_mean_squared_error"}
    assert all(np.isfinite(values[0]) for values in history.history.values())


def test_sparse_crossentropy_metric_trains_with_ignore_class():
    x = RNG.normal(size=(64, 5)).astype(np.float32)
    y = np.argmax(x[:, :3], axis=1)
    model = models.Sequential([layers.Input((5,)), layers.Dense(3)])
    model.compile(optimizer="adam", loss=losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1, name="sce")])
    history = model.fit(x, y, epochs=1, batch_size=64, verbose=0)
    logits = model.predict(x, verbose=0)
    reference = metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1)
    reference.update_state(y, logits)
    assert model.evaluate(x, y, verbose=0, return_dict=True)["sce"] == pytest.approx(reference.result(), rel=1e-4)
    assert np.isfinite(history.history["sce"][0])


# ---- hostile input ------------------------------------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda: metrics.SensitivityAtSpecificity(1.5), "specificity"),
    (lambda: metrics.SpecificityAtSensitivity(-0.1), "sensitivity"),
    (lambda: metrics.PrecisionAtRecall("high"), "recall"),
    (lambda: metrics.RecallAtPrecision(0.5, num_thresholds=0), "num_thresholds"),
    (lambda: metrics.RecallAtPrecision(0.5, class_id=-1), "class_id"),
    (lambda: metrics.BinaryIoU(target_class_ids=[2]), "target_class_ids"),
    (lambda: metrics.BinaryIoU(threshold="half"), "threshold"),
    (lambda: metrics.OneHotIoU(num_classes=3, target_class_ids=[3]), "out of range"),
    (lambda: metrics.OneHotMeanIoU(num_classes=0), "num_classes"),
    (lambda: metrics.BinaryCrossentropy(label_smoothing=2.0), "label_smoothing"),
    (lambda: metrics.CategoricalCrossentropy(axis="last"), "axis"),
    (lambda: metrics.SparseCategoricalCrossentropy(ignore_class="none"), "ignore_class"),
])
def test_bad_arguments_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("metric, y_true, y_pred, error, message", [
    (metrics.BinaryCrossentropy(), np.zeros((4, 3)), np.full((4, 2), 0.5), ValueError, "shape"),
    (metrics.CategoricalCrossentropy(), np.eye(3)[:2], np.full((2, 4), 0.25), ValueError, "shape"),
    (metrics.SparseCategoricalCrossentropy(), [0, 3], np.full((2, 3), 1 / 3), ValueError, "label value of 3"),
    (metrics.SparseCategoricalCrossentropy(), [0, 1, 2], np.full((2, 3), 1 / 3), ValueError, "shape"),
    (metrics.RootMeanSquaredError(), np.zeros((4, 3)), np.zeros((4, 2)), ValueError, "same shape"),
    (metrics.PearsonCorrelation(), np.zeros((4, 3)), np.zeros((5, 3)), ValueError, "same shape"),
    (metrics.ConcordanceCorrelation(axis=2), np.zeros((4, 3)), np.zeros((4, 3)), ValueError, "axis"),
    (metrics.SensitivityAtSpecificity(0.5), np.zeros(4), np.zeros(5), ValueError, "shape"),
    (metrics.RecallAtPrecision(0.5, class_id=3), np.zeros((4, 3)), np.zeros((4, 3)), ValueError, "class_id"),
    (metrics.BinaryIoU(), np.zeros(4), np.zeros(5), ValueError, "same number"),
    (metrics.RootMeanSquaredError(), ["a", "b"], [0.0, 1.0], TypeError, "y_true"),
    (metrics.RootMeanSquaredError(), [[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0, 4.0]], TypeError, "y_true"),
    (metrics.PearsonCorrelation(), [[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0, 4.0]], ValueError, "inhomogeneous"),
])
def test_bad_inputs_raise_clear_errors(metric, y_true, y_pred, error, message):
    with pytest.raises(error, match=message):
        metric.update_state(y_true, y_pred)


def test_deserialize_unknown_names_raise_value_error():
    with pytest.raises(ValueError, match="NotAMetric"):
        metrics.deserialize({"class_name": "NotAMetric", "config": {}})
    with pytest.raises(ValueError, match="no_such_function"):
        metrics.deserialize({"class_name": "function", "config": "no_such_function"})
    with pytest.raises(ValueError, match="nonsense"):
        metrics.deserialize("nonsense")
    with pytest.raises(ValueError, match="Could not serialize"):
        metrics.serialize(42)
