"""tf.io's files and bytes: read_file/write_file, gfile (TensorFlow's names and errors),
decode_raw against TensorFlow's results, serialize_tensor/parse_tensor round trips."""
import numpy as np
import pytest

import swiftdl as tf


def test_read_and_write_files(tmp_path):
    path = tmp_path / "sub" / "data.bin"
    tf.io.write_file(str(path), b"\x00\x01payload")
    assert tf.io.read_file(str(path)) == b"\x00\x01payload"
    tf.io.write_file(path, "text é")
    assert tf.io.read_file(path).decode("utf-8") == "text é"
    with pytest.raises(tf.errors.NotFoundError):
        tf.io.read_file(str(tmp_path / "missing"))


def test_gfile_functions(tmp_path):
    gfile = tf.io.gfile
    root = str(tmp_path / "root")
    gfile.makedirs(gfile.join(root, "a", "b"))
    assert gfile.isdir(root) and gfile.exists(gfile.join(root, "a"))
    with gfile.GFile(gfile.join(root, "a", "x.txt"), "w") as handle:
        handle.write("line one\nline two\n")
    with gfile.GFile(gfile.join(root, "a", "x.txt")) as handle:
        assert list(handle) == ["line one\n", "line two\n"]
    assert gfile.GFile(gfile.join(root, "a", "x.txt")).size() == 18
    assert sorted(gfile.listdir(gfile.join(root, "a"))) == ["b", "x.txt"]
    assert gfile.glob(gfile.join(root, "a", "*.txt")) == [gfile.join(root, "a", "x.txt")]
    gfile.copy(gfile.join(root, "a", "x.txt"), gfile.join(root, "y.txt"))
    with pytest.raises(tf.errors.AlreadyExistsError):
        gfile.copy(gfile.join(root, "a", "x.txt"), gfile.join(root, "y.txt"))
    gfile.rename(gfile.join(root, "y.txt"), gfile.join(root, "z.txt"))
    assert gfile.stat(gfile.join(root, "z.txt")).length == 18 and gfile.stat(root).length is not None
    walked = {directory: sorted(files) for directory, _, files in gfile.walk(root)}
    assert walked[gfile.join(root, "a")] == ["x.txt"]
    gfile.remove(gfile.join(root, "z.txt"))
    gfile.rmtree(gfile.join(root, "a"))
    assert gfile.listdir(root) == []
    for call in (lambda: gfile.listdir(root + "/nope"), lambda: gfile.remove(root + "/nope"),
                 lambda: gfile.rmtree(root + "/nope"), lambda: gfile.GFile(root + "/nope"),
                 lambda: gfile.stat(root + "/nope")):
        with pytest.raises(tf.errors.NotFoundError):
            call()


def test_decode_raw_matches_tensorflow():
    # TensorFlow 2.21 gives [1 2], [[1] [2]], [1], [[1 2 3 0]] for these calls.
    np.testing.assert_array_equal(tf.io.decode_raw(b"\x01\x00\x02\x00", tf.int16).numpy(), [1, 2])
    np.testing.assert_array_equal(tf.io.decode_raw([b"\x01\x00\x00\x00", b"\x02\x00\x00\x00"], tf.int32).numpy(),
                                  [[1], [2]])
    np.testing.assert_array_equal(tf.io.decode_raw(b"\x00\x01", tf.int16, little_endian=False).numpy(), [1])
    np.testing.assert_array_equal(tf.io.decode_raw([b"\x01\x02\x03"], tf.uint8, fixed_length=4).numpy(), [[1, 2, 3, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiple"):
        tf.io.decode_raw(b"\x01\x02\x03", tf.int16)


def test_serialize_and_parse_tensor():
    values = np.arange(12, dtype=np.float32).reshape(3, 4)
    serialized = tf.io.serialize_tensor(tf.constant(values))
    np.testing.assert_array_equal(tf.io.parse_tensor(serialized, tf.float32).numpy(), values)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Type mismatch"):
        tf.io.parse_tensor(serialized, tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.io.parse_tensor(b"not a tensor", tf.float32)
