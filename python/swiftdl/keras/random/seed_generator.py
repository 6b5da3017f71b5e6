"""Keras's seeds: an int (the same values at every call), a SeedGenerator (new values at
every call, reproducibly), or None (a process-wide generator).

A drawn seed is a pair (key, counter). The engine's Philox stream takes the key as its
key and starts at counter block `counter · 2**40`, so each counter value owns 2**40 blocks
(2**42 random words) of its own: the draws of one generator never overlap, and a key gives
the same numbers on every machine and thread count.
"""
import random as _python_random

from swiftdl import _autograd
from .. import backend

BLOCKS_PER_DRAW = 1 << 40
BLOCKS_PER_PART = 1 << 32  # a draw made of several parts (rejection rounds, two gammas)


class SeedGenerator:
    """Generates a new seed at each call of a random op it is passed to.

    Args:
        seed: initial seed (an int); None picks one at random.
        name: the generator's name.

    Example:
        gen = keras.random.SeedGenerator(seed=42)
        a = keras.random.normal((2, 3), seed=gen)
        b = keras.random.normal((2, 3), seed=gen)  # different from a, the same at every run
    """

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = name or backend.unique_name("seed_generator")
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        self.state = _autograd.Variable([seed, 0], trainable=False, name="seed_generator_state", dtype="int64")

    def next(self, ordered=True):
        """The current (seed, counter) pair, as a tensor; then advances the state."""
        current = self.state.value()
        seed, counter = (int(v) for v in current.tolist())
        if ordered:
            self.state.assign([seed, counter + 1])
        else:
            # Near-unique values below 933,199 without keeping a growing counter, as Keras's
            # global generator does.
            self.state.assign([(seed + 1) * 5387 % 933199, (counter + 1) * 5387 % 933199])
        return current

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_global_generator = None


def global_seed_generator():
    """The generator behind `seed=None`, made on first use (or by set_random_seed)."""
    global _global_generator
    if _global_generator is None:
        _global_generator = SeedGenerator()
    return _global_generator


def reset_global_seed_generator(seed):
    """Restarts the generator behind `seed=None` from `seed` (keras.utils.set_random_seed)."""
    global _global_generator
    _global_generator = SeedGenerator(int(seed))


def make_default_seed():
    return _python_random.randint(1, int(1e9))


def draw_seed(seed):
    """(key, first counter block) for a random op's `seed` argument."""
    if isinstance(seed, SeedGenerator):
        key, counter = (int(v) for v in seed.next().tolist())
    elif isinstance(seed, int) and not isinstance(seed, bool):
        key, counter = seed, 0
    elif seed is None:
        key, counter = (int(v) for v in global_seed_generator().next(ordered=False).tolist())
    else:
        raise ValueError("Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
                         f"Received: seed={seed} (of type {type(seed)})")
    return key % (1 << 64), (counter * BLOCKS_PER_DRAW) % (1 << 64)
