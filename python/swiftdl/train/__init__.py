"""tf.train: Checkpoint, CheckpointManager and latest_checkpoint for saving and resuming
custom training loops (swiftdl's own file format; see `Checkpoint`)."""
from ._checkpoint import Checkpoint, CheckpointLoadStatus, latest_checkpoint
from ._manager import CheckpointManager

__all__ = ["Checkpoint", "CheckpointLoadStatus", "CheckpointManager", "latest_checkpoint"]
