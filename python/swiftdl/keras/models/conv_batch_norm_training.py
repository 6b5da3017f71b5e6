"""A Conv2D or DepthwiseConv2D, the training BatchNormalization that alone reads its output,
and the ReLU (if any) that alone reads the batch norm's, run under a recording tape so that
the backward pass keeps only the chain's input and output, not the convolution's output.

Run one by one, the tape keeps the convolution's output (the batch norm's input) beside the
batch norm's output: two full activations per chain. In MobileNetV2 the expand and depthwise
convolutions' outputs are the largest tensors of the model, 6× the block's width; kept for
the backward pass they were ~190 of the 431 MB live at batch 64. Here the chain runs with
recording paused and is recorded as one node (`custom_gradient`) whose backward runs the
convolution again under a tape of its own, takes the batch norm's gradients from that output,
the kept output and batch statistics (`_C.nn_fused_batch_norm_gradients`: the relu's mask comes
from the output), then the convolution's. The convolution's output lives only while one
chain's forward or backward runs (gradient checkpointing at the scale of one chain).

That costs the convolution a second forward pass, so it is done only for convolutions that are
cheap to run again next to what they store: at most `RECOMPUTE_LIMIT` multiply-adds per output
value (a depthwise 3×3 is 9, MobileNetV2's 1×1 expansions 16 to 64; a ResNet 3×3 over 32
channels is 288 and keeps running one op at a time). Both passes compute the same values from
the same inputs and weights (the optimizer applies its update after the gradients), so the
gradients are those of the layers run one by one, to rounding.
"""
from __future__ import annotations

import functools
from typing import Any

import swiftdl as _sd
from swiftdl import _C, nn

from ..layers.depthwise_separable import DepthwiseConv2D
from . import conv_batch_norm_fusion

# Multiply-adds per output value up to which a convolution is run again rather than kept.
RECOMPUTE_LIMIT = 64


def recomputes_cheaply(conv: Any) -> bool:
    """Whether running `conv` again costs at most RECOMPUTE_LIMIT multiply-adds per output."""
    height, width, channels = conv.kernel.shape[:3]
    per_output = height * width * (1 if isinstance(conv, DepthwiseConv2D) else channels)
    return per_output <= RECOMPUTE_LIMIT


def convolve_and_normalize_in_training(conv: Any, batch_norm: Any, relu_cap: float | None, x: Any) -> Any:
    """relu(batch_norm(conv(x))) with the batch's statistics, recorded as one node that keeps
    only x and the output (relu_cap as in conv_batch_norm_fusion); the batch norm's moving
    averages are updated as its own call does. None when no tape records, the convolution is
    not cheap to run again, or x does not suit (the layers then run one by one)."""
    if not _C.is_recording() or not recomputes_cheaply(conv) or not conv_batch_norm_fusion.input_suits(conv, x):
        return None
    conv_weights = [w for w in (conv.kernel, conv.bias) if w is not None]
    norm_weights = [w for w in (batch_norm.gamma, batch_norm.beta) if w is not None]
    statistics = []

    def forward(x, *weights):
        output, mean, variance = _run_chain(conv, batch_norm, relu_cap, x)
        statistics.append((mean, variance))

        def gradient(upstream):
            # The tapes recording the model must not see the second pass (and the outer tape
            # may be walking its records right now): pause them, record on a tape of our own.
            _C.pause_recording(True)
            try:
                with _sd.GradientTape() as tape:
                    tape.watch(x)
                    convolved = conv.call(x)
                d_convolved, d_gamma, d_beta = _C.nn_fused_batch_norm_gradients(
                    convolved, output, upstream, batch_norm._axis, mean, variance, batch_norm.gamma,
                    float(batch_norm.epsilon), relu_cap is not None, float(relu_cap or 0.0))
                d_x, *d_conv = tape.gradient(convolved, [x, *conv_weights], output_gradients=d_convolved)
            finally:
                _C.pause_recording(False)
            d_norm = ([d_gamma] if batch_norm.gamma is not None else []) + ([d_beta] if batch_norm.beta is not None else [])
            return [d_x, *d_conv, *d_norm]

        return output, gradient

    output = _sd.custom_gradient(forward)(x, *conv_weights, *norm_weights)
    batch_norm._update_moving_statistics(*statistics[0])
    return output


def _run_chain(conv: Any, batch_norm: Any, relu_cap: float | None, x: Any) -> Any:
    """(output, batch mean, batch variance) of the chain, each layer's own computation."""
    normalize = (nn.fused_batch_norm if relu_cap is None
                 else functools.partial(nn.fused_batch_norm_relu, max_value=relu_cap))
    return normalize(conv.call(x), batch_norm.gamma, batch_norm.beta, epsilon=batch_norm.epsilon,
                     axis=batch_norm._axis)
