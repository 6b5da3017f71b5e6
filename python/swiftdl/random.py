"""A seeded random stream (Philox4x32-10 in the engine), with numpy.random's names.

The same seed gives the same numbers on every machine and for any thread count.
"""
from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Sequence, Union

import numpy as np

from . import _C
from ._convert import asarray
from ._dtypes import DEFAULT_FLOAT, DEFAULT_INT, code_of
from ._typing import ArrayLike, DTypeLike

if TYPE_CHECKING:
    from ._tensor import Tensor

_Size = Union[int, Sequence[int], None]


def _size(size: _Size) -> list[int]:
    if size is None:
        return []
    if isinstance(size, (int, np.integer)):
        return [operator.index(size)]
    return [operator.index(s) for s in size]


def seed(seed: int) -> None:
    """Restarts the stream from `seed` (a non-negative integer below 2**64)."""
    seed = operator.index(seed)
    if not 0 <= seed < 2 ** 64:
        raise ValueError(f"Seed must be between 0 and 2**64 - 1; received {seed}")
    _C.random_seed(seed)


def uniform(low: float = 0.0, high: float = 1.0, size: _Size = None, dtype: DTypeLike = None) -> Tensor:
    """Floats drawn uniformly from [low, high); float32 by default."""
    return _C.random_uniform(_size(size), float(low), float(high), code_of(dtype or DEFAULT_FLOAT))


def rand(*shape: int) -> Tensor:
    """Uniform [0, 1) floats of the given shape."""
    return uniform(size=shape)


def normal(loc: float = 0.0, scale: float = 1.0, size: _Size = None, dtype: DTypeLike = None) -> Tensor:
    """Floats from a normal distribution with mean `loc` and deviation `scale`; float32 by default."""
    return _C.random_normal(_size(size), float(loc), float(scale), code_of(dtype or DEFAULT_FLOAT))


def randn(*shape: int) -> Tensor:
    """Standard-normal floats of the given shape."""
    return normal(size=shape)


def randint(low: int, high: int | None = None, size: _Size = None, dtype: DTypeLike = None) -> Tensor:
    """Integers drawn uniformly from [low, high) (from [0, low) when `high` is None)."""
    if high is None:
        low, high = 0, low
    return _C.random_randint(_size(size), operator.index(low), operator.index(high), code_of(dtype or DEFAULT_INT))


def permutation(x: int | ArrayLike) -> Tensor:
    """A shuffled arange(x) for an integer, or a shuffled copy of x along its first axis."""
    if isinstance(x, (int, np.integer)):
        return _C.random_permutation(operator.index(x))
    tensor = asarray(x, copy=None)
    if tensor.ndim == 0:
        raise ValueError("x must be an integer or at least 1-dimensional")
    return _C.take(tensor, _C.random_permutation(tensor.shape[0]), 0)


# TensorFlow's tf.random names. normal and uniform take numpy's call and TensorFlow's
# (`normal([2, 3], stddev=0.1)`), told apart as numpy_or_tf describes.
from . import _tf_random  # noqa: E402
from ._tf_random import (Generator, categorical, get_global_generator, set_global_generator, set_seed,  # noqa: E402
                         shuffle, stateless_categorical, stateless_normal, stateless_shuffle,
                         stateless_truncated_normal, stateless_uniform, truncated_normal)

from ._tf_candidate_sampling import (all_candidate_sampler, fixed_unigram_candidate_sampler,  # noqa: E402
                                     learned_unigram_candidate_sampler, log_uniform_candidate_sampler,
                                     uniform_candidate_sampler)
from ._tf_random_distributions import (Algorithm, create_rng_state, fold_in, gamma, poisson, split,  # noqa: E402
                                       stateless_binomial, stateless_gamma, stateless_parameterized_truncated_normal,
                                       stateless_poisson)
from . import _random_experimental as experimental  # noqa: E402

normal = _tf_random.numpy_or_tf(normal, _tf_random.normal, ("shape", "mean", "stddev", "seed", "name"))
uniform = _tf_random.numpy_or_tf(uniform, _tf_random.uniform, ("shape", "minval", "maxval", "seed", "name"))

__all__ = ["Algorithm", "Generator", "all_candidate_sampler", "categorical", "create_rng_state", "experimental",
           "fixed_unigram_candidate_sampler", "fold_in", "gamma", "get_global_generator",
           "learned_unigram_candidate_sampler", "log_uniform_candidate_sampler", "normal", "permutation", "poisson",
           "rand", "randint", "randn", "seed", "set_global_generator", "set_seed", "shuffle", "split",
           "stateless_binomial", "stateless_categorical", "stateless_gamma", "stateless_normal",
           "stateless_parameterized_truncated_normal", "stateless_poisson", "stateless_shuffle",
           "stateless_truncated_normal", "stateless_uniform", "truncated_normal", "uniform",
           "uniform_candidate_sampler"]
