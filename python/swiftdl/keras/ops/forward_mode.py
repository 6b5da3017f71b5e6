"""keras.ops.jvp: the Jacobian-vector product of a function, computed with the reverse-mode
tape.

The tape runs in reverse only and does not record its own backward passes, so J·t cannot
come from one backward pass of a linearised function (the usual double-VJP trick). It
comes from the rows of J instead: one backward pass per output element, each weighted
by a one-hot output gradient over a persistent tape, and every row dotted with the
tangents. The result is exact; the cost is one backward pass per output element, which
is why outputs are capped at MAX_OUTPUT_ELEMENTS.
"""
import numpy as np

import swiftdl as sd

from .. import tree

# One backward pass per output element: past this many, refuse rather than run for hours.
MAX_OUTPUT_ELEMENTS = 16384


def jvp(fun, primals, tangents, has_aux=False):
    """(fun(*primals), J·tangents), or with `has_aux` (outputs, J·tangents, aux) where `fun`
    returns (outputs, aux). primals and tangents are tuples or lists with one entry per
    positional argument of `fun`, nested structures of the same shapes."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(f"[jvp] primals and tangents must be tuples or lists; received {type(primals).__name__} and "
                        f"{type(tangents).__name__}")
    primal_leaves, tangent_leaves = tree.flatten(list(primals)), tree.flatten(list(tangents))
    if len(primal_leaves) != len(tangent_leaves):
        raise ValueError(f"[jvp] tangents must have the structure of primals: {len(primal_leaves)} primal values, "
                         f"{len(tangent_leaves)} tangents")
    inputs, directions = [], []
    for index, (primal, tangent) in enumerate(zip(primal_leaves, tangent_leaves)):
        value = sd.asarray(primal)
        if value.dtype.kind != "f":
            value = value.astype("float32")
        direction = sd.asarray(tangent).astype(value.dtype.name)
        if tuple(direction.shape) != tuple(value.shape):
            raise ValueError(f"[jvp] tangent {index} has shape {tuple(direction.shape)} but its primal has shape "
                             f"{tuple(value.shape)}")
        inputs.append(value)
        directions.append(np.asarray(direction, dtype=np.float64))
    arguments = tree.pack_sequence_as(list(primals), inputs)
    with sd.GradientTape(persistent=True) as tape:
        for value in inputs:
            tape.watch(value)
        result = fun(*arguments)
    if has_aux:
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise ValueError("[jvp] with has_aux=True, fun must return a pair (outputs, aux)")
        outputs, aux = result
    else:
        outputs, aux = result, None
    output_leaves = tree.flatten(outputs)
    total = sum(int(np.prod(np.shape(leaf))) for leaf in output_leaves)
    if total > MAX_OUTPUT_ELEMENTS:
        raise NotImplementedError(f"[jvp] swiftdl computes J·t with one backward pass per output element; fun returned "
                                  f"{total} elements, above the limit of {MAX_OUTPUT_ELEMENTS}")
    products = [_product(tape, leaf, inputs, directions) for leaf in output_leaves]
    tangents_out = tree.pack_sequence_as(outputs, products)
    return (outputs, tangents_out, aux) if has_aux else (outputs, tangents_out)


def _product(tape, output, inputs, directions):
    """J·t for one output tensor: its Jacobian's rows, one backward pass each."""
    if not isinstance(output, sd.Tensor):
        output = sd.asarray(output)   # a Python or numpy value: no tape link, a zero tangent
    dtype = output.dtype.name if output.dtype.kind == "f" else "float32"
    values = np.zeros(output.shape, np.float64)
    if output.dtype.kind != "f":
        return sd.asarray(values.astype(dtype))   # integer and bool outputs have no tangent
    weights = np.zeros(output.shape, output.dtype)
    flat = weights.reshape(-1)
    for element in range(flat.size):
        flat[element] = 1
        gradients = tape.gradient(output, inputs, output_gradients=sd.asarray(weights))
        flat[element] = 0
        values.reshape(-1)[element] = sum(float(np.vdot(np.asarray(g, np.float64), t))
                                          for g, t in zip(gradients, directions) if g is not None)
    return sd.asarray(values.astype(dtype))
