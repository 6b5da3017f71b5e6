"""Counting true/false positives/negatives at a list of thresholds, as Keras 3's
`metrics_utils.update_confusion_matrix_variables` does, with engine ops only.

For T thresholds and M predictions the counts are one (T, M) comparison followed by one
matrix product with the (M, 2) weighted labels, done in slices of M so that a large
evaluation batch never needs more than a few million temporary elements.
"""
import numbers

import numpy as np

import swiftdl as _sd

from .tensors import as_tensor, squeeze_or_expand_to_same_rank

NEG_INF = -1e10
EPSILON = 1e-7  # keras.backend.epsilon()
TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES = "tp", "fp", "tn", "fn"
_MAX_TEMPORARY_ELEMENTS = 1 << 22


def to_list(value):
    return list(value) if isinstance(value, (list, tuple, np.ndarray)) else [value]


def parse_init_thresholds(thresholds, default_threshold=0.5):
    """A list of thresholds, each checked to lie in [0, 1] when the user gave them."""
    if thresholds is not None:
        values = to_list(thresholds)
        bad = [t for t in values if not isinstance(t, numbers.Real) or isinstance(t, bool) or not 0 <= t <= 1]
        if bad or not values:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad or values}")
        return [float(t) for t in values]
    return [float(default_threshold)]


def is_evenly_distributed_thresholds(thresholds):
    """True for i/(n-1), i = 0..n-1 with n >= 3: Keras then counts by bucketing."""
    thresholds = np.asarray(thresholds, dtype=np.float64)
    count = len(thresholds)
    if count < 3:
        return False
    return bool(np.allclose(thresholds, np.arange(count, dtype=np.float32) / (count - 1), atol=EPSILON))


def filter_top_k(x, k):
    """Keeps each row's k largest values (ties go to the lower index, as top_k orders them)
    and sets the rest to NEG_INF."""
    classes = x.shape[-1]
    rows = _sd.reshape(x, (-1, classes))
    column = _sd.expand_dims(rows, 2)     # [n, i, 1]: the value ranked
    others = _sd.expand_dims(rows, 1)     # [n, 1, j]: the values it is compared with
    index = _sd.arange(classes)
    earlier = _sd.expand_dims(index, 0) < _sd.expand_dims(index, 1)  # [i, j]: j < i
    ahead = (others > column) | ((others == column) & earlier)
    rank = ahead.astype("float32").sum(axis=2)
    keep = (rank < k).astype(rows.dtype)
    kept = rows * keep + NEG_INF * (1.0 - keep)
    return _sd.reshape(kept, tuple(x.shape))


def _weights_like(sample_weight, y_true, y_pred):
    if sample_weight is None:
        return None
    weights = _sd.expand_dims(as_tensor(sample_weight, name="sample_weight"), -1)
    _, weights = squeeze_or_expand_to_same_rank(y_true, weights, expand_rank_1=False)
    return weights


def _broadcast(weights, shape, what):
    try:
        return _sd.broadcast_to(weights, shape)
    except ValueError:
        raise ValueError(f"`{what}` of shape {tuple(weights.shape)} cannot be broadcast to the predictions' "
                         f"shape {shape}") from None


def update_confusion_matrix_variables(variables, y_true, y_pred, thresholds, top_k=None, class_id=None,
                                      sample_weight=None, multi_label=False, label_weights=None,
                                      thresholds_distributed_evenly=False):
    """Adds this batch's weighted counts to `variables` ({"tp"|"fp"|"tn"|"fn": Variable}).

    A prediction counts as positive at threshold t when it is > t. With evenly spaced
    thresholds Keras clips predictions to [0, 1] and assigns them to buckets
    ceil(p·(T-1)) - 1; this reproduces that rule exactly (it differs from `p > t` only at
    float rounding on the thresholds themselves).
    """
    y_true = as_tensor(y_true, name="y_true")
    y_pred = as_tensor(y_pred, name="y_pred")
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(f"y_true and y_pred must have the same shape; received y_true.shape={tuple(y_true.shape)} "
                         f"and y_pred.shape={tuple(y_pred.shape)}")
    weights = _weights_like(sample_weight, y_true, y_pred)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape "
                             f"(num_samples, num_classes), found shape: {tuple(y_pred.shape)}")
        classes = y_pred.shape[-1]
        if not 0 <= class_id < classes:
            raise ValueError(f"class_id={class_id} is out of range for predictions with {classes} classes")
        y_true = y_true[..., class_id:class_id + 1]
        y_pred = y_pred[..., class_id:class_id + 1]
        if weights is not None and weights.ndim and weights.shape[-1] == classes and classes != 1:
            weights = weights[..., class_id:class_id + 1]
    shape = tuple(y_pred.shape)
    weights = _sd.ones(shape, dtype="float32") if weights is None else _broadcast(weights, shape, "sample_weight")
    if label_weights is not None and not multi_label:
        weights = weights * _broadcast(as_tensor(label_weights, name="label_weights"), shape, "label_weights")
    labels = (y_true != 0).astype("float32")
    if multi_label:
        if y_pred.ndim != 2:
            raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {y_pred.ndim}.")
    else:
        y_pred, labels, weights = (_sd.reshape(t, (-1, 1)) for t in (y_pred, labels, weights))
    true_weights, false_weights = labels * weights, (1.0 - labels) * weights

    count = len(thresholds)
    if thresholds_distributed_evenly:
        # Keras's bucketing: positive at threshold j  <=>  j <= ceil(p·(T-1)) - 1.
        with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        buckets = _sd.ceil(_sd.clip(y_pred, 0.0, 1.0) * float(count - 1)) - 1.0
        if with_epsilon:
            buckets = _sd.maximum(buckets, 0.0)
        scores, cuts = buckets, _sd.arange(count, dtype="float32") - 0.5
    else:
        scores, cuts = y_pred, _sd.asarray(np.asarray(thresholds, dtype=np.float32))
    cuts = _sd.reshape(cuts, (count, 1, 1))

    rows = y_pred.shape[0]
    step = max(1, _MAX_TEMPORARY_ELEMENTS // max(1, count * y_pred.shape[1]))
    tp = fp = None
    for start in range(0, rows, step):  # slices of the batch, not elements
        stop = min(rows, start + step)
        positive = (_sd.expand_dims(scores[start:stop], 0) > cuts).astype("float32")  # (T, m, L)
        tp_part = (positive * true_weights[start:stop]).sum(axis=1)
        fp_part = (positive * false_weights[start:stop]).sum(axis=1)
        tp = tp_part if tp is None else tp + tp_part
        fp = fp_part if fp is None else fp + fp_part
    if tp is None:  # an empty batch
        tp = fp = _sd.zeros((count, y_pred.shape[1]), dtype="float32")
    total_true, total_false = true_weights.sum(axis=0), false_weights.sum(axis=0)
    counts = {TRUE_POSITIVES: tp, FALSE_POSITIVES: fp, TRUE_NEGATIVES: total_false - fp,
              FALSE_NEGATIVES: total_true - tp}
    for condition, variable in variables.items():
        value = counts[condition]
        if not multi_label:
            value = _sd.reshape(value, (count,))
        variable.assign_add(value.astype(str(variable.dtype)))
