"""The string hashes TensorFlow's bucketing ops use, bit for bit, in plain Python.

`tf.strings.to_hash_bucket_fast`, `tf.fingerprint`, Keras's `Hashing` and `HashedCrossing`
and the lookup layers' OOV buckets all rest on three functions:

- `fingerprint64`: FarmHash's Fingerprint64 (`farmhashna::Hash64`, which FarmHash promises
  never to change), the hash of `to_hash_bucket_fast`;
- `siphash64`: SipHash-2-4 with a 128-bit key, the hash of `to_hash_bucket_strong`
  (Keras's `salt`);
- `fingerprint_cat64`: TensorFlow's way of combining two fingerprints
  (`tensorflow/core/platform/fingerprint.h`), which `tf.sparse.cross_hashed` folds over
  the features of a cross.

This is the per-string reference: the layers and `tf.strings` ops hash whole arrays with the
engine's kernels through `swiftdl._string_hash`, and the tests compare those with this module.
All arithmetic is on unsigned 64-bit integers, so every product and sum is reduced mod 2**64
(`& _MASK`). When the `pyfarmhash` package is installed its C `fingerprint64` is used instead
of the Python one (the tests check both against values TensorFlow produced); it is optional.
"""
from __future__ import annotations

from collections.abc import Iterable

__all__ = ["fingerprint64", "fingerprint_cat64", "siphash64", "to_hash_bucket_fast", "to_hash_bucket_strong",
           "as_hash_bytes"]

_MASK = (1 << 64) - 1
# FarmHash's primes (farmhash.cc).
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F


def _fetch64(data: bytes, i: int) -> int:
    return int.from_bytes(data[i:i + 8], "little")


def _fetch32(data: bytes, i: int) -> int:
    return int.from_bytes(data[i:i + 4], "little")


def _rotate(value: int, shift: int) -> int:
    # A right rotation; FarmHash never rotates by 0 here.
    return ((value >> shift) | (value << (64 - shift))) & _MASK


def _shift_mix(value: int) -> int:
    return value ^ (value >> 47)


def _hash_len16(u: int, v: int, mul: int) -> int:
    a = ((u ^ v) * mul) & _MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK
    b ^= b >> 47
    return (b * mul) & _MASK


