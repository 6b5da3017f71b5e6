"""swiftdl.optimizers: Keras 3's optimizers, each step one fused engine call."""
from __future__ import annotations

from typing import Any

from . import schedules
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base_optimizer import Optimizer
from .lion import Lion
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD
from .adafactor import Adafactor
from .ftrl import Ftrl
from .lamb import Lamb
from .loss_scale_optimizer import LossScaleOptimizer
from .multi_optimizer import MultiOptimizer, OptimizerMap
from .muon import Muon
from .schedule_free_adamw import ScheduleFreeAdamW

__all__ = ["Adadelta", "Adagrad", "Adam", "Adamax", "AdamW", "deserialize", "get", "Lion", "Nadam", "Optimizer",
           "RMSprop", "schedules", "serialize", "SGD",
           "Adafactor", "Ftrl", "Lamb", "LossScaleOptimizer", "MultiOptimizer", "Muon", "OptimizerMap",
           "ScheduleFreeAdamW"]

ALL_OBJECTS = (Optimizer, Adam, SGD, RMSprop, AdamW, Adagrad, Adamax, Lion, Adadelta, Nadam,
               Adafactor, Ftrl, Lamb, LossScaleOptimizer, MultiOptimizer, Muon, ScheduleFreeAdamW)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """The optimizer's class name and config, in Keras's format."""
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__, "config": optimizer.get_config(),
            "registered_name": None}


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """An optimizer from `serialize`'s dict (class names are case-insensitive)."""
    name = config.get("class_name") if isinstance(config, dict) else None
    if not isinstance(name, str):
        raise ValueError(f"Could not interpret optimizer identifier: {config}")
    cls = (custom_objects or {}).get(name) or ALL_OBJECTS_DICT.get(name.lower())
    if cls is None or cls is Optimizer:
        raise ValueError(f"Could not interpret optimizer identifier: {config}")
    return cls.from_config(config.get("config", {}), custom_objects=custom_objects)


def get(identifier: Any) -> Any:
    """An optimizer from a name ('adam', 'SGD', ...), a config dict or an instance.

    Raises:
        ValueError: for anything else.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if isinstance(identifier, Optimizer):
        return identifier
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
