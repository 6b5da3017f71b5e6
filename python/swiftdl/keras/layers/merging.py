"""Layers that merge a list of inputs: Add, Concatenate (and friends)."""
import swiftdl as _sd

from .layer import Layer


class _Merge(Layer):
    def _check_input_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 1 or not isinstance(input_shape[0], (list, tuple)):
            raise ValueError(f"A merge layer ({self.name}) should be called on a list of inputs. Received: input_shape={input_shape}")

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 1:
            raise ValueError(f"A merge layer ({self.name}) should be called on a list of at least 1 input.")
        return self.merge(list(inputs))


class Add(_Merge):
    """Elementwise sum of same-shaped (or broadcastable) inputs."""

    def merge(self, inputs):
        total = inputs[0]
        for value in inputs[1:]:
            total = total + value
        return total

    def compute_output_shape(self, input_shape):
        shape = list(input_shape[0])
        for other in input_shape[1:]:
            if len(other) != len(shape) or any(a is not None and b is not None and a != b and 1 not in (a, b) for a, b in zip(shape, other)):
                raise ValueError(f"Inputs have incompatible shapes. Received shapes {tuple(input_shape[0])} and {tuple(other)}")
            shape = [a if b in (None, 1) else b for a, b in zip(shape, other)]
        return tuple(shape)


class Subtract(_Merge):
    def merge(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. Received: {len(inputs)}")
        return inputs[0] - inputs[1]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])


class Multiply(_Merge):
    def merge(self, inputs):
        total = inputs[0]
        for value in inputs[1:]:
            total = total * value
        return total

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])


class Average(Add):
    def merge(self, inputs):
        return super().merge(inputs) / float(len(inputs))


class Concatenate(_Merge):
    """Joins inputs along `axis` (default the last)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def merge(self, inputs):
        return _sd.concatenate(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        shapes = [list(s) for s in input_shape]
        rank = len(shapes[0])
        axis = self.axis % rank
        for shape in shapes[1:]:
            if len(shape) != rank or any(a != b and None not in (a, b) for i, (a, b) in enumerate(zip(shapes[0], shape)) if i != axis):
                raise ValueError(f"A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape={[tuple(s) for s in shapes]}")
        size = None if any(s[axis] is None for s in shapes) else sum(s[axis] for s in shapes)
        out = list(shapes[0])
        out[axis] = size
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
