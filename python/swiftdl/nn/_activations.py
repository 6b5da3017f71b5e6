"""Activation functions, named and shaped like tf.nn's. Each is one engine op with its
gradient beside it in Swift (Sources/SwiftDL/Ops/NN/Activations.swift, Softmax.swift)."""
import operator

from .. import _C
from .._convert import asarray
from .._ops import UNARY

# Engine activation codes; the order matches SDL_ACTIVATION_* in swiftdl.h
# (Tests/python/test_nn_activations.py checks that they agree).
ACTIVATIONS = ("relu", "relu6", "elu", "selu", "gelu", "gelu_tanh", "leaky_relu", "softplus", "softsign", "silu")
_CODE = {name: code for code, name in enumerate(ACTIVATIONS)}


def _activate(name, features, alpha=0.0):
    return _C.nn_activation(_CODE[name], asarray(features, copy=None), float(alpha))


def relu(features, name=None):
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


def relu6(features, name=None):
    """min(max(features, 0), 6)."""
    return _activate("relu6", features)


def elu(features, name=None):
    """Exponential linear unit: features if > 0, else exp(features) - 1."""
    return _activate("elu", features, 1.0)


def selu(features, name=None):
    """Scaled ELU with the self-normalising constants (alpha ≈ 1.6733, scale ≈ 1.0507)."""
    return _activate("selu", features)


def gelu(features, approximate=False, name=None):
    """Gaussian error linear unit: x·Φ(x).

    Args:
        features: a float tensor.
        approximate: False (the default, as tf.nn.gelu and keras.activations.gelu) computes
            the exact form with erf; True uses 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).
    """
    return _activate("gelu_tanh" if approximate else "gelu", features)


def leaky_relu(features, alpha=0.2, name=None):
    """features if > 0, else alpha·features (tf.nn's default alpha is 0.2)."""
    return _activate("leaky_relu", features, alpha)


def softplus(features, name=None):
    """log(exp(features) + 1), computed without overflow."""
    return _activate("softplus", features)


def softsign(features, name=None):
    """features / (|features| + 1)."""
    return _activate("softsign", features)


def silu(features, beta=1.0, name=None):
    """Sigmoid linear unit (swish): features · sigmoid(beta · features)."""
    return _activate("silu", features, beta)


swish = silu


def sigmoid(x, name=None):
    """1 / (1 + exp(-x)), computed without overflow."""
    return _C.unary(UNARY["sigmoid"], asarray(x, copy=None), None)


def tanh(x, name=None):
    """Hyperbolic tangent."""
    return _C.unary(UNARY["tanh"], asarray(x, copy=None), None)


def softmax(logits, axis=None, name=None):
    """exp(logits) / sum(exp(logits), axis), in one numerically stable engine op.

    Args:
        logits: a non-empty float tensor.
        axis: the axis to normalise over; None means the last (-1), as in TensorFlow.

    Raises:
        TypeError: for non-float logits. ValueError: for a 0-d tensor or a bad axis.
    """
    return _C.nn_softmax(asarray(logits, copy=None), -1 if axis is None else operator.index(axis), False)


def log_softmax(logits, axis=None, name=None):
    """logits - log(sum(exp(logits), axis)), in one numerically stable engine op."""
    return _C.nn_softmax(asarray(logits, copy=None), -1 if axis is None else operator.index(axis), True)
