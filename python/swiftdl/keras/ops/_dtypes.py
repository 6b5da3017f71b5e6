"""Keras 3's dtype promotion (keras.backend.result_type) for the dtypes the engine holds.

Keras promotes along a lattice adapted from JAX's: bool < weak int < uint8/int8 < ... < int64
< weak float < float16/bfloat16 < float32 < float64. Python ints and floats are "weak": they
take the other operand's dtype of their kind, and on their own become int32 / floatx().
Unlike Keras's JAX, torch and numpy backends (which fold 64-bit results to 32 bits, as JAX
does without x64), swiftdl keeps int64 and float64, as Keras's TensorFlow backend does: the
engine computes in both, and float64 must work end to end.
"""
import functools

import numpy as np

# Each dtype's immediate successors on Keras's promotion lattice.
_LATTICE = {
    "bool": ("int",),
    "int": ("uint8", "int8"),
    "uint8": ("int16", "uint16"),
    "uint16": ("int32", "uint32"),
    "uint32": ("int64", "uint64"),
    "uint64": ("float",),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": ("float",),
    "float": ("bfloat16", "float16"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64",),
    "float64": (),
}


def _upper_bounds():
    bounds = {}
    for node in _LATTICE:
        seen, frontier = {node}, [node]
        while frontier:
            for successor in _LATTICE[frontier.pop()]:
                if successor not in seen:
                    seen.add(successor)
                    frontier.append(successor)
        bounds[node] = frozenset(seen)
    return bounds


_UPPER = _upper_bounds()


def floatx():
    from .. import backend
    return backend.floatx()


def standardize_dtype(dtype):
    """A dtype's Keras name ('float32', 'int64', ...); None means floatx()."""
    if dtype is None:
        return floatx()
    if dtype is int:
        return "int32"
    if dtype is float:
        return floatx()
    if dtype is bool:
        return "bool"
    if isinstance(dtype, str):
        name = dtype
    else:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            raise ValueError(f"Invalid dtype: {dtype!r}") from None
    if name not in _UPPER or name in ("int", "float"):
        raise ValueError(f"Invalid dtype: {dtype!r}")
    return name


def _node(value):
    """(lattice node, weak) for a dtype, a Python type or a Python scalar."""
    if value is int or (isinstance(value, int) and not isinstance(value, (bool, np.generic))):
        return "int", True
    if value is float or (isinstance(value, float) and not isinstance(value, np.generic)):
        return "float", True
    if value is bool or isinstance(value, bool):
        return "bool", False
    if hasattr(value, "dtype") and not isinstance(value, (str, np.dtype, type)):
        value = value.dtype
    return standardize_dtype(value), False


@functools.lru_cache(maxsize=512)
def _least_upper_bound(nodes):
    common = frozenset.intersection(*(_UPPER[n] for n in nodes))
    least = [c for c in common if common <= _UPPER[c]]
    return least[0]


def _resolve_weak(node):
    bits = floatx()[-2:]
    return {"int": f"int{bits}", "float": f"float{bits}"}.get(node, node)


def _key(value):
    """A hashable stand-in for a value's dtype (Python scalars keep their weak type)."""
    if isinstance(value, (bool, int, float)) and not isinstance(value, np.generic):
        return type(value)
    if hasattr(value, "dtype") and not isinstance(value, (str, np.dtype, type)):
        return value.dtype
    return value


@functools.lru_cache(maxsize=1024)
def _promoted(keys, float_name):
    nodes = [_node(float_name if k is None else k) for k in keys]
    if len({n for n, _ in nodes}) == 1:
        return _resolve_weak(nodes[0][0])
    return _resolve_weak(_least_upper_bound(frozenset(n for n, _ in nodes)))


def result_type(*values):
    """The dtype Keras's promotion gives `values` (dtypes, Python types, tensors or scalars).

    With no argument, floatx(); None stands for floatx(). Python ints resolve to int32 and
    floats to floatx() when nothing stronger of their kind is present.

    Raises:
        ValueError: for a dtype Keras does not know.
    """
    if not values:
        return floatx()
    try:
        return _promoted(tuple(_key(v) for v in values), floatx())
    except TypeError:  # an unhashable dtype description: promote without the cache
        return _promoted.__wrapped__(tuple(_key(v) for v in values), floatx())


def is_float(dtype):
    return standardize_dtype(dtype).startswith(("float", "bfloat"))


def is_int(dtype):
    return standardize_dtype(dtype).startswith(("int", "uint"))
