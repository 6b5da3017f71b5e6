"""tf.nn.dropout: inverted dropout in one engine op (Sources/SwiftDL/Ops/NN/Dropout.swift)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numbers
import operator

from .. import _C
from .._convert import asarray
from .._typing import ArrayLike

if TYPE_CHECKING:
    from .._tensor import Tensor


def dropout(x: ArrayLike, rate: float, noise_shape: Sequence[int] | None = None, seed: int | None = None,
            name: str | None = None) -> Tensor:
    """Sets each element of `x` to 0 with probability `rate` and scales the others by
    1 / (1 - rate), so the expected value is unchanged.

    Args:
        x: a float tensor.
        rate: the fraction dropped, a float in [0, 1).
        noise_shape: shape of the keep/drop mask, broadcast to x (e.g. (batch, 1, features)
            to drop whole features); None means x's shape.
        seed: None draws from swiftdl's global random stream (see `swiftdl.random.seed`);
            an integer gives the same mask on every call.

    Raises:
        ValueError: for a rate outside [0, 1) or a noise_shape that does not broadcast to x.
    """
    x = asarray(x, copy=None)
    if not isinstance(rate, numbers.Real):
        raise TypeError(f"rate must be a float in [0, 1); received {rate!r}")
    shape = None if noise_shape is None else [-1 if n is None else operator.index(n) for n in noise_shape]
    if shape is not None:
        # TensorFlow lets None in noise_shape mean "the size of x on that axis".
        if len(shape) == x.ndim:
            shape = [x.shape[i] if n == -1 else n for i, n in enumerate(shape)]
    if seed is not None:
        seed = operator.index(seed)
    return _C.nn_dropout(x, float(rate), shape, seed)
