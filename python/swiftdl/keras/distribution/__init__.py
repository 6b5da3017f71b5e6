"""keras.distribution for swiftdl: data-parallel training over MPI processes.

    # train.py, launched with: mpirun -np 4 python train.py
    keras.distribution.initialize()
    keras.distribution.set_distribution(keras.distribution.DataParallel())
    model.fit(x, y, batch_size=256)   # 256 is the global batch: 64 per process

Each process is one device ("cpu:<rank>"). Under DataParallel, `fit` on arrays, a
swiftdl.data.Dataset, a PyDataset or a generator gives each process its share of every
global batch (Keras's auto_shard_dataset), runs the same number of steps on every process
(the fewest any has), starts every process from rank 0's weights, and averages gradients
across processes before each optimizer step (also in a custom train_step's
`optimizer.apply`), so the weights stay identical on every rank and equal to one process
training on the global batch. Rank 0 alone prints the progress bar and writes checkpoints,
backups, TensorBoard and CSV logs; History holds the metrics averaged over ranks.
Transport: mpi4py (pip install 'swiftdl[mpi]'). Not yet: ModelParallel.
"""
from __future__ import annotations

import os
from typing import Any, Sequence

from swiftdl.distributed import communicator as _communicator

__all__ = ["DataParallel", "DeviceMesh", "Distribution", "distribution", "get_device_count", "initialize",
           "list_devices", "set_distribution"]


def initialize(job_addresses: str | None = None, num_processes: int | None = None,
               process_id: int | None = None) -> None:
    """Joins the job's processes. Under mpirun (or srun) rank and size come from MPI; the
    KERAS_DISTRIBUTION_* variables, or these arguments, must agree with them.

    Raises:
        ValueError: for more than one process outside an MPI launch, or numbers that
            disagree with MPI's.
    """
    num_processes = num_processes or _environment_int("KERAS_DISTRIBUTION_NUM_PROCESSES")
    process_id = process_id if process_id is not None else _environment_int("KERAS_DISTRIBUTION_PROCESS_ID")
    if not _communicator.launched_by_mpi():
        if num_processes and num_processes > 1:
            raise ValueError(f"swiftdl runs {num_processes} processes through MPI: launch with "
                             f"`mpirun -np {num_processes} python script.py` (job_addresses are not used)")
        return
    world = _communicator.world()
    if num_processes is not None and num_processes != world.size:
        raise ValueError(f"num_processes={num_processes}, but MPI started {world.size} processes")
    if process_id is not None and process_id != world.rank:
        raise ValueError(f"process_id={process_id}, but MPI gave this process rank {world.rank}")
    _share_cores(world)


def _environment_int(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value and value.strip().isdigit() else None


def _share_cores(world: Any) -> None:
    """Each rank's engine threads default to its share of the host's cores, so ranks on one
    host do not oversubscribe it (SWIFTDL_NUM_THREADS still wins)."""
    if os.environ.get("SWIFTDL_NUM_THREADS"):
        return
    from swiftdl import config
    config.set_num_threads(max(1, (os.cpu_count() or 1) // world.local_size))


def _world_if_any() -> Any:
    if _communicator.launched_by_mpi() or _communicator.initialized():
        return _communicator.world()
    return None


def list_devices(device_type: str | None = None) -> list[str]:
    """One device per process: ["cpu:0", ..., "cpu:<size-1>"].

    Raises:
        ValueError: for a device type other than "cpu".
    """
    if device_type is not None and device_type.lower() != "cpu":
        raise ValueError(f"swiftdl has CPU devices only; received device_type={device_type!r}")
    world = _world_if_any()
    return [f"cpu:{rank}" for rank in range(world.size if world else 1)]


def get_device_count(device_type: str | None = None) -> int:
    """The number of devices of `device_type`: the job's processes for "cpu" or None (one
    CPU device each), 0 for "gpu" and "tpu", which swiftdl does not use.

    Raises:
        ValueError: for a device type other than "cpu", "gpu" or "tpu".
    """
    kind = None if device_type is None else str(device_type).lower()
    if kind in ("gpu", "tpu"):
        return 0
    if kind not in (None, "cpu"):
        raise ValueError(f"Unknown device type {device_type!r}; expected 'cpu', 'gpu' or 'tpu'")
    return len(list_devices())


class DeviceMesh:
    """Devices arranged in a grid with named axes (data parallelism uses one "batch" axis)."""

    def __init__(self, shape: Sequence[int], axis_names: Sequence[str], devices: Sequence[str] | None = None) -> None:
        shape, axis_names = tuple(shape), tuple(axis_names)
        if len(shape) != len(axis_names):
            raise ValueError(f"Shape and axis_names cannot be mismatched. Received: shape={shape}, "
                             f"axis_names={axis_names}")
        devices = list(devices) if devices is not None else list_devices()
        count = 1
        for size in shape:
            count *= size
        if count != len(devices):
            raise ValueError(f"Shape {shape} does not match the number of devices {len(devices)}")
        self.shape, self.axis_names, self.devices = shape, axis_names, devices


class Distribution:
    """The base class of distribution strategies."""

    def __init__(self, device_mesh: DeviceMesh) -> None:
        self.device_mesh = device_mesh


class DataParallel(Distribution):
    """Data parallelism over every process: the batch is split across them, the weights are
    replicated and kept identical by averaging gradients every step.

    Args:
        device_mesh: a 1-D DeviceMesh, or None for all devices.
        devices: the devices, when no mesh is given.
        auto_shard_dataset: True: every process reads the same data, whose batches are
            global batches split over the processes. False: each process's data is its
            own, and its batches are its local batches.
    """

    def __init__(self, device_mesh: DeviceMesh | None = None, devices: Sequence[str] | None = None,
                 auto_shard_dataset: bool = True) -> None:
        if device_mesh is None:
            devices = list(devices) if devices is not None else list_devices()
            device_mesh = DeviceMesh((len(devices),), ("batch",), devices)
        elif len(device_mesh.shape) != 1:
            raise ValueError(f"DataParallel expects a 1-D DeviceMesh; received shape {device_mesh.shape}")
        super().__init__(device_mesh)
        self.batch_dim_name = device_mesh.axis_names[0]
        self.auto_shard_dataset = auto_shard_dataset

    def communicator(self) -> Any:
        """The MPI communicator when this runs across processes, else None."""
        world = _world_if_any()
        return world if world is not None and world.size > 1 else None


_DISTRIBUTION: list[Distribution | None] = [None]


def set_distribution(value: Distribution | None) -> None:
    """Makes `value` the distribution `fit` and the optimizers use (None: none)."""
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(f"Expected a keras.distribution.Distribution; received {type(value).__name__}")
    _DISTRIBUTION[0] = value


def distribution() -> Distribution | None:
    """The distribution set by set_distribution, or None."""
    return _DISTRIBUTION[0]
