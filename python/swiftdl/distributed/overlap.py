"""Overlapping the gradient allreduce with the backward pass.

The engine tells the trainer, during the backward pass, as soon as a variable's gradient is
final (`GradientTape.gradient_as_ready`: after the last recorded op that consumes the
variable has run its backward). The gradients go into buckets planned before the pass:

- in a fixed order every rank agrees on: the reverse of the variables' order (the model's
  layer order, so the last layer first: the order in which the backward pass finishes them),
  checked once per list of variables by exchanging a digest of the ordered paths, shapes and
  dtypes (ranks whose orders differ fall back to the descending order of paths, which
  depends on names alone); one dtype per bucket, each closed once it holds the overlap
  bucket size (SWIFTDL_MPI_BUCKET_BYTES, 64 KiB by default, at most
  HOROVOD_FUSION_THRESHOLD) or more;
- bucket k's nonblocking allreduce (MPI_Iallreduce, in place, on the contiguous buffer)
  starts as soon as buckets 0..k are all full, so every rank issues the same collectives in
  the same order whatever order its gradients arrive in;
- the started requests are progressed (MPI_Testall) after every op's backward until they
  complete, since MPI moves a nonblocking collective on only inside MPI calls;
- the last bucket (the first layers, final at the very end of the pass) is reduced after the
  pass as before (`Communicator.allreduce_many_`), and the started ones are completed under
  the stall watchdog as one collective.

A variable with no gradient contributes zeros to its bucket. The arithmetic is that of
fusion.py (the same prescale multiply when packing, the same factor when unpacking), so a
step with overlap and one without give the same numbers for the same sums.

SWIFTDL_MPI_OVERLAP=0 turns overlap off (fit then reduces after the backward pass, as
fusion.py does).
"""
from __future__ import annotations

import hashlib
import os
import re
from typing import Any, Callable, Sequence

import numpy as np

from .. import _C
from .._convert import asarray
from .._tensor import Tensor
from .communicator import Communicator
from .fusion import fusion_threshold

DEFAULT_BUCKET_BYTES = 64 * 1024


