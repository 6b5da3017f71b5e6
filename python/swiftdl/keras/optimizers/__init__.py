"""swiftdl.keras.optimizers: `from keras.optimizers import Adam` for swiftdl.

The one implementation lives in `swiftdl.optimizers`; this module re-exports it so that
`import swiftdl.keras.optimizers` and `from swiftdl.keras.optimizers import ...` work.
"""
from swiftdl.optimizers import (SGD, Adagrad, Adam, Adamax, AdamW, Lion, Optimizer, RMSprop, deserialize, get,
                                serialize)

from . import schedules

__all__ = ["Adagrad", "Adam", "Adamax", "AdamW", "deserialize", "get", "Lion", "Optimizer", "RMSprop", "schedules",
           "serialize", "SGD"]
