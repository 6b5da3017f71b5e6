"""tf.nn's connectionist temporal classification: ctc_loss, ctc_greedy_decoder,
ctc_beam_search_decoder, collapse_repeated, ctc_unique_labels.

ctc_loss and the greedy decoder are keras.ops' (`keras/ops/nn_ctc.py`) under TensorFlow's
conventions: time-major logits by default, blank 0 for the loss and num_classes - 1 for the
decoders, negative blank indices counted from num_classes. The loss is engine ops, so the
tape differentiates it.

The decoders return TensorFlow's sparse results. swiftdl has no tf.SparseTensor yet (it is
being built on another branch), so a decoded path is a `SparseTensorValue`: the named tuple
(indices, values, dense_shape) that TensorFlow's own tf.compat.v1.SparseTensorValue is,
with the same three fields a SparseTensor has, plus `to_dense()`.

The beam search is the CTC prefix beam search (Graves 2012, ch. 7; Hannun et al. 2014,
arXiv:1408.2873) in float64 numpy, one numpy step per frame and beam: the search is
sequential by nature and has no engine kernel.
"""
from __future__ import annotations

import collections
from typing import Any, NamedTuple

import numpy as np

from .. import _ops, _shape as shape_ops, _tf_array
from .._convert import asarray
from .._tensor import Tensor
from .._typing import ArrayLike
from ..errors import InvalidArgumentError, raises_tf_errors


class SparseTensorValue(NamedTuple):
    """A sparse tensor's parts (TensorFlow's tf.compat.v1.SparseTensorValue): `indices`
    (n, rank) int64, `values` (n,), `dense_shape` (rank,) int64."""

    indices: Tensor
    values: Tensor
    dense_shape: Tensor

    def to_dense(self, default_value: Any = 0) -> Tensor:
        """The dense tensor, `default_value` where no value is given."""
        dense = np.full(np.asarray(self.dense_shape).tolist(), default_value, np.asarray(self.values).dtype)
        index = np.asarray(self.indices)
        if index.size:
            dense[tuple(index.T)] = np.asarray(self.values)
        return asarray(dense)


def _sparse_from_padded(rows: list[list[int]]) -> SparseTensorValue:
    width = max((len(r) for r in rows), default=0)
    indices = [(b, i) for b, row in enumerate(rows) for i in range(len(row))]
    values = [v for row in rows for v in row]
    return SparseTensorValue(asarray(np.asarray(indices, np.int64).reshape(-1, 2)), asarray(np.asarray(values, np.int64)),
                             asarray(np.asarray([len(rows), width], np.int64)))


def _dense_labels(labels: Any, label_length: Any) -> tuple[Tensor, Tensor]:
    """Dense (batch, max_label_length) labels and their lengths; a sparse value's rows are
    packed to the left and its lengths are one past the last index in each row."""
    if all(hasattr(labels, field) for field in ("indices", "values", "dense_shape")):
        index, values = np.asarray(labels.indices), np.asarray(labels.values)
        shape = [int(v) for v in np.asarray(labels.dense_shape)]
        dense = np.zeros(shape, np.int64)
        lengths = np.zeros(shape[0], np.int64)
        if index.size:
            dense[index[:, 0], index[:, 1]] = values
            np.maximum.at(lengths, index[:, 0], index[:, 1] + 1)
        return asarray(dense), asarray(lengths)
    if label_length is None:
        raise ValueError("[ctc_loss] label_length must be given for dense labels")
    return asarray(labels, copy=None).astype(np.int64), asarray(label_length, copy=None).astype(np.int64)


def _blank(blank_index: Any, classes: int, default: int, op: str) -> int:
    blank = default if blank_index is None else int(blank_index)
    if blank < 0:
        blank += classes
    if not 0 <= blank < classes:
        raise ValueError(f"[{op}] blank_index must be in [-{classes}, {classes}); received {blank_index}")
    return blank


