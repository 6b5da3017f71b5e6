"""The operation classes of Keras's symbolic graphs (Add, Mean, GetItem ...), made from the
table read off Keras (op_table.py): each runs its keras.ops function, its constructor holds
the arguments Keras keeps in the saved config, its call takes the ones Keras records as
the node's inputs. Files written by Keras load into them, and theirs load in Keras."""
import functools
import inspect

from ..backend import to_snake_case, unique_name
from ..layers.keras_tensor import holds_keras_tensor
from .op_table import OPERATIONS
from .operation import Operation


class TableOperation(Operation):
    """One keras.ops function as a graph node (subclasses are made per table entry)."""

    _function_name = None
    _init_parameters = ()
    _call_parameters = ()
    _keras_module = None

    def __init__(self, name=None, **config):
        unknown = set(config) - set(self._init_parameters) - {"trainable", "dtype"}
        if unknown:
            raise TypeError(f"{type(self).__name__} takes {list(self._init_parameters)}; received {sorted(unknown)}")
        config.pop("trainable", None)
        config.pop("dtype", None)
        super().__init__(name=name or unique_name(to_snake_case(type(self).__name__)))
        self._config = config

    def call(self, *args):
        if type(self).__name__ == "GetItem" and len(args) == 2 and isinstance(args[1], list):
            # A saved index tuple comes back from JSON as a list; as an index it means the tuple.
            args = (args[0], tuple(args[1]))
        return ops_function(self._function_name)(*args, **self._config)

    def get_config(self):
        return {"name": self.name, **self._config}


@functools.lru_cache(maxsize=None)
def operation_class(class_name):
    """The TableOperation subclass for one of Keras's operation class names."""
    module, function, init, call = OPERATIONS[class_name]
    return type(class_name, (TableOperation,), {"_function_name": function, "_init_parameters": init,
                                               "_call_parameters": call, "_keras_module": module,
                                               "__doc__": f"keras.ops.{function} as a graph node."})


def ops_function(dotted_name):
    """swiftdl.keras.ops.<name>, or ops.linalg.<name> / ops.image.<name>."""
    from .. import ops
    target = ops
    for part in dotted_name.split("."):
        target = getattr(target, part, None)
        if target is None:
            raise NotImplementedError(f"keras.ops.{dotted_name} is not implemented in swiftdl yet")
    return getattr(target, "__wrapped__", target)


def symbolic(class_name, function):
    """`function` (a keras.ops op) that, given any KerasTensor, returns the KerasTensors of a
    new `class_name` graph node instead of computing."""
    _, _, init_parameters, call_parameters = OPERATIONS[class_name]

    @functools.wraps(function)
    def dispatch(*args, **kwargs):
        if not (holds_keras_tensor(args) or holds_keras_tensor(kwargs)):
            return function(*args, **kwargs)
        bound = inspect.signature(function).bind(*args, **kwargs)
        bound.apply_defaults()
        values = bound.arguments
        config = {name: values[name] for name in init_parameters if name in values}
        call_args = []
        for name in call_parameters:
            if name.endswith("*"):
                call_args.extend(values.get(name[:-1], ()))
            elif name in values:
                call_args.append(values[name])
        operation = operation_class(class_name)(**config)
        return operation(*call_args)
    return dispatch
