"""Keras's binary cross-entropy of probabilities as one engine op (and one VJP).

The formula is Keras's reference: the probabilities clipped to [ε, 1 − ε] (backend.epsilon(),
1e-7 by default), −(z·log p + (1 − z)·log(1 − p)), then the mean over the last axis. As clip,
two logs and their arithmetic it cost ten small ops forward and as many VJPs backward, at
the end of every sigmoid model's training step.
"""
from swiftdl import _C

from ..backend import epsilon


def applies(output, axis):
    """Whether the fused op computes the mean over `axis` of `output`: float32 or float64
    probabilities of rank at least 1, averaged over their last axis."""
    if output.dtype.name not in ("float32", "float64") or output.ndim < 1:
        return False
    return isinstance(axis, int) and -output.ndim <= axis < output.ndim and axis % output.ndim == output.ndim - 1


def mean_over_last_axis(target, output):
    """The clipped binary cross-entropy averaged over the last axis.

    Args:
        target: labels in [0, 1], a tensor of `output`'s shape.
        output: float32 or float64 probabilities of rank at least 1.

    Returns:
        A tensor of `output`'s shape without its last axis, differentiable in both arguments.

    Raises:
        ValueError: for mismatched shapes; TypeError for non-float probabilities.
    """
    eps = epsilon()
    return _C.nn_binary_crossentropy(target, output, eps, 1.0 - eps)
