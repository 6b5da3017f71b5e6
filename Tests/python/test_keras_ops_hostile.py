"""Every keras.ops function given hostile arguments raises a Python error of an expected
type (or returns), never crashes the interpreter and never hangs."""
import signal

import numpy as np
import pytest

from swiftdl.keras import ops

BAD_ARGUMENTS = [
    (None,), ("abc",), (np.ones((2, 3)), "x"), (np.ones((0,)),), (np.array([np.nan, np.inf]),), ([[1, 2], [3]],),
    (np.ones((2, 3), np.int32), np.ones((4,))), (np.ones((3, 3)), -7), (np.ones((2, 2), np.float16),),
]
EXPECTED = (ValueError, TypeError, IndexError, NotImplementedError, OverflowError)


class _Timeout(Exception):
    pass


def _alarm(*_):
    raise _Timeout()


@pytest.mark.parametrize("name", [n for n in ops.__all__ if callable(getattr(ops, n)) and n != "vectorize"])
def test_bad_arguments_raise_expected_errors(name):
    function = getattr(ops, name)
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for arguments in BAD_ARGUMENTS:
            signal.alarm(5)
            try:
                function(*arguments)
            except EXPECTED:
                pass
            except _Timeout:
                pytest.fail(f"ops.{name}{tuple(type(a).__name__ for a in arguments)} did not return within 5 s")
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, previous)
