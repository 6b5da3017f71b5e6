"""Fused gradient reduction: gradients packed into contiguous buckets, in a fixed order by
variable path, so every rank issues the same allreduces in the same order (Horovod's tensor
fusion; the bucket size is HOROVOD_FUSION_THRESHOLD bytes, 64 MiB by default)."""
from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np

from .._convert import asarray
from .._tensor import Tensor
from .communicator import Communicator

DEFAULT_FUSION_BYTES = 64 * 1024 * 1024


def fusion_threshold() -> int:
    value = os.environ.get("HOROVOD_FUSION_THRESHOLD", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_FUSION_BYTES


def reduce_gradients(gradients: Sequence[Tensor], variables: Sequence[Any], communicator: Communicator,
                     scale: float = 1.0, average: bool = True, prescale: float = 1.0) -> list[Tensor]:
    """Each gradient summed over ranks (times `prescale` before and `scale` after; `average`
    divides by the number of ranks), through buckets of at most the fusion threshold."""
    order = sorted(range(len(gradients)), key=lambda i: (getattr(variables[i], "path", ""), i))
    results: list[Tensor | None] = [None] * len(gradients)
    factor = scale / (communicator.size if average else 1)
    threshold = fusion_threshold()
    bucket: list[int] = []
    bucket_bytes = 0
    for index in order + [None]:  # None flushes the last bucket
        if index is not None:
            gradient = np.asarray(gradients[index])
            if bucket and (bucket_bytes + gradient.nbytes > threshold or
                           np.asarray(gradients[bucket[0]]).dtype != gradient.dtype):
                _reduce_bucket(bucket, gradients, results, communicator, factor, prescale)
                bucket, bucket_bytes = [], 0
            bucket.append(index)
            bucket_bytes += gradient.nbytes
        elif bucket:
            _reduce_bucket(bucket, gradients, results, communicator, factor, prescale)
    return [r for r in results if r is not None]


def _reduce_bucket(bucket: list[int], gradients: Sequence[Tensor], results: list[Tensor | None],
                   communicator: Communicator, factor: float, prescale: float) -> None:
    arrays = [np.asarray(gradients[i]) for i in bucket]
    flat = np.concatenate([a.reshape(-1) for a in arrays])
    if prescale != 1.0:
        flat *= flat.dtype.type(prescale)
    communicator.allreduce_(flat)
    if factor != 1.0:
        flat *= flat.dtype.type(factor)
    start = 0
    for i, array in zip(bucket, arrays):
        results[i] = asarray(flat[start:start + array.size].reshape(array.shape))
        start += array.size
