"""swiftdl.keras.random: Keras 3's random ops over the engine's Philox generator.

    gen = keras.random.SeedGenerator(1337)
    x = keras.random.normal((2, 3), seed=gen)
"""
from .distributions import (beta, binomial, categorical, dropout, gamma, normal, randint, shuffle, truncated_normal,
                            uniform)
from .seed_generator import SeedGenerator

__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint", "shuffle",
           "truncated_normal", "uniform"]
