"""Keras 3's probabilistic metrics: the running (weighted) mean of a cross-entropy, the KL
divergence or the Poisson loss, computed by the loss functions of `keras.losses`."""
import numbers

import swiftdl as _sd

from .. import losses as _losses
from ..metrics import Mean, MeanMetricWrapper
from .tensors import as_tensor


def _check_label_smoothing(label_smoothing, name):
    if (not isinstance(label_smoothing, numbers.Real) or isinstance(label_smoothing, bool)
            or not 0 <= label_smoothing <= 1):
        raise ValueError(f"[{name}] `label_smoothing` must be a float in [0, 1]; "
                         f"received label_smoothing={label_smoothing!r}")


def _check_axis(axis, name):
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise ValueError(f"[{name}] `axis` must be an integer; received axis={axis!r}")


class KLDivergence(MeanMetricWrapper):
    """The mean Kullback-Leibler divergence Σ y_true·log(y_true / y_pred) (both clipped to
    [1e-7, 1]) over the samples seen.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
    """
    _direction = "down"

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(_losses.kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """The mean Poisson loss, mean(y_pred - y_true·log(y_pred + 1e-7)), over the samples seen.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
    """
    _direction = "down"

    def __init__(self, name="poisson", dtype=None):
        super().__init__(_losses.poisson, name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy between 0/1 labels and predictions.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        from_logits: whether `y_pred` holds logits rather than probabilities.
        label_smoothing: a float in [0, 1]; labels are squeezed towards 0.5 by this much.
    """
    _direction = "down"

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        _check_label_smoothing(label_smoothing, name)
        super().__init__(_losses.binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy between one-hot labels and predictions.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        from_logits: whether `y_pred` holds logits rather than probabilities.
        label_smoothing: a float in [0, 1]; one-hot labels are mixed with the uniform
            distribution by this much.
        axis: the class axis (default -1).
    """
    _direction = "down"

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0, axis=-1):
        _check_label_smoothing(label_smoothing, name)
        _check_axis(axis, name)
        super().__init__(_losses.categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


def _sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """keras.losses.sparse_categorical_crossentropy and the mask of the entries that count.

    Returns:
        (values, valid): the per-entry cross-entropies (0 where ignored) and a bool tensor of
        the same shape, False where the label is `ignore_class` (None when nothing is ignored).
    """
    y_pred = as_tensor(y_pred, "float32", "y_pred")
    y_true = as_tensor(y_true, "float32", "y_true")
    values = _losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                                     ignore_class=ignore_class, axis=axis)
    return values, getattr(values, "_keras_mask", None)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean cross-entropy between integer labels and predictions.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        from_logits: whether `y_pred` holds logits rather than probabilities.
        ignore_class: (Optional) a label whose entries are left out of the mean (Keras
            masks them: they weigh nothing).
        axis: the class axis of `y_pred` (default -1).
    """
    _direction = "down"

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, ignore_class=None,
                 axis=-1):
        _check_axis(axis, name)
        if ignore_class is not None and (not isinstance(ignore_class, numbers.Integral)
                                         or isinstance(ignore_class, bool)):
            raise ValueError(f"[{name}] `ignore_class` must be an integer or None; "
                             f"received ignore_class={ignore_class!r}")
        # NOTE: update_state below calls the function itself (it needs the mask too); the
        # wrapper keeps it as `fn` so the metric reads like Keras's.
        super().__init__(_sparse_categorical_crossentropy, name=name or "sparse_categorical_crossentropy",
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def update_state(self, y_true, y_pred, sample_weight=None):
        values, valid = _sparse_categorical_crossentropy(y_true, y_pred, from_logits=self.from_logits,
                                                         ignore_class=self.ignore_class, axis=self.axis)
        if valid is not None:
            # Keras's mask on the values: an ignored entry's weight is 0, so it leaves the count too.
            mask = valid.astype(values.dtype)
            if sample_weight is not None:
                weights = as_tensor(sample_weight, str(values.dtype), "sample_weight")
                while weights.ndim > mask.ndim and weights.shape[-1] == 1:
                    weights = _sd.squeeze(weights, -1)
                while weights.ndim < mask.ndim:
                    weights = _sd.expand_dims(weights, -1)
                mask = mask * weights
            sample_weight = mask
        Mean.update_state(self, values, sample_weight=sample_weight)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "ignore_class": self.ignore_class, "axis": self.axis}
