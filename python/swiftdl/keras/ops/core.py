"""keras.ops core: conversion (convert_to_tensor, convert_to_numpy, cast, saturate_cast),
introspection (shape, dtype, is_tensor), stop_gradient, custom_gradient, unstack, and the
control flow ops (cond, switch, while_loop, fori_loop, scan, map, vectorized_map). Eagerly,
control flow is Python control flow around engine ops, so the tape differentiates through it."""
import builtins
import operator

import numpy as np

import swiftdl as sd

from .. import tree
from ._convert import is_tensor as _is_tensor
from ._convert import tensor
from ._dtypes import standardize_dtype
from swiftdl._custom_gradient import custom_gradient  # noqa: F401  (re-exported by keras.ops)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """`x` as a swiftdl Tensor (Python floats floatx(), ints int32); `dtype` casts."""
    if sparse:
        raise ValueError("[convert_to_tensor] sparse tensors are not supported by swiftdl")
    if ragged:
        raise ValueError("[convert_to_tensor] ragged tensors are not supported by swiftdl")
    return tensor(x, dtype)


def convert_to_numpy(x):
    """A numpy array copy of `x`."""
    if _is_tensor(x):
        return np.array(x.numpy())
    return np.array(x)


def is_tensor(x):
    """True for swiftdl tensors (and Variables)."""
    return _is_tensor(x)


def shape(x):
    """The static shape of `x` as a tuple of ints."""
    return tuple(x.shape) if hasattr(x, "shape") else tuple(tensor(x).shape)


def dtype(x):
    """The Keras name of x's dtype ('float32', 'int32', ...)."""
    return standardize_dtype(x.dtype if hasattr(x, "dtype") else tensor(x).dtype)


def cast(x, dtype):
    """`x` converted to `dtype` (floats to ints truncate towards zero)."""
    return tensor(x).astype(standardize_dtype(dtype))


def saturate_cast(x, dtype):
    """cast, with values first clipped to the target dtype's range (no wrap-around)."""
    dtype = standardize_dtype(dtype)
    x = tensor(x)
    target = np.dtype(dtype)
    if target.kind in "iu" and x.dtype.kind in "fiu":
        info = np.iinfo(target)
        if x.dtype.kind == "f":
            # The bounds as the float dtype holds them, moved inwards when rounding pushed
            # them outside the integer range (int32's max is 2**31 in float32).
            high = np.asarray(info.max, x.dtype)
            if float(high) > info.max:
                high = np.nextafter(high, np.asarray(0, x.dtype))
            low = np.asarray(info.min, x.dtype)
            if float(low) < info.min:
                low = np.nextafter(low, np.asarray(0, x.dtype))
            low, high = float(low), float(high)
            x = sd.minimum(sd.maximum(x, low), high)
        else:
            source = np.iinfo(x.dtype)
            if source.min < info.min or source.max > info.max:
                x = sd.minimum(sd.maximum(x, builtins.max(info.min, source.min)), builtins.min(info.max, source.max))
    elif target.kind == "f" and x.dtype.kind == "f" and target.itemsize < x.dtype.itemsize:
        info = np.finfo(target)
        x = sd.minimum(sd.maximum(x, float(info.min)), float(info.max))
    return x.astype(dtype)


def stop_gradient(variable):
    """The same values, with no gradient flowing back through them."""
    return sd.stop_gradient(tensor(variable))


def unstack(x, num=None, axis=0):
    """The slices of x along `axis`, as a list."""
    x = tensor(x)
    if x.ndim == 0:
        raise ValueError("[unstack] cannot unstack a scalar")
    axis = operator.index(axis)
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"[unstack] axis {axis} is out of bounds for a tensor of rank {x.ndim}")
    moved = sd.moveaxis(x, axis, 0)
    if num is not None and num != moved.shape[0]:
        raise ValueError(f"[unstack] num={num} differs from the axis size {moved.shape[0]}")
    return [moved[i] for i in range(moved.shape[0])]


def cond(pred, true_fn, false_fn):
    """true_fn() if pred else false_fn()."""
    return true_fn() if bool(pred) else false_fn()


def switch(index, branches, *operands):
    """branches[index](*operands), the index clipped into range."""
    if not branches:
        raise ValueError("[switch] branches must not be empty")
    index = builtins.min(builtins.max(int(index), 0), len(branches) - 1)
    return branches[index](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Runs `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` holds (at most
    maximum_iterations times). A tuple or list of loop_vars is unpacked into the calls."""
    is_sequence = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_sequence else (loop_vars,)
    iterations = 0
    while (maximum_iterations is None or iterations < maximum_iterations) and bool(cond(*state)):
        state = body(*state)
        if not isinstance(state, (tuple, list)):
            state = (state,)
        state = tuple(state)
        iterations += 1
    return state if is_sequence else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    """val = body_fun(i, val) for i in range(lower, upper)."""
    value = init_val
    for i in range(int(lower), int(upper)):
        value = body_fun(i, value)
    return value


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """jax.lax.scan: carry, y = f(carry, x) over the leading axis of xs (a tensor or a
    structure); returns the final carry and the stacked ys."""
    if not callable(f):
        raise TypeError(f"[scan] f must be callable; received f={f!r}")
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(f"[scan] unroll must be a positive integer or a boolean; received unroll={unroll!r}")
    if xs is None and length is None:
        raise ValueError("[scan] needs xs to scan over or a length")
    flat_xs = [] if xs is None else [tensor(x) for x in tree.flatten(xs)]
    n = int(length) if length is not None else flat_xs[0].shape[0]
    for x in flat_xs:
        if x.ndim == 0 or x.shape[0] != n:
            raise ValueError(f"[scan] every xs leaf needs a leading axis of length {n}; received shape {tuple(x.shape)}")
    carry = tree.map_structure(lambda v: v if v is None else tensor(v), init)
    ys = []
    steps = range(n - 1, -1, -1) if reverse else range(n)
    for i in steps:
        x = None if xs is None else tree.pack_sequence_as(xs, [leaf[i] for leaf in flat_xs])
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    if not ys:
        return carry, None
    flat_ys = [tree.flatten(y) for y in ys]
    if not flat_ys[0] or flat_ys[0] == [None]:
        return carry, ys[0] if flat_ys[0] == [None] else None
    stacked = [sd.stack([tensor(v) for v in column]) for column in zip(*flat_ys)]
    return carry, tree.pack_sequence_as(ys[0], stacked)


def map(f, xs):  # noqa: A001
    """f applied to each slice of xs along its leading axis, results stacked."""
    def step(carry, x):
        return carry, f(x)
    return scan(step, (), xs)[1]


def vectorized_map(function, elements):
    """function applied to each slice of `elements` (a tensor or a structure of tensors)
    along the leading axis, results stacked. Runs one call per slice."""
    return map(function, elements)
