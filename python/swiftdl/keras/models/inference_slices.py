"""Large inference batches of per-sample models, run a slice of samples at a time.

`predict` at batch 256 of a MobileNetV2 at 96×96 holds the 48×48×96 expansion of every
sample at once: 226 MB for one activation, and the process's peak memory is set there, not
by training at batch 64. A model each of whose layers computes a sample's output from that
sample alone (convolutions, dense, embeddings, pooling, batch norm at inference, merges, ...) answers a
batch as it answers the batch's slices stacked, so a large batch runs in slices whose
largest activation is at most `SLICE_BYTES`: the engine reuses one slice's memory for the
next, and the peak stays near one slice's. The outputs differ from a whole-batch call only
by the roundings of GEMMs of other shapes.

Only Sequential and functional models made of the built-in layers in `_per_sample_types`,
called with `training=False` outside any tape, on one tensor input whose activations'
shapes the model's graph knows, are sliced; any other call runs whole, as before.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import swiftdl as _sd
from swiftdl import _C

from .. import tree

# Returned by `run` when the call must run whole.
NOT_SLICED = object()

# The most bytes one activation of one slice may take: big enough that a slice's GEMMs and
# per-call costs are those of a large batch (MobileNetV2 at 96×96: five slices of 52 for 256).
SLICE_BYTES = 48 << 20
# Fewer samples than this a slice would pay each step's fixed costs too often.
MIN_SLICE_ROWS = 16

_PER_SAMPLE_TYPES: tuple = ()


def _per_sample_types() -> tuple:
    """The built-in layer classes whose inference output for a sample depends on that sample
    only (filled on first use: importing the layers here would be circular)."""
    global _PER_SAMPLE_TYPES
    if not _PER_SAMPLE_TYPES:
        from ..layers import (activation_layers, convolutional, core, depthwise_separable, embedding, input_layer,
                              merging, noise, normalization, per_sample_normalization, pooling, rescaling, reshaping,
                              unit_normalization)
        _PER_SAMPLE_TYPES = (
            input_layer.InputLayer, convolutional.BaseConv, depthwise_separable._ConvBase, core.Dense, embedding.Embedding,
            core.Activation, core.Dropout, core.Flatten, core.Reshape, normalization.BatchNormalization,
            per_sample_normalization._PerSampleNormalization, unit_normalization.UnitNormalization,
            pooling.BasePooling, pooling.BaseGlobalPooling, merging._Merge, activation_layers._Elementwise,
            reshaping._ZeroPadding, reshaping._Cropping, reshaping._UpSampling, reshaping.Permute,
            reshaping.RepeatVector, noise._SpatialDropout, noise.GaussianNoise, noise.GaussianDropout,
            noise.AlphaDropout, rescaling.Rescaling)
    return _PER_SAMPLE_TYPES


def _graph_nodes(model: Any) -> list | None:
    """The nodes of the model's graph (a Sequential's is the functional graph it builds)."""
    graph = model.__dict__.get("_graph", model) if model.__dict__.get("_stack") is not None else model
    return graph.__dict__.get("_nodes") if graph is not None else None


def _largest_sample_bytes(model: Any) -> int | None:
    """The bytes of one sample's largest activation, or None when the model is not made of
    per-sample built-in layers run at inference, or its graph leaves a size unknown."""
    nodes = _graph_nodes(model)
    if not nodes:
        return None
    types = _per_sample_types()
    largest = 0
    for node in nodes:
        layer = node.layer
        if not type(layer).__module__.startswith("swiftdl.keras.layers.") or not isinstance(layer, types):
            return None
        if any(key != "training" or value for key, value in node.call_kwargs.items()):
            return None  # a node the graph runs in training mode, or with a mask
        if getattr(layer, "mask_zero", False):
            return None  # its mask would travel with the outputs, which slices cannot join
        for tensor in node.output_tensors:
            sizes = tuple(tensor.shape[1:])
            if any(size is None for size in sizes):
                return None
            largest = max(largest, math.prod(sizes) * np.dtype(tensor.dtype).itemsize)
    return largest


def _slice_rows(model: Any, x: Any) -> int | None:
    """How many samples a slice of `x` takes (cached per model and kind of input), or None
    when the model's calls must run whole."""
    key = (x.dtype, tuple(x.shape[1:]), tuple(id(layer) for layer in model.layers))
    cached = model.__dict__.get("_inference_slice_rows")
    if cached is None or cached[0] != key:
        largest = _largest_sample_bytes(model)
        rows = None if largest is None else max(MIN_SLICE_ROWS, SLICE_BYTES // max(largest, 1))
        cached = model._inference_slice_rows = (key, rows)
    return cached[1]


def run(model: Any, x: Any) -> Any:
    """The model's output for an inference call on the engine tensor `x`, computed slice by
    slice, or NOT_SLICED when the batch is small enough or the model must run it whole."""
    batch = x.shape[0]
    if batch <= 2 * MIN_SLICE_ROWS or _C.is_recording():
        return NOT_SLICED
    rows = _slice_rows(model, x)
    if rows is None or batch <= rows:
        return NOT_SLICED
    count = math.ceil(batch / rows)
    rows = math.ceil(batch / count)  # equal slices: the last is not a small remainder
    pieces = [model(x[start:start + rows], training=False) for start in range(0, batch, rows)]
    return tree.map_structure(lambda *slices: _sd.concatenate(slices, axis=0), *pieces)
