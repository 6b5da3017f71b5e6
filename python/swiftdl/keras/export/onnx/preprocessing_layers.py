"""Rescaling, Normalization and the random augmentation layers as ONNX nodes.

The augmentations change pixels only in training; at inference, which is all an exported
file runs, Keras passes their inputs through unchanged, so they export as the identity.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...backend import epsilon
from .graph_builder import GraphBuilder

__all__ = ["PREPROCESSING_EMITTERS"]

# Keras's random image layers whose inference output is their input.
_INFERENCE_IDENTITY = ("RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
                       "RandomBrightness", "RandomShear", "RandomHue", "RandomSaturation", "RandomGrayscale",
                       "RandomColorJitter", "RandomErasing", "RandomGaussianBlur", "RandomSharpness",
                       "RandomPosterization", "RandomInvert", "RandomColorDegeneration", "RandomPerspective",
                       "RandomElasticTransform", "Solarization", "AugMix", "RandAugment", "MixUp", "CutMix")


def _identity(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    return x, rank


def _rescaling(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    x = g.to_channels_last(x, rank)  # a per-channel scale broadcasts over Keras's last axis
    y = g.op("Mul", [x, g.constant("scale", np.asarray(layer.scale, np.float32))], "rescale")
    return g.op("Add", [y, g.constant("offset", np.asarray(layer.offset, np.float32))], "rescaled"), rank


def _normalization(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    x = g.to_channels_last(x, rank)
    if layer.input_mean is None:
        mean = np.reshape(np.asarray(layer.adapt_mean), layer._broadcast_shape)
        variance = np.reshape(np.asarray(layer.adapt_variance), layer._broadcast_shape)
    else:
        mean, variance = np.asarray(layer.mean), np.asarray(layer.variance)
    # Keras divides by max(sqrt(variance), epsilon) so a constant feature does not blow up.
    scale = np.maximum(np.sqrt(variance.astype(np.float64)), epsilon()).astype(np.float32)
    mean = mean.astype(np.float32)
    if layer.invert:
        y = g.op("Mul", [x, g.constant("norm_scale", scale)], "denorm")
        return g.op("Add", [y, g.constant("norm_mean", mean)], "denormalized"), rank
    y = g.op("Sub", [x, g.constant("norm_mean", mean)], "centered")
    return g.op("Div", [y, g.constant("norm_scale", scale)], "normalized"), rank


PREPROCESSING_EMITTERS = {"Rescaling": _rescaling, "Normalization": _normalization,
                          **{name: _identity for name in _INFERENCE_IDENTITY}}
