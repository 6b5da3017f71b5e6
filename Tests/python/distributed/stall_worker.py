"""One rank of a job in which rank 1 never reaches the second allreduce (it sleeps far past
the stall timeout): the others must raise a StallError naming rank 1 within
SWIFTDL_MPI_STALL_TIMEOUT seconds, and the job must end. The worker of
Tests/python/test_distributed_training.py::test_the_stall_watchdog_names_the_missing_rank."""
import time

import numpy as np

import swiftdl.horovod as hvd

hvd.init()
first = hvd.allreduce(np.ones(3, np.float32), op=hvd.Sum)  # every rank: works
assert np.asarray(first).tolist() == [hvd.size()] * 3
if hvd.rank() == 1:
    time.sleep(120)  # "hangs": the others' watchdog must end the job long before this
hvd.allreduce(np.ones(100_000, np.float32))  # large: the barrier-guarded path
print(f"rank {hvd.rank()} was not stopped")
