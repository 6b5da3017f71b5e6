"""swiftdl.keras.models: Model, Sequential, load_model."""
from .model import Functional, Model
from .sequential import Sequential
