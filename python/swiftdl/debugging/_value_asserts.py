"""TensorFlow's element-wise assertions (tf.debugging.assert_equal, assert_less, ...,
assert_near, Assert): they check now, return None, and raise InvalidArgumentError with
TensorFlow's "Condition ... did not hold" report when the condition fails."""
import numpy as np

from .. import errors
from .._convert import TensorBase


def _array(x):
    return x.numpy() if isinstance(x, TensorBase) else np.asarray(x)


def _first(values, count):
    flat = np.asarray(values).reshape(-1)
    return f"First {min(count, flat.size)} elements of {{name}}:\n{flat[:count]}"


def _compare(x, y, holds, symbol, message, summarize):
    a, b = _array(x), _array(y)
    try:
        ok = holds(a, b)
    except ValueError:
        raise errors.InvalidArgumentError(None, None, f"Incompatible shapes: {list(a.shape)} vs. {list(b.shape)}") \
            from None
    if np.all(ok):
        return None
    count = 3 if summarize is None else int(summarize)
    lines = [message] if message else []
    lines.append(f"Condition x {symbol} y did not hold.")
    if a.shape == b.shape:
        bad = np.argwhere(~np.asarray(ok))[:count]
        lines += [f"Indices of first {len(bad)} different values:", str(bad),
                  "Corresponding x values:", str(a[tuple(bad.T)]), "Corresponding y values:", str(b[tuple(bad.T)])]
    lines += [_first(a, count).format(name="x"), _first(b, count).format(name="y")]
    raise errors.InvalidArgumentError(None, None, "\n".join(lines))


def assert_equal(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x == y element-wise (tf.debugging.assert_equal)."""
    return _compare(x, y, np.equal, "==", message, summarize)


def assert_none_equal(x, y, summarize=None, message=None, name=None):
    """Raises unless x != y everywhere (tf.debugging.assert_none_equal)."""
    return _compare(x, y, np.not_equal, "!=", message, summarize)


def assert_less(x, y, message=None, summarize=None, name=None):
    return _compare(x, y, np.less, "<", message, summarize)


def assert_less_equal(x, y, message=None, summarize=None, name=None):
    return _compare(x, y, np.less_equal, "<=", message, summarize)


def assert_greater(x, y, message=None, summarize=None, name=None):
    return _compare(x, y, np.greater, ">", message, summarize)


def assert_greater_equal(x, y, message=None, summarize=None, name=None):
    return _compare(x, y, np.greater_equal, ">=", message, summarize)


def _sign_check(x, holds, condition, message):
    values = _array(x)
    if np.all(holds(values)):
        return None
    flat = [str(v) for v in values.reshape(-1)[:3]]
    raise errors.InvalidArgumentError(None, None, f"{message or ''}\nCondition {condition} did not hold element-wise:"
                                                  f"\nx (shape={values.shape} dtype={values.dtype}) = \n{flat}")


def assert_positive(x, message=None, summarize=None, name=None):
    return _sign_check(x, lambda v: v > 0, "x > 0", message)


def assert_negative(x, message=None, summarize=None, name=None):
    return _sign_check(x, lambda v: v < 0, "x < 0", message)


def assert_non_negative(x, message=None, summarize=None, name=None):
    return _sign_check(x, lambda v: v >= 0, "x >= 0", message)


def assert_non_positive(x, message=None, summarize=None, name=None):
    return _sign_check(x, lambda v: v <= 0, "x <= 0", message)


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """Raises unless |x - y| <= atol + rtol·|y| everywhere; the tolerances default to ten
    machine epsilons of x's dtype (tf.debugging.assert_near)."""
    a, b = _array(x), _array(y)
    eps = np.finfo(a.dtype).eps if a.dtype.kind == "f" else np.finfo(np.float32).eps
    rtol = 10 * eps if rtol is None else float(_array(rtol))
    atol = 10 * eps if atol is None else float(_array(atol))
    if np.all(np.abs(a - b) <= atol + rtol * np.abs(b)):
        return None
    raise errors.InvalidArgumentError(None, None, f"{message or ''}\nx and y not equal to tolerance rtol = {rtol}, "
                                                  f"atol = {atol}\nx (shape={a.shape} dtype={a.dtype}) = {a}\n"
                                                  f"y (shape={b.shape} dtype={b.dtype}) = {b}")


def Assert(condition, data, summarize=None, name=None):  # noqa: N802  (TensorFlow's name)
    """Raises InvalidArgumentError listing `data` when `condition` is false (tf.debugging.Assert)."""
    if bool(np.all(_array(condition))):
        return None
    count = 3 if summarize is None else int(summarize)
    shown = [str(item) if isinstance(item, str) else ", ".join(map(str, _array(item).reshape(-1)[:count]))
             for item in data]
    raise errors.InvalidArgumentError(None, None, "assertion failed: " + " | ".join(shown))
