"""Dense, Flatten, Dropout, Activation, Embedding and friends as ONNX nodes."""

from __future__ import annotations

from typing import Any

import numpy as np

from .activations import emit_activation
from .graph_builder import GraphBuilder, UnsupportedLayerError

__all__ = ["CORE_EMITTERS"]


def _dense(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    x = g.to_channels_last(x, rank)
    cfg = layer.get_config()
    weights = layer.get_weights()
    y = g.op("MatMul", [x, g.constant("kernel", weights[0])], "dense")
    if cfg.get("use_bias", True):
        y = g.op("Add", [y, g.constant("bias", weights[1])], "bias_add")
    return emit_activation(g, y, cfg.get("activation"), rank, layer.name), rank


def _flatten(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    # Keras flattens in channels-last order; transposing back first keeps the next Dense's rows aligned.
    x = g.to_channels_last(x, rank)
    return g.op("Flatten", [x], "flatten", axis=1), 2


def _identity(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    return x, rank  # Dropout and friends are the identity at inference


def _activation(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    return emit_activation(g, x, layer.get_config()["activation"], rank, layer.name), rank


def _relu(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    """Keras's ReLU: x from `threshold` up, `negative_slope * (x - threshold)` below it,
    capped at `max_value` (ReLU6 is max_value=6)."""
    cfg = layer.get_config()
    max_value, threshold = cfg.get("max_value"), float(cfg.get("threshold", 0.0))
    slope = float(cfg.get("negative_slope", 0.0))
    if threshold == 0.0 and slope == 0.0:
        if max_value is None:
            return g.op("Relu", [x], "relu"), rank
        return g.op("Clip", [x, g.constant("min", 0.0), g.constant("max", float(max_value))], "relu_capped"), rank
    above = g.op("GreaterOrEqual", [x, g.constant("threshold", threshold)], "above_threshold")
    below = g.op("Mul", [g.op("Sub", [x, g.constant("threshold", threshold)], "shifted"),
                         g.constant("slope", slope)], "below")
    y = g.op("Where", [above, x, below], "relu")
    if max_value is not None:
        y = g.op("Min", [y, g.constant("max", float(max_value))], "relu_capped")
    return y, rank


def _softmax(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    axis = layer.get_config().get("axis", -1)
    if axis not in (-1, rank - 1):
        raise UnsupportedLayerError(f"Layer {layer.name!r}: Softmax over axis {axis} is not supported.")
    x = g.to_channels_last(x, rank)
    return g.op("Softmax", [x], "softmax", axis=-1), rank


def _embedding(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    if layer.get_config().get("mask_zero"):
        raise UnsupportedLayerError(f"Layer {layer.name!r}: Embedding(mask_zero=True) is not supported "
                                    "(ONNX RNNs cannot consume Keras masks).")
    table = np.asarray(layer.get_weights()[0], dtype=np.float32)
    indices = g.op("Cast", [x], "indices", to=7)  # int64, whatever dtype the caller feeds
    return g.op("Gather", [g.constant("embeddings", table), indices], "embedding", axis=0), rank + 1


def _batch_norm(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    cfg = layer.get_config()
    if cfg.get("axis", -1) not in (-1, rank - 1, [-1], [rank - 1]):
        raise UnsupportedLayerError(f"Layer {layer.name!r}: BatchNormalization over axis {cfg['axis']} "
                                    "is not supported (only the channels axis -1).")
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]
    gamma = weights.pop(0) if cfg.get("scale", True) else 1.0
    beta = weights.pop(0) if cfg.get("center", True) else 0.0
    mean, variance = weights[0], weights[1]
    # Inference uses the moving statistics: one affine map folded in float64, then applied in float32.
    scale = gamma / np.sqrt(variance + cfg.get("epsilon", 1e-3))
    x = g.to_channels_last(x, rank)
    y = g.op("Mul", [x, g.constant("bn_scale", scale)], "bn_mul")
    return g.op("Add", [y, g.constant("bn_shift", beta - mean * scale)], "bn"), rank


def _leaky_relu(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    return g.op("LeakyRelu", [x], "leaky_relu", alpha=float(layer.get_config()["negative_slope"])), rank


def _layer_norm(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    cfg = layer.get_config()
    axis = cfg.get("axis", -1)
    axes = sorted(a % rank for a in (axis if isinstance(axis, (list, tuple)) else [axis]))
    if axes != list(range(axes[0], rank)) or cfg.get("rms_scaling"):
        raise UnsupportedLayerError(f"Layer {layer.name!r}: LayerNormalization over axes {axis}"
                                    f"{' with rms_scaling' if cfg.get('rms_scaling') else ''} is not supported "
                                    "(only trailing axes).")
    x = g.to_channels_last(x, rank)
    shape = tuple(layer.gamma.shape if cfg.get("scale", True) else layer.beta.shape)
    gamma = np.asarray(layer.gamma, np.float32) if cfg.get("scale", True) else np.ones(shape, np.float32)
    beta = np.asarray(layer.beta, np.float32) if cfg.get("center", True) else np.zeros(shape, np.float32)
    # ONNX's LayerNormalization (opset 17) normalizes from `axis` to the end, as Keras does over trailing axes.
    return g.op("LayerNormalization", [x, g.constant("ln_gamma", gamma), g.constant("ln_beta", beta)], "layer_norm",
                axis=axes[0], epsilon=float(cfg["epsilon"])), rank


def _reshape(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    x = g.to_channels_last(x, rank)
    target = [int(d) for d in layer.get_config()["target_shape"]]
    # A leading 0 copies the (dynamic) batch size; -1 is inferred, as in Keras's target_shape.
    return g.op("Reshape", [x, g.constant("shape", [0, *target], np.int64)], "reshape"), len(target) + 1


def _nested_sequential(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    from .exporter import emit_chain  # a Sequential inside a model is its layers, inlined
    return emit_chain(g, list(layer.layers), x, rank)


CORE_EMITTERS = {"LeakyReLU": _leaky_relu, "LayerNormalization": _layer_norm, "Reshape": _reshape,
                 "Sequential": _nested_sequential, "BatchNormalization": _batch_norm,
                 "Dense": _dense, "Flatten": _flatten, "Dropout": _identity, "SpatialDropout1D": _identity,
                 "SpatialDropout2D": _identity, "GaussianNoise": _identity, "GaussianDropout": _identity,
                 "AlphaDropout": _identity, "Activation": _activation, "ReLU": _relu, "Softmax": _softmax,
                 "Embedding": _embedding}
