"""TensorFlow's execution helpers for eager code: executing_eagerly, device, name_scope,
control_dependencies, print, is_tensor."""
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


class name_scope:  # noqa: N801  (TensorFlow's name)
    """tf.name_scope: a context manager whose name swiftdl's eager ops do not need."""

    def __init__(self, name):
        if not isinstance(name, str):
            raise ValueError(f"name_scope expects a string name; received {name!r}")
        self.name = name

    def __enter__(self):
        return self.name + "/"

    def __exit__(self, *exc):
        return False


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
