"""numpy protocol hooks: `np.exp(tensor)` and `np.sum(tensor)` run in the engine.

Ufuncs and functions that swiftdl implements return swiftdl tensors; anything else
(other ufunc methods, unknown functions, unsupported keywords) falls back to numpy on
zero-copy views of the tensors and returns numpy's result.
"""
import inspect
from typing import Any, Callable

import numpy as np

from . import _ops, _shape, _creation

_UFUNCS = set(_ops.BINARY_OPS) | set(_ops.UNARY_OPS) | {"matmul"}


def _to_numpy(value):
    from ._tensor import Tensor
    if isinstance(value, Tensor):
        return value.numpy()
    if isinstance(value, (list, tuple)):
        return type(value)(_to_numpy(v) for v in value)
    return value


def array_ufunc(ufunc, method, inputs, kwargs):
    from ._tensor import Tensor
    name = ufunc.__name__
    if method == "__call__" and name in _UFUNCS and set(kwargs) <= {"out", "dtype"}:
        out = kwargs.get("out")
        if out is not None:
            out = out[0] if isinstance(out, tuple) and len(out) == 1 else out
            if not isinstance(out, Tensor):
                out = None
                return _fallback(ufunc, method, inputs, kwargs)
        if name == "matmul":
            result = _ops.matmul(*inputs)
        elif name in _ops.BINARY:
            result = _ops.binary(name, inputs[0], inputs[1], out)
        else:
            result = _ops.unary(name, inputs[0], out)
        dtype = kwargs.get("dtype")
        return result.astype(dtype) if dtype is not None else result
    return _fallback(ufunc, method, inputs, kwargs)


def _fallback(ufunc, method, inputs, kwargs):
    converted = {key: _to_numpy(value) for key, value in kwargs.items()}
    return getattr(ufunc, method)(*_to_numpy(inputs), **converted)


_FUNCTIONS: dict[Any, Callable[..., Any]] = {
    np.sum: _ops.sum, np.prod: _ops.prod, np.mean: _ops.mean, np.max: _ops.max, np.min: _ops.min,
    np.amax: _ops.max, np.amin: _ops.min, np.argmax: _ops.argmax, np.argmin: _ops.argmin,
    np.any: _ops.any, np.all: _ops.all, np.var: _ops.var, np.std: _ops.std,
    np.matmul: _ops.matmul, np.dot: _ops.dot, np.where: _ops.where, np.clip: _ops.clip,
    np.nonzero: _ops.nonzero, np.reshape: _shape.reshape, np.transpose: _shape.transpose,
    np.expand_dims: _shape.expand_dims, np.squeeze: _shape.squeeze, np.concatenate: _shape.concatenate,
    np.stack: _shape.stack, np.take: _shape.take, np.broadcast_to: _shape.broadcast_to,
    np.swapaxes: _shape.swapaxes, np.moveaxis: _shape.moveaxis, np.ravel: _shape.ravel,
    np.copy: _creation.copy, np.zeros_like: _creation.zeros_like, np.ones_like: _creation.ones_like,
    np.full_like: _creation.full_like,
}
_PARAMETERS: dict = {}


def _accepts(function, kwargs):
    if function not in _PARAMETERS:
        _PARAMETERS[function] = set(inspect.signature(function).parameters)
    return set(kwargs) <= _PARAMETERS[function]


def array_function(func, types, args, kwargs):
    ours = _FUNCTIONS.get(func)
    if ours is not None and _accepts(ours, kwargs):
        return ours(*args, **kwargs)
    return func(*_to_numpy(args), **{key: _to_numpy(value) for key, value in kwargs.items()})
