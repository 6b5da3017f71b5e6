"""swiftdl._farmhash against hashes real TensorFlow computed (fixtures/keras_preprocessing/tf_hash.npz,
made by make_tf_hash_fixture.py): Fingerprint64 for every length class, SipHash-2-4 with two keys,
integers hashed as their decimal strings, and FingerprintCat64 crosses."""
import os

import numpy as np
import pytest

from swiftdl import _farmhash

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_preprocessing", "tf_hash.npz")
INT64_MAX = 2**63 - 1


@pytest.fixture(scope="module")
def tf_hash():
    with np.load(FIXTURE) as data:
        return {key: data[key] for key in data.files}


def test_python_fingerprint64_equals_tensorflow_for_every_length(tf_hash):
    for text, by_max, by_prime, by_three in zip(tf_hash["strings"], tf_hash["fast_int64max"], tf_hash["fast_1000003"],
                                                tf_hash["fast_3"]):
        fp = _farmhash._fingerprint64_python(text.encode("utf-8"))
        assert 0 <= fp < 2**64
        assert (fp % INT64_MAX, fp % 1000003, fp % 3) == (by_max, by_prime, by_three), (len(text), text[:20])


def test_public_fingerprint64_equals_tensorflow(tf_hash):
    # The optional pyfarmhash path when installed, the Python one otherwise.
    got = [_farmhash.to_hash_bucket_fast(t, 1000003) for t in tf_hash["strings"]]
    np.testing.assert_array_equal(got, tf_hash["fast_1000003"])
    assert _farmhash.fingerprint64("abc") == _farmhash.fingerprint64(b"abc") == 2640714258260161385


def test_pyfarmhash_when_installed_agrees():
    farmhash = pytest.importorskip("farmhash")
    for n in (0, 3, 7, 16, 17, 33, 64, 65, 128, 200):
        data = bytes(range(n % 256))[:n] + b"x" * max(0, n - 256)
        assert farmhash.fingerprint64(data) == _farmhash._fingerprint64_python(data)


def test_siphash_equals_tensorflow_strong_buckets(tf_hash):
    got = [_farmhash.to_hash_bucket_strong(t, 1000003, [133, 137]) for t in tf_hash["strings"]]
    np.testing.assert_array_equal(got, tf_hash["strong_133_137"])
    got = [_farmhash.to_hash_bucket_strong(t, INT64_MAX, [2**62 + 5, 12345]) for t in tf_hash["strings"]]
    np.testing.assert_array_equal(got, tf_hash["strong_large_key"])


def test_integers_hash_as_their_decimal_strings(tf_hash):
    got = [_farmhash.to_hash_bucket_fast(i, 1000003) for i in tf_hash["ints"]]
    np.testing.assert_array_equal(got, tf_hash["ints_fast_1000003"])
    assert _farmhash.as_hash_bytes(np.int32(-7)) == b"-7"


def test_fingerprint_cat64_reproduces_cross_hashed(tf_hash):
    def cross(columns, num_buckets):
        out = []
        for row in zip(*columns):
            value = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default hash key
            for feature in row:
                if isinstance(feature, (np.integer, int)):
                    feature_hash = int(feature) & (2**64 - 1)  # integers enter the cross as they are
                else:
                    feature_hash = _farmhash.fingerprint64(str(feature))
                value = _farmhash.fingerprint_cat64(value, feature_hash)
            out.append(value % (num_buckets or INT64_MAX))
        return out
    a, b, c = tf_hash["cross_a"], tf_hash["cross_b"], tf_hash["cross_c"]
    np.testing.assert_array_equal(cross([a, b], 0), tf_hash["cross_ab_0"])
    np.testing.assert_array_equal(cross([a, b], 7), tf_hash["cross_ab_7"])
    np.testing.assert_array_equal(cross([b, b], 11), tf_hash["cross_bb_11"])
    np.testing.assert_array_equal(cross([c, a, b], 5), tf_hash["cross_cab_5"])


def test_unhashable_values_raise_type_error():
    with pytest.raises(TypeError, match="cannot hash"):
        _farmhash.as_hash_bytes(object())
    with pytest.raises(TypeError, match="cannot hash"):
        _farmhash.as_hash_bytes(None)
