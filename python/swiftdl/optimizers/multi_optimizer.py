"""MultiOptimizer and OptimizerMap (keras.optimizers): different optimizers for different
variables, chosen by variable path (an exact path or a regular expression) or by a function."""
from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from .._autograd import Variable
from .base_optimizer import Optimizer
from .loss_scale_optimizer import LossScaleOptimizer


def _check_inner(optimizer: Any, what: str) -> None:
    """Refuses what cannot sit inside a MultiOptimizer, as Keras does."""
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"{what} must be a Keras Optimizer instance. Received: {optimizer}")
    if isinstance(optimizer, LossScaleOptimizer):
        raise ValueError("LossScaleOptimizer cannot be used inside an MultiOptimizer.")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError("MultiOptimizer cannot be used inside an MultiOptimizer.")


class OptimizerMap(MutableMapping):
    """Maps variable paths to optimizers, with a default for the rest.

    A key is an exact path ("encoder/dense/kernel") or a regular expression matched against
    the whole path ("encoder/.*"); an exact key wins, and a path matching two patterns is an
    error. Calling the map with a variable gives its optimizer.

    Args:
        default_optimizer: the optimizer of every variable no key matches.
        optimizer_map: a dict of keys to optimizers to start with.
    """

    def __init__(self, default_optimizer: Optimizer, optimizer_map: dict[str, Optimizer] | None = None) -> None:
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(f"default_optimizer must be a Keras Optimizer instance. Received: {default_optimizer}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"optimizer_map must be a dictionary. Received: {optimizer_map}")
        self._default_optimizer = default_optimizer
        self._optimizer_map: dict[str, Optimizer] = {}
        for key, optimizer in (optimizer_map or {}).items():
            self[key] = optimizer

    @property
    def default_optimizer(self) -> Optimizer:
        return self._default_optimizer

    def __getitem__(self, key: str) -> Optimizer:
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {key}.")
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key: str, optimizer: Optimizer) -> None:
        if key in self._optimizer_map:
            raise ValueError(f"'{key}' already exists in the OptimizerMap with value {self._optimizer_map[key]}. "
                             "Please make sure to not use duplicated keys.")
        if not isinstance(key, str):
            raise ValueError(f"key must be a string. Received: {key}")
        _check_inner(optimizer, "optimizer")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key: str) -> None:
        del self._optimizer_map[key]

    def __len__(self) -> int:
        return len(self._optimizer_map)

    def __iter__(self) -> Iterator[str]:
        return iter(self._optimizer_map)

    def __call__(self, variable: Variable) -> Optimizer:
        return self[variable.path]

    def get_config(self) -> dict[str, Any]:
        from . import serialize
        return {"default_optimizer": serialize(self._default_optimizer),
                "optimizer_map": {key: serialize(optimizer) for key, optimizer in self._optimizer_map.items()}}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> OptimizerMap:
        from . import deserialize
        mapped = {key: deserialize(entry, custom_objects=custom_objects)
                  for key, entry in (config.get("optimizer_map") or {}).items()}
        return cls(deserialize(config["default_optimizer"], custom_objects=custom_objects), mapped)