@raises_tf_errors
def ctc_loss(labels: Any, logits: ArrayLike, label_length: Any, logit_length: Any, logits_time_major: bool = True,
             unique: Any = None, blank_index: int | None = None, name: str | None = None) -> Tensor:
    """The negative log-likelihood of each label sequence under CTC (tf.nn.ctc_loss).

    Args:
        labels: (batch, max_label_length) int labels, or a sparse value (indices, values,
            dense_shape) whose lengths come from its indices.
        logits: (frames, batch, classes) unnormalised scores; (batch, frames, classes) with
            logits_time_major=False.
        label_length: (batch,) label lengths (None for sparse labels).
        logit_length: (batch,) frame counts.
        logits_time_major: see `logits`.
        unique: accepted for TensorFlow's signature (an optimisation there); ignored.
        blank_index: the blank class; default 0, negative counts from num_classes (-1 is
            TF 1's num_classes - 1).
        name: ignored.

    Returns:
        (batch,) losses in the logits' float dtype. Differentiable with respect to logits.
    """
    from ..keras.ops.nn_ctc import ctc_loss as keras_ctc_loss
    x = asarray(logits, copy=None)
    if x.ndim != 3:
        raise ValueError(f"[ctc_loss] logits must be rank 3; received shape {tuple(x.shape)}")
    if logits_time_major:
        x = shape_ops.transpose(x, (1, 0, 2))
    dense, lengths = _dense_labels(labels, label_length)
    frames = asarray(logit_length, copy=None).astype(np.int64)
    if dense.ndim != 2 or dense.shape[0] != x.shape[0] or tuple(lengths.shape) != (x.shape[0],) \
            or tuple(frames.shape) != (x.shape[0],):
        raise ValueError(f"[ctc_loss] labels (batch, max_label_length), label_length and logit_length (batch,) must "
                         f"match the logits' batch {x.shape[0]}; received shapes {tuple(dense.shape)}, "
                         f"{tuple(lengths.shape)}, {tuple(frames.shape)}")
    if frames.size and (int(_ops.max(frames)) > x.shape[1] or int(_ops.min(frames)) < 0):
        raise ValueError(f"[ctc_loss] logit_length must be in [0, {x.shape[1]}]; received {np.asarray(frames)}")
    if lengths.size and (int(_ops.max(lengths)) > dense.shape[1] or int(_ops.min(lengths)) < 0):
        raise ValueError(f"[ctc_loss] label_length must be in [0, {dense.shape[1]}]; received {np.asarray(lengths)}")
    blank = _blank(blank_index, x.shape[2], 0, "ctc_loss")
    if blank:
        # TensorFlow's own reduction to blank 0: the blank's column moves first and labels
        # below it shift up (a label equal to the blank, invalid, then means class blank - 1,
        # as there).
        x = _tf_array.concat([x[:, :, blank:blank + 1], x[:, :, :blank], x[:, :, blank + 1:]], axis=2)
        dense = _ops.where(_ops.less(dense, blank), dense + 1, dense)
    return keras_ctc_loss(dense, x, lengths, frames, mask_index=0)


def _time_major(inputs: ArrayLike, sequence_length: Any, op: str) -> tuple[Tensor, np.ndarray]:
    x = asarray(inputs, copy=None)
    if x.ndim != 3:
        raise ValueError(f"[{op}] inputs must be (max_time, batch, classes); received shape {tuple(x.shape)}")
    lengths = np.asarray(sequence_length).reshape(-1).astype(np.int64)
    if lengths.shape != (x.shape[1],) or (lengths < 0).any() or (lengths > x.shape[0]).any():
        raise ValueError(f"[{op}] sequence_length must be (batch,) = ({x.shape[1]},) values in [0, {x.shape[0]}]; "
                         f"received {lengths.tolist()}")
    return x, lengths


