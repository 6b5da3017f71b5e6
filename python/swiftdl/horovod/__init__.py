"""swiftdl.horovod: Horovod's Keras API over MPI, so Horovod training scripts run on swiftdl
with their import lines changed:

    import swiftdl.horovod.keras as hvd          # was: import horovod.keras as hvd
    hvd.init()
    opt = hvd.DistributedOptimizer(keras.optimizers.Adam(0.001 * hvd.size()))
    model.compile(optimizer=opt, ...)
    model.fit(x_shard, y_shard, callbacks=[hvd.callbacks.BroadcastGlobalVariablesCallback(0)])

Launch with `mpirun -np N python train.py`. Collectives are MPI's (mpi4py), on buffers;
gradients are fused into buckets (HOROVOD_FUSION_THRESHOLD) in a fixed order by variable path.
Each collective is announced first, so that ranks which called `join()` can serve it
(distributed/join.py).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._convert import asarray
from .._tensor import Tensor
from ..distributed import communicator as _communicator
from ..distributed.data_parallel import broadcast_variables as _broadcast_variables
from ..distributed.fusion import reduce_gradients as _reduce_gradients
from ..distributed.overlap import overlap_plan as _overlap_plan
from ..distributed.join import ALLGATHER as _ALLGATHER
from ..distributed.join import ALLREDUCE as _ALLREDUCE
from ..distributed.join import BROADCAST as _BROADCAST
from ..distributed.join import OVERLAPPED as _OVERLAPPED
from ..distributed.join import negotiator as _negotiator
from . import callbacks

__all__ = ["Adasum", "Average", "DistributedOptimizer", "Sum", "allgather", "allreduce", "broadcast",
           "broadcast_variables", "callbacks", "init", "is_initialized", "join", "local_rank", "local_size", "rank",
           "size"]

# Reduction ops, Horovod's names.
Average = "average"
Sum = "sum"
Adasum = "adasum"


def init() -> None:
    """Starts MPI (under mpirun) and sets this rank's engine threads to its share of the host."""
    from ..keras.distribution import _share_cores
    _share_cores(_communicator.world())


def is_initialized() -> bool:
    return _communicator.initialized()


def _world() -> _communicator.Communicator:
    if not _communicator.initialized():
        raise ValueError("Horovod has not been initialized; use hvd.init().")
    return _communicator.world()


def size() -> int:
    return _world().size


def rank() -> int:
    return _world().rank


def local_rank() -> int:
    return _world().local_rank


def local_size() -> int:
    return _world().local_size


def _op(average: bool | None, op: str | None) -> str:
    if average is not None:
        return Average if average else Sum
    chosen = op or Average
    if chosen not in (Average, Sum):
        raise ValueError(f"swiftdl.horovod supports op=Average or op=Sum; received {chosen!r}")
    return chosen


def allreduce(tensor: Any, average: bool | None = None, name: str | None = None, op: str | None = None,
              prescale_factor: float = 1.0, postscale_factor: float = 1.0) -> Tensor:
    """The tensor summed (or averaged) over ranks; every rank gets the result."""
    world = _world()
    values = np.array(np.asarray(tensor), order="C")  # a copy; keeps 0-d shapes
    if prescale_factor != 1.0:
        values *= values.dtype.type(prescale_factor)
    _negotiator(world).announce(_ALLREDUCE, [values.reshape(-1)])
    world.allreduce_(values)
    if _op(average, op) == Average:
        values = values / world.size if values.dtype.kind != "f" else values * values.dtype.type(1 / world.size)
    if postscale_factor != 1.0:
        values = values * values.dtype.type(postscale_factor)
    return asarray(values)


def allgather(tensor: Any, name: str | None = None) -> Tensor:
    """Every rank's tensor concatenated along the first axis, in rank order."""
    values = np.ascontiguousarray(np.asarray(tensor))
    _negotiator(_world()).announce(_ALLGATHER, [values])
    return asarray(_world().allgather(values))


def broadcast(tensor: Any, root_rank: int, name: str | None = None) -> Tensor:
    """root_rank's tensor on every rank."""
    values = np.array(np.asarray(tensor), order="C")  # a copy; keeps 0-d shapes
    _negotiator(_world()).announce(_BROADCAST, [values.reshape(-1)], root_rank)
    _world().broadcast_(values, root_rank)
    return asarray(values)


