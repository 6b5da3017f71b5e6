"""keras.Function: the graph between some KerasTensors, callable on data."""
from ..layers.keras_tensor import flatten, map_structure
from ..models.functional import collect_nodes, keras_layer_order, run_graph


class Function:
    """The computation from `inputs` to `outputs` (KerasTensors), as a callable.

        x = keras.Input((3,))
        f = keras.Function(x, keras.ops.mean(x * 2, axis=-1))
        f(np.ones((2, 3)))    # [2., 2.]

    Unlike a Model it has no weights of its own and no training methods; its layers keep
    theirs.
    """

    def __init__(self, inputs, outputs, name=None):
        self.name = name or "function"
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = flatten(inputs)
        self.outputs = flatten(outputs)
        self._nodes, _ = collect_nodes(inputs, outputs)
        self.operations = keras_layer_order(inputs, outputs)

    def __call__(self, inputs, training=None):
        from ..layers.layer import _as_tensor
        given = flatten(inputs) if isinstance(inputs, (list, tuple, dict)) else [inputs]
        if len(given) != len(self.inputs):
            raise ValueError(f"Function {self.name} expects {len(self.inputs)} input(s); received {len(given)}")
        values = {id(symbolic): _as_tensor(value) for symbolic, value in zip(self.inputs, given)}
        return run_graph(self._nodes, self.inputs, self._outputs_struct, values, training=training)

    def compute_output_spec(self, inputs):
        """The output KerasTensors (their shapes and dtypes do not depend on `inputs`'s
        batch size)."""
        return map_structure(lambda t: t, self._outputs_struct)
