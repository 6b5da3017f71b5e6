"""Precision, Recall, F1Score, AUC, top-k accuracy, MeanIoU and R2Score against numpy
references written here, Keras 3's documented values, accumulation across batches and
clear errors for bad input."""
import numpy as np
import pytest

from swiftdl.keras import layers, metrics, models

RNG = np.random.default_rng(7)


def scalar(value):
    return float(np.asarray(value))


# ---- numpy references -------------------------------------------------------------------
def reference_counts(y_true, y_pred, thresholds, weights=None):
    y_true = np.asarray(y_true, np.float64).reshape(-1) != 0
    y_pred = np.asarray(y_pred, np.float64).reshape(-1)
    weights = np.ones_like(y_pred) if weights is None else np.broadcast_to(weights, y_pred.shape)
    positive = y_pred[None, :] > np.asarray(thresholds)[:, None]
    tp = (positive & y_true).astype(float) @ weights
    fp = (positive & ~y_true).astype(float) @ weights
    fn = (~positive & y_true).astype(float) @ weights
    tn = (~positive & ~y_true).astype(float) @ weights
    return tp, fp, tn, fn


def exact_roc_auc(y_true, scores):
    """The Mann-Whitney statistic: P(score of a positive > score of a negative)."""
    positives, negatives = scores[y_true == 1], scores[y_true == 0]
    greater = (positives[:, None] > negatives[None, :]).mean()
    ties = (positives[:, None] == negatives[None, :]).mean()
    return greater + 0.5 * ties


# ---- Precision / Recall -----------------------------------------------------------------
def test_precision_recall_keras_documented_values():
    m = metrics.Precision()
    m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert m.result() == pytest.approx(2 / 3)
    m.reset_state()
    m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert m.result() == pytest.approx(1.0)
    top2 = metrics.Precision(top_k=2)
    top2.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert top2.result() == pytest.approx(0.0)
    top4 = metrics.Precision(top_k=4)
    top4.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert top4.result() == pytest.approx(0.5)
    r = metrics.Recall()
    r.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert r.result() == pytest.approx(2 / 3)


def test_precision_recall_many_thresholds_accumulate_like_numpy():
    thresholds = [0.0, 0.2, 0.45, 0.7, 1.0]
    y_true = RNG.integers(0, 2, (60, 3))
    y_pred = RNG.random((60, 3)).astype(np.float32)
    weights = RNG.random(60).astype(np.float32)
    precision = metrics.Precision(thresholds=thresholds)
    recall = metrics.Recall(thresholds=thresholds)
    for lo, hi in [(0, 25), (25, 60)]:  # two batches accumulate
        precision.update_state(y_true[lo:hi], y_pred[lo:hi], sample_weight=weights[lo:hi])
        recall.update_state(y_true[lo:hi], y_pred[lo:hi], sample_weight=weights[lo:hi])
    tp, fp, _, fn = reference_counts(y_true, y_pred, thresholds, np.repeat(weights, 3))
    np.testing.assert_allclose(np.asarray(precision.result()), np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1e-30), 0),
                               rtol=1e-5)
    np.testing.assert_allclose(np.asarray(recall.result()), tp / (tp + fn), rtol=1e-5)


def test_precision_class_id_and_top_k_with_ties():
    y_true = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 1]])
    y_pred = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.3, 0.3, 0.4], [0.5, 0.5, 0.1]], np.float32)
    m = metrics.Precision(class_id=1)
    m.update_state(y_true, y_pred)
    tp, fp, _, _ = reference_counts(y_true[:, 1], y_pred[:, 1], [0.5])
    assert m.result() == pytest.approx(tp[0] / (tp[0] + fp[0]))
    # top_k=1 keeps the first of tied maxima (index order), as top_k does.
    m = metrics.Recall(top_k=1)
    m.update_state(y_true, y_pred)
    kept = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0]], bool)
    tp = (kept & (y_true == 1)).sum()
    assert m.result() == pytest.approx(tp / y_true.sum())


