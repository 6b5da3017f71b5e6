"""tf.errors: TensorFlow's exception classes.

Each is also the Python exception numpy-style code expects (InvalidArgumentError is a
ValueError, OutOfRangeError an IndexError, ResourceExhaustedError a MemoryError,
UnimplementedError a NotImplementedError), so `except ValueError` keeps working around
TensorFlow-style calls and `except tf.errors.InvalidArgumentError` around swiftdl's.
"""
import functools


class OpError(Exception):
    """The base class of TensorFlow's op errors (tf.errors.OpError).

    Args:
        node_def: accepted for TensorFlow's signature; None here.
        op: accepted for TensorFlow's signature; None here.
        message: the message.
    """

    error_code = 2

    def __init__(self, node_def=None, op=None, message="", *args):
        if op is None and not message and isinstance(node_def, str):  # OpError("message")
            node_def, message = None, node_def
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message


def _error(name, code, *bases):
    return type(name, (OpError,) + bases, {"error_code": code, "__doc__": f"tf.errors.{name}.",
                                            "__module__": __name__})


CancelledError = _error("CancelledError", 1)
UnknownError = _error("UnknownError", 2)
InvalidArgumentError = _error("InvalidArgumentError", 3, ValueError)
DeadlineExceededError = _error("DeadlineExceededError", 4)
NotFoundError = _error("NotFoundError", 5, FileNotFoundError)
AlreadyExistsError = _error("AlreadyExistsError", 6, FileExistsError)
PermissionDeniedError = _error("PermissionDeniedError", 7, PermissionError)
ResourceExhaustedError = _error("ResourceExhaustedError", 8, MemoryError)
FailedPreconditionError = _error("FailedPreconditionError", 9, RuntimeError)
AbortedError = _error("AbortedError", 10)
OutOfRangeError = _error("OutOfRangeError", 11, IndexError)
UnimplementedError = _error("UnimplementedError", 12, NotImplementedError)
InternalError = _error("InternalError", 13, RuntimeError)
UnavailableError = _error("UnavailableError", 14)
DataLossError = _error("DataLossError", 15)
UnauthenticatedError = _error("UnauthenticatedError", 16)

OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND = 0, 1, 2, 3, 4, 5
ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION = 6, 7, 8, 9
ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED = 10, 11, 12, 13, 14, 15, 16


def raises_tf_errors(function):
    """Decorator for TensorFlow-face functions: the engine's ValueError (bad shapes, axes,
    indices) comes out as InvalidArgumentError, its IndexError as InvalidArgumentError too
    (TensorFlow reports out-of-range indices so), message unchanged. No cost without an error."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except OpError:
            raise
        except (ValueError, IndexError) as error:
            raise InvalidArgumentError(None, None, str(error)) from error
    return wrapper


__all__ = ["ABORTED", "ALREADY_EXISTS", "AbortedError", "AlreadyExistsError", "CANCELLED", "CancelledError",
           "DATA_LOSS", "DEADLINE_EXCEEDED", "DataLossError", "DeadlineExceededError", "FAILED_PRECONDITION",
           "FailedPreconditionError", "INTERNAL", "INVALID_ARGUMENT", "InternalError", "InvalidArgumentError",
           "NOT_FOUND", "NotFoundError", "OK", "OUT_OF_RANGE", "OpError", "OutOfRangeError", "PERMISSION_DENIED",
           "PermissionDeniedError", "RESOURCE_EXHAUSTED", "ResourceExhaustedError", "UNAUTHENTICATED", "UNAVAILABLE",
           "UNIMPLEMENTED", "UNKNOWN", "UnauthenticatedError", "UnavailableError", "UnimplementedError",
           "UnknownError"]
