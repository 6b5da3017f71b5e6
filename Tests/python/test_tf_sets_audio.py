"""tf.sets and tf.audio against TensorFlow 2.21 (fixtures/tf_sets_audio, written by
make_tf_sets_audio_fixture.py)."""
import json
import pathlib

import numpy as np
import pytest

import swiftdl as tf

TF = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf_sets_audio" / "tf_sets_audio.json").read_text())
A, B = np.array(TF["a"], np.int64), np.array(TF["b"], np.int64)
SA = tf.SparseTensor(TF["sa"]["indices"], np.array(TF["sa"]["values"], np.int64), TF["sa"]["dense_shape"])


def check(result, expected):
    assert np.asarray(result.indices).tolist() == expected["indices"]
    assert np.asarray(result.dense_shape).tolist() == expected["dense_shape"]
    values = [v.decode() if isinstance(v, bytes) else v for v in np.asarray(result.values).tolist()]
    assert values == expected["values"]


def test_sets_match_tensorflow():
    assert np.asarray(tf.sets.size(tf.sets.union(A, B))).tolist() == TF["size"]
    assert np.asarray(tf.sets.size(SA)).tolist() == TF["size_sparse"]
    check(tf.sets.intersection(A, B), TF["intersection"])
    check(tf.sets.union(A, B), TF["union"])
    check(tf.sets.difference(A, B), TF["difference"])
    check(tf.sets.difference(A, B, aminusb=False), TF["difference_ba"])
    check(tf.sets.union(SA, B), TF["sparse_union"])
    check(tf.sets.intersection(SA, B), TF["sparse_intersection"])
    words_a, words_b = np.array([["x", "y", "z"], ["p", "q", "p"]]), np.array([["z", "w", "x"], ["q", "r", "s"]])
    check(tf.sets.union(words_a, words_b), TF["words_union"])
    check(tf.sets.difference(words_a, words_b), TF["words_difference"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="same shape"):
        tf.sets.union(A, B[:1])
    with pytest.raises(TypeError, match="integers or strings"):
        tf.sets.union(A.astype(float), B.astype(float))


def test_audio_matches_tensorflow():
    audio = np.array(TF["audio"], np.float32)
    wav = tf.audio.encode_wav(audio, 16000)
    assert bytes(wav) == bytes.fromhex(TF["wav"])
    assert bytes(tf.audio.encode_wav(audio[:, :1], 8000)) == bytes.fromhex(TF["mono_wav"])
    decoded, rate = tf.audio.decode_wav(wav)
    np.testing.assert_array_equal(np.asarray(decoded), TF["decoded"])
    assert int(rate) == TF["rate"] and np.asarray(decoded).dtype == np.float32
    mono = bytes.fromhex(TF["mono_wav"])
    np.testing.assert_array_equal(np.asarray(tf.audio.decode_wav(mono, desired_channels=2)[0]), TF["decoded_mono_to_2"])
    np.testing.assert_array_equal(np.asarray(tf.audio.decode_wav(wav, desired_channels=1)[0]), TF["decoded_2_to_1"])
    np.testing.assert_array_equal(np.asarray(tf.audio.decode_wav(wav, desired_samples=50)[0]), TF["decoded_samples"])
    np.testing.assert_array_equal(np.asarray(tf.audio.decode_wav(wav, desired_samples=10)[0]), TF["decoded_short"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="RIFF"):
        tf.audio.decode_wav(b"not a wav file")
    with pytest.raises(tf.errors.InvalidArgumentError, match="2-D"):
        tf.audio.encode_wav(np.zeros(3, np.float32), 8000)