def test_confusion_counts_match_numpy():
    y_true = RNG.integers(0, 2, 100)
    y_pred = RNG.random(100).astype(np.float32)
    expected = reference_counts(y_true, y_pred, [0.3, 0.6])
    for cls, value in zip((metrics.TruePositives, metrics.FalsePositives, metrics.TrueNegatives,
                           metrics.FalseNegatives), expected):
        m = cls(thresholds=[0.3, 0.6])
        m.update_state(y_true, y_pred)
        np.testing.assert_allclose(np.asarray(m.result()), value)


# ---- AUC ------------------------------------------------------------------------------
Y_TRUE = np.array([0, 0, 1, 1])
Y_PRED = np.array([0, 0.5, 0.3, 0.9], np.float32)
WEIGHTS = [1, 2, 3, 4]


@pytest.mark.parametrize("kwargs, weighted, expected", [
    ({}, False, 0.75),                                       # documented: thresholds [-ε, .5, 1+ε]
    ({"thresholds": [0.5]}, False, 0.75),
    ({}, True, 0.7857142857),                                # Keras's tests: 0.7855 ± 1e-3
    ({"summation_method": "majoring"}, True, 1.0),
    ({"summation_method": "minoring"}, True, 4 / 7),
    ({"curve": "PR", "summation_method": "majoring"}, True, 1.0),
    ({"curve": "PR", "summation_method": "minoring"}, True, 0.7 * 3 / 7),
    ({"curve": "PR"}, True, 2.416 / 7 + 4 / 7),              # interpolated PR, hand-computed by Keras
])
def test_auc_keras_reference_values(kwargs, weighted, expected):
    m = metrics.AUC(num_thresholds=3, **kwargs)
    m.update_state(Y_TRUE, Y_PRED, sample_weight=WEIGHTS if weighted else None)
    assert m.result() == pytest.approx(expected, abs=1e-3)


def test_auc_roc_approaches_the_exact_statistic_and_accumulates():
    y_true = RNG.integers(0, 2, 400)
    scores = np.clip(RNG.normal(0.35 + 0.3 * y_true, 0.2), 0, 1).astype(np.float32)
    m = metrics.AUC(num_thresholds=2000)
    for chunk in np.array_split(np.arange(400), 3):
        m.update_state(y_true[chunk], scores[chunk])
    assert m.result() == pytest.approx(exact_roc_auc(y_true, scores), abs=2e-3)
    # Same counts as one big batch.
    whole = metrics.AUC(num_thresholds=2000)
    whole.update_state(y_true, scores)
    np.testing.assert_allclose(np.asarray(whole.true_positives), np.asarray(m.true_positives))


def test_auc_roc_counts_match_numpy_reference():
    y_true = RNG.integers(0, 2, 50)
    y_pred = RNG.random(50).astype(np.float32)
    m = metrics.AUC(num_thresholds=11)
    m.update_state(y_true, y_pred)
    thresholds = np.array(m.thresholds, np.float32)
    tp, fp, tn, fn = reference_counts(y_true, y_pred, thresholds)
    np.testing.assert_allclose(np.asarray(m.true_positives), tp)
    np.testing.assert_allclose(np.asarray(m.true_negatives), tn)
    tpr, fpr = tp / (tp + fn), fp / (fp + tn)
    expected = np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2)
    assert m.result() == pytest.approx(expected, rel=1e-5)


def test_auc_all_correct_multi_label_and_logits():
    m = metrics.AUC()
    m.update_state(Y_TRUE, Y_TRUE)
    assert m.result() == pytest.approx(1.0)
    y_true = np.array([[0, 0], [1, 1], [1, 1], [1, 0]])
    y_pred = np.array([[0, 0.5], [0.5, 0.4], [0.3, 0.2], [0.9, 0.1]], np.float32)
    multi = metrics.AUC(num_thresholds=3, multi_label=True)
    multi.update_state(y_true, y_pred)
    per_label = []
    for column in range(2):
        single = metrics.AUC(num_thresholds=3)
        single.update_state(y_true[:, column], y_pred[:, column])
        per_label.append(single.result())
    assert multi.result() == pytest.approx(np.mean(per_label))
    logits = np.array([-3.0, 0.7, -0.4, 2.2])
    from_logits = metrics.AUC(num_thresholds=50, from_logits=True)
    from_logits.update_state(Y_TRUE, logits)
    plain = metrics.AUC(num_thresholds=50)
    plain.update_state(Y_TRUE, (1 / (1 + np.exp(-logits))).astype(np.float32))
    assert from_logits.result() == pytest.approx(plain.result())


