"""tf.io.parse_single_sequence_example / parse_sequence_example, SparseFeature and
RaggedFeature in parse_example, decode_json_example and decode_compressed against
TensorFlow 2.21 (fixtures/tf_io_sequence, written by make_tf_io_sequence_fixture.py)."""
import json
import pathlib

import numpy as np
import pytest

import swiftdl as tf

pytest.importorskip("google.protobuf")
TF = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf_io_sequence" / "tf_io_sequence.json").read_text())
RECORDS = [bytes.fromhex(r) for r in TF["records"]]
CONTEXT = {"label": tf.io.FixedLenFeature([], tf.int64), "name": tf.io.FixedLenFeature([], tf.string),
           "weights": tf.io.VarLenFeature(tf.float32)}
SEQUENCE = {"frames": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True),
            "tokens": tf.io.VarLenFeature(tf.int64),
            "words": tf.io.FixedLenSequenceFeature([], tf.string, allow_missing=True),
            "ragged_marks": tf.io.RaggedFeature(tf.int64, value_key="marks")}


def check(value, expected):
    if "ragged" in expected:
        assert isinstance(value, tf.RaggedTensor)
        assert value.to_list() == expected["ragged"]
        return
    value = np.asarray(value)
    assert list(value.shape) == expected["shape"]
    if "bytes" in expected:
        assert [bytes(v).hex() for v in value.reshape(-1)] == expected["bytes"]
    else:
        assert value.dtype.name == expected["dtype"]
        np.testing.assert_array_equal(value.reshape(-1), expected["values"])


@pytest.mark.parametrize("index", range(3))
def test_parse_single_sequence_example_matches_tensorflow(index):
    context, sequence = tf.io.parse_single_sequence_example(RECORDS[index], CONTEXT, SEQUENCE)
    expected = TF["single"][index]
    assert sorted(context) == sorted(expected["context"]) and sorted(sequence) == sorted(expected["sequence"])
    for key, value in context.items():
        check(value, expected["context"][key])
    for key, value in sequence.items():
        check(value, expected["sequence"][key])


def test_parse_sequence_example_matches_tensorflow():
    context, sequence, lengths = tf.io.parse_sequence_example(RECORDS, CONTEXT, SEQUENCE)
    for part, values in (("context", context), ("sequence", sequence), ("lengths", lengths)):
        assert sorted(values) == sorted(TF["batch"][part])
        for key, value in values.items():
            check(value, TF["batch"][part][key])


def test_sequence_example_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="required"):
        tf.io.parse_single_sequence_example(RECORDS[2], None, {"frames": tf.io.FixedLenSequenceFeature([2], tf.float32)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Number of values"):
        tf.io.parse_single_sequence_example(RECORDS[0], None, {"frames": tf.io.FixedLenSequenceFeature([3], tf.float32)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse"):
        tf.io.parse_single_sequence_example(b"\xff\xff", CONTEXT, SEQUENCE)
    with pytest.raises(ValueError, match="must be one of"):
        tf.io.parse_single_sequence_example(RECORDS[0], None, {"label": tf.io.FixedLenFeature([], tf.int64)})


def test_sparse_and_ragged_features_match_tensorflow():
    examples = [bytes.fromhex(e) for e in TF["examples"]]
    features = {"sparse": tf.io.SparseFeature("ids", "vals", tf.float32, 6),
                "ragged": tf.io.RaggedFeature(tf.float32, value_key="scores"),
                "nested": tf.io.RaggedFeature(tf.int64, value_key="flat",
                                              partitions=[tf.io.RaggedFeature.RowLengths("lens")])}
    expected = TF["composite"]
    parsed = tf.io.parse_example(examples, features)
    for part in ("indices", "values", "dense_shape"):
        np.testing.assert_array_equal(np.asarray(getattr(parsed["sparse"], part)), expected["sparse"][part])
    assert parsed["ragged"].to_list() == expected["ragged"] and parsed["nested"].to_list() == expected["nested"]
    single = tf.io.parse_single_example(examples[0], features)
    for part in ("indices", "values", "dense_shape"):
        np.testing.assert_array_equal(np.asarray(getattr(single["sparse"], part)), expected["single_sparse"][part])
    np.testing.assert_array_equal(np.asarray(single["ragged"]), expected["single_ragged"])
    assert single["nested"].to_list() == expected["single_nested"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="size"):
        tf.io.parse_single_example(examples[0], {"s": tf.io.SparseFeature("ids", "vals", tf.float32, 2)})


def test_decode_json_example_and_compressed():
    # (protobuf may order a map's entries differently: the messages, not the bytes, must agree)
    ours = tf.train.Example.FromString(bytes(tf.io.decode_json_example(TF["json_example"])))
    assert ours == tf.train.Example.FromString(bytes.fromhex(TF["json_binary"]))
    pair = tf.io.decode_json_example([TF["json_example"], TF["json_example"]])
    assert pair.shape == (2,) and tf.train.Example.FromString(pair[1]) == ours
    text = bytes.fromhex(TF["text"])
    assert bytes(tf.io.decode_compressed(bytes.fromhex(TF["zlib"]), "ZLIB")) == text
    assert bytes(tf.io.decode_compressed(bytes.fromhex(TF["gzip"]), compression_type="GZIP")) == text
    assert bytes(tf.io.decode_compressed(text)) == text
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.io.decode_compressed(b"not zlib", "ZLIB")
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.io.decode_json_example("{not json")


@pytest.mark.parametrize("values", [np.array([1.5, -2.0, 3.0], np.float32), np.array([b"a", b"bc", b"d"], object)])
def test_sparse_serialization_round_trips(values):
    st = tf.SparseTensor([[0, 1], [2, 0], [2, 3]], values, [3, 4])
    assert tf.io.serialize_sparse(st).shape == (3,)
    rows = tf.io.serialize_many_sparse(st)
    assert rows.shape == (3, 3)
    back = tf.io.deserialize_many_sparse(rows, tf.string if values.dtype == object else tf.float32)
    np.testing.assert_array_equal(np.asarray(back.indices), [[0, 1], [2, 0], [2, 3]])
    assert list(np.asarray(back.values)) == list(values)
    np.testing.assert_array_equal(np.asarray(back.dense_shape), [3, 4])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not"):
        tf.io.deserialize_many_sparse(rows, tf.int64 if values.dtype != object else tf.float32)
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.io.serialize_sparse(np.ones(3))
