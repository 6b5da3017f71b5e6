"""tf.nn.embedding_lookup_sparse and safe_embedding_lookup_sparse: per row of a
tf.SparseTensor of ids, the (weighted) sum, mean or sqrt-n combination of the embedding
rows it names.

The ids and weights are numpy (a SparseTensor's parts); the rows are an engine gather of
params and the combination a segment sum, so gradients reach params as TensorFlow's do.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import swiftdl as _sd
from .._tensor import Tensor

_COMBINERS = ("sum", "mean", "sqrtn")


def _table(params: Any) -> Tensor:
    """One table from params or a list of shards split by contiguous id ranges (TensorFlow
    2's "div" partitioning)."""
    if isinstance(params, (list, tuple)):
        shards = [p if isinstance(p, _sd.Tensor) else _sd.asarray(p) for p in params]
        return shards[0] if len(shards) == 1 else _sd.concatenate(shards, axis=0)
    return params if isinstance(params, _sd.Tensor) else _sd.asarray(params)


def _sparse(value: Any, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from ..sparse import SparseTensor
    if not isinstance(value, SparseTensor):
        raise TypeError(f"{what} must be a tf.SparseTensor; received {type(value).__name__}")
    return np.asarray(value.indices), np.asarray(value.values), np.asarray(value.dense_shape)


def _combine(table: Tensor, rows: np.ndarray, ids: np.ndarray, weights: np.ndarray, num_rows: int,
             combiner: str) -> Tensor:
    """The combiner's result per row from entries (row, id, weight)."""
    if combiner not in _COMBINERS:
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum'; received {combiner!r}")
    if ids.dtype.kind not in "iu":
        raise TypeError(f"sparse ids must be integers; received {ids.dtype}")
    if len(ids) and (ids.min() < 0 or ids.max() >= table.shape[0]):
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(None, None, f"[embedding_lookup_sparse] ids must be in [0, {table.shape[0]}); "
                                   f"received {int(ids.min())}..{int(ids.max())}")
    embedded = _sd.take(table, _sd.asarray(ids.astype(np.int64)), axis=0)
    weight_tensor = _sd.asarray(weights.astype(table.dtype.name).reshape((-1,) + (1,) * (table.ndim - 1)))
    from ..keras.ops import segment_sum
    summed = segment_sum(embedded * weight_tensor, _sd.asarray(rows.astype(np.int64)), num_segments=num_rows)
    if combiner == "sum":
        return summed
    scale = np.bincount(rows, weights=weights if combiner == "mean" else weights * weights, minlength=num_rows)
    scale = scale if combiner == "mean" else np.sqrt(scale)
    scale = np.where(scale == 0, 1.0, scale).astype(table.dtype.name)
    return summed / _sd.asarray(scale.reshape((-1,) + (1,) * (table.ndim - 1)))


def _weights_for(sp_weights: Any, indices: np.ndarray, ids: np.ndarray) -> np.ndarray:
    if sp_weights is None:
        return np.ones(len(ids))
    weight_indices, weights, _ = _sparse(sp_weights, "sp_weights")
    if weight_indices.shape != indices.shape or not np.array_equal(weight_indices, indices):
        raise ValueError("sp_weights must have the same indices as sp_ids")
    return weights.astype(np.float64)


def embedding_lookup_sparse(params: Any, sp_ids: Any, sp_weights: Any, combiner: str = "mean",
                            max_norm: float | None = None, name: str | None = None,
                            allow_fast_lookup: bool = False) -> Tensor:
    """Combined embeddings per row of sp_ids (tf.nn.embedding_lookup_sparse).

    Args:
        params: the embedding table (rows = ids), or a list of shards of consecutive rows.
        sp_ids: a SparseTensor (N, M) of int ids; its first index is the row.
        sp_weights: a SparseTensor of weights with sp_ids's indices, or None (all 1).
        combiner: "sum", "mean" (weighted mean) or "sqrtn" (sum / sqrt(Σ weight²)).

    Returns:
        (max row + 1, *params.shape[1:]): rows without ids are zero; like TensorFlow, rows
        after the last one holding an id are not in the result.

    Raises:
        TypeError: for non-sparse ids or weights; ValueError for a bad combiner.
    """
    if max_norm is not None:
        raise ValueError("[embedding_lookup_sparse] max_norm is not supported")
    table = _table(params)
    indices, ids, _ = _sparse(sp_ids, "sp_ids")
    weights = _weights_for(sp_weights, indices, ids)
    rows = indices[:, 0] if len(indices) else np.zeros(0, np.int64)
    num_rows = int(rows.max()) + 1 if len(rows) else 0
    return _combine(table, rows, ids, weights, num_rows, combiner)


def safe_embedding_lookup_sparse(embedding_weights: Any, sparse_ids: Any, sparse_weights: Any = None,
                                 combiner: str = "mean", default_id: int | None = None,
                                 max_norm: float | None = None, name: str | None = None,
                                 allow_fast_lookup: bool = False) -> Tensor:
    """embedding_lookup_sparse that prunes ids < 0 (and weights ≤ 0), gives every row of
    sparse_ids a result (default_id's embedding, or zeros, for an empty row) and takes ids
    of rank > 2 (the result is dense_shape[:-1] + the embedding's shape)."""
    if max_norm is not None:
        raise ValueError("[safe_embedding_lookup_sparse] max_norm is not supported")
    table = _table(embedding_weights)
    indices, ids, dense_shape = _sparse(sparse_ids, "sparse_ids")
    if len(dense_shape) < 2:
        raise ValueError(f"sparse_ids must be at least 2-D; received dense_shape {dense_shape.tolist()}")
    weights = _weights_for(sparse_weights, indices, ids)
    keep = ids >= 0
    if sparse_weights is not None:
        keep &= weights > 0
    outer = dense_shape[:-1]
    num_rows = int(np.prod(outer))
    rows = np.ravel_multi_index(tuple(indices[keep, :-1].T), tuple(outer)) if keep.any() else np.zeros(0, np.int64)
    ids, weights = ids[keep], weights[keep]
    if default_id is not None:
        empty = np.setdiff1d(np.arange(num_rows), rows)
        rows = np.concatenate([rows, empty])
        ids = np.concatenate([ids, np.full(len(empty), int(default_id), ids.dtype)])
        weights = np.concatenate([weights, np.ones(len(empty))])
    combined = _combine(table, rows, ids, weights, num_rows, combiner)
    return _sd.reshape(combined, tuple(int(d) for d in outer) + tuple(table.shape[1:]))
