"""keras.ops products: matmul, dot, tensordot, einsum, inner, outer, vdot, kron, cross.
All of them reduce to the engine's (batched, BLAS) matmul after transposes and reshapes,
so they are differentiable and fast."""
import operator
import string

import numpy as np

import swiftdl as sd

from ._convert import canonical_axis, promote, tensor


def matmul(x1, x2):
    """Matrix product with numpy's rules: batched over leading axes (broadcast), 1-D operands
    promoted to matrices and the added axis removed."""
    a, b = promote(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"[matmul] operands must not be scalars; received shapes {tuple(a.shape)} and {tuple(b.shape)}")
    inner_a = a.shape[-1]
    inner_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if inner_a != inner_b:
        raise ValueError(f"[matmul] inner dimensions differ: {tuple(a.shape)} @ {tuple(b.shape)}")
    return sd.matmul(a, b)


def tensordot(x1, x2, axes=2):
    """Sum of products over `axes` (an int: a's last and b's first axes; or a pair of
    axis lists)."""
    a, b = promote(x1, x2)
    if isinstance(axes, (int, np.integer)):
        count = operator.index(axes)
        if count < 0 or count > min(a.ndim, b.ndim):
            raise ValueError(f"[tensordot] axes={count} does not fit shapes {tuple(a.shape)} and {tuple(b.shape)}")
        axes_a, axes_b = list(range(a.ndim - count, a.ndim)), list(range(count))
    else:
        try:
            axes_a, axes_b = axes
        except (TypeError, ValueError):
            raise ValueError(f"[tensordot] axes must be an int or a pair of axis lists; received {axes!r}") from None
        axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
        axes_a = [canonical_axis(x, a.ndim, "tensordot") for x in axes_a]
        axes_b = [canonical_axis(x, b.ndim, "tensordot") for x in axes_b]
    if len(axes_a) != len(axes_b) or any(a.shape[i] != b.shape[j] for i, j in zip(axes_a, axes_b)):
        raise ValueError(f"[tensordot] contracted axes {axes_a} of {tuple(a.shape)} and {axes_b} of "
                         f"{tuple(b.shape)} differ in size")
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [j for j in range(b.ndim) if j not in axes_b]
    size = int(np.prod([a.shape[i] for i in axes_a], dtype=np.int64))
    left = sd.reshape(sd.transpose(a, free_a + axes_a), (-1, size))
    right = sd.reshape(sd.transpose(b, axes_b + free_b), (size, -1))
    shape = [a.shape[i] for i in free_a] + [b.shape[j] for j in free_b]
    return sd.reshape(sd.matmul(left, right), shape)


