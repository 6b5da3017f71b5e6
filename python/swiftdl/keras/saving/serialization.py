"""Layer and model configs in Keras 3's format: {"module", "class_name", "config", ...}."""
from ..layers.keras_tensor import KerasTensor, flatten


def serialize_layer(layer):
    config = layer.get_config()
    from ..symbolic.table_operations import TableOperation
    if isinstance(layer, TableOperation):  # x + y, ops.mean(...): Keras's operation entry
        name = type(layer).__name__
        return {"module": layer._keras_module, "class_name": name, "config": config, "registered_name": name}
    from .object_registration import GLOBAL_CUSTOM_NAMES
    # A class Keras exports under another name (GroupedQueryAttention as GroupQueryAttention)
    # says so itself; its subclasses keep their own names.
    class_name = type(layer).__dict__.get("_keras_class_name", type(layer).__name__)
    entry = {"module": "keras.layers", "class_name": class_name, "config": config,
             "registered_name": GLOBAL_CUSTOM_NAMES.get(type(layer))}
    module = type(layer).__dict__.get("_keras_export_module")
    if module:  # a Keras class outside keras.layers; Keras registers the ones it does not export by class name
        entry.update(module=module, registered_name=class_name if module.startswith("keras.src.") else None)
    from ..layers.layer import Layer
    if type(layer).get_build_config is not Layer.get_build_config and layer.built:
        build_config = layer.get_build_config()
        if build_config:
            entry["build_config"] = build_config
    elif layer.built and getattr(layer, "_inbound_nodes", None):
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
    from ..utils.feature_space import FeatureSpace
    from ..utils.feature_space_parts import TFDConcat, TFDIdentity
    # FeatureSpace (keras.utils) and the layers it puts in the models built from it.
    table.update({"FeatureSpace": FeatureSpace, "TFDConcat": TFDConcat, "TFDIdentity": TFDIdentity})
    return table


def deserialize_layer(entry, custom_objects=None):
    """A layer from its serialized entry; custom classes come from `custom_objects`.

    Entries written by Keras 3 are accepted: dtype policies become dtype names, and
    arguments swiftdl does not take are dropped when they hold Keras's inert default
    (None, False, a seed) and refused otherwise, naming the layer and the argument.
    """
    if not isinstance(entry, dict) or not isinstance(entry.get("class_name"), str):
        raise ValueError(f"A layer entry must be a dict with a 'class_name'; received {str(entry)[:200]}")
    name = entry.get("class_name")
    if str(entry.get("module", "")).startswith("keras.src.ops."):
        from ..symbolic.op_table import OPERATIONS
        from ..symbolic.table_operations import operation_class
        if name not in OPERATIONS:
            raise ValueError(f"Could not locate operation '{name}' of module '{entry.get('module')}'")
        config = entry.get("config") or {}
        if not isinstance(config, dict):
            raise ValueError(f"The config of operation '{name}' must be a dict; received {str(config)[:200]}")
        try:
            return operation_class(name).from_config(config)
        except TypeError as error:
            raise ValueError(f"Could not build operation '{config.get('name', name)}' ({name}): {error}") from None
    table = _registry()
    table.update(custom_objects or {})
    cls = table.get(name)
    if cls is None:
        raise ValueError(f"Could not locate class '{name}'. Make sure custom classes are passed in `custom_objects`.")
    config = entry.get("config", {})
    if not isinstance(config, dict):
        raise ValueError(f"The config of layer class '{name}' must be a dict; received {str(config)[:200]}")
    config = clean_layer_config(cls, config)
    config = _resolve_constraints(config, custom_objects)
    try:
        if _takes_custom_objects(cls):
            return cls.from_config(config, custom_objects=custom_objects)
        return cls.from_config(config) if hasattr(cls, "from_config") else cls(**config)
    except TypeError as error:
        raise ValueError(f"Could not build layer '{config.get('name', name)}' ({name}) from its config: {error}") from None


def _resolve_constraints(config, custom_objects):
    """`*_constraint` entries become constraints here, where `custom_objects` is known (a layer's
    constructor would find only the built-in ones)."""
    from .. import constraints
    return {key: constraints.deserialize(value, custom_objects) if key.endswith("_constraint") and isinstance(value, dict)
            else value for key, value in config.items()}


def _takes_custom_objects(cls):
    import inspect
    try:
        return "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError, AttributeError):
        return False


