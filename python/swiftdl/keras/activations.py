"""Keras activations by name or callable; each runs in the engine."""
from __future__ import annotations

from typing import Any

import swiftdl as _sd
from swiftdl._tensor import Tensor


def _nn() -> Any:
    from swiftdl import nn
    return nn


def relu(x: Tensor, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Tensor:
    """Keras's relu: x where x > threshold (else 0), clipped to [0, max_value], minus
    negative_slope · relu(threshold − x)."""
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return _nn().relu(x)
    if negative_slope == 0.0 and threshold == 0.0 and max_value is not None and float(max_value) == 6.0:
        return _nn().relu6(x)  # one engine activation (MobileNet's ReLU(6.0)) instead of relu then clip
    x = _sd.asarray(x)
    if threshold != 0.0:
        y = x * _sd.greater(x, float(threshold)).astype(x.dtype)
    else:
        y = _nn().relu(x)
    if max_value is not None:
        y = _sd.minimum(y, float(max_value)) if float(max_value) >= 0 else _sd.clip(y, 0.0, float(max_value))
    if negative_slope != 0.0:
        y = y - float(negative_slope) * _nn().relu(float(threshold) - x)
    return y


def sigmoid(x: Tensor) -> Tensor:
    return _nn().sigmoid(x)


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    return _nn().softmax(x, axis=axis)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    return _nn().log_softmax(x, axis=axis)


def tanh(x: Tensor) -> Tensor:
    return _sd.tanh(x)


def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    return _nn().elu(x) if alpha == 1.0 else _sd.where(x > 0, x, alpha * (_sd.exp(x) - 1.0))


def selu(x: Tensor) -> Tensor:
    return _nn().selu(x)


def gelu(x: Tensor, approximate: bool = False) -> Tensor:
    return _nn().gelu(x, approximate=approximate)


def silu(x: Tensor) -> Tensor:
    return _nn().silu(x)


swish = silu


def softplus(x: Tensor) -> Tensor:
    return _nn().softplus(x)


def softsign(x: Tensor) -> Tensor:
    return _nn().softsign(x)


def relu6(x: Tensor) -> Tensor:
    return _nn().relu6(x)


def leaky_relu(x: Tensor, negative_slope: float = 0.2) -> Tensor:
    return _nn().leaky_relu(x, negative_slope)


def exponential(x: Tensor) -> Tensor:
    return _sd.exp(x)


def linear(x: Tensor) -> Tensor:
    return x


_ALL = {f.__name__: f for f in (relu, sigmoid, softmax, log_softmax, tanh, elu, selu, gelu, silu, softplus,
                                softsign, relu6, leaky_relu, exponential, linear)}
_ALL["swish"] = silu


def get(identifier: Any) -> Any:
    """An activation function from a name, a callable, or None (linear).

    Raises:
        ValueError: for an unknown name.
    """
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        if identifier not in _ALL:
            raise ValueError(f"Could not interpret activation function identifier: {identifier!r}; "
                             f"known: {', '.join(sorted(_ALL))}")
        return _ALL[identifier]
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(activation: Any) -> Any:
    for name, function in _ALL.items():
        if function is activation:
            return "silu" if name == "swish" else name
    return getattr(activation, "__name__", str(activation))

# Keras's public names in this module (`from swiftdl.keras.activations import *`).
__all__ = ["elu", "exponential", "gelu", "get", "leaky_relu", "linear", "log_softmax", "relu", "relu6", "selu",
           "serialize", "sigmoid", "silu", "softmax", "softplus", "softsign", "swish", "tanh"]
