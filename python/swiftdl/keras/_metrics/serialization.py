"""keras.metrics.serialize / deserialize: a metric object or function as Keras 3's config
entry ({"module", "class_name", "config", "registered_name"}) and back."""


def serialize(metric):
    """A metric's Keras 3 config entry.

    Args:
        metric: a `Metric` instance or a metric function.

    Returns:
        A dict: {"module": "keras.metrics", "class_name", "config", "registered_name"} for a
        Metric, Keras's {"class_name": "function", "config": name} entry for a function.

    Raises:
        ValueError: for anything else.
    """
    from ..metrics import Metric
    if isinstance(metric, Metric):
        return {"module": "keras.metrics", "class_name": type(metric).__name__, "config": metric.get_config(),
                "registered_name": None}
    if callable(metric) and not isinstance(metric, type) and hasattr(metric, "__name__"):
        return {"module": "builtins", "class_name": "function", "config": metric.__name__,
                "registered_name": "function"}
    raise ValueError(f"Could not serialize metric {metric!r}: expected a Metric instance or a metric function")


def deserialize(config, custom_objects=None):
    """A metric (or metric function) from its config entry or its name.

    Args:
        config: a dict written by `serialize` (or by Keras), or a metric's name.
        custom_objects: optional {name: class or function} consulted first.

    Returns:
        A `Metric` instance, or a metric function for a "function" entry.

    Raises:
        ValueError: for an unknown name or a malformed entry.
    """
    from .. import metrics
    custom_objects = custom_objects or {}
    if isinstance(config, str):
        found = custom_objects.get(config) or metrics._BY_NAME.get(config)
        if found is None:
            raise ValueError(f"Could not interpret metric identifier: {config!r}")
        return found() if isinstance(found, type) else found
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(f"A metric config must be a dict with a 'class_name' or a name; received {str(config)[:200]}")
    name, arguments = config["class_name"], config.get("config")
    if name == "function":
        function = custom_objects.get(arguments) or metrics._FUNCTIONS.get(arguments)
        if function is None:
            raise ValueError(f"Could not locate metric function {arguments!r}")
        return function
    cls = custom_objects.get(name) or metrics._BY_NAME.get(name)
    if not (isinstance(cls, type) and issubclass(cls, metrics.Metric)):
        raise ValueError(f"Could not locate metric class {name!r}: not a keras.metrics class and not in "
                         "custom_objects")
    if arguments is not None and not isinstance(arguments, dict):
        raise ValueError(f"The config of metric {name!r} must be a dict; received {str(arguments)[:200]}")
    return cls.from_config(dict(arguments or {}))
