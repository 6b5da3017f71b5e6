"""swiftdl.distributed: the MPI transport and data-parallel machinery under
swiftdl.keras.distribution and swiftdl.horovod (optional: pip install 'swiftdl[mpi]')."""
from .communicator import Communicator, initialized, launched_by_mpi, world
from .watchdog import StallError

__all__ = ["Communicator", "StallError", "initialized", "launched_by_mpi", "world"]
