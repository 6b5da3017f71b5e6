"""tf.random's candidate samplers (also in tf.nn): uniform, log_uniform, all, fixed_unigram
and learned_unigram candidate samplers, for sampled losses (nce_loss, sampled_softmax_loss).

Every sampler returns TensorFlow's triple: `sampled_candidates` (num_sampled,) int64,
`true_expected_count` (batch, num_true) and `sampled_expected_count` (num_sampled,) float32,
the number of times each class is expected among the samples. Draws with replacement expect
p · num_sampled; with unique=True the sampler draws until it has num_sampled distinct classes
and the expectation is 1 - (1 - p) ** tries, tries being the number of draws it took (the
rule of TensorFlow's RangeSampler). Draws come from tf.random's seeded stream: the same seed
gives the same candidates; the values are not TensorFlow's bits.
"""
import math
import operator

import numpy as np

from ._convert import TensorBase, asarray
from .errors import InvalidArgumentError

_CHUNK = 1024


def _true_classes(true_classes, num_true, op):
    values = np.asarray(true_classes.numpy() if isinstance(true_classes, TensorBase) else true_classes)
    if values.ndim != 2 or values.dtype.kind not in "iu":
        raise InvalidArgumentError(None, None, f"[{op}] true_classes must be a 2-D int tensor (batch, num_true); "
                                   f"received shape {values.shape} of {values.dtype}")
    if values.shape[1] != operator.index(num_true):
        raise InvalidArgumentError(None, None, f"[{op}] true_classes must have num_true={num_true} columns; received "
                                   f"shape {values.shape}")
    return values.astype(np.int64)


def _draws(count, seed):
    """`count` uniform [0, 1) float64 values from tf.random's stream for `seed`."""
    from ._tf_random import _stream
    return np.asarray(_stream(seed).uniform([count], 0.0, 1.0, np.float64))


def _sample(probabilities, num_sampled, unique, seed, op):
    """(candidates, expected counts of every class) drawn from `probabilities` by inverse CDF."""
    num_sampled = operator.index(num_sampled)
    classes = len(probabilities)
    if num_sampled < 1:
        raise InvalidArgumentError(None, None, f"[{op}] num_sampled must be at least 1; received {num_sampled}")
    if unique and num_sampled > int(np.count_nonzero(probabilities)):
        raise InvalidArgumentError(None, None, f"[{op}] with unique=True, num_sampled ({num_sampled}) must not exceed "
                                   f"the {int(np.count_nonzero(probabilities))} classes that can be drawn")
    cumulative = np.cumsum(probabilities)
    cumulative /= cumulative[-1]

    def pick(u):
        return np.minimum(np.searchsorted(cumulative, u, side="right"), classes - 1)

    if not unique:
        return pick(_draws(num_sampled, seed)), probabilities * num_sampled
    from ._tf_random import _stream
    stream = _stream(seed)
    chosen, seen, tries = [], set(), 0
    while len(chosen) < num_sampled:
        for value in pick(np.asarray(stream.uniform([_CHUNK], 0.0, 1.0, np.float64))).tolist():
            tries += 1
            if value not in seen:
                seen.add(value)
                chosen.append(value)
                if len(chosen) == num_sampled:
                    break
    return np.asarray(chosen, np.int64), -np.expm1(tries * np.log1p(-np.minimum(probabilities, 1.0)))


def _check_range(true, classes, op):
    if true.size and (true.min() < 0 or true.max() >= classes):
        raise InvalidArgumentError(None, None, f"[{op}] true_classes must be in [0, {classes}); received values from "
                                   f"{true.min()} to {true.max()}")


def _result(candidates, expected, true, probabilities):
    """TensorFlow's triple from drawn candidates and per-class expected counts."""
    true_expected = expected[true]
    return (asarray(np.asarray(candidates, np.int64)), asarray(true_expected.astype(np.float32)),
            asarray(expected[candidates].astype(np.float32)))