def _model_classes():
    from ..models.model import Model
    return (Model,)


# Keras arguments swiftdl's layers do not take, and the values that make them inert.
_INERT_ANY = {"seed", "zero_output_for_mask", "renorm_momentum", "implementation", "build_input_shape",
              "input_length", "autocast"}


def _strip_shared(value):
    if isinstance(value, dict):
        cleaned = {k: _strip_shared(v) for k, v in value.items() if k != "shared_object_id"}
        if cleaned.get("module") == "keras.initializers" and isinstance(cleaned.get("config"), dict):
            cleaned["config"] = {k: v for k, v in cleaned["config"].items()
                                 if not (k in ("input_axes", "output_axes") and v is None)}
        return cleaned
    if isinstance(value, list):
        return [_strip_shared(v) for v in value]
    return value


def _accepted_arguments(cls):
    """The keyword arguments `cls(...)` takes: every __init__ up the layer hierarchy."""
    import inspect
    from ..layers.layer import Layer
    accepted = {"input_shape", "batch_input_shape", "input_dim", "batch_size", "autocast"}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            parameters = inspect.signature(init).parameters
        except (TypeError, ValueError):
            return None
        accepted.update(name for name, p in parameters.items()
                        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and name != "self")
        if klass is Layer:
            return accepted
        if not any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
            return accepted
    return None


def clean_layer_config(cls, config):
    config = _strip_shared(dict(config))
    dtype = config.get("dtype")
    if isinstance(dtype, dict):
        config["dtype"] = (dtype.get("config") or {}).get("name", "float32")
    from ..layers.layer import Layer
    if not (isinstance(cls, type) and issubclass(cls, Layer)) or issubclass(cls, _model_classes()):
        return config
    accepted = _accepted_arguments(cls)
    if accepted is None:
        return config
    for key in [k for k in config if k not in accepted]:
        value = config.pop(key)
        if key in _INERT_ANY or value is None or value is False:
            continue
        raise ValueError(f"Layer '{config.get('name', cls.__name__)}' ({cls.__name__}): swiftdl does not support "
                         f"the argument {key}={value!r} found in its config")
    return config


# Config keys swiftdl writes that Keras's class of the same name does not take.
_NOT_IN_KERAS = {"SimpleRNN": ("recurrent_activation",)}


def to_keras_config(value):
    """A config as Keras 3 reads it: layer entries lose swiftdl's `batch_input_shape`
    (Keras keeps the input shape in an InputLayer entry and the build_config)."""
    if isinstance(value, dict):
        cleaned = {k: to_keras_config(v) for k, v in value.items()}
        if isinstance(cleaned.get("config"), dict) and cleaned.get("module") == "keras.layers":
            cleaned["config"].pop("batch_input_shape", None)
            for key in _NOT_IN_KERAS.get(cleaned.get("class_name"), ()):
                cleaned["config"].pop(key, None)
        return cleaned
    if isinstance(value, (list, tuple)):
        return [to_keras_config(v) for v in value]
    return value


def serialize_model(model):
    """The model's entry in config.json: class, config, build_config, compile_config."""
    from ..models.model import Functional
    from ..models.sequential import Sequential
    config = to_keras_config(model.get_config())
    if isinstance(model, Sequential):
        shape = model._input_batch_shape()
        if shape is None and model.built and getattr(model, "inputs", None):
            shape = tuple(model.inputs[0].shape)  # built by its first call
        if shape is not None:
            config["build_input_shape"] = list(shape)
        entry = {"module": "keras", "class_name": "Sequential", "config": config, "registered_name": None,
                 "build_config": {"input_shape": list(shape) if shape is not None else None}}
    elif isinstance(model, Functional):
        entry = {"module": "keras.src.models.functional", "class_name": "Functional", "config": config,
                 "registered_name": "Functional", "build_config": {"input_shape": None}}
    elif getattr(type(model), "_keras_export_module", None):  # a Keras class saved on its own (FeatureSpace)
        return {"module": type(model)._keras_export_module, "class_name": type(model).__name__, "config": config,
                "registered_name": None, "build_config": model.get_build_config()}
    else:
        name = type(model).__name__
        entry = {"module": type(model).__module__, "class_name": name, "config": config,
                 "registered_name": name, "build_config": model.get_build_config()}
    entry["compile_config"] = model.get_compile_config() if getattr(model, "compiled", False) else None
    return entry


