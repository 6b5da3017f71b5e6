"""keras.utils.get_source_inputs and normalize."""
from __future__ import annotations

from typing import Any

import numpy as np


def get_source_inputs(tensor: Any) -> list[Any]:
    """The `keras.Input` tensors a symbolic tensor was computed from, in first-seen order
    (a tensor without history is its own source), as Keras's get_source_inputs."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return [tensor]
    layer, node_index, _ = history
    nodes = getattr(layer, "_inbound_nodes", None) or []
    if node_index >= len(nodes) or not nodes[node_index].input_tensors:
        return [tensor]  # an Input's own tensor
    sources: list[Any] = []
    for parent in nodes[node_index].input_tensors:
        for source in get_source_inputs(parent):
            if all(source is not seen for seen in sources):
                sources.append(source)
    return sources


def normalize(x: Any, axis: int = -1, order: int = 2) -> Any:
    """`x` divided by its `order`-norm along `axis` (zero norms leave rows unchanged);
    numpy in, numpy out, as Keras; engine tensors go through keras.ops.normalize."""
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        # Keras writes `axis or -1` here, so axis=0 expands the last axis; kept to match it.
        return x / np.expand_dims(norm, axis or -1)
    from ..ops import normalize as ops_normalize
    return ops_normalize(x, axis=axis, order=order)


__all__ = ["get_source_inputs", "normalize"]
