"""TensorFlow's execution helpers for eager code: executing_eagerly, device, name_scope,
control_dependencies, print, is_tensor, and the graph-era names that eager code meets
(gradients, init_scope, inside_function, get_static_value, ...)."""
import contextlib
import enum
import sys

from ._convert import TensorBase


def executing_eagerly():
    """True: swiftdl always executes eagerly (tf.executing_eagerly)."""
    return True


def is_tensor(x):
    """Whether `x` is a swiftdl Tensor or Variable (tf.is_tensor)."""
    return isinstance(x, TensorBase)


@contextlib.contextmanager
def device(device_name):
    """Accepts TensorFlow's device placement (tf.device); every op runs on the CPU.

    Raises:
        ValueError: for a device string that names no device.
    """
    if device_name is not None and not isinstance(device_name, str) and not callable(device_name):
        raise ValueError(f"tf.device expects a device string; received {device_name!r}")
    yield


_SCOPES: list = []  # the names of the open name_scopes, outermost first


class name_scope:  # noqa: N801  (TensorFlow's name)
    """tf.name_scope: a context manager whose name swiftdl's eager ops do not need; the
    open scopes are kept for tf.get_current_name_scope."""

    def __init__(self, name):
        if not isinstance(name, str):
            raise ValueError(f"name_scope expects a string name; received {name!r}")
        self.name = name

    def __enter__(self):
        _SCOPES.append(self.name)
        return get_current_name_scope() + "/"  # the full scope, as TensorFlow returns it

    def __exit__(self, *exc):
        _SCOPES.pop()
        return False


def get_current_name_scope():
    """The open name scopes joined by "/" ("" outside any), as tf.get_current_name_scope."""
    return "/".join(name.rstrip("/") for name in _SCOPES if name)


@contextlib.contextmanager
def control_dependencies(control_inputs):
    """tf.control_dependencies: eager ops already run in program order."""
    yield


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):  # noqa: A001
    """Prints tensors and Python values (tf.print) to stderr by default, as TensorFlow does;
    `output_stream=sys.stdout` prints there."""
    import numpy as np
    stream = sys.stderr if output_stream is None else output_stream
    parts = []
    for value in inputs:
        if isinstance(value, TensorBase):
            limit = None if summarize is None or summarize < 0 else summarize
            options = {} if limit is None else {"edgeitems": limit, "threshold": 2 * limit + 1}
            parts.append(np.array2string(value.numpy(), separator=" ", **options))
        else:
            parts.append(str(value))
    text = sep.join(parts) + end
    if hasattr(stream, "write"):
        stream.write(text)
    else:  # TensorFlow also accepts the name of a stream ("file://..." is not supported)
        (sys.stdout if "stdout" in str(stream) else sys.stderr).write(text)


class UnconnectedGradients(str, enum.Enum):
    """What GradientTape.gradient gives for sources the target does not depend on
    (tf.UnconnectedGradients): NONE (None) or ZERO (zeros of the source's shape)."""

    NONE = "none"
    ZERO = "zero"


def get_static_value(tensor, partial=False):
    """The value of `tensor` as numpy (tf.get_static_value): eager values are always known.
    Python and numpy values come back as they are."""
    if isinstance(tensor, TensorBase):
        return tensor.numpy()
    return tensor


def gradients(ys, xs, grad_ys=None, name="gradients", gate_gradients=False, aggregation_method=None,
              stop_gradients=None, unconnected_gradients=None):
    """Graph-mode gradients, which eager execution does not have (tf.gradients)."""
    raise RuntimeError("tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape instead.")


def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False, gate_gradients=False,
             aggregation_method=None):
    """Graph-mode second derivatives (tf.hessians); use nested GradientTapes."""
    raise RuntimeError("tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape instead.")


def inside_function():
    """False: swiftdl traces no graphs (tf.inside_function)."""
    return False


@contextlib.contextmanager
def init_scope():
    """tf.init_scope: lifts code out of graph-building, which eager code never is in."""
    yield


def get_logger():
    """TensorFlow's logger (tf.get_logger): the standard `logging` logger named "tensorflow"."""
    import logging
    return logging.getLogger("tensorflow")


def timestamp(name=None):
    """Seconds since the epoch as a float64 scalar (tf.timestamp)."""
    import time

    from ._tf_cast import constant
    return constant(time.time(), dtype="float64")


def check_pinned(tensor, name=None):
    """tf.check_pinned: whether a tensor sits in CUDA-pinned host memory. swiftdl is a CPU
    engine, so this fails as TensorFlow's CPU build does.

    Raises:
        FailedPreconditionError: always (no CUDA build).
    """
    from .errors import FailedPreconditionError
    raise FailedPreconditionError(None, None, "to check pinnedness, must be built with `--config=cuda`")
