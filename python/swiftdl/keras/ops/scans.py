"""keras.ops cumulative ops: cumsum, cumprod and associative_scan, as a Hillis-Steele
scan: log2(n) rounds, each combining every element with the one 2^r places before it by
whole-tensor slices. Only engine ops run, so the gradient follows through the tape."""

import swiftdl as sd

from ._convert import canonical_axis, tensor
from ._dtypes import result_type, standardize_dtype


def _slice(x, axis, start, stop):
    key = [slice(None)] * x.ndim
    key[axis] = slice(start, stop)
    return x[tuple(key)]


def _scan_tensor(x, axis, combine):
    n = x.shape[axis]
    step = 1
    while step < n:
        combined = combine(_slice(x, axis, 0, n - step), _slice(x, axis, step, n))
        x = sd.concatenate([_slice(x, axis, 0, step), combined], axis=axis)
        step *= 2
    return x


def _cumulative(x, axis, dtype, combine, op):
    x = tensor(x)
    if axis is None:
        x, axis = sd.reshape(x, (-1,)), 0
    axis = canonical_axis(axis, x.ndim, op)
    dtype = standardize_dtype(dtype) if dtype is not None else result_type(x.dtype)
    if dtype == "bool":
        dtype = "int32"
    x = x.astype(dtype)
    if x.size == 0:
        return x
    return _scan_tensor(x, axis, combine)


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis` (None: of the flattened tensor); bools count in int32."""
    return _cumulative(x, axis, dtype, sd.add, "cumsum")


def cumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis` (None: of the flattened tensor)."""
    return _cumulative(x, axis, dtype, sd.multiply, "cumprod")


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of an associative `f` over `elems` (a tensor or a nested structure of
    tensors of the same length along `axis`): result[i] = f(...f(elems[0], elems[1])..., elems[i]).

    `f` takes two structures like `elems` holding equally shaped slices and must work
    elementwise on whole tensors (it is called log2(n) times, not n times)."""
    from .. import tree
    leaves = [tensor(leaf) for leaf in tree.flatten(elems)]
    if not leaves:
        raise ValueError("[associative_scan] elems must hold at least one tensor")

    lengths = {leaf.shape[canonical_axis(axis, leaf.ndim, 'associative_scan')] for leaf in leaves}
    if len(lengths) != 1:
        raise ValueError(f"[associative_scan] every element must have the same length along axis {axis}; "
                         f"received lengths {sorted(lengths)}")
    n = lengths.pop()

    def along(leaf):
        return canonical_axis(axis, leaf.ndim, "associative_scan")

    if reverse:
        leaves = [_flip(leaf, along(leaf)) for leaf in leaves]
    step = 1
    while step < n:
        first = [_slice(leaf, along(leaf), 0, n - step) for leaf in leaves]
        second = [_slice(leaf, along(leaf), step, n) for leaf in leaves]
        combined = tree.flatten(f(tree.pack_sequence_as(elems, first), tree.pack_sequence_as(elems, second)))
        leaves = [sd.concatenate([_slice(leaf, along(leaf), 0, step), tensor(c)], axis=along(leaf))
                  for leaf, c in zip(leaves, combined)]
        step *= 2
    if reverse:
        leaves = [_flip(leaf, along(leaf)) for leaf in leaves]
    return tree.pack_sequence_as(elems, leaves)


def _flip(x, axis):
    key = [slice(None)] * x.ndim
    key[axis] = slice(None, None, -1)
    return x[tuple(key)]


def nancumsum(x, axis=None, dtype=None):
    x = tensor(x)
    if x.dtype.kind == "f":
        x = sd.where(sd.not_equal(x, x), sd.zeros((), x.dtype), x)
    return cumsum(x, axis, dtype)


def nancumprod(x, axis=None, dtype=None):
    x = tensor(x)
    if x.dtype.kind == "f":
        x = sd.where(sd.not_equal(x, x), sd.ones((), x.dtype), x)
    return cumprod(x, axis, dtype)


