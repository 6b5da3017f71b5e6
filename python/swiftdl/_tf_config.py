"""tf.config's device and threading functions for a CPU-only engine."""
import collections
import os
import types

from . import _C
from ._tf_function import functions_run_eagerly, run_functions_eagerly

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])

_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")
_visible = [_CPU]


def list_physical_devices(device_type=None):
    """The devices swiftdl computes on: the CPU (tf.config.list_physical_devices). Asking
    for 'GPU' or 'TPU' gives an empty list."""
    if device_type is None or str(device_type).upper() == "CPU":
        return [_CPU]
    return []


def list_logical_devices(device_type=None):
    if device_type is None or str(device_type).upper() == "CPU":
        return [LogicalDevice("/device:CPU:0", "CPU")]
    return []


def get_visible_devices(device_type=None):
    return [d for d in _visible if device_type is None or d.device_type == str(device_type).upper()]


def set_visible_devices(devices, device_type=None):
    """Accepts the CPU (the one device swiftdl has), alone or in a list; an empty list of
    GPUs is accepted too, as code that hides GPUs passes it.

    Raises:
        ValueError: for a device that list_physical_devices did not return.
    """
    devices = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    for device in devices:
        if device != _CPU:
            raise ValueError(f"Unrecognized device: {device!r}; swiftdl runs on {_CPU.name} only")
    if devices or device_type is None or str(device_type).upper() == "CPU":
        _visible[:] = devices or [_CPU]


def set_intra_op_parallelism_threads(num_threads):
    """The number of threads the engine's kernels use (swiftdl.config.set_num_threads);
    0 lets swiftdl choose (one per core)."""
    num_threads = int(num_threads)
    _C.set_num_threads(num_threads if num_threads > 0 else (os.cpu_count() or 1))


def get_intra_op_parallelism_threads():
    return _C.get_num_threads()


_inter_op = [0]


def set_inter_op_parallelism_threads(num_threads):
    """Accepted for TensorFlow's API: the engine runs one op at a time per Python thread, so
    there is no inter-op pool to size; the value is kept for get_inter_op_parallelism_threads."""
    _inter_op[0] = int(num_threads)


def get_inter_op_parallelism_threads():
    return _inter_op[0]


threading = types.SimpleNamespace(
    set_intra_op_parallelism_threads=set_intra_op_parallelism_threads,
    get_intra_op_parallelism_threads=get_intra_op_parallelism_threads,
    set_inter_op_parallelism_threads=set_inter_op_parallelism_threads,
    get_inter_op_parallelism_threads=get_inter_op_parallelism_threads)

__all__ = ["LogicalDevice", "PhysicalDevice", "functions_run_eagerly", "get_visible_devices", "list_logical_devices",
           "list_physical_devices", "run_functions_eagerly", "set_visible_devices", "threading"]