def dot(x1, x2):
    """numpy.dot: scalars multiply; otherwise sums over a's last axis and b's second to last."""
    a, b = promote(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim == 1:
        return tensordot(a, b, ([a.ndim - 1], [0]))
    return tensordot(a, b, ([a.ndim - 1], [b.ndim - 2]))


def inner(x1, x2):
    """Sum over the last axes of both (numpy.inner); scalars multiply."""
    a, b = promote(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return tensordot(a, b, ([a.ndim - 1], [b.ndim - 1]))


def outer(x1, x2):
    """The outer product of the flattened inputs."""
    a, b = promote(x1, x2)
    return sd.reshape(a, (-1, 1)) * sd.reshape(b, (1, -1))


def vdot(x1, x2):
    """The dot product of the flattened inputs."""
    a, b = promote(x1, x2)
    if a.size != b.size:
        raise ValueError(f"[vdot] inputs must have the same number of elements; received {a.size} and {b.size}")
    return sd.sum(sd.reshape(a, (-1,)) * sd.reshape(b, (-1,)))


def kron(x1, x2):
    """The Kronecker product."""
    a, b = promote(x1, x2)
    rank = max(a.ndim, b.ndim)
    a = sd.reshape(a, (1,) * (rank - a.ndim) + tuple(a.shape))
    b = sd.reshape(b, (1,) * (rank - b.ndim) + tuple(b.shape))
    interleaved_a = sd.reshape(a, [d for s in a.shape for d in (s, 1)])
    interleaved_b = sd.reshape(b, [d for s in b.shape for d in (1, s)])
    return sd.reshape(interleaved_a * interleaved_b, [p * q for p, q in zip(a.shape, b.shape)])


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors (2-vectors get a zero third component, as in numpy)."""
    a, b = promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a = sd.moveaxis(a, canonical_axis(axisa, a.ndim, "cross"), -1)
    b = sd.moveaxis(b, canonical_axis(axisb, b.ndim, "cross"), -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError(f"[cross] vectors must have 2 or 3 components; received {a.shape[-1]} and {b.shape[-1]}")
    both_2d = a.shape[-1] == 2 and b.shape[-1] == 2

    def components(v):
        zero = sd.zeros_like(v[..., 0])
        return v[..., 0], v[..., 1], (v[..., 2] if v.shape[-1] == 3 else zero)

    a0, a1, a2 = components(a)
    b0, b1, b2 = components(b)
    if both_2d:
        return a0 * b1 - a1 * b0
    result = sd.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    return sd.moveaxis(result, -1, canonical_axis(axisc, result.ndim, "cross"))


def _parse_einsum(subscripts, operands):
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        inputs, output = subscripts.split("->")
    else:
        inputs, output = subscripts, None
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"[einsum] {subscripts!r} names {len(terms)} operands; received {len(operands)}")
    used = set(subscripts) - set(",->.")
    spare = [c for c in string.ascii_letters if c not in used]
    ellipsis_rank = max((op.ndim - len(t.replace("...", "")) for t, op in zip(terms, operands) if "..." in t), default=0)
    ellipsis = "".join(spare[:ellipsis_rank])
    expanded = []
    for term, op in zip(terms, operands):
        if "..." in term:
            rank = op.ndim - len(term.replace("...", ""))
            term = term.replace("...", ellipsis[ellipsis_rank - rank:] if rank else "")
        if len(term) != op.ndim or not all(c.isalpha() for c in term):
            raise ValueError(f"[einsum] subscript {term!r} does not match an operand of shape {tuple(op.shape)}")
        expanded.append(term)
    if output is None:
        counts = {}
        for term in expanded:
            for c in term:
                counts[c] = counts.get(c, 0) + 1
        output = ellipsis + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ellipsis))
    else:
        output = output.replace("...", ellipsis)
    return expanded, output


def _diagonal_free(term, x):
    """Takes diagonals for letters repeated within one term (e.g. 'ii')."""
    while len(set(term)) != len(term):
        letter = next(c for c in term if term.count(c) > 1)
        i = term.index(letter)
        j = term.index(letter, i + 1)
        from .numpy_shape import diagonal
        x = diagonal(x, 0, i, j)
        term = term[:i] + term[i + 1:j] + term[j + 1:] + letter
    return term, x


def _sum_out(term, x, keep):
    drop = [i for i, c in enumerate(term) if c not in keep]
    if drop:
        x = sd.sum(x, axis=drop)
        term = "".join(c for c in term if c in keep)
    return term, x


def _contract_pair(ta, a, tb, b, keep):
    """Contracts two operands, keeping the letters in `keep`; returns (term, tensor)."""
    batch = [c for c in ta if c in tb and c in keep]
    contracted = [c for c in ta if c in tb and c not in keep]
    free_a = [c for c in ta if c not in tb]
    free_b = [c for c in tb if c not in ta]
    sizes = {}
    for term, x in ((ta, a), (tb, b)):
        for c, s in zip(term, x.shape):
            if c in sizes and sizes[c] != s and 1 not in (s, sizes[c]):
                raise ValueError(f"[einsum] letter {c!r} has sizes {sizes[c]} and {s}")
            sizes[c] = max(sizes.get(c, s), s)
    a = sd.broadcast_to(sd.transpose(a, [ta.index(c) for c in batch + free_a + contracted]),
                        [sizes[c] for c in batch] + [a.shape[ta.index(c)] for c in free_a + contracted])
    b = sd.broadcast_to(sd.transpose(b, [tb.index(c) for c in batch + contracted + free_b]),
                        [sizes[c] for c in batch] + [b.shape[tb.index(c)] for c in contracted + free_b])
    nb = [sizes[c] for c in batch]
    m = int(np.prod([sizes[c] for c in free_a], dtype=np.int64))
    k = int(np.prod([sizes[c] for c in contracted], dtype=np.int64))
    n = int(np.prod([sizes[c] for c in free_b], dtype=np.int64))
    product = sd.matmul(sd.reshape(a, nb + [m, k]), sd.reshape(b, nb + [k, n]))
    term = "".join(batch + free_a + free_b)
    return term, sd.reshape(product, [sizes[c] for c in term])


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation (numpy.einsum's notation, with '...' and implicit output),
    computed as transposes, reshapes and batched matmuls from left to right."""
    if not isinstance(subscripts, str):
        raise TypeError(f"[einsum] subscripts must be a string; received {subscripts!r}")
    if not operands:
        raise ValueError("[einsum] needs at least one operand")
    tensors = promote(*operands) if len(operands) > 1 else [tensor(operands[0])]
    terms, output = _parse_einsum(subscripts, tensors)
    if len(set(output)) != len(output) or any(c not in "".join(terms) for c in output):
        raise ValueError(f"[einsum] invalid output subscripts {output!r} for {subscripts!r}")
    pairs = [_diagonal_free(t, x) for t, x in zip(terms, tensors)]
    for position in range(len(pairs)):
        later = set(output).union(*(set(t) for t, _ in pairs[:position] + pairs[position + 1:]))
        pairs[position] = _sum_out(pairs[position][0], pairs[position][1], later)
    term, result = pairs[0]
    for index in range(1, len(pairs)):
        keep = set(output).union(*(set(t) for t, _ in pairs[index + 1:]))
        term, result = _contract_pair(term, result, pairs[index][0], pairs[index][1], keep)
        term, result = _sum_out(term, result, keep)
    term, result = _sum_out(term, result, set(output))
    return sd.transpose(result, [term.index(c) for c in output]) if term else result
