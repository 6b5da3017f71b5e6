"""swiftdl.keras.models: Model, Sequential, load_model."""
from .model import Functional, Model
from .sequential import Sequential
from ..saving.saving_lib import load_model, save_model

__all__ = ["Functional", "load_model", "Model", "save_model", "Sequential"]
