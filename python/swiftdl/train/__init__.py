"""tf.train: Checkpoint, CheckpointManager and latest_checkpoint for saving and resuming
custom training loops (swiftdl's own file format; see `Checkpoint`), reading those files
(load_checkpoint, list_variables, load_variable, get_checkpoint_state,
checkpoints_iterator), ExponentialMovingAverage, and the
tf.train.Example protobuf messages (Example, Features, Feature, BytesList, FloatList,
Int64List, SequenceExample, FeatureList, FeatureLists; the `[tfrecord]` extra)."""
from typing import Any

from ._checkpoint import Checkpoint, CheckpointLoadStatus, latest_checkpoint
from ._checkpoint_reader import (CheckpointOptions, CheckpointReader, CheckpointState, checkpoints_iterator,
                                 get_checkpoint_state, list_variables, load_checkpoint, load_variable)
from ._example_proto import NAMES as _MESSAGES
from ._coordination import ClusterSpec, Coordinator
from ._manager import CheckpointManager
from ._moving_average import ExponentialMovingAverage

__all__ = ["Checkpoint", "CheckpointLoadStatus", "CheckpointManager", "ClusterSpec", "Coordinator",
           "CheckpointOptions", "CheckpointReader",
           "CheckpointState", "ExponentialMovingAverage", "checkpoints_iterator", "get_checkpoint_state",
           "latest_checkpoint", "list_variables", "load_checkpoint", "load_variable"] + list(_MESSAGES)


def __getattr__(name: str) -> Any:
    # The message classes need protobuf, which only TFRecord users install: built on first use.
    if name in _MESSAGES:
        from ._example_proto import message_class
        return message_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
