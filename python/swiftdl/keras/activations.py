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


def _ops() -> Any:
    from swiftdl.keras.ops import nn_activations
    return nn_activations


def celu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """Continuously differentiable ELU: x for x >= 0, alpha·(exp(x/alpha) - 1) below."""
    return _ops().celu(x, alpha=alpha)


def glu(x: Tensor, axis: int = -1) -> Tensor:
    """Gated linear unit: a·sigmoid(b) for the two halves a, b of x along `axis`.

    Raises:
        ValueError: when x's size along `axis` is odd.
    """
    return _ops().glu(x, axis=axis)


def hard_shrink(x: Tensor, threshold: float = 0.5) -> Tensor:
    """x where |x| > threshold, else 0."""
    return _ops().hard_shrink(x, threshold=threshold)


def hard_sigmoid(x: Tensor) -> Tensor:
    """Piecewise-linear sigmoid: 0 below -3, 1 above 3, x/6 + 0.5 between."""
    return _ops().hard_sigmoid(x)


def hard_silu(x: Tensor) -> Tensor:
    """Hard swish: x·hard_sigmoid(x)."""
    return _ops().hard_silu(x)


hard_swish = hard_silu


def hard_tanh(x: Tensor) -> Tensor:
    """x clipped to [-1, 1]."""
    return _ops().hard_tanh(x)


def log_sigmoid(x: Tensor) -> Tensor:
    """log(sigmoid(x)), computed as -softplus(-x) so it never overflows."""
    return _ops().log_sigmoid(x)


def mish(x: Tensor) -> Tensor:
    """Mish (Misra, 2019): x·tanh(softplus(x))."""
    x = _ops()._float(x, "mish")
    return x * _sd.tanh(_nn().softplus(x))


def soft_shrink(x: Tensor, threshold: float = 0.5) -> Tensor:
    """x - threshold above threshold, x + threshold below -threshold, 0 between."""
    return _ops().soft_shrink(x, threshold=threshold)


def sparse_plus(x: Tensor) -> Tensor:
    """0 for x <= -1, (x + 1)²/4 for -1 < x < 1, x for x >= 1."""
    return _ops().sparse_plus(x)


def sparse_sigmoid(x: Tensor) -> Tensor:
    """0 for x <= -1, (x + 1)/2 for -1 < x < 1, 1 for x >= 1."""
    return _ops().sparse_sigmoid(x)


def sparsemax(x: Tensor, axis: int = -1) -> Tensor:
    """Euclidean projection of x onto the probability simplex along `axis` (Martins et al., 2016)."""
    return _ops().sparsemax(x, axis=axis)


def squareplus(x: Tensor, b: float = 4) -> Tensor:
    """(x + sqrt(x² + b)) / 2, a smooth relu whose smoothness b sets."""
    return _ops().squareplus(x, b=b)


def tanh_shrink(x: Tensor) -> Tensor:
    """x - tanh(x)."""
    return _ops().tanh_shrink(x)


def threshold(x: Tensor, threshold: float, default_value: float) -> Tensor:
    """x where x > threshold, else default_value (both required, as in Keras)."""
    return _ops().threshold(x, threshold, default_value)


_ALL = {f.__name__: f for f in (relu, sigmoid, softmax, log_softmax, tanh, elu, selu, gelu, silu, softplus,
                                softsign, relu6, leaky_relu, exponential, linear, celu, glu, hard_shrink, hard_sigmoid,
                                hard_silu, hard_tanh, log_sigmoid, mish, soft_shrink, sparse_plus, sparse_sigmoid,
                                sparsemax, squareplus, tanh_shrink, threshold)}
_ALL["swish"] = silu
_ALL["hard_swish"] = hard_silu


def get(identifier: Any) -> Any:
    """An activation function from a name, a callable, Keras's config dict, or None (linear).

    Raises:
        ValueError: for an unknown name.
    """
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier not in _ALL:
            raise ValueError(f"Could not interpret activation function identifier: {identifier!r}; "
                             f"known: {', '.join(sorted(_ALL))}")
        return _ALL[identifier]
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(activation: Any) -> Any:
    """A built-in activation's name ('hard_swish' gives 'hard_silu', as Keras); another
    callable's `__name__`."""
    for name, function in _ALL.items():
        if function is activation:
            return function.__name__
    return getattr(activation, "__name__", str(activation))


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The activation a config names: a string, or Keras's dict form
    `{"class_name": "function", "config": "relu", ...}`; `custom_objects` is searched first.

    Raises:
        ValueError: for a name that is neither built in nor in `custom_objects`.
    """
    name = config
    if isinstance(config, dict):
        name = config.get("config")
        if not isinstance(name, str):
            name = config.get("class_name")
    if isinstance(name, str):
        found = (custom_objects or {}).get(name) or _ALL.get(name)
        if found is not None:
            return found
    raise ValueError(f"Could not interpret activation function identifier: {config!r}")

# Keras's public names in this module (`from swiftdl.keras.activations import *`).
__all__ = ["elu", "exponential", "gelu", "get", "leaky_relu", "linear", "log_softmax", "relu", "relu6", "selu",
           "serialize", "sigmoid", "silu", "softmax", "softplus", "softsign", "swish", "tanh",
           "celu", "deserialize", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
           "log_sigmoid", "mish", "soft_shrink", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus",
           "tanh_shrink", "threshold"]
