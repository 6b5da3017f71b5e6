"""tf.summary against TensorFlow 2.21: the same calls written by TensorFlow (the committed
fixture) and by swiftdl, both read back with tensorboard's own event-file loader, must
hold the same steps, tags, plugin metadata and tensors (images compared as pixels, audio as
samples: the PNG and WAV encoders may pack the same data differently)."""
import glob
import io
import os
import sys
import wave

import numpy as np
import pytest

pytest.importorskip("google.protobuf")
pytest.importorskip("google_crc32c")
event_file_loader = pytest.importorskip("tensorboard.backend.event_processing.event_file_loader")
PIL = pytest.importorskip("PIL.Image")

import swiftdl as tf  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf_summary")
sys.path.insert(0, FIXTURES)
from make_tf_summary_fixture import write_summaries  # noqa: E402

sys.path.remove(FIXTURES)
_NUMPY = {1: np.float32, 2: np.float64, 3: np.int32, 9: np.int64}


def _events(path):
    return [event for event in event_file_loader.EventFileLoader(path).Load() if event.HasField("summary")]


def _tensor(proto):
    shape = tuple(d.size for d in proto.tensor_shape.dim)
    if proto.dtype == 7:
        return np.asarray(list(proto.string_val), dtype=object).reshape(shape)
    return np.frombuffer(proto.tensor_content, dtype=_NUMPY[proto.dtype]).reshape(shape)


def _samples(wav_bytes):
    with wave.open(io.BytesIO(wav_bytes)) as handle:
        frames = np.frombuffer(handle.readframes(handle.getnframes()), "<i2")
        return handle.getframerate(), frames.reshape(-1, handle.getnchannels()).astype(int)


def test_summaries_match_tensorflows_event_file(tmp_path):
    returned = write_summaries(tf, str(tmp_path))
    assert returned == [True] * 12 + [False]
    (ours,) = glob.glob(str(tmp_path / "events.out.tfevents.*"))
    theirs, mine = _events(os.path.join(FIXTURES, "tf_summary.tfevents")), _events(ours)
    assert len(mine) == len(theirs) == 12
    for want, got in zip(theirs, mine):
        (w,), (g,) = want.summary.value, got.summary.value
        assert (got.step, g.tag, g.metadata) == (want.step, w.tag, w.metadata), w.tag
        assert (g.tensor.dtype, g.tensor.tensor_shape) == (w.tensor.dtype, w.tensor.tensor_shape), w.tag
        expected, actual = _tensor(w.tensor), _tensor(g.tensor)
        plugin = w.metadata.plugin_data.plugin_name
        if plugin == "images":
            assert list(actual[:2]) == list(expected[:2])
            for a, e in zip(actual[2:], expected[2:]):
                np.testing.assert_array_equal(np.asarray(PIL.open(io.BytesIO(a))), np.asarray(PIL.open(io.BytesIO(e))))
        elif plugin == "audio":
            for a_wav, e_wav in zip(actual, expected):
                (a_rate, a), (e_rate, e) = _samples(a_wav), _samples(e_wav)
                assert a_rate == e_rate and a.shape == e.shape
                assert np.abs(a - e).max() <= 1  # the same 16-bit rounding, to one step
        elif actual.dtype == object:
            assert actual.tolist() == expected.tolist(), w.tag
        else:
            np.testing.assert_allclose(actual, expected, rtol=1e-12, err_msg=w.tag)


def test_steps_record_if_and_errors(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        with pytest.raises(ValueError, match="No step set"):
            tf.summary.scalar("loss", 1.0)
        tf.summary.experimental.set_step(7)
        assert tf.summary.experimental.get_step() == 7 and tf.summary.scalar("loss", 1.0)
        with tf.summary.record_if(False):
            assert not tf.summary.should_record_summaries() and not tf.summary.scalar("skipped", 1.0)
        with tf.summary.record_if(lambda: True):
            assert tf.summary.scalar("kept", 2.0, step=8)
        with pytest.raises(ValueError, match="scalar"):
            tf.summary.scalar("vector", [1.0, 2.0])
        with pytest.raises(ValueError, match="channels"):
            tf.summary.image("bad", np.zeros((2, 2)))
    tf.summary.experimental.set_step(None)
    writer.close()
    tags = [(e.step, e.summary.value[0].tag) for e in _events(glob.glob(str(tmp_path / "events*"))[0])]
    assert tags == [(7, "loss"), (8, "kept")]
    assert not tf.summary.scalar("nowhere", 1.0, step=1)  # no default writer
