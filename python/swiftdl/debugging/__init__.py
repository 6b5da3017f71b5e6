"""tf.debugging: assertions that check eagerly, numerics checks and the debugging switches."""
import numpy as np

from .. import errors
from .._convert import TensorBase
from ._structure_asserts import (assert_integer, assert_proper_iterable, assert_rank, assert_rank_at_least,
                                 assert_rank_in, assert_same_float_dtype, assert_scalar, assert_shapes, assert_type)
from ._value_asserts import (Assert, assert_equal, assert_greater, assert_greater_equal, assert_less,
                             assert_less_equal, assert_near, assert_negative, assert_non_negative, assert_non_positive,
                             assert_none_equal, assert_positive)

_SWITCHES = {"check_numerics": False, "log_device_placement": False, "traceback_filtering": True}


def check_numerics(tensor, message, name=None):
    """`tensor` unchanged, or InvalidArgumentError naming NaN or Inf values (tf.debugging.check_numerics)."""
    values = tensor.numpy() if isinstance(tensor, TensorBase) else np.asarray(tensor)
    if values.dtype.kind in "fc":
        if np.isnan(values).any():
            raise errors.InvalidArgumentError(None, None, f"{message} : Tensor had NaN values")
        if np.isinf(values).any():
            raise errors.InvalidArgumentError(None, None, f"{message} : Tensor had Inf values")
    return tensor


def assert_all_finite(t, msg, name=None, x=None, message=None):
    """check_numerics under its older name (tf.debugging.assert_all_finite)."""
    return check_numerics(t if x is None else x, msg if message is None else message)


def is_numeric_tensor(tensor):
    """Whether `tensor` is a tensor of a numeric dtype."""
    return isinstance(tensor, TensorBase) and np.dtype(tensor.dtype).kind in "biufc" and tensor.dtype != np.bool_


def enable_check_numerics(stack_height_limit=30, path_length_limit=50):
    """Accepted for TensorFlow's API; swiftdl's ops do not check every output for NaN."""
    _SWITCHES["check_numerics"] = True


def disable_check_numerics():
    _SWITCHES["check_numerics"] = False


def set_log_device_placement(enabled):
    """Accepted for TensorFlow's API: every op runs on the CPU, so there is nothing to log."""
    _SWITCHES["log_device_placement"] = bool(enabled)


def get_log_device_placement():
    return _SWITCHES["log_device_placement"]


def enable_traceback_filtering():
    _SWITCHES["traceback_filtering"] = True


def disable_traceback_filtering():
    _SWITCHES["traceback_filtering"] = False


def is_traceback_filtering_enabled():
    return _SWITCHES["traceback_filtering"]


__all__ = ["Assert", "assert_all_finite", "assert_equal", "assert_greater", "assert_greater_equal", "assert_integer",
           "assert_less", "assert_less_equal", "assert_near", "assert_negative", "assert_non_negative",
           "assert_non_positive", "assert_none_equal", "assert_positive", "assert_proper_iterable", "assert_rank",
           "assert_rank_at_least", "assert_rank_in", "assert_same_float_dtype", "assert_scalar", "assert_shapes",
           "assert_type", "check_numerics", "disable_check_numerics", "disable_traceback_filtering",
           "enable_check_numerics", "enable_traceback_filtering", "get_log_device_placement", "is_numeric_tensor",
           "is_traceback_filtering_enabled", "set_log_device_placement"]
