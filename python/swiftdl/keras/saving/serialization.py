"""Layer and model configs in Keras 3's format: {"module", "class_name", "config", ...}."""
from ..layers.keras_tensor import KerasTensor, flatten, map_structure


def serialize_layer(layer):
    config = layer.get_config()
    entry = {"module": "keras.layers", "class_name": type(layer).__name__, "config": config, "registered_name": None}
    if layer.built and getattr(layer, "_inbound_nodes", None):
        node = layer._inbound_nodes[0]
        shapes = [t.shape for t in node.input_tensors]
        if shapes:
            entry["build_config"] = {"input_shape": shapes[0] if len(shapes) == 1 else shapes}
    return entry


def _registry():
    from .. import layers
    from ..models import Functional, Sequential
    table = {name: getattr(layers, name) for name in dir(layers) if isinstance(getattr(layers, name), type)}
    table.update({"Sequential": Sequential, "Functional": Functional, "Model": Functional})
    return table


def deserialize_layer(entry, custom_objects=None):
    """A layer from its serialized entry; custom classes come from `custom_objects`."""
    table = _registry()
    table.update(custom_objects or {})
    name = entry.get("class_name")
    cls = table.get(name)
    if cls is None:
        raise ValueError(f"Could not locate class '{name}'. Make sure custom classes are passed in `custom_objects`.")
    config = dict(entry.get("config", {}))
    layer = cls.from_config(config) if hasattr(cls, "from_config") else cls(**config)
    return layer


def functional_config(model):
    """Keras's functional config: layers with their inbound connections, inputs and outputs."""
    def reference(tensor):
        layer, node_index, tensor_index = tensor._keras_history
        return [layer.name, node_index, tensor_index]

    layers = []
    for layer in model.layers:
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        inbound = []
        for node in layer._inbound_nodes:
            if node.input_tensors:
                args = map_structure(lambda t: {"class_name": "__keras_tensor__", "config": {"keras_history": reference(t)}}
                                     if isinstance(t, KerasTensor) else t, list(node.call_args))
                inbound.append({"args": args, "kwargs": {}})
        entry["inbound_nodes"] = inbound
        layers.append(entry)
    return {
        "name": model.name, "trainable": model.trainable, "layers": layers,
        "input_layers": [reference(t) for t in model.inputs] if len(model.inputs) > 1 else reference(model.inputs[0]),
        "output_layers": [reference(t) for t in model.outputs] if len(model.outputs) > 1 else reference(model.outputs[0]),
    }


def functional_from_config(config, custom_objects=None):
    from ..models.model import Functional
    created = {}
    outputs_of = {}
    pending = list(config["layers"])
    for entry in pending:
        created[entry["name"]] = deserialize_layer(entry, custom_objects)

    def tensor_for(history):
        name, node_index, tensor_index = history
        return outputs_of[(name, node_index)][tensor_index]

    def resolve(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            return tensor_for(value["config"]["keras_history"])
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    from ..layers.input_layer import InputLayer
    remaining = [(entry, index) for entry in config["layers"] for index in range(max(len(entry.get("inbound_nodes", [])), 1))]
    progress = True
    while remaining and progress:
        progress = False
        for item in list(remaining):
            entry, node_index = item
            layer = created[entry["name"]]
            if isinstance(layer, InputLayer):
                outputs_of[(entry["name"], 0)] = [layer._input_tensor]
                remaining.remove(item)
                progress = True
                continue
            node = entry["inbound_nodes"][node_index]
            try:
                args = resolve(node["args"])
            except KeyError:
                continue
            output = layer(*args)
            outputs_of[(entry["name"], node_index)] = flatten(output)
            remaining.remove(item)
            progress = True
    if remaining:
        raise ValueError(f"Could not rebuild the functional model: unresolved layers {[e['name'] for e, _ in remaining]}")

    def pick(spec):
        if spec and isinstance(spec[0], list):
            return [tensor_for(s) for s in spec]
        return tensor_for(spec)

    return Functional(pick(config["input_layers"]), pick(config["output_layers"]), name=config.get("name"))
