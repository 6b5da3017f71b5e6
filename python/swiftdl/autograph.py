"""tf.autograph: swiftdl's tf.function runs Python eagerly, so there is no conversion to
graph control flow; these keep TensorFlow's entry points with that meaning (to_graph and
do_not_convert return the function itself, to_code its source)."""
import enum
import inspect

_VERBOSITY = {"level": 0, "alsologtostdout": False}


def to_graph(entity, recursive=True, experimental_optional_features=None):
    """The function unchanged: eager Python is already what it would convert to."""
    if not callable(entity):
        raise ValueError(f"Expected a callable; received {type(entity).__name__}")
    return entity


def to_code(entity, recursive=True, experimental_optional_features=None):
    """The function's source (the code swiftdl runs; no converted code exists)."""
    return inspect.getsource(entity)


def set_verbosity(level, alsologtostdout=False):
    """Records AutoGraph's verbosity (nothing is converted, so nothing is logged)."""
    _VERBOSITY.update(level=int(level), alsologtostdout=bool(alsologtostdout))


def trace(*args):
    """Prints its arguments, as TensorFlow does when the code runs eagerly."""
    print(*args)


class _Experimental:
    """tf.autograph.experimental."""

    class Feature(enum.Enum):
        ALL = "ALL"
        AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
        ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
        BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
        EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
        LISTS = "LISTS"
        NAME_SCOPES = "NAME_SCOPES"

    @staticmethod
    def do_not_convert(func=None):
        """The function unchanged (a decorator, with or without a call)."""
        return (lambda f: f) if func is None else func

    @staticmethod
    def set_loop_options(parallel_iterations=None, swap_memory=None, maximum_iterations=None, shape_invariants=None):
        """Loop hints for converted loops; Python loops run as written, so nothing to set."""


experimental = _Experimental()

__all__ = ["experimental", "set_verbosity", "to_code", "to_graph", "trace"]
