"""Element-wise math on RaggedTensors: tf.ragged.map_flat_values and the Python operators
(two ragged operands with the same row partitions, or a ragged one with a scalar or a
dense tensor that broadcasts to it), as TensorFlow defines them."""
import operator

import numpy as np

from .._convert import TensorBase
from ..errors import InvalidArgumentError
from ._dense import coordinates
from ._ragged_tensor import RaggedTensor
from ._values import to_numpy, to_public


def _same_partitions(a, b):
    left, right = a._nested_splits(), b._nested_splits()
    return len(left) == len(right) and all(np.array_equal(x, y) for x, y in zip(left, right))


def map_flat_values(op, *args, **kwargs):
    """op(*args, **kwargs) with every RaggedTensor among them (at the top level or inside
    lists, tuples and dicts) replaced by its flat_values; the result has their partitions.

    Raises:
        InvalidArgumentError: when the RaggedTensors' row partitions differ, or op's result
            does not have one row per flat value.
    """
    found = []

    def replace(value):
        if isinstance(value, RaggedTensor):
            found.append(value)
            return value.flat_values
        if isinstance(value, (list, tuple)):
            return type(value)(replace(v) for v in value)
        if isinstance(value, dict):
            return {k: replace(v) for k, v in value.items()}
        return value

    new_args = [replace(a) for a in args]
    new_kwargs = {k: replace(v) for k, v in kwargs.items()}
    if not found:
        return op(*args, **kwargs)
    for other in found[1:]:
        if not _same_partitions(found[0], other):
            raise InvalidArgumentError("Inputs must have identical ragged splits: the RaggedTensors given to "
                                       "map_flat_values have different row partitions")
    result = op(*new_args, **new_kwargs)
    rows = len(found[0]._flat())
    if np.ndim(result) == 0 or np.shape(result)[0] != rows:
        raise InvalidArgumentError(f"[map_flat_values] op must return one row per flat value ({rows}); returned "
                                   f"shape {np.shape(result)}")
    return found[0].with_flat_values(result)


def _broadcast_dense(rt, other):
    """A dense operand lined up with rt's flat values (scalars and inner-shaped tensors as
    they are; a full-rank one with size-1 ragged dimensions gathered per value)."""
    array = np.asarray(other) if isinstance(other, TensorBase) else to_numpy(other)
    inner_rank = rt._flat().ndim - 1
    if array.ndim <= inner_rank:
        return array
    rank = rt.shape.rank
    if array.ndim > rank:
        raise InvalidArgumentError(f"Cannot broadcast a tensor of shape {array.shape} to a RaggedTensor of shape "
                                   f"{rt.shape}")
    array = array.reshape((1,) * (rank - array.ndim) + array.shape)
    coords = coordinates(rt)
    index = []
    for dim, c in enumerate(coords):
        if array.shape[dim] == 1:
            index.append(np.zeros_like(c))
        elif dim == 0 and array.shape[0] == rt.nrows_int():
            index.append(c)
        else:
            raise InvalidArgumentError(f"Cannot broadcast a tensor of shape {array.shape} to a RaggedTensor of "
                                       f"shape {rt.shape}: dimension {dim} must be 1"
                                       f"{' or nrows' if dim == 0 else ''}")
    return array[tuple(index)]


def _flat_operand(value):
    flat = value._flat() if isinstance(value, RaggedTensor) else value
    return to_public(flat) if isinstance(flat, np.ndarray) and flat.dtype != object else flat


def _binary(function, name):
    def method(self, other, reflected=False):
        if isinstance(other, RaggedTensor):
            if not _same_partitions(self, other):
                raise InvalidArgumentError(f"[{name}] the RaggedTensors' row partitions differ: shapes {self.shape} "
                                           f"and {other.shape}")
            right = other._flat()
        elif isinstance(other, (TensorBase, np.ndarray, np.generic, int, float, bool, list, tuple, str, bytes)):
            try:
                right = _broadcast_dense(self, other) if not isinstance(other, (int, float, bool, str, bytes)) \
                    else other
            except (ValueError, TypeError):
                if name in ("eq", "ne"):  # == with something that is no tensor is False, not an error
                    return NotImplemented
                raise
        else:
            return NotImplemented
        left = _flat_operand(self)
        right = _flat_operand(right) if isinstance(right, np.ndarray) else right
        result = function(right, left) if reflected else function(left, right)
        return self.with_flat_values(np.asarray(result))
    method.__name__ = f"__{name}__"
    return method


def _reflect(method):
    def reflected(self, other):
        return method(self, other, reflected=True)
    reflected.__name__ = method.__name__.replace("__", "__r", 1)
    return reflected


def _unary(function, name):
    def method(self):
        return self.with_flat_values(np.asarray(function(_flat_operand(self))))
    method.__name__ = f"__{name}__"
    return method


def install():
    """Attaches the operators to RaggedTensor (once, at import)."""
    binaries = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
                "floordiv": operator.floordiv, "mod": operator.mod, "pow": operator.pow, "and": operator.and_,
                "or": operator.or_, "xor": operator.xor}
    for name, function in binaries.items():
        method = _binary(function, name)
        setattr(RaggedTensor, f"__{name}__", method)
        setattr(RaggedTensor, f"__r{name}__", _reflect(method))
    for name, function in {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
                           "eq": operator.eq, "ne": operator.ne}.items():
        setattr(RaggedTensor, f"__{name}__", _binary(function, name))
    for name, function in {"neg": operator.neg, "abs": operator.abs, "invert": operator.invert,
                           "pos": operator.pos}.items():
        setattr(RaggedTensor, f"__{name}__", _unary(function, name))
    RaggedTensor.__hash__ = None  # == is element-wise
    RaggedTensor.__array_ufunc__ = None  # numpy arrays on the left defer to the reflected operators
