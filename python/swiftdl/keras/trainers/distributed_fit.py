"""What `fit` does differently across MPI processes, under keras.distribution.DataParallel or
with a Horovod DistributedOptimizer; `fit` in one process never gets here.

- The ranks agree on every step (DataParallel: sharding.py), or on the step count (Horovod).
- Rank 0 owns the side effects: on the other ranks the callbacks that write files or print
  (ModelCheckpoint, BackupAndRestore, TensorBoard, CSVLogger, the progress bar) are left out
  and verbose is 0, so N ranks do not race to write one file or print N bars.
- Every rank resumes at rank 0's epoch (BackupAndRestore restores on rank 0; DataParallel
  then broadcasts rank 0's weights before the first step).
- The epoch's logs (History, EarlyStopping, ModelCheckpoint's monitor) are averaged over ranks,
  and a stop asked on one rank stops all of them at the same epoch.
"""
from __future__ import annotations

from typing import Any

from . import data as data_utils

# The callbacks that write files or print: rank 0's alone.
_RANK_ZERO_CALLBACKS = ("ModelCheckpoint", "BackupAndRestore", "TensorBoard", "CSVLogger", "ProgbarLogger")


class DistributedFit:
    """One fit's distributed pieces. `batches` is the sharded source under DataParallel (None
    with Horovod, whose scripts shard their data themselves)."""

    def __init__(self, communicator: Any, batches: Any = None, state: Any = None) -> None:
        self.communicator, self.batches, self.state = communicator, batches, state

    @property
    def is_rank_zero(self) -> bool:
        return self.communicator.rank == 0

    def verbose(self, verbose: int) -> int:
        return verbose if self.is_rank_zero else 0

    def callbacks(self, callbacks: Any) -> list[Any]:
        user = list(callbacks or [])
        if self.is_rank_zero:
            return user
        return [c for c in user if not any(k.__name__ in _RANK_ZERO_CALLBACKS for k in type(c).__mro__)]

    def initial_epoch(self, initial_epoch: int) -> int:
        """Rank 0's starting epoch (where its BackupAndRestore resumed) on every rank."""
        import numpy as np
        value = np.array([initial_epoch], np.int64)
        return int(self.communicator.broadcast_(value, 0)[0])

    def stops_each_step_alone(self) -> bool:
        """Whether fit may leave the epoch as soon as this rank's stop_training is set.
        Under DataParallel the sharded source agrees on it before the next step instead."""
        return self.batches is None

    def epoch_begin(self) -> None:
        if self.state is not None:
            self.state.samples = 0

    def epoch_logs(self, logs: dict[str, Any]) -> dict[str, Any]:
        """The epoch's logs averaged over ranks: weighted by samples under DataParallel, as
        one process's mean over the whole epoch; plainly with Horovod (MetricAverageCallback's
        average)."""
        from swiftdl.distributed.data_parallel import average_logs
        weight = float(self.state.samples) if self.state is not None else 1.0
        return average_logs(logs, weight, self.communicator)

    def agree_to_stop(self, stop: bool) -> bool:
        return bool(self.communicator.agree(int(bool(stop)), "max"))


def distributed_fit(model: Any, training: Any) -> DistributedFit | None:
    """The distributed pieces of this fit, or None in one process."""
    from ..distribution import DataParallel, distribution
    strategy = distribution()
    if isinstance(strategy, DataParallel) and strategy.communicator() is not None:
        return _data_parallel(model, training, strategy)
    if getattr(model.optimizer, "_horovod", None) is not None:
        from swiftdl.distributed import world
        communicator = world()
        _agree_on_steps(training, communicator)
        return DistributedFit(communicator) if communicator.size > 1 else None
    return None


def _data_parallel(model: Any, training: Any, strategy: Any) -> DistributedFit:
    """Under DataParallel across processes: the sharded batches and the per-fit state (every
    rank starts from rank 0's weights at the first batch)."""
    from swiftdl.distributed.data_parallel import DataParallelState
    from swiftdl.distributed.sharding import ShardedBatches
    communicator = strategy.communicator()
    if isinstance(training, data_utils.ArrayBatches) and training.batch_size < communicator.size:
        raise ValueError(f"DataParallel over {communicator.size} processes needs a global batch_size of at least "
                         f"{communicator.size}; received batch_size={training.batch_size}")
    state = DataParallelState(communicator)
    batches = ShardedBatches(training, communicator, state, model, auto_shard=strategy.auto_shard_dataset)
    return DistributedFit(communicator, batches, state)


def _agree_on_steps(training: Any, communicator: Any) -> None:
    """With a Horovod DistributedOptimizer, every rank runs the same number of steps per
    epoch (the fewest any rank has), so a rank with more data never waits for a gradient
    allreduce that the others will not join."""
    if not hasattr(training, "num_batches"):
        return
    if training.num_batches is None:
        raise ValueError("With a Horovod DistributedOptimizer, fit needs data of known length (arrays, or "
                         "steps_per_epoch), so that every rank runs the same number of steps")
    steps = communicator.agree(training.num_batches, "min")
    if isinstance(training, data_utils.ArrayBatches):
        training.num_batches = steps
    elif steps != training.num_batches:
        training.steps_per_epoch = steps  # an EpochIterator: stop each epoch there
