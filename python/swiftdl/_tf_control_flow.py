"""TensorFlow's control flow for eager code: cond, case, switch_case, while_loop, map_fn,
scan, foldl, foldr, vectorized_map, and the grouping no-ops.

swiftdl executes eagerly, so each is the Python control flow it stands for, with
TensorFlow's argument conventions, structures and errors: gradients flow through the
branches and iterations actually taken, as they do under TensorFlow's eager execution.
"""
from . import errors
from ._convert import TensorBase
from ._tf_cast import cast, convert_to_tensor


def _tree():
    from .keras import tree  # nested structures, on first use (keeps `import swiftdl` light)
    return tree


def _truth(pred, where):
    """A Python bool from a scalar predicate (a tensor, numpy value or Python value)."""
    if isinstance(pred, TensorBase):
        if pred.size != 1 or pred.ndim > 1:
            raise ValueError(f"{where}: the predicate must be a scalar; received shape {tuple(pred.shape)}")
        return bool(pred.numpy().reshape(()))
    return bool(pred)


def cond(pred, true_fn=None, false_fn=None, name=None):
    """true_fn() if `pred` else false_fn() (tf.cond)."""
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("tf.cond needs callable true_fn and false_fn")
    return true_fn() if _truth(pred, "tf.cond") else false_fn()


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The first fn whose predicate holds, else `default` (tf.case).

    Raises:
        InvalidArgumentError: when no predicate holds and there is no default.
    """
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2 or not callable(pair[1]):
            raise TypeError(f"tf.case takes (predicate, callable) pairs; received {pair!r}")
    for pred, fn in pairs:
        if _truth(pred, "tf.case"):
            return fn()
    if default is None:
        raise errors.InvalidArgumentError(None, None, "Input error: None of conditions evaluated as True")
    return default()


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """branch_fns[branch_index](); an index out of range runs `default`, or the last branch
    when there is none (tf.switch_case). `branch_fns` is a list of callables, a list of
    (int, callable) pairs or a dict from int to callable, keys 0..n-1."""
    if isinstance(branch_fns, dict):
        branch_fns = sorted(branch_fns.items())
    branch_fns = list(branch_fns)
    if branch_fns and isinstance(branch_fns[0], tuple):
        keys = [key for key, _ in branch_fns]
        if keys != list(range(len(keys))):
            raise ValueError(f"tf.switch_case: branch keys must be 0..{len(keys) - 1}; received {keys}")
        branch_fns = [fn for _, fn in branch_fns]
    if not branch_fns or not all(callable(fn) for fn in branch_fns):
        raise ValueError("tf.switch_case needs a non-empty list of callables")
    index = int(branch_index.numpy()) if isinstance(branch_index, TensorBase) else int(branch_index)
    if 0 <= index < len(branch_fns):
        return branch_fns[index]()
    return default() if default is not None else branch_fns[-1]()


def _as_tensors(structure):
    tree = _tree()
    return tree.map_structure(lambda v: v if v is None or isinstance(v, TensorBase) or _is_tensor_array(v)
                              else convert_to_tensor(v), structure)


def _is_tensor_array(value):
    from ._tf_tensor_array import TensorArray
    return isinstance(value, TensorArray)


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, back_prop=True,
               swap_memory=False, maximum_iterations=None, name=None):
    """Runs `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` (tf.while_loop).

    `loop_vars` is a list or tuple; `body` returns the same structure. Python numbers in it
    become tensors, as in TensorFlow. `maximum_iterations` caps the iterations.
    """
    if not callable(cond) or not callable(body):
        raise TypeError("tf.while_loop needs callable cond and body")
    if not isinstance(loop_vars, (list, tuple)):
        raise TypeError("tf.while_loop: loop_vars must be a list or tuple of the loop's values; "
                        f"received {type(loop_vars).__name__}")
    tree = _tree()
    values = _as_tensors(loop_vars)
    structure = list(values)
    limit = None if maximum_iterations is None else int(convert_to_tensor(maximum_iterations).numpy())
    iterations = 0
    while (limit is None or iterations < limit) and _truth(cond(*values), "tf.while_loop's cond"):
        values = body(*values)
        if not isinstance(values, (list, tuple)):
            raise TypeError("tf.while_loop: body must return a list or tuple like loop_vars; received "
                            f"{type(values).__name__}")
        tree.assert_same_structure(structure, list(values))
        values = _as_tensors(values)
        iterations += 1
    return values


def _slices(elems, where):
    """The leading-axis length of a structure of tensors, checked to agree across its leaves."""
    tree = _tree()
    leaves = [convert_to_tensor(leaf) for leaf in tree.flatten(elems)]
    if not leaves:
        raise ValueError(f"{where}: elems must hold at least one tensor")
    lengths = {int(leaf.shape[0]) if leaf.ndim else None for leaf in leaves}
    if None in lengths:
        raise ValueError(f"{where}: elems must have a leading axis to unstack; received a scalar")
    if len(lengths) != 1:
        raise ValueError(f"{where}: the elements' leading dimensions differ: {sorted(lengths)}")
    return tree.pack_sequence_as(elems, leaves), lengths.pop()


def _item(elems, i):
    return _tree().map_structure(lambda t: t[i], elems)


def _stack(results):
    from ._tf_array import stack
    tree = _tree()
    return tree.map_structure(lambda *items: stack(list(items)), *results)


def _signature_dtypes(signature):
    """The dtype of each leaf of a map_fn output signature (a dtype or a TensorSpec)."""
    return _tree().map_structure(lambda spec: getattr(spec, "dtype", spec), signature)


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False, infer_shape=True,
           name=None, fn_output_signature=None):
    """fn applied to each slice of `elems` (a tensor or a structure of tensors unstacked
    together along axis 0), results stacked (tf.map_fn). With `fn_output_signature` (or the
    older `dtype`), results are cast to its dtypes, and an empty `elems` gives an empty
    result of that dtype."""
    if not callable(fn):
        raise TypeError("tf.map_fn needs a callable fn")
    elems, length = _slices(elems, "tf.map_fn")
    signature = fn_output_signature if fn_output_signature is not None else dtype
    if length == 0:
        from ._tf_array import zeros
        tree = _tree()
        dtypes = _signature_dtypes(signature) if signature is not None else tree.map_structure(lambda t: t.dtype, elems)
        return tree.map_structure(lambda d: zeros((0,), dtype=d), dtypes)
    results = [fn(_item(elems, i)) for i in range(length)]
    stacked = _stack(results)
    if signature is None:
        return stacked
    return _tree().map_structure(lambda t, d: cast(t, d), stacked, _signature_dtypes(signature))


def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """fn applied to each slice of `elems` along axis 0, results stacked (tf.vectorized_map;
    one call per slice here)."""
    return map_fn(fn, elems)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, infer_shape=True,
         reverse=False, name=None):
    """The running accumulation `acc = fn(acc, elem)` over `elems`' leading axis, every
    accumulator stacked (tf.scan). Without `initializer`, the first element starts the
    accumulation and is the first output."""
    if not callable(fn):
        raise TypeError("tf.scan needs a callable fn")
    elems, length = _slices(elems, "tf.scan")
    order = list(range(length))[::-1] if reverse else list(range(length))
    if initializer is None:
        if length == 0:
            raise ValueError("tf.scan: elems is empty and there is no initializer")
        acc = _item(elems, order[0])
        outputs = {order[0]: acc}
        order = order[1:]
    else:
        acc, outputs = _as_tensors(initializer), {}
    for i in order:
        acc = _as_tensors(fn(acc, _item(elems, i)))
        outputs[i] = acc
    if not outputs:
        from ._tf_array import zeros
        return _tree().map_structure(lambda t: zeros((0, *t.shape), dtype=t.dtype), acc)
    return _stack([outputs[i] for i in range(length)])


def _fold(fn, elems, initializer, reverse, where):
    if not callable(fn):
        raise TypeError(f"{where} needs a callable fn")
    elems, length = _slices(elems, where)
    order = list(range(length))[::-1] if reverse else list(range(length))
    if initializer is None:
        if length == 0:
            raise ValueError(f"{where}: elems is empty and there is no initializer")
        acc, order = _item(elems, order[0]), order[1:]
    else:
        acc = _as_tensors(initializer)
    for i in order:
        acc = _as_tensors(fn(acc, _item(elems, i)))
    return acc


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """fn(...fn(fn(initializer, elems[0]), elems[1])...) (tf.foldl); without an initializer
    the first element starts."""
    return _fold(fn, elems, initializer, False, "tf.foldl")


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """foldl from the last element to the first (tf.foldr)."""
    return _fold(fn, elems, initializer, True, "tf.foldr")


def group(*inputs, **kwargs):
    """tf.group: eager ops have run already; returns None as TensorFlow's eager group does."""
    return None


def no_op(name=None):
    """tf.no_op: nothing to run eagerly; None."""
    return None


def tuple_(tensors, control_inputs=None, name=None):
    """The same tensors as a list, Nones kept (tf.tuple: eager values are ready already;
    exported as `tuple`, named so here not to hide the builtin in this module)."""
    return list(tensors)


def identity_n(input, name=None):  # noqa: A002
    """Each tensor of `input`, as a list of new tensors (tf.identity_n)."""
    from ._tf_array import identity
    return [identity(convert_to_tensor(t)) for t in input]
