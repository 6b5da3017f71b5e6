"""ONNX export written straight from the layer graph with the optional `onnx` package."""

from .exporter import DEFAULT_OPSET, export_onnx, model_to_onnx
from .graph_builder import UnsupportedLayerError

__all__ = ["DEFAULT_OPSET", "UnsupportedLayerError", "export_onnx", "model_to_onnx"]
