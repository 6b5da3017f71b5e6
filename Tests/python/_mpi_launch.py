"""Launching the workers in Tests/python/distributed/ under mpirun on loopback, for the
distributed tests: the environment (root allowed, oversubscription, one engine thread per
rank) and a run with a timeout, so that a hang fails the test instead of stalling CI."""
import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

WORKERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "distributed")
MPIRUN = shutil.which("mpirun", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))

needs_mpi = pytest.mark.skipif(MPIRUN is None or importlib.util.find_spec("mpi4py") is None,
                               reason="needs mpi4py and mpirun (pip install 'swiftdl[mpi]')")


def environment(**extra):
    # Open MPI refuses to run as root unless told it may; this is the test environment only.
    # A stall ends the job after 60 s with the watchdog's message, before the test's timeout.
    values = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                  OMPI_MCA_rmaps_base_oversubscribe="1", SWIFTDL_NUM_THREADS="1", SWIFTDL_MPI_STALL_TIMEOUT="60")
    values.update(extra)
    return values


def run(worker, arguments, ranks=None, timeout=240, **extra_environment):
    """Runs Tests/python/distributed/<worker> alone (ranks=None) or under `mpirun -np ranks`."""
    command = ([MPIRUN, "-np", str(ranks), "--oversubscribe"] if ranks else [])
    command += [sys.executable, os.path.join(WORKERS, worker)] + [str(a) for a in arguments]
    return subprocess.run(command, capture_output=True, text=True, env=environment(**extra_environment),
                          timeout=timeout)