@raises_tf_errors
def ctc_greedy_decoder(inputs: ArrayLike, sequence_length: Any, merge_repeated: bool = True,
                       blank_index: int | None = None) -> tuple[list[SparseTensorValue], Tensor]:
    """The best class per frame, repeats merged, blanks removed (tf.nn.ctc_greedy_decoder).

    Args:
        inputs: (max_time, batch, classes) logits.
        sequence_length: (batch,) frame counts.
        merge_repeated: merge runs of one class (a blank between keeps both).
        blank_index: default num_classes - 1; negative counts from num_classes.

    Returns:
        ([decoded], neg_sum_logits): decoded a SparseTensorValue of shape (batch,
        longest decoding) with int64 values; neg_sum_logits (batch, 1), minus the sum of
        each frame's greatest logit.
    """
    from ..keras.ops.nn_ctc import ctc_decode
    x, lengths = _time_major(inputs, sequence_length, "ctc_greedy_decoder")
    blank = _blank(blank_index, x.shape[2], x.shape[2] - 1, "ctc_greedy_decoder")
    decoded, scores = ctc_decode(shape_ops.transpose(x, (1, 0, 2)), asarray(lengths), "greedy",
                                 merge_repeated=merge_repeated, mask_index=blank)
    rows = [[int(v) for v in row if v >= 0] for row in np.asarray(decoded)[0]]
    return [_sparse_from_padded(rows)], scores


def _prefix_beam_search(logp: np.ndarray, blank: int, beam_width: int) -> list[tuple[tuple[int, ...], float]]:
    """(prefix, log probability) beams after the last frame of (frames, classes) log-probabilities."""
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, -np.inf)}   # prefix -> (ends in blank, not)
    labels = np.array([c for c in range(logp.shape[1]) if c != blank], np.int64)
    for frame in logp:
        grown: dict = collections.defaultdict(lambda: [-np.inf, -np.inf])
        for prefix, (p_blank, p_label) in beams.items():
            total = np.logaddexp(p_blank, p_label)
            grown[prefix][0] = np.logaddexp(grown[prefix][0], total + frame[blank])
            last = prefix[-1] if prefix else -1
            for c, p in zip(labels.tolist(), frame[labels].tolist()):
                if c == last:   # a repeat extends only across a blank; without one it merges
                    entry = grown[prefix + (c,)]
                    entry[1] = np.logaddexp(entry[1], p_blank + p)
                    grown[prefix][1] = np.logaddexp(grown[prefix][1], p_label + p)
                else:
                    entry = grown[prefix + (c,)]
                    entry[1] = np.logaddexp(entry[1], total + p)
        ranked = sorted(grown.items(), key=lambda item: -np.logaddexp(*item[1]))[:beam_width]
        beams = {prefix: (value[0], value[1]) for prefix, value in ranked}
    return sorted(((prefix, float(np.logaddexp(*value))) for prefix, value in beams.items()), key=lambda b: -b[1])


@raises_tf_errors
def ctc_beam_search_decoder(inputs: ArrayLike, sequence_length: Any, beam_width: int = 100,
                            top_paths: int = 1) -> tuple[list[SparseTensorValue], Tensor]:
    """The `top_paths` most probable label sequences by CTC prefix beam search
    (tf.nn.ctc_beam_search_decoder); the blank is num_classes - 1.

    Args:
        inputs: (max_time, batch, classes) logits (normalised with a log-softmax here).
        sequence_length: (batch,) frame counts.
        beam_width: beams kept per frame, at least top_paths.
        top_paths: decodings returned per sequence.

    Returns:
        (decoded, log_probabilities): decoded a list of top_paths SparseTensorValues
        (batch, longest), best first; log_probabilities (batch, top_paths) float32.
    """
    x, lengths = _time_major(inputs, sequence_length, "ctc_beam_search_decoder")
    beam_width, top_paths = int(beam_width), int(top_paths)
    if top_paths < 1 or beam_width < top_paths:
        raise ValueError(f"[ctc_beam_search_decoder] needs 1 <= top_paths <= beam_width; received top_paths="
                         f"{top_paths}, beam_width={beam_width}")
    values = np.asarray(x, dtype=np.float64)
    peak = values.max(axis=-1, keepdims=True)
    logp = values - peak - np.log(np.exp(values - peak).sum(axis=-1, keepdims=True))
    blank = x.shape[2] - 1
    paths: list[list[list[int]]] = [[] for _ in range(top_paths)]
    scores = np.full((x.shape[1], top_paths), -np.inf, np.float32)
    for b in range(x.shape[1]):
        found = _prefix_beam_search(logp[:lengths[b], b], blank, beam_width)
        for k in range(top_paths):
            prefix, score = found[k] if k < len(found) else ((), -np.inf)
            paths[k].append(list(prefix))
            scores[b, k] = score
    return [_sparse_from_padded(rows) for rows in paths], asarray(scores)


