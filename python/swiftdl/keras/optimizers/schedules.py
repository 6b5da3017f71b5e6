"""swiftdl.keras.optimizers.schedules: re-exports `swiftdl.optimizers.schedules`, so that
`from swiftdl.keras.optimizers.schedules import ExponentialDecay` works."""
from swiftdl.optimizers.schedules import (CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay,
                                          LearningRateSchedule, PiecewiseConstantDecay, PolynomialDecay, deserialize,
                                          serialize)

__all__ = ["CosineDecay", "CosineDecayRestarts", "deserialize", "ExponentialDecay", "InverseTimeDecay",
           "LearningRateSchedule", "PiecewiseConstantDecay", "PolynomialDecay", "serialize"]
