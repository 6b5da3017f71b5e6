"""The batches each rank trains on under keras.distribution.DataParallel, from any source fit
takes: arrays, a swiftdl.data.Dataset, a PyDataset or a generator.

With `auto_shard_dataset=True` (the default) every rank reads the same source and each batch
it yields is the *global* batch; rank r keeps its contiguous share, ranks below the remainder
getting one row more. That is Keras's auto-sharding of a batched tf.data dataset (rebatch to
per-worker sizes, then every worker takes every N-th of those sub-batches), so N ranks train
exactly as one process on the same batches. With `auto_shard_dataset=False` each rank's
source is its own data, and each step's gradients are weighted by each rank's rows.

Before every step the ranks exchange one small row of counters (one collective): whether
the rank still has a batch, its rows, whether a callback asked to stop, and a fingerprint of
the batch. So every rank runs the same number of steps, the fewest any rank has (uneven data
never hangs, even from a generator of unknown length), a stop asked on one rank stops all,
and ranks that read different global batches (a shuffle without a seed) get a clear error
instead of silently wrong training.
"""
from __future__ import annotations

import warnings
from typing import Any, Iterator

import numpy as np

from .communicator import Communicator

_HAVE, _ROWS, _STOP, _FINGERPRINT_X, _FINGERPRINT_Y = range(5)


def share_bounds(rows: int, rank: int, size: int) -> tuple[int, int]:
    """Rank's rows [start, stop) of a global batch: ranks below rows % size get one more
    (tf.data's batch_sizes_for_worker)."""
    base, extra = divmod(rows, size)
    start = rank * base + min(rank, extra)
    return start, start + base + (1 if rank < extra else 0)


class ShardedBatches:
    """fit's epoch source under DataParallel across processes (the ArrayBatches /
    EpochIterator interface: `num_batches` and `enumerate_epoch`)."""

    def __init__(self, source: Any, communicator: Communicator, state: Any, model: Any,
                 auto_shard: bool = True) -> None:
        self.source, self.communicator, self.state, self.model = source, communicator, state, model
        self.auto_shard = auto_shard
        known = source.num_batches
        # For the progress bar; the steps themselves are agreed one by one.
        self.num_batches = None if known is None else communicator.agree(int(known), "min")
        self.synchronized = False

    def enumerate_epoch(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        batches = iter(self.source.enumerate_epoch())
        step = 0
        while True:
            batch = next(batches, (None, None))[1]
            table = self.communicator.gather_rows(self._counters(batch))
            if table[:, _STOP].any():
                self.model.stop_training = True  # on every rank, so every rank leaves fit
                break
            if batch is None or not table[:, _HAVE].all():
                break  # some rank's data ended: every rank stops here
            parts = self._share(batch, table, step)
            if parts is None:
                continue
            if not self.synchronized:
                self._synchronize(parts)
            yield step, parts
            step += 1
        close = getattr(batches, "close", None)
        if close is not None:
            close()

    def _counters(self, batch: tuple[Any, ...] | None) -> np.ndarray:
        counters = np.zeros(5, np.int64)
        counters[_STOP] = bool(getattr(self.model, "stop_training", False))
        if batch is not None:
            counters[_HAVE], counters[_ROWS] = 1, _rows(batch)
            counters[_FINGERPRINT_X], counters[_FINGERPRINT_Y] = _fingerprint(batch[0]), _fingerprint(batch[1])
        return counters

    def _share(self, batch: tuple[Any, ...], table: np.ndarray, step: int) -> tuple[Any, ...] | None:
        """This rank's part of the step's batch, or None to skip a global batch too small
        to split."""
        n, rank = self.communicator.size, self.communicator.rank
        rows = int(table[rank, _ROWS])
        if not self.auto_shard:
            self.state.share = rows / max(1, int(table[:, _ROWS].sum()))
            self.state.samples += rows
            return batch
        if len({tuple(row) for row in table[:, [_ROWS, _FINGERPRINT_X, _FINGERPRINT_Y]]}) > 1:
            raise ValueError(f"DataParallel(auto_shard_dataset=True) splits each global batch over the {n} processes, "
                             f"so every process must read the same batches; at step {step} they differ (rows per "
                             f"rank: {table[:, _ROWS].tolist()}). Give the dataset's shuffle a seed, or pass "
                             "per-process data with DataParallel(auto_shard_dataset=False)")
        if rows < n:
            warnings.warn(f"DataParallel: a global batch of {rows} rows cannot be split over {n} processes; it is "
                          "skipped (use batch.drop_remainder=True or a batch size that is a multiple of the "
                          "number of processes)", stacklevel=3)
            return None
        start, stop = share_bounds(rows, rank, n)
        self.state.share = (stop - start) / rows
        self.state.samples += stop - start
        from ..keras.trainers.data import take_batch
        return tuple(None if part is None else take_batch(part, None, start, stop) for part in batch)

    def _synchronize(self, parts: tuple[Any, ...]) -> None:
        """Rank 0's weights, optimizer state and random stream on every rank, before the
        first step (the model is built here from the first batch if need be)."""
        from .data_parallel import synchronize_start
        if not self.model.built:
            self.model(parts[0])
        synchronize_start(self.model, self.communicator)
        self.synchronized = True


def _rows(batch: tuple[Any, ...]) -> int:
    from ..keras.layers.keras_tensor import flatten
    return int(flatten(batch[0])[0].shape[0])


def _fingerprint(part: Any) -> int:
    """The bits of a float64 sum of up to 4,096 evenly spaced numbers of a part's first array
    (cheap at any batch size): equal on ranks that read the same batch, almost surely
    different otherwise."""
    if part is None:
        return 0
    from ..keras.layers.keras_tensor import flatten
    try:
        flat = np.asarray(flatten(part)[0]).reshape(-1)
        total = np.sum(flat[::max(1, flat.size // 4096)], dtype=np.float64)
    except (TypeError, ValueError):  # text
        return 0
    return int(np.array([total], np.float64).view(np.int64)[0])
