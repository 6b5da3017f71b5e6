"""EinsumDense: a dense layer whose product is any einsum of the input and a kernel
("ab,bc->ac" is Dense; "abc,cd->abd" a Dense over the last axis of a sequence;
"abc,cde->abde" a projection into heads, as MultiHeadAttention's), with a bias over chosen
output axes."""
import re

import numpy as np

from .. import activations, constraints, initializers, regularizers
from .layer import Layer
from .lora import LoRA, lora_arguments


def analyze_einsum_equation(equation, bias_axes, input_shape, output_shape):
    """Keras's reading of an EinsumDense equation: (kernel shape, bias shape or None, full
    output shape, kernel axes that are inputs, kernel axes that are outputs).

    Equations are "[X],[Y]->[Z]", "...[X],[Y]->...[Z]" (leading axes elided) or
    "[X]...,[Y]->[Z]..." (trailing axes elided); `output_shape` leaves out the batch axis.
    """
    dotted = re.sub(r"\.\.\.", "0", equation)
    forms = (("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", False), ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$", True),
             ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$", False))
    for pattern, left_elided in forms:
        match = re.match(pattern, dotted)
        if match:
            return _shapes(*match.groups(), bias_axes, list(input_shape), output_shape, left_elided)
    raise ValueError(f"Invalid einsum equation '{equation}'. Equations must be in the form [X],[Y]->[Z], "
                     "...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....")


def _shapes(input_spec, weight_spec, output_spec, bias_axes, input_shape, output_shape, left_elided):
    elided = len(input_shape) - len(input_spec)
    full = [output_shape] if isinstance(output_shape, (int, np.integer)) else list(output_shape)
    full.insert(0, input_shape[0])
    if elided > 0 and left_elided:
        for i in range(1, elided):
            full.insert(1, input_shape[i])
    elif elided > 0:
        full.extend(input_shape[len(input_shape) - elided:])
    if left_elided:
        input_axis = {dim: i + elided - len(input_shape) for i, dim in enumerate(input_spec)}
        output_axis = {dim: i + elided for i, dim in enumerate(output_spec)}
    else:
        input_axis = {dim: i for i, dim in enumerate(input_spec)}
        output_axis = {dim: i for i, dim in enumerate(output_spec)}
    for dim in input_spec:
        if dim in output_axis and full[output_axis[dim]] is not None \
                and full[output_axis[dim]] != input_shape[input_axis[dim]]:
            raise ValueError(f"Input shape and output shape do not match at shared dimension '{dim}'. Input shape is "
                             f"{input_shape[input_axis[dim]]}, and output shape is {full[output_axis[dim]]}.")
    for dim in output_spec:
        if dim not in input_spec and dim not in weight_spec:
            raise ValueError(f"Dimension '{dim}' was specified in the output '{output_spec}' but has no corresponding "
                             f"dim in the input spec '{input_spec}' or weight spec '{output_spec}'")
    kernel_shape, input_axes, output_axes = [], [], []
    for i, dim in enumerate(weight_spec):
        if dim in output_axis:
            kernel_shape.append(full[output_axis[dim]])
            output_axes.append(i)
        elif dim in input_axis:
            kernel_shape.append(input_shape[input_axis[dim]])
            input_axes.append(i)
        else:
            raise ValueError(f"Weight dimension '{dim}' did not have a match in either the input spec '{input_spec}' "
                             f"or the output spec '{output_spec}'. For this layer, the weight must be fully specified.")
    bias_shape = None
    if bias_axes is not None:
        for char in bias_axes:
            if char not in output_spec:
                raise ValueError(f"Bias dimension '{char}' was requested, but is not part of the output spec "
                                 f"'{output_spec}'")
        offset = elided if left_elided else 0
        sizes = {char: full[i + offset] for i, char in enumerate(output_spec)}
        first = min(output_spec.find(char) for char in bias_axes)
        bias_shape = [sizes[char] if char in bias_axes else 1 for char in output_spec[first:]]
        if not left_elided:
            bias_shape.extend([1] * elided)
    return kernel_shape, bias_shape, full, input_axes, output_axes


class EinsumDense(LoRA, Layer):
    """activation(einsum(equation, inputs, kernel) + bias).

    Args:
        equation: the einsum of the input and the kernel, e.g. "abc,cd->abd".
        output_shape: the output's shape without the batch axis (an int for one axis);
            None entries take the input's size.
        activation: applied to the result.
        bias_axes: the output axes (letters of the equation's output) that get a bias.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        kernel_constraint, bias_constraint: as for Dense. A variance-scaling kernel
            initializer counts the kernel's input axes as fan-in and its output axes as
            fan-out, as Keras does.
    """

    _casts_inputs_to_float = True

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None, **kwargs):
        quantization_config = kwargs.pop("quantization_config", None)
        if quantization_config is not None:
            raise ValueError(f"EinsumDense: quantized kernels are not supported by swiftdl yet; received "
                             f"quantization_config={quantization_config!r}")
        kwargs.pop("gptq_unpacked_column_size", None)  # a quantized layer's, meaningless without it
        super().__init__(**kwargs)
        lora_arguments(self, lora_rank, lora_alpha)
        self.equation = equation
        self.partial_output_shape = (int(output_shape),) if isinstance(output_shape, (int, np.integer)) else tuple(
            output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        kernel_shape, bias_shape, self.full_output_shape, input_axes, output_axes = analyze_einsum_equation(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape)
        self.kernel = self.add_weight(name="kernel", shape=tuple(kernel_shape),
                                      initializer=self._kernel_initializer(kernel_shape, input_axes, output_axes),
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = None if bias_shape is None else self.add_weight(
            name="bias", shape=tuple(bias_shape), initializer=self.bias_initializer,
            regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    def _kernel_initializer(self, kernel_shape, input_axes, output_axes):
        """A variance-scaling draw with the fans Keras uses for an einsum kernel: drawn as a
        (fan_in, fan_out) matrix, its entries laid out in the kernel's shape (the draws are
        independent, so only the fans matter)."""
        initializer = self.kernel_initializer
        if not isinstance(initializer, initializers.VarianceScaling) or len(kernel_shape) <= 2:
            return initializer
        fan_in = int(np.prod([kernel_shape[i] for i in input_axes]))
        fan_out = int(np.prod([kernel_shape[i] for i in output_axes]))

        def draw(shape, dtype=None):
            values = initializer((fan_in, fan_out), dtype=dtype)
            return np.reshape(np.asarray(values), shape)
        return draw

    def call(self, inputs):
        from .. import ops
        outputs = ops.einsum(self.equation, inputs, self._lora_weight())
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return tuple(analyze_einsum_equation(self.equation, self.bias_axes, input_shape, self.partial_output_shape)[2])

    def get_config(self):
        config = super().get_config()
        config.update({
            "output_shape": self.partial_output_shape, "equation": self.equation,
            "activation": activations.serialize(self.activation), "bias_axes": self.bias_axes,
            **self._weight_settings_config("kernel", "bias"), "quantization_config": None,
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
        })
        return self._lora_config(config)
