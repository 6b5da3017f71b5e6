"""Conv1D/Conv2D and the pools as ONNX nodes (ONNX convs are channels-first)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .activations import emit_activation
from .graph_builder import GraphBuilder, UnsupportedLayerError

__all__ = ["CONV_EMITTERS"]


def _check_channels_last(layer: Any, cfg: dict) -> None:
    if cfg.get("data_format", "channels_last") not in (None, "channels_last"):
        raise UnsupportedLayerError(f"Layer {layer.name!r}: data_format={cfg['data_format']!r} is not supported "
                                    "by the ONNX exporter (only channels_last).")


def _padding(layer: Any, padding: str) -> str:
    if padding == "same":
        return "SAME_UPPER"  # TF/Keras put the odd extra pad at the end, as SAME_UPPER does
    if padding == "valid":
        return "VALID"
    raise UnsupportedLayerError(f"Layer {layer.name!r}: padding={padding!r} is not supported by the ONNX exporter.")


def _conv(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    cfg = layer.get_config()
    _check_channels_last(layer, cfg)
    weights = layer.get_weights()
    spatial = rank - 2
    kernel = np.asarray(weights[0], dtype=np.float32)  # (*k, in, out) -> (out, in, *k)
    kernel = np.transpose(kernel, (spatial + 1, spatial, *range(spatial)))
    x = g.to_channels_first(x, rank)
    inputs = [x, g.constant("kernel", kernel)]
    if cfg.get("use_bias", True):
        inputs.append(g.constant("bias", weights[1]))
    y = g.op("Conv", inputs, "conv", auto_pad=_padding(layer, cfg["padding"]),
             kernel_shape=list(kernel.shape[2:]), strides=list(cfg["strides"]),
             dilations=list(cfg["dilation_rate"]), group=int(cfg.get("groups", 1)))
    # Keras's grouped kernel (*k, in / groups, out) transposes to ONNX's (out, in / groups, *k),
    # with each group's outputs contiguous in both.
    return emit_activation(g, y, cfg.get("activation"), rank, layer.name), rank


def _pool(op_type: str):
    def emit(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
        cfg = layer.get_config()
        _check_channels_last(layer, cfg)
        strides = cfg.get("strides") or cfg["pool_size"]
        x = g.to_channels_first(x, rank)
        attrs: dict[str, Any] = {}
        if op_type == "AveragePool":
            attrs["count_include_pad"] = 0  # Keras averages over the in-bounds values only
        y = g.op(op_type, [x], "pool", auto_pad=_padding(layer, cfg["padding"]),
                 kernel_shape=list(cfg["pool_size"]), strides=list(strides), **attrs)
        return y, rank
    return emit


def _global_pool(op_type: str):
    def emit(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
        cfg = layer.get_config()
        _check_channels_last(layer, cfg)
        x = g.to_channels_last(x, rank)
        axes = list(range(1, rank - 1))
        keep = 1 if cfg.get("keepdims") else 0
        if op_type == "ReduceMean":
            y = g.op("ReduceMean", [x, g.constant("axes", axes, np.int64)], "gpool", keepdims=keep)
        else:
            y = g.op("ReduceMax", [x, g.constant("axes", axes, np.int64)], "gpool", keepdims=keep)
        return y, rank if keep else 2
    return emit


CONV_EMITTERS = {"Conv1D": _conv, "Conv2D": _conv, "Conv3D": _conv,
                 "MaxPooling1D": _pool("MaxPool"), "MaxPooling2D": _pool("MaxPool"),
                 "AveragePooling1D": _pool("AveragePool"), "AveragePooling2D": _pool("AveragePool"),
                 "GlobalAveragePooling1D": _global_pool("ReduceMean"),
                 "GlobalAveragePooling2D": _global_pool("ReduceMean"),
                 "GlobalMaxPooling1D": _global_pool("ReduceMax"), "GlobalMaxPooling2D": _global_pool("ReduceMax")}
