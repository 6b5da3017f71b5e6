"""keras.quantizers: Quantizer, AbsMaxQuantizer and the quantization functions, on
keras.ops (so fake quantization trains min and max through its custom gradient).

The engine has no int8 or float8 dtype: int8 results hold Keras's values in int32 (the
closest engine type); `quantize_and_dequantize` (a float8 round trip), the int4 packing
helpers, the grouped zero-point quantizer and the GPTQ/AWQ/quantization-config classes
are not here yet, nor `Layer.quantize`.
"""
from .. import backend, ops
from ..saving import deserialize_keras_object, serialize_keras_object

# int8 and int4 are held in the engine's int32.
_ENGINE_DTYPES = {"int8": "int32", "int4": "int32", "uint8": "uint8", "int32": "int32"}


class Quantizer:
    """The base of quantizers: `__call__` maps a tensor to its quantized form."""

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(f"{self} does not implement get_config()")


def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=None, to_numpy=False):
    """(round(x · scale) clipped to value_range, scale) with scale = value_range[1] /
    (max |x| over `axis` + epsilon). Returns the quantized values (int8 values in int32)
    and the scale in the input's dtype."""
    epsilon = backend.epsilon() if epsilon is None else epsilon
    inputs = ops.convert_to_tensor(inputs)
    scale = ops.divide(value_range[1], ops.add(ops.max(ops.abs(inputs), axis=axis, keepdims=True), epsilon))
    scale = ops.cast(scale, backend.standardize_dtype(inputs.dtype))
    outputs = ops.clip(ops.round(ops.multiply(inputs, scale)), value_range[0], value_range[1])
    return ops.cast(outputs, _ENGINE_DTYPES.get(dtype, dtype)), scale


class AbsMaxQuantizer(Quantizer):
    """Symmetric quantization by the absolute maximum along an axis (-1 unless given)."""

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=None, output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        self.axis = None if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        self.value_range = value_range
        self.epsilon = backend.epsilon() if epsilon is None else epsilon
        if output_dtype == "int8" and (value_range[0] < -128 or value_range[1] > 127):
            raise ValueError(f"Quantizer with output_dtype='int8' requires value_range to be within the interval "
                             f"[-128, 127]. Received: value_range={value_range}")

    def __call__(self, x, axis=None, to_numpy=False):
        axis = self.axis if axis is None else axis
        return abs_max_quantize(x, -1 if axis is None else axis, self.value_range, self.output_dtype, self.epsilon)

    def get_config(self):
        config = {"value_range": self.value_range, "epsilon": self.epsilon, "output_dtype": self.output_dtype}
        if self.axis is not None:
            config["axis"] = self.axis
        return config


def _nudged_range(min_range, max_range, num_bits, narrow_range):
    """TensorFlow's fake-quant range: min and max moved so that 0 is a representable level."""
    quant_max, quant_min = (1 << num_bits) - 1, 1 if narrow_range else 0
    scale = ops.divide(ops.subtract(max_range, min_range), quant_max - quant_min)
    inverse_scale = ops.divide(quant_max - quant_min, ops.subtract(max_range, min_range))
    zero_point = ops.round(ops.clip(quant_min - ops.divide(min_range, scale), quant_min, quant_max))
    return (ops.multiply(ops.subtract(quant_min, zero_point), scale),
            ops.multiply(ops.subtract(quant_max, zero_point), scale), scale, inverse_scale)


def fake_quant_with_min_max_vars(inputs, min_vals, max_vals, num_bits=8, narrow_range=False, axis=None):
    """Quantizes to num_bits levels over [min, max] (per tensor, or per channel along
    `axis`) and back to floats. The gradient passes through inside the range and goes to
    min_vals / max_vals for inputs clipped at them (TensorFlow's rule)."""
    inputs = ops.convert_to_tensor(inputs)
    if not isinstance(num_bits, int) or not 2 <= num_bits <= 16:
        raise ValueError(f"num_bits must be an int between 2 and 16; received num_bits={num_bits!r}")
    dtype = backend.standardize_dtype(inputs.dtype)
    min_vals, max_vals = ops.convert_to_tensor(min_vals, dtype), ops.convert_to_tensor(max_vals, dtype)
    if axis is not None:
        axis = axis % inputs.ndim
    reduced = [i for i in range(inputs.ndim) if i != axis]

    @ops.custom_gradient
    def quantize(x, low, high):
        nudged_min, nudged_max, scale, inverse_scale = _nudged_range(low, high, num_bits, narrow_range)
        quant_zero = ops.floor(ops.add(ops.multiply(ops.negative(nudged_min), inverse_scale), 0.5))
        shifted = ops.subtract(ops.clip(x, nudged_min, nudged_max), nudged_min)
        result = ops.multiply(ops.floor(ops.add(ops.subtract(ops.multiply(shifted, inverse_scale), quant_zero), 0.5)),
                              scale)
        inside = ops.logical_and(ops.greater_equal(x, nudged_min), ops.less_equal(x, nudged_max))

        def grad(upstream):
            def to_bound(mask, bound):
                total = ops.where(mask, upstream, 0.0)
                total = ops.sum(total, axis=reduced) if axis is not None else ops.sum(total)
                return ops.reshape(total, ops.shape(bound))
            return (ops.where(inside, upstream, 0.0), to_bound(ops.less_equal(x, nudged_min), low),
                    to_bound(ops.greater_equal(x, nudged_max), high))
        return ops.cast(result, dtype), grad

    return quantize(inputs, min_vals, max_vals)


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The next float8 scale from the amax history's maximum (Transformer Engine's rule):
    1 / (dtype_max / amax / 2^margin), keeping `scale` where amax is 0 or not finite."""
    reciprocal = ops.reciprocal(scale)
    factor = ops.divide(ops.divide(dtype_max, amax), 2 ** margin)
    factor = ops.where(ops.greater(amax, 0.0), factor, reciprocal)
    factor = ops.where(ops.isfinite(amax), factor, reciprocal)
    return ops.reciprocal(factor)


def compute_float8_amax_history(x, amax_history):
    """The history rolled by one, with max |x| as its first entry."""
    update = ops.cast(ops.max(ops.abs(x)), backend.standardize_dtype(amax_history.dtype))
    return ops.scatter_update(ops.roll(amax_history, shift=-1), [[0]], ops.reshape(update, [1]))


ALL_OBJECTS = {Quantizer, AbsMaxQuantizer}
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({backend.to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})


def serialize(initializer):
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """A quantizer from its serialized form (Keras's {"class_name", "config", ...})."""
    if isinstance(config, dict) and config.get("class_name") in ALL_OBJECTS_DICT and not custom_objects:
        return ALL_OBJECTS_DICT[config["class_name"]].from_config(config.get("config") or {})
    return deserialize_keras_object(config, custom_objects=custom_objects)


def get(identifier, **kwargs):
    """A quantizer from a name, a config dict, an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        quantizer = ALL_OBJECTS_DICT.get(identifier)
        if quantizer is None:
            raise ValueError(f"Could not interpret quantizer identifier: {identifier}")
        return quantizer(**kwargs) if isinstance(quantizer, type) else quantizer
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret quantizer identifier: {identifier}")


__all__ = ["AbsMaxQuantizer", "Quantizer", "abs_max_quantize", "compute_float8_amax_history", "compute_float8_scale",
           "deserialize", "fake_quant_with_min_max_vars", "get", "serialize"]
