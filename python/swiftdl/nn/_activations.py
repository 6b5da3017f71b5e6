"""Activation functions, named and shaped like tf.nn's. Each is one engine op with its
gradient beside it in Swift (Sources/SwiftDL/Ops/NN/Activations.swift, Softmax.swift)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import operator

from .. import _C
from .._convert import asarray
from .._ops import UNARY
from .._typing import ArrayLike

if TYPE_CHECKING:
    from .._tensor import Tensor

# Engine activation codes; the order matches SDL_ACTIVATION_* in swiftdl.h
# (Tests/python/test_nn_activations.py checks that they agree).
ACTIVATIONS = ("relu", "relu6", "elu", "selu", "gelu", "gelu_tanh", "leaky_relu", "softplus", "softsign", "silu")
_CODE = {name: code for code, name in enumerate(ACTIVATIONS)}


def _activate(name: str, features: ArrayLike, alpha: float = 0.0) -> Tensor:
    return _C.nn_activation(_CODE[name], asarray(features, copy=None), float(alpha))


def relu(features: ArrayLike, name: str | None = None) -> Tensor:
    """Rectified linear unit: max(features, 0).

    Args:
        features: a float tensor (or anything `swiftdl.asarray` accepts).
        name: ignored (kept for TensorFlow compatibility).

    Returns:
        A tensor of the same shape and dtype.

    Raises:
        TypeError: for integer or bool features.
    """
    return _activate("relu", features)


def relu6(features: ArrayLike, name: str | None = None) -> Tensor:
    """min(max(features, 0), 6)."""
    return _activate("relu6", features)


def elu(features: ArrayLike, name: str | None = None) -> Tensor:
    """Exponential linear unit: features if > 0, else exp(features) - 1."""
    return _activate("elu", features, 1.0)


def selu(features: ArrayLike, name: str | None = None) -> Tensor:
    """Scaled ELU with the self-normalising constants (alpha ≈ 1.6733, scale ≈ 1.0507)."""
    return _activate("selu", features)


def gelu(features: ArrayLike, approximate: bool = False, name: str | None = None) -> Tensor:
    """Gaussian error linear unit: x·Φ(x).

    Args:
        features: a float tensor.
        approximate: False (the default, as tf.nn.gelu and keras.activations.gelu) computes
            the exact form with erf; True uses 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).
    """
    return _activate("gelu_tanh" if approximate else "gelu", features)


def leaky_relu(features: ArrayLike, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """features if > 0, else alpha·features (tf.nn's default alpha is 0.2)."""
    return _activate("leaky_relu", features, alpha)


def softplus(features: ArrayLike, name: str | None = None) -> Tensor:
    """log(exp(features) + 1), computed without overflow."""
    return _activate("softplus", features)


def softsign(features: ArrayLike, name: str | None = None) -> Tensor:
    """features / (|features| + 1)."""
    return _activate("softsign", features)


def silu(features: ArrayLike, beta: float = 1.0, name: str | None = None) -> Tensor:
    """Sigmoid linear unit (swish): features · sigmoid(beta · features)."""
    return _activate("silu", features, beta)


swish = silu


def sigmoid(x: ArrayLike, name: str | None = None) -> Tensor:
    """1 / (1 + exp(-x)), computed without overflow."""
    return _C.unary(UNARY["sigmoid"], asarray(x, copy=None), None)


def tanh(x: ArrayLike, name: str | None = None) -> Tensor:
    """Hyperbolic tangent."""
    return _C.unary(UNARY["tanh"], asarray(x, copy=None), None)


def softmax(logits: ArrayLike, axis: int | None = None, name: str | None = None) -> Tensor:
    """exp(logits) / sum(exp(logits), axis), in one numerically stable engine op.

    Args:
        logits: a non-empty float tensor.
        axis: the axis to normalise over; None means the last (-1), as in TensorFlow.

    Raises:
        TypeError: for non-float logits. ValueError: for a 0-d tensor or a bad axis.
    """
    return _C.nn_softmax(asarray(logits, copy=None), -1 if axis is None else operator.index(axis), False)


def log_softmax(logits: ArrayLike, axis: int | None = None, name: str | None = None) -> Tensor:
    """logits - log(sum(exp(logits), axis)), in one numerically stable engine op."""
    return _C.nn_softmax(asarray(logits, copy=None), -1 if axis is None else operator.index(axis), True)