def broadcast_variables(variables: Sequence[Any], root_rank: int) -> None:
    """Sets every variable to root_rank's value (in a fixed order by path)."""
    world = _world()
    _broadcast_variables(list(variables), world, root_rank,
                         announce=lambda values: _negotiator(world).announce(_BROADCAST, values, root_rank))


def _announced_allgather(world: _communicator.Communicator, rows: np.ndarray) -> np.ndarray:
    _negotiator(world).announce(_ALLGATHER, [rows])
    return world.allgather(rows)


def join() -> int:
    """Marks this rank as out of data: until every rank has joined, it serves the other
    ranks' allreduces with zeros (and their allgathers with no rows), so ranks with more
    data go on training. Returns the last rank to join, whose weights saw every step:
    `hvd.broadcast_variables(model.variables, root_rank=hvd.join())` re-aligns the ranks.
    Average reductions divide by size() even while ranks are joined, as Horovod's do."""
    return _negotiator(_world()).join()


def DistributedOptimizer(optimizer: Any, name: str | None = None, compression: Any = None,
                         sparse_as_dense: bool = False, backward_passes_per_step: int = 1, op: str = Average,
                         gradient_predivide_factor: float = 1.0, **kwargs: Any) -> Any:
    """`optimizer`, with gradients reduced over ranks (fused, averaged by default) before every
    step; with `backward_passes_per_step=k`, gradients are summed locally over k calls and
    reduced and applied on the k-th. The result is an optimizer of the same class.

    Raises:
        ValueError: for an unsupported op, or backward_passes_per_step < 1.
    """
    reduction = _op(None, op)
    if backward_passes_per_step < 1:
        raise ValueError(f"backward_passes_per_step must be >= 1; received {backward_passes_per_step}")
    if compression is not None and getattr(compression, "__name__", "") not in ("NoneCompressor", "none"):
        raise ValueError("swiftdl.horovod does not compress gradients; pass compression=None")
    base = type(optimizer)
    cls: Any = type(base.__name__, (_Distributed, base), {})
    distributed = cls.from_config(optimizer.get_config())
    distributed._horovod = {"op": reduction, "passes": int(backward_passes_per_step), "count": 0, "sums": None,
                            "predivide": float(gradient_predivide_factor)}
    return distributed


class _Distributed:
    """Mixed into the wrapped optimizer's class: reduces gradients across ranks first."""

    _horovod: dict[str, Any]

    def _overlapped_reduction(self, variables: list[Any]) -> Any:
        """fit's backward pass starts the buckets' allreduces (distributed/overlap.py), but
        not while gradients are summed locally over several passes."""
        state = self._horovod
        if state["passes"] > 1:
            return None
        world = _world()
        predivide, average = state["predivide"], state["op"] == Average
        return _overlap_plan(world, variables, prescale=1.0 / predivide,
                             factor=(predivide if average else 1.0) / (world.size if average else 1),
                             announce=lambda buckets: _negotiator(world).announce(_OVERLAPPED, buckets),
                             exchange=lambda row: _announced_allgather(world, row))

    def _reduce_gradients(self, gradients: list[Tensor], variables: list[Any]) -> list[Tensor] | None:
        overlapped = self._take_overlapped_reduction(gradients, variables)  # type: ignore[attr-defined]
        if overlapped is not None:
            return overlapped
        state = self._horovod
        if state["passes"] > 1:
            state["sums"] = gradients if state["sums"] is None else [a + g for a, g in zip(state["sums"], gradients)]
            state["count"] += 1
            if state["count"] < state["passes"]:
                return None
            gradients, state["sums"], state["count"] = [g / state["passes"] for g in state["sums"]], None, 0
        world = _world()
        predivide = state["predivide"]
        average = state["op"] == Average
        # Horovod's gradient_predivide_factor: divide by f before the sum and by size / f after.
        return _reduce_gradients(gradients, variables, world, prescale=1.0 / predivide,
                                 scale=predivide if average else 1.0, average=average,
                                 announce=lambda buckets: _negotiator(world).announce(_ALLREDUCE, buckets))
