"""keras.ops ctc_loss (the CTC forward algorithm in log space, one batched step per time
frame, differentiable through the tape) and ctc_decode's greedy strategy."""

import swiftdl as sd

from ._convert import tensor
from ._dtypes import result_type
from .indexing import take_along_axis
from .sorting import argsort

# log(0) stand-in: exp underflows to 0 without infinities whose gradients would be NaN.
_LOG_ZERO = -1e5


def _logsumexp3(a, b, c):
    peak = sd.maximum(sd.maximum(a, b), c)
    return peak + sd.log(sd.exp(a - peak) + sd.exp(b - peak) + sd.exp(c - peak))


def _shift(alpha, by):
    """alpha[:, s - by] (log zero where s < by)."""
    filler = sd.full((alpha.shape[0], by), _LOG_ZERO, alpha.dtype)
    return sd.concatenate([filler, alpha[:, :alpha.shape[1] - by]], axis=1)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Connectionist temporal classification loss per sequence.

    Args:
        target: (batch, max_label_length) integer labels.
        output: (batch, max_time, classes) logits (log-softmaxed here).
        target_length, output_length: (batch,) lengths.
        mask_index: the blank class.

    Returns:
        (batch,) negative log-likelihoods.
    """
    target = tensor(target).astype("int64")
    output = tensor(output)
    output = output.astype(result_type(output.dtype, "float32"))
    target_length = tensor(target_length).astype("int64")
    output_length = tensor(output_length).astype("int64")
    if output.ndim != 3 or target.ndim != 2 or target.shape[0] != output.shape[0]:
        raise ValueError(f"[ctc_loss] expects output (batch, time, classes) and target (batch, labels); received "
                         f"{tuple(output.shape)} and {tuple(target.shape)}")
    batch, frames, _ = output.shape
    labels = target.shape[1]
    states = 2 * labels + 1
    logprobs = sd.nn.log_softmax(output, axis=-1)
    # The extended label sequence: blank, l1, blank, l2, ..., blank.
    positions = sd.arange(states, dtype="int64")
    is_label = sd.equal(sd.remainder(positions, 2), 1)
    # State 2k+1 holds label k; blank states look at a clipped index whose value goes unused.
    label_at = sd.take(target, sd.minimum(sd.floor_divide(positions, 2), labels - 1), axis=1) if labels \
        else sd.zeros((batch, states), "int64")
    extended = sd.where(is_label, label_at, sd.full((), mask_index, "int64"))                   # (B, S)
    emissions = take_along_axis(logprobs, sd.broadcast_to(sd.expand_dims(extended, 1), (batch, frames, states)), 2)
    before_previous = sd.concatenate([sd.full((batch, 2), -1, "int64"), extended[:, :states - 2]], axis=1)
    may_skip = sd.logical_and(is_label, sd.not_equal(extended, before_previous))                 # (B, S)
    alpha = sd.where(sd.less(positions, 2), emissions[:, 0, :], sd.full((), _LOG_ZERO, output.dtype))
    for t in range(1, frames):
        skip = sd.where(may_skip, _shift(alpha, 2), sd.full((), _LOG_ZERO, output.dtype))
        step = _logsumexp3(alpha, _shift(alpha, 1), skip) + emissions[:, t, :]
        active = sd.reshape(sd.less(t, output_length), (-1, 1))
        alpha = sd.where(active, step, alpha)
    last = sd.reshape(2 * target_length, (-1, 1))                                                # index S_b - 1
    final = take_along_axis(alpha, sd.concatenate([last, sd.maximum(last - 1, 0)], axis=1), 1)
    final = sd.where(sd.reshape(sd.equal(target_length, 0), (-1, 1)),
                     sd.concatenate([final[:, :1], sd.full((batch, 1), _LOG_ZERO, output.dtype)], axis=1), final)
    peak = sd.max(final, axis=1, keepdims=True)
    return -(sd.squeeze(peak, axis=1) + sd.log(sd.sum(sd.exp(final - peak), axis=1)))


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1, merge_repeated=True,
               mask_index=0):
    """Greedy CTC decoding: the best class per frame, repeats merged, blanks removed.

    Returns:
        (decoded, log_probabilities): decoded (1, batch, time) int32, padded with -1;
        log_probabilities (batch, 1), the negated sum of each frame's best score.

    Raises:
        NotImplementedError: for strategy="beam_search" (not in swiftdl yet).
    """
    if strategy == "beam_search":
        raise NotImplementedError("[ctc_decode] strategy='beam_search' is not supported by swiftdl yet; use 'greedy'")
    if strategy != "greedy":
        raise ValueError(f"[ctc_decode] Invalid strategy {strategy}. Supported values are 'greedy' and 'beam_search'.")
    inputs = tensor(inputs)
    inputs = inputs.astype(result_type(inputs.dtype, "float32"))
    if inputs.ndim != 3:
        raise ValueError(f"[ctc_decode] inputs must be (batch, time, classes); received {tuple(inputs.shape)}")
    batch, frames, classes = inputs.shape
    blank = classes - 1 if mask_index is None else int(mask_index)
    lengths = sd.reshape(tensor(sequence_lengths).astype("int64"), (-1, 1))
    best = sd.argmax(inputs, axis=-1)
    scores = sd.max(inputs, axis=-1)
    padding = sd.greater_equal(sd.reshape(sd.arange(frames, dtype="int64"), (1, -1)), lengths)
    best = sd.where(padding, sd.full((), blank, "int64"), best)
    scores = sd.where(padding, sd.zeros((), scores.dtype), scores)
    if merge_repeated and frames > 1:
        repeated = sd.concatenate([sd.zeros((batch, 1), "bool"), sd.equal(best[:, 1:], best[:, :-1])], axis=1)
        best = sd.where(repeated, sd.full((), blank, "int64"), best)
    invalid = sd.equal(best, blank)
    best = sd.where(invalid, sd.full((), -1, "int64"), best)
    order = sd.where(invalid, sd.full((), frames, "int64"), sd.broadcast_to(sd.arange(frames, dtype="int64"),
                                                                            (batch, frames)))
    decoded = take_along_axis(best, argsort(order, axis=-1), -1).astype("int32")
    return sd.expand_dims(decoded, 0), -sd.sum(scores, axis=1, keepdims=True)


