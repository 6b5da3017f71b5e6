"""The engine's batch string hashes (swiftdl._string_hash over _C.strings_fingerprint64 /
strings_siphash64) against the per-string Python reference swiftdl._farmhash, on random
strings of every byte length 0..300 (FarmHash branches at 16, 32 and 64 bytes and loops over
64-byte blocks; SipHash over 8-byte words and a 0-7 byte tail), ASCII and multi-byte UTF-8,
in every array layout the C extension reads (numpy str, bytes and object arrays); and
against the buckets real TensorFlow computed (fixtures/keras_preprocessing/tf_hash.npz).
Hashes are integers, so the comparisons are exact: both sides run the same algorithm."""
import os

import numpy as np
import pytest

from swiftdl import _C, _farmhash, _string_hash

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_preprocessing", "tf_hash.npz")
INT64_MAX = 2**63 - 1
KEYS = [(133, 137), (2**62 + 5, 12345), (2**64 - 1, 0)]
# Code points of 1, 2, 3 and 4 UTF-8 bytes.
ALPHABET = list("abcXYZ019 _-") + ["é", "ß", "ж", "€", "中", "😀", "\u0000"]


def _random_bytes(rng, length):
    return rng.integers(0, 256, length, dtype=np.uint8).tobytes()


def _random_text(rng, code_points):
    return "".join(rng.choice(ALPHABET, code_points))


@pytest.fixture(scope="module")
def byte_strings():
    """Three random byte strings of every length 0..300 (any bytes, NUL and non-UTF-8 included)."""
    rng = np.random.default_rng(7)
    return [_random_bytes(rng, length) for length in range(301) for _ in range(3)]


@pytest.fixture(scope="module")
def texts():
    """Random text mixing 1- to 4-byte code points, so UTF-8 lengths land on every branch."""
    rng = np.random.default_rng(11)
    return [_random_text(rng, n) for n in range(0, 160) for _ in range(2)]


def test_fingerprint64_matches_reference_for_every_byte_length(byte_strings):
    got = _string_hash.fingerprint64_array(np.array(byte_strings, dtype=object))
    want = [_farmhash._fingerprint64_python(b) for b in byte_strings]
    assert got.dtype == np.uint64 and got.tolist() == want


@pytest.mark.parametrize("key", KEYS)
def test_siphash64_matches_reference_for_every_byte_length(byte_strings, key):
    got = _string_hash.siphash64_array(np.array(byte_strings, dtype=object), key)
    assert got.tolist() == [_farmhash.siphash64(key, b) for b in byte_strings]


def test_utf8_text_hashes_as_its_utf8_bytes_in_every_layout(texts):
    want = [_farmhash._fingerprint64_python(t.encode("utf-8")) for t in texts]
    lengths = np.array([len(t.encode("utf-8")) for t in texts])
    for low, high in ((0, 0), (1, 16), (17, 32), (33, 64), (65, 128), (129, 300)):  # every FarmHash branch
        assert ((lengths >= low) & (lengths <= high)).sum() >= 2, (low, high)
    as_str = np.array(texts)  # numpy "U": UCS-4, encoded to UTF-8 by the extension
    as_object = np.array(texts, dtype=object)
    # numpy drops trailing NULs of "U" items when reading them back; hash what it reads.
    stripped = [t.rstrip("\x00") for t in texts]
    want_stripped = [_farmhash._fingerprint64_python(t.encode("utf-8")) for t in stripped]
    assert _string_hash.fingerprint64_array(as_str).tolist() == want_stripped
    assert _string_hash.fingerprint64_array(as_object).tolist() == want
    key = KEYS[1]
    assert _string_hash.siphash64_array(as_str, key).tolist() == [_farmhash.siphash64(key, t) for t in stripped]


def test_bytes_arrays_hash_as_numpy_reads_them(byte_strings):
    # A numpy "S" array drops trailing NULs, as indexing it does.
    as_bytes = np.array(byte_strings, dtype="S")
    want = [_farmhash._fingerprint64_python(bytes(b)) for b in as_bytes]
    assert _string_hash.fingerprint64_array(as_bytes).tolist() == want


