"""keras.Operation: a stateless computation that can be a node of a functional graph."""
import numpy as np

from ..layers.keras_tensor import KerasTensor, Node, flatten, map_structure
from ..layers.layer import Layer, zeros_like_symbolic


class Operation(Layer):
    """A computation without weights. Called on tensors it computes; called on KerasTensors it
    adds a node to the functional graph, its output specs found by running `call` on zeros
    (unknown sizes taken as 1, and once more as 2 to see which output sizes follow them).

    Subclasses implement `call`; they may override `compute_output_spec` to give the output
    KerasTensors without running `call`.
    """

    def __init__(self, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.built = True  # no weights to build

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensors for the outputs of call(*args, **kwargs) on KerasTensor arguments."""
        outputs = self._call_on_zeros(args, kwargs, 1)
        tensors = [t for t in flatten((args, kwargs)) if isinstance(t, KerasTensor)]
        batch_unknown = any(t.shape and t.shape[0] is None for t in tensors)
        unknown_sizes = None
        if any(None in t.shape[1:] for t in tensors):
            # Sizes that follow an unknown input size (x + y over unknown heights and widths)
            # are unknown too: they are the ones that change when the unknowns do.
            try:
                again = flatten(self._call_on_zeros(args, kwargs, 2))
                unknown_sizes = [tuple(a != b for a, b in zip(np.shape(one), np.shape(two)))
                                 if len(np.shape(one)) == len(np.shape(two)) else None
                                 for one, two in zip(flatten(outputs), again)]
            except (ValueError, TypeError, IndexError):
                unknown_sizes = None  # the op needs its unknown sizes to be 1 (broadcasting): keep the first shapes
        leaves = iter(range(len(flatten(outputs))))

        def spec(value):
            shape = tuple(np.shape(value))
            index = next(leaves)
            if unknown_sizes is not None and unknown_sizes[index] is not None:
                shape = tuple(None if changed else size for size, changed in zip(shape, unknown_sizes[index]))
            if batch_unknown and shape:
                shape = (None,) + shape[1:]
            dtype = getattr(value, "dtype", None)
            return KerasTensor(shape, np.dtype(dtype).name if dtype is not None else "float32", name=f"{self.name}_output")
        return map_structure(spec, outputs)

    def _call_on_zeros(self, args, kwargs, unknown_size):
        """`call` on zeros in place of the KerasTensors, their unknown sizes set to `unknown_size`."""
        def zeros(value):
            if isinstance(value, KerasTensor) and unknown_size != 1:
                import swiftdl as _sd
                return _sd.zeros(tuple(unknown_size if s is None else s for s in value.shape), dtype=value.dtype)
            return zeros_like_symbolic(value)
        return self.call(*map_structure(zeros, list(args)), **map_structure(zeros, dict(kwargs)))

    def _symbolic_call(self, args, kwargs):
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, args, kwargs, outputs)
        return outputs

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
