"""Model: a Layer that trains. Built from inputs and outputs (functional), by subclassing
(your own `call`), or as a Sequential stack."""
import numpy as np

import swiftdl as _sd

from ..layers.keras_tensor import KerasTensor, flatten, holds_keras_tensor, map_structure
from ..layers.layer import Layer, _as_tensor
from ..trainers.trainer import Trainer
from .functional import collect_nodes, keras_layer_order, run_graph
from . import inference_plan


class Model(Trainer, Layer):
    """A trainable graph of layers.

    `Model(inputs, outputs)` builds a functional model from `keras.Input` tensors;
    subclasses define layers in `__init__` and the computation in `call`.
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _functional_arguments(args, kwargs):
            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        if _functional_arguments(args, kwargs) and not isinstance(self, Functional):
            # A subclass of Model built from inputs and outputs (`CustomModel(inputs, outputs)`
            # with its own train_step): as Keras does, it becomes a subclass of Functional.
            _inject_functional_base(type(self))
        if isinstance(self, Functional) and _functional_arguments(args, kwargs):
            Functional.__init__(self, *args, **kwargs)
            return
        if args:
            raise TypeError(f"{type(self).__name__}: Model() takes inputs and outputs (a functional model) or keyword "
                            f"arguments only; received {len(args)} positional arguments")
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype, **kwargs)
        Trainer.__init__(self)

    @property
    def layers(self):
        return list(self.__dict__.get("_layers", []))

    # A functional or built Sequential model knows its KerasTensors: `model.input`,
    # `model.output` and their shapes, as Keras gives them (the structure given at
    # construction; one tensor for a single input or output).
    @property
    def input(self):
        return self._own_tensors("inputs", "_inputs_struct", lambda: Layer.input.fget(self))

    @property
    def output(self):
        return self._own_tensors("outputs", "_outputs_struct", lambda: Layer.output.fget(self))

    @property
    def input_shape(self):
        return map_structure(lambda t: t.shape, self.input)

    def _own_tensors(self, flat_name, structure_name, otherwise):
        flat = self.__dict__.get(flat_name)
        if not flat:
            return otherwise()
        structure = self.__dict__.get(structure_name)
        if structure is not None:
            return structure
        return flat[0] if len(flat) == 1 else list(flat)

    def get_layer(self, name=None, index=None):
        """The layer called `name`, or at position `index` in `layers`."""
        if index is not None and name is not None:
            raise ValueError("Provide only a layer name or a layer index. Received: both")
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has {len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Prints Keras's summary table: each layer, its output shape and parameter count."""
        from ..utils.summary import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    def _repr_html_(self):
        from ..utils.summary import summary_html
        return summary_html(self)

    # Sequential and Functional set this: their inference calls may run a plan.
    _plans_inference = False

    def __call__(self, *args, **kwargs):
        if args and not holds_keras_tensor(args[0]):
            kwargs.setdefault("training", False)
            if self._plans_inference:
                outputs = inference_plan.run(self, args, kwargs)
                if outputs is inference_plan.NOT_PLANNED:
                    outputs = super().__call__(*args, **kwargs)
                    inference_plan.note_normal_call(self, args, kwargs)
                return outputs
        return super().__call__(*args, **kwargs)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if cls is Model or cls is Functional:
            return Functional.from_config(config, custom_objects)
        return cls(**config)

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Configures training (see Trainer.compile) and remembers the arguments, so
        `save()` can write Keras's compile_config."""
        Trainer.compile(self, optimizer=optimizer, loss=loss, loss_weights=loss_weights, metrics=metrics,
                        weighted_metrics=weighted_metrics, run_eagerly=run_eagerly,
                        steps_per_execution=steps_per_execution, jit_compile=jit_compile,
                        auto_scale_loss=auto_scale_loss)
        self._compile_arguments = {"loss": loss, "loss_weights": loss_weights, "metrics": metrics,
                                   "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly,
                                   "steps_per_execution": steps_per_execution}

    def compile_from_config(self, config):
        """Compiles with a `get_compile_config()` dict (a new optimizer from its config)."""
        from ..saving.serialization import deserialize_compile_config
        self.compile(**deserialize_compile_config(config))

    def get_compile_config(self):
        """Keras's compile_config: the optimizer (as it is now), loss and metrics."""
        if not getattr(self, "compiled", False):
            return None
        from swiftdl import optimizers
        from ..saving.serialization import serialize_loss, serialize_metric
        arguments = getattr(self, "_compile_arguments", {})
        return {"optimizer": optimizers.serialize(self.optimizer), "loss": serialize_loss(arguments.get("loss")),
                "loss_weights": arguments.get("loss_weights"), "metrics": serialize_metric(arguments.get("metrics")),
                "weighted_metrics": serialize_metric(arguments.get("weighted_metrics")),
                "run_eagerly": bool(arguments.get("run_eagerly", False)),
                "steps_per_execution": arguments.get("steps_per_execution", 1), "jit_compile": False}

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the whole model (config, weights, optimizer state) as a Keras 3 `.keras` file."""
        from ..saving.saving_lib import save_model
        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def to_json(self, **kwargs):
        """The model's architecture as a JSON string (`keras.models.model_from_json` rebuilds
        it with fresh weights); `kwargs` go to `json.dumps`."""
        from .cloning import model_to_json
        return model_to_json(self, **kwargs)

    def export(self, filepath, format="onnx", verbose=None, input_signature=None, **kwargs):
        """Exports the model for inference; `format="onnx"` (optionally `opset_version=`) is supported."""
        from ..export import export_model
        export_model(self, filepath, format=format, verbose=verbose, input_signature=input_signature, **kwargs)

    def save_weights(self, filepath, overwrite=True):
        from ..saving.weights import save_weights
        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, by_name=False):
        from ..saving.weights import load_weights
        load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name)


def _functional_arguments(args, kwargs):
    """Whether Model(...) was given inputs and outputs, positionally or by name."""
    return len(args) >= 2 or "inputs" in kwargs and "outputs" in kwargs or len(args) == 1 and "outputs" in kwargs


def _inject_functional_base(cls):
    """Puts Functional in place of Model among `cls`'s ancestors (Keras's
    inject_functional_model_class), so the subclass's own methods sit on a functional model."""
    if cls is Model:
        return Functional
    if cls is object or issubclass(cls, Functional):
        return cls
    cls.__bases__ = tuple(_inject_functional_base(base) for base in cls.__bases__)
    return cls


