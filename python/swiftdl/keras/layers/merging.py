"""Layers that merge a list of inputs: Add, Concatenate (and friends)."""
import swiftdl as _sd

from .layer import Layer


class _Merge(Layer):
    def _check_input_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 1 or not isinstance(input_shape[0], (list, tuple)):
            raise ValueError(f"A merge layer ({self.name}) should be called on a list of inputs. Received: "
                             f"input_shape={input_shape}")

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
            if len(other) != len(shape) or any(a is not None and b is not None and a != b and 1 not in (a, b)
                                               for a, b in zip(shape, other)):
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
            if len(shape) != rank or any(a != b and None not in (a, b)
                                         for i, (a, b) in enumerate(zip(shapes[0], shape)) if i != axis):
                raise ValueError("A `Concatenate` layer requires inputs with matching shapes except for the concatenation "
                                 f"axis. Received: input_shape={[tuple(s) for s in shapes]}")
        size = None if any(s[axis] is None for s in shapes) else sum(s[axis] for s in shapes)
        out = list(shapes[0])
        out[axis] = size
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


class Maximum(_Merge):
    """Elementwise maximum of the inputs."""

    def merge(self, inputs):
        result = inputs[0]
        for value in inputs[1:]:
            result = _sd.maximum(result, value)
        return result

    def compute_output_shape(self, input_shape):
        return Add.compute_output_shape(self, input_shape)


class Minimum(_Merge):
    """Elementwise minimum of the inputs."""

    def merge(self, inputs):
        result = inputs[0]
        for value in inputs[1:]:
            result = _sd.minimum(result, value)
        return result

    def compute_output_shape(self, input_shape):
        return Add.compute_output_shape(self, input_shape)


class Dot(_Merge):
    """Dot product of two samples-wise tensors along `axes` (Keras's batch_dot).

    Args:
        axes: int or (axis_of_first, axis_of_second), counted with the batch axis (1-based
            for the sample axes, so `axes=1` on (batch, d) inputs gives (batch, 1)).
        normalize: L2-normalize both inputs along `axes` first (cosine proximity).
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axes, int):
            axes = (axes, axes)
        if not (isinstance(axes, (list, tuple)) and len(axes) == 2 and all(isinstance(a, int) for a in axes)):
            raise TypeError(f"Invalid type/value for `axes` argument of Dot. Expected an int or a list of 2 ints. "
                            f"Received: axes={axes!r}")
        self.axes = tuple(axes)
        self.normalize = bool(normalize)

    def _resolved_axes(self, shapes):
        if len(shapes) != 2:
            raise ValueError(f"A `Dot` layer should be called on exactly 2 inputs. Received: input_shape={shapes}")
        first, second = shapes
        if len(first) not in (2, 3) or len(second) not in (2, 3) or len(first) != len(second):
            raise ValueError(f"Dot {self.name} supports two inputs of rank 2 or 3 (with the batch axis); received "
                             f"shapes {tuple(first)} and {tuple(second)}")
        axes = [a % len(s) for a, s in zip(self.axes, shapes)]
        if 0 in axes:
            raise ValueError(f"Dot {self.name} cannot contract the batch axis; received axes={self.axes}")
        if first[axes[0]] is not None and second[axes[1]] is not None and first[axes[0]] != second[axes[1]]:
            raise ValueError(f"Incompatible input shapes: axis values {first[axes[0]]} (at axis {axes[0]}) != "
                             f"{second[axes[1]]} (at axis {axes[1]}). Full input shapes: {tuple(first)}, {tuple(second)}")
        return axes

    def _check_input_shape(self, input_shape):
        super()._check_input_shape(input_shape)
        self._resolved_axes(input_shape)

    def merge(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"A `Dot` layer should be called on exactly 2 inputs. Received: {len(inputs)}")
        x, y = inputs
        a, b = self._resolved_axes([tuple(x.shape), tuple(y.shape)])
        if self.normalize:
            from swiftdl import nn
            x, y = nn.l2_normalize(x, axis=a), nn.l2_normalize(y, axis=b)
        if x.ndim == 2:
            out = _sd.matmul(_sd.expand_dims(x, 1), _sd.expand_dims(y, 2))
            return _sd.reshape(out, (x.shape[0], 1))
        x = _sd.moveaxis(x, a, 2)   # (batch, other_x, d)
        y = _sd.moveaxis(y, b, 1)   # (batch, d, other_y)
        return _sd.matmul(x, y)

    def compute_output_shape(self, input_shape):
        a, b = self._resolved_axes(input_shape)
        first, second = input_shape
        if len(first) == 2:
            return (first[0], 1)
        return (first[0], [s for i, s in enumerate(first) if i not in (0, a)][0],
                [s for i, s in enumerate(second) if i not in (0, b)][0])

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config
