"""tf.strings against TensorFlow 2.21's outputs (fixtures/tf_strings/), scalar inputs giving
text back (as a TextVectorization standardize function needs), and bad input."""
import json
import os
import re
import string

import numpy as np
import pytest

import swiftdl as tf
from swiftdl import keras

FIXTURE = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_strings", "tf_strings.json"),
                         encoding="utf-8"))
TEXTS, RESULTS = FIXTURE["texts"], FIXTURE["results"]

CALLS = {
    "lower": lambda t: tf.strings.lower(t),
    "upper": lambda t: tf.strings.upper(t),
    "upper_utf8": lambda t: tf.strings.upper(t, encoding="utf-8"),
    "strip": lambda t: tf.strings.strip(t),
    "length": lambda t: tf.strings.length(t),
    "length_chars": lambda t: tf.strings.length(t, unit="UTF8_CHAR"),
    "regex_replace": lambda t: tf.strings.regex_replace(t, r"<br\s*/?>", " "),
    "regex_replace_first": lambda t: tf.strings.regex_replace(t, r"(\w)(\w*)", r"\2\1", replace_global=False),
    "regex_full_match": lambda t: tf.strings.regex_full_match(t, r"[a-zA-Z ]+"),
    "split": lambda t: tf.strings.split(t),
    "split_sep": lambda t: tf.strings.split(t, sep=" "),
    "join": lambda t: tf.strings.join([t, t], separator="|"),
    "reduce_join": lambda t: tf.strings.reduce_join(t, separator="+"),
    "substr_chars": lambda t: tf.strings.substr(t, 0, 4, unit="UTF8_CHAR"),
    "unicode_decode": lambda t: tf.strings.unicode_decode(t, "UTF-8"),
    "bucket_fast": lambda t: tf.strings.to_hash_bucket_fast(t, 1000),
    "bucket_strong": lambda t: tf.strings.to_hash_bucket_strong(t, 1000, [17, 99]),
}


def _plain(value):
    if isinstance(value, tf.RaggedTensor):  # split and unicode_decode of a batch, as TensorFlow returns them
        return value.to_list()
    if isinstance(value, (tf.Tensor, np.ndarray)):
        return np.asarray(value).tolist()
    return value


@pytest.mark.parametrize("name", sorted(CALLS))
def test_matches_tensorflow(name):
    assert _plain(CALLS[name](TEXTS)) == RESULTS[name]


def test_lower_utf8_and_numbers():
    assert _plain(tf.strings.lower(["ÉCOLE Über"], encoding="utf-8")) == RESULTS["lower_utf8"]
    assert _plain(tf.strings.to_number(["1.5", "-2", " 3e2", "0.25"])) == RESULTS["to_number"]
    assert tf.strings.to_number(["7", "-3"], out_type=tf.int32).dtype == np.int32
    assert _plain(tf.strings.as_string([1.5, -2.25, 1e-7, 12345.678])) == RESULTS["as_string"]
    assert _plain(tf.strings.as_string([1.5, -2.25], precision=3)) == RESULTS["as_string_precision"]
    assert _plain(tf.strings.as_string([1.5, -2.25], scientific=True)) == RESULTS["as_string_scientific"]
    assert _plain(tf.strings.as_string([7, -42], width=5)) == RESULTS["as_string_int_width"]
    assert tf.strings.as_string(True) == "true" and tf.strings.as_string(-3, width=5, fill="0") == "-0003"


def test_scalars_give_text_back_and_nested_shapes_keep_their_shape():
    assert tf.strings.lower("ABC") == "abc" and tf.strings.split("a b").tolist() == ["a", "b"]
    assert tf.strings.regex_replace(b"x-y", "-", "+") == "x+y"
    grid = tf.strings.upper([["a", "b"], ["c", "d"]])
    assert grid.shape == (2, 2) and grid[1, 0] == "C"
    assert tf.strings.reduce_join([["a", "b"], ["c", "d"]], axis=1, separator="-").tolist() == ["a-b", "c-d"]
    nested = tf.strings.split([["a b"], ["c"]])
    assert nested.to_list() == [[["a", "b"]], [["c"]]] and nested.shape.as_list() == [2, 1, None]
    assert tf.strings.unicode_encode([104, 233], "UTF-8") == "hé"


def test_custom_standardization_for_text_vectorization():
    """keras.io's text classification example standardizes with tf.strings."""
    def custom_standardization(input_data):
        lowercase = tf.strings.lower(input_data)
        stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
        return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")

    layer = keras.layers.TextVectorization(standardize=custom_standardization, max_tokens=20, output_mode="int",
                                           output_sequence_length=6)
    layer.adapt(["The movie was GREAT!<br />Great.", "terrible, terrible movie"])
    ids = np.asarray(layer(["great movie"]))
    vocabulary = layer.get_vocabulary()
    assert [vocabulary[i] for i in ids[0] if i] == ["great", "movie"]


@pytest.mark.parametrize("call,error", [
    (lambda: tf.strings.lower([1, 2]), TypeError),
    (lambda: tf.strings.to_number(["1.5x"]), tf.errors.InvalidArgumentError),
    (lambda: tf.strings.regex_replace("a", "(", "b"), tf.errors.InvalidArgumentError),
    (lambda: tf.strings.length("a", unit="WORD"), ValueError),
    (lambda: tf.strings.substr("abc", 5, 1), tf.errors.InvalidArgumentError),
    (lambda: tf.strings.to_hash_bucket_fast("a", 0), ValueError),
    (lambda: tf.strings.to_hash_bucket_strong("a", 10, [1]), ValueError),
    (lambda: tf.strings.split("a", sep=""), ValueError),
    (lambda: tf.strings.as_string(["a"]), TypeError),
    (lambda: tf.strings.reduce_join(["a"], axis=3), ValueError),
])
def test_bad_input_raises(call, error):
    with pytest.raises(error):
        call()


def test_constant_and_convert_to_tensor_hold_text_as_tf_strings_does():
    # tf.constant(["..."]) is how text pipelines start; it gives what tf.strings takes and returns.
    words = tf.constant(["ab", "c"])
    assert isinstance(words, np.ndarray) and words.dtype == object and words.tolist() == ["ab", "c"]
    assert tf.strings.upper(words).tolist() == ["AB", "C"]
    assert tf.constant(b"x").shape == () and tf.constant(b"x").item() == b"x"
    assert tf.constant("ab", shape=(2, 2)).tolist() == [["ab", "ab"], ["ab", "ab"]]
    assert tf.convert_to_tensor([["a"], ["b"]], dtype=tf.string).shape == (2, 1)
    with pytest.raises(TypeError, match="str or bytes"):
        tf.constant(["a", 1])
    with pytest.raises(TypeError, match="str or bytes"):
        tf.constant([1, 2], dtype=tf.string)
