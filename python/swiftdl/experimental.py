"""tf.experimental, in part: Optional, numpy (swiftdl's own numpy-compatible API, which is
what tf.experimental.numpy offers), and the execution-control names that eager,
synchronous swiftdl satisfies trivially (async_scope, async_clear_error,
function_executor_type). ExtensionType, the dispatch registries, DTensor, dlpack, TensorRT
and the 2/4/8-bit dtypes are not here (see the coverage notes)."""
import contextlib

from .data.iterator import Optional


@contextlib.contextmanager
def async_scope():
    """Ops inside run asynchronously in TensorFlow; swiftdl runs every op synchronously,
    so errors surface where they happen and there is nothing to wait for on exit."""
    yield


def async_clear_error():
    """Clears pending asynchronous errors: swiftdl never has any."""


@contextlib.contextmanager
def function_executor_type(executor_type):
    """Chooses tf.function's executor in TensorFlow; swiftdl's tf.function has one (eager)."""
    yield


def __getattr__(name):
    if name == "numpy":
        import swiftdl
        return swiftdl
    raise AttributeError(f"module 'swiftdl.experimental' has no attribute {name!r}")


__all__ = ["Optional", "async_clear_error", "async_scope", "function_executor_type"]   # and numpy, on first use