def _hash_len0to16(data: bytes) -> int:
    length = len(data)
    if length >= 8:
        mul = _K2 + length * 2
        a = (_fetch64(data, 0) + _K2) & _MASK
        b = _fetch64(data, length - 8)
        c = (_rotate(b, 37) * mul + a) & _MASK
        d = ((_rotate(a, 25) + b) * mul) & _MASK
        return _hash_len16(c, d, mul)
    if length >= 4:
        mul = _K2 + length * 2
        a = _fetch32(data, 0)
        return _hash_len16((length + (a << 3)) & _MASK, _fetch32(data, length - 4), mul)
    if length > 0:
        a, b, c = data[0], data[length >> 1], data[length - 1]
        y = (a + (b << 8)) & 0xFFFFFFFF
        z = (length + (c << 2)) & 0xFFFFFFFF
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _hash_len17to32(data: bytes) -> int:
    length = len(data)
    mul = _K2 + length * 2
    a = (_fetch64(data, 0) * _K1) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, length - 8) * mul) & _MASK
    d = (_fetch64(data, length - 16) * _K2) & _MASK
    return _hash_len16((_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK,
                       (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK, mul)


def _hash_len33to64(data: bytes) -> int:
    length = len(data)
    mul = _K2 + length * 2
    a = (_fetch64(data, 0) * _K2) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, length - 8) * mul) & _MASK
    d = (_fetch64(data, length - 16) * _K2) & _MASK
    y = (_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK
    z = _hash_len16(y, (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK, mul)
    e = (_fetch64(data, 16) * mul) & _MASK
    f = _fetch64(data, 24)
    g = ((y + _fetch64(data, length - 32)) * mul) & _MASK
    h = ((z + _fetch64(data, length - 24)) * mul) & _MASK
    return _hash_len16((_rotate((e + f) & _MASK, 43) + _rotate(g, 30) + h) & _MASK,
                       (e + _rotate((f + a) & _MASK, 18) + g) & _MASK, mul)


def _weak_hash_len32_with_seeds(data: bytes, i: int, a: int, b: int) -> tuple[int, int]:
    w, x, y, z = (_fetch64(data, i + k) for k in (0, 8, 16, 24))
    a = (a + w) & _MASK
    b = _rotate((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _rotate(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def _fingerprint64_python(data: bytes) -> int:
    length = len(data)
    if length <= 16:
        return _hash_len0to16(data)
    if length <= 32:
        return _hash_len17to32(data)
    if length <= 64:
        return _hash_len33to64(data)
    # Longer inputs: 64-byte blocks through a 56-byte state (v, w, x, y, z), then the last
    # 64 bytes (which may overlap the previous block) once more with a length-dependent mul.
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    v0 = v1 = w0 = w1 = 0
    x = (x * _K2 + _fetch64(data, 0)) & _MASK
    end = ((length - 1) // 64) * 64
    last64 = length - 64
    s = 0
    while True:
        x = (_rotate((x + y + v0 + _fetch64(data, s + 8)) & _MASK, 37) * _K1) & _MASK
        y = (_rotate((y + v1 + _fetch64(data, s + 48)) & _MASK, 42) * _K1) & _MASK
        x ^= w1
        y = (y + v0 + _fetch64(data, s + 40)) & _MASK
        z = (_rotate((z + w0) & _MASK, 33) * _K1) & _MASK
        v0, v1 = _weak_hash_len32_with_seeds(data, s, (v1 * _K1) & _MASK, (x + w0) & _MASK)
        w0, w1 = _weak_hash_len32_with_seeds(data, s + 32, (z + w1) & _MASK, (y + _fetch64(data, s + 16)) & _MASK)
        z, x = x, z
        s += 64
        if s == end:
            break
    mul = _K1 + ((z & 0xFF) << 1)
    s = last64
    w0 = (w0 + ((length - 1) & 63)) & _MASK
    v0 = (v0 + w0) & _MASK
    w0 = (w0 + v0) & _MASK
    x = (_rotate((x + y + v0 + _fetch64(data, s + 8)) & _MASK, 37) * mul) & _MASK
    y = (_rotate((y + v1 + _fetch64(data, s + 48)) & _MASK, 42) * mul) & _MASK
    x ^= (w1 * 9) & _MASK
    y = (y + v0 * 9 + _fetch64(data, s + 40)) & _MASK
    z = (_rotate((z + w0) & _MASK, 33) * mul) & _MASK
    v0, v1 = _weak_hash_len32_with_seeds(data, s, (v1 * mul) & _MASK, (x + w0) & _MASK)
    w0, w1 = _weak_hash_len32_with_seeds(data, s + 32, (z + w1) & _MASK, (y + _fetch64(data, s + 16)) & _MASK)
    z, x = x, z
    return _hash_len16((_hash_len16(v0, w0, mul) + _shift_mix(y) * _K0 + z) & _MASK,
                       (_hash_len16(v1, w1, mul) + x) & _MASK, mul)


try:  # the optional C implementation (pip install pyfarmhash)
    import farmhash as _pyfarmhash

    _fast_fingerprint64 = _pyfarmhash.fingerprint64
except (ImportError, AttributeError):
    _fast_fingerprint64 = None


def fingerprint64(data: bytes | str) -> int:
    """FarmHash Fingerprint64 of `data` (a str is hashed as its UTF-8 bytes), an unsigned
    64-bit int: what TensorFlow's `Fingerprint64` returns for the same bytes."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if _fast_fingerprint64 is not None:
        return int(_fast_fingerprint64(data))
    return _fingerprint64_python(bytes(data))


def fingerprint_cat64(fp1: int, fp2: int) -> int:
    """Combines two fingerprints as TensorFlow's `FingerprintCat64` does (order matters); also
    elementwise on numpy uint64 arrays, whose arithmetic wraps modulo 2**64 as the C++ does."""
    mul = 0xC6A4A7935BD1E995
    result = fp1 ^ mul
    result ^= (_shift_mix((fp2 * mul) & _MASK) * mul) & _MASK
    result = (result * mul) & _MASK
    result = (_shift_mix(result) * mul) & _MASK
    return _shift_mix(result)


def _sip_round(v0: int, v1: int, v2: int, v3: int) -> tuple[int, int, int, int]:
    v0 = (v0 + v1) & _MASK
    v1 = _rotate(v1, 64 - 13) ^ v0  # SipHash rotates left; _rotate rotates right
    v0 = _rotate(v0, 32)
    v2 = (v2 + v3) & _MASK
    v3 = _rotate(v3, 64 - 16) ^ v2
    v0 = (v0 + v3) & _MASK
    v3 = _rotate(v3, 64 - 21) ^ v0
    v2 = (v2 + v1) & _MASK
    v1 = _rotate(v1, 64 - 17) ^ v2
    v2 = _rotate(v2, 32)
    return v0, v1, v2, v3


def siphash64(key: Iterable[int], data: bytes | str) -> int:
    """SipHash-2-4 of `data` under the 128-bit key `(k0, k1)` (two unsigned 64-bit ints), as
    highwayhash's `SipHash` that TensorFlow's `to_hash_bucket_strong` calls."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    k0, k1 = (int(k) & _MASK for k in key)
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573
    length = len(data)
    tail_start = length - length % 8
    for i in range(0, tail_start, 8):
        m = _fetch64(data, i)
        v3 ^= m
        v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
        v0 ^= m
    # The last block: the remaining bytes, with the length's low byte on top.
    m = int.from_bytes(data[tail_start:], "little") | ((length & 0xFF) << 56)
    v3 ^= m
    v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
    v0 ^= m
    v2 ^= 0xFF
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def as_hash_bytes(value: object) -> bytes:
    """The bytes TensorFlow hashes for one element: a string's UTF-8 bytes, an integer's
    decimal digits (`tf.as_string`), a bool as "true"/"false"."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return b"true" if value else b"false"
    try:
        return str(int(value)).encode("ascii")  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise TypeError(f"cannot hash a value of type {type(value).__name__} ({value!r:.40}); expected a string, "
                        "bytes or an integer") from None


def to_hash_bucket_fast(value: object, num_buckets: int) -> int:
    """`tf.strings.to_hash_bucket_fast` for one element: Fingerprint64 mod `num_buckets`."""
    return fingerprint64(as_hash_bytes(value)) % num_buckets


def to_hash_bucket_strong(value: object, num_buckets: int, key: Iterable[int]) -> int:
    """`tf.strings.to_hash_bucket_strong` for one element: SipHash-2-4 mod `num_buckets`."""
    return siphash64(key, as_hash_bytes(value)) % num_buckets
