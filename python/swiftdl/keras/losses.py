"""Keras 3's losses, computed with engine ops (so they are differentiable).

Each loss gives one value per sample; a Loss object then weights them by `sample_weight`
and reduces with "sum_over_batch_size" (the mean), as Keras does.
"""
import numpy as np

import swiftdl as _sd

from ._losses import clipped_binary_crossentropy as _clipped_bce
from .backend import epsilon


def _tensor(value, dtype=None):
    if isinstance(value, _sd.Tensor):
        return value if dtype is None or value.dtype == dtype else value.astype(dtype)
    array = np.asarray(value)
    if dtype is not None:
        array = array.astype(dtype)
    elif array.dtype == np.float64:
        array = array.astype(np.float32)
    return _sd.asarray(array, copy=None)


def _float_target(y_true, y_pred):
    return _tensor(y_true, y_pred.dtype)


def mean_squared_error(y_true, y_pred):
    y_pred = _tensor(y_pred)
    difference = y_pred - _float_target(y_true, y_pred)
    return (difference * difference).mean(axis=-1)


def mean_absolute_error(y_true, y_pred):
    y_pred = _tensor(y_pred)
    return _sd.abs(y_pred - _float_target(y_true, y_pred)).mean(axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_pred = _tensor(y_pred)
    target = _float_target(y_true, y_pred)
    _check_same_shape(target, y_pred, "binary_crossentropy")
    if label_smoothing:
        target = target * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        # NOTE: max(x, 0) - x·z + log(1 + exp(-|x|)) never overflows exp.
        values = _sd.maximum(y_pred, 0.0) - y_pred * target + _sd.log1p(_sd.exp(-_sd.abs(y_pred)))
        return values.mean(axis=axis)
    if _clipped_bce.applies(y_pred, axis):
        return _clipped_bce.mean_over_last_axis(target, y_pred)
    # NOTE: probabilities are clipped to [eps, 1 - eps] (Keras's 1e-7) so log stays finite.
    output = _sd.clip(y_pred, epsilon(), 1.0 - epsilon())
    values = target * _sd.log(output) + (1.0 - target) * _sd.log(1.0 - output)
    return (-values).mean(axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_pred = _tensor(y_pred)
    target = _float_target(y_true, y_pred)
    _check_same_shape(target, y_pred, "categorical_crossentropy")
    if label_smoothing:
        classes = y_pred.shape[axis]
        target = target * (1.0 - label_smoothing) + label_smoothing / classes
    if from_logits:
        from swiftdl import nn
        return nn.softmax_cross_entropy_with_logits(labels=target, logits=y_pred, axis=axis)
    output = y_pred / y_pred.sum(axis=axis, keepdims=True)
    output = _sd.clip(output, epsilon(), 1.0 - epsilon())
    return -(target * _sd.log(output)).sum(axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """The cross-entropy of integer labels against predictions over the class `axis`.

    Entries labelled `ignore_class` get a loss of 0 and are masked (the result's
    `_keras_mask`), so that a Loss's mean counts only the others, as Keras's does.
    """
    y_pred = _tensor(y_pred)
    if not -y_pred.ndim <= axis < y_pred.ndim:
        raise ValueError(f"[sparse_categorical_crossentropy] axis {axis} is out of range for predictions of shape "
                         f"{tuple(y_pred.shape)}")
    if axis % y_pred.ndim != y_pred.ndim - 1:
        y_pred = _sd.moveaxis(y_pred, axis, -1)
    labels = _tensor(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = _sd.squeeze(labels, -1)
    if ignore_class is None:
        return _sparse_crossentropy_over_last_axis(labels, y_pred, from_logits)
    valid = labels != ignore_class
    values = _sparse_crossentropy_over_last_axis(_sd.where(valid, labels, 0).astype(labels.dtype), y_pred, from_logits)
    values = _sd.where(valid, values, 0.0).astype(values.dtype)
    values._keras_mask = valid
    return values


def _sparse_crossentropy_over_last_axis(labels, y_pred, from_logits):
    if tuple(labels.shape) != tuple(y_pred.shape[:-1]):
        raise ValueError("Arguments `target` and `output` must have the same shape up until the last dimension: "
                         f"target.shape={tuple(labels.shape)}, output.shape={tuple(y_pred.shape)}")
    if labels.dtype.kind == "f":
        labels = labels.astype(np.int64)
    classes = y_pred.shape[-1]
    # The labels are one small integer per sample: numpy reads them from a view of the
    # tensor's memory, cheaper than engine reductions and scalar reads every batch.
    label_values = labels.numpy().reshape(-1)
    if label_values.size:
        low, high = int(label_values.min()), int(label_values.max())
        if low < 0 or high >= classes:
            bad = low if low < 0 else high
            raise ValueError(f"Received a label value of {bad} which is outside the valid range of [0, {classes}). "
                             f"Label values: y_true has labels in [{low}, {high}] for {classes} classes")
    if from_logits:
        from swiftdl import nn
        flat = nn.sparse_softmax_cross_entropy_with_logits(labels=_sd.reshape(labels, (-1,)),
                                                           logits=_sd.reshape(y_pred, (-1, classes)))
        return _sd.reshape(flat, tuple(labels.shape))
    output = y_pred / y_pred.sum(axis=-1, keepdims=True)
    output = _sd.clip(output, epsilon(), 1.0 - epsilon())
    # Each sample's log-probability of its label is element row·classes + label of the
    # flattened log: one engine take, where fancy indexing log_prob[rows, labels] would
    # re-validate both index arrays with a dozen small engine ops.
    offsets = np.arange(label_values.size, dtype=np.int64) * classes + label_values
    picked = _sd.take(_sd.log(output), offsets)
    return -_sd.reshape(picked, tuple(labels.shape))


def huber(y_true, y_pred, delta=1.0):
    """0.5·e² where |e| ≤ delta, else delta·(|e| - 0.5·delta), averaged over the last axis."""
    y_pred = _tensor(y_pred)
    error = _sd.abs(y_pred - _float_target(y_true, y_pred))
    # NOTE: split |e| into its quadratic part (≤ delta) and the rest: no branch, smooth gradient.
    quadratic = _sd.minimum(error, float(delta))
    linear = error - quadratic
    return (0.5 * quadratic * quadratic + float(delta) * linear).mean(axis=-1)


def log_cosh(y_true, y_pred):
    """log(cosh(e)) = e + softplus(-2e) - log 2, stable for large |e|."""
    from swiftdl import nn
    y_pred = _tensor(y_pred)
    error = y_pred - _float_target(y_true, y_pred)
    return (error + nn.softplus(-2.0 * error) - float(np.log(2.0))).mean(axis=-1)


def kl_divergence(y_true, y_pred):
    """Σ y_true·log(y_true / y_pred) over the last axis, both clipped to [1e-7, 1]."""
    y_pred = _tensor(y_pred)
    target = _sd.clip(_float_target(y_true, y_pred), epsilon(), 1.0)
    output = _sd.clip(y_pred, epsilon(), 1.0)
    return (target * _sd.log(target / output)).sum(axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true·log(y_pred + 1e-7)) over the last axis."""
    y_pred = _tensor(y_pred)
    return (y_pred - _float_target(y_true, y_pred) * _sd.log(y_pred + epsilon())).mean(axis=-1)


def _hinge_labels(y_true, y_pred):
    """Keras turns 0/1 labels into -1/1 for the hinge losses."""
    target = _float_target(y_true, y_pred)
    values = np.asarray(target)
    if values.size and np.all((values == 0) | (values == 1)):
        target = target * 2.0 - 1.0
    return target


def hinge(y_true, y_pred):
    y_pred = _tensor(y_pred)
    return _sd.maximum(1.0 - _hinge_labels(y_true, y_pred) * y_pred, 0.0).mean(axis=-1)


def squared_hinge(y_true, y_pred):
    y_pred = _tensor(y_pred)
    margin = _sd.maximum(1.0 - _hinge_labels(y_true, y_pred) * y_pred, 0.0)
    return (margin * margin).mean(axis=-1)


def categorical_hinge(y_true, y_pred):
    y_pred = _tensor(y_pred)
    target = _float_target(y_true, y_pred)
    positive = (target * y_pred).sum(axis=-1)
    negative = ((1.0 - target) * y_pred).max(axis=-1)
    return _sd.maximum(negative - positive + 1.0, 0.0)


def cosine_similarity(y_true, y_pred, axis=-1):
    """The negative cosine similarity (a loss to minimise), as Keras's loss returns it."""
    from swiftdl import nn
    y_pred = _tensor(y_pred)
    target = nn.l2_normalize(_float_target(y_true, y_pred), axis=axis)
    return -(target * nn.l2_normalize(y_pred, axis=axis)).sum(axis=axis)


def _check_same_shape(target, output, name):
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"[{name}] Arguments `target` and `output` must have the same shape. "
                         f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}")


class Loss:
    """A loss with Keras's reduction: per-sample values, weighted, then averaged."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in ("sum_over_batch_size", "sum", "none", None, "mean"):
            raise ValueError(f"Invalid value for argument `reduction`: {reduction}")
        self.name = name or _snake(type(self).__name__)
        self.reduction = reduction

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None):
        values = self.call(y_true, y_pred)
        mask = getattr(values, "_keras_mask", None)
        if mask is not None:
            # Keras's apply_mask: masked entries weigh 0, and for a mean the others weigh
            # total/valid, so the mean runs over the valid entries only.
            mask = _sd.asarray(mask).astype(values.dtype)
            if self.reduction in ("sum_over_batch_size", "mean"):
                mask = mask * (float(mask.size) / (mask.sum() + epsilon()))
            values = values * mask
        if sample_weight is not None:
            weights = _tensor(sample_weight, values.dtype)
            while weights.ndim > values.ndim:
                weights = _sd.squeeze(weights, -1)
            values = values * weights
        if self.reduction in ("none", None):
            return values
        total = values.sum()
        if self.reduction == "sum":
            return total
        return total / float(max(values.size, 1))

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _snake(name):
    from .backend import to_snake_case
    return to_snake_case(name)


class LossFunctionWrapper(Loss):
    def __init__(self, fn, name=None, reduction="sum_over_batch_size", **kwargs):
        super().__init__(name=name, reduction=reduction)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = _same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config


def _same_rank(y_true, y_pred):
    """Keras's squeeze_or_expand_to_same_rank: labels (n,) against predictions (n, 1) become
    (n, 1), and a trailing axis of 1 is dropped when ranks otherwise differ by one."""
    y_true = y_true if isinstance(y_true, _sd.Tensor) else _tensor(y_true)
    y_pred = y_pred if isinstance(y_pred, _sd.Tensor) else _tensor(y_pred)
    true_rank, pred_rank = y_true.ndim, y_pred.ndim
    if true_rank == pred_rank + 1 and y_true.shape[-1] == 1:
        if pred_rank == 1:
            y_pred = _sd.expand_dims(y_pred, -1)
        else:
            y_true = _sd.squeeze(y_true, -1)
    elif pred_rank == true_rank + 1 and y_pred.shape[-1] == 1:
        if true_rank == 1:
            y_true = _sd.expand_dims(y_true, -1)
        else:
            y_pred = _sd.squeeze(y_pred, -1)
    return y_true, y_pred


class MeanSquaredError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction)


class MeanAbsoluteError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction)


class BinaryCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, name=name, reduction=reduction, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, name=name, reduction=reduction, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size", axis=-1,
                 name="sparse_categorical_crossentropy", dtype=None):
        if ignore_class is not None and (not isinstance(ignore_class, (int, np.integer)) or isinstance(ignore_class, bool)):
            raise ValueError(f"`ignore_class` must be an integer or None; received ignore_class={ignore_class!r}")
        kwargs = {"from_logits": from_logits, "ignore_class": ignore_class}
        if axis != -1:
            kwargs["axis"] = int(axis)  # Keras leaves axis out of the config; kept here only when set
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction, **kwargs)


class Huber(LossFunctionWrapper):
    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, delta=float(delta))


class LogCosh(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction)


class KLDivergence(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction)


class Poisson(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction)


class Hinge(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction)


class SquaredHinge(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction)


class CategoricalHinge(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction)


class CosineSimilarity(LossFunctionWrapper):
    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, name=name, reduction=reduction, axis=axis)


from ._losses.focal import binary_focal_crossentropy, categorical_focal_crossentropy  # noqa: E402
from ._losses.overlap import dice, tversky  # noqa: E402
from ._losses.percentage_and_log import mean_absolute_percentage_error, mean_squared_logarithmic_error  # noqa: E402


class MeanAbsolutePercentageError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction)


class BinaryFocalCrossentropy(LossFunctionWrapper):
    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                 axis=-1, reduction="sum_over_batch_size", name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, name=name, reduction=reduction,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy", dtype=None):
        super().__init__(categorical_focal_crossentropy, name=name, reduction=reduction, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class Dice(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, axis=axis)


class Tversky(LossFunctionWrapper):
    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky", axis=None, dtype=None):
        super().__init__(tversky, name=name, reduction=reduction, alpha=alpha, beta=beta, axis=axis)


from ._losses.circle import circle  # noqa: E402
from ._losses.ctc import ctc  # noqa: E402
from ._losses.generalized_cross_entropy import categorical_generalized_cross_entropy  # noqa: E402


class CTC(LossFunctionWrapper):
    """Connectionist temporal classification loss: y_true (batch, max_length) integer labels
    padded with the blank 0, y_pred (batch, frames, classes) logits."""

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction)


class Circle(LossFunctionWrapper):
    """Circle loss between integer labels and L2-normalized embeddings (Sun et al., 2020).

    Args:
        gamma: scale of the similarity scores (80.0).
        margin: relaxation factor (0.4).
        remove_diagonal: leave self-similarities out of the positive pairs (True).
        reduction, name, dtype: as every loss.

    As in Keras, samples whose loss is 0 are masked out of the mean: "sum_over_batch_size"
    divides by the number of positive losses, not the batch size.
    """

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction="sum_over_batch_size", name="circle",
                 dtype=None):
        super().__init__(circle, name=name, reduction=reduction, gamma=gamma, margin=margin,
                         remove_diagonal=remove_diagonal)
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def __call__(self, y_true, y_pred, sample_weight=None):
        losses = self.call(y_true, y_pred)
        # Keras masks the losses that are not positive; only the mean's divisor notices.
        valid = int(np.count_nonzero(np.asarray(losses) > 0))
        values = losses
        if sample_weight is not None:
            weights = _tensor(sample_weight, values.dtype)
            while weights.ndim > values.ndim:
                weights = _sd.squeeze(weights, -1)
            values = values * weights
        if self.reduction in ("none", None):
            return values
        total = values.sum()
        if self.reduction == "sum":
            return total
        return total / float(valid) if valid else total * 0.0


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy (1 - p^q)/q between integer labels and probabilities.

    Args:
        q: the noise parameter in (0, 1) (0.5): towards 0 it behaves like cross-entropy,
            towards 1 like mean absolute error.
        reduction, name, dtype: as every loss.

    Raises:
        ValueError: when q is not in (0, 1).
    """

    def __init__(self, q=0.5, reduction="sum_over_batch_size", name="categorical_generalized_cross_entropy", dtype=None):
        if not 0 < q < 1:
            raise ValueError("q must be in the interval (0, 1)")
        super().__init__(categorical_generalized_cross_entropy, name=name, reduction=reduction, q=q)
        self.q = q


mse = MSE = mean_squared_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
mae = MAE = mean_absolute_error

_BY_NAME = {
    "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError, "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "binary_crossentropy": BinaryCrossentropy, "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "MeanSquaredError": MeanSquaredError, "MeanAbsoluteError": MeanAbsoluteError,
    "BinaryCrossentropy": BinaryCrossentropy, "CategoricalCrossentropy": CategoricalCrossentropy,
    "SparseCategoricalCrossentropy": SparseCategoricalCrossentropy,
    "huber": Huber, "Huber": Huber, "log_cosh": LogCosh, "logcosh": LogCosh, "LogCosh": LogCosh,
    "kl_divergence": KLDivergence, "kld": KLDivergence, "KLD": KLDivergence, "KLDivergence": KLDivergence,
    "kullback_leibler_divergence": KLDivergence, "poisson": Poisson, "Poisson": Poisson,
    "hinge": Hinge, "Hinge": Hinge, "squared_hinge": SquaredHinge, "SquaredHinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge, "CategoricalHinge": CategoricalHinge,
    "cosine_similarity": CosineSimilarity, "CosineSimilarity": CosineSimilarity,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError, "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError, "MeanAbsolutePercentageError": MeanAbsolutePercentageError,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError, "msle": MeanSquaredLogarithmicError,
    "MSLE": MeanSquaredLogarithmicError, "MeanSquaredLogarithmicError": MeanSquaredLogarithmicError,
    "binary_focal_crossentropy": BinaryFocalCrossentropy, "BinaryFocalCrossentropy": BinaryFocalCrossentropy,
    "categorical_focal_crossentropy": CategoricalFocalCrossentropy,
    "CategoricalFocalCrossentropy": CategoricalFocalCrossentropy,
    "dice": Dice, "Dice": Dice, "tversky": Tversky, "Tversky": Tversky,
    "ctc": CTC, "CTC": CTC, "circle": Circle, "Circle": Circle,
    "categorical_generalized_cross_entropy": CategoricalGeneralizedCrossEntropy,
    "CategoricalGeneralizedCrossEntropy": CategoricalGeneralizedCrossEntropy,
}
_FUNCTIONS = {
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy, "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "huber": huber, "log_cosh": log_cosh, "logcosh": log_cosh, "kl_divergence": kl_divergence, "kld": kl_divergence,
    "KLD": kl_divergence, "kullback_leibler_divergence": kl_divergence, "poisson": poisson, "hinge": hinge,
    "squared_hinge": squared_hinge, "categorical_hinge": categorical_hinge, "cosine_similarity": cosine_similarity,
    "mean_absolute_percentage_error": mean_absolute_percentage_error, "mape": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error, "msle": mean_squared_logarithmic_error,
    "binary_focal_crossentropy": binary_focal_crossentropy, "categorical_focal_crossentropy": categorical_focal_crossentropy,
    "dice": dice, "tversky": tversky,
    "ctc": ctc, "circle": circle, "categorical_generalized_cross_entropy": categorical_generalized_cross_entropy,
}


def get(identifier):
    """A loss from a name (the function, as Keras returns), a Loss instance, a config dict or a callable.

    Raises:
        ValueError: for an unknown name.
    """
    if identifier is None or isinstance(identifier, Loss) or callable(identifier) and not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, dict):
        cls = _BY_NAME.get(identifier.get("class_name"))
        if cls is None:
            raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
        return cls(**identifier.get("config", {}))
    if isinstance(identifier, str):
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        if identifier in _BY_NAME:
            return _BY_NAME[identifier]()
        raise ValueError(f"Could not interpret loss identifier: {identifier!r}; known losses: {', '.join(sorted(_FUNCTIONS))}")
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


def serialize(loss):
    """A Loss's class name and config in Keras's format; a built-in loss function's
    {"class_name": "function", "config": name} form.

    Raises:
        ValueError: for anything that is neither.
    """
    if isinstance(loss, Loss):
        return {"module": "keras.losses", "class_name": type(loss).__name__, "config": loss.get_config(),
                "registered_name": None}
    if callable(loss) and getattr(loss, "__name__", None):
        return {"module": "builtins", "class_name": "function", "config": loss.__name__, "registered_name": "function"}
    raise ValueError(f"Could not serialize loss: {loss!r}")


def deserialize(name, custom_objects=None):
    """A loss from `serialize`'s dict or a name: a class name gives an instance, a function
    name the function; `custom_objects` is searched first.

    Raises:
        ValueError: for an unknown name or class.
    """
    custom_objects = custom_objects or {}
    if isinstance(name, str):
        if name in custom_objects:
            return custom_objects[name]
        if name in _FUNCTIONS:
            return _FUNCTIONS[name]
        if name in _BY_NAME:
            return _BY_NAME[name]()
    elif isinstance(name, dict) and isinstance(name.get("class_name"), str):
        class_name = name["class_name"]
        if class_name == "function":
            return deserialize(name.get("config"), custom_objects)
        cls = custom_objects.get(class_name) or _BY_NAME.get(class_name)
        if cls is not None:
            config = name.get("config") or {}
            return cls.from_config(config) if hasattr(cls, "from_config") else cls(**config)
    raise ValueError(f"Could not interpret loss identifier: {name!r}")


def resolve(identifier):
    """A Loss object for compile(): names and functions are wrapped with Keras's reduction."""
    loss = get(identifier)
    if loss is None or isinstance(loss, Loss):
        return loss
    name = identifier if isinstance(identifier, str) else getattr(loss, "__name__", "loss")
    return LossFunctionWrapper(loss, name=name)

# Keras's public names in this module (`from swiftdl.keras.losses import *`).
__all__ = ["BinaryFocalCrossentropy", "CategoricalFocalCrossentropy", "Dice", "MAPE", "MSLE",
           "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Tversky", "binary_focal_crossentropy",
           "categorical_focal_crossentropy", "dice", "mape", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "msle", "tversky",
           "BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalHinge", "CosineSimilarity", "Hinge", "Huber",
           "KLD", "KLDivergence", "LogCosh", "Loss", "LossFunctionWrapper", "MAE", "MSE", "MeanAbsoluteError",
           "MeanSquaredError", "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge", "binary_crossentropy",
           "categorical_crossentropy", "categorical_hinge", "cosine_similarity", "get", "hinge", "huber",
           "kl_divergence", "kld", "kullback_leibler_divergence", "log_cosh", "logcosh", "mae", "mean_absolute_error",
           "mean_squared_error", "mse", "poisson", "sparse_categorical_crossentropy", "squared_hinge",
           "CTC", "CategoricalGeneralizedCrossEntropy", "Circle", "categorical_generalized_cross_entropy", "circle", "ctc",
           "deserialize", "serialize"]
