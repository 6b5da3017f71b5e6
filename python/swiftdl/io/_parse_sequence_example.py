"""tf.io.parse_single_sequence_example and parse_sequence_example: serialized
tf.train.SequenceExamples (a context Features map and named lists of Features, one per
time step) → dicts of values.

Context features parse as parse_example's. Sequence features: FixedLenSequenceFeature
stacks its steps to (steps, *shape); VarLenFeature pads each step to the longest,
(steps, longest), as swiftdl's VarLenFeature values are dense; RaggedFeature gives
(steps, None) ragged values. A batch pads steps to the longest example and reports each
FixedLenSequenceFeature's step counts in a third dict, as TensorFlow does.
"""
import numpy as np

from ..errors import InvalidArgumentError
from ._composite_features import RaggedFeature, finish_single, ragged_from_lists
from ._parse_example import (FixedLenFeature, FixedLenSequenceFeature, VarLenFeature, _array, _finish, _kind, _values,
                             batch_rows, parse_features, parse_message)


def _check_specs(features, allowed, where):
    for key, spec in (features or {}).items():
        if not isinstance(spec, allowed):
            raise ValueError(f"[{where}] feature {key!r} must be one of {[c.__name__ for c in allowed]}; received "
                             f"{type(spec).__name__}")


def _steps(feature_list, key, kind):
    return [_values(step, kind, key) for step in feature_list[key].feature]


def _parse_sequence(feature_lists, features):
    """{key: per-example value} for the sequence features of one SequenceExample."""
    parsed = {}
    for key, spec in features.items():
        kind = _kind(spec.dtype)
        if isinstance(spec, RaggedFeature):
            if spec.partitions:
                raise ValueError(f"[parse_sequence_example] RaggedFeature {key!r}: partitions are not supported in "
                                 f"sequence features")
            source = spec.value_key or key
            parsed[key] = [_array(v, kind).tolist() for v in _steps(feature_lists, source, kind)] \
                if source in feature_lists else []
            continue
        present = key in feature_lists
        steps = _steps(feature_lists, key, kind) if present else []
        if isinstance(spec, VarLenFeature):
            longest = max((len(s) for s in steps), default=0)
            fill = b"" if kind == "bytes" else 0
            parsed[key] = _array([v for s in steps for v in s + [fill] * (longest - len(s))], kind,
                                 (len(steps), longest))
            continue
        if not present and not spec.allow_missing:
            raise InvalidArgumentError(f"Name: <unknown>, Feature list '{key}' is required but could not be found.  "
                                       f"Did you mean to include it in feature_list_dense_missing_assumed_empty or "
                                       f"feature_list_dense_defaults?")
        shape = tuple(int(d) for d in spec.shape)
        width = int(np.prod(shape)) if shape else 1
        for index, step in enumerate(steps):
            if len(step) != width:
                raise InvalidArgumentError(f"Name: <unknown>, Key: {key}, Index: {index}.  Number of values != "
                                           f"expected.  values size: {len(step)} but output shape: {list(shape)}")
        parsed[key] = _array([v for s in steps for v in s], kind, (len(steps),) + shape)
    return parsed


def _parse_one(serialized, context_features, sequence_features):
    message = parse_message(serialized, "SequenceExample", "sequence example")
    context = parse_features(message.context.feature, context_features)
    sequence = _parse_sequence(message.feature_lists.feature_list, sequence_features)
    return context, sequence


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None, example_name=None,
                                  name=None):
    """(context, sequence): the features of one serialized tf.train.SequenceExample.

    Args:
        serialized: the serialized SequenceExample (bytes).
        context_features: {key: FixedLenFeature | VarLenFeature | SparseFeature | RaggedFeature}.
        sequence_features: {key: FixedLenSequenceFeature | VarLenFeature | RaggedFeature}.

    Raises:
        InvalidArgumentError: for a missing required feature or values of the wrong kind
            or count.
    """
    context_features, sequence_features = dict(context_features or {}), dict(sequence_features or {})
    _check_specs(sequence_features, (FixedLenSequenceFeature, VarLenFeature, RaggedFeature),
                 "parse_single_sequence_example")
    context, sequence = _parse_one(serialized, context_features, sequence_features)
    finished_context = {key: finish_single(value, context_features[key]) for key, value in context.items()}
    finished_sequence = {key: _ragged_steps(value, sequence_features[key])
                         if isinstance(sequence_features[key], RaggedFeature) else _finish(value)
                         for key, value in sequence.items()}
    return finished_context, finished_sequence


def _ragged_steps(steps, spec, ragged_rank=1):
    return ragged_from_lists(steps, spec.dtype, ragged_rank)


def _pad_steps(values, spec, longest):
    """Per-example (steps, ...) arrays padded to `longest` steps."""
    padded = []
    for value in values:
        default = getattr(spec, "default_value", None)
        fill = (b"" if value.dtype == object else 0) if default is None else default
        padding = np.full((longest - len(value),) + value.shape[1:], fill, dtype=value.dtype)
        padded.append(np.concatenate([value, padding]))
    return padded


def parse_sequence_example(serialized, context_features=None, sequence_features=None, example_names=None,
                           name=None):
    """(context, feature_list, feature_list_lengths) for a batch (a list or 1-D array) of
    serialized SequenceExamples: context values batched as parse_example's; sequence values
    padded to the longest example's steps (VarLen values also to the longest step);
    feature_list_lengths holds each FixedLenSequenceFeature's int64 step counts."""
    context_features, sequence_features = dict(context_features or {}), dict(sequence_features or {})
    _check_specs(sequence_features, (FixedLenSequenceFeature, VarLenFeature, RaggedFeature), "parse_sequence_example")
    _check_specs(context_features, (FixedLenFeature, VarLenFeature) + _composite_classes(), "parse_sequence_example")
    rows = [_parse_one(one, context_features, sequence_features)
            for one in np.asarray(serialized, dtype=object).reshape(-1)]
    context = batch_rows([row[0] for row in rows], context_features)
    sequence, lengths = {}, {}
    for key, spec in sequence_features.items():
        values = [row[1][key] for row in rows]
        if isinstance(spec, RaggedFeature):
            sequence[key] = _ragged_steps(values, spec, ragged_rank=2)
            continue
        longest = max((len(v) for v in values), default=0)
        if isinstance(spec, VarLenFeature):
            widest = max((v.shape[1] for v in values), default=0)
            fill = b"" if values and values[0].dtype == object else 0
            values = [np.concatenate([v, np.full((len(v), widest - v.shape[1]), fill, v.dtype)], axis=1)
                      for v in values]
        else:
            lengths[key] = _finish(np.array([len(v) for v in values], np.int64))
        padded = _pad_steps(values, spec, longest)
        sequence[key] = _finish(np.stack(padded) if padded else np.zeros((0, 0)))
    return context, sequence, lengths


def _composite_classes():
    from ._composite_features import SparseFeature
    return (SparseFeature, RaggedFeature)
