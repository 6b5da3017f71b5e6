"""TensorBoard's event files, for tf.summary and the TensorBoard callback: a TFRecord file
(io/_tfrecord.py: TensorFlow's framing and masked CRC-32C) of serialized `tensorflow.Event`
messages (train/_example_proto.py: protobuf classes wire-compatible with TensorFlow's): a
file-version header, then one event per call. Needs the `[tfrecord]` extra (protobuf,
google-crc32c), which TensorBoard users have: tensorboard needs protobuf."""
import itertools
import os
import socket
import time

_WRITERS = itertools.count()


def _event(**fields):
    from ..train._example_proto import message_class
    return message_class("Event")(**fields)


class EventFileWriter:
    """Appends summaries to `events.out.tfevents.<time>.<host>...` in `log_dir`."""

    def __init__(self, log_dir, filename_suffix=""):
        from ..io._tfrecord import TFRecordWriter
        os.makedirs(log_dir, exist_ok=True)
        now = time.time()
        # TensorFlow's name, with a per-process counter so two writers never share a file.
        name = (f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}.{os.getpid()}.{next(_WRITERS)}.v2"
                f"{filename_suffix or ''}")
        self.path = os.path.join(log_dir, name)
        self._writer = TFRecordWriter(self.path)
        self._writer.write(_event(wall_time=now, step=0, file_version="brain.Event:2").SerializeToString())
        self._writer.flush()
        self._closed = False

    def add_scalars(self, scalars, step):
        """Writes one event holding every (tag, value) pair at `step`."""
        scalars = [(str(tag), float(value)) for tag, value in scalars]
        if not scalars:
            return
        event = _event(wall_time=time.time(), step=int(step))
        for tag, value in scalars:
            event.summary.value.add(tag=tag, simple_value=value)
        self._writer.write(event.SerializeToString())

    def add_value(self, value, step):
        """Writes one event holding a prepared `Summary.Value` at `step`."""
        event = _event(wall_time=time.time(), step=int(step))
        event.summary.value.append(value)
        self._writer.write(event.SerializeToString())

    def flush(self):
        if not self._closed:
            self._writer.flush()

    def close(self):
        if not self._closed:
            self._writer.close()
            self._closed = True

    @property
    def closed(self):
        return self._closed
