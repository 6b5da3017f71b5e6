"""tf.nn.experimental: stateless_dropout (the mask fixed by an integer-pair seed) and
general_dropout (the mask from a caller's uniform sampler)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import swiftdl as _sd
from .._tensor import Tensor


def _dropout_with(x: Any, rate: float, uniform: Callable[[tuple[int, ...], Any], Any], noise_shape: Any,
                  op: str) -> Tensor:
    value = x if isinstance(x, _sd.Tensor) else _sd.asarray(x)
    if value.dtype.kind != "f":
        raise ValueError(f"[{op}] x must be floating point; received {value.dtype}")
    rate = float(np.asarray(rate))
    if not 0 <= rate < 1:
        raise ValueError(f"[{op}] rate must be in [0, 1); received {rate}")
    shape = tuple(value.shape) if noise_shape is None else tuple(int(d) for d in np.asarray(noise_shape).reshape(-1))
    keep = _sd.asarray(uniform(shape, value.dtype)) >= rate
    return _sd.where(keep, value * (1.0 / (1.0 - rate)), _sd.zeros((), value.dtype))


def stateless_dropout(x: Any, rate: float, seed: Any, rng_alg: Any = None, noise_shape: Any = None,
                      name: str | None = None) -> Tensor:
    """x with each entry (or each noise_shape block) zeroed with probability `rate` and the
    rest scaled by 1/(1 - rate), the mask fixed by the integer pair `seed` (swiftdl's
    stateless stream: reproducible here, not TensorFlow's bits).

    Raises:
        ValueError: for a rate outside [0, 1) or non-float x.
    """
    from .._tf_random import stateless_uniform
    return _dropout_with(x, rate, lambda shape, dtype: stateless_uniform(shape, seed, dtype=dtype.name), noise_shape,
                         "stateless_dropout")


def general_dropout(x: Any, rate: float, uniform_sampler: Callable[..., Any], noise_shape: Any = None,
                    name: str | None = None) -> Tensor:
    """Dropout whose mask keeps the entries where uniform_sampler(shape=..., dtype=...)
    draws values >= rate (TensorFlow's contract for the sampler)."""
    return _dropout_with(x, rate, lambda shape, dtype: uniform_sampler(shape=shape, dtype=dtype), noise_shape,
                         "general_dropout")


__all__ = ["general_dropout", "stateless_dropout"]