def from_keras_config(entry, custom_objects=None):
    """A model from its config.json entry, built (with fresh weights) and not compiled."""
    model = deserialize_layer(entry, custom_objects)
    from ..models.model import Model
    if not isinstance(model, Model) and not getattr(type(model), "_keras_export_module", None):
        raise ValueError(f"config.json describes a {entry.get('class_name')}, not a model")
    build_config = entry.get("build_config") or {}
    shape = build_config.get("input_shape") if isinstance(build_config, dict) else None
    from ..layers.layer import Layer
    if not model.built and isinstance(build_config, dict) and type(model).build_from_config is not Layer.build_from_config:
        model.build_from_config(build_config)  # the model's own way to rebuild
    if not model.built and shape:
        if type(model).build is Layer.build and all(isinstance(s, int) or s is None for s in shape):
            # A subclassed model without its own build() makes its weights on its first call.
            import numpy as np
            model(np.zeros(tuple(1 if s is None else s for s in shape), dtype="float32"))
        else:
            model.build(tuple(shape))
    return model


def serialize_loss(loss):
    from .. import losses
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, (list, tuple)):
        return [serialize_loss(l) for l in loss]
    if isinstance(loss, dict) and "class_name" not in loss:
        return {k: serialize_loss(v) for k, v in loss.items()}
    if isinstance(loss, losses.Loss):
        return {"module": "keras.losses", "class_name": type(loss).__name__, "config": loss.get_config(),
                "registered_name": None}
    return getattr(loss, "__name__", str(loss))


def serialize_metric(metric):
    from .. import metrics
    if metric is None or isinstance(metric, str):
        return metric
    if isinstance(metric, (list, tuple)):
        return [serialize_metric(m) for m in metric]
    if isinstance(metric, dict):
        return {k: serialize_metric(v) for k, v in metric.items()}
    if isinstance(metric, metrics.Metric):
        return {"module": "keras.metrics", "class_name": type(metric).__name__, "config": metric.get_config(),
                "registered_name": None}
    return getattr(metric, "__name__", str(metric))


def _deserialize_loss(value, custom_objects):
    from .. import losses
    if isinstance(value, list):
        return [_deserialize_loss(v, custom_objects) for v in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {k: _deserialize_loss(v, custom_objects) for k, v in value.items()}
    if isinstance(value, dict):
        custom = (custom_objects or {}).get(value["class_name"])
        if custom is not None:
            return custom.from_config(value.get("config", {})) if hasattr(custom, "from_config") else custom
        if value["class_name"] == "function":
            return value.get("config")
        config = {k: v for k, v in _strip_shared(value.get("config") or {}).items() if k != "dtype"}
        return losses.get({"class_name": value["class_name"], "config": config})
    if isinstance(value, str) and value in (custom_objects or {}):
        return custom_objects[value]
    return value


def _deserialize_metric(value, custom_objects):
    from .. import metrics
    if isinstance(value, list):
        found = [_deserialize_metric(v, custom_objects) for v in value]
        return [m for m in found if m is not None]
    if isinstance(value, dict) and "class_name" in value:
        name = value["class_name"]
        cls = (custom_objects or {}).get(name) or getattr(metrics, name, None)
        if name == "function":
            return value.get("config")
        if not (isinstance(cls, type) and issubclass(cls, metrics.Metric)):
            import warnings
            warnings.warn(f"The saved metric {name} is not available in swiftdl; compiling without it.", stacklevel=4)
            return None
        return cls.from_config(_strip_shared(value.get("config") or {}))
    if isinstance(value, str):
        return (custom_objects or {}).get(value, value)
    return value


def deserialize_compile_config(config, custom_objects=None):
    """compile()'s arguments from a saved compile_config (Keras's or swiftdl's)."""
    from swiftdl import optimizers
    if not isinstance(config, dict):
        raise ValueError(f"compile_config must be a dict; received {type(config).__name__}")
    optimizer = config.get("optimizer", "rmsprop")
    if isinstance(optimizer, dict):
        optimizer = dict(optimizer, config=_strip_shared(optimizer.get("config") or {}))
        optimizer = optimizers.deserialize(optimizer, custom_objects)
    else:
        optimizer = optimizers.get(optimizer)
    arguments = {"optimizer": optimizer, "loss": _deserialize_loss(config.get("loss"), custom_objects)}
    if config.get("metrics") is not None:
        arguments["metrics"] = _deserialize_metric(config["metrics"], custom_objects)
    if config.get("loss_weights") is not None:
        arguments["loss_weights"] = config["loss_weights"]
    return arguments


def encode_call_argument(value, reference):
    """A node's call argument as Keras writes it: KerasTensors as "__keras_tensor__" entries
    naming their producer, arrays and engine tensors as "__numpy__", slices as "__slice__",
    tuples as lists."""
    if isinstance(value, KerasTensor):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(value.shape), "dtype": value.dtype, "keras_history": reference(value)}}
    if isinstance(value, slice):
        return {"class_name": "__slice__", "config": {"start": value.start, "stop": value.stop, "step": value.step}}
    if isinstance(value, (list, tuple)):
        return [encode_call_argument(v, reference) for v in value]
    if isinstance(value, dict):
        return {key: encode_call_argument(v, reference) for key, v in value.items()}
    if hasattr(value, "__array__") and not isinstance(value, (str, bytes)):
        import numpy as np
        array = np.asarray(value)
        if array.ndim == 0:
            return array.item()
        return {"class_name": "__numpy__", "config": {"value": array.tolist(), "dtype": array.dtype.name}}
    return value


