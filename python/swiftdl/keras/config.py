"""keras.config: the process-wide settings of Keras 3, for the swiftdl backend.

The flash-attention switch is kept as Keras keeps it (a global setting layers may consult);
swiftdl's attention is one CPU algorithm either way, as on Keras's TensorFlow backend, so it
changes no result. `set_backend` accepts only "swiftdl"; NNX (Flax) is never enabled.
"""
import os

from .backend import epsilon, floatx, image_data_format, set_epsilon, set_floatx, set_image_data_format
from .utils.io_utils import disable_interactive_logging, enable_interactive_logging, is_interactive_logging_enabled

__all__ = ["backend", "disable_flash_attention", "disable_interactive_logging", "enable_flash_attention",
           "is_flash_attention_enabled", "is_nnx_enabled", "set_backend", "disable_traceback_filtering", "dtype_policy",
           "enable_interactive_logging", "enable_traceback_filtering", "enable_unsafe_deserialization", "epsilon",
           "floatx", "image_data_format", "is_interactive_logging_enabled", "is_traceback_filtering_enabled",
           "max_epochs", "max_steps_per_epoch", "set_dtype_policy", "set_epsilon", "set_floatx",
           "set_image_data_format", "set_max_epochs", "set_max_steps_per_epoch"]


def backend():
    """The name of the backend: 'swiftdl'."""
    return "swiftdl"


def set_backend(backend):
    """Keras's backend switch. swiftdl.keras runs on the swiftdl engine only.

    Raises:
        ValueError: for any backend other than "swiftdl".
    """
    if backend != "swiftdl":
        raise ValueError(f"swiftdl.keras runs on the swiftdl engine only; received backend={backend!r}. Import "
                         f"Keras itself to use {backend!r}.")


_FLASH_ATTENTION = {"enabled": None}


def enable_flash_attention():
    """Lets attention layers use flash attention where supported (the default)."""
    _FLASH_ATTENTION["enabled"] = None


def disable_flash_attention():
    """Stops attention layers using flash attention."""
    _FLASH_ATTENTION["enabled"] = False


def is_flash_attention_enabled():
    """False once disabled; otherwise None (enabled where supported), as in Keras."""
    return _FLASH_ATTENTION["enabled"]


def is_nnx_enabled():
    """Whether Flax NNX features are on: never, on swiftdl (a JAX-backend feature)."""
    return False


def _environment_int(name):
    value = os.environ.get(name)
    return int(value) if value else None


_limits = {"epochs": _environment_int("KERAS_MAX_EPOCHS"),
           "steps_per_epoch": _environment_int("KERAS_MAX_STEPS_PER_EPOCH")}


def set_max_epochs(max_epochs):
    """Caps the epochs of every fit() (None: no cap), for quick debugging runs. The
    environment variable KERAS_MAX_EPOCHS sets it too."""
    _limits["epochs"] = None if max_epochs is None else int(max_epochs)


def max_epochs():
    return _limits["epochs"]


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Caps the batches of every epoch of fit(), evaluate() and predict() (None: no cap).
    The environment variable KERAS_MAX_STEPS_PER_EPOCH sets it too."""
    _limits["steps_per_epoch"] = None if max_steps_per_epoch is None else int(max_steps_per_epoch)


def max_steps_per_epoch():
    return _limits["steps_per_epoch"]


_unsafe_deserialization = {"enabled": False}


def enable_unsafe_deserialization():
    """Keras's switch for loading lambdas' bytecode from files. swiftdl records it but never
    runs code from a file (a Lambda's function comes from `custom_objects`), so loading
    stays safe either way."""
    _unsafe_deserialization["enabled"] = True


_traceback_filtering = {"enabled": True}


def enable_traceback_filtering():
    """Keras hides its own frames from tracebacks; swiftdl's errors are raised where the
    bad argument is found, with no internal frames to hide. The switch is kept so that
    code written for Keras runs; is_traceback_filtering_enabled reports it."""
    _traceback_filtering["enabled"] = True


def disable_traceback_filtering():
    _traceback_filtering["enabled"] = False


def is_traceback_filtering_enabled():
    return _traceback_filtering["enabled"]


def dtype_policy():
    """The global DTypePolicy (from set_dtype_policy; 'float32' or floatx's by default)."""
    from .dtype_policies import current_policy
    return current_policy()


def set_dtype_policy(policy):
    """Sets the global dtype policy: a DTypePolicy or its name. 'float32' and 'float64'
    work; the mixed-precision policies raise NotImplementedError (the engine has no
    16-bit floats)."""
    from .dtype_policies import set_current_policy
    set_current_policy(policy)
