"""keras.StatelessScope and keras.SymbolicScope.

Keras's StatelessScope lets code run against values given for its variables and collect
the values it would have assigned, leaving the variables themselves untouched (JAX-style
`stateless_call`). swiftdl's variables are engine tensors that kernels read directly, so
the scope swaps: on entry it writes the mapped values into the variables, while open it
journals every variable assigned (and its value before), and on exit it records each
touched variable's final value for `get_current_value` and puts the original back. Seen
from outside the block, no variable changed; inside it, reads see the mapped and updated
values, as in Keras.
"""
from swiftdl import _autograd

_SCOPES: list["StatelessScope"] = []  # the open scopes, innermost last


class StatelessScope:
    """Scope in which assignments to Keras Variables are collected instead of kept.

    Args:
        state_mapping: a list of `(variable, value)` pairs: the values the variables hold
            inside the scope.
        collect_losses: whether `add_loss` calls inside the scope are collected in `losses`.
        initialize_variables: accepted for Keras's API (variables are created initialised).

    Example:

    ```python
    mapping = [(v, ops.ones(v.shape)) for v in model.weights]
    with keras.StatelessScope(mapping) as scope:
        outputs = model(x)
    new_value = scope.get_current_value(model.weights[0])
    ```
    """

    def __init__(self, state_mapping=None, collect_losses=False, initialize_variables=True):
        import swiftdl as _sd
        self.collect_losses = collect_losses
        self.initialize_variables = initialize_variables
        self.losses = []
        self.state_mapping = {}
        self._mapped = []
        for pair in state_mapping or ():
            variable, value = pair
            if not isinstance(variable, _autograd.Variable):
                raise ValueError("Invalid reference variable in StatelessScope: all keys in argument `mapping` must "
                                 f"be Variable instances. Received instead: {variable}")
            value = _sd.asarray(value, dtype=variable.dtype, copy=True)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError("Invalid variable value in StatelessScope: all values in argument `mapping` must be "
                                 "tensors with a shape that matches the corresponding variable shape. For variable "
                                 f"{variable.path}, received invalid value with shape {tuple(value.shape)}.")
            self.state_mapping[id(variable)] = value
            self._mapped.append((variable, value))
        self._journal_context = None
        self._journal = None

    def __enter__(self):
        self._journal_context = _autograd.variable_journal()
        self._journal = self._journal_context.__enter__()
        for variable, value in self._mapped:
            variable.assign(value)  # journaled: the original comes back on exit
        _SCOPES.append(self)
        return self

    def add_loss(self, loss):
        self.losses.append(loss)

    def add_update(self, update):
        variable, value = update
        self.state_mapping[id(variable)] = value

    def get_current_value(self, variable):
        """The variable's value as the scope left it, or None when the scope never saw it."""
        if self._journal is not None and any(v is variable for v, _ in self._journal.before):
            return _snapshot(variable)
        return self.state_mapping.get(id(variable))

    def __exit__(self, *exc_info):
        _SCOPES.remove(self)
        journal, self._journal = self._journal, None
        try:
            for variable, original in journal.before:
                self.state_mapping[id(variable)] = _snapshot(variable)
            # Put the originals back in reverse, outside the journal, so an enclosing
            # scope sees the values this one was entered with.
            for variable, original in reversed(journal.before):
                variable.assign(original)
        finally:
            self._journal_context.__exit__(*exc_info)
        return False


def _snapshot(variable):
    # The base class's method: keras.Variable makes `value` a property.
    return _autograd.Variable.value(variable)


def in_stateless_scope():
    return bool(_SCOPES)


def get_stateless_scope():
    return _SCOPES[-1] if _SCOPES else None


_SYMBOLIC_SCOPES: list["SymbolicScope"] = []


class SymbolicScope:
    """Scope marking the symbolic stage (shape inference on KerasTensors), as in Keras."""

    def __enter__(self):
        _SYMBOLIC_SCOPES.append(self)
        return self

    def __exit__(self, *exc_info):
        _SYMBOLIC_SCOPES.remove(self)
        return False


def in_symbolic_scope():
    return bool(_SYMBOLIC_SCOPES)


def get_symbolic_scope():
    return _SYMBOLIC_SCOPES[-1] if _SYMBOLIC_SCOPES else None


def values_of(variables, scope):
    """Each variable's value as `scope` left it (its own value when the scope never touched it)."""
    values = []
    for variable in variables:
        value = scope.get_current_value(variable)
        values.append(_snapshot(variable) if value is None else value)
    return values


def check_lengths(owner, label, given, expected):
    if len(given) != len(expected):
        raise ValueError(f"{owner} expects {len(expected)} {label}; received {len(given)}.")
    return list(given)


__all__ = ["StatelessScope", "SymbolicScope", "in_stateless_scope", "get_stateless_scope", "in_symbolic_scope",
           "get_symbolic_scope"]


def layer_stateless_call(layer, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs):
    """Layer.stateless_call: the layer's outputs computed with the given variable values,
    and the non-trainable values the call left (BatchNormalization's moving statistics),
    with the layer's own variables unchanged afterwards."""
    if not layer.built:
        raise ValueError(f"To call stateless_call, {type(layer).__name__} must be built (i.e. its variables must have "
                         "been already created). You can build it by calling it on some data.")
    trainable = check_lengths("stateless_call", "trainable_variables", trainable_variables,
                              layer.trainable_variables)
    non_trainable = check_lengths("stateless_call", "non_trainable_variables", non_trainable_variables,
                                  layer.non_trainable_variables)
    mapping = list(zip(layer.trainable_variables, trainable)) + list(zip(layer.non_trainable_variables, non_trainable))
    with StatelessScope(state_mapping=mapping) as scope:
        outputs = layer(*args, **kwargs)
        losses = list(layer.losses) if return_losses else None
    new_non_trainable = values_of(layer.non_trainable_variables, scope)
    if return_losses:
        return outputs, new_non_trainable, losses
    return outputs, new_non_trainable


def optimizer_stateless_apply(optimizer, optimizer_variables, grads, trainable_variables):
    """Optimizer.stateless_apply: one step applied to the given values; returns the new
    trainable values and the new optimizer variables, leaving the real ones unchanged."""
    if not optimizer.built:
        raise ValueError("To call stateless_apply, the optimizer must be built: call "
                         "`optimizer.build(trainable_variables)` first.")
    tracked = list(optimizer._known.values())
    trainable = check_lengths("stateless_apply", "trainable_variables", trainable_variables, tracked)
    grads = check_lengths("stateless_apply", "gradients", grads, tracked)
    own = optimizer.variables
    values = check_lengths("stateless_apply", "optimizer_variables", optimizer_variables, own)
    mapping = list(zip(tracked, trainable)) + list(zip(own, values))
    with StatelessScope(state_mapping=mapping) as scope:
        optimizer.apply(grads, tracked)
    return values_of(tracked, scope), values_of(own, scope)
