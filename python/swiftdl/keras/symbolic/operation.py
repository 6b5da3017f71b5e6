"""keras.Operation: a stateless computation that can be a node of a functional graph."""
import numpy as np

from ..layers.keras_tensor import KerasTensor, Node, flatten, map_structure
from ..layers.layer import Layer, zeros_like_symbolic


class Operation(Layer):
    """A computation without weights. Called on tensors it computes; called on KerasTensors it
    adds a node to the functional graph, its output specs found by running `call` on zeros
    (unknown sizes taken as 1).

    Subclasses implement `call`; they may override `compute_output_spec` to give the output
    KerasTensors without running `call`.
    """

    def __init__(self, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.built = True  # no weights to build

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensors for the outputs of call(*args, **kwargs) on KerasTensor arguments."""
        outputs = self.call(*map_structure(zeros_like_symbolic, list(args)),
                            **map_structure(zeros_like_symbolic, dict(kwargs)))
        batch_unknown = any(t.shape and t.shape[0] is None for t in flatten((args, kwargs)) if isinstance(t, KerasTensor))

        def spec(value):
            shape = tuple(np.shape(value))
            if batch_unknown and shape:
                shape = (None,) + shape[1:]
            dtype = getattr(value, "dtype", None)
            return KerasTensor(shape, np.dtype(dtype).name if dtype is not None else "float32", name=f"{self.name}_output")
        return map_structure(spec, outputs)

    def _symbolic_call(self, args, kwargs):
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, args, kwargs, outputs)
        return outputs

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
