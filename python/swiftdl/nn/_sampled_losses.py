"""tf.nn's sampled losses for large output vocabularies: sampled_softmax_loss and nce_loss
(Jean et al. 2015, arXiv:1412.2007; Gutmann & Hyvärinen 2010), and compute_accidental_hits.

Both losses follow TensorFlow's _compute_sampled_logits: the true classes' and the sampled
classes' logits from rows of `weights` and `biases`, each minus log(expected count), sampled
logits that hit a true class pushed to -FLT_MAX when accidental hits are removed; then a
softmax cross-entropy (true classes share probability 1) or a sigmoid cross-entropy summed
per row. Only the gathers and products are engine ops: gradients reach weights, biases and
inputs through the tape, and none reach the sampled values (TensorFlow stops them too).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _ops, _shape as shape_ops, _tf_array
from .._convert import TensorBase, asarray
from .._tensor import Tensor
from ..errors import InvalidArgumentError, raises_tf_errors
from ._losses import sigmoid_cross_entropy_with_logits, softmax_cross_entropy_with_logits

_FLOAT_MAX = float(np.finfo(np.float32).max)


def _integers(value: Any) -> np.ndarray:
    return np.asarray(value.numpy() if isinstance(value, TensorBase) else value).astype(np.int64)  # type: ignore[attr-defined]


@raises_tf_errors
def compute_accidental_hits(true_classes: Any, sampled_candidates: Any, num_true: int, seed: Any = None,
                            name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Where a sampled candidate equals one of a row's true classes (tf.nn.compute_accidental_hits).

    Returns:
        (indices int32, ids int64, weights float32), one entry per hit: the row, the position
        in sampled_candidates, and -FLT_MAX (added to that sampled logit to remove it).
    """
    true = _integers(true_classes)
    sampled = _integers(sampled_candidates).reshape(-1)
    if true.ndim != 2 or true.shape[1] != int(num_true):
        raise ValueError(f"[compute_accidental_hits] true_classes must be (batch, num_true={num_true}); received shape "
                         f"{true.shape}")
    rows, _, positions = np.nonzero(true[:, :, None] == sampled[None, None, :])
    return (asarray(rows.astype(np.int32)), asarray(positions.astype(np.int64)),
            asarray(np.full(len(rows), -_FLOAT_MAX, np.float32)))


def _rows(table: Any, ids: Tensor) -> Tensor:
    """Rows `ids` of a table, or of a list of tables split along the first axis
    ("div" partitioning: the shards concatenated)."""
    if isinstance(table, (list, tuple)):
        table = shape_ops.concatenate([asarray(t, copy=None) for t in table], axis=0)
    return _tf_array.gather(asarray(table, copy=None), ids)


def _sampled_logits(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int, num_classes: int,
                    num_true: int, sampled_values: Any, remove_accidental_hits: bool, seed: Any,
                    op: str) -> tuple[Tensor, Tensor]:
    """(logits (batch, num_true + num_sampled), labels of the same shape), TensorFlow's
    _compute_sampled_logits with subtract_log_q."""
    from .._tf_candidate_sampling import log_uniform_candidate_sampler
    x = asarray(inputs, copy=None)
    true = _integers(labels)
    if true.ndim == 1:
        true = true.reshape(-1, 1)
    if x.ndim != 2 or true.shape != (x.shape[0], int(num_true)):
        raise ValueError(f"[{op}] inputs must be (batch, dim) and labels (batch, num_true={num_true}); received shapes "
                         f"{tuple(x.shape)} and {true.shape}")
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(true, num_true, num_sampled, True, num_classes, seed=seed)
    sampled, true_expected, sampled_expected = (np.asarray(v) for v in sampled_values)
    sampled = sampled.astype(np.int64).reshape(-1)
    if len(sampled) != int(num_sampled):
        raise ValueError(f"[{op}] sampled_values must hold num_sampled={num_sampled} candidates; received {len(sampled)}")
    if true.size and (true.min() < 0 or true.max() >= num_classes) or sampled.size and sampled.max() >= num_classes:
        raise InvalidArgumentError(None, None, f"[{op}] labels and sampled candidates must be in [0, {num_classes})")
    batch = x.shape[0]
    all_ids = asarray(np.concatenate([true.reshape(-1), sampled]))
    all_w = _rows(weights, all_ids)
    all_b = _rows(biases, all_ids)
    split = batch * int(num_true)
    true_w, sampled_w = all_w[:split], all_w[split:]
    true_b, sampled_b = all_b[:split], all_b[split:]
    dim = true_w.shape[1]
    true_logits = _ops.sum(shape_ops.expand_dims(x, 1) * shape_ops.reshape(true_w, (-1, int(num_true), dim)), axis=2)
    true_logits = true_logits + shape_ops.reshape(true_b, (-1, int(num_true)))
    sampled_logits = _ops.matmul(x, shape_ops.swapaxes(sampled_w, 0, 1)) + sampled_b
    if remove_accidental_hits:
        rows, positions, _ = (np.asarray(v) for v in compute_accidental_hits(true, sampled, num_true))
        mask = np.zeros((batch, int(num_sampled)), np.float32)
        mask[rows, positions] = -_FLOAT_MAX
        sampled_logits = sampled_logits + asarray(mask.astype(x.dtype.name))
    true_logits = true_logits - asarray(np.log(true_expected).astype(x.dtype.name))
    sampled_logits = sampled_logits - asarray(np.log(sampled_expected).astype(x.dtype.name))
    logits = shape_ops.concatenate([true_logits, sampled_logits], axis=1)
    targets = np.concatenate([np.full((batch, int(num_true)), 1.0 / int(num_true)),
                              np.zeros((batch, int(num_sampled)))], axis=1)
    return logits, asarray(targets.astype(x.dtype.name))


@raises_tf_errors
def sampled_softmax_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int, num_classes: int,
                         num_true: int = 1, sampled_values: Any = None, remove_accidental_hits: bool = True,
                         seed: Any = None, name: str = "sampled_softmax_loss") -> Tensor:
    """The softmax cross-entropy over the true classes and num_sampled sampled ones
    (tf.nn.sampled_softmax_loss), a cheap training estimate of the full softmax loss.

    Args:
        weights: (num_classes, dim), or a list of shards of it along the first axis.
        biases: (num_classes,).
        labels: (batch, num_true) int target classes.
        inputs: (batch, dim) activations.
        num_sampled, num_classes, num_true: as named.
        sampled_values: a candidate sampler's triple; default log_uniform_candidate_sampler
            with unique=True.
        remove_accidental_hits: drop sampled classes that equal a true class (default True).
        seed: the sampler's seed.
        name: ignored.

    Returns:
        (batch,) losses.
    """
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                      sampled_values, remove_accidental_hits, seed, "sampled_softmax_loss")
    return softmax_cross_entropy_with_logits(targets, logits)


@raises_tf_errors
def nce_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int, num_classes: int,
             num_true: int = 1, sampled_values: Any = None, remove_accidental_hits: bool = False,
             name: str = "nce_loss") -> Tensor:
    """Noise-contrastive estimation loss (tf.nn.nce_loss): a logistic loss telling the true
    classes (label 1/num_true) from the sampled ones (label 0), summed per row. Arguments
    as sampled_softmax_loss (accidental hits kept by default).

    Returns:
        (batch,) losses.
    """
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                      sampled_values, remove_accidental_hits, None, "nce_loss")
    return _ops.sum(sigmoid_cross_entropy_with_logits(targets, logits), axis=1)


__all__ = ["compute_accidental_hits", "nce_loss", "sampled_softmax_loss"]