def test_auc_bad_arguments():
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="XYZ")
    with pytest.raises(ValueError, match="summation"):
        metrics.AUC(summation_method="nope")
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.Precision(thresholds=[1.5])
    with pytest.raises(ValueError, match="same shape"):
        metrics.AUC().update_state([0, 1, 1], [0.2, 0.4])
    with pytest.raises(TypeError, match="numeric"):
        metrics.Precision().update_state(["a", "b"], [0.1, 0.2])


# ---- F1 / top-k / IoU / R2 ----------------------------------------------------------------
def reference_f_beta(y_true, y_pred, beta, threshold, average):
    if threshold is None:
        predicted = (y_pred >= y_pred.max(axis=1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
    else:
        predicted = y_pred > threshold
    predicted = predicted.astype(float)
    axis = None if average == "micro" else 0
    tp = (predicted * y_true).sum(axis)
    fp = (predicted * (1 - y_true)).sum(axis)
    fn = ((1 - predicted) * y_true).sum(axis)
    p, r = tp / (tp + fp + 1e-7), tp / (tp + fn + 1e-7)
    score = (1 + beta ** 2) * p * r / (beta ** 2 * p + r + 1e-7)
    if average == "weighted":
        support = y_true.sum(0)
        return (score * support / support.sum()).sum()
    return score.mean() if average else score


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.4])
def test_f1_and_fbeta_match_numpy(average, threshold):
    y_true = np.eye(4)[RNG.integers(0, 4, 40)]
    y_pred = RNG.random((40, 4)).astype(np.float32)
    f1 = metrics.F1Score(average=average, threshold=threshold)
    f1.update_state(y_true[:15], y_pred[:15])
    f1.update_state(y_true[15:], y_pred[15:])
    np.testing.assert_allclose(np.asarray(f1.result()), reference_f_beta(y_true, y_pred, 1.0, threshold, average),
                               rtol=1e-5)
    f2 = metrics.FBetaScore(average=average, beta=2.0, threshold=threshold)
    f2.update_state(y_true, y_pred)
    np.testing.assert_allclose(np.asarray(f2.result()), reference_f_beta(y_true, y_pred, 2.0, threshold, average),
                               rtol=1e-5)
    with pytest.raises(ValueError, match="beta"):
        metrics.FBetaScore(beta=2)
    with pytest.raises(ValueError, match="2D"):
        metrics.F1Score().update_state([1, 0], [0.3, 0.2])


def test_top_k_accuracy_dense_and_sparse():
    y_pred = RNG.random((30, 6)).astype(np.float32)
    labels = RNG.integers(0, 6, 30)
    rank = (y_pred > y_pred[np.arange(30), labels][:, None]).sum(1)
    for k in (1, 3):
        expected = (rank < k).mean()
        dense = metrics.TopKCategoricalAccuracy(k=k)
        dense.update_state(np.eye(6)[labels][:10], y_pred[:10])
        dense.update_state(np.eye(6)[labels][10:], y_pred[10:])
        assert dense.result() == pytest.approx(expected)
        sparse = metrics.SparseTopKCategoricalAccuracy(k=k)
        sparse.update_state(labels[:, None], y_pred)
        assert sparse.result() == pytest.approx(expected)
    default = metrics.TopKCategoricalAccuracy()
    assert default.k == 5 and default.name == "top_k_categorical_accuracy"
    # Keras's documented example.
    m = metrics.SparseTopKCategoricalAccuracy(k=1)
    m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert m.result() == pytest.approx(0.5)
    m.reset_state()
    m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    assert m.result() == pytest.approx(0.3)
    sorted_ids = metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True)
    sorted_ids.update_state([2, 1], [[1, 2, 0], [1, 0, 2]])
    assert sorted_ids.result() == pytest.approx(0.5)
    with pytest.raises(ValueError, match="k"):
        metrics.TopKCategoricalAccuracy(k=0)


