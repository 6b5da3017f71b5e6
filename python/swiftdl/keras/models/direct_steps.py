"""Inference-plan steps that call the engine op directly, every argument but the input and
the weights worked out once, when the plan is made.

An inference plan only runs on inputs of the dtype and sample shape it was made with, after
the layers' own calls answered such an input, so the checks and conversions those calls
repeat (the input's rank, channels and dtype; strides, paddings and activation codes
turned into the engine's arguments) cannot fail and change nothing. On one sample they cost
as much as the small kernels: the document's CNN spent ~50 of its ~120 µs per `model(x)` in
them. A step made here reads the weights on every call (so assigned or trained weights are
used) and takes the layer's own call once LoRA is enabled on it.

Each maker returns `step(x) -> Tensor`, or None when the layer (or pair) is not one it
knows, for the plan to keep the layer's own call.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from swiftdl import _C
from swiftdl.nn._convolution import ACTIVATION_CODES, POOL_CODES, _padding_argument

from .. import activations
from ..layers.convolutional import _FUSABLE, Conv2D
from ..layers.core import _DENSE_ACTIVATION_CODES, Dense
from . import conv_batch_norm_fusion

Step = Callable[[Any], Any]


def _activation_code(conv: Any) -> int | None:
    """The engine's code for a Conv2D's activation when the op applies it, else None."""
    fused = _FUSABLE.get(conv.activation)
    if fused is None and conv.activation is not activations.linear:
        return None
    return ACTIVATION_CODES[fused or "linear"]


def _plain_conv(conv: Any) -> bool:
    return (type(conv) is Conv2D and conv.built and conv.data_format == "channels_last" and conv.groups == 1
            and not conv.lora_enabled)


def _unless_lora(layer: Any, direct: Step, own: Step) -> Step:
    """`direct`, or the layer's own call once LoRA is enabled (its weight is then W + A·B)."""
    def step(x: Any) -> Any:
        return own(x) if layer.lora_enabled else direct(x)
    return step


def _named(step: Step, op: str, **facts: Any) -> Step:
    """The step, named after its engine op, with what a reader (a test) may ask of it."""
    step.__name__ = op
    for key, value in facts.items():
        setattr(step, key, value)
    return step


def conv2d(conv: Any, own: Step) -> Step | None:
    """A Conv2D (bias and relu in the op) as `_C.conv2d`."""
    code = _activation_code(conv) if _plain_conv(conv) else None
    if code is None:
        return None
    padding, pads = _padding_argument(conv.padding.upper(), "conv2d", 2)
    constants = (code, tuple(conv.strides), tuple(conv.dilation_rate), padding, pads)
    op = _C.conv2d
    return _named(_unless_lora(conv, lambda x: op(x, conv.kernel, conv.bias, *constants), own), "conv2d")


def conv2d_pool(conv: Any, pool: Any, own: Step) -> Step | None:
    """A Conv2D and the 2-D pooling layer after it as `_C.conv2d_pool` (see
    Conv2D.convolve_and_pool)."""
    code = _activation_code(conv) if _plain_conv(conv) else None
    if code is None or pool.data_format != "channels_last" or pool.mode not in POOL_CODES:
        return None
    padding, pads = _padding_argument(conv.padding.upper(), "conv2d_pool", 2)
    pool_padding, pool_pads = _padding_argument(pool.padding.upper(), "conv2d_pool", 2)
    constants = (code, tuple(conv.strides), tuple(conv.dilation_rate), padding, pads, POOL_CODES[pool.mode],
                 tuple(pool.pool_size), tuple(pool.strides), pool_padding, pool_pads)
    op = _C.conv2d_pool
    return _named(_unless_lora(conv, lambda x: op(x, conv.kernel, conv.bias, *constants), own), "conv2d_pool")


def conv2d_batch_norm(conv: Any, batch_norm: Any, relu_cap: float | None, own: Step) -> Step | None:
    """A Conv2D or DepthwiseConv2D, its BatchNormalization (and ReLU) as one folding op
    (see conv_batch_norm_fusion.convolve_and_normalize)."""
    if not conv_batch_norm_fusion.fusable(conv, batch_norm):
        return None
    padding, pads = _padding_argument(conv.padding.upper(), "conv2d", 2)
    relu = relu_cap is not None
    cap = float(relu_cap) if relu_cap is not None else float(np.inf)
    strides, dilations = tuple(conv.strides), tuple(conv.dilation_rate)
    op = conv_batch_norm_fusion.FOLDING_OPS[type(conv)]

    def step(x: Any) -> Any:
        return op(x, conv.kernel, conv.bias, batch_norm.moving_mean, batch_norm.moving_variance, batch_norm.gamma,
                  batch_norm.beta, batch_norm.epsilon, relu, cap, strides, dilations, padding, pads)
    return _named(step if type(conv) is not Conv2D else _unless_lora(conv, step, own), "conv2d_batch_norm",
                  relu_cap=relu_cap)


def dense(layer: Any, sample: Any, own: Step) -> Step | None:
    """A Dense on float input of its kernel's dtype as `_C.dense` (bias and relu in the op;
    another activation after it)."""
    if type(layer) is not Dense or layer.lora_enabled or sample.dtype != layer.kernel.dtype or sample.dtype.kind != "f":
        return None
    code = _DENSE_ACTIVATION_CODES.get(layer.activation)
    op = _C.dense
    if code is not None:
        direct = lambda x: op(x, layer.kernel, layer.bias, code)  # noqa: E731
    else:
        activation = layer.activation
        direct = lambda x: activation(op(x, layer.kernel, layer.bias, 0))  # noqa: E731
    return _named(_unless_lora(layer, direct, own), "dense")
