"""Engine-wide settings."""
from . import _C


def set_num_threads(n):
    """Sets how many threads engine kernels use (at least 1). BLAS always runs
    single-threaded; the engine splits large products across these threads itself."""
    _C.set_num_threads(int(n))


def get_num_threads():
    """The number of threads engine kernels use."""
    return _C.get_num_threads()
