"""Keras activations (as `activation=` or `Activation`/`ReLU`/`Softmax` layers) as ONNX nodes."""

from __future__ import annotations

from typing import Any

import numpy as np

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
    if name == "gelu":  # activation="gelu" is Keras 3's exact gelu: x·Φ(x) = x/2·(1 + erf(x/√2))
        scaled = g.op("Mul", [x, g.constant("inv_sqrt2", np.float32(1 / np.sqrt(2)))], "gelu_scaled")
        one_plus = g.op("Add", [g.op("Erf", [scaled], "erf"), g.constant("one", np.float32(1))], "gelu_cdf2")
        half_x = g.op("Mul", [x, g.constant("half", np.float32(0.5))], "half_x")
        return g.op("Mul", [half_x, one_plus], name)
    if name == "leaky_relu":  # the activation function's default slope
        return g.op("LeakyRelu", [x], name, alpha=0.2)
    if name in ("silu", "swish"):
        return g.op("Mul", [x, g.op("Sigmoid", [x], "sig")], name)
    raise UnsupportedLayerError(f"Layer {owner!r}: activation {name!r} is not supported by the ONNX exporter.")