class Functional(Model):
    """A model defined by symbolic inputs and outputs (`keras.Model(inputs, outputs)`)."""

    _plans_inference = True  # see inference_plan.py

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        Model.__init__(self, name=name or _functional_name(), trainable=trainable)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = flatten(inputs)
        self.outputs = flatten(outputs)
        for tensor in self.inputs:
            if not isinstance(tensor, KerasTensor):
                raise ValueError(f"All model inputs must be keras.Input tensors; received {tensor!r}")
        self._nodes, _ = collect_nodes(inputs, outputs)
        # Keras lists every node's operation in `operations` and only the layers in `layers`
        # (an `x + y` node has no weights and no place in a weights file).
        from ..symbolic.operation import Operation
        self._operations = []
        for layer in keras_layer_order(inputs, outputs):
            if all(layer is not l for l in self._operations):
                self._operations.append(layer)
            if not isinstance(layer, Operation) and all(layer is not l for l in self._layers):
                self._layers.append(layer)
        self.built = True

    @property
    def operations(self):
        """The graph's layers and its stateless operations (x + y, ops.mean ...), in order."""
        return list(self._operations)

    def call(self, inputs, training=None, mask=None):
        if isinstance(inputs, dict) and not isinstance(self._inputs_struct, dict):
            inputs = self._inputs_by_name(inputs)
        given = flatten(inputs) if isinstance(inputs, (list, tuple, dict)) else [inputs]
        if len(given) != len(self.inputs):
            raise ValueError(f"Model {self.name} expects {len(self.inputs)} input(s), but it received {len(given)} input "
                             "tensors.")
        values = {}
        for symbolic, value in zip(self.inputs, given):
            tensor = _adjust_input_rank(symbolic, _as_tensor(value))
            _check_input_against(symbolic, tensor, self.name)
            values[id(symbolic)] = tensor
        return run_graph(self._nodes, self.inputs, self._outputs_struct, values, training=training)

    def _inputs_by_name(self, inputs):
        """A dict of data keyed by the model's input names, in the order of its inputs (Keras
        matches dict data to `keras.Input(name=...)`)."""
        names = [tensor.name for tensor in self.inputs]
        missing = [name for name in names if name not in inputs]
        if missing:
            raise ValueError(f"Missing data for input \"{missing[0]}\". You passed a data dictionary with keys "
                             f"{sorted(inputs)}. Expected the following keys: {names}")
        return [inputs[name] for name in names]

    def compute_output_shape(self, input_shape):
        return map_structure(lambda t: t.shape, self._outputs_struct)

    def get_config(self):
        from ..saving.serialization import functional_config
        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving.serialization import functional_from_config
        return functional_from_config(config, custom_objects)


def _adjust_input_rank(symbolic, tensor):
    """Data one axis short of an input whose last axis is 1 gains that axis (a batch of
    strings for `keras.Input(shape=(1,), dtype="string")`), and data with an extra last
    axis of 1 loses it, as Keras's functional models adjust their inputs."""
    if tensor is None or not hasattr(tensor, "shape"):
        return tensor
    expected, rank = symbolic.shape, len(tensor.shape)
    if rank == len(expected) - 1 and expected and expected[-1] == 1:
        return np.expand_dims(tensor, -1) if isinstance(tensor, np.ndarray) else _sd.expand_dims(tensor, -1)
    if rank == len(expected) + 1 and tensor.shape[-1] == 1:
        return np.squeeze(tensor, -1) if isinstance(tensor, np.ndarray) else _sd.squeeze(tensor, -1)
    return tensor


def _check_input_against(symbolic, tensor, model_name):
    expected = symbolic.shape
    actual = tuple(tensor.shape)
    if len(expected) != len(actual) or any(e is not None and e != a for e, a in zip(expected, actual)):
        raise ValueError(f"Input 0 of model \"{model_name}\" is incompatible: expected shape={expected}, "
                         f"found shape={actual}")


def _functional_name():
    from ..backend import unique_name
    return unique_name("functional")
