"""tf.io.decode_proto and encode_proto against TensorFlow 2.21 (fixtures/tf_io_proto,
written by make_tf_io_proto_fixture.py with a FileDescriptorSet passed as bytes://)."""
import json
import pathlib

import numpy as np
import pytest

import swiftdl as tf

pytest.importorskip("google.protobuf")
TF = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf_io_proto" / "tf_io_proto.json").read_text())
SOURCE = b"bytes://" + bytes.fromhex(TF["descriptor_set"])
NAMES = ["id", "score", "tags", "values", "flag", "colour", "points", "weights"]
TYPES = [tf.int64, tf.float64, tf.string, tf.int32, tf.bool, tf.int32, tf.string, tf.float32]


def plain(value):
    array = np.asarray(value)
    if array.dtype == object:
        return [[bytes(v).hex() for v in row] for row in array.tolist()]
    return array.tolist()


def test_decode_and_encode_match_tensorflow():
    serialized = [bytes.fromhex(s) for s in TF["serialized"]]
    sizes, values = tf.io.decode_proto(serialized, "swiftdl_test.Record", NAMES, TYPES, descriptor_source=SOURCE)
    assert np.asarray(sizes).tolist() == TF["sizes"]
    assert [plain(v) for v in values] == TF["values"]
    assert [tf.as_dtype(np.asarray(v).dtype).name for v in values] == TF["dtypes"]
    encoded = tf.io.encode_proto(sizes, values, NAMES, "swiftdl_test.Record", descriptor_source=SOURCE)
    assert [bytes(e).hex() for e in encoded] == TF["encoded"]


def test_proto_errors(tmp_path):
    serialized = [bytes.fromhex(s) for s in TF["serialized"]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Unknown field"):
        tf.io.decode_proto(serialized, "swiftdl_test.Record", ["nope"], [tf.int32], descriptor_source=SOURCE)
    with pytest.raises(tf.errors.InvalidArgumentError, match="No descriptor"):
        tf.io.decode_proto(serialized, "swiftdl_test.Missing", ["id"], [tf.int64], descriptor_source=SOURCE)
    with pytest.raises(tf.errors.InvalidArgumentError, match="could not parse"):
        tf.io.decode_proto([b"\xff\xff"], "swiftdl_test.Record", ["id"], [tf.int64], descriptor_source=SOURCE)
    path = tmp_path / "set.pb"
    path.write_bytes(bytes.fromhex(TF["descriptor_set"]))
    sizes, _ = tf.io.decode_proto(serialized, "swiftdl_test.Record", ["id"], [tf.int64], descriptor_source=str(path))
    assert np.asarray(sizes).tolist() == [[1], [1], [0]]
