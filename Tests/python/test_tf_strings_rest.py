"""tf.strings.to_hash_bucket (TensorFlow's legacy Hash64), unicode_decode_with_offsets and
unicode_split_with_offsets against TensorFlow 2.21 (fixtures/tf_strings_rest, written by
make_tf_strings_rest_fixture.py)."""
import json
import pathlib

import numpy as np
import pytest

import swiftdl as tf

TF = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf_strings_rest" / "tf_strings_rest.json")
                .read_text(encoding="utf-8"))


@pytest.mark.parametrize("buckets", ["1", "10", "1000", str(2 ** 40)])
def test_to_hash_bucket_matches_tensorflow(buckets):
    result = tf.strings.to_hash_bucket(TF["texts"], int(buckets))
    assert np.asarray(result).dtype == np.int64
    assert np.asarray(result).tolist() == TF["to_hash_bucket"][buckets]
    assert int(tf.strings.to_hash_bucket(TF["texts"][3], int(buckets))) == TF["to_hash_bucket"][buckets][3]
    with pytest.raises(ValueError, match="num_buckets"):
        tf.strings.to_hash_bucket(TF["texts"], 0)


def test_unicode_offsets_match_tensorflow():
    points, offsets = tf.strings.unicode_decode_with_offsets(TF["words"], "UTF-8")
    assert points.to_list() == TF["points"] and offsets.to_list() == TF["offsets"]
    chars, char_offsets = tf.strings.unicode_split_with_offsets(TF["words"], "UTF-8")
    assert [[bytes(c).decode() if isinstance(c, bytes) else c for c in row] for row in chars.to_list()] == TF["chars"]
    assert char_offsets.to_list() == TF["char_offsets"]
    points, offsets = tf.strings.unicode_decode_with_offsets(TF["words"][0], "UTF-8")
    assert np.asarray(points).tolist() == TF["single_points"] and np.asarray(offsets).tolist() == TF["single_offsets"]
    with pytest.raises(ValueError, match="UTF-8"):
        tf.strings.unicode_decode_with_offsets(TF["words"], "UTF-16-BE")
