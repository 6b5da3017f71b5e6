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


LogicalDeviceConfiguration = collections.namedtuple(
    "LogicalDeviceConfiguration", ["memory_limit", "experimental_priority", "experimental_device_ordinal"],
    defaults=(None, None, None))
_logical_cpus = [None]  # the configurations set_logical_device_configuration gave the CPU


def list_logical_devices(device_type=None):
    """The CPU, or the logical CPUs set_logical_device_configuration split it into (they
    share the engine's threads; code that spreads work over several devices runs)."""
    if device_type is None or str(device_type).upper() == "CPU":
        count = len(_logical_cpus[0]) if _logical_cpus[0] else 1
        return [LogicalDevice(f"/device:CPU:{i}", "CPU") for i in range(count)]
    return []


def get_logical_device_configuration(device):
    """The logical configurations set for `device`, or None when none were set."""
    _check_device(device)
    return None if _logical_cpus[0] is None else list(_logical_cpus[0])


def set_logical_device_configuration(device, logical_devices):
    """Splits the CPU into len(logical_devices) logical CPUs (TensorFlow's way of testing
    multi-device code on one machine); None undoes it."""
    _check_device(device)
    if logical_devices is not None:
        logical_devices = list(logical_devices)
        if not logical_devices or not all(isinstance(d, LogicalDeviceConfiguration) for d in logical_devices):
            raise ValueError("logical_devices must be a non-empty list of tf.config.LogicalDeviceConfiguration")
    _logical_cpus[0] = logical_devices


def _check_device(device):
    if device != _CPU:
        raise ValueError(f"Unrecognized device: {device!r}; swiftdl runs on {_CPU.name} only")


_soft_placement = [True]


def get_soft_device_placement():
    """Whether ops asked for on a missing device run on the CPU instead (always, here)."""
    return _soft_placement[0]


def set_soft_device_placement(enabled):
    _soft_placement[0] = bool(enabled)


def experimental_connect_to_cluster(cluster_spec_or_resolver, job_name="localhost", task_index=0, protocol=None,
                                    make_master_device_default=True, cluster_device_filters=None):
    raise NotImplementedError("swiftdl has no TensorFlow cluster runtime; for training on many processes use "
                              "swiftdl.keras.distribution (DataParallel over MPI) or swiftdl.horovod")


def experimental_connect_to_host(remote_host=None, job_name="worker"):
    raise NotImplementedError("swiftdl has no TensorFlow remote hosts; for training on many processes use "
                              "swiftdl.keras.distribution (DataParallel over MPI) or swiftdl.horovod")


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

_optimizer_options: dict = {}
_jit = [""]


def _set_experimental_options(options):
    _optimizer_options.update(dict(options))


def _set_jit(enabled):
    # Kept for get_jit: swiftdl compiles nothing (tf.function runs eagerly).
    _jit[0] = "autoclustering" if enabled is True else (enabled or "")


optimizer = types.SimpleNamespace(
    get_experimental_options=lambda: dict(_optimizer_options), set_experimental_options=_set_experimental_options,
    get_jit=lambda: _jit[0], set_jit=_set_jit)
experimental_functions_run_eagerly = functions_run_eagerly  # TensorFlow's older names
experimental_run_functions_eagerly = run_functions_eagerly

__all__ = ["LogicalDevice", "LogicalDeviceConfiguration", "PhysicalDevice", "experimental_connect_to_cluster",
           "experimental_connect_to_host", "experimental_functions_run_eagerly", "experimental_run_functions_eagerly",
           "functions_run_eagerly", "get_logical_device_configuration", "get_soft_device_placement",
           "get_visible_devices", "list_logical_devices", "list_physical_devices", "optimizer",
           "run_functions_eagerly", "set_logical_device_configuration", "set_soft_device_placement",
           "set_visible_devices", "threading"]
