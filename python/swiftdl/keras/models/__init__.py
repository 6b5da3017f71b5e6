"""swiftdl.keras.models: Model, Sequential, load_model, clone_model, model_from_json."""
from .model import Functional, Model
from .sequential import Sequential
from ..saving.saving_lib import load_model, save_model
from .cloning import clone_model, model_from_json

__all__ = ["clone_model", "Functional", "load_model", "Model", "model_from_json", "save_model", "Sequential"]