def _range(range_max, op):
    range_max = operator.index(range_max)
    if range_max < 1:
        raise InvalidArgumentError(None, None, f"[{op}] range_max must be at least 1; received {range_max}")
    return range_max


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Candidates drawn uniformly from [0, range_max) (tf.random.uniform_candidate_sampler).

    Returns:
        (sampled_candidates (num_sampled,) int64, true_expected_count (batch, num_true),
        sampled_expected_count (num_sampled,)), the counts float32.
    """
    op = "uniform_candidate_sampler"
    true = _true_classes(true_classes, num_true, op)
    probabilities = np.full(_range(range_max, op), 1.0 / operator.index(range_max))
    _check_range(true, len(probabilities), op)
    return _result(*_sample(probabilities, num_sampled, unique, seed, op), true, probabilities)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Candidates from the log-uniform (Zipfian) distribution
    P(c) = (log(c + 2) - log(c + 1)) / log(range_max + 1) over [0, range_max)
    (tf.random.log_uniform_candidate_sampler): frequent words first, as in a vocabulary
    sorted by frequency. Returns as uniform_candidate_sampler."""
    op = "log_uniform_candidate_sampler"
    classes = np.arange(_range(range_max, op), dtype=np.float64)
    probabilities = (np.log(classes + 2.0) - np.log(classes + 1.0)) / math.log(range_max + 1.0)
    true = _true_classes(true_classes, num_true, op)
    _check_range(true, len(probabilities), op)
    return _result(*_sample(probabilities, num_sampled, unique, seed, op), true, probabilities)


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """Every class in [0, num_sampled) as a candidate, each expected once
    (tf.random.all_candidate_sampler; for testing sampled losses against full ones)."""
    op = "all_candidate_sampler"
    true = _true_classes(true_classes, num_true, op)
    num_sampled = operator.index(num_sampled)
    _check_range(true, num_sampled, op)
    return (asarray(np.arange(num_sampled, dtype=np.int64)), asarray(np.ones(true.shape, np.float32)),
            asarray(np.ones(num_sampled, np.float32)))


def _unigrams_from_file(vocab_file):
    """The last comma-separated field of each line of a vocabulary file, as a count."""
    with open(vocab_file, encoding="utf-8") as handle:
        return [float(line.rstrip("\n").split(",")[-1]) for line in handle if line.strip()]


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, vocab_file="",
                                    distortion=1.0, num_reserved_ids=0, num_shards=1, shard=0, unigrams=(), seed=None,
                                    name=None):
    """Candidates drawn by given unigram counts (tf.random.fixed_unigram_candidate_sampler).

    Args:
        unigrams: one count per class after the reserved ids (or vocab_file, a CSV whose last
            field on each line is the count).
        distortion: counts are raised to this power first (0 gives a uniform distribution).
        num_reserved_ids: leading ids with count 0 (never drawn).
        num_shards, shard: only ids with id % num_shards == shard are drawn.
        range_max: must equal num_reserved_ids + the number of counts.
    Returns as uniform_candidate_sampler.
    """
    op = "fixed_unigram_candidate_sampler"
    true = _true_classes(true_classes, num_true, op)
    counts = list(unigrams) if len(unigrams) else (_unigrams_from_file(vocab_file) if vocab_file else [])
    if not counts:
        raise InvalidArgumentError(None, None, f"[{op}] give unigrams or vocab_file")
    if operator.index(range_max) != len(counts) + operator.index(num_reserved_ids):
        raise InvalidArgumentError(None, None, f"[{op}] range_max ({range_max}) must equal num_reserved_ids "
                                   f"({num_reserved_ids}) + the number of unigrams ({len(counts)})")
    if not 0 <= shard < num_shards:
        raise InvalidArgumentError(None, None, f"[{op}] shard must be in [0, num_shards); received {shard}, {num_shards}")
    weights = np.concatenate([np.zeros(num_reserved_ids), np.asarray(counts, np.float64) ** float(distortion)])
    weights[np.arange(len(weights)) % num_shards != shard] = 0.0
    if weights.sum() <= 0:
        raise InvalidArgumentError(None, None, f"[{op}] the unigram counts of this shard sum to zero")
    probabilities = weights / weights.sum()
    _check_range(true, len(probabilities), op)
    return _result(*_sample(probabilities, num_sampled, unique, seed, op), true, probabilities)


# NOTE: TensorFlow's learned sampler is a stateful kernel whose counts persist between calls
# of the same op; eager TensorFlow keeps one per set of attributes, and so does this table.
_learned_counts: dict = {}


def learned_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Candidates drawn by the counts of the true classes seen so far
    (tf.random.learned_unigram_candidate_sampler): every class starts with count 1, and
    each call adds its true classes after drawing. The counts are kept per (range_max,
    num_true, num_sampled, unique, seed). Returns as uniform_candidate_sampler."""
    op = "learned_unigram_candidate_sampler"
    true = _true_classes(true_classes, num_true, op)
    key = (_range(range_max, op), operator.index(num_true), operator.index(num_sampled), bool(unique), seed)
    _check_range(true, key[0], op)
    counts = _learned_counts.setdefault(key, np.ones(key[0], np.float64))
    probabilities = counts / counts.sum()
    result = _result(*_sample(probabilities, num_sampled, unique, seed, op), true, probabilities)
    np.add.at(counts, true.reshape(-1), 1.0)
    return result


__all__ = ["all_candidate_sampler", "fixed_unigram_candidate_sampler", "learned_unigram_candidate_sampler",
           "log_uniform_candidate_sampler", "uniform_candidate_sampler"]
