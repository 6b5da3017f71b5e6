"""Keras 3 model files (`.keras`), weights files (`.weights.h5`) and configs."""
from .saving_lib import load_model, save_model
from .serialization import deserialize_layer as deserialize_keras_object

__all__ = ["deserialize_keras_object", "load_model", "save_model"]
