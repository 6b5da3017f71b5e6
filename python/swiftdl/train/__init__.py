"""tf.train: Checkpoint, CheckpointManager and latest_checkpoint for saving and resuming
custom training loops (swiftdl's own file format; see `Checkpoint`), and the
tf.train.Example protobuf messages (Example, Features, Feature, BytesList, FloatList,
Int64List, SequenceExample, FeatureList, FeatureLists; the `[tfrecord]` extra)."""
from typing import Any

from ._checkpoint import Checkpoint, CheckpointLoadStatus, latest_checkpoint
from ._example_proto import NAMES as _MESSAGES
from ._manager import CheckpointManager

__all__ = ["Checkpoint", "CheckpointLoadStatus", "CheckpointManager", "latest_checkpoint"] + list(_MESSAGES)


def __getattr__(name: str) -> Any:
    # The message classes need protobuf, which only TFRecord users install: built on first use.
    if name in _MESSAGES:
        from ._example_proto import message_class
        return message_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
