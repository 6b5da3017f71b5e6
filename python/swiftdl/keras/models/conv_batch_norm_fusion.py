"""A Conv2D or DepthwiseConv2D, the BatchNormalization that alone reads its output, and the
ReLU (if any) that alone reads the batch norm's, run at inference as one engine op
(`_C.conv2d_batch_norm`, `_C.depthwise_conv2d_batch_norm`: MobileNet's blocks are chains of
both kinds).

The engine folds the batch norm's scale into the filters and its shift into the bias on
every call, so the normalisation and the relu cost nothing past the convolution's own
output pass, as in deployment runtimes. Nothing outside the model can see the tensors
between the layers, so the only difference from running them one by one is rounding.

Sequential.call, the functional runner and the inference plans fuse such chains when the
batch norm uses its moving statistics (inference, or a frozen batch norm in training).
Under a recording tape the engine runs the convolution and the batch norm as their own
recorded ops, so gradients stay exact.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import swiftdl as _sd
from swiftdl import _C
from swiftdl.nn._convolution import _padding_argument

from ..activations import linear
from ..layers.convolutional import Conv2D
from ..layers.depthwise_separable import DepthwiseConv2D
from ..layers.normalization import BatchNormalization

# The layer types whose output a batch norm folds into, and the engine op for each.
FOLDING_OPS = {Conv2D: _C.conv2d_batch_norm, DepthwiseConv2D: _C.depthwise_conv2d_batch_norm}


def fusable(conv: Any, batch_norm: Any) -> bool:
    """Whether the layers can run as one op: exactly a Conv2D or DepthwiseConv2D (a subclass
    may change call) with no activation, groups, LoRA or activity penalty, channels last,
    and exactly a built BatchNormalization over the last axis without renormalisation, in
    the conv's dtype."""
    if type(conv) not in FOLDING_OPS or type(batch_norm) is not BatchNormalization:
        return False
    if not (conv.built and batch_norm.built) or batch_norm.renorm or batch_norm._axis != 3:
        return False
    if type(conv) is Conv2D and (conv.groups != 1 or conv.lora_enabled):
        return False
    return (conv.data_format == "channels_last" and conv.activation is linear and conv.activity_regularizer is None
            and batch_norm.activity_regularizer is None and conv.kernel.dtype == batch_norm.moving_mean.dtype)


def uses_moving_statistics(batch_norm: Any, training: Any) -> bool:
    """True when the batch norm normalises with its moving statistics on this call."""
    return not (training and batch_norm.trainable)


def input_suits(conv: Any, x: Any) -> bool:
    """Whether x is an unmasked rank-4 engine tensor of the convolution's dtype and channel
    count, as the fused chains take it (anything else takes the layers' own calls)."""
    kernel = conv.kernel
    return (isinstance(x, _sd.Tensor) and x.ndim == 4 and x.dtype == kernel.dtype and x.shape[-1] == kernel.shape[2]
            and getattr(x, "_keras_mask", None) is None)


def convolve_and_normalize(conv: Any, batch_norm: Any, relu_cap: float | None, x: Any) -> Any:
    """relu(batch_norm(conv(x))) as one op (relu_cap from `fusable_relu_cap`: None for no
    relu, inf for an uncapped one), or None when x is not an unmasked rank-4 engine
    tensor of the layers' dtype and channel count (the layers' own calls then convert it or
    raise their errors)."""
    if not input_suits(conv, x):
        return None
    kernel = conv.kernel
    code, pads = _padding_argument(conv.padding.upper(), "conv2d", 2)
    return FOLDING_OPS[type(conv)](
        x, kernel, conv.bias, batch_norm.moving_mean, batch_norm.moving_variance, batch_norm.gamma, batch_norm.beta,
        batch_norm.epsilon, relu_cap is not None, float(relu_cap) if relu_cap is not None else float(np.inf),
        tuple(conv.strides), tuple(conv.dilation_rate), code, pads)