class MultiOptimizer(Optimizer):
    """Delegates each variable to the optimizer an OptimizerMap (or a function of the
    variable) chooses for it:

        optimizer = MultiOptimizer(OptimizerMap(SGD(), {"encoder/.*": Adam()}))
        model.compile(optimizer=optimizer, loss="mse")

    Every step applies each optimizer to its own variables; each keeps its own iterations
    and learning rate (`optimizers` lists them). The wrapper itself has no learning rate:
    reading or setting `learning_rate` raises AttributeError, as in Keras.

    Args:
        optimizer_map: an OptimizerMap, or a callable taking a variable and returning its
            optimizer (the same instance for variables meant to share one).
        loss_scale_factor: if set, overrides the sub-optimizers' loss_scale_factor.
        name: the optimizer's name.
    """

    def __init__(self, optimizer_map: OptimizerMap | Callable[[Variable], Optimizer],
                 loss_scale_factor: float | None = None, name: str | None = None) -> None:
        if not callable(optimizer_map):
            raise TypeError(f"optimizer_map must be an OptimizerMap or a callable returning an optimizer for a "
                            f"variable. Received: {optimizer_map}")
        self._inner_optimizers: list[Optimizer] = []
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        self._assignment: dict[int, Optimizer] = {}  # id(variable) -> its optimizer
        if isinstance(optimizer_map, OptimizerMap):
            for optimizer in [*optimizer_map.values(), optimizer_map.default_optimizer]:
                self._adopt(optimizer)

    def _adopt(self, optimizer: Optimizer) -> None:
        if not any(optimizer is known for known in self._inner_optimizers):
            optimizer.loss_scale_factor = self.loss_scale_factor
            self._inner_optimizers.append(optimizer)

    @property
    def optimizers(self) -> list[Optimizer]:
        """The sub-optimizers, mapped ones first, in the order first seen."""
        return self._inner_optimizers

    @property
    def variables(self) -> list[Variable]:
        """Its own iterations and (unused) learning rate, then each sub-optimizer's."""
        return self._variables + [v for optimizer in self._inner_optimizers for v in optimizer.variables]

    @property
    def learning_rate(self) -> Any:
        raise AttributeError("Learning rate cannot be accessed on a MultiOptimizer. Access the learning rate on the "
                             "individual sub-optimizers instead.")

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        raise AttributeError("Learning rate cannot be set on a MultiOptimizer. Set the learning rate on the "
                             "individual sub-optimizers instead.")

    @property
    def loss_scale_factor(self) -> float | None:
        return self.__dict__.get("_loss_scale_factor")

    @loss_scale_factor.setter
    def loss_scale_factor(self, value: float | None) -> None:
        self._loss_scale_factor = value
        for optimizer in self.__dict__.get("_inner_optimizers", ()):
            optimizer.loss_scale_factor = value

    def build(self, variables: Sequence[Variable]) -> None:
        """Chooses each new variable's optimizer and builds the sub-optimizers on their shares."""
        shares: dict[int, list[Variable]] = {}
        for variable in variables:
            if id(variable) in self._assignment:
                continue
            optimizer = self._optimizer_map(variable)
            if not isinstance(optimizer, Optimizer):
                raise ValueError(f"Optimizer for variable {variable.path} is not an Optimizer instance.")
            _check_inner(optimizer, f"The optimizer for variable {variable.path}")
            self._adopt(optimizer)
            self._assignment[id(variable)] = optimizer
            self._known[id(variable)] = variable
            shares.setdefault(id(optimizer), []).append(variable)
        for optimizer in self._inner_optimizers:
            if id(optimizer) in shares:
                optimizer.build(shares[id(optimizer)])
        self.built = True

    def apply(self, grads: Iterable[Any], trainable_variables: Iterable[Variable] | None = None) -> None:
        """Hands each sub-optimizer its variables' gradients, then counts one step."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built on a "
                                 "list of variables. Call `optimizer.build(trainable_variables)` first.")
            trainable_variables = list(self._known.values())
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(f"Gradients must match trainable variables one-to-one. Received {len(grads)} gradients "
                             f"and {len(trainable_variables)} variables.")
        self.build(trainable_variables)
        shares: dict[int, tuple[list[Any], list[Variable]]] = {}
        for grad, variable in zip(grads, trainable_variables):
            share = shares.setdefault(id(self._assignment[id(variable)]), ([], []))
            share[0].append(grad)
            share[1].append(variable)
        for optimizer in self._inner_optimizers:
            if id(optimizer) in shares:
                optimizer.apply(*shares[id(optimizer)])
        self._iterations.assign_add(np.int64(1))

    def finalize_variable_values(self, var_list: Sequence[Variable]) -> None:
        for optimizer in self._inner_optimizers:
            mine = [v for v in var_list if self._assignment.get(id(v)) is optimizer]
            if mine:
                optimizer.finalize_variable_values(mine)

    def set_weights(self, weights: Sequence[Any]) -> None:
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet been built. Please "
                             "call `optimizer.build(trainable_variables)` to create the optimizer weights before "
                             "calling `set_weights()`.")
        self._assign_all(weights)

    def _assign_all(self, weights: Sequence[Any]) -> None:
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(f"MultiOptimizer {self.name} has {len(variables)} variables; received {len(weights)} "
                             "weights.")
        for variable, weight in zip(variables, weights):
            variable.assign(np.asarray(weight, dtype=variable.dtype))

    def save_own_variables(self, store: Any) -> None:
        """Writes every variable, its own and the sub-optimizers', as Keras's `optimizer/vars`."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = np.array(variable)

    def load_own_variables(self, store: Any) -> None:
        import warnings
        if len(store.keys()) != len(self.variables):
            warnings.warn(f"Skipping variable loading for optimizer '{self.name}', because it has "
                          f"{len(self.variables)} variables whereas the saved optimizer has {len(store.keys())} "
                          "variables.", stacklevel=2)
            return
        self._assign_all([store[str(i)] for i in range(len(store.keys()))])

    def get_config(self) -> dict[str, Any]:
        if not isinstance(self._optimizer_map, OptimizerMap):
            raise NotImplementedError("A MultiOptimizer choosing optimizers with a function cannot be serialized; "
                                      "use an OptimizerMap to save it with the model.")
        entry = {"module": "keras.optimizers", "class_name": "OptimizerMap", "config": self._optimizer_map.get_config(),
                 "registered_name": None}
        return {"optimizer_map": entry, "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> MultiOptimizer:
        config = dict(config)
        entry = config.pop("optimizer_map")
        if isinstance(entry, dict):
            entry = OptimizerMap.from_config(entry.get("config", entry), custom_objects=custom_objects)
        return cls(entry, **config)
