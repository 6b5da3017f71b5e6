"""tf.ragged's functions beyond constant: range, boolean_mask, stack and the conversions
between row splits and segment ids."""
import numpy as np

from .._convert import TensorBase
from ..errors import InvalidArgumentError
from . import _row_partition as rp
from ._ragged_tensor import RaggedTensor, concat_rows
from ._values import int64_vector, numpy_dtype_of, to_numpy, to_public


def row_splits_to_segment_ids(splits, name=None, out_type=None):
    """[0, 2, 3, 3, 5] → [0, 0, 1, 3, 3] (each value's row)."""
    checked = rp.checked_splits(splits, None, "row_splits_to_segment_ids")
    return to_public(rp.rowids_from_splits(checked).astype(_out(out_type, splits)))


def segment_ids_to_row_splits(segment_ids, num_segments=None, out_type=None, name=None):
    """Sorted segment ids → row splits; `num_segments` adds empty rows at the end."""
    ids = int64_vector(segment_ids, "[segment_ids_to_row_splits] segment_ids")
    if ids.size and ids.min() < 0:
        raise InvalidArgumentError(f"segment_ids must be >= 0; received {ids.tolist()!r:.80}")
    count = int(ids.max()) + 1 if ids.size else 0
    count = int(np.asarray(num_segments)) if num_segments is not None else count
    lengths = np.bincount(ids, minlength=count)[:count] if ids.size else np.zeros(count, np.int64)
    return to_public(np.concatenate([[0], np.cumsum(lengths)]).astype(_out(out_type, None)))


def _out(out_type, like):
    if out_type is not None:
        return numpy_dtype_of(out_type)
    dtype = getattr(like, "dtype", None)
    return np.dtype(np.int32) if dtype is not None and str(dtype) in ("int32", "<dtype: 'int32'>") else np.int64


def range(starts, limits=None, deltas=1, dtype=None, name=None, row_splits_dtype="int64"):  # noqa: A001
    """Row i is range(starts[i], limits[i], deltas[i]) (scalars broadcast); one argument
    gives range(0, limits[i])."""
    if limits is None:
        starts, limits = 0, starts
    parts = [to_numpy(v, dtype) for v in (starts, limits, deltas)]
    kind = np.result_type(*parts)
    start, limit, delta = np.broadcast_arrays(*(p.astype(kind) for p in parts))
    if start.ndim > 1:
        raise InvalidArgumentError(f"[ragged.range] starts, limits and deltas must be scalars or vectors; received "
                                   f"shapes {[p.shape for p in parts]}")
    if np.any(delta == 0):
        raise InvalidArgumentError("Requires delta != 0")
    start, limit, delta = (np.atleast_1d(p) for p in (start, limit, delta))
    lengths = np.maximum(np.ceil((limit.astype(np.float64) - start) / delta), 0).astype(np.int64)
    rows = rp.rowids_from_splits(np.concatenate([[0], np.cumsum(lengths)]))
    positions = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    values = (start[rows] + positions * delta[rows]).astype(kind)
    return RaggedTensor._make(values, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))


def _as_ragged(value, ragged_rank):
    if isinstance(value, RaggedTensor):
        return value
    return RaggedTensor.from_tensor(value, ragged_rank=ragged_rank)


def boolean_mask(data, mask, name=None):
    """The items of `data` where `mask` is True, mask's shape being a prefix of data's: a
    1-D mask drops rows; a rank-k mask gives a RaggedTensor of ragged rank k - 1.

    Raises:
        InvalidArgumentError: when mask's shape (or row partitions) do not match data's.
    """
    mask_rank = mask.shape.rank if isinstance(mask, RaggedTensor) else np.ndim(np.asarray(mask))
    if mask_rank == 0:
        raise ValueError("mask.shape.ndims must be known statically and > 0")
    if mask_rank == 1:
        keep = to_numpy(mask)
        if keep.dtype != bool:
            raise TypeError(f"[boolean_mask] mask must be bool; received {keep.dtype}")
        if isinstance(data, RaggedTensor):
            if len(keep) != data.nrows_int():
                raise InvalidArgumentError(f"[boolean_mask] mask has {len(keep)} rows, data {data.nrows_int()}")
            return data._row_gather(np.flatnonzero(keep))
        array = np.asarray(data) if isinstance(data, TensorBase) else to_numpy(data)
        if len(keep) != len(array):
            raise InvalidArgumentError(f"[boolean_mask] mask has {len(keep)} rows, data {len(array)}")
        return to_public(array[keep])
    ragged_mask = _as_ragged(mask, mask_rank - 1)
    ragged_data = _as_ragged(data, mask_rank - 1)
    mask_splits, data_splits = ragged_mask._nested_splits(), ragged_data._nested_splits()
    if len(data_splits) < len(mask_splits) or not all(
            np.array_equal(a, b) for a, b in zip(mask_splits, data_splits)):
        raise InvalidArgumentError(f"[boolean_mask] mask's shape {ragged_mask.shape} does not match data's "
                                   f"{ragged_data.shape}")
    return _mask_level(ragged_data, ragged_mask)


def _mask_level(data, mask):
    """Filters data at the level where mask's flat values sit."""
    keep = mask._values
    if isinstance(keep, RaggedTensor):
        return RaggedTensor._make(_mask_level(data._values, keep), data._row_splits)
    if keep.dtype != bool:
        raise TypeError(f"[boolean_mask] mask must be bool; received {keep.dtype}")
    rows = rp.rowids_from_splits(data._row_splits)
    kept_per_row = np.bincount(rows[keep], minlength=data.nrows_int()).astype(np.int64)
    values = data._values
    chosen = np.flatnonzero(keep)
    values = values._row_gather(chosen) if isinstance(values, RaggedTensor) else values[chosen]
    return RaggedTensor._make(values, np.concatenate([[0], np.cumsum(kept_per_row)]).astype(np.int64))


def stack(values, axis=0, name=None):
    """Stacks tensors (ragged or dense, one rank) along a new `axis` (0 or 1): the result
    is ragged, so the inputs' sizes may differ."""
    if not values:
        raise ValueError("[ragged.stack] values must not be empty")
    rank = {v.shape.rank if isinstance(v, RaggedTensor) else np.ndim(np.asarray(v)) for v in values}
    if len(rank) != 1:
        raise ValueError(f"[ragged.stack] all values must have the same rank; received ranks {sorted(rank)}")
    rank = rank.pop()
    if axis < 0:
        axis += rank + 1
    if rank == 0:
        return to_public(np.stack([to_numpy(v) for v in values]))
    if rank == 1:
        rows = [to_numpy(v) for v in values]
        if axis != 0:
            raise NotImplementedError("[ragged.stack] 1-D values stack along axis 0 only here")
        return RaggedTensor.from_row_lengths(np.concatenate(rows), [len(r) for r in rows])
    tensors = [_as_ragged(v, 1) for v in values]
    joined = concat_rows(tensors)
    counts = [t.nrows_int() for t in tensors]
    if axis == 0:
        return RaggedTensor._make(joined, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
    if axis == 1:
        if len(set(counts)) != 1:
            raise InvalidArgumentError(f"[ragged.stack] along axis 1 every value needs the same number of rows; "
                                       f"received {counts}")
        order = (np.arange(counts[0])[:, None] + np.arange(len(tensors))[None, :] * counts[0]).reshape(-1)
        return RaggedTensor._make(joined._row_gather(order),
                                  np.arange(counts[0] + 1, dtype=np.int64) * len(tensors))
    raise NotImplementedError("[ragged.stack] axis must be 0 or 1 here")
