"""A seeded stream of draws over the engine's Philox generator.

One random op may need several draws (rejection rounds, two gammas for a beta, chunks of
trials): the stream hands each the next unused counter blocks after the seed's first one,
counting exactly how many blocks each engine draw consumes, so the parts never overlap and
the whole op repeats exactly for the same seed.
"""
import numpy as np

import swiftdl as sd
from swiftdl import _C
from swiftdl._dtypes import code_of


class Stream:
    """Draws from Philox keyed by `key`, from counter block `block` on."""

    def __init__(self, key, block):
        self.key = key
        self.block = block

    def _advance(self, blocks):
        start = self.block
        self.block = (self.block + blocks) % (1 << 64)
        return start

    def uniform(self, shape, low=0.0, high=1.0, dtype="float32"):
        """Uniform floats in [low, high); two 32-bit words a value."""
        count = int(np.prod(shape, dtype=np.int64))
        start = self._advance((2 * count + 3) // 4)
        return _C.random_uniform_seeded(list(shape), float(low), float(high), code_of(dtype), self.key, start)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype="float32"):
        """Normal floats (Box-Muller: two uniform values, four words, per pair)."""
        count = int(np.prod(shape, dtype=np.int64))
        start = self._advance((count + 1) // 2)
        return _C.random_normal_seeded(list(shape), float(mean), float(stddev), code_of(dtype), self.key, start)

    def permutation(self, n):
        """A random ordering of range(n) (int64); one 64-bit draw per element."""
        start = self._advance((2 * n + 3) // 4)
        return _C.random_permutation_seeded(int(n), self.key, start)

    def bernoulli(self, shape, probability):
        """Booleans, True with `probability` (a number or a tensor broadcasting to shape)."""
        return sd.less(self.uniform(shape, dtype="float64"), probability)
