"""Engine-wide settings."""
from . import _C
from . import _experimental_config as experimental  # tf.config.experimental: enable_op_determinism, ...

__all__ = ["avx2_kernels_enabled", "avx512_kernels_enabled", "blas_library", "experimental", "experimental_connect_to_cluster",
           "experimental_connect_to_host", "experimental_functions_run_eagerly", "experimental_run_functions_eagerly",
           "functions_run_eagerly", "get_logical_device_configuration", "get_num_threads", "get_soft_device_placement",
           "get_visible_devices", "list_logical_devices", "list_physical_devices", "LogicalDevice",
           "LogicalDeviceConfiguration", "optimizer", "PhysicalDevice", "run_functions_eagerly", "set_num_threads",
           "set_logical_device_configuration", "set_soft_device_placement", "set_visible_devices", "threading"]


def set_num_threads(n):
    """Sets how many threads engine kernels use (at least 1). BLAS always runs
    single-threaded; the engine splits large products across these threads itself."""
    _C.set_num_threads(int(n))


def get_num_threads():
    """The number of threads engine kernels use."""
    return _C.get_num_threads()


def blas_library():
    """The file of the BLAS library the engine multiplies with (scipy-openblas32's unless
    `SWIFTDL_BLAS` names another), or None when none could be loaded and matrix products
    run in plain loops, 20-30x slower (swiftdl warns at import then)."""
    from . import _blas
    return _blas.library


def avx2_kernels_enabled():
    """Whether the engine runs its own AVX2 kernels (Winograd convolutions, the vectorised
    LSTM cell, pooling and exp). False on CPUs without AVX2 and FMA, and when the
    environment variable `SWIFTDL_DISABLE_AVX2=1` switches them off to test the portable
    paths."""
    return _C.avx2_kernels_enabled()


def avx512_kernels_enabled():
    """Whether the engine runs its own AVX-512 kernels (small single-precision products, such
    as one image's convolutions). False on CPUs without AVX-512 (F, CD, BW, DQ, VL), and when
    `SWIFTDL_DISABLE_AVX512=1` (or `SWIFTDL_DISABLE_AVX2=1`) switches them off."""
    return _C.avx512_kernels_enabled()


# TensorFlow's tf.config names (devices, threads, eager execution).
from ._tf_config import (LogicalDevice, LogicalDeviceConfiguration, PhysicalDevice,  # noqa: E402
                         experimental_connect_to_cluster, experimental_connect_to_host,
                         experimental_functions_run_eagerly, experimental_run_functions_eagerly, functions_run_eagerly,
                         get_logical_device_configuration, get_soft_device_placement, get_visible_devices,
                         list_logical_devices, list_physical_devices, optimizer, run_functions_eagerly,
                         set_logical_device_configuration, set_soft_device_placement, set_visible_devices, threading)
