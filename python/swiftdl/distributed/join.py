"""Horovod's join() for custom training loops with uneven data.

A rank that runs out of data calls `join()` and keeps serving the collectives the other ranks
still issue, contributing zeros to their allreduces (and no rows to their allgathers), until
every rank has joined; join then returns the last rank to join, whose weights saw every
step (broadcast them from it).

A joined rank cannot guess what the others will issue next, so every Horovod collective is
announced first, as Horovod's coordinator does: one small allreduce (a sum) of a header
[1, kind, number of buffers, root, 1 if root]. Active ranks put 1 in the first slot, joined
ranks zeros; the sum counts the active ranks, and the other slots divided by that count say
what to serve. Only when some rank has joined does a second allreduce (a max) carry the
buffers' sizes and dtypes. When every rank has joined, the header sums to zero and join
returns. Ranks that issue different collectives at the same point get an error instead of a
hang. The cost without join is the header: one 40-byte allreduce per Horovod collective
(measured in benchmarks/distributed.py).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .communicator import Communicator

# OVERLAPPED: fit's gradient buckets, all but the last started during the backward pass
# (overlap.py); joined ranks serve them with the same nonblocking collectives.
ALLREDUCE, BROADCAST, ALLGATHER, OVERLAPPED = 1, 2, 3, 4
_KIND_NAMES = {ALLREDUCE: "allreduce", BROADCAST: "broadcast", ALLGATHER: "allgather", OVERLAPPED: "overlapped allreduce"}
_DTYPES = [np.dtype(t) for t in ("float32", "float64", "int32", "int64", "uint8", "bool", "float16", "int8", "int16",
                                 "uint16", "uint32", "uint64")]


def _dtype_code(dtype: np.dtype) -> int:
    try:
        return _DTYPES.index(np.dtype(dtype))
    except ValueError:
        raise TypeError(f"swiftdl.horovod collectives take numeric or bool tensors; received dtype {dtype}") from None


class Negotiator:
    """Announces each Horovod collective so that joined ranks can serve it."""

    def __init__(self, communicator: Communicator) -> None:
        self.communicator = communicator
        self.rounds = 0  # headers exchanged: the same count on every rank

    def announce(self, kind: int, buffers: Sequence[np.ndarray], root: int = 0) -> None:
        """Called by an active rank before a collective over `buffers` (for an allgather,
        one array per row shape).

        Raises:
            ValueError: when the ranks issue different collectives here, or a broadcast's
                root has joined.
        """
        world = self.communicator
        header = np.array([1, kind, len(buffers), root, int(world.rank == root)], np.int64)
        self.rounds += 1
        world.allreduce_(header)
        active = int(header[0])
        if np.any(header[1:4] != active * np.array([kind, len(buffers), root])):
            raise ValueError(f"[swiftdl.horovod] rank {world.rank} issued a {_KIND_NAMES[kind]} of {len(buffers)} "
                             f"tensor(s) (root {root}) while other ranks issued a different collective; every rank "
                             "must issue the same collectives in the same order")
        if kind == BROADCAST and header[4] == 0:
            raise ValueError(f"[swiftdl.horovod] broadcast from root rank {root}, which has already joined")
        if active < world.size:
            sizes = [b.size if kind != ALLGATHER else int(np.prod(b.shape[1:])) for b in buffers]
            table = np.array(sizes + [_dtype_code(b.dtype) for b in buffers], np.int64)
            world.allreduce_(table, "max")

    def join(self) -> int:
        """Serves the active ranks' collectives with zeros until every rank has joined;
        returns the last rank to join."""
        world = self.communicator
        joined_at = self.rounds
        while True:
            header = np.zeros(5, np.int64)
            self.rounds += 1
            world.allreduce_(header)
            active = int(header[0])
            if active == 0:
                break
            kind, count, root = (int(v) // active for v in header[1:4])
            table = np.zeros(2 * count, np.int64)
            world.allreduce_(table, "max")
            self._serve(kind, [(int(n), _DTYPES[int(d)]) for n, d in zip(table[:count], table[count:])], root)
        # The last to join joined at the latest round (the highest rank among ties).
        return world.agree(joined_at * world.size + world.rank, "max") % world.size

    def _serve(self, kind: int, buffers: list[tuple[int, np.dtype]], root: int) -> None:
        world = self.communicator
        if kind == ALLREDUCE:
            world.allreduce_many_([np.zeros(n, dtype) for n, dtype in buffers])
        elif kind == OVERLAPPED:
            from .overlap import serve_overlapped
            serve_overlapped(world, [np.zeros(n, dtype) for n, dtype in buffers])
        elif kind == BROADCAST:
            for n, dtype in buffers:
                world.broadcast_(np.zeros(n, dtype), root)
        else:
            for row, dtype in buffers:
                world.allgather(np.zeros((0, row), dtype))


_NEGOTIATORS: dict[int, Negotiator] = {}


def negotiator(communicator: Communicator) -> Negotiator:
    """The job's negotiator (one per communicator)."""
    key = id(communicator)
    if key not in _NEGOTIATORS:
        _NEGOTIATORS[key] = Negotiator(communicator)
    return _NEGOTIATORS[key]
