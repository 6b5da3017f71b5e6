"""TFRecord files and tf.train.Example against TensorFlow 2.21 (fixtures/tf_tfrecord/): files
TensorFlow wrote (plain and GZIP) read back record for record; the same records written by
swiftdl give TensorFlow's file byte for byte; parse_single_example and parse_example give
TensorFlow's values (FixedLen with shapes and defaults, VarLen dense, strings as bytes);
Examples built with swiftdl's messages parse in the same way; damaged files and bad
features raise TensorFlow's errors."""
import json
import os

import numpy as np
import pytest

import swiftdl as tf

pytest.importorskip("google.protobuf")
pytest.importorskip("google_crc32c")

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf_tfrecord")
with open(os.path.join(FIXTURES, "records.json")) as _file:
    TF = json.load(_file)
RECORDS = [bytes.fromhex(record) for record in TF["records"]]
FEATURES = {"image": tf.io.FixedLenFeature([2, 3], tf.float32), "label": tf.io.FixedLenFeature([], tf.int64),
            "name": tf.io.FixedLenFeature([], tf.string), "tags": tf.io.VarLenFeature(tf.int64),
            "raw": tf.io.FixedLenFeature([], tf.string), "weight": tf.io.FixedLenFeature([], tf.float32, 1.0)}


def _check(value, expected):
    value = np.asarray(value)
    assert list(value.shape) == expected["shape"]
    if "bytes" in expected:
        assert [bytes(v).hex() for v in value.reshape(-1)] == expected["bytes"]
    else:
        assert value.dtype.name == expected["dtype"]
        np.testing.assert_array_equal(value, np.asarray(expected["values"], dtype=expected["dtype"]))


@pytest.mark.parametrize("filename,compression", [("examples.tfrecord", None), ("examples.tfrecord.gz", "GZIP")])
def test_reads_tensorflows_files(filename, compression):
    dataset = tf.data.TFRecordDataset(os.path.join(FIXTURES, filename), compression_type=compression)
    assert [bytes(np.asarray(r).item()) for r in dataset] == RECORDS


def test_writes_tensorflows_bytes(tmp_path):
    path = tmp_path / "ours.tfrecord"
    with tf.io.TFRecordWriter(str(path)) as writer:
        for record in RECORDS:
            writer.write(record)
    assert path.read_bytes() == open(os.path.join(FIXTURES, "examples.tfrecord"), "rb").read()
    zipped = tmp_path / "ours.tfrecord.zz"
    with tf.io.TFRecordWriter(str(zipped), options=tf.io.TFRecordOptions(compression_type="ZLIB")) as writer:
        for record in RECORDS:
            writer.write(record)
    assert [bytes(np.asarray(r).item()) for r in tf.data.TFRecordDataset(str(zipped), "ZLIB")] == RECORDS


@pytest.mark.parametrize("index", range(4))
def test_parse_single_example_matches_tensorflow(index):
    parsed = tf.io.parse_single_example(RECORDS[index], FEATURES)
    assert sorted(parsed) == sorted(TF["single"][index])
    for key, expected in TF["single"][index].items():
        _check(parsed[key], expected)


def test_parse_example_matches_tensorflow_and_a_pipeline_trains():
    parsed = tf.io.parse_example(RECORDS, FEATURES)
    for key, expected in TF["batch"].items():
        _check(parsed[key], expected)
    from swiftdl import keras
    dataset = tf.data.TFRecordDataset(os.path.join(FIXTURES, "examples.tfrecord")).map(
        lambda record: tf.io.parse_single_example(record, FEATURES)).map(
        lambda f: (tf.reshape(f["image"], [6]), f["label"])).batch(2)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(dataset, epochs=2, verbose=0)


def test_examples_built_here_parse_back():
    example = tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=[1.5, -2.0])),
        "word": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"hi", b"there"])),
        "steps": tf.train.Feature(int64_list=tf.train.Int64List(value=[1, 2, 3, 4]))}))
    parsed = tf.io.parse_single_example(example.SerializeToString(), {
        "x": tf.io.FixedLenFeature([2], tf.float32), "word": tf.io.FixedLenFeature([2], tf.string),
        "steps": tf.io.FixedLenSequenceFeature([2], tf.int64), "missing": tf.io.VarLenFeature(tf.float32)})
    np.testing.assert_array_equal(np.asarray(parsed["x"]), [1.5, -2.0])
    assert list(parsed["word"]) == [b"hi", b"there"]
    np.testing.assert_array_equal(np.asarray(parsed["steps"]), [[1, 2], [3, 4]])
    assert np.asarray(parsed["missing"]).shape == (0,)
    sequence = tf.train.SequenceExample()
    sequence.feature_lists.feature_list["frames"].feature.add().float_list.value.extend([1.0, 2.0])
    assert tf.train.SequenceExample.FromString(sequence.SerializeToString()) == sequence


def test_damage_and_bad_features(tmp_path):
    data = bytearray(open(os.path.join(FIXTURES, "examples.tfrecord"), "rb").read())
    data[20] ^= 0xFF
    damaged = tmp_path / "damaged.tfrecord"
    damaged.write_bytes(bytes(data))
    with pytest.raises(tf.errors.DataLossError, match="checksum"):
        list(tf.data.TFRecordDataset(str(damaged)))
    truncated = tmp_path / "truncated.tfrecord"
    truncated.write_bytes(bytes(data[:30]))
    with pytest.raises(tf.errors.DataLossError):
        list(tf.data.TFRecordDataset(str(truncated)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="required"):
        tf.io.parse_single_example(RECORDS[0], {"absent": tf.io.FixedLenFeature([], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="wrong type"):
        tf.io.parse_single_example(RECORDS[0], {"label": tf.io.FixedLenFeature([], tf.float32)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected 4 values"):
        tf.io.parse_single_example(RECORDS[0], {"image": tf.io.FixedLenFeature([2, 2], tf.float32)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse"):
        tf.io.parse_single_example(b"\xff\xff\xff", {"x": tf.io.FixedLenFeature([], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="compression_type"):
        tf.io.TFRecordWriter(str(tmp_path / "x"), options="LZMA")
