"""Where each variable lives in a Keras 3 weights file.

Keras walks a model the way `saving_lib._save_state` does: the model's own variables go
in `vars`, its layers in `layers/<snake_class>[_k]/vars` (numbered by class within the
list, not by layer name), a layer's sublayers under the attribute that holds them
(`cell`, `forward_layer`, `layer`, ...; those in a list or dict as
`<attribute>/<snake_class>[_k]`), then the optimizer in `optimizer/vars`. Each `vars` group
holds datasets `"0"`, `"1"`, ... in the object's variable order and carries the object's
name as an attribute. The same walk serves `.keras` files and `.weights.h5`.
"""
from ..backend import to_snake_case


class Entry:
    """One `vars` group: its path, the object's name and the variables stored there."""

    def __init__(self, path, name, variables, owner):
        self.path = path
        self.name = name
        self.variables = variables
        self.owner = owner

    @property
    def vars_path(self):
        return f"{self.path}/vars" if self.path else "vars"


def walk(model, include_optimizer=True):
    """Every `vars` group of `model` in Keras's order, as a list of Entry."""
    entries, visited = [], set()
    _walk(model, "", entries, visited)
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and optimizer is not None and hasattr(optimizer, "variables"):
        entries.append(Entry("optimizer", optimizer.name, list(optimizer.variables), optimizer))
        inner = getattr(optimizer, "inner_optimizer", None)
        if inner is not None and hasattr(inner, "variables"):
            # A LossScaleOptimizer's vars hold its inner optimizer's too; Keras also writes (and
            # reads) the inner optimizer's own group.
            entries.append(Entry("optimizer/inner_optimizer", inner.name, list(inner.variables), inner))
        for sub in getattr(optimizer, "optimizers", ()):
            # A MultiOptimizer's vars hold every sub-optimizer's; Keras also writes each one's group.
            entries.append(Entry(f"optimizer/optimizers/{sub.name}", sub.name, list(sub.variables), sub))
    return entries


def _join(path, name):
    return f"{path}/{name}" if path else name


def _walk(layer, path, entries, visited):
    if id(layer) in visited:
        return
    visited.add(id(layer))
    from ..layers.recurrent import _RNN
    if isinstance(layer, _RNN):
        # swiftdl's recurrent layers hold their weights themselves; Keras keeps them in a cell.
        entries.append(Entry(path, layer.name, [], layer))
        cell_path = _join(path, "cell")
        entries.append(Entry(cell_path, f"{to_snake_case(type(layer).__name__)}_cell", _own_variables(layer), layer))
        return
    entries.append(Entry(path, layer.name, _own_variables(layer), layer))
    for attribute, child in _children(layer):
        child_path = _join(path, attribute)
        if isinstance(child, (list, tuple)):
            _walk_container(child, child_path, entries, visited)
        else:
            _walk(child, child_path, entries, visited)


def _walk_container(items, path, entries, visited):
    from ..layers.layer import Layer
    used = {}
    for item in items:
        if not isinstance(item, Layer):
            continue
        base = to_snake_case(type(item).__name__)
        if base in used:
            used[base] += 1
            name = f"{base}_{used[base]}"
        else:
            used[base] = 0
            name = base
        _walk(item, _join(path, name), entries, visited)


def _own_variables(layer):
    """Keras's Layer.save_own_variables order: trainable, then non-trainable, as created."""
    custom = getattr(layer, "_saved_variables", None)
    if custom is not None:
        return list(custom())
    return list(layer.__dict__.get("_trainable_variables", [])) + list(layer.__dict__.get("_non_trainable_variables", []))


# Attributes that hold bookkeeping, never a sublayer whose state belongs in the file.
_SKIP = {"_layers", "_inbound_nodes", "_graph", "_stack", "optimizer", "_compile_losses", "_loss_tracker",
         "_compile_metrics", "history", "_input_tensor"}


def _name_key(name):
    """Keras visits private attributes last."""
    return f"~{name}" if name.startswith("_") else name


def _children(layer):
    """(attribute, sublayer or list of sublayers) in the order Keras visits them."""
    from ..layers.layer import Layer
    from ..models.model import Functional, Model
    from ..models.sequential import Sequential
    if isinstance(layer, (Sequential, Functional)):
        return [("layers", layer.layers)]
    found = []
    for attribute, value in layer.__dict__.items():
        if attribute in _SKIP or attribute.startswith("__"):
            continue
        if isinstance(value, Layer):
            found.append((attribute, value))
        elif isinstance(value, (list, tuple)) and any(isinstance(v, Layer) for v in value):
            found.append((attribute, list(value)))
        elif isinstance(value, dict) and any(isinstance(v, Layer) for v in value.values()):
            found.append((attribute, list(value.values())))  # a dict is a container, walked in key order
    if isinstance(layer, Model):
        found.append(("layers", layer.layers))
    found.sort(key=lambda item: _name_key(item[0]))
    return found
