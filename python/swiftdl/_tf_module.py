"""tf.Module: a named container whose variables and submodules are found by walking its
attributes (lists, tuples and dicts included), as TensorFlow's Module does.

swiftdl's Keras layers are not Modules, but a Module holding one finds the layer's
variables, as a TensorFlow Module finds those of tf.keras layers."""
import functools
import re

from ._autograd import Variable
from ._tf_runtime import name_scope

_IGNORED = ("_module_name", "_module_scope")


def _is_keras_layer(value):
    return type(value).__module__.startswith("swiftdl.keras") and hasattr(value, "variables") and \
        hasattr(value, "trainable_weights")


def _snake_case(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


class Module:
    """A named container of variables and submodules (tf.Module).

    Args:
        name: a Python identifier; the class name in snake case by default.
    """

    def __init__(self, name=None):
        if name is None:
            name = _snake_case(type(self).__name__)
        elif not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"{name!r} is not a valid module name. Module names must be valid Python "
                             "identifiers (e.g. a valid class name).")
        self._module_name = name
        with name_scope(name) as scope:
            self._module_scope = scope

    @property
    def name(self):
        return self._module_name

    @property
    def name_scope(self):
        """A name scope for this module's ops (enter it with `with`)."""
        return name_scope(self._module_scope)

    @property
    def variables(self):
        """Every variable of this module and its submodules, each once, in attribute order."""
        return tuple(self._flatten(predicate=lambda v: isinstance(v, Variable)))

    @property
    def trainable_variables(self):
        return tuple(v for v in self.variables if getattr(v, "trainable", True))

    @property
    def non_trainable_variables(self):
        return tuple(v for v in self.variables if not getattr(v, "trainable", True))

    @property
    def submodules(self):
        """Every Module reachable from this one (not itself), breadth first."""
        return tuple(self._flatten(predicate=lambda v: isinstance(v, Module)))

    def _flatten(self, recursive=True, predicate=None, attribute_traversal_key=None, with_path=False,
                 expand_composites=False):
        """The values under this module's attributes for which `predicate` holds (all when None)."""
        return _walk(self, predicate or (lambda v: True), recursive, attribute_traversal_key, with_path, (), set())

    @classmethod
    def with_name_scope(cls, method):
        """Decorates a method to run inside the module's name scope."""
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        return wrapper


def _leaves(value, path):
    """(path, leaf) pairs of a nested attribute value: lists, tuples and dicts (by sorted key)."""
    if isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from _leaves(value[key], path + (key,))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,))
    else:
        yield path, value


def _walk(module, predicate, recursive, key, with_path, path, seen):
    submodules = []
    for name in sorted(vars(module), key=key):
        if name in _IGNORED:
            continue
        for leaf_path, leaf in _leaves(vars(module)[name], (name,)):
            if id(leaf) in seen:
                continue
            seen.add(id(leaf))
            if predicate(leaf):
                yield (path + leaf_path, leaf) if with_path else leaf
            if _is_keras_layer(leaf):
                for index, variable in enumerate(leaf.variables):
                    if id(variable) not in seen and predicate(variable):
                        seen.add(id(variable))
                        yield (path + leaf_path + ("variables", index), variable) if with_path else variable
            if recursive and isinstance(leaf, Module):
                submodules.append((leaf_path, leaf))
    for leaf_path, submodule in submodules:
        yield from _walk(submodule, predicate, recursive, key, with_path, path + leaf_path, seen)