def test_mean_iou_matches_numpy_and_skips_out_of_range():
    y_true = RNG.integers(0, 3, 50)
    y_pred = RNG.integers(0, 3, 50)
    matrix = np.zeros((3, 3))
    np.add.at(matrix, (y_true, y_pred), 1)
    tp = np.diag(matrix)
    iou = tp / (matrix.sum(0) + matrix.sum(1) - tp)
    m = metrics.MeanIoU(num_classes=3)
    m.update_state(y_true[:20], y_pred[:20])
    m.update_state(y_true[20:], y_pred[20:])
    assert m.result() == pytest.approx(iou.mean())
    assert m.name == "mean_io_u"
    documented = metrics.MeanIoU(num_classes=2, dtype="float32")
    documented.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    assert documented.result() == pytest.approx((0.3 / (0.6 + 0.6 - 0.3) + 0.1 / (0.4 + 0.4 - 0.1)) / 2)
    ignored = metrics.MeanIoU(num_classes=2, ignore_class=0)
    ignored.update_state([0, 1, 1, 5], [1, 1, 0, 1])
    assert ignored.result() == pytest.approx((0 + 1 / 2) / 2)
    one_hot = metrics.MeanIoU(num_classes=3, sparse_y_true=False, sparse_y_pred=False)
    one_hot.update_state(np.eye(3)[y_true], np.eye(3)[y_pred] * 0.9)
    assert one_hot.result() == pytest.approx(iou.mean())
    with pytest.raises(ValueError, match="num_classes"):
        metrics.MeanIoU(num_classes=0)


@pytest.mark.parametrize("aggregation", ["uniform_average", "variance_weighted_average", None])
def test_r2_score_matches_numpy(aggregation):
    y_true = RNG.normal(size=(40, 3))
    y_pred = y_true + RNG.normal(scale=0.5, size=(40, 3))
    m = metrics.R2Score(class_aggregation=aggregation)
    m.update_state(y_true[:13], y_pred[:13])
    m.update_state(y_true[13:], y_pred[13:])
    residual = ((y_true - y_pred) ** 2).sum(0)
    total = ((y_true - y_true.mean(0)) ** 2).sum(0)
    raw = 1 - residual / total
    expected = {"uniform_average": raw.mean(), "variance_weighted_average": (total * raw).sum() / total.sum(),
                None: raw}[aggregation]
    np.testing.assert_allclose(np.asarray(m.result()), expected, rtol=1e-4)
    adjusted = metrics.R2Score(num_regressors=2)
    adjusted.update_state(y_true, y_pred)
    assert adjusted.result() == pytest.approx(1 - (1 - raw.mean()) * 39 / 37, rel=1e-4)
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="median")


# ---- lookup and training ------------------------------------------------------------------
@pytest.mark.parametrize("name, cls", [("auc", metrics.AUC), ("AUC", metrics.AUC), ("precision", metrics.Precision),
                                       ("recall", metrics.Recall), ("f1_score", metrics.F1Score),
                                       ("r2_score", metrics.R2Score),
                                       ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
                                       ("SparseTopKCategoricalAccuracy", metrics.SparseTopKCategoricalAccuracy)])
def test_string_lookup(name, cls):
    assert isinstance(metrics.get(name), cls)


def test_metrics_train_through_fit_and_evaluate():
    x = RNG.normal(size=(128, 4)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.float32)[:, None]
    model = models.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["auc", metrics.Precision(), metrics.Recall(name="rec")])
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "auc", "precision", "rec"}
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    probabilities = model.predict(x, verbose=0)
    reference = metrics.AUC()
    reference.update_state(y, probabilities)
    assert logs["auc"] == pytest.approx(reference.result(), abs=1e-5)
    assert 0.0 <= logs["precision"] <= 1.0
