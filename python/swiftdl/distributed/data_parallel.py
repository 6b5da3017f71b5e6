"""What `fit` does under keras.distribution.DataParallel across processes: every rank starts
from rank 0's weights and random stream, takes its share of each global batch (sharding.py),
and averages gradients (weighted by its share, so N ranks on a global batch of B compute
exactly one process's mean over B) before every optimizer step; epoch logs are averaged over
ranks."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import _C
from .communicator import Communicator
from .fusion import reduce_gradients


class DataParallelState:
    """Per-fit bookkeeping: this rank's share of the current global batch, samples seen."""

    def __init__(self, communicator: Communicator) -> None:
        self.communicator = communicator
        self.share = 1.0 / communicator.size
        self.samples = 0

    def reduce(self, gradients: list[Any], variables: list[Any]) -> list[Any]:
        """Σ over ranks of share × gradient: the gradient of the global batch's mean loss."""
        return reduce_gradients(gradients, variables, self.communicator, scale=1.0, average=False,
                                prescale=self.share)


# The DataParallelState of the `fit` running now, if any.
_ACTIVE: list[DataParallelState | None] = [None]


def active_reduction() -> Any:
    """How optimizers reduce gradients now: None in one process; under DataParallel across
    processes, the running fit's weighted sum, or (outside fit) the plain average."""
    from ..keras.distribution import DataParallel, distribution
    strategy = distribution()
    if not isinstance(strategy, DataParallel):
        return None
    communicator = strategy.communicator()
    if communicator is None:
        return None
    state = _ACTIVE[0]
    if state is not None:
        return state.reduce
    return lambda gradients, variables: reduce_gradients(gradients, variables, communicator)


def active_overlap(variables: list[Any]) -> Any:
    """An OverlappedReduction (overlap.py) for the coming backward pass, when gradients are
    reduced across processes now and overlap is on (SWIFTDL_MPI_OVERLAP) and pays (more than
    one bucket); otherwise None."""
    from ..keras.distribution import DataParallel, distribution
    from .overlap import overlap_plan
    strategy = distribution()
    if not isinstance(strategy, DataParallel):
        return None
    communicator = strategy.communicator()
    if communicator is None:
        return None
    state = _ACTIVE[0]
    if state is not None:  # fit: Σ share × gradient, as DataParallelState.reduce
        return overlap_plan(communicator, variables, prescale=state.share, factor=1.0)
    return overlap_plan(communicator, variables, factor=1.0 / communicator.size)


def synchronize_start(model: Any, communicator: Communicator) -> None:
    """Rank 0's weights (and optimizer state) and random stream on every rank. The optimizer
    is built first where it is not yet: rank 0's may have been built (by BackupAndRestore's
    restore), and every rank must broadcast the same variables."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not getattr(optimizer, "built", True):
        optimizer.build(model.trainable_variables)
    broadcast_variables(list(model.weights) + list(getattr(model.optimizer, "variables", []) or []), communicator)
    state = np.array(_C.random_get_state(), dtype=np.uint64)
    communicator.broadcast_(state)
    _C.random_set_state(int(state[0]), int(state[1]))


def broadcast_variables(variables: list[Any], communicator: Communicator, root: int = 0,
                        announce: Callable[[list[np.ndarray]], None] | None = None) -> None:
    """Every variable set to root's value, in a fixed order by path. `announce` sees the
    buffers first (Horovod's join negotiation)."""
    ordered = sorted(variables, key=lambda v: getattr(v, "path", getattr(v, "name", "")))
    values = [np.array(np.asarray(variable), order="C") for variable in ordered]  # copies; keep 0-d shapes
    if announce is not None:
        announce(values)
    for variable, value in zip(ordered, values):
        communicator.broadcast_(value, root)
        variable.assign(value)


def average_logs(logs: dict[str, Any], weight: float, communicator: Communicator) -> dict[str, Any]:
    """The logs' numbers averaged over ranks, each rank weighted by `weight` (its samples)."""
    names = sorted(k for k, v in logs.items() if _is_number(v))
    values = np.array([float(np.asarray(logs[k])) * weight for k in names] + [weight], np.float64)
    communicator.allreduce_(values)
    total = values[-1] or 1.0
    averaged = dict(logs)
    averaged.update({k: values[i] / total for i, k in enumerate(names)})
    return averaged


def _is_number(value: Any) -> bool:
    try:
        float(np.asarray(value))
        return True
    except (TypeError, ValueError):
        return False
