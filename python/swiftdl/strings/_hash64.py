"""tf.strings.to_hash_bucket: TensorFlow's legacy Hash64 (MurmurHash64A with the seed
0xDECAFCAFFE, tensorflow/core/lib/hash) of each string's UTF-8 bytes, modulo num_buckets.
(to_hash_bucket_fast uses FarmHash's Fingerprint64 instead; see swiftdl._farmhash.)"""
_MASK = (1 << 64) - 1
_MULTIPLIER = 0xC6A4A7935BD1E995
_SHIFT = 47
SEED = 0xDECAFCAFFE


def hash64(data: bytes, seed: int = SEED) -> int:
    """MurmurHash64A of `data` (little-endian 8-byte blocks, then the tail bytes)."""
    h = (seed ^ (len(data) * _MULTIPLIER)) & _MASK
    blocks = len(data) // 8
    for i in range(blocks):
        k = int.from_bytes(data[8 * i:8 * i + 8], "little")
        k = (k * _MULTIPLIER) & _MASK
        k ^= k >> _SHIFT
        k = (k * _MULTIPLIER) & _MASK
        h ^= k
        h = (h * _MULTIPLIER) & _MASK
    tail = data[8 * blocks:]
    if tail:
        for position in range(len(tail) - 1, -1, -1):
            h ^= tail[position] << (8 * position)
        h = (h * _MULTIPLIER) & _MASK
    h ^= h >> _SHIFT
    h = (h * _MULTIPLIER) & _MASK
    h ^= h >> _SHIFT
    return h


def to_hash_bucket(input, num_buckets, name=None):  # noqa: A002
    """int64 bucket Hash64(s) mod num_buckets per string (tf.strings.to_hash_bucket, the
    legacy op; TensorFlow recommends to_hash_bucket_fast for new code)."""
    from . import _buckets
    return _buckets(input, num_buckets, "to_hash_bucket",
                    lambda text: hash64(text.encode("utf-8")) % int(num_buckets))
