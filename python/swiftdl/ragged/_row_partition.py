"""Row partitions (one ragged dimension): row_splits, and conversions from row lengths,
value_rowids, row starts and limits, with TensorFlow's checks on each."""
import numpy as np

from ..errors import InvalidArgumentError
from ._values import int64_vector


def _fail(factory, why, shown):
    raise InvalidArgumentError(f"Arguments to {factory} do not form a valid RaggedTensor: {why}; received "
                               f"{np.asarray(shown).tolist()!r:.120}")


def checked_splits(row_splits, nvals, factory="from_row_splits"):
    """row_splits as int64, checked: starts at 0, never decreases, ends at nvals."""
    splits = int64_vector(row_splits, f"[{factory}] row_splits")
    if splits.size == 0 or splits[0] != 0:
        _fail(factory, "row_splits must start with 0", splits)
    if np.any(np.diff(splits) < 0):
        _fail(factory, "row_splits must not decrease", splits)
    if nvals is not None and splits[-1] != nvals:
        _fail(factory, f"the last row split ({splits[-1]}) must equal the number of values ({nvals})", splits)
    return splits


def splits_from_lengths(row_lengths, factory="from_row_lengths"):
    lengths = int64_vector(row_lengths, f"[{factory}] row_lengths")
    if np.any(lengths < 0):
        _fail(factory, "row lengths must be >= 0", lengths)
    return np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)


def splits_from_rowids(value_rowids, nrows=None, factory="from_value_rowids"):
    """Row splits for values whose rows are `value_rowids` (sorted, >= 0); `nrows`
    defaults to the last row id + 1."""
    rowids = int64_vector(value_rowids, f"[{factory}] value_rowids")
    if np.any(rowids < 0):
        _fail(factory, "value_rowids must be >= 0", rowids)
    if np.any(np.diff(rowids) < 0):
        _fail(factory, "value_rowids must be sorted", rowids)
    count = int(rowids[-1]) + 1 if rowids.size else 0
    if nrows is not None:
        nrows = int(np.asarray(nrows))
        if nrows < count:
            _fail(factory, f"nrows ({nrows}) must be greater than the largest value_rowid", rowids)
        count = nrows
    return np.searchsorted(rowids, np.arange(count + 1), side="left").astype(np.int64)


def splits_from_starts(row_starts, nvals, factory="from_row_starts"):
    starts = int64_vector(row_starts, f"[{factory}] row_starts")
    return checked_splits(np.concatenate([starts, [nvals]]), nvals, factory)


def splits_from_limits(row_limits, factory="from_row_limits"):
    limits = int64_vector(row_limits, f"[{factory}] row_limits")
    return checked_splits(np.concatenate([[0], limits]), None, factory)


def rowids_from_splits(splits):
    """The row of each value: [0, 0, 1, 3, ...] from [0, 2, 3, 3, 4, ...]."""
    return np.repeat(np.arange(len(splits) - 1, dtype=np.int64), np.diff(splits))


def positions_from_splits(splits):
    """Each value's position within its row."""
    rowids = rowids_from_splits(splits)
    return np.arange(splits[-1], dtype=np.int64) - splits[:-1][rowids]
