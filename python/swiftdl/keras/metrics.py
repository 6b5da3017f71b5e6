"""Keras 3's metrics: stateful accumulators whose result is a running value over an epoch.

The arithmetic runs in the engine; the running totals are plain Python floats (two numbers
per metric per batch), which is what the progress bar prints.
"""
import numpy as np

import swiftdl as _sd

from . import losses as _losses


class Metric:
    """Base class: update_state accumulates, result reads, reset_state clears."""

    # NOTE: as in Keras, __init__ does not call reset_state: a subclass's reset_state uses
    # the variables its own __init__ creates after this one returns.
    def __init__(self, name=None, dtype=None):
        self.name = name or _snake(type(self).__name__)
        self.dtype = dtype or "float32"
        self._variables = []

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        """A non-trainable state Variable, started by `initializer`, that `reset_state` sets
        back to zero and `variables` lists (Keras's Metric.add_variable)."""
        from . import initializers
        shape = tuple(shape)
        dtype = dtype or self.dtype
        value = initializers.get(initializer or "zeros")(shape, dtype=dtype)
        variable = _sd.Variable(value, trainable=False, name=name, dtype=dtype)
        self._variables.append(variable)
        return variable

    def reset_state(self):
        for variable in getattr(self, "_variables", []):
            variable.assign(np.zeros(tuple(variable.shape), dtype=variable.dtype))

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    @property
    def variables(self):
        return list(getattr(self, "_variables", []))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _snake(name):
    from .backend import to_snake_case
    return to_snake_case(name)


