"""Sequential: a plain stack of layers, each with one input and one output."""
from __future__ import annotations

from typing import Any, Sequence

import swiftdl as _sd

from ..layers.convolutional import Conv2D
from ..layers.embedding import Embedding
from ..layers.input_layer import Input, InputLayer
from ..layers.keras_tensor import KerasTensor
from ..layers.layer import Layer, _as_tensor
from ..layers.normalization import fusable_relu_cap
from ..layers.pooling import AveragePooling2D, MaxPooling2D
from . import conv_batch_norm_fusion, conv_batch_norm_training, token_convolution
from .model import Functional, Model


class Sequential(Model):
    """A linear stack of layers.

    Args:
        layers: optional list of layers (a first `keras.Input` or `input_shape=` argument
            gives the input shape; otherwise the model builds on its first call).
        name: model name ("sequential", made unique).
    """

    _layers: list[Layer]  # the base Layer keeps its sublayers here
    _plans_inference = True  # see inference_plan.py

    def __init__(self, layers: Sequence[Layer] | None = None, trainable: bool = True, name: str | None = None) -> None:
        Model.__init__(self, trainable=trainable, name=name)
        self._stack: list[Layer] = []
        self._graph = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Appends a layer (or a `keras.Input`) to the stack."""
        if isinstance(layer, KerasTensor):
            history = layer._keras_history
            layer = history[0] if history else None
        if not isinstance(layer, Layer):
            raise ValueError(f"Only instances of `keras.Layer` can be added to a Sequential model. Received: {layer!r}")
        if isinstance(layer, InputLayer) and any(isinstance(l, InputLayer) for l in self._stack):
            raise ValueError("Sequential model already has an input layer; only one is allowed, as the first layer")
        if any(layer.name == existing.name for existing in self._stack):
            raise ValueError(f"All layers added to a Sequential model should have unique names. Name '{layer.name}' is already "
                             "the name of a layer in this model.")
        self._stack.append(layer)
        if not isinstance(layer, InputLayer):
            self._layers.append(layer)
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild: bool = True) -> Layer:
        layer = self._stack.pop()
        self._layers = [l for l in self._layers if l is not layer]
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _input_batch_shape(self):
        if not self._stack:
            return None
        first = self._stack[0]
        if isinstance(first, InputLayer):
            return first.batch_shape
        return first._batch_input_shape

    def _maybe_rebuild(self):
        self.built = False
        self._graph = None
        shape = self._input_batch_shape()
        if shape is not None and len(self.layers) > 0:
            self.build(shape)

    def build(self, input_shape=None):
        """Runs the layers symbolically on `input_shape` (batch axis included)."""
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        first = self._stack[0]
        inputs = first._input_tensor if isinstance(first, InputLayer) else Input(batch_shape=tuple(input_shape))
        x = inputs
        for layer in self.layers:
            x = layer(x)
        self._graph = Functional(inputs, x, name=self.name + "_graph")
        self.inputs, self.outputs = [inputs], [x]
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if not self.built:
            self.build((None,) + tuple(_as_tensor(inputs).shape[1:]))
        x = inputs
        layers = self.layers
        index = 0
        while index < len(layers):
            layer = layers[index]
            index += 1
            chain = token_convolution.sequential_chain(layers, index - 1) \
                if type(layer) is Embedding and mask is None and not training else None
            if chain is not None:  # Embedding → (Dropout →) Conv1D from a table of each token's taps
                y = token_convolution.table_of(layer, chain[-1]).convolve(_as_tensor(x))
                if y is not None:
                    x = y
                    index += len(chain) - 1
                    continue
            if mask is None and index < len(layers):
                fused = _convolve_and_normalize(layers, index - 1, x, training)
                if fused is not None:  # a Conv2D, its BatchNormalization (and ReLU) as one op
                    x, used = fused
                    index += used - 1
                    continue
            if mask is None and index < len(layers) and _fusable_with_next(layer, layers[index], x):
                pooled = layer.convolve_and_pool(x, layers[index])
                if pooled is not None:
                    x = pooled
                    index += 1
                    continue
            if mask is None and index < len(layers) and isinstance(x, _sd.Tensor) \
                    and getattr(x, "_keras_mask", None) is None:
                cap = fusable_relu_cap(layer, layers[index])
                if cap is not None:  # a BatchNormalization and the ReLU after it, as one op
                    x = layer(x, training=training, _then_relu=cap)
                    index += 1
                    continue
            kwargs = {}
            if layer._call_accepts("training"):
                kwargs["training"] = training
            if mask is not None and layer._call_accepts("mask"):
                kwargs["mask"] = mask
            next_x = layer(x, **kwargs)
            mask = layer.compute_mask(x, mask)
            x = next_x
        return x

    def _maybe_build(self, input_shape):
        if not self.built:
            self.build((None,) + tuple(input_shape[1:]))

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self):
        from ..saving.serialization import serialize_layer
        layers = []
        if isinstance(self._stack[0] if self._stack else None, InputLayer) or self._input_batch_shape():
            shape = self._input_batch_shape()
            layers.append({"module": "keras.layers", "class_name": "InputLayer",
                           "config": {"batch_shape": shape, "dtype": "float32", "sparse": False, "name": "input_layer"},
                           "registered_name": None})
        layers.extend(serialize_layer(layer) for layer in self.layers)
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving.serialization import deserialize_layer
        model = cls(name=config.get("name"))
        for layer_config in config["layers"]:
            model.add(deserialize_layer(layer_config, custom_objects), rebuild=False)
        model._maybe_rebuild()
        return model


def _convolve_and_normalize(layers, index, x, training):
    """(output, layers used) when layers[index] is a Conv2D or DepthwiseConv2D that runs with
    the batch norm after it, and the ReLU after that if there is one, as one op at inference
    (see conv_batch_norm_fusion) or as one recorded node in training under a tape (see
    conv_batch_norm_training), else None."""
    conv, batch_norm = layers[index], layers[index + 1]
    if not conv_batch_norm_fusion.fusable(conv, batch_norm):
        return None
    following = layers[index + 2] if index + 2 < len(layers) else None
    cap = fusable_relu_cap(batch_norm, following) if following is not None else None
    if conv_batch_norm_fusion.uses_moving_statistics(batch_norm, training):
        output = conv_batch_norm_fusion.convolve_and_normalize(conv, batch_norm, cap, x)
    else:
        output = conv_batch_norm_training.convolve_and_normalize_in_training(conv, batch_norm, cap, x)
    return None if output is None else (output, 2 if cap is None else 3)


def _fusable_with_next(layer, following, x):
    """A Conv2D (exactly: subclasses may change call) directly followed by a 2-D pooling
    layer, on an engine tensor: Sequential then runs the pair as one native op (see
    Conv2D.convolve_and_pool), since nothing outside the model can see the output between
    them."""
    return type(layer) is Conv2D and type(following) in (MaxPooling2D, AveragePooling2D) and isinstance(x, _sd.Tensor)
