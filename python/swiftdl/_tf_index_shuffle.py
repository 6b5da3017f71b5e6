"""tf.random_index_shuffle: a pseudorandom permutation of [0, max_index], evaluated at one
index, by cycle-walking a Simon block cipher (Beaulieu et al., 2013) whose block just covers
max_index (at least 16 bits), keyed by the 3-word seed, with `rounds` Feistel rounds. The
same cipher, key schedule and block sizes as TensorFlow's kernel give its permutation."""
import math

import numpy as np

from .errors import InvalidArgumentError, raises_tf_errors

_Z_SEQUENCE = 0x7369F885192C0EF5     # Simon's constant sequence z (as TensorFlow takes it)
_C = 0xFFFFFFFC


def _rotate_left(x, r, width, mask):
    return ((x << r) | (x >> (width - r))) & mask


def _round_keys(key, rounds, width):
    """The Simon key schedule for three key words, each truncated to the word width."""
    mask = (1 << width) - 1
    keys = [k & mask for k in key]
    z = _Z_SEQUENCE & mask
    for i in range(3, rounds):
        rotated3 = ((keys[i - 1] >> 3) | (keys[i - 1] << (width - 3))) & mask
        rotated4 = ((keys[i - 1] >> 4) | (keys[i - 1] << (width - 4))) & mask
        keys.append((_C & mask) ^ (z & 1) ^ keys[i - 3] ^ rotated3 ^ rotated4)
        z >>= 1
    return keys


def _mix(x, width, mask):
    """Simon's round function: (x <<< 1 & x <<< 8) ^ (x <<< 2)."""
    return (_rotate_left(x, 1, width, mask) & _rotate_left(x, 8, width, mask)) ^ _rotate_left(x, 2, width, mask)


def _encrypt(value, keys, width):
    mask = (1 << width) - 1
    left, right = (value >> width) & mask, value & mask
    for i in range(0, len(keys), 2):
        left ^= _mix(right, width, mask) ^ keys[i]
        right ^= _mix(left, width, mask) ^ keys[i + 1]
    return (left << width) | right


def _shuffle_one(index, key, max_index, rounds):
    if max_index == 0:
        return 0
    bits = math.ceil(math.log2(max_index))
    block = min(max(bits + bits % 2, 16), 64)
    keys = _round_keys(key, rounds, block // 2)
    value = index
    while True:
        value = _encrypt(value, keys, block // 2)
        if value <= max_index:
            return value


@raises_tf_errors
def random_index_shuffle(index, seed, max_index, rounds=4, name=None):
    """Where `index` lands in the permutation of [0, max_index] that `seed` (3 integers)
    picks; index may be a tensor of indices, max_index one bound or one per index.

    Raises:
        InvalidArgumentError: for a seed that is not 3 values, negative indices, an index
            above max_index, or rounds that are not even and at least 4.
    """
    from ._tf_cast import convert_to_tensor
    indices = np.asarray(index.numpy() if hasattr(index, "numpy") else index)
    bounds = np.asarray(max_index.numpy() if hasattr(max_index, "numpy") else max_index)
    key_values = np.asarray(seed.numpy() if hasattr(seed, "numpy") else seed).reshape(-1)
    if key_values.shape != (3,) or key_values.dtype.kind not in "iu":
        raise InvalidArgumentError(None, None, f"random_index_shuffle: seed must be 3 integers; received "
                                   f"{key_values.tolist()}")
    if int(rounds) < 4 or int(rounds) % 2:
        raise InvalidArgumentError(None, None, f"random_index_shuffle: rounds must be even and >= 4; received {rounds}")
    if indices.dtype.kind not in "iu" or np.any(indices < 0) or np.any(bounds < 0):
        raise InvalidArgumentError(None, None, "random_index_shuffle: index and max_index must be non-negative ints")
    key = [int(k) & 0xFFFFFFFF for k in key_values]
    flat_bounds = np.broadcast_to(bounds, indices.shape)
    if np.any(indices > flat_bounds):
        raise InvalidArgumentError(None, None, "random_index_shuffle: index must not exceed max_index")
    out = np.empty(indices.shape, dtype=indices.dtype)
    for position in np.ndindex(indices.shape):
        out[position] = _shuffle_one(int(indices[position]), key, int(flat_bounds[position]), int(rounds))
    return convert_to_tensor(out)
