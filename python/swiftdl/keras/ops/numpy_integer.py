"""keras.ops integer arithmetic the engine has no kernel for: shifts (as multiplication and
floor division by powers of two, which is what two's-complement shifts compute) and gcd /
lcm (Euclid's algorithm on whole tensors, at most ~90 rounds for 64-bit values)."""

import swiftdl as sd

from ._convert import promote


def _integers(x, y, op):
    a, b = promote(x, y)
    if a.dtype.kind not in "iu":
        raise TypeError(f"[{op}] needs integer tensors; received dtype {a.dtype}")
    return a, b


def left_shift(x, y):
    """x << y: x · 2**y, wrapping as the integer dtype does; 0 when y >= the bit width."""
    a, b = _integers(x, y, "left_shift")
    bits = a.dtype.itemsize * 8
    safe = sd.minimum(sd.maximum(b, 0), bits - 1)
    factor = sd.power(sd.full((), 2, "int64"), safe.astype("int64"))
    shifted = sd.multiply(a.astype("int64"), factor)
    if bits < 64:
        modulus = 2 ** bits
        shifted = sd.remainder(shifted, modulus)
        if a.dtype.kind == "i":
            shifted = sd.where(sd.greater_equal(shifted, modulus // 2), shifted - modulus, shifted)
    return sd.where(sd.greater_equal(b, bits), sd.zeros((), a.dtype), shifted.astype(a.dtype))


def right_shift(x, y):
    """x >> y: floor(x / 2**y) (an arithmetic shift for signed integers)."""
    a, b = _integers(x, y, "right_shift")
    bits = a.dtype.itemsize * 8
    safe = sd.minimum(sd.maximum(b, 0), bits - 2 if a.dtype.kind == "i" else bits - 1)
    divisor = sd.power(sd.full((), 2, "int64"), safe.astype("int64"))
    shifted = sd.floor_divide(a.astype("int64"), divisor)
    beyond = sd.greater_equal(b, bits - 1 if a.dtype.kind == "i" else bits)
    overflow = sd.where(sd.less(a, 0), sd.full((), -1, "int64"), sd.zeros((), "int64")) if a.dtype.kind == "i" \
        else sd.zeros((), "int64")
    return sd.where(beyond, overflow, shifted).astype(a.dtype)


bitwise_left_shift = left_shift
bitwise_right_shift = right_shift


def gcd(x1, x2):
    """Greatest common divisor, elementwise (non-negative)."""
    a, b = _integers(x1, x2, "gcd")
    a, b = sd.absolute(a), sd.absolute(b)
    while a.size and bool(sd.any(sd.not_equal(b, 0))):
        nonzero = sd.not_equal(b, 0)
        a, b = sd.where(nonzero, b, a), sd.where(nonzero, sd.remainder(a, sd.where(nonzero, b, sd.ones((), b.dtype))),
                                                 sd.zeros((), b.dtype))
    return a


def lcm(x1, x2):
    """Least common multiple, elementwise (non-negative; 0 if either is 0)."""
    a, b = _integers(x1, x2, "lcm")
    divisor = gcd(a, b)
    safe = sd.where(sd.equal(divisor, 0), sd.ones((), divisor.dtype), divisor)
    return sd.absolute(sd.floor_divide(a, safe) * b)


