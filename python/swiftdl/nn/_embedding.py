"""tf.nn.embedding_lookup: rows of a parameter table picked by integer ids."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

import swiftdl as _sd
from .._typing import ArrayLike

if TYPE_CHECKING:
    from .._tensor import Tensor


def embedding_lookup(params: ArrayLike, ids: ArrayLike, max_norm: float | None = None, name: str | None = None) -> Tensor:
    """Rows `params[ids]`, shaped ids.shape + params.shape[1:].

    The engine gathers the rows; under a GradientTape the gradient of `params` is the
    upstream gradient scatter-added into the looked-up rows (a dense tensor, zero elsewhere).

    Raises:
        TypeError: for non-integer ids.
        ValueError: for ids outside [0, params.shape[0]) (TensorFlow's CPU kernel refuses them
            too; negative ids are not counted from the end).
    """
    if max_norm is not None:
        raise ValueError("[embedding_lookup] max_norm is not supported")
    table = params if isinstance(params, _sd.Tensor) else _sd.asarray(params, copy=None)
    if table.ndim < 1:
        raise ValueError(f"[embedding_lookup] params must have at least 1 dimension; received shape {tuple(table.shape)}")
    indices = ids if isinstance(ids, _sd.Tensor) else _sd.asarray(np.asarray(ids), copy=None)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"[embedding_lookup] ids must be integers; received dtype {indices.dtype}")
    if indices.size:
        low, high = int(indices.min()), int(indices.max())
        if low < 0 or high >= table.shape[0]:
            bad = low if low < 0 else high
            raise ValueError(f"[embedding_lookup] id {bad} is not in [0, {table.shape[0]}) for params of shape "
                             f"{tuple(table.shape)}")
    return _sd.take(table, indices, axis=0)