def _lengths(seq_length: Any, batch: int, width: int, op: str) -> np.ndarray:
    lengths = np.asarray(seq_length).reshape(-1).astype(np.int64)
    if lengths.shape != (batch,) or (lengths < 0).any() or (lengths > width).any():
        raise InvalidArgumentError(None, None, f"[{op}] seq_length must be (batch,) = ({batch},) values in [0, {width}]; "
                                   f"received {lengths.tolist()}")
    return lengths


@raises_tf_errors
def collapse_repeated(labels: ArrayLike, seq_length: Any, name: str | None = None) -> tuple[Tensor, Tensor]:
    """Merges runs of one label within each row's first seq_length entries (tf.nn.collapse_repeated).

    Returns:
        (collapsed labels (batch, longest) padded with 0, new lengths (batch,)), in the
        labels' and seq_length's dtypes.
    """
    x = asarray(labels, copy=None)
    if x.ndim != 2:
        raise ValueError(f"[collapse_repeated] labels must be (batch, max_length); received shape {tuple(x.shape)}")
    lengths = _lengths(seq_length, x.shape[0], x.shape[1], "collapse_repeated")
    inside = np.arange(x.shape[1])[None, :] < lengths[:, None]
    values = np.asarray(x)
    starts = np.concatenate([np.ones((x.shape[0], 1), bool), values[:, 1:] != values[:, :-1]], axis=1) & inside
    new_lengths = starts.sum(axis=1)
    out = np.zeros((x.shape[0], int(new_lengths.max(initial=0))), values.dtype)
    for b in range(x.shape[0]):
        out[b, :new_lengths[b]] = values[b][starts[b]]
    length_dtype = np.asarray(seq_length).dtype if np.asarray(seq_length).dtype.kind in "iu" else np.int32
    return asarray(out), asarray(new_lengths.astype(length_dtype))


@raises_tf_errors
def ctc_unique_labels(labels: ArrayLike, name: str | None = None) -> tuple[Tensor, Tensor]:
    """Each row's distinct labels in order of first appearance, and every entry's position
    among them (tf.nn.ctc_unique_labels, tf.unique per row; padding zeros count as a label).

    Returns:
        (unique labels (batch, max_length) int64 padded with 0, indices (batch, max_length) int32).
    """
    x = np.asarray(asarray(labels, copy=None))
    if x.ndim != 2:
        raise ValueError(f"[ctc_unique_labels] labels must be (batch, max_length); received shape {x.shape}")
    unique = np.zeros(x.shape, np.int64)
    index = np.zeros(x.shape, np.int32)
    for b, row in enumerate(x):
        values, first, inverse = np.unique(row, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")             # sorted ids -> appearance order
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        unique[b, :len(values)] = values[order]
        index[b] = rank[inverse]
    return asarray(unique), asarray(index)


__all__ = ["SparseTensorValue", "collapse_repeated", "ctc_beam_search_decoder", "ctc_greedy_decoder", "ctc_loss",
           "ctc_unique_labels"]
