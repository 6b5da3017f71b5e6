"""tf.nn's losses that are a formula per element (or a plain sum): l2_loss, log_poisson_loss,
weighted_cross_entropy_with_logits, and the replica-aware averages compute_average_loss and
scale_regularization_loss (swiftdl runs one replica, so they divide by the batch only)."""
from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING, Optional

import swiftdl as sd

from .._typing import ArrayLike

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = ["compute_average_loss", "l2_loss", "log_poisson_loss", "scale_regularization_loss",
           "weighted_cross_entropy_with_logits"]


def l2_loss(t: ArrayLike, name: Optional[str] = None) -> Tensor:
    """sum(t²) / 2 as a scalar (no square root, as in TensorFlow)."""
    t = sd.asarray(t)
    return sd.sum(t * t) / 2


def log_poisson_loss(targets: ArrayLike, log_input: ArrayLike, compute_full_loss: bool = False,
                     name: Optional[str] = None) -> Tensor:
    """Poisson negative log-likelihood exp(c) - z·c for log-rates c and counts z.

    Args:
        targets: the observed counts z.
        log_input: the predicted log-rates c (same shape as targets).
        compute_full_loss: add Stirling's approximation of log(z!), z·log(z) - z + ½·log(2πz),
            for targets above 1 (it is 0 for z in {0, 1}).
    """
    log_input = sd.asarray(log_input)
    targets = sd.asarray(targets, dtype=log_input.dtype)
    if targets.shape != log_input.shape:
        raise ValueError(f"log_input and targets must have the same shape; received {tuple(log_input.shape)} "
                         f"and {tuple(targets.shape)}")
    loss = sd.exp(log_input) - log_input * targets
    if compute_full_loss:
        # Stirling's term only where z > 1; where z <= 1 the log is taken of 1 to stay finite.
        safe = sd.where(targets > 1, targets, sd.ones_like(targets))
        stirling = safe * sd.log(safe) - safe + 0.5 * sd.log(2 * math.pi * safe)
        loss = loss + sd.where(targets > 1, stirling, sd.zeros_like(targets))
    return loss


def weighted_cross_entropy_with_logits(labels: ArrayLike, logits: ArrayLike, pos_weight: ArrayLike,
                                       name: Optional[str] = None) -> Tensor:
    """Sigmoid cross-entropy whose positive term is scaled by `pos_weight`:
    (1 - z)·x + (1 + (q - 1)·z)·log(1 + exp(-x)), computed in the overflow-safe form."""
    logits = sd.asarray(logits)
    labels = sd.asarray(labels, dtype=logits.dtype)
    if labels.shape != logits.shape:
        raise ValueError(f"logits and labels must have the same shape; received {tuple(logits.shape)} "
                         f"and {tuple(labels.shape)}")
    log_weight = 1 + (sd.asarray(pos_weight, dtype=logits.dtype) - 1) * labels
    softplus_negative = sd.log1p(sd.exp(-sd.abs(logits))) + sd.maximum(-logits, 0)
    return (1 - labels) * logits + log_weight * softplus_negative


def compute_average_loss(per_example_loss: ArrayLike, sample_weight: Optional[ArrayLike] = None,
                         global_batch_size: Optional[int] = None) -> Tensor:
    """The sum of per-example losses (times `sample_weight`) divided by the global batch size
    (by default the first dimension of `per_example_loss`, one replica)."""
    loss = sd.asarray(per_example_loss)
    if sample_weight is not None:
        loss = loss * sd.asarray(sample_weight, dtype=loss.dtype)
    if global_batch_size is None:
        global_batch_size = loss.shape[0] if loss.ndim else 1
    global_batch_size = operator.index(global_batch_size)
    if global_batch_size < 0:
        raise ValueError(f"global_batch_size must be non-negative; received {global_batch_size}")
    total = sd.sum(loss)
    return total / global_batch_size if global_batch_size else total * 0


def scale_regularization_loss(regularization_loss: ArrayLike) -> Tensor:
    """The sum of the regularization losses (divided by the number of replicas, here 1)."""
    return sd.sum(sd.asarray(regularization_loss))
