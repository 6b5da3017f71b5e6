"""tf.strings.format, ngrams, bytes_split, unsorted_segment_join and unicode_transcode against
TensorFlow 2.21 (fixtures/tf_strings_more/): format's tensor summaries (nesting, summarize,
floats, bools, strings), n-grams with widths, separators, padding and short sequences."""
import json
import os

import numpy as np
import pytest

import swiftdl as tf

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_strings_more", "strings_more.json")) as _file:
    TF = json.load(_file)


def _encoded(value):
    if isinstance(value, (list, np.ndarray)):
        return [_encoded(v) for v in value]
    return (value.encode() if isinstance(value, str) else bytes(value)).hex()


@pytest.mark.parametrize("case", TF["format"], ids=lambda case: case["template"])
def test_format_matches_tensorflow(case):
    inputs = [np.asarray(v, dtype=object) if isinstance(v, list) and v and isinstance(v[0], str) else tf.constant(v)
              for v in case["inputs"]]
    assert tf.strings.format(case["template"], inputs, **case["options"]) == case["result"]


@pytest.mark.parametrize("case", TF["ngrams"], ids=lambda case: str(case["options"]))
def test_ngrams_match_tensorflow(case):
    options = {k: tuple(v) if isinstance(v, list) else v for k, v in case["options"].items()}
    width = tuple(case["width"]) if isinstance(case["width"], list) else case["width"]
    assert _encoded(tf.strings.ngrams(case["data"], width, **options)) == case["result"]


def test_bytes_segments_and_transcoding_match_tensorflow():
    assert _encoded(tf.strings.bytes_split("héllo")) == TF["bytes_split"]
    assert _encoded(tf.strings.unsorted_segment_join(["a", "b", "c", "d"], [0, 1, 0, 2], 4, separator=":")) == \
        TF["unsorted_segment_join"]
    assert _encoded(tf.strings.unicode_transcode(["héllo", "ok"], "UTF-8", "UTF-16-BE")) == TF["unicode_transcode"]


def test_bad_arguments():
    with pytest.raises(tf.errors.InvalidArgumentError, match="placeholders"):
        tf.strings.format("{} {}", [tf.constant(1)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="ngram_width"):
        tf.strings.ngrams(["a"], 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="segment_ids"):
        tf.strings.unsorted_segment_join(["a", "b"], [0, 5], 2)
