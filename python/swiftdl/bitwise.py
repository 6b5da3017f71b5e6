"""tf.bitwise: bit operations on integer tensors."""
from ._ops import bitwise_and, bitwise_or, bitwise_xor, invert


def left_shift(x, y, name=None):
    """x shifted left by y bits, element-wise (tf.bitwise.left_shift)."""
    from .keras.ops import left_shift as shift
    return shift(x, y)


def right_shift(x, y, name=None):
    """x shifted right by y bits, arithmetic for signed integers (tf.bitwise.right_shift)."""
    from .keras.ops import right_shift as shift
    return shift(x, y)


__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]
