"""Symbolic tensors for the functional API: a shape, a dtype and where they came from."""


class KerasTensor:
    """The symbolic output of a layer called on `keras.Input`s; it holds no data.

    Attributes:
        shape: a tuple whose first (batch) entry, and any unknown size, is None.
        dtype: the dtype name, e.g. "float32".
    """

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = tuple(None if s is None else int(s) for s in shape)
        self.dtype = str(dtype)
        self.name = name or "keras_tensor"
        self._keras_history = None  # (layer, node_index, tensor_index)
        self._keras_mask = None  # a KerasTensor of the mask the producing layer attaches

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __array__(self, *args, **kwargs):
        raise TypeError("A KerasTensor is symbolic: it has no values. Build a Model from it and call the model on data.")

    # numpy defers to the reflected operators below (np.ones(3) + x is a graph node too).
    __array_ufunc__ = None
    __hash__ = object.__hash__


def _operator(name, reflected=False):
    """A KerasTensor operator that adds a keras.ops node: `x + y` is `ops.add(x, y)`."""
    def operator(self, *other):
        from .. import ops
        function = getattr(ops, name)
        return function(other[0], self) if reflected else function(self, *other)
    operator.__name__ = name
    return operator


for _dunder, _name in [("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "true_divide"),
                       ("floordiv", "floor_divide"), ("mod", "mod"), ("pow", "power"), ("matmul", "matmul"),
                       ("and", "logical_and"), ("or", "logical_or"), ("xor", "logical_xor")]:
    setattr(KerasTensor, f"__{_dunder}__", _operator(_name))
    setattr(KerasTensor, f"__r{_dunder}__", _operator(_name, reflected=True))
for _dunder, _name in [("neg", "negative"), ("abs", "absolute"), ("invert", "logical_not"), ("lt", "less"),
                       ("le", "less_equal"), ("gt", "greater"), ("ge", "greater_equal"), ("getitem", "get_item")]:
    setattr(KerasTensor, f"__{_dunder}__", _operator(_name))
setattr(KerasTensor, "__pos__", lambda self: self)


def is_keras_tensor(value):
    """Whether `value` is a symbolic KerasTensor (keras.utils.is_keras_tensor)."""
    return isinstance(value, KerasTensor)


def holds_keras_tensor(structure):
    """Whether a nested list/tuple/dict structure holds a KerasTensor anywhere (a symbolic
    call). It stops at the first one and builds no list: layers ask this on every call."""
    if isinstance(structure, KerasTensor):
        return True
    if isinstance(structure, dict):
        structure = structure.values()
    elif not isinstance(structure, (list, tuple)):
        return False
    for item in structure:
        if isinstance(item, KerasTensor) or isinstance(item, (list, tuple, dict)) and holds_keras_tensor(item):
            return True
    return False


def flatten(structure):
    """The leaves of a nested list/tuple/dict structure, in order."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    return [structure]


def map_structure(function, structure):
    if isinstance(structure, list):
        return [map_structure(function, item) for item in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(function, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(function, value) for key, value in structure.items()}
    return function(structure)


class Node:
    """One call of a layer on symbolic inputs: what went in and what came out."""

    def __init__(self, layer, call_args, call_kwargs, outputs):
        self.layer = layer
        self.call_args = call_args
        self.call_kwargs = call_kwargs
        self.outputs = outputs
        self.input_tensors = [t for t in flatten((call_args, call_kwargs)) if isinstance(t, KerasTensor)]
        self.output_tensors = flatten(outputs)
        node_index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for index, tensor in enumerate(self.output_tensors):
            tensor._keras_history = (layer, node_index, index)
