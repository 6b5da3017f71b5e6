"""Horovod's Keras callbacks: broadcast the initial state, average metrics, warm the
learning rate up."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..keras.callbacks import Callback

__all__ = ["BroadcastGlobalVariablesCallback", "LearningRateWarmupCallback", "MetricAverageCallback"]


class BroadcastGlobalVariablesCallback(Callback):
    """At the start of training, every rank takes root_rank's weights and optimizer state."""

    def __init__(self, root_rank: int = 0, device: str = "") -> None:
        super().__init__()
        self.root_rank = root_rank
        self.broadcast_done = False

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        # After the model and the optimizer exist (the first batch), before the first step.
        if self.broadcast_done:
            return
        from . import broadcast_variables
        broadcast_variables(list(self.model.weights), self.root_rank)
        optimizer = self.model.optimizer
        if optimizer is not None and not getattr(optimizer, "built", True):
            # Built on every rank, so every rank broadcasts the same variables (rank 0's
            # may have been built already, by BackupAndRestore's restore).
            optimizer.build(self.model.trainable_variables)
        optimizer_variables = list(getattr(self.model.optimizer, "variables", []) or [])
        if optimizer_variables:
            broadcast_variables(optimizer_variables, self.root_rank)
        self.broadcast_done = True


class MetricAverageCallback(Callback):
    """At the end of each epoch, every metric in the logs becomes its average over ranks."""

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        if not logs:
            return
        from . import allreduce, size
        names = sorted(logs)
        values = np.asarray(allreduce(np.array([float(logs[name]) for name in names], np.float64), op="sum"))
        for name, value in zip(names, values / size()):
            logs[name] = float(value)


class LearningRateWarmupCallback(Callback):
    """Horovod's warmup: the learning rate grows from initial_lr / size to initial_lr over
    `warmup_epochs`, batch by batch (Goyal et al., 2017)."""

    def __init__(self, initial_lr: float, warmup_epochs: int = 5, momentum_correction: bool = True,
                 steps_per_epoch: int | None = None, verbose: int = 0) -> None:
        super().__init__()
        self.initial_lr = float(initial_lr)
        self.warmup_epochs = warmup_epochs
        self.steps_per_epoch = steps_per_epoch
        self.verbose = verbose
        self.epoch = 0

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self.epoch = epoch

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        if self.epoch >= self.warmup_epochs:
            return
        from . import size
        steps = self.steps_per_epoch or self.params.get("steps") or 1
        progress = (self.epoch + batch / steps) / self.warmup_epochs
        self.model.optimizer.learning_rate = self.initial_lr / size() * (progress * (size() - 1) + 1)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        if epoch == self.warmup_epochs - 1:
            self.model.optimizer.learning_rate = self.initial_lr
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: finished gradual learning rate warmup to {self.initial_lr:g}.")
