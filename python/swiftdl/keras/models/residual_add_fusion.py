"""A Conv2D → BatchNormalization (→ ReLU) chain and the Add that alone reads its output, run
at inference as one engine op (`_C.conv2d_batch_norm_add`): MobileNetV2's inverted residual
blocks end in a 1×1 projection, its batch norm and an Add of the block's input.

The engine adds the residual while the product's tile is still in registers (or the chunk in
cache), where the Add layer had been a pass of its own over three activations and a plan step
of its own; on one 96×96 MobileNetV2 sample the three Adds had cost ~30 µs of ~650. The
sum is the same one the layers take (the chain's output plus the other input, one rounding),
so the result equals the unfused chain's followed by the Add.

Only the functional inference plan fuses the pair, when the other input is computed before
the chain, has the chain's output shape and dtype (no broadcasting), and is not the chain's
own output.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from swiftdl import _C
from swiftdl.nn._convolution import _padding_argument

from ..layers.convolutional import Conv2D
from ..layers.merging import Add


def residual_adds(nodes: list, readers: dict, keep: set, chains: dict) -> dict:
    """{position of a chain's Conv2D node: the Add node} for each conv → batch norm (→ relu)
    chain whose last output only a two-input Add reads (and is not a model output)."""
    adds = {}
    for position, (norm_node, relu_node, _, trains) in chains.items():
        last = relu_node if relu_node is not None else norm_node
        if trains or type(nodes[position].layer) is not Conv2D or len(last.output_tensors) != 1:
            continue
        output = last.output_tensors[0]
        reading = readers.get(id(output), ())
        if id(output) in keep or len(reading) != 1:
            continue
        add_node = nodes[reading[0]]
        if (type(add_node.layer) is Add and not add_node.call_kwargs and len(add_node.call_args) == 1
                and isinstance(add_node.call_args[0], (list, tuple)) and len(add_node.call_args[0]) == 2
                and len(add_node.output_tensors) == 1
                and sum(tensor is output for tensor in add_node.call_args[0]) == 1):
            adds[position] = add_node
    return adds


def other_input(add_node: Any, chain_output: Any) -> Any:
    """The Add's input that is not the chain's output."""
    first, second = add_node.call_args[0]
    return second if first is chain_output else first


def step(conv: Any, batch_norm: Any, relu_cap: float | None, own: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """`step(x, residual)`: relu?(batch_norm(conv(x))) + residual as one op; the layers' own
    calls (`own`) once LoRA is enabled on the conv (its weight is then W + A·B)."""
    padding, pads = _padding_argument(conv.padding.upper(), "conv2d", 2)
    relu = relu_cap is not None
    cap = float(relu_cap) if relu_cap is not None else float(np.inf)
    strides, dilations = tuple(conv.strides), tuple(conv.dilation_rate)
    op = _C.conv2d_batch_norm_add

    def conv2d_batch_norm_add(x: Any, residual: Any) -> Any:
        if conv.lora_enabled:
            return own(x, residual)
        return op(x, conv.kernel, conv.bias, batch_norm.moving_mean, batch_norm.moving_variance, batch_norm.gamma,
                  batch_norm.beta, batch_norm.epsilon, relu, cap, strides, dilations, padding, pads, residual)
    return conv2d_batch_norm_add
