"""swiftdl.keras.optimizers: `from keras.optimizers import Adam` for swiftdl.

The one implementation lives in `swiftdl.optimizers`; this module re-exports it so that
`import swiftdl.keras.optimizers` and `from swiftdl.keras.optimizers import ...` work.
"""
from swiftdl.optimizers import (SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, Lion, Nadam, Optimizer, RMSprop, deserialize, get,
                                serialize)
from swiftdl.optimizers import (Adafactor, Ftrl, Lamb, LossScaleOptimizer, MultiOptimizer, Muon, OptimizerMap,
                                ScheduleFreeAdamW)

from . import schedules

__all__ = ["Adadelta", "Adagrad", "Adam", "Adamax", "AdamW", "deserialize", "get", "Lion", "Nadam", "Optimizer",
           "RMSprop", "schedules", "serialize", "SGD",
           "Adafactor", "Ftrl", "Lamb", "LossScaleOptimizer", "MultiOptimizer", "Muon", "OptimizerMap",
           "ScheduleFreeAdamW"]