def overlap_enabled() -> bool:
    """Whether fit overlaps the gradient allreduce with the backward pass (SWIFTDL_MPI_OVERLAP,
    on unless set to 0, false, no or off).

    Raises:
        ValueError: for a value that is none of 0/1, true/false, yes/no, on/off.
    """
    value = os.environ.get("SWIFTDL_MPI_OVERLAP", "").strip().lower()
    if value in ("", "1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"SWIFTDL_MPI_OVERLAP must be 1 or 0; received {value!r}")


def bucket_bytes() -> int:
    """The size at which an overlap bucket is closed: SWIFTDL_MPI_BUCKET_BYTES (default
    64 KiB), at most the fusion threshold.

    Raises:
        ValueError: for a value that is not a positive whole number of bytes.
    """
    value = os.environ.get("SWIFTDL_MPI_BUCKET_BYTES", "").strip()
    size = DEFAULT_BUCKET_BYTES
    if value:
        if not value.isdigit() or int(value) <= 0:
            raise ValueError(f"SWIFTDL_MPI_BUCKET_BYTES must be a positive number of bytes; received {value!r}")
        size = int(value)
    return min(size, fusion_threshold())


def _natural(path: str) -> list[Any]:
    """A sort key that orders "dense_2" before "dense_10", as the layers were made."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path)]


def _describe(variable: Any) -> str:
    return f"{getattr(variable, 'path', '')}:{tuple(variable.shape)}:{np.dtype(variable.dtype).name}"


def layer_order(variables: Sequence[Any]) -> list[int]:
    """The reverse of the variables' own order: the last layer's first."""
    return list(range(len(variables)))[::-1]


def path_order(variables: Sequence[Any]) -> list[int]:
    """By path, descending (numbers in names compared as numbers): depends on names alone."""
    return sorted(range(len(variables)), key=lambda i: (_natural(getattr(variables[i], "path", "")), i), reverse=True)


def _digest(variables: Sequence[Any], order: Sequence[int]) -> int:
    text = ";".join(_describe(variables[i]) for i in order).encode()
    return int(np.frombuffer(hashlib.blake2b(text, digest_size=8).digest(), np.int64)[0])


def plan_overlap_buckets(variables: Sequence[Any], limit: int, order: Sequence[int] | None = None) -> list[list[int]]:
    """Indices of `variables` in buckets, in the order they are reduced (`order`, by default
    `path_order`): one dtype per bucket, each closed once it holds `limit` bytes or more."""
    buckets: list[list[int]] = []
    size = 0
    for index in (path_order(variables) if order is None else order):
        variable = variables[index]
        if not buckets or size >= limit or np.dtype(variables[buckets[-1][0]].dtype) != np.dtype(variable.dtype):
            buckets.append([])
            size = 0
        buckets[-1].append(index)
        size += int(np.prod(variable.shape, dtype=np.int64)) * np.dtype(variable.dtype).itemsize
    return buckets


class BucketPlan:
    """The buckets of one list of variables (made once, reused every step): which variable
    goes where, and the contiguous buffers."""

    def __init__(self, variables: Sequence[Any], buckets: list[list[int]]) -> None:
        self.variables = list(variables)
        self.buckets = buckets
        self.place: dict[int, tuple[int, int, int]] = {}  # variable index -> (bucket, start, size)
        self.flats: list[np.ndarray] = []
        for number, bucket in enumerate(buckets):
            start = 0
            for index in bucket:
                size = int(np.prod(self.variables[index].shape, dtype=np.int64))
                self.place[index] = (number, start, size)
                start += size
            self.flats.append(np.empty(start, np.dtype(self.variables[bucket[0]].dtype)))
        self.index_of = {id(variable): index for index, variable in enumerate(self.variables)}


_PLANS: dict[tuple[int, int, tuple[int, ...]], BucketPlan] = {}


def agreed_plan(communicator: Communicator, variables: Sequence[Any], limit: int,
                exchange: Callable[[np.ndarray], np.ndarray] | None = None) -> BucketPlan:
    """The bucket plan for these variables, made on first use with the other ranks: each
    rank's digests of its layer order and its path order are gathered (`exchange`: every
    rank's row, as Communicator.allgather gives), and the layer order is used when every rank
    has the same; otherwise the path order.

    Raises:
        ValueError: when the ranks' variables differ even by path, shape or dtype.
    """
    key = (id(communicator), limit, tuple(id(v) for v in variables))
    plan = _PLANS.get(key)
    if plan is not None and all(a is b for a, b in zip(plan.variables, variables)):
        return plan
    layers, paths = layer_order(variables), path_order(variables)
    row = np.array([[_digest(variables, layers), _digest(variables, paths)]], np.int64)
    table = (exchange or communicator.allgather)(row)
    if np.all(table[:, 0] == table[0, 0]):
        order = layers
    elif np.all(table[:, 1] == table[0, 1]):
        order = paths
    else:
        raise ValueError(f"[swiftdl] rank {communicator.rank}: the ranks train different variables (their paths, "
                         "shapes or dtypes differ); every rank must build the same model")
    plan = BucketPlan(variables, plan_overlap_buckets(variables, limit, order))
    _PLANS[key] = plan
    return plan


class OverlappedReduction:
    """One step's gradients, reduced over ranks bucket by bucket while the backward pass runs.

    Args:
        communicator: the job's processes.
        plan: the buckets of the variables whose gradients the backward pass computes.
        prescale: each gradient is multiplied by this when packed (a rank's share of the batch).
        factor: each reduced sum is multiplied by this when unpacked (1 / size to average).
        announce: called with every bucket buffer before the first collective (Horovod's
            join negotiation, with the OVERLAPPED kind).
    """

    def __init__(self, communicator: Communicator, plan: BucketPlan, prescale: float = 1.0, factor: float = 1.0,
                 announce: Callable[[list[np.ndarray]], None] | None = None) -> None:
        self.communicator = communicator
        self.variables, self.buckets, self.place, self.index_of = plan.variables, plan.buckets, plan.place, plan.index_of
        self.flats = plan.flats  # reused every step: the reduced gradients are copied out of them
        self.prescale, self.factor, self.announce = prescale, factor, announce
        self.missing = [len(bucket) for bucket in self.buckets]  # gradients each bucket still waits for
        self.identities: dict[int, int | None] = {}  # variable index -> the engine tensor reduced
        self.started = 0  # buckets whose allreduce has started
        self.requests: list[Any] = []

    # ---- during the backward pass ----------------------------------------------------------
    def on_ready(self, index: int, gradient: Tensor | None) -> bool:
        """The engine's notification: `gradient` of variable `index` is final (index -1: one
        more op's backward ran). Returns whether allreduces are in flight (the engine then
        calls again after every op, so that MPI moves them on)."""
        if index >= 0:
            self._pack(index, gradient)
            number = self.place[index][0]
            self.missing[number] -= 1
            # The last bucket waits for the end of the pass (see the module's docstring).
            while self.started < len(self.buckets) - 1 and self.missing[self.started] == 0:
                self._start(self.started)
        return bool(self.requests) and not self.communicator.MPI.Request.Testall(self.requests)

    def _pack(self, index: int, gradient: Tensor | None) -> None:
        number, start, size = self.place[index]
        target = self.flats[number][start:start + size]
        if gradient is None:
            self.identities[index] = None
            target[...] = 0
            return
        values = np.asarray(gradient)
        if values.dtype != target.dtype or values.size != size:
            raise ValueError(f"[overlap] the gradient of {self.variables[index].path} has dtype {values.dtype} and "
                             f"{values.size} elements; its bucket expects {target.dtype} and {size}")
        self.identities[index] = _C.tensor_identity(gradient)
        if self.prescale != 1.0:
            # NOTE: the same float multiply fusion.pack does after concatenating.
            np.multiply(values.reshape(-1), target.dtype.type(self.prescale), out=target)
        else:
            target[...] = values.reshape(-1)

    def _start(self, number: int) -> None:
        world = self.communicator
        if number == 0:
            if self.announce is not None:
                self.announce(self.flats)
            world.watchdog.enter()  # the started buckets are one collective for the watchdog
        self.requests.append(world.comm.Iallreduce(world.MPI.IN_PLACE, self.flats[number], op=world.MPI.SUM))
        self.started += 1

    # ---- after it ----------------------------------------------------------------------------
    def matches(self, gradients: Sequence[Any], variables: Sequence[Any]) -> bool:
        """Whether `gradients` are exactly the gradients this reduction packed, for `variables`."""
        if len(self.identities) != len(self.variables):
            return False
        for gradient, variable in zip(gradients, variables):
            index = self.index_of.get(id(variable))
            if index is None or not isinstance(gradient, Tensor) or self.identities[index] != _C.tensor_identity(gradient):
                return False
        return True

    def complete(self) -> None:
        """Finishes every collective of the step: the started buckets (as one collective for
        the watchdog), then the last bucket."""
        world = self.communicator
        while self.started < len(self.buckets) - 1:  # only when the pass told fewer gradients than planned
            self._start(self.started)
        if self.requests:
            world.watchdog.wait(self.requests, f"overlapped allreduce of {sum(f.nbytes for f in self.flats[:-1])} "
                                               f"bytes in {len(self.flats) - 1} buffer(s)")
        world.allreduce_many_(self.flats[-1:])

    def finish(self, gradients: Sequence[Any], variables: Sequence[Any]) -> list[Tensor]:
        """The reduced gradients of `variables`, in their order (the collectives completed)."""
        self.complete()
        if self.factor != 1.0:
            for flat in self.flats:
                flat *= flat.dtype.type(self.factor)
        results = []
        for variable in variables:
            number, start, size = self.place[self.index_of[id(variable)]]
            results.append(asarray(self.flats[number][start:start + size].reshape(variable.shape)))
        return results


def overlap_plan(communicator: Communicator, variables: Sequence[Any], prescale: float = 1.0, factor: float = 1.0,
                 announce: Callable[[list[np.ndarray]], None] | None = None,
                 exchange: Callable[[np.ndarray], np.ndarray] | None = None) -> OverlappedReduction | None:
    """The OverlappedReduction for these variables' gradients, or None when overlap is off or
    their buckets are one (nothing would start before the pass ends). `exchange` gathers the
    plan's digests the first time (see agreed_plan)."""
    if communicator.size < 2 or not overlap_enabled() or not variables:
        return None
    plan = agreed_plan(communicator, variables, bucket_bytes(), exchange)
    if len(plan.buckets) < 2:
        return None
    return OverlappedReduction(communicator, plan, prescale, factor, announce)


def serve_overlapped(communicator: Communicator, buffers: list[np.ndarray]) -> None:
    """What a rank that has joined (Horovod's join) does for an overlapped allreduce: the same
    collectives with zeros, in the same order."""
    world = communicator
    if len(buffers) > 1:
        world.watchdog.enter()
        requests = [world.comm.Iallreduce(world.MPI.IN_PLACE, b, op=world.MPI.SUM) for b in buffers[:-1]]
        world.watchdog.wait(requests, f"overlapped allreduce of {sum(b.nbytes for b in buffers[:-1])} bytes")
    world.allreduce_many_(buffers[-1:])
