"""The Sobol low-discrepancy sequence behind tf.math.sobol_sample: dimension 1 is the van
der Corput sequence; dimension d > 1 uses the (d - 1)-th primitive polynomial mod 2 (in order
of degree, then of value) and Joe and Kuo's initial direction numbers (_sobol_directions),
extended by Bratley and Fox's recurrence. Point n (n >= 1, TensorFlow's numbering: the origin
is skipped) is the XOR of the 32-bit direction numbers for the set bits of n's Gray code.

Kept free of swiftdl imports: scripts/make_sobol_directions.py loads it on its own.
"""
import functools

import numpy as np

INITIAL = None   # the decoded table, on first use
_BITS = 32


@functools.lru_cache(maxsize=4)
def primitive_polynomials(count):
    """[(degree s, a)] for the first `count` primitive polynomials x^s + ... + 1 mod 2, a
    holding the middle coefficients a_1..a_{s-1} (a_1 the highest bit), in order."""
    found, degree = [], 1
    while len(found) < count:
        for a in range(2 ** max(degree - 1, 0)):
            polynomial = (1 << degree) | (a << 1) | 1
            # An even number of terms means x + 1 divides it: never primitive above degree 1.
            if (degree == 1 or bin(polynomial).count("1") % 2) and _is_primitive(polynomial, degree):
                found.append((degree, a))
                if len(found) == count:
                    break
        degree += 1
    return tuple(found)


def _is_primitive(polynomial, degree):
    """Whether x has multiplicative order 2^degree - 1 modulo the polynomial: x^order is 1
    and x^(order / p) is not, for each prime p dividing the order."""
    if degree == 1:
        return polynomial == 0b11
    order = (1 << degree) - 1
    if _power_of_x(order, polynomial, degree) != 1:
        return False
    return all(_power_of_x(order // p, polynomial, degree) != 1 for p in _prime_factors(order))


def _multiply(a, b, polynomial, degree):
    """a · b modulo the polynomial, over GF(2)."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a >> degree:
            a ^= polynomial
    return product


def _power_of_x(exponent, polynomial, degree):
    result, base = 1, 0b10
    while exponent:
        if exponent & 1:
            result = _multiply(result, base, polynomial, degree)
        base = _multiply(base, base, polynomial, degree)
        exponent >>= 1
    return result


def _prime_factors(n):
    factors, p = [], 2
    while p * p <= n:
        if n % p == 0:
            factors.append(p)
            while n % p == 0:
                n //= p
        p += 1
    return factors + ([n] if n > 1 else [])


def _directions(dimensions, table):
    """(dimensions, 32) uint64 direction numbers v_k scaled to 32 bits."""
    v = np.zeros((dimensions, _BITS), np.uint64)
    v[0] = [1 << (_BITS - 1 - k) for k in range(_BITS)]
    offset = 0
    for dim, (s, a) in enumerate(primitive_polynomials(dimensions - 1), start=1):
        m = [int(x) for x in table[offset:offset + s]]
        offset += s
        for k in range(s, _BITS):
            value = m[k - s] ^ (m[k - s] << s)
            for i in range(1, s):
                if (a >> (s - 1 - i)) & 1:
                    value ^= m[k - i] << i
            m.append(value)
        v[dim] = [m[k] << (_BITS - 1 - k) for k in range(_BITS)]
    return v


_CACHE: dict = {}   # (id of the table, dimensions) -> direction numbers


def points(dimensions, count, skip, table):
    """The 32-bit integer Sobol points skip + 1 .. skip + count, shape (count, dimensions)."""
    key = (id(table), dimensions)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _directions(dimensions, table)
    v = _CACHE[key]
    first = skip + 1
    gray = first ^ (first >> 1)
    state = np.zeros(dimensions, np.uint64)
    for bit in range(_BITS):
        if (gray >> bit) & 1:
            state ^= v[:, bit]
    out = np.empty((count, dimensions), np.uint64)
    for row in range(count):
        out[row] = state
        n = first + row
        lowest_zero = (~n & (n + 1)).bit_length() - 1    # the bit that flips in the Gray code
        state = state ^ v[:, lowest_zero]
    return out