def functional_config(model):
    """Keras's functional config: layers with their inbound connections, inputs and outputs."""
    def reference(tensor):
        layer, node_index, tensor_index = tensor._keras_history
        return [layer.name, node_index, tensor_index]

    layers = []
    for layer in getattr(model, "operations", model.layers):
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        inbound = []
        for node in layer._inbound_nodes:
            if node.input_tensors:
                inbound.append({"args": encode_call_argument(list(node.call_args), reference),
                                "kwargs": encode_call_argument(dict(node.call_kwargs), reference)})
        entry["inbound_nodes"] = inbound
        layers.append(entry)
    return {
        "name": model.name, "trainable": model.trainable, "layers": layers,
        # The structures the model was built with (a dict of outputs, nested lists, ...), as Keras writes them.
        "input_layers": _map_tensors(reference, _structure(model, "_inputs_struct", model.inputs)),
        "output_layers": _map_tensors(reference, _structure(model, "_outputs_struct", model.outputs)),
    }


def _structure(model, attribute, flat):
    structure = getattr(model, attribute, None)
    if structure is None:
        return flat if len(flat) > 1 else flat[0]
    return structure


def _map_tensors(reference, structure):
    if isinstance(structure, KerasTensor):
        return reference(structure)
    if isinstance(structure, dict):
        return {key: _map_tensors(reference, value) for key, value in structure.items()}
    mapped = [_map_tensors(reference, value) for value in structure]
    return tuple(mapped) if isinstance(structure, tuple) else mapped


def functional_from_config(config, custom_objects=None):
    from ..models.model import Functional
    missing = [key for key in ("layers", "input_layers", "output_layers") if key not in config]
    if missing:
        raise ValueError(f"A functional model's config needs 'layers', 'input_layers' and 'output_layers'; "
                         f"this one lacks {missing}")
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
        if isinstance(value, dict) and value.get("class_name") == "__numpy__":
            import numpy as np
            return np.asarray(value["config"]["value"], dtype=value["config"].get("dtype"))
        if isinstance(value, dict) and value.get("class_name") == "__slice__":
            return slice(value["config"].get("start"), value["config"].get("stop"), value["config"].get("step"))
        if isinstance(value, dict) and value.get("class_name") == "__tuple__":
            return tuple(resolve(v) for v in value["config"]["value"])
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {key: resolve(v) for key, v in value.items()}
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
                kwargs = resolve(node.get("kwargs") or {})
            except KeyError:
                continue
            output = layer(*args, **kwargs)
            outputs_of[(entry["name"], node_index)] = flatten(output)
            remaining.remove(item)
            progress = True
    if remaining:
        raise ValueError(f"Could not rebuild the functional model: unresolved layers {[e['name'] for e, _ in remaining]}")

    def pick(spec):
        """The tensors of an input_layers/output_layers entry, in its structure: a [name, node, index]
        reference is one tensor; dicts and lists of them keep their shape."""
        if isinstance(spec, dict):
            return {key: pick(value) for key, value in spec.items()}
        if isinstance(spec, (list, tuple)) and len(spec) == 3 and isinstance(spec[0], str):
            return tensor_for(spec)
        return [pick(value) for value in spec]

    return Functional(pick(config["input_layers"]), pick(config["output_layers"]), name=config.get("name"))