class Mean(Metric):
    """The (weighted) mean of the values given to update_state."""

    def __init__(self, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        values = values if isinstance(values, _sd.Tensor) else _sd.asarray(np.asarray(values, dtype=np.float32))
        if sample_weight is None:
            self.total += float(values.sum())
            self.count += float(values.size)
            return
        if np.ndim(sample_weight) == 0 and values.size == 1:
            # A batch mean weighted by its batch size (how fit tracks the loss).
            self.total += float(values.sum()) * float(sample_weight)
            self.count += float(sample_weight)
            return
        weights = (sample_weight.astype(values.dtype) if isinstance(sample_weight, _sd.Tensor)
                   else _sd.asarray(np.asarray(sample_weight, dtype=np.float32)))
        while weights.ndim > values.ndim and weights.shape[-1] == 1:
            weights = _sd.squeeze(weights, -1)
        while weights.ndim < values.ndim:
            # (batch,) weights against (batch, 1) values: align on the batch axis.
            weights = _sd.expand_dims(weights, -1)
        self.total += float((values * weights).sum())
        self.count += float(_sd.broadcast_to(weights, tuple(values.shape)).sum())

    def result(self):
        return self.total / self.count if self.count else 0.0


class Sum(Metric):
    """The (weighted) sum of the values given to update_state."""

    def __init__(self, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        values = _sd.asarray(values)
        if sample_weight is not None:
            values = values * _sd.asarray(sample_weight, dtype=values.dtype if values.dtype.kind == "f" else None)
        self.total += float(values.sum())

    def result(self):
        return self.total


class MeanMetricWrapper(Mean):
    """Averages fn(y_true, y_pred) over all samples seen."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self._fn = fn
        self._fn_kwargs = kwargs
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        # Keras lines up labels (n,) with predictions (n, 1) before comparing them.
        y_true, y_pred = _losses._same_rank(y_true, y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)


def _as_tensor(value):
    if isinstance(value, _sd.Tensor):
        return value
    return _sd.asarray(np.asarray(value), copy=None)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_pred, y_true = _as_tensor(y_pred), _as_tensor(y_true)
    predicted = (y_pred > threshold).astype(np.float32)
    return (predicted == y_true.astype(np.float32)).astype(np.float32).mean(axis=-1)


def categorical_accuracy(y_true, y_pred):
    y_pred, y_true = _as_tensor(y_pred), _as_tensor(y_true)
    return (y_true.argmax(axis=-1) == y_pred.argmax(axis=-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    y_pred, y_true = _as_tensor(y_pred), _as_tensor(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = _sd.squeeze(y_true, -1)
    return (y_pred.argmax(axis=-1) == y_true.astype(np.int64)).astype(np.float32)


class BinaryAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class Accuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(lambda t, p: (_as_tensor(t) == _as_tensor(p)).astype(np.float32), name=name, dtype=dtype)


class MeanSquaredError(MeanMetricWrapper):
    _direction = "down"

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(_losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    _direction = "down"

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(_losses.mean_absolute_error, name=name, dtype=dtype)


from ._metrics.confusion_metrics import (AUC, FalseNegatives, FalsePositives, Precision, Recall,  # noqa: E402
                                         TrueNegatives, TruePositives)
from ._metrics.f_score_metrics import F1Score, FBetaScore  # noqa: E402
from ._metrics.iou_metrics import IoU, MeanIoU  # noqa: E402
from ._metrics.regression_metrics import R2Score  # noqa: E402
from ._metrics.top_k_metrics import (SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy,  # noqa: E402
                                     sparse_top_k_categorical_accuracy, top_k_categorical_accuracy)
from ._metrics.probabilistic_metrics import (BinaryCrossentropy, CategoricalCrossentropy,  # noqa: E402
                                             KLDivergence, Poisson, SparseCategoricalCrossentropy)
from ._metrics.hinge_metrics import CategoricalHinge, Hinge, SquaredHinge  # noqa: E402
from ._metrics.error_metrics import (CosineSimilarity, LogCoshError, MeanAbsolutePercentageError,  # noqa: E402
                                     MeanSquaredLogarithmicError, RootMeanSquaredError)
from ._metrics.correlation_metrics import (ConcordanceCorrelation, PearsonCorrelation,  # noqa: E402
                                           concordance_correlation, pearson_correlation)
from ._metrics.sensitivity_specificity_metrics import (PrecisionAtRecall, RecallAtPrecision,  # noqa: E402
                                                       SensitivityAtSpecificity, SpecificityAtSensitivity)
from ._metrics.iou_variants import BinaryIoU, OneHotIoU, OneHotMeanIoU  # noqa: E402
from ._metrics.serialization import deserialize, serialize  # noqa: E402

# Keras's metric functions: the losses' per-sample functions, under keras.metrics too.
binary_crossentropy = _losses.binary_crossentropy
binary_focal_crossentropy = _losses.binary_focal_crossentropy
categorical_crossentropy = _losses.categorical_crossentropy
categorical_focal_crossentropy = _losses.categorical_focal_crossentropy
categorical_hinge = _losses.categorical_hinge
hinge = _losses.hinge
huber = _losses.huber
kl_divergence = _losses.kl_divergence
log_cosh = _losses.log_cosh
mean_absolute_error = _losses.mean_absolute_error
mean_absolute_percentage_error = _losses.mean_absolute_percentage_error
mean_squared_error = _losses.mean_squared_error
mean_squared_logarithmic_error = _losses.mean_squared_logarithmic_error
poisson = _losses.poisson
sparse_categorical_crossentropy = _losses.sparse_categorical_crossentropy
squared_hinge = _losses.squared_hinge

ALL_OBJECTS = (Mean, Sum, MeanMetricWrapper, MeanSquaredError, MeanAbsoluteError, R2Score, AUC, FalseNegatives,
               FalsePositives, Precision, Recall, TrueNegatives, TruePositives, Accuracy, BinaryAccuracy,
               CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
               F1Score, FBetaScore, IoU, MeanIoU,
               BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence, Poisson,
               Hinge, SquaredHinge, CategoricalHinge, RootMeanSquaredError, CosineSimilarity, LogCoshError,
               MeanAbsolutePercentageError, MeanSquaredLogarithmicError, PearsonCorrelation, ConcordanceCorrelation,
               SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision, BinaryIoU,
               OneHotIoU, OneHotMeanIoU)

# Keras 3's lookup: every class by its name and by its snake_case name (so "auc",
# "precision", "f1_score", "mean_io_u", "r2_score"), plus the short aliases.
_BY_NAME = {cls.__name__: cls for cls in ALL_OBJECTS}
_BY_NAME.update({_snake(cls.__name__): cls for cls in ALL_OBJECTS})
_BY_NAME.update({"mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError,
                 "MAE": MeanAbsoluteError,
                 "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy, "mape": MeanAbsolutePercentageError,
                 "MAPE": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError,
                 "MSLE": MeanSquaredLogarithmicError})
_BY_NAME.pop("metric", None)
# The metric functions by name, for deserialize's {"class_name": "function"} entries.
_FUNCTIONS = {fn.__name__: fn for fn in (
    binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy, binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, categorical_hinge, concordance_correlation, hinge, huber, kl_divergence,
    log_cosh, mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
    mean_squared_logarithmic_error, pearson_correlation, poisson, sparse_categorical_crossentropy, squared_hinge)}


def get(identifier):
    """A metric from a name, instance, class or function.

    Raises:
        ValueError: for an unknown name.
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier in _BY_NAME:
            return _BY_NAME[identifier]()
        loss = _losses._FUNCTIONS.get(identifier)
        if loss is not None:
            return MeanMetricWrapper(loss, name=identifier)
        raise ValueError(f"Could not interpret metric identifier: {identifier!r}")
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def resolve_for_compile(identifier, y_true, y_pred):
    """Keras's compile-time resolution: 'accuracy' picks binary, sparse or categorical
    accuracy from the shapes of the labels and predictions; the log key is the string given."""
    if str(identifier).lower() in ("accuracy", "acc"):
        true_rank, pred_rank = len(y_true.shape), len(y_pred.shape)
        true_last = y_true.shape[-1] if true_rank else 1
        pred_last = y_pred.shape[-1] if pred_rank else 1
        if pred_last == 1:
            metric = BinaryAccuracy(name=str(identifier))
        elif true_rank < pred_rank or true_last == 1 and pred_last > 1:
            metric = SparseCategoricalAccuracy(name=str(identifier))
        else:
            metric = CategoricalAccuracy(name=str(identifier))
    else:
        metric = get(identifier)
    if isinstance(identifier, str):
        metric.name = identifier
    return metric

# Keras's public names in this module (`from swiftdl.keras.metrics import *`).
__all__ = ["AUC", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "F1Score", "FBetaScore", "FalseNegatives",
           "FalsePositives", "IoU", "Mean", "MeanAbsoluteError", "MeanIoU", "MeanMetricWrapper", "MeanSquaredError",
           "Metric", "Precision", "R2Score", "Recall", "SparseCategoricalAccuracy", "SparseTopKCategoricalAccuracy",
           "Sum", "TopKCategoricalAccuracy", "TrueNegatives", "TruePositives", "binary_accuracy",
           "categorical_accuracy", "get", "sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy",
           "top_k_categorical_accuracy",
           "BinaryCrossentropy", "BinaryIoU", "CategoricalCrossentropy", "CategoricalHinge", "ConcordanceCorrelation",
           "CosineSimilarity", "Hinge", "KLDivergence", "LogCoshError", "MeanAbsolutePercentageError",
           "MeanSquaredLogarithmicError", "OneHotIoU", "OneHotMeanIoU", "PearsonCorrelation", "Poisson",
           "PrecisionAtRecall", "RecallAtPrecision", "RootMeanSquaredError", "SensitivityAtSpecificity",
           "SparseCategoricalCrossentropy", "SpecificityAtSensitivity", "SquaredHinge", "binary_crossentropy",
           "binary_focal_crossentropy", "categorical_crossentropy", "categorical_focal_crossentropy",
           "categorical_hinge", "concordance_correlation", "deserialize", "hinge", "huber", "kl_divergence",
           "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
           "mean_squared_logarithmic_error", "pearson_correlation", "poisson", "serialize",
           "sparse_categorical_crossentropy", "squared_hinge"]
