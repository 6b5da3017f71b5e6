"""tf.data.TextLineDataset, tf.io.decode_csv, encode_base64/decode_base64 and matching_files
against TensorFlow 2.21 (fixtures/tf_text_io/): lines with CRLF, blank lines and no final
newline, plain and GZIP; CSV columns with TensorFlow's types, defaults, quotes, na_value,
select_cols and delimiters; web-safe base64; a CSV pipeline trains a model; bad records."""
import json
import os

import numpy as np
import pytest

import swiftdl as tf

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf_text_io")
with open(os.path.join(FIXTURES, "text_io.json")) as _file:
    TF = json.load(_file)


@pytest.mark.parametrize("filename,compression", [("lines.txt", None), ("lines.txt.gz", "GZIP")])
def test_text_lines_match_tensorflow(filename, compression):
    lines = [str(line) for line in tf.data.TextLineDataset(os.path.join(FIXTURES, filename), compression)]
    assert lines == TF["lines"]


@pytest.mark.parametrize("case", TF["csv"], ids=lambda case: str(case["options"]))
def test_decode_csv_matches_tensorflow(case):
    columns = tf.io.decode_csv(case["records"], case["defaults"], **case["options"])
    assert [str(np.asarray(c).dtype) if np.asarray(c).dtype != object else "string" for c in columns] == \
        case["dtypes"]
    for column, expected in zip(columns, case["columns"]):
        assert np.asarray(column).tolist() == expected


def test_base64_and_matching_files(tmp_path):
    values = ["hello?>", "", "\u00e9t\u00e9 \u2713"]
    assert [v.decode() for v in tf.io.encode_base64(values)] == TF["base64"]
    assert [v.decode() for v in tf.io.encode_base64(values, pad=True)] == TF["base64_pad"]
    assert [v.decode("utf-8") for v in tf.io.decode_base64(TF["base64"])] == values
    for name in ("b.csv", "a.csv", "c.txt"):
        (tmp_path / name).write_text("x")
    assert list(tf.io.matching_files(str(tmp_path / "*.csv"))) == [str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]


def test_a_csv_pipeline_trains():
    from swiftdl import keras
    dataset = tf.data.TextLineDataset(os.path.join(FIXTURES, "lines.txt")).skip(1).take(3).map(
        lambda line: tf.io.decode_csv(line, [[0], [0.0], [""]])).map(
        lambda i, score, name: (tf.reshape(score, [1]), i)).batch(3)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(4, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(dataset, epochs=1, verbose=0)


def test_bad_records():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 1 fields but have 2"):
        tf.io.decode_csv(["1,2"], [[0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="required but missing"):
        tf.io.decode_csv([","], [tf.constant([], tf.int32), [0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a valid int32"):
        tf.io.decode_csv(["x,2"], [[0], [0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="base64"):
        tf.io.decode_base64(["@@@"])