def test_shapes_strides_and_empty_arrays():
    grid = np.array([["a", "bb", "ccc"], ["", "dddd", "e" * 70]])
    want = np.array([[_farmhash.fingerprint64(s) for s in row] for row in grid.tolist()], dtype=np.uint64)
    np.testing.assert_array_equal(_string_hash.fingerprint64_array(grid), want)
    np.testing.assert_array_equal(_string_hash.fingerprint64_array(grid.T), want.T)  # not C-contiguous
    np.testing.assert_array_equal(_string_hash.fingerprint64_array(grid[:, ::2]), want[:, ::2])
    swapped = grid.astype(grid.dtype.newbyteorder(">" if grid.dtype.byteorder in "=<" else "<"))  # not native
    np.testing.assert_array_equal(_string_hash.fingerprint64_array(swapped), want)
    scalar = _string_hash.fingerprint64_array(np.array("abc"))
    assert scalar.shape == () and scalar.item() == _farmhash.fingerprint64("abc")
    assert _string_hash.siphash64_array(np.array("abc"), (1, 2)).shape == ()
    assert _string_hash.fingerprint64_array(np.array([], dtype=str)).shape == (0,)
    assert _string_hash.fingerprint64_array(np.array([""] * 4)).tolist() == [_farmhash.fingerprint64(b"")] * 4


def test_integers_and_booleans_hash_as_tensorflow_writes_them():
    values = np.array([0, 7, -7, 2**63 - 1, -2**63], dtype=np.int64)
    assert _string_hash.fingerprint64_array(values).tolist() == [_farmhash.fingerprint64(str(v)) for v in values.tolist()]
    assert _string_hash.fingerprint64_array(np.array([True, False])).tolist() == [
        _farmhash.fingerprint64("true"), _farmhash.fingerprint64("false")]


def test_buckets_equal_tensorflow():
    with np.load(FIXTURE) as data:
        tf_hash = {key: data[key] for key in data.files}
    strings = tf_hash["strings"]
    for num_buckets, key in ((INT64_MAX, "fast_int64max"), (1000003, "fast_1000003"), (3, "fast_3")):
        np.testing.assert_array_equal(_string_hash.hash_bucket_array(strings, num_buckets), tf_hash[key])
    np.testing.assert_array_equal(_string_hash.hash_bucket_array(strings, 1000003, [133, 137]),
                                  tf_hash["strong_133_137"])
    np.testing.assert_array_equal(_string_hash.hash_bucket_array(strings, INT64_MAX, [2**62 + 5, 12345]),
                                  tf_hash["strong_large_key"])
    np.testing.assert_array_equal(_string_hash.hash_bucket_array(tf_hash["ints"], 1000003),
                                  tf_hash["ints_fast_1000003"])


@pytest.mark.parametrize("values, error, match", [
    (np.array(["a", None], dtype=object), TypeError, "str or bytes"),
    (np.array(["a", 3], dtype=object), TypeError, "int"),
    (np.array([1.5, 2.0]), TypeError, "float64"),
    (np.array(["ok", "\ud800"]), ValueError, "surrogate"),
    (np.array(["\ud800"], dtype=object), UnicodeEncodeError, "surrogate"),
])
def test_bad_values_raise_python_errors(values, error, match):
    with pytest.raises(error, match=match):
        _string_hash.fingerprint64_array(values)


def test_extension_checks_its_arguments():
    strings = np.array(["a", "b"])
    with pytest.raises(ValueError, match="8-byte items"):
        _C.strings_fingerprint64(strings, np.empty(3, np.uint64))
    with pytest.raises(ValueError, match="8-byte items"):
        _C.strings_fingerprint64(strings, np.empty(2, np.uint32))
    with pytest.raises(TypeError, match="format"):
        _C.strings_fingerprint64(np.array([1, 2]), np.empty(2, np.uint64))
    with pytest.raises(TypeError):
        _C.strings_fingerprint64(["a", "b"], np.empty(2, np.uint64))  # a list has no buffer
    read_only = np.empty(2, np.uint64)
    read_only.flags.writeable = False
    with pytest.raises(TypeError, match="writable"):
        _C.strings_siphash64(strings, read_only, 1, 2)
    with pytest.raises(TypeError, match="writable"):
        _C.strings_siphash64(strings, b"0123456789abcdef", 1, 2)


@pytest.mark.parametrize("salt", [None, [133, 137]])
def test_hashing_layer_matches_reference_for_every_input_form(texts, salt):
    from swiftdl.keras import layers
    tokens = np.array([t.replace("\x00", "") for t in texts[:60]] + ["mask"] * 4).reshape(16, 4)
    layer = layers.Hashing(num_bins=11, mask_value="mask", salt=salt)
    bucket = ((lambda t: _farmhash.to_hash_bucket_fast(t, 10)) if salt is None
              else (lambda t: _farmhash.to_hash_bucket_strong(t, 10, salt)))
    want = np.array([[0 if t == "mask" else bucket(t) + 1 for t in row] for row in tokens.tolist()])
    encoded = np.char.encode(tokens, "utf-8")
    for form in (tokens, tokens.astype(object), encoded, encoded.astype(object)):
        np.testing.assert_array_equal(np.asarray(layer(form)), want)
