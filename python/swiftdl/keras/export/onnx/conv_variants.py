"""Transposed, depthwise and separable convolutions, and the padding, cropping and
upsampling layers around them, as ONNX nodes (channels-first, as the other convolutions)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .activations import emit_activation
from .conv_layers import _check_channels_last, _padding
from .graph_builder import GraphBuilder, UnsupportedLayerError

__all__ = ["CONV_VARIANT_EMITTERS"]


def _tuple(value: Any, spatial: int) -> list[int]:
    return list(value) if isinstance(value, (tuple, list)) else [int(value)] * spatial


def _conv_transpose(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    """Keras's (*k, filters, in) kernel as ConvTranspose's (in, filters, *k). The output is
    the full transposed convolution cropped as TensorFlow crops it: for "same", (k' - s) // 2
    at the start and the rest at the end (k' the dilated kernel size); when k' < s nothing is
    cropped and the missing s - k' rows are added at the end."""
    cfg = layer.get_config()
    _check_channels_last(layer, cfg)
    if cfg.get("output_padding") is not None:
        raise UnsupportedLayerError(f"Layer {layer.name!r}: output_padding is not supported by the ONNX exporter.")
    spatial = rank - 2
    weights = layer.get_weights()
    kernel = np.transpose(np.asarray(weights[0], np.float32), (spatial + 1, spatial, *range(spatial)))
    strides, dilations = _tuple(cfg["strides"], spatial), _tuple(cfg["dilation_rate"], spatial)
    begins, ends, extra = [], [], []
    for size, stride, dilation in zip(kernel.shape[2:], strides, dilations):
        dilated = (size - 1) * dilation + 1
        crop = max(dilated - stride, 0) if cfg["padding"] == "same" else 0
        begins.append(crop // 2)
        ends.append(crop - crop // 2)
        extra.append(max(stride - dilated, 0))
    if cfg["padding"] not in ("same", "valid"):
        raise UnsupportedLayerError(f"Layer {layer.name!r}: padding={cfg['padding']!r} is not supported.")
    x = g.to_channels_first(x, rank)
    inputs = [x, g.constant("kernel", kernel)]
    if cfg.get("use_bias", True):
        inputs.append(g.constant("bias", weights[1]))
    y = g.op("ConvTranspose", inputs, "conv_transpose", kernel_shape=list(kernel.shape[2:]), strides=strides,
             dilations=dilations, pads=begins + ends, output_padding=extra)
    return emit_activation(g, y, cfg.get("activation"), rank, layer.name), rank


def _depthwise_kernel(kernel: np.ndarray, spatial: int) -> np.ndarray:
    """Keras's (*k, channels, multiplier) depthwise kernel as a grouped Conv's
    (channels * multiplier, 1, *k): output channel c * multiplier + m reads channel c."""
    *window, channels, multiplier = kernel.shape
    grouped = np.transpose(kernel, (spatial, spatial + 1, *range(spatial)))
    return np.ascontiguousarray(grouped.reshape(channels * multiplier, 1, *window), dtype=np.float32)


def _depthwise_node(g: GraphBuilder, layer: Any, cfg: dict, x: str, kernel: np.ndarray, rank: int) -> str:
    spatial = rank - 2
    grouped = _depthwise_kernel(kernel, spatial)
    return g.op("Conv", [x, g.constant("depthwise_kernel", grouped)], "depthwise",
                auto_pad=_padding(layer, cfg["padding"]), kernel_shape=list(grouped.shape[2:]),
                strides=_tuple(cfg["strides"], spatial), dilations=_tuple(cfg["dilation_rate"], spatial),
                group=int(kernel.shape[-2]))


def _depthwise(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    cfg = layer.get_config()
    _check_channels_last(layer, cfg)
    weights = layer.get_weights()
    x = g.to_channels_first(x, rank)
    y = _depthwise_node(g, layer, cfg, x, np.asarray(weights[0], np.float32), rank)
    if cfg.get("use_bias", True):
        bias = np.asarray(weights[1], np.float32).reshape(-1, *([1] * (rank - 2)))
        y = g.op("Add", [y, g.constant("bias", bias)], "bias_add")
    return emit_activation(g, y, cfg.get("activation"), rank, layer.name), rank


def _separable(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    """The depthwise step, then the pointwise (1×1) convolution with the bias."""
    cfg = layer.get_config()
    _check_channels_last(layer, cfg)
    spatial = rank - 2
    weights = layer.get_weights()
    x = g.to_channels_first(x, rank)
    y = _depthwise_node(g, layer, cfg, x, np.asarray(weights[0], np.float32), rank)
    pointwise = np.transpose(np.asarray(weights[1], np.float32), (spatial + 1, spatial, *range(spatial)))
    inputs = [y, g.constant("pointwise_kernel", pointwise)]
    if cfg.get("use_bias", True):
        inputs.append(g.constant("bias", weights[2]))
    y = g.op("Conv", inputs, "pointwise", kernel_shape=[1] * spatial)
    return emit_activation(g, y, cfg.get("activation"), rank, layer.name), rank


def _pairs(value: Any, spatial: int) -> list[tuple[int, int]]:
    """Keras's padding/cropping argument as (before, after) per spatial axis: an int, one
    (before, after) pair for the 1-D layers, or one int or pair per axis."""
    if isinstance(value, int):
        return [(value, value)] * spatial
    if spatial == 1:
        return [(int(value[0]), int(value[1]))]
    return [(item, item) if isinstance(item, int) else (int(item[0]), int(item[1])) for item in value]


def _zero_padding(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    cfg = layer.get_config()
    _check_channels_last(layer, cfg)
    pairs = _pairs(cfg["padding"], rank - 2)
    x = g.to_channels_last(x, rank)
    pads = [0] + [b for b, _ in pairs] + [0] + [0] + [a for _, a in pairs] + [0]
    return g.op("Pad", [x, g.constant("pads", pads, np.int64)], "pad", mode="constant"), rank


def _cropping(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    cfg = layer.get_config()
    _check_channels_last(layer, cfg)
    pairs = _pairs(cfg["cropping"], rank - 2)
    x = g.to_channels_last(x, rank)
    axes = list(range(1, rank - 1))
    # An end of -after keeps everything but the last `after` entries; INT64_MAX keeps all.
    ends = [-after if after else np.iinfo(np.int64).max for _, after in pairs]
    return g.op("Slice", [x, g.constant("starts", [b for b, _ in pairs], np.int64), g.constant("ends", ends, np.int64),
                          g.constant("axes", axes, np.int64)], "crop"), rank


def _upsampling(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    cfg = layer.get_config()
    _check_channels_last(layer, cfg)
    if cfg.get("interpolation", "nearest") != "nearest":
        raise UnsupportedLayerError(f"Layer {layer.name!r}: interpolation={cfg['interpolation']!r} is not supported "
                                    "by the ONNX exporter (only nearest).")
    size = cfg.get("size", 2)
    factors = _tuple(size, rank - 2)
    x = g.to_channels_last(x, rank)
    scales = g.constant("scales", [1.0, *factors, 1.0])
    # Integer factors: each output index maps to floor(i / factor), which "asymmetric" with
    # "floor" gives exactly.
    return g.op("Resize", [x, "", scales], "upsample", mode="nearest", coordinate_transformation_mode="asymmetric",
                nearest_mode="floor"), rank


CONV_VARIANT_EMITTERS = {"Conv1DTranspose": _conv_transpose, "Conv2DTranspose": _conv_transpose,
                         "Conv3DTranspose": _conv_transpose, "DepthwiseConv1D": _depthwise,
                         "DepthwiseConv2D": _depthwise, "SeparableConv1D": _separable, "SeparableConv2D": _separable,
                         "ZeroPadding1D": _zero_padding, "ZeroPadding2D": _zero_padding,
                         "ZeroPadding3D": _zero_padding, "Cropping1D": _cropping, "Cropping2D": _cropping,
                         "Cropping3D": _cropping, "UpSampling1D": _upsampling, "UpSampling2D": _upsampling,
                         "UpSampling3D": _upsampling}
