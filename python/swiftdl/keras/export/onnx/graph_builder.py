"""The ONNX graph under construction: nodes, initializers and the current tensor's layout."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["GraphBuilder", "UnsupportedLayerError"]


class UnsupportedLayerError(ValueError):
    """Raised when a layer (or one of its options) has no faithful ONNX translation."""


class GraphBuilder:
    """Collects ONNX nodes for a chain of layers.

    `layout` is `"channels_last"` (Keras's layout) or `"NCHW"` (ONNX's conv layout): convs switch to
    NCHW and stay there across pools so that only one transpose is needed per conv stack.
    """

    def __init__(self) -> None:
        from onnx import helper
        self.helper = helper
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0
        self.layout = "channels_last"

    def fresh(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def constant(self, hint: str, value: Any, dtype: Any = np.float32) -> str:
        from onnx import numpy_helper
        name = self.fresh(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def op(self, op_type: str, inputs: list[str], hint: str, n_outputs: int = 1, **attrs: Any) -> Any:
        outputs = [self.fresh(hint) for _ in range(n_outputs)]
        self.nodes.append(self.helper.make_node(op_type, inputs, outputs, name=self.fresh(op_type), **attrs))
        return outputs[0] if n_outputs == 1 else outputs

    def publish(self, x: str, name: str) -> None:
        """Makes `x` the graph output `name` (through an Identity, so `x` keeps its own name)."""
        self.nodes.append(self.helper.make_node("Identity", [x], [name], name=self.fresh("Identity")))

    def to_channels_last(self, x: str, rank: int) -> str:
        if self.layout == "channels_last":
            return x
        self.layout = "channels_last"
        return self.op("Transpose", [x], "nhwc", perm=[0, *range(2, rank), 1])

    def to_channels_first(self, x: str, rank: int) -> str:
        if self.layout == "NCHW":
            return x
        self.layout = "NCHW"
        return self.op("Transpose", [x], "nchw", perm=[0, rank - 1, *range(1, rank - 1)])
