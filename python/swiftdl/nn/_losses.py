"""Cross-entropy losses with logits, named and shaped like tf.nn's. Each is one fused
engine op whose gradient is softmax - labels (Sources/SwiftDL/Ops/NN/CrossEntropy.swift)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import operator

from .. import _C
from .._convert import asarray
from .._typing import ArrayLike

if TYPE_CHECKING:
    from .._tensor import Tensor


def _require(labels: ArrayLike | None, logits: ArrayLike | None, op: str) -> tuple[Tensor, Tensor]:
    if labels is None or logits is None:
        raise ValueError(f"{op} needs both labels= and logits=; received labels={labels!r}, logits={logits!r}")
    return asarray(labels, copy=None), asarray(logits, copy=None)


def sparse_softmax_cross_entropy_with_logits(labels: ArrayLike | None = None, logits: ArrayLike | None = None,
                                             name: str | None = None) -> Tensor:
    """Softmax cross-entropy between integer class ids and unnormalised scores.

    Args:
        labels: integer tensor of shape `logits.shape[:-1]`, each id in [0, num_classes).
        logits: float tensor whose last axis holds the classes.

    Returns:
        The per-example losses, with the shape of `labels` and the dtype of `logits`.

    Raises:
        ValueError: on mismatched shapes or an id outside [0, num_classes).
        TypeError: for float labels or non-float logits.
    """
    labels, logits = _require(labels, logits, "sparse_softmax_cross_entropy_with_logits")
    return _C.nn_sparse_softmax_cross_entropy(labels, logits)


def softmax_cross_entropy_with_logits(labels: ArrayLike, logits: ArrayLike, axis: int = -1, name: str | None = None) -> Tensor:
    """Softmax cross-entropy between a distribution over classes and unnormalised scores.

    Args:
        labels: tensor of the shape of `logits`, each slice along `axis` a distribution.
        logits: float tensor.
        axis: the class axis (default last); the result drops it.

    Returns:
        The per-example losses. Both labels and logits receive gradients, as in TensorFlow.
    """
    labels, logits = _require(labels, logits, "softmax_cross_entropy_with_logits")
    return _C.nn_softmax_cross_entropy(labels, logits, operator.index(axis))


def sigmoid_cross_entropy_with_logits(labels: ArrayLike | None = None, logits: ArrayLike | None = None,
                                      name: str | None = None) -> Tensor:
    """Elementwise logistic loss max(x, 0) - x·z + log(1 + exp(-|x|)) for logits x and labels z.

    Args:
        labels: tensor of the shape of `logits`, values in [0, 1].
        logits: float tensor.
    """
    labels, logits = _require(labels, logits, "sigmoid_cross_entropy_with_logits")
    return _C.nn_sigmoid_cross_entropy(labels, logits)
