"""Fused gradient reduction: gradients packed into contiguous buckets, in a fixed order by
variable path, so every rank issues the same allreduces in the same order (Horovod's tensor
fusion; the bucket size is HOROVOD_FUSION_THRESHOLD bytes, 64 MiB by default)."""
from __future__ import annotations

import os
from typing import Any, Callable, Sequence

import numpy as np

from .._convert import asarray
from .._tensor import Tensor
from .communicator import Communicator

DEFAULT_FUSION_BYTES = 64 * 1024 * 1024


def fusion_threshold() -> int:
    value = os.environ.get("HOROVOD_FUSION_THRESHOLD", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_FUSION_BYTES


def plan_buckets(arrays: Sequence[np.ndarray], variables: Sequence[Any]) -> list[list[int]]:
    """Indices of `arrays` grouped into buckets: in order of variable path, one dtype per
    bucket, each at most the fusion threshold (a larger array gets a bucket of its own)."""
    order = sorted(range(len(arrays)), key=lambda i: (getattr(variables[i], "path", ""), i))
    threshold = fusion_threshold()
    buckets: list[list[int]] = []
    bucket_bytes = 0
    for index in order:
        array = arrays[index]
        if (not buckets or bucket_bytes + array.nbytes > threshold or arrays[buckets[-1][0]].dtype != array.dtype):
            buckets.append([])
            bucket_bytes = 0
        buckets[-1].append(index)
        bucket_bytes += array.nbytes
    return buckets


def pack(arrays: Sequence[np.ndarray], buckets: list[list[int]], prescale: float = 1.0) -> list[np.ndarray]:
    """Each bucket's arrays copied into one contiguous buffer (times `prescale`)."""
    flats = []
    for bucket in buckets:
        flat = np.concatenate([arrays[i].reshape(-1) for i in bucket])
        if prescale != 1.0:
            flat *= flat.dtype.type(prescale)
        flats.append(flat)
    return flats


def unpack(flats: list[np.ndarray], arrays: Sequence[np.ndarray], buckets: list[list[int]],
           factor: float = 1.0) -> list[Tensor]:
    """The reduced buffers cut back into tensors of the arrays' shapes (times `factor`), in
    the arrays' order."""
    results: list[Tensor | None] = [None] * len(arrays)
    for flat, bucket in zip(flats, buckets):
        if factor != 1.0:
            flat *= flat.dtype.type(factor)
        start = 0
        for i in bucket:
            results[i] = asarray(flat[start:start + arrays[i].size].reshape(arrays[i].shape))
            start += arrays[i].size
    return [r for r in results if r is not None]


def reduce_gradients(gradients: Sequence[Tensor], variables: Sequence[Any], communicator: Communicator,
                     scale: float = 1.0, average: bool = True, prescale: float = 1.0,
                     announce: Callable[[list[np.ndarray]], None] | None = None) -> list[Tensor]:
    """Each gradient summed over ranks (times `prescale` before and `scale` after; `average`
    divides by the number of ranks), through buckets of at most the fusion threshold, all
    reduced as one collective for the watchdog. `announce` sees the buckets first (Horovod's
    join negotiation)."""
    arrays = [np.asarray(g) for g in gradients]
    buckets = plan_buckets(arrays, variables)
    flats = pack(arrays, buckets, prescale)
    if announce is not None:
        announce(flats)
    communicator.allreduce_many_(flats)
    return unpack(flats, arrays, buckets, scale / (communicator.size if average else 1))
