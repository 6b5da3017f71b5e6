"""Keras activations (as `activation=` or `Activation`/`ReLU`/`Softmax` layers) as ONNX nodes."""

from __future__ import annotations

from typing import Any

from .graph_builder import GraphBuilder, UnsupportedLayerError

__all__ = ["emit_activation", "activation_name"]

_SIMPLE = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softplus": "Softplus",
           "softsign": "Softsign", "elu": "Elu", "selu": "Selu", "exponential": "Exp"}


def activation_name(activation: Any) -> str:
    if activation is None:
        return "linear"
    if isinstance(activation, str):
        return activation
    return getattr(activation, "__name__", repr(activation))


def emit_activation(g: GraphBuilder, x: str, activation: Any, rank: int, owner: str) -> str:
    """Applies a Keras activation to `x`; softmax works on the last (Keras) axis."""
    name = activation_name(activation)
    if name == "linear":
        return x
    if name in _SIMPLE:
        return g.op(_SIMPLE[name], [x], name)
    if name in ("softmax", "log_softmax"):
        x = g.to_channels_last(x, rank)
        return g.op("Softmax" if name == "softmax" else "LogSoftmax", [x], name, axis=-1)
    if name == "gelu":  # Keras's default gelu is the tanh approximation
        raise UnsupportedLayerError(f"Layer {owner!r}: activation 'gelu' is not supported by the ONNX exporter.")
    if name in ("silu", "swish"):
        return g.op("Mul", [x, g.op("Sigmoid", [x], "sig")], name)
    raise UnsupportedLayerError(f"Layer {owner!r}: activation {name!r} is not supported by the ONNX exporter.")
