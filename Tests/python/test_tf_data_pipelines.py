"""tf.data's structural transformations, sources, options and iterators against TensorFlow
2.21: each pipeline of the fixture's generator runs here with `tf` bound to swiftdl and
must give TensorFlow's elements (values, shapes, integer/float/text kind, structure) or an
exception of TensorFlow's class."""
import json
import os

import numpy as np
import pytest

import swiftdl as tf
from swiftdl import errors

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf_data_pipelines")
with open(os.path.join(FIXTURES, "tf_data_pipelines.json")) as _handle:
    CASES = json.load(_handle)
ERRORS = {"InvalidArgumentError": errors.InvalidArgumentError, "OutOfRangeError": errors.OutOfRangeError,
          "FailedPreconditionError": errors.FailedPreconditionError}


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tf.data.Dataset):
        return {"dataset": [_plain(e) for e in value.as_numpy_iterator()]}
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if array.dtype.kind in "OSU":
        return {"strings": np.vectorize(lambda b: b.decode() if isinstance(b, bytes) else str(b),
                                        otypes=[object])(array).tolist()}
    return {"values": array.tolist(), "shape": list(array.shape), "kind": array.dtype.kind}


def _text_scalars(value):
    """TensorFlow gives a scalar string element as bytes; swiftdl as a 0-d text array."""
    if isinstance(value, dict) and set(value) == {"strings"} and not isinstance(value["strings"], list):
        return value["strings"]
    if isinstance(value, list):
        return [_text_scalars(v) for v in value]
    if isinstance(value, dict):
        return {k: _text_scalars(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("source", sorted(CASES))
def test_matches_tensorflow(source):
    want = CASES[source]
    if "error" in want:
        with pytest.raises(ERRORS[want["error"]]):
            _plain(eval(source, {"tf": tf}))
        return
    assert _text_scalars(_plain(eval(source, {"tf": tf}))) == want["result"]


def test_sampling_follows_weights_and_seeds():
    a, b = tf.data.Dataset.from_tensors(0).repeat(), tf.data.Dataset.from_tensors(1).repeat()
    drawn = [int(x) for x in tf.data.Dataset.sample_from_datasets([a, b], weights=[0.8, 0.2], seed=3).take(2000)
             .as_numpy_iterator()]
    assert 0.75 < drawn.count(0) / 2000 < 0.85
    again = [int(x) for x in tf.data.Dataset.sample_from_datasets([a, b], weights=[0.8, 0.2], seed=3).take(2000)
             .as_numpy_iterator()]
    assert drawn == again
    short = tf.data.Dataset.sample_from_datasets([tf.data.Dataset.range(3), tf.data.Dataset.range(10, 20)], seed=1)
    assert sorted(int(x) for x in short.as_numpy_iterator()) == [0, 1, 2] + list(range(10, 20))
    first = [int(x) for x in tf.data.Dataset.random(seed=5).take(3).as_numpy_iterator()]
    assert first == [int(x) for x in tf.data.Dataset.random(seed=5).take(3).as_numpy_iterator()]


def test_list_files_and_fixed_length_records(tmp_path):
    for name, payload in (("a.bin", bytes(range(10))), ("b.bin", bytes(range(10, 16)))):
        (tmp_path / name).write_bytes(b"HD" + payload + b"F")
    files = tf.data.Dataset.list_files(str(tmp_path / "*.bin"), shuffle=False)
    assert [os.path.basename(f.item()) for f in files.as_numpy_iterator()] == ["a.bin", "b.bin"]
    records = tf.data.FixedLengthRecordDataset([str(tmp_path / "a.bin"), str(tmp_path / "b.bin")], record_bytes=2,
                                               header_bytes=2, footer_bytes=1)
    assert [r.item() for r in records.as_numpy_iterator()] == [bytes([i, i + 1]) for i in range(0, 16, 2)]
    with pytest.raises(errors.DataLossError, match="exact multiple"):
        list(tf.data.FixedLengthRecordDataset(str(tmp_path / "a.bin"), record_bytes=3))
    with pytest.raises(errors.InvalidArgumentError, match="No files matched"):
        tf.data.Dataset.list_files(str(tmp_path / "*.none"))


def test_options_are_kept_and_unknown_ones_refused():
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    options.deterministic = False
    dataset = tf.data.Dataset.range(4).with_options(options)
    kept = dataset.options()
    assert kept.deterministic is False
    assert kept.experimental_distribute.auto_shard_policy == tf.data.experimental.AutoShardPolicy.DATA
    assert [int(x) for x in dataset.as_numpy_iterator()] == [0, 1, 2, 3]
    with pytest.raises(AttributeError, match="no option"):
        options.not_an_option = 1
    assert tf.data.experimental.AUTOTUNE == tf.data.AUTOTUNE
