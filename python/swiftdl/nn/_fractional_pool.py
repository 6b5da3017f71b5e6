"""tf.nn.fractional_max_pool and fractional_avg_pool (Graham, "Fractional Max-Pooling",
2014): pooling regions of sizes k and k + 1 (k = ⌊input / output⌋) along height and
width, output = ⌊input / pooling_ratio⌋.

The region boundaries follow TensorFlow's two generators: pseudo_random draws one u and
takes ⌈α(i + u)⌉ (α = input / output); random shuffles the k + 1 sized regions among the k
sized ones. The draws come from numpy's generator seeded by `seed`, so a seed repeats a
swiftdl run but not TensorFlow's Philox draws (the boundaries are returned, as in
TensorFlow). The pooling itself is an engine gather of each region's rows and columns
(padded by repeating its last index, masked for the average), so gradients flow.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import swiftdl as _sd
from .._tensor import Tensor


def _ratios(pooling_ratio: Any) -> tuple[float, float]:
    values = [float(r) for r in np.atleast_1d(np.asarray(pooling_ratio, dtype=np.float64))]
    if len(values) == 1:
        values = [1.0, values[0], values[0], 1.0]
    elif len(values) == 2:
        values = [1.0, values[0], values[1], 1.0]
    if len(values) != 4 or values[0] != 1.0 or values[3] != 1.0:
        raise ValueError(f"pooling_ratio must be a float, 2 floats, or 4 with 1.0 for batch and channels; received "
                         f"{pooling_ratio!r}")
    if min(values) < 1.0:
        raise ValueError(f"pooling_ratio must be >= 1.0; received {pooling_ratio!r}")
    return values[1], values[2]


def pooling_sequence(input_length: int, output_length: int, pseudo_random: bool,
                     rng: np.random.Generator) -> np.ndarray:
    """The region boundaries 0 = s_0 < ... < s_out = input_length."""
    k = input_length // output_length
    if pseudo_random:
        alpha = input_length / output_length
        max_u = min((k + 2) / alpha - 1, (input_length + 1 - k) / alpha - (output_length - 1))
        u = rng.random() * max_u
        cumulative = [1] + [int(math.ceil(alpha * (i + u))) for i in range(1, output_length)] + [input_length + 1]
        diff = np.diff(cumulative)
    else:
        diff = np.full(output_length, k)
        diff[:input_length % output_length] += 1
        rng.shuffle(diff)
    return np.concatenate([[0], np.cumsum(diff)]).astype(np.int64)


def _regions(sequence: np.ndarray, length: int, overlapping: bool) -> tuple[np.ndarray, np.ndarray]:
    """(indices (out, widest) padded with each region's last index, mask of real entries)."""
    starts = sequence[:-1]
    limits = np.minimum(sequence[1:] + (1 if overlapping else 0), length)
    widest = int((limits - starts).max())
    offsets = np.arange(widest)
    indices = np.minimum(starts[:, None] + offsets, limits[:, None] - 1)
    return indices, (starts[:, None] + offsets) < limits[:, None]


def _pool_axis(x: Tensor, sequence: np.ndarray, axis: int, overlapping: bool, average: bool) -> Tensor:
    indices, mask = _regions(sequence, x.shape[axis], overlapping)
    gathered = _sd.take(x, _sd.asarray(indices.reshape(-1)), axis=axis)
    shape = list(x.shape)
    shape[axis:axis + 1] = list(indices.shape)
    gathered = _sd.reshape(gathered, tuple(shape))
    if not average:
        return _sd.max(gathered, axis=axis + 1)
    weights = mask / mask.sum(axis=1, keepdims=True)
    weights = weights.reshape(weights.shape + (1,) * (x.ndim - axis - 1)).astype(x.dtype.name)
    return _sd.sum(gathered * _sd.asarray(weights), axis=axis + 1)


def pool_with_sequences(value: Any, row_sequence: Any, col_sequence: Any, overlapping: bool,
                        average: bool) -> Tensor:
    """The pooled NHWC value for given region boundaries (what TensorFlow's kernels do
    once the boundaries are drawn)."""
    x = value if isinstance(value, _sd.Tensor) else _sd.asarray(value)
    rows = _pool_axis(x, np.asarray(row_sequence, np.int64), 1, overlapping, average)
    return _pool_axis(rows, np.asarray(col_sequence, np.int64), 2, overlapping, average)


def _fractional_pool(value: Any, pooling_ratio: Any, pseudo_random: bool, overlapping: bool, seed: int,
                     average: bool) -> tuple[Tensor, Tensor, Tensor]:
    x = value if isinstance(value, _sd.Tensor) else _sd.asarray(value)
    if x.ndim != 4:
        raise ValueError(f"fractional pooling expects NHWC input of rank 4; received shape {tuple(x.shape)}")
    if x.dtype.kind != "f":
        x = x.astype("float32")
    ratio_h, ratio_w = _ratios(pooling_ratio)
    out_h, out_w = int(x.shape[1] / ratio_h), int(x.shape[2] / ratio_w)
    if out_h < 1 or out_w < 1:
        raise ValueError(f"pooling_ratio {pooling_ratio!r} leaves no output for input of shape {tuple(x.shape)}")
    rng = np.random.default_rng(None if not seed else int(seed))
    rows = pooling_sequence(x.shape[1], out_h, pseudo_random, rng)
    cols = pooling_sequence(x.shape[2], out_w, pseudo_random, rng)
    return pool_with_sequences(x, rows, cols, overlapping, average), _sd.asarray(rows), _sd.asarray(cols)


def fractional_max_pool(value: Any, pooling_ratio: Any, pseudo_random: bool = False, overlapping: bool = False,
                        seed: int = 0, name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """(output, row_pooling_sequence, col_pooling_sequence): the maximum of each fractional
    region of an NHWC input (tf.nn.fractional_max_pool); seed 0 draws fresh boundaries."""
    return _fractional_pool(value, pooling_ratio, pseudo_random, overlapping, seed, average=False)


def fractional_avg_pool(value: Any, pooling_ratio: Any, pseudo_random: bool = False, overlapping: bool = False,
                        seed: int = 0, name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """(output, row_pooling_sequence, col_pooling_sequence): the mean of each fractional
    region of an NHWC input (tf.nn.fractional_avg_pool)."""
    return _fractional_pool(value, pooling_ratio, pseudo_random, overlapping, seed, average=True)
