"""Keras's functional forms of the merge layers: `layers.add([a, b])` is `layers.Add()([a, b])`,
and so on (keras.io's functional-API guide writes its residual blocks this way)."""
from . import merging

__all__ = ["add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]


def add(inputs, **kwargs):
    """The sum of the inputs (layers.Add)."""
    return merging.Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """inputs[0] - inputs[1] (layers.Subtract)."""
    return merging.Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """The elementwise product of the inputs (layers.Multiply)."""
    return merging.Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """The elementwise mean of the inputs (layers.Average)."""
    return merging.Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """The elementwise maximum of the inputs (layers.Maximum)."""
    return merging.Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """The elementwise minimum of the inputs (layers.Minimum)."""
    return merging.Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """The inputs joined along `axis` (layers.Concatenate)."""
    return merging.Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """Dot products of two inputs along `axes` (layers.Dot)."""
    return merging.Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
