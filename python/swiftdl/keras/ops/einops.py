"""keras.ops.rearrange: einops-style axis rearrangement ("b (h w) c -> b h w c", with sizes
for split groups given as keyword arguments), as one reshape, one transpose and one
reshape on the engine."""
import re

import numpy as np

import swiftdl as sd

from ._convert import tensor

_TOKEN = re.compile(r"\w+|\([^)]*\)")


def _groups(side):
    return [token[1:-1].split() if token.startswith("(") else [token] for token in _TOKEN.findall(side)]


def rearrange(tensor_, pattern, **axes_lengths):
    """Rearranges the axes of a tensor by an einops pattern, e.g. "b h w c -> b (h w) c"
    or, with h=2, "b (h w) c -> b h w c"."""
    x = tensor(tensor_)
    if "->" not in pattern:
        raise ValueError(f"[rearrange] pattern must contain '->'; received {pattern!r}")
    left, right = (side.strip() for side in pattern.split("->"))
    inputs, outputs = _groups(left), _groups(right)
    if len(inputs) != x.ndim:
        raise ValueError(f"[rearrange] pattern {left!r} names {len(inputs)} axes; the tensor has shape {tuple(x.shape)}")
    sizes = dict(axes_lengths)
    for group, dim in zip(inputs, x.shape):
        unknown = [a for a in group if a not in sizes]
        if len(group) == 1 and unknown:
            sizes[group[0]] = dim
            continue
        if len(unknown) > 1:
            raise ValueError(f"[rearrange] group ({' '.join(group)}) needs the sizes of all but one of its axes")
        known = int(np.prod([sizes[a] for a in group if a in sizes], dtype=np.int64))
        if unknown:
            if known == 0 or dim % known:
                raise ValueError(f"[rearrange] cannot split an axis of {dim} into ({' '.join(group)}) with {axes_lengths}")
            sizes[unknown[0]] = dim // known
        elif known != dim:
            raise ValueError(f"[rearrange] group ({' '.join(group)}) has size {known}, the axis {dim}")
    flat_in = [a for group in inputs for a in group]
    flat_out = [a for group in outputs for a in group]
    if sorted(flat_in) != sorted(flat_out) or len(set(flat_in)) != len(flat_in):
        raise ValueError(f"[rearrange] both sides must name the same axes once each; received {pattern!r}")
    x = sd.reshape(x, [sizes[a] for a in flat_in])
    x = sd.transpose(x, [flat_in.index(a) for a in flat_out])
    return sd.reshape(x, [int(np.prod([sizes[a] for a in group], dtype=np.int64)) for group in outputs])
