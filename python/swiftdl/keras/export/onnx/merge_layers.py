"""Add, Subtract, Multiply, Average, Maximum, Minimum and Concatenate as ONNX nodes."""

from __future__ import annotations

from typing import Any


from .graph_builder import GraphBuilder, UnsupportedLayerError

__all__ = ["MERGE_EMITTERS"]


def _variadic(op_type: str):
    def emit(g: GraphBuilder, layer: Any, xs: list[str], rank: int) -> tuple[str, int]:
        return g.op(op_type, xs, op_type.lower()), rank
    return emit


def _subtract(g: GraphBuilder, layer: Any, xs: list[str], rank: int) -> tuple[str, int]:
    if len(xs) != 2:
        raise UnsupportedLayerError(f"Layer {layer.name!r}: Subtract takes exactly two inputs, received {len(xs)}.")
    return g.op("Sub", xs, "sub"), rank


def _multiply(g: GraphBuilder, layer: Any, xs: list[str], rank: int) -> tuple[str, int]:
    y = xs[0]
    for x in xs[1:]:  # ONNX's Mul is binary
        y = g.op("Mul", [y, x], "mul")
    return y, rank


def _average(g: GraphBuilder, layer: Any, xs: list[str], rank: int) -> tuple[str, int]:
    return g.op("Mean", xs, "mean"), rank


def _concatenate(g: GraphBuilder, layer: Any, xs: list[str], rank: int) -> tuple[str, int]:
    axis = int(layer.get_config().get("axis", -1))
    if axis == 0 or not -rank <= axis < rank:
        raise UnsupportedLayerError(f"Layer {layer.name!r}: Concatenate over axis {axis} is not supported.")
    return g.op("Concat", xs, "concat", axis=axis), rank


MERGE_EMITTERS = {"Add": _variadic("Sum"), "Subtract": _subtract, "Multiply": _multiply, "Average": _average,
                  "Maximum": _variadic("Max"), "Minimum": _variadic("Min"), "Concatenate": _concatenate}
